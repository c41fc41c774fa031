//! The language server in process, over `Connection::memory()`: protocol edge cases.

use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use nixk8s_lint::lsp::{InitOptions, Workspace, serve};
use nixk8s_lint::{Linter, RuleSet, Selection};
use serde_json::{Value, json};

struct Builtin(Selection);

impl Workspace for Builtin {
    fn linter_for(&mut self, _: Option<&Path>) -> Result<Option<Arc<Linter>>, String> {
        Linter::with_selection(RuleSet::builtin(), &self.0).map(|l| Some(Arc::new(l)))
    }
    fn reload(&mut self) {}
}

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<bool, String>>>,
    next: i32,
}

const URI: &str = "file:///hosts/a.nix";
const PITFALL: &str = "{ pkgs, ... }: {\n  systemd.services.k8s-kubelet = {\n    path = with pkgs; [ iptables ];\n    serviceConfig.ExecStart = \"${pkgs.kubernetes}/bin/kubelet\";\n  };\n}\n";

impl Client {
    fn start(encodings: &[&str], options: Value) -> Client {
        let (server_conn, conn) = Connection::memory();
        let server = std::thread::spawn(move || {
            serve(&server_conn, |o: &InitOptions| {
                Box::new(Builtin(o.selection())) as Box<dyn Workspace>
            })
        });
        let mut c = Client {
            conn,
            server: Some(server),
            next: 0,
        };
        let caps = json!({ "general": { "positionEncodings": encodings } });
        let init = c.request(
            "initialize",
            json!({ "capabilities": caps, "initializationOptions": options }),
        );
        assert!(
            init["capabilities"]["positionEncoding"].is_string(),
            "{init}"
        );
        c.notify("initialized", json!({}));
        c
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        match self.request_raw(method, params).response_result {
            Ok(v) => v,
            Err(e) => panic!("{method}: {e:?}"),
        }
    }

    fn request_raw(&mut self, method: &str, params: Value) -> Response {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .unwrap();
        loop {
            match self.recv() {
                Message::Response(r) if r.id == id => return r,
                _ => {}
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .unwrap();
    }

    fn recv(&self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(10))
            .expect("the server answers")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Value {
        loop {
            if let Message::Notification(n) = self.recv()
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
            {
                return n.params;
            }
        }
    }

    fn open(&self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "nix", "version": 1, "text": text } }),
        );
        self.diagnostics(uri)
    }

    fn exit(mut self) -> Result<bool, String> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }
}

fn rules(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn negotiates_utf8_when_offered_else_utf16() {
    let (server_conn, conn) = Connection::memory();
    let t = std::thread::spawn(move || {
        serve(&server_conn, |_| Box::new(Builtin(Selection::default())))
    });
    let mut c = Client {
        conn,
        server: Some(t),
        next: 0,
    };
    let init = c.request(
        "initialize",
        json!({ "capabilities": { "general": { "positionEncodings": ["utf-16", "utf-8"] } } }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    c.notify("initialized", json!({}));
    assert_eq!(c.exit(), Ok(true));

    let mut c = Client::start(&[], Value::Null);
    let init_again = c.request_raw("textDocument/hover", json!({}));
    assert!(init_again.response_result.is_err());
    assert_eq!(c.exit(), Ok(true));
}

#[test]
fn publishes_diagnostics_with_version_code_and_href_and_clears_on_close() {
    let c = Client::start(&["utf-16"], Value::Null);
    let p = c.open(URI, PITFALL);
    assert_eq!(p["version"], 1);
    let d = &p["diagnostics"][0];
    assert_eq!(d["code"], "kubelet-path-missing-mount");
    assert_eq!(d["source"], "nixk8s-lint");
    assert_eq!(d["severity"], 1);
    assert_eq!(
        d["range"],
        json!({ "start": { "line": 2, "character": 11 }, "end": { "line": 2, "character": 34 } })
    );
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/rules.md#kubelet-path-missing-mount")
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("\nhelp: add `util-linux`")
    );
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert_eq!(c.diagnostics(URI)["diagnostics"], json!([]));
    assert_eq!(c.exit(), Ok(true));
}

#[test]
fn columns_follow_the_negotiated_encoding_on_non_bmp_lines() {
    // "😀" is 4 bytes in UTF-8 and 2 code units in UTF-16.
    let text = "{ x = \"😀\"; services.kubernetes.masterAddress = \"cp.local\"; }\n";
    let byte_col = text.find("cp.local").unwrap() as u64;
    for (enc, col) in [("utf-8", byte_col), ("utf-16", byte_col - 2)] {
        let c = Client::start(&[enc], Value::Null);
        let p = c.open(URI, text);
        assert_eq!(
            p["diagnostics"][0]["range"]["start"],
            json!({ "line": 0, "character": col }),
            "{enc}"
        );
        assert_eq!(
            p["diagnostics"][0]["range"]["end"]["character"],
            col + 8,
            "{enc}"
        );
        assert_eq!(c.exit(), Ok(true));
    }
}

#[test]
fn incremental_changes_apply_in_order_and_diagnostics_clear() {
    let c = Client::start(&["utf-16"], json!({ "debounceMs": 0 }));
    let text = "{ x = \"😀\"; services.kubernetes.masterAddress = \"cp.local\"; }\n";
    c.open(URI, text);
    // Replace `local` (after the emoji: UTF-16 columns) with `lan`, then `lan` with `internal`.
    let start = text.find("local").unwrap() as u32 - 2;
    let changes = json!([
        { "range": { "start": { "line": 0, "character": start }, "end": { "line": 0, "character": start + 5 } }, "text": "lan" },
        { "range": { "start": { "line": 0, "character": start }, "end": { "line": 0, "character": start + 3 } }, "text": "internal" },
    ]);
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": changes }),
    );
    let p = c.diagnostics(URI);
    assert_eq!(p["version"], 2);
    assert_eq!(p["diagnostics"], json!([]), "cp.internal is fine");
    assert_eq!(c.exit(), Ok(true));
}

#[test]
fn code_actions_offer_the_fix_fix_all_and_suppressions() {
    let mut c = Client::start(&["utf-16"], Value::Null);
    let p = c.open(URI, PITFALL);
    let d = p["diagnostics"][0].clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": d["range"], "context": { "diagnostics": [d] } }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Fix: add `util-linux` to `path`",
            "Ignore kubelet-path-missing-mount on this line",
            "Ignore kubelet-path-missing-mount in this file",
            "Fix all safely fixable nixk8s-lint findings"
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let edit = &fix["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], " util-linux");
    assert_eq!(
        edit["range"]["start"],
        json!({ "line": 2, "character": 32 })
    );
    let ignore = &actions[1]["edit"]["changes"][URI][0];
    assert_eq!(
        ignore["newText"],
        "    # nixk8s-lint: ignore[kubelet-path-missing-mount]\n"
    );
    assert_eq!(
        ignore["range"]["start"],
        json!({ "line": 2, "character": 0 })
    );
    assert_eq!(actions[3]["kind"], "source.fixAll.nixk8s-lint");
    // Only fix-all when asked for source actions.
    let only = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": d["range"], "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    assert_eq!(only.as_array().unwrap().len(), 1);
    assert_eq!(c.exit(), Ok(true));
}

#[test]
fn suppressing_through_the_code_action_text_silences_the_finding() {
    let c = Client::start(&["utf-16"], json!({ "debounceMs": 0 }));
    c.open(URI, PITFALL);
    let suppressed = PITFALL.replace(
        "    path =",
        "    # nixk8s-lint: ignore[kubelet-path-missing-mount]\n    path =",
    );
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "text": suppressed }] }));
    assert_eq!(rules(&c.diagnostics(URI)), Vec::<String>::new());
    assert_eq!(c.exit(), Ok(true));
}

#[test]
fn initialization_options_select_rules_and_set_severities() {
    let c = Client::start(
        &["utf-16"],
        json!({ "severity": { "kubelet-path-missing-mount": "info" } }),
    );
    let p = c.open(URI, PITFALL);
    assert_eq!(p["diagnostics"][0]["severity"], 3);
    assert_eq!(c.exit(), Ok(true));
    let c = Client::start(
        &["utf-16"],
        json!({ "ignore": ["kubelet-path-missing-mount"] }),
    );
    assert_eq!(rules(&c.open(URI, PITFALL)), Vec::<String>::new());
    assert_eq!(c.exit(), Ok(true));
}

#[test]
fn unknown_requests_fail_and_unknown_notifications_are_ignored() {
    let mut c = Client::start(&["utf-16"], Value::Null);
    c.notify("$/somethingNew", json!({ "x": 1 }));
    let r = c.request_raw("textDocument/frobnicate", json!({}));
    assert_eq!(
        r.response_result.unwrap_err().code,
        lsp_server::ErrorCode::MethodNotFound as i32
    );
    // Malformed parameters are an error for that request only.
    let r = c.request_raw("textDocument/codeAction", json!({ "nonsense": true }));
    assert_eq!(
        r.response_result.unwrap_err().code,
        lsp_server::ErrorCode::InvalidParams as i32
    );
    assert_eq!(rules(&c.open(URI, PITFALL)), ["kubelet-path-missing-mount"]);
    assert_eq!(c.exit(), Ok(true));
}

#[test]
fn positions_out_of_range_are_clamped() {
    let mut c = Client::start(&["utf-16"], json!({ "debounceMs": 0 }));
    c.open(URI, PITFALL);
    let far = json!({ "start": { "line": 999, "character": 999 }, "end": { "line": 1000, "character": 0 } });
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "range": far, "text": "\n# end\n" }] }));
    let p = c.diagnostics(URI);
    assert_eq!(rules(&p), ["kubelet-path-missing-mount"]);
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": far, "context": { "diagnostics": [] } }),
    );
    assert!(actions.is_array());
    assert_eq!(c.exit(), Ok(true));
}

#[test]
fn a_client_that_goes_away_without_exit_ends_the_server() {
    let mut c = Client::start(&["utf-16"], Value::Null);
    c.open(URI, PITFALL);
    let server = c.server.take().unwrap();
    drop(c);
    assert_eq!(
        server.join().unwrap(),
        Ok(false),
        "no shutdown was asked for"
    );
}

#[test]
fn syntax_errors_and_invalid_text_do_not_stop_the_server() {
    let c = Client::start(&["utf-16"], json!({ "debounceMs": 0 }));
    let p = c.open(URI, "{ a = \"unterminated");
    assert!(rules(&p).iter().all(|r| r == "syntax-error") && !rules(&p).is_empty());
    let deep = format!("{}1{}", "(".repeat(2000), ")".repeat(2000));
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "text": deep }] }));
    let _ = c.diagnostics(URI);
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": URI, "version": 3 }, "contentChanges": [{ "text": PITFALL }] }));
    assert_eq!(rules(&c.diagnostics(URI)), ["kubelet-path-missing-mount"]);
    assert_eq!(c.exit(), Ok(true));
}
