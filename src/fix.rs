//! Applying fixes: non-overlapping edits, re-lint, repeat, and never a result that does
//! not parse.

use std::collections::BTreeMap;

use rnix::TextRange;

use crate::diagnostic::{Edit, Fix, Safety};
use crate::lint::{Linter, lint_source};

/// How many lint-and-fix rounds at most; overlapping fixes need more than one.
pub const MAX_PASSES: usize = 10;

/// The outcome of fixing one file.
#[derive(Debug, Default)]
pub struct Fixed {
    pub text: String,
    /// Fixes applied, per rule.
    pub applied: BTreeMap<String, usize>,
    /// Rules whose fix would have broken the file's syntax (a bug); left unapplied.
    pub refused: Vec<String>,
    /// Fixes were still pending after [`MAX_PASSES`] rounds.
    pub bound_hit: bool,
    /// The file has syntax errors, so nothing was fixed.
    pub syntax_errors: bool,
}

/// Applies every fix of `linter`'s findings that `allow` permits, until none is left.
pub fn fix_text(text: &str, linter: &Linter, allow: Safety) -> Fixed {
    let mut out = Fixed {
        text: text.to_string(),
        ..Fixed::default()
    };
    if !parses(text) {
        out.syntax_errors = true;
        return out;
    }
    for _ in 0..MAX_PASSES {
        let fixes: Vec<(String, Fix)> = lint_source(&out.text, linter)
            .into_iter()
            .filter_map(|d| Some((d.rule, d.fix?)))
            .filter(|(rule, fix)| fix.safety <= allow && !out.refused.contains(rule))
            .collect();
        if fixes.is_empty() {
            return out;
        }
        let chosen = non_overlapping(&fixes);
        let candidate = apply(&out.text, chosen.iter().flat_map(|(_, f)| &f.edits));
        if parses(&candidate) {
            for (rule, _) in &chosen {
                *out.applied.entry(rule.clone()).or_default() += 1;
            }
            out.text = candidate;
            continue;
        }
        // Find the fixes that break the file, refuse them, and try again without them.
        for (rule, fix) in &chosen {
            if !parses(&apply(&out.text, &fix.edits)) && !out.refused.contains(rule) {
                out.refused.push(rule.clone());
            }
        }
        if chosen.iter().all(|(r, _)| !out.refused.contains(r)) {
            // Each fix parses alone but not together: apply just the first this round.
            let (rule, fix) = &chosen[0];
            out.text = apply(&out.text, &fix.edits);
            *out.applied.entry(rule.clone()).or_default() += 1;
        }
    }
    out.bound_hit = lint_source(&out.text, linter).iter().any(|d| {
        d.fix.as_ref().is_some_and(|f| f.safety <= allow) && !out.refused.contains(&d.rule)
    });
    out
}

/// Whether Nix would parse `text`: no rnix error and nothing else Nix's parser rejects.
fn parses(text: &str) -> bool {
    let parse = rnix::Root::parse(text);
    parse.errors().is_empty() && crate::syntax::nix_rejects(parse.syntax().green()).is_empty()
}

/// Fixes in source order, skipping any whose edits overlap an earlier chosen one.
fn non_overlapping(fixes: &[(String, Fix)]) -> Vec<(String, Fix)> {
    let mut sorted: Vec<&(String, Fix)> = fixes.iter().collect();
    sorted.sort_by_key(|(_, f)| f.edits.iter().map(|e| e.range.start()).min());
    let mut taken: Vec<TextRange> = vec![];
    let mut out = vec![];
    for (rule, fix) in sorted {
        let clashes = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| overlaps(*t, e.range)));
        if !clashes {
            taken.extend(fix.edits.iter().map(|e| e.range));
            out.push((rule.clone(), fix.clone()));
        }
    }
    out
}

/// Ranges overlap, or are insertions at the same place (whose order would be arbitrary).
fn overlaps(a: TextRange, b: TextRange) -> bool {
    a.start() < b.end() && b.start() < a.end() || a.start() == b.start()
}

/// Applies edits (non-overlapping) to `text`; `\n` in replacements follows the file's
/// line endings.
pub fn apply<'a>(text: &str, edits: impl IntoIterator<Item = &'a Edit>) -> String {
    let crlf = text.contains("\r\n");
    let mut edits: Vec<&Edit> = edits.into_iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start(), e.range.end())));
    let mut out = text.to_string();
    for e in edits {
        let replacement = if crlf {
            e.replacement.replace('\n', "\r\n")
        } else {
            e.replacement.clone()
        };
        out.replace_range(
            usize::from(e.range.start())..usize::from(e.range.end()),
            &replacement,
        );
    }
    out
}

/// A unified diff of a file before and after fixing.
pub fn diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
