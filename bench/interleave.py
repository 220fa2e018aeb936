#!/usr/bin/env python3
"""Time several commands run by turns (standard library only).

    python3 bench/interleave.py [--runs N] [--warmup W] --json FILE [--markdown] \\
        NAME 'COMMAND' 'PREPARE' [NAME 'COMMAND' 'PREPARE' ...]

Each of the N rounds runs every command once, in turn (the first command of a
round moves one place each round, so that no command always runs first),
after its PREPARE (a shell command, not timed; '' for none). A machine whose
speed drifts (another virtual machine on the same host, a CPU that heats up)
then slows every command alike, and the ratio of two commands' times stays
meaningful even when their times do not.

Commands run without a shell (split like a shell would, with shlex), their
output discarded; a command that fails stops the benchmark. The wall time of a
run is taken around posix_spawn and wait4; what that costs (measured the same
way on `true`, by turns with the others) is taken off every time. User and
system CPU times come from wait4.

Writes FILE: for each command its name, command line, the wall times of every
run (seconds), the median, and the mean user and system CPU times; and for each
command but the first, the median over the rounds of its time divided by the
first command's time in the same round ("paired ratio"). Prints a summary on
standard error and, with --markdown, a table of the results on standard
output.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(argv: list[str]) -> tuple[float, float, float]:
    """Wall, user and system seconds of one run of argv (output discarded)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        start = time.perf_counter()
        pid = os.posix_spawnp(
            argv[0],
            argv,
            dict(os.environ),
            file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2),
            ],
        )
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    finally:
        os.close(devnull)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"interleave.py: `{shlex.join(argv)}` exited with {code}")
    return wall, usage.ru_utime, usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", required=True)
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="also print the results as a Markdown table on standard output",
    )
    parser.add_argument("triples", nargs="+", metavar="NAME COMMAND PREPARE")
    args = parser.parse_args()
    if len(args.triples) % 3 != 0 or args.runs < 1:
        parser.error("give NAME COMMAND PREPARE triples, and --runs of at least 1")
    commands = [
        (args.triples[k], shlex.split(args.triples[k + 1]), args.triples[k + 2])
        for k in range(0, len(args.triples), 3)
    ]
    # The cost of starting and waiting for a process, timed by turns too.
    commands.append(("(spawn)", ["true"], ""))
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _, _ in commands}
    for round_ in range(-args.warmup, args.runs):
        shift = round_ % len(commands)
        for name, argv, prepare in commands[shift:] + commands[:shift]:
            if prepare:
                subprocess.run(prepare, shell=True, check=True)
            result = run(argv)
            if round_ >= 0:
                times[name].append(result)
    spawn = statistics.median(w for w, _, _ in times.pop("(spawn)"))
    commands.pop()
    first = commands[0][0]
    report = {"spawn_seconds": spawn, "commands": []}
    for name, argv, _ in commands:
        walls = [w - spawn for w, _, _ in times[name]]
        entry = {
            "name": name,
            "command": shlex.join(argv),
            "walls": walls,
            "median": statistics.median(walls),
            "user": statistics.mean(u for _, u, _ in times[name]),
            "system": statistics.mean(s for _, _, s in times[name]),
        }
        if name != first:
            base = [w - spawn for w, _, _ in times[first]]
            entry["paired_ratio"] = statistics.median(w / b for w, b in zip(walls, base))
        report["commands"].append(entry)
    with open(args.json, "w") as f:
        json.dump(report, f, indent=1)
    for e in report["commands"]:
        ratio = f"  {e['paired_ratio']:.2f}x {first}" if "paired_ratio" in e else ""
        print(f"{e['name']:>10}: median {e['median'] * 1000:6.1f} ms{ratio}", file=sys.stderr)
    if args.markdown:
        print_markdown(report, first)


def print_markdown(report: dict, first: str) -> None:
    """The report as a Markdown table, times in ms."""
    print(f"| command | wall, median | wall, range | user | system | ratio to {first} |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for c in report["commands"]:
        ratio = f"{c['paired_ratio']:.2f}" if "paired_ratio" in c else "1"
        print(
            f"| {c['name']} | {c['median'] * 1000:.1f} | "
            f"{min(c['walls']) * 1000:.1f}–{max(c['walls']) * 1000:.1f} | "
            f"{c['user'] * 1000:.1f} | {c['system'] * 1000:.1f} | {ratio} |"
        )


if __name__ == "__main__":
    main()
