#!/usr/bin/env bash
# The wheel as users get it: installed with pip into a fresh virtual
# environment with no cargo or rustc on PATH, then every command run; then the
# pre-commit hook repository of dist/pre-commit, which installs the same wheel
# (found through PIP_FIND_LINKS), on a repository of .flow files.
#
#   tests/dist/wheel.sh WHEEL_DIR     (needs python3 and pre-commit; run by .ci/run)
#
# Prints the wheel size, the installed binary size, and the time from the
# first pip install of the wheel to a passing `pre-commit run`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wheels=$(cd "${1:?usage: wheel.sh WHEEL_DIR}" && pwd)
shopt -s nullglob
found=("$wheels"/procflow-"$version"-py3-none-*manylinux_2_17_x86_64*.whl)
[ "${#found[@]}" -eq 1 ] || fail "expected one procflow-$version-py3-none-…manylinux_2_17_x86_64 wheel in $wheels, found: ${found[*]:-none}"
wheel=${found[0]}
python=$(python3 -c 'import sys; print(sys.executable)')
pre_commit=$(command -v pre-commit) || fail "pre-commit is not installed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- the wheel: $(basename "$wheel")"
wheel_size=$(size_of "$wheel")
[ "$wheel_size" -le $((4 * 1024 * 1024)) ] || fail "the wheel is $wheel_size bytes, over 4 MB"
# grep without -q reads to the end: under pipefail, an early exit would kill
# the writer with SIGPIPE and fail the pipeline at random.
unzip -Z1 "$wheel" | grep -x "procflow-$version.data/scripts/procflow" >/dev/null || fail "no procflow binary in the wheel"

# A user's PATH: the venv, and nothing that holds a Rust toolchain.
export PATH="$work/venv/bin:$(path_without_cargo)"
! command -v cargo >/dev/null || fail "cargo is still on PATH"
! command -v rustc >/dev/null || fail "rustc is still on PATH"
start=$(date +%s.%N)
"$python" -m venv "$work/venv"
pip install --quiet --disable-pip-version-check --no-index "$wheel"
pip_seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
[ "$(command -v procflow)" = "$work/venv/bin/procflow" ] || fail "procflow is not the venv's: $(command -v procflow)"
binary_size=$(size_of "$work/venv/bin/procflow")
[ "$binary_size" -le $((8 * 1024 * 1024)) ] || fail "the installed binary is $binary_size bytes, over 8 MB"
# manylinux2014: nothing newer than glibc 2.17 is needed.
newest=$(objdump -T "$work/venv/bin/procflow" | grep -o 'GLIBC_[0-9.]*' | sort -t. -k2,2n -u | tail -n 1)
case "$newest" in GLIBC_2.1[0-7]|GLIBC_2.[0-9]|GLIBC_2.[0-9].*|GLIBC_2.1[0-7].*) ;; *) fail "the binary needs $newest (over 2.17)";; esac

echo "-- every command runs from the venv"
[ "$(procflow --version)" = "procflow $version" ] || fail "--version says: $(procflow --version)"
cd "$repo"
procflow check examples/
procflow build examples/lead-generation.flow --emit sop --workflow zoho_funnel > "$work/sop.md"
grep -q '^### ' "$work/sop.md" || fail "build wrote no SOP"
procflow fmt --check examples/
printf 'role  ops   "Ops"   {\nwho "Maria"   }\n' > "$work/messy.flow"
procflow fmt "$work/messy.flow"
grep -q '^role ops "Ops" {$' "$work/messy.flow" || fail "fmt did not format"
python3 "$repo/tests/dist/lsp-smoke.py" procflow
procflow completions bash | grep _procflow >/dev/null || fail "no bash completion"
procflow manpage | grep '^\.TH PROCFLOW' >/dev/null || fail "no man page"

echo "-- pre-commit hooks of dist/pre-commit (language: python), cargo absent"
hooks="$work/hooks"
cp -R "$repo/dist/pre-commit" "$hooks"
git -C "$hooks" init -q
git -C "$hooks" add -A
git -C "$hooks" -c user.email=ci@example.com -c user.name=ci commit -q -m hooks
flows="$work/flows"
mkdir "$flows" && cd "$flows"
git init -q
git config user.email ci@example.com
git config user.name ci
cp "$repo/examples/team.flow" "$repo/examples/lead-generation.flow" .
git add -A
export PIP_FIND_LINKS="$wheels" PRE_COMMIT_HOME="$work/pre-commit-home"
start=$(date +%s.%N)
"$pre_commit" try-repo "$hooks" --all-files
hook_seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# Valid but not formatted: procflow-fmt rewrites it. Does not parse:
# procflow-check fails with the diagnostic, procflow-fmt leaves it.
printf 'role  ops   "Ops"   {\nwho "Maria"   }\n' > messy.flow
printf 'workflow w implements p {\n  step s {\n    owner\n  }\n}\n' > broken.flow
cp broken.flow "$work/broken.orig"
git add messy.flow broken.flow
if "$pre_commit" try-repo "$hooks" --all-files > "$work/out.txt" 2>&1; then
  cat "$work/out.txt"
  fail "the hooks passed on a broken file"
fi
cat "$work/out.txt"
grep -Eq 'procflow check\.+Failed' "$work/out.txt" || fail "procflow-check did not fail"
grep -q 'broken.flow:4:3' "$work/out.txt" || fail "procflow-check did not point at broken.flow"
grep -Eq 'procflow fmt\.+Failed' "$work/out.txt" || fail "procflow-fmt did not report the file it changed"
grep -q '^role ops "Ops" {$' messy.flow || fail "messy.flow was not formatted: $(cat messy.flow)"
cmp -s broken.flow "$work/broken.orig" || fail "procflow-fmt changed a file that does not parse"
git rm -q -f broken.flow
git add messy.flow
"$pre_commit" try-repo "$hooks" --all-files

echo "wheel: $wheel_size bytes; installed binary: $binary_size bytes; newest glibc symbol: $newest"
echo "new venv + pip install of the wheel: ${pip_seconds} s"
echo "first pre-commit run (empty cache: installs the hook package and the wheel, runs both hooks, passes): ${hook_seconds} s"
echo "wheel: ok"
