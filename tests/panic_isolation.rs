//! A rule that panics (the `test-panic` template of the `test-rules` feature, which the
//! test suite turns on) costs only its own findings on the file that triggers it: the file
//! gets an `internal-error` naming the rule and template, other rules and other files are
//! linted, the exit status is 2, and the language server lives on.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use nixk8s_lint::lsp::{InitOptions, Workspace, serve};
use nixk8s_lint::{Linter, Rule, RuleSet, Selection};
use serde_json::{Value, json};

mod common;
use common::Scratch;

const PANIC_RULE: &str = r#"name = "panics-on-marker"
severity = "error"
summary = "Panics on a marker (testing only)"
message = "never shown"
help = "never shown"
remediation = "None."
explanation = "A rule whose check panics, to test that the panic is contained."
template = "test-panic"

[params]
marker = "PANIC-HERE"

[[examples]]
kind = "bad"
code = '''
{ x = "PANIC-HERE"; }
'''

[[examples]]
kind = "good"
code = '''
{ }
'''
"#;

/// Triggers the panic and also holds a finding of a built-in rule.
const TRIGGER: &str =
    "{\n  x = \"PANIC-HERE\";\n  services.kubernetes.masterAddress = \"cp.local\";\n}\n";
const PLAIN: &str = "{\n  services.kubernetes.masterAddress = \"cp.local\";\n}\n";

#[test]
fn a_panicking_rule_is_reported_and_the_run_goes_on() {
    let t = Scratch::new("cli");
    t.write("nixk8s-lint.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write("lint-rules/panics.toml", PANIC_RULE);
    t.write("a-trigger.nix", TRIGGER);
    t.write("b-plain.nix", PLAIN);
    let out = Command::new(env!("CARGO_BIN_EXE_nixk8s-lint"))
        .args(["--format", "json", "."])
        .current_dir(t.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let pairs: Vec<(&str, &str)> = found
        .iter()
        .map(|(p, r)| (p.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("a-trigger.nix", "internal-error"),
            ("a-trigger.nix", "mdns-hostname"),
            ("b-plain.nix", "mdns-hostname"),
        ],
        "{v:#}"
    );
    let internal = &v["diagnostics"][0];
    let message = internal["message"].as_str().unwrap();
    assert!(
        message.contains("rule `panics-on-marker` (template `test-panic`)")
            && message.contains("test-panic found `PANIC-HERE`")
            && message.contains("(at src/templates/test_panic.rs:"),
        "{message}"
    );
    assert!(
        internal["help"]
            .as_str()
            .unwrap()
            .contains("please report it"),
        "{internal:#}"
    );
    // The panic message is not also dumped on stderr as a crash.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
}

/// The built-in rules plus the panicking one.
struct WithPanickingRule;

impl Workspace for WithPanickingRule {
    fn linter_for(&mut self, _: Option<&Path>) -> Result<Option<Arc<Linter>>, String> {
        let mut rules = RuleSet::builtin();
        rules.rules.push(Rule::parse(PANIC_RULE)?);
        Linter::with_selection(rules, &Selection::default()).map(|l| Some(Arc::new(l)))
    }
    fn reload(&mut self) {}
}

fn publish(conn: &Connection, uri: &str) -> Vec<String> {
    loop {
        let msg = conn
            .receiver
            .recv_timeout(Duration::from_secs(10))
            .expect("the server answers");
        if let Message::Notification(n) = msg
            && n.method == "textDocument/publishDiagnostics"
            && n.params["uri"] == uri
        {
            return n.params["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap().to_string())
                .collect();
        }
    }
}

#[test]
fn a_panicking_rule_does_not_stop_the_language_server() {
    let (server_conn, conn) = Connection::memory();
    let server = std::thread::spawn(move || {
        serve(&server_conn, |_: &InitOptions| {
            Box::new(WithPanickingRule) as Box<dyn Workspace>
        })
    });
    let send = |m: Message| conn.sender.send(m).unwrap();
    let notify = |method: &str, params: Value| {
        send(Notification::new(method.to_string(), params).into());
    };
    send(
        Request::new(
            RequestId::from(1),
            "initialize".to_string(),
            json!({ "capabilities": {} }),
        )
        .into(),
    );
    notify("initialized", json!({}));
    let open = |uri: &str, text: &str| {
        notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "nix", "version": 1, "text": text } }),
        );
    };
    open("file:///t/trigger.nix", TRIGGER);
    assert_eq!(
        publish(&conn, "file:///t/trigger.nix"),
        ["internal-error", "mdns-hostname"]
    );
    // The server still works, for this document and others.
    open("file:///t/plain.nix", PLAIN);
    assert_eq!(publish(&conn, "file:///t/plain.nix"), ["mdns-hostname"]);
    notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": "file:///t/trigger.nix", "version": 2 },
                "contentChanges": [{ "text": PLAIN }] }),
    );
    assert_eq!(publish(&conn, "file:///t/trigger.nix"), ["mdns-hostname"]);
    send(Request::new(RequestId::from(2), "shutdown".to_string(), Value::Null).into());
    notify("exit", Value::Null);
    assert_eq!(server.join().unwrap(), Ok(true));
}
