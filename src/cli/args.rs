//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Finds Kubernetes-on-NixOS mistakes before deploy.
///
/// Exit status: 0 when nothing is reported, 1 when anything is reported, 2 for a usage or
/// internal error.
#[derive(Parser, Debug)]
#[command(name = "nixk8s-lint", version, about, long_about = None)]
pub struct Args {
    /// Files or directories to lint (directories are searched for `*.nix`); `-` reads stdin.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// When to colour human output (`auto`: on a terminal unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The file name to report for input read from stdin.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// Source snippets with the offending value underlined.
    Human,
    /// One JSON document (see the README for the contract).
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
