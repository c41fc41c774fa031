//! `nixk8s-lint lsp`: the language server over stdio. The transport frames messages itself,
//! so that a malformed message gets a JSON-RPC error and the session goes on.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, Message};

use nixk8s_lint::Linter;
use nixk8s_lint::lsp::{self, InitOptions, Workspace};

use super::args::ConfigArgs;
use super::settings::Settings;

/// The server runs on a thread with room for deeply nested documents.
const STACK_SIZE: usize = 64 * 1024 * 1024;

struct Files(Settings);

impl Workspace for Files {
    fn linter_for(&mut self, path: Option<&Path>) -> Result<Option<Arc<Linter>>, String> {
        match self.0.for_path(path) {
            Ok(r) if path.is_some_and(|p| r.excludes(p)) => Ok(None),
            Ok(r) => Ok(Some(r.linter.clone())),
            Err(e) => Err(String::from_utf8_lossy(&e.render(false))
                .trim_end()
                .to_string()),
        }
    }

    fn reload(&mut self) {
        self.0.reload();
    }
}

pub fn run(config: &ConfigArgs) -> ExitCode {
    let config = config.clone();
    let server = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || {
            let (conn, raw, writer) = stdio();
            let result = lsp::serve(&conn, |options: &InitOptions| {
                Box::new(Files(Settings::with_selection(
                    config,
                    options.selection(),
                    "initializationOptions",
                )))
            });
            // The writer ends once every sender is gone; then everything is flushed.
            drop(conn);
            drop(raw);
            let _ = writer.join();
            result
        });
    match server.map(|t| t.join()) {
        Ok(Ok(Ok(true))) => ExitCode::SUCCESS,
        Ok(Ok(Ok(false))) => ExitCode::from(1),
        Ok(Ok(Err(e))) => {
            eprintln!("nixk8s-lint lsp: {e}");
            ExitCode::from(1)
        }
        _ => ExitCode::from(2),
    }
}

/// A connection over stdin/stdout, plus a channel for raw JSON replies (errors about
/// messages that could not be parsed, whose ids `lsp_server` cannot represent).
fn stdio() -> (Connection, Sender<String>, std::thread::JoinHandle<()>) {
    let (to_client, outgoing) = crossbeam_channel::unbounded::<Message>();
    let (raw_to_client, raw_outgoing) = crossbeam_channel::unbounded::<String>();
    let (incoming, from_client) = crossbeam_channel::unbounded::<Message>();
    let writer = std::thread::spawn(move || write_loop(outgoing, raw_outgoing));
    let raw = raw_to_client.clone();
    std::thread::spawn(move || read_loop(incoming, raw_to_client));
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        raw,
        writer,
    )
}

fn write_loop(messages: Receiver<Message>, raw: Receiver<String>) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (mut messages_open, mut raw_open) = (true, true);
    while messages_open || raw_open {
        let result = select! {
            recv(messages) -> m => match m {
                Ok(m) => m.write(&mut out),
                Err(_) => { messages_open = false; Ok(()) }
            },
            recv(raw) -> r => match r {
                Ok(body) => write!(out, "Content-Length: {}\r\n\r\n{body}", body.len()),
                Err(_) => { raw_open = false; Ok(()) }
            },
        };
        if result.and_then(|_| out.flush()).is_err() {
            return;
        }
    }
}

fn read_loop(incoming: Sender<Message>, raw: Sender<String>) {
    let mut input = BufReader::new(std::io::stdin().lock());
    loop {
        let body = match read_frame(&mut input) {
            Some(Ok(body)) => body,
            Some(Err(skipped)) => {
                eprintln!("nixk8s-lint lsp: skipped malformed input: {skipped}");
                continue;
            }
            None => return,
        };
        match serde_json::from_slice::<Message>(&body) {
            Ok(msg) => {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if incoming.send(msg).is_err() || exit {
                    return;
                }
            }
            Err(e) => {
                // Answer a request we could not read, so the client does not wait forever.
                let id = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .map(|v| v["id"].clone());
                let (code, message) = match &id {
                    Some(_) => (-32600, format!("invalid request: {e}")),
                    None => (-32700, format!("parse error: {e}")),
                };
                let id = id
                    .filter(|i| i.is_number() || i.is_string())
                    .unwrap_or(serde_json::Value::Null);
                let reply = serde_json::json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } });
                let _ = raw.send(reply.to_string());
            }
        }
    }
}

/// Reads one `Content-Length` framed body. `Some(Err)` describes input that was skipped to
/// find the next frame; `None` is the end of input.
fn read_frame(input: &mut impl BufRead) -> Option<Result<Vec<u8>, String>> {
    let mut length: Option<usize> = None;
    let mut bad = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() || bad.is_some() {
                break;
            }
            continue;
        }
        // Resynchronise on a header that follows garbage on the same line.
        let header = header
            .find("Content-Length:")
            .map_or(header, |i| &header[i..]);
        match header.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                match value.trim().parse() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad = Some(format!("bad header `{header}`")),
                }
            }
            Some((_, _)) => {}
            None => bad = Some(format!("not a header: `{header}`")),
        }
    }
    let Some(length) = length else {
        return Some(Err(bad.unwrap_or_else(|| "no Content-Length".to_string())));
    };
    if length > 64 * 1024 * 1024 {
        return Some(Err(format!("message of {length} bytes refused")));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    Some(Ok(body))
}
