//! nixk8s-lint: finds Kubernetes-on-NixOS mistakes before deploy.
//!
//! Data flows one way: parse → [`model`] → checks ([`templates`] instantiated by
//! [`rules`]) → [`diagnostic::Diagnostic`]s. Rendering and file I/O live in the binary.

pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod fix;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod render;
pub mod rules;
pub mod suppress;
pub mod syntax;
pub mod templates;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use lint::{LintOutput, Linter, Selection, lint_file, lint_source};
pub use rules::{Rule, RuleSet};

/// The `.nix` files under `testdata/`, in path order, for unit tests that run on all of them.
#[cfg(test)]
fn testdata_files() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk testdata"))
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "nix"))
        .map(walkdir::DirEntry::into_path)
        .collect()
}
