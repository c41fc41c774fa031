//! The baseline of `scripts/bench`: finds `.nix` files as the linter does, reads and parses
//! each with rnix on the same thread pool, and does nothing else.
//!
//!     cargo run --release --example parse_only -- DIR...

use std::path::PathBuf;

use rayon::prelude::*;

/// The linter's allocator, so that the baseline differs from it only in the work done.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use walkdir::WalkDir;

fn main() {
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| {
            WalkDir::new(d)
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                })
                .filter_map(Result::ok)
                .filter(|e| {
                    e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "nix")
                })
                .map(|e| e.into_path())
        })
        .collect();
    let (bytes, errors) = files
        .par_iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            (text.len(), rnix::Root::parse(&text).errors().len())
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("files={} bytes={bytes} parse_errors={errors}", files.len());
}
