#!/usr/bin/env bash
# crates.io: the package holds the grammar and the source, not the tests,
# fixtures, docs or editor packages, and `cargo publish --dry-run` (which
# builds the packaged crate) passes.
#
#   tests/dist/crate.sh        (run by .ci/run)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$repo"
list=$(cargo package --list --locked --allow-dirty)
for needed in Cargo.toml Cargo.lock README.md grammar/flow.pest src/main.rs src/check/explain/syntax.md; do
  grep -qx "$needed" <<<"$list" || fail "the crate lacks $needed"
done
if grep -E '^(tests|editors|docs|bench|examples|tools|dist|schema|target)/' <<<"$list"; then
  fail "the crate holds files it does not need (above)"
fi
cargo publish --dry-run --locked --allow-dirty
echo "crate: $(wc -l <<<"$list") files; ok"
