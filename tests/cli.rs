//! End-to-end tests of the `nixk8s-lint` binary: paths, discovery, stdin, output formats,
//! colour and exit status, run against files in fresh temporary directories.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::Scratch;

const BIN: &str = env!("CARGO_BIN_EXE_nixk8s-lint");

/// `authorization-mode-missing-node` on line 3: the list starts at column 53 and is 10
/// columns wide.
const PITFALL: &str = r#"{ ... }:
{
  services.kubernetes.apiserver.authorizationMode = [ "RBAC" ];
}
"#;
const PITFALL_LINE: u64 = 3;
const PITFALL_COL: u64 = 53;
const PITFALL_END_COL: u64 = 63;

/// `mdns-hostname` at 2:38 and `tmpfiles-settings-shape` at 3:29.
const TWO_FINDINGS: &str = r#"{
  services.k3s.serverAddr = "https://edge1.local:6443";
  systemd.tmpfiles.settings."/etc/foo".d = { mode = "0700"; };
}
"#;

const CLEAN: &str = r#"{ pkgs, ... }:
{
  networking.hostName = "cp1";
  services.kubernetes.roles = [ "master" "node" ];
  environment.systemPackages = [ pkgs.kubectl ];
}
"#;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// How to run the binary.
struct Run<'a> {
    args: Vec<&'a str>,
    cwd: Option<&'a Path>,
    stdin: Option<&'a [u8]>,
    env: Vec<(&'a str, &'a str)>,
}

fn run<'a>(args: &[&'a str]) -> Run<'a> {
    Run {
        args: args.to_vec(),
        cwd: None,
        stdin: None,
        env: vec![],
    }
}

impl<'a> Run<'a> {
    fn cwd(mut self, dir: &'a Path) -> Self {
        self.cwd = Some(dir);
        self
    }

    fn stdin(mut self, bytes: &'a [u8]) -> Self {
        self.stdin = Some(bytes);
        self
    }

    fn env(mut self, key: &'a str, value: &'a str) -> Self {
        self.env.push((key, value));
        self
    }

    fn output(self) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(&self.args)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE")
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = self.cwd {
            cmd.current_dir(dir);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn nixk8s-lint");
        if let Some(bytes) = self.stdin {
            let mut stdin = child.stdin.take().expect("stdin");
            // A run refused for its arguments exits before it reads stdin; what it
            // printed and its exit status are what such a test checks.
            match stdin.write_all(bytes) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                written => written.expect("write stdin"),
            }
        }
        child.wait_with_output().expect("wait for nixk8s-lint")
    }
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally, not by a signal")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn describe(out: &Output) -> String {
    format!(
        "exit: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_exit(out: &Output, expected: i32) {
    assert_eq!(
        code(out),
        expected,
        "unexpected exit status\n{}",
        describe(out)
    );
}

/// Parses `--format json` output and checks the envelope.
fn json(out: &Output) -> Value {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", describe(out)));
    assert_eq!(v["version"], 1, "{v:#}");
    assert!(v["files"].is_u64(), "`files` is a count: {v:#}");
    assert!(
        v["diagnostics"].is_array(),
        "`diagnostics` is a list: {v:#}"
    );
    v
}

fn diags(v: &Value) -> &Vec<Value> {
    v["diagnostics"].as_array().expect("diagnostics array")
}

fn rules_of(v: &Value) -> Vec<String> {
    diags(v)
        .iter()
        .map(|d| d["rule"].as_str().expect("rule is a string").to_string())
        .collect()
}

fn paths_of(v: &Value) -> Vec<String> {
    diags(v)
        .iter()
        .map(|d| d["path"].as_str().expect("path is a string").to_string())
        .collect()
}

fn with_rule<'v>(v: &'v Value, rule: &str) -> Vec<&'v Value> {
    diags(v).iter().filter(|d| d["rule"] == rule).collect()
}

fn has_ansi(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w == b"\x1b[")
}

// ---------------------------------------------------------------------------------------
// Exit status and usage errors
// ---------------------------------------------------------------------------------------

#[test]
fn clean_file_exits_0_with_no_problems_found() {
    let t = Scratch::new("clean_file");
    t.write("clean.nix", CLEAN);
    let out = run(&["clean.nix"]).cwd(t.path()).output();
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("No problems found"),
        "{}",
        describe(&out)
    );

    let out = run(&["--format", "json", "clean.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 0);
    let v = json(&out);
    assert_eq!(v["files"], 1);
    assert!(diags(&v).is_empty(), "{v:#}");
}

#[test]
fn unknown_flag_exits_2() {
    let t = Scratch::new("unknown_flag");
    t.write("clean.nix", CLEAN);
    let out = run(&["--bogus", "clean.nix"]).cwd(t.path()).output();
    assert_exit(&out, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--bogus"),
        "the error names the flag\n{}",
        describe(&out)
    );
    assert!(
        out.stdout.is_empty(),
        "no report on a usage error\n{}",
        describe(&out)
    );
}

#[test]
fn unknown_format_exits_2() {
    let t = Scratch::new("unknown_format");
    t.write("pitfall.nix", PITFALL);
    let out = run(&["--format", "xml", "pitfall.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("xml"),
        "{}",
        describe(&out)
    );
    assert!(out.stdout.is_empty(), "{}", describe(&out));
}

#[test]
fn unknown_color_exits_2() {
    // More stdin than a pipe holds: the run exits before reading it, every time.
    let mut text = vec![b' '; 1 << 20];
    text.extend_from_slice(b"{ }");
    let out = run(&["--color", "sometimes", "-"]).stdin(&text).output();
    assert_exit(&out, 2);
}

// ---------------------------------------------------------------------------------------
// Findings: human and JSON
// ---------------------------------------------------------------------------------------

#[test]
fn pitfall_exits_1_with_file_line_col_in_human_output() {
    let t = Scratch::new("pitfall_human");
    t.write("pitfall.nix", PITFALL);
    let out = run(&["pitfall.nix"]).cwd(t.path()).output();
    assert_exit(&out, 1);
    let s = stdout(&out);
    assert!(
        s.contains(&format!("pitfall.nix:{PITFALL_LINE}:{PITFALL_COL}")),
        "{}",
        describe(&out)
    );
    assert!(s.contains("authorization-mode-missing-node"), "{s}");
    assert!(!s.contains("No problems found"), "{s}");
}

#[test]
fn pitfall_json_fields_and_positions() {
    let t = Scratch::new("pitfall_json");
    t.write("pitfall.nix", PITFALL);
    let out = run(&["--format", "json", "pitfall.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(v["files"], 1, "{v:#}");
    let ds = diags(&v);
    assert_eq!(ds.len(), 1, "{v:#}");
    let d = &ds[0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "rule",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "help",
    ] {
        assert!(keys.contains(&key), "missing `{key}` in {d:#}");
    }
    assert_eq!(d["rule"], "authorization-mode-missing-node");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "pitfall.nix");
    assert_eq!(d["line"], PITFALL_LINE);
    assert_eq!(d["column"], PITFALL_COL);
    assert_eq!(d["end_line"], PITFALL_LINE);
    assert_eq!(d["end_column"], PITFALL_END_COL);
    assert!(
        d["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{d:#}"
    );
    assert!(d["help"].is_string() || d["help"].is_null(), "{d:#}");
}

#[test]
fn json_path_is_as_given_on_the_command_line() {
    let t = Scratch::new("path_as_given");
    t.write("sub/pitfall.nix", PITFALL);
    for given in ["./sub/pitfall.nix", "sub/../sub/pitfall.nix"] {
        let out = run(&["--format", "json", given]).cwd(t.path()).output();
        assert_exit(&out, 1);
        let v = json(&out);
        assert_eq!(paths_of(&v), vec![given.to_string()], "{v:#}");
    }
    let abs = t.path().join("sub/pitfall.nix");
    let abs = abs.to_str().unwrap();
    let out = run(&["--format", "json", abs]).output();
    let v = json(&out);
    assert_eq!(paths_of(&v), vec![abs.to_string()], "{v:#}");
}

#[test]
fn default_path_is_the_current_directory() {
    let t = Scratch::new("default_path");
    t.write("pitfall.nix", PITFALL);
    let out = run(&["--format", "json"]).cwd(t.path()).output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(v["files"], 1, "{v:#}");
    assert_eq!(rules_of(&v), vec!["authorization-mode-missing-node"]);
    assert!(paths_of(&v)[0].ends_with("pitfall.nix"), "{v:#}");
}

#[test]
fn multiple_paths_sorted_and_deterministic() {
    let t = Scratch::new("multiple_paths");
    t.write("c.nix", CLEAN);
    t.write("b.nix", PITFALL);
    t.write("a.nix", TWO_FINDINGS);
    t.write("d/e.nix", PITFALL);
    // As pre-commit passes them: many explicit files, in no particular order.
    let args = ["--format", "json", "d/e.nix", "c.nix", "b.nix", "a.nix"];
    let first = run(&args).cwd(t.path()).output();
    assert_exit(&first, 1);
    let v = json(&first);
    assert_eq!(v["files"], 4, "{v:#}");
    let located: Vec<(String, u64, u64, String)> = diags(&v)
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = vec![
        ("a.nix".to_string(), 2, 38, "mdns-hostname".to_string()),
        (
            "a.nix".to_string(),
            3,
            29,
            "tmpfiles-settings-shape".to_string(),
        ),
        (
            "b.nix".to_string(),
            PITFALL_LINE,
            PITFALL_COL,
            "authorization-mode-missing-node".to_string(),
        ),
        (
            "d/e.nix".to_string(),
            PITFALL_LINE,
            PITFALL_COL,
            "authorization-mode-missing-node".to_string(),
        ),
    ];
    assert_eq!(located, expected, "{v:#}");

    for _ in 0..3 {
        let again = run(&args).cwd(t.path()).output();
        assert_eq!(
            first.stdout, again.stdout,
            "JSON output differs between runs"
        );
    }
    let human = ["--color", "never", "d/e.nix", "c.nix", "b.nix", "a.nix"];
    let h1 = run(&human).cwd(t.path()).output();
    assert_exit(&h1, 1);
    let s = stdout(&h1);
    let pos = |needle: &str| {
        s.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in output:\n{s}"))
    };
    assert!(pos("a.nix:2:38") < pos("a.nix:3:29"), "{s}");
    assert!(pos("a.nix:3:29") < pos("b.nix:3:53"), "{s}");
    assert!(pos("b.nix:3:53") < pos("d/e.nix:3:53"), "{s}");
    for _ in 0..3 {
        let h2 = run(&human).cwd(t.path()).output();
        assert_eq!(h1.stdout, h2.stdout, "human output differs between runs");
    }
}

// ---------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------

#[test]
fn directory_walk_skips_hidden_git_result_and_non_nix() {
    let t = Scratch::new("walk_skips");
    t.write("repo/top.nix", PITFALL);
    t.write("repo/sub/deep/inner.nix", PITFALL);
    t.write("repo/clean.nix", CLEAN);
    t.write("repo/.hidden/h.nix", PITFALL);
    t.write("repo/sub/.cache/c.nix", PITFALL);
    t.write("repo/.git/g.nix", PITFALL);
    t.write("repo/result/r.nix", PITFALL);
    t.write("repo/result-foo/rf.nix", PITFALL);
    t.write("repo/sub/result-bar/x.nix", PITFALL);
    t.write("repo/notes.txt", PITFALL);
    t.write("repo/foo.conf", PITFALL);
    t.write("repo/nix", PITFALL);

    let out = run(&["--format", "json", "repo"]).cwd(t.path()).output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(
        v["files"], 3,
        "only top.nix, clean.nix and inner.nix: {v:#}"
    );
    assert_eq!(
        paths_of(&v),
        vec!["repo/sub/deep/inner.nix", "repo/top.nix"],
        "{v:#}"
    );

    // An explicit path is linted whatever its extension.
    let out = run(&["--format", "json", "repo", "repo/foo.conf"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(v["files"], 4, "{v:#}");
    assert_eq!(
        paths_of(&v),
        vec!["repo/foo.conf", "repo/sub/deep/inner.nix", "repo/top.nix"],
        "{v:#}"
    );

    let out = run(&["--format", "json", "repo/foo.conf"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(
        rules_of(&v),
        vec!["authorization-mode-missing-node"],
        "{v:#}"
    );
}

#[test]
fn walk_does_not_follow_symlinked_directories() {
    let t = Scratch::new("symlink_dir");
    t.write("outside/bad.nix", PITFALL);
    t.write("walked/ok.nix", CLEAN);
    std::os::unix::fs::symlink(t.path().join("outside"), t.path().join("walked/link"))
        .expect("create symlink");
    // Sanity: the pitfall is found when the target is linted directly.
    let out = run(&["--format", "json", "outside"]).cwd(t.path()).output();
    assert_exit(&out, 1);

    let out = run(&["--format", "json", "walked"]).cwd(t.path()).output();
    assert_exit(&out, 0);
    let v = json(&out);
    assert_eq!(v["files"], 1, "{v:#}");
    assert!(diags(&v).is_empty(), "{v:#}");
}

// ---------------------------------------------------------------------------------------
// Stdin
// ---------------------------------------------------------------------------------------

#[test]
fn stdin_without_stdin_filename() {
    let out = run(&["--format", "json", "-"])
        .stdin(PITFALL.as_bytes())
        .output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(v["files"], 1, "{v:#}");
    let ds = diags(&v);
    assert_eq!(ds.len(), 1, "{v:#}");
    assert_eq!(ds[0]["rule"], "authorization-mode-missing-node");
    assert_eq!(ds[0]["line"], PITFALL_LINE);
    assert_eq!(ds[0]["column"], PITFALL_COL);
    assert_eq!(ds[0]["path"], "<stdin>", "{v:#}");

    let out = run(&["-"]).stdin(CLEAN.as_bytes()).output();
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("No problems found"),
        "{}",
        describe(&out)
    );
}

#[test]
fn stdin_with_stdin_filename() {
    let out = run(&[
        "--format",
        "json",
        "--stdin-filename",
        "hosts/cp1/default.nix",
        "-",
    ])
    .stdin(PITFALL.as_bytes())
    .output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(paths_of(&v), vec!["hosts/cp1/default.nix"], "{v:#}");

    let out = run(&[
        "--color",
        "never",
        "--stdin-filename",
        "hosts/cp1/default.nix",
        "-",
    ])
    .stdin(PITFALL.as_bytes())
    .output();
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains(&format!(
            "hosts/cp1/default.nix:{PITFALL_LINE}:{PITFALL_COL}"
        )),
        "{}",
        describe(&out)
    );
}

// ---------------------------------------------------------------------------------------
// I/O errors
// ---------------------------------------------------------------------------------------

#[test]
fn non_utf8_file_is_io_error_and_other_files_still_linted() {
    let t = Scratch::new("non_utf8");
    t.write("bad.nix", b"{ a = \"\xff\xfe\"; }\n");
    t.write("good.nix", PITFALL);
    let out = run(&["--format", "json", "bad.nix", "good.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(v["files"], 2, "{v:#}");
    let io = with_rule(&v, "io-error");
    assert_eq!(io.len(), 1, "{v:#}");
    assert_eq!(io[0]["path"], "bad.nix");
    assert_eq!(io[0]["severity"], "error");
    assert!(
        io[0]["message"].as_str().unwrap().contains("bad.nix"),
        "{v:#}"
    );
    let found = with_rule(&v, "authorization-mode-missing-node");
    assert_eq!(found.len(), 1, "{v:#}");
    assert_eq!(found[0]["path"], "good.nix");

    let out = run(&["--color", "never", "bad.nix", "good.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 1);
    let s = stdout(&out);
    assert!(s.contains("io-error") && s.contains("bad.nix"), "{s}");
    assert!(s.contains("good.nix:3:53"), "{s}");
}

#[test]
fn nonexistent_path_is_io_error() {
    let t = Scratch::new("nonexistent");
    t.write("good.nix", CLEAN);
    let out = run(&["--format", "json", "missing.nix", "good.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(rules_of(&v), vec!["io-error"], "{v:#}");
    let d = &diags(&v)[0];
    assert_eq!(d["path"], "missing.nix");
    assert!(
        d["message"].as_str().unwrap().contains("missing.nix"),
        "{v:#}"
    );

    let out = run(&["--color", "never", "missing.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 1);
    let s = stdout(&out);
    assert!(s.contains("io-error") && s.contains("missing.nix"), "{s}");
}

#[test]
fn nonexistent_path_message_is_not_doubled() {
    let out = run(&[
        "--format",
        "json",
        "/nonexistent-nixk8s-lint-test/missing.nix",
    ])
    .output();
    let v = json(&out);
    let msg = diags(&v)[0]["message"].as_str().unwrap().to_string();
    assert_eq!(msg.matches("cannot be read").count(), 1, "{msg}");
}

#[test]
fn dangling_symlink_given_explicitly_is_io_error() {
    let t = Scratch::new("dangling_symlink");
    std::os::unix::fs::symlink(t.path().join("nowhere.nix"), t.path().join("link.nix"))
        .expect("create symlink");
    let out = run(&["--format", "json", "link.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(rules_of(&v), vec!["io-error"], "{v:#}");
    assert_eq!(diags(&v)[0]["path"], "link.nix");
}

#[test]
fn directory_named_like_a_nix_file_given_explicitly_is_walked() {
    // A directory is a directory whatever its name: given explicitly, it is walked.
    let t = Scratch::new("dir_named_nix");
    t.write("x.nix/inner.nix", PITFALL);
    let out = run(&["--format", "json", "x.nix"]).cwd(t.path()).output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(paths_of(&v), vec!["x.nix/inner.nix"], "{v:#}");
    assert_eq!(
        rules_of(&v),
        vec!["authorization-mode-missing-node"],
        "{v:#}"
    );
}

#[test]
fn directory_named_like_a_nix_file_inside_a_walk_is_not_an_error() {
    let t = Scratch::new("dir_named_nix_walk");
    t.write("repo/x.nix/inner.nix", PITFALL);
    let out = run(&["--format", "json", "repo"]).cwd(t.path()).output();
    assert_exit(&out, 1);
    let v = json(&out);
    assert_eq!(v["files"], 1, "{v:#}");
    assert_eq!(
        rules_of(&v),
        vec!["authorization-mode-missing-node"],
        "{v:#}"
    );
    assert_eq!(paths_of(&v), vec!["repo/x.nix/inner.nix"], "{v:#}");
}

// ---------------------------------------------------------------------------------------
// Syntax errors and positions
// ---------------------------------------------------------------------------------------

#[test]
fn syntax_error_reported_and_rules_still_fire_on_parsed_part() {
    let src = r#"{ services.kubernetes.apiserver.authorizationMode = [ "RBAC" ]; broken = ; }"#;
    let t = Scratch::new("syntax_error");
    t.write("broken.nix", src);
    let out = run(&["--format", "json", "broken.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&out, 1);
    let v = json(&out);
    let syntax = with_rule(&v, "syntax-error");
    assert!(!syntax.is_empty(), "{v:#}");
    // The first syntax error is at the `;` after `broken =`.
    let semi = src.find("= ;").unwrap() + 2;
    let first_line_col: Vec<(u64, u64)> = syntax
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    assert!(
        first_line_col.contains(&(1, semi as u64 + 1)),
        "a syntax error at 1:{}: {v:#}",
        semi + 1
    );
    for d in &syntax {
        assert_eq!(d["severity"], "error", "{d:#}");
        assert_eq!(d["path"], "broken.nix", "{d:#}");
    }
    let found = with_rule(&v, "authorization-mode-missing-node");
    assert_eq!(found.len(), 1, "the rule still fires: {v:#}");
    assert_eq!(found[0]["line"], 1);
    assert_eq!(found[0]["column"], 53);
    assert_eq!(found[0]["end_column"], 63);
}

#[test]
fn json_columns_count_unicode_scalar_values() {
    let line =
        r#"{ x = "héllo → 😀 ü"; services.kubernetes.apiserver.authorizationMode = [ "RBAC" ]; }"#;
    let t = Scratch::new("unicode_columns");
    t.write("uni.nix", format!("# é\n{line}\n"));
    let out = run(&["--format", "json", "uni.nix"]).cwd(t.path()).output();
    assert_exit(&out, 1);
    let v = json(&out);
    let found = with_rule(&v, "authorization-mode-missing-node");
    assert_eq!(found.len(), 1, "{v:#}");
    let byte_at = line.find(r#"[ "RBAC" ]"#).unwrap();
    let col = line[..byte_at].chars().count() as u64 + 1;
    assert_ne!(col, byte_at as u64 + 1, "the test needs multibyte text");
    assert_eq!(found[0]["line"], 2, "{v:#}");
    assert_eq!(found[0]["column"], col, "{v:#}");
    assert_eq!(found[0]["end_line"], 2, "{v:#}");
    assert_eq!(found[0]["end_column"], col + 10, "{v:#}");

    let out = run(&["--color", "never", "uni.nix"]).cwd(t.path()).output();
    assert!(
        stdout(&out).contains(&format!("uni.nix:2:{col}")),
        "{}",
        describe(&out)
    );
}

// ---------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------

#[test]
fn color_always_emits_ansi_and_never_does_not() {
    let t = Scratch::new("color");
    t.write("pitfall.nix", PITFALL);
    let always = run(&["--color", "always", "pitfall.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&always, 1);
    assert!(has_ansi(&always.stdout), "{}", describe(&always));

    let never = run(&["--color", "never", "pitfall.nix"])
        .cwd(t.path())
        .output();
    assert_exit(&never, 1);
    assert!(!has_ansi(&never.stdout), "{}", describe(&never));
    assert!(stdout(&never).contains("pitfall.nix:3:53"));

    // auto, stdout a pipe, with NO_COLOR set.
    let auto = run(&["pitfall.nix"])
        .cwd(t.path())
        .env("NO_COLOR", "1")
        .output();
    assert_exit(&auto, 1);
    assert!(!has_ansi(&auto.stdout), "{}", describe(&auto));
    let auto = run(&["--color", "auto", "pitfall.nix"])
        .cwd(t.path())
        .output();
    assert!(
        !has_ansi(&auto.stdout),
        "not a terminal: {}",
        describe(&auto)
    );

    // JSON is never coloured.
    let j = run(&["--color", "always", "--format", "json", "pitfall.nix"])
        .cwd(t.path())
        .output();
    assert!(!has_ansi(&j.stdout), "{}", describe(&j));
    json(&j);
}

/// Runs the binary with stdout on a pseudo-terminal (util-linux `script`), returning what
/// it wrote, or `None` when `script` is not available.
fn run_on_tty(dir: &Path, args: &str, no_color: Option<&str>) -> Option<Vec<u8>> {
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-c", &format!("'{BIN}' {args}"), "/dev/null"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    let out = cmd.output().ok()?;
    if code(&out) == 127 || (out.stdout.is_empty() && !out.status.success()) {
        return None;
    }
    Some(out.stdout)
}

#[test]
fn color_auto_on_a_terminal_respects_no_color() {
    let t = Scratch::new("color_tty");
    t.write("pitfall.nix", PITFALL);
    let Some(tty) = run_on_tty(t.path(), "pitfall.nix", None) else {
        eprintln!("note: `script` (util-linux) is not available; skipping the terminal test");
        return;
    };
    assert!(
        has_ansi(&tty),
        "auto colours on a terminal:\n{}",
        String::from_utf8_lossy(&tty)
    );
    let no_color = run_on_tty(t.path(), "pitfall.nix", Some("1")).unwrap();
    assert!(
        String::from_utf8_lossy(&no_color).contains("pitfall.nix:3:53"),
        "{}",
        String::from_utf8_lossy(&no_color)
    );
    assert!(
        !has_ansi(&no_color),
        "NO_COLOR=1 disables colour on a terminal:\n{}",
        String::from_utf8_lossy(&no_color)
    );
    let never = run_on_tty(t.path(), "--color never pitfall.nix", None).unwrap();
    assert!(!has_ansi(&never), "{}", String::from_utf8_lossy(&never));
}

// ---------------------------------------------------------------------------------------
// The example repository
// ---------------------------------------------------------------------------------------

#[test]
fn example_hosts_repo_has_exactly_the_four_planted_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(&["--format", "json", "testdata/hosts"])
        .cwd(root)
        .output();
    assert_exit(&out, 1);
    let v = json(&out);
    let ds = diags(&v);
    assert_eq!(ds.len(), 4, "{v:#}");
    let mut per_rule: BTreeMap<String, (String, u64)> = BTreeMap::new();
    for d in ds {
        let prev = per_rule.insert(
            d["rule"].as_str().unwrap().to_string(),
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            ),
        );
        assert!(prev.is_none(), "one finding per rule: {v:#}");
    }
    // As listed in testdata/hosts/PLANTED.md.
    let expected: BTreeMap<String, (String, u64)> = [
        (
            "authorization-mode-missing-node",
            "testdata/hosts/modules/k8s/control-plane.nix",
            21,
        ),
        (
            "kubelet-path-missing-mount",
            "testdata/hosts/modules/k8s/kubelet.nix",
            60,
        ),
        ("mdns-hostname", "testdata/hosts/modules/k8s/k3s.nix", 8),
        (
            "tmpfiles-settings-shape",
            "testdata/hosts/modules/k8s/tmpfiles.nix",
            19,
        ),
    ]
    .into_iter()
    .map(|(r, p, l)| (r.to_string(), (p.to_string(), l)))
    .collect();
    assert_eq!(per_rule, expected, "{v:#}");

    let human = run(&["--color", "never", "testdata/hosts"])
        .cwd(root)
        .output();
    assert_exit(&human, 1);
    let s = stdout(&human);
    for needle in [
        "testdata/hosts/modules/k8s/control-plane.nix:21:",
        "testdata/hosts/modules/k8s/kubelet.nix:60:",
        "testdata/hosts/modules/k8s/k3s.nix:8:",
        "testdata/hosts/modules/k8s/tmpfiles.nix:19:",
    ] {
        assert!(s.contains(needle), "`{needle}` in:\n{s}");
    }
}

/// `--timings` adds where the time went on stderr and changes nothing else. Per-file
/// phases are summed over the worker threads, each counted once: with the walk and the
/// rendering they stay within the threads' wall time.
#[test]
fn timings_go_to_stderr_per_phase_and_leave_the_results_alone() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lint = |extra: &[&'static str]| {
        let args: Vec<&str> = ["--format", "json"].iter().chain(extra).copied().collect();
        let mut r = run(&args).cwd(root).env("RAYON_NUM_THREADS", "2");
        r.args.push("testdata/hosts");
        r.output()
    };
    let plain = lint(&[]);
    let timed = lint(&["--timings"]);
    assert_exit(&timed, code(&plain));
    assert_eq!(json(&timed), json(&plain));
    assert!(plain.stderr.is_empty(), "{}", describe(&plain));
    let err = String::from_utf8(timed.stderr.clone()).expect("stderr is UTF-8");
    let (head, rows) = err.split_once('\n').expect("a heading and rows");
    assert!(
        head.starts_with("timings (") && head.contains(" 2 threads"),
        "{err}"
    );
    let ms: Vec<(&str, f64)> = rows
        .lines()
        .map(|l| {
            let (phase, rest) = l.trim().split_once(' ').expect("phase and time");
            let value = rest.trim().strip_suffix(" ms").expect("in ms");
            (phase, value.parse().expect("a number"))
        })
        .collect();
    let phases: Vec<&str> = ms.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        phases,
        ["walk+read", "parse", "model", "checks", "render", "wall"],
        "{err}"
    );
    // Two threads parse at once: the parse alone may take up to twice the wall time.
    let (wall, parse) = (ms[5].1, ms[1].1);
    assert!(parse > 0.0 && parse <= 2.0 * wall + 0.5, "{err}");
    let summed: f64 = ms[..5].iter().map(|(_, t)| t).sum();
    assert!(summed <= 2.0 * wall + 0.5, "{err}");
}
