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
            term::emit_to_write_style(&mut buf, &config, &file, &convert(d, r.text.is_empty()))
                .expect("rendering into memory");
        }
    }
    let mut out = buf.into_inner();
    out.extend_from_slice(summary(reports).as_bytes());
    out
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
