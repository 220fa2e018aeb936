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

use super::{
    printable_except, push_duration_words, root_processes, root_workflows, sequence, title,
};
use crate::model::{Model, ProcessId, RoleId, Workflow, WorkflowId};

/// Column at which long titles, outcomes, triggers and conditions are wrapped.
const WRAP: usize = 32;

/// The start of every graph: its default attributes.
const HEADER: &str = concat!(
    "digraph procflow {\n",
    "  graph [fontname=\"Helvetica\", fontsize=12, newrank=true, rankdir=TB, nodesep=0.3, ranksep=0.35, labeljust=l, labelloc=t];\n",
    "  node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#555555\"];\n",
    "  edge [fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];\n",
);

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
    // For a process: its cluster. For a workflow: its cluster, its order edges
    // and its `implements` edges.
    let parts: Vec<[String; 3]> = crate::parallel::map(&items, |item| match *item {
        Item::Process(p) => {
            let mut cluster = String::new();
            process_cluster(&mut cluster, model, &roles, p);
            [cluster, String::new(), String::new()]
        }
        Item::Workflow(w) => {
            let mut cluster = String::new();
            workflow_cluster(&mut cluster, model, &roles, w);
            let mut order = String::new();
            order_edges(&mut order, model, w);
            let mut implements = String::new();
            implements_edges(&mut implements, model, w, &processes);
            [cluster, order, implements]
        }
    });
    let len = HEADER.len() + 2 + parts.iter().flatten().map(String::len).sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str(HEADER);
    for k in 0..3 {
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

/// Each role's title, escaped and wrapped ([`push_text`]), computed once.
struct Roles(Vec<String>);

impl Roles {
    fn new(model: &Model) -> Self {
        Self(
            model
                .roles
                .iter()
                .map(|r| {
                    let mut s = String::new();
                    push_text(&mut s, &title(&r.name, r.title.as_ref()));
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

/// Which ASCII bytes [`push_html`] copies as they are.
const HTML_PLAIN: [bool; 128] = printable_except(b"&<>\"'\\{}|[]");

/// Appends user text for an HTML-like label: special characters as character
/// references, line breaks as `<br/>`, characters XML cannot hold (control
/// characters, U+FFFE, U+FFFF) as spaces.
fn push_html(out: &mut String, text: &str) {
    if text.bytes().all(|b| b < 0x80 && HTML_PLAIN[b as usize]) {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Graphviz expands `\G`, `\N`, … in HTML-like labels too, and
            // shows `\\` as one backslash.
            '\\' => out.push_str("&#92;&#92;"),
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '|' => out.push_str("&#124;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br/>");
                }
            }
            '\n' => out.push_str("<br/>"),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
fn html(text: &str) -> String {
    let mut s = String::new();
    push_html(&mut s, text);
    s
}

/// A piece of wrapped text.
enum Piece<'a> {
    /// A word (no space, tab or line break in it).
    Word(&'a str),
    /// The space between two words on a line.
    Space,
    /// A line break (written by the user or made by wrapping).
    Break,
}

/// Wraps text at spaces so that lines stay near [`WRAP`] characters (a word
/// longer than that keeps its own line); line breaks written by the user
/// (`\n`, `\r\n`, `\r`) are kept. Runs of spaces and tabs become one space.
/// The result goes to `emit` piece by piece.
fn wrap_pieces<'a>(text: &'a str, mut emit: impl FnMut(Piece<'a>)) {
    let mut rest = text;
    let mut first = true;
    loop {
        let (line, next) = match rest.find(['\r', '\n']) {
            Some(i) => {
                let bytes = rest.as_bytes();
                let skip = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                (&rest[..i], Some(&rest[i + skip..]))
            }
            None => (rest, None),
        };
        if !first {
            emit(Piece::Break);
        }
        first = false;
        let mut width = 0;
        for word in line.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let len = if word.is_ascii() {
                word.len()
            } else {
                word.chars().count()
            };
            if width > 0 && width + 1 + len > WRAP {
                emit(Piece::Break);
                width = 0;
            } else if width > 0 {
                emit(Piece::Space);
                width += 1;
            }
            emit(Piece::Word(word));
            width += len;
        }
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
}

#[cfg(test)]
fn wrap(text: &str) -> String {
    let mut s = String::new();
    wrap_pieces(text, |piece| match piece {
        Piece::Word(w) => s.push_str(w),
        Piece::Space => s.push(' '),
        Piece::Break => s.push('\n'),
    });
    s
}

/// Appends wrapped, escaped text.
fn push_text(out: &mut String, text: &str) {
    wrap_pieces(text, |piece| match piece {
        Piece::Word(w) => push_html(out, w),
        Piece::Space => out.push(' '),
        Piece::Break => out.push_str("<br/>"),
    });
}

/// Appends escaped text with each line in bold (Graphviz does not allow a
/// `<br/>` inside `<b>`).
fn push_bold(out: &mut String, text: &str) {
    out.push_str("<b>");
    wrap_pieces(text, |piece| match piece {
        Piece::Word(w) => push_html(out, w),
        Piece::Space => out.push(' '),
        Piece::Break => out.push_str("</b><br/><b>"),
    });
    out.push_str("</b>");
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

fn process_cluster(out: &mut String, model: &Model, roles: &Roles, p: ProcessId) {
    let process = &model.processes[p.0];
    let name = &process.name.text;
    out.push_str("  subgraph ");
    push_id(out, &["cluster_p:", name]);
    out.push_str(" {\n    label=<");
    push_bold(
        out,
        &format!("Process: {}", title(&process.name, process.title.as_ref())),
    );
    if let Some(outcome) = &process.outcome {
        out.push_str("<br/><font point-size=\"10\"><i>");
        push_text(out, &outcome.value);
        out.push_str("</i></font>");
    }
    if let Some(owner) = process.owner {
        out.push_str("<br/><font point-size=\"10\">owner: ");
        out.push_str(roles.text(owner));
        out.push_str("</font>");
    }
    out.push_str(">;\n");
    out.push_str("    style=\"rounded,filled\"; color=\"#999999\"; fillcolor=\"#f4f4f4\";\n");
    for step in &process.steps {
        out.push_str("    ");
        push_process_node(out, name, &step.name.text);
        out.push_str(" [label=<");
        push_bold(out, &title(&step.name, step.title.as_ref()));
        if step.optional {
            out.push_str(
                "<br/><font point-size=\"9\"><i>optional</i></font>>, shape=box, style=\"filled,dashed\", fillcolor=\"#e8e8e8\"];\n",
            );
        } else {
            out.push_str(">, shape=box, style=\"filled\", fillcolor=\"#e8e8e8\"];\n");
        }
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
    push_bold(
        out,
        &format!(
            "Workflow: {}",
            title(&workflow.name, workflow.title.as_ref())
        ),
    );
    if workflow.owner.is_some() || workflow.version.is_some() {
        out.push_str("<br/><font point-size=\"10\">");
        if let Some(owner) = workflow.owner {
            out.push_str("owner: ");
            out.push_str(roles.text(owner));
        }
        if let Some(version) = &workflow.version {
            if workflow.owner.is_some() {
                out.push_str(" · ");
            }
            out.push_str("version ");
            push_text(out, &version.value);
        }
        out.push_str("</font>");
    }
    out.push_str(">;\n");
    out.push_str("    style=\"rounded\"; color=\"#555555\";\n");

    // The start node: what triggers the workflow.
    out.push_str("    ");
    push_start_node(out, name);
    out.push_str(" [label=<<b>Start</b>");
    if let Some(trigger) = &workflow.trigger {
        out.push_str("<br/><font point-size=\"9\">");
        push_text(out, &trigger.value);
        out.push_str("</font>");
    }
    out.push_str(">, shape=oval, style=\"filled\", fillcolor=\"#fff4cc\"];\n");

    // Swimlanes: one per owner, in the order the owners first act.
    let order = sequence(workflow);
    let mut lanes: Vec<(Option<RoleId>, Vec<usize>)> = Vec::new();
    for &i in order.iter() {
        let owner = workflow.steps[i].owner;
        match lanes.iter_mut().find(|(o, _)| *o == owner) {
            Some((_, steps)) => steps.push(i),
            None => lanes.push((owner, vec![i])),
        }
    }
    let mut scratch = String::new();
    for (owner, steps) in &lanes {
        out.push_str("    subgraph ");
        let dashed = if let Some(role) = owner {
            let r = &model.roles[role.0];
            push_id(out, &["cluster_w:", name, ":role:", &r.name.text]);
            out.push_str(" {\n      label=<");
            push_bold(out, &title(&r.name, r.title.as_ref()));
            if r.who.is_some() || r.external {
                out.push_str("<br/><font point-size=\"9\">");
                if let Some(who) = &r.who {
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
            out.push_str(" {\n      label=<<b>No owner</b>");
            false
        };
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
            step_attrs(out, &mut scratch, model, roles, workflow, i);
            out.push_str(";\n");
        }
        out.push_str("    }\n");
    }
    out.push_str("  }\n");
}

/// Appends the attribute list of a workflow step's node; `scratch` is a
/// buffer to reuse.
fn step_attrs(
    out: &mut String,
    scratch: &mut String,
    model: &Model,
    roles: &Roles,
    workflow: &Workflow,
    i: usize,
) {
    let step = &workflow.steps[i];
    out.push_str("[label=<");
    push_bold(out, &title(&step.name, step.title.as_ref()));
    let timing = step.wait.is_some() || step.within.is_some();
    if step.owner.is_some() || !step.tools.is_empty() || timing || step.automated {
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
        if !step.tools.is_empty() {
            line(out);
            scratch.clear();
            for (k, t) in step.tools.iter().enumerate() {
                if k > 0 {
                    scratch.push_str(", ");
                }
                let tool = &model.tools[t.0];
                scratch.push_str(&title(&tool.name, tool.title.as_ref()));
            }
            out.push_str("tools: ");
            push_text(out, scratch);
        }
        if timing {
            line(out);
            if let Some(wait) = &step.wait {
                out.push_str("waits ");
                push_duration_words(out, wait);
            }
            if let Some(within) = &step.within {
                if step.wait.is_some() {
                    out.push_str(" · ");
                }
                out.push_str("within ");
                push_duration_words(out, within);
            }
        }
        if step.automated {
            line(out);
            out.push_str("<i>automated</i>");
        }
        out.push_str("</font>");
    }
    if step.automated {
        out.push_str(
            ">, shape=box, style=\"filled\", fillcolor=\"#dcebfb\", color=\"#3b6ea8\", peripheries=2]",
        );
    } else {
        out.push_str(">]");
    }
}

fn order_edges(out: &mut String, model: &Model, w: WorkflowId) {
    let workflow = &model.workflows[w.0];
    let name = &workflow.name.text;
    let mut attrs = String::new();
    for &i in sequence(workflow).iter() {
        let step = &workflow.steps[i];
        attrs.clear();
        if let Some(when) = &step.when {
            attrs.push_str(" [label=<if ");
            push_text(&mut attrs, &when.value);
            attrs.push_str(">]");
        }
        if step.after.is_empty() {
            out.push_str("  ");
            push_start_node(out, name);
            out.push_str(" -> ");
            push_step_node(out, name, &step.name.text);
            out.push_str(&attrs);
            out.push_str(";\n");
        }
        for &a in &step.after {
            out.push_str("  ");
            push_step_node(out, name, &workflow.steps[a].name.text);
            out.push_str(" -> ");
            push_step_node(out, name, &step.name.text);
            out.push_str(&attrs);
            out.push_str(";\n");
        }
    }
}

fn implements_edges(out: &mut String, model: &Model, w: WorkflowId, drawn: &[ProcessId]) {
    let workflow = &model.workflows[w.0];
    let Some(p) = workflow.process.filter(|p| drawn.contains(p)) else {
        return;
    };
    let process = &model.processes[p.0];
    for &i in sequence(workflow).iter() {
        let step = &workflow.steps[i];
        for &k in &step.implements {
            let Some(target) = process.steps.get(k) else {
                continue;
            };
            out.push_str("  ");
            push_step_node(out, &workflow.name.text, &step.name.text);
            out.push_str(" -> ");
            push_process_node(out, &process.name.text, &target.name.text);
            out.push_str(
                " [style=dashed, constraint=false, arrowhead=empty, color=\"#888888\"];\n",
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
