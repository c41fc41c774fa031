//! `--format github`: GitHub Actions workflow commands, shown as annotations on the diff.

use super::{FileReport, located};
use crate::diagnostic::Severity;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for l in located(reports) {
        let d = l.diagnostic;
        // A suppressed finding (`--show-suppressed`) is a notice, not a live annotation.
        let command = match d.severity {
            _ if d.suppressed.is_some() => "notice",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![
            format!("file={}", property(l.path)),
            format!("line={}", l.line),
        ];
        props.push(format!("endLine={}", l.end_line));
        // Columns only make sense on a single line.
        if l.line == l.end_line {
            props.push(format!("col={}", l.column));
            props.push(format!("endColumn={}", l.end_column));
        }
        props.push(format!("title={}", property(&d.rule)));
        let mut message = match &d.suppressed {
            Some(_) => format!("(suppressed) {}", d.message),
            None => d.message.clone(),
        };
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}

/// Escapes a command's message: `%`, CR and LF.
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as [`data`], plus `:` and `,`.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
