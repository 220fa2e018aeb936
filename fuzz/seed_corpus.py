#!/usr/bin/env python3
"""Adds seeds to the fuzz corpus (fuzz/corpus/TARGET/), named by their SHA-1
as libFuzzer names its own inputs, so a seed is never added twice.

Seeds: examples/*.flow, tests/fixtures/**/*.flow and every ```flow block of
README.md and docs/**/*.md for `check`, `fmt` and `backends`; README.md and
docs/**/*.md for `markdown`. Extra files given as arguments are added too
(`.md` to `markdown`, anything else to the three others). Files over 64 KiB
are skipped. Run from anywhere; then minimize with `cargo fuzz cmin`.
"""
import hashlib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
LIMIT = 64 * 1024
FLOW_TARGETS = ("check", "fmt", "backends")


def add(target, data):
    if len(data) > LIMIT:
        return
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def flow_blocks(text):
    return re.findall(r"^```flow[^\n]*\n(.*?)^```", text, re.S | re.M)


def main():
    flow = sorted(ROOT.glob("examples/*.flow")) + sorted(ROOT.glob("tests/fixtures/**/*.flow"))
    docs = [ROOT / "README.md"] + sorted(ROOT.glob("docs/**/*.md"))
    extra = [pathlib.Path(a) for a in sys.argv[1:]]
    for path in flow + [p for p in extra if p.suffix != ".md"]:
        for target in FLOW_TARGETS:
            add(target, path.read_bytes())
    for path in docs + [p for p in extra if p.suffix == ".md"]:
        add("markdown", path.read_bytes())
        for block in flow_blocks(path.read_text(encoding="utf-8", errors="replace")):
            for target in FLOW_TARGETS:
                add(target, block.encode())


main()
