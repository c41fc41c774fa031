//! Option definitions: what a module file sets, flattened to one definition per leaf.
//!
//! `systemd.services.kubelet.path = x` and `systemd = { services = { kubelet = { path = x;`
//! give the same definition. `mkIf`, `mkMerge`, `mkOverride` and `mkOrder` are looked
//! through and recorded on the definition.

use rnix::TextRange;

use super::eval::Evaluator;
use super::value::*;
use super::wanted::Wanted;

/// Priorities as the NixOS module system numbers them (lower wins).
pub const DEFAULT_PRIO: i64 = 100;
const DEFAULT_ORDER: i64 = 1000;
const MAX_PATH_LEN: usize = 48;

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
    pub fn strip_prefix<S: AsRef<str>>(&self, prefix: &[S]) -> Option<&[Segment]> {
        if self.path.len() < prefix.len() {
            return None;
        }
        let matches = prefix
            .iter()
            .zip(&self.path)
            .all(|(p, s)| match p.as_ref() {
                "*" => true,
                p => s.is(p),
            });
        matches.then(|| &self.path[prefix.len()..])
    }

    /// Whether this defines exactly `path` (`*` matches any one known segment).
    pub fn is_at<S: AsRef<str>>(&self, path: &[S]) -> bool {
        self.strip_prefix(path).is_some_and(<[_]>::is_empty)
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
        && chars.all(super::strings::is_ident_char)
}

/// What a module file declares.
pub struct Module {
    pub defs: Vec<Def>,
    /// The range of each entry of `imports` (recorded, not followed).
    pub imports: Vec<TextRange>,
}

/// Reads the module a file evaluates to: `{ ... }`, `{ config, lib, pkgs, ... }: { ... }`,
/// or the explicit `{ options = ...; config = ...; }` form.
pub fn module(ev: &Evaluator, root: ThunkId, wanted: &Wanted) -> Module {
    let mut imports = vec![];
    let Value::Attrs(attrs) = ev.force_plain(root) else {
        return Module {
            defs: vec![],
            imports,
        };
    };
    if let Some(list) = attrs.get("imports") {
        for e in ev.list_elems(list.value) {
            imports.push(match e {
                Elem::One(t) => ev.range(t),
                Elem::Splice(r) => r,
            });
        }
    }
    let mut flat = Flattener {
        ev,
        wanted,
        // Shared values can multiply definitions; real files stay far below this.
        limit: 10_000 + 4 * usize::from(ev.range(root).len()),
        defs: vec![],
    };
    let ctx = Ctx {
        prio: DEFAULT_PRIO,
        order: DEFAULT_ORDER,
        conditional: false,
    };
    let explicit = attrs.get("config").is_some() || attrs.get("options").is_some();
    if explicit {
        if let Some(c) = attrs.get("config") {
            flat.walk(c.value, &mut vec![], ctx);
        }
    } else {
        let mut top = (*attrs).clone();
        top.known.retain(|k, _| !MODULE_KEYS.contains(&&**k));
        flat.entries(&top, &mut vec![], ctx);
    }
    Module {
        defs: flat.defs,
        imports,
    }
}

#[derive(Clone, Copy)]
struct Ctx {
    prio: i64,
    order: i64,
    conditional: bool,
}

/// Turns nested values into one definition per leaf, evaluating only what is wanted.
struct Flattener<'a> {
    ev: &'a Evaluator,
    wanted: &'a Wanted,
    /// The most definitions to read from one file.
    limit: usize,
    defs: Vec<Def>,
}

impl Flattener<'_> {
    fn leaf(&mut self, path: &[Segment], value: ThunkId, ctx: Ctx) {
        self.defs.push(Def {
            path: path.to_vec(),
            value,
            prio: ctx.prio,
            order: ctx.order,
            conditional: ctx.conditional,
        });
    }

    fn walk(&mut self, t: ThunkId, path: &mut Vec<Segment>, ctx: Ctx) {
        let ev = self.ev;
        if path.len() > MAX_PATH_LEN {
            return self.leaf(path, t, ctx);
        }
        // A value can be shared many times over (`let a = { …; }; b = { x = a; y = a; }; …`):
        // walking costs fuel, and the definitions of a file stay proportional to its size.
        if self.defs.len() >= self.limit || !ev.spend() {
            return;
        }
        match ev.force(t) {
            Value::Attrs(a) if !a.known.is_empty() || !a.partial.is_empty() => {
                if a.open {
                    // `unknown // { ... }`: more definitions the model cannot see.
                    self.leaf(path, ev.done(Value::Unknown, ev.range(t)), ctx);
                }
                self.entries(&a, path, ctx);
            }
            Value::Cond {
                cond: Some(false), ..
            } => {}
            Value::Cond { cond, inner } => {
                let conditional = ctx.conditional || cond.is_none();
                self.walk(inner, path, Ctx { conditional, ..ctx })
            }
            Value::Prio { prio, inner } => self.walk(inner, path, Ctx { prio, ..ctx }),
            Value::Order { order, inner } => self.walk(inner, path, Ctx { order, ..ctx }),
            Value::Merge(items) => {
                for item in items.iter() {
                    match item {
                        Elem::One(i) => self.walk(*i, path, ctx),
                        Elem::Splice(r) => self.leaf(path, ev.done(Value::Unknown, *r), ctx),
                    }
                }
            }
            _ => self.leaf(path, t, ctx),
        }
    }

    /// Walks each wanted entry of an attribute set.
    fn entries(&mut self, a: &Attrs, path: &mut Vec<Segment>, ctx: Ctx) {
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
            if self.wanted.covers(path) {
                self.walk(e.value, path, ctx);
            }
            path.pop();
        }
    }
}
