//! `--fix` and `--diff`: fix each file's text with the library, then write it atomically
//! (or print a diff). A fix that would break the file's syntax leaves it untouched.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use rnix::{TextRange, TextSize};

use nixk8s_lint::diagnostic::{Safety, builtin};
use nixk8s_lint::fix::{self, MAX_PASSES};
use nixk8s_lint::{Diagnostic, Linter};

use super::args::CheckArgs;
use super::{ConfigError, Input};

/// What fixing did to one input.
#[derive(Default)]
pub struct FileFix {
    /// The text after fixing (for stdin, printed instead of written).
    pub text: String,
    pub applied: usize,
    pub diff: String,
    /// Why the file was left untouched.
    pub errors: Vec<Diagnostic>,
}

/// Fixes one input's text; returns the text to report on and what happened.
pub fn fix(
    input: &Input,
    path: &str,
    text: String,
    args: &CheckArgs,
    linter: &Linter,
) -> (String, FileFix) {
    let allow = if args.unsafe_fixes {
        Safety::Unsafe
    } else {
        Safety::Safe
    };
    let fixed = fix::fix_text(&text, linter, allow);
    let mut out = FileFix {
        text: text.clone(),
        ..FileFix::default()
    };
    if !fixed.refused.is_empty() {
        out.errors.push(error(format!(
            "the fix of `{}` would make this file invalid Nix, so the file was left unchanged",
            fixed.refused.join("`, `")
        )));
        return (text, out);
    }
    if fixed.bound_hit {
        eprintln!(
            "nixk8s-lint: warning: {path}: fixes still pending after {MAX_PASSES} rounds; run --fix again"
        );
    }
    let applied: usize = fixed.applied.values().sum();
    if applied == 0 {
        return (text, out);
    }
    out.diff = fix::diff(path, &text, &fixed.text);
    if args.fix
        && let Input::File(p) = input
        && let Err(e) = write_atomic(p, &fixed.text)
    {
        out.errors
            .push(error(format!("cannot write the fixed file: {e}")));
        return (text, out);
    }
    out.applied = applied;
    out.text = fixed.text.clone();
    (fixed.text, out)
}

fn error(message: String) -> Diagnostic {
    let help = Some("this is a bug in nixk8s-lint; please report it with the file");
    Diagnostic::builtin_error(
        builtin::FIX_ERROR,
        TextRange::empty(TextSize::from(0)),
        message,
        help,
    )
}

/// Replaces a file's contents atomically: a temporary file in the same directory, synced,
/// with the original's permissions, renamed over the target (a symlink's target).
fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&target)?.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().set_permissions(permissions)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// `--diff`: every file's diff on stdout; exit 1 when there is any.
pub fn report_diffs(fixes: &[FileFix]) -> Result<ExitCode, ConfigError> {
    let diffs: String = fixes.iter().map(|f| f.diff.as_str()).collect();
    super::print(diffs.as_bytes())?;
    let errors: Vec<&Diagnostic> = fixes.iter().flat_map(|f| &f.errors).collect();
    for e in &errors {
        eprintln!("nixk8s-lint: error: {}", e.message);
    }
    Ok(if !errors.is_empty() {
        ExitCode::from(2)
    } else if diffs.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--fix`: how many findings were fixed, on stderr.
pub fn summarize(fixes: &[FileFix]) {
    let applied: usize = fixes.iter().map(|f| f.applied).sum();
    let files = fixes.iter().filter(|f| f.applied > 0).count();
    if applied > 0 {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        eprintln!(
            "Fixed {applied} finding{} in {files} file{}.",
            s(applied),
            s(files)
        );
    }
}
