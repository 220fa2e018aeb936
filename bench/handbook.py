#!/usr/bin/env python3
"""How long does `procflow build FILE --emit handbook` take, against `check`?

    python3 bench/handbook.py [--runs N] [--graphviz] [--procflow PATH] [FILE]

Times, by turns (one run of each per round, N rounds), on FILE (default: the
6 MB generated input, `bench/gen.py --processes 200 --steps 100`, 200
workflows):

    procflow check FILE --format short
    procflow build FILE --emit handbook --out-dir target/bench/handbook-site

The build runs with no `dot` on PATH, as issue 13's clarification measures it
(Graphviz alone takes seconds for 200 diagrams); `--graphviz` times it with
Graphviz too. Prints the median wall time of each, the build's median ratio to
the check of the same round, and the size of the site. Build the release
binary first (`cargo build --release`); nothing is installed.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--graphviz", action="store_true")
    ap.add_argument("--procflow", default=str(ROOT / "target/release/procflow"))
    ap.add_argument("file", nargs="?")
    args = ap.parse_args()
    bench = ROOT / "target/bench"
    bench.mkdir(parents=True, exist_ok=True)
    file = Path(args.file) if args.file else bench / "bench-6mb.flow"
    if not args.file and (not file.exists() or file.stat().st_size == 0):
        print(f"== generating {file}", file=sys.stderr)
        with open(file, "w") as out:
            subprocess.run(
                [sys.executable, str(ROOT / "bench/gen.py"), "--processes", "200", "--steps", "100"],
                stdout=out,
                check=True,
            )
    site = bench / "handbook-site"
    env = dict(os.environ)
    if not args.graphviz:
        # A PATH without `dot` (the binary is run by its full path).
        env["PATH"] = str(bench)
    check = [args.procflow, "check", str(file), "--format", "short"]
    build = [args.procflow, "build", str(file), "--emit", "handbook", "--out-dir", str(site)]

    def timed(cmd):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start

    # One warm-up of each.
    timed(check)
    timed(build)
    checks, builds, ratios = [], [], []
    for _ in range(args.runs):
        c = timed(check)
        b = timed(build)
        checks.append(c)
        builds.append(b)
        ratios.append(b / c)
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    pages = sum(1 for f in site.rglob("*.html"))
    graphviz = "with Graphviz" if args.graphviz else "without Graphviz"
    print(f"input: {file} ({file.stat().st_size / 1e6:.1f} MB), {args.runs} rounds, {graphviz}")
    print(f"check:    median {statistics.median(checks) * 1000:.0f} ms")
    print(f"handbook: median {statistics.median(builds) * 1000:.0f} ms "
          f"(min {min(builds) * 1000:.0f}, max {max(builds) * 1000:.0f})")
    print(f"ratio handbook / check (median of rounds): {statistics.median(ratios):.1f}")
    print(f"site: {pages} pages, {size / 1e6:.1f} MB")
    shutil.rmtree(site, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
