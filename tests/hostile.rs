//! Hostile inputs: each gives a clear message, the run goes on, and nothing crashes, hangs
//! or takes more than linear time.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;
use common::Scratch;

impl Scratch {
    /// Runs the linter (concise output) with a deadline.
    fn lint(&self, args: &[&str], deadline: Duration) -> (i32, String) {
        let start = Instant::now();
        let out: Output = Command::new(env!("CARGO_BIN_EXE_nixk8s-lint"))
            .args(["--format", "concise"])
            .args(args)
            .current_dir(self.path())
            .output()
            .unwrap();
        assert!(
            start.elapsed() < deadline,
            "{args:?} took {:?}",
            start.elapsed()
        );
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

const PITFALL: &str = "{ services.kubernetes.masterAddress = \"cp.local\"; }\n";
const SECOND: Duration = Duration::from_secs(20);

#[test]
fn odd_but_valid_files_lint_cleanly() {
    let t = Scratch::new("odd");
    t.write("crlf.nix", "{\r\n  a = 1;\r\n}\r\n");
    t.write("cr.nix", "{\r  a = 1;\r}\r");
    let (code, out) = t.lint(&["."], SECOND);
    assert_eq!((code, out.as_str()), (0, ""));
    // Nix rejects a file with no expression; so do we, with Nix's words.
    t.write("empty.nix", "");
    t.write("comment.nix", "# nothing here\n");
    let (code, out) = t.lint(&["empty.nix", "comment.nix"], SECOND);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "comment.nix:2:1: error[syntax-error] unexpected end of file\nempty.nix:1:1: error[syntax-error] unexpected end of file\n"
    );
}

#[test]
fn unreadable_and_binary_inputs_are_io_errors_and_the_run_goes_on() {
    let t = Scratch::new("binary");
    t.write("bin.nix", b"\x7fELF\x00\x00\x01");
    t.write("latin1.nix", b"{ a = \"caf\xe9\"; }");
    t.write("zz.nix", PITFALL);
    let fifo = t.path().join("fifo.nix");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, out) = t.lint(
        &["bin.nix", "latin1.nix", "fifo.nix", "zz.nix", "gone.nix"],
        SECOND,
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("bin.nix:1:1: error[io-error] `bin.nix` contains NUL bytes"),
        "{out}"
    );
    assert!(out.contains("latin1.nix:1:1: error[io-error] `latin1.nix` is not valid UTF-8 (invalid byte at offset 10)"), "{out}");
    assert!(
        out.contains(
            "fifo.nix:1:1: error[io-error] `fifo.nix` cannot be read: is not a regular file"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "gone.nix:1:1: error[io-error] `gone.nix` cannot be read: no such file or directory"
        ),
        "{out}"
    );
    assert!(out.contains("zz.nix:1:40: warning[mdns-hostname]"), "{out}");
    // A FIFO inside a walked directory is not a regular file either: skipped, not read.
    let (_, out) = t.lint(&["."], SECOND);
    assert!(!out.contains("fifo.nix"), "{out}");
}

#[test]
fn a_byte_order_mark_is_reported_and_the_rest_still_linted() {
    let t = Scratch::new("bom");
    t.write("bom.nix", format!("\u{feff}{PITFALL}"));
    let (code, out) = t.lint(&["bom.nix"], SECOND);
    assert_eq!(code, 1);
    assert!(
        out.contains("bom.nix:1:1: error[syntax-error] the file starts with a byte order mark"),
        "{out}"
    );
    assert!(out.contains("warning[mdns-hostname]"), "{out}");
}

#[test]
fn a_symlink_loop_in_a_walked_directory_is_not_followed() {
    let t = Scratch::new("loop");
    t.write("d/a.nix", PITFALL);
    std::os::unix::fs::symlink("..", t.path().join("d/up")).unwrap();
    std::os::unix::fs::symlink("loop2", t.path().join("d/loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", t.path().join("d/loop2")).unwrap();
    let (code, out) = t.lint(&["d"], SECOND);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn deep_nesting_is_refused_in_linear_time_without_overflowing() {
    let t = Scratch::new("deep");
    let n = 100_000;
    t.write("parens.nix", format!("{}1{}", "(".repeat(n), ")".repeat(n)));
    t.write("lists.nix", format!("{}{}", "[".repeat(n), "]".repeat(n)));
    t.write(
        "attrs.nix",
        format!("{}1{}", "{ a = ".repeat(n), "; }".repeat(n)),
    );
    t.write("lets.nix", format!("{}a", "let a = 1; in ".repeat(n)));
    t.write("lambdas.nix", format!("{}x", "x: ".repeat(n)));
    t.write(
        "dotted.nix",
        format!("{{ {} = 1; }}", vec!["a"; n].join(".")),
    );
    t.write("select.nix", format!("a{}", ".b".repeat(n)));
    t.write("update.nix", vec!["{ a = 1; }"; n].join(" // "));
    t.write("concat.nix", vec!["[ 1 ]"; n].join(" ++ "));
    // Lists hiding their closing brackets in strings, to fool a byte count.
    t.write(
        "strings.nix",
        format!("{}{}", "[ \")\" ".repeat(n), "]".repeat(n)),
    );
    t.write("negations.nix", format!("{}1", "- ".repeat(n)));
    for f in [
        "parens",
        "lists",
        "attrs",
        "lets",
        "lambdas",
        "dotted",
        "select",
        "update",
        "concat",
        "strings",
        "negations",
    ] {
        let (code, out) = t.lint(&[&format!("{f}.nix")], SECOND);
        assert_eq!(code, 1, "{f}: {out}");
        assert!(
            out.contains("error[too-deep]") || out.contains("nesting is too deep to parse"),
            "{f}: {out}"
        );
    }
    // Chains below the limit are linted.
    t.write("update-10k.nix", vec!["{ a = 1; }"; 10_000].join(" // "));
    t.write("concat-10k.nix", vec!["[ 1 ]"; 10_000].join(" ++ "));
    for f in ["update-10k", "concat-10k"] {
        let (code, out) = t.lint(&[&format!("{f}.nix")], SECOND);
        assert_eq!((code, out.as_str()), (0, ""), "{f}");
    }
}

#[test]
fn a_one_megabyte_line_is_linted_and_not_printed() {
    let t = Scratch::new("longline");
    t.write(
        "long.nix",
        format!(
            "{{ services.kubernetes.masterAddress = \"cp.local\"; x = \"{}\"; }}",
            "a".repeat(1 << 20)
        ),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_nixk8s-lint"))
        .args(["--color", "never", "long.nix"])
        .current_dir(t.path())
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        human.contains("= at long.nix:1:40"),
        "{}",
        &human[..human.len().min(400)]
    );
    assert!(human.len() < 2_000, "the line is not printed");
}

#[test]
fn syntax_errors_do_not_invent_findings_from_the_broken_part() {
    let t = Scratch::new("broken");
    // The broken part would be a finding if it parsed; the intact part is one.
    t.write(
        "half.nix",
        "{\n  services.kubernetes.masterAddress = \"cp.local\";\n  services.kubernetes.apiserver.authorizationMode = [ \"RBAC\" \n",
    );
    let (code, out) = t.lint(&["half.nix"], SECOND);
    assert_eq!(code, 1);
    assert!(
        out.contains("half.nix:2:40: warning[mdns-hostname]"),
        "{out}"
    );
    assert!(out.contains("error[syntax-error]"), "{out}");
    assert!(!out.contains("authorization-mode-missing-node"), "{out}");
}

#[test]
fn self_containing_and_exponentially_shared_values_terminate() {
    let t = Scratch::new("shared");
    // Found by the parser differential test: flattening followed `x` into itself forever.
    t.write(
        "cycle.nix",
        "rec { x = { f = { inherit x; }; inherit x; }; services.kubernetes.masterAddress = \"cp.local\"; }",
    );
    // 2^60 paths through 60 shared sets.
    let mut lets = String::from("a0 = { x = 1; y = 2; };\n");
    for i in 1..=60 {
        lets += &format!("a{i} = {{ p = a{}; q = a{}; }};\n", i - 1, i - 1);
    }
    t.write("shared.nix", format!("let\n{lets}in {{ config = a60; }}\n"));
    t.write("plain.nix", PITFALL);
    let (code, out) = t.lint(&["."], SECOND);
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("cycle.nix:1:84: warning[mdns-hostname] `cp.local`"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("plain.nix:1:40: warning[mdns-hostname] `cp.local`"),
        "{out}"
    );
}

#[test]
fn fifty_megabytes_of_valid_nix_in_one_file_are_linted() {
    let t = Scratch::new("big");
    let host = |i: usize| {
        format!(
            "  h{i} = {{\n    networking.hostName = \"h{i}\";\n    services.kubernetes.masterAddress = \"cp{i}.k8s.internal\";\n    systemd.services.\"app-{i}\" = {{ path = [ ]; serviceConfig.ExecStart = \"/bin/true --n={i}\"; }};\n    boot.kernel.sysctl.\"net.ipv4.ip_forward\" = {i};\n  }};\n"
        )
    };
    let mut text = String::from("{\n");
    let mut i = 0;
    while text.len() < 50_000_000 {
        text += &host(i);
        i += 1;
    }
    text += "}\n";
    t.write("big.nix", &text);
    let (code, out) = t.lint(&["big.nix"], Duration::from_secs(300));
    assert_eq!((code, out.as_str()), (0, ""), "{i} hosts");
}
