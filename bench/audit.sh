#!/usr/bin/env bash
# How long does `procflow audit` take, against `procflow check` on the same file?
#
#   bench/audit.sh [--runs N] [--no-build] [FILE]
#
# Times, on FILE (default: the 6 MB generated input, `bench/gen.py --processes
# 200 --steps 100`), by turns (bench/interleave.py, as bench/build.sh does):
#
#   procflow check FILE --format short
#   procflow audit FILE --format human|json|markdown
#
# Each audit's ratio is the median, over the rounds, of its time divided by the
# check's time in the same round. Issue 12 asks for at most 2.
#
#   --runs N     rounds (default 30)
#   --no-build   do not run `cargo build --release` first
set -euo pipefail
{
RUNS=30
BUILD=1
FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="${2:?--runs needs a number}"; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "audit.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    *) FILE=$1 ;;
  esac
  shift
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
bench_runs audit.sh "$RUNS"
PF="$(bench_binary target/bench/audit "$BUILD")"
FILE="${FILE:-$(bench_input)}"
"$PF" check "$FILE" --format short >/dev/null || { echo "audit.sh: $FILE does not check clean" >&2; exit 2; }
"$PF" audit "$FILE" --format json >/dev/null || { echo "audit.sh: audit of $FILE failed" >&2; exit 2; }

echo "\`$FILE\` ($(stat -c %s "$FILE") bytes), $RUNS rounds by turns. Wall time: median, and"
echo "lowest to highest; CPU time of one run (all threads), mean; ms."
echo
python3 bench/interleave.py --runs "$RUNS" --json target/bench/audit.json --markdown \
  check "$PF check $FILE --format short" "" \
  "audit --format human" "$PF audit $FILE --format human" "" \
  "audit --format json" "$PF audit $FILE --format json" "" \
  "audit --format markdown" "$PF audit $FILE --format markdown" ""
exit
}
