#!/usr/bin/env bash
# Runs every fuzz target in turn (one at a time: the machine is shared) for
# SECONDS each (default 300); TARGETS="check fmt" runs only those. Logs go to
# fuzz/logs/TARGET.log (ignored by git). It does not minimize: run
# `cargo +nightly fuzz cmin TARGET -O -a -s none` before committing a corpus
# (docs/fuzzing.md says how the committed corpus is kept small). On a shared
# machine, run it under `nice -n 19`.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
mkdir -p logs
# -s none: procflow has no unsafe code, so AddressSanitizer only slows the run.
for target in ${TARGETS:-check fmt backends markdown lsp}; do
  cargo +nightly fuzz run "$target" -O -a -s none -- \
    -max_total_time="$seconds" -max_len=16384 -timeout=10 \
    -dict=flow.dict -print_final_stats=1 >"logs/$target.log" 2>&1
  echo "$target: exit $?"
  grep -E '^stat::number_of_executed_units|DONE' "logs/$target.log" | tail -2
done
