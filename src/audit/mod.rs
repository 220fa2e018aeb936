//! `procflow audit`: the essay's self-audit across every workflow read.
//!
//! The types below are the one definition of the JSON report: [`json`]
//! serializes them and [`schema`] is generated from them with `schemars`.
//! [`figures`] computes each workflow's figures (from [`crate::model::time`]),
//! [`people`] gathers roles and tools across workflows, [`findings`] ranks
//! what deserves attention, and [`human`] and [`markdown`] write the other
//! two formats. No I/O here.

pub mod figures;
pub mod findings;
pub mod human;
pub mod markdown;
pub mod people;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::Model;
use crate::source::SourceMap;

/// The value of `format`.
pub const FORMAT: &str = "procflow-audit";
/// The version of the audit format.
pub const VERSION: u32 = 1;
/// Hours per week above which a role is overloaded, unless `procflow.toml`
/// says otherwise (`[owner-overload] hours-per-week`).
pub const DEFAULT_OVERLOAD_HOURS: f64 = 40.0;

/// The audit of every workflow read.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "procflow audit",
    description = "The self-audit of every workflow read, written by `procflow audit --format json`. Durations are in seconds."
)]
pub struct Audit {
    /// Always `procflow-audit`.
    #[schemars(schema_with = "format_schema")]
    pub format: &'static str,
    /// The version of this format.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// The hours per week above which a role is overloaded.
    pub overload_hours_per_week: f64,
    /// Each workflow, in the order read (files sorted by path, then as
    /// written).
    pub workflows: Vec<WorkflowFigures>,
    /// Each role that owns a step, takes part in one (`with`), is escalated to
    /// or owns a workflow, in the order first met.
    pub roles: Vec<RoleFigures>,
    /// Each tool a step uses, in the order first met.
    pub tools: Vec<ToolFigures>,
    /// What deserves attention, most important first.
    pub findings: Vec<findings::Finding>,
}

fn format_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "const": FORMAT })
}

/// The figures of one workflow.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowFigures {
    /// Its name.
    pub id: String,
    /// Its title (made from the name where none was written).
    pub title: String,
    /// The file that declares it.
    pub file: String,
    /// Its steps.
    pub steps: usize,
    /// Steps not marked `automated`.
    pub manual: usize,
    /// Steps marked `automated`.
    pub automated: usize,
    /// Named decisions (`decides`).
    pub decisions: usize,
    /// Rework loops (`rework … when not …`).
    pub rework_loops: usize,
    /// Order edges between steps with different owners.
    pub handoffs: usize,
    /// Handoffs whose receiving step has no `within` (so no escalation
    /// either).
    pub handoffs_without_deadline: usize,
    /// The longest path of `wait + takes`, in seconds.
    pub lead_time_s: u64,
    /// Whether a step of the workflow has no `takes` (the lead time is then a
    /// lower bound).
    pub lead_time_is_lower_bound: bool,
    /// The steps of the longest path, first to last.
    pub critical_path: Vec<String>,
    /// The steps of the critical path without `takes`.
    pub critical_steps_without_takes: Vec<String>,
    /// `target`, in seconds.
    pub target_s: Option<u64>,
    /// The target minus the lead time, in seconds (negative when missed).
    pub margin_s: Option<i64>,
    /// The longest path of `within`, in seconds; null when a step has no
    /// `within`.
    pub deadline_bound_s: Option<u64>,
    /// The first step, in execution order, without `within` (null when
    /// every step has one).
    pub unbounded_at: Option<String>,
    /// 604800 / `every` in seconds; null without `every`.
    pub runs_per_week: Option<f64>,
    /// Hours of manual work per week (all roles); null without `every`.
    pub hours_per_week: Option<f64>,
}

/// The figures of one role across every workflow read.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleFigures {
    /// Its name.
    pub id: String,
    /// Its title (made from the name where none was written).
    pub title: String,
    /// Whether it is `external`.
    pub external: bool,
    /// The steps it owns, workflow by workflow, each as written.
    pub steps: Vec<String>,
    /// The workflows in which it owns or takes part in a step.
    pub workflows: Vec<String>,
    /// Σ over workflows with `every` of the `takes` of the manual steps it
    /// owns × runs per week, in hours; not rounded.
    pub hours_per_week: f64,
    /// Its hours over all roles' hours (0..1); null when that sum is 0.
    pub share: Option<f64>,
    /// Whether its hours are more than `overload_hours_per_week`.
    pub overloaded: bool,
    /// Manual steps it owns, in workflows with `every`, without `takes`: left
    /// out of its hours.
    pub steps_without_takes: Vec<String>,
    /// Workflows without `every` where it owns a manual step: left out of its
    /// hours.
    pub workflows_without_every: Vec<String>,
    /// Steps it takes part in with `with`.
    pub with_steps: Vec<String>,
    /// Steps that escalate to it.
    pub escalations: Vec<String>,
    /// Handoffs into its steps.
    pub handoffs_in: usize,
    /// Handoffs out of its steps.
    pub handoffs_out: usize,
}

/// The figures of one tool across every workflow read.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolFigures {
    /// Its name.
    pub id: String,
    /// Its title (made from the name where none was written).
    pub title: String,
    /// The steps that use it.
    pub steps: Vec<String>,
    /// The workflows whose steps use it.
    pub workflows: Vec<String>,
    /// The roles that own those steps.
    pub roles: Vec<String>,
    /// Whether every workflow read (two or more) uses it: a single point of
    /// failure.
    pub every_workflow: bool,
}

/// What the audit reads besides the models.
#[derive(Debug, Clone, Copy)]
pub struct AuditOptions<'a> {
    /// Hours per week above which a role is overloaded.
    pub overload_hours: f64,
    /// Audit only this workflow.
    pub workflow: Option<&'a str>,
    /// Show only this role, the workflows it is in, the tools its steps use
    /// and the findings about them.
    pub role: Option<&'a str>,
}

impl Default for AuditOptions<'_> {
    fn default() -> Self {
        AuditOptions {
            overload_hours: DEFAULT_OVERLOAD_HOURS,
            workflow: None,
            role: None,
        }
    }
}

/// A filter that names nothing that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// `workflow` or `role`.
    pub kind: &'static str,
    /// The name given.
    pub name: String,
    /// The names that exist, in order.
    pub known: Vec<String>,
}

/// Audits the root workflows of `models` (models with errors are left out
/// by the caller).
///
/// # Errors
/// When `--workflow` or `--role` names nothing that was read.
pub fn audit(
    sources: &SourceMap,
    models: &[&Model],
    options: &AuditOptions<'_>,
) -> Result<Audit, UnknownName> {
    let mut all = figures::workflows(sources, models);
    if let Some(name) = options.workflow {
        let known: Vec<String> = all.iter().map(|w| w.figures.id.clone()).collect();
        all.retain(|w| w.figures.id == name);
        if all.is_empty() {
            return Err(UnknownName {
                kind: "workflow",
                name: name.to_owned(),
                known,
            });
        }
    }
    let roles = people::roles(&all, options.overload_hours);
    let tools = people::tools(&all);
    let mut audit = Audit {
        format: FORMAT,
        version: VERSION,
        overload_hours_per_week: options.overload_hours,
        findings: findings::rank(&all, &roles),
        workflows: all.into_iter().map(|w| w.figures).collect(),
        roles,
        tools,
    };
    if let Some(name) = options.role {
        if !audit.roles.iter().any(|r| r.id == name) {
            return Err(UnknownName {
                kind: "role",
                name: name.to_owned(),
                known: audit.roles.iter().map(|r| r.id.clone()).collect(),
            });
        }
        keep_role(&mut audit, name);
    }
    Ok(audit)
}

/// Keeps only `role`, the workflows it is in, the tools its steps use, and
/// the findings about them. Its figures stay those across every workflow
/// (its share too).
fn keep_role(audit: &mut Audit, role: &str) {
    audit.roles.retain(|r| r.id == role);
    let workflows = audit.roles[0].workflows.clone();
    audit.workflows.retain(|w| workflows.contains(&w.id));
    audit.tools.retain(|t| t.roles.iter().any(|r| r == role));
    audit.findings.retain(|f| {
        f.role.as_deref() == Some(role)
            || f.role.is_none() && f.workflow.as_ref().is_some_and(|w| workflows.contains(w))
    });
}

/// The report as pretty JSON with a final newline.
#[must_use]
pub fn json(audit: &Audit) -> String {
    let mut text = serde_json::to_string_pretty(audit)
        .unwrap_or_else(|e| unreachable!("plain data serializes: {e}"));
    text.push('\n');
    text
}

/// The JSON Schema (draft 2020-12) of the report, pretty, with a final
/// newline: every property required (`null` where there is no value).
#[must_use]
pub fn schema() -> String {
    crate::backend::plan::published_schema(schemars::schema_for!(Audit), "audit.schema.json")
}
