//! The top layer: arguments, file discovery and reading, output, exit status. The only
//! place that does I/O.

mod args;
mod discover;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::Parser;
use rayon::prelude::*;
use rnix::{TextRange, TextSize};

use args::{Args, ColorChoice, Format};
use discover::Input;
use nixk8s_lint::diagnostic::builtin;
use nixk8s_lint::render::{self, FileReport};
use nixk8s_lint::{Diagnostic, Linter, RuleSet, Severity, lint_source};

/// Worker threads get room for deeply nested files.
const STACK_SIZE: usize = 64 * 1024 * 1024;

pub fn run() -> ExitCode {
    let args = Args::parse();
    match lint(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nixk8s-lint: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn lint(args: &Args) -> Result<ExitCode, String> {
    let linter = Linter::new(RuleSet::builtin());
    let inputs = discover::inputs(&args.paths);
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let reports: Vec<FileReport> = pool.install(|| {
        inputs
            .par_iter()
            .map(|i| lint_input(i, args, &linter))
            .collect()
    });

    let out = match args.format {
        Format::Human => render::human::render(&reports, use_color(args.color)),
        Format::Json => render::json::render(&reports).into_bytes(),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(&out).and_then(|_| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write the report: {e}"));
    }

    let diags = || reports.iter().flat_map(|r| &r.diagnostics);
    Ok(if diags().any(|d| d.rule == builtin::INTERNAL_ERROR) {
        ExitCode::from(2)
    } else if diags().next().is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn lint_input(input: &Input, args: &Args, linter: &Linter) -> FileReport {
    let (path, bytes) = match input {
        Input::Stdin => {
            let mut buf = vec![];
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| "<stdin>".to_string());
            match std::io::stdin().lock().read_to_end(&mut buf) {
                Ok(_) => (name, Ok(buf)),
                Err(e) => (name, Err(e.to_string())),
            }
        }
        Input::File(p) => (
            p.display().to_string(),
            std::fs::read(p).map_err(|e| e.to_string()),
        ),
        Input::Error(p, e) => (p.display().to_string(), Err(e.clone())),
    };
    let text = match bytes.map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => {
            let at = e.utf8_error().valid_up_to();
            return io_error(
                path,
                format!("is not valid UTF-8 (invalid byte at offset {at})"),
            );
        }
        Err(e) => return io_error(path, format!("cannot be read: {e}")),
    };
    let diagnostics = lint_source(&text, linter);
    FileReport {
        path,
        text,
        diagnostics,
    }
}

fn io_error(path: String, reason: String) -> FileReport {
    let diagnostic = Diagnostic {
        rule: builtin::IO_ERROR.to_string(),
        severity: Severity::Error,
        range: TextRange::empty(TextSize::from(0)),
        message: format!("`{path}` {reason}"),
        help: None,
        labels: vec![],
    };
    FileReport {
        path,
        text: String::new(),
        diagnostics: vec![diagnostic],
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}
