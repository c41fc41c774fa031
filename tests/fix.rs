//! Autofix: the diff of every fixable rule's fixtures, properties over every testdata file,
//! and `--fix`/`--diff` end to end (atomic writes that keep the file's bytes, refusals).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use nixk8s_lint::diagnostic::Safety;
use nixk8s_lint::fix::{self, fix_text};
use nixk8s_lint::rules::BUILTIN;
use nixk8s_lint::{Linter, RuleSet, lint_source};

mod common;
use common::{Scratch, nix_files};

#[test]
fn fixes_of_every_fixable_rule_on_its_fixtures() {
    let linter = Linter::new(RuleSet::builtin());
    for rule in linter.rules().iter().filter(|r| r.fixable().is_some()) {
        let files = nix_files(Path::new("testdata/rules").join(rule.name()).join("fire"));
        let mut fixed_any = false;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let fixed = fix_text(&text, &linter, Safety::Unsafe);
            assert!(
                fixed.refused.is_empty(),
                "{}: refused {:?}",
                path.display(),
                fixed.refused
            );
            let still: Vec<_> = lint_source(&fixed.text, &linter)
                .into_iter()
                .filter(|d| d.fix.is_some())
                .collect();
            assert!(
                still.is_empty(),
                "{}: fixable findings remain: {still:#?}",
                path.display()
            );
            if fixed.text == text {
                continue;
            }
            fixed_any = true;
            let name = path.display().to_string();
            let stem = path.file_stem().unwrap().to_string_lossy();
            insta::assert_snapshot!(
                format!("{}__{stem}", rule.name()),
                fix::diff(&name, &text, &fixed.text)
            );
        }
        assert!(
            fixed_any,
            "{}: declares a fix but fixes none of its fixtures",
            rule.name()
        );
    }
}

#[test]
fn fixing_any_testdata_file_keeps_valid_nix_and_is_idempotent() {
    let linter = Linter::new(RuleSet::builtin());
    let files = nix_files("testdata");
    assert!(files.len() > 50);
    let oracle = Scratch::new("oracle");
    let mut checked = 0;
    for (i, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let once = fix_text(&text, &linter, Safety::Unsafe);
        assert!(
            !once.bound_hit && once.refused.is_empty(),
            "{}",
            path.display()
        );
        assert!(
            rnix::Root::parse(&once.text).errors().is_empty(),
            "{}: fixed text does not parse",
            path.display()
        );
        let twice = fix_text(&once.text, &linter, Safety::Unsafe);
        assert_eq!(
            twice.text,
            once.text,
            "{}: a second fix changed the file",
            path.display()
        );
        assert!(twice.applied.is_empty(), "{}", path.display());
        if once.text != text {
            oracle.write(&format!("{i}.nix"), &once.text);
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} files changed");
    // Nix's own parser accepts every fixed file.
    match Command::new("nix-instantiate").arg("--version").output() {
        Ok(_) => {
            for entry in std::fs::read_dir(oracle.path()).unwrap() {
                let p = entry.unwrap().path();
                let out = Command::new("nix-instantiate")
                    .arg("--parse")
                    .arg(&p)
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}: {}",
                    p.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("nix-instantiate is missing: install nix-bin")
        }
        Err(_) => eprintln!("note: nix-instantiate not found; skipped Nix's parser on fixed files"),
    }
}

#[test]
fn every_builtin_rule_with_a_fix_says_why() {
    for (name, source) in BUILTIN {
        let rule = nixk8s_lint::Rule::parse(source).unwrap();
        if let Some(f) = &rule.def.fix {
            assert!(
                f.explanation.trim().len() > 40,
                "{name}: explain the fix's safety"
            );
        }
    }
}

// ---- end to end --------------------------------------------------------------------

impl Scratch {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_nixk8s-lint"))
            .args(args)
            .current_dir(self.path())
            .output()
            .unwrap()
    }
}

const KUBELET: &str = "{ pkgs, ... }: {\n  systemd.services.k8s-kubelet = {\n    path = with pkgs; [ iptables ];\n    serviceConfig.ExecStart = \"${pkgs.kubernetes}/bin/kubelet\";\n  };\n}\n";
const KUBELET_FIXED: &str = "{ pkgs, ... }: {\n  systemd.services.k8s-kubelet = {\n    path = with pkgs; [ iptables util-linux ];\n    serviceConfig.ExecStart = \"${pkgs.kubernetes}/bin/kubelet\";\n  };\n}\n";

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

#[test]
fn fix_writes_the_file_and_a_second_run_changes_nothing() {
    let t = Scratch::new("rewrite");
    let f = t.write("a.nix", KUBELET);
    let out = t.run(&["--fix", "a.nix"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fixed 1 finding in 1 file."));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), KUBELET_FIXED);
    let again = t.run(&["--fix", "a.nix"]);
    assert_eq!(code(&again), 0);
    assert!(
        again.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(std::fs::read_to_string(&f).unwrap(), KUBELET_FIXED);
}

#[test]
fn fix_keeps_crlf_permissions_and_a_missing_final_newline() {
    let t = Scratch::new("bytes");
    let crlf = KUBELET.trim_end().replace('\n', "\r\n");
    let f = t.write("a.nix", &crlf);
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    // A multi-line fix (a new `path` line) must use CRLF too.
    let g = t.write(
        "b.nix",
        "{ pkgs, ... }: {\n  systemd.services.k = {\n    serviceConfig.ExecStart = \"${pkgs.kubernetes}/bin/kubelet\";\n  };\n}\n"
            .replace('\n', "\r\n"),
    );
    let out = t.run(&["--fix", "a.nix", "b.nix"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let fixed = std::fs::read_to_string(&f).unwrap();
    assert_eq!(fixed, KUBELET_FIXED.trim_end().replace('\n', "\r\n"));
    assert_eq!(
        std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let fixed_b = std::fs::read_to_string(&g).unwrap();
    assert!(
        fixed_b.contains("    path = [ pkgs.util-linux ];\r\n    serviceConfig"),
        "{fixed_b:?}"
    );
    assert!(
        !fixed_b.replace("\r\n", "").contains('\n'),
        "a bare LF crept in: {fixed_b:?}"
    );
}

#[test]
fn fix_through_a_symlink_fixes_the_target_and_keeps_the_link() {
    let t = Scratch::new("symlink");
    let target = t.write("real/a.nix", KUBELET);
    std::os::unix::fs::symlink("real/a.nix", t.path().join("link.nix")).unwrap();
    let out = t.run(&["--fix", "link.nix"]);
    assert_eq!(code(&out), 0);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), KUBELET_FIXED);
    assert!(
        std::fs::symlink_metadata(t.path().join("link.nix"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn diff_prints_and_writes_nothing() {
    let t = Scratch::new("diff");
    let f = t.write("a.nix", KUBELET);
    let out = t.run(&["--diff", "a.nix"]);
    assert_eq!(code(&out), 1);
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.starts_with("--- a/a.nix\n+++ b/a.nix\n"), "{diff}");
    assert!(diff.contains("-    path = with pkgs; [ iptables ];\n+    path = with pkgs; [ iptables util-linux ];\n"), "{diff}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), KUBELET);
    t.write("a.nix", KUBELET_FIXED);
    let clean = t.run(&["--diff", "a.nix"]);
    assert_eq!(code(&clean), 0);
    assert!(clean.stdout.is_empty());
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let t = Scratch::new("unsafe");
    let f = t.write(
        "a.nix",
        "{ services.kubernetes.masterAddress = \"cp.local\"; }\n",
    );
    let out = t.run(&["--fix", "a.nix"]);
    assert_eq!(
        code(&out),
        1,
        "the unsafe fix is not applied, the finding remains"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("(fixable with --fix --unsafe-fixes)"));
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "{ services.kubernetes.masterAddress = \"cp.local\"; }\n"
    );
    let out = t.run(&["--fix", "--unsafe-fixes", "a.nix"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "{ services.kubernetes.masterAddress = \"cp.internal\"; }\n"
    );
}

#[test]
fn fix_on_stdin_prints_the_fixed_text() {
    let t = Scratch::new("stdin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nixk8s-lint"))
        .args(["--fix", "-", "--stdin-filename", "a.nix"])
        .current_dir(t.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(KUBELET.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), KUBELET_FIXED);
}

/// A user rule whose fix writes `replace-with` over a definition.
fn replacing_rule(replace_with: &str, fire_when: &str) -> String {
    format!(
        r#"[[rule]]
name = "master-address"
severity = "error"
summary = "s"
message = "m"
help = "h"
remediation = "r."
explanation = "e"
template = "option-value"
params = {{ option = "services.kubernetes.masterAddress", fire-when = "{fire_when}", replace-with = '{replace_with}' }}
fix = {{ safety = "safe", explanation = "e" }}
"#
    )
}

#[test]
fn a_fix_that_would_break_the_syntax_is_refused_and_the_file_is_unchanged() {
    let t = Scratch::new("refused");
    t.write(
        "nixk8s-lint.toml",
        replacing_rule(r#""unterminated"#, "present"),
    );
    let original = "{\r\n  services.kubernetes.masterAddress = \"cp.internal\";\r\n}";
    let f = t.write("a.nix", original);
    let before = std::fs::metadata(&f).unwrap().modified().unwrap();
    let out = t.run(&["--fix", "a.nix"]);
    assert_eq!(code(&out), 2, "a refused fix is a bug: exit 2");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("fix-error") && stdout.contains("`master-address`"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(&f).unwrap(),
        original.as_bytes(),
        "byte for byte"
    );
    assert_eq!(
        std::fs::metadata(&f).unwrap().modified().unwrap(),
        before,
        "not even rewritten"
    );
}

#[test]
fn overlapping_fixes_are_applied_over_several_rounds() {
    let t = Scratch::new("overlap");
    // The user rule replaces the whole value; mdns-hostname's fix replaces its suffix. They
    // overlap: the first is applied, the file re-linted, and nothing is left to fix.
    t.write(
        "nixk8s-lint.toml",
        replacing_rule(r#""cp.example.internal""#, "present").replace(
            "fire-when = \"present\"",
            "fire-when = \"matches\", pattern = '\\.local$'",
        ),
    );
    let f = t.write(
        "a.nix",
        "{ services.kubernetes.masterAddress = \"cp.local\"; }\n",
    );
    let out = t.run(&["--fix", "--unsafe-fixes", "a.nix"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "{ services.kubernetes.masterAddress = \"cp.example.internal\"; }\n"
    );
}

#[test]
fn a_fix_that_never_converges_stops_at_the_bound_and_says_so() {
    let t = Scratch::new("bound");
    t.write(
        "nixk8s-lint.toml",
        replacing_rule(r#""cp.internal""#, "present"),
    );
    t.write(
        "a.nix",
        "{ services.kubernetes.masterAddress = \"cp.internal\"; }\n",
    );
    let out = t.run(&["--fix", "a.nix"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("fixes still pending after 10 rounds"),
        "{stderr}"
    );
    assert_eq!(code(&out), 1, "the finding remains");
}

#[test]
fn files_with_syntax_errors_are_not_fixed() {
    let t = Scratch::new("syntax");
    let broken = "{ pkgs, ... }: { systemd.services.k.path = with pkgs; [ iptables ]; systemd.services.k.serviceConfig.ExecStart = \"${pkgs.kubernetes}/bin/kubelet\"; x = ; }\n";
    let f = t.write("a.nix", broken);
    let out = t.run(&["--fix", "a.nix"]);
    assert_eq!(code(&out), 1);
    assert_eq!(std::fs::read_to_string(&f).unwrap(), broken);
}

#[test]
fn fixing_every_testdata_file_through_the_cli_keeps_line_endings_permissions_and_final_newline() {
    let t = Scratch::new("all");
    let files = nix_files("testdata");
    let mut copies = vec![];
    for (i, path) in files.iter().enumerate() {
        let mut text = std::fs::read_to_string(path).unwrap();
        let crlf = i % 2 == 1;
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        if i % 3 == 0 {
            text = text.trim_end().to_string();
        }
        let copy = t.write(&format!("f{i}.nix"), &text);
        let mode = if i % 2 == 0 { 0o640 } else { 0o604 };
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(mode)).unwrap();
        copies.push((copy, crlf, text.ends_with('\n'), mode, text));
    }
    let out = t.run(&[
        "--isolated",
        "--fix",
        "--unsafe-fixes",
        "--format",
        "concise",
        ".",
    ]);
    assert_ne!(code(&out), 2, "{}", String::from_utf8_lossy(&out.stdout));
    let mut changed = 0;
    for (path, crlf, final_newline, mode, original) in &copies {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.display();
        assert!(
            rnix::Root::parse(&text).errors().is_empty(),
            "{name} does not parse"
        );
        if *crlf {
            assert!(
                !text.replace("\r\n", "").contains('\n'),
                "{name}: a bare LF"
            );
        } else {
            assert!(!text.contains('\r'), "{name}: a CR");
        }
        assert_eq!(
            text.ends_with('\n'),
            *final_newline,
            "{name}: final newline"
        );
        assert_eq!(
            std::fs::metadata(path).unwrap().permissions().mode() & 0o777,
            *mode,
            "{name}"
        );
        changed += usize::from(&text != original);
    }
    assert!(changed > 20, "only {changed} files changed");
    let before: Vec<Vec<u8>> = copies
        .iter()
        .map(|c| std::fs::read(&c.0).unwrap())
        .collect();
    let again = t.run(&[
        "--isolated",
        "--fix",
        "--unsafe-fixes",
        "--format",
        "concise",
        ".",
    ]);
    assert!(
        again.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let after: Vec<Vec<u8>> = copies
        .iter()
        .map(|c| std::fs::read(&c.0).unwrap())
        .collect();
    assert!(before == after, "a second --fix changed files");
}
