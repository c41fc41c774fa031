//! `--format json`: the stable machine contract (version 1). Keys may be added, never removed.

use serde::Serialize;

use super::{FileReport, located};
use crate::diagnostic::{Safety, Severity};

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    files: usize,
    diagnostics: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    rule: &'a str,
    severity: Severity,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    /// Present only for suppressed diagnostics (`--show-suppressed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Suppressed<'a>>,
    /// Present when the rule can fix this finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixItem<'a>>,
}

#[derive(Serialize)]
struct FixItem<'a> {
    safety: Safety,
    description: &'a str,
    edits: Vec<EditItem<'a>>,
}

#[derive(Serialize)]
struct EditItem<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    reason: Option<&'a str>,
}

pub fn render(reports: &[FileReport]) -> String {
    let report = Report {
        version: 1,
        files: reports.len(),
        diagnostics: items(reports),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("JSON of plain data");
    out.push('\n');
    out
}

/// `--format jsonl`: one diagnostic (the same object as in `json`) per line.
pub fn render_lines(reports: &[FileReport]) -> String {
    items(reports)
        .iter()
        .map(|i| serde_json::to_string(i).expect("JSON of plain data") + "\n")
        .collect()
}

fn items(reports: &[FileReport]) -> Vec<Item<'_>> {
    located(reports)
        .into_iter()
        .map(|l| Item {
            rule: &l.diagnostic.rule,
            severity: l.diagnostic.severity,
            path: l.path,
            line: l.line,
            column: l.column,
            end_line: l.end_line,
            end_column: l.end_column,
            message: &l.diagnostic.message,
            help: l.diagnostic.help.as_deref(),
            suppressed: l.diagnostic.suppressed.as_ref().map(|s| Suppressed {
                reason: s.reason.as_deref(),
            }),
            fix: l.diagnostic.fix.as_ref().map(|f| FixItem {
                safety: f.safety,
                description: &f.description,
                edits: l
                    .edits
                    .iter()
                    .map(|e| EditItem {
                        line: e.line,
                        column: e.column,
                        end_line: e.end_line,
                        end_column: e.end_column,
                        replacement: e.text,
                    })
                    .collect(),
            }),
        })
        .collect()
}
