//! The README's example output is what the linter prints today.

use nixk8s_lint::render::{self, FileReport};
use nixk8s_lint::{Linter, RuleSet, lint_source};

#[test]
fn readme_example_output_is_current() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let marker = "<!-- example-output: ";
    let start = readme
        .find(marker)
        .expect("README has an example-output marker");
    let rest = &readme[start + marker.len()..];
    let (files, rest) = rest.split_once(" -->").unwrap();
    let block = rest
        .split_once("```text\n")
        .unwrap()
        .1
        .split_once("```")
        .unwrap()
        .0;

    let linter = Linter::new(RuleSet::builtin());
    let reports: Vec<FileReport> = files
        .split_whitespace()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            FileReport {
                path: p.to_string(),
                diagnostics: lint_source(&text, &linter),
                text,
            }
        })
        .collect();
    let output = String::from_utf8(render::human::render(&reports, false)).unwrap();
    assert_eq!(block, output, "update the README's example output");
}
