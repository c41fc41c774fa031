//! The top layer: arguments, configuration, file discovery and reading, output, exit
//! status. The only place that does I/O.

mod args;
mod discover;
mod fixing;
mod lsp;
mod sarif;
mod settings;
mod test_rules;

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use rayon::prelude::*;
use rnix::{TextRange, TextSize};

use args::{CheckArgs, Cli, ColorChoice, Command, Format, ListFormat};
pub use discover::Input;
use nixk8s_lint::diagnostic::builtin;
use nixk8s_lint::lint::Timings;
use nixk8s_lint::render::{self, FileReport};
use nixk8s_lint::{Diagnostic, docs, lint_file};
pub use settings::{ConfigError, Resolved, Settings};

/// Worker threads get room for deeply nested files.
const STACK_SIZE: usize = 64 * 1024 * 1024;

pub fn run() -> ExitCode {
    nixk8s_lint::lint::install_panic_hook();
    let cli = Cli::parse();
    let result = match cli.command {
        None => check(&cli.check),
        Some(Command::Check(args)) => check(&args),
        Some(Command::Rules { format, config }) => list_rules(format, &config),
        Some(Command::Explain { rule, config }) => explain(&rule, &config),
        Some(Command::Lsp { config }) => return lsp::run(&config),
        Some(Command::Templates) => print(docs::templates().as_bytes()).map(|_| ExitCode::SUCCESS),
        Some(Command::TestRules { paths, config }) => test_rules::run(&paths, &config),
    };
    result.unwrap_or_else(|e| {
        let _ = std::io::stderr().write_all(&e.render(std::io::stderr().is_terminal()));
        ExitCode::from(2)
    })
}

fn check(args: &CheckArgs) -> Result<ExitCode, ConfigError> {
    let mut settings = Settings::new(args).map_err(plain_error)?;
    let mut inputs: Vec<(Input, Arc<Resolved>)> = vec![];
    let paths = if args.paths.is_empty() {
        vec![".".into()]
    } else {
        args.paths.clone()
    };
    let started = Instant::now();
    let (found, listed) = discover::inputs(&paths);
    settings.learn(listed);
    for input in found {
        let path = match &input {
            Input::Stdin => args.stdin_filename.as_deref().map(Path::new),
            Input::File(p) | Input::Error(p, _) => Some(p.as_path()),
        };
        let resolved = settings.for_path(path)?;
        if path.is_some_and(|p| resolved.excludes(p)) {
            continue;
        }
        inputs.push((input, resolved));
    }
    let walk = started.elapsed();
    if inputs.is_empty() {
        // Nothing to lint: still check the command line's rule names.
        settings.for_path(None)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build()
        .map_err(|e| plain_error(format!("cannot start worker threads: {e}")))?;
    let outcomes: Vec<Outcome> = pool.install(|| {
        inputs
            .par_iter()
            .map(|(i, r)| lint_input(i, args, r))
            .collect()
    });
    let mut timings = Timings::default();
    // The walk (with the configuration lookup) runs before the workers start.
    let mut read = walk;
    for o in &outcomes {
        timings += o.timings;
        read += o.read;
    }
    let (mut reports, fixes): (Vec<FileReport>, Vec<fixing::FileFix>) =
        outcomes.into_iter().map(|o| (o.report, o.fix)).unzip();
    if args.diff {
        return fixing::report_diffs(&fixes);
    }
    if args.fix {
        fixing::summarize(&fixes);
        if matches!(inputs.first(), Some((Input::Stdin, _))) {
            // The fixed text goes to stdout; the report to stderr.
            print(fixes[0].text.as_bytes())?;
            let human = render::human::render(&reports, false);
            let _ = std::io::stderr().write_all(&human);
            let remaining = reports
                .iter()
                .flat_map(|r| &r.diagnostics)
                .any(|d| d.suppressed.is_none());
            return Ok(if remaining && !args.exit_zero {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
    }
    let counted = |d: &&Diagnostic| d.suppressed.is_none();
    let internal = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.rule == builtin::INTERNAL_ERROR || d.rule == builtin::FIX_ERROR);
    let found = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| counted(&d));
    if !args.show_suppressed {
        reports
            .iter_mut()
            .for_each(|r| r.diagnostics.retain(|d| d.suppressed.is_none()));
    }
    let render_clock = Instant::now();
    let out = if args.statistics {
        render::statistics(&reports, matches!(args.format, Format::Json))
    } else {
        match args.format {
            Format::Human => {
                render::human::render(&reports, args.output.is_none() && use_color(args.color))
            }
            Format::Concise => render::concise::render(&reports).into_bytes(),
            Format::Json => render::json::render(&reports).into_bytes(),
            Format::Jsonl => render::json::render_lines(&reports).into_bytes(),
            Format::Github => render::github::render(&reports).into_bytes(),
            Format::Sarif => sarif::render(&reports, &inputs).into_bytes(),
        }
    };
    if args.timings {
        print_timings(
            started.elapsed(),
            read,
            timings,
            render_clock.elapsed(),
            reports.len(),
        );
    }
    match &args.output {
        Some(file) => std::fs::write(file, &out)
            .map_err(|e| plain_error(format!("cannot write `{}`: {e}", file.display())))?,
        None => print(&out)?,
    }
    Ok(if internal {
        ExitCode::from(2)
    } else if found && !args.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One input's result: its report, and what fixing did.
struct Outcome {
    report: FileReport,
    fix: fixing::FileFix,
    timings: Timings,
    read: Duration,
}

fn lint_input(input: &Input, args: &CheckArgs, resolved: &Resolved) -> Outcome {
    let clock = Instant::now();
    let read = read_input(input, args);
    let read_time = clock.elapsed();
    let (path, text) = match read {
        Ok(read) => read,
        Err(report) => {
            return Outcome {
                report,
                fix: Default::default(),
                timings: Timings::default(),
                read: read_time,
            };
        }
    };
    let (text, fix) = if args.fix || args.diff {
        fixing::fix(input, &path, text, args, &resolved.linter)
    } else {
        (text, Default::default())
    };
    let out = lint_file(&text, &resolved.linter);
    let mut diagnostics = out.diagnostics;
    diagnostics.extend(out.suppressed);
    diagnostics.extend(fix.errors.iter().cloned());
    diagnostics.sort_by_key(|d| (d.range.start(), d.range.end()));
    // Rendering needs a file's text only for its diagnostics: a run over many files keeps
    // just the texts it reports on.
    let text = if diagnostics.is_empty() {
        String::new()
    } else {
        text
    };
    Outcome {
        timings: out.timings,
        read: read_time,
        report: FileReport {
            path,
            text,
            diagnostics,
        },
        fix,
    }
}

/// The input's display path and text, or a report of why it cannot be linted.
fn read_input(input: &Input, args: &CheckArgs) -> Result<(String, String), FileReport> {
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
        Input::File(p) => (p.display().to_string(), read_regular(p)),
        Input::Error(p, e) => (p.display().to_string(), Err(e.clone())),
    };
    match bytes.map(String::from_utf8) {
        Ok(Ok(text)) if text.contains('\0') => Err(io_error(
            path,
            "contains NUL bytes: it is not a Nix text file".to_string(),
        )),
        Ok(Ok(text)) => Ok((path, text)),
        Ok(Err(e)) => {
            let at = e.utf8_error().valid_up_to();
            Err(io_error(
                path,
                format!("is not valid UTF-8 (invalid byte at offset {at})"),
            ))
        }
        Err(e) => Err(io_error(path, format!("cannot be read: {e}"))),
    }
}

/// Reads a regular file; a FIFO, socket or device is refused rather than read (a FIFO
/// would block the run).
fn read_regular(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("is not a regular file".to_string());
    }
    // Sized from the metadata above: `fs::read` would ask for it again.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    std::fs::File::open(path)
        .and_then(|f| f.take(u64::MAX).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// `--timings`: where the time went, on stderr. Per-file phases are summed over the worker
/// threads, so they can add up to more than the wall time.
fn print_timings(wall: Duration, read: Duration, t: Timings, render: Duration, files: usize) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let threads = rayon::current_num_threads();
    eprintln!("timings ({files} files, {threads} threads; per-file phases summed over threads):");
    for (phase, d) in [
        ("walk+read", read),
        ("parse", t.parse),
        ("model", t.model),
        ("checks", t.checks),
        ("render", render),
    ] {
        eprintln!("  {phase:<10} {:>9.1} ms", ms(d));
    }
    eprintln!("  {:<10} {:>9.1} ms", "wall", ms(wall));
}

fn io_error(path: String, reason: String) -> FileReport {
    let message = format!("`{path}` {reason}");
    let diagnostic = Diagnostic::builtin_error(
        builtin::IO_ERROR,
        TextRange::empty(TextSize::from(0)),
        message,
        None,
    );
    FileReport {
        path,
        text: String::new(),
        diagnostics: vec![diagnostic],
    }
}

fn list_rules(format: ListFormat, config: &args::ConfigArgs) -> Result<ExitCode, ConfigError> {
    let resolved = Settings::for_config_args(config).for_path(None)?;
    let out = match format {
        ListFormat::Human => docs::rules_table(&resolved.linter),
        ListFormat::Json => docs::rules_json(&resolved.linter),
        ListFormat::Markdown => docs::rules_markdown(&resolved.linter),
    };
    print(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn explain(name: &str, config: &args::ConfigArgs) -> Result<ExitCode, ConfigError> {
    let resolved = Settings::for_config_args(config).for_path(None)?;
    let linter = &resolved.linter;
    let text = match linter.rules().iter().find(|r| r.name() == name) {
        Some(rule) => docs::explain(rule),
        None => docs::explain_meta(linter, name).ok_or_else(|| {
            let known: Vec<String> = linter
                .rules()
                .iter()
                .map(|r| r.name().to_string())
                .chain(nixk8s_lint::lint::META.iter().map(|m| m.0.to_string()))
                .collect();
            plain_error(nixk8s_lint::rules::unknown_rule_message(name, &known))
        })?,
    };
    print(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn print(bytes: &[u8]) -> Result<(), ConfigError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(plain_error(format!("cannot write the report: {e}")))
        }
        _ => Ok(()),
    }
}

fn plain_error(message: String) -> ConfigError {
    ConfigError {
        file: Default::default(),
        text: String::new(),
        span: None,
        message,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_vanishes_between_walk_and_read_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.nix");
        std::fs::write(&file, "{ }").unwrap();
        let (inputs, _) = discover::inputs(&[dir.path().to_path_buf()]);
        assert!(matches!(&inputs[..], [Input::File(p)] if *p == file));
        std::fs::remove_file(&file).unwrap();
        let cli = Cli::parse_from(["nixk8s-lint"]);
        let report = read_input(&inputs[0], &cli.check).unwrap_err();
        let d = &report.diagnostics[0];
        assert_eq!(d.rule, builtin::IO_ERROR);
        assert!(
            d.message.contains("cannot be read: No such file"),
            "{}",
            d.message
        );
    }
}
