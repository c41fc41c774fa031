"""A minimal synchronous LSP client over a subprocess' pipes, for tests that need to write
raw bytes, close pipes, or check exit codes (things a real client library never does)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time

from conftest import BIN


def frame(obj) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    def __init__(self, *args: str, cwd=None):
        self.proc = subprocess.Popen(
            [str(BIN), "lsp", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self.messages: queue.Queue = queue.Queue()
        self.stderr = b""
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line == b"\r\n":
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            self.messages.put(json.loads(out.read(length)))

    def _read_stderr(self) -> None:
        self.stderr = self.proc.stderr.read()

    def write(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, obj) -> None:
        self.write(frame(obj))

    def notify(self, method: str, params=None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params if params is not None else {}})

    def request(self, method: str, params=None, *, id=None) -> int | str:
        if id is None:
            self._next_id += 1
            id = self._next_id
        msg = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return id

    def recv(self, pred, timeout: float = 5.0):
        """The next message satisfying `pred` (others are dropped); None at end of output."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching message from the server")
            try:
                msg = self.messages.get(timeout=left)
            except queue.Empty:
                raise TimeoutError("no matching message from the server") from None
            if msg is None:
                return None
            if pred(msg):
                return msg

    def response(self, id, timeout: float = 5.0):
        msg = self.recv(lambda m: m.get("id") == id and "method" not in m, timeout)
        assert msg is not None, "the server closed its output"
        return msg

    def call(self, method: str, params=None, timeout: float = 5.0):
        return self.response(self.request(method, params), timeout)

    def initialize(self, capabilities=None, **extra):
        params = {"processId": os.getpid(), "rootUri": None, "capabilities": capabilities or {}, **extra}
        result = self.call("initialize", params)
        self.notify("initialized", {})
        return result

    def wait_exit(self, timeout: float) -> int:
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
