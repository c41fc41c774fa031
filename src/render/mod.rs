//! Output formats: views of one list of diagnostics. No format computes positions on its
//! own; they all use [`Located`].

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::diagnostic::Diagnostic;
use crate::syntax::LineIndex;

/// The diagnostics of one linted file, with the text they point into.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The path as given on the command line (or `--stdin-filename`).
    pub path: String,
    /// The file's text; empty when it could not be read.
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// A diagnostic with 1-based line and column positions (columns in Unicode scalar values,
/// the end exclusive).
pub struct Located<'a> {
    pub diagnostic: &'a Diagnostic,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The fix's edits, located the same way.
    pub edits: Vec<LocatedEdit<'a>>,
}

pub struct LocatedEdit<'a> {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub replacement: &'a str,
}

/// Every diagnostic of every report, located, in report order.
pub fn located(reports: &[FileReport]) -> Vec<Located<'_>> {
    let mut out = vec![];
    for r in reports.iter().filter(|r| !r.diagnostics.is_empty()) {
        let index = LineIndex::new(&r.text);
        for d in &r.diagnostics {
            let (line, column) = index.position(d.range.start());
            let (end_line, end_column) = index.position(d.range.end());
            let edits = d
                .fix
                .iter()
                .flat_map(|f| &f.edits)
                .map(|e| {
                    let (line, column) = index.position(e.range.start());
                    let (end_line, end_column) = index.position(e.range.end());
                    LocatedEdit {
                        line,
                        column,
                        end_line,
                        end_column,
                        replacement: &e.replacement,
                    }
                })
                .collect();
            out.push(Located {
                diagnostic: d,
                path: &r.path,
                line,
                column,
                end_line,
                end_column,
                edits,
            });
        }
    }
    out
}

/// `--statistics`: the number of findings per rule, most frequent first.
pub fn statistics(reports: &[FileReport], json: bool) -> Vec<u8> {
    let mut counts: std::collections::BTreeMap<(&str, crate::Severity), usize> = Default::default();
    for d in reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.suppressed.is_none())
    {
        *counts.entry((&d.rule, d.severity)).or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if json {
        let rows: Vec<_> = rows
            .iter()
            .map(|((rule, severity), count)| serde_json::json!({ "rule": rule, "severity": severity, "count": count }))
            .collect();
        let doc = serde_json::json!({ "version": 1, "files": reports.len(), "statistics": rows });
        return (serde_json::to_string_pretty(&doc).expect("JSON of plain data") + "\n")
            .into_bytes();
    }
    let mut out = String::new();
    for ((rule, severity), count) in rows {
        out.push_str(&format!("{count:5}  {severity:7}  {rule}\n"));
    }
    out.into_bytes()
}
