//! What every output format renders: a rule's finding at a source range.

use std::fmt;

use rnix::TextRange;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A secondary location that explains the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    /// Byte range of the offending value in the file.
    pub range: TextRange,
    /// What breaks at runtime.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    pub labels: Vec<Label>,
    /// Set when a comment suppresses it (shown only with `--show-suppressed`).
    pub suppressed: Option<Suppression>,
    /// Text edits that repair it, when the rule has a fix.
    pub fix: Option<Fix>,
}

/// Whether a fix can be applied without a human's eye.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Cannot change meaning beyond repairing the finding.
    Safe,
    /// Needs review: `--unsafe-fixes` applies it.
    Unsafe,
}

/// Replaces `range` of the file with `replacement` (`\n` becomes the file's line ending).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub safety: Safety,
    /// What the fix does, e.g. "add `Node`".
    pub description: String,
    pub edits: Vec<Edit>,
}

impl Diagnostic {
    /// An error that no rule reports (syntax, I/O, the tool itself), with an optional help.
    pub fn builtin_error(
        rule: &str,
        range: TextRange,
        message: String,
        help: Option<&str>,
    ) -> Diagnostic {
        Diagnostic {
            rule: rule.to_string(),
            severity: Severity::Error,
            range,
            message,
            help: help.map(str::to_string),
            labels: vec![],
            suppressed: None,
            fix: None,
        }
    }
}

/// A suppression comment's effect on a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub reason: Option<String>,
}

/// Names of diagnostics that do not come from a rule file.
pub mod builtin {
    pub const SYNTAX_ERROR: &str = "syntax-error";
    pub const IO_ERROR: &str = "io-error";
    pub const INTERNAL_ERROR: &str = "internal-error";
    pub const FIX_ERROR: &str = "fix-error";
    pub const TOO_DEEP: &str = "too-deep";
    pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
    pub const UNKNOWN_RULE: &str = "unknown-rule";
    pub const INVALID_SUPPRESSION: &str = "invalid-suppression";
}
