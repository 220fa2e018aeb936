//! Lints about decisions and inputs: `runs-either-way` and `unused-input`.

use crate::check::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Condition, Workflow};

/// A step without `when` whose predecessors are all conditional runs
/// whatever the answers, unless two predecessors take opposite answers of
/// one decision (an either/or join). Rework edges are not predecessors.
pub(super) fn runs_either_way(w: &Workflow, out: &mut Vec<Diagnostic>) {
    for s in &w.steps {
        if s.conditional || s.after.is_empty() {
            continue;
        }
        let preds: Vec<_> = s.after.iter().map(|&p| &w.steps[p]).collect();
        if !preds.iter().all(|p| p.conditional) {
            continue;
        }
        if either_or(w, &s.after) {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::RunsEitherWay,
            s.name.span,
            format!(
                "step `{}` has no condition, but every step before it has one",
                s.name.text
            ),
            "this step runs whatever the answers",
        );
        for p in &preds {
            d = d.with_label(
                p.name.span,
                format!("`{}` runs only under a condition", p.name.text),
            );
        }
        out.push(d.with_help(
            "if it depends on the same answer, add the `when` it is missing; if it really runs either way, add `allow runs-either-way` to the step",
        ));
    }
}

/// Whether, among the steps `preds`, one has `when d` and another `when not
/// d` for some decision `d` (free text never forms such a join).
#[must_use]
pub fn either_or(w: &Workflow, preds: &[usize]) -> bool {
    let answers = |p: usize| {
        w.steps[p].when.iter().filter_map(|c| match c {
            Condition::Decision { decision, is, .. } => Some((*decision, *is)),
            Condition::Text(_) => None,
        })
    };
    preds.iter().any(|&a| {
        answers(a).any(|(d, is)| {
            preds
                .iter()
                .any(|&b| b != a && answers(b).any(|(d2, is2)| d2 == d && is2 != is))
        })
    })
}

/// An input that no step `needs`.
pub(super) fn unused_input(w: &Workflow, out: &mut Vec<Diagnostic>) {
    for input in &w.inputs {
        if w.steps
            .iter()
            .any(|s| s.needs.iter().any(|n| n.text == input.text))
        {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::UnusedInput,
                input.span,
                format!(
                    "input `{}` is needed by no step of workflow `{}`",
                    input.text, w.name.text
                ),
                "declared but never needed",
            )
            .with_help(format!(
                "add `needs {}` to the steps that use it, or remove it from `input`",
                input.text
            )),
        );
    }
}
