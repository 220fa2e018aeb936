# What the benchmark scripts share (sourced by bench/build.sh, bench/audit.sh
# and bench/hostile.sh, from the repository's root).

# bench_runs SCRIPT N: stops with a message unless N is a positive whole number.
bench_runs() {
  if ! [[ "$2" =~ ^[1-9][0-9]*$ ]]; then
    echo "$1: --runs wants a positive whole number, not '$2'" >&2
    exit 2
  fi
}

# bench_binary DIR BUILD: runs `cargo build --release` when BUILD is 1, then
# prints the path of a copy of the release binary in DIR. The copy is what is
# timed, so that a rebuild during the run does not mix two binaries.
bench_binary() {
  mkdir -p "$1"
  if [ "$2" = 1 ]; then
    cargo build --release >&2
  fi
  cp target/release/procflow "$1/procflow.tmp" && mv "$1/procflow.tmp" "$1/procflow"
  echo "$PWD/$1/procflow"
}

# bench_input: prints the path of the default input, the 6 MB file of
# `bench/gen.py --processes 200 --steps 100`, generated when it is missing or
# older than gen.py.
bench_input() {
  local file="target/bench/bench-6mb.flow"
  mkdir -p target/bench
  if [ ! -s "$file" ] || [ bench/gen.py -nt "$file" ]; then
    echo "== generating $file" >&2
    python3 bench/gen.py --processes 200 --steps 100 > "$file.tmp" && mv "$file.tmp" "$file"
  fi
  echo "$file"
}
