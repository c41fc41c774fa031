//! A component's flag is absent, present, or has a value that fires a condition.

use serde::Deserialize;

use super::condition::{Condition, Observed, When};
use super::{Check, Finding, Template, display, params};
use crate::model::Model;
use crate::model::Wanted;

pub static TEMPLATE: Template = Template {
    key: "flag-value",
    description: "A flag of a component's command lines is absent, present, or has a value matching a condition.",
    params: &[
        (
            "component",
            "Component whose command lines are checked, e.g. `kube-apiserver`.",
        ),
        ("flag", "The flag, e.g. `--audit-log-path`."),
        super::condition::PARAMS[0],
        super::condition::PARAMS[1],
        super::condition::PARAMS[2],
        super::condition::PARAMS[3],
    ],
    vars: &[
        ("component", "the component"),
        ("flag", "the flag"),
        ("value", "the flag's value (empty when absent)"),
    ],
    instantiate: |t| {
        let p: Params = params(t)?;
        let condition = Condition::new(p.fire_when, p.value, p.values, p.pattern)?;
        Ok(Box::new(FlagValue {
            component: p.component,
            flag: p.flag,
            condition,
        }))
    },
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    component: String,
    flag: String,
    fire_when: When,
    value: Option<toml::Value>,
    #[serde(default)]
    values: Vec<toml::Value>,
    pattern: Option<String>,
}

struct FlagValue {
    component: String,
    flag: String,
    condition: Condition,
}

impl Check for FlagValue {
    /// Command lines only (core).
    fn wants(&self, _: &mut Wanted) {}

    fn check(&self, model: &Model, out: &mut Vec<Finding>) {
        for cmd in model
            .commands
            .iter()
            .filter(|c| c.component == self.component)
        {
            let flags: Vec<_> = cmd.flags().iter().filter(|f| f.name == self.flag).collect();
            let vars = |value: String| {
                vec![
                    ("component", self.component.clone()),
                    ("flag", self.flag.clone()),
                    ("value", value),
                ]
            };
            if flags.is_empty() {
                // An unknown argument may be the flag.
                if self.condition.when == When::Absent && !cmd.has_opaque() {
                    let label = format!("{} runs without `{}`", self.component, self.flag);
                    out.push(Finding {
                        fix: None,
                        range: cmd.range,
                        label,
                        secondary: vec![],
                        vars: vars(String::new()),
                    });
                }
                continue;
            }
            for f in flags {
                let (observed, range) = match &f.value {
                    Some(v) => match v.known() {
                        Some(text) => (Observed::Str(text), v.range().unwrap_or(f.name_range)),
                        None => continue,
                    },
                    None => (Observed::Str(String::new()), f.name_range),
                };
                if self.condition.fires_on(&observed) {
                    let shown = f.value.as_ref().map(display).unwrap_or_default();
                    let label = format!("`{}` is `{shown}`", self.flag);
                    out.push(Finding {
                        fix: None,
                        range,
                        label,
                        secondary: vec![],
                        vars: vars(shown),
                    });
                }
            }
        }
    }
}
