#!/usr/bin/env bash
# `procflow check` on 1,000 small files sharing one `team.flow` (a repository
# of many workflows, checked by CI or a pre-commit run over all files): 1,000
# copies of examples/lead-generation.flow (each with its own names), about
# 3.6 MB in all. The floor of issue 11: at most 0.5 s.
# Usage: bench/many.sh [COUNT]              (needs hyperfine; builds --release)
#        bench/many.sh --make-only [COUNT]  (only writes the folder, prints its path;
#                                            bench/run.sh uses it)
set -euo pipefail
cd "$(dirname "$0")/.."
make_only=0
if [ "${1:-}" = --make-only ]; then
  make_only=1
  shift
fi
count=${1:-1000}
dir=target/bench/many-$count
if [ ! -f "$dir/lead-$count.flow" ]; then
  mkdir -p "$dir"
  cp examples/team.flow "$dir/"
  for i in $(seq 1 "$count"); do
    sed "s/zoho_funnel/zoho_funnel_$i/; s/lead_generation/lead_generation_$i/g" \
      examples/lead-generation.flow > "$dir/lead-$i.flow"
  done
fi
if [ "$make_only" = 1 ]; then
  echo "$dir"
  exit 0
fi
cargo build --release --quiet
bin=target/release/procflow
"$bin" check "$dir" | tail -1
command -v hyperfine >/dev/null || { echo "install hyperfine: apt-get install -y hyperfine"; exit 1; }
hyperfine -N --warmup 2 --runs 10 "$bin check $dir --format short" "$bin check $dir/lead-1.flow --format short"
