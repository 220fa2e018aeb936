#!/usr/bin/env bash
# How long does `procflow build` take, against `procflow check` on the same file?
#
#   bench/build.sh [--runs N] [--no-build] [FILE]
#
# Times, with hyperfine (needed: apt-get install -y hyperfine), on FILE (default:
# the 6 MB generated input, `bench/gen.py --processes 200 --steps 100`):
#
#   procflow check FILE --format short
#   procflow build FILE --emit dot -o OUT.dot
#   procflow build FILE --emit plan|mermaid|sop --out-dir OUT/   (one file per workflow)
#
# The output folder or file is removed before every run (hyperfine --prepare),
# so each build writes every file afresh. Prints a Markdown table: wall time
# (mean ± σ), user and system CPU, and the ratio of each build's wall time to the
# check's. The backends issue asks for every ratio to be at most 2.
#
#   --runs N     timed runs per command (default 20)
#   --no-build   do not run `cargo build --release` first
set -euo pipefail
{
RUNS=20
BUILD=1
FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="${2:?--runs needs a number}"; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "build.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    *) FILE=$1 ;;
  esac
  shift
done
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
  echo "build.sh: --runs wants a positive whole number, not '$RUNS'" >&2
  exit 2
fi
command -v hyperfine >/dev/null 2>&1 || { echo "build.sh: hyperfine is needed (apt-get install -y hyperfine)" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="target/bench"
mkdir -p "$OUT"
if [ "$BUILD" = 1 ]; then
  cargo build --release >&2
fi
# Time a copy, so that a rebuild during the run does not mix two binaries.
cp target/release/procflow "$OUT/procflow-build.tmp" && mv "$OUT/procflow-build.tmp" "$OUT/procflow-build"
PF="$OUT/procflow-build"
if [ -z "$FILE" ]; then
  FILE="$OUT/bench-6mb.flow"
  if [ ! -s "$FILE" ] || [ bench/gen.py -nt "$FILE" ]; then
    echo "== generating $FILE" >&2
    python3 bench/gen.py --processes 200 --steps 100 > "$FILE.tmp" && mv "$FILE.tmp" "$FILE"
  fi
fi
"$PF" check "$FILE" --format short >/dev/null || { echo "build.sh: $FILE does not check clean" >&2; exit 2; }

DEST="$OUT/build-out"
JSON="$OUT/build.json"
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$JSON" \
  --prepare true --prepare "rm -f $DEST.dot" --prepare "rm -rf $DEST" \
  --prepare "rm -rf $DEST" --prepare "rm -rf $DEST" \
  -n check "$PF check $FILE --format short" \
  -n dot "$PF build $FILE --emit dot -o $DEST.dot" \
  -n plan "$PF build $FILE --emit plan --out-dir $DEST" \
  -n mermaid "$PF build $FILE --emit mermaid --out-dir $DEST" \
  -n sop "$PF build $FILE --emit sop --out-dir $DEST" >&2

python3 - "$JSON" "$FILE" <<'EOF'
import json, os, sys
results = json.load(open(sys.argv[1]))["results"]
check = next(r for r in results if r["command"] == "check")["mean"]
print(f"`{sys.argv[2]}` ({os.path.getsize(sys.argv[2]) / 1e6:.2f} MB); wall mean ± σ, CPU of one run (all threads), ms")
print()
print("| command | wall | user | system | ratio to check |")
print("| --- | ---: | ---: | ---: | ---: |")
for r in results:
    print(f"| {r['command']} | {r['mean'] * 1000:.1f} ± {r['stddev'] * 1000:.1f} | "
          f"{r['user'] * 1000:.1f} | {r['system'] * 1000:.1f} | {r['mean'] / check:.2f} |")
EOF
exit
}
