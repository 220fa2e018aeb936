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
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
  echo "audit.sh: --runs wants a positive whole number, not '$RUNS'" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BENCH="target/bench"
mkdir -p "$BENCH"
if [ "$BUILD" = 1 ]; then
  cargo build --release >&2
fi
# Time a copy, so that a rebuild during the run does not mix two binaries.
cp target/release/procflow "$BENCH/procflow-audit.tmp" && mv "$BENCH/procflow-audit.tmp" "$BENCH/procflow-audit"
PF="$ROOT/$BENCH/procflow-audit"
if [ -z "$FILE" ]; then
  FILE="$BENCH/bench-6mb.flow"
  if [ ! -s "$FILE" ] || [ bench/gen.py -nt "$FILE" ]; then
    echo "== generating $FILE" >&2
    python3 bench/gen.py --processes 200 --steps 100 > "$FILE.tmp" && mv "$FILE.tmp" "$FILE"
  fi
fi
"$PF" check "$FILE" --format short >/dev/null || { echo "audit.sh: $FILE does not check clean" >&2; exit 2; }
"$PF" audit "$FILE" --format json >/dev/null || { echo "audit.sh: audit of $FILE failed" >&2; exit 2; }

JSON="$BENCH/audit.json"
python3 bench/interleave.py --runs "$RUNS" --json "$JSON" \
  check "$PF check $FILE --format short" "" \
  human "$PF audit $FILE --format human" "" \
  json "$PF audit $FILE --format json" "" \
  markdown "$PF audit $FILE --format markdown" ""

python3 - "$JSON" "$FILE" "$RUNS" <<'PY'
import json, os, sys
report = json.load(open(sys.argv[1]))
file, runs = sys.argv[2], sys.argv[3]
print(f"`{file}` ({os.path.getsize(file) / 1e6:.2f} MB), {runs} rounds by turns. Wall time: "
      "median, and lowest to highest; CPU time of one run (all threads), mean; ms.")
print()
print("| command | wall, median | wall, range | user | system | ratio to check |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for c in report["commands"]:
    ratio = f"{c['paired_ratio']:.2f}" if "paired_ratio" in c else "1"
    name = "check" if c["name"] == "check" else f"audit --format {c['name']}"
    print(f"| {name} | {c['median'] * 1000:.1f} | {min(c['walls']) * 1000:.1f}–{max(c['walls']) * 1000:.1f} | "
          f"{c['user'] * 1000:.1f} | {c['system'] * 1000:.1f} | {ratio} |")
PY
exit
}
