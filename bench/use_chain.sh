#!/bin/sh
# `procflow check DIR` over one chain of `use`s: c0 uses c1, c1 uses c2, …,
# each file also declaring one role (issue 10, defect 5). Each file is a root,
# so N compilations run; the time and peak memory per N, 2N, 4N, … show how
# the check scales with the length of the chain.
#
#   cargo build --release
#   sh bench/use_chain.sh [N] [STEPS] [broken]   # defaults: N=500, STEPS=4
#
# With `broken`, the last file of the chain names an unknown role, so no file
# compiles without errors and every root is compiled with everything it uses
# (the case that stays quadratic).
#
# PROCFLOW=path/to/procflow overrides the binary (default target/release/procflow).
set -eu
BIN=${PROCFLOW:-target/release/procflow}
N=${1:-500}
STEPS=${2:-4}
BROKEN=${3:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf '%8s %10s %12s\n' files seconds "peak MiB"
s=0
while [ "$s" -lt "$STEPS" ]; do
    D="$TMP/chain$N"
    mkdir -p "$D"
    i=0
    while [ "$i" -lt "$N" ]; do
        j=$((i + 1))
        if [ "$j" -lt "$N" ]; then
            printf 'use "c%d.flow"\nrole r%d\n' "$j" "$i" > "$D/c$i.flow"
        elif [ "$BROKEN" = broken ]; then
            printf 'role rlast\nprocess p {\n  owner nobody\n  step a\n}\n' > "$D/c$i.flow"
        else
            printf 'role rlast\n' > "$D/c$i.flow"
        fi
        i=$j
    done
    # GNU time: elapsed seconds and peak resident KiB.
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$BIN" check "$D" --format short > /dev/null || true
    # (Its last line: a failing check adds "Command exited with …" first.)
    tail -n 1 "$TMP/time" > "$TMP/last"
    read -r secs kib < "$TMP/last"
    printf '%8d %10s %12d\n' "$N" "$secs" $((kib / 1024))
    N=$((N * 2))
    s=$((s + 1))
done
