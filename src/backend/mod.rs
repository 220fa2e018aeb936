//! Backends: pure functions of a checked [`Model`] to the documents users need.
//! No I/O here; the CLI writes files (atomically).
//!
//! A backend is only run on a model without errors: every step has an owner and
//! a tool, every reference resolved, the order has no cycle.

pub mod bpmn;
pub mod dot;
pub mod handbook;
pub mod mermaid;
pub mod plan;
pub mod sop;

use std::borrow::Cow;

use crate::ast::{Ident, StrLit};
use crate::model::time::{describe_seconds, format_seconds, lead_time};
use crate::model::{
    Condition, Model, ProcessId, RoleId, Step, Workflow, WorkflowId, display_title,
};

/// The workflows declared in the root file, in source order: the ones a build
/// writes documents for.
#[must_use]
pub fn root_workflows(model: &Model) -> Vec<WorkflowId> {
    model
        .workflows
        .iter()
        .enumerate()
        .filter(|(_, w)| model.in_root(w.name.span) && !w.duplicate)
        .map(|(i, _)| WorkflowId(i))
        .collect()
}

/// The processes a drawing of the root file shows: those declared in it and
/// those its workflows implement (declared in used files), in model order.
#[must_use]
pub fn root_processes(model: &Model) -> Vec<ProcessId> {
    let implemented: Vec<usize> = root_workflows(model)
        .into_iter()
        .filter_map(|w| model.workflows[w.0].process.map(|p| p.0))
        .collect();
    model
        .processes
        .iter()
        .enumerate()
        .filter(|(i, p)| !p.duplicate && (model.in_root(p.name.span) || implemented.contains(i)))
        .map(|(i, _)| ProcessId(i))
        .collect()
}

/// The critical path that diagrams draw thicker (DOT and Mermaid): drawn
/// when the workflow says anything about time, and only when the path leaves
/// some steps out (in a line of steps every edge would be); empty otherwise.
#[must_use]
pub(crate) fn drawn_critical_path(workflow: &Workflow) -> Vec<usize> {
    if !says_time(workflow) {
        return Vec::new();
    }
    lead_time(workflow)
        .map(|l| l.critical_path)
        .filter(|p| p.len() < workflow.steps.len())
        .unwrap_or_default()
}

/// Whether the edge from `from` (`None`: the start) to `to` is on `critical`
/// ([`drawn_critical_path`]): from the start to its first step, then along it.
#[must_use]
pub(crate) fn on_critical_path(critical: &[usize], from: Option<usize>, to: usize) -> bool {
    match from {
        None => critical.first() == Some(&to),
        Some(a) => critical.windows(2).any(|p| p[0] == a && p[1] == to),
    }
}

/// The title of a workflow step (written, or made from its name).
#[must_use]
pub fn step_title(workflow: &Workflow, step: usize) -> String {
    let s = &workflow.steps[step];
    display_title(&s.name, s.title.as_ref())
}

/// [`display_title`] without a copy where a title is written.
#[must_use]
pub(crate) fn title<'a>(name: &'a Ident, title: Option<&'a StrLit>) -> Cow<'a, str> {
    match title {
        Some(t) => Cow::Borrowed(&t.value),
        None => Cow::Owned(display_title(name, None)),
    }
}

/// The steps of a workflow in executable order, or in source order where the
/// order is not known (only in models with errors).
#[must_use]
pub(crate) fn sequence(workflow: &Workflow) -> Cow<'_, [usize]> {
    if workflow.order.sequence.len() == workflow.steps.len() {
        Cow::Borrowed(&workflow.order.sequence)
    } else {
        Cow::Owned((0..workflow.steps.len()).collect())
    }
}

/// The procedure number of each step of a workflow (from 1, by step index):
/// its place in [`sequence`]. The SOP heads each step with this number and
/// the diagram writes it before each step's title, so the two read together.
#[must_use]
pub(crate) fn step_numbers(workflow: &Workflow) -> Vec<usize> {
    let mut number = vec![0; workflow.steps.len()];
    for (k, &i) in sequence(workflow).iter().enumerate() {
        number[i] = k + 1;
    }
    number
}

/// The swimlanes of a workflow: one per owner (`None` for steps without one),
/// in the order the owners first act along `order`, each with its steps in
/// that order. The diagram and the Mermaid chart draw the same lanes.
#[must_use]
pub(crate) fn lanes(workflow: &Workflow, order: &[usize]) -> Vec<(Option<RoleId>, Vec<usize>)> {
    let mut lanes: Vec<(Option<RoleId>, Vec<usize>)> = Vec::new();
    for &i in order {
        let owner = workflow.steps[i].owner;
        match lanes.iter_mut().find(|(o, _)| *o == owner) {
            Some((_, steps)) => steps.push(i),
            None => lanes.push((owner, vec![i])),
        }
    }
    lanes
}

/// One condition of a step in words, for "only if …": free text as
/// written, a decision as its question and the answer it needs ("the answer
/// to “Is the lead hot?” was yes"). Not escaped.
#[must_use]
pub fn condition_words(workflow: &Workflow, condition: &Condition) -> String {
    match condition {
        Condition::Text(s) => s.value.trim().to_owned(),
        Condition::Decision { decision, is, .. } => {
            let question = workflow
                .decisions
                .get(*decision)
                .map_or("", |d| d.question.value.trim());
            format!(
                "the answer to “{question}” was {}",
                if *is { "yes" } else { "no" }
            )
        }
    }
}

/// The conditions of a step's `when` in words ([`condition_words`]), joined
/// by "and"; `None` for a step that runs always. Not escaped.
#[must_use]
pub fn conditions_words(workflow: &Workflow, step: &Step) -> Option<String> {
    if step.when.is_empty() {
        return None;
    }
    let mut out = String::new();
    for (k, c) in step.when.iter().enumerate() {
        if k > 0 {
            out.push_str(" and ");
        }
        out.push_str(&condition_words(workflow, c));
    }
    Some(out)
}

/// Whether steps `a` and `b` need opposite answers to one decision (`when d`
/// on one, `when not d` on the other): they never both run, so no output
/// says they happen at the same time.
#[must_use]
pub fn opposite(workflow: &Workflow, a: usize, b: usize) -> bool {
    let answers = |s: usize| {
        workflow.steps[s].when.iter().filter_map(|c| match c {
            Condition::Decision { decision, is, .. } => Some((*decision, *is)),
            Condition::Text(_) => None,
        })
    };
    answers(a).any(|(d, is)| answers(b).any(|(d2, is2)| d2 == d && is2 != is))
}

/// The steps that rework points back to from step `s`, with the question
/// whose "no" sends it there: `(target step, decision)` in the order written.
#[must_use]
pub fn rework_targets(workflow: &Workflow, s: usize) -> Vec<(usize, usize)> {
    workflow.steps[s]
        .rework
        .iter()
        .filter(|r| r.step < workflow.steps.len() && r.decision < workflow.decisions.len())
        .map(|r| (r.step, r.decision))
        .collect()
}

/// The lead time against the target, for people: "at least 2d 4h (target
/// 3d)", "5h (target 1d)", "at least 4d (target 3d, exceeded)", "1d 2h";
/// "not known" when no step says how long it takes or waits. `None` for a
/// workflow whose lead time cannot be computed (no step, or a cycle).
#[must_use]
pub fn lead_time_words(workflow: &Workflow) -> Option<String> {
    let lead = lead_time(workflow)?;
    let mut out = if lead.lower_bound && lead.seconds == 0 {
        "not known (no step says how long it takes)".to_owned()
    } else if lead.lower_bound {
        format!("at least {}", describe_seconds(lead.seconds))
    } else {
        describe_seconds(lead.seconds)
    };
    if let Some(target) = workflow.target {
        let target = target.seconds();
        out.push_str(" (target ");
        out.push_str(&format_seconds(target));
        if lead.seconds > target {
            out.push_str(", exceeded");
        }
        out.push(')');
    }
    Some(out)
}

/// Whether a workflow says anything about time that a lead time is made of
/// or measured against: a `takes`, a `wait` or a `target`. Outputs show the
/// lead time only then (for other workflows it is "not known").
#[must_use]
pub fn says_time(workflow: &Workflow) -> bool {
    workflow.target.is_some()
        || workflow
            .steps
            .iter()
            .any(|s| s.takes.is_some() || s.wait.is_some())
}

/// Appends [`duration_words`] to `out`.
pub(crate) fn push_duration_words(out: &mut String, d: &crate::ast::Duration) {
    use crate::ast::DurationUnit::{Days, Hours, Minutes, Weeks};
    if let Ok(n) = usize::try_from(d.amount) {
        push_number(out, n);
    } else {
        use std::fmt::Write as _;
        let _ = write!(out, "{}", d.amount);
    }
    out.push(' ');
    out.push_str(match d.unit {
        Minutes => "minute",
        Hours => "hour",
        Days => "day",
        Weeks => "week",
    });
    if d.amount != 1 {
        out.push('s');
    }
}

/// A duration in words for people: `2 days`, `1 hour`, `90 minutes`.
#[must_use]
pub fn duration_words(d: &crate::ast::Duration) -> String {
    let mut out = String::new();
    push_duration_words(&mut out, d);
    out
}

/// Appends `n` in decimal, without the formatting machinery (backends write
/// numbers for every step).
pub(crate) fn push_number(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Which ASCII bytes are printable (space to `~`) and not in `special`: the
/// table of an escaping function's all-plain fast path.
pub(crate) const fn printable_except(special: &[u8]) -> [bool; 128] {
    let mut table = [false; 128];
    let mut b: u8 = 0x20;
    while b < 0x7f {
        table[b as usize] = true;
        b += 1;
    }
    let mut k = 0;
    while k < special.len() {
        table[special[k] as usize] = false;
        k += 1;
    }
    table
}

/// `render` applied to each workflow, on all cores, results in order: the
/// documents of a file with many workflows are independent.
pub fn render_each<R: Send>(
    workflows: &[WorkflowId],
    render: impl Fn(WorkflowId) -> R + Sync,
) -> Vec<R> {
    crate::parallel::map(workflows, |&w| render(w))
}

#[cfg(test)]
mod tests {
    use super::{duration_words, printable_except, push_number};
    use crate::ast::{Duration, DurationUnit};
    use crate::source::{FileId, Span};

    #[test]
    fn numbers_in_decimal() {
        for n in [0, 7, 10, 99, 12_345, usize::MAX] {
            let mut s = String::new();
            push_number(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn durations_in_words() {
        let d = |amount, unit| Duration {
            amount,
            unit,
            span: Span::new(FileId(0), 0, 0),
        };
        assert_eq!(duration_words(&d(1, DurationUnit::Days)), "1 day");
        assert_eq!(duration_words(&d(90, DurationUnit::Minutes)), "90 minutes");
        assert_eq!(duration_words(&d(0, DurationUnit::Weeks)), "0 weeks");
        assert_eq!(
            duration_words(&d(u64::MAX, DurationUnit::Hours)),
            format!("{} hours", u64::MAX)
        );
    }

    #[test]
    fn printable_except_leaves_out_controls_non_ascii_and_the_special() {
        let table = printable_except(b"<&");
        let plain: Vec<u8> = (0u8..128).filter(|&b| table[usize::from(b)]).collect();
        let expected: Vec<u8> = (b' '..=b'~').filter(|&b| b != b'<' && b != b'&').collect();
        assert_eq!(plain, expected);
    }
}
