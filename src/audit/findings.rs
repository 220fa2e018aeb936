//! Findings: what the audit asks a founder to look at, ranked. Targets
//! missed first (by how much), then handoffs without a deadline, roles over
//! the load threshold (most hours first), critical-path steps without
//! `takes` (the lead time is only a lower bound), and workflows without
//! `every` (no load can be computed); within a kind, in the order read.

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::time::{describe_hours as hours, describe_seconds};

use super::RoleFigures;
use super::figures::Audited;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The lead time is more than the workflow's `target`.
    TargetMissed,
    /// A handoff (an order edge between steps with different owners) whose
    /// receiving step has no `within`.
    HandoffWithoutDeadline,
    /// A role's hours per week are more than the threshold.
    RoleOverloaded,
    /// Steps on the critical path have no `takes`: the lead time is only a
    /// lower bound (one finding per workflow; `step` set when there is one).
    CriticalStepWithoutTakes,
    /// A workflow has no `every`: its load on roles cannot be computed.
    WorkflowWithoutEvery,
}

impl FindingKind {
    /// The kind in words, for people.
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            FindingKind::TargetMissed => "target missed",
            FindingKind::HandoffWithoutDeadline => "handoff without deadline",
            FindingKind::RoleOverloaded => "role overloaded",
            FindingKind::CriticalStepWithoutTakes => "critical step without takes",
            FindingKind::WorkflowWithoutEvery => "workflow without every",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Its kind.
    pub kind: FindingKind,
    /// What was found, in one sentence.
    pub message: String,
    /// The workflow it is about, if one.
    pub workflow: Option<String>,
    /// The step it is about, if one (of `workflow`).
    pub step: Option<String>,
    /// The role it is about, if one.
    pub role: Option<String>,
    /// The file that declares the workflow, if one.
    pub file: Option<String>,
}

/// Every finding, ranked.
#[must_use]
pub fn rank(workflows: &[Audited<'_>], roles: &[RoleFigures]) -> Vec<Finding> {
    let mut missed: Vec<(u64, Finding)> = Vec::new();
    let mut out: Vec<Finding> = Vec::new();
    let finding = |kind, a: &Audited<'_>, step: Option<&str>, message: String| Finding {
        kind,
        message,
        workflow: Some(a.figures.id.clone()),
        step: step.map(str::to_owned),
        role: None,
        file: Some(a.figures.file.clone()),
    };
    for a in workflows {
        let f = &a.figures;
        if let Some(target) = f.target_s.filter(|&t| f.lead_time_s > t) {
            let over = f.lead_time_s - target;
            let at_least = if f.lead_time_is_lower_bound {
                "at least "
            } else {
                ""
            };
            missed.push((
                over,
                finding(
                    FindingKind::TargetMissed,
                    a,
                    None,
                    format!(
                        "workflow `{}` takes {at_least}{}, {} over its target of {} (critical path: {})",
                        f.id,
                        describe_seconds(f.lead_time_s),
                        describe_seconds(over),
                        describe_seconds(target),
                        f.critical_path.join(" → ")
                    ),
                ),
            ));
        }
    }
    missed.sort_by_key(|m| std::cmp::Reverse(m.0));
    out.extend(missed.into_iter().map(|(_, f)| f));
    for a in workflows {
        for &(from, to) in &a.handoffs {
            if a.workflow.steps[to].within.is_some() {
                continue;
            }
            let by = |s: usize| {
                if a.workflow.steps[s].automated {
                    "automated".to_owned()
                } else {
                    format!("`{}`", a.owner(s).unwrap_or("?"))
                }
            };
            out.push(finding(
                FindingKind::HandoffWithoutDeadline,
                a,
                Some(a.step_id(to)),
                format!(
                    "in workflow `{}`, step `{}` ({}) takes over from `{}` ({}) with no deadline",
                    a.figures.id,
                    a.step_id(to),
                    by(to),
                    a.step_id(from),
                    by(from)
                ),
            ));
        }
    }
    let mut heavy: Vec<&RoleFigures> = roles.iter().filter(|r| r.overloaded).collect();
    heavy.sort_by(|a, b| b.hours_per_week.total_cmp(&a.hours_per_week));
    for r in heavy {
        let share = r
            .share
            .map(|s| format!(" ({} of all hours)", percent(s)))
            .unwrap_or_default();
        out.push(Finding {
            kind: FindingKind::RoleOverloaded,
            message: format!(
                "role `{}` works {} hours a week{share}, over the threshold",
                r.id,
                hours(r.hours_per_week)
            ),
            workflow: None,
            step: None,
            role: Some(r.id.clone()),
            file: None,
        });
    }
    for a in workflows {
        let steps = &a.figures.critical_steps_without_takes;
        if steps.is_empty() {
            continue;
        }
        let names: Vec<String> = steps.iter().map(|s| format!("`{s}`")).collect();
        let (these, have) = if steps.len() == 1 {
            ("step", "has")
        } else {
            ("steps", "have")
        };
        out.push(finding(
            FindingKind::CriticalStepWithoutTakes,
            a,
            (steps.len() == 1).then(|| steps[0].as_str()),
            format!(
                "in workflow `{}`, {} critical-path {these} {have} no `takes` ({}): the lead time is only a lower bound",
                a.figures.id,
                steps.len(),
                names.join(", ")
            ),
        ));
    }
    for a in workflows
        .iter()
        .filter(|a| a.figures.runs_per_week.is_none())
    {
        out.push(finding(
            FindingKind::WorkflowWithoutEvery,
            a,
            None,
            format!(
                "workflow `{}` has no `every`: its load on roles cannot be computed",
                a.figures.id
            ),
        ));
    }
    out
}

/// A share (0..1) as a whole percentage (`0.523` → `52%`).
#[must_use]
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}
