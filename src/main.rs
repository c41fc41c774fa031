//! The `nixk8s-lint` command: find files, lint them in parallel, render, exit.

mod cli;

use std::process::ExitCode;

/// Linting allocates many small, short-lived values; mimalloc serves them faster than the
/// system allocator (as ruff does with its allocator).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::run()
}
