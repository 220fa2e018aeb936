#!/usr/bin/env python3
"""Diagnostics latency of `procflow lsp` on a 5,000-line document.

    python3 bench/lsp_latency.py [BIN] [--edits N]

Starts `BIN lsp` (default target/release/procflow), opens a generated
5,000-line document, then sends N full-text `didChange`s (the server's sync
kind is FULL) and times each from the change to the `publishDiagnostics` that
answers it. The edits alternate, in the middle of the document, between the
clean text, a typo in a name (one `unknown-reference`: the file parses, and is
resolved and checked) and a broken attribute (one syntax error: pest, which reads
every file item by item, reports the broken item and goes on at the next one). Prints the median, p95 and
maximum of each kind. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time


def document(lines: int) -> str:
    out = ['role ops "Operations"', 'tool crm "CRM"']
    n = 0
    while len(out) + 19 <= lines:
        out += [f'process p{n} {{', '  outcome "done"', '  owner ops',
                '  step a', '  step b', '}',
                f'workflow w{n} implements p{n} {{', '  owner ops',
                '  step one {', '    implements a', '    owner ops', '    tool crm', '  }',
                '  step two {', '    implements b', '    owner ops', '    tool crm', '  }', '}']
        n += 1
    out += ["# filler"] * (lines - len(out))
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bin", nargs="?", default="target/release/procflow")
    ap.add_argument("--edits", type=int, default=90)
    args = ap.parse_args()

    p = subprocess.Popen([args.bin, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(msg: dict) -> None:
        body = json.dumps(msg).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        p.stdin.flush()

    def recv() -> dict:
        length = None
        while True:
            line = p.stdout.readline().strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(p.stdout.read(length))

    def wait_diags() -> dict:
        while True:
            m = recv()
            if m.get("method") == "textDocument/publishDiagnostics":
                return m

    d = tempfile.mkdtemp()
    uri = "file://" + os.path.join(d, "big.flow")
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"capabilities": {}, "rootUri": "file://" + d}})
    recv()
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    text = document(5000)
    middle = text.index("owner ops\n  step one", len(text) // 2)
    kinds = {
        "clean": (text, 0),
        "typo": (text[:middle] + "owner opz" + text[middle + len("owner ops"):], 1),
        "syntax error": (text[:middle] + "owner" + text[middle + len("owner ops"):], 1),
    }
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "flow", "version": 1, "text": text}}})
    wait_diags()
    names = list(kinds)
    times: dict[str, list[float]] = {k: [] for k in names}
    for v in range(2, 2 + args.edits):
        kind = names[v % len(names)]
        edited, expected = kinds[kind]
        t = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": v},
                         "contentChanges": [{"text": edited}]}})
        m = wait_diags()
        times[kind].append((time.perf_counter() - t) * 1000)
        got = len(m["params"]["diagnostics"])
        assert got == expected, (kind, m["params"]["diagnostics"][:3])
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    recv()
    send({"jsonrpc": "2.0", "method": "exit"})
    p.wait()
    everything = sorted(t for ts in times.values() for t in ts)
    print(f"lines: {text.count(chr(10))}, bytes: {len(text)}, edits: {len(everything)}, exit {p.returncode}")
    for kind, ts in [*times.items(), ("all", everything)]:
        ts = sorted(ts)
        p95 = ts[max(0, -(-len(ts) * 95 // 100) - 1)]
        print(f"{kind}: median {ts[len(ts) // 2]:.1f} ms, p95 {p95:.1f} ms, max {ts[-1]:.1f} ms ({len(ts)} edits)")


if __name__ == "__main__":
    main()
