//! The JSON plan of one workflow, for runners: the format of `cli.md`. The
//! serialized types are also the source of the JSON Schema (`procflow schema
//! plan`), so the two cannot drift.

use schemars::JsonSchema;
use serde::Serialize;

use super::step_title;
use crate::model::{Model, WorkflowId, display_title};

/// The value of `format`.
pub const FORMAT: &str = "procflow-plan";
/// The version of the plan format.
pub const VERSION: u32 = 1;

/// A runnable plan of one workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "procflow plan",
    description = "A runnable plan of one Flow workflow, written by `procflow build --emit plan`."
)]
pub struct Plan {
    /// Always `procflow-plan`.
    #[schemars(schema_with = "format_schema")]
    pub format: &'static str,
    /// The version of this format (1).
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// The workflow.
    pub workflow: PlanWorkflow,
    /// The process it implements.
    pub process: PlanProcess,
    /// The roles the workflow uses (its owner and its steps' owners), in the
    /// order defined.
    pub roles: Vec<PlanRole>,
    /// The tools the workflow's steps use, in the order defined.
    pub tools: Vec<PlanTool>,
    /// Every step, in an executable order: each after all of its `after` steps;
    /// among steps ready together, the order written.
    pub steps: Vec<PlanStep>,
}

fn format_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "const": FORMAT })
}

/// The workflow of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanWorkflow {
    /// Its name.
    pub id: String,
    /// Its title (made from the name where none was written).
    pub title: String,
    /// The role that owns it, if given.
    pub owner: Option<String>,
    /// What starts it.
    pub trigger: Option<String>,
    /// Its version.
    pub version: Option<String>,
    /// Its description (Markdown).
    pub description: Option<String>,
}

/// The process of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanProcess {
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it achieves.
    pub outcome: Option<String>,
    /// Its steps, in the required order.
    pub steps: Vec<PlanProcessStep>,
}

/// A process step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanProcessStep {
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether a workflow may leave it out.
    pub optional: bool,
}

/// A role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRole {
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The person who holds it.
    pub who: Option<String>,
    /// Whether it is outside the business (a prospect, a client).
    pub external: bool,
}

/// A tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTool {
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its address.
    pub url: Option<String>,
}

/// A workflow step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The process steps it serves.
    pub implements: Vec<String>,
    /// The role that owns it.
    pub owner: String,
    /// The tools it uses.
    pub tools: Vec<String>,
    /// Whether a system does it without a person.
    pub automated: bool,
    /// The steps it waits for: the written `after`, or the step written just
    /// before it (none for the first step).
    pub after: Vec<String>,
    /// The condition it runs under.
    pub when: Option<String>,
    /// Delay after it becomes ready, in seconds.
    #[schemars(range(min = 1))]
    pub wait_seconds: Option<u64>,
    /// Deadline counted from when it becomes ready, in seconds.
    #[schemars(range(min = 1))]
    pub within_seconds: Option<u64>,
    /// Artifacts it needs.
    pub needs: Vec<String>,
    /// Artifacts it produces.
    pub produces: Vec<String>,
    /// The command a runner executes.
    pub run: Option<String>,
    /// Instructions (Markdown).
    pub description: Option<String>,
}

/// The plan of workflow `w`. The model must be free of errors (every step
/// has an owner; the workflow's process resolved; no cycle).
#[must_use]
pub fn plan(model: &Model, w: WorkflowId) -> Plan {
    let workflow = &model.workflows[w.0];
    let text = |s: &Option<crate::ast::StrLit>| s.as_ref().map(|s| s.value.clone());
    let process = workflow.process.map(|p| &model.processes[p.0]);
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
    let process_step_id =
        |k: usize| process.map_or_else(String::new, |p| p.steps[k].name.text.clone());
    Plan {
        format: FORMAT,
        version: VERSION,
        workflow: PlanWorkflow {
            id: workflow.name.text.clone(),
            title: display_title(&workflow.name, workflow.title.as_ref()),
            owner: workflow.owner.map(|o| model.roles[o.0].name.text.clone()),
            trigger: text(&workflow.trigger),
            version: text(&workflow.version),
            description: text(&workflow.description),
        },
        process: process.map_or_else(
            || PlanProcess {
                id: String::new(),
                title: String::new(),
                outcome: None,
                steps: Vec::new(),
            },
            |p| PlanProcess {
                id: p.name.text.clone(),
                title: display_title(&p.name, p.title.as_ref()),
                outcome: text(&p.outcome),
                steps: p
                    .steps
                    .iter()
                    .map(|s| PlanProcessStep {
                        id: s.name.text.clone(),
                        title: display_title(&s.name, s.title.as_ref()),
                        optional: s.optional,
                    })
                    .collect(),
            },
        ),
        roles: model
            .roles
            .iter()
            .zip(role_used)
            .filter(|(r, used)| *used && !r.duplicate)
            .map(|(r, _)| PlanRole {
                id: r.name.text.clone(),
                title: display_title(&r.name, r.title.as_ref()),
                who: text(&r.who),
                external: r.external,
            })
            .collect(),
        tools: model
            .tools
            .iter()
            .zip(tool_used)
            .filter(|(t, used)| *used && !t.duplicate)
            .map(|(t, _)| PlanTool {
                id: t.name.text.clone(),
                title: display_title(&t.name, t.title.as_ref()),
                url: text(&t.url),
            })
            .collect(),
        steps: workflow
            .order
            .sequence
            .iter()
            .map(|&i| {
                let s = &workflow.steps[i];
                PlanStep {
                    id: s.name.text.clone(),
                    title: step_title(workflow, i),
                    implements: s.implements.iter().map(|&k| process_step_id(k)).collect(),
                    owner: s
                        .owner
                        .map_or_else(String::new, |o| model.roles[o.0].name.text.clone()),
                    tools: s
                        .tools
                        .iter()
                        .map(|t| model.tools[t.0].name.text.clone())
                        .collect(),
                    automated: s.automated,
                    after: s
                        .after
                        .iter()
                        .map(|&a| workflow.steps[a].name.text.clone())
                        .collect(),
                    when: text(&s.when),
                    wait_seconds: s.wait.map(|d| d.seconds()),
                    within_seconds: s.within.map(|d| d.seconds()),
                    needs: s.needs.iter().map(|n| n.text.clone()).collect(),
                    produces: s.produces.iter().map(|n| n.text.clone()).collect(),
                    run: text(&s.run),
                    description: text(&s.description),
                }
            })
            .collect(),
    }
}

/// The plan as pretty JSON with a final newline.
#[must_use]
pub fn render(model: &Model, w: WorkflowId) -> String {
    let mut text = serde_json::to_string_pretty(&plan(model, w))
        .unwrap_or_else(|e| unreachable!("plain data serializes: {e}"));
    text.push('\n');
    text
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
