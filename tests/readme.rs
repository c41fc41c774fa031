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

#[test]
fn readme_user_rule_example_passes_its_own_examples() {
    use nixk8s_lint::rules::{ExampleKind, Rule};
    let readme = std::fs::read_to_string("README.md").unwrap();
    let marker = "# lint-rules/apiserver-audit-log.toml\n";
    let start = readme
        .find(marker)
        .expect("README has the user rule example")
        + marker.len();
    let toml = &readme[start..start + readme[start..].find("```").unwrap()];
    let rule = Rule::parse(toml).expect("the README's rule parses");
    let examples = rule.def.examples.clone();
    let name = rule.name().to_string();
    let linter = Linter::new(RuleSet { rules: vec![rule] });
    assert!(examples.len() >= 2);
    for ex in examples {
        let fired = lint_source(&ex.code, &linter)
            .iter()
            .any(|d| d.rule == name);
        assert_eq!(fired, ex.kind == ExampleKind::Bad, "{}", ex.code);
    }
}
