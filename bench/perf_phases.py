#!/usr/bin/env python3
"""Where does `procflow check` spend its CPU time? (standard library only)

    perf script -F comm,tid,period,ip,sym --no-inline -i perf.data | python3 bench/perf_phases.py

Reads the samples of a `perf record --call-graph dwarf` profile of procflow and
sorts each one into a phase by the outermost procflow function on its stack:

  parse (pest)       the pest parser generated from grammar/flow.pest, the one
                     parser, and finding where each item's window ends
                     (src/syntax/parse.rs: item by item)
  lower              pest pairs to the syntax tree (src/syntax/lower.rs,
                     strings.rs): walking the pairs, unescaping, allocating
  resolve            names, references and the order graph (src/model/)
  checks             the checks and lints (src/check/)
  free at exit       dropping the tree, the model and the report before exit
  read               reading the file
  other              start-up (dynamic loader, clap), thread start and exit,
                     sorting and printing diagnostics

Kernel time (page faults for fresh memory, mostly) counts in the phase whose
user-space stack it interrupted. perf cannot always unwind a stack (it fails
now and then inside libc's memcmp, which the pest parser calls for every
keyword it tries): samples whose stack does not reach the start of a thread are
counted apart, and the shares are of the samples that were unwound. Prints a
Markdown table: the share of CPU time of each phase, split into the main thread
and the worker threads (large files have their workflows resolved and linted
on several threads, src/parallel.rs; parsing is on the main thread).
"""

from __future__ import annotations

import collections
import re
import sys

# Outermost match wins: the stack is searched from its root towards the leaf.
PHASES = [
    ("free at exit", re.compile(r"drop_in_place<(procflow::Report|procflow::model::Model|"
                                r"procflow::workspace::Compilation|core::option::Option<procflow::work)")),
    ("read", re.compile(r"Loader>::read|Workspace<L>::add_path")),
    ("resolve", re.compile(r"procflow::model::")),
    ("checks", re.compile(r"procflow::check::")),
    ("lower", re.compile(r"procflow::syntax::lower::|procflow::syntax::strings::")),
    ("parse (pest)", re.compile(r"FlowParser as pest::parser::Parser|pest::parser_state::|"
                                r"procflow::syntax::parse::(parse_item|next_item_line|starts_top_keyword)")),
]
ORDER = ["parse (pest)", "lower", "resolve", "checks", "free at exit", "read", "other"]


def samples(lines):
    comm = tid = None
    frames: list[str] = []
    for line in lines:
        if not line.strip():
            if comm is not None:
                yield comm, tid, frames
            comm, frames = None, []
        elif not line[0].isspace():
            parts = line.split()
            comm, tid, frames = parts[0], parts[1], []
        else:
            parts = line.strip().split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else "?")
    if comm is not None:
        yield comm, tid, frames


def phase(frames: list[str]) -> str:
    for frame in reversed(frames):  # root first
        for name, pattern in PHASES:
            if pattern.search(frame):
                return name
    return "other"


ROOTS = re.compile(r"^(_start|clone3?|start_thread|_dl_start(_user)?|__libc_start\w*)$")


def unwound(frames: list[str]) -> bool:
    return bool(frames) and bool(ROOTS.match(frames[-1]))


def main() -> int:
    total: collections.Counter[str] = collections.Counter()
    main_thread: collections.Counter[str] = collections.Counter()
    workers: collections.Counter[str] = collections.Counter()
    lost = 0
    lost_leaf: collections.Counter[str] = collections.Counter()
    leaf_phase: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for comm, _tid, frames in samples(sys.stdin):
        if not comm.startswith("procflow"):
            continue
        leaf = frames[0] if frames else "?"
        if not unwound(frames):
            lost += 1
            lost_leaf[leaf] += 1
            continue
        leaf_phase[leaf][phase(frames)] += 1
        p = phase(frames)
        total[p] += 1
        # Worker threads start at clone3/start_thread; the main thread at main.
        if any("start_thread" in f or "clone3" in f for f in frames[-3:]):
            workers[p] += 1
        else:
            main_thread[p] += 1
    n = sum(total.values())
    if n == 0:
        print("no procflow samples", file=sys.stderr)
        return 1
    nm, nw = sum(main_thread.values()), sum(workers.values())
    print("| phase | share of CPU time | main thread | worker threads |")
    print("| --- | ---: | ---: | ---: |")
    for p in ORDER:
        print(f"| {p} | {100 * total[p] / n:.0f}% | {100 * main_thread[p] / n:.0f}% "
              f"| {100 * workers[p] / n:.0f}% |")
    print(f"| total | 100% ({n} samples) | {100 * nm / n:.0f}% | {100 * nw / n:.0f}% |")
    print()
    print(f"{lost} more samples ({100 * lost / (n + lost):.0f}% of all) could not be unwound "
          "and are left out.", end="")
    if lost:
        # Spread each lost sample over the phases its function (the leaf) is seen
        # in on the stacks that were unwound: an estimate of the full picture.
        est: collections.Counter[str] = collections.Counter(total)
        for leaf, count in lost_leaf.items():
            seen = leaf_phase.get(leaf)
            if seen:
                k = sum(seen.values())
                for p, c in seen.items():
                    est[p] += count * c / k
            else:
                est["other"] += count
        m = sum(est.values())
        top = ", ".join(f"`{leaf}` {c}" for leaf, c in lost_leaf.most_common(3))
        shares = ", ".join(f"{p} {100 * est[p] / m:.0f}%" for p in ORDER if est[p] >= 0.5)
        print(f" Most of them are in {top}; spreading each over the phases its function "
              f"is seen in elsewhere gives: {shares}.")
    else:
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
