#!/usr/bin/env bash
# Benchmark `procflow check`: small files (the pre-commit case), a 5,000-line
# file and 1,000 files (the floor of issue 11), large generated files
# (linearity), and `jq` on the same information as JSON as a baseline. The
# language server's latency is bench/lsp_latency.py.
# See bench/README.md and docs/performance.md.
#
#   bench/run.sh [--big] [--runs N] [--no-build] [--rev REV] [--python-timer] [--wait-idle S]
#
#   --big           also time a 60 MB input (2,000 workflows, 200,000 steps)
#   --runs N        timed runs per command (default: 100 small, 20 for 0.6 MB,
#                   10 for 6 MB, 3 for 60 MB)
#   --no-build      do not run `cargo build --release` (use the binary as it is)
#   --rev REV       build and time the committed revision REV (e.g. HEAD) instead
#                   of the working tree: `git archive` into target/bench/rev-src/,
#                   built with its own target dir (target/bench/rev-target/)
#   --python-timer  time with the Python fallback even where hyperfine exists
#   --wait-idle S   before each measurement, wait up to S seconds for other
#                   processes to leave the CPUs alone, and measure again (up to
#                   3 times) when they did not (default 0: do not wait)
#
# Environment: PROCFLOW=path overrides target/release/procflow.
# Prints a Markdown report on standard output (also saved as target/bench/results.md);
# progress and warnings go to standard error. Installs nothing: for the preferred
# timer, `apt-get install -y hyperfine`; without it a Python fallback takes the
# median of N runs.
set -euo pipefail
# The whole script is one brace group, so bash reads all of it before running
# any of it: editing this file while it runs cannot change the running copy.
{

BIG=0
RUNS=""
BUILD=1
PY_TIMER=0
WAIT_IDLE=0
REV=""
while [ $# -gt 0 ]; do
  case "$1" in
    --big) BIG=1 ;;
    --runs) RUNS="${2:?--runs needs a number}"; shift ;;
    --runs=*) RUNS="${1#--runs=}" ;;
    --no-build) BUILD=0 ;;
    --rev) REV="${2:?--rev needs a revision}"; shift ;;
    --rev=*) REV="${1#--rev=}" ;;
    --python-timer) PY_TIMER=1 ;;
    --wait-idle) WAIT_IDLE="${2:?--wait-idle needs a number of seconds}"; shift ;;
    --wait-idle=*) WAIT_IDLE="${1#--wait-idle=}" ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$RUNS" ] && ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --runs wants a positive whole number, not '$RUNS'" >&2
  exit 2
fi
if ! [[ "$WAIT_IDLE" =~ ^[0-9]+$ ]]; then
  echo "run.sh: --wait-idle wants a whole number of seconds, not '$WAIT_IDLE'" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="target/bench"
mkdir -p "$OUT"

log() { printf '%s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

if ! have python3; then
  log "run.sh: python3 is needed (bench/gen.py and bench/timing.py)"
  exit 2
fi

# ---------------------------------------------------------------------------
# Build and tools.

# The commit measured (read-only git commands), and whether src/ differs from it.
source_version() {
  if ! have git || ! git rev-parse --git-dir >/dev/null 2>&1; then
    echo "unknown (not a git checkout)"
    return
  fi
  local rev
  rev=$(git log -1 --format='%h %s' 2>/dev/null || echo '?')
  if git diff --quiet HEAD -- src grammar Cargo.toml Cargo.lock 2>/dev/null; then
    echo "commit $rev"
  else
    echo "commit $rev, with uncommitted changes in src/, grammar/ or Cargo.*"
  fi
}

PF="${PROCFLOW:-target/release/procflow}"
if [ -n "$REV" ]; then
  # A committed revision, built apart from the working tree (which someone may
  # be editing). Only read-only git commands.
  if ! sha=$(git rev-parse --verify --quiet "$REV^{commit}"); then
    log "run.sh: --rev: no such commit: $REV"
    exit 2
  fi
  SOURCE="commit $(git log -1 --format='%h %s' "$sha") (built from git archive)"
  PF="$OUT/rev-${sha:0:12}/procflow"  # named procflow, as perf and ps show it
  if [ ! -x "$PF" ]; then
    log "== git archive ${sha:0:12} && cargo build --release"
    rm -rf "$OUT/rev-src"
    mkdir -p "$OUT/rev-src"
    git archive "$sha" | tar -x -C "$OUT/rev-src"
    if ! (cd "$OUT/rev-src" && CARGO_TARGET_DIR="$ROOT/$OUT/rev-target" cargo build --release >&2); then
      log "run.sh: cargo build --release of $REV failed"
      exit 2
    fi
    mkdir -p "$(dirname "$PF")"
    cp "$OUT/rev-target/release/procflow" "$PF"
  fi
elif [ "$BUILD" = 1 ] && [ -z "${PROCFLOW:-}" ]; then
  log "== cargo build --release"
  if ! have cargo || ! cargo build --release >&2; then
    log "run.sh: WARNING: cargo build --release failed; timing what exists"
  fi
  SOURCE=$(source_version)
else
  SOURCE=$(source_version)
fi
HAVE_PF=0
if [ -x "$PF" ]; then
  HAVE_PF=1
  PF_SHOWN=$PF
  if [ -z "$REV" ]; then
    # Time a copy, so that a rebuild during the run does not mix two binaries.
    cp "$PF" "$OUT/procflow.tmp" && mv "$OUT/procflow.tmp" "$OUT/procflow"
    PF="$OUT/procflow"
  fi
else
  log "run.sh: WARNING: $PF not found; the procflow columns will say n/a"
fi
HAVE_JQ=0
if have jq; then
  HAVE_JQ=1
else
  log "run.sh: WARNING: jq not found (apt-get install -y jq); the jq columns will say n/a"
fi
TIMING_OPTS=(--out "$OUT" --wait-idle "$WAIT_IDLE")
if [ "$WAIT_IDLE" -gt 0 ]; then
  TIMING_OPTS+=(--attempts 3)
fi
if [ "$PY_TIMER" = 0 ] && have hyperfine; then
  TIMER="hyperfine $(hyperfine --version | awk '{print $2}') (-N, no shell; 1 warm-up run)"
else
  [ "$PY_TIMER" = 1 ] || log "run.sh: hyperfine not found, using the Python fallback (apt-get install -y hyperfine)"
  TIMING_OPTS+=(--python)
  TIMER="python3 fallback (subprocess, 1 warm-up run; wall times include ~1 ms of Python)"
fi

# ---------------------------------------------------------------------------
# Inputs. Generated ones: NAME, its .flow, .json (every attribute written) and
# .sparse.json (absent attributes left out), regenerated when bench/gen.py changes.

GENERATED=()
gen() { # gen NAME PROCESSES STEPS
  local name=$1 p=$2 m=$3 file
  local -a form
  for file in "$name.flow" "$name.json" "$name.sparse.json"; do
    case "$file" in
      *.sparse.json) form=(--json --sparse) ;;
      *.json) form=(--json) ;;
      *) form=() ;;
    esac
    if [ ! -s "$OUT/$file" ] || [ bench/gen.py -nt "$OUT/$file" ]; then
      log "== generating $OUT/$file ($p processes x $m steps)"
      python3 bench/gen.py --processes "$p" --steps "$m" "${form[@]}" > "$OUT/$file.tmp"
      mv "$OUT/$file.tmp" "$OUT/$file"
    fi
  done
  GENERATED+=("$name")
  STEPS[$name]=$((p * m))
}

declare -A STEPS
gen "bench-0.6mb" 20 100
gen "bench-6mb" 200 100
if [ "$BIG" = 1 ]; then
  gen "bench-60mb" 2000 100
fi
runs_for() { # default runs per input
  case "$1" in
    small) echo "${RUNS:-100}" ;;
    bench-0.6mb) echo "${RUNS:-20}" ;;
    bench-6mb) echo "${RUNS:-10}" ;;
    *) echo "${RUNS:-3}" ;;
  esac
}

# Workflow steps of Flow files: `step` lines inside a top-level `workflow` block.
count_steps() { awk '/^[a-z]/ { inwf = ($1 == "workflow") } inwf && $1 == "step" { n++ } END { print n + 0 }' "$@"; }

EXAMPLE="examples/lead-generation.flow"
EXAMPLES_DIR="examples"
SMALL=()
if [ -f "$EXAMPLE" ]; then
  SMALL+=("$EXAMPLE")
else
  log "run.sh: $EXAMPLE not found; skipping it"
fi
if [ -d "$EXAMPLES_DIR" ]; then
  SMALL+=("$EXAMPLES_DIR/")
else
  log "run.sh: $EXAMPLES_DIR/ not found; skipping it"
fi
# The floor of issue 11 (pest as the one parser): a file of 5,000 lines (5,451:
# gen.py with 5 processes of 100 steps, 151 kB) and 1,000 small files sharing
# one team.flow (bench/many.sh, 3.6 MB), each timed like the small inputs.
LINES5K="$OUT/bench-5k-lines.flow"
if [ ! -s "$LINES5K" ] || [ bench/gen.py -nt "$LINES5K" ]; then
  log "== generating $LINES5K (5 processes x 100 steps)"
  python3 bench/gen.py --processes 5 --steps 100 > "$LINES5K.tmp"
  mv "$LINES5K.tmp" "$LINES5K"
fi
SMALL+=("$LINES5K")
if MANY=$(bash bench/many.sh --make-only 1000); then
  SMALL+=("$MANY")
else
  MANY=""
  log "run.sh: bench/many.sh --make-only failed; skipping the 1,000 files"
fi

# ---------------------------------------------------------------------------
# Measuring. `measure KEY RUNS CMD ARGS...` fills the arrays below with the
# median wall time, the standard deviation, the mean user and system
# CPU times of one run (ms), and the CPU other processes used meanwhile.

declare -A MED SD USR SYS FOREIGN
BUSY=()
measure() {
  local key=$1 runs=$2
  shift 2
  local line
  line=$(python3 bench/timing.py "${TIMING_OPTS[@]}" --runs "$runs" -- "$@")
  read -r "MED[$key]" _ "SD[$key]" "USR[$key]" "SYS[$key]" "FOREIGN[$key]" <<<"$line"
  if awk -v f="${FOREIGN[$key]}" 'BEGIN { exit !(f + 0 > 0.1) }'; then
    BUSY+=("- \`$key\`: ${FOREIGN[$key]} CPUs")
    log "run.sh: WARNING: other processes used ${FOREIGN[$key]} CPUs while timing $key"
  fi
}
# CPU time of one run: user + system.
cpu() { awk -v u="${USR[$1]:-n/a}" -v s="${SYS[$1]:-n/a}" 'BEGIN { if (u == "n/a" || s == "n/a") print "n/a"; else { t = u + s; printf (t < 10 ? "%.2f" : "%.1f"), t } }'; }

size() { awk -v b="$(wc -c < "$1")" 'BEGIN { if (b < 100000) printf "%.1f kB", b / 1e3; else printf "%.2f MB", b / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }
# verdict VALUE OP LIMIT: "met" / "NOT met" / "n/a", OP one of le, lt.
verdict() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v == "n/a" || v == "") { print "n/a"; exit }
    ok = (op == "lt") ? (v + 0 < l + 0) : (v + 0 <= l + 0)
    print (ok ? "met" : "NOT met") }'
}

# One untimed run: what procflow says, and its peak memory. Sets RC[key],
# LINES[key] and RSS[key] (MiB, the peak resident set size). The output goes to target/bench/KEY.check.txt
# (KEY with `/` and `:` as `_`).
declare -A RC LINES RSS
probe() { # probe KEY PATH
  local key=$1 path=$2 file line
  file="$OUT/${key//[\/:]/_}.check.txt"
  line=$(python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out:
    rc = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=out,
                        stderr=subprocess.STDOUT, check=False).returncode
print(rc, f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
' "$file" "$PF" check "$path" --format short) || line="n/a n/a"
  read -r "RC[$key]" "RSS[$key]" <<<"$line"
  LINES[$key]=$(awk 'END { print NR }' "$file")
}
# Exit status 2 means "could not run" (a bad flag, an unreadable path): timing
# that would time an error message.
runnable() { # runnable KEY
  case "${RC[$1]:-}" in
    0|1) return 0 ;;
    *)
      log "run.sh: WARNING: procflow check exited ${RC[$1]:-?} for $1 (could not run); not timing it:"
      awk '{ print "    " $0 }' "$OUT/${1//[\/:]/_}.check.txt" | head -n 5 >&2
      return 1 ;;
  esac
}

if [ "$HAVE_PF" = 1 ]; then
  for path in "${SMALL[@]}"; do
    key="small:$path"
    probe "$key" "$path"
    runnable "$key" || continue
    log "== timing procflow check $path ($(runs_for small) runs)"
    measure "$key" "$(runs_for small)" "$PF" check "$path" --format short
  done
fi
for name in "${GENERATED[@]}"; do
  flow="$OUT/$name.flow"
  runs=$(runs_for "$name")
  if [ "$HAVE_PF" = 1 ]; then
    probe "$name" "$flow"
    if [ "${RC[$name]}" != 0 ] || [ "${LINES[$name]}" -gt 0 ]; then
      log "run.sh: WARNING: procflow check $flow exited ${RC[$name]} and printed ${LINES[$name]} line(s);"
      log "  a generated file should be clean. First lines (all in $OUT/$name.check.txt):"
      awk '{ print "    " $0 }' "$OUT/$name.check.txt" | head -n 5 >&2
      log "  independent check of the generator: $(python3 bench/check_gen.py "$flow" | tail -n 1)"
    fi
    if runnable "$name"; then
      log "== timing procflow check $flow ($runs runs)"
      measure "pf:$name" "$runs" "$PF" check "$flow" --format short
    fi
  fi
  if [ "$HAVE_JQ" = 1 ]; then
    for form in json sparse.json; do
      log "== timing jq empty and jq -c . on $OUT/$name.$form ($runs runs)"
      measure "jqe:$name.$form" "$runs" jq empty "$OUT/$name.$form"
      measure "jqc:$name.$form" "$runs" jq -c . "$OUT/$name.$form"
    done
  fi
done

# ---------------------------------------------------------------------------
# Report.

or_na() { [ -n "${1:-}" ] && echo "$1" || echo "n/a"; }
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mhz=$(awk -F': *' '/^cpu MHz/ { printf "%.0f MHz", $2; exit }' /proc/cpuinfo 2>/dev/null || true)
six="bench-6mb"

report() {
  echo "## procflow benchmark"
  echo
  echo "Wall: median wall-clock time of one run. CPU: mean user + system time of one"
  echo "run, all threads (procflow resolves and lints the workflows of large files, and"
  echo "reads and parses many files, on several threads, so CPU can exceed wall)."
  echo "Times in ms."
  echo
  echo "### Small and medium inputs (the pre-commit case; a 5,000-line file; 1,000 files)"
  echo
  echo "| command | size | workflow steps | exit, lines printed | wall median | ± σ | user | system |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  local path key files bytes
  for path in "${SMALL[@]}"; do
    key="small:$path"
    if [ -d "$path" ]; then
      mapfile -t files < <(find "$path" -name '*.flow' -type f | sort)
      bytes=$(cat "${files[@]}" | wc -c)
      echo "| \`procflow check $path\` (${#files[@]} files) | $(awk -v b="$bytes" 'BEGIN { printf "%.1f kB", b / 1e3 }') | $(count_steps "${files[@]}") | $(or_na "${RC[$key]:-}"), $(or_na "${LINES[$key]:-}") | $(or_na "${MED[$key]:-}") | $(or_na "${SD[$key]:-}") | $(or_na "${USR[$key]:-}") | $(or_na "${SYS[$key]:-}") |"
    else
      echo "| \`procflow check $path\` | $(size "$path") | $(count_steps "$path") | $(or_na "${RC[$key]:-}"), $(or_na "${LINES[$key]:-}") | $(or_na "${MED[$key]:-}") | $(or_na "${SD[$key]:-}") | $(or_na "${USR[$key]:-}") | $(or_na "${SYS[$key]:-}") |"
    fi
  done
  echo
  echo "### Large generated inputs: linearity"
  echo
  echo "Each input is 10 times the previous one; a linear checker takes at most about"
  echo "10 times as long (less on wall time while the fixed start-up cost still counts)."
  echo
  echo "| input | .flow size | workflow steps | exit, lines printed | wall median | ± σ | CPU (user + sys) | wall ratio to previous | CPU ratio to previous | peak memory |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  local name prev="" wr cr
  for name in "${GENERATED[@]}"; do
    wr="—"; cr="—"
    if [ -n "$prev" ]; then
      wr=$(ratio "${MED[pf:$name]:-}" "${MED[pf:$prev]:-}")
      cr=$(ratio "$(cpu "pf:$name")" "$(cpu "pf:$prev")")
    fi
    echo "| $name | $(size "$OUT/$name.flow") | ${STEPS[$name]} | $(or_na "${RC[$name]:-}"), $(or_na "${LINES[$name]:-}") | $(or_na "${MED[pf:$name]:-}") | $(or_na "${SD[pf:$name]:-}") | $(cpu "pf:$name") | $wr | $cr | $(or_na "${RSS[$name]:-}") MiB |"
    prev=$name
  done
  echo
  echo "### Against jq on the same information as JSON"
  echo
  echo "\`full\`: every attribute of every object written (\`null\`, \`false\`, \`[]\` where"
  echo "absent, durations also in seconds); \`sparse\`: absent attributes left out, as"
  echo "a hand-written document would. \`jq empty\` only parses; \`jq -c .\` also builds"
  echo "the values and prints them (to /dev/null). Ratios below 1 mean procflow is faster;"
  echo "0.25 means 4 times faster."
  echo
  echo "| input | JSON | .json size | jq empty wall | jq empty CPU | jq -c . wall | jq -c . CPU | procflow wall | procflow CPU | procflow / jq empty (wall) | procflow / jq empty (CPU) | procflow / jq -c . (wall) | procflow / jq -c . (CPU) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  local form label
  for name in "${GENERATED[@]}"; do
    for form in json sparse.json; do
      label=full
      [ "$form" = json ] || label=sparse
      echo "| $name | $label | $(size "$OUT/$name.$form") | $(or_na "${MED[jqe:$name.$form]:-}") | $(cpu "jqe:$name.$form") | $(or_na "${MED[jqc:$name.$form]:-}") | $(cpu "jqc:$name.$form") | $(or_na "${MED[pf:$name]:-}") | $(cpu "pf:$name") | $(ratio "${MED[pf:$name]:-}" "${MED[jqe:$name.$form]:-}") | $(ratio "$(cpu "pf:$name")" "$(cpu "jqe:$name.$form")") | $(ratio "${MED[pf:$name]:-}" "${MED[jqc:$name.$form]:-}") | $(ratio "$(cpu "pf:$name")" "$(cpu "jqc:$name.$form")") |"
    done
  done
  echo
  echo "### Targets"
  echo
  local small_ms="${MED[small:$EXAMPLE]:-n/a}" six_ms="${MED[pf:$six]:-n/a}"
  local r_full r_sparse
  r_full=$(ratio "$six_ms" "${MED[jqc:$six.json]:-}")
  r_sparse=$(ratio "$six_ms" "${MED[jqc:$six.sparse.json]:-}")
  echo "| target | measured | verdict |"
  echo "| --- | --- | --- |"
  local lines_ms="${MED[small:$LINES5K]:-n/a}" many_ms="n/a"
  [ -z "$MANY" ] || many_ms="${MED[small:$MANY]:-n/a}"
  echo "| small file (\`$EXAMPLE\`) in a few ms (≤ 5 ms) | $small_ms ms | $(verdict "$small_ms" le 5) |"
  echo "| a file of 5,000 lines ($(awk 'END { print NR }' "$LINES5K") lines) in ≤ 20 ms | $lines_ms ms | $(verdict "$lines_ms" le 20) |"
  echo "| 1,000 files (about 3.6 MB) in ≤ 0.5 s | $many_ms ms | $(verdict "$many_ms" le 500) |"
  echo "| 6 MB file (20,000 steps) well under 0.3 s | $six_ms ms | $(verdict "$six_ms" lt 300) (< 300 ms) |"
  echo "| within 0.6x \`jq -c .\` on the same information (ratio ≤ 0.6), full JSON | $r_full | $(verdict "$r_full" le 0.6) |"
  echo "| same, sparse JSON | $r_sparse | $(verdict "$r_sparse" le 0.6) |"
  echo "| same, sparse JSON, CPU time (procflow uses both cores, jq one) | $(ratio "$(cpu "pf:$six")" "$(cpu "jqc:$six.sparse.json")") | $(verdict "$(ratio "$(cpu "pf:$six")" "$(cpu "jqc:$six.sparse.json")")" le 0.6) |"
  prev=""
  for name in "${GENERATED[@]}"; do
    if [ -n "$prev" ]; then
      wr=$(ratio "${MED[pf:$name]:-}" "${MED[pf:$prev]:-}")
      cr=$(ratio "$(cpu "pf:$name")" "$(cpu "pf:$prev")")
      echo "| 10x the input ($prev → $name) at most 11x the time, wall | $wr | $(verdict "$wr" le 11) |"
      echo "| same, CPU time | $cr | $(verdict "$cr" le 11) |"
    fi
    prev=$name
  done
  echo
  if [ "${#BUSY[@]}" -gt 0 ]; then
    echo "**Warning:** other processes used the CPUs during these measurements, so their"
    echo "numbers are pessimistic; re-run on a quiet machine (or with \`--wait-idle 120\`):"
    echo
    printf '%s\n' "${BUSY[@]}"
    echo
  fi
  echo "### Machine and tools"
  echo
  echo "- nproc: $(nproc 2>/dev/null || echo '?')"
  echo "- CPU: ${cpu_model:-unknown}${mhz:+ ($mhz)}"
  echo "- kernel: $(uname -r)"
  echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo '?')"
  echo "- timer: $TIMER"
  echo "- procflow: $([ "$HAVE_PF" = 1 ] && echo "$PF_SHOWN ($("$PF" --version 2>/dev/null || echo '?'))" || echo 'not built')"
  echo "- source: $SOURCE"
  echo "- rustc: $(rustc --version 2>/dev/null || echo 'not found')"
  echo "- jq: $(jq --version 2>/dev/null || echo 'not found')"
  echo "- command timed: \`procflow check FILE --format short\` (exit status ignored)"
  echo "- most CPU used by other processes during one measurement: $(printf '%s\n' "${FOREIGN[@]}" | awk '$1 != "n/a" && $1 + 0 > m { m = $1 + 0 } END { printf "%.2f CPUs", m }')"
}
report | tee "$OUT/results.md"
exit
}
