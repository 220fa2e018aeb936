//! Decisions, conditions and rework in a workflow: collecting the decisions
//! its steps take, and the checks that need the order (a condition on an
//! answer nobody has given yet, a rework loop that does not run back).

use super::{Condition, Decision, Step};
use crate::ast::{AttrKind, Decl, Value};
use crate::check::codes::Code;
use crate::diagnostic::Diagnostic;

/// The decisions the steps of a workflow take, in the order written. A name
/// decided twice is `duplicate-definition` at the second (decisions have a
/// namespace of their own per workflow), and so is a name whose variable
/// (`-` as `_`) an earlier decision has.
pub(super) fn decisions(
    steps: &[&Decl],
    workflow: &Decl,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Decision> {
    let mut out: Vec<Decision> = Vec::new();
    // The first decision of each name and of each variable (indices into
    // `out`): a workflow may take thousands.
    let mut by_name: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
    let mut by_variable: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    for (i, step) in steps.iter().enumerate() {
        for attr in step.attrs().filter(|a| a.kind == AttrKind::Decides) {
            let Value::Decision(name, question) = &attr.value else {
                continue;
            };
            if let Some(first) = by_name.get(name.text.as_str()).map(|&k| &out[k]) {
                let d = Diagnostic::new(
                    Code::DuplicateDefinition,
                    name.span,
                    format!(
                        "decision `{}` is decided twice in workflow `{}`",
                        name.text, workflow.name.text
                    ),
                    "decided again here",
                )
                .with_label(first.name.span, "first decided here")
                .with_help("one step answers each question: rename one of the decisions");
                diags.push(d);
                continue;
            }
            let decision = Decision {
                name: name.clone(),
                question: question.clone(),
                step: i,
            };
            let variable = decision.variable();
            if let Some(first) = by_variable.get(&variable).map(|&k| &out[k]) {
                let d = Diagnostic::new(
                    Code::DuplicateDefinition,
                    name.span,
                    format!(
                        "decisions `{}` and `{}` share the variable `{variable}` in workflow `{}`: plans and BPMN write `-` as `_`",
                        first.name.text, name.text, workflow.name.text
                    ),
                    "its answer would overwrite the other's",
                )
                .with_label(first.name.span, "decided here first")
                .with_help("rename one of the decisions so that they differ by more than `-` and `_`");
                diags.push(d);
            }
            by_name.entry(name.text.as_str()).or_insert(out.len());
            by_variable.entry(variable).or_insert(out.len());
            out.push(decision);
        }
    }
    out
}

/// Whether each step is an ancestor of `step` (follows `after` back,
/// transitively; `step` itself only on a cycle).
fn ancestors(steps: &[Step], step: usize) -> Vec<bool> {
    let mut seen = vec![false; steps.len()];
    let mut stack: Vec<usize> = steps[step].after.clone();
    while let Some(s) = stack.pop() {
        if !std::mem::replace(&mut seen[s], true) {
            stack.extend(steps[s].after.iter().copied());
        }
    }
    seen
}

/// `condition-before-decision` for each `when` on an answer that no
/// ancestor gives; `invalid-value` for a `rework` that does not run back to
/// the step or an ancestor, or on a decision not taken by them (dropped from
/// the model).
pub(super) fn check_order(steps: &mut [Step], decisions: &[Decision], diags: &mut Vec<Diagnostic>) {
    for i in 0..steps.len() {
        let uses_decision = steps[i]
            .when
            .iter()
            .any(|c| matches!(c, Condition::Decision { .. }));
        if !uses_decision && steps[i].rework.is_empty() {
            continue;
        }
        let before = ancestors(steps, i);
        for c in &steps[i].when {
            let Condition::Decision { decision, span, .. } = c else {
                continue;
            };
            let d = &decisions[*decision];
            if d.step != i && before[d.step] {
                continue;
            }
            let (name, decider) = (&d.name.text, &steps[d.step].name);
            let diag = if d.step == i {
                Diagnostic::new(
                    Code::ConditionBeforeDecision,
                    *span,
                    format!(
                        "step `{}` runs only on its own answer to `{name}`",
                        steps[i].name.text
                    ),
                    "decided by this same step",
                )
                .with_help(format!(
                    "move `when {name}` to the steps that depend on the answer"
                ))
            } else {
                Diagnostic::new(
                    Code::ConditionBeforeDecision,
                    *span,
                    format!(
                        "step `{}` depends on `{name}`, but step `{}` that decides it does not come before it",
                        steps[i].name.text, decider.text
                    ),
                    "nobody knows this answer yet",
                )
                .with_label(decider.span, format!("`{name}` is decided here"))
                .with_help(if ancestors(steps, d.step)[i] {
                    // `after` would close a loop: the decider comes after.
                    format!(
                        "step `{0}` comes after step `{1}`, so `after {0}` would make a loop: move `when {name}` to a step after `{0}`, or decide `{name}` in a step before `{1}`",
                        decider.text, steps[i].name.text
                    )
                } else {
                    format!(
                        "add `after {}` to step `{}` (or to a step before it)",
                        decider.text, steps[i].name.text
                    )
                })
            };
            diags.push(diag);
        }
        let step_name = steps[i].name.text.clone();
        steps[i].rework.retain(|r| {
            let mut valid = true;
            if r.step != i && !before[r.step] {
                valid = false;
                diags.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        r.step_span,
                        format!(
                            "step `{step_name}` cannot send work back to a step that does not come before it",
                        ),
                        "not this step nor a step before it",
                    )
                    .with_help("rework runs back along the order: name this step or one it comes after"),
                );
            }
            let decider = decisions[r.decision].step;
            if decider != i && !before[decider] {
                valid = false;
                diags.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        r.decision_span,
                        format!(
                            "`{}` is not decided by step `{step_name}` nor by a step before it",
                            decisions[r.decision].name.text
                        ),
                        "no answer here yet",
                    )
                    .with_help(format!(
                        "add `decides {} \"Question?\"` to this step, or name a decision taken before it",
                        decisions[r.decision].name.text
                    )),
                );
            }
            valid
        });
    }
}
