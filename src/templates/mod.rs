//! Templates: Rust code that knows *how* to look at a model. A rule file instantiates one
//! with parameters and says *what* to tell the user.

mod condition;
mod flag_value;
mod hostname_suffix;
mod option_value;
mod slice_flag_requires;
#[cfg(feature = "test-rules")]
mod test_panic;
mod tmpfiles_settings_shape;
mod unit_path_requires_package;

use rnix::TextRange;
use serde::de::DeserializeOwned;

use crate::diagnostic::{Fix, Label};
use crate::model::{Model, Wanted};

/// One finding of a check, before the rule turns it into a diagnostic.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The offending value.
    pub range: TextRange,
    /// Says what is wrong at `range`.
    pub label: String,
    pub secondary: Vec<Label>,
    /// Values for the rule's `{placeholders}`.
    pub vars: Vec<(&'static str, String)>,
    /// A repair; its safety is raised to the rule's declared safety.
    pub fix: Option<Fix>,
}

/// An instantiated template.
pub trait Check: Send + Sync {
    fn check(&self, model: &Model, out: &mut Vec<Finding>);

    /// Adds what `check` reads beyond the units and command lines ([`Wanted::core`]).
    fn wants(&self, wanted: &mut Wanted);
}

pub struct Template {
    pub key: &'static str,
    pub description: &'static str,
    /// Parameter names and descriptions.
    pub params: &'static [(&'static str, &'static str)],
    /// Placeholders its findings fill, with descriptions.
    pub vars: &'static [(&'static str, &'static str)],
    pub instantiate: fn(&toml::Table) -> Result<Box<dyn Check>, String>,
}

pub const ALL: &[&Template] = &[
    &slice_flag_requires::TEMPLATE,
    &unit_path_requires_package::TEMPLATE,
    &hostname_suffix::TEMPLATE,
    &tmpfiles_settings_shape::TEMPLATE,
    &flag_value::TEMPLATE,
    &option_value::TEMPLATE,
];

/// The template named `key`; with the `test-rules` feature, also the unlisted test ones.
pub fn find(key: &str) -> Option<&'static Template> {
    #[cfg(feature = "test-rules")]
    if key == test_panic::TEMPLATE.key {
        return Some(&test_panic::TEMPLATE);
    }
    ALL.iter().copied().find(|t| t.key == key)
}

/// Deserializes a template's parameter struct from a rule's `[params]` table.
fn params<T: DeserializeOwned>(table: &toml::Table) -> Result<T, String> {
    T::deserialize(toml::Value::Table(table.clone()))
        .map_err(|e| e.to_string().trim().replace("\nin `", " in `"))
}

/// A string for messages: known text as is, unknown parts as `${…}`.
fn display(s: &crate::model::Str) -> String {
    s.pieces
        .iter()
        .map(|p| match p {
            crate::model::Piece::Text { text, .. } => text.to_string(),
            crate::model::Piece::Hole { .. } => "${…}".to_string(),
        })
        .collect()
}

/// A dotted option path of a rule's parameters (`*` matches one name), split into its
/// names once, when the rule is loaded, rather than for every file.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(from = "String")]
struct OptionPath {
    dotted: String,
    names: Vec<String>,
}

impl From<String> for OptionPath {
    fn from(dotted: String) -> Self {
        let names = dotted.split('.').map(str::to_string).collect();
        OptionPath { dotted, names }
    }
}

impl OptionPath {
    fn names(&self) -> &[String] {
        &self.names
    }

    fn as_str(&self) -> &str {
        &self.dotted
    }
}

impl std::fmt::Display for OptionPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.dotted)
    }
}

/// The syntax node of `kind` that spans exactly `range`.
fn node_at(model: &Model, range: TextRange, kind: rnix::SyntaxKind) -> Option<rnix::SyntaxNode> {
    let start = match model.root.covering_element(range) {
        rowan::NodeOrToken::Node(n) => n,
        rowan::NodeOrToken::Token(t) => t.parent()?,
    };
    start
        .ancestors()
        .take_while(|n| n.text_range() == range || n.text_range().contains_range(range))
        .find(|n| n.text_range() == range && n.kind() == kind)
}

/// The whitespace that starts the line holding `offset`.
fn indent_at(model: &Model, offset: rnix::TextSize) -> String {
    let text = model.text();
    let at = usize::from(offset).min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// An edit inserting `text` at `offset`.
fn insert(offset: rnix::TextSize, text: impl Into<String>) -> crate::diagnostic::Edit {
    crate::diagnostic::Edit {
        range: TextRange::empty(offset),
        replacement: text.into(),
    }
}
