//! A systemd unit that runs a component lacks a package on its `path`
//! (a kubelet unit without util-linux cannot mount volumes).

use serde::Deserialize;

use super::{Check, Finding, Template, option_path, params};
use crate::model::{Elem, Model, Origin, Value};

pub static TEMPLATE: Template = Template {
    key: "unit-path-requires-package",
    description: "A systemd unit that runs `component` has none of `packages` on its `path`.",
    params: &[
        (
            "component",
            "Component the unit runs, decided by its executable, e.g. `kubelet`.",
        ),
        (
            "packages",
            "Attribute names under `pkgs` that satisfy the rule, e.g. `util-linux`.",
        ),
        (
            "module-unit",
            "Name of the unit that a nixpkgs module defines itself with a complete `path` (optional).",
        ),
        (
            "module-prefix",
            "Option prefix of that module; its unit is skipped in files that configure it (optional).",
        ),
    ],
    vars: &[
        ("unit", "the unit's name"),
        ("component", "the component"),
        ("package", "the first accepted package"),
    ],
    instantiate: |t| Ok(Box::new(params::<Params>(t)?)),
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    component: String,
    packages: Vec<String>,
    #[serde(default)]
    module_unit: Option<String>,
    #[serde(default)]
    module_prefix: Option<String>,
}

impl Check for Params {
    fn check(&self, model: &Model, out: &mut Vec<Finding>) {
        let mut units: Vec<usize> = model
            .commands
            .iter()
            .filter(|c| c.component == self.component)
            .filter_map(|c| match c.origin {
                Origin::Unit(u) => Some(u),
                Origin::Module(_) => None,
            })
            .collect();
        units.dedup();
        for u in units {
            let unit = &model.units[u];
            if unit.opaque || self.is_module_unit(model, unit.name()) {
                continue;
            }
            let name = unit.name().unwrap_or("<name>").to_string();
            let defs = unit.attr(model, &["path"]);
            let (range, label) = if defs.is_empty() {
                (unit.name_range, "this unit sets no `path`".to_string())
            } else {
                let Some(elems) = model.list_option(&defs) else {
                    continue;
                };
                match self.provides(model, &elems) {
                    Some(true) | None => continue,
                    Some(false) => {}
                }
                (
                    model.ev.range(defs[0].value),
                    format!("no {} on this `path`", self.packages[0]),
                )
            };
            out.push(Finding {
                range,
                label,
                secondary: vec![],
                vars: vec![
                    ("unit", name),
                    ("component", self.component.clone()),
                    ("package", self.packages[0].clone()),
                ],
            });
        }
    }
}

impl Params {
    /// Whether one of the packages is on the list; `None` when part of it is unknown.
    fn provides(&self, model: &Model, elems: &[Elem]) -> Option<bool> {
        let mut unknown = false;
        for e in elems {
            let Elem::One(t) = e else {
                unknown = true;
                continue;
            };
            match model.ev.force_plain(*t) {
                Value::Package(p) if self.accepts(&p) => return Some(true),
                Value::Str(s) if s.packages().any(|p| self.accepts(p)) => return Some(true),
                Value::Str(s) if s.known().is_none() && s.packages().next().is_none() => {
                    unknown = true
                }
                Value::Unknown => unknown = true,
                _ => {}
            }
        }
        if unknown { None } else { Some(false) }
    }

    fn accepts(&self, package: &str) -> bool {
        self.packages.iter().any(|p| p == package)
    }

    /// The module's own unit (`systemd.services.kubelet` with `services.kubernetes`
    /// configured in the same file) already has what it needs.
    fn is_module_unit(&self, model: &Model, name: Option<&str>) -> bool {
        let (Some(unit), Some(prefix)) = (&self.module_unit, &self.module_prefix) else {
            return false;
        };
        name == Some(unit.as_str()) && model.defs_under(&option_path(prefix)).next().is_some()
    }
}
