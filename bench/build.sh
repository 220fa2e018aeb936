#!/usr/bin/env bash
# How long does `procflow build` take, against `procflow check` on the same file?
#
#   bench/build.sh [--runs N] [--rounds R] [--out DIR] [--delete] [--no-build] [FILE]
#
# Times, with hyperfine (needed: apt-get install -y hyperfine), on FILE (default:
# the 6 MB generated input, `bench/gen.py --processes 200 --steps 100`):
#
#   procflow check FILE --format short
#   procflow build FILE --emit dot -o OUT/FILE.dot
#   procflow build FILE --emit plan|mermaid|sop --out-dir OUT/…   (one file per workflow)
#
# Every build writes every file afresh: before each run the previous output is
# moved aside (renamed into OUT/aside/), so `build` finds nothing to leave as
# it is. The moved outputs are deleted once all rounds are done. They are not
# deleted between runs: on ext4 without a journal (this project's VMs), creating
# a file skips over the inodes freed in the last minutes one by one, so deleting
# 200 files before each run makes each run's file creations slower than the last
# (`--delete` does that anyway, to see it). See docs/performance.md.
#
# The commands are timed in R rounds (hyperfine, N runs of each per round); a
# round's ratio is a build's mean wall time over the check's in the same round,
# so that the machine slowing down between rounds moves both. Prints a Markdown
# table per round and a summary: the median, lowest and highest ratio of each
# build over the rounds. The backends issue asks for every ratio to be at most 2.
#
#   --runs N     timed runs per command and round (default 20)
#   --rounds R   rounds (default 3)
#   --out DIR    where the outputs go (default target/bench/build-out; a tmpfs
#                such as /dev/shm/procflow-bench leaves the disk out)
#   --delete     delete the output before each run instead of moving it aside
#   --no-build   do not run `cargo build --release` first
set -euo pipefail
{
RUNS=20
ROUNDS=3
BUILD=1
DELETE=0
FILE=""
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="${2:?--runs needs a number}"; shift ;;
    --rounds) ROUNDS="${2:?--rounds needs a number}"; shift ;;
    --out) OUT="${2:?--out needs a folder}"; shift ;;
    --delete) DELETE=1 ;;
    --no-build) BUILD=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "build.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    *) FILE=$1 ;;
  esac
  shift
done
for n in "$RUNS" "$ROUNDS"; do
  if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
    echo "build.sh: --runs and --rounds want a positive whole number, not '$n'" >&2
    exit 2
  fi
done
command -v hyperfine >/dev/null 2>&1 || { echo "build.sh: hyperfine is needed (apt-get install -y hyperfine)" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BENCH="target/bench"
mkdir -p "$BENCH"
OUT="${OUT:-$BENCH/build-out}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
if [ "$BUILD" = 1 ]; then
  cargo build --release >&2
fi
# Time a copy, so that a rebuild during the run does not mix two binaries.
cp target/release/procflow "$BENCH/procflow-build.tmp" && mv "$BENCH/procflow-build.tmp" "$BENCH/procflow-build"
PF="$ROOT/$BENCH/procflow-build"
if [ -z "$FILE" ]; then
  FILE="$BENCH/bench-6mb.flow"
  if [ ! -s "$FILE" ] || [ bench/gen.py -nt "$FILE" ]; then
    echo "== generating $FILE" >&2
    python3 bench/gen.py --processes 200 --steps 100 > "$FILE.tmp" && mv "$FILE.tmp" "$FILE"
  fi
fi
"$PF" check "$FILE" --format short >/dev/null || { echo "build.sh: $FILE does not check clean" >&2; exit 2; }

# The step run before each timed build: move (or delete) the last output.
ASIDE="$OUT/aside"
mkdir -p "$ASIDE"
CLEAR="$BENCH/clear-output.sh"
if [ "$DELETE" = 1 ]; then
  printf '#!/bin/sh\nrm -rf "$1"\n' > "$CLEAR"
else
  printf '#!/bin/sh\n[ -e "$1" ] || exit 0\nmv "$1" "%s/$(date +%%s%%N)"\n' "$ASIDE" > "$CLEAR"
fi
chmod +x "$CLEAR"
trap 'rm -rf "$ASIDE"' EXIT

for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS" >&2
  hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$BENCH/build-$round.json" \
    --prepare true \
    --prepare "$CLEAR $OUT/dot" --prepare "$CLEAR $OUT/plan" \
    --prepare "$CLEAR $OUT/mermaid" --prepare "$CLEAR $OUT/sop" \
    -n check "$PF check $FILE --format short" \
    -n dot "$PF build $FILE --emit dot --out-dir $OUT/dot" \
    -n plan "$PF build $FILE --emit plan --out-dir $OUT/plan" \
    -n mermaid "$PF build $FILE --emit mermaid --out-dir $OUT/mermaid" \
    -n sop "$PF build $FILE --emit sop --out-dir $OUT/sop" >&2
done

python3 - "$BENCH" "$ROUNDS" "$FILE" "$OUT" "$DELETE" <<'EOF'
import json, os, statistics, sys
bench, rounds, file, out, delete = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] == "1"
print(f"`{file}` ({os.path.getsize(file) / 1e6:.2f} MB); output in `{out}`, "
      f"{'deleted' if delete else 'moved aside'} before each run; "
      "wall mean ± σ, CPU of one run (all threads), ms")
ratios = {}
for r in range(1, rounds + 1):
    results = json.load(open(f"{bench}/build-{r}.json"))["results"]
    check = next(x for x in results if x["command"] == "check")["mean"]
    print()
    print(f"Round {r}:")
    print()
    print("| command | wall | user | system | ratio to check |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for x in results:
        ratio = x["mean"] / check
        if x["command"] != "check":
            ratios.setdefault(x["command"], []).append(ratio)
        print(f"| {x['command']} | {x['mean'] * 1000:.1f} ± {x['stddev'] * 1000:.1f} | "
              f"{x['user'] * 1000:.1f} | {x['system'] * 1000:.1f} | {ratio:.2f} |")
print()
print(f"Ratio to check over {rounds} rounds:")
print()
print("| build | median | lowest | highest |")
print("| --- | ---: | ---: | ---: |")
for command, rs in ratios.items():
    print(f"| {command} | {statistics.median(rs):.2f} | {min(rs):.2f} | {max(rs):.2f} |")
EOF
exit
}
