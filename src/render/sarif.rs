//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

use serde::Serialize;

use super::{FileReport, located};
use crate::diagnostic::Severity;

/// What SARIF says about a rule that can fire.
pub struct RuleInfo<'a> {
    pub id: &'a str,
    pub summary: &'a str,
    pub explanation: &'a str,
    pub remediation: &'a str,
    pub severity: Severity,
    pub help_uri: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    original_uri_base_ids: serde_json::Value,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Config,
    properties: serde_json::Value,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Config {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: Physical,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// Relative URIs are relative to the repository root; a file outside it has a `file:` URI.
fn base_id(uri: &str) -> Option<&'static str> {
    (!uri.starts_with("file:")).then_some("%SRCROOT%")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Renders the reports. `uris[i]` is report `i`'s path relative to `srcroot` (a `file://`
/// URI of the repository root, ending in `/`), with `/` separators.
pub fn render(
    reports: &[FileReport],
    rules: &[RuleInfo],
    uris: &[String],
    srcroot: Option<&str>,
) -> String {
    let sarif_rules: Vec<Rule> = rules
        .iter()
        .map(|r| Rule {
            id: r.id,
            short_description: Text {
                text: r.summary.to_string(),
            },
            full_description: Text {
                text: r.explanation.trim().to_string(),
            },
            help: Help {
                text: r.remediation.trim().to_string(),
                markdown: r.remediation.trim().to_string(),
            },
            help_uri: r.help_uri.clone(),
            default_configuration: Config {
                level: level(r.severity),
            },
            properties: serde_json::json!({ "tags": ["nixos", "kubernetes"], "precision": "high" }),
        })
        .collect();
    let index_of = |rule: &str| rules.iter().position(|r| r.id == rule).unwrap_or(0);
    let uri_of = |path: &str| {
        let i = reports.iter().position(|r| r.path == path).unwrap_or(0);
        uris.get(i).cloned().unwrap_or_else(|| path.to_string())
    };
    let results = located(reports)
        .into_iter()
        .map(|l| {
            let d = l.diagnostic;
            let uri = uri_of(l.path);
            let physical = |line, column, end_line, end_column| Physical {
                artifact_location: Artifact { uri: uri.clone(), uri_base_id: base_id(&uri) },
                region: Region { start_line: line, start_column: column, end_line, end_column },
            };
            let related = reports
                .iter()
                .find(|r| r.path == l.path)
                .map(|r| {
                    let index = crate::syntax::LineIndex::new(&r.text);
                    d.labels
                        .iter()
                        .skip(1)
                        .enumerate()
                        .map(|(i, label)| {
                            let (a, b) = index.position(label.range.start());
                            let (c, e) = index.position(label.range.end());
                            Location {
                                id: Some(i + 1),
                                physical_location: physical(a, b, c, e),
                                message: Some(Text { text: label.message.clone() }),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!(" (help: {h})"));
            }
            let suppressions = d
                .suppressed
                .iter()
                .map(|s| serde_json::json!({ "kind": "inSource", "justification": s.reason.clone().unwrap_or_default() }))
                .collect();
            let fixes = d
                .fix
                .iter()
                .map(|f| {
                    let replacements: Vec<_> = l
                        .edits
                        .iter()
                        .map(|e| {
                            serde_json::json!({
                                "deletedRegion": { "startLine": e.line, "startColumn": e.column, "endLine": e.end_line, "endColumn": e.end_column },
                                "insertedContent": { "text": e.replacement },
                            })
                        })
                        .collect();
                    serde_json::json!({
                        "description": { "text": f.description },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": uri, "uriBaseId": base_id(&uri) },
                            "replacements": replacements,
                        }],
                    })
                })
                .collect();
            SarifResult {
                fixes,
                rule_id: d.rule.clone(),
                rule_index: index_of(&d.rule),
                level: level(d.severity),
                message: Text { text },
                locations: vec![Location {
                    id: None,
                    physical_location: physical(l.line, l.column, l.end_line, l.end_column),
                    message: None,
                }],
                related_locations: related,
                suppressions,
            }
        })
        .collect();
    let base = match srcroot {
        Some(root) => serde_json::json!({ "%SRCROOT%": { "uri": root } }),
        None => serde_json::json!({}),
    };
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "nixk8s-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: sarif_rules,
                },
            },
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: base,
            results,
        }],
    };
    serde_json::to_string_pretty(&log).expect("JSON of plain data") + "\n"
}
