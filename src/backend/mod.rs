//! Backends: pure functions of a checked [`Model`] to the documents users need.
//! No I/O here; the CLI writes files (atomically).
//!
//! A backend is only run on a model without errors: every step has an owner and
//! a tool, every reference resolved, the order has no cycle.

pub mod dot;
pub mod mermaid;
pub mod plan;
pub mod sop;

use std::borrow::Cow;

use crate::ast::{Ident, StrLit};
use crate::model::{Model, ProcessId, Workflow, WorkflowId, display_title};

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

/// Appends [`duration_words`] to `out`.
pub(crate) fn push_duration_words(out: &mut String, d: &crate::ast::Duration) {
    use crate::ast::DurationUnit::{Days, Hours, Minutes, Weeks};
    use std::fmt::Write as _;
    let unit = match d.unit {
        Minutes => "minute",
        Hours => "hour",
        Days => "day",
        Weeks => "week",
    };
    if d.amount == 1 {
        out.push_str("1 ");
        out.push_str(unit);
    } else {
        let _ = write!(out, "{} {unit}s", d.amount);
    }
}

/// A duration in words for people: `2 days`, `1 hour`, `90 minutes`.
#[must_use]
pub fn duration_words(d: &crate::ast::Duration) -> String {
    use crate::ast::DurationUnit::{Days, Hours, Minutes, Weeks};
    let unit = match d.unit {
        Minutes => "minute",
        Hours => "hour",
        Days => "day",
        Weeks => "week",
    };
    if d.amount == 1 {
        format!("1 {unit}")
    } else {
        format!("{} {unit}s", d.amount)
    }
}

/// `render` applied to each workflow, on all cores, results in order: the
/// documents of a file with many workflows are independent.
pub fn render_each<R: Send>(
    workflows: &[WorkflowId],
    render: impl Fn(WorkflowId) -> R + Sync,
) -> Vec<R> {
    crate::parallel::map(workflows, |&w| render(w))
}
