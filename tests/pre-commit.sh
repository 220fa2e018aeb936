#!/usr/bin/env bash
# The pre-commit hooks, for real: `pre-commit try-repo` installs procflow from this
# repository (language: rust) into a temporary git repository and runs each hook.
# Run by .ci/run; needs pre-commit (pip install pre-commit) and cargo.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q
git config user.email ci@example.com
git config user.name ci
cp "$repo/examples/team.flow" "$repo/examples/lead-generation.flow" .
git add .

fail() { echo "pre-commit test: $*" >&2; exit 1; }

echo "-- procflow-check passes on clean files"
pre-commit try-repo "$repo" procflow-check --all-files

echo "-- procflow-check fails on a file with errors"
printf 'workflow w implements p {\n  step s {\n  }\n}\n' > broken.flow
git add broken.flow
if pre-commit try-repo "$repo" procflow-check --files broken.flow; then
  fail "procflow-check passed on a broken file"
fi
git rm -q --cached broken.flow
rm broken.flow

echo "-- procflow-fmt rewrites an unformatted file, then passes"
printf 'role  ops   "Ops"   {\nwho "Maria"   }\n' > messy.flow
git add messy.flow
if pre-commit try-repo "$repo" procflow-fmt --files messy.flow; then
  fail "procflow-fmt did not report the file it changed"
fi
grep -q '^role ops "Ops" {$' messy.flow || fail "messy.flow was not formatted: $(cat messy.flow)"
git add messy.flow
pre-commit try-repo "$repo" procflow-fmt --files messy.flow
echo "pre-commit hooks: ok"
