//! Rules as data: each `rules/<name>.toml` names a template, its parameters, and what to
//! tell the user. Built-in rules are embedded in the binary; user rules use the same
//! format and go through the same code.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Fix, Label, Safety, Severity};
use crate::model::Model;
use crate::templates::{self, Check, Finding};

/// A rule file as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleDef {
    pub name: String,
    pub severity: Severity,
    /// One line for listings.
    pub summary: String,
    /// What breaks at runtime; `{var}` placeholders are filled by the template.
    pub message: String,
    /// How to fix this finding; may use the same placeholders.
    pub help: String,
    /// How to fix it in general, for the docs.
    pub remediation: String,
    /// Why it breaks, with references.
    pub explanation: String,
    #[serde(default)]
    pub references: Vec<String>,
    pub template: String,
    #[serde(default)]
    pub params: toml::Table,
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Whether the rule's findings can be fixed automatically, and how safely.
    #[serde(default)]
    pub fix: Option<FixDecl>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FixDecl {
    /// The least safety of the rule's fixes: `safe` fixes run with `--fix`, `unsafe` ones
    /// need `--unsafe-fixes` too.
    pub safety: Safety,
    /// Why the fix is safe, or what to review.
    pub explanation: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Example {
    pub kind: ExampleKind,
    pub code: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExampleKind {
    /// Must fire the rule.
    Bad,
    /// Must not fire the rule.
    Good,
}

/// A rule ready to run: its definition, its effective severity, and the instantiated
/// template.
pub struct Rule {
    pub def: RuleDef,
    pub severity: Severity,
    /// Whether the configuration runs it.
    pub enabled: bool,
    check: Box<dyn Check>,
}

/// A severity, or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Level {
    Off,
    Severity(Severity),
}

impl TryFrom<String> for Level {
    type Error = String;
    fn try_from(s: String) -> Result<Level, String> {
        s.parse()
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Level, String> {
        match s {
            "off" => Ok(Level::Off),
            "error" => Ok(Level::Severity(Severity::Error)),
            "warning" => Ok(Level::Severity(Severity::Warning)),
            "info" => Ok(Level::Severity(Severity::Info)),
            other => Err(format!(
                "unknown severity `{other}` (expected error, warning, info or off)"
            )),
        }
    }
}

/// "unknown rule `x`", with the closest known name as a suggestion.
pub fn unknown_rule_message(name: &str, known: &[String]) -> String {
    match suggest(name, known) {
        Some(s) => format!("unknown rule `{name}`; did you mean `{s}`?"),
        None => format!("unknown rule `{name}`"),
    }
}

/// The known name closest to `name`, when it is close enough to be a typo.
pub fn suggest<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("name", &self.def.name)
            .finish()
    }
}

/// The built-in rule files, embedded at compile time.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "authorization-mode-missing-node",
        include_str!("../rules/authorization-mode-missing-node.toml"),
    ),
    (
        "kubelet-path-missing-mount",
        include_str!("../rules/kubelet-path-missing-mount.toml"),
    ),
    ("mdns-hostname", include_str!("../rules/mdns-hostname.toml")),
    (
        "tmpfiles-settings-shape",
        include_str!("../rules/tmpfiles-settings-shape.toml"),
    ),
];

/// Where in a rule file each key was written, for error messages and example locations.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleSpans {
    pub name: Option<toml::Spanned<toml::Value>>,
    pub template: Option<toml::Spanned<toml::Value>>,
    pub params: Option<toml::Spanned<toml::Value>>,
    pub message: Option<toml::Spanned<toml::Value>>,
    pub help: Option<toml::Spanned<toml::Value>>,
    pub examples: Vec<toml::Spanned<toml::Value>>,
}

impl RuleSpans {
    /// The span of a top-level key's value.
    pub fn of(&self, key: &str) -> Option<std::ops::Range<usize>> {
        let s = match key {
            "name" => &self.name,
            "template" => &self.template,
            "params" => &self.params,
            "message" => &self.message,
            "help" => &self.help,
            _ => &None,
        };
        s.as_ref().map(toml::Spanned::span)
    }
}

/// Narrows `span` of `source` to the key the error is about: `key` if given, then the
/// first `` `name` `` of the message that is written as a key (`name = value`) inside it;
/// the result is the value. A span that is a table header (`[params]`, `[[rule]]`) covers
/// the table's lines.
pub fn narrow_span(
    source: &str,
    span: std::ops::Range<usize>,
    key: Option<&str>,
    message: &str,
) -> std::ops::Range<usize> {
    let region = table_region(source, span.clone());
    let Some(text) = source.get(region.clone()) else {
        return span;
    };
    let find = |name: &str, from: usize| {
        // The value written after `name =`, up to the end of the line (or of an inline
        // table's entry).
        let pattern = format!(
            r#"(?m)(?:^|[{{,])[ \t]*"?{}"?[ \t]*=[ \t]*([^,}}\n]*[^,}}\s])"#,
            regex::escape(name)
        );
        let re = regex::Regex::new(&pattern).ok()?;
        let m = re.captures(&text[from..])?.get(1)?;
        Some(region.start + from + m.start()..region.start + from + m.end())
    };
    let mut narrowed = span;
    if let Some(s) = key.and_then(|k| find(k, 0)) {
        narrowed = s;
    }
    let from = narrowed.start.saturating_sub(region.start);
    for name in message.split('`').skip(1).step_by(2) {
        if let Some(s) = find(name, from) {
            return s;
        }
    }
    narrowed
}

/// The lines of the table whose header is at `span`, up to the next header that is not one
/// of its own sub-tables; any other span is itself.
fn table_region(source: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let Some(header) = source.get(span.clone()).filter(|h| h.starts_with('[')) else {
        return span;
    };
    let name = header
        .trim_matches(|c| c == '[' || c == ']')
        .trim()
        .to_string();
    let mut end = source.len();
    let mut offset = span.end;
    for line in source[span.end..].split_inclusive('\n') {
        let l = line.trim_start();
        if l.starts_with('[') {
            let other = l.trim_end().trim_matches(|c| c == '[' || c == ']').trim();
            if !other.starts_with(&format!("{name}.")) {
                end = offset;
                break;
            }
        }
        offset += line.len();
    }
    span.start..end
}

/// A rule file's error, with the key it is about (`None`: the TOML itself).
#[derive(Debug)]
pub struct RuleError {
    pub key: Option<&'static str>,
    pub span: Option<std::ops::Range<usize>>,
    pub message: String,
}

impl Rule {
    /// Parses and validates a rule file: known template, valid parameters, placeholders
    /// the template provides.
    pub fn parse(source: &str) -> Result<Rule, String> {
        Rule::parse_located(source).map_err(|e| e.message)
    }

    /// Like [`Rule::parse`], with the span of the error in `source`.
    pub fn parse_located(source: &str) -> Result<Rule, RuleError> {
        let def: RuleDef = toml::from_str(source).map_err(|e| RuleError {
            key: None,
            span: e.span(),
            message: e.message().to_string(),
        })?;
        Rule::new(def).map_err(|mut e| {
            let spans: RuleSpans = toml::from_str(source).unwrap_or_default();
            e.span = e
                .key
                .and_then(|k| spans.of(k))
                .map(|span| narrow_span(source, span, None, &e.message));
            e
        })
    }

    pub fn new(def: RuleDef) -> Result<Rule, RuleError> {
        let err = |key, message| RuleError {
            key: Some(key),
            span: None,
            message,
        };
        let template = templates::find(&def.template).ok_or_else(|| {
            let known: Vec<String> = templates::ALL.iter().map(|t| t.key.to_string()).collect();
            let hint = suggest(&def.template, &known)
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            err(
                "template",
                format!(
                    "unknown template `{}`; {hint}(known: {})",
                    def.template,
                    known.join(", ")
                ),
            )
        })?;
        let check = (template.instantiate)(&def.params).map_err(|e| {
            err(
                "params",
                format!("invalid params for template `{}`: {e}", def.template),
            )
        })?;
        for (key, text) in [("message", &def.message), ("help", &def.help)] {
            for var in placeholders(text) {
                if !template.vars.iter().any(|(v, _)| *v == var) {
                    let known: Vec<String> = template
                        .vars
                        .iter()
                        .map(|(v, _)| format!("{{{v}}}"))
                        .collect();
                    let message = format!(
                        "placeholder `{{{var}}}` is not provided by template `{}` (it provides {})",
                        def.template,
                        known.join(", ")
                    );
                    return Err(err(key, message));
                }
            }
        }
        let kebab = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if def.name.is_empty() || !def.name.chars().all(kebab) {
            return Err(err(
                "name",
                format!(
                    "rule name `{}` must be kebab-case: a-z, 0-9 and `-`",
                    def.name
                ),
            ));
        }
        Ok(Rule {
            severity: def.severity,
            enabled: true,
            def,
            check,
        })
    }

    pub fn name(&self) -> &str {
        &self.def.name
    }

    /// Adds what the rule reads from a model to `wanted`.
    pub fn wants(&self, wanted: &mut crate::model::Wanted) {
        self.check.wants(wanted);
    }

    /// Runs the rule on a file's model.
    pub fn run(&self, model: &Model, out: &mut Vec<Diagnostic>) {
        let mut findings = vec![];
        self.check.check(model, &mut findings);
        let mut seen = BTreeSet::new();
        for f in findings {
            if seen.insert((f.range.start(), f.range.end())) {
                out.push(self.diagnostic(f));
            }
        }
    }

    fn diagnostic(&self, f: Finding) -> Diagnostic {
        let mut labels = vec![Label {
            range: f.range,
            message: f.label,
        }];
        labels.extend(f.secondary);
        Diagnostic {
            rule: self.def.name.clone(),
            severity: self.severity,
            range: f.range,
            message: fill(&self.def.message, &f.vars),
            help: Some(fill(&self.def.help, &f.vars)),
            labels,
            suppressed: None,
            fix: self.fix_of(f.fix),
        }
    }

    /// A template's fix, if the rule declares fixes, at least as unsafe as declared.
    fn fix_of(&self, fix: Option<Fix>) -> Option<Fix> {
        let decl = self.def.fix.as_ref()?;
        let mut fix = fix?;
        fix.safety = fix.safety.max(decl.safety);
        Some(fix)
    }

    /// Whether the rule can fix its findings.
    pub fn fixable(&self) -> Option<Safety> {
        self.def.fix.as_ref().map(|f| f.safety)
    }
}

/// `{name}` placeholders in a text (`{{` escapes a brace).
fn placeholders(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        if rest[start..].starts_with("{{") {
            rest = &rest[start + 2..];
            continue;
        }
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

fn fill(text: &str, vars: &[(&'static str, String)]) -> String {
    let mut out = text.replace("{{", "\u{0}").replace("}}", "\u{1}");
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out.replace('\u{0}', "{").replace('\u{1}', "}")
}

/// A set of rules to run.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// Every built-in rule.
    pub fn builtin() -> RuleSet {
        let rules = BUILTIN
            .iter()
            .map(|(name, src)| {
                Rule::parse(src).unwrap_or_else(|e| panic!("built-in rule {name}: {e}"))
            })
            .collect();
        RuleSet { rules }
    }

    /// Every name a selection or suppression may use: the rules and the suppression checks.
    pub fn known_names(&self) -> Vec<String> {
        let meta = crate::lint::META.iter().map(|m| m.0.to_string());
        self.rules
            .iter()
            .map(|r| r.name().to_string())
            .chain(meta)
            .collect()
    }

    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name() == name)
    }
}
