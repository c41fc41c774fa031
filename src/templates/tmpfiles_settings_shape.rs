//! `systemd.tmpfiles.settings.<config-name>.<path>.<type> = { ... }` written with a level
//! missing, levels swapped, a relative path, a bad type, or bad inner attributes.

use rnix::TextRange;
use rustc_hash::FxHashSet;
use serde::Deserialize;

use super::{Check, Finding, OptionPath, Template, insert, params};
use crate::diagnostic::{Edit, Fix, Safety};
use crate::model::Wanted;
use crate::model::{Def, Key, Model, Segment, Value};

pub static TEMPLATE: Template = Template {
    key: "tmpfiles-settings-shape",
    description: "Definitions under a tmpfiles `settings` option that are not `<config-name>.<path>.<type>.<attribute>`.",
    params: &[(
        "options",
        "The settings options to check, e.g. `systemd.tmpfiles.settings`.",
    )],
    vars: &[
        ("option", "the settings option"),
        ("problem", "what is wrong"),
        ("fix", "how to write it"),
    ],
    instantiate: |t| Ok(Box::new(params::<Params>(t)?)),
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    options: Vec<OptionPath>,
}

const INNER: &[&str] = &["type", "mode", "user", "group", "age", "argument"];

impl Check for Params {
    fn wants(&self, wanted: &mut Wanted) {
        for o in &self.options {
            wanted.option(o.as_str());
        }
    }

    fn check(&self, model: &Model, out: &mut Vec<Finding>) {
        for option in &self.options {
            let typed = typed_entries(model, option.names().len());
            for (def, rest) in model.defs_under(option.names()) {
                if let Some((range, problem, fix)) = shape_problem(model, def, rest, &typed) {
                    out.push(Finding {
                        fix: repair(model, def, rest, range),
                        range,
                        label: problem.clone(),
                        secondary: vec![],
                        vars: vec![
                            ("option", option.to_string()),
                            ("problem", problem),
                            ("fix", fix),
                        ],
                    });
                }
            }
        }
    }
}

/// The fix of the problem found at `range`, for the problems that have one: a missing
/// config-name level (unsafe: the name is made up), `owner`/`perm` (safe renames), an
/// integer `mode` (safe: quoted with its leading zero).
fn repair(model: &Model, def: &Def, rest: &[Segment], range: TextRange) -> Option<Fix> {
    let fix = |safety, description: &str, edit| {
        Some(Fix {
            safety,
            description: description.to_string(),
            edits: vec![edit],
        })
    };
    if let Some(config) = rest.first()
        && config.range == range
        && config.key.known().is_some_and(|k| k.starts_with('/'))
    {
        return fix(
            Safety::Unsafe,
            "add a config-name level",
            insert(range.start(), "\"10-k8s\"."),
        );
    }
    let attr = rest.get(3)?;
    if attr.range == range {
        let name = attr.key.known()?;
        let new = match name {
            "owner" => "user",
            "perm" | "perms" | "permissions" => "mode",
            _ => return None,
        };
        return (model.source(range) == name).then(|| {
            fix(
                Safety::Safe,
                &format!("rename to `{new}`"),
                Edit {
                    range,
                    replacement: new.to_string(),
                },
            )
        })?;
    }
    if rest.len() == 4 && attr.is("mode") && model.ev.range(def.value) == range {
        let digits = model.source(range);
        if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 4 {
            return None;
        }
        let replacement = format!("\"{digits:0>4}\"");
        return fix(
            Safety::Safe,
            "write the mode as a string",
            Edit { range, replacement },
        );
    }
    None
}

/// The first problem along one definition's path below the settings option.
fn shape_problem(
    model: &Model,
    def: &Def,
    rest: &[Segment],
    typed: &FxHashSet<Vec<Name<'_>>>,
) -> Option<(TextRange, String, String)> {
    let value = model.ev.force_plain(def.value);
    let value_range = model.ev.range(def.value);
    let shape = "<config-name>.\"/abs/path\".<type> = { mode = \"0755\"; ... }";
    let [config, tail @ ..] = rest else {
        return None;
    };
    if let Some(name) = config.key.known() {
        if name.starts_with('/') || is_type(name) || INNER.contains(&name) {
            let what = if name.starts_with('/') {
                "a path"
            } else if is_type(name) {
                "a type"
            } else {
                "an attribute"
            };
            return Some((
                config.range,
                format!("{what} `{name}` where the config name goes"),
                format!(
                    "add the config-name level: `\"10-k8s\".{} = {{ ... }}`",
                    render_rest(&rest[..rest.len().min(2)])
                ),
            ));
        }
        if name.contains('/') {
            return Some((
                config.range,
                format!("config name `{name}` contains `/`"),
                "name the config like `10-k8s`, without `/`".to_string(),
            ));
        }
    }
    let [path, tail @ ..] = tail else {
        return not_attrs(&value, value_range, "the config name", shape);
    };
    match &path.key {
        Key::Known(p) if is_type(p) || INNER.contains(&&**p) => {
            let what = if is_type(p) { "a type" } else { "an attribute" };
            return Some((
                path.range,
                format!("{what} `{p}` where the path goes"),
                format!("write `{shape}`"),
            ));
        }
        Key::Known(p) if !is_absolute(p) => {
            return Some((
                path.range,
                format!("relative path `{p}`"),
                format!(
                    "use an absolute path: `\"/{}\"`",
                    p.trim_start_matches("./")
                ),
            ));
        }
        Key::Partial(s) => {
            let prefix = s.known_prefix();
            if !prefix.is_empty() && !is_absolute(&prefix) {
                return Some((
                    path.range,
                    format!("relative path `{prefix}…`"),
                    "use an absolute path".to_string(),
                ));
            }
        }
        Key::Known(_) => {}
    }
    let [ty, tail @ ..] = tail else {
        return not_attrs(&value, value_range, "the path", shape);
    };
    if let Some(t) = ty.key.known()
        && !is_type(t)
        && !typed.contains(&names(&def.path[..def.path.len() - rest.len() + 3]))
    {
        let (problem, fix) = if INNER.contains(&t) {
            (
                format!("attribute `{t}` where the type goes"),
                "add the type level, e.g. `.d = { ... }`".to_string(),
            )
        } else if t.starts_with('/') {
            (
                format!("a path `{t}` where the type goes"),
                format!("write `{shape}`"),
            )
        } else {
            (
                format!("`{t}` is not a tmpfiles.d type"),
                "use a type from tmpfiles.d(5): `d`, `f`, `L+`, `z`, ...".to_string(),
            )
        };
        return Some((ty.range, problem, fix));
    }
    let [attr, tail @ ..] = tail else {
        return match value {
            Value::Attrs(_) | Value::Unknown => None,
            other => Some((
                value_range,
                format!("{} where the entry's attributes go", other.type_name()),
                "write `{ mode = \"0755\"; user = \"root\"; }`".to_string(),
            )),
        };
    };
    let name = attr.key.known()?;
    if !INNER.contains(&name) {
        let fix = match name {
            "owner" => "use `user`".to_string(),
            "perm" | "perms" | "permissions" => "use `mode`".to_string(),
            _ => format!("use one of {}", INNER.join(", ")),
        };
        return Some((
            attr.range,
            format!("`{name}` is not a tmpfiles entry attribute"),
            fix,
        ));
    }
    if !tail.is_empty() {
        return Some((
            attr.range,
            format!("`{name}` must be a string, not an attribute set"),
            "write a string".to_string(),
        ));
    }
    match value {
        Value::Str(s) => {
            if name == "type"
                && let Some(t) = s.known()
                && !is_type(&t)
            {
                return Some((
                    value_range,
                    format!("`{t}` is not a tmpfiles.d type"),
                    "use a type from tmpfiles.d(5)".to_string(),
                ));
            }
            None
        }
        Value::Int(i) if name == "mode" => Some((
            value_range,
            format!("`mode = {i}` is an integer"),
            format!("write the mode as a string: `\"0{i}\"`"),
        )),
        Value::Unknown | Value::Package(_) | Value::Path(_) => None,
        other => Some((
            value_range,
            format!("`{name}` is {}, not a string", other.type_name()),
            "write a string".to_string(),
        )),
    }
}

/// The entries (the option's path, a config name, a path and a name at the type level)
/// that set `type` themselves, which frees that name (`cni-dir = { type = "d"; }`). Found
/// once, so that each definition looks its entry up rather than searching every one:
/// `option` is the length of the option's path.
fn typed_entries(model: &Model, option: usize) -> FxHashSet<Vec<Name<'_>>> {
    let end = option + 3;
    (model.defs.iter())
        .filter(|d| d.path.len() == end + 1 && d.path[end].is("type"))
        .map(|d| names(&d.path[..end]))
        .collect()
}

/// A segment as entries are told apart: by its name, or where the name is not known, by
/// where it is written.
#[derive(PartialEq, Eq, Hash)]
enum Name<'a> {
    Known(&'a str),
    At(TextRange),
}

fn names(path: &[Segment]) -> Vec<Name<'_>> {
    (path.iter())
        .map(|s| s.key.known().map_or(Name::At(s.range), Name::Known))
        .collect()
}

fn not_attrs(
    value: &Value,
    range: TextRange,
    level: &str,
    shape: &str,
) -> Option<(TextRange, String, String)> {
    match value {
        Value::Attrs(_) | Value::Unknown => None,
        other => Some((
            range,
            format!("{} after {level}", other.type_name()),
            format!("write `{shape}`"),
        )),
    }
}

fn render_rest(rest: &[Segment]) -> String {
    rest.iter()
        .map(|s| match s.key.known() {
            Some(k)
                if k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    && !k.starts_with(char::is_numeric) =>
            {
                k.to_string()
            }
            Some(k) => format!("{k:?}"),
            None => "${…}".to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Absolute, or starting with a systemd specifier (`%t/foo`).
fn is_absolute(p: &str) -> bool {
    p.starts_with('/') || p.starts_with('%')
}

/// A tmpfiles.d(5) type: a letter, an optional `+`, then modifiers.
pub fn is_type(t: &str) -> bool {
    let mut chars = t.chars();
    let Some(letter) = chars.next() else {
        return false;
    };
    if !"fFwdDevqQpLcbCxXrRzZtThHaA".contains(letter) {
        return false;
    }
    let rest: Vec<char> = chars.collect();
    let rest = rest.strip_prefix(&['+']).unwrap_or(&rest);
    let mut seen = vec![];
    rest.iter().all(|c| {
        let ok = "!-=~^$".contains(*c) && !seen.contains(c);
        seen.push(*c);
        ok
    })
}
