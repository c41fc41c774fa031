#!/usr/bin/env bash
# Runs the language-server tests: pytest on tests/lsp (pytest-lsp protocol tests, raw
# transport tests, headless Neovim, Emacs lsp-mode, Helix config), the VS Code side (compile,
# node:test protocol test, vsce package). Installs nothing: see tests/lsp/README.md for what
# must be there. Builds the server with `cargo build` unless NIXK8S_LINT_BIN is set.
#
#   PYTHON=python3             the Python with tests/lsp/requirements.txt installed
#   NIXK8S_LINT_BIN=...        the server (default target/debug/nixk8s-lint, built here)
#   NIXK8S_LSP_REQUIRE=...     editors whose absence fails instead of skipping
#                              (default under CI=true: nvim-old,nvim-new,emacs)
set -uo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
if [ "${CI:-}" = "true" ]; then
  export NIXK8S_LSP_REQUIRE=${NIXK8S_LSP_REQUIRE-nvim-old,nvim-new,emacs}
fi
if [ -z "${NIXK8S_LINT_BIN:-}" ]; then
  cargo build --quiet --locked || exit 1
fi

failed=()

echo "== pytest tests/lsp"
"$PYTHON" -m pytest tests/lsp -p no:cacheprovider -q -rxXs || failed+=("pytest tests/lsp")

echo "== editors/vscode"
if [ ! -d editors/vscode/node_modules ]; then
  echo "editors/vscode/node_modules is missing: run npm ci in editors/vscode" >&2
  failed+=("editors/vscode: npm ci not run")
else
  (
    cd editors/vscode || exit 1
    npm run --silent compile || exit 1
    node --test test/ || exit 1
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    npx --no-install vsce package --out "$out/nixk8s-lint.vsix" </dev/null >"$out/vsce.log" 2>&1 \
      || { cat "$out/vsce.log" >&2; exit 1; }
    "$PYTHON" - "$out/nixk8s-lint.vsix" <<'PY' || exit 1
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
missing = [n for n in ("extension/package.json", "extension/out/extension.js",
                       "extension/node_modules/vscode-languageclient/package.json") if n not in names]
sys.exit(f"the .vsix lacks {missing}" if missing else 0)
PY
    echo "vsce package: ok ($(du -k "$out/nixk8s-lint.vsix" | cut -f1) KiB)"
  ) || failed+=("editors/vscode")
fi

if [ ${#failed[@]} -ne 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "tests/lsp/run.sh: all passed"
