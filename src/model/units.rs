//! systemd units (`systemd.services.<name>`), gathered from their definitions.

use std::rc::Rc;

use rnix::TextRange;
use rustc_hash::FxHashMap;

use super::Model;
use super::cmdline::{self, Arg};
use super::options::{Def, Segment};
use super::value::{Elem, Key, Value};

const SERVICES: &[&str] = &["systemd", "services"];

#[derive(Clone, Debug)]
pub struct Unit {
    pub name: Key,
    pub name_range: TextRange,
    /// Indices into [`Model::defs`] of the definitions inside this unit.
    pub defs: Vec<usize>,
    /// The unit is (partly) defined by a value the model cannot see into.
    pub opaque: bool,
}

pub fn units(defs: &[Def]) -> Vec<Unit> {
    let mut out: Vec<Unit> = vec![];
    // Each unit's index in `out`, by its name; a name the model cannot read, by where it
    // is written.
    let mut index: FxHashMap<UnitKey, usize> = FxHashMap::default();
    for (i, d) in defs.iter().enumerate() {
        let Some(rest) = d.strip_prefix(SERVICES) else {
            continue;
        };
        let Some(name) = rest.first() else { continue };
        let key = match &name.key {
            Key::Known(k) => UnitKey::Named(k.clone()),
            Key::Partial(_) => UnitKey::At(name.range),
        };
        let at = *index.entry(key).or_insert_with(|| {
            out.push(Unit {
                name: name.key.clone(),
                name_range: name.range,
                defs: vec![],
                opaque: false,
            });
            out.len() - 1
        });
        out[at].defs.push(i);
        out[at].opaque |= rest.len() == 1;
    }
    out
}

#[derive(PartialEq, Eq, Hash)]
enum UnitKey {
    Named(Rc<str>),
    At(TextRange),
}

impl Unit {
    pub fn name(&self) -> Option<&str> {
        self.name.known()
    }

    /// The unit's effective definitions of `attr` (a path inside the unit).
    pub fn attr<'a>(&self, model: &'a Model, attr: &[&str]) -> Vec<&'a Def> {
        let defs = self
            .defs
            .iter()
            .map(|&i| &model.defs[i])
            .filter(|d| rest_is(&d.path[SERVICES.len() + 1..], attr));
        model.effective(defs)
    }

    /// The argvs this unit runs: each `ExecStart` command and each command of `script`.
    pub fn argvs(&self, model: &Model) -> Vec<Vec<Arg>> {
        let mut out = vec![];
        for d in self.attr(model, &["serviceConfig", "ExecStart"]) {
            match model.ev.force_plain(d.value) {
                Value::Str(s) => out.push(cmdline::split_words(&s)),
                Value::List(items) => {
                    for e in items.iter() {
                        if let Elem::One(t) = e
                            && let Value::Str(s) = model.ev.force_plain(*t)
                        {
                            out.push(cmdline::split_words(&s));
                        }
                    }
                }
                _ => {}
            }
        }
        for d in self.attr(model, &["script"]) {
            if let Value::Str(s) = model.ev.force_plain(d.value) {
                out.extend(cmdline::split_script(&s));
            }
        }
        out.retain(|argv| !argv.is_empty());
        out
    }
}

fn rest_is(rest: &[Segment], attr: &[&str]) -> bool {
    rest.len() == attr.len() && rest.iter().zip(attr).all(|(s, a)| s.is(a))
}
