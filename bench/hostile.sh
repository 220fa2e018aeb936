#!/usr/bin/env bash
# Does `procflow check` stay linear on small hostile inputs? (issue 10, defect 5)
#
#   bench/hostile.sh [--runs N] [--steps K] [--no-build]
#
# For each case, generates inputs of size N, 2N, 4N, 8N… (bench/hostile_gen.py)
# and times the release binary on each (bench/timing.py: median wall time of
# N runs, mean CPU time). Linear growth shows as a ratio of about 2 from one
# size to the next; a quadratic pass as 4.
#
#   typo       N roles, N unknown owners near them ("did you mean" N × N)
#   typo-same  N roles, the same unknown owner N times
#   after      N diagnostics on one line (in every format; human shows at most
#              10 of them, json and sarif all of them)
#
# Also prints the size of each output: the human, short and github formats
# stay small however many diagnostics there are (docs/cli.md, "How much is
# shown"). The figures in docs/performance.md come from this script.
#
#   --runs N     timed runs per input (default 5)
#   --steps K    sizes per case (default 4: N, 2N, 4N, 8N)
#   --no-build   do not run `cargo build --release` first
set -euo pipefail
{
RUNS=5
STEPS=4
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="${2:?--runs needs a number}"; shift ;;
    --steps) STEPS="${2:?--steps needs a number}"; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "hostile.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
BENCH="target/bench/hostile"
PF="$(bench_binary "$BENCH" "$BUILD")"

echo "| case | format | N | input | wall, ms | CPU, ms | ratio to N/2 | output |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
run_case() {  # CASE FIRST_N FORMAT...
  local case=$1 n0=$2; shift 2
  for format in "$@"; do
    local prev="" n=$n0
    for _ in $(seq "$STEPS"); do
      local file="$BENCH/$case-$n.flow"
      [ -s "$file" ] || python3 bench/hostile_gen.py "$case" "$n" > "$file"
      local line
      line=$(python3 bench/timing.py --python --runs "$RUNS" -- "$PF" check "$file" --format "$format")
      local median user sys out ratio
      read -r median _ _ user sys _ <<< "$line"
      out=$("$PF" check "$file" --format "$format" | wc -c || true)
      if [ -n "$prev" ]; then ratio=$(python3 -c "print(f'{$median / $prev:.2f}')"); else ratio="—"; fi
      printf '| %s | %s | %d | %s kB | %.1f | %.1f | %s | %s kB |\n' "$case" "$format" "$n" \
        "$(( $(wc -c < "$file") / 1000 ))" "$median" "$(python3 -c "print($user + $sys)")" "$ratio" "$(( out / 1000 ))"
      prev=$median
      n=$(( n * 2 ))
    done
  done
}
run_case typo 500 short
run_case typo-same 2500 short
run_case after 25000 short human github json sarif
exit
}
