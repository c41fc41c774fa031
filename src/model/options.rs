//! Option definitions: what a module file sets, flattened to one definition per leaf.
//!
//! `systemd.services.kubelet.path = x` and `systemd = { services = { kubelet = { path = x;`
//! give the same definition. `mkIf`, `mkMerge`, `mkOverride` and `mkOrder` are looked
//! through and recorded on the definition.

use rnix::TextRange;

use super::eval::Evaluator;
use super::value::*;

/// Priorities as the NixOS module system numbers them (lower wins).
pub const DEFAULT_PRIO: i64 = 100;
const DEFAULT_ORDER: i64 = 1000;
const MAX_PATH_LEN: usize = 48;
/// Definitions read from one file at most (a guard against values shared exponentially).
const MAX_DEFS: usize = 100_000;

/// Keys of a module that are not option definitions.
const MODULE_KEYS: &[&str] = &[
    "imports",
    "_file",
    "key",
    "disabledModules",
    "meta",
    "require",
    "_class",
    "freeformType",
];

#[derive(Clone, Debug)]
pub struct Segment {
    pub key: Key,
    pub range: TextRange,
    /// The value this name holds.
    pub value: ThunkId,
}

impl Segment {
    pub fn is(&self, name: &str) -> bool {
        self.key.known() == Some(name)
    }
}

/// One definition of one option (or of one leaf inside an attrset-valued option).
#[derive(Clone, Debug)]
pub struct Def {
    pub path: Vec<Segment>,
    pub value: ThunkId,
    pub prio: i64,
    pub order: i64,
    /// Under `mkIf`/`optionalAttrs` with a condition the model cannot decide.
    pub conditional: bool,
}

impl Def {
    /// The rest of the path after `prefix`, when the path starts with it. `*` in the
    /// prefix matches any one known segment.
    pub fn strip_prefix(&self, prefix: &[&str]) -> Option<&[Segment]> {
        if self.path.len() < prefix.len() {
            return None;
        }
        let matches = prefix.iter().zip(&self.path).all(|(p, s)| match *p {
            "*" => true,
            p => s.is(p),
        });
        matches.then(|| &self.path[prefix.len()..])
    }

    pub fn path_string(&self) -> String {
        let parts: Vec<String> = self
            .path
            .iter()
            .map(|s| match &s.key {
                Key::Known(k) if is_plain_ident(k) => k.to_string(),
                Key::Known(k) => format!("{k:?}"),
                Key::Partial(_) => "<name>".to_string(),
            })
            .collect();
        parts.join(".")
    }
}

fn is_plain_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_-'".contains(c))
}

/// What a module file declares.
pub struct Module {
    pub defs: Vec<Def>,
    /// The range of each entry of `imports` (recorded, not followed).
    pub imports: Vec<TextRange>,
}

/// Reads the module a file evaluates to: `{ ... }`, `{ config, lib, pkgs, ... }: { ... }`,
/// or the explicit `{ options = ...; config = ...; }` form.
pub fn module(ev: &Evaluator, root: ThunkId) -> Module {
    let mut out = Module {
        defs: vec![],
        imports: vec![],
    };
    let Value::Attrs(attrs) = ev.force_plain(root) else {
        return out;
    };
    if let Some(imports) = attrs.get("imports") {
        for e in ev.list_elems(imports.value) {
            out.imports.push(match e {
                Elem::One(t) => ev.range(t),
                Elem::Splice(r) => r,
            });
        }
    }
    let explicit = attrs.get("config").is_some() || attrs.get("options").is_some();
    let ctx = Ctx {
        prio: DEFAULT_PRIO,
        order: DEFAULT_ORDER,
        conditional: false,
    };
    let mut path = vec![];
    if explicit {
        if let Some(c) = attrs.get("config") {
            flatten(ev, c.value, &mut path, ctx, &mut out.defs);
        }
    } else {
        for (k, e) in attrs
            .known
            .iter()
            .filter(|(k, _)| !MODULE_KEYS.contains(&&***k))
        {
            path.push(Segment {
                key: Key::Known(k.clone()),
                range: e.key_range,
                value: e.value,
            });
            flatten(ev, e.value, &mut path, ctx, &mut out.defs);
            path.pop();
        }
        for (k, e) in &attrs.partial {
            path.push(Segment {
                key: Key::Partial(k.clone()),
                range: e.key_range,
                value: e.value,
            });
            flatten(ev, e.value, &mut path, ctx, &mut out.defs);
            path.pop();
        }
    }
    out
}

#[derive(Clone, Copy)]
struct Ctx {
    prio: i64,
    order: i64,
    conditional: bool,
}

fn flatten(ev: &Evaluator, t: ThunkId, path: &mut Vec<Segment>, ctx: Ctx, out: &mut Vec<Def>) {
    let leaf = |out: &mut Vec<Def>, path: &Vec<Segment>, value: ThunkId| {
        out.push(Def {
            path: path.clone(),
            value,
            prio: ctx.prio,
            order: ctx.order,
            conditional: ctx.conditional,
        })
    };
    if path.len() > MAX_PATH_LEN {
        return leaf(out, path, t);
    }
    // A value can be shared many times over (`let a = { …; }; b = { x = a; y = a; }; …`):
    // walking it costs fuel, so the definitions of a file stay proportional to its size.
    if out.len() >= MAX_DEFS || !ev.spend() {
        return;
    }
    match ev.force(t) {
        Value::Attrs(a) if !a.known.is_empty() || !a.partial.is_empty() => {
            if a.open {
                // `unknown // { ... }`: more definitions the model cannot see.
                leaf(out, path, ev.done(Value::Unknown, ev.range(t)));
            }
            let keys = a.known.iter().map(|(k, e)| (Key::Known(k.clone()), e));
            let partial = a.partial.iter().map(|(k, e)| (Key::Partial(k.clone()), e));
            for (key, e) in keys.chain(partial) {
                // An attribute set that contains itself (`rec { x = { inherit x; }; }`).
                if path.iter().any(|s| s.value == e.value) {
                    continue;
                }
                path.push(Segment {
                    key,
                    range: e.key_range,
                    value: e.value,
                });
                flatten(ev, e.value, path, ctx, out);
                path.pop();
            }
        }
        Value::Cond {
            cond: Some(false), ..
        } => {}
        Value::Cond { cond, inner } => flatten(
            ev,
            inner,
            path,
            Ctx {
                conditional: ctx.conditional || cond.is_none(),
                ..ctx
            },
            out,
        ),
        Value::Prio { prio, inner } => flatten(ev, inner, path, Ctx { prio, ..ctx }, out),
        Value::Order { order, inner } => flatten(ev, inner, path, Ctx { order, ..ctx }, out),
        Value::Merge(items) => {
            for item in items.iter() {
                match item {
                    Elem::One(i) => flatten(ev, *i, path, ctx, out),
                    Elem::Splice(r) => leaf(out, path, ev.done(Value::Unknown, *r)),
                }
            }
        }
        _ => leaf(out, path, t),
    }
}
