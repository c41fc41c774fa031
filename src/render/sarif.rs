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
    let results = located(reports)
        .into_iter()
        .map(|l| {
            let d = l.diagnostic;
            let uri = uris.get(l.file).cloned().unwrap_or_else(|| l.path.to_string());
            let physical = |line, column, end_line, end_column| Physical {
                artifact_location: Artifact { uri: uri.clone(), uri_base_id: base_id(&uri) },
                region: Region { start_line: line, start_column: column, end_line, end_column },
            };
            let related = (l.related.iter().enumerate())
                .map(|(i, label)| Location {
                    id: Some(i + 1),
                    physical_location: physical(label.line, label.column, label.end_line, label.end_column),
                    message: Some(Text { text: label.text.to_string() }),
                })
                .collect();
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
                                "insertedContent": { "text": e.text },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Label};

    /// A result's related locations are its secondary labels, each where its label is, in
    /// the file of the report the result came from.
    #[test]
    fn related_locations_are_the_secondary_labels_where_they_are() {
        let text = "{\n  a = \"é\"; b = 1;\n  c = 2;\n}\n";
        let at = |s: &str| rnix::TextSize::from(text.find(s).unwrap() as u32);
        let range = |s: &str| rnix::TextRange::at(at(s), rnix::TextSize::of(s));
        let mut d = Diagnostic::builtin_error("r", range("b = 1"), "m".into(), None);
        d.labels = vec![
            Label {
                range: range("b = 1"),
                message: "primary".into(),
            },
            Label {
                range: range("c = 2"),
                message: "used here".into(),
            },
        ];
        let report = |path: &str, diagnostics| FileReport {
            path: path.into(),
            text: text.into(),
            diagnostics,
        };
        let reports = [report("clean.nix", vec![]), report("x.nix", vec![d])];
        let uris = ["clean.nix".to_string(), "x.nix".to_string()];
        let log: serde_json::Value =
            serde_json::from_str(&render(&reports, &[], &uris, None)).unwrap();
        let result = &log["runs"][0]["results"][0];
        let region = |loc: &serde_json::Value| {
            let r = &loc["physicalLocation"]["region"];
            ["startLine", "startColumn", "endLine", "endColumn"].map(|k| r[k].as_u64().unwrap())
        };
        assert_eq!(region(&result["locations"][0]), [2, 12, 2, 17]);
        let related = result["relatedLocations"].as_array().unwrap();
        assert_eq!(related.len(), 1, "{result:#}");
        assert_eq!(region(&related[0]), [3, 3, 3, 8]);
        assert_eq!(related[0]["message"]["text"], "used here");
        assert_eq!(
            related[0]["physicalLocation"]["artifactLocation"]["uri"],
            "x.nix"
        );
    }
}
