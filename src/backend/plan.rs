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
use crate::model::{Model, Role, RoleId, Tool, Workflow, WorkflowId};

/// The value of `format`.
pub const FORMAT: &str = "procflow-plan";
/// The version of the plan format.
pub const VERSION: u32 = 1;

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
    /// The version of this format (1).
    #[schemars(range(min = 1, max = 1))]
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
    /// The condition it runs under.
    pub when: Option<Cow<'m, str>>,
    /// Delay after it becomes ready, in seconds.
    #[schemars(range(min = 1))]
    pub wait_seconds: Option<u64>,
    /// Deadline counted from when it becomes ready, in seconds.
    #[schemars(range(min = 1))]
    pub within_seconds: Option<u64>,
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
                    when: s.condition_text(workflow).map(Cow::Owned),
                    wait_seconds: s.wait.map(|d| d.seconds()),
                    within_seconds: s.within.map(|d| d.seconds()),
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

/// The roles and the tools the workflow uses (its owner, its steps' owners and
/// tools), in definition order, duplicates left out.
fn used<'m>(model: &'m Model, workflow: &Workflow) -> (Vec<&'m Role>, Vec<&'m Tool>) {
    let mut role_used = vec![false; model.roles.len()];
    let mut tool_used = vec![false; model.tools.len()];
    if let Some(o) = workflow.owner {
        role_used[o.0] = true;
    }
    for s in &workflow.steps {
        if let Some(o) = s.owner {
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
    let mut schema = schemars::schema_for!(Plan);
    // The plan always writes every field (`null` where there is no value), so
    // every property is required, `Option` ones included.
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
        "https://procflow.dev/schema/plan.schema.json".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| unreachable!("plain data serializes: {e}"));
    text.push('\n');
    text
}
