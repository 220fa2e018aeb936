//! The JSON plan of one workflow, for runners: the format of `cli.md`.
//!
//! The types below are the one definition of the format: [`render`]
//! serializes a [`Plan`] with `serde_json`, and `procflow schema plan` is
//! generated from the same types with `schemars`, so the output and its schema
//! cannot drift. Members are written in the order of the fields; every field
//! is written (`null` where there is no value). A new field of the format is a
//! new field of a struct here, filled in [`plan`]. Strings are borrowed from
//! the model (titles made from a name are the only ones built).

use schemars::JsonSchema;
use serde::Serialize;

use std::borrow::Cow;

use super::title;
use crate::ast::StrLit;
use crate::model::time::lead_time;
use crate::model::{Condition, Model, Role, RoleId, Tool, Workflow, WorkflowId};

/// The value of `format`.
pub const FORMAT: &str = "procflow-plan";
/// The version of the plan format.
pub const VERSION: u32 = 2;

/// A runnable plan of one workflow, borrowing its text from the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "procflow plan",
    description = "A runnable plan of one Flow workflow, written by `procflow build --emit plan`."
)]
pub struct Plan<'m> {
    /// Always `procflow-plan`.
    #[schemars(schema_with = "format_schema")]
    pub format: &'static str,
    /// The version of this format (2: version 1's fields, plus decisions,
    /// structured conditions, inputs, time, escalation, helpers and rework).
    #[schemars(range(min = 2, max = 2))]
    pub version: u32,
    /// The workflow.
    pub workflow: PlanWorkflow<'m>,
    /// The process it implements.
    pub process: PlanProcess<'m>,
    /// The roles the workflow uses (its owner and its steps' owners), in the
    /// order defined.
    pub roles: Vec<PlanRole<'m>>,
    /// The tools the workflow's steps use, in the order defined.
    pub tools: Vec<PlanTool<'m>>,
    /// The yes/no decisions its steps take, in the order written.
    pub decisions: Vec<PlanDecision<'m>>,
    /// Every step, in an executable order: each after all of its `after` steps;
    /// among steps ready together, the order written.
    pub steps: Vec<PlanStep<'m>>,
}

fn format_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "const": FORMAT })
}

/// The workflow of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanWorkflow<'m> {
    /// Its name.
    pub id: &'m str,
    /// Its title (made from the name where none was written).
    pub title: Cow<'m, str>,
    /// The role that owns it, if given.
    pub owner: Option<&'m str>,
    /// What starts it.
    pub trigger: Option<&'m str>,
    /// Its version.
    pub version: Option<&'m str>,
    /// Its description (Markdown).
    pub description: Option<&'m str>,
    /// Artifacts that exist when a run starts (`input`).
    pub inputs: Vec<&'m str>,
    /// The lead time a run should meet, in seconds (`target`).
    #[schemars(range(min = 1))]
    pub target_s: Option<u64>,
    /// How often a run starts on average, in seconds (`every`).
    #[schemars(range(min = 1))]
    pub every_s: Option<u64>,
    /// The lead time: the longest path through the order of `wait + takes`,
    /// in seconds (conditional steps count as if they run; rework is not
    /// counted).
    pub lead_time_s: u64,
    /// Whether a step has no `takes` (counted 0): the lead time is then a
    /// lower bound.
    pub lead_time_is_lower_bound: bool,
    /// The steps of the longest path, first to last.
    pub critical_path: Vec<&'m str>,
}

/// A named yes/no decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDecision<'m> {
    /// Its name.
    pub name: &'m str,
    /// The question the deciding step's owner answers.
    pub question: &'m str,
    /// The step that decides it.
    pub step: &'m str,
    /// The variable that holds the answer (the name with `-` as `_`).
    pub variable: String,
}

/// One condition of a step: a decision's answer, or a free-text question
/// the step's own owner answers when the step becomes ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PlanCondition<'m> {
    /// `when NAME` (`is`: true) or `when not NAME` (`is`: false).
    Decision(PlanDecisionCondition<'m>),
    /// `when "text"`.
    Text(PlanTextCondition<'m>),
}

/// `when NAME` or `when not NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDecisionCondition<'m> {
    /// The decision's name.
    pub decision: &'m str,
    /// The answer under which the step runs.
    pub is: bool,
}

/// `when "text"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTextCondition<'m> {
    /// The question, as written.
    pub text: &'m str,
    /// The boolean variable that holds its answer: `when_<step id>` with `-`
    /// as `_` (BPMN uses the same name).
    pub variable: String,
}

/// `rework STEP when not DECISION`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRework<'m> {
    /// The step done again (with every step on the paths from it to this one).
    pub step: &'m str,
    /// The decision whose "no" sends the work back.
    pub decision: &'m str,
}

/// The process of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanProcess<'m> {
    /// Its name.
    pub id: &'m str,
    /// Its title.
    pub title: Cow<'m, str>,
    /// What it achieves.
    pub outcome: Option<&'m str>,
    /// Its steps, in the required order.
    pub steps: Vec<PlanProcessStep<'m>>,
}

/// A process step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanProcessStep<'m> {
    /// Its name.
    pub id: &'m str,
    /// Its title.
    pub title: Cow<'m, str>,
    /// Whether a workflow may leave it out.
    pub optional: bool,
}

/// A role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRole<'m> {
    /// Its name.
    pub id: &'m str,
    /// Its title.
    pub title: Cow<'m, str>,
    /// The person who holds it.
    pub who: Option<&'m str>,
    /// Whether it is outside the business (a prospect, a client).
    pub external: bool,
}

/// A tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTool<'m> {
    /// Its name.
    pub id: &'m str,
    /// Its title.
    pub title: Cow<'m, str>,
    /// Its address.
    pub url: Option<&'m str>,
}

/// A workflow step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanStep<'m> {
    /// Its name.
    pub id: &'m str,
    /// Its title.
    pub title: Cow<'m, str>,
    /// The process steps it serves.
    pub implements: Vec<&'m str>,
    /// The role that owns it.
    pub owner: &'m str,
    /// The tools it uses.
    pub tools: Vec<&'m str>,
    /// Whether a system does it without a person.
    pub automated: bool,
    /// The steps it waits for: the written `after`, or the step written just
    /// before it (none for the first step).
    pub after: Vec<&'m str>,
    /// The conditions it runs under, all of which must hold (empty: it
    /// always runs). A step whose conditions do not hold is skipped, and a
    /// skipped step counts as done for the steps after it.
    pub when: Vec<PlanCondition<'m>>,
    /// The decisions it takes (names; see the plan's `decisions`).
    pub decides: Vec<&'m str>,
    /// Delay after it becomes ready, in seconds.
    #[schemars(range(min = 1))]
    pub wait_seconds: Option<u64>,
    /// Working time once started, in seconds (`takes`).
    #[schemars(range(min = 1))]
    pub takes_s: Option<u64>,
    /// Deadline counted from when it becomes ready, in seconds.
    #[schemars(range(min = 1))]
    pub within_seconds: Option<u64>,
    /// The role told when the deadline passes and the step is not done.
    pub escalate: Option<&'m str>,
    /// Roles that take part besides the owner (`with`).
    pub with: Vec<&'m str>,
    /// Loops back when a decision's answer is no.
    pub rework: Vec<PlanRework<'m>>,
    /// Artifacts it needs.
    pub needs: Vec<&'m str>,
    /// Artifacts it produces.
    pub produces: Vec<&'m str>,
    /// The command a runner executes.
    pub run: Option<&'m str>,
    /// Instructions (Markdown).
    pub description: Option<&'m str>,
}

/// The plan of workflow `w`. The model must be free of errors (every step
/// has an owner; the workflow's process resolved; no cycle).
#[must_use]
pub fn plan(model: &Model, w: WorkflowId) -> Plan<'_> {
    let workflow = &model.workflows[w.0];
    let process = workflow.process.map(|p| &model.processes[p.0]);
    let (roles, tools) = used(model, workflow);
    let role_id = |o: RoleId| model.roles[o.0].name.text.as_str();
    let process_step_id = |k: usize| process.map_or("", |p| p.steps[k].name.text.as_str());
    let step_id = |k: usize| workflow.steps[k].name.text.as_str();
    let lead = lead_time(workflow);
    Plan {
        format: FORMAT,
        version: VERSION,
        workflow: PlanWorkflow {
            id: &workflow.name.text,
            title: title(&workflow.name, workflow.title.as_ref()),
            owner: workflow.owner.map(role_id),
            trigger: text(workflow.trigger.as_ref()),
            version: text(workflow.version.as_ref()),
            description: text(workflow.description.as_ref()),
            inputs: workflow.inputs.iter().map(|i| i.text.as_str()).collect(),
            target_s: workflow.target.map(|d| d.seconds()),
            every_s: workflow.every.map(|d| d.seconds()),
            lead_time_s: lead.as_ref().map_or(0, |l| l.seconds),
            lead_time_is_lower_bound: lead.as_ref().is_none_or(|l| l.lower_bound),
            critical_path: lead
                .as_ref()
                .map(|l| l.critical_path.iter().map(|&s| step_id(s)).collect())
                .unwrap_or_default(),
        },
        process: process.map_or_else(
            || PlanProcess {
                id: "",
                title: Cow::Borrowed(""),
                outcome: None,
                steps: Vec::new(),
            },
            |p| PlanProcess {
                id: &p.name.text,
                title: title(&p.name, p.title.as_ref()),
                outcome: text(p.outcome.as_ref()),
                steps: p
                    .steps
                    .iter()
                    .map(|s| PlanProcessStep {
                        id: &s.name.text,
                        title: title(&s.name, s.title.as_ref()),
                        optional: s.optional,
                    })
                    .collect(),
            },
        ),
        roles: roles
            .into_iter()
            .map(|r| PlanRole {
                id: &r.name.text,
                title: title(&r.name, r.title.as_ref()),
                who: text(r.who.as_ref()),
                external: r.external,
            })
            .collect(),
        tools: tools
            .into_iter()
            .map(|t| PlanTool {
                id: &t.name.text,
                title: title(&t.name, t.title.as_ref()),
                url: text(t.url.as_ref()),
            })
            .collect(),
        decisions: workflow
            .decisions
            .iter()
            .map(|d| PlanDecision {
                name: &d.name.text,
                question: &d.question.value,
                step: step_id(d.step),
                variable: d.variable(),
            })
            .collect(),
        steps: workflow
            .order
            .sequence
            .iter()
            .map(|&i| {
                let s = &workflow.steps[i];
                PlanStep {
                    id: &s.name.text,
                    title: title(&s.name, s.title.as_ref()),
                    implements: s.implements.iter().map(|&k| process_step_id(k)).collect(),
                    owner: s.owner.map_or("", role_id),
                    tools: s
                        .tools
                        .iter()
                        .map(|t| model.tools[t.0].name.text.as_str())
                        .collect(),
                    automated: s.automated,
                    after: s
                        .after
                        .iter()
                        .map(|&a| workflow.steps[a].name.text.as_str())
                        .collect(),
                    when: s
                        .when
                        .iter()
                        .map(|c| match c {
                            Condition::Decision { decision, is, .. } => {
                                PlanCondition::Decision(PlanDecisionCondition {
                                    decision: &workflow.decisions[*decision].name.text,
                                    is: *is,
                                })
                            }
                            Condition::Text(t) => PlanCondition::Text(PlanTextCondition {
                                text: &t.value,
                                variable: s.text_condition_variable(),
                            }),
                        })
                        .collect(),
                    decides: s
                        .decides
                        .iter()
                        .map(|&d| workflow.decisions[d].name.text.as_str())
                        .collect(),
                    wait_seconds: s.wait.map(|d| d.seconds()),
                    takes_s: s.takes.map(|d| d.seconds()),
                    within_seconds: s.within.map(|d| d.seconds()),
                    escalate: s.escalate.map(role_id),
                    with: s.with.iter().map(|&r| role_id(r)).collect(),
                    rework: s
                        .rework
                        .iter()
                        .map(|r| PlanRework {
                            step: step_id(r.step),
                            decision: &workflow.decisions[r.decision].name.text,
                        })
                        .collect(),
                    needs: s.needs.iter().map(|n| n.text.as_str()).collect(),
                    produces: s.produces.iter().map(|n| n.text.as_str()).collect(),
                    run: text(s.run.as_ref()),
                    description: text(s.description.as_ref()),
                }
            })
            .collect(),
    }
}

/// The value of an optional string attribute.
fn text(s: Option<&StrLit>) -> Option<&str> {
    s.map(|s| s.value.as_str())
}

/// The roles and the tools the workflow uses (its owner, its steps' owners,
/// helpers, escalation roles and tools), in definition order, duplicates left out.
fn used<'m>(model: &'m Model, workflow: &Workflow) -> (Vec<&'m Role>, Vec<&'m Tool>) {
    let mut role_used = vec![false; model.roles.len()];
    let mut tool_used = vec![false; model.tools.len()];
    if let Some(o) = workflow.owner {
        role_used[o.0] = true;
    }
    for s in &workflow.steps {
        for o in s.owner.iter().chain(&s.escalate).chain(&s.with) {
            role_used[o.0] = true;
        }
        for t in &s.tools {
            tool_used[t.0] = true;
        }
    }
    let roles = model
        .roles
        .iter()
        .zip(role_used)
        .filter(|(r, used)| *used && !r.duplicate)
        .map(|(r, _)| r)
        .collect();
    let tools = model
        .tools
        .iter()
        .zip(tool_used)
        .filter(|(t, used)| *used && !t.duplicate)
        .map(|(t, _)| t)
        .collect();
    (roles, tools)
}

/// The plan as pretty JSON (two spaces per level, members in the order of
/// the fields of [`Plan`]) with a final newline: [`plan`] serialized, so the
/// output and the schema come from the same types.
#[must_use]
pub fn render(model: &Model, w: WorkflowId) -> String {
    let plan = plan(model, w);
    let mut out = Vec::with_capacity(1024 + 640 * plan.steps.len());
    serde_json::to_writer_pretty(&mut out, &plan)
        .unwrap_or_else(|e| unreachable!("a plan serializes into memory: {e}"));
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_else(|e| unreachable!("serde_json writes UTF-8: {e}"))
}

/// The JSON Schema (draft 2020-12) of the plan format, pretty, with a final
/// newline.
#[must_use]
pub fn schema() -> String {
    published_schema(schemars::schema_for!(Plan), "plan.schema.json")
}

/// A generated schema as published under `schema/FILE`: every property
/// required, `Option` ones included (the formats always write every field,
/// `null` where there is no value), its `$id`, pretty, with a final newline.
/// The plan's and the audit's schemas are made by it.
#[must_use]
pub(crate) fn published_schema(mut schema: schemars::Schema, file: &str) -> String {
    let mut require_all = schemars::transform::RecursiveTransform(|s: &mut schemars::Schema| {
        let keys: Option<Vec<serde_json::Value>> = s
            .get("properties")
            .and_then(serde_json::Value::as_object)
            .map(|props| props.keys().map(|k| k.as_str().into()).collect());
        if let Some(keys) = keys {
            s.insert("required".to_owned(), keys.into());
        }
    });
    schemars::transform::Transform::transform(&mut require_all, &mut schema);
    schema.insert(
        "$id".to_owned(),
        format!("https://procflow.dev/schema/{file}").into(),
    );
    let mut text = serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| unreachable!("plain data serializes: {e}"));
    text.push('\n');
    text
}
