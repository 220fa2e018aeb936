#!/usr/bin/env bash
# `procflow check` on 1,000 small files sharing one `team.flow` (a repository
# of many workflows, checked by CI or a pre-commit run over all files).
# Usage: bench/many.sh [COUNT]   (needs hyperfine; builds --release)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
cargo build --release --quiet
dir=target/bench/many-$count
if [ ! -d "$dir" ]; then
  mkdir -p "$dir"
  cp examples/team.flow "$dir/"
  for i in $(seq 1 "$count"); do
    sed "s/zoho_funnel/zoho_funnel_$i/; s/lead_generation/lead_generation_$i/g" \
      examples/lead-generation.flow > "$dir/lead-$i.flow"
  done
fi
bin=target/release/procflow
"$bin" check "$dir" | tail -1
command -v hyperfine >/dev/null || { echo "install hyperfine: apt-get install -y hyperfine"; exit 1; }
hyperfine -N --warmup 2 --runs 10 "$bin check $dir --format short" "$bin check $dir/lead-1.flow --format short"
