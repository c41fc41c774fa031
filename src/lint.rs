//! The one entry point that the CLI (and later the LSP and the fixer) call.

use std::panic::{self, AssertUnwindSafe};

use rnix::{TextRange, TextSize};

use crate::diagnostic::{Diagnostic, Severity, builtin};
use crate::model::Model;
use crate::rules::RuleSet;
use crate::syntax;

/// Lints source texts with a set of rules.
pub struct Linter {
    pub rules: RuleSet,
}

impl Linter {
    pub fn new(rules: RuleSet) -> Linter {
        Linter { rules }
    }
}

/// Lints one file's text: syntax errors, then every rule's findings, sorted by position.
/// A panic inside becomes an `internal-error` diagnostic instead of ending the run.
pub fn lint_source(text: &str, linter: &Linter) -> Vec<Diagnostic> {
    let mut out = match panic::catch_unwind(AssertUnwindSafe(|| lint_unguarded(text, linter))) {
        Ok(diags) => diags,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            vec![Diagnostic {
                rule: builtin::INTERNAL_ERROR.to_string(),
                severity: Severity::Error,
                range: TextRange::empty(TextSize::from(0)),
                message: format!("internal error while linting this file: {what}"),
                help: Some(
                    "this is a bug in nixk8s-lint; please report it with the file that triggers it"
                        .to_string(),
                ),
                labels: vec![],
            }]
        }
    };
    out.sort_by_key(|d| (d.range.start(), d.range.end()));
    out
}

fn lint_unguarded(text: &str, linter: &Linter) -> Vec<Diagnostic> {
    let parse = rnix::Root::parse(text);
    let mut out = syntax::syntax_errors(parse.errors(), TextSize::of(text));
    let model = Model::build(&parse.tree());
    for rule in &linter.rules.rules {
        rule.run(&model, &mut out);
    }
    out
}
