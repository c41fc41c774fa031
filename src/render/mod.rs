//! Output formats: views of one list of diagnostics. No format computes positions on its
//! own; they all use [`Located`].

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use rnix::TextRange;

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
    /// The index of its report among those given to [`located`].
    pub file: usize,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The fix's edits, located the same way, with their replacements.
    pub edits: Vec<LocatedText<'a>>,
    /// The secondary labels (all but the first), located the same way, with their messages.
    pub related: Vec<LocatedText<'a>>,
}

/// A range located as [`Located`] is, and the text that goes with it.
pub struct LocatedText<'a> {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: &'a str,
}

/// Every diagnostic of every report, located, in report order. Each report's lines are
/// indexed once, for all its diagnostics.
pub fn located(reports: &[FileReport]) -> Vec<Located<'_>> {
    let mut out = vec![];
    for (file, r) in reports.iter().enumerate() {
        if r.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&r.text);
        let at = |range: TextRange, text| {
            let (line, column) = index.position(range.start());
            let (end_line, end_column) = index.position(range.end());
            LocatedText {
                line,
                column,
                end_line,
                end_column,
                text,
            }
        };
        for d in &r.diagnostics {
            let primary = at(d.range, "");
            let edits = (d.fix.iter().flat_map(|f| &f.edits))
                .map(|e| at(e.range, &e.replacement))
                .collect();
            let related = (d.labels.iter().skip(1))
                .map(|l| at(l.range, &l.message))
                .collect();
            out.push(Located {
                diagnostic: d,
                file,
                path: &r.path,
                line: primary.line,
                column: primary.column,
                end_line: primary.end_line,
                end_column: primary.end_column,
                edits,
                related,
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
