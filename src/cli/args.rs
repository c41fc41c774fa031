//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Finds Kubernetes-on-NixOS mistakes before deploy.
///
/// `nixk8s-lint PATHS` is `nixk8s-lint check PATHS`. Exit status: 0 when nothing is
/// reported, 1 when anything is reported, 2 for a usage, configuration or internal error.
#[derive(Parser, Debug)]
#[command(name = "nixk8s-lint", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint files and directories (the default).
    Check(CheckArgs),
    /// List every rule: name, severity, summary.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Explain a rule: why it matters, how to fix it, examples.
    Explain {
        rule: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// List the templates rules can instantiate, with their parameters.
    Templates,
    /// Run the language server on stdin/stdout.
    Lsp {
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Run the examples of rule files: each bad example must fire its rule, each good one
    /// must not. Without paths, the `rule-dirs` of the configuration.
    TestRules {
        paths: Vec<PathBuf>,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

#[derive(Args, Debug, Clone, Default)]
pub struct ConfigArgs {
    /// Use this configuration file instead of discovering `nixk8s-lint.toml`.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long)]
    pub isolated: bool,
}

#[derive(Args, Debug, Clone, Default)]
pub struct CheckArgs {
    /// Files or directories to lint (directories are searched for `*.nix`); `-` reads stdin.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// When to colour human output (`auto`: on a terminal unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The file name to report for input read from stdin.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Run only these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Do not run these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Set a rule's severity: `RULE=error|warning|info|off` (repeatable).
    #[arg(long, value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,

    /// Report findings but exit 0 (errors of the tool itself still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Print the number of findings per rule instead of each finding.
    #[arg(long)]
    pub statistics: bool,

    /// Apply safe fixes (and unsafe ones with `--unsafe-fixes`), then report what remains.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Also apply unsafe fixes (with `--fix` or `--diff`).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what `--fix` would change, write nothing; exit 1 if any.
    #[arg(long)]
    pub diff: bool,

    /// Print where the time went (walk+read, parse, model, checks, render) to stderr.
    #[arg(long)]
    pub timings: bool,

    /// Also show findings suppressed by comments, with the reasons given.
    #[arg(long)]
    pub show_suppressed: bool,
}

#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum Format {
    /// Source snippets with the offending value underlined.
    #[default]
    Human,
    /// `path:line:col: severity[rule] message`, one line each.
    Concise,
    /// One JSON document (see the README for the contract).
    Json,
    /// One JSON object per diagnostic per line.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}
