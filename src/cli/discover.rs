//! Which files to lint: explicit paths as given, directories walked for `*.nix`.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

pub enum Input {
    Stdin,
    File(PathBuf),
    /// A path that could not be walked, with the reason.
    Error(PathBuf, String),
}

/// Expands the command line's paths into inputs, sorted by path and without duplicates.
/// Directories skip hidden entries, `.git` and `result`/`result-*` (nix-build output
/// links) and do not follow symlinks; an explicit file is linted whatever its extension.
pub fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut files = vec![];
    let mut stdin = false;
    for p in paths {
        if p.as_os_str() == "-" {
            stdin = true;
        } else if p.is_dir() {
            walk(p, &mut files);
        } else if p.exists() || p.symlink_metadata().is_ok() {
            files.push(Input::File(p.clone()));
        } else {
            files.push(Input::Error(
                p.clone(),
                "no such file or directory".to_string(),
            ));
        }
    }
    files.sort_by(|a, b| path_of(a).cmp(path_of(b)));
    files.dedup_by(|a, b| path_of(a) == path_of(b));
    if stdin {
        files.insert(0, Input::Stdin);
    }
    files
}

fn path_of(i: &Input) -> &Path {
    match i {
        Input::Stdin => Path::new("-"),
        Input::File(p) | Input::Error(p, _) => p,
    }
}

fn walk(root: &Path, out: &mut Vec<Input>) {
    // Siblings in name order: the walk then yields paths already in the order `inputs`
    // sorts them into, and that sort is linear.
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skipped(e.file_name()));
    for entry in walker {
        match entry {
            Ok(e)
                if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "nix") =>
            {
                out.push(Input::File(tidy(e.into_path())))
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let reason = e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string());
                out.push(Input::Error(path, reason));
            }
        }
    }
}

/// `./hosts/a.nix` → `hosts/a.nix`, as a person would write it.
fn tidy(path: PathBuf) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => path,
    }
}

fn skipped(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name == "result" || name.starts_with("result-")
}
