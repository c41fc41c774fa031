//! `nixk8s-lint lsp`: the language server over stdio. The transport reads framed messages
//! itself so that a malformed message is skipped instead of ending the session.

use std::io::{BufReader, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use lsp_server::{Connection, Message};

use nixk8s_lint::Linter;
use nixk8s_lint::lsp::{self, InitOptions, Workspace};

use super::args::ConfigArgs;
use super::settings::Settings;

struct Files(Settings);

impl Workspace for Files {
    fn linter_for(&mut self, path: Option<&Path>) -> Result<Arc<Linter>, String> {
        self.0
            .for_path(path)
            .map(|r| r.linter.clone())
            .map_err(|e| {
                let text = String::from_utf8_lossy(&e.render(false)).into_owned();
                text.trim_end().to_string()
            })
    }

    fn reload(&mut self) {
        self.0.reload();
    }
}

pub fn run(config: &ConfigArgs) -> ExitCode {
    let (conn, writer) = stdio();
    let config = config.clone();
    let result = lsp::serve(&conn, |options: &InitOptions| {
        let selection = options.selection().unwrap_or_else(|e| {
            eprintln!("nixk8s-lint lsp: ignoring initializationOptions: {e}");
            Default::default()
        });
        Box::new(Files(Settings::with_selection(config, selection)))
    });
    // The writer thread ends once every sender is gone; then everything is flushed.
    drop(conn);
    let _ = writer.join();
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("nixk8s-lint lsp: {e}");
            ExitCode::from(1)
        }
    }
}

/// A connection over stdin/stdout. The reader skips a message it cannot parse; it stops at
/// end of input or after `exit`.
fn stdio() -> (Connection, std::thread::JoinHandle<()>) {
    let (to_client, outgoing) = crossbeam_channel::unbounded::<Message>();
    let (incoming, from_client) = crossbeam_channel::unbounded::<Message>();
    let writer = std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for msg in outgoing {
            if msg.write(&mut out).and_then(|_| out.flush()).is_err() {
                return;
            }
        }
    });
    std::thread::spawn(move || {
        let mut input = BufReader::new(std::io::stdin().lock());
        loop {
            match Message::read(&mut input) {
                Ok(Some(msg)) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if incoming.send(msg).is_err() || exit {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    eprintln!("nixk8s-lint lsp: skipping a malformed message: {e}");
                }
                Err(_) => return,
            }
        }
    });
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        writer,
    )
}
