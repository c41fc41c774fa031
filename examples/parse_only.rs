//! The baseline of `scripts/bench` and `scripts/lsp-bench.py`: finds `.nix` files as the
//! linter does, reads and parses each with rnix on the same thread pool, and does nothing
//! else. Prints the files, the bytes, the parse errors and the seconds spent reading and
//! parsing (after the walk); with `--repeat N`, the median of N rounds in one process. With
//! `--serve`, a round for each line read on stdin, each printing its own seconds: a warm
//! process that times a parse whenever asked, as `scripts/lsp-bench.py` does after each
//! change.
//!
//!     cargo run --release --example parse_only -- [--repeat N | --serve] DIR...

use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

/// The linter's allocator, so that the baseline differs from it only in the work done.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use walkdir::WalkDir;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let serve = args.first().is_some_and(|a| a == "--serve");
    if serve {
        args.remove(0);
    }
    let rounds = match args.first().map(String::as_str) {
        Some("--repeat") => {
            let n = args.get(1).and_then(|n| n.parse().ok());
            args.drain(..2.min(args.len()));
            n.filter(|&n: &usize| n > 0)
                .expect("--repeat takes a positive number")
        }
        _ => 1,
    };
    let files: Vec<PathBuf> = args
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
    if serve {
        for _ in std::io::stdin().lock().lines().map_while(Result::ok) {
            let (seconds, _) = round(&files);
            println!("seconds={seconds:.6}");
        }
        return;
    }
    let mut seconds = vec![];
    let mut totals = (0, 0);
    for _ in 0..rounds {
        let (s, t) = round(&files);
        seconds.push(s);
        totals = t;
    }
    seconds.sort_by(f64::total_cmp);
    let (bytes, errors) = totals;
    println!(
        "files={} bytes={bytes} parse_errors={errors} seconds={:.6}",
        files.len(),
        seconds[rounds / 2]
    );
}

/// Reads and parses every file once: the seconds it took, the bytes and the parse errors.
fn round(files: &[PathBuf]) -> (f64, (usize, usize)) {
    let clock = Instant::now();
    let totals = files
        .par_iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            (text.len(), rnix::Root::parse(&text).errors().len())
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    (clock.elapsed().as_secs_f64(), totals)
}
