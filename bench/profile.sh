#!/usr/bin/env bash
# Where does `procflow check` spend its time on the 6 MB input? Records a
# `perf record --call-graph dwarf` profile of a few runs and prints the share of
# CPU time per phase (bench/perf_phases.py) and the top functions
# (`perf report --no-children`). See docs/performance.md.
#
#   bench/profile.sh [--runs N] [FILE.flow]
#
#   --runs N   profiled runs (default 4)
#   FILE.flow  default target/bench/bench-6mb.flow (made by bench/run.sh)
#
# Environment: PROCFLOW=path overrides target/release/procflow (build it with
# `cargo build --release` first: the release profile keeps line tables, which
# perf needs to name functions). Needs perf; the profile stays in
# target/bench/perf.data.
set -euo pipefail
# The whole script is one brace group, so bash reads all of it before running
# any of it: editing this file while it runs cannot change the running copy.
{

RUNS=4
FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="${2:?--runs needs a number}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "profile.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    *) FILE=$1 ;;
  esac
  shift
done
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
  echo "profile.sh: --runs wants a positive whole number, not '$RUNS'" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="target/bench"
PF="${PROCFLOW:-target/release/procflow}"
FILE="${FILE:-$OUT/bench-6mb.flow}"
for tool in perf python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "profile.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$PF" ] || { echo "profile.sh: $PF not found (cargo build --release)" >&2; exit 2; }
[ -f "$FILE" ] || { echo "profile.sh: $FILE not found (bench/run.sh makes it)" >&2; exit 2; }
mkdir -p "$OUT"

DATA="$OUT/perf.data"
echo "== perf record: $RUNS runs of procflow check $FILE" >&2
# One process per run, all in one profile; the loop runs in a shell whose own
# samples bench/perf_phases.py ignores. (The single quotes are meant: the inner
# shell expands its own positional parameters.)
# shellcheck disable=SC2016
perf record -q -F 1000 --call-graph dwarf,16384 -o "$DATA" -- \
  sh -c 'i=0; while [ "$i" -lt "$1" ]; do "$2" check "$3" --format short >/dev/null 2>&1; i=$((i + 1)); done' \
  sh "$RUNS" "$PF" "$FILE" >&2

echo "### CPU time by phase ($FILE)"
echo
perf script -i "$DATA" -F comm,tid,period,ip,sym --no-inline 2>/dev/null | python3 bench/perf_phases.py
echo
echo "### Top functions (self time, perf report --no-children)"
echo
echo '```'
perf report -i "$DATA" --comm procflow --no-children --stdio --sort symbol -g none 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -n 20 | cut -c1-140
echo '```'
exit
}
