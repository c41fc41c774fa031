//! `--format human`: rustc-style snippets with the offending value underlined.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::Buffer};

use super::FileReport;
use crate::diagnostic::{Diagnostic, Severity};

/// Renders every report, then a summary line. `color` adds ANSI colours.
pub fn render(reports: &[FileReport], color: bool) -> Vec<u8> {
    let mut buf = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = term::Config::default();
    for r in reports {
        let file = SimpleFile::new(r.path.as_str(), r.text.as_str());
        for d in &r.diagnostics {
            let mut cs = convert(d, r.text.is_empty() || on_long_line(&r.text, d));
            if cs.labels.is_empty() && !r.text.is_empty() {
                // No snippet (the line is too long to print): say where instead.
                let (line, column) =
                    crate::syntax::LineIndex::new(&r.text).position(d.range.start());
                cs.notes.insert(0, format!("at {}:{line}:{column}", r.path));
            }
            term::emit_to_write_style(&mut buf, &config, &file, &cs)
                .expect("rendering into memory");
        }
    }
    let mut out = buf.into_inner();
    out.extend_from_slice(summary(reports).as_bytes());
    out
}

/// Lines longer than this are not printed as snippets (a minified 1 MB line would be).
const MAX_SNIPPET_LINE: usize = 1_000;

fn on_long_line(text: &str, d: &Diagnostic) -> bool {
    d.labels.iter().map(|l| l.range).chain([d.range]).any(|r| {
        let at = usize::from(r.start()).min(text.len());
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        end - start > MAX_SNIPPET_LINE
    })
}

fn convert(d: &Diagnostic, no_source: bool) -> CsDiagnostic<()> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let labels = if no_source {
        vec![]
    } else if d.labels.is_empty() {
        vec![CsLabel::primary((), d.range)]
    } else {
        d.labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let label = if i == 0 {
                    CsLabel::primary((), l.range)
                } else {
                    CsLabel::secondary((), l.range)
                };
                label.with_message(&l.message)
            })
            .collect()
    };
    CsDiagnostic::new(severity)
        .with_code(&d.rule)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(
            d.help
                .iter()
                .map(|h| format!("help: {h}{}", fixable(d)))
                .chain(d.suppressed.as_ref().map(suppressed_note))
                .collect(),
        )
}

/// ` (fixable with --fix)` after the help of a fixable finding.
fn fixable(d: &Diagnostic) -> &'static str {
    match d.fix.as_ref().map(|f| f.safety) {
        Some(crate::diagnostic::Safety::Safe) => " (fixable with --fix)",
        Some(crate::diagnostic::Safety::Unsafe) => " (fixable with --fix --unsafe-fixes)",
        None => "",
    }
}

fn suppressed_note(s: &crate::diagnostic::Suppression) -> String {
    match &s.reason {
        Some(reason) => format!("suppressed by a comment: {reason}"),
        None => "suppressed by a comment (no reason given)".to_string(),
    }
}

fn summary(reports: &[FileReport]) -> String {
    let count = |s: Severity| {
        reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.severity == s && d.suppressed.is_none())
            .count()
    };
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let files = reports.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if e + w + i == 0 {
        return format!("No problems found; {} checked.\n", plural(files, "file"));
    }
    let mut parts = vec![plural(e, "error"), plural(w, "warning")];
    if i > 0 {
        parts.push(plural(i, "info"));
    }
    format!(
        "Found {}; {} checked.\n",
        parts.join(", "),
        plural(files, "file")
    )
}
