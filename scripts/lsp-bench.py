#!/usr/bin/env python3
"""Latency of `nixk8s-lint lsp` on a large file (a benchmark, not a test).

Generates a ~5,000-line NixOS module with Kubernetes idioms (let bindings, `with pkgs;`,
`lib.mkIf`, `lib.mkMerge`, string interpolation, `escapeShellArgs`, systemd units running
kubelet, tmpfiles settings, kubeconfigs, planted pitfalls), opens it, then sends didChange
edits one at a time and measures the time from writing each (once encoded) to receiving
the publishDiagnostics for its version. Edits inside a unit, inside a top-level `let` binding,
between two elements of a long list and in the module's function pattern: the server
parses again only the bindings, the elements or the pattern around each; at the end of
the file, the blank space there. Before the module's `in`, outside all of them: the file
is parsed around its large sets and lists, which are kept; so it is for changes at both
ends of the file at once (as a formatter may make them), sent with ranges or as a whole
text. Every line indented, or a space put before every `;`: the text lexes to the old
tree's tokens but for blank space, which take the old ones' places. Every 18th `pkgs.x`
made `(pkgs).x`: the site around each change is parsed again. Every `pkgs.x` made
`(pkgs).x`, as a whole text or as a replace-all's ranges in one change (the last first,
made in one pass over the text): the file is parsed around the sets and lists of a line
or more between the changes. The workers' blocks put in reverse order: every set is in
text the old one does not have where it was, so a full parse. And syntax errors made
(removing a `;`, opening a comment) and mended (reparsed from the last tree without
errors).

After each change's diagnostics, and a 5 ms pause in which the server finishes with the
change, rnix parses the file once in a warm process (`examples/parse_only.rs --serve`):
each change is set beside a parse of the same file made within milliseconds of it, so a
slow spell of this machine shows in both. The next change is sent after that parse, as
typing sends them. Prints, for each row, the median and p90 in milliseconds, the median and
p90 of the parses beside it (whose p90 shows how much of a row's tail is the machine's), and the
median and p90 of each change's ratio to its parse.

    python3 scripts/lsp-bench.py [--lines 5000] [--changes 30] [--debounce-ms N] [--only TEXT]

The server is $NIXK8S_LINT_BIN (relative to the repository root), else target/debug/nixk8s-lint,
and the parse-only baseline is examples/parse_only beside it: `cargo build --release --bin
nixk8s-lint --example parse_only` and NIXK8S_LINT_BIN=target/release/nixk8s-lint measure an
optimised build. Needs only the Python standard library.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from corpus import kubernetes_module  # noqa: E402


def frame(obj) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    def __init__(self, binary: pathlib.Path, options: dict):
        self.proc = subprocess.Popen([str(binary), "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.inbox: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"processId": os.getpid(), "rootUri": None, "initializationOptions": options,
                              "capabilities": {"general": {"positionEncodings": ["utf-16"]}}}})
        self.wait(lambda m: m.get("id") == 1)
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line == b"\r\n":
                    break
                k, _, v = line.decode().partition(":")
                if k.lower() == "content-length":
                    length = int(v)
            msg = json.loads(out.read(length))
            self.inbox.put((time.perf_counter(), msg))

    def send(self, msg):
        self.write(frame(msg))

    def write(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait(self, pred, timeout=120.0):
        deadline = time.monotonic() + timeout
        while True:
            at, msg = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            if pred(msg):
                return at, msg

    def stop(self):
        self.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        self.wait(lambda m: m.get("id") == 2)
        self.send({"jsonrpc": "2.0", "method": "exit"})
        return self.proc.wait(10)


def every_nth(text: str, old: str, new: str, n: int) -> str:
    """`text` with the first of every `n` occurrences of `old` replaced by `new`."""
    first, *rest = text.split(old)
    return first + "".join((new if i % n == 0 else old) + part for i, part in enumerate(rest))


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--changes", type=int, default=30)
    ap.add_argument("--debounce-ms", type=int, default=None, help="initializationOptions.debounceMs (server default: 0)")
    ap.add_argument("--only", default="", metavar="TEXT", help="run only the rows whose label contains TEXT")
    args = ap.parse_args()

    env_bin = pathlib.Path(os.environ.get("NIXK8S_LINT_BIN", "target/debug/nixk8s-lint"))
    binary = env_bin if env_bin.is_absolute() else REPO / env_bin
    if not binary.is_file():
        print(f"no server at {binary}: run cargo build or set NIXK8S_LINT_BIN", file=sys.stderr)
        return 2
    parse_only = binary.parent / "examples" / "parse_only"
    if not parse_only.is_file():
        print(f"no parse-only baseline at {parse_only}: run cargo build --example parse_only "
              "with the server's profile", file=sys.stderr)
        return 2

    text = kubernetes_module(args.lines)
    lines = text.split("\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "cluster.nix"
        path.write_text(text)

        parser = subprocess.Popen([str(parse_only), "--serve", tmp], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

        def parse_ms():
            """The time of one parse of the file, in a warm process."""
            parser.stdin.write("\n")
            parser.stdin.flush()
            return float(parser.stdout.readline().split("seconds=")[1]) * 1000

        uri = path.as_uri()
        options = {} if args.debounce_ms is None else {"debounceMs": args.debounce_ms}
        server = Server(binary, options)

        def published(version):
            return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"]["uri"] == uri and m["params"]["version"] == version)

        t0 = time.perf_counter()
        server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                     "params": {"textDocument": {"uri": uri, "languageId": "nix", "version": 1, "text": text}}})
        at, msg = server.wait(published(1))
        open_ms = (at - t0) * 1000
        findings = len(msg["params"]["diagnostics"])

        def send(edits, start_version, keeps_findings):
            """Sends `edits(n)`, a list of (line, start column, end column, text) for one
            didChange, or a whole new text, one at a time."""
            def change(edit):
                if isinstance(edit, str):
                    return {"text": edit}
                line, start, end, text = edit
                return {"range": {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}},
                        "text": text}
            latencies, parses = [], []
            for n in range(args.changes):
                version = start_version + n
                changes = [change(edit) for edit in edits(n)]
                # From when the message is written: encoding a whole text takes Python
                # itself a millisecond or two, which is the client's time.
                data = frame({"jsonrpc": "2.0", "method": "textDocument/didChange",
                              "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}})
                t0 = time.perf_counter()
                server.write(data)
                at, msg = server.wait(published(version))
                latencies.append((at - t0) * 1000)
                time.sleep(0.005)
                parses.append(parse_ms())
                if keeps_findings(n):
                    assert len(msg["params"]["diagnostics"]) == findings, "the edits should not change the findings"
            return list(zip(latencies, parses))

        def typing(targets, column, typed):
            """Types `typed` at `column(line)` of a target line, then removes it."""
            def edit(n):
                line = targets[(n // 2 * 7) % len(targets)]
                col = column(lines[line])
                return [(line, col, col, typed) if n % 2 == 0 else (line, col, col + len(typed), "")]
            return edit

        def breaking(targets):
            """Removes the `;` that ends a target line, then puts it back."""
            def edit(n):
                line = targets[(n // 2 * 7) % len(targets)]
                col = len(lines[line]) - 1
                return [(line, col, col + 1, "") if n % 2 == 0 else (line, col, col, ";")]
            return edit

        def both_ends(n):
            """Indents the first line and adds a space on the last one, then removes both."""
            last = len(lines) - 1
            if n % 2 == 0:
                return [(0, 0, 0, " "), (last, 0, 0, " ")]
            return [(0, 0, 1, ""), (last, 0, 1, "")]

        def whole_text(n):
            """The same as `both_ends`, sent as whole texts (no ranges)."""
            return [" " + text[:-1] + " \n" if n % 2 == 0 else text]

        def rewriting(rewrite):
            """The whole text rewritten, as a whole text, then the text as it was."""
            return lambda n: [rewrite(text) if n % 2 == 0 else text]

        def replacing_all(old, new):
            """Every `old` made `new` as ranges in one change, the last first (as an editor's
            replace-all sends them), then each put back the same way."""
            def spots(t, what):
                return [(i, m) for i, line in enumerate(t.split("\n"))
                        for m in range(len(line)) if line.startswith(what, m)]
            there, back = spots(text, old), spots(text.replace(old, new), new)

            def edit(n):
                if n % 2 == 0:
                    return [(line, c, c + len(old), new) for line, c in reversed(there)]
                return [(line, c, c + len(new), old) for line, c in reversed(back)]
            return edit

        def commenting(targets):
            """Opens a comment at the start of a target line (it runs to the end of the
            file), then removes it."""
            def edit(n):
                line = targets[(n // 2 * 7) % len(targets)]
                return [(line, 0, 0, "/*") if n % 2 == 0 else (line, 0, 2, "")]
            return edit

        def reversed_blocks(t):
            """The workers' blocks of the module's `mkMerge` list in reverse order."""
            head, *blocks = re.split(r"(?m)^(?=    # --- worker )", t)
            last, tail = blocks[-1].split("\n  ];\n", 1)
            blocks[-1] = last + "\n\n"
            return head + "".join(reversed(blocks)).rstrip("\n") + "\n  ];\n" + tail

        def starting(prefix):
            return [i for i, l in enumerate(lines) if l.startswith(prefix)]

        after_quote = lambda line: line.index('"') + 1
        units = [i for i, l in enumerate(lines) if 'description = "Kubernetes Kubelet' in l]
        results = []
        version = 2
        for label, edits in [
            ("in a unit", typing(units, after_quote, "x")),
            ("in a let binding", typing(starting('  pki = "'), after_quote, "x")),
            # Before a comment between two elements of the module's `mkMerge` list.
            ("between list elements", typing(starting("    # --- worker"), lambda line: 0, " ")),
            ("in the function's pattern", typing([0], lambda line: 1, " ")),
            # On the line after the module's closing brace: the blank space there.
            ("at the end of the file", typing([len(lines) - 1], lambda line: 0, " ")),
            # Against the module's `in`, outside any set, `let`, list or pattern: the
            # module's body and the large sets and lists of its `let` are kept.
            ("before the module's `in` (parsed around its sets and lists)", typing(starting("in"), lambda line: 0, " ")),
            # Two changes at once, at the first and the last line: the text differs from
            # end to end.
            ("at both ends at once (parsed around its sets and lists)", both_ends),
            # The same as whole texts: the server compares their lines.
            ("at both ends, as a whole text (parsed around its sets and lists)", whole_text),
            # No set or list is left as it was, but the tokens are the old ones but for
            # blank space: they take the old tokens' places in the old tree.
            ("every line indented, as a whole text (relexed)",
             rewriting(lambda t: "\n".join(" " + line for line in t.split("\n")))),
            ("a space before every `;`, as a whole text (relexed)",
             rewriting(lambda t: t.replace(";", " ;"))),
            # New tokens in about twenty places apart (as a rename throughout might make
            # them): the site around each is parsed again.
            ("every 18th `pkgs.x` made `(pkgs).x`, as a whole text (site by site)",
             rewriting(lambda t: every_nth(t, "pkgs.", "(pkgs).", 18))),
            # New tokens in every unit: parsed around the sets and lists between them.
            ("every `pkgs.x` made `(pkgs).x`, as ranges in one change (replace all, parsed around its sets and lists)",
             replacing_all("pkgs.", "(pkgs).")),
            ("every `pkgs.x` made `(pkgs).x`, as a whole text (parsed around its sets and lists)",
             rewriting(lambda t: t.replace("pkgs.", "(pkgs)."))),
            # The same sets in other places: a full parse.
            ("the workers' blocks in reverse order, as a whole text (full parse)",
             rewriting(reversed_blocks)),
        ]:
            if args.only not in label:
                continue
            results.append((label, send(edits, version, lambda n: True)))
            version += args.changes
        # Breaking the text, then mending it. The broken text has a syntax error, so
        # other findings. The mending edit is reparsed from the last tree without errors.
        for label, edits in [
            # The error ends inside the unit's `serviceConfig`: reparsed with it.
            ("a syntax error in a unit", breaking(starting('          Restart = "always";'))),
            # The error runs on past the `let`: parsed around the sets and lists.
            ("a syntax error in a let binding", breaking(starting('  pki = "'))),
            # A comment left open before `in` runs to the end of the file: a full parse.
            ("a comment left open (full parse)", commenting(starting("in"))),
        ]:
            if args.only not in label:
                continue
            timed = send(edits, version, lambda n: n % 2 == 1)
            results += [(f"{label}, made", timed[0::2]), (f"{label}, mended", timed[1::2])]
            version += args.changes
        code = server.stop()
        parser.stdin.close()
        parser.wait(10)

    print(f"server: {binary.relative_to(REPO) if binary.is_relative_to(REPO) else binary}")
    print(f"file: {len(lines)} lines, {len(text.encode())} bytes, {findings} findings")
    print(f"didOpen → publishDiagnostics: {open_ms:.1f} ms")
    debounce = "0 (default)" if args.debounce_ms is None else args.debounce_ms
    for label, timed in results:
        latencies = [t for t, _ in timed]
        parses = [p for _, p in timed]
        ratios = [t / p for t, p in timed]
        print(f"didChange → publishDiagnostics, {label}, {len(timed)} changes, debounce {debounce} ms: "
              f"median {statistics.median(latencies):.1f} ms, p90 {pct(latencies, 0.9):.1f} ms, "
              f"min {min(latencies):.1f} ms, max {max(latencies):.1f} ms; "
              f"parse-only beside them: median {statistics.median(parses):.1f} ms, p90 {pct(parses, 0.9):.1f} ms; "
              f"each over its parse: median {statistics.median(ratios):.2f}×, p90 {pct(ratios, 0.9):.2f}×")
    print(f"server exit code after shutdown/exit: {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
