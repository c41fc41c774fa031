//! A list flag whose effective value contains one item but lacks another
//! (`--authorization-mode` with `RBAC` but not `Node`).
//!
//! The effective value is combined as the component's flag parser does
//! ([`cmdline::combine`]). For a nixpkgs module the module's own flag (from its option, or the
//! option's default) comes first and `extraOpts` after it.

use serde::Deserialize;

use super::{Check, Finding, OptionPath, Template, insert, params};
use crate::diagnostic::{Fix, Label, Safety};
use crate::model::Wanted;
use crate::model::{Elem, Model, Origin, Piece, Str, Value, cmdline};
use rnix::TextRange;

pub static TEMPLATE: Template = Template {
    key: "slice-flag-requires",
    description: "A comma-separated list flag of a component contains `if-contains` but not `requires`.",
    params: &[
        (
            "component",
            "Component whose command lines are checked, e.g. `kube-apiserver`.",
        ),
        ("flag", "The flag, e.g. `--authorization-mode`."),
        ("if-contains", "The item that needs the other, e.g. `RBAC`."),
        (
            "requires",
            "The item that must be present too, e.g. `Node`.",
        ),
        (
            "module-option",
            "Option of the component's nixpkgs module that generates the flag, relative to the module (optional).",
        ),
        ("module-default", "That option's default value (optional)."),
    ],
    vars: &[
        ("flag", "the flag"),
        ("value", "the effective value, comma-separated"),
        ("requires", "the missing item"),
        ("fixed", "the offending value with the missing item added"),
    ],
    instantiate: |t| Ok(Box::new(params::<Params>(t)?)),
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    component: String,
    flag: String,
    if_contains: String,
    requires: String,
    #[serde(default)]
    module_option: Option<OptionPath>,
    #[serde(default)]
    module_default: Vec<String>,
}

/// One occurrence of the flag: its items, where it is, and how to write it fixed.
struct Occurrence {
    items: Vec<String>,
    range: TextRange,
    fixed: String,
    /// Where to insert the missing item so it lands before `if-contains`, when the value
    /// is written verbatim in the source.
    insert_at: Option<(rnix::TextSize, String)>,
}

impl Check for Params {
    /// Command lines, and options of nixpkgs' modules (all core).
    fn wants(&self, _: &mut Wanted) {}

    fn check(&self, model: &Model, out: &mut Vec<Finding>) {
        for cmd in model
            .commands
            .iter()
            .filter(|c| c.component == self.component)
        {
            if cmd.has_opaque() {
                continue;
            }
            let mut occurrences = vec![];
            // Each occurrence's items, in command-line order; the module's flag comes first,
            // from its option or the option's default.
            let mut lists: Vec<Vec<String>> = vec![];
            if let Origin::Module(prefix) = cmd.origin
                && let Some(option) = &self.module_option
            {
                match self.module_occurrence(model, prefix, option) {
                    Some(Some(o)) => occurrences.push(o),
                    Some(None) => lists.push(self.module_default.clone()),
                    None => continue,
                }
            }
            let flags: Vec<_> = cmd.flags().iter().filter(|f| f.name == self.flag).collect();
            let values: Option<Vec<(String, TextRange, &Str)>> = flags
                .iter()
                .map(|f| {
                    let value = f.value.as_ref()?;
                    Some((value.known()?, value.range().unwrap_or(f.name_range), value))
                })
                .collect();
            // An occurrence whose value is unknown leaves the effective value unknown.
            let Some(values) = values else { continue };
            for (text, range, value) in values {
                let items = text.split(',').map(str::to_string).collect();
                let insert_at = self.flag_insertion(value);
                occurrences.push(Occurrence {
                    fixed: self.fixed_flag(&text),
                    items,
                    range,
                    insert_at,
                });
            }
            lists.extend(occurrences.iter().map(|o| o.items.clone()));
            let accumulating = cmdline::accumulates(cmd.component, &self.flag);
            let effective = cmdline::combine(accumulating, &[], &lists);
            if !effective.contains(&self.if_contains) || effective.contains(&self.requires) {
                continue;
            }
            let Some(first) = occurrences
                .iter()
                .find(|o| o.items.contains(&self.if_contains))
            else {
                continue;
            };
            let secondary = occurrences
                .iter()
                .filter(|o| o.range != first.range)
                .map(|o| Label {
                    range: o.range,
                    message: "appended here".to_string(),
                })
                .collect();
            let fix = first.insert_at.as_ref().map(|(at, text)| Fix {
                safety: Safety::Safe,
                description: format!("add `{}`", self.requires),
                edits: vec![insert(*at, text.clone())],
            });
            out.push(Finding {
                fix,
                range: first.range,
                label: format!("`{}` without `{}`", self.if_contains, self.requires),
                secondary,
                vars: vec![
                    ("flag", self.flag.clone()),
                    ("value", effective.join(",")),
                    ("requires", self.requires.clone()),
                    ("fixed", first.fixed.clone()),
                ],
            });
        }
    }
}

impl Params {
    /// The occurrence generated from the module option: `Some(None)` when the option is
    /// not set (its default applies), `None` when its value is unknown.
    fn module_occurrence(
        &self,
        model: &Model,
        prefix: &str,
        option: &OptionPath,
    ) -> Option<Option<Occurrence>> {
        let path: Vec<&str> = (prefix.split('.'))
            .chain(option.names().iter().map(String::as_str))
            .collect();
        let defs = model.effective(model.defs_at(&path));
        if defs.is_empty() {
            return Some(None);
        }
        let elems = model.list_option(&defs)?;
        let mut items = vec![];
        let mut insert_at = None;
        for e in elems {
            let Elem::One(t) = e else { return None };
            let Value::Str(s) = model.ev.force_plain(t) else {
                return None;
            };
            let item = s.known()?;
            // Insert before the element, when it is written in the definition itself.
            let elem = model.ev.range(t);
            if item == self.if_contains
                && insert_at.is_none()
                && defs
                    .iter()
                    .any(|d| model.ev.range(d.value).contains_range(elem))
            {
                insert_at = Some((elem.start(), format!("{:?} ", self.requires)));
            }
            items.push(item);
        }
        let range = if defs.len() == 1 {
            model.ev.range(defs[0].value)
        } else {
            defs[0].path.last()?.range
        };
        let mut fixed: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
        let at = items
            .iter()
            .position(|i| *i == self.if_contains)
            .unwrap_or(0);
        fixed.insert(at, format!("{:?}", self.requires));
        Some(Some(Occurrence {
            items,
            range,
            fixed: format!("[ {} ]", fixed.join(" ")),
            insert_at,
        }))
    }

    /// Where to insert `requires,` in a flag value: before the `if-contains` item, when that
    /// item is verbatim source text.
    fn flag_insertion(&self, value: &Str) -> Option<(rnix::TextSize, String)> {
        let item = value
            .split(',')
            .into_iter()
            .find(|p| p.known().as_deref() == Some(self.if_contains.as_str()))?;
        match &*item.pieces {
            [
                Piece::Text {
                    verbatim: true,
                    range,
                    ..
                },
            ] => Some((range.start(), format!("{},", self.requires))),
            _ => None,
        }
    }

    fn fixed_flag(&self, value: &str) -> String {
        let mut items: Vec<&str> = value.split(',').collect();
        let at = items
            .iter()
            .position(|i| *i == self.if_contains)
            .unwrap_or(0);
        items.insert(at, &self.requires);
        format!("{}={}", self.flag, items.join(","))
    }
}
