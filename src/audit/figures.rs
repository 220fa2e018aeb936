//! The figures of each workflow: counts, handoffs, lead time and critical
//! path, target and margin, deadline bound, runs and hours per week. Time
//! comes from [`crate::model::time`] (one definition).

use crate::backend::{root_workflows, title};
use crate::model::time::{DeadlineBound, deadline_bound, lead_time, runs_per_week};
use crate::model::{Model, Workflow};
use crate::source::SourceMap;

use super::WorkflowFigures;

/// A workflow with its figures and what the role, tool and finding passes
/// read of it.
#[derive(Debug)]
pub struct Audited<'m> {
    /// The figures reported.
    pub figures: WorkflowFigures,
    /// The model it belongs to (its roles and tools).
    pub model: &'m Model,
    /// The workflow.
    pub workflow: &'m Workflow,
    /// Each handoff: (the step handing over, the step receiving), indices
    /// into the workflow's steps, in execution order of the receiving step.
    pub handoffs: Vec<(usize, usize)>,
}

impl Audited<'_> {
    /// A step's name.
    #[must_use]
    pub fn step_id(&self, s: usize) -> &str {
        &self.workflow.steps[s].name.text
    }

    /// The name of a step's owner, if it resolved.
    #[must_use]
    pub fn owner(&self, s: usize) -> Option<&str> {
        self.workflow.steps[s]
            .owner
            .map(|r| self.model.roles[r.0].name.text.as_str())
    }

    /// Hours per week of the manual steps `keep` selects by owner; `None`
    /// without `every`.
    #[must_use]
    pub fn hours(&self, keep: impl Fn(Option<&str>) -> bool) -> Option<f64> {
        crate::model::time::manual_hours_per_week(self.workflow, |i, _| keep(self.owner(i)))
            .map(|(h, _)| h)
    }
}

/// Every root workflow of the models, in model order then as written.
#[must_use]
pub fn workflows<'m>(sources: &SourceMap, models: &[&'m Model]) -> Vec<Audited<'m>> {
    let mut out = Vec::new();
    for &model in models {
        for id in root_workflows(model) {
            let w = &model.workflows[id.0];
            let file = sources.get(w.name.span.file).name.clone();
            out.push(workflow(model, w, file));
        }
    }
    out
}

/// The figures of one workflow (of a model without errors).
#[must_use]
pub fn workflow<'m>(model: &'m Model, w: &'m Workflow, file: String) -> Audited<'m> {
    let owner = |s: usize| w.steps[s].owner;
    let mut handoffs = Vec::new();
    for &s in &w.order.sequence {
        for &p in &w.steps[s].after {
            if owner(p) != owner(s) {
                handoffs.push((p, s));
            }
        }
    }
    let name = |s: usize| w.steps[s].name.text.clone();
    let lead = lead_time(w);
    let critical: Vec<usize> = lead
        .as_ref()
        .map(|l| l.critical_path.clone())
        .unwrap_or_default();
    let lead_s = lead.as_ref().map_or(0, |l| l.seconds);
    let target_s = w.target.map(|d| d.seconds());
    let (deadline_bound_s, unbounded_at) = match deadline_bound(w) {
        Some(DeadlineBound::Bounded(s, _)) => (Some(s), None),
        Some(DeadlineBound::Unbounded(s)) => (None, Some(name(s))),
        None => (None, None),
    };
    let automated = w.steps.iter().filter(|s| s.automated).count();
    let mut audited = Audited {
        figures: WorkflowFigures {
            id: w.name.text.clone(),
            title: title(&w.name, w.title.as_ref()).into_owned(),
            file,
            steps: w.steps.len(),
            manual: w.steps.len() - automated,
            automated,
            decisions: w.decisions.len(),
            rework_loops: w.steps.iter().map(|s| s.rework.len()).sum(),
            handoffs: handoffs.len(),
            handoffs_without_deadline: handoffs
                .iter()
                .filter(|&&(_, s)| w.steps[s].within.is_none())
                .count(),
            lead_time_s: lead_s,
            lead_time_is_lower_bound: lead.as_ref().is_some_and(|l| l.lower_bound),
            critical_path: critical.iter().map(|&s| name(s)).collect(),
            critical_steps_without_takes: critical
                .iter()
                .filter(|&&s| w.steps[s].takes.is_none())
                .map(|&s| name(s))
                .collect(),
            target_s,
            margin_s: target_s.map(|t| signed(t) - signed(lead_s)),
            deadline_bound_s,
            unbounded_at,
            runs_per_week: runs_per_week(w),
            hours_per_week: None,
        },
        model,
        workflow: w,
        handoffs,
    };
    audited.figures.hours_per_week = audited.hours(|_| true);
    audited
}

/// Seconds as a signed number (durations are far below `i64::MAX`).
fn signed(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}
