//! `nixk8s-lint test-rules`: every example of every rule file behaves as labelled.

use std::path::PathBuf;
use std::process::ExitCode;

use nixk8s_lint::rules::{ExampleKind, RuleSet, RuleSpans};
use nixk8s_lint::syntax::LineIndex;
use nixk8s_lint::{Linter, lint_source};

use super::args::ConfigArgs;
use super::settings::{ConfigError, Settings, read_rule, rule_files};

pub fn run(paths: &[PathBuf], config: &ConfigArgs) -> Result<ExitCode, ConfigError> {
    let targets = if paths.is_empty() {
        configured_dirs(config)?
    } else {
        paths.to_vec()
    };
    let mut files = vec![];
    for t in &targets {
        files.extend(
            rule_files(t).map_err(|e| plain(format!("cannot read `{}`: {e}", t.display())))?,
        );
    }
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    for file in &files {
        let (rule, text) = read_rule(file)?;
        let spans: RuleSpans = toml::from_str(&text).unwrap_or_default();
        let index = LineIndex::new(&text);
        let name = rule.name().to_string();
        let examples = rule.def.examples.clone();
        let linter = Linter::new(RuleSet { rules: vec![rule] });
        for (i, ex) in examples.iter().enumerate() {
            let fired = lint_source(&ex.code, &linter)
                .iter()
                .any(|d| d.rule == name);
            let ok = fired == (ex.kind == ExampleKind::Bad);
            if ok {
                passed += 1;
                continue;
            }
            failed += 1;
            let at = spans.examples.get(i).map_or(0, |s| s.span().start);
            let (line, col) = index.position((at as u32).into());
            let what = match ex.kind {
                ExampleKind::Bad => format!("bad example #{} does not fire `{name}`", i + 1),
                ExampleKind::Good => format!("good example #{} fires `{name}`", i + 1),
            };
            out.push_str(&format!("{}:{line}:{col}: {what}\n", file.display()));
        }
    }
    let plural = if files.len() == 1 { "" } else { "s" };
    out.push_str(&format!(
        "test-rules: {} rule file{plural}; {passed} passed, {failed} failed\n",
        files.len()
    ));
    super::print(out.as_bytes())?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The `rule-dirs` of the configuration that applies to the current directory.
fn configured_dirs(config: &ConfigArgs) -> Result<Vec<PathBuf>, ConfigError> {
    let resolved = Settings::for_config_args(config).for_path(None)?;
    let base = resolved.dir.clone().unwrap_or_default();
    let dirs: Vec<PathBuf> = resolved
        .config
        .rule_dirs
        .iter()
        .map(|d| base.join(&d.value))
        .collect();
    if dirs.is_empty() {
        return Err(plain(
            "no rule files given and no `rule-dirs` configured".to_string(),
        ));
    }
    Ok(dirs)
}

fn plain(message: String) -> ConfigError {
    super::plain_error(message)
}
