//! Lints about time: `impossible-deadline` and `target-exceeded`.

use crate::check::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::Workflow;
use crate::model::time::{describe_seconds, format_seconds, lead_time};

/// `wait + takes` longer than `within` on one step (equal is fine).
pub(super) fn impossible_deadline(w: &Workflow, out: &mut Vec<Diagnostic>) {
    for s in &w.steps {
        let Some(within) = s.within else { continue };
        let wait = s.wait.map_or(0, |d| d.seconds());
        let takes = s.takes.map_or(0, |d| d.seconds());
        let needed = wait.saturating_add(takes);
        if needed <= within.seconds() {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::ImpossibleDeadline,
            within.span,
            format!(
                "step `{}` cannot be done within {}: it needs {}",
                s.name.text,
                describe_seconds(within.seconds()),
                describe_seconds(needed)
            ),
            "the deadline passes before the step can be done",
        );
        if let Some(wait) = s.wait {
            d = d.with_label(wait.span, "waited first");
        }
        if let Some(takes) = s.takes {
            d = d.with_label(takes.span, "then worked");
        }
        out.push(d.with_help(format!(
            "the deadline counts from when the step is ready, `wait` included: give at least `within {}`, or shorten `wait` or `takes`",
            format_seconds(needed)
        )));
    }
}

/// The lead time is more than the workflow's `target` (equal is fine).
pub(super) fn target_exceeded(w: &Workflow, out: &mut Vec<Diagnostic>) {
    let Some(target) = w.target else { return };
    let Some(lead) = lead_time(w) else { return };
    if lead.seconds <= target.seconds() {
        return;
    }
    let at_least = if lead.lower_bound { "at least " } else { "" };
    let path: Vec<&str> = lead
        .critical_path
        .iter()
        .map(|&s| w.steps[s].name.text.as_str())
        .collect();
    let mut d = Diagnostic::new(
        Code::TargetExceeded,
        target.span,
        format!(
            "workflow `{}` takes {at_least}{}, more than its target of {}",
            w.name.text,
            describe_seconds(lead.seconds),
            describe_seconds(target.seconds())
        ),
        "the target",
    );
    for &s in &lead.critical_path {
        let step = &w.steps[s];
        let cost = step.wait.map_or(0, |d| d.seconds()) + step.takes.map_or(0, |d| d.seconds());
        d = d.with_label(
            step.name.span,
            format!("on the critical path: {}", describe_seconds(cost)),
        );
    }
    out.push(d.with_help(format!(
        "the critical path is {}: shorten a `wait` or `takes` on it, run its steps in parallel with `after`, or raise the `target`",
        path.join(" → ")
    )));
}
