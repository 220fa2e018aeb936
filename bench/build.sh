#!/usr/bin/env bash
# How long does `procflow build` take, against `procflow check` on the same file?
#
#   bench/build.sh [--runs N] [--out DIR] [--delete] [--no-build] [FILE]
#
# Times, on FILE (default: the 6 MB generated input, `bench/gen.py --processes
# 200 --steps 100`):
#
#   procflow check FILE --format short
#   procflow build FILE --emit dot|plan|mermaid|sop|bpmn --out-dir OUT/…
#     (bpmn in both flavors, camunda8 and spiff)
#     (dot: one file for the whole input; the others: one file per workflow)
#
# The commands run by turns, N rounds of one run each (bench/interleave.py):
# on a machine whose speed drifts (a virtual machine sharing its host), a
# build and the check it is compared with are then timed under the same
# conditions. A build's ratio is the median, over the rounds, of its time
# divided by the check's time in the same round. The backends issue asks for
# every ratio to be at most 2.
#
# Every build writes every file afresh: before each run the previous output is
# moved aside (renamed into OUT/aside/), so `build` finds nothing to leave as
# it is; the moved outputs are deleted at the end. They are not deleted between
# runs: on ext4 without a journal (this project's VMs), creating a file skips
# over the inodes freed in the last minutes one by one, so deleting 200 files
# before each run makes each run's file creations slower than the last
# (`--delete` does it anyway, to see that). See docs/performance.md.
#
#   --runs N     rounds (default 30)
#   --out DIR    where the outputs go (default target/bench/build-out; a tmpfs
#                such as /dev/shm/procflow-bench leaves the disk out)
#   --delete     delete the output before each run instead of moving it aside
#   --no-build   do not run `cargo build --release` first
set -euo pipefail
{
RUNS=30
BUILD=1
DELETE=0
FILE=""
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="${2:?--runs needs a number}"; shift ;;
    --out) OUT="${2:?--out needs a folder}"; shift ;;
    --delete) DELETE=1 ;;
    --no-build) BUILD=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "build.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    *) FILE=$1 ;;
  esac
  shift
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
bench_runs build.sh "$RUNS"
OUT="${OUT:-target/bench/build-out}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
PF="$(bench_binary target/bench/build "$BUILD")"
FILE="${FILE:-$(bench_input)}"
"$PF" check "$FILE" --format short >/dev/null || { echo "build.sh: $FILE does not check clean" >&2; exit 2; }

# The step run before each timed build: move (or delete) the last output.
ASIDE="$OUT/aside"
mkdir -p "$ASIDE"
CLEAR="target/bench/clear-output.sh"
if [ "$DELETE" = 1 ]; then
  printf '#!/bin/sh\nrm -rf "$1"\n' > "$CLEAR"
else
  printf '#!/bin/sh\n[ -e "$1" ] || exit 0\nmv "$1" "%s/$(date +%%s%%N)"\n' "$ASIDE" > "$CLEAR"
fi
chmod +x "$CLEAR"
trap 'rm -rf "$ASIDE"' EXIT

echo "\`$FILE\` ($(stat -c %s "$FILE") bytes), $RUNS rounds; output in \`$OUT\`,"
echo "$([ "$DELETE" = 1 ] && echo deleted || echo moved aside) before each run. Wall time: median, and lowest to highest;"
echo "CPU time of one run (all threads), mean; ms."
echo
python3 bench/interleave.py --runs "$RUNS" --json target/bench/build.json --markdown \
  check "$PF check $FILE --format short" "" \
  dot "$PF build $FILE --emit dot --out-dir $OUT/dot" "$CLEAR $OUT/dot" \
  plan "$PF build $FILE --emit plan --out-dir $OUT/plan" "$CLEAR $OUT/plan" \
  mermaid "$PF build $FILE --emit mermaid --out-dir $OUT/mermaid" "$CLEAR $OUT/mermaid" \
  sop "$PF build $FILE --emit sop --out-dir $OUT/sop" "$CLEAR $OUT/sop" \
  bpmn-camunda8 "$PF build $FILE --emit bpmn --out-dir $OUT/bpmn-camunda8" "$CLEAR $OUT/bpmn-camunda8" \
  bpmn-spiff "$PF build $FILE --emit bpmn --bpmn-flavor spiff --out-dir $OUT/bpmn-spiff" "$CLEAR $OUT/bpmn-spiff"
exit
}
