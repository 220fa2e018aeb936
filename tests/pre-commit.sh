#!/usr/bin/env bash
# The pre-commit hooks, for real: `pre-commit try-repo` installs procflow from this
# repository (language: rust) into a temporary git repository and runs both hooks.
# Run by .ci/run; needs pre-commit (pip install pre-commit) and cargo. try-repo
# builds procflow afresh on every call (a few minutes), so this makes two calls.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q
git config user.email ci@example.com
git config user.name ci
fail() { echo "pre-commit test: $*" >&2; exit 1; }

cp "$repo/examples/team.flow" "$repo/examples/lead-generation.flow" .
# Valid but not formatted: procflow-fmt rewrites it.
printf 'role  ops   "Ops"   {\nwho "Maria"   }\n' > messy.flow
# Does not parse: procflow-check fails, procflow-fmt leaves it untouched.
printf 'workflow w implements p {\n  step s {\n    owner\n  }\n}\n' > broken.flow
cp broken.flow broken.orig
git add team.flow lead-generation.flow messy.flow broken.flow

echo "-- both hooks on a repository with a broken and an unformatted file"
if pre-commit try-repo "$repo" --all-files > out.txt 2>&1; then
  cat out.txt
  fail "the hooks passed on a broken file"
fi
cat out.txt
grep -Eq 'procflow check\.+Failed' out.txt || fail "procflow-check did not fail"
grep -q 'broken.flow:4:3' out.txt || fail "procflow-check did not point at broken.flow"
grep -Eq 'procflow fmt\.+Failed' out.txt || fail "procflow-fmt did not report the file it changed"
grep -q '^role ops "Ops" {$' messy.flow || fail "messy.flow was not formatted: $(cat messy.flow)"
cmp -s broken.flow broken.orig || fail "procflow-fmt changed a file that does not parse"

echo "-- both hooks pass once the file is fixed and formatted"
git rm -q -f broken.flow
git add messy.flow
pre-commit try-repo "$repo" --all-files
echo "pre-commit hooks: ok"
