//! The pages of the handbook: the context of each (plain data, serialized
//! for the templates) and its rendering. Page names: `index.html`,
//! `workflows/ID.html`, `processes/ID.html`, `roles/ID.html`,
//! `tools/ID.html`; a step's anchor on its workflow page is `step-ID`.

use serde::Serialize;

use super::markup::{
    anchor_steps, inline_svg, link_step_nodes, markdown_to_html, safe_url, sop_to_html,
    without_first_h1,
};
use super::{Options, Site, SiteFile, hours_per_week};
use crate::backend::{
    self, conditions_words, duration_words, lead_time_words, sequence, step_numbers,
};
use crate::model::{Model, Workflow, WorkflowId, display_title};

/// A link to a page (or a step on one), relative to the page it is on.
#[derive(Serialize, Clone)]
struct Link {
    title: String,
    href: String,
}

/// A step, linked to its anchor on its workflow's page.
#[derive(Serialize, Clone)]
struct StepLink {
    number: usize,
    title: String,
    href: String,
    owner: Option<Link>,
}

/// A workflow in a list (index, process pages).
#[derive(Serialize)]
struct WorkflowSummary {
    link: Link,
    owner: Option<Link>,
    steps: usize,
    lead_time: Option<String>,
}

#[derive(Serialize)]
struct ProcessSummary {
    link: Link,
    outcome: Option<String>,
    /// How many required steps at least one workflow carries out.
    covered: usize,
    /// How many required (not `optional`) steps it has.
    required: usize,
    workflows: Vec<WorkflowSummary>,
}

#[derive(Serialize)]
struct RoleSummary {
    link: Link,
    who: Option<String>,
    external: bool,
    steps: usize,
    hours_per_week: Option<f64>,
}

#[derive(Serialize)]
struct ToolSummary {
    link: Link,
    steps: usize,
}

#[derive(Serialize)]
struct IndexPage {
    processes: Vec<ProcessSummary>,
    other_workflows: Vec<WorkflowSummary>,
    roles: Vec<RoleSummary>,
    tools: Vec<ToolSummary>,
    workflow_count: usize,
    step_count: usize,
}

#[derive(Serialize)]
struct WorkflowPage {
    title: String,
    id: String,
    process: Option<Link>,
    owner: Option<Link>,
    roles: Vec<Link>,
    tools: Vec<Link>,
    trigger: Option<String>,
    lead_time: Option<String>,
    runs: Option<String>,
    /// The inline SVG diagram, when Graphviz drew it.
    diagram: Option<String>,
    /// Graphviz was not found: the page says so instead of a diagram.
    graphviz_missing: bool,
    /// Graphviz's error, when it could not draw this workflow.
    diagram_error: Option<String>,
    steps: Vec<StepLink>,
    /// The SOP as HTML, without its title.
    sop: String,
}

/// Work passed between roles at a step.
#[derive(Serialize)]
struct Handoff {
    role: Option<Link>,
    step: StepLink,
}

#[derive(Serialize)]
struct RoleStep {
    step: StepLink,
    /// `owner` or `with`.
    part: &'static str,
    automated: bool,
    deadline: Option<String>,
    takes: Option<String>,
    wait: Option<String>,
    condition: Option<String>,
    decides: Vec<String>,
    tools: Vec<Link>,
    escalate: Option<Link>,
    from: Vec<Handoff>,
    to: Vec<Handoff>,
}

#[derive(Serialize)]
struct RoleWorkflow {
    link: Link,
    runs: Option<String>,
    steps: Vec<RoleStep>,
}

#[derive(Serialize)]
struct RolePage {
    title: String,
    id: String,
    who: Option<String>,
    external: bool,
    description: Option<String>,
    hours_per_week: Option<f64>,
    owns: usize,
    joins: usize,
    gets_work_from: Vec<Link>,
    hands_off_to: Vec<Link>,
    escalations: Vec<StepLink>,
    workflows: Vec<RoleWorkflow>,
}

#[derive(Serialize)]
struct ToolWorkflow {
    link: Link,
    steps: Vec<StepLink>,
}

#[derive(Serialize)]
struct ToolPage {
    title: String,
    id: String,
    url: Option<String>,
    /// A `url` that is not a web or mail address: shown as text.
    url_text: Option<String>,
    description: Option<String>,
    workflows: Vec<ToolWorkflow>,
}

#[derive(Serialize)]
struct ProcessStepRow {
    title: String,
    id: String,
    optional: bool,
    description: Option<String>,
    /// Per workflow of the process (in `workflows` order), the steps that
    /// carry this step out.
    cells: Vec<Vec<StepLink>>,
    covered: bool,
}

#[derive(Serialize)]
struct ProcessPage {
    title: String,
    id: String,
    outcome: Option<String>,
    owner: Option<Link>,
    description: Option<String>,
    workflows: Vec<WorkflowSummary>,
    steps: Vec<ProcessStepRow>,
}

/// One entry of the search index: title, kind, context, address from the
/// site's root.
#[derive(Serialize)]
struct SearchEntry {
    t: String,
    k: &'static str,
    c: String,
    u: String,
}

/// What a page of the site is.
#[derive(Clone, Copy)]
enum Job {
    Index,
    Workflow(usize),
    Role(usize),
    Tool(usize),
    Process(usize),
}

/// Renders every page, the search index and the assets.
pub(super) fn render(site: &Site, options: &Options) -> Result<Vec<SiteFile>, String> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // Block tags leave no blank lines behind; a file ends with its newline.
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    if !options.templates.are_builtin() {
        // A user's template that loops for ever stops with an error.
        env.set_fuel(Some(crate::backend::sop::template::USER_TEMPLATE_FUEL));
    }
    env.set_formatter(|out, state, value| {
        // HTML escaping of the five characters that matter, and not of `/`
        // (minijinja's default writes `&#x2f;` in every address).
        match (state.auto_escape(), value.as_str()) {
            (minijinja::AutoEscape::Html, Some(text)) if !value.is_safe() => out
                .write_str(&quick_xml::escape::escape(text))
                .map_err(minijinja::Error::from),
            _ => minijinja::escape_formatter(out, state, value),
        }
    });
    for name in super::templates::PAGES {
        env.add_template(name, options.templates.get(name))
            .map_err(|e| template_error(name, &e))?;
    }
    let mut jobs = vec![Job::Index];
    jobs.extend((0..site.workflows.len()).map(Job::Workflow));
    jobs.extend((0..site.processes.len()).map(Job::Process));
    jobs.extend((0..site.roles.len()).map(Job::Role));
    jobs.extend((0..site.tools.len()).map(Job::Tool));
    let ctx = Ctx { site, options };
    let pages = crate::parallel::map(&jobs, |&job| ctx.page(&env, job));
    let mut files = Vec::with_capacity(pages.len() + 4);
    for page in pages {
        files.push(page?);
    }
    let index = serde_json::to_string(&ctx.search_index()).unwrap_or_else(|_| "[]".to_owned());
    files.push((
        "search-index.js".to_owned(),
        format!("window.procflowSearch = {index};\n").into_bytes(),
    ));
    for name in super::templates::ASSETS {
        files.push((
            name.to_owned(),
            options.templates.get(name).as_bytes().to_vec(),
        ));
    }
    Ok(files)
}

fn template_error(name: &str, e: &minijinja::Error) -> String {
    if e.kind() == minijinja::ErrorKind::OutOfFuel {
        let line = e.line().map_or_else(String::new, |l| format!(":{l}"));
        return format!(
            "template `{name}{line}`: {}",
            crate::backend::sop::template::out_of_fuel()
        );
    }
    let mut message = format!("template `{name}`: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}

struct Ctx<'s, 'm> {
    site: &'s Site<'m>,
    options: &'s Options<'s>,
}

impl Ctx<'_, '_> {
    fn page(&self, env: &minijinja::Environment, job: Job) -> Result<SiteFile, String> {
        let (template, path, up, title, value) = match job {
            Job::Index => (
                "index.html",
                "index.html".to_owned(),
                "",
                "Handbook".to_owned(),
                minijinja::Value::from_serialize(self.index()),
            ),
            Job::Workflow(i) => {
                let page = self.workflow(i);
                (
                    "workflow.html",
                    format!("workflows/{}.html", self.site.workflow_page[i]),
                    "../",
                    page.title.clone(),
                    minijinja::Value::from_serialize(page),
                )
            }
            Job::Process(i) => {
                let page = self.process(i);
                (
                    "process.html",
                    format!("processes/{}.html", self.site.process_page[i]),
                    "../",
                    page.title.clone(),
                    minijinja::Value::from_serialize(page),
                )
            }
            Job::Role(i) => {
                let page = self.role(i);
                (
                    "role.html",
                    format!("roles/{}.html", self.site.role_page[i]),
                    "../",
                    page.title.clone(),
                    minijinja::Value::from_serialize(page),
                )
            }
            Job::Tool(i) => {
                let page = self.tool(i);
                (
                    "tool.html",
                    format!("tools/{}.html", self.site.tool_page[i]),
                    "../",
                    page.title.clone(),
                    minijinja::Value::from_serialize(page),
                )
            }
        };
        let text = env
            .get_template(template)
            .and_then(|t| {
                t.render(minijinja::context! {
                    root => up,
                    title => title,
                    page => value,
                })
            })
            .map_err(|e| template_error(template, &e))?;
        Ok((path, text.into_bytes()))
    }

    // -- links -------------------------------------------------------------

    fn model(&self, m: usize) -> &Model {
        self.site.models[m]
    }

    fn role_link(&self, m: usize, role: crate::model::RoleId, up: &str) -> Link {
        let g = self.site.role_of[m][role.0];
        let (rm, ri) = self.site.roles[g];
        let r = &self.model(rm).roles[ri.0];
        Link {
            title: display_title(&r.name, r.title.as_ref()),
            href: format!("{up}roles/{}.html", self.site.role_page[g]),
        }
    }

    fn tool_link(&self, m: usize, tool: crate::model::ToolId, up: &str) -> Link {
        let g = self.site.tool_of[m][tool.0];
        let (tm, ti) = self.site.tools[g];
        let t = &self.model(tm).tools[ti.0];
        Link {
            title: display_title(&t.name, t.title.as_ref()),
            href: format!("{up}tools/{}.html", self.site.tool_page[g]),
        }
    }

    fn process_link(&self, m: usize, p: crate::model::ProcessId, up: &str) -> Link {
        let g = self.site.process_of[m][p.0];
        let (pm, pi) = self.site.processes[g];
        let p = &self.model(pm).processes[pi.0];
        Link {
            title: display_title(&p.name, p.title.as_ref()),
            href: format!("{up}processes/{}.html", self.site.process_page[g]),
        }
    }

    fn workflow_link(&self, i: usize, up: &str) -> Link {
        let (m, w) = self.site.workflows[i];
        let w = &self.model(m).workflows[w.0];
        Link {
            title: display_title(&w.name, w.title.as_ref()),
            href: format!("{up}workflows/{}.html", self.site.workflow_page[i]),
        }
    }

    /// A step of workflow `i` (site index), linked from a page at `up`
    /// (`None`: from the workflow's own page).
    fn step_link(&self, i: usize, s: usize, numbers: &[usize], up: Option<&str>) -> StepLink {
        let (m, w) = self.site.workflows[i];
        let workflow = &self.model(m).workflows[w.0];
        let step = &workflow.steps[s];
        let href = match up {
            Some(up) => format!(
                "{up}workflows/{}.html#step-{}",
                self.site.workflow_page[i], step.name.text
            ),
            None => format!("#step-{}", step.name.text),
        };
        StepLink {
            number: numbers[s],
            title: backend::step_title(workflow, s),
            href,
            owner: step
                .owner
                .map(|o| self.role_link(m, o, up.unwrap_or("../"))),
        }
    }

    fn summary(&self, i: usize, up: &str) -> WorkflowSummary {
        let (m, w) = self.site.workflows[i];
        let workflow = &self.model(m).workflows[w.0];
        WorkflowSummary {
            link: self.workflow_link(i, up),
            owner: workflow.owner.map(|o| self.role_link(m, o, up)),
            steps: workflow.steps.len(),
            lead_time: backend::says_time(workflow)
                .then(|| lead_time_words(workflow))
                .flatten(),
        }
    }

    /// The site indices of the workflows that implement process `p` (site
    /// index), in site order.
    fn implementing(&self, p: usize) -> Vec<usize> {
        (0..self.site.workflows.len())
            .filter(|&i| {
                let (m, w) = self.site.workflows[i];
                self.model(m).workflows[w.0]
                    .process
                    .is_some_and(|q| self.site.process_of[m][q.0] == p)
            })
            .collect()
    }

    // -- pages -------------------------------------------------------------

    fn index(&self) -> IndexPage {
        let processes = (0..self.site.processes.len())
            .map(|p| {
                let (m, pi) = self.site.processes[p];
                let process = &self.model(m).processes[pi.0];
                let rows = self.coverage(p, &self.implementing(p), "");
                ProcessSummary {
                    link: self.process_link(m, pi, ""),
                    outcome: process.outcome.as_ref().map(|o| o.value.clone()),
                    covered: rows.iter().filter(|r| !r.optional && r.covered).count(),
                    required: rows.iter().filter(|r| !r.optional).count(),
                    workflows: self
                        .implementing(p)
                        .into_iter()
                        .map(|i| self.summary(i, ""))
                        .collect(),
                }
            })
            .collect();
        let other_workflows = (0..self.site.workflows.len())
            .filter(|&i| {
                let (m, w) = self.site.workflows[i];
                self.model(m).workflows[w.0].process.is_none()
            })
            .map(|i| self.summary(i, ""))
            .collect();
        let mut role_steps = vec![0; self.site.roles.len()];
        let mut tool_steps = vec![0; self.site.tools.len()];
        let mut step_count = 0;
        for &(m, w) in &self.site.workflows {
            for step in &self.model(m).workflows[w.0].steps {
                step_count += 1;
                let mut roles: Vec<usize> = step
                    .owner
                    .iter()
                    .chain(&step.with)
                    .map(|r| self.site.role_of[m][r.0])
                    .collect();
                roles.dedup();
                for r in roles {
                    role_steps[r] += 1;
                }
                for t in &step.tools {
                    tool_steps[self.site.tool_of[m][t.0]] += 1;
                }
            }
        }
        let roles = (0..self.site.roles.len())
            .map(|r| {
                let (m, ri) = self.site.roles[r];
                let role = &self.model(m).roles[ri.0];
                RoleSummary {
                    link: self.role_link(m, ri, ""),
                    who: role.who.as_ref().map(|w| w.value.clone()),
                    external: role.external,
                    steps: role_steps[r],
                    hours_per_week: hours_per_week(self.site, r),
                }
            })
            .collect();
        let tools = (0..self.site.tools.len())
            .map(|t| {
                let (m, ti) = self.site.tools[t];
                ToolSummary {
                    link: self.tool_link(m, ti, ""),
                    steps: tool_steps[t],
                }
            })
            .collect();
        IndexPage {
            processes,
            other_workflows,
            roles,
            tools,
            workflow_count: self.site.workflows.len(),
            step_count,
        }
    }

    fn workflow(&self, i: usize) -> WorkflowPage {
        let (m, w) = self.site.workflows[i];
        let model = self.model(m);
        let workflow = &model.workflows[w.0];
        let numbers = step_numbers(workflow);
        let order = sequence(workflow);
        let ids: Vec<&str> = order
            .iter()
            .map(|&s| workflow.steps[s].name.text.as_str())
            .collect();
        let sop = backend::sop::render_tree(
            model,
            w,
            backend::sop::SopOptions { mermaid: false },
            sop_to_html,
        );
        let sop = without_first_h1(&anchor_steps(&sop, &ids));
        let (diagram, diagram_error) = self.diagram(model, w, workflow);
        let mut roles: Vec<Link> = Vec::new();
        let mut tools: Vec<Link> = Vec::new();
        let push = |list: &mut Vec<Link>, link: Link| {
            if !list.iter().any(|l| l.href == link.href) {
                list.push(link);
            }
        };
        if let Some(role) = &workflow.owner {
            push(&mut roles, self.role_link(m, *role, "../"));
        }
        for &s in order.iter() {
            let step = &workflow.steps[s];
            for r in step.owner.iter().chain(&step.with).chain(&step.escalate) {
                push(&mut roles, self.role_link(m, *r, "../"));
            }
            for t in &step.tools {
                push(&mut tools, self.tool_link(m, *t, "../"));
            }
        }
        WorkflowPage {
            title: display_title(&workflow.name, workflow.title.as_ref()),
            id: workflow.name.text.clone(),
            process: workflow.process.map(|p| self.process_link(m, p, "../")),
            owner: workflow.owner.map(|o| self.role_link(m, o, "../")),
            roles,
            tools,
            trigger: workflow.trigger.as_ref().map(|t| t.value.clone()),
            lead_time: backend::says_time(workflow)
                .then(|| lead_time_words(workflow))
                .flatten(),
            runs: workflow
                .every
                .map(|d| format!("every {}", duration_words(&d))),
            diagram,
            graphviz_missing: self.options.svg.is_none(),
            diagram_error,
            steps: order
                .iter()
                .map(|&s| self.step_link(i, s, &numbers, None))
                .collect(),
            sop,
        }
    }

    /// The workflow's diagram as inline SVG, or Graphviz's error (neither
    /// without Graphviz).
    fn diagram(
        &self,
        model: &Model,
        w: WorkflowId,
        workflow: &Workflow,
    ) -> (Option<String>, Option<String>) {
        let Some(svg) = self.options.svg else {
            return (None, None);
        };
        let dot = link_step_nodes(&backend::dot::render(model, Some(w)), &workflow.name.text);
        match svg(&dot) {
            Ok(svg) => (Some(inline_svg(&svg)), None),
            Err(e) => (None, Some(e)),
        }
    }

    fn role(&self, r: usize) -> RolePage {
        let (rm, ri) = self.site.roles[r];
        let role = &self.model(rm).roles[ri.0];
        let mut workflows = Vec::new();
        let mut gets_work_from: Vec<Link> = Vec::new();
        let mut hands_off_to: Vec<Link> = Vec::new();
        let mut escalations = Vec::new();
        let (mut owns, mut joins) = (0, 0);
        let is_me = |m: usize, id: Option<crate::model::RoleId>| {
            id.is_some_and(|id| self.site.role_of[m][id.0] == r)
        };
        for (i, &(m, w)) in self.site.workflows.iter().enumerate() {
            let workflow = &self.model(m).workflows[w.0];
            let numbers = step_numbers(workflow);
            let successors = successors(workflow);
            let mut steps = Vec::new();
            for &s in sequence(workflow).iter() {
                let step = &workflow.steps[s];
                if is_me(m, step.escalate) {
                    escalations.push(self.step_link(i, s, &numbers, Some("../")));
                }
                let part = if is_me(m, step.owner) {
                    owns += 1;
                    "owner"
                } else if step.with.iter().any(|&x| is_me(m, Some(x))) {
                    joins += 1;
                    "with"
                } else {
                    continue;
                };
                let handoff = |other: usize| Handoff {
                    role: workflow.steps[other]
                        .owner
                        .map(|o| self.role_link(m, o, "../")),
                    step: self.step_link(i, other, &numbers, Some("../")),
                };
                let from: Vec<Handoff> = step
                    .after
                    .iter()
                    .filter(|&&p| workflow.steps[p].owner != step.owner)
                    .map(|&p| handoff(p))
                    .collect();
                let to: Vec<Handoff> = successors[s]
                    .iter()
                    .filter(|&&n| workflow.steps[n].owner != step.owner)
                    .map(|&n| handoff(n))
                    .collect();
                for h in &from {
                    if let Some(l) = &h.role {
                        if !gets_work_from.iter().any(|x| x.href == l.href) {
                            gets_work_from.push(l.clone());
                        }
                    }
                }
                for h in &to {
                    if let Some(l) = &h.role {
                        if !hands_off_to.iter().any(|x| x.href == l.href) {
                            hands_off_to.push(l.clone());
                        }
                    }
                }
                steps.push(RoleStep {
                    step: self.step_link(i, s, &numbers, Some("../")),
                    part,
                    automated: step.automated,
                    deadline: step
                        .within
                        .map(|d| format!("within {} of becoming ready", duration_words(&d))),
                    takes: step.takes.map(|d| duration_words(&d)),
                    wait: step.wait.map(|d| duration_words(&d)),
                    condition: conditions_words(workflow, step),
                    decides: step
                        .decides
                        .iter()
                        .filter_map(|&d| workflow.decisions.get(d))
                        .map(|d| d.question.value.clone())
                        .collect(),
                    tools: step
                        .tools
                        .iter()
                        .map(|&t| self.tool_link(m, t, "../"))
                        .collect(),
                    escalate: step.escalate.map(|e| self.role_link(m, e, "../")),
                    from,
                    to,
                });
            }
            if !steps.is_empty() {
                workflows.push(RoleWorkflow {
                    link: self.workflow_link(i, "../"),
                    runs: workflow
                        .every
                        .map(|d| format!("every {}", duration_words(&d))),
                    steps,
                });
            }
        }
        RolePage {
            title: display_title(&role.name, role.title.as_ref()),
            id: role.name.text.clone(),
            who: role.who.as_ref().map(|w| w.value.clone()),
            external: role.external,
            description: role
                .description
                .as_ref()
                .map(|d| markdown_to_html(&d.value, 2)),
            hours_per_week: hours_per_week(self.site, r),
            owns,
            joins,
            gets_work_from,
            hands_off_to,
            escalations,
            workflows,
        }
    }

    fn tool(&self, t: usize) -> ToolPage {
        let (tm, ti) = self.site.tools[t];
        let tool = &self.model(tm).tools[ti.0];
        let url = tool.url.as_ref().and_then(|u| safe_url(&u.value));
        let url_text = match (&tool.url, &url) {
            (Some(u), None) => Some(u.value.clone()),
            _ => None,
        };
        let mut workflows = Vec::new();
        for (i, &(m, w)) in self.site.workflows.iter().enumerate() {
            let workflow = &self.model(m).workflows[w.0];
            let numbers = step_numbers(workflow);
            let steps: Vec<StepLink> = sequence(workflow)
                .iter()
                .filter(|&&s| {
                    workflow.steps[s]
                        .tools
                        .iter()
                        .any(|x| self.site.tool_of[m][x.0] == t)
                })
                .map(|&s| self.step_link(i, s, &numbers, Some("../")))
                .collect();
            if !steps.is_empty() {
                workflows.push(ToolWorkflow {
                    link: self.workflow_link(i, "../"),
                    steps,
                });
            }
        }
        ToolPage {
            title: display_title(&tool.name, tool.title.as_ref()),
            id: tool.name.text.clone(),
            url,
            url_text,
            description: tool
                .description
                .as_ref()
                .map(|d| markdown_to_html(&d.value, 2)),
            workflows,
        }
    }

    /// The coverage rows of process `p`: per process step, the steps of each
    /// workflow in `workflows` that carry it out.
    fn coverage(&self, p: usize, workflows: &[usize], up: &str) -> Vec<ProcessStepRow> {
        let (pm, pi) = self.site.processes[p];
        let process = &self.model(pm).processes[pi.0];
        let numbered: Vec<Vec<usize>> = workflows
            .iter()
            .map(|&i| {
                let (m, w) = self.site.workflows[i];
                step_numbers(&self.model(m).workflows[w.0])
            })
            .collect();
        process
            .steps
            .iter()
            .enumerate()
            .map(|(k, ps)| {
                let cells: Vec<Vec<StepLink>> = workflows
                    .iter()
                    .zip(&numbered)
                    .map(|(&i, numbers)| {
                        let (m, w) = self.site.workflows[i];
                        let workflow = &self.model(m).workflows[w.0];
                        sequence(workflow)
                            .iter()
                            .filter(|&&s| workflow.steps[s].implements.contains(&k))
                            .map(|&s| self.step_link(i, s, numbers, Some(up)))
                            .collect()
                    })
                    .collect();
                ProcessStepRow {
                    title: display_title(&ps.name, ps.title.as_ref()),
                    id: ps.name.text.clone(),
                    optional: ps.optional,
                    description: ps
                        .description
                        .as_ref()
                        .map(|d| markdown_to_html(&d.value, 3)),
                    covered: cells.iter().any(|c| !c.is_empty()),
                    cells,
                }
            })
            .collect()
    }

    fn process(&self, p: usize) -> ProcessPage {
        let (m, pi) = self.site.processes[p];
        let process = &self.model(m).processes[pi.0];
        let implementing = self.implementing(p);
        ProcessPage {
            title: display_title(&process.name, process.title.as_ref()),
            id: process.name.text.clone(),
            outcome: process.outcome.as_ref().map(|o| o.value.clone()),
            owner: process.owner.map(|o| self.role_link(m, o, "../")),
            description: process
                .description
                .as_ref()
                .map(|d| markdown_to_html(&d.value, 2)),
            steps: self.coverage(p, &implementing, "../"),
            workflows: implementing
                .into_iter()
                .map(|i| self.summary(i, "../"))
                .collect(),
        }
    }

    fn search_index(&self) -> Vec<SearchEntry> {
        let mut out = Vec::new();
        for p in 0..self.site.processes.len() {
            let (m, pi) = self.site.processes[p];
            let process = &self.model(m).processes[pi.0];
            let link = self.process_link(m, pi, "");
            out.push(SearchEntry {
                t: link.title,
                k: "process",
                c: process
                    .outcome
                    .as_ref()
                    .map_or_else(String::new, |o| o.value.clone()),
                u: link.href,
            });
        }
        for i in 0..self.site.workflows.len() {
            let (m, w) = self.site.workflows[i];
            let workflow = &self.model(m).workflows[w.0];
            let link = self.workflow_link(i, "");
            let numbers = step_numbers(workflow);
            out.push(SearchEntry {
                t: link.title.clone(),
                k: "workflow",
                c: workflow.name.text.clone(),
                u: link.href.clone(),
            });
            for &s in sequence(workflow).iter() {
                let step = self.step_link(i, s, &numbers, Some(""));
                let owner = step.owner.map(|o| o.title).unwrap_or_default();
                out.push(SearchEntry {
                    t: step.title,
                    k: "step",
                    c: format!("{}, step {} · {owner}", link.title, step.number),
                    u: step.href,
                });
            }
        }
        for r in 0..self.site.roles.len() {
            let (m, ri) = self.site.roles[r];
            let role = &self.model(m).roles[ri.0];
            let link = self.role_link(m, ri, "");
            out.push(SearchEntry {
                t: link.title,
                k: "role",
                c: role
                    .who
                    .as_ref()
                    .map_or_else(String::new, |w| w.value.clone()),
                u: link.href,
            });
        }
        for t in 0..self.site.tools.len() {
            let (m, ti) = self.site.tools[t];
            let link = self.tool_link(m, ti, "");
            out.push(SearchEntry {
                t: link.title,
                k: "tool",
                c: String::new(),
                u: link.href,
            });
        }
        out
    }
}

/// The steps that wait for each step (order edges only).
fn successors(workflow: &Workflow) -> Vec<Vec<usize>> {
    let mut next = vec![Vec::new(); workflow.steps.len()];
    for (s, step) in workflow.steps.iter().enumerate() {
        for &p in &step.after {
            if let Some(list) = next.get_mut(p) {
                list.push(s);
            }
        }
    }
    next
}
