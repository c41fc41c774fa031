//! The functions of `lib`, `builtins` and the global scope that the model understands.
//! Any other library function evaluates to an unknown value.

use std::rc::Rc;

use rnix::TextRange;

use super::eval::Evaluator;
use super::value::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LibFn {
    MkIf,
    MkMerge,
    MkOverride,
    MkPrio(i64),
    MkOrder,
    MkOrdered(i64),
    OptionalAttrs,
    Optional,
    Optionals,
    OptionalString,
    ConcatStringsSep,
    ConcatStrings,
    ConcatMapStrings,
    ConcatMapStringsSep,
    ConcatLists,
    ConcatMap,
    Map,
    MapAttrsToList,
    EscapeShellArg,
    EscapeShellArgs,
    ToString,
    ToLower,
    ToGnuCommandLine,
    ToGnuCommandLineShell,
    GetExe,
    GetExeNamed,
    GetBin,
    /// `import`, `readFile`, `toJSON`, ...: known to be a function, result unknown.
    Opaque(usize),
}

impl LibFn {
    pub fn arity(self) -> usize {
        use LibFn::*;
        match self {
            MkMerge | MkPrio(_) | MkOrdered(_) | ConcatStrings | ConcatLists | EscapeShellArg
            | EscapeShellArgs | ToString | ToLower | GetExe | GetBin => 1,
            MkIf
            | MkOverride
            | MkOrder
            | OptionalAttrs
            | Optional
            | Optionals
            | OptionalString
            | ConcatStringsSep
            | ConcatMapStrings
            | ConcatMap
            | Map
            | MapAttrsToList
            | ToGnuCommandLine
            | ToGnuCommandLineShell
            | GetExeNamed => 2,
            ConcatMapStringsSep => 3,
            Opaque(n) => n,
        }
    }
}

fn func(f: LibFn) -> Value {
    Value::Func(Rc::new(Partial {
        func: f,
        args: vec![],
    }))
}

/// A member of `lib` (or `builtins`, `lib.strings`, `pkgs.lib`, ...).
pub fn lib_member(name: &str) -> Option<Value> {
    use LibFn::*;
    let f = match name {
        // Sub-namespaces are looked through: `lib.strings.concatStringsSep`.
        "strings" | "lists" | "attrsets" | "modules" | "trivial" | "cli" | "meta" | "builtins"
        | "lib" => return Some(Value::Lib),
        "mkIf" => MkIf,
        "mkMerge" => MkMerge,
        "mkOverride" => MkOverride,
        "mkForce" => MkPrio(50),
        "mkVMOverride" => MkPrio(10),
        "mkImageMediaOverride" => MkPrio(60),
        "mkDefault" => MkPrio(1000),
        "mkOptionDefault" => MkPrio(1500),
        "mkOrder" => MkOrder,
        "mkBefore" => MkOrdered(500),
        "mkAfter" => MkOrdered(1500),
        "optionalAttrs" => OptionalAttrs,
        "optional" => Optional,
        "optionals" => Optionals,
        "optionalString" => OptionalString,
        "concatStringsSep" => ConcatStringsSep,
        "concatStrings" => ConcatStrings,
        "concatMapStrings" => ConcatMapStrings,
        "concatMapStringsSep" => ConcatMapStringsSep,
        "concatLists" | "flatten" => ConcatLists,
        "concatMap" => ConcatMap,
        "map" => Map,
        "mapAttrsToList" => MapAttrsToList,
        "escapeShellArg" => EscapeShellArg,
        "escapeShellArgs" => EscapeShellArgs,
        "toString" => ToString,
        "toLower" => ToLower,
        "toGNUCommandLine" => ToGnuCommandLine,
        "toGNUCommandLineShell" => ToGnuCommandLineShell,
        "getExe" => GetExe,
        "getExe'" => GetExeNamed,
        "getBin" => GetBin,
        "import" | "readFile" | "toJSON" | "fromJSON" | "toFile" | "fetchTarball" | "fetchGit"
        | "fetchurl" | "getEnv" | "pathExists" | "isString" | "isList" | "isAttrs" | "isBool"
        | "head" | "last" | "length" | "attrNames" | "attrValues" | "hasPrefix" | "hasSuffix"
        | "trace" | "throw" | "abort" | "mkEnableOption" | "mkPackageOption"
        | "mkDefaultOption" => Opaque(1),
        "elem"
        | "hasAttr"
        | "getAttr"
        | "filter"
        | "mapAttrs"
        | "genAttrs"
        | "nameValuePair"
        | "mkOption"
        | "warn"
        | "replaceStrings"
        | "mkRenamedOptionModule"
        | "mkRemovedOptionModule"
        | "recursiveUpdate"
        | "foldl'"
        | "filterAttrs" => Opaque(2),
        _ => return None,
    };
    Some(func(f))
}

/// A name of the global scope, which lexical bindings shadow and `with` does not.
pub fn global(name: &str) -> Option<Value> {
    match name {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        "null" => Some(Value::Null),
        "builtins" => Some(Value::Lib),
        "toString" | "map" | "import" | "baseNameOf" | "dirOf" | "abort" | "throw"
        | "removeAttrs" | "isNull" | "derivation" | "fetchTarball" | "placeholder" => {
            lib_member(name).or(Some(Value::Unknown))
        }
        _ => None,
    }
}

/// `pkgs.<name>`.
pub fn pkgs_member(name: &str) -> Value {
    match name {
        "lib" => Value::Lib,
        _ => Value::Package(name.into()),
    }
}

pub fn call(ev: &Evaluator, f: LibFn, args: &[ThunkId], range: TextRange) -> Value {
    use LibFn::*;
    let arg = |i: usize| args[i];
    let cond = |i: usize| match ev.force_plain(arg(i)) {
        Value::Bool(b) => Some(b),
        _ => None,
    };
    let int = |i: usize| match ev.force_plain(arg(i)) {
        Value::Int(n) => Some(n),
        _ => None,
    };
    match f {
        MkIf => Value::Cond {
            cond: cond(0),
            inner: arg(1),
        },
        MkMerge => match ev.force(arg(0)) {
            Value::List(items) => Value::Merge(items),
            _ => Value::Unknown,
        },
        MkOverride => int(0).map_or(Value::Unknown, |prio| Value::Prio {
            prio,
            inner: arg(1),
        }),
        MkPrio(prio) => Value::Prio {
            prio,
            inner: arg(0),
        },
        MkOrder => int(0).map_or(Value::Unknown, |order| Value::Order {
            order,
            inner: arg(1),
        }),
        MkOrdered(order) => Value::Order {
            order,
            inner: arg(0),
        },
        // A condition the model cannot decide is taken as true, like `mkIf`: the linter
        // checks what the code configures when its branch applies.
        OptionalAttrs => match cond(0) {
            Some(false) => Value::Attrs(Rc::default()),
            Some(true) => ev.force(arg(1)),
            None => Value::Cond {
                cond: None,
                inner: arg(1),
            },
        },
        Optional => match cond(0) {
            Some(false) => Value::List(Rc::new([])),
            _ => Value::List(Rc::new([Elem::One(arg(1))])),
        },
        Optionals => match cond(0) {
            Some(false) => Value::List(Rc::new([])),
            _ => ev.force(arg(1)),
        },
        OptionalString => match cond(0) {
            Some(false) => Value::Str(Str::text("", range, false)),
            _ => ev.force(arg(1)),
        },
        ConcatStringsSep => {
            let sep = ev.force_plain(arg(0));
            let Value::Str(sep) = sep else {
                return Value::Unknown;
            };
            join(ev, &ev.list_elems(arg(1)), &sep)
        }
        ConcatStrings => join(ev, &ev.list_elems(arg(0)), &Str::default()),
        ConcatMapStrings => {
            let mapped = map_elems(ev, arg(0), &ev.list_elems(arg(1)));
            join(ev, &mapped, &Str::default())
        }
        ConcatMapStringsSep => {
            let Value::Str(sep) = ev.force_plain(arg(0)) else {
                return Value::Unknown;
            };
            let mapped = map_elems(ev, arg(1), &ev.list_elems(arg(2)));
            join(ev, &mapped, &sep)
        }
        Map => match ev.force_plain(arg(1)) {
            Value::List(items) => Value::List(map_elems(ev, arg(0), &items).into()),
            _ => Value::Unknown,
        },
        ConcatMap => {
            let mapped = map_elems(ev, arg(0), &ev.list_elems(arg(1)));
            concat_lists(ev, &mapped)
        }
        ConcatLists => concat_lists(ev, &ev.list_elems(arg(0))),
        MapAttrsToList => match ev.force_plain(arg(1)) {
            Value::Attrs(a) => {
                let mut out = vec![];
                for (k, e) in a.known.iter() {
                    let key = ev.done(Value::Str(Str::text(k, e.key_range, false)), e.key_range);
                    let partial = ev.apply_thunk(arg(0), key, e.key_range);
                    out.push(Elem::One(ev.apply_thunk(partial, e.value, e.key_range)));
                }
                if !a.partial.is_empty() || a.open {
                    out.push(Elem::Splice(range));
                }
                Value::List(out.into())
            }
            _ => Value::Unknown,
        },
        EscapeShellArg => {
            let v = ev.force_plain(arg(0));
            Value::Str(escape_shell_arg(&ev.to_string(&v, ev.range(arg(0)))))
        }
        EscapeShellArgs => {
            let elems = ev.list_elems(arg(0));
            let words: Vec<Str> = elems
                .iter()
                .map(|e| match e {
                    Elem::One(t) => {
                        escape_shell_arg(&ev.to_string(&ev.force_plain(*t), ev.range(*t)))
                    }
                    Elem::Splice(r) => Str::hole(*r, None),
                })
                .collect();
            Value::Str(Str::join(&words, &Str::text(" ", range, false)))
        }
        ToString => {
            let v = ev.force_plain(arg(0));
            Value::Str(ev.to_string(&v, ev.range(arg(0))))
        }
        ToLower => match ev.force_plain(arg(0)) {
            Value::Str(s) => Value::Str(Str::from_pieces(
                s.pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Text { text, range, .. } => {
                            let lower = text.to_lowercase();
                            let verbatim = lower == **text;
                            Piece::Text {
                                text: lower.into(),
                                range: *range,
                                verbatim,
                            }
                        }
                        hole => hole.clone(),
                    })
                    .collect(),
            )),
            _ => Value::Unknown,
        },
        ToGnuCommandLine => gnu_command_line(ev, arg(0), arg(1), range),
        ToGnuCommandLineShell => match gnu_command_line(ev, arg(0), arg(1), range) {
            Value::List(items) => {
                let list = ev.done(Value::List(items), range);
                call(ev, EscapeShellArgs, &[list], range)
            }
            other => other,
        },
        GetExe | GetBin => match ev.force_plain(arg(0)) {
            Value::Package(p) => Value::Str(Str::hole(range, Some(p))),
            _ => Value::Unknown,
        },
        GetExeNamed => match (ev.force_plain(arg(0)), ev.force_plain(arg(1))) {
            (Value::Package(p), Value::Str(name)) => Value::Str(
                Str::hole(ev.range(arg(0)), Some(p))
                    .concat(&Str::text("/bin/", range, false))
                    .concat(&name),
            ),
            _ => Value::Unknown,
        },
        Opaque(_) => Value::Unknown,
    }
}

fn map_elems(ev: &Evaluator, f: ThunkId, elems: &[Elem]) -> Vec<Elem> {
    elems
        .iter()
        .map(|e| match e {
            Elem::One(t) => Elem::One(ev.apply_thunk(f, *t, ev.range(*t))),
            Elem::Splice(r) => Elem::Splice(*r),
        })
        .collect()
}

fn concat_lists(ev: &Evaluator, elems: &[Elem]) -> Value {
    let mut out = vec![];
    for e in elems {
        match e {
            Elem::One(t) => out.extend(ev.list_elems(*t)),
            Elem::Splice(r) => out.push(Elem::Splice(*r)),
        }
    }
    Value::List(out.into())
}

/// `concatStringsSep`: an element that is not a string becomes a hole.
fn join(ev: &Evaluator, elems: &[Elem], sep: &Str) -> Value {
    let words: Vec<Str> = elems
        .iter()
        .map(|e| match e {
            Elem::One(t) => {
                let r = ev.range(*t);
                ev.coerce(&ev.force_plain(*t), r)
                    .unwrap_or_else(|| Str::hole(r, None))
            }
            Elem::Splice(r) => Str::hole(*r, None),
        })
        .collect();
    Value::Str(Str::join(&words, sep))
}

/// nixpkgs' `escapeShellArg`: safe words stay bare, others are single-quoted.
fn escape_shell_arg(s: &Str) -> Str {
    let safe = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || ",._+:@%/-".contains(c))
    };
    if let Some(text) = s.known()
        && safe(&text)
    {
        return s.clone();
    }
    let range = s.range().unwrap_or_default();
    let quote = || Piece::Text {
        text: "'".into(),
        range: TextRange::empty(range.start()),
        verbatim: false,
    };
    let mut pieces = vec![quote()];
    for p in s.pieces.iter() {
        match p {
            Piece::Text { text, range, .. } if text.contains('\'') => pieces.push(Piece::Text {
                text: text.replace('\'', "'\\''").into(),
                range: *range,
                verbatim: false,
            }),
            other => pieces.push(other.clone()),
        }
    }
    pieces.push(Piece::Text {
        text: "'".into(),
        range: TextRange::empty(range.end()),
        verbatim: false,
    });
    Str::from_pieces(pieces)
}

/// `lib.cli.toGNUCommandLine opts attrs` with the default renderers (and a known
/// `optionValueSeparator`): `--name value` words in attribute order.
fn gnu_command_line(ev: &Evaluator, opts: ThunkId, attrs: ThunkId, range: TextRange) -> Value {
    let sep = match ev.force_plain(opts) {
        Value::Attrs(o) => {
            if o.open
                || !o.partial.is_empty()
                || o.known.keys().any(|k| &**k != "optionValueSeparator")
            {
                return Value::Unknown;
            }
            match o
                .get("optionValueSeparator")
                .map(|e| ev.force_plain(e.value))
            {
                None | Some(Value::Null) => None,
                Some(Value::Str(s)) => Some(s),
                Some(_) => return Value::Unknown,
            }
        }
        _ => return Value::Unknown,
    };
    let Value::Attrs(a) = ev.force_plain(attrs) else {
        return Value::Unknown;
    };
    let mut out = vec![];
    let word = |s: Str, r: TextRange| Elem::One(ev.done(Value::Str(s), r));
    for (k, e) in a.known.iter() {
        let dashes = if k.chars().count() == 1 { "-" } else { "--" };
        let name = Str::text(&format!("{dashes}{k}"), e.key_range, false);
        let push_option = |out: &mut Vec<Elem>, v: Value, r: TextRange| match v {
            Value::Null => {}
            Value::Bool(true) => out.push(word(name.clone(), e.key_range)),
            Value::Bool(false) => {}
            v => {
                let value = ev.to_string(&v, r);
                match &sep {
                    Some(sep) => out.push(word(name.concat(sep).concat(&value), e.key_range)),
                    None => {
                        out.push(word(name.clone(), e.key_range));
                        out.push(word(value, r));
                    }
                }
            }
        };
        match ev.force_plain(e.value) {
            Value::List(items) => {
                for item in items.iter() {
                    match item {
                        Elem::One(t) => push_option(&mut out, ev.force_plain(*t), ev.range(*t)),
                        Elem::Splice(r) => out.push(Elem::Splice(*r)),
                    }
                }
            }
            Value::Unknown => out.push(Elem::Splice(ev.range(e.value))),
            v => push_option(&mut out, v, ev.range(e.value)),
        }
    }
    if a.open || !a.partial.is_empty() {
        out.push(Elem::Splice(range));
    }
    Value::List(out.into())
}
