//! Graphviz DOT of a file's processes and workflows.
//!
//! Each process is a cluster holding its steps in order (one edge between
//! consecutive steps), each step filled with a colour of its own. Each
//! workflow is a cluster holding a start node (its trigger) and one swimlane
//! cluster per owner role with the steps that role owns. A workflow step
//! shows its number in the SOP's procedure ([`step_numbers`]) before its
//! title, and the process steps it serves as bands in their colours
//! ("serves: Capture"): the only edges are the order, inside one process or
//! one workflow. (Edges from workflow steps to process steps, across
//! clusters, looped around every picture and made Graphviz 2.43 fail.) The
//! order is drawn as edges from each `after` predecessor to the step (from
//! the start node to the first steps), labelled "only if …" with the step's
//! `when` conditions, the critical path's edges thicker; each rework loop is
//! a dashed arrow back that does not constrain the ranks. A step also shows
//! its `takes`, `escalate`, `with`, the questions it decides and, at an
//! either/or join, "after 6 or 7, whichever applies"; the workflow's label
//! shows `every` and the lead time against its target, the start node its
//! inputs.
//!
//! Every label is a Graphviz HTML-like label, and every text written by a user
//! goes through [`label`], which escapes it, wraps it and never writes an
//! empty tag. A title without a visible word is replaced by one made from
//! the name. Node and cluster ids are quoted strings made of names, which are
//! ASCII identifiers.

mod label;

use std::borrow::Cow;

use self::label::{
    has_words, push_bold, push_inline, push_small_lines, push_styled, push_text, trim,
};
use super::{
    push_duration_words, push_number, root_processes, root_workflows, sequence, step_numbers,
};
use crate::ast::{Ident, StrLit};
use crate::model::{Model, ProcessId, RoleId, Workflow, WorkflowId, display_title};

/// The start of every graph: its default attributes.
const HEADER: &str = concat!(
    "digraph procflow {\n",
    "  graph [fontname=\"Helvetica\", fontsize=12, newrank=true, rankdir=TB, nodesep=0.3, ranksep=0.35, labeljust=l, labelloc=t];\n",
    "  node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#555555\"];\n",
    "  edge [fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];\n",
);

/// The colours of process steps, in turn: each process step is filled with
/// one, and a workflow step that serves it shows a band of the same colour.
/// Light enough for black text, and no blue (the fill of automated steps);
/// the text says the same as the colour.
const PALETTE: [&str; 8] = [
    "#fce5cd", "#d9ead3", "#f4cccc", "#d9d2e9", "#fff2cc", "#d0e0e3", "#ead1dc", "#e6dccb",
];

/// The colour of the process step at `index`.
fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// The DOT graph of the root file (its processes, with the processes its
/// workflows implement, and its workflows), or, with `only`, of one workflow
/// and its process.
///
/// The clusters and edges of each process and workflow are rendered on all
/// cores and joined in order.
#[must_use]
pub fn render(model: &Model, only: Option<WorkflowId>) -> String {
    let (processes, workflows): (Vec<ProcessId>, Vec<WorkflowId>) = match only {
        Some(w) => (model.workflows[w.0].process.into_iter().collect(), vec![w]),
        None => (root_processes(model), root_workflows(model)),
    };
    let roles = Roles::new(model);
    let items: Vec<Item> = processes
        .iter()
        .map(|&p| Item::Process(p))
        .chain(workflows.iter().map(|&w| Item::Workflow(w)))
        .collect();
    // For a process: its cluster. For a workflow: its cluster and its order
    // edges.
    let parts: Vec<[String; 2]> = crate::parallel::map(&items, |item| match *item {
        Item::Process(p) => {
            let mut cluster = String::new();
            process_cluster(&mut cluster, model, &roles, p);
            [cluster, String::new()]
        }
        Item::Workflow(w) => {
            let mut cluster = String::new();
            workflow_cluster(&mut cluster, model, &roles, w);
            let mut order = String::new();
            order_edges(&mut order, model, w);
            [cluster, order]
        }
    });
    let len = HEADER.len() + 2 + parts.iter().flatten().map(String::len).sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str(HEADER);
    for k in 0..2 {
        for part in &parts {
            out.push_str(&part[k]);
        }
    }
    out.push_str("}\n");
    out
}

/// A unit of the drawing rendered on its own.
enum Item {
    Process(ProcessId),
    Workflow(WorkflowId),
}

/// The title a label shows: the one written if it has a visible word, else
/// one made from the name (the name itself if that has none either).
fn shown<'a>(name: &'a Ident, title: Option<&'a StrLit>) -> Cow<'a, str> {
    if let Some(t) = title.filter(|t| has_words(&t.value)) {
        return Cow::Borrowed(&t.value);
    }
    let made = display_title(name, None);
    if has_words(&made) {
        Cow::Owned(made)
    } else {
        Cow::Borrowed(&name.text)
    }
}

/// Each role's title as it is mentioned in a line ([`push_inline`]),
/// computed once.
struct Roles(Vec<String>);

impl Roles {
    fn new(model: &Model) -> Self {
        Self(
            model
                .roles
                .iter()
                .map(|r| {
                    let mut s = String::new();
                    push_inline(&mut s, &shown(&r.name, r.title.as_ref()));
                    s
                })
                .collect(),
        )
    }

    fn text(&self, role: RoleId) -> &str {
        &self.0[role.0]
    }
}

/// Whether a byte stands for itself in a DOT quoted string.
const fn plain_in_quotes(b: u8) -> bool {
    !matches!(b, b'"' | b'\\' | b'\n' | b'\r')
}

/// Appends the inside of a DOT quoted string (ids): backslashes and quotes
/// escaped, line breaks as spaces.
fn push_quoted(out: &mut String, id: &str) {
    if id.bytes().all(plain_in_quotes) {
        out.push_str(id);
        return;
    }
    for c in id.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// Appends a DOT quoted string made of `parts` joined.
fn push_id(out: &mut String, parts: &[&str]) {
    out.push('"');
    for part in parts {
        push_quoted(out, part);
    }
    out.push('"');
}

#[cfg(test)]
fn quote(id: &str) -> String {
    let mut s = String::new();
    push_id(&mut s, &[id]);
    s
}

fn push_process_node(out: &mut String, p: &str, step: &str) {
    push_id(out, &["p:", p, ":", step]);
}

fn push_step_node(out: &mut String, w: &str, step: &str) {
    push_id(out, &["w:", w, ":", step]);
}

fn push_start_node(out: &mut String, w: &str) {
    push_id(out, &["start:", w]);
}

/// Appends a cluster's bold title, `kind` then the title (from its first
/// line with a word).
fn push_cluster_title(out: &mut String, kind: &str, name: &Ident, title: Option<&StrLit>) {
    let shown = shown(name, title);
    push_bold(out, &format!("{kind}: {}", trim(&shown)));
}

/// Appends a line of small text (`line` wrapped as a whole, its line breaks
/// spaces), after a `<br/>`.
fn push_small_inline(out: &mut String, line: &str) {
    out.push_str("<br/><font point-size=\"10\">");
    push_inline(out, line);
    out.push_str("</font>");
}

/// A line break that left-aligns the line before it.
const LEFT_BREAK: &str = "<br align=\"left\"/>";

/// Left-aligns every line of the label written to `out` since `from`: a
/// cluster's title and the lines under it (Graphviz centres each line of a
/// label otherwise, and only `labeljust` places the whole label).
fn left_align(out: &mut String, from: usize) {
    let label = out.split_off(from);
    out.push_str(&label.replace("<br/>", LEFT_BREAK));
    out.push_str(LEFT_BREAK);
}

fn process_cluster(out: &mut String, model: &Model, roles: &Roles, p: ProcessId) {
    let process = &model.processes[p.0];
    let name = &process.name.text;
    out.push_str("  subgraph ");
    push_id(out, &["cluster_p:", name]);
    out.push_str(" {\n    label=<");
    let label = out.len();
    push_cluster_title(out, "Process", &process.name, process.title.as_ref());
    if let Some(outcome) = &process.outcome {
        push_small_lines(out, "10", true, &outcome.value);
    }
    if let Some(owner) = process.owner {
        out.push_str("<br/><font point-size=\"10\">owner: ");
        out.push_str(roles.text(owner));
        out.push_str("</font>");
    }
    left_align(out, label);
    out.push_str(">;\n");
    out.push_str("    style=\"rounded,filled\"; color=\"#999999\"; fillcolor=\"#f4f4f4\";\n");
    for (k, step) in process.steps.iter().enumerate() {
        out.push_str("    ");
        push_process_node(out, name, &step.name.text);
        out.push_str(" [label=<");
        push_bold(out, &shown(&step.name, step.title.as_ref()));
        if step.optional {
            out.push_str("<br/><font point-size=\"9\"><i>optional</i></font>");
        }
        out.push_str(">, shape=box, style=\"");
        out.push_str(if step.optional {
            "filled,dashed"
        } else {
            "filled"
        });
        out.push_str("\", fillcolor=\"");
        out.push_str(colour(k));
        out.push_str("\"];\n");
    }
    for pair in process.steps.windows(2) {
        out.push_str("    ");
        push_process_node(out, name, &pair[0].name.text);
        out.push_str(" -> ");
        push_process_node(out, name, &pair[1].name.text);
        out.push_str(" [color=\"#999999\"];\n");
    }
    out.push_str("  }\n");
}

fn workflow_cluster(out: &mut String, model: &Model, roles: &Roles, w: WorkflowId) {
    let workflow = &model.workflows[w.0];
    let name = &workflow.name.text;
    out.push_str("  subgraph ");
    push_id(out, &["cluster_w:", name]);
    out.push_str(" {\n    label=<");
    let label = out.len();
    push_cluster_title(out, "Workflow", &workflow.name, workflow.title.as_ref());
    // The owner and the version, each on a line of its own.
    let mut line = String::new();
    if let Some(owner) = workflow.owner {
        let role = &model.roles[owner.0];
        line.push_str("owner: ");
        line.push_str(trim(&shown(&role.name, role.title.as_ref())));
        push_small_inline(out, &line);
    }
    if let Some(version) = workflow.version.as_ref().filter(|v| has_words(&v.value)) {
        line.clear();
        line.push_str("version ");
        line.push_str(trim(&version.value));
        push_small_inline(out, &line);
    }
    // How often it runs and how long a run takes against its target.
    if let Some(every) = &workflow.every {
        line.clear();
        line.push_str("runs every ");
        push_duration_words(&mut line, every);
        push_small_inline(out, &line);
    }
    if super::says_time(workflow) {
        if let Some(lead) = super::lead_time_words(workflow) {
            line.clear();
            line.push_str("lead time: ");
            line.push_str(&lead);
            push_small_inline(out, &line);
        }
    }
    left_align(out, label);
    out.push_str(">;\n");
    out.push_str("    style=\"rounded\"; color=\"#555555\";\n");

    // The start node: what triggers the workflow.
    out.push_str("    ");
    push_start_node(out, name);
    out.push_str(" [label=<<b>Start</b>");
    if let Some(trigger) = &workflow.trigger {
        push_small_lines(out, "9", false, &trigger.value);
    }
    if !workflow.inputs.is_empty() {
        line.clear();
        line.push_str("you start with: ");
        for (k, input) in workflow.inputs.iter().enumerate() {
            if k > 0 {
                line.push_str(", ");
            }
            line.push_str(&input.text);
        }
        push_small_lines(out, "9", false, &line);
    }
    out.push_str(">, shape=oval, style=\"filled\", fillcolor=\"#fff4cc\"];\n");

    // Swimlanes: one per owner, in the order the owners first act.
    let order = sequence(workflow);
    let numbers = step_numbers(workflow);
    let lanes = super::lanes(workflow, &order);
    let mut scratch = String::new();
    for (owner, steps) in &lanes {
        out.push_str("    subgraph ");
        let label;
        let dashed = if let Some(role) = owner {
            let r = &model.roles[role.0];
            push_id(out, &["cluster_w:", name, ":role:", &r.name.text]);
            out.push_str(" {\n      label=<");
            label = out.len();
            push_bold(out, &shown(&r.name, r.title.as_ref()));
            let who = r.who.as_ref().filter(|who| has_words(&who.value));
            if who.is_some() || r.external {
                out.push_str("<br/><font point-size=\"9\">");
                if let Some(who) = who {
                    push_text(out, &who.value);
                    if r.external {
                        out.push_str(" · ");
                    }
                }
                if r.external {
                    out.push_str("external");
                }
                out.push_str("</font>");
            }
            r.external
        } else {
            push_id(out, &["cluster_w:", name, ":role:"]);
            out.push_str(" {\n      label=<");
            label = out.len();
            out.push_str("<b>No owner</b>");
            false
        };
        left_align(out, label);
        out.push_str(">;\n");
        if dashed {
            out.push_str("      style=\"rounded,dashed\"; color=\"#aaaaaa\";\n");
        } else {
            out.push_str("      style=\"rounded\"; color=\"#aaaaaa\";\n");
        }
        for &i in steps {
            out.push_str("      ");
            push_step_node(out, name, &workflow.steps[i].name.text);
            out.push(' ');
            step_attrs(out, &mut scratch, model, roles, workflow, i, &numbers);
            out.push_str(";\n");
        }
        out.push_str("    }\n");
    }
    out.push_str("  }\n");
}

/// Appends the attribute list of a workflow step's node: its number and
/// title, owner, tools, timing, whether it is automated, and a band for each
/// process step it serves. `scratch` is a buffer to reuse.
fn step_attrs(
    out: &mut String,
    scratch: &mut String,
    model: &Model,
    roles: &Roles,
    workflow: &Workflow,
    i: usize,
    numbers: &[usize],
) {
    let step = &workflow.steps[i];
    let number = numbers[i];
    let process = workflow.process.map(|p| &model.processes[p.0]);
    let mut served: Vec<usize> = Vec::new();
    if let Some(process) = process {
        for &k in &step.implements {
            if k < process.steps.len() && !served.contains(&k) {
                served.push(k);
            }
        }
        served.sort_unstable();
    }
    out.push_str("[label=<");
    if !served.is_empty() {
        out.push_str(
            "<table border=\"0\" cellborder=\"0\" cellspacing=\"2\" cellpadding=\"1\"><tr><td>",
        );
    }
    scratch.clear();
    push_number(scratch, number);
    scratch.push_str(". ");
    scratch.push_str(trim(&shown(&step.name, step.title.as_ref())));
    push_bold(out, scratch);
    let timing = step.wait.is_some() || step.takes.is_some() || step.within.is_some();
    let join = either_or_join(workflow, i, numbers);
    let details = timing
        || step.escalate.is_some()
        || !step.with.is_empty()
        || !step.decides.is_empty()
        || join.is_some();
    if step.owner.is_some() || !step.tools.is_empty() || details || step.automated {
        out.push_str("<br/><font point-size=\"9\">");
        let mut first = true;
        let mut line = |out: &mut String| {
            if !first {
                out.push_str("<br/>");
            }
            first = false;
        };
        if let Some(owner) = step.owner {
            line(out);
            out.push_str("owner: ");
            out.push_str(roles.text(owner));
        }
        if !step.with.is_empty() {
            line(out);
            out.push_str("with: ");
            for (k, &r) in step.with.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                out.push_str(roles.text(r));
            }
        }
        if !step.tools.is_empty() {
            line(out);
            scratch.clear();
            scratch.push_str("tools: ");
            for (k, t) in step.tools.iter().enumerate() {
                if k > 0 {
                    scratch.push_str(", ");
                }
                let tool = &model.tools[t.0];
                scratch.push_str(trim(&shown(&tool.name, tool.title.as_ref())));
            }
            push_inline(out, scratch);
        }
        if timing {
            line(out);
            if let Some(wait) = &step.wait {
                out.push_str("waits ");
                push_duration_words(out, wait);
            }
            if let Some(takes) = &step.takes {
                if step.wait.is_some() {
                    out.push_str(" · ");
                }
                out.push_str("takes about ");
                push_duration_words(out, takes);
            }
            if let Some(within) = &step.within {
                if step.wait.is_some() || step.takes.is_some() {
                    out.push_str(" · ");
                }
                out.push_str("within ");
                push_duration_words(out, within);
            }
        }
        if let (Some(r), Some(within)) = (step.escalate, &step.within) {
            line(out);
            out.push_str("if not done within ");
            push_duration_words(out, within);
            out.push_str(", tell ");
            out.push_str(roles.text(r));
        } else if let Some(r) = step.escalate {
            line(out);
            out.push_str("if late, tell ");
            out.push_str(roles.text(r));
        }
        if let Some(join) = &join {
            line(out);
            out.push_str(join);
        }
        if step.automated {
            line(out);
            out.push_str("<i>automated</i>");
        }
        for &d in &step.decides {
            if let Some(d) = workflow.decisions.get(d) {
                line(out);
                scratch.clear();
                scratch.push_str("decide: ");
                scratch.push_str(trim(&d.question.value));
                push_styled(out, "<b>", "</b>", scratch);
            }
        }
        out.push_str("</font>");
    }
    if let Some(process) = process.filter(|_| !served.is_empty()) {
        out.push_str("</td></tr>");
        for k in served {
            let target = &process.steps[k];
            out.push_str("<tr><td bgcolor=\"");
            out.push_str(colour(k));
            out.push_str("\" style=\"rounded\"><font point-size=\"9\">");
            scratch.clear();
            scratch.push_str("serves: ");
            scratch.push_str(trim(&shown(&target.name, target.title.as_ref())));
            push_inline(out, scratch);
            out.push_str("</font></td></tr>");
        }
        out.push_str("</table>");
    }
    if step.automated {
        out.push_str(
            ">, shape=box, style=\"filled\", fillcolor=\"#dcebfb\", color=\"#3b6ea8\", peripheries=2]",
        );
    } else {
        out.push_str(">]");
    }
}

/// "after 6 or 7, whichever applies" for a step whose predecessors take
/// opposite answers of one decision (an either/or join), numbered as in the
/// SOP; `None` for any other step.
fn either_or_join(workflow: &Workflow, i: usize, numbers: &[usize]) -> Option<String> {
    let after = &workflow.steps[i].after;
    if !crate::check::branches::either_or(workflow, after) {
        return None;
    }
    let mut branches: Vec<usize> = after
        .iter()
        .filter(|&&p| workflow.steps[p].conditional)
        .map(|&p| numbers[p])
        .collect();
    branches.sort_unstable();
    let mut text = String::from("after ");
    for (k, &n) in branches.iter().enumerate() {
        if k > 0 {
            text.push_str(if k + 1 == branches.len() {
                " or "
            } else {
                ", "
            });
        }
        push_number(&mut text, n);
    }
    text.push_str(", whichever applies");
    Some(text)
}

fn order_edges(out: &mut String, model: &Model, w: WorkflowId) {
    let workflow = &model.workflows[w.0];
    let name = &workflow.name.text;
    // The critical path's edges are drawn thicker (see
    // `super::drawn_critical_path`).
    let critical = super::drawn_critical_path(workflow);
    let on_path = |from: Option<usize>, to: usize| super::on_critical_path(&critical, from, to);
    let mut attrs = String::new();
    for &i in sequence(workflow).iter() {
        let step = &workflow.steps[i];
        let condition = super::conditions_words(workflow, step).filter(|w| has_words(w));
        let edge = |out: &mut String, attrs: &mut String, from: Option<usize>| {
            attrs.clear();
            let bold = on_path(from, i);
            if condition.is_some() || bold {
                attrs.push_str(" [");
                if let Some(when) = &condition {
                    attrs.push_str("label=<only if ");
                    push_text(attrs, trim(when));
                    attrs.push('>');
                }
                if bold {
                    if condition.is_some() {
                        attrs.push_str(", ");
                    }
                    attrs.push_str("penwidth=2.5");
                }
                attrs.push(']');
            }
            out.push_str("  ");
            match from {
                None => push_start_node(out, name),
                Some(a) => push_step_node(out, name, &workflow.steps[a].name.text),
            }
            out.push_str(" -> ");
            push_step_node(out, name, &step.name.text);
            out.push_str(attrs);
            out.push_str(";\n");
        };
        if step.after.is_empty() {
            edge(out, &mut attrs, None);
        }
        for &a in &step.after {
            edge(out, &mut attrs, Some(a));
        }
    }
    // Rework: a dashed arrow back to the step done again, labelled with the
    // answer that sends the work back; not part of the order, so it does
    // not rank the steps.
    for &i in sequence(workflow).iter() {
        for (target, decision) in super::rework_targets(workflow, i) {
            out.push_str("  ");
            push_step_node(out, name, &workflow.steps[i].name.text);
            out.push_str(" -> ");
            push_step_node(out, name, &workflow.steps[target].name.text);
            out.push_str(" [label=<");
            let d = &workflow.decisions[decision];
            if d.step == i {
                out.push_str("if no: go back");
            } else {
                let mut text = String::from("if the answer to “");
                text.push_str(trim(&d.question.value));
                text.push_str("” was no: go back");
                push_text(out, &text);
            }
            out.push_str(
                ">, style=dashed, constraint=false, color=\"#b45f06\", fontcolor=\"#b45f06\"];\n",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quote_escapes_quotes_and_backslashes() {
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
