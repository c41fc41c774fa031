// nixk8s-lint for VS Code: starts `nixk8s-lint lsp` on stdio for Nix files. It runs next to
// Nix IDE (nil or nixd): VS Code merges the diagnostics and code actions of every client
// attached to a language.
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

const SECTION = "nixk8s-lint";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;

/** `~/x` → home; a relative path with a slash → against the first workspace folder. */
function resolveCommand(command: string): string {
  if (command === "~" || command.startsWith("~/")) {
    return path.join(os.homedir(), command.slice(1));
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder && !path.isAbsolute(command) && command.includes("/")) {
    return path.join(folder.uri.fsPath, command);
  }
  return command;
}

function serverOptions(cfg: vscode.WorkspaceConfiguration): ServerOptions {
  const command = resolveCommand(cfg.get<string>("path", "nixk8s-lint") || "nixk8s-lint");
  const args = cfg.get<string[]>("args", ["lsp"]);
  const executable = { command, args, transport: TransportKind.stdio };
  return { run: executable, debug: executable };
}

async function start(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  output ??= vscode.window.createOutputChannel("nixk8s-lint", { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "nix" },
      { scheme: "untitled", language: "nix" },
    ],
    // Passed through as is: { select, ignore, severity: { rule: level }, debounceMs }.
    initializationOptions: cfg.get<object>("initializationOptions", {}),
    outputChannel: output,
    // The server registers its own watchers for nixk8s-lint.toml (dynamic registration).
  };
  client = new LanguageClient(SECTION, "nixk8s-lint", serverOptions(cfg), clientOptions);
  try {
    await client.start();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(
      `nixk8s-lint: could not start the language server (${message}). ` +
        "Set `nixk8s-lint.path` to the nixk8s-lint executable.",
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running?.isRunning()) {
    await running.stop();
  }
}

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const restart = async (): Promise<void> => {
    await stop();
    await start();
  };
  ctx.subscriptions.push(
    vscode.commands.registerCommand("nixk8s-lint.restart", restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (
        e.affectsConfiguration(`${SECTION}.path`) ||
        e.affectsConfiguration(`${SECTION}.args`) ||
        e.affectsConfiguration(`${SECTION}.initializationOptions`)
      ) {
        void restart();
      }
    }),
    { dispose: () => void stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}
