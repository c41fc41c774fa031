//! Scaffolding shared by the integration tests (each test crate uses part of it).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A fresh directory under the system temp dir, removed on drop.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    /// Named `nixk8s-lint-<test file>-<name>-` and a random suffix.
    pub fn new(name: &str) -> Scratch {
        let prefix = format!("nixk8s-lint-{}-{name}-", env!("CARGO_CRATE_NAME"));
        let dir = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir()
            .expect("create temp dir");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// Writes `contents` to `rel`, creating parent directories.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&p, contents).expect("write file");
        p
    }
}

/// The `.nix` files below `dir` (links not followed), in path order.
pub fn nix_files(dir: impl AsRef<Path>) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk the directory"))
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "nix"))
        .map(walkdir::DirEntry::into_path)
        .collect()
}
