//! The `nixk8s-lint` command: find files, lint them in parallel, render, exit.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
