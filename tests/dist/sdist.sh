#!/usr/bin/env bash
# The source distribution: `maturin sdist` holds what a source build needs
# (Cargo's package list: Cargo.toml's `include`) and nothing else, and
# `pip install` of it builds procflow with cargo.
#
#   tests/dist/sdist.sh        (needs maturin, python3 and cargo; run by .ci/run)
#
# The build reuses the repository's target/ and the dev profile (what
# `cargo test` built), so that CI compiles only procflow itself: the point is
# that the sdist builds, not how fast its binary is.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"

maturin sdist --out "$work/sdist" >/dev/null
sdist="$work/sdist/procflow-$version.tar.gz"
[ -f "$sdist" ] || fail "no $sdist"
tar tzvf "$sdist" | awk '{ print $3, $6 }' > "$work/list"
prefix="procflow-$version"
for needed in pyproject.toml Cargo.toml Cargo.lock README.md grammar/flow.pest src/main.rs src/lib.rs src/check/explain/syntax.md templates/sop.md.j2; do
  grep -q " $prefix/$needed\$" "$work/list" || fail "the sdist lacks $needed"
done
# Only the source (and the templates the binary embeds): nothing outside these,
# and nothing large outside src/.
if grep -Ev " $prefix/(PKG-INFO|pyproject.toml|Cargo.toml|Cargo.lock|README.md|ARCHITECTURE.md|grammar/flow.pest|src/.*|templates/.*)\$" "$work/list"; then
  fail "the sdist holds files a source build does not need (above)"
fi
if awk -v p="$prefix/src/" '$1 > 100 * 1024 && index($2, p) != 1' "$work/list" | grep .; then
  fail "the sdist holds files over 100 KB (above)"
fi
echo "sdist: $(wc -l < "$work/list") files, $(size_of "$sdist") bytes"

python3 -m venv "$work/venv"
CARGO_TARGET_DIR="$repo/target" MATURIN_PEP517_ARGS="--profile dev" \
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check "$sdist"
[ "$("$work/venv/bin/procflow" --version)" = "procflow $version" ] || fail "the sdist's procflow does not run"
"$work/venv/bin/procflow" check examples/
echo "sdist: ok"
