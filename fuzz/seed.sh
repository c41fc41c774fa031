#!/usr/bin/env bash
# Seeds the fuzz corpora with every .nix file under testdata/.
set -euo pipefail
cd "$(dirname "$0")"
for target in lint fix lsp_edits; do
  mkdir -p "corpus/$target"
  find ../testdata -name '*.nix' -print0 |
    while IFS= read -r -d '' f; do
      cp "$f" "corpus/$target/$(printf '%s' "$f" | sha1sum | cut -c1-16).nix"
    done
done
ls corpus/lint | wc -l
