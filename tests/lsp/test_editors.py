"""The editors/ configurations other than VS Code's: Helix's TOML, the Neovim Lua files, and
the Emacs lsp-mode add-on client driven by a real batch Emacs (tests/lsp/emacs/e2e.el).

`$NIXK8S_LSP_REQUIRE` containing `emacs` makes a missing Emacs or lsp-mode a failure instead of
a skip (tests/lsp/run.sh sets it)."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import tomllib

import pytest

from conftest import BIN, FIXTURES, REPO
from test_neovim import NVIMS

EDITORS = REPO / "editors"
REQUIRED = set(os.environ.get("NIXK8S_LSP_REQUIRE", "").split(","))


def test_helix_languages_toml():
    cfg = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text())
    server = cfg["language-server"]["nixk8s-lint"]
    assert [server["command"], *server["args"]] == ["nixk8s-lint", "lsp"]
    (nix,) = [lang for lang in cfg["language"] if lang["name"] == "nix"]
    servers = nix["language-servers"]
    # Helix's defaults for nix are kept, and nixk8s-lint only adds diagnostics and code actions.
    assert servers[:2] == ["nil", "nixd"]
    assert servers[2] == {"name": "nixk8s-lint", "only-features": ["diagnostics", "code-action"]}


def test_helix_command_starts_the_server():
    cfg = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text())
    args = cfg["language-server"]["nixk8s-lint"]["args"]
    proc = subprocess.run([str(BIN), *args], input=b"", capture_output=True, timeout=10)
    # End of input before initialize: the server exits (not 2, a usage error).
    assert proc.returncode == 1, proc.stderr


@pytest.mark.parametrize("name", ["lsp/nixk8s_lint.lua", "nvim-lspconfig.lua"])
def test_neovim_lua_files_parse(name):
    if not NVIMS:
        pytest.skip("no nvim")
    nvim = NVIMS[max(NVIMS)]
    path = EDITORS / "neovim" / name
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-u", "NONE", "-c", f"lua assert(loadfile([[{path}]]))", "-c", "qall!"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0 and "Error" not in proc.stderr, proc.stderr


def test_neovim_config_values():
    if not NVIMS or max(NVIMS) < (0, 11):
        pytest.skip("no nvim 0.11+")
    path = EDITORS / "neovim" / "lsp" / "nixk8s_lint.lua"
    proc = subprocess.run(
        [NVIMS[max(NVIMS)], "--headless", "--clean", "-u", "NONE", "-c",
         f"lua io.stdout:write(vim.json.encode(dofile([[{path}]])))", "-c", "qall!"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    cfg = json.loads(proc.stdout)
    assert cfg["cmd"] == ["nixk8s-lint", "lsp"]
    assert cfg["filetypes"] == ["nix"]
    assert "nixk8s-lint.toml" in cfg["root_markers"]


def emacs_with_lsp_mode() -> str | None:
    emacs = shutil.which("emacs")
    if not emacs:
        return None
    probe = subprocess.run(
        [emacs, "--batch", "-Q", "--eval",
         "(progn (require 'package) (setq package-directory-list (list \"/usr/share/emacs/site-lisp/elpa\")) "
         "(package-initialize) (require 'lsp-mode))"],
        capture_output=True, timeout=60,
    )
    return emacs if probe.returncode == 0 else None


def test_emacs_lsp_mode_add_on_client(tmp_path: pathlib.Path):
    emacs = emacs_with_lsp_mode()
    if not emacs:
        if "emacs" in REQUIRED:
            pytest.fail("emacs with lsp-mode is required (NIXK8S_LSP_REQUIRE) but missing")
        pytest.skip("no emacs with lsp-mode")
    ws = tmp_path / "ws"
    (ws / ".git").mkdir(parents=True)
    text = (FIXTURES / "planted.nix.in").read_text()
    nix = ws / "planted.nix"
    nix.write_text(text)
    out = tmp_path / "out.json"
    env = dict(os.environ, NIXK8S_LINT_BIN=str(BIN), NIX_FILE=str(nix), OUT_JSON=str(out),
               EDITORS_EMACS=str(EDITORS / "emacs"), HOME=str(tmp_path))
    proc = subprocess.run(
        [emacs, "--batch", "-Q", "-l", str(pathlib.Path(__file__).parent / "emacs" / "e2e.el")],
        env=env, cwd=ws, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL,
    )
    assert out.exists(), proc.stderr
    got = json.loads(out.read_text())
    assert got["registered"] and got["add_on"]
    assert got["servers"] == ["nixk8s-lint"]
    # lsp-mode 8 offers no positionEncodings: UTF-16.
    line = text.splitlines()[5]
    col16 = len(line[: line.index("cp.local")].encode("utf-16-le")) // 2
    assert sorted((d["code"], d["line"], d["character"]) for d in got["diagnostics"]) == [
        ("kubelet-path-missing-mount", 2, 11),
        ("mdns-hostname", 5, col16),
    ]
