//! Inputs the fuzz targets (`fuzz/`) found, replayed through the same properties.
//! `testdata/fuzz/<target>/` holds one file per input.

#[path = "../fuzz/src/lib.rs"]
mod properties;

fn replay(target: &str, property: fn(&[u8])) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/fuzz")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir:?}: {e}"))
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {dir:?}");
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let result = std::panic::catch_unwind(|| property(&data));
        assert!(result.is_ok(), "{input:?} fails the `{target}` property");
    }
}

#[test]
fn lint_inputs() {
    replay("lint", properties::lint);
}

#[test]
fn fix_inputs() {
    replay("fix", properties::fix);
}

#[test]
fn lsp_edits_inputs() {
    replay("lsp_edits", properties::lsp_edits);
}
