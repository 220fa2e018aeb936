#!/usr/bin/env python3
"""Generate a large, valid and lint-clean Flow file for benchmarking procflow.

    python3 bench/gen.py --processes N --steps M          > big.flow
    python3 bench/gen.py --processes N --steps M --json   > big.json
    python3 bench/gen.py --processes N --steps M --json --sparse > big.sparse.json

The Flow output declares some roles and tools, N processes (about six process
steps and an outcome each) and, for every process, one workflow of M steps.
Every workflow step has `implements`, `owner` and `tool`; the generator also
uses `automated`, `within`, `wait`, `when`, `produces`/`needs`, `after` fan-out
and fan-in, `run`, titles with escapes and non-ASCII text, multi-line
descriptions and comments.

The file is meant to produce no diagnostic at the default lint levels:

* every process step is implemented by a step of its workflow, and workflow
  steps implement process steps in non-decreasing order (no `uncovered-step`,
  no `out-of-order`, no `off-process-step`);
* a manual step that follows an automated step or a step with another owner
  has a `within` (no `handoff-without-deadline`);
* a step `needs` only artifacts produced by one of its ancestors in the order
  (no `unproduced-input`);
* only roles and tools that something uses are declared (no `unused-*`);
* every process has an outcome and a workflow (no `missing-outcome`, no
  `unimplemented-process`);
* no keyword is used as a name, and every name is unique in its scope.

With --json the same information is written as one JSON document (the input
used to time `jq` as a baseline); --sparse leaves absent attributes out of it.
The output is fully deterministic: the pseudo-random choices come from a
fixed-seed SplitMix64 generator, so the same
arguments always give byte-identical output on every platform and Python
version. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import sys

KEYWORDS = frozenset(
    "use role tool process workflow step implements owner tool after when wait "
    "within automated needs produces run description outcome trigger who url "
    "external optional version allow".split()
)

# ---------------------------------------------------------------------------
# Deterministic pseudo-random numbers (SplitMix64), independent of `random`.


class Rng:
    MASK = (1 << 64) - 1

    def __init__(self, seed: int) -> None:
        self.state = seed & self.MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return self.next() % n

    def chance(self, percent: int) -> bool:
        return self.below(100) < percent

    def pick(self, seq):
        return seq[self.below(len(seq))]


# ---------------------------------------------------------------------------
# Vocabulary.

ROLES = [
    # id, title, who, external, description
    ("founder", "Founder", "Ana Ribeiro", False, None),
    ("ops", "Operations", "Maria Lopez", False, "Runs the day-to-day machinery."),
    ("sales", "Sales", None, False, None),
    ("support", "Customer support", "Kenji Watanabe", False, None),
    ("finance", "Finance", None, False, "Invoices, payments and the books."),
    ("legal", "Legal counsel", "Zoë Müller", False, None),
    ("marketing", "Marketing", None, False, None),
    ("engineer", "Engineering", "Ravi Patel", False, None),
    ("hr_team", "People & HR", None, False, None),
    ("account_mgr", "Account manager", "Léa Dubois", False, None),
    ("prospect", "Prospect", None, True, "Someone outside the company."),
    ("customer", "Customer", None, True, None),
]

TOOLS = [
    # id, title, url, description
    ("crm", "Zoho CRM", "https://www.zoho.com/crm/", None),
    ("web_forms", "Zoho Forms", None, None),
    ("ads", "Facebook Ads", None, None),
    ("mailer", "Zoho Campaigns", None, "Bulk and drip e-mail."),
    ("phone", "Phone", None, None),
    ("sheets", "Google Sheets", "https://sheets.google.com/", None),
    ("chat", "Slack", None, None),
    ("erp", "ERP system", None, "The company's resource planning system."),
    ("helpdesk", "Helpdesk", None, None),
    ("calendar", "Calendar", None, None),
    ("drive", "Shared drive", None, None),
    ("billing", "Billing platform", "https://billing.example.com/", None),
    ("esign", "E-signature", None, None),
    ("analytics", "Analytics dashboard", None, None),
    ("wiki", "Company wiki", None, None),
    ("scheduler", "Job scheduler", None, "Runs the nightly automations."),
]

PROCESS_THEMES = [
    "Lead generation", "Customer onboarding", "Invoice collection",
    "Content publishing", "Hiring", "Support escalation", "Contract renewal",
    "Vendor approval", "Product release", "Expense reimbursement",
    "Quarterly planning", "Partner referral", "Churn prevention",
    "Event promotion", "Security review",
]

PROCESS_STEP_WORDS = [
    "Advertise", "Capture", "Qualify", "Follow up", "Propose", "Negotiate",
    "Sign", "Deliver", "Review", "Approve", "Archive", "Measure", "Plan",
    "Announce", "Close",
]

VERBS = [
    "Review", "Send", "Prepare", "Check", "Update", "Collect", "Draft",
    "Approve", "Publish", "Call", "Schedule", "Record", "Reconcile", "Notify",
    "Assign", "Verify", "Archive", "Compile", "Escalate", "Confirm",
]

OBJECTS = [
    "the lead record", "the welcome e-mail", "the signed contract",
    "the invoice", "the weekly report", "the intake form",
    "the customer's \"priority\" flag", "the shipping label",
    "the café partner list", "the résumé shortlist", "the renewal quote",
    "the support ticket", "the budget sheet", "the release notes",
    "the onboarding checklist", "the follow-up task",
]

CONTEXTS = [
    "for the new account", "before the weekly sync", "for the EMEA region",
    "with the finance team", "after the kickoff call", "for every open case",
    "at the end of the sprint", "in the shared tracker",
]

CONDITIONS = [
    "lead score is 50 or more", "the invoice is overdue",
    "the customer asked for a call", "the amount exceeds 5000 EUR",
    "the contract is up for renewal", "no reply after the first e-mail",
    "the ticket is marked \"urgent\"", "legal flagged a clause",
    "it is the last business day of the month",
]

ARTIFACTS = [
    "lead_record", "invoice", "contract", "report", "outline", "draft",
    "quote", "ticket", "checklist", "summary", "receipt", "schedule",
]

COMMANDS = [
    "./scripts/sync-crm.sh --since yesterday",
    "python3 tools/send_batch.py --template \"welcome\"",
    "make report WEEK=current",
    "curl -fsS https://hooks.example.com/notify",
    "./bin/export --format csv --out \"exports/today.csv\"",
]

TRIGGERS = [
    "A Facebook ad campaign is live", "A new customer signs up",
    "The first of the month", "A ticket is opened", "A contract expires in 60 days",
    "The hiring manager opens a position", "A release candidate is tagged",
]

DESCRIPTION_LINES = [
    "Log the outcome in the CRM before the end of the day.",
    "Use the template in the wiki; do not improvise the wording.",
    "If anything is unclear, ask in the #ops channel first.",
    "Attach the PDF and keep a copy on the shared drive.",
    "Double-check the amounts against the ERP export.",
    "Mention the customer's name and the renewal date.",
]

DURATION_UNITS = [("m", 60), ("h", 3600), ("d", 86400), ("w", 604800)]


def default_title(name: str) -> str:
    """The title a name gets where none is written."""
    text = name.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


def check_name(name: str) -> str:
    assert name not in KEYWORDS, name
    assert name[:1].isascii() and name[:1].isalpha(), name
    return name


def flow_string(value: str) -> str:
    """A one-line Flow string literal with escapes."""
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\U0001F680":
            out.append("\\u{1F680}")  # exercise the \u{...} escape
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def flow_block_string(lines: list[str], indent: str) -> list[str]:
    """A `\"\"\"` string: the lines indented one level more than `indent`.

    Its value is the lines joined with newlines (the common indentation and
    the whitespace before the closing quotes are removed by the lexer).
    """
    inner = indent + "  "
    return ['"""'] + [inner + line for line in lines] + [inner + '"""']


def duration(rng: Rng, small: bool = False) -> tuple[str, int]:
    unit, seconds = DURATION_UNITS[rng.below(2 if small else 4)]
    amount = 1 + rng.below(48 if unit in ("m", "h") else 6)
    return f"{amount}{unit}", amount * seconds


# ---------------------------------------------------------------------------
# The model: plain dicts, the same ones the JSON output dumps.


def make_model(n_processes: int, n_steps: int, seed: int) -> dict:
    rng = Rng(seed)
    role_ids = [r[0] for r in ROLES]
    internal_roles = [r[0] for r in ROLES if not r[3]]
    external_roles = [r[0] for r in ROLES if r[3]]
    tool_ids = [t[0] for t in TOOLS]

    processes = []
    workflows = []
    used_roles: set[str] = set()
    used_tools: set[str] = set()

    for p in range(1, n_processes + 1):
        pid = check_name(f"p{p}")
        theme = PROCESS_THEMES[(p - 1) % len(PROCESS_THEMES)]
        n_psteps = 5 + (p % 3)  # 5, 6 or 7: about six
        psteps = []
        for j in range(1, n_psteps + 1):
            sid = check_name(f"p{p}_s{j}")
            titled = (j + p) % 9 != 0
            psteps.append({
                "id": sid,
                "title": f"{PROCESS_STEP_WORDS[(p + j) % len(PROCESS_STEP_WORDS)]} ({j} of {n_psteps})"
                if titled else default_title(sid),
                "title_written": titled,
                "optional": j == n_psteps and p % 4 == 0,
                "description": "Only for accounts above the threshold." if j == 2 and p % 5 == 0 else None,
            })
        p_owner = internal_roles[p % len(internal_roles)]
        used_roles.add(p_owner)
        processes.append({
            "id": pid,
            "title": f"{theme} #{p}",
            "outcome": f"{theme} reaches its result for case family {p} without anything falling through the cracks",
            "owner": p_owner,
            "description": f"Blueprint number {p}: what has to happen, not how." if p % 3 == 0 else None,
            "steps": psteps,
        })

        # ---- the workflow implementing it -------------------------------
        wid = check_name(f"w{p}")
        w_owner = internal_roles[(p * 7) % len(internal_roles)]
        used_roles.add(w_owner)
        steps = []
        # Fan-out/fan-in groups: at k = 3, 13, 23, ... (0-based), steps k+1
        # and k+2 both run after k (in parallel), and k+3 runs after both.
        explicit_after: dict[int, list[int]] = {}
        for k in range(3, n_steps - 3, 10):
            explicit_after[k + 2] = [k]
            explicit_after[k + 3] = [k + 1, k + 2]
        ancestors: list[set[int]] = []
        owner = role_ids[rng.below(len(role_ids))]
        for k in range(n_steps):
            sid = check_name(f"w{p}_s{k + 1}")
            # Process steps served: {j : floor(j*M/P) == k} plus floor(k*P/M),
            # so every process step is covered and the order never goes back.
            lo = k * n_psteps // n_steps
            impl = sorted({lo} | {j for j in range(n_psteps) if j * n_steps // n_psteps == k})
            implements = [psteps[j]["id"] for j in impl]

            preds = explicit_after.get(k, [k - 1] if k > 0 else [])
            anc: set[int] = set()
            for q in preds:
                anc.add(q)
                anc |= ancestors[q]
            ancestors.append(anc)

            # Owners come in runs, so that many steps are not handoffs.
            if k % 3 == 0 and rng.chance(70):
                owner = rng.pick(external_roles) if rng.chance(12) else rng.pick(internal_roles)
            automated = rng.chance(25) and owner not in external_roles
            n_tools = 2 if rng.chance(20) else 1
            first_tool = rng.below(len(tool_ids))
            tools = [tool_ids[(first_tool + i * 5) % len(tool_ids)] for i in range(n_tools)]

            handoff = any(steps[q]["automated"] or steps[q]["owner"] != owner for q in preds)
            within = None
            if not automated and (handoff or rng.chance(20)):
                within = duration(rng)
            wait = duration(rng, small=True) if rng.chance(10) else None
            when = rng.pick(CONDITIONS) if rng.chance(10) else None
            if wait and within and within[1] < wait[1]:
                # A deadline counts from when the step is ready, the wait
                # included: the shorter of the two is the wait.
                wait, within = within, wait

            produces = []
            if rng.chance(40):
                produces.append(f"{rng.pick(ARTIFACTS)}_{k + 1}")
                if rng.chance(15):
                    produces.append(f"{rng.pick(ARTIFACTS)}_{k + 1}b")
            needs = []
            if anc and rng.chance(45):
                # The most recent artifacts of ancestors (nearest first).
                for q in sorted(anc, reverse=True)[:6]:
                    for art in steps[q]["produces"]:
                        if len(needs) < 2 and art not in needs:
                            needs.append(art)
            run = rng.pick(COMMANDS) if automated and rng.chance(50) else None

            description = None
            description_block = False
            r = rng.below(100)
            if r < 33:
                description_block = True
                first = rng.below(len(DESCRIPTION_LINES))
                description = "\n".join(
                    DESCRIPTION_LINES[(first + i) % len(DESCRIPTION_LINES)]
                    for i in range(3 + rng.below(2)))
            elif r < 55:
                description = rng.pick(DESCRIPTION_LINES)

            titled = rng.below(100) >= 5
            if titled:
                title = f"{rng.pick(VERBS)} {rng.pick(OBJECTS)}"
                if rng.chance(60):
                    title += f" {rng.pick(CONTEXTS)}"
                if rng.chance(3):
                    title += " \U0001F680"
            else:
                title = default_title(sid)

            used_roles.add(owner)
            used_tools.update(tools)
            steps.append({
                "id": sid,
                "title": title,
                "title_written": titled,
                "implements": implements,
                "owner": owner,
                "tools": tools,
                "automated": automated,
                "after": [steps[q]["id"] for q in explicit_after[k]]
                if k in explicit_after else None,
                "when": when,
                "wait": wait[0] if wait else None,
                "wait_seconds": wait[1] if wait else None,
                "within": within[0] if within else None,
                "within_seconds": within[1] if within else None,
                "needs": needs,
                "produces": produces,
                "run": run,
                # Language v2: a step after conditional steps only runs either
                # way on purpose (the skip rule), and says so.
                "allow_either_way": when is None and bool(preds)
                and all(steps[q]["when"] for q in preds),
                "description": description,
                "description_block": description_block,
                "comment": (f"handoff from {steps[preds[0]]['owner']} to {owner}: "
                            "a deadline keeps it from being forgotten")
                if within and handoff and preds
                else f"step {k + 1} of {n_steps}" if k % 7 == 6 else None,
            })

        workflows.append({
            "id": wid,
            "title": f"{theme} workflow #{p}",
            "implements": pid,
            "owner": w_owner,
            "trigger": TRIGGERS[p % len(TRIGGERS)],
            "version": f"1.{p % 10}" if p % 2 == 0 else None,
            "description": "How the team actually runs it today." if p % 4 == 1 else None,
            "allow": ["owner-overload"] if p % 25 == 0 else [],
            "steps": steps,
        })

    roles = [
        {"id": rid, "title": title, "who": who, "external": ext, "description": desc}
        for rid, title, who, ext, desc in ROLES if rid in used_roles
    ]
    tools = [
        {"id": tid, "title": title, "url": url, "description": desc}
        for tid, title, url, desc in TOOLS if tid in used_tools
    ]
    return {
        "format": "procflow-bench",
        "version": 1,
        "roles": roles,
        "tools": tools,
        "processes": processes,
        "workflows": workflows,
    }


# ---------------------------------------------------------------------------
# Flow text.


def write_flow(model: dict, out) -> None:
    w = out.write
    n_steps = sum(len(wf["steps"]) for wf in model["workflows"])
    w("# Generated by bench/gen.py: a large, valid, lint-clean Flow file.\n")
    w(f"# {len(model['processes'])} processes, {len(model['workflows'])} workflows, "
      f"{n_steps} workflow steps.\n\n")

    w("# Who does the work.\n")
    for r in model["roles"]:
        attrs = []
        if r["who"]:
            attrs.append(f"who {flow_string(r['who'])}")
        if r["external"]:
            attrs.append("external")
        if r["description"]:
            attrs.append(f"description {flow_string(r['description'])}")
        head = f"role {r['id']} {flow_string(r['title'])}"
        if attrs:
            w(head + " {\n" + "".join(f"  {a}\n" for a in attrs) + "}\n")
        else:
            w(head + "\n")
    w("\n# What they work with.\n")
    for t in model["tools"]:
        attrs = []
        if t["url"]:
            attrs.append(f"url {flow_string(t['url'])}")
        if t["description"]:
            attrs.append(f"description {flow_string(t['description'])}")
        head = f"tool {t['id']} {flow_string(t['title'])}"
        if attrs:
            w(head + " {\n" + "".join(f"  {a}\n" for a in attrs) + "}\n")
        else:
            w(head + "\n")

    for proc, wf in zip(model["processes"], model["workflows"]):
        lines = [f"\n# ---- {proc['title']} " + "-" * 40]
        lines.append(f"process {proc['id']} {flow_string(proc['title'])} {{")
        lines.append(f"  outcome {flow_string(proc['outcome'])}")
        lines.append(f"  owner {proc['owner']}")
        if proc["description"]:
            lines.append(f"  description {flow_string(proc['description'])}")
        lines.append("")
        for ps in proc["steps"]:
            head = f"  step {ps['id']}"
            if ps["title_written"]:
                head += f" {flow_string(ps['title'])}"
            attrs = []
            if ps["optional"]:
                attrs.append("optional")
            if ps["description"]:
                attrs.append(f"description {flow_string(ps['description'])}")
            if attrs:
                lines.append(head + " {")
                lines.extend(f"    {a}" for a in attrs)
                lines.append("  }")
            else:
                lines.append(head)
        lines.append("}")
        lines.append("")

        lines.append(f"workflow {wf['id']} {flow_string(wf['title'])} implements {wf['implements']} {{")
        lines.append(f"  owner {wf['owner']}  # accountable for the whole workflow")
        lines.append(f"  trigger {flow_string(wf['trigger'])}")
        if wf["version"]:
            lines.append(f"  version {flow_string(wf['version'])}")
        if wf["description"]:
            lines.append(f"  description {flow_string(wf['description'])}")
        if wf["allow"]:
            lines.append(f"  allow {', '.join(wf['allow'])}")
        for s in wf["steps"]:
            lines.append("")
            if s["comment"]:
                lines.append(f"  # {s['comment']}")
            head = f"  step {s['id']}"
            if s["title_written"]:
                head += f" {flow_string(s['title'])}"
            lines.append(head + " {")
            lines.append(f"    implements {', '.join(s['implements'])}")
            lines.append(f"    owner {s['owner']}")
            lines.append(f"    tool {', '.join(s['tools'])}")
            if s["automated"]:
                lines.append("    automated")
            if s["after"]:
                lines.append(f"    after {', '.join(s['after'])}")
            if s["when"]:
                lines.append(f"    when {flow_string(s['when'])}")
            if s["wait"]:
                lines.append(f"    wait {s['wait']}")
            if s["within"]:
                lines.append(f"    within {s['within']}")
            if s["needs"]:
                lines.append(f"    needs {', '.join(s['needs'])}")
            if s["produces"]:
                lines.append(f"    produces {', '.join(s['produces'])}")
            if s["run"]:
                lines.append(f"    run {flow_string(s['run'])}")
            if s["allow_either_way"]:
                lines.append("    allow runs-either-way")
            if s["description"]:
                if s["description_block"]:
                    block = flow_block_string(s["description"].split("\n"), "    ")
                    lines.append("    description " + block[0])
                    lines.extend(block[1:])
                else:
                    lines.append(f"    description {flow_string(s['description'])}")
            lines.append("  }")
        lines.append("}")
        w("\n".join(lines) + "\n")


def sparse(obj):
    """`obj` without absent attributes: members that are null, false or an
    empty list, and the derived `*_seconds` members, are left out."""
    if isinstance(obj, dict):
        return {k: sparse(v) for k, v in obj.items()
                if v is not None and v is not False and v != [] and not k.endswith("_seconds")}
    if isinstance(obj, list):
        return [sparse(v) for v in obj]
    return obj


def write_json(model: dict, out, sparse_form: bool = False) -> None:
    """The same information as JSON (generator-only fields left out).

    The full form writes every attribute of every object (`null`, `false`,
    `[]` where absent, durations also in seconds): about 1.35 times the size
    of the Flow text. The sparse form (`"sparse": true`) leaves absent
    attributes and the seconds out, as a hand-written JSON document would:
    about 0.9 times the size of the Flow text.
    """
    private = {"title_written", "description_block", "comment"}

    def clean(obj):
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items() if k not in private}
        if isinstance(obj, list):
            return [clean(v) for v in obj]
        return obj

    doc = clean(model)
    if sparse_form:
        doc = {"format": doc["format"], "version": doc["version"], "sparse": True,
               **sparse({k: v for k, v in doc.items() if k not in ("format", "version")})}
    json.dump(doc, out, ensure_ascii=False, separators=(",", ":"))
    out.write("\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--processes", type=int, default=200, metavar="N",
                    help="number of processes, each with one workflow (default 200)")
    ap.add_argument("--steps", type=int, default=100, metavar="M",
                    help="steps per workflow (default 100)")
    ap.add_argument("--json", action="store_true",
                    help="write the same information as JSON instead of Flow")
    ap.add_argument("--sparse", action="store_true",
                    help="with --json: leave out absent attributes (null, false, [])"
                    " and the derived *_seconds members")
    ap.add_argument("--seed", type=int, default=20240601,
                    help="seed of the deterministic generator (default fixed)")
    args = ap.parse_args(argv)
    if args.processes < 1 or args.steps < 1:
        ap.error("--processes and --steps must be at least 1")
    if args.sparse and not args.json:
        ap.error("--sparse only applies to --json")

    model = make_model(args.processes, args.steps, args.seed)
    # Write UTF-8 with \n line endings whatever the locale or platform.
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="\n", closefd=False,
               buffering=1 << 20)
    try:
        if args.json:
            write_json(model, out, sparse_form=args.sparse)
        else:
            write_flow(model, out)
        out.flush()
    except BrokenPipeError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
