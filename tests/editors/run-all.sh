#!/usr/bin/env bash
# Runs every editor-support test: the VS Code TextMate grammar with the real
# TextMate engine, and the Vim files with a real headless Vim.
#
#   npm ci --prefix tests/editors     # once: vscode-textmate, vscode-oniguruma
#   bash tests/editors/run-all.sh
#
# Installs Vim with apt-get if it is missing (CI runs as root). Exits non-zero
# if any test fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -d "$here/node_modules/vscode-textmate" ] || [ ! -d "$here/node_modules/vscode-oniguruma" ]; then
  echo "error: the test's Node packages are missing: run \`npm ci --prefix tests/editors\`" >&2
  exit 1
fi
if ! command -v vim >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq vim-nox >/dev/null
fi

status=0
echo "== TextMate grammar (editors/vscode)"
node "$here/grammar.test.mjs" || status=1
echo "== Vim (editors/vim)"
bash "$here/vim-syntax.sh" || status=1

if [ "$status" -ne 0 ]; then
  echo "error: editor tests failed" >&2
fi
exit "$status"
