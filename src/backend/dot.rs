//! Graphviz DOT of a file's processes and workflows.
//!
//! Each process is a cluster holding its steps in order (one edge between
//! consecutive steps). Each workflow is a cluster holding a start node (its
//! trigger) and one swimlane cluster per owner role with the steps that role
//! owns. The order is drawn as edges from each `after` predecessor to the step
//! (from the start node to the first steps), labelled with the step's `when`
//! condition; a dashed edge that does not constrain the layout links each
//! workflow step to every process step it implements.
//!
//! Every label is a Graphviz HTML-like label, and every text written by a user
//! goes through [`html`], which turns the characters that mean something to
//! Graphviz (`< > & " { } | [ ]`) into character references, a backslash into
//! two (Graphviz reads `\N`, `\G`… as escapes even in HTML-like labels, and
//! shows `\\` as one backslash), line breaks into `<br/>`, and characters XML
//! cannot hold into spaces. Node and cluster ids
//! are quoted strings made of names, which are ASCII identifiers.

use std::fmt::Write as _;

use super::{duration_words, root_processes, root_workflows, step_title};
use crate::model::{Model, ProcessId, RoleId, Workflow, WorkflowId, display_title};

/// Column at which long titles, outcomes, triggers and conditions are wrapped.
const WRAP: usize = 32;

/// The DOT graph of the root file (its processes, with the processes its
/// workflows implement, and its workflows), or, with `only`, of one workflow
/// and its process.
#[must_use]
pub fn render(model: &Model, only: Option<WorkflowId>) -> String {
    let (processes, workflows): (Vec<ProcessId>, Vec<WorkflowId>) = match only {
        Some(w) => (model.workflows[w.0].process.into_iter().collect(), vec![w]),
        None => (root_processes(model), root_workflows(model)),
    };
    let mut out = String::new();
    out.push_str("digraph procflow {\n");
    out.push_str(
        "  graph [fontname=\"Helvetica\", fontsize=12, newrank=true, rankdir=TB, nodesep=0.3, ranksep=0.35, labeljust=l, labelloc=t];\n",
    );
    out.push_str(
        "  node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#555555\"];\n",
    );
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];\n");
    for &p in &processes {
        process_cluster(&mut out, model, p);
    }
    for &w in &workflows {
        workflow_cluster(&mut out, model, w);
    }
    for &w in &workflows {
        order_edges(&mut out, model, w);
    }
    for &w in &workflows {
        implements_edges(&mut out, model, w, &processes);
    }
    out.push_str("}\n");
    out
}

/// A DOT quoted string (ids): backslashes and quotes escaped.
fn quote(id: &str) -> String {
    let mut s = String::with_capacity(id.len() + 2);
    s.push('"');
    for c in id.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' | '\r' => s.push(' '),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// User text for an HTML-like label: special characters as character
/// references, line breaks as `<br/>`, characters XML cannot hold (control
/// characters, U+FFFE, U+FFFF) as spaces.
fn html(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            // Graphviz expands `\G`, `\N`, … in HTML-like labels too, and
            // shows `\\` as one backslash.
            '\\' => s.push_str("&#92;&#92;"),
            '{' => s.push_str("&#123;"),
            '}' => s.push_str("&#125;"),
            '|' => s.push_str("&#124;"),
            '[' => s.push_str("&#91;"),
            ']' => s.push_str("&#93;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    s.push_str("<br/>");
                }
            }
            '\n' => s.push_str("<br/>"),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => s.push(' '),
            c => s.push(c),
        }
    }
    s
}

/// Wraps text at spaces so that lines stay near [`WRAP`] characters (a word
/// longer than that keeps its own line); line breaks written by the user are
/// kept. Runs of spaces and tabs become one space.
fn wrap(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut width = 0;
        for word in line.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let len = word.chars().count();
            if width > 0 && width + 1 + len > WRAP {
                out.push('\n');
                width = 0;
            } else if width > 0 {
                out.push(' ');
                width += 1;
            }
            out.push_str(word);
            width += len;
        }
    }
    out
}

/// Wrapped, escaped text.
fn text(s: &str) -> String {
    html(&wrap(s))
}

/// Escaped text with each line in bold (Graphviz does not allow a `<br/>`
/// inside `<b>`).
fn bold(s: &str) -> String {
    wrap(s)
        .split('\n')
        .map(|line| format!("<b>{}</b>", html(line)))
        .collect::<Vec<_>>()
        .join("<br/>")
}

fn process_node(p: &str, step: &str) -> String {
    quote(&format!("p:{p}:{step}"))
}

fn step_node(w: &str, step: &str) -> String {
    quote(&format!("w:{w}:{step}"))
}

fn start_node(w: &str) -> String {
    quote(&format!("start:{w}"))
}

/// The steps of a workflow in executable order (source order if the order is
/// not known, which only happens for models with errors).
fn sequence(workflow: &Workflow) -> Vec<usize> {
    if workflow.order.sequence.len() == workflow.steps.len() {
        workflow.order.sequence.clone()
    } else {
        (0..workflow.steps.len()).collect()
    }
}

fn role_title(model: &Model, role: RoleId) -> String {
    let r = &model.roles[role.0];
    display_title(&r.name, r.title.as_ref())
}

fn process_cluster(out: &mut String, model: &Model, p: ProcessId) {
    let process = &model.processes[p.0];
    let name = &process.name.text;
    let _ = writeln!(out, "  subgraph {} {{", quote(&format!("cluster_p:{name}")));
    let mut label = format!(
        "Process: {}",
        display_title(&process.name, process.title.as_ref())
    );
    label = bold(&label);
    if let Some(outcome) = &process.outcome {
        let _ = write!(
            label,
            "<br/><font point-size=\"10\"><i>{}</i></font>",
            text(&outcome.value)
        );
    }
    if let Some(owner) = process.owner {
        let _ = write!(
            label,
            "<br/><font point-size=\"10\">owner: {}</font>",
            text(&role_title(model, owner))
        );
    }
    let _ = writeln!(out, "    label=<{label}>;");
    out.push_str("    style=\"rounded,filled\"; color=\"#999999\"; fillcolor=\"#f4f4f4\";\n");
    for step in &process.steps {
        let mut label = bold(&display_title(&step.name, step.title.as_ref()));
        let style = if step.optional {
            label.push_str("<br/><font point-size=\"9\"><i>optional</i></font>");
            "filled,dashed"
        } else {
            "filled"
        };
        let _ = writeln!(
            out,
            "    {} [label=<{label}>, shape=box, style=\"{style}\", fillcolor=\"#e8e8e8\"];",
            process_node(name, &step.name.text)
        );
    }
    for pair in process.steps.windows(2) {
        let _ = writeln!(
            out,
            "    {} -> {} [color=\"#999999\"];",
            process_node(name, &pair[0].name.text),
            process_node(name, &pair[1].name.text)
        );
    }
    out.push_str("  }\n");
}

fn workflow_cluster(out: &mut String, model: &Model, w: WorkflowId) {
    let workflow = &model.workflows[w.0];
    let name = &workflow.name.text;
    let _ = writeln!(out, "  subgraph {} {{", quote(&format!("cluster_w:{name}")));
    let mut label = bold(&format!(
        "Workflow: {}",
        display_title(&workflow.name, workflow.title.as_ref())
    ));
    let mut meta = Vec::new();
    if let Some(owner) = workflow.owner {
        meta.push(format!("owner: {}", text(&role_title(model, owner))));
    }
    if let Some(version) = &workflow.version {
        meta.push(format!("version {}", text(&version.value)));
    }
    if !meta.is_empty() {
        let _ = write!(
            label,
            "<br/><font point-size=\"10\">{}</font>",
            meta.join(" · ")
        );
    }
    let _ = writeln!(out, "    label=<{label}>;");
    out.push_str("    style=\"rounded\"; color=\"#555555\";\n");

    // The start node: what triggers the workflow.
    let mut start = String::from("<b>Start</b>");
    if let Some(trigger) = &workflow.trigger {
        let _ = write!(
            start,
            "<br/><font point-size=\"9\">{}</font>",
            text(&trigger.value)
        );
    }
    let _ = writeln!(
        out,
        "    {} [label=<{start}>, shape=oval, style=\"filled\", fillcolor=\"#fff4cc\"];",
        start_node(name)
    );

    // Swimlanes: one per owner, in the order the owners first act.
    let order = sequence(workflow);
    let mut lanes: Vec<(Option<RoleId>, Vec<usize>)> = Vec::new();
    for &i in &order {
        let owner = workflow.steps[i].owner;
        match lanes.iter_mut().find(|(o, _)| *o == owner) {
            Some((_, steps)) => steps.push(i),
            None => lanes.push((owner, vec![i])),
        }
    }
    for (owner, steps) in &lanes {
        let (lane_id, lane_label, dashed) = match owner {
            Some(role) => {
                let r = &model.roles[role.0];
                let mut label = bold(&role_title(model, *role));
                let mut meta = Vec::new();
                if let Some(who) = &r.who {
                    meta.push(text(&who.value));
                }
                if r.external {
                    meta.push("external".to_owned());
                }
                if !meta.is_empty() {
                    let _ = write!(
                        label,
                        "<br/><font point-size=\"9\">{}</font>",
                        meta.join(" · ")
                    );
                }
                (r.name.text.as_str(), label, r.external)
            }
            None => ("", "<b>No owner</b>".to_owned(), false),
        };
        let _ = writeln!(
            out,
            "    subgraph {} {{",
            quote(&format!("cluster_w:{name}:role:{lane_id}"))
        );
        let _ = writeln!(out, "      label=<{lane_label}>;");
        let style = if dashed { "rounded,dashed" } else { "rounded" };
        let _ = writeln!(out, "      style=\"{style}\"; color=\"#aaaaaa\";");
        for &i in steps {
            let _ = writeln!(
                out,
                "      {} {};",
                step_node(name, &workflow.steps[i].name.text),
                step_attrs(model, workflow, i)
            );
        }
        out.push_str("    }\n");
    }
    out.push_str("  }\n");
}

/// The attribute list of a workflow step's node.
fn step_attrs(model: &Model, workflow: &Workflow, i: usize) -> String {
    let step = &workflow.steps[i];
    let mut lines = Vec::new();
    if let Some(owner) = step.owner {
        lines.push(format!("owner: {}", text(&role_title(model, owner))));
    }
    if !step.tools.is_empty() {
        let tools: Vec<String> = step
            .tools
            .iter()
            .map(|t| {
                let tool = &model.tools[t.0];
                display_title(&tool.name, tool.title.as_ref())
            })
            .collect();
        lines.push(format!("tools: {}", text(&tools.join(", "))));
    }
    let mut timing = Vec::new();
    if let Some(wait) = &step.wait {
        timing.push(format!("waits {}", duration_words(wait)));
    }
    if let Some(within) = &step.within {
        timing.push(format!("within {}", duration_words(within)));
    }
    if !timing.is_empty() {
        lines.push(timing.join(" · "));
    }
    if step.automated {
        lines.push("<i>automated</i>".to_owned());
    }
    let mut label = bold(&step_title(workflow, i));
    if !lines.is_empty() {
        let _ = write!(
            label,
            "<br/><font point-size=\"9\">{}</font>",
            lines.join("<br/>")
        );
    }
    if step.automated {
        format!(
            "[label=<{label}>, shape=box, style=\"filled\", fillcolor=\"#dcebfb\", color=\"#3b6ea8\", peripheries=2]"
        )
    } else {
        format!("[label=<{label}>]")
    }
}

fn order_edges(out: &mut String, model: &Model, w: WorkflowId) {
    let workflow = &model.workflows[w.0];
    let name = &workflow.name.text;
    for i in sequence(workflow) {
        let step = &workflow.steps[i];
        let attrs = step.when.as_ref().map_or_else(String::new, |when| {
            format!(" [label=<if {}>]", text(&when.value))
        });
        let to = step_node(name, &step.name.text);
        if step.after.is_empty() {
            let _ = writeln!(out, "  {} -> {to}{attrs};", start_node(name));
        }
        for &a in &step.after {
            let _ = writeln!(
                out,
                "  {} -> {to}{attrs};",
                step_node(name, &workflow.steps[a].name.text)
            );
        }
    }
}

fn implements_edges(out: &mut String, model: &Model, w: WorkflowId, drawn: &[ProcessId]) {
    let workflow = &model.workflows[w.0];
    let Some(p) = workflow.process.filter(|p| drawn.contains(p)) else {
        return;
    };
    let process = &model.processes[p.0];
    for i in sequence(workflow) {
        let step = &workflow.steps[i];
        for &k in &step.implements {
            let Some(target) = process.steps.get(k) else {
                continue;
            };
            let _ = writeln!(
                out,
                "  {} -> {} [style=dashed, constraint=false, arrowhead=empty, color=\"#888888\"];",
                step_node(&workflow.name.text, &step.name.text),
                process_node(&process.name.text, &target.name.text)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{html, quote, wrap};

    #[test]
    fn html_escapes_every_special_character() {
        assert_eq!(
            html("a\" -> b [x=<y>] {z} | \\ & '"),
            "a&quot; -&gt; b &#91;x=&lt;y&gt;&#93; &#123;z&#125; &#124; &#92;&#92; &amp; &#39;"
        );
        assert_eq!(html("a\nb\r\nc\rd"), "a<br/>b<br/>c<br/>d");
        assert_eq!(html("a\u{0}b\u{7}c\u{FFFF}"), "a b c ");
        assert_eq!(html("émoji 🎉"), "émoji 🎉");
    }

    #[test]
    fn quote_escapes_quotes_and_backslashes() {
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_line_breaks() {
        assert_eq!(wrap("short"), "short");
        assert_eq!(
            wrap("Welcome email with a kickoff booking link goes out"),
            "Welcome email with a kickoff\nbooking link goes out"
        );
        assert_eq!(wrap("a\nb  c"), "a\nb c");
        assert_eq!(wrap("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(wrap(&"x".repeat(40)), "x".repeat(40));
    }
}
