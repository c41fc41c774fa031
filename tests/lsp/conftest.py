"""Fixtures for the end-to-end tests of `nixk8s-lint lsp`.

The server binary is `$NIXK8S_LINT_BIN`, else `target/debug/nixk8s-lint` (relative paths are
taken from the repository root); run `cargo build` first.

The `client` fixture starts the server over stdio, in a fresh temporary workspace, once for
each of two clients:

* `utf16`: VS Code's recorded capabilities (pytest-lsp's `visual-studio-code`), offering only
  UTF-16 positions and dynamic registration of file watchers;
* `utf8`: Neovim 0.11's recorded capabilities, offering `utf-8` first.

Mark a test with `@pytest.mark.init_options({...})` to pass `initializationOptions`, and with
`@pytest.mark.files({"nixk8s-lint.toml": "..."})` to put files in the workspace first.
"""

from __future__ import annotations

import asyncio
import os
import pathlib
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


def server_binary() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("NIXK8S_LINT_BIN", "target/debug/nixk8s-lint"))
    return path if path.is_absolute() else REPO / path


BIN = server_binary()


def pytest_configure(config):
    if not BIN.is_file():
        raise pytest.UsageError(f"no server binary at {BIN}: run `cargo build` or set NIXK8S_LINT_BIN")


# --- positions -------------------------------------------------------------------------


def units(s: str, encoding: str) -> int:
    """The length of `s` in the code units of a position encoding."""
    if encoding == "utf-8":
        return len(s.encode("utf-8"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le")) // 2
    return len(s)


def position(text: str, index: int, encoding: str) -> t.Position:
    """The LSP position of a string index."""
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return t.Position(line=line, character=units(text[start:index], encoding))


def find_range(text: str, needle: str, encoding: str, nth: int = 0) -> t.Range:
    """The range of the `nth` occurrence of `needle`."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    return t.Range(start=position(text, index, encoding), end=position(text, index + len(needle), encoding))


def offset(text: str, pos: t.Position, encoding: str) -> int:
    """The string index of an LSP position (strict: no clamping, no positions inside a character)."""
    lines = text.split("\n")
    assert pos.line <= len(lines), f"line {pos.line} past the end"
    start = sum(len(line) + 1 for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    count = 0
    for i, ch in enumerate(line):
        if count == pos.character:
            return start + i
        count += units(ch, encoding)
        assert count <= pos.character or count - units(ch, encoding) == pos.character, (
            f"position {pos} is inside a character"
        )
    assert count == pos.character, f"position {pos} past the end of line {line!r}"
    return start + len(line)


def apply_edits(text: str, edits: list[t.TextEdit], encoding: str) -> str:
    """Applies the edits of one WorkspaceEdit (all against the same text) as a client does."""
    spans = sorted(
        ((offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text) for e in edits),
        key=lambda s: (s[0], s[1]),
    )
    for a, b in zip(spans, spans[1:]):
        assert a[1] <= b[0], f"overlapping edits {a} {b}"
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


def edits_of(action: t.CodeAction, uri: str) -> list[t.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None, action
    assert list(action.edit.changes) == [uri], action.edit.changes
    return list(action.edit.changes[uri])


def cli_fix(text: str, *extra: str) -> str:
    """The CLI's `--fix` of a text (the oracle for fixAll)."""
    out = subprocess.run(
        [str(BIN), "--isolated", "--fix", "--exit-zero", *extra, "-"],
        input=text.encode(),
        capture_output=True,
        check=False,
        timeout=30,
    )
    assert out.returncode in (0, 1), out.stderr.decode()
    return out.stdout.decode()


# --- the client --------------------------------------------------------------------------


class Published:
    """Every publishDiagnostics received, in order, with a way to wait for one."""

    def __init__(self) -> None:
        self.items: list[t.PublishDiagnosticsParams] = []
        self._changed = asyncio.Event()

    def add(self, params: t.PublishDiagnosticsParams) -> None:
        self.items.append(params)
        self._changed.set()

    def mark(self) -> int:
        return len(self.items)

    async def wait(self, uri: str, *, version: int | None = None, since: int = 0, timeout: float = 10.0):
        """The first publish for `uri` (with `version`, if given) at index `since` or later."""

        async def find():
            seen = since
            while True:
                for p in self.items[seen:]:
                    if p.uri == uri and (version is None or p.version == version):
                        return p
                seen = len(self.items)
                self._changed.clear()
                await self._changed.wait()

        try:
            return await asyncio.wait_for(find(), timeout)
        except TimeoutError:
            got = [(p.uri.rsplit("/", 1)[-1], p.version, len(p.diagnostics)) for p in self.items]
            raise AssertionError(f"no publishDiagnostics for {uri} version={version}; got {got}") from None


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = Published()
    client.registrations = []

    def publish(ls: LanguageClient, params: t.PublishDiagnosticsParams):
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.add(params)

    def register(ls: LanguageClient, params: t.RegistrationParams):
        ls.registrations.extend(params.registrations)

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[t.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)
    return client


def capabilities(kind: str) -> t.ClientCapabilities:
    if kind == "utf16":
        caps = client_capabilities("visual-studio-code")
        caps.general = caps.general or t.GeneralClientCapabilities()
        caps.general.position_encodings = [t.PositionEncodingKind.Utf16]
        return caps
    caps = client_capabilities("neovim@0.11")
    assert caps.general.position_encodings[0] == t.PositionEncodingKind.Utf8
    return caps


@pytest.fixture
def workspace(tmp_path: pathlib.Path, request) -> pathlib.Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / ".git").mkdir()
    marker = request.node.get_closest_marker("files")
    for name, text in (marker.args[0] if marker else {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest_lsp.fixture(
    params=["utf16", "utf8"],
    config=ClientServerConfig(server_command=[str(BIN), "lsp"], client_factory=make_client),
)
async def client(lsp_client: LanguageClient, request, workspace: pathlib.Path):
    marker = request.node.get_closest_marker("init_options")
    result = await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=capabilities(request.param),
            root_uri=workspace.as_uri(),
            workspace_folders=[t.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
            initialization_options=marker.args[0] if marker else None,
        )
    )
    lsp_client.encoding = "utf-16" if request.param == "utf16" else "utf-8"
    lsp_client.init_result = result
    lsp_client.workspace = workspace
    yield
    await lsp_client.shutdown_session()


class Doc:
    """An open document on the client side: text, version, and edits sent incrementally."""

    def __init__(self, client: LanguageClient, path: pathlib.Path, text: str):
        self.client = client
        self.path = path
        self.uri = path.as_uri()
        self.text = text
        self.version = 1

    @property
    def enc(self) -> str:
        return self.client.encoding

    def open(self) -> int:
        mark = self.client.published.mark()
        self.client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(uri=self.uri, language_id="nix", version=self.version, text=self.text)
            )
        )
        return mark

    async def opened(self) -> list[t.Diagnostic]:
        mark = self.open()
        return list((await self.client.published.wait(self.uri, version=self.version, since=mark)).diagnostics)

    def change(self, edits: list[t.TextEdit]) -> int:
        """Sends `edits` (each against the text left by the previous one) as one didChange."""
        changes = []
        for e in edits:
            changes.append(t.TextDocumentContentChangePartial(range=e.range, text=e.new_text))
            self.text = apply_edits(self.text, [e], self.enc)
        self.version += 1
        mark = self.client.published.mark()
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=changes,
            )
        )
        return mark

    async def changed(self, edits: list[t.TextEdit]) -> list[t.Diagnostic]:
        mark = self.change(edits)
        return list((await self.client.published.wait(self.uri, version=self.version, since=mark)).diagnostics)

    async def apply(self, action: t.CodeAction) -> list[t.Diagnostic]:
        """Applies a code action's edits as one didChange (as VS Code does) and returns the new diagnostics."""
        edits = edits_of(action, self.uri)
        new_text = apply_edits(self.text, edits, self.enc)
        # Send them last-first so that each range is still valid against the text before it.
        ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
        diags = await self.changed(ordered)
        assert self.text == new_text
        return diags

    async def actions(self, rng: t.Range, diagnostics: list[t.Diagnostic], only: list[str] | None = None):
        result = await self.client.text_document_code_action_async(
            t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri=self.uri),
                range=rng,
                context=t.CodeActionContext(diagnostics=diagnostics, only=only),
            )
        )
        return [a for a in result or [] if isinstance(a, t.CodeAction)]

    def close(self) -> int:
        mark = self.client.published.mark()
        self.client.text_document_did_close(
            t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=self.uri))
        )
        return mark


@pytest.fixture
def open_doc(client: LanguageClient):
    """Writes a fixture (or given text) into the workspace and returns an unopened Doc."""

    def make(name: str, text: str | None = None, as_name: str | None = None) -> Doc:
        if text is None:
            text = (FIXTURES / f"{name}.in").read_text()  # not *.nix: the repository lints its own *.nix
        path = client.workspace / (as_name or name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return Doc(client, path, text)

    return make
