//! The language server: the same linting as the CLI ([`lint_parsed_keeping_model`]) on
//! open documents, with code actions for fixes and suppressions. It talks over an
//! [`lsp_server::Connection`]; the binary provides the transport and the configuration
//! ([`Workspace`]).

mod actions;
mod document;

use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as n, request as r, *};
use serde::Deserialize;

pub use document::{Document, Encoding};

use crate::diagnostic::{Diagnostic as LintDiagnostic, Severity};
use crate::lint::{Linter, Selection, lint_parsed_keeping_model};

/// Where the server gets the linter for a document: its nearest configuration.
pub trait Workspace {
    /// The linter for a file (`path` is `None` for a document with no file, e.g.
    /// `untitled:`); `Ok(None)` when the configuration excludes the file.
    fn linter_for(&mut self, path: Option<&std::path::Path>)
    -> Result<Option<Arc<Linter>>, String>;
    /// Forgets cached configuration (a configuration file changed).
    fn reload(&mut self);
}

/// `initializationOptions` the server understands.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InitOptions {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Rule name → `error`, `warning`, `info` or `off`.
    pub severity: HashMap<String, String>,
    /// Milliseconds to wait after a change before linting (default 0: changes already
    /// queued are applied first, so a burst of them is linted once).
    pub debounce_ms: Option<u64>,
}

impl InitOptions {
    /// The rules to run. Severities that do not parse are left out (see [`Self::problems`]).
    pub fn selection(&self) -> Selection {
        let mut levels: Vec<_> = self
            .severity
            .iter()
            .filter_map(|(rule, level)| Some((rule.clone(), level.parse().ok()?)))
            .collect();
        levels.sort_by(|a, b| a.0.cmp(&b.0));
        Selection {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            levels,
        }
    }

    /// What is wrong with the options, for the user to see.
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .severity
            .iter()
            .filter_map(|(rule, level)| {
                level
                    .parse::<crate::rules::Level>()
                    .err()
                    .map(|e| format!("severity of `{rule}`: {e}"))
            })
            .collect();
        out.sort();
        out
    }
}

/// Runs the server until `exit` (or the client goes away). Returns whether the client
/// asked for a shutdown first.
pub fn serve(
    conn: &Connection,
    make_workspace: impl FnOnce(&InitOptions) -> Box<dyn Workspace>,
) -> Result<bool, String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = negotiate(&init);
    let (options, mut problems) = match init
        .initialization_options
        .clone()
        .map(serde_json::from_value::<InitOptions>)
    {
        Some(Ok(o)) => (o, vec![]),
        Some(Err(e)) => (InitOptions::default(), vec![e.to_string()]),
        None => (InitOptions::default(), vec![]),
    };
    problems.extend(options.problems());
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "nixk8s-lint", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let debounce = Duration::from_millis(options.debounce_ms.unwrap_or(0));
    let mut server = Server {
        conn,
        encoding,
        workspace: make_workspace(&options),
        docs: HashMap::new(),
        results: HashMap::new(),
        pending: HashMap::new(),
        debounce,
        shutdown: false,
    };
    for p in problems {
        server.show(
            MessageType::WARNING,
            &format!("nixk8s-lint: ignoring part of initializationOptions: {p}"),
        );
    }
    if watches_files(&init) {
        server.register_watchers();
    }
    server.run();
    Ok(server.shutdown)
}

fn negotiate(init: &InitializeParams) -> Encoding {
    let offered = init
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|o| o.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

fn watches_files(init: &InitializeParams) -> bool {
    let w = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref());
    w.and_then(|w| w.dynamic_registration).unwrap_or(false)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::FIX_ALL.clone()]),
            resolve_provider: Some(false),
            ..Default::default()
        })),
        ..Default::default()
    }
}

struct Server<'a> {
    conn: &'a Connection,
    encoding: Encoding,
    workspace: Box<dyn Workspace>,
    docs: HashMap<Uri, Document>,
    /// The last diagnostics published for each document (code actions answer from them).
    results: HashMap<Uri, Vec<LintDiagnostic>>,
    /// Documents changed and not linted yet, with when to lint them.
    pending: HashMap<Uri, Instant>,
    debounce: Duration,
    shutdown: bool,
}

type Uri = Url;

impl Server<'_> {
    fn run(&mut self) {
        loop {
            let timeout = self
                .pending
                .values()
                .min()
                .map(|t| t.saturating_duration_since(Instant::now()));
            let msg = match timeout {
                Some(t) => match self.conn.receiver.recv_timeout(t) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                },
                None => match self.conn.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return,
                },
            };
            match msg {
                Some(Message::Notification(n)) if n.method == n::Exit::METHOD => return,
                Some(msg) => self.handle(msg),
                None => self.lint_due(),
            }
        }
    }

    fn handle(&mut self, msg: Message) {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| match msg {
            Message::Request(req) => self.request(req),
            Message::Notification(not) => self.notification(not),
            Message::Response(_) => {}
        }));
        if outcome.is_err() {
            self.log("nixk8s-lint: internal error while handling a message (this is a bug)");
        }
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        if self.shutdown && req.method != r::Shutdown::METHOD {
            return self.reply(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "shutting down".into(),
            ));
        }
        match req.method.as_str() {
            r::Shutdown::METHOD => {
                self.shutdown = true;
                self.reply(Response::new_ok(id, ()));
            }
            r::CodeActionRequest::METHOD => {
                match serde_json::from_value::<CodeActionParams>(req.params) {
                    Ok(p) => {
                        let result = self.code_actions(&p);
                        self.reply(Response::new_ok(id, result));
                    }
                    Err(e) => self.invalid_params(id, e),
                }
            }
            _ => self.reply(Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown method {}", req.method),
            )),
        }
    }

    fn invalid_params(&self, id: RequestId, e: serde_json::Error) {
        self.reply(Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            e.to_string(),
        ));
    }

    fn notification(&mut self, not: Notification) {
        match not.method.as_str() {
            n::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(not.params) {
                    let uri = p.text_document.uri;
                    self.docs.insert(
                        uri.clone(),
                        Document::new(p.text_document.text, p.text_document.version),
                    );
                    self.lint(&uri);
                }
            }
            n::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(not.params) {
                    let uri = p.text_document.uri;
                    if let Some(doc) = self.docs.get_mut(&uri) {
                        doc.apply(p.content_changes, p.text_document.version, self.encoding);
                        self.pending.insert(uri, Instant::now() + self.debounce);
                    }
                }
            }
            n::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(not.params) {
                    if is_config(&p.text_document.uri) {
                        self.reload();
                    } else {
                        self.lint(&p.text_document.uri);
                    }
                }
            }
            n::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(not.params) {
                    let uri = p.text_document.uri;
                    self.docs.remove(&uri);
                    self.results.remove(&uri);
                    self.pending.remove(&uri);
                    self.publish(uri, vec![], None);
                }
            }
            n::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(not.params)
                    && p.changes.iter().any(|c| is_config(&c.uri))
                {
                    self.reload();
                }
            }
            _ => {} // Unknown notifications are ignored.
        }
    }

    fn reload(&mut self) {
        self.workspace.reload();
        let uris: Vec<Uri> = self.docs.keys().cloned().collect();
        for uri in uris {
            self.lint(&uri);
        }
    }

    fn lint_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .pending
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            self.lint(&uri);
        }
    }

    /// Lints a document now and publishes its diagnostics.
    fn lint(&mut self, uri: &Uri) {
        self.pending.remove(uri);
        let Some(doc) = self.docs.get_mut(uri) else {
            return;
        };
        let path = uri.to_file_path().ok();
        // The model is freed after the diagnostics are published.
        let (diagnostics, _model) = match self.workspace.linter_for(path.as_deref()) {
            Ok(Some(linter)) => match doc.parsed() {
                Ok(parsed) => {
                    let (out, model) = lint_parsed_keeping_model(&doc.text, &parsed, &linter);
                    (out.diagnostics, model)
                }
                Err(too_deep) => (vec![*too_deep], None),
            },
            Ok(None) => (vec![], None),
            Err(e) => (vec![config_error(e)], None),
        };
        let doc = &self.docs[uri];
        let version = doc.version;
        let lsp = diagnostics
            .iter()
            .map(|d| self.to_lsp(uri, doc, d))
            .collect();
        self.results.insert(uri.clone(), diagnostics);
        self.publish(uri.clone(), lsp, Some(version));
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.drop_retired();
        }
    }

    fn to_lsp(&self, uri: &Uri, doc: &Document, d: &LintDiagnostic) -> lsp_types::Diagnostic {
        let related: Vec<DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .skip(1)
            .map(|l| DiagnosticRelatedInformation {
                location: Location {
                    uri: uri.clone(),
                    range: doc.range(l.range, self.encoding),
                },
                message: l.message.clone(),
            })
            .collect();
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        lsp_types::Diagnostic {
            range: doc.range(d.range, self.encoding),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Info => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.rule.clone())),
            code_description: docs_url(&d.rule).map(|href| CodeDescription { href }),
            source: Some("nixk8s-lint".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Default::default()
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(n::PublishDiagnostics::METHOD.to_string(), params).into());
    }

    fn register_watchers(&self) {
        let watchers: Vec<FileSystemWatcher> = crate::config::FILE_NAMES
            .iter()
            .map(|n| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{n}")),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "nixk8s-lint-config".to_string(),
                method: n::DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let req = Request::new(
            RequestId::from("register-watchers".to_string()),
            r::RegisterCapability::METHOD.to_string(),
            params,
        );
        self.send(req.into());
    }

    fn log(&self, message: &str) {
        let params = LogMessageParams {
            typ: MessageType::ERROR,
            message: message.to_string(),
        };
        self.send(Notification::new(n::LogMessage::METHOD.to_string(), params).into());
    }

    fn show(&self, typ: MessageType, message: &str) {
        let params = ShowMessageParams {
            typ,
            message: message.to_string(),
        };
        self.send(Notification::new(n::ShowMessage::METHOD.to_string(), params).into());
    }

    fn reply(&self, resp: Response) {
        self.send(resp.into());
    }

    fn send(&self, msg: Message) {
        // The client may be gone; there is no one to tell.
        let _ = self.conn.sender.send(msg);
    }
}

fn is_config(uri: &Uri) -> bool {
    uri.path_segments()
        .and_then(|mut s| s.next_back())
        .is_some_and(|name| crate::config::FILE_NAMES.contains(&name))
}

/// The documentation of a built-in rule.
fn docs_url(rule: &str) -> Option<Url> {
    crate::rules::BUILTIN.iter().find(|(n, _)| *n == rule)?;
    Url::parse(&format!(
        "{}/blob/main/docs/rules.md#{rule}",
        env!("CARGO_PKG_REPOSITORY")
    ))
    .ok()
}

fn config_error(message: String) -> LintDiagnostic {
    LintDiagnostic::builtin_error(
        "config-error",
        rnix::TextRange::empty(0.into()),
        format!("nixk8s-lint cannot lint this file: {message}"),
        Some("fix the configuration; `nixk8s-lint check FILE` shows the same error"),
    )
}
