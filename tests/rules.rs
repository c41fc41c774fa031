//! Every rule, end to end: its fixtures (must fire / must not fire) with snapshots of the
//! rendered output, its own examples, and its docs.

use std::path::{Path, PathBuf};

use nixk8s_lint::render::{self, FileReport};
use nixk8s_lint::rules::{BUILTIN, ExampleKind, Rule};
use nixk8s_lint::{Linter, RuleSet, lint_source};

fn fixtures(rule: &str, kind: &str) -> Vec<PathBuf> {
    let dir = Path::new("testdata/rules").join(rule).join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "nix"))
        .collect();
    files.sort();
    files
}

fn report(path: &Path, linter: &Linter) -> FileReport {
    let text = std::fs::read_to_string(path).unwrap();
    let diagnostics = lint_source(&text, linter);
    FileReport {
        path: path.display().to_string(),
        text,
        diagnostics,
    }
}

#[test]
fn every_rule_has_fixtures_that_fire_and_fixtures_that_pass() {
    for (name, _) in BUILTIN {
        assert!(
            fixtures(name, "fire").len() >= 3,
            "{name}: needs at least 3 fire/ fixtures"
        );
        assert!(
            fixtures(name, "pass").len() >= 3,
            "{name}: needs at least 3 pass/ fixtures"
        );
    }
    let dirs: Vec<String> = std::fs::read_dir("testdata/rules")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for d in dirs {
        assert!(
            BUILTIN.iter().any(|(n, _)| *n == d),
            "testdata/rules/{d} names no rule"
        );
    }
}

#[test]
fn fire_fixtures_report_their_rule_and_nothing_else() {
    let linter = Linter::new(RuleSet::builtin());
    for (name, _) in BUILTIN {
        for path in fixtures(name, "fire") {
            let r = report(&path, &linter);
            assert!(
                !r.diagnostics.is_empty(),
                "{}: expected `{name}` to fire",
                path.display()
            );
            for d in &r.diagnostics {
                assert_eq!(d.rule, *name, "{}: unexpected {d:?}", path.display());
            }
            let reports = [r];
            let human = String::from_utf8(render::human::render(&reports, false)).unwrap();
            let json = render::json::render(&reports);
            let stem = path.file_stem().unwrap().to_string_lossy();
            insta::assert_snapshot!(
                format!("{name}__{stem}"),
                format!("{human}\n---- json ----\n{json}")
            );
        }
    }
}

#[test]
fn pass_fixtures_report_nothing() {
    let linter = Linter::new(RuleSet::builtin());
    for (name, _) in BUILTIN {
        for path in fixtures(name, "pass") {
            let r = report(&path, &linter);
            assert!(
                r.diagnostics.is_empty(),
                "{}: expected no findings, got {:#?}",
                path.display(),
                r.diagnostics
            );
        }
    }
}

#[test]
fn rule_examples_fire_or_pass_as_labelled() {
    for (name, source) in BUILTIN {
        let only = Linter::new(RuleSet {
            rules: vec![Rule::parse(source).unwrap()],
        });
        let rule = Rule::parse(source).unwrap();
        for (i, ex) in rule.def.examples.iter().enumerate() {
            let fired: Vec<_> = lint_source(&ex.code, &only)
                .into_iter()
                .filter(|d| d.rule == *name)
                .collect();
            match ex.kind {
                ExampleKind::Bad => assert!(
                    !fired.is_empty(),
                    "{name}: bad example #{} does not fire:\n{}",
                    i + 1,
                    ex.code
                ),
                ExampleKind::Good => assert!(
                    fired.is_empty(),
                    "{name}: good example #{} fires: {fired:#?}",
                    i + 1
                ),
            }
        }
    }
}

#[test]
fn every_rule_is_documented() {
    for (file_name, source) in BUILTIN {
        let rule = Rule::parse(source).unwrap_or_else(|e| panic!("rules/{file_name}.toml: {e}"));
        let d = &rule.def;
        assert_eq!(d.name, *file_name, "rule name must match its file name");
        assert!(
            d.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: kebab-case name",
            d.name
        );
        for (field, text) in [
            ("summary", &d.summary),
            ("message", &d.message),
            ("help", &d.help),
            ("explanation", &d.explanation),
        ] {
            assert!(!text.trim().is_empty(), "{}: empty {field}", d.name);
        }
        assert!(
            d.remediation.trim().ends_with('.'),
            "{}: remediation must be sentences ending with '.'",
            d.name
        );
        assert!(!d.references.is_empty(), "{}: needs a reference", d.name);
        assert!(
            d.examples.iter().any(|e| e.kind == ExampleKind::Bad),
            "{}: needs a bad example",
            d.name
        );
        assert!(
            d.examples.iter().any(|e| e.kind == ExampleKind::Good),
            "{}: needs a good example",
            d.name
        );
    }
}

#[test]
fn rule_files_on_disk_are_the_embedded_ones() {
    let mut on_disk: Vec<String> = std::fs::read_dir("rules")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(
        on_disk, embedded,
        "every rules/*.toml must be listed in rules::BUILTIN"
    );
}

#[test]
fn rule_files_with_mistakes_are_rejected() {
    let good = BUILTIN[0].1;
    let unknown_template = good.replace(
        "template = \"slice-flag-requires\"",
        "template = \"no-such-template\"",
    );
    assert!(
        Rule::parse(&unknown_template)
            .unwrap_err()
            .contains("unknown template `no-such-template`")
    );
    let bad_param = good.replace("requires = \"Node\"", "requires = \"Node\"\nbogus = 1");
    assert!(Rule::parse(&bad_param).unwrap_err().contains("bogus"));
    let bad_placeholder = good.replace("help = \"add", "help = \"{nope} add");
    assert!(
        Rule::parse(&bad_placeholder)
            .unwrap_err()
            .contains("{nope}")
    );
    let unknown_key = format!("colour = \"red\"\n{good}");
    assert!(Rule::parse(&unknown_key).unwrap_err().contains("colour"));
}

#[test]
fn docs_rules_md_is_current() {
    let linter = Linter::new(RuleSet::builtin());
    let generated = nixk8s_lint::docs::rules_markdown(&linter);
    let committed = std::fs::read_to_string("docs/rules.md").unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown --isolated > docs/rules.md`"
    );
}
