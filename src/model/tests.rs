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
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no flag {name}; flags: {names:?}"))
}

fn flag_names(cmd: &Command) -> Vec<String> {
    cmd.flags().into_iter().map(|f| f.name).collect()
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
    assert_eq!(s.range().unwrap(), nth_range(src, "h", 0));
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
    assert_eq!(s.pieces[1].range(), last_range(src, "v"));
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
#[ignore = "BUG: lib.optionalAttrs with an unknown condition does not mark its definitions conditional (Def::conditional documents it does)"]
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
