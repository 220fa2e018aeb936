#!/usr/bin/env bash
# The VS Code extension in one file: `vsce package` (pinned in
# editors/vscode/package-lock.json) makes procflow-<version>.vsix, under
# 200 KB, holding the bundled client, grammar, language configuration and
# snippets and nothing else; the client's tests run on the packaged bundle.
#
#   tests/dist/vsix.sh [OUT_DIR]   (needs `npm ci --prefix editors/vscode`; run by .ci/run)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$(mkdir -p "${1:-$work}" && cd "${1:-$work}" && pwd)
ext="$repo/editors/vscode"
[ -x "$ext/node_modules/.bin/vsce" ] || fail "run \`npm ci --prefix editors/vscode\` first"
vsix="$out/procflow-$version.vsix"
(cd "$ext" && npm run --silent package -- --out "$vsix" >/dev/null)
[ -f "$vsix" ] || fail "vsce made no $vsix"
size=$(size_of "$vsix")
[ "$size" -le $((200 * 1024)) ] || fail "the .vsix is $size bytes, over 200 KB"

unzip -Z1 "$vsix" | sort > "$work/files"
sort > "$work/expected" <<'LIST'
[Content_Types].xml
extension.vsixmanifest
extension/language-configuration.json
extension/out/extension.js
extension/package.json
extension/readme.md
extension/snippets/flow.json
extension/syntaxes/flow.tmLanguage.json
LIST
diff -u "$work/expected" "$work/files" || fail "the .vsix holds other files than expected (diff above)"
mkdir "$work/unpacked"
unzip -q "$vsix" -d "$work/unpacked"
node -e '
  const pkg = require(process.argv[1] + "/extension/package.json");
  if (pkg.version !== process.argv[2]) throw new Error("version " + pkg.version);
  if (pkg.main !== "./out/extension.js") throw new Error("main " + pkg.main);
' "$work/unpacked" "$version"
grep -q '"scopeName": "source.flow"' "$work/unpacked/extension/syntaxes/flow.tmLanguage.json" || fail "no grammar"
VSIX_DIR="$work/unpacked" node --test "$repo/tests/dist/vscode.test.mjs"
echo "vsix: $(basename "$vsix"), $size bytes; ok"
