#!/usr/bin/env python3
"""Self-check of bench/gen.py, independent of procflow (stdlib only).

    python3 bench/check_gen.py FILE.flow [FILE.json]

Parses FILE.flow with a small reader that follows the grammar of
shared/spec/flow-language.md, applies the checks and the lints of the spec at
their default levels (as refined in notes/semantics.md), and, when FILE.json
is given, checks that the JSON (full or `--sparse`) holds the same information
as the Flow text.
Prints a one-line summary on success; prints the problems and exits 1
otherwise. This is what tells a wrong generator from a wrong compiler when
`procflow check` reports something on a generated file.
"""

from __future__ import annotations

import json
import re
import sys

KEYWORDS = frozenset(
    "use role tool process workflow step implements owner tool after when wait "
    "within automated needs produces run description outcome trigger who url "
    "external optional version allow".split()
)
LINTS = {
    "uncovered-step", "unproduced-input", "off-process-step", "out-of-order",
    "handoff-without-deadline", "missing-outcome", "unimplemented-process",
    "unused-role", "unused-tool", "owner-overload",
}
UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}

TOKEN = re.compile(
    r'(?P<ws>[ \t\r\n]+)|(?P<comment>#[^\n]*)|(?P<block>"""(?:.|\n)*?""")'
    r'|(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<dur>[0-9]+[mhdw](?![A-Za-z0-9_-]))'
    r'|(?P<ident>[A-Za-z][A-Za-z0-9_-]*)|(?P<punct>[{},])'
)
ESCAPE = re.compile(r'\\(u\{[0-9A-Fa-f]{1,6}\}|.)')


class Problem(Exception):
    pass


def unescape(body: str) -> str:
    def one(m):
        e = m.group(1)
        if e.startswith("u{"):
            return chr(int(e[2:-1], 16))
        table = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
        if e not in table:
            raise Problem(f"bad escape \\{e}")
        return table[e]
    return ESCAPE.sub(one, body)


def block_value(raw: str) -> str:
    body = raw[3:-3]
    if body.startswith("\r\n"):
        body = body[2:]
    elif body.startswith("\n"):
        body = body[1:]
    body = body.rstrip()
    lines = body.split("\n")
    indents = [len(l) - len(l.lstrip(" \t")) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return unescape("\n".join(l[cut:] if l.strip() else "" for l in lines))


def tokenize(text: str):
    if text.startswith("\ufeff"):
        text = text[1:]
    pos, line = 0, 1
    out = []
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise Problem(f"line {line}: unexpected {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        val = m.group()
        if kind == "block":
            out.append(("str", block_value(val), line))
        elif kind == "str":
            out.append(("str", unescape(val[1:-1]), line))
        elif kind == "dur":
            n = int(val[:-1])
            if n == 0:
                raise Problem(f"line {line}: invalid-value zero duration")
            out.append(("dur", (val, n * UNIT_SECONDS[val[-1]]), line))
        elif kind == "ident":
            out.append(("kw" if val in KEYWORDS else "ident", val, line))
        elif kind == "punct":
            out.append((val, val, line))
        line += val.count("\n")
        pos = m.end()
    out.append(("eof", None, line))
    return out


class Parser:
    def __init__(self, tokens):
        self.t = tokens
        self.i = 0

    def peek(self, kind=None, val=None):
        k, v, _ = self.t[self.i]
        return (kind is None or k == kind) and (val is None or v == val)

    def take(self, kind, val=None):
        k, v, line = self.t[self.i]
        if k != kind or (val is not None and v != val):
            raise Problem(f"line {line}: syntax: expected {val or kind}, found {v!r}")
        self.i += 1
        return v

    def string(self):
        v = self.take("str")
        if v == "":
            raise Problem(f"line {self.t[self.i - 1][2]}: invalid-value empty string")
        return v

    def idents(self):
        out = [self.take("ident")]
        while self.peek(","):
            self.take(",")
            out.append(self.take("ident"))
        return out

    def block(self, attrs):
        """attrs: keyword -> reader; returns dict of the attributes given."""
        got = {}
        self.take("{")
        while not self.peek("}"):
            k, kw, line = self.t[self.i]
            if k != "kw" or kw not in attrs:
                raise Problem(f"line {line}: syntax: unexpected {kw!r}")
            self.i += 1
            val = attrs[kw](self)
            if kw == "step":
                got.setdefault("step", []).append(val)
            elif kw in got:
                raise Problem(f"line {line}: duplicate-attribute {kw}")
            else:
                got[kw] = val
        self.take("}")
        return got


FLAG = lambda p: True  # noqa: E731
STR = Parser.string
IDENT = lambda p: p.take("ident")  # noqa: E731
IDENTS = Parser.idents
DUR = lambda p: p.take("dur")  # noqa: E731


def title_or_default(p: Parser, name: str) -> str:
    if p.peek("str"):
        return p.string()
    text = name.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


def pstep(p: Parser):
    sid = p.take("ident")
    title = title_or_default(p, sid)
    attrs = p.block({"description": STR, "optional": FLAG, "allow": IDENTS}) if p.peek("{") else {}
    return {"id": sid, "title": title, "optional": attrs.get("optional", False),
            "description": attrs.get("description"), "_allow": attrs.get("allow", [])}


def wstep(p: Parser):
    sid = p.take("ident")
    title = title_or_default(p, sid)
    a = p.block({
        "implements": IDENTS, "owner": IDENT, "tool": IDENTS, "automated": FLAG,
        "after": IDENTS, "when": STR, "wait": DUR, "within": DUR, "needs": IDENTS,
        "produces": IDENTS, "run": STR, "description": STR, "allow": IDENTS,
    })
    return {
        "id": sid, "title": title, "implements": a.get("implements", []),
        "owner": a.get("owner"), "tools": a.get("tool", []),
        "automated": a.get("automated", False), "after": a.get("after"),
        "when": a.get("when"),
        "wait": a["wait"][0] if "wait" in a else None,
        "wait_seconds": a["wait"][1] if "wait" in a else None,
        "within": a["within"][0] if "within" in a else None,
        "within_seconds": a["within"][1] if "within" in a else None,
        "needs": a.get("needs", []), "produces": a.get("produces", []),
        "run": a.get("run"), "description": a.get("description"),
        "_allow": a.get("allow", []),
    }


def parse(text: str) -> dict:
    p = Parser(tokenize(text))
    model = {"roles": [], "tools": [], "processes": [], "workflows": []}
    while not p.peek("eof"):
        kw = p.take("kw")
        if kw == "use":
            raise Problem("`use` is not expected in a generated file")
        name = p.take("ident")
        if kw == "role":
            title = title_or_default(p, name)
            a = p.block({"who": STR, "description": STR, "external": FLAG, "allow": IDENTS}) \
                if p.peek("{") else {}
            model["roles"].append({"id": name, "title": title, "who": a.get("who"),
                                   "external": a.get("external", False),
                                   "description": a.get("description"), "_allow": a.get("allow", [])})
        elif kw == "tool":
            title = title_or_default(p, name)
            a = p.block({"url": STR, "description": STR, "allow": IDENTS}) if p.peek("{") else {}
            model["tools"].append({"id": name, "title": title, "url": a.get("url"),
                                   "description": a.get("description"), "_allow": a.get("allow", [])})
        elif kw == "process":
            title = title_or_default(p, name)
            a = p.block({"outcome": STR, "owner": IDENT, "description": STR, "allow": IDENTS,
                         "step": pstep})
            model["processes"].append({"id": name, "title": title, "outcome": a.get("outcome"),
                                       "owner": a.get("owner"), "description": a.get("description"),
                                       "steps": a.get("step", []), "_allow": a.get("allow", [])})
        elif kw == "workflow":
            title = title_or_default(p, name)
            p.take("kw", "implements")
            impl = p.take("ident")
            a = p.block({"owner": IDENT, "trigger": STR, "version": STR, "description": STR,
                         "allow": IDENTS, "step": wstep})
            model["workflows"].append({"id": name, "title": title, "implements": impl,
                                       "owner": a.get("owner"), "trigger": a.get("trigger"),
                                       "version": a.get("version"),
                                       "description": a.get("description"),
                                       "allow": a.get("allow", []), "steps": a.get("step", [])})
        else:
            raise Problem(f"syntax: unexpected top-level `{kw}`")
    return model


def lint(m: dict) -> list[str]:
    errs: list[str] = []
    kinds: dict[str, str] = {}
    for kind in ("roles", "tools", "processes", "workflows"):
        for item in m[kind]:
            if item["id"] in kinds:
                errs.append(f"duplicate-definition {item['id']}")
            kinds[item["id"]] = kind
    for item in m["roles"] + m["tools"] + m["processes"]:
        for code in item.get("_allow", []):
            if code not in LINTS:
                errs.append(f"invalid-value allow {code} in {item['id']}")
    used_roles, used_tools, implemented = set(), set(), set()

    def ref(name, kind, where):
        if name not in kinds:
            errs.append(f"unknown-reference {name} in {where}")
        elif kinds[name] != kind:
            errs.append(f"wrong-kind {name} in {where}")

    processes = {p["id"]: p for p in m["processes"]}
    for p in m["processes"]:
        if not p["steps"]:
            errs.append(f"empty-block {p['id']}")
        if p["outcome"] is None:
            errs.append(f"missing-outcome {p['id']}")
        if p["owner"]:
            ref(p["owner"], "roles", p["id"])
            used_roles.add(p["owner"])
        if len({s["id"] for s in p["steps"]}) != len(p["steps"]):
            errs.append(f"duplicate-definition step in {p['id']}")
    for w in m["workflows"]:
        wid = w["id"]
        for code in w["allow"]:
            if code not in LINTS:
                errs.append(f"invalid-value allow {code} in {wid}")
        ref(w["implements"], "processes", wid)
        implemented.add(w["implements"])
        if w["owner"]:
            ref(w["owner"], "roles", wid)
            used_roles.add(w["owner"])
        steps = w["steps"]
        if not steps:
            errs.append(f"empty-block {wid}")
            continue
        index = {s["id"]: i for i, s in enumerate(steps)}
        if len(index) != len(steps):
            errs.append(f"duplicate-definition step in {wid}")
        proc = processes.get(w["implements"])
        pindex = {s["id"]: j for j, s in enumerate(proc["steps"])} if proc else {}
        produced_by: dict[str, list[int]] = {}
        for i, s in enumerate(steps):
            for art in s["produces"]:
                produced_by.setdefault(art, []).append(i)
        preds, anc = [], []
        covered = set()
        for i, s in enumerate(steps):
            where = f"{wid}.{s['id']}"
            for code in s["_allow"]:
                if code not in LINTS:
                    errs.append(f"invalid-value allow {code} in {where}")
            if s["owner"] is None:
                errs.append(f"missing-owner {where}")
            else:
                ref(s["owner"], "roles", where)
                used_roles.add(s["owner"])
            if not s["tools"]:
                errs.append(f"missing-tool {where}")
            for t in s["tools"]:
                ref(t, "tools", where)
                used_tools.add(t)
            if not s["implements"]:
                errs.append(f"off-process-step {where}")
            for ps in s["implements"]:
                if ps not in pindex:
                    errs.append(f"unknown-reference process step {ps} in {where}")
                covered.add(ps)
            if s["after"] is None:
                pr = [i - 1] if i > 0 else []
            else:
                pr = []
                for a in s["after"]:
                    if a not in index:
                        errs.append(f"unknown-reference after {a} in {where}")
                    elif index[a] >= i:
                        errs.append(f"after a later step (possible dependency-cycle) {a} in {where}")
                    else:
                        pr.append(index[a])
            preds.append(pr)
            a: set[int] = set()
            for q in pr:
                a.add(q)
                a |= anc[q]
            anc.append(a)
            for art in s["needs"]:
                if art not in produced_by:
                    errs.append(f"unknown-reference artifact {art} in {where}")
                elif not any(q in a for q in produced_by[art]):
                    errs.append(f"unproduced-input {art} in {where}")
            if s["owner"] and not s["automated"] and s["within"] is None:
                if any(steps[q]["automated"] or steps[q]["owner"] != s["owner"] for q in pr):
                    errs.append(f"handoff-without-deadline {where}")
        # out-of-order: an ancestor A whose smallest index exceeds B's largest.
        lo = [min((pindex[x] for x in s["implements"] if x in pindex), default=None) for s in steps]
        hi = [max((pindex[x] for x in s["implements"] if x in pindex), default=None) for s in steps]
        for b in range(len(steps)):
            for a_ in anc[b]:
                if lo[a_] is not None and hi[b] is not None and lo[a_] > hi[b]:
                    errs.append(f"out-of-order {wid}.{steps[a_]['id']} before {steps[b]['id']}")
        if proc:
            for ps in proc["steps"]:
                if not ps["optional"] and ps["id"] not in covered:
                    errs.append(f"uncovered-step {ps['id']} in {wid}")
        if len(steps) >= 6 and "owner-overload" not in w["allow"]:
            pass  # owner-overload is `allow` by default
    for p in m["processes"]:
        if p["id"] not in implemented:
            errs.append(f"unimplemented-process {p['id']}")
    if m["processes"] or m["workflows"]:
        for r in m["roles"]:
            if r["id"] not in used_roles:
                errs.append(f"unused-role {r['id']}")
        for t in m["tools"]:
            if t["id"] not in used_tools:
                errs.append(f"unused-tool {t['id']}")
    return errs


def strip_private(obj):
    if isinstance(obj, dict):
        return {k: strip_private(v) for k, v in obj.items() if not k.startswith("_")}
    if isinstance(obj, list):
        return [strip_private(v) for v in obj]
    return obj


def sparse(obj):
    """As `gen.py --json --sparse`: no null, false, [] or `*_seconds` members."""
    if isinstance(obj, dict):
        return {k: sparse(v) for k, v in obj.items()
                if v is not None and v is not False and v != [] and not k.endswith("_seconds")}
    if isinstance(obj, list):
        return [sparse(v) for v in obj]
    return obj


def compare(flow: dict, doc: dict) -> list[str]:
    errs = []
    form = sparse if doc.get("sparse") is True else (lambda x: x)
    for kind in ("roles", "tools", "processes", "workflows"):
        a, b = form(strip_private(flow[kind])), doc.get(kind)
        if a == b:
            continue
        if not isinstance(b, list) or len(a) != len(b):
            errs.append(f"json: {kind} differ in number")
            continue
        for x, y in zip(a, b):
            if x != y:
                errs.append(f"json: {kind} {x.get('id')} differs:\n  flow {x}\n  json {y}")
                break
    return errs


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        text = f.read()
    try:
        model = parse(text)
        errs = lint(model)
        if len(argv) == 2:
            with open(argv[1], encoding="utf-8") as f:
                errs += compare(model, json.load(f))
    except Problem as e:
        errs = [str(e)]
    if errs:
        for e in errs[:50]:
            print(e)
        print(f"{len(errs)} problem(s)")
        return 1
    n_steps = sum(len(w["steps"]) for w in model["workflows"])
    print(f"ok: {len(model['roles'])} roles, {len(model['tools'])} tools, "
          f"{len(model['processes'])} processes, {len(model['workflows'])} workflows, "
          f"{n_steps} workflow steps, no diagnostic")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
