#!/usr/bin/env python3
"""Time one command for bench/run.sh (standard library only).

    python3 bench/timing.py [--python] [--wait-idle S] [--attempts K] --runs N --out DIR -- CMD [ARG...]

Prints one line: `MEDIAN_MS MEAN_MS STDDEV_MS USER_MS SYS_MS FOREIGN`, where
USER_MS and SYS_MS are the mean CPU times of one run (all threads), and FOREIGN
is the CPU used by *other* processes while this was measured, in CPUs (0.00 =
the machine was otherwise idle; 1.00 = something else kept one core busy).
Fields that could not be measured are `n/a`.

With hyperfine (the default), it runs `hyperfine -N --warmup 1 --runs N
--ignore-failure` and reads its JSON export. With --python, or when hyperfine
is missing, it runs the command itself: one warm-up, then N timed runs of
subprocess, with the CPU times from `getrusage(RUSAGE_CHILDREN)`; the wall
times then include about a millisecond of Python's process start-up.

With --wait-idle S, it first waits (at most S seconds) until other processes
use less than 0.1 CPUs over a one-second window, so that a concurrent build
does not inflate the numbers; FOREIGN still says what happened during the
measurement itself. With --attempts K, a measurement during which other
processes used more than 0.1 CPUs is done again, up to K times in all, and the
quietest attempt is printed.

The command's standard output and error are discarded and its exit status is
ignored (`procflow check` exits 1 when it finds errors, which is a normal
result to time).
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def busy_seconds() -> float | None:
    """CPU time spent by the whole machine (all cores, all processes), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
    total = sum(fields[:8])
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (total - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def fmt(ms: float | None) -> str:
    if ms is None:
        return "n/a"
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}"


def with_hyperfine(runs: int, cmd: list[str], out_dir: str) -> tuple | None:
    fd, path = tempfile.mkstemp(prefix="hyperfine.", suffix=".json", dir=out_dir)
    os.close(fd)
    try:
        # -N (no intermediate shell): with a shell, hyperfine subtracts an
        # estimate of the shell's cost, which is noise for millisecond commands.
        args = ["hyperfine", "-N", "--style", "none", "--warmup", "1", "--runs", str(runs),
                "--ignore-failure", "--export-json", path, "--", shlex.join(cmd)]
        done = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            return None
        with open(path, encoding="utf-8") as f:
            r = json.load(f)["results"][0]
        return (r["median"] * 1e3, r["mean"] * 1e3, (r.get("stddev") or 0.0) * 1e3,
                r["user"] * 1e3, r["system"] * 1e3)
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    finally:
        os.unlink(path)


def with_python(runs: int, cmd: list[str]) -> tuple | None:
    def once() -> tuple[float, float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime

    try:
        once()  # warm-up: page cache, binary loaded
        times = [once() for _ in range(runs)]
    except OSError:
        return None
    walls = [t[0] * 1e3 for t in times]
    return (statistics.median(walls), statistics.fmean(walls),
            statistics.stdev(walls) if len(walls) > 1 else 0.0,
            statistics.fmean(t[1] for t in times) * 1e3,
            statistics.fmean(t[2] for t in times) * 1e3)


# Other processes using more than this many CPUs make a measurement suspect.
BUSY = 0.1


def wait_idle(limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        b0, t0 = busy_seconds(), time.monotonic()
        if b0 is None:
            return
        time.sleep(1.0)
        b1 = busy_seconds()
        if b1 is None or (b1 - b0) / (time.monotonic() - t0) < BUSY:
            return


def main(argv: list[str]) -> int:
    use_python = False
    runs = 10
    out_dir = "."
    idle = 0.0
    attempts = 1
    while argv and argv[0] != "--":
        arg = argv.pop(0)
        if arg == "--python":
            use_python = True
        elif arg == "--runs" and argv:
            runs = int(argv.pop(0))
        elif arg == "--out" and argv:
            out_dir = argv.pop(0)
        elif arg == "--wait-idle" and argv:
            idle = float(argv.pop(0))
        elif arg == "--attempts" and argv:
            attempts = max(1, int(argv.pop(0)))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    cmd = argv[1:]
    if not cmd or runs < 1:
        print(__doc__, file=sys.stderr)
        return 2
    if not use_python and shutil.which("hyperfine") is None:
        use_python = True

    best = None
    for _ in range(attempts):
        if idle > 0:
            wait_idle(idle)
        busy0, child0, wall0 = busy_seconds(), children_cpu(), time.monotonic()
        result = with_python(runs, cmd) if use_python else with_hyperfine(runs, cmd, out_dir)
        busy1, child1, wall1 = busy_seconds(), children_cpu(), time.monotonic()
        foreign = None
        # /proc/stat counts in clock ticks (usually 10 ms): meaningless below ~0.3 s.
        if busy0 is not None and busy1 is not None and wall1 - wall0 >= 0.3:
            others = (busy1 - busy0) - (child1 - child0)
            foreign = max(others, 0.0) / (wall1 - wall0)
        if best is None or (foreign is not None and best[1] is not None and foreign < best[1]):
            best = (result, foreign)
        if result is None or foreign is None or foreign <= BUSY:
            break
    result, foreign = best
    shown = "n/a" if foreign is None else f"{foreign:.2f}"
    if result is None:
        print("n/a n/a n/a n/a n/a", shown)
    else:
        print(" ".join(fmt(x) for x in result), shown)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
