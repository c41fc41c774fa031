//! Unit tests of the model, idiom by idiom: every test checks the values the model
//! derives and the source ranges it keeps for them.

use rnix::TextRange;

use super::*;

// ---- helpers ------------------------------------------------------------------------

fn model(src: &str) -> Model {
    Model::build(&rnix::Root::parse(src).tree())
}

/// The source text a range points at.
fn text_at(src: &str, range: TextRange) -> &str {
    &src[range]
}

/// The byte range of the `n`th (0-based) occurrence of `needle` in `src`.
fn nth_range(src: &str, needle: &str, n: usize) -> TextRange {
    let start = src
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} occurs fewer than {} times", n + 1))
        .0;
    TextRange::new(
        (start as u32).into(),
        ((start + needle.len()) as u32).into(),
    )
}

/// The byte range of the last occurrence of `needle` in `src`.
fn last_range(src: &str, needle: &str) -> TextRange {
    let start = src.rfind(needle).expect("needle occurs");
    TextRange::new(
        (start as u32).into(),
        ((start + needle.len()) as u32).into(),
    )
}

/// A string literal's range without its quotes.
fn unquoted(r: TextRange) -> TextRange {
    TextRange::new(
        r.start() + rnix::TextSize::from(1),
        r.end() - rnix::TextSize::from(1),
    )
}

fn paths(m: &Model) -> Vec<String> {
    m.defs.iter().map(Def::path_string).collect()
}

/// Definitions of exactly the dotted `path` (`*` matches one segment).
fn defs<'m>(m: &'m Model, path: &str) -> Vec<&'m Def> {
    let p: Vec<&str> = path.split('.').collect();
    m.defs
        .iter()
        .filter(|d| d.strip_prefix(&p).is_some_and(<[_]>::is_empty))
        .collect()
}

/// The single definition at `path`.
fn the_def<'m>(m: &'m Model, path: &str) -> &'m Def {
    let ds = defs(m, path);
    assert_eq!(
        ds.len(),
        1,
        "definitions of {path}; all paths: {:?}",
        paths(m)
    );
    ds[0]
}

fn str_of(m: &Model, t: ThunkId) -> Str {
    match m.ev.force_plain(t) {
        Value::Str(s) => s,
        other => panic!("expected a string, got {other:?}"),
    }
}

/// The fully known string value of the single definition at `path`.
fn known_str(m: &Model, path: &str) -> String {
    str_of(m, the_def(m, path).value)
        .known()
        .unwrap_or_else(|| panic!("{path} is not fully known"))
}

fn int_of(m: &Model, t: ThunkId) -> i64 {
    match m.ev.force_plain(t) {
        Value::Int(i) => i,
        other => panic!("expected an integer, got {other:?}"),
    }
}

fn int_at(m: &Model, path: &str) -> i64 {
    int_of(m, the_def(m, path).value)
}

/// The source text of the value of the single definition at `path`.
fn value_src<'s>(src: &'s str, m: &Model, path: &str) -> &'s str {
    text_at(src, m.ev.range(the_def(m, path).value))
}

fn list_of(m: &Model, t: ThunkId) -> Vec<Elem> {
    match m.ev.force_plain(t) {
        Value::List(items) => items.to_vec(),
        other => panic!("expected a list, got {other:?}"),
    }
}

/// Known strings of list elements; `None` for anything else (splices, unknowns).
fn elem_strs(m: &Model, elems: &[Elem]) -> Vec<Option<String>> {
    elems
        .iter()
        .map(|e| match e {
            Elem::One(t) => match m.ev.force_plain(*t) {
                Value::Str(s) => s.known(),
                _ => None,
            },
            Elem::Splice(_) => None,
        })
        .collect()
}

fn commands<'m>(m: &'m Model, component: &str) -> Vec<&'m Command> {
    m.commands
        .iter()
        .filter(|c| c.component == component)
        .collect()
}

fn the_command<'m>(m: &'m Model, component: &str) -> &'m Command {
    let cs = commands(m, component);
    assert_eq!(
        cs.len(),
        1,
        "commands of {component}; all: {:?}",
        m.commands.iter().map(|c| c.component).collect::<Vec<_>>()
    );
    cs[0]
}

fn flag(cmd: &Command, name: &str) -> Flag {
    let flags = cmd.flags();
    let names: Vec<String> = flags.iter().map(|f| f.name.clone()).collect();
    flags
        .iter()
        .find(|f| f.name == name)
        .cloned()
        .unwrap_or_else(|| panic!("no flag {name}; flags: {names:?}"))
}

fn flag_names(cmd: &Command) -> Vec<String> {
    cmd.flags().iter().map(|f| f.name.clone()).collect()
}

fn flag_value(f: &Flag) -> String {
    f.value
        .as_ref()
        .and_then(Str::known)
        .unwrap_or_else(|| panic!("flag {} has no known value", f.name))
}

fn flag_value_range(f: &Flag) -> TextRange {
    f.value
        .as_ref()
        .and_then(Str::range)
        .expect("a value range")
}

/// Known words of an argv; `None` for opaque arguments and partly unknown words.
fn words(args: &[Arg]) -> Vec<Option<String>> {
    args.iter().map(|a| a.word().and_then(Str::known)).collect()
}

/// Runs `f` on a thread with the default 2 MiB stack, failing if it does not finish.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the evaluation thread panicked or overflowed");
}

// ---- module shapes ------------------------------------------------------------------

#[test]
fn bare_attrset_module() {
    let src = r#"{ networking.hostName = "node1"; }"#;
    let m = model(src);
    assert_eq!(paths(&m), ["networking.hostName"]);
    let d = the_def(&m, "networking.hostName");
    assert_eq!(text_at(src, d.path[0].range), "networking");
    assert_eq!(text_at(src, d.path[1].range), "hostName");
    assert_eq!(text_at(src, m.ev.range(d.value)), r#""node1""#);
    let s = str_of(&m, d.value);
    assert_eq!(s.known().as_deref(), Some("node1"));
    assert_eq!(text_at(src, s.range().unwrap()), "node1");
    assert_eq!((d.prio, d.order, d.conditional), (100, 1000, false));
}

#[test]
fn module_function_with_args() {
    let src = r#"{ config, lib, pkgs, ... }: { services.kubernetes.roles = [ "master" "node" ]; }"#;
    let m = model(src);
    assert_eq!(paths(&m), ["services.kubernetes.roles"]);
    let d = the_def(&m, "services.kubernetes.roles");
    assert_eq!(text_at(src, d.path[2].range), "roles");
    let elems = list_of(&m, d.value);
    assert_eq!(
        elem_strs(&m, &elems),
        [Some("master".into()), Some("node".into())]
    );
    let Elem::One(t) = elems[1] else {
        panic!("splice")
    };
    assert_eq!(text_at(src, m.ev.range(t)), r#""node""#);
}

#[test]
fn explicit_options_and_config_only_config_defines() {
    let src = r#"{ lib, ... }: {
  options.my.enable = lib.mkOption { default = false; };
  config.my.port = 6443;
}"#;
    let m = model(src);
    assert_eq!(paths(&m), ["my.port"]);
    let d = the_def(&m, "my.port");
    assert_eq!(int_of(&m, d.value), 6443);
    // `my` of `config.my.port`, not of `options.my.enable`.
    assert_eq!(d.path[0].range, nth_range(src, "my", 1));
    assert_eq!(text_at(src, m.ev.range(d.value)), "6443");
    assert!(defs(&m, "my.enable").is_empty());
    assert!(defs(&m, "config.my.port").is_empty());
}

#[test]
fn imports_are_recorded_not_defined() {
    let src = r#"{ ... }: { imports = [ ./a.nix ./hw/b.nix ]; x = 1; }"#;
    let m = model(src);
    assert_eq!(paths(&m), ["x"]);
    let imports: Vec<&str> = m.imports.iter().map(|r| text_at(src, *r)).collect();
    assert_eq!(imports, ["./a.nix", "./hw/b.nix"]);
}

// ---- attribute paths ----------------------------------------------------------------

#[test]
fn nested_dotted_and_quoted_paths_are_the_same_definition() {
    let nested = r#"{ systemd = { services = { kubelet = { enable = true; }; }; }; }"#;
    let dotted = r#"{ systemd.services.kubelet.enable = true; }"#;
    let quoted = r#"{ "systemd".services."kubelet".enable = true; }"#;
    for (src, key_text) in [
        (nested, "kubelet"),
        (dotted, "kubelet"),
        (quoted, r#""kubelet""#),
    ] {
        let m = model(src);
        assert_eq!(paths(&m), ["systemd.services.kubelet.enable"], "{src}");
        let d = the_def(&m, "systemd.services.kubelet.enable");
        assert_eq!(text_at(src, d.path[2].range), key_text, "{src}");
        assert_eq!(text_at(src, m.ev.range(d.value)), "true", "{src}");
        assert!(matches!(m.ev.force(d.value), Value::Bool(true)), "{src}");
        assert_eq!(m.units.len(), 1);
        assert_eq!(m.units[0].name(), Some("kubelet"));
    }
    let m = model(quoted);
    assert_eq!(
        text_at(
            quoted,
            the_def(&m, "systemd.services.kubelet.enable").path[0].range
        ),
        r#""systemd""#
    );
}

#[test]
fn attrset_and_dotted_definitions_merge() {
    for src in [
        r#"{ a = { x = 1; }; a.y = 2; }"#,
        r#"{ a.y = 2; a = { x = 1; }; }"#,
    ] {
        let m = model(src);
        let mut p = paths(&m);
        p.sort();
        assert_eq!(p, ["a.x", "a.y"], "{src}");
        assert_eq!(int_at(&m, "a.x"), 1);
        assert_eq!(int_at(&m, "a.y"), 2);
        assert_eq!(text_at(src, the_def(&m, "a.x").path[1].range), "x");
        assert_eq!(value_src(src, &m, "a.x"), "1");
        assert_eq!(value_src(src, &m, "a.y"), "2");
    }
}

#[test]
fn interpolated_key_with_let_bound_name_is_known() {
    let src = r#"let name = "kubelet"; in { systemd.services."${name}".enable = true; }"#;
    let m = model(src);
    let d = the_def(&m, "systemd.services.kubelet.enable");
    assert_eq!(d.path[2].key.known(), Some("kubelet"));
    assert_eq!(text_at(src, d.path[2].range), r#""${name}""#);
    assert_eq!(m.units[0].name(), Some("kubelet"));
}

#[test]
fn interpolated_key_with_unknown_name_is_partial() {
    let src = r#"{ config, ... }: { systemd.services."${config.prefix}-node".d = 1; }"#;
    let m = model(src);
    assert_eq!(paths(&m), ["systemd.services.<name>.d"]);
    let d = the_def(&m, "systemd.services.*.d");
    let Key::Partial(s) = &d.path[2].key else {
        panic!("expected a partial key, got {:?}", d.path[2].key)
    };
    assert_eq!(s.known(), None);
    assert_eq!(s.known_suffix(), "-node");
    assert_eq!(text_at(src, d.path[2].range), r#""${config.prefix}-node""#);
    let Piece::Hole { range, .. } = &s.pieces[0] else {
        panic!("expected a hole first")
    };
    assert_eq!(text_at(src, *range), "${config.prefix}");
    assert_eq!(m.units.len(), 1);
    assert_eq!(m.units[0].name(), None);
    assert_eq!(int_of(&m, d.value), 1);
}

// ---- scopes -------------------------------------------------------------------------

#[test]
fn let_in_binding_is_known() {
    let src = r#"let port = 6443; host = "h"; in { a = port; b = host; }"#;
    let m = model(src);
    assert_eq!(int_at(&m, "a"), 6443);
    assert_eq!(known_str(&m, "b"), "h");
    // The definition's value is the expression written there; the string keeps its origin.
    assert_eq!(value_src(src, &m, "a"), "port");
    let s = str_of(&m, the_def(&m, "b").value);
    assert_eq!(s.range().unwrap(), unquoted(nth_range(src, "\"h\"", 0)));
}

#[test]
fn rec_attrset_sees_its_own_attributes() {
    let src = r#"rec { host = "node1"; fqdn = "${host}.example.org"; }"#;
    let m = model(src);
    assert_eq!(known_str(&m, "fqdn"), "node1.example.org");
    let s = str_of(&m, the_def(&m, "fqdn").value);
    assert_eq!(text_at(src, s.pieces[0].range()), "node1");
    assert_eq!(text_at(src, s.pieces[1].range()), ".example.org");
}

#[test]
fn plain_attrset_does_not_see_its_own_attributes() {
    let src = r#"{ host = "node1"; fqdn = "${host}.example.org"; }"#;
    let m = model(src);
    let s = str_of(&m, the_def(&m, "fqdn").value);
    assert_eq!(s.known(), None);
    assert_eq!(s.known_suffix(), ".example.org");
}

#[test]
fn inherit_from_let() {
    let src = r#"let x = "v"; in { inherit x; }"#;
    let m = model(src);
    assert_eq!(known_str(&m, "x"), "v");
    let d = the_def(&m, "x");
    assert_eq!(d.path[0].range, nth_range(src, "x", 1));
    assert_eq!(m.ev.range(d.value), nth_range(src, "x", 1));
}

#[test]
fn let_inherit_sees_enclosing_scope() {
    let src = r#"let x = "v"; in let inherit x; y = x + "!"; in { a = x; b = y; }"#;
    let m = model(src);
    assert_eq!(known_str(&m, "a"), "v");
    assert_eq!(known_str(&m, "b"), "v!");
    let s = str_of(&m, the_def(&m, "a").value);
    assert_eq!(s.range().unwrap(), unquoted(nth_range(src, "\"v\"", 0)));
}

#[test]
fn inherit_from_lib() {
    let src = r#"{ lib, config, ... }:
let inherit (lib) mkIf mkForce; in
{ a = mkIf config.x "on"; b = mkForce 2; }"#;
    let m = model(src);
    let a = the_def(&m, "a");
    assert!(a.conditional);
    assert_eq!(text_at(src, m.ev.range(a.value)), r#""on""#);
    let b = the_def(&m, "b");
    assert_eq!(b.prio, 50);
    assert_eq!(int_of(&m, b.value), 2);
}

#[test]
fn with_pkgs_makes_packages() {
    let src = r#"{ pkgs, ... }: { environment.systemPackages = with pkgs; [ util-linux unixtools.mount ]; }"#;
    let m = model(src);
    let elems = list_of(&m, the_def(&m, "environment.systemPackages").value);
    let pkgs: Vec<String> = elems
        .iter()
        .map(|e| match e {
            Elem::One(t) => match m.ev.force(*t) {
                Value::Package(p) => p.to_string(),
                other => panic!("expected a package, got {other:?}"),
            },
            Elem::Splice(_) => panic!("splice"),
        })
        .collect();
    assert_eq!(pkgs, ["util-linux", "unixtools.mount"]);
    let Elem::One(t) = elems[0] else { panic!() };
    assert_eq!(text_at(src, m.ev.range(t)), "util-linux");
}

#[test]
fn lexical_bindings_shadow_with() {
    let src = r#"{ pkgs, ... }:
let util-linux = "mine"; in
{
  a = with pkgs; util-linux;
  b = with { x = "ns"; }; (x: x) "param";
  c = with { true = false; }; true;
  d = with pkgs; kubectl;
}"#;
    let m = model(src);
    assert_eq!(known_str(&m, "a"), "mine");
    assert_eq!(known_str(&m, "b"), "param");
    // Builtin globals are not shadowed by `with` either.
    assert!(matches!(
        m.ev.force(the_def(&m, "c").value),
        Value::Bool(true)
    ));
    assert!(matches!(m.ev.force(the_def(&m, "d").value), Value::Package(p) if &*p == "kubectl"));
}

#[test]
fn at_pattern_and_dynamic_keys() {
    let src = r#"args@{ pkgs, ... }: let name = "k"; in {
  a = args.pkgs.hello;
  ${name} = 1;
  b.${"x" + "y"} = 2;
}"#;
    let m = model(src);
    assert!(matches!(m.ev.force(the_def(&m, "a").value), Value::Package(p) if &*p == "hello"));
    assert_eq!(int_at(&m, "k"), 1);
    assert_eq!(text_at(src, the_def(&m, "k").path[0].range), "${name}");
    assert_eq!(int_at(&m, "b.xy"), 2);
    assert_eq!(
        text_at(src, the_def(&m, "b.xy").path[1].range),
        r#"${"x" + "y"}"#
    );
}

#[test]
fn other_function_arguments_are_unknown() {
    let src = r#"{ config, options, modulesPath, myArg, ... }: {
  a = config.networking.hostName;
  b = modulesPath;
  c = myArg;
  d = options.foo;
}"#;
    let m = model(src);
    for p in ["a", "b", "c", "d"] {
        let v = m.ev.force(the_def(&m, p).value);
        assert!(v.is_unknown(), "{p}: {v:?}");
    }
    assert_eq!(value_src(src, &m, "a"), "config.networking.hostName");
}

#[test]
fn user_lambda_applied_to_known_argument() {
    let src = r#"let flag = name: value: "--${name}=${toString value}"; in { a = flag "v" 2; }"#;
    let m = model(src);
    assert_eq!(known_str(&m, "a"), "--v=2");
    let s = str_of(&m, the_def(&m, "a").value);
    // `--` comes from the lambda's body, `v` from the argument.
    assert_eq!(text_at(src, s.pieces[0].range()), "--");
    assert_eq!(text_at(src, s.pieces[1].range()), r#"v"#);
    assert_eq!(s.pieces[1].range(), unquoted(last_range(src, "\"v\"")));
}

// ---- module functions ---------------------------------------------------------------

#[test]
fn mkif_unknown_condition_is_conditional() {
    let src = r#"{ config, lib, ... }: {
  services.k = lib.mkIf config.k.enable { enable = true; port = 10250; };
}"#;
    let m = model(src);
    let mut p = paths(&m);
    p.sort();
    assert_eq!(p, ["services.k.enable", "services.k.port"]);
    for d in &m.defs {
        assert!(d.conditional, "{}", d.path_string());
    }
    let port = the_def(&m, "services.k.port");
    assert_eq!(int_of(&m, port.value), 10250);
    assert_eq!(text_at(src, m.ev.range(port.value)), "10250");
    assert_eq!(text_at(src, port.path[1].range), "k");
}

#[test]
fn mkif_known_conditions() {
    let src = r#"{ lib, ... }: {
  a = lib.mkIf false 1;
  b = lib.mkIf true 2;
  c = lib.mkIf (1 == 2) 3;
  d = lib.mkIf (!false && true) 4;
}"#;
    let m = model(src);
    let mut p = paths(&m);
    p.sort();
    assert_eq!(p, ["b", "d"]);
    for (path, v) in [("b", 2), ("d", 4)] {
        let d = the_def(&m, path);
        assert!(!d.conditional);
        assert_eq!(int_of(&m, d.value), v);
    }
}

#[test]
fn mkmerge_in_explicit_config() {
    let src = r#"{ config, lib, ... }: {
  config = lib.mkMerge [
    { a = 1; }
    (lib.mkIf config.x { b = 2; })
    (lib.mkIf false { c = 3; })
  ];
}"#;
    let m = model(src);
    assert_eq!(paths(&m), ["a", "b"]);
    assert!(!the_def(&m, "a").conditional);
    assert!(the_def(&m, "b").conditional);
    assert_eq!(value_src(src, &m, "b"), "2");
}

#[test]
fn priorities_and_effective() {
    let src = r#"{ lib, ... }: {
  a = lib.mkMerge [
    (lib.mkDefault "dflt")
    (lib.mkForce "forced")
    "plain"
    (lib.mkOverride 10 "ten")
  ];
  b = lib.mkMerge [ (lib.mkDefault "dflt") "p1" "p2" ];
}"#;
    let m = model(src);
    let a = defs(&m, "a");
    let prios: Vec<i64> = a.iter().map(|d| d.prio).collect();
    assert_eq!(prios, [1000, 50, 100, 10]);
    let eff = m.effective(m.defs_at(&["a"]));
    assert_eq!(eff.len(), 1);
    assert_eq!(text_at(src, m.ev.range(eff[0].value)), r#""ten""#);
    assert_eq!(str_of(&m, eff[0].value).known().as_deref(), Some("ten"));

    let eff = m.effective(m.defs_at(&["b"]));
    let vals: Vec<String> = eff
        .iter()
        .map(|d| str_of(&m, d.value).known().unwrap())
        .collect();
    assert_eq!(vals, ["p1", "p2"]);
}

#[test]
fn mkbefore_mkafter_order() {
    let src = r#"{ lib, ... }: {
  xs = lib.mkMerge [ (lib.mkAfter [ "z" ]) [ "m" ] (lib.mkBefore [ "a" ]) (lib.mkOrder 1200 [ "y" ]) ];
}"#;
    let m = model(src);
    let orders: Vec<i64> = defs(&m, "xs").iter().map(|d| d.order).collect();
    assert_eq!(orders, [1500, 1000, 500, 1200]);
    let eff = m.effective(m.defs_at(&["xs"]));
    let elems = m.list_option(&eff).expect("a list option");
    assert_eq!(
        elem_strs(&m, &elems),
        [
            Some("a".into()),
            Some("m".into()),
            Some("y".into()),
            Some("z".into())
        ]
    );
    let Elem::One(t) = elems[0] else { panic!() };
    assert_eq!(text_at(src, m.ev.range(t)), r#""a""#);
}

#[test]
fn optional_attrs_known_conditions() {
    let src = r#"{ lib, ... }: {
  s = lib.optionalAttrs true { a = 1; } // lib.optionalAttrs false { b = 2; };
}"#;
    let m = model(src);
    assert_eq!(paths(&m), ["s.a"]);
    assert_eq!(int_at(&m, "s.a"), 1);
    assert!(!the_def(&m, "s.a").conditional);
    assert_eq!(text_at(src, the_def(&m, "s.a").path[1].range), "a");
}

#[test]
fn optional_attrs_unknown_condition_is_conditional() {
    let src = r#"{ config, lib, ... }: { s = lib.optionalAttrs config.x { a = 1; }; }"#;
    let m = model(src);
    let d = the_def(&m, "s.a");
    assert_eq!(int_of(&m, d.value), 1);
    assert!(d.conditional);
}

#[test]
fn optional_and_optionals() {
    let src = r#"{ lib, ... }: {
  xs = lib.optional true "x" ++ lib.optional false "y"
    ++ lib.optionals true [ "p" "q" ] ++ lib.optionals false [ "r" ];
}"#;
    let m = model(src);
    let elems = list_of(&m, the_def(&m, "xs").value);
    assert_eq!(
        elem_strs(&m, &elems),
        [Some("x".into()), Some("p".into()), Some("q".into())]
    );
    let Elem::One(t) = elems[2] else { panic!() };
    assert_eq!(text_at(src, m.ev.range(t)), r#""q""#);
}

#[test]
fn mkif_via_pkgs_lib() {
    let src = r#"{ config, pkgs, ... }: { a = pkgs.lib.mkIf config.x "v"; b = pkgs.lib.mkIf false "w"; }"#;
    let m = model(src);
    assert_eq!(paths(&m), ["a"]);
    assert!(the_def(&m, "a").conditional);
    assert_eq!(known_str(&m, "a"), "v");
}

#[test]
fn mkif_via_with_lib() {
    let src = r#"{ config, lib, ... }: with lib; { a = mkIf config.x (mkForce "v"); b = mkIf false "w"; }"#;
    let m = model(src);
    assert_eq!(paths(&m), ["a"]);
    let a = the_def(&m, "a");
    assert!(a.conditional);
    assert_eq!(a.prio, 50);
    assert_eq!(text_at(src, m.ev.range(a.value)), r#""v""#);
}

#[test]
fn mkif_let_bound_alias() {
    let src = r#"{ config, lib, ... }:
let mkIf = lib.mkIf; cfg = config.services.k; in
{ a = mkIf cfg.enable "v"; b = mkIf false "w"; }"#;
    let m = model(src);
    assert_eq!(paths(&m), ["a"]);
    let a = the_def(&m, "a");
    assert!(a.conditional);
    assert_eq!(text_at(src, m.ev.range(a.value)), r#""v""#);
}

// ---- operators ----------------------------------------------------------------------

#[test]
fn update_right_side_wins() {
    let src = r#"{ a = { x = 1; y = 2; } // { y = 3; }; }"#;
    let m = model(src);
    let mut p = paths(&m);
    p.sort();
    assert_eq!(p, ["a.x", "a.y"]);
    assert_eq!(int_at(&m, "a.y"), 3);
    assert_eq!(the_def(&m, "a.y").path[1].range, nth_range(src, "y", 1));
    assert_eq!(value_src(src, &m, "a.y"), "3");
}

#[test]
fn update_is_shallow() {
    let src = r#"{ s = { a.b = 1; x = 0; } // { a.c = 2; }; }"#;
    let m = model(src);
    let mut p = paths(&m);
    p.sort();
    assert_eq!(p, ["s.a.c", "s.x"]);
    assert_eq!(value_src(src, &m, "s.a.c"), "2");
}

#[test]
fn unknown_update_keeps_known_right_side() {
    let src = r#"{ config, ... }: {
  a = config.foo // { b = 1; };
  c = { d = 1; } // config.bar;
  open = (config.foo // { b = 1; }) ? z;
  closed = ({ x = 0; } // { b = 1; }) ? z;
  has = (config.foo // { b = 1; }) ? b;
}"#;
    let m = model(src);
    assert_eq!(int_at(&m, "a.b"), 1);
    assert_eq!(value_src(src, &m, "a.b"), "1");
    assert_eq!(the_def(&m, "a.b").path[1].range, nth_range(src, "b", 0));
    // The right side may be overridden by nothing, but what the left adds is unknown.
    assert!(defs(&m, "c.d").is_empty());
    assert!(m.ev.force(the_def(&m, "c").value).is_unknown());
    // What `config.foo` adds is not known: the set stays open.
    assert!(m.ev.force(the_def(&m, "open").value).is_unknown());
    assert!(matches!(
        m.ev.force(the_def(&m, "closed").value),
        Value::Bool(false)
    ));
    assert!(matches!(
        m.ev.force(the_def(&m, "has").value),
        Value::Bool(true)
    ));
}

#[test]
fn concat_with_unknown_side_splices() {
    let src = r#"{ config, ... }: { xs = [ "a" ] ++ config.extra ++ [ "b" ]; }"#;
    let m = model(src);
    let elems = list_of(&m, the_def(&m, "xs").value);
    assert_eq!(elems.len(), 3);
    assert!(matches!(elems[0], Elem::One(_)));
    let Elem::Splice(r) = elems[1] else {
        panic!("expected a splice, got {:?}", elems[1])
    };
    assert_eq!(text_at(src, r), "config.extra");
    assert_eq!(
        elem_strs(&m, &elems),
        [Some("a".into()), None, Some("b".into())]
    );
}

#[test]
fn plus_on_strings() {
    let src = r#"{ config, ... }: let p = "6443"; in {
  a = "--port=" + p;
  b = config.x + "-suffix";
  c = "a" + "b" + "c";
}"#;
    let m = model(src);
    assert_eq!(known_str(&m, "a"), "--port=6443");
    let a = str_of(&m, the_def(&m, "a").value);
    assert_eq!(text_at(src, a.pieces[0].range()), "--port=");
    assert_eq!(text_at(src, a.pieces[1].range()), "6443");
    let b = str_of(&m, the_def(&m, "b").value);
    assert_eq!(b.known(), None);
    assert_eq!(b.known_suffix(), "-suffix");
    assert_eq!(text_at(src, b.pieces[0].range()), "config.x");
    assert_eq!(known_str(&m, "c"), "abc");
}

// ---- strings ------------------------------------------------------------------------

#[test]
fn interpolation_with_partially_known_result() {
    let src = r#"{ config, ... }: { a = "${config.networking.hostName}.local"; }"#;
    let m = model(src);
    let s = str_of(&m, the_def(&m, "a").value);
    assert_eq!(s.known(), None);
    assert_eq!(s.known_suffix(), ".local");
    assert_eq!(s.known_prefix(), "");
    assert_eq!(s.pieces.len(), 2);
    let Piece::Hole { range, package } = &s.pieces[0] else {
        panic!("expected a hole")
    };
    assert_eq!(text_at(src, *range), "${config.networking.hostName}");
    assert!(package.is_none());
    assert_eq!(text_at(src, s.pieces[1].range()), ".local");
}

#[test]
fn package_interpolation_is_a_named_hole() {
    let src = r#"{ pkgs, ... }: { a = "${pkgs.util-linux}/bin/mount"; }"#;
    let m = model(src);
    let s = str_of(&m, the_def(&m, "a").value);
    assert_eq!(s.packages().collect::<Vec<_>>(), ["util-linux"]);
    assert_eq!(s.known_suffix(), "/bin/mount");
    assert_eq!(
        text_at(src, s.range().unwrap()),
        "${pkgs.util-linux}/bin/mount"
    );
}

#[test]
fn indented_string_strips_indentation_keeps_ranges() {
    let src = "{ a = ''\n    line one\n      indented\n\n    last\n  ''; }";
    let m = model(src);
    assert_eq!(known_str(&m, "a"), "line one\n  indented\n\nlast\n");
    let s = str_of(&m, the_def(&m, "a").value);
    // Locating text in the stripped string gives verbatim source ranges.
    let at = known_str(&m, "a").find("indented").unwrap();
    let r = s.locate(at, at + "indented".len()).unwrap();
    assert_eq!(r, nth_range(src, "indented", 0));
    let at = known_str(&m, "a").find("last").unwrap();
    assert_eq!(text_at(src, s.locate(at, at + 4).unwrap()), "last");
    assert_eq!(text_at(src, s.locate(0, 8).unwrap()), "line one");
}

#[test]
fn indented_string_with_interpolation() {
    let src = "{ pkgs, ... }: { a = ''\n    ${pkgs.kubernetes}/bin/kubelet\n      --v=2\n  ''; }";
    let m = model(src);
    let s = str_of(&m, the_def(&m, "a").value);
    assert_eq!(s.known(), None);
    assert_eq!(s.known_suffix(), "/bin/kubelet\n  --v=2\n");
    assert_eq!(s.packages().collect::<Vec<_>>(), ["kubernetes"]);
}

#[test]
fn string_escapes() {
    let src = r#"{ a = "q\"t\n\${c}\\d"; b = ''
  x ''${y} z'''w ''\t.
''; }"#;
    let m = model(src);
    assert_eq!(known_str(&m, "a"), "q\"t\n${c}\\d");
    assert_eq!(known_str(&m, "b"), "x ${y} z''w \t.\n");
    assert_eq!(value_src(src, &m, "a"), r#""q\"t\n\${c}\\d""#);
}

#[test]
fn concat_strings_sep() {
    let src = r#"{ config, lib, ... }: {
  a = builtins.concatStringsSep "," [ "x" "y" "z" ];
  b = lib.concatStringsSep " " [ "--a" config.b ];
  c = lib.strings.concatStringsSep "," ([ "x" ] ++ config.more);
}"#;
    let m = model(src);
    assert_eq!(known_str(&m, "a"), "x,y,z");
    let s = str_of(&m, the_def(&m, "a").value);
    assert_eq!(text_at(src, s.pieces[2].range()), "y");
    let b = str_of(&m, the_def(&m, "b").value);
    assert_eq!(b.known(), None);
    assert_eq!(b.known_prefix(), "--a ");
    let Piece::Hole { range, .. } = b.pieces.last().unwrap() else {
        panic!("expected a hole")
    };
    assert_eq!(text_at(src, *range), "config.b");
    let c = str_of(&m, the_def(&m, "c").value);
    assert_eq!(c.known_prefix(), "x,");
    assert_eq!(c.known(), None);
}

#[test]
fn concat_map_strings() {
    let src = r#"{ lib, ... }: { a = lib.concatMapStrings (x: "--${x} ") [ "a" "b" ]; b = lib.concatMapStringsSep "," (x: x + "!") [ "p" "q" ]; }"#;
    let m = model(src);
    assert_eq!(known_str(&m, "a"), "--a --b ");
    assert_eq!(known_str(&m, "b"), "p!,q!");
    let s = str_of(&m, the_def(&m, "a").value);
    assert_eq!(text_at(src, s.pieces[1].range()), "a");
    // The `a` of the argument list, not the `a` of the attribute name.
    assert_eq!(s.pieces[1].range(), unquoted(last_range(src, "\"a\"")));
}

#[test]
fn escape_shell_args() {
    let src = r#"{ lib, ... }: { a = lib.escapeShellArgs [ "plain" "two words" "it's" "" ]; b = lib.escapeShellArg "--x=1"; c = lib.escapeShellArg "/a/b:c"; }"#;
    let m = model(src);
    assert_eq!(known_str(&m, "a"), r#"plain 'two words' 'it'\''s' ''"#);
    // `=` is not in nixpkgs' safe set.
    assert_eq!(known_str(&m, "b"), "'--x=1'");
    assert_eq!(known_str(&m, "c"), "/a/b:c");
    let s = str_of(&m, the_def(&m, "a").value);
    assert_eq!(text_at(src, s.pieces[0].range()), "plain");
}

#[test]
fn to_string_of_lists_ints_bools() {
    let src = r#"{
  a = toString [ 1 true false "x" [ 2 3 ] ];
  b = toString 42;
  c = toString true;
  d = builtins.toString false;
  e = toString null;
  f = "${toString 10250}";
}"#;
    let m = model(src);
    assert_eq!(known_str(&m, "a"), "1 1  x 2 3");
    assert_eq!(known_str(&m, "b"), "42");
    assert_eq!(known_str(&m, "c"), "1");
    assert_eq!(known_str(&m, "d"), "");
    assert_eq!(known_str(&m, "e"), "");
    assert_eq!(known_str(&m, "f"), "10250");
    let s = str_of(&m, the_def(&m, "b").value);
    assert_eq!(text_at(src, s.range().unwrap()), "42");
}

// ---- command lines ------------------------------------------------------------------

#[test]
fn exec_start_string() {
    let src = r#"{ pkgs, ... }: {
  systemd.services.kubelet.serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --config=/etc/k.yaml --v 2 --fail-swap-on --x";
}"#;
    let m = model(src);
    assert_eq!(m.units.len(), 1);
    assert_eq!(m.units[0].name(), Some("kubelet"));
    let cmd = the_command(&m, "kubelet");
    assert!(matches!(cmd.origin, Origin::Unit(0)));
    assert_eq!(text_at(src, cmd.range), "${pkgs.kubernetes}/bin/kubelet");
    assert_eq!(
        flag_names(cmd),
        ["--config", "--v", "--fail-swap-on", "--x"]
    );
    let f = flag(cmd, "--config");
    assert_eq!(text_at(src, f.name_range), "--config");
    assert_eq!(flag_value(&f), "/etc/k.yaml");
    assert_eq!(text_at(src, flag_value_range(&f)), "/etc/k.yaml");
    assert_eq!(f.index, 0);
    let f = flag(cmd, "--v");
    assert_eq!(text_at(src, f.name_range), "--v");
    assert_eq!(flag_value(&f), "2");
    assert_eq!(text_at(src, flag_value_range(&f)), "2");
    assert_eq!(f.index, 1);
    // A flag followed by a flag takes no value.
    assert!(flag(cmd, "--fail-swap-on").value.is_none());
    assert!(!cmd.has_opaque());
}

#[test]
fn exec_start_multi_line_with_continuations() {
    let src = r#"{ pkgs, ... }: {
  systemd.services.apiserver.serviceConfig.ExecStart = ''
    ${pkgs.kubernetes}/bin/kube-apiserver \
      --etcd-servers=https://127.0.0.1:2379 \
      --secure-port 6443 \
      --anonymous-auth=false
  '';
}"#;
    let m = model(src);
    let cmd = the_command(&m, "kube-apiserver");
    assert_eq!(
        text_at(src, cmd.range),
        "${pkgs.kubernetes}/bin/kube-apiserver"
    );
    assert_eq!(
        flag_names(cmd),
        ["--etcd-servers", "--secure-port", "--anonymous-auth"]
    );
    let f = flag(cmd, "--etcd-servers");
    assert_eq!(text_at(src, f.name_range), "--etcd-servers");
    assert_eq!(flag_value(&f), "https://127.0.0.1:2379");
    assert_eq!(text_at(src, flag_value_range(&f)), "https://127.0.0.1:2379");
    let f = flag(cmd, "--secure-port");
    assert_eq!(flag_value(&f), "6443");
    assert_eq!(text_at(src, flag_value_range(&f)), "6443");
    let f = flag(cmd, "--anonymous-auth");
    assert_eq!(flag_value(&f), "false");
    assert_eq!(f.name_range, nth_range(src, "--anonymous-auth", 0));
    assert_eq!(cmd.args.len(), 4);
}

#[test]
fn exec_start_list() {
    let src = r#"{ pkgs, ... }: {
  systemd.services.proxy.serviceConfig.ExecStart = [
    ""
    "${pkgs.kubernetes}/bin/kube-proxy --hostname-override=node1"
  ];
}"#;
    let m = model(src);
    let cmd = the_command(&m, "kube-proxy");
    assert!(matches!(cmd.origin, Origin::Unit(0)));
    let f = flag(cmd, "--hostname-override");
    assert_eq!(flag_value(&f), "node1");
    assert_eq!(text_at(src, flag_value_range(&f)), "node1");
    assert_eq!(text_at(src, f.name_range), "--hostname-override");
    assert_eq!(m.commands.len(), 1);
}

#[test]
fn script_with_exec_and_env() {
    let src = r#"{ pkgs, ... }: {
  systemd.services.kubelet.script = ''
    # start the kubelet
    export PATH=/bin
    KUBECONFIG=/etc/kubernetes/kubelet.conf exec ${pkgs.kubernetes}/bin/kubelet \
      --node-ip=10.0.0.2 --v=2
  '';
}"#;
    let m = model(src);
    let cmd = the_command(&m, "kubelet");
    assert_eq!(text_at(src, cmd.range), "${pkgs.kubernetes}/bin/kubelet");
    assert_eq!(
        words(&cmd.args),
        [Some("--node-ip=10.0.0.2".into()), Some("--v=2".into())]
    );
    let f = flag(cmd, "--node-ip");
    assert_eq!(text_at(src, f.name_range), "--node-ip");
    assert_eq!(text_at(src, flag_value_range(&f)), "10.0.0.2");
    // The other commands of the script are argvs of the unit, not commands.
    let argvs = m.units[0].argvs(&m);
    assert_eq!(argvs.len(), 2);
    assert_eq!(
        words(&argvs[0]),
        [Some("export".into()), Some("PATH=/bin".into())]
    );
}

#[test]
fn module_extra_opts() {
    let src = r#"{ ... }: {
  services.kubernetes.apiserver = {
    enable = true;
    extraOpts = "--service-node-port-range=80-32767 --audit-log-path /var/log/audit.log";
  };
}"#;
    let m = model(src);
    let cmd = the_command(&m, "kube-apiserver");
    assert!(matches!(
        cmd.origin,
        Origin::Module("services.kubernetes.apiserver")
    ));
    assert_eq!(text_at(src, cmd.range), "apiserver");
    let f = flag(cmd, "--service-node-port-range");
    assert_eq!(flag_value(&f), "80-32767");
    assert_eq!(text_at(src, f.name_range), "--service-node-port-range");
    assert_eq!(text_at(src, flag_value_range(&f)), "80-32767");
    let f = flag(cmd, "--audit-log-path");
    assert_eq!(text_at(src, flag_value_range(&f)), "/var/log/audit.log");
    // No other module component is configured.
    assert_eq!(m.commands.len(), 1);
}

#[test]
fn module_extra_opts_merged() {
    let src = r#"{ lib, ... }: {
  services.kubernetes.kubelet.extraOpts = lib.mkMerge [ "--max-pods=200" (lib.mkAfter "--v=4") "--node-ip=10.0.0.5" ];
}"#;
    let m = model(src);
    let cmd = the_command(&m, "kubelet");
    assert_eq!(text_at(src, cmd.range), "kubelet");
    assert_eq!(flag_names(cmd), ["--max-pods", "--node-ip", "--v"]);
    assert_eq!(text_at(src, flag(cmd, "--v").name_range), "--v");
    assert_eq!(
        text_at(src, flag_value_range(&flag(cmd, "--node-ip"))),
        "10.0.0.5"
    );
}

#[test]
fn unit_from_open_attrset_is_opaque() {
    let src = r#"{ config, ... }: { systemd.services.k = config.base // { description = "x"; }; }"#;
    let m = model(src);
    assert_eq!(m.units.len(), 1);
    assert_eq!(text_at(src, m.units[0].name_range), "k");
    assert!(m.units[0].opaque);
}

#[test]
fn unit_with_unknown_value_is_opaque() {
    let src = r#"{ config, ... }: { systemd.services.k = config.base; systemd.services.j.enable = true; }"#;
    let m = model(src);
    let k = m.units.iter().find(|u| u.name() == Some("k")).unwrap();
    let j = m.units.iter().find(|u| u.name() == Some("j")).unwrap();
    assert!(k.opaque);
    assert!(!j.opaque);
    assert_eq!(text_at(src, k.name_range), "k");
}

#[test]
fn gnu_command_line_shell() {
    let src = r#"{ pkgs, lib, ... }: {
  systemd.services.api.serviceConfig.ExecStart =
    "${pkgs.kubernetes}/bin/kube-apiserver ${lib.cli.toGNUCommandLineShell { } { authorization-mode = "RBAC"; v = 2; }}";
}"#;
    let m = model(src);
    let cmd = the_command(&m, "kube-apiserver");
    assert_eq!(
        words(&cmd.args),
        [
            Some("--authorization-mode".into()),
            Some("RBAC".into()),
            Some("-v".into()),
            Some("2".into())
        ]
    );
    let f = flag(cmd, "--authorization-mode");
    assert_eq!(flag_value(&f), "RBAC");
    assert_eq!(text_at(src, flag_value_range(&f)), "RBAC");
    // The generated name points at the attribute that produced it.
    assert_eq!(text_at(src, f.name_range), "authorization-mode");
    assert_eq!(flag_names(cmd), ["--authorization-mode"]);
}

#[test]
fn component_decided_by_executable() {
    let src = r#"{ pkgs, ... }: {
  systemd.services.kubelet = {
    description = "kubelet";
    serviceConfig.ExecStart = "${pkgs.coreutils}/bin/sleep infinity";
  };
  systemd.services.helper = {
    description = "Kubernetes helper";
    serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kube-proxy --v=1";
  };
}"#;
    let m = model(src);
    assert!(commands(&m, "kubelet").is_empty());
    let cmd = the_command(&m, "kube-proxy");
    let Origin::Unit(i) = cmd.origin else {
        panic!("expected a unit")
    };
    assert_eq!(m.units[i].name(), Some("helper"));
    assert_eq!(m.commands.len(), 1);
}

#[test]
fn unknown_standalone_interpolation_is_opaque() {
    let src = r#"{ config, pkgs, ... }: let cfg = config.services.k; in {
  systemd.services.k.serviceConfig.ExecStart = "${pkgs.kubernetes}/bin/kubelet --a=b ${cfg.extraFlags} --c=${cfg.c}";
}"#;
    let m = model(src);
    let cmd = the_command(&m, "kubelet");
    assert_eq!(cmd.args.len(), 3);
    let Arg::Opaque(r) = cmd.args[1] else {
        panic!("expected an opaque argument, got {:?}", cmd.args[1])
    };
    assert_eq!(text_at(src, r), "${cfg.extraFlags}");
    assert!(cmd.has_opaque());
    assert!(cmd.opaque_after(0));
    assert!(!cmd.opaque_after(1));
    // A word with a hole inside is still a word with a known flag name.
    let f = flag(cmd, "--c");
    assert_eq!(f.value.as_ref().unwrap().known(), None);
    assert_eq!(
        text_at(src, f.value.as_ref().unwrap().range().unwrap()),
        "${cfg.c}"
    );
}

// ---- objects ------------------------------------------------------------------------

#[test]
fn let_bound_kubeconfig_fed_to_to_json() {
    let src = r#"{ pkgs, ... }:
let
  master = "10.0.0.1";
  kubeconfig = {
    apiVersion = "v1";
    kind = "Config";
    clusters = [ { name = "local"; cluster = { server = "https://${master}:6443"; }; } ];
  };
in {
  environment.etc."kubernetes/kubelet.kubeconfig".text = builtins.toJSON kubeconfig;
}"#;
    let m = model(src);
    assert_eq!(m.objects.len(), 1);
    let o = &m.objects[0];
    assert_eq!(o.kind, ObjectKind::Kubeconfig);
    assert!(text_at(src, o.range).starts_with("{\n    apiVersion"));
    let servers = o.cluster_servers(&m.ev);
    assert_eq!(servers.len(), 1);
    assert_eq!(
        str_of(&m, servers[0]).known().as_deref(),
        Some("https://10.0.0.1:6443")
    );
    assert_eq!(
        text_at(src, m.ev.range(servers[0])),
        r#""https://${master}:6443""#
    );
    // The option holding the JSON is defined, its text unknown.
    let d = the_def(&m, "environment.etc.*.text");
    assert_eq!(d.path[2].key.known(), Some("kubernetes/kubelet.kubeconfig"));
    assert!(m.ev.force(d.value).is_unknown());
}

#[test]
fn kubelet_configuration_object() {
    let src = r#"{ pkgs, ... }: {
  services.kubernetes.kubelet.extraConfig = {
    apiVersion = "kubelet.config.k8s.io/v1beta1";
    kind = "KubeletConfiguration";
    failSwapOn = false;
  };
  other = { kind = "Pod"; };
}"#;
    let m = model(src);
    assert_eq!(m.objects.len(), 1);
    let o = &m.objects[0];
    assert_eq!(o.kind, ObjectKind::KubeletConfiguration);
    assert!(text_at(src, o.range).contains("failSwapOn = false;"));
    let e = o.attrs.get("failSwapOn").unwrap();
    assert_eq!(text_at(src, e.key_range), "failSwapOn");
    assert!(matches!(m.ev.force(e.value), Value::Bool(false)));
}

// ---- termination --------------------------------------------------------------------

/// Runs `f` in a child process running only the test `name`: a stack overflow aborts the
/// process, so the child takes the crash and the parent reports it as this test's failure.
fn isolated(name: &str, f: impl FnOnce()) {
    const CHILD: &str = "NIXK8S_MODEL_TESTS_CHILD";
    if std::env::var_os(CHILD).is_some() {
        return f();
    }
    let module = module_path!()
        .split_once("::")
        .map_or(module_path!(), |(_, m)| m);
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &format!("{module}::{name}"), "--include-ignored"])
        .args(["--test-threads=1", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .expect("run the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} failed in its child process ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rec_self_reference_terminates() {
    isolated("rec_self_reference_terminates", || {
        on_small_stack(|| {
            let m = model("rec { a = a; b = c; c = b; }");
            let mut p = paths(&m);
            p.sort();
            assert_eq!(p, ["a", "b", "c"]);
            for d in &m.defs {
                assert!(m.ev.force(d.value).is_unknown());
            }
        })
    });
}

#[test]
fn let_self_reference_terminates() {
    isolated("let_self_reference_terminates", || {
        on_small_stack(|| {
            let m = model("let x = x; in x");
            assert!(m.defs.is_empty());
            let m = model("{ a = let x = x; in x; b = let y = [ y ]; in y; }");
            assert!(m.ev.force(the_def(&m, "a").value).is_unknown());
            assert_eq!(list_of(&m, the_def(&m, "b").value).len(), 1);
        })
    });
}

#[test]
fn infinite_recursion_through_lambda_terminates() {
    isolated("infinite_recursion_through_lambda_terminates", || {
        on_small_stack(|| {
            let src = "{ a = 1; f = let f = n: f n; in f 1; g = let g = n: g (n + 1) + g (n + 1); in g 0; }";
            let m = model(src);
            assert_eq!(int_at(&m, "a"), 1);
            assert_eq!(value_src(src, &m, "f"), "let f = n: f n; in f 1");
            assert!(m.ev.force(the_def(&m, "f").value).is_unknown());
            assert!(m.ev.force(the_def(&m, "g").value).is_unknown());
        })
    });
}

#[test]
fn deeply_nested_parentheses_terminate() {
    isolated("deeply_nested_parentheses_terminate", || {
        on_small_stack(|| {
            // Within rnix's nesting limit (512): the evaluator's own depth bound applies.
            let n = 500;
            let src = format!("{{ b = 2; a = {}1{}; }}", "(".repeat(n), ")".repeat(n));
            let m = model(&src);
            assert_eq!(paths(&m), ["a", "b"]);
            assert!(matches!(
                m.ev.force(the_def(&m, "a").value),
                Value::Unknown | Value::Int(1)
            ));
            assert_eq!(int_at(&m, "b"), 2);
            // Beyond it: the parser gives up on the rest of the file, the model still builds.
            let n = 5000;
            let src = format!("{{ b = 2; a = {}1{}; }}", "(".repeat(n), ")".repeat(n));
            let m = model(&src);
            assert_eq!(int_at(&m, "b"), 2);
        })
    });
}

#[test]
fn deeply_nested_lists_terminate() {
    isolated("deeply_nested_lists_terminate", || {
        let n = 5000;
        let src = format!(
            "{{ pkgs, ... }}: {{ a = {}\"x\"{}; systemd.services.k.serviceConfig.ExecStart = \"${{pkgs.kubernetes}}/bin/kubelet\"; }}",
            "[ ".repeat(n),
            " ]".repeat(n)
        );
        // rnix's parser recurses without bound into list elements (its depth limit only
        // counts `parse_expr`), so the parse runs on a large stack, the model on a small one.
        let green = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn({
                let src = src.clone();
                move || rnix::Root::parse(&src).syntax().green().to_owned()
            })
            .unwrap()
            .join()
            .unwrap();
        on_small_stack(move || {
            use rowan::ast::AstNode;
            let root = rnix::Root::cast(rnix::SyntaxNode::new_root(green)).unwrap();
            let m = Model::build(&root);
            let a = the_def(&m, "a");
            assert_eq!(list_of(&m, a.value).len(), 1);
            assert!(text_at(&src, m.ev.range(a.value)).starts_with("[ [ [ "));
            let cmd = the_command(&m, "kubelet");
            assert_eq!(cmd.args.len(), 0);
            assert_eq!(text_at(&src, cmd.range), "${pkgs.kubernetes}/bin/kubelet");
        });
    });
}

#[test]
fn long_let_chain_terminates() {
    isolated("long_let_chain_terminates", || {
        on_small_stack(|| {
            let n = 5000;
            let mut src = String::from("let x0 = 1;\n");
            for i in 1..=n {
                src.push_str(&format!("x{i} = x{};\n", i - 1));
            }
            src.push_str(&format!("in {{ a = x{n}; b = x3; }}"));
            let m = model(&src);
            assert!(matches!(
                m.ev.force(the_def(&m, "a").value),
                Value::Unknown | Value::Int(1)
            ));
            assert_eq!(int_at(&m, "b"), 1);
        })
    });
}

#[test]
fn long_inherit_from_chain_terminates() {
    isolated("long_inherit_from_chain_terminates", || {
        on_small_stack(|| {
            let n = 5000;
            let mut src = String::from("let a0 = { x = 1; };\n");
            for i in 1..=n {
                src.push_str(&format!("a{i} = {{ inherit (a{}) x; }};\n", i - 1));
            }
            src.push_str(&format!("in {{ v = a{n}.x; }}"));
            let m = model(&src);
            assert!(matches!(
                m.ev.force(the_def(&m, "v").value),
                Value::Unknown | Value::Int(1)
            ));
        })
    });
}

#[test]
fn long_attribute_path_terminates() {
    isolated("long_attribute_path_terminates", || {
        on_small_stack(|| {
            let n = 5000;
            let src = format!("{{ {} = 1; b = 2; }}", vec!["a"; n].join("."));
            let m = model(&src);
            assert_eq!(int_at(&m, "b"), 2);
            let a = m.defs.iter().find(|d| d.path[0].is("a")).unwrap();
            assert!(a.path.len() <= 49);
        })
    });
}

#[test]
fn deeply_nested_attrsets_terminate() {
    isolated("deeply_nested_attrsets_terminate", || {
        on_small_stack(|| {
            let n = 3000;
            let src = format!("{}1{}", "{ a = ".repeat(n), "; }".repeat(n));
            let m = model(&src);
            assert!(!m.defs.is_empty());
            // Paths are cut at a bounded length.
            assert!(m.defs.iter().all(|d| d.path.len() <= 49));
            assert!(m.defs.iter().all(|d| d.path.iter().all(|s| s.is("a"))));
        })
    });
}
