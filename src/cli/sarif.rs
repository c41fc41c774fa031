//! SARIF needs what the pure renderer cannot know: the repository root, each file's URI
//! relative to it, and the rules that could fire.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use nixk8s_lint::Severity;
use nixk8s_lint::diagnostic::builtin;
use nixk8s_lint::lint::META;
use nixk8s_lint::render::FileReport;
use nixk8s_lint::render::sarif::{self, RuleInfo};

use super::{Input, Resolved};

/// Characters that a URI path must escape.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

const BUILTIN: &[(&str, &str)] = &[
    (builtin::SYNTAX_ERROR, "The file is not valid Nix"),
    (builtin::IO_ERROR, "The file cannot be read or is not UTF-8"),
    (
        builtin::INTERNAL_ERROR,
        "nixk8s-lint failed on this file (a bug)",
    ),
];

pub fn render(reports: &[FileReport], inputs: &[(Input, Arc<Resolved>)]) -> String {
    let root = repo_root();
    let uris: Vec<String> = reports
        .iter()
        .map(|r| relative_uri(&root, &r.path))
        .collect();
    let srcroot = format!(
        "file://{}/",
        utf8_percent_encode(&root.to_string_lossy(), PATH)
    );

    let mut rules: Vec<RuleInfo> = vec![];
    for (_, resolved) in inputs {
        for r in resolved.linter.rules().iter().filter(|r| r.enabled) {
            if rules.iter().all(|x| x.id != r.name()) {
                rules.push(RuleInfo {
                    id: r.name(),
                    summary: &r.def.summary,
                    explanation: &r.def.explanation,
                    remediation: &r.def.remediation,
                    severity: r.severity,
                    help_uri: Some(format!(
                        "{}/blob/main/docs/rules.md#{}",
                        env!("CARGO_PKG_REPOSITORY"),
                        r.name()
                    ))
                    .filter(|_| {
                        nixk8s_lint::rules::BUILTIN
                            .iter()
                            .any(|(n, _)| *n == r.name())
                    })
                    .or_else(|| r.def.references.first().cloned()),
                });
            }
        }
    }
    for (id, severity, summary) in META {
        rules.push(RuleInfo {
            id,
            summary,
            explanation: summary,
            remediation: summary,
            severity: *severity,
            help_uri: None,
        });
    }
    for (id, summary) in BUILTIN {
        let severity = Severity::Error;
        rules.push(RuleInfo {
            id,
            summary,
            explanation: summary,
            remediation: summary,
            severity,
            help_uri: None,
        });
    }
    sarif::render(reports, &rules, &uris, Some(&srcroot))
}

/// The git work tree around the current directory, or the current directory.
fn repo_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&cwd)
        .to_path_buf()
}

fn relative_uri(root: &Path, path: &str) -> String {
    let abs = super::settings::normalize(Path::new(path));
    let (rel, outside) = match abs.strip_prefix(root) {
        Ok(rel) => (rel.to_path_buf(), false),
        Err(_) => (abs.clone(), true),
    };
    let text = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::RootDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let encoded = utf8_percent_encode(&text, PATH).to_string();
    if outside {
        format!("file:///{encoded}")
    } else {
        encoded
    }
}
