//! `nixk8s-lint.toml`: parsed and validated here, discovered and read by the CLI.
//!
//! Every error carries the byte span it is about, so the CLI can point at the config file's
//! line and column.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::rules::{Level, RuleDef};

/// The names a config file may have, in order of preference within one directory.
pub const FILE_NAMES: &[&str] = &["nixk8s-lint.toml", ".nixk8s-lint.toml"];

/// The Kubernetes minor versions the rules know about; the last is the default.
pub const KUBERNETES_VERSIONS: Range<u32> = 20..35;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    kubernetes_version: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, RuleSettings>,
    #[serde(default)]
    rule_dirs: Vec<Spanned<String>>,
    #[serde(default)]
    rule: Vec<Spanned<RuleDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as `{ severity = \"warning\" }`"
)]
struct RuleSettings {
    severity: Spanned<Level>,
}

/// An error at a span of the config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanError {
    pub span: Range<usize>,
    pub message: String,
}

impl SpanError {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> SpanError {
        SpanError {
            span,
            message: message.into(),
        }
    }
}

/// A value with the span it was written at.
#[derive(Clone, Debug)]
pub struct At<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> From<Spanned<T>> for At<T> {
    fn from(s: Spanned<T>) -> At<T> {
        let span = s.span();
        At {
            value: s.into_inner(),
            span,
        }
    }
}

/// A parsed config file. Rule names are checked later, once user rules are loaded.
#[derive(Debug)]
pub struct Config {
    /// Minor version of Kubernetes, e.g. 31 for "1.31".
    pub kubernetes_version: u32,
    pub exclude: globset::GlobSet,
    pub exclude_patterns: Vec<String>,
    pub levels: Vec<At<(String, Level)>>,
    pub rule_dirs: Vec<At<String>>,
    pub inline_rules: Vec<At<RuleDef>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            kubernetes_version: KUBERNETES_VERSIONS.end - 1,
            exclude: globset::GlobSet::empty(),
            exclude_patterns: vec![],
            levels: vec![],
            rule_dirs: vec![],
            inline_rules: vec![],
        }
    }
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, SpanError> {
        let file: File = toml::from_str(text)
            .map_err(|e| SpanError::new(e.span().unwrap_or(0..0), e.message()))?;
        let mut config = Config::default();
        if let Some(v) = file.kubernetes_version {
            config.kubernetes_version = parse_version(v.get_ref()).ok_or_else(|| {
                let (lo, hi) = (KUBERNETES_VERSIONS.start, KUBERNETES_VERSIONS.end - 1);
                SpanError::new(
                    v.span(),
                    format!("expected a Kubernetes version from \"1.{lo}\" to \"1.{hi}\""),
                )
            })?;
        }
        let mut globs = globset::GlobSetBuilder::new();
        for g in file.exclude {
            let glob = globset::GlobBuilder::new(g.get_ref())
                .literal_separator(true)
                .build()
                .map_err(|e| SpanError::new(g.span(), format!("invalid glob: {}", e.kind())))?;
            globs.add(glob);
            config.exclude_patterns.push(g.into_inner());
        }
        config.exclude = globs
            .build()
            .map_err(|e| SpanError::new(0..0, e.to_string()))?;
        for (name, settings) in file.rules {
            let span = name.span();
            config.levels.push(At {
                value: (name.into_inner(), settings.severity.into_inner()),
                span,
            });
        }
        config.rule_dirs = file.rule_dirs.into_iter().map(At::from).collect();
        config.inline_rules = file.rule.into_iter().map(At::from).collect();
        Ok(config)
    }

    /// Whether a path (relative to the config file's directory) is excluded.
    pub fn excludes(&self, relative: &std::path::Path) -> bool {
        self.exclude.is_match(relative)
            || relative
                .ancestors()
                .skip(1)
                .any(|a| !a.as_os_str().is_empty() && self.exclude.is_match(a))
    }
}

fn parse_version(v: &str) -> Option<u32> {
    let minor: u32 = v.strip_prefix("1.")?.parse().ok()?;
    KUBERNETES_VERSIONS.contains(&minor).then_some(minor)
}
