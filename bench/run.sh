#!/usr/bin/env bash
# Benchmark `procflow check` on large generated Flow files, with `jq` parsing the
# same information as JSON as a baseline. See bench/README.md.
#
#   bench/run.sh [--big] [--runs N] [--no-build] [--python-timer]
#
#   --big        also time a 60 MB input (2,000 workflows, 200,000 steps)
#   --runs N     timed runs per command (default: 20 small, 10 for 6 MB, 3 for 60 MB)
#   --no-build   do not run `cargo build --release` (use the binary as it is)
#   --python-timer  time with the Python fallback even where hyperfine exists
#
# Environment: PROCFLOW=path overrides target/release/procflow.
# Prints a Markdown report on standard output (also saved as target/bench/results.md);
# progress and warnings go to standard error. Installs nothing: for the preferred
# timer, `apt-get install -y hyperfine`; without it a Python fallback takes the
# median of N runs.
set -euo pipefail

BIG=0
RUNS=""
BUILD=1
USE_HYPERFINE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --big) BIG=1 ;;
    --runs) RUNS="${2:?--runs needs a number}"; shift ;;
    --runs=*) RUNS="${1#--runs=}" ;;
    --no-build) BUILD=0 ;;
    --python-timer) USE_HYPERFINE=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$RUNS" ] && ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --runs wants a positive whole number, not '$RUNS'" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="target/bench"
mkdir -p "$OUT"

log() { printf '%s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

if ! have python3; then
  log "run.sh: python3 is needed (bench/gen.py and the timing helpers)"
  exit 2
fi

# ---------------------------------------------------------------------------
# Build.

PF="${PROCFLOW:-target/release/procflow}"
if [ "$BUILD" = 1 ] && [ -z "${PROCFLOW:-}" ]; then
  log "== cargo build --release"
  if ! have cargo || ! cargo build --release >&2; then
    log "run.sh: WARNING: cargo build --release failed; timing what exists"
  fi
fi
HAVE_PF=0
if [ -x "$PF" ]; then
  HAVE_PF=1
else
  log "run.sh: WARNING: $PF not found; the procflow column will say n/a"
fi
HAVE_JQ=0
if have jq; then
  HAVE_JQ=1
else
  log "run.sh: WARNING: jq not found (apt-get install -y jq); the jq columns will say n/a"
fi
if [ "$USE_HYPERFINE" = 1 ] && ! have hyperfine; then
  USE_HYPERFINE=0
  log "run.sh: hyperfine not found, using a Python fallback (install: apt-get install -y hyperfine)"
fi
HF_NOSHELL=""
if [ "$USE_HYPERFINE" = 1 ]; then
  TIMER="hyperfine $(hyperfine --version | awk '{print $2}')"
  if hyperfine --help 2>&1 | grep -q -- '--shell=none'; then
    HF_NOSHELL="-N"
    TIMER+=" (-N, no shell)"
  fi
else
  TIMER="python3 fallback (median of N runs of subprocess, 1 warm-up)"
fi

# ---------------------------------------------------------------------------
# Inputs: NAME FLOW JSON STEPS RUNS (JSON "-" when there is none).

INPUTS=()
gen() { # gen NAME PROCESSES STEPS RUNS
  local name=$1 p=$2 m=$3 runs=$4
  local flow="$OUT/$name.flow" json="$OUT/$name.json"
  if [ ! -s "$flow" ] || [ bench/gen.py -nt "$flow" ]; then
    log "== generating $flow ($p processes x $m steps)"
    python3 bench/gen.py --processes "$p" --steps "$m" > "$flow.tmp" && mv "$flow.tmp" "$flow"
  fi
  if [ ! -s "$json" ] || [ bench/gen.py -nt "$json" ]; then
    log "== generating $json"
    python3 bench/gen.py --processes "$p" --steps "$m" --json > "$json.tmp" && mv "$json.tmp" "$json"
  fi
  INPUTS+=("$name|$flow|$json|$((p * m))|$runs|generated")
}

EXAMPLE="examples/lead-generation.flow"
if [ -f "$EXAMPLE" ]; then
  # Workflow steps: `step` lines inside a top-level `workflow` block.
  ex_steps=$(awk '/^[a-z]/ { inwf = ($1 == "workflow") } inwf && $1 == "step" { n++ } END { print n + 0 }' "$EXAMPLE")
  INPUTS+=("lead-generation|$EXAMPLE|-|$ex_steps|${RUNS:-20}|example")
else
  log "run.sh: $EXAMPLE not found; skipping the small input"
fi
gen "bench-0.6mb" 20 100 "${RUNS:-20}"
gen "bench-6mb" 200 100 "${RUNS:-10}"
if [ "$BIG" = 1 ]; then
  gen "bench-60mb" 2000 100 "${RUNS:-3}"
fi

# ---------------------------------------------------------------------------
# Timing: median_ms RUNS CMD ARGS... -> prints the median wall time in ms.
# Standard output of the command is discarded, as in `CMD > /dev/null`; its exit
# status is ignored (procflow exits 1 when it finds errors, and is timed anyway).

median_ms() {
  local runs=$1; shift
  if [ "$USE_HYPERFINE" = 1 ]; then
    local cmd="" arg tmp
    for arg in "$@"; do cmd+="$(printf '%q' "$arg") "; done
    tmp="$(mktemp "$OUT/hyperfine.XXXXXX.json")"
    # -N (no intermediate shell) where supported: with a shell, hyperfine subtracts
    # an estimate of the shell's cost, which is noise for millisecond commands.
    hyperfine --style none --warmup 1 --runs "$runs" --ignore-failure $HF_NOSHELL \
      --export-json "$tmp" -- "$cmd" >/dev/null 2>&1 || true
    python3 - "$tmp" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))["results"][0]
    ms = r["median"] * 1000
    print(f"{ms:.2f}" if ms < 10 else f"{ms:.1f}")
except Exception:
    print("n/a")
PY
    rm -f "$tmp"
  else
    python3 - "$runs" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
def once():
    t = time.perf_counter()
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
try:
    once()  # warm-up: page cache, binary loaded
    ms = statistics.median(once() for _ in range(runs)) * 1000
    print(f"{ms:.2f}" if ms < 10 else f"{ms:.1f}")
except OSError:
    print("n/a")
PY
  fi
}

mb() { awk -v b="$(wc -c < "$1")" 'BEGIN { if (b < 100000) printf "%.1f kB", b / 1e3; else printf "%.2f MB", b / 1e6 }'; }
fixed2() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3g", a / b; else printf "n/a" }'; }

# ---------------------------------------------------------------------------
# Run.

declare -A T_PF T_JQ
ROWS=()
for entry in "${INPUTS[@]}"; do
  IFS='|' read -r name flow json steps runs kind <<<"$entry"
  pf_ms="n/a"; jq_ms="n/a"; jqe_ms="n/a"; jsize="—"
  if [ "$HAVE_PF" = 1 ]; then
    # One untimed run to see what procflow says about the file.
    rc=0
    "$PF" check "$flow" --format short > "$OUT/$name.check.txt" 2>&1 || rc=$?
    lines=$(wc -l < "$OUT/$name.check.txt")
    if [ "$kind" = generated ] && { [ "$rc" -ne 0 ] || [ "$lines" -gt 0 ]; }; then
      log "run.sh: WARNING: procflow check $flow exited $rc and printed $lines line(s);"
      log "  a generated file should be clean. First lines (all in $OUT/$name.check.txt):"
      head -n 5 "$OUT/$name.check.txt" | sed 's/^/    /' >&2
      log "  independent check of the generator: $(python3 bench/check_gen.py "$flow" | tail -n 1)"
    fi
    log "== timing procflow check $flow ($runs runs)"
    pf_ms=$(median_ms "$runs" "$PF" check "$flow" --format short)
  fi
  if [ "$json" != "-" ]; then
    jsize=$(mb "$json")
    if [ "$HAVE_JQ" = 1 ]; then
      log "== timing jq on $json ($runs runs)"
      jq_ms=$(median_ms "$runs" jq -c . "$json")
      jqe_ms=$(median_ms "$runs" jq empty "$json")
    fi
  fi
  T_PF[$name]=$pf_ms
  T_JQ[$name]=$jq_ms
  ROWS+=("| $name | $(mb "$flow") | $steps | $pf_ms | $jsize | $jq_ms | $jqe_ms | $(ratio "$pf_ms" "$jq_ms") |")
done

# ---------------------------------------------------------------------------
# Report.

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
report() {
  echo "## procflow benchmark"
  echo
  echo "| input | .flow size | workflow steps | procflow check median (ms) | .json size | jq -c . median (ms) | jq empty median (ms) | procflow / jq -c . |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Linearity (ideal 10.0 for 10x the input; more means worse than linear):"
  echo
  echo "- procflow: time(6 MB) / time(0.6 MB) = $(fixed2 "${T_PF[bench-6mb]}" "${T_PF[bench-0.6mb]}")"
  echo "- jq -c .: time(6 MB) / time(0.6 MB) = $(fixed2 "${T_JQ[bench-6mb]}" "${T_JQ[bench-0.6mb]}")"
  if [ "$BIG" = 1 ]; then
    echo "- procflow: time(60 MB) / time(6 MB) = $(fixed2 "${T_PF[bench-60mb]}" "${T_PF[bench-6mb]}")"
    echo "- jq -c .: time(60 MB) / time(6 MB) = $(fixed2 "${T_JQ[bench-60mb]}" "${T_JQ[bench-6mb]}")"
  fi
  echo
  echo "Machine and tools:"
  echo
  echo "- nproc: $(nproc 2>/dev/null || echo '?')"
  echo "- CPU: ${cpu:-unknown}"
  echo "- kernel: $(uname -r)"
  echo "- timer: $TIMER"
  echo "- procflow: $( [ "$HAVE_PF" = 1 ] && echo "$PF" || echo 'not built')"
  echo "- rustc: $(rustc --version 2>/dev/null || echo 'not found')"
  echo "- jq: $(jq --version 2>/dev/null || echo 'not found')"
  echo "- command timed: \`procflow check FILE --format short\` (exit status ignored)"
}
report | tee "$OUT/results.md"
