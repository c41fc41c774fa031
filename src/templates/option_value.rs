//! A NixOS option is absent, present, or has a value that fires a condition.

use serde::Deserialize;

use super::condition::{Condition, Observed, When};
use super::{Check, Finding, OptionPath, Template, params};
use crate::diagnostic::{Edit, Fix, Safety};
use crate::model::Model;
use crate::model::Wanted;

pub static TEMPLATE: Template = Template {
    key: "option-value",
    description: "A NixOS option is absent, present, or has a value matching a condition.",
    params: &[
        (
            "option",
            "The option's dotted path, e.g. `services.kubernetes.apiserver.allowPrivileged` (`*` matches one name).",
        ),
        (
            "within",
            "For absent: only files that define something under this prefix are checked, e.g. `services.kubernetes.apiserver`.",
        ),
        super::condition::PARAMS[0],
        super::condition::PARAMS[1],
        super::condition::PARAMS[2],
        super::condition::PARAMS[3],
    ],
    vars: &[
        ("option", "the option"),
        ("value", "its value (empty when absent)"),
    ],
    instantiate: |t| {
        let p: Params = params(t)?;
        if p.fire_when == When::Absent && p.within.is_none() {
            return Err("`fire-when = \"absent\"` needs `within`: the prefix whose files must set the option".into());
        }
        let condition = Condition::new(p.fire_when, p.value, p.values, p.pattern)?;
        Ok(Box::new(OptionValue {
            option: p.option,
            within: p.within,
            replace_with: p.replace_with,
            condition,
        }))
    },
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    option: OptionPath,
    within: Option<OptionPath>,
    fire_when: When,
    value: Option<toml::Value>,
    #[serde(default)]
    values: Vec<toml::Value>,
    pattern: Option<String>,
    replace_with: Option<String>,
}

struct OptionValue {
    option: OptionPath,
    within: Option<OptionPath>,
    replace_with: Option<String>,
    condition: Condition,
}

impl Check for OptionValue {
    fn wants(&self, wanted: &mut Wanted) {
        wanted.option(self.option.as_str());
        if let Some(within) = &self.within {
            wanted.option(within.as_str());
        }
    }

    fn check(&self, model: &Model, out: &mut Vec<Finding>) {
        let defs = model.effective(model.defs_at(self.option.names()));
        let vars = |value: String| vec![("option", self.option.to_string()), ("value", value)];
        if defs.is_empty() {
            if self.condition.when == When::Absent
                && let Some(within) = &self.within
                && let Some((first, _)) = model.defs_under(within.names()).next()
            {
                let range = first.path[within.names().len() - 1].range;
                let label = format!("`{}` is not set", self.option);
                out.push(Finding {
                    fix: None,
                    range,
                    label,
                    secondary: vec![],
                    vars: vars(String::new()),
                });
            }
            return;
        }
        // List definitions merge; otherwise each definition is checked on its own.
        let observed: Vec<_> = defs
            .iter()
            .map(|d| Observed::of(&model.ev, &model.ev.force_plain(d.value)))
            .collect();
        if observed.len() > 1
            && observed
                .iter()
                .all(|o| matches!(o, Some(Observed::List(_))))
        {
            let merged = observed.iter().flatten().flat_map(|o| match o {
                Observed::List(items) => items.clone(),
                _ => vec![],
            });
            let merged = Observed::List(merged.collect());
            if self.condition.fires_on(&merged) {
                let range = model.ev.range(defs[0].value);
                let label = format!("`{}` is `{}`", self.option, merged.display());
                out.push(Finding {
                    fix: None,
                    range,
                    label,
                    secondary: vec![],
                    vars: vars(merged.display()),
                });
            }
            return;
        }
        for (d, o) in defs.iter().zip(observed) {
            let Some(o) = o else { continue };
            if self.condition.fires_on(&o) {
                let label = format!("`{}` is `{}`", self.option, o.display());
                let range = model.ev.range(d.value);
                let fix = self.replace_with.as_ref().map(|text| Fix {
                    safety: Safety::Safe,
                    description: format!("set `{}` to `{text}`", self.option),
                    edits: vec![Edit {
                        range,
                        replacement: text.clone(),
                    }],
                });
                out.push(Finding {
                    fix,
                    range,
                    label,
                    secondary: vec![],
                    vars: vec![("option", d.path_string()), ("value", o.display())],
                });
            }
        }
    }
}
