//! Reparsing after an edit builds exactly the tree, and the errors, that a full parse
//! builds: every `.nix` file under `testdata/`, edited at many places with insertions and
//! deletions that keep, break and change its structure.

use nixk8s_lint::syntax::Parsed;
use rnix::{TextRange, TextSize};

mod common;
use common::nix_files;

const INSERTS: &[&str] = &[
    "x", " ", "\n", "\"", "''", "${", "$", "{", "}", "[", "]", "{ }", "[ ]", ";", "#", "/*",
    "a = 1; ", "rec ", "k8s-", ":", "@", "\\",
];

#[test]
fn reparsing_an_edit_matches_a_full_parse() {
    let files = nix_files("testdata");
    assert!(
        files.len() > 50,
        "testdata holds the example hosts and rule fixtures"
    );
    let (mut edits, mut reparsed, mut with_errors) = (0, 0, 0);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(old) = Parsed::new(&text) else {
            continue;
        };
        // Every 7th char boundary: an insertion, and a deletion of up to 3 bytes.
        let starts = (0..text.len())
            .filter(|&i| text.is_char_boundary(i))
            .step_by(7);
        for (n, start) in starts.enumerate() {
            let insert = INSERTS[n % INSERTS.len()];
            let deleted = (start..=(start + n % 4).min(text.len()))
                .rev()
                .find(|&e| text.is_char_boundary(e))
                .unwrap();
            for (end, insert) in [(start, insert), (deleted, "")] {
                let mut new_text = text.clone();
                new_text.replace_range(start..end, insert);
                let edit = TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32));
                edits += 1;
                if let Some(re) = old.reparse(edit, insert, &new_text) {
                    reparsed += 1;
                    with_errors += usize::from(!re.errors.is_empty());
                    let full = Parsed::new(&new_text).unwrap();
                    assert!(
                        re.green == full.green && re.errors == full.errors,
                        "{}: replacing {start}..{end} with {insert:?} reparsed differently",
                        path.display()
                    );
                }
            }
        }
    }
    // Most edits to these files fall inside a set or a list and keep the file valid.
    assert!(
        reparsed * 3 > edits,
        "only {reparsed} of {edits} edits were reparsed"
    );
    // Many leave an error that ends inside its set or list.
    assert!(
        with_errors * 10 > reparsed,
        "only {with_errors} of {reparsed} reparsed edits kept an error"
    );
}
