//! The JSON plan of one workflow, for runners: the format of `cli.md`. The
//! serialized types are also the source of the JSON Schema (`procflow schema
//! plan`), so the two cannot drift.

use schemars::JsonSchema;
use serde::Serialize;

use std::borrow::Cow;
use std::fmt::Write as _;

use super::{step_title, title};
use crate::model::{Model, Role, Tool, Workflow, WorkflowId, display_title};

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
    let (roles, tools) = used(model, workflow);
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
        roles: roles
            .into_iter()
            .map(|r| PlanRole {
                id: r.name.text.clone(),
                title: display_title(&r.name, r.title.as_ref()),
                who: text(&r.who),
                external: r.external,
            })
            .collect(),
        tools: tools
            .into_iter()
            .map(|t| PlanTool {
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
                    when: s.condition_text(workflow),
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

/// The plan as pretty JSON with a final newline: the bytes of
/// `serde_json::to_string_pretty(&plan(model, w))` and a newline, written
/// straight from the model without building the [`Plan`].
#[must_use]
pub fn render(model: &Model, w: WorkflowId) -> String {
    let workflow = &model.workflows[w.0];
    let process = workflow.process.map(|p| &model.processes[p.0]);
    let (roles, tools) = used(model, workflow);
    let mut j = Json(String::with_capacity(1024 + 640 * workflow.steps.len()));

    j.0.push('{');
    j.key(1, true, "format");
    j.str(FORMAT);
    j.key(1, false, "version");
    let _ = write!(j.0, "{VERSION}");

    j.key(1, false, "workflow");
    j.object_with_id(
        2,
        &workflow.name.text,
        &title(&workflow.name, workflow.title.as_ref()),
    );
    j.key(2, false, "owner");
    j.opt_str(workflow.owner.map(|o| model.roles[o.0].name.text.as_str()));
    j.key(2, false, "trigger");
    j.opt_str(text(workflow.trigger.as_ref()));
    j.key(2, false, "version");
    j.opt_str(text(workflow.version.as_ref()));
    j.key(2, false, "description");
    j.opt_str(text(workflow.description.as_ref()));
    j.end(1, '}');

    j.key(1, false, "process");
    j.object_with_id(
        2,
        process.map_or("", |p| &p.name.text),
        &process.map_or(Cow::Borrowed(""), |p| title(&p.name, p.title.as_ref())),
    );
    j.key(2, false, "outcome");
    j.opt_str(process.and_then(|p| text(p.outcome.as_ref())));
    j.key(2, false, "steps");
    let process_steps = process.map_or(&[][..], |p| &p.steps);
    j.array(2, process_steps, |j, s| {
        j.object_with_id(4, &s.name.text, &title(&s.name, s.title.as_ref()));
        j.key(4, false, "optional");
        j.bool(s.optional);
        j.end(3, '}');
    });
    j.end(1, '}');

    j.key(1, false, "roles");
    j.array(1, &roles, |j, r| {
        j.object_with_id(3, &r.name.text, &title(&r.name, r.title.as_ref()));
        j.key(3, false, "who");
        j.opt_str(text(r.who.as_ref()));
        j.key(3, false, "external");
        j.bool(r.external);
        j.end(2, '}');
    });

    j.key(1, false, "tools");
    j.array(1, &tools, |j, t| {
        j.object_with_id(3, &t.name.text, &title(&t.name, t.title.as_ref()));
        j.key(3, false, "url");
        j.opt_str(text(t.url.as_ref()));
        j.end(2, '}');
    });

    j.key(1, false, "steps");
    j.array(1, &workflow.order.sequence, |j, &i| {
        let s = &workflow.steps[i];
        j.object_with_id(3, &s.name.text, &title(&s.name, s.title.as_ref()));
        j.key(3, false, "implements");
        j.array(3, &s.implements, |j, &k| {
            j.str(process.map_or("", |p| &p.steps[k].name.text));
        });
        j.key(3, false, "owner");
        j.str(s.owner.map_or("", |o| &model.roles[o.0].name.text));
        j.key(3, false, "tools");
        j.array(3, &s.tools, |j, t| j.str(&model.tools[t.0].name.text));
        j.key(3, false, "automated");
        j.bool(s.automated);
        j.key(3, false, "after");
        j.array(3, &s.after, |j, &a| j.str(&workflow.steps[a].name.text));
        j.key(3, false, "when");
        j.opt_str(s.condition_text(workflow).as_deref());
        j.key(3, false, "wait_seconds");
        j.opt_u64(s.wait.map(|d| d.seconds()));
        j.key(3, false, "within_seconds");
        j.opt_u64(s.within.map(|d| d.seconds()));
        j.key(3, false, "needs");
        j.array(3, &s.needs, |j, n| j.str(&n.text));
        j.key(3, false, "produces");
        j.array(3, &s.produces, |j, n| j.str(&n.text));
        j.key(3, false, "run");
        j.opt_str(text(s.run.as_ref()));
        j.key(3, false, "description");
        j.opt_str(text(s.description.as_ref()));
        j.end(2, '}');
    });
    j.end(0, '}');
    j.0.push('\n');
    j.0
}

/// The value of an optional string attribute.
fn text(s: Option<&crate::ast::StrLit>) -> Option<&str> {
    s.map(|s| s.value.as_str())
}

/// JSON written the way `serde_json`'s pretty printer writes it (two spaces
/// per level).
struct Json(String);

impl Json {
    /// A line break and the indentation of `depth`.
    fn newline(&mut self, depth: usize) {
        self.0.push('\n');
        for _ in 0..depth {
            self.0.push_str("  ");
        }
    }

    /// The key of an object member at `depth` (after a comma unless `first`).
    fn key(&mut self, depth: usize, first: bool, key: &str) {
        if !first {
            self.0.push(',');
        }
        self.newline(depth);
        self.0.push('"');
        self.0.push_str(key);
        self.0.push_str("\": ");
    }

    /// The opening of an object whose members are at `depth`, and its first
    /// two: `id` and `title` (every object of the plan but the top starts so).
    fn object_with_id(&mut self, depth: usize, id: &str, title: &str) {
        self.0.push('{');
        self.key(depth, true, "id");
        self.str(id);
        self.key(depth, false, "title");
        self.str(title);
    }

    /// The end of a non-empty object or array whose opening is at `depth`.
    fn end(&mut self, depth: usize, close: char) {
        self.newline(depth);
        self.0.push(close);
    }

    fn bool(&mut self, value: bool) {
        self.0.push_str(if value { "true" } else { "false" });
    }

    fn opt_u64(&mut self, value: Option<u64>) {
        match value {
            Some(n) => {
                let _ = write!(self.0, "{n}");
            }
            None => self.0.push_str("null"),
        }
    }

    fn opt_str(&mut self, value: Option<&str>) {
        match value {
            Some(s) => self.str(s),
            None => self.0.push_str("null"),
        }
    }

    /// A string: `"` and `\` escaped, control characters as `\n`, `\t`, …
    /// or `\u00XX`, like `serde_json`.
    fn str(&mut self, s: &str) {
        self.0.push('"');
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\t' => "\\t",
                b'\r' => "\\r",
                0x08 => "\\b",
                0x0c => "\\f",
                0..0x20 => "",
                _ => continue,
            };
            self.0.push_str(&s[start..i]);
            if escape.is_empty() {
                let _ = write!(self.0, "\\u{b:04x}");
            } else {
                self.0.push_str(escape);
            }
            start = i + 1;
        }
        self.0.push_str(&s[start..]);
        self.0.push('"');
    }

    /// An array whose opening is at `depth`, its items written by `item`.
    fn array<T>(&mut self, depth: usize, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        if items.is_empty() {
            self.0.push_str("[]");
            return;
        }
        self.0.push('[');
        for (k, x) in items.iter().enumerate() {
            if k > 0 {
                self.0.push(',');
            }
            self.newline(depth + 1);
            item(self, x);
        }
        self.end(depth, ']');
    }
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

#[cfg(test)]
mod tests {
    use super::{Json, plan, render};
    use crate::{Levels, Workspace};

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é🎉\u{85}\u{2028}\u{FFFF}");
        for s in [all.as_str(), "", "plain", "a\"b\\c\nd\u{1}", "\u{7f}"] {
            let mut j = Json(String::new());
            j.str(s);
            assert_eq!(j.0, serde_json::to_string(s).unwrap());
        }
    }

    /// Every kind of value a plan holds, and text to escape.
    const ODD: &str = r#"
role r "R \"q\" \\ \t\n é🎉" {
  external
  who "W"
}
tool t { url "https://x/" }
process p {
  outcome "O"
  owner r
  step a
  step b "B" {
    optional
  }
}
workflow w implements p {
  owner r
  trigger "T"
  version "1"
  description "D\n"
  step x "X" {
    implements a
    owner r
    tool t
    produces n2
    run "echo \"hi\""
    wait 2h
    within 1w
  }
  step y {
    implements a, b
    owner r
    tool t
    after x
    needs n2
    when "ok"
    automated
  }
}
workflow v implements p {
  step z {
    implements a, b
    owner r
    tool t
  }
}
"#;

    /// The plan written straight from the model is the serialized [`Plan`].
    #[test]
    fn render_writes_the_serialized_plan() {
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "flow") {
                files.push(path);
            }
        }
        let mut checked = 0;
        for file in files.iter().map(Some).chain([None]) {
            let mut ws = Workspace::default();
            let (name, id) = match file {
                Some(path) => {
                    let name = format!("examples/{}", path.file_name().unwrap().to_string_lossy());
                    let id = ws.add_path(&name, path).unwrap();
                    (name, id)
                }
                None => (
                    "odd.flow".to_owned(),
                    ws.add_text("odd.flow", None, ODD.to_owned()),
                ),
            };
            let c = ws.compile(id, &Levels::default());
            assert!(!c.has_errors(), "{name}: {:?}", c.diagnostics);
            for w in super::super::root_workflows(&c.model) {
                let mut expected = serde_json::to_string_pretty(&plan(&c.model, w)).unwrap();
                expected.push('\n');
                assert_eq!(render(&c.model, w), expected, "{name}");
                checked += 1;
            }
        }
        assert!(checked >= 5, "only {checked} plans checked");
    }
}
