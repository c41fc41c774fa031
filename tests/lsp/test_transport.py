"""Low-level tests over the server's raw pipes: malformed input, pipes closed without `exit`,
exit codes, and the order of the lifecycle messages."""

from __future__ import annotations

import pathlib
import subprocess
import time

import pytest

from conftest import BIN, FIXTURES
from rawlsp import RawServer, frame

PLANTED = (FIXTURES / "planted.nix.in").read_text()


@pytest.fixture
def server():
    s = RawServer()
    yield s
    s.kill()


def open_planted(s: RawServer, uri="file:///nonexistent/dir/planted.nix", version=1):
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "nix", "version": version, "text": PLANTED}})
    return s.recv(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)


def alive(s: RawServer) -> None:
    """The server still answers requests and lints."""
    resp = s.call("nixk8s-lint/ping")
    assert resp["error"]["code"] == -32601
    assert len(open_planted(s)["params"]["diagnostics"]) == 2


def test_shutdown_then_exit_exits_0(server: RawServer):
    server.initialize()
    assert server.call("shutdown")["result"] is None
    # After shutdown, requests are refused (InvalidRequest).
    assert server.call("textDocument/codeAction", {})["error"]["code"] == -32600
    server.notify("exit")
    assert server.wait_exit(5) == 0


def test_exit_without_shutdown_exits_1(server: RawServer):
    server.initialize()
    server.notify("exit")
    assert server.wait_exit(5) == 1


def test_client_closing_the_pipe_ends_the_server(server: RawServer):
    server.initialize()
    open_planted(server)
    server.proc.stdin.close()
    start = time.monotonic()
    code = server.wait_exit(5)
    assert time.monotonic() - start < 3
    assert code == 1  # no shutdown was asked for


def test_client_closing_the_pipe_mid_debounce_ends_the_server():
    s = RawServer()
    try:
        s.initialize(initializationOptions={"debounceMs": 60_000})
        open_planted(s)
        s.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": "file:///nonexistent/dir/planted.nix", "version": 2}, "contentChanges": [{"text": "{ }"}]},
        )
        time.sleep(0.1)
        s.proc.stdin.close()
        assert s.wait_exit(5) == 1
    finally:
        s.kill()


def test_client_closing_the_pipe_before_initialize(server: RawServer):
    server.proc.stdin.close()
    assert server.wait_exit(5) == 1


def test_client_dying_closes_both_pipes_and_ends_the_server():
    # The client's end of stdout goes first: the server's next write fails, then stdin ends.
    proc = subprocess.Popen([str(BIN), "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        proc.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}))
        proc.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        proc.stdin.flush()
        assert proc.stdout.read1(65536).startswith(b"Content-Length:")
        proc.stdout.close()
        doc = {"uri": "file:///x/a.nix", "languageId": "nix", "version": 1, "text": PLANTED}
        proc.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}}))
        proc.stdin.flush()
        time.sleep(0.2)
        proc.stdin.close()
        assert proc.wait(5) in (0, 1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_requests_before_initialize_get_server_not_initialized(server: RawServer):
    assert server.call("textDocument/codeAction", {})["error"]["code"] == -32002
    server.initialize()
    alive(server)


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(b'Content-Length: 11\r\n\r\n{"jsonrpc":', id="invalid-json"),
        pytest.param(frame({"hello": "world"}), id="json-not-a-message"),
        pytest.param(frame([1, 2, 3]), id="json-array"),
        pytest.param(b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc", id="invalid-utf8"),
        pytest.param(b"Garbage without a colon\r\n\r\n", id="bad-header"),
        pytest.param(b"\r\n", id="empty-headers"),
        pytest.param(frame({"jsonrpc": "2.0", "method": 42}), id="method-not-a-string"),
        pytest.param(frame({"jsonrpc": "2.0", "id": 99, "method": "textDocument/codeAction", "params": "x"}), id="bad-params"),
        pytest.param(
            frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": 5}}), id="bad-notification-params"
        ),
    ],
)
def test_malformed_message_does_not_kill_the_server(server: RawServer, garbage: bytes):
    server.initialize()
    server.write(garbage)
    alive(server)
    assert server.proc.poll() is None


def test_malformed_before_initialize_does_not_kill_the_server(server: RawServer):
    server.write(b'Content-Length: 5\r\n\r\n{{{{{')
    server.initialize()
    alive(server)


def test_invalid_params_answered_with_invalid_params(server: RawServer):
    server.initialize()
    resp = server.response(server.request("textDocument/codeAction", "x"))
    assert resp["error"]["code"] == -32602


def test_invalid_json_gets_a_parse_error(server: RawServer):
    server.initialize()
    server.write(b'Content-Length: 11\r\n\r\n{"jsonrpc":')
    resp = server.recv(lambda m: "error" in m and m.get("id") is None, timeout=2)
    assert resp["error"]["code"] == -32700


def test_invalid_request_with_an_id_gets_an_error(server: RawServer):
    server.initialize()
    server.send({"jsonrpc": "2.0", "id": 41, "method": 42})
    resp = server.response(41, timeout=2)
    assert resp["error"]["code"] == -32600


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(b"Content-Length: eleven\r\n\r\n{}", id="not-a-number"),
        pytest.param(b'Content-Length: 3\r\n\r\n{"a":1}', id="too-small"),
    ],
)
def test_bad_content_length_does_not_make_the_server_deaf(server: RawServer, garbage: bytes):
    server.initialize()
    server.write(garbage)
    # The server should resynchronise on a following well-formed message, or at least exit so
    # that the editor restarts it. Any answer to any of these will do.
    ids = [server.request("nixk8s-lint/ping") for _ in range(5)]
    try:
        server.recv(lambda m: m.get("id") in ids, timeout=3)
    except TimeoutError:
        assert server.proc.poll() is not None, "the server neither answers nor exits"


def test_stdout_carries_only_protocol_messages(server: RawServer):
    # Diagnostics for a broken file, a config error, and a panic-free exit: nothing but framed
    # messages on stdout (the reader thread would fail to parse anything else).
    server.initialize()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///x/broken.nix", "languageId": "nix", "version": 1, "text": "{ a = "}})
    msg = server.recv(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    assert msg["params"]["diagnostics"]
    assert server.call("shutdown")["result"] is None
    server.notify("exit")
    assert server.wait_exit(5) == 0
    assert server.recv(lambda m: True) is None  # end of output, nothing unparsable before it


def test_work_tree_paths_with_spaces_and_unicode(tmp_path: pathlib.Path):
    # The URI published is the URI the client sent (clients compare them as strings), and the
    # configuration is found through the percent-decoded path.
    ws = tmp_path / "my hosts" / "ñodes+k8s"
    ws.mkdir(parents=True)
    (ws / "nixk8s-lint.toml").write_text('[rules.mdns-hostname]\nseverity = "off"\n')
    uri = (ws / "cp 1.nix").as_uri()
    assert "%20" in uri and "%C3%B1" in uri
    s = RawServer()
    try:
        s.initialize()
        msg = open_planted(s, uri=uri)
        assert msg["params"]["uri"] == uri
        assert [d["code"] for d in msg["params"]["diagnostics"]] == ["kubelet-path-missing-mount"]
    finally:
        s.kill()
