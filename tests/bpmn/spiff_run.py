"""Runs the spiff flavor of procflow's BPMN in SpiffWorkflow and checks it
against the plan JSON of the same workflow (tests/backend_bpmn.rs calls it).

Usage: python spiff_run.py WORKFLOW.bpmn WORKFLOW.json [...pairs]

For each workflow, one run per combination of answers (bounded): every
decision answered yes or no, every free-text condition (`when_<step>`) true
or false, and every decision that sends work back (`rework`) answered no
once and then yes (the loop runs once). Each run completes every ready user
task and checks that
  (a) the run finishes;
  (b) each completed step came after a completion of every `after` step
      that ran;
  (c) exactly the steps whose `when` holds were done, by the plan's
      semantics (a skipped step counts as done; a decision whose step was
      skipped has no answer, so neither `when d` nor `when not d` holds);
  (d) a step with `escalate` gets its escalation task when its deadline's
      timer fires (timers are set to zero for the run: every deadline has
      passed by the time the task is waited on).
The file is parsed with SpiffWorkflow's XSD validation, every timer value is
checked to be a duration SpiffWorkflow reads, and each user task's lane is
its owner's title. Prints "N passed, N failed"; exits 1 on a failure.
"""

import ast
import itertools
import json
import re
import sys
import time

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

MAX_RUNS = 64


def expected_steps(plan, answers, texts):
    """The steps that run, by the plan's semantics, with the final answers."""
    ran = set()
    answered = {}
    for step in plan["steps"]:
        ok = True
        for c in step["when"]:
            if "decision" in c:
                d = c["decision"]
                ok = ok and d in answered and answered[d] == c["is"]
            else:
                ok = ok and texts[c["variable"]]
        if ok:
            ran.add(step["id"])
            for d in step["decides"]:
                answered[d] = answers[d][-1]
    return ran


def drawn_loops(plan, xml):
    """The decisions of the rework loops drawn as a back flow (from
    `S.rework` to `T.again`); the others are only documented."""
    return {
        r["decision"]
        for s in plan["steps"]
        for r in s["rework"]
        if f'sourceRef="{s["id"]}.rework" targetRef="{r["step"]}.again"' in xml
    }


def combinations(plan, rework):
    """(answers per decision as the sequence given, text answers), bounded:
    a decision with a drawn loop is answered no once, then yes."""
    decisions = [d["name"] for d in plan["decisions"]]
    texts = [c["variable"] for s in plan["steps"] for c in s["when"] if "text" in c]
    choices = []
    for d in decisions:
        choices.append([(True,), (False, True)] if d in rework else [(True,), (False,)])
    for _ in texts:
        choices.append([True, False])
    out = []
    for combo in itertools.product(*choices):
        answers = dict(zip(decisions, combo[: len(decisions)]))
        text_answers = dict(zip(texts, combo[len(decisions):]))
        out.append((answers, text_answers))
        if len(out) >= MAX_RUNS:
            break
    return out


def zero_timers(xml):
    """The document with every timer set to zero, after checking that each
    value is a Python string literal holding a duration SpiffWorkflow reads."""
    pattern = re.compile(r"(<bpmn:time(?:Duration|Cycle)[^>]*>)([^<]*)(</bpmn:time(?:Duration|Cycle)>)")
    for m in pattern.finditer(xml):
        value = ast.literal_eval(m.group(2).replace("&quot;", '"'))
        if "Cycle" in m.group(1):
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            TimerEventDefinition.parse_iso_duration(value)
    return pattern.sub(lambda m: m.group(1) + '"PT0S"' + m.group(3), xml)


class Harness(PythonScriptEngine):
    """Runs the script of an automated step (a placeholder that leaves its
    decisions unanswered), then answers them as the run's combination says."""

    def __init__(self, answer):
        super().__init__()
        self.answer = answer

    def execute(self, task, script, external_context=None):
        result = super().execute(task, script, external_context)
        self.answer(task)
        return result


def run_once(spec, plan, answers, texts, loops):
    try:
        return run_checked(spec, plan, answers, texts, loops)
    except Exception as e:  # an engine error is a failed run, reported
        return [f"(a) the run failed: {type(e).__name__}: {e} (answers {answers}, texts {texts})"]


def run_checked(spec, plan, answers, texts, loops):
    problems = []
    steps = {s["id"]: s for s in plan["steps"]}
    roles = {r["id"]: r["title"] for r in plan["roles"]}
    asked = {d: 0 for d in answers}

    def answer(task):
        step = steps.get(task.task_spec.bpmn_id)
        if step is None:
            return
        for d in step["decides"]:
            variable = next(x["variable"] for x in plan["decisions"] if x["name"] == d)
            sequence = answers[d]
            task.data[variable] = sequence[min(asked[d], len(sequence) - 1)]
            asked[d] += 1

    workflow = BpmnWorkflow(spec, script_engine=Harness(answer))
    for name in plan["workflow"]["inputs"]:
        workflow.data_objects[name] = f"input {name}"
    for s in plan["steps"]:
        for name in s["produces"] + s["needs"]:
            workflow.data_objects.setdefault(name, None)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(texts)
    completed = []  # step ids in the order completed
    escalated = set()
    waited = {}
    for _ in range(10_000):
        workflow.do_engine_steps()
        # A zero timer fires once the clock has moved past when it was set.
        time.sleep(0.002)
        workflow.refresh_waiting_tasks()
        workflow.do_engine_steps()
        if workflow.is_completed():
            break
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            time.sleep(0.002)
            workflow.refresh_waiting_tasks()
            if not workflow.get_tasks(state=TaskState.READY, manual=True) and not workflow.is_completed():
                problems.append("(a) the run is stuck: no ready task and not finished")
                break
            continue
        # Escalations first (they appear while their step waits), then
        # steps in a fixed order.
        ready.sort(key=lambda t: (not t.task_spec.bpmn_id.endswith(".escalation"), t.task_spec.bpmn_id))

        def waiting_for_escalation(t):
            step = steps.get(t.task_spec.bpmn_id)
            return (
                step is not None
                and step["escalate"]
                and step["id"] not in escalated
                and waited.get(step["id"], 0) < 50
            )

        task = next((t for t in ready if not waiting_for_escalation(t)), None)
        if task is None:
            for t in ready:
                waited[t.task_spec.bpmn_id] = waited.get(t.task_spec.bpmn_id, 0) + 1
            continue
        bpmn_id = task.task_spec.bpmn_id
        if bpmn_id.endswith(".escalation"):
            escalated.add(bpmn_id[: -len(".escalation")])
            task.run()
            continue
        step = steps.get(bpmn_id)
        if step is None:
            problems.append(f"unknown user task {bpmn_id}")
            task.run()
            continue
        lane = task.task_spec.lane
        if lane != roles.get(step["owner"]):
            problems.append(f"{bpmn_id}: lane {lane!r}, owner {roles.get(step['owner'])!r}")
        if step["escalate"] and bpmn_id not in escalated:
            problems.append(f"(d) {bpmn_id}: its deadline passed and no escalation task appeared")
        answer(task)
        for name in step["produces"]:
            task.data[name] = f"{name} by {bpmn_id}"
        completed.append(bpmn_id)
        escalated.discard(bpmn_id)
        waited.pop(bpmn_id, None)
        task.run()
    else:
        problems.append("(a) the run did not finish within 10000 rounds")
    if not workflow.is_completed() and not any(p.startswith("(a)") for p in problems):
        problems.append("(a) the run did not finish")
    # Automated steps are script tasks: completed by the engine.
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        bpmn_id = task.task_spec.bpmn_id
        if bpmn_id in steps and steps[bpmn_id]["automated"]:
            completed.append(bpmn_id)
    done_order = sorted(
        (t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id in steps),
        key=lambda t: t.last_state_change,
    )
    order = [t.task_spec.bpmn_id for t in done_order]
    # (b): every completion comes after a completion of each `after` step
    # that ran.
    ran = set(order)
    for i, s in enumerate(order):
        for p in steps[s]["after"]:
            if p in ran and p not in order[:i]:
                problems.append(f"(b) {s} was done before {p}, which it comes after")
    # (c)
    expected = expected_steps(plan, answers, texts)
    if ran != expected:
        problems.append(
            f"(c) done {sorted(ran)}, expected {sorted(expected)} (answers {answers}, texts {texts})"
        )
    # The loop ran once for each "no then yes" rework decision whose step ran.
    for s in plan["steps"]:
        for r in s["rework"]:
            if s["id"] in ran and r["decision"] in loops and len(answers[r["decision"]]) == 2:
                count = order.count(r["step"])
                if count < 2:
                    problems.append(f"rework of {r['step']} did not run again ({count} times)")
    return problems


def main(args):
    passed = failed = 0
    for bpmn_path, plan_path in zip(args[0::2], args[1::2]):
        plan = json.load(open(plan_path, encoding="utf-8"))
        with open(bpmn_path, encoding="utf-8") as f:
            xml = zero_timers(f.read())
        parser = SpiffBpmnParser(validator=VALIDATOR)
        parser.add_bpmn_str(xml.encode("utf-8"), filename=bpmn_path)
        # The process's id is the workflow's, or WORKFLOW.process when a step
        # has the workflow's id (docs/outputs/bpmn.md).
        process_id = plan["workflow"]["id"]
        if process_id not in parser.get_process_ids():
            process_id += ".process"
        spec = parser.get_spec(process_id)
        loops = drawn_loops(plan, xml)
        runs = combinations(plan, loops)
        problems = []
        for answers, texts in runs:
            problems += run_once(spec, plan, answers, texts, loops)
        if problems:
            failed += 1
            for p in dict.fromkeys(problems):
                print(f"{bpmn_path}: {p}")
        else:
            passed += 1
            print(f"{bpmn_path}: {len(runs)} runs")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
