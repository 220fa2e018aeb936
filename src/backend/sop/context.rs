//! The data an SOP template renders: the workflow's plan (the types of
//! `--emit plan`, [`crate::backend::plan`]) and what the SOP derives from it.
//! Every field is documented for template authors in `docs/outputs/sop.md`
//! (a test checks that page names each one).
//!
//! Strings are plain text (a template prints them escaped) except the fields
//! documented as Markdown (descriptions, tool links), which are marked safe.

use std::collections::HashSet;

use minijinja::Value;
use serde::Serialize;

use super::descriptions;
use super::{SopOptions, WIDTH, chart, lint};
use crate::backend::plan::{self, Plan};
use crate::backend::{
    condition_words, duration_words, lead_time_words, mermaid, opposite, rework_targets, says_time,
    sequence, step_numbers,
};
use crate::model::{Condition, Model, RoleId, Workflow, WorkflowId, display_title};

/// The context of an SOP template.
#[derive(Debug, Serialize)]
pub struct Context<'m> {
    /// The workflow's plan: the same data as `build --emit plan`.
    pub plan: Plan<'m>,
    /// What the SOP derives from the plan.
    pub sop: Sop,
}

/// What the SOP says beyond the plan.
#[derive(Debug, Serialize)]
pub struct Sop {
    /// The document's title: the workflow's title (its id made readable when
    /// the title is empty).
    pub title: String,
    /// The role that owns the workflow: the one to ask.
    pub owner: Option<SopRole>,
    /// The process the workflow implements.
    pub process: Option<SopProcess>,
    /// How often it runs, in words ("every 1 week").
    pub runs: Option<String>,
    /// The lead time against the target, in words ("at least 1d 13h (target
    /// 3d)"), when the workflow says anything about time.
    pub lead_time: Option<String>,
    /// Whether the lead time is a lower bound (a step does not say how long
    /// it takes).
    pub lead_time_is_lower_bound: bool,
    /// The numbers of the steps on the critical path (empty without a lead
    /// time).
    pub critical_path: Vec<usize>,
    /// The workflow's description, Markdown (headings from level 2).
    pub description: Option<Value>,
    /// The steps nothing comes before.
    pub first_steps: Vec<StepRef>,
    /// The steps nothing comes after.
    pub last_steps: Vec<StepRef>,
    /// How many steps are automated.
    pub automated_steps: usize,
    /// Whether a step has a condition.
    pub has_conditions: bool,
    /// Whether a step runs on a decision's answer.
    pub has_decision_conditions: bool,
    /// The roles, in the order a reader meets them: the workflow's owner, the
    /// process's owner, the steps' owners, helpers and escalation roles.
    pub roles: Vec<SopRole>,
    /// The tools, in the order of first use.
    pub tools: Vec<SopTool>,
    /// The steps, in procedure order (the plan's order).
    pub steps: Vec<SopStep>,
    /// Every process step and the steps that carry it out.
    pub traceability: Vec<TraceRow>,
    /// The Mermaid flowchart (lines broken to 80 columns), unless turned off
    /// with `--no-mermaid`.
    pub flowchart: Option<String>,
}

/// The process a workflow implements.
#[derive(Debug, Serialize)]
pub struct SopProcess {
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it achieves.
    pub outcome: Option<String>,
    /// Its description, Markdown (headings from level 3).
    pub description: Option<Value>,
    /// The titles of its steps the workflow performs.
    pub performed: Vec<String>,
    /// The titles of its optional steps the workflow leaves out.
    pub optional_left_out: Vec<String>,
    /// The titles of its required steps the workflow does not perform.
    pub required_left_out: Vec<String>,
}

/// A step by number and title.
#[derive(Debug, Clone, Serialize)]
pub struct StepRef {
    /// Its number in the procedure (from 1).
    pub number: usize,
    /// Its title.
    pub title: String,
}

/// A role.
#[derive(Debug, Clone, Serialize)]
pub struct SopRole {
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The title with the person and "outside the team": "Operations (Maria
    /// Lopez)".
    pub label: String,
    /// The person who holds it.
    pub who: Option<String>,
    /// Whether it is outside the business.
    pub external: bool,
    /// What it does.
    pub description: Option<String>,
    /// Whether it owns the process.
    pub owns_process: bool,
    /// Whether it owns the workflow.
    pub owns_workflow: bool,
    /// The steps it owns.
    pub steps: Vec<StepRef>,
    /// The numbers of the steps it takes part in (`with`).
    pub with_steps: Vec<usize>,
    /// The numbers of the steps whose lateness it is told of (`escalate`).
    pub escalation_steps: Vec<usize>,
}

/// A tool.
#[derive(Debug, Serialize)]
pub struct SopTool {
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its address.
    pub url: Option<String>,
    /// Its title linked to its address, Markdown.
    pub link: Value,
    /// What it is.
    pub description: Option<String>,
    /// The numbers of the steps that use it.
    pub steps: Vec<usize>,
}

/// An artifact a step needs or produces.
#[derive(Debug, Serialize)]
pub struct Artifact {
    /// Its name.
    pub name: String,
    /// For a need, the numbers of the earlier steps that produce it; for a
    /// product, of the later steps that need it.
    pub steps: Vec<usize>,
    /// Whether it is an input of the workflow (there from the start).
    pub input: bool,
}

/// A loop back (`rework`).
#[derive(Debug, Serialize)]
pub struct SopRework {
    /// The step done again.
    pub step: StepRef,
    /// Whether that is this step itself.
    pub this_step: bool,
    /// The question whose "no" sends the work back.
    pub question: String,
    /// Whether that question is the only one this step decides.
    pub own_question: bool,
}

/// A step of the procedure.
#[derive(Debug, Serialize)]
pub struct SopStep {
    /// Its number in the procedure (from 1).
    pub number: usize,
    /// Its name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its heading: "3. Write the draft" (without trailing punctuation), or
    /// "Step 3" for an empty title.
    pub heading: String,
    /// Its owner's label (see [`SopRole::label`]).
    pub owner: Option<String>,
    /// The labels of the roles that take part.
    pub with: Vec<String>,
    /// Its tools as links, Markdown.
    pub tools: Vec<Value>,
    /// Whether a system does it.
    pub automated: bool,
    /// The titles of the process steps it carries out.
    pub implements: Vec<String>,
    /// Whether those say more than the step's title (not just the title again).
    pub implements_says_more: bool,
    /// The delay after it becomes ready, in words.
    pub wait: Option<String>,
    /// The steps it waits for (all of them; without the branches of an
    /// either/or join).
    pub after: Vec<StepRef>,
    /// The branches of an either/or join before it: one of them runs.
    pub branches: Vec<StepRef>,
    /// Whether a step it waits for is conditional (may be skipped).
    pub after_conditional: bool,
    /// The numbers of every step it comes after (`after` and `branches`).
    pub ready_after: Vec<usize>,
    /// Its working time, in words ("2 hours").
    pub takes: Option<String>,
    /// Its deadline, in words ("2 days").
    pub within: Option<String>,
    /// The title of the role told when the deadline passes.
    pub escalate: Option<String>,
    /// Whether it is on the critical path.
    pub critical: bool,
    /// Its condition in words, when it has one ("the answer to “…” was yes").
    pub condition: Option<String>,
    /// The numbers of the steps that may be done at the same time.
    pub same_time: Vec<usize>,
    /// What it needs.
    pub needs: Vec<Artifact>,
    /// What it produces.
    pub produces: Vec<Artifact>,
    /// The questions it decides.
    pub decides: Vec<String>,
    /// Where a "no" sends the work back.
    pub rework: Vec<SopRework>,
    /// The command that runs it.
    pub run: Option<String>,
    /// Whether every line of the command fits in a code block of 80 columns.
    pub run_fits: bool,
    /// The command's lines, trimmed, blank ones left out.
    pub run_lines: Vec<String>,
    /// Its instructions, Markdown (headings from level 4).
    pub description: Option<Value>,
    /// Whether what comes last in the step (its instructions, or else its
    /// command line by line) is a list: a list written right after it would
    /// continue it, so the built-in template writes `<!-- -->` between.
    pub ends_with_list: bool,
}

/// A row of the traceability table.
#[derive(Debug, Serialize)]
pub struct TraceRow {
    /// The process step's title.
    pub title: String,
    /// Whether it is optional.
    pub optional: bool,
    /// The steps that carry it out.
    pub steps: Vec<StepRef>,
}

/// The section headings of the built-in template: a description's heading
/// with one of these texts says where it stands.
const SECTIONS: [&str; 7] = [
    "Purpose",
    "Scope",
    "Roles and responsibilities",
    "Tools",
    "Procedure",
    "Traceability",
    "Flowchart",
];

/// Markdown, marked safe for templates.
fn md(text: String) -> Value {
    Value::from_safe_string(text)
}

fn nonempty(s: Option<&crate::ast::StrLit>) -> Option<String> {
    s.map(|s| s.value.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The context of workflow `w`'s SOP.
#[must_use]
pub fn context(model: &Model, w: WorkflowId, options: SopOptions) -> Context<'_> {
    let workflow = &model.workflows[w.0];
    let order = sequence(workflow).into_owned();
    let number = step_numbers(workflow);
    let process = workflow.process.map(|p| &model.processes[p.0]);
    let step_title = |i: usize| {
        let s = &workflow.steps[i];
        display_title(&s.name, s.title.as_ref())
    };
    let step_ref = |i: usize| StepRef {
        number: number[i],
        title: step_title(i),
    };
    let refs = |steps: &[usize]| {
        let mut v: Vec<StepRef> = steps.iter().map(|&i| step_ref(i)).collect();
        v.sort_by_key(|s| s.number);
        v
    };
    let title = {
        let t = display_title(&workflow.name, workflow.title.as_ref());
        if t.trim().is_empty() {
            display_title(&workflow.name, None)
        } else {
            t
        }
    };
    let headings: Vec<String> = order
        .iter()
        .map(|&i| heading(number[i], &step_title(i)))
        .collect();
    let mut reserved: HashSet<String> = SECTIONS.iter().map(|&s| s.to_owned()).collect();
    reserved.extend(headings.iter().cloned());
    reserved.insert(title.clone());

    let lead = crate::model::time::lead_time(workflow).filter(|_| says_time(workflow));
    let critical: Vec<usize> = lead
        .as_ref()
        .map(|l| l.critical_path.clone())
        .unwrap_or_default();
    let roles = roles(model, workflow, &order, &number, &step_title);
    let role_label = |r: RoleId| {
        roles
            .iter()
            .find(|x| x.id == model.roles[r.0].name.text)
            .map_or_else(String::new, |x| x.label.clone())
    };
    let tools = tools(model, workflow, &order, &number);
    let tool_link = |t: crate::model::ToolId| {
        tools
            .iter()
            .find(|x| x.id == model.tools[t.0].name.text)
            .map_or_else(|| md(String::new()), |x| x.link.clone())
    };
    let related = related(workflow, &order);
    let mut successors = vec![Vec::new(); workflow.steps.len()];
    for &i in &order {
        for &a in &workflow.steps[i].after {
            successors[a].push(i);
        }
    }
    let process_step_title = |k: usize| {
        process.map_or_else(String::new, |p| {
            let s = &p.steps[k];
            display_title(&s.name, s.title.as_ref())
        })
    };

    let steps = order
        .iter()
        .zip(&headings)
        .map(|(&i, heading)| {
            let s = &workflow.steps[i];
            let either_or = crate::check::branches::either_or(workflow, &s.after);
            let (branches, after): (Vec<usize>, Vec<usize>) = if either_or {
                s.after
                    .iter()
                    .partition(|&&p| workflow.steps[p].conditional)
            } else {
                (Vec::new(), s.after.clone())
            };
            let implements: Vec<String> = s
                .implements
                .iter()
                .map(|&k| process_step_title(k))
                .collect();
            let title = step_title(i);
            let producers = |a: &str| {
                order
                    .iter()
                    .filter(|&&j| {
                        related.ancestor(i, j)
                            && workflow.steps[j].produces.iter().any(|p| p.text == a)
                    })
                    .map(|&j| number[j])
                    .collect::<Vec<_>>()
            };
            let consumers = |a: &str| {
                order
                    .iter()
                    .filter(|&&j| {
                        related.ancestor(j, i)
                            && workflow.steps[j].needs.iter().any(|p| p.text == a)
                    })
                    .map(|&j| number[j])
                    .collect::<Vec<_>>()
            };
            let run = nonempty(s.run.as_ref());
            let run_code = run.as_deref().map(lint::clean_code).unwrap_or_default();
            let run_fits = run_code.lines().all(|l| lint::width(l) <= WIDTH);
            let run_lines: Vec<String> = run_code
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            let description = nonempty(s.description.as_ref())
                .map(|d| descriptions::markdown(&d, 3, &format!("step {}", number[i]), &reserved));
            SopStep {
                number: number[i],
                id: s.name.text.clone(),
                heading: heading.clone(),
                owner: s.owner.map(role_label),
                with: s.with.iter().map(|&r| role_label(r)).collect(),
                tools: s.tools.iter().map(|&t| tool_link(t)).collect(),
                automated: s.automated,
                implements_says_more: implements.len() != 1
                    || !implements[0].trim().eq_ignore_ascii_case(title.trim()),
                implements,
                title,
                wait: s.wait.as_ref().map(duration_words),
                after: refs(&after),
                branches: refs(&branches),
                after_conditional: s.after.iter().any(|&p| workflow.steps[p].conditional),
                ready_after: {
                    let mut v: Vec<usize> = s.after.iter().map(|&a| number[a]).collect();
                    v.sort_unstable();
                    v
                },
                takes: s.takes.as_ref().map(duration_words),
                within: s.within.as_ref().map(duration_words),
                escalate: s.escalate.map(|r| {
                    let role = &model.roles[r.0];
                    display_title(&role.name, role.title.as_ref())
                }),
                critical: critical.contains(&i),
                condition: (!s.when.is_empty()).then(|| {
                    let words: Vec<String> = s
                        .when
                        .iter()
                        .map(|c| condition_words(workflow, c))
                        .collect();
                    words.join(" and ").trim_end_matches('.').to_owned()
                }),
                same_time: order
                    .iter()
                    .filter(|&&j| !related.related(i, j) && !opposite(workflow, i, j))
                    .map(|&j| number[j])
                    .collect(),
                needs: s
                    .needs
                    .iter()
                    .map(|a| Artifact {
                        name: a.text.clone(),
                        steps: producers(&a.text),
                        input: workflow.inputs.iter().any(|x| x.text == a.text),
                    })
                    .collect(),
                produces: s
                    .produces
                    .iter()
                    .map(|a| Artifact {
                        name: a.text.clone(),
                        steps: consumers(&a.text),
                        input: false,
                    })
                    .collect(),
                decides: s
                    .decides
                    .iter()
                    .filter_map(|&d| workflow.decisions.get(d))
                    .map(|d| d.question.value.trim().to_owned())
                    .collect(),
                rework: rework_targets(workflow, i)
                    .into_iter()
                    .map(|(target, d)| {
                        let d = &workflow.decisions[d];
                        SopRework {
                            step: step_ref(target),
                            this_step: target == i,
                            question: d.question.value.trim().to_owned(),
                            own_question: d.step == i && s.decides.len() == 1,
                        }
                    })
                    .collect(),
                ends_with_list: description
                    .as_ref()
                    .map_or(run.is_some() && !run_fits && run_lines.len() > 1, |d| d.1),
                run,
                run_fits,
                run_lines,
                description: description.map(|d| md(d.0)),
            }
        })
        .collect();

    let implementers = |k: usize| -> Vec<usize> {
        order
            .iter()
            .copied()
            .filter(|&i| workflow.steps[i].implements.contains(&k))
            .collect()
    };
    let sop_process = process.map(|p| {
        let left_out = |optional: bool| {
            (0..p.steps.len())
                .filter(|&k| implementers(k).is_empty() && p.steps[k].optional == optional)
                .map(process_step_title)
                .collect()
        };
        SopProcess {
            id: p.name.text.clone(),
            title: display_title(&p.name, p.title.as_ref()),
            outcome: nonempty(p.outcome.as_ref()),
            description: nonempty(p.description.as_ref())
                .map(|d| md(descriptions::markdown(&d, 2, "purpose", &reserved).0)),
            performed: (0..p.steps.len())
                .filter(|&k| !implementers(k).is_empty())
                .map(process_step_title)
                .collect(),
            optional_left_out: left_out(true),
            required_left_out: left_out(false),
        }
    });
    let traceability = process.map_or_else(Vec::new, |p| {
        (0..p.steps.len())
            .map(|k| TraceRow {
                title: process_step_title(k),
                optional: p.steps[k].optional,
                steps: implementers(k).into_iter().map(step_ref).collect(),
            })
            .collect()
    });
    let firsts: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| workflow.steps[i].after.is_empty())
        .collect();
    let lasts: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| successors[i].is_empty())
        .collect();
    let owner = workflow.owner.and_then(|o| {
        roles
            .iter()
            .find(|r| r.id == model.roles[o.0].name.text)
            .cloned()
    });
    Context {
        plan: plan::plan(model, w),
        sop: Sop {
            title,
            owner,
            process: sop_process,
            runs: workflow
                .every
                .as_ref()
                .map(|d| format!("every {}", duration_words(d))),
            lead_time: lead.as_ref().and_then(|_| lead_time_words(workflow)),
            lead_time_is_lower_bound: lead.as_ref().is_some_and(|l| l.lower_bound),
            critical_path: critical.iter().map(|&i| number[i]).collect(),
            description: nonempty(workflow.description.as_ref())
                .map(|d| md(descriptions::markdown(&d, 1, "procedure", &reserved).0)),
            first_steps: firsts.iter().map(|&i| step_ref(i)).collect(),
            last_steps: lasts.iter().map(|&i| step_ref(i)).collect(),
            automated_steps: order
                .iter()
                .filter(|&&i| workflow.steps[i].automated)
                .count(),
            has_conditions: workflow.steps.iter().any(|s| s.conditional),
            has_decision_conditions: workflow.steps.iter().any(|s| {
                s.when
                    .iter()
                    .any(|c| matches!(c, Condition::Decision { .. }))
            }),
            roles,
            tools,
            steps,
            traceability,
            flowchart: options
                .mermaid
                .then(|| chart::wrapped(&mermaid::render(model, w))),
        },
    }
}

/// "3. Title" without trailing punctuation (markdownlint's MD026), or "Step
/// 3" when nothing is left of the title.
fn heading(number: usize, title: &str) -> String {
    let text: String = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.trim_end_matches(|c: char| c.is_whitespace() || ".,;:!。，；：！".contains(c));
    if text.is_empty() {
        format!("Step {number}")
    } else {
        format!("{number}. {text}")
    }
}

/// The roles of the SOP in the order a reader meets them.
fn roles(
    model: &Model,
    workflow: &Workflow,
    order: &[usize],
    number: &[usize],
    step_title: &dyn Fn(usize) -> String,
) -> Vec<SopRole> {
    let process = workflow.process.map(|p| &model.processes[p.0]);
    let owners = [workflow.owner, process.and_then(|p| p.owner)];
    let step_owners = order.iter().map(|&i| workflow.steps[i].owner);
    let others = order.iter().flat_map(|&i| {
        let s = &workflow.steps[i];
        s.with.iter().copied().map(Some).chain([s.escalate])
    });
    let mut ids: Vec<RoleId> = Vec::new();
    for r in owners
        .into_iter()
        .chain(step_owners)
        .chain(others)
        .flatten()
    {
        if !ids.contains(&r) {
            ids.push(r);
        }
    }
    ids.into_iter()
        .map(|r| {
            let role = &model.roles[r.0];
            let title = display_title(&role.name, role.title.as_ref());
            let who = nonempty(role.who.as_ref());
            let mut notes: Vec<&str> = who.iter().map(String::as_str).collect();
            if role.external {
                notes.push("outside the team");
            }
            let label = if notes.is_empty() {
                title.clone()
            } else {
                format!("{title} ({})", notes.join(", "))
            };
            let numbers = |pick: &dyn Fn(&crate::model::Step) -> bool| {
                order
                    .iter()
                    .filter(|&&i| pick(&workflow.steps[i]))
                    .map(|&i| number[i])
                    .collect::<Vec<_>>()
            };
            SopRole {
                id: role.name.text.clone(),
                label,
                who,
                external: role.external,
                description: nonempty(role.description.as_ref()),
                owns_process: process.and_then(|p| p.owner) == Some(r),
                owns_workflow: workflow.owner == Some(r),
                steps: order
                    .iter()
                    .filter(|&&i| workflow.steps[i].owner == Some(r))
                    .map(|&i| StepRef {
                        number: number[i],
                        title: step_title(i),
                    })
                    .collect(),
                with_steps: numbers(&|s| s.with.contains(&r)),
                escalation_steps: numbers(&|s| s.escalate == Some(r)),
                title,
            }
        })
        .collect()
}

/// The tools of the SOP in the order of first use.
fn tools(model: &Model, workflow: &Workflow, order: &[usize], number: &[usize]) -> Vec<SopTool> {
    let mut ids = Vec::new();
    for &i in order {
        for &t in &workflow.steps[i].tools {
            if !ids.contains(&t) {
                ids.push(t);
            }
        }
    }
    ids.into_iter()
        .map(|t| {
            let tool = &model.tools[t.0];
            let title = display_title(&tool.name, tool.title.as_ref());
            let url = nonempty(tool.url.as_ref());
            SopTool {
                id: tool.name.text.clone(),
                link: md(super::document::link(&title, url.as_deref())),
                title,
                url,
                description: nonempty(tool.description.as_ref()),
                steps: order
                    .iter()
                    .filter(|&&i| workflow.steps[i].tools.contains(&t))
                    .map(|&i| number[i])
                    .collect(),
            }
        })
        .collect()
}

/// Which steps come before which (by step index), in the order.
struct Related {
    /// `ancestors[i]`: the steps `i` waits for, directly or not.
    ancestors: Vec<Vec<bool>>,
}

impl Related {
    /// Whether `j` is an ancestor of `i`.
    fn ancestor(&self, i: usize, j: usize) -> bool {
        self.ancestors[i][j]
    }

    /// Whether one of `i` and `j` waits for the other (or they are one).
    fn related(&self, i: usize, j: usize) -> bool {
        i == j || self.ancestors[i][j] || self.ancestors[j][i]
    }
}

fn related(workflow: &Workflow, order: &[usize]) -> Related {
    let n = workflow.steps.len();
    let mut ancestors = vec![vec![false; n]; n];
    for &i in order {
        for &a in &workflow.steps[i].after {
            let from = ancestors[a].clone();
            let row = &mut ancestors[i];
            row[a] = true;
            for (x, y) in row.iter_mut().zip(from) {
                *x |= y;
            }
        }
    }
    Related { ancestors }
}
