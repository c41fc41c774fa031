//! The one entry point that the CLI (and later the LSP and the fixer) call.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use rnix::{TextRange, TextSize};

use crate::diagnostic::{Diagnostic, Label, Severity, Suppression, builtin};
use crate::model::{Model, Wanted};
use crate::rules::{self, Level, Rule, RuleSet};
use crate::suppress;
use crate::syntax::{self, LineIndex, Parsed};

/// Checks about suppression comments themselves, with their default severities.
pub const META: &[(&str, Severity, &str)] = &[
    (
        builtin::UNUSED_SUPPRESSION,
        Severity::Warning,
        "A suppression comment that suppresses no finding",
    ),
    (
        builtin::UNKNOWN_RULE,
        Severity::Warning,
        "A suppression comment names a rule that does not exist",
    ),
    (
        builtin::INVALID_SUPPRESSION,
        Severity::Warning,
        "A comment starting with `nixk8s-lint:` that is not a valid directive",
    ),
];

/// Which rules run, at which severity.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Only these rules (all when `None`).
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Severity overrides, applied in order (later wins).
    pub levels: Vec<(String, Level)>,
}

/// Lints source texts with a set of rules.
pub struct Linter {
    rules: Vec<Rule>,
    /// Every rule name there is, enabled or not, for suppressions to name.
    known: Vec<String>,
    meta: BTreeMap<&'static str, Severity>,
    /// What the enabled rules read from a model.
    wanted: Wanted,
}

/// A file's diagnostics, and the ones suppressed by comments (their `suppressed` set).
#[derive(Debug, Default)]
pub struct LintOutput {
    pub diagnostics: Vec<Diagnostic>,
    pub suppressed: Vec<Diagnostic>,
    pub timings: Timings,
}

/// Time spent in each phase of linting one file (`--timings`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    pub parse: Duration,
    pub model: Duration,
    pub checks: Duration,
}

impl std::ops::AddAssign for Timings {
    fn add_assign(&mut self, o: Timings) {
        self.parse += o.parse;
        self.model += o.model;
        self.checks += o.checks;
    }
}

impl Linter {
    /// Every rule at its own severity.
    pub fn new(rules: RuleSet) -> Linter {
        Linter::with_selection(rules, &Selection::default())
            .expect("the default selection names no rule")
    }

    /// The rules of `rules` that `selection` enables, at the severities it sets. Fails with
    /// the first unknown rule name.
    pub fn with_selection(rules: RuleSet, selection: &Selection) -> Result<Linter, String> {
        let known = rules.known_names();
        let names = selection
            .select
            .iter()
            .flatten()
            .chain(&selection.ignore)
            .chain(selection.levels.iter().map(|l| &l.0));
        for name in names {
            if !known.contains(name) {
                return Err(rules::unknown_rule_message(name, &known));
            }
        }
        let enabled = |name: &str| {
            selection
                .select
                .as_ref()
                .is_none_or(|s| s.iter().any(|n| n == name))
                && !selection.ignore.iter().any(|n| n == name)
        };
        let level = |name: &str, default: Severity| {
            let mut level = Level::Severity(default);
            for (n, l) in &selection.levels {
                if n == name {
                    level = *l;
                }
            }
            match level {
                Level::Severity(s) if enabled(name) => Some(s),
                _ => None,
            }
        };
        let mut meta = BTreeMap::new();
        for (name, default, _) in META {
            if let Some(s) = level(name, *default) {
                meta.insert(*name, s);
            }
        }
        let rules: Vec<Rule> = rules
            .rules
            .into_iter()
            .map(|mut r| {
                let level = level(r.name(), r.def.severity);
                r.enabled = level.is_some();
                r.severity = level.unwrap_or(r.def.severity);
                r
            })
            .collect();
        let mut wanted = Wanted::core();
        for rule in rules.iter().filter(|r| r.enabled) {
            rule.wants(&mut wanted);
        }
        Ok(Linter {
            rules,
            known,
            meta,
            wanted,
        })
    }

    /// The severity of a suppression check, `None` when it is off.
    pub fn meta_severity(&self, name: &str) -> Option<Severity> {
        self.meta.get(name).copied()
    }

    /// Every rule, enabled or not.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    fn enabled(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.enabled)
    }
}

/// Lints one file's text: syntax errors, then every rule's findings, sorted by position.
pub fn lint_source(text: &str, linter: &Linter) -> Vec<Diagnostic> {
    lint_file(text, linter).diagnostics
}

/// Like [`lint_source`], also returning what suppression comments suppressed. A panic
/// while building the model, in a rule or in the strict syntax checks becomes an
/// `internal-error` diagnostic naming it.
pub fn lint_file(text: &str, linter: &Linter) -> LintOutput {
    let clock = Instant::now();
    match Parsed::new(text) {
        Ok(parsed) => {
            let parse = clock.elapsed();
            let mut out = lint_parsed(text, &parsed, linter);
            out.timings.parse = parse;
            out
        }
        Err(too_deep) => LintOutput {
            diagnostics: vec![*too_deep],
            ..LintOutput::default()
        },
    }
}

/// [`lint_file`] on a text already parsed (the language server keeps a document's tree
/// between edits). `parsed` must be `text`'s.
pub fn lint_parsed(text: &str, parsed: &Parsed, linter: &Linter) -> LintOutput {
    let (mut out, model) = lint_parsed_keeping_model(text, parsed, linter);
    let clock = Instant::now();
    drop(model);
    out.timings.checks += clock.elapsed();
    out
}

/// [`lint_parsed`], also returning the model the rules read. Freeing the model of a large
/// file takes milliseconds: the language server does it after publishing diagnostics.
pub fn lint_parsed_keeping_model(
    text: &str,
    parsed: &Parsed,
    linter: &Linter,
) -> (LintOutput, Option<Model>) {
    let mut out = LintOutput::default();
    let root = parsed.syntax();
    let mut findings = vec![];
    let mut rejected = vec![];
    let mut kept = None;
    // Each phase is timed on its own: a thread that waits for the strict checks at the
    // end of the scope may run other files' work meanwhile, which is theirs to count.
    let (mut strict, mut rules) = (Duration::ZERO, Duration::ZERO);
    rayon::in_place_scope(|scope| {
        // The strict syntax checks read only the green tree: they run on another thread
        // when one is free (in the editor), beside the model and the rules.
        scope.spawn(|_| {
            let clock = Instant::now();
            let checks = || "the strict syntax checks".to_string();
            rejected =
                guarded(checks, || syntax::nix_rejects(&parsed.green)).unwrap_or_else(|d| vec![*d]);
            strict = clock.elapsed();
        });
        let clock = Instant::now();
        let model = guarded(
            || "building the model".to_string(),
            || Model::build_for(&parsed.root(), text, &linter.wanted.for_text(text)),
        );
        out.timings.model = clock.elapsed();
        let clock = Instant::now();
        match model {
            Ok(model) => {
                for rule in linter.enabled() {
                    let what =
                        || format!("rule `{}` (template `{}`)", rule.name(), rule.def.template);
                    if let Err(d) = guarded(what, || rule.run(&model, &mut findings)) {
                        out.diagnostics.push(*d);
                    }
                }
                kept = Some(model);
            }
            Err(d) => out.diagnostics.push(*d),
        }
        rules = clock.elapsed();
    });
    let clock = Instant::now();
    drop_findings_in_broken_code(&root, &parsed.errors, &mut findings);
    let suppressed = apply_suppressions(&root, text, linter, findings);
    out.diagnostics.extend(suppressed.diagnostics);
    out.suppressed = suppressed.suppressed;
    if text.starts_with('\u{feff}') {
        out.diagnostics.push(syntax::bom());
    }
    out.diagnostics
        .extend(syntax::syntax_errors(&parsed.errors, TextSize::of(text)));
    out.diagnostics.extend(rejected);
    out.diagnostics
        .sort_by_key(|d| (d.range.start(), d.range.end()));
    // Everything after the model: the rules, the strict checks and the rest.
    out.timings.checks = rules + strict + clock.elapsed();
    (out, kept)
}

/// Drops findings inside a binding that holds a syntax error: what the parser recovered
/// there is a guess, and findings must not be invented from it.
fn drop_findings_in_broken_code(
    root: &rnix::SyntaxNode,
    errors: &[rnix::ParseError],
    findings: &mut Vec<Diagnostic>,
) {
    use rnix::ParseError as E;
    if findings.is_empty() || errors.is_empty() {
        return;
    }
    let end = root.text_range().end();
    let mut starts: Vec<TextSize> = errors
        .iter()
        .map(|e| match e {
            E::Unexpected(r)
            | E::UnexpectedExtra(r)
            | E::UnexpectedWanted(_, r, _)
            | E::UnexpectedDoubleBind(r) => r.start(),
            E::DuplicatedArgs(r, _) => r.start(),
            _ => end,
        })
        .collect();
    // Errors often repeat a position (every unclosed level reports the end of the file).
    starts.sort();
    starts.dedup();
    let broken: Vec<TextRange> = starts
        .into_iter()
        .filter_map(|at| {
            let mut token = root
                .token_at_offset(at)
                .left_biased()
                .or_else(|| root.last_token())?;
            // The last real token before the error (trailing whitespace may sit outside).
            while matches!(
                token.kind(),
                rnix::SyntaxKind::TOKEN_WHITESPACE | rnix::SyntaxKind::TOKEN_COMMENT
            ) {
                token = token.prev_token()?;
            }
            let binding = token
                .parent_ancestors()
                .find(|n| n.kind() == rnix::SyntaxKind::NODE_ATTRPATH_VALUE)?;
            Some(binding.text_range())
        })
        .collect();
    findings.retain(|f| {
        !broken
            .iter()
            .any(|b| b.contains_range(f.range) || f.range.contains_range(*b))
    });
}

thread_local! {
    /// Set while [`guarded`] runs code on this thread; holds where a panic there happened.
    static GUARDED: std::cell::RefCell<Option<Option<String>>> = const { std::cell::RefCell::new(None) };
}

/// Installs a panic hook that keeps quiet about panics caught by the linter (they become
/// `internal-error` diagnostics, with the place of the panic) and reports any other panic
/// as the previous hook did. For binaries; a library leaves the hook to its user.
pub fn install_panic_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let caught = GUARDED.with(|g| match &mut *g.borrow_mut() {
            Some(at) => {
                *at = info.location().map(|l| l.to_string());
                true
            }
            None => false,
        });
        if !caught {
            previous(info);
        }
    }));
}

/// Runs `f`, turning a panic into an `internal-error` diagnostic that says what panicked.
fn guarded<T>(what: impl FnOnce() -> String, f: impl FnOnce() -> T) -> Result<T, Box<Diagnostic>> {
    let outer = GUARDED.with(|g| g.borrow_mut().replace(None));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let at = GUARDED
        .with(|g| std::mem::replace(&mut *g.borrow_mut(), outer))
        .flatten();
    result.map_err(|payload| {
        let cause = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let at = at.map(|at| format!(" (at {at})")).unwrap_or_default();
        Box::new(Diagnostic::builtin_error(
            builtin::INTERNAL_ERROR,
            TextRange::empty(TextSize::from(0)),
            format!("internal error in {}: {cause}{at}", what()),
            Some("this is a bug in nixk8s-lint; please report it with the file that triggers it"),
        ))
    })
}

fn apply_suppressions(
    root: &rnix::SyntaxNode,
    text: &str,
    linter: &Linter,
    findings: Vec<Diagnostic>,
) -> LintOutput {
    let (directives, malformed) = suppress::directives(root, text);
    if directives.is_empty() && malformed.is_empty() {
        return LintOutput {
            diagnostics: findings,
            ..LintOutput::default()
        };
    }
    let index = LineIndex::new(text);
    let mut used = vec![vec![false; 0]; directives.len()];
    for (d, u) in directives.iter().zip(&mut used) {
        *u = vec![false; d.rules.len()];
    }
    let mut out = LintOutput::default();
    for f in findings {
        let hit = directives.iter().enumerate().find_map(|(i, d)| {
            d.rules
                .iter()
                .position(|(r, _)| suppress::covers(d, &f, r, &index))
                .map(|j| (i, j))
        });
        match hit {
            Some((i, j)) => {
                used[i][j] = true;
                let reason = directives[i].reason.clone();
                out.suppressed.push(Diagnostic {
                    suppressed: Some(Suppression { reason }),
                    ..f
                });
            }
            None => out.diagnostics.push(f),
        }
    }
    let meta = |name: &str, range: TextRange, message: String, help: Option<String>| {
        linter.meta.get(name).map(|&severity| Diagnostic {
            rule: name.to_string(),
            severity,
            range,
            message,
            help,
            labels: vec![Label {
                range,
                message: String::new(),
            }],
            suppressed: None,
            fix: None,
        })
    };
    for (d, u) in directives.iter().zip(&used) {
        for ((name, range), used) in d.rules.iter().zip(u) {
            let diag = if !linter.known.contains(name) {
                let message = rules::unknown_rule_message(name, &linter.known);
                meta(
                    builtin::UNKNOWN_RULE,
                    *range,
                    message,
                    Some("fix the rule name or remove it".to_string()),
                )
            } else if !used && linter.enabled().any(|r| r.name() == name) {
                let message = format!("this suppression of `{name}` suppresses nothing");
                meta(
                    builtin::UNUSED_SUPPRESSION,
                    *range,
                    message,
                    Some("remove it".to_string()),
                )
            } else {
                None
            };
            out.diagnostics.extend(diag);
        }
    }
    for m in malformed {
        out.diagnostics.extend(meta(
            builtin::INVALID_SUPPRESSION,
            m.range,
            format!("invalid suppression comment: {}", m.message),
            Some("write `# nixk8s-lint: ignore[rule-name] reason`".to_string()),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Building only what the rules want finds exactly what building everything finds.
    #[test]
    fn the_wanted_model_finds_what_the_whole_model_finds() {
        let files = crate::testdata_files();
        assert!(files.len() > 60, "{}", files.len());
        let pruned = Linter::new(RuleSet::builtin());
        let mut whole = Linter::new(RuleSet::builtin());
        whole.wanted = Wanted::everything();
        let mut findings = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let expected = lint_source(&text, &whole);
            findings += expected.len();
            assert_eq!(lint_source(&text, &pruned), expected, "{file:?}");
        }
        assert!(findings > 30, "{findings}");
    }
}
