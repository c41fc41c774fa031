// Drives `nixk8s-lint lsp` with the JSON-RPC stack vscode-languageclient uses
// (vscode-languageserver-protocol + vscode-jsonrpc), the way the extension does: a VS Code
// client offering only UTF-16, initializationOptions passed through, watcher registration,
// diagnostics, code actions and an applied quick fix. Run: node --test test/
// The server: $NIXK8S_LINT_BIN (relative to the repository root), else target/debug/nixk8s-lint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as P from 'vscode-languageserver-protocol/node';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN_ENV = process.env.NIXK8S_LINT_BIN ?? 'target/debug/nixk8s-lint';
const BIN = isAbsolute(BIN_ENV) ? BIN_ENV : resolve(REPO, BIN_ENV);
const PLANTED = readFileSync(join(REPO, 'tests/lsp/fixtures/planted.nix.in'), 'utf8');
const KUBELET = 'kubelet-path-missing-mount';
const MDNS = 'mdns-hostname';

/** What vscode-languageclient 9+ announces, in the parts the server looks at. */
const capabilities = {
  general: { positionEncodings: ['utf-16'] },
  workspace: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true, willSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: false, codeDescriptionSupport: true, dataSupport: true },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.fixAll'] } },
    },
  },
};

/** A string offset of an LSP position: JavaScript strings are UTF-16, like the positions. */
function offsetAt(text, { line, character }) {
  let start = 0;
  for (let i = 0; i < line; i++) start = text.indexOf('\n', start) + 1;
  return start + character;
}

function applyEdits(text, edits) {
  const spans = edits
    .map((e) => [offsetAt(text, e.range.start), offsetAt(text, e.range.end), e.newText])
    .sort((a, b) => b[0] - a[0]);
  for (const [s, e, t] of spans) text = text.slice(0, s) + t + text.slice(e);
  return text;
}

function rangeOf(text, needle) {
  const i = text.indexOf(needle);
  const line = text.slice(0, i).split('\n').length - 1;
  const col = i - (text.lastIndexOf('\n', i - 1) + 1);
  return { start: { line, character: col }, end: { line, character: col + needle.length } };
}

async function startServer(initializationOptions) {
  const proc = spawn(BIN, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((r) => proc.on('exit', (code) => r(code)));
  const conn = P.createProtocolConnection(new P.StreamMessageReader(proc.stdout), new P.StreamMessageWriter(proc.stdin));
  const published = [];
  const waiters = [];
  conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (const w of waiters.splice(0)) w();
  });
  const registrations = [];
  conn.onRequest(P.RegistrationRequest.type, (p) => {
    registrations.push(...p.registrations);
    return null;
  });
  conn.listen();
  const ws = mkdtempSync(join(tmpdir(), 'nixk8s-lint-vscode-'));
  mkdirSync(join(ws, '.git'));
  const init = await conn.sendRequest(P.InitializeRequest.type, {
    processId: process.pid,
    clientInfo: { name: 'Visual Studio Code', version: '1.91.0' },
    rootUri: pathToFileURL(ws).href,
    workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }],
    capabilities,
    initializationOptions,
  });
  await conn.sendNotification(P.InitializedNotification.type, {});
  /** The first publish for `uri` (and `version`) from index `since` on. */
  async function diagnostics(uri, version, since = 0) {
    const deadline = Date.now() + 10000;
    for (;;) {
      const p = published.slice(since).find((q) => q.uri === uri && (version === undefined || q.version === version));
      if (p) return p;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} v${version}`);
      await new Promise((r) => { waiters.push(r); setTimeout(r, 100); });
    }
  }
  async function stop() {
    await conn.sendRequest(P.ShutdownRequest.type);
    await conn.sendNotification(P.ExitNotification.type);
    const code = await exited;
    conn.dispose();
    return code;
  }
  return { conn, init, ws, published, registrations, diagnostics, stop };
}

test('initialize: UTF-16, incremental sync, code action kinds, watcher registration', async () => {
  const s = await startServer({});
  try {
    const caps = s.init.capabilities;
    assert.equal(caps.positionEncoding, 'utf-16');
    assert.equal(caps.textDocumentSync.change, P.TextDocumentSyncKind.Incremental);
    assert.deepEqual(caps.codeActionProvider.codeActionKinds, ['quickfix', 'source.fixAll.nixk8s-lint']);
    assert.equal(s.init.serverInfo.name, 'nixk8s-lint');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(s.registrations.length, 1);
    assert.equal(s.registrations[0].method, 'workspace/didChangeWatchedFiles');
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

test('didOpen → diagnostics at UTF-16 ranges → codeAction → applied fix clears the finding', async () => {
  const s = await startServer({});
  try {
    const path = join(s.ws, 'node.nix');
    writeFileSync(path, PLANTED);
    const uri = pathToFileURL(path).href;
    let text = PLANTED;
    await s.conn.sendNotification(P.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'nix', version: 1, text },
    });
    const pd = await s.diagnostics(uri, 1);
    const byCode = Object.fromEntries(pd.diagnostics.map((d) => [d.code, d]));
    assert.deepEqual(Object.keys(byCode).sort(), [KUBELET, MDNS]);
    assert.deepEqual(byCode[KUBELET].range, rangeOf(text, 'with pkgs; [ iptables ]'));
    // After "☸ 😀" on the same line: 😀 is two UTF-16 code units.
    assert.deepEqual(byCode[MDNS].range, rangeOf(text, 'cp.local'));
    assert.equal(byCode[MDNS].source, 'nixk8s-lint');
    assert.match(byCode[MDNS].codeDescription.href, /docs\/rules\.md#mdns-hostname$/);

    const actions = await s.conn.sendRequest(P.CodeActionRequest.type, {
      textDocument: { uri },
      range: byCode[KUBELET].range,
      context: { diagnostics: [byCode[KUBELET]], triggerKind: P.CodeActionTriggerKind.Invoked },
    });
    assert.deepEqual(actions.map((a) => a.title).slice(0, 3), [
      'Fix: add `util-linux` to `path`',
      `Ignore ${KUBELET} on this line`,
      `Ignore ${KUBELET} in this file`,
    ]);
    const fix = actions.find((a) => a.isPreferred);
    assert.equal(fix.kind, 'quickfix');
    const edits = fix.edit.changes[uri];
    const fixed = applyEdits(text, edits);
    assert.equal(fixed, text.replace('[ iptables ]', '[ iptables util-linux ]'));

    // VS Code applies a workspace edit as incremental content changes.
    const since = s.published.length;
    await s.conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    text = fixed;
    const after = await s.diagnostics(uri, 2, since);
    assert.deepEqual(after.diagnostics.map((d) => d.code), [MDNS]);
    assert.deepEqual(after.diagnostics[0].range, rangeOf(text, 'cp.local'));

    // The unsafe fix on the emoji line, and source.fixAll when nothing safe is left.
    const mdnsActions = await s.conn.sendRequest(P.CodeActionRequest.type, {
      textDocument: { uri }, range: after.diagnostics[0].range, context: { diagnostics: after.diagnostics },
    });
    const unsafe = mdnsActions.find((a) => a.title.startsWith('Fix (unsafe'));
    assert.ok(unsafe && !unsafe.isPreferred);
    assert.equal(applyEdits(text, unsafe.edit.changes[uri]), text.replace('"cp.local"', '"cp.internal"'));
    const fixAll = await s.conn.sendRequest(P.CodeActionRequest.type, {
      textDocument: { uri }, range: rangeOf(text, '{'), context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.deepEqual(fixAll, []);

    const closed = s.published.length;
    await s.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    assert.deepEqual((await s.diagnostics(uri, undefined, closed)).diagnostics, []);
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

test('initializationOptions from the nixk8s-lint.initializationOptions setting', async () => {
  const s = await startServer({ ignore: [KUBELET], severity: { [MDNS]: 'error' } });
  try {
    const uri = pathToFileURL(join(s.ws, 'cp.nix')).href;
    await s.conn.sendNotification(P.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'nix', version: 1, text: PLANTED },
    });
    const pd = await s.diagnostics(uri, 1);
    assert.deepEqual(pd.diagnostics.map((d) => [d.code, d.severity]), [[MDNS, P.DiagnosticSeverity.Error]]);
  } finally {
    assert.equal(await s.stop(), 0);
  }
});
