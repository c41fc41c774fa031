//! Which files to lint: explicit paths as given, directories walked for `*.nix`.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use nixk8s_lint::config::FILE_NAMES;
use walkdir::WalkDir;

pub enum Input {
    Stdin,
    File(PathBuf),
    /// A path that could not be walked, with the reason.
    Error(PathBuf, String),
}

/// The directories a walk listed below its roots (as written), and those of them that
/// hold an entry named like a configuration file. A listed directory without one has its
/// parent's configuration, which saves looking for the files again.
#[derive(Default)]
pub struct Listed {
    dirs: HashSet<PathBuf>,
    with_config: HashSet<PathBuf>,
}

impl Listed {
    /// Whether the walk listed `dir` and saw no configuration file in it.
    pub fn lacks_config(&self, dir: &Path) -> bool {
        self.dirs.contains(dir) && !self.with_config.contains(dir)
    }
}

/// Expands the command line's paths into inputs, sorted by path and without duplicates.
/// Directories skip hidden entries, `.git` and `result`/`result-*` (nix-build output
/// links) and do not follow symlinks; an explicit file is linted whatever its extension.
pub fn inputs(paths: &[PathBuf]) -> (Vec<Input>, Listed) {
    let mut files = vec![];
    let mut listed = Listed::default();
    let mut stdin = false;
    for p in paths {
        if p.as_os_str() == "-" {
            stdin = true;
        } else if p.is_dir() {
            walk(p, &mut files, &mut listed);
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
    (files, listed)
}

fn path_of(i: &Input) -> &Path {
    match i {
        Input::Stdin => Path::new("-"),
        Input::File(p) | Input::Error(p, _) => p,
    }
}

fn walk(root: &Path, out: &mut Vec<Input>, listed: &mut Listed) {
    // Siblings in name order: the walk then yields paths already in the order `inputs`
    // sorts them into, and that sort is linear.
    let mut with_config = vec![];
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() >= 2 && FILE_NAMES.iter().any(|n| e.file_name() == *n) {
                with_config.extend(e.path().parent().map(tidy_dir));
            }
            e.depth() == 0 || !skipped(e.file_name())
        });
    for entry in walker {
        match entry {
            Ok(e)
                if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "nix") =>
            {
                out.push(Input::File(tidy(e.into_path())))
            }
            Ok(e) if e.depth() >= 1 && e.file_type().is_dir() => {
                listed.dirs.insert(tidy(e.into_path()));
            }
            Ok(_) => {}
            Err(e) => {
                // A directory not listed in full: its configuration is looked up anew.
                if let Some(p) = e.path() {
                    listed.dirs.remove(&tidy_dir(p));
                }
                let path = e.path().unwrap_or(root).to_path_buf();
                let reason = e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string());
                out.push(Input::Error(path, reason));
            }
        }
    }
    listed.with_config.extend(with_config);
}

fn tidy_dir(dir: &Path) -> PathBuf {
    tidy(dir.to_path_buf())
}

/// `./hosts/a.nix` → `hosts/a.nix`, as a person would write it.
fn tidy(path: PathBuf) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => path,
    }
}

fn skipped(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name == "result" || name.starts_with("result-")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk remembers which directories it listed and which hold a configuration file,
    /// hidden or not; the root is never taken as listed.
    #[test]
    fn the_walk_records_directories_and_their_configuration_files() {
        let root = tempfile::tempdir().unwrap();
        for f in [
            "a/x.nix",
            "a/b/y.nix",
            "c/.nixk8s-lint.toml",
            "c/z.nix",
            "d/nixk8s-lint.toml",
        ] {
            let path = root.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{ }").unwrap();
        }
        let (files, listed) = inputs(&[root.path().to_path_buf()]);
        assert_eq!(files.len(), 3);
        let dir = |d: &str| root.path().join(d);
        assert!(listed.lacks_config(&dir("a")) && listed.lacks_config(&dir("a/b")));
        assert!(!listed.lacks_config(&dir("c")) && !listed.lacks_config(&dir("d")));
        assert!(!listed.lacks_config(root.path()));
    }
}
