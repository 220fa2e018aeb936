//! The Markdown SOP (standard operating procedure) of one workflow: the
//! document that the person doing the work follows and a new hire learns from.
//!
//! Why one file of over 4,000 lines: most of it is a hand-written Markdown
//! wrapper and escaper that issue 13 replaces with comrak; splitting it first
//! would move code that is about to be deleted. The rebuild splits what remains
//! into `backend/sop/`, no file over ~800 lines.
//!
//! Sections, in order: the title and a metadata table, purpose, scope, roles
//! and responsibilities, tools, the numbered procedure (one `###` section per
//! step, in executable order), a traceability table from every process step to
//! the steps that carry it out, and a Mermaid flowchart. Language v2 shows
//! as: the lead time against the target and `every` in the metadata table,
//! inputs and the critical path in the scope, `with` and `escalate` roles in
//! the roles, the v2 skip rule in the procedure's introduction, and per step
//! its helpers, `takes`, either/or joins, conditions in words, escalation,
//! questions (`decides`) and rework loops.
//!
//! # Markdown rules this output keeps
//!
//! Every document passes `markdownlint-cli2` with its default rules (a test
//! runs the real tool). In particular:
//!
//! - **Single-line text** (titles, who, trigger, condition, version...) goes
//!   through `escape_inline()`: whitespace runs become one space, and every
//!   character Markdown could read as syntax is escaped, so a title can never
//!   start a list, close a heading, split a table cell or inject HTML.
//! - **Line length 80** (MD013, which also applies to headings and tables by
//!   default): generated prose and lists are wrapped at 80 columns (counted in
//!   UTF-16 units, as markdownlint does). A table any of whose rows would be
//!   longer is written as a list instead; a heading that would be longer is cut
//!   at a word with `…` and its full text follows as a paragraph. Headings drop
//!   trailing `. , ; : !` (MD026).
//! - **Descriptions** are Markdown and are passed through, normalised by
//!   `markdown()`: headings demoted below the section they stand in (no level
//!   skipped, duplicates made unique), long paragraph and list lines wrapped,
//!   blank lines around blocks, `-` bullets and 2-space nesting, fences with a
//!   language and closed, indented code fenced, setext headings and other
//!   thematic breaks in one style, raw HTML escaped, bare URLs and e-mail
//!   addresses in `<…>`. What cannot be changed without changing what the
//!   author wrote is kept: code and table lines longer than 80 columns,
//!   link texts like "here", links to missing anchors.
//! - **The flowchart** is [`super::mermaid::render`]'s chart with long lines
//!   broken inside quoted labels and long `class` statements split (both read
//!   the same to Mermaid; a test checks that with Mermaid's parser).
//! - **Lists stay apart**: two lists of the same kind with only a blank line
//!   between them would be one list, so an empty comment `<!-- -->` separates
//!   them; the box to tick closes the list of a step's facts when nothing
//!   stands between them.
//!
//! User-facing documentation: `docs/outputs/sop.md`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::{push_duration_words, push_number};
use crate::ast::{Ident, StrLit};
use crate::model::{Model, Process, RoleId, ToolId, Workflow, WorkflowId, display_title};

/// Options of the SOP backend.
#[derive(Debug, Clone, Copy)]
pub struct SopOptions {
    /// Embed a Mermaid flowchart of the workflow.
    pub mermaid: bool,
}

impl Default for SopOptions {
    fn default() -> Self {
        SopOptions { mermaid: true }
    }
}

/// markdownlint's default line length (MD013).
const WIDTH: usize = 80;

/// The fixed section headings (reserved, so that no heading from a description
/// can take their text: MD024 forbids duplicate headings).
const SECTIONS: [&str; 7] = [
    "Purpose",
    "Scope",
    "Roles and responsibilities",
    "Tools",
    "Procedure",
    "Traceability",
    "Flowchart",
];

/// The SOP of workflow `w`. The model must be free of errors (every step has
/// an owner; the workflow's process resolved; no cycle).
#[must_use]
pub fn render(model: &Model, w: WorkflowId, options: SopOptions) -> String {
    Sop::new(model, w).render(options)
}

// ---------------------------------------------------------------------------
// The document.

/// What the SOP of one workflow needs, computed once.
struct Sop<'a> {
    model: &'a Model,
    id: WorkflowId,
    workflow: &'a Workflow,
    process: Option<&'a Process>,
    /// Step indices in procedure order.
    order: Vec<usize>,
    /// The procedure number (from 1) of each step, by step index.
    number: Vec<usize>,
    /// The steps that wait for each step (by step index).
    successors: Vec<Vec<usize>>,
    /// The escaped title of each step (by step index).
    titles: Vec<Cow<'a, str>>,
    /// The escaped title of each step of the process.
    process_titles: Vec<String>,
    /// The workflow's trigger, escaped, when it says something.
    trigger: Option<String>,
    /// The headings of the steps (see [`Sop::step_heading`]), one after the
    /// other, and where each ends (by step index).
    headings: String,
    heading_ends: Vec<usize>,
    /// The labels of the roles named so far (see [`Sop::role_label`]).
    role_labels: RefCell<FxMap<usize, String>>,
    /// The links of the tools named so far (see [`Sop::push_tool_link`]).
    tool_links: RefCell<FxMap<usize, String>>,
}

impl<'a> Sop<'a> {
    fn new(model: &'a Model, w: WorkflowId) -> Self {
        let workflow = &model.workflows[w.0];
        let n = workflow.steps.len();
        let order = super::sequence(workflow).into_owned();
        let number = super::step_numbers(workflow);
        let mut successors = vec![Vec::new(); n];
        for &i in &order {
            for &a in &workflow.steps[i].after {
                successors[a].push(i);
            }
        }
        let mut titles = Vec::with_capacity(n);
        let mut headings = String::with_capacity(48 * n);
        let mut heading_ends = Vec::with_capacity(n);
        for (i, &k) in number.iter().enumerate() {
            let s = &workflow.steps[i];
            let title = super::title(&s.name, s.title.as_ref());
            // A plain title is its own escaped text, and its heading text
            // is itself without the trailing punctuation.
            let plain = is_plain_inline(&title);
            let heading: Cow<'_, str> = if plain {
                Cow::Borrowed(trim_heading_punctuation(&title))
            } else {
                Cow::Owned(heading_text(&title))
            };
            if heading.is_empty() {
                headings.push_str("Step ");
                push_number(&mut headings, k);
            } else {
                push_number(&mut headings, k);
                headings.push_str(". ");
                headings.push_str(&heading);
            }
            heading_ends.push(headings.len());
            titles.push(if plain {
                title
            } else {
                Cow::Owned(escape_inline(&title))
            });
        }
        let process = workflow.process.map(|p| &model.processes[p.0]);
        let process_titles = process.map_or_else(Vec::new, |p| {
            p.steps
                .iter()
                .map(|s| escape_inline(&display_title(&s.name, s.title.as_ref())))
                .collect()
        });
        let trigger = workflow
            .trigger
            .as_ref()
            .map(|t| escape_inline(&t.value))
            .filter(|t| !t.is_empty());
        Sop {
            model,
            id: w,
            workflow,
            process,
            process_titles,
            trigger,
            order,
            number,
            successors,
            titles,
            headings,
            heading_ends,
            role_labels: RefCell::default(),
            tool_links: RefCell::default(),
        }
    }

    fn render(&self, options: SopOptions) -> String {
        let mut doc = Doc {
            out: String::with_capacity(4096 + 768 * self.order.len()),
            ..Doc::default()
        };
        doc.steps
            .extend(self.order.iter().map(|&i| self.step_heading(i)));
        self.title(&mut doc);
        self.purpose(&mut doc);
        self.scope(&mut doc);
        self.roles(&mut doc);
        self.tools(&mut doc);
        self.procedure(&mut doc);
        self.traceability(&mut doc);
        if options.mermaid {
            doc.heading(2, "Flowchart", None);
            doc.paragraph(
                "The same procedure as a chart: who does what (one lane per role), in \
                 which order, under which conditions.",
            );
            let chart = super::mermaid::render(self.model, self.id);
            doc.chart(chart.trim_end_matches('\n'));
        }
        doc.finish()
    }

    // -- helpers ------------------------------------------------------------

    fn role_title(&self, r: RoleId) -> String {
        let role = &self.model.roles[r.0];
        display_title(&role.name, role.title.as_ref())
    }

    /// "Operations (Maria Lopez)", "Client (outside the team)", escaped.
    fn role_label(&self, r: RoleId) -> String {
        self.role_labels
            .borrow_mut()
            .entry(r.0)
            .or_insert_with(|| self.make_role_label(r))
            .clone()
    }

    /// [`Sop::role_label`], appended to `out`.
    fn push_role_label(&self, out: &mut String, r: RoleId) {
        out.push_str(
            self.role_labels
                .borrow_mut()
                .entry(r.0)
                .or_insert_with(|| self.make_role_label(r)),
        );
    }

    /// The tool's title, linked to its `url` when it has one, appended to
    /// `out`.
    fn push_tool_link(&self, out: &mut String, t: ToolId) {
        out.push_str(
            self.tool_links
                .borrow_mut()
                .entry(t.0)
                .or_insert_with(|| self.make_tool_link(t)),
        );
    }

    /// [`Sop::steps_with_titles`], appended to `out` (`numbers` is scratch
    /// space).
    fn push_steps_with_titles(&self, out: &mut String, steps: &[usize], numbers: &mut Vec<usize>) {
        numbers.clear();
        numbers.extend_from_slice(steps);
        numbers.sort_by_key(|&i| self.number[i]);
        out.push_str(plural(numbers.len(), "step", "steps"));
        out.push(' ');
        and_join(out, numbers.len(), |out, k| {
            let i = numbers[k];
            push_number(out, self.number[i]);
            out.push_str(" (");
            out.push_str(self.title_of(i));
            out.push(')');
        });
    }

    fn make_role_label(&self, r: RoleId) -> String {
        let role = &self.model.roles[r.0];
        let mut s = escape_inline(&self.role_title(r));
        let mut notes = Vec::new();
        if let Some(who) = &role.who {
            notes.push(escape_inline(&who.value));
        }
        if role.external {
            notes.push("outside the team".to_owned());
        }
        if !notes.is_empty() {
            s.push_str(&format!(" ({})", notes.join(", ")));
        }
        s
    }

    fn tool_title(&self, t: ToolId) -> String {
        let tool = &self.model.tools[t.0];
        display_title(&tool.name, tool.title.as_ref())
    }

    fn make_tool_link(&self, t: ToolId) -> String {
        let tool = &self.model.tools[t.0];
        link(
            &self.tool_title(t),
            tool.url.as_ref().map(|u| u.value.as_str()),
        )
    }

    /// The step's title, escaped.
    fn title_of(&self, step: usize) -> &str {
        &self.titles[step]
    }

    /// "3. Write the first draft" (escaped), as the step's heading says it.
    fn step_heading(&self, step: usize) -> &str {
        let start = step.checked_sub(1).map_or(0, |p| self.heading_ends[p]);
        &self.headings[start..self.heading_ends[step]]
    }

    /// "step 2 (Draft the outline)", "steps 5 (Kickoff call) and 6 (…)".
    fn steps_with_titles(&self, steps: &[usize]) -> String {
        let mut sorted: Vec<usize> = steps.to_vec();
        sorted.sort_by_key(|&i| self.number[i]);
        let parts: Vec<String> = sorted
            .iter()
            .map(|&i| format!("{} ({})", self.number[i], self.title_of(i)))
            .collect();
        format!(
            "{} {}",
            plural(parts.len(), "step", "steps"),
            and_list(&parts)
        )
    }

    /// The roles the SOP names, in the order a reader meets them: the
    /// workflow's owner, the process's owner, then the steps' owners in
    /// procedure order.
    fn roles_used(&self) -> Vec<RoleId> {
        let owners = [self.workflow.owner, self.process.and_then(|p| p.owner)];
        let steps = self.order.iter().map(|&i| self.workflow.steps[i].owner);
        // Then the roles that take part (`with`) or are told of a late step
        // (`escalate`), in procedure order.
        let others = self.order.iter().flat_map(|&i| {
            let s = &self.workflow.steps[i];
            s.with.iter().copied().map(Some).chain([s.escalate])
        });
        let mut roles: Vec<RoleId> = Vec::new();
        for r in owners.into_iter().chain(steps).chain(others).flatten() {
            if !roles.contains(&r) {
                roles.push(r);
            }
        }
        roles
    }

    /// The tools the steps use, in the order of first use in the procedure.
    fn tools_used(&self) -> Vec<ToolId> {
        let mut tools: Vec<ToolId> = Vec::new();
        for &i in &self.order {
            for &t in &self.workflow.steps[i].tools {
                if !tools.contains(&t) {
                    tools.push(t);
                }
            }
        }
        tools
    }

    /// For each process step, the workflow steps that implement it, in
    /// procedure order.
    fn implementers(&self) -> Vec<Vec<usize>> {
        let count = self.process.map_or(0, |p| p.steps.len());
        let mut by_step = vec![Vec::new(); count];
        for &i in &self.order {
            for &k in &self.workflow.steps[i].implements {
                if let Some(v) = by_step.get_mut(k) {
                    v.push(i);
                }
            }
        }
        by_step
    }

    /// The escaped title of process step `k`.
    fn process_title(&self, k: usize) -> &str {
        self.process_titles.get(k).map_or("", String::as_str)
    }

    fn process_step_title(&self, k: usize) -> String {
        self.process.map_or_else(String::new, |p| {
            let s = &p.steps[k];
            display_title(&s.name, s.title.as_ref())
        })
    }

    /// Every ancestor of each step (the steps it waits for, directly or not),
    /// as bit sets by step index.
    fn ancestors(&self) -> BitRows {
        let n = self.workflow.steps.len();
        let mut anc = BitRows::new(n, n);
        for &i in &self.order {
            for &a in &self.workflow.steps[i].after {
                anc.insert(i, a);
                anc.union(i, a);
            }
        }
        anc
    }

    // -- sections -------------------------------------------------------------

    fn title(&self, doc: &mut Doc) {
        let w = self.workflow;
        let title = display_title(&w.name, w.title.as_ref());
        let fallback = display_title(&w.name, None);
        let text = if heading_text(&title).is_empty() {
            fallback
        } else {
            title
        };
        doc.heading(1, &heading_text(&text), Some("procedure"));
        doc.paragraph(&format!(
            "Standard operating procedure for the workflow `{}`. It is generated from \
             the workflow's `.flow` file: change the file, not this document.",
            w.name.text
        ));
        let process = self.process.map_or_else(
            || "—".to_owned(),
            |p| {
                format!(
                    "{} (`{}`)",
                    escape_inline(&display_title(&p.name, p.title.as_ref())),
                    p.name.text
                )
            },
        );
        let owner = w
            .owner
            .map_or_else(|| "—".to_owned(), |o| self.role_label(o));
        let text_or_dash = |s: Option<&StrLit>| {
            s.map(|s| escape_inline(&s.value))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "—".to_owned())
        };
        let mut rows = vec![
            vec!["Workflow".to_owned(), format!("`{}`", w.name.text)],
            vec!["Process".to_owned(), process],
            vec!["Owner".to_owned(), owner],
            vec!["Trigger".to_owned(), text_or_dash(w.trigger.as_ref())],
            vec!["Version".to_owned(), text_or_dash(w.version.as_ref())],
        ];
        // Time, when the workflow says anything about it.
        if let Some(every) = &w.every {
            let mut runs = String::from("every ");
            push_duration_words(&mut runs, every);
            rows.push(vec!["Runs".to_owned(), runs]);
        }
        if let Some(lead) = super::lead_time_words(w).filter(|_| super::says_time(w)) {
            rows.push(vec!["Lead time".to_owned(), lead]);
        }
        doc.table(&["Field", "Value"], &rows);
        if let Some(d) = &w.description {
            doc.markdown(&d.value, 1, "procedure");
        }
    }

    fn purpose(&self, doc: &mut Doc) {
        doc.heading(2, "Purpose", None);
        let Some(p) = self.process else {
            doc.paragraph("The process this workflow implements is not known.");
            return;
        };
        let title = escape_inline(&display_title(&p.name, p.title.as_ref()));
        match p
            .outcome
            .as_ref()
            .map(|o| escape_inline(&o.value))
            .filter(|o| !o.is_empty())
        {
            Some(outcome) => doc.paragraph(&format!(
                "This procedure carries out the process {title}. Its outcome: {}",
                sentence(&outcome)
            )),
            None => doc.paragraph(&format!(
                "This procedure carries out the process {title}. The process does not \
                 state its outcome."
            )),
        }
        if let Some(d) = &p.description {
            doc.markdown(&d.value, 2, "purpose");
        }
    }

    fn scope(&self, doc: &mut Doc) {
        doc.heading(2, "Scope", None);
        let w = self.workflow;
        if self.order.is_empty() {
            doc.paragraph("The workflow has no steps.");
            return;
        }
        let firsts: Vec<usize> = self
            .order
            .iter()
            .copied()
            .filter(|&i| w.steps[i].after.is_empty())
            .collect();
        let lasts: Vec<usize> = self
            .order
            .iter()
            .copied()
            .filter(|&i| self.successors[i].is_empty())
            .collect();
        let trigger = w
            .trigger
            .as_ref()
            .map(|t| escape_inline(&t.value))
            .filter(|t| !t.is_empty());
        let start = match trigger {
            Some(t) => format!("on its trigger, “{t}”,"),
            None => "when the workflow is started".to_owned(),
        };
        let mut text = format!(
            "The procedure starts {start} with {} and ends with {}. It has {} {}",
            self.steps_with_titles(&firsts),
            self.steps_with_titles(&lasts),
            self.order.len(),
            plural(self.order.len(), "step", "steps"),
        );
        let automated = self.order.iter().filter(|&&i| w.steps[i].automated).count();
        if automated == 0 {
            text.push_str(", all of them done by people.");
        } else {
            text.push_str(&format!(
                ", {automated} of them automated (done by a system)."
            ));
        }
        if !w.inputs.is_empty() {
            text.push_str(" You start with: ");
            and_join(&mut text, w.inputs.len(), |t, k| {
                t.push('`');
                t.push_str(&w.inputs[k].text);
                t.push('`');
            });
            text.push_str(" (they come from outside the workflow).");
        }
        if super::says_time(w) {
            if let Some(lead) = crate::model::time::lead_time(w) {
                if !lead.critical_path.is_empty() {
                    text.push_str(" Lead time: ");
                    text.push_str(&super::lead_time_words(w).unwrap_or_default());
                    text.push_str(", along ");
                    let mut numbers: Vec<usize> =
                        lead.critical_path.iter().map(|&i| self.number[i]).collect();
                    push_steps_numbers(&mut text, &mut numbers);
                    text.push_str(" (the critical path: the steps that set it).");
                    if lead.lower_bound {
                        text.push_str(
                            " It is a lower bound: some steps do not say how long they \
                             take.",
                        );
                    }
                }
            }
        }
        doc.paragraph(&text);

        let Some(p) = self.process else {
            return;
        };
        let implementers = self.implementers();
        let title = escape_inline(&display_title(&p.name, p.title.as_ref()));
        let covered: Vec<String> = (0..p.steps.len())
            .filter(|&k| !implementers[k].is_empty())
            .map(|k| escape_inline(&self.process_step_title(k)))
            .collect();
        let left_out = |optional: bool| -> Vec<String> {
            (0..p.steps.len())
                .filter(|&k| implementers[k].is_empty() && p.steps[k].optional == optional)
                .map(|k| escape_inline(&self.process_step_title(k)))
                .collect()
        };
        let mut text = format!("It implements the process {title} (`{}`)", p.name.text);
        if covered.is_empty() {
            text.push_str(" but performs none of its steps.");
        } else {
            text.push_str(&format!(
                " and performs its {} {}.",
                plural(covered.len(), "step", "steps"),
                and_list(&covered)
            ));
        }
        let optional = left_out(true);
        if !optional.is_empty() {
            text.push_str(&format!(
                " It leaves out the optional {} {}.",
                plural(optional.len(), "step", "steps"),
                and_list(&optional)
            ));
        }
        let required = left_out(false);
        if !required.is_empty() {
            text.push_str(&format!(
                " It does not perform the required {} {}.",
                plural(required.len(), "step", "steps"),
                and_list(&required)
            ));
        }
        doc.paragraph(&text);
    }

    fn roles(&self, doc: &mut Doc) {
        doc.heading(2, "Roles and responsibilities", None);
        let roles = self.roles_used();
        if roles.is_empty() {
            doc.paragraph("No role is named.");
            return;
        }
        let pos = doc.begin();
        let mut scratch = String::new();
        for (k, r) in roles.into_iter().enumerate() {
            let role = &self.model.roles[r.0];
            let mut text = sentence(&self.role_label(r));
            if let Some(d) = role.description.as_ref().map(|d| escape_inline(&d.value)) {
                if !d.is_empty() {
                    text.push(' ');
                    text.push_str(&sentence(&d));
                }
            }
            let mut owns = Vec::new();
            if self.process.and_then(|p| p.owner) == Some(r) {
                owns.push("the process");
            }
            if self.workflow.owner == Some(r) {
                owns.push("this workflow");
            }
            let owned = |i: &usize| self.workflow.steps[*i].owner == Some(r);
            if !owns.is_empty() {
                text.push_str(&format!(" Owns {}.", and_list(&owns)));
            }
            let mut numbers: Vec<usize> = self
                .order
                .iter()
                .filter(|&&i| self.workflow.steps[i].with.contains(&r))
                .map(|&i| self.number[i])
                .collect();
            if !numbers.is_empty() {
                text.push_str(" Takes part in ");
                push_steps_numbers(&mut text, &mut numbers);
                text.push('.');
            }
            numbers.clear();
            numbers.extend(
                self.order
                    .iter()
                    .filter(|&&i| self.workflow.steps[i].escalate == Some(r))
                    .map(|&i| self.number[i]),
            );
            if !numbers.is_empty() {
                text.push_str(" Is told when ");
                push_steps_numbers(&mut text, &mut numbers);
                text.push_str(if numbers.len() == 1 {
                    " is late, and decides what happens."
                } else {
                    " are late, and decides what happens."
                });
            }
            if self.order.iter().any(owned) {
                text.push_str(if role.external {
                    " Does these steps (wait for them):"
                } else {
                    " Does these steps:"
                });
            }
            if k > 0 {
                doc.out.push('\n');
            }
            wrap_into(&mut doc.out, &text, "- ", "  ", WIDTH);
            let mut steps = Items::new(&doc.out, "  - ", "    ");
            steps.first_item = false;
            for &i in self.order.iter().filter(|i| owned(i)) {
                let f = steps.start(&mut doc.out);
                f.push_str("Step ");
                push_number(f, self.number[i]);
                f.push_str(": ");
                f.push_str(self.title_of(i));
                steps.end(&mut doc.out, &mut scratch);
            }
        }
        doc.end(pos);
    }

    fn tools(&self, doc: &mut Doc) {
        doc.heading(2, "Tools", None);
        let tools = self.tools_used();
        if tools.is_empty() {
            doc.paragraph("No tool is named.");
            return;
        }
        // The steps using each tool, in procedure order (one pass).
        let mut using: FxMap<usize, Vec<usize>> = FxMap::default();
        using.reserve(tools.len());
        for &i in &self.order {
            for &t in &self.workflow.steps[i].tools {
                let v = using.entry(t.0).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
        }
        // "Link. Description. Used in steps 1 and 4.", an item each.
        let pos = doc.begin();
        let mut items = Items::new(&doc.out, "- ", "  ");
        let mut numbers = Vec::new();
        let mut scratch = String::new();
        for t in tools {
            let tool = &self.model.tools[t.0];
            let f = items.start(&mut doc.out);
            self.push_tool_link(f, t);
            push_full_stop(f);
            if let Some(d) = &tool.description {
                f.push(' ');
                let start = f.len();
                escape_inline_into(f, &d.value);
                if f.len() == start {
                    f.pop();
                } else {
                    push_full_stop(f);
                }
            }
            let steps = using.get(&t.0).map_or(&[][..], Vec::as_slice);
            f.push_str(" Used in ");
            numbers.clear();
            numbers.extend(steps.iter().map(|&i| self.number[i]));
            push_steps_numbers(f, &mut numbers);
            f.push('.');
            items.end(&mut doc.out, &mut scratch);
        }
        doc.end(pos);
    }

    fn procedure(&self, doc: &mut Doc) {
        doc.heading(2, "Procedure", None);
        let w = self.workflow;
        if self.order.is_empty() {
            doc.paragraph("The workflow has no steps.");
            return;
        }
        let mut intro = String::from(
            "Do the steps in the order numbered. A step is ready when the steps it \
             starts after are done; its deadline counts from that moment. Steps that \
             do not wait for each other can be done at the same time. Tick the box at \
             the end of a step when it is done.",
        );
        if w.steps.iter().any(|s| s.conditional) {
            intro.push_str(
                " A step with a condition is skipped when the condition does not hold. \
                 A skipped step counts as done: the steps after it do not wait for it, \
                 and are not skipped because of it (only their own condition skips \
                 them).",
            );
        }
        let on_answer = w.steps.iter().any(|s| {
            s.when
                .iter()
                .any(|c| matches!(c, crate::model::Condition::Decision { .. }))
        });
        if on_answer {
            intro.push_str(
                " A question whose step was skipped has no answer: a step that runs \
                 only on a yes and a step that runs only on a no are then both \
                 skipped.",
            );
        }
        if w.steps.iter().any(|s| s.automated) {
            intro.push_str(
                " An automated step is done by a system: its owner checks that it ran \
                 and fixes it when it did not.",
            );
        }
        doc.paragraph(&intro);

        let ancestors = self.ancestors();
        // The steps related to each step (ancestors and descendants, itself
        // too), as bit sets by procedure number - 1.
        let n = w.steps.len();
        let topological = self.order.len() == n
            && self.order.iter().all(|&i| {
                w.steps[i]
                    .after
                    .iter()
                    .all(|&a| self.number[a] < self.number[i])
            });
        let mut related = BitRows::new(n, n);
        if topological {
            // Ancestors and descendants as unions along the order (both
            // whole: every step comes after those it waits for); `related`
            // collects the ancestors first.
            for &i in &self.order {
                for &a in &w.steps[i].after {
                    related.insert(i, self.number[a] - 1);
                    related.union(i, a);
                }
            }
            let mut desc = BitRows::new(n, n);
            for &i in self.order.iter().rev() {
                for &s in &self.successors[i] {
                    desc.insert(i, self.number[s] - 1);
                    desc.union(i, s);
                }
            }
            for j in 0..n {
                related.insert(j, self.number[j] - 1);
                related.union_from(j, &desc, j);
            }
        } else {
            for j in 0..n {
                let nj = self.number[j] - 1;
                related.insert(j, nj);
                for i in ancestors.iter(j) {
                    related.insert(j, self.number[i] - 1);
                    related.insert(i, nj);
                }
            }
        }
        let mut facts = Facts {
            ancestors,
            related,
            producers: FxMap::default(),
            consumers: FxMap::default(),
        };
        facts.producers.reserve(n);
        facts.consumers.reserve(n);
        for &i in &self.order {
            let s = &w.steps[i];
            for a in &s.produces {
                facts.producers.entry(a.text.as_str()).or_default().push(i);
            }
            for a in &s.needs {
                facts.consumers.entry(a.text.as_str()).or_default().push(i);
            }
        }
        let mut scratch = Scratch::default();
        for &i in &self.order {
            self.step(doc, i, &facts, &mut scratch);
        }
    }

    fn step(&self, doc: &mut Doc, i: usize, facts: &Facts<'_>, scratch: &mut Scratch) {
        let w = self.workflow;
        let s = &w.steps[i];
        let heading = self.step_heading(i);
        doc.step_written(heading);
        doc.heading(3, heading, None);

        // The facts: a list, each item written straight into the document
        // (see [`Items`]).
        let pos = doc.begin();
        let mut items = Items::new(&doc.out, "- ", "  ");
        if let Some(o) = s.owner {
            let f = items.start(&mut doc.out);
            f.push_str("Owner: ");
            self.push_role_label(f, o);
            items.end(&mut doc.out, &mut scratch.field);
        }
        if !s.with.is_empty() {
            let f = items.start(&mut doc.out);
            f.push_str("With: ");
            and_join(f, s.with.len(), |f, k| self.push_role_label(f, s.with[k]));
            items.end(&mut doc.out, &mut scratch.field);
        }
        if !s.tools.is_empty() {
            let f = items.start(&mut doc.out);
            f.push_str(plural(s.tools.len(), "Tool", "Tools"));
            f.push_str(": ");
            and_join(f, s.tools.len(), |f, k| self.push_tool_link(f, s.tools[k]));
            items.end(&mut doc.out, &mut scratch.field);
        }
        let f = items.start(&mut doc.out);
        f.push_str(if s.automated {
            "Type: automated (a system does it; the owner checks that it ran)"
        } else {
            "Type: manual"
        });
        items.end(&mut doc.out, &mut scratch.field);
        let f = items.start(&mut doc.out);
        if s.implements.is_empty() {
            f.push_str("Process step: none");
        } else {
            f.push_str(plural(s.implements.len(), "Process step", "Process steps"));
            f.push_str(": ");
            and_join(f, s.implements.len(), |f, k| {
                f.push_str(self.process_title(s.implements[k]));
            });
        }
        items.end(&mut doc.out, &mut scratch.field);

        // When it starts.
        let f = items.start(&mut doc.out);
        f.push_str("Starts: ");
        if s.after.is_empty() {
            if let Some(d) = &s.wait {
                push_duration_words(f, d);
                f.push_str(" after ");
            } else {
                f.push_str("when ");
            }
            f.push_str("the workflow starts");
            if let Some(t) = &self.trigger {
                f.push_str(": ");
                f.push_str(t);
            }
        } else {
            if let Some(d) = &s.wait {
                push_duration_words(f, d);
                f.push(' ');
            }
            f.push_str("after ");
            if crate::check::branches::either_or(w, &s.after) {
                // An either/or join: the conditional steps before it are
                // branches of which one runs; the others are waited for.
                let (branches, others): (Vec<usize>, Vec<usize>) =
                    s.after.iter().partition(|&&p| w.steps[p].conditional);
                if !others.is_empty() {
                    self.push_steps_with_titles(f, &others, &mut scratch.numbers);
                    f.push_str(if others.len() == 1 {
                        " is done, and after "
                    } else {
                        " are done, and after "
                    });
                }
                let numbers = &mut scratch.numbers;
                numbers.clear();
                numbers.extend_from_slice(&branches);
                numbers.sort_by_key(|&i| self.number[i]);
                for (k, &b) in numbers.iter().enumerate() {
                    if k > 0 {
                        f.push_str(if k + 1 == numbers.len() { " or " } else { ", " });
                    }
                    f.push_str("step ");
                    push_number(f, self.number[b]);
                    f.push_str(" (");
                    f.push_str(self.title_of(b));
                    f.push(')');
                }
                f.push_str(", whichever applies, is done");
            } else {
                self.push_steps_with_titles(f, &s.after, &mut scratch.numbers);
                f.push_str(match s.after.len() {
                    1 => " is done",
                    2 => " are both done",
                    _ => " are all done",
                });
                if s.after.iter().any(|&p| w.steps[p].conditional) {
                    f.push_str(" (or skipped)");
                }
            }
        }
        items.end(&mut doc.out, &mut scratch.field);
        if let Some(takes) = &s.takes {
            let f = items.start(&mut doc.out);
            f.push_str("Takes: about ");
            push_duration_words(f, takes);
            f.push_str(" of work");
            items.end(&mut doc.out, &mut scratch.field);
        }

        let numbers = &mut scratch.numbers;
        numbers.clear();
        // The steps neither before nor after this one, in procedure order
        // (numbers only the steps in `order` have).
        let count = self.order.len();
        for (k, &word) in facts.related.row(i).iter().enumerate() {
            let mut free = !word;
            while free != 0 {
                let bit = free.trailing_zeros() as usize;
                free &= free - 1;
                let m = k * 64 + bit;
                if m >= count {
                    break;
                }
                // Two steps that need opposite answers never both run.
                if !super::opposite(w, i, self.order[m]) {
                    numbers.push(m + 1);
                }
            }
        }
        if !numbers.is_empty() {
            let f = items.start(&mut doc.out);
            f.push_str("At the same time as: ");
            push_steps_numbers(f, numbers);
            items.end(&mut doc.out, &mut scratch.field);
        }
        if let Some(when) = super::conditions_words(w, s) {
            let f = items.start(&mut doc.out);
            f.push_str("Condition: only if ");
            let start = f.len();
            escape_inline_into(f, &when);
            while f.len() > start && f.ends_with('.') {
                f.pop();
            }
            f.push_str("; otherwise skip this step");
            items.end(&mut doc.out, &mut scratch.field);
        }
        if let Some(within) = &s.within {
            let f = items.start(&mut doc.out);
            f.push_str("Deadline: within ");
            push_duration_words(f, within);
            f.push_str(" of ");
            if s.after.is_empty() {
                f.push_str("the workflow starting");
            } else {
                f.push_str("becoming ready (after ");
                numbers.clear();
                numbers.extend(s.after.iter().map(|&j| self.number[j]));
                push_steps_numbers(f, numbers);
                f.push(')');
            }
            items.end(&mut doc.out, &mut scratch.field);
        }
        if let Some(r) = s.escalate {
            let f = items.start(&mut doc.out);
            f.push_str("Escalation: if not done");
            if let Some(within) = &s.within {
                f.push_str(" within ");
                push_duration_words(f, within);
            }
            f.push_str(", tell ");
            f.push_str(&escape_inline(&self.role_title(r)));
            f.push_str(", who decides what happens");
            items.end(&mut doc.out, &mut scratch.field);
        }
        // Each artifact with the steps it comes from (only ancestors count)
        // or goes to (only descendants count).
        if !s.needs.is_empty() {
            let f = items.start(&mut doc.out);
            f.push_str("Needs: ");
            self.push_artifacts(f, numbers, &s.needs, &facts.producers, " (from ", |j| {
                facts.ancestors.contains(i, j)
            });
            items.end(&mut doc.out, &mut scratch.field);
        }
        if !s.produces.is_empty() {
            let f = items.start(&mut doc.out);
            f.push_str("Produces: ");
            self.push_artifacts(
                f,
                numbers,
                &s.produces,
                &facts.consumers,
                " (needed by ",
                |j| facts.ancestors.contains(j, i),
            );
            items.end(&mut doc.out, &mut scratch.field);
        }
        // The questions the owner answers when the step is done, and where a
        // "no" sends the work back.
        for &d in &s.decides {
            let Some(d) = w.decisions.get(d) else {
                continue;
            };
            let f = items.start(&mut doc.out);
            f.push_str("Decide: ");
            escape_inline_into(f, d.question.value.trim());
            f.push_str(" (yes or no)");
            items.end(&mut doc.out, &mut scratch.field);
        }
        for (target, decision) in super::rework_targets(w, i) {
            let d = &w.decisions[decision];
            let f = items.start(&mut doc.out);
            if d.step == i && s.decides.len() == 1 {
                f.push_str("If the answer is no, ");
            } else {
                f.push_str("If the answer to “");
                escape_inline_into(f, d.question.value.trim());
                f.push_str("” was no, ");
            }
            if target == i {
                f.push_str("do this step again");
            } else {
                f.push_str("go back to step ");
                push_number(f, self.number[target]);
                f.push_str(" (");
                f.push_str(self.title_of(target));
                f.push_str(") and do it again, then the steps after it up to this one");
            }
            items.end(&mut doc.out, &mut scratch.field);
        }
        // The box to tick ends the section: the last item of the list of
        // facts, or a list of its own after the command and instructions.
        let description = s
            .description
            .as_ref()
            .filter(|d| !d.value.trim().is_empty());
        let command = s.run.as_ref().filter(|r| !r.value.trim().is_empty());
        let alone = description.is_some() || command.is_some();
        if !alone {
            let f = items.start(&mut doc.out);
            f.push_str("[ ] Done");
            items.end(&mut doc.out, &mut scratch.field);
        }
        doc.end(pos);
        if let Some(run) = command {
            doc.command(&run.value);
        }
        if let Some(d) = description {
            doc.paragraph("Instructions:");
            if let Some((p, short)) = plain_paragraph(&d.value) {
                // What `markdown` makes of it: each line wrapped.
                let pos = doc.begin();
                if short {
                    doc.out.push_str(p);
                } else {
                    for (k, line) in p.split('\n').enumerate() {
                        if k > 0 {
                            doc.out.push('\n');
                        }
                        wrap_into(&mut doc.out, line, "", "", WIDTH);
                    }
                }
                doc.end(pos);
            } else {
                doc.markdown(&d.value, 3, &format!("step {}", self.number[i]));
            }
        }
        if alone {
            doc.block("- [ ] Done");
        }
    }

    /// "`a` (from step 2), `b`": each artifact in code, then `link`, the
    /// numbers of its steps in `by_artifact` that `related` keeps, and `)`.
    fn push_artifacts(
        &self,
        f: &mut String,
        numbers: &mut Vec<usize>,
        artifacts: &[Ident],
        by_artifact: &FxMap<&str, Vec<usize>>,
        link: &str,
        related: impl Fn(usize) -> bool,
    ) {
        and_join(f, artifacts.len(), |f, k| {
            let a = &artifacts[k];
            numbers.clear();
            numbers.extend(
                by_artifact
                    .get(a.text.as_str())
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&j| related(j))
                    .map(|j| self.number[j]),
            );
            f.push('`');
            f.push_str(&a.text);
            f.push('`');
            if !numbers.is_empty() {
                f.push_str(link);
                push_steps_numbers(f, numbers);
                f.push(')');
            } else if link == " (from " && self.workflow.inputs.iter().any(|x| x.text == a.text) {
                // An input: there from the start.
                f.push_str(" (you start with it)");
            }
        });
    }

    fn traceability(&self, doc: &mut Doc) {
        doc.heading(2, "Traceability", None);
        let Some(p) = self.process else {
            doc.paragraph("The process this workflow implements is not known.");
            return;
        };
        doc.paragraph(
            "Every step of the process, in the process's order, and the steps of \
             this procedure that carry it out.",
        );
        let implementers = self.implementers();
        // The table, when every row fits (a row cannot be wrapped).
        let mut table = String::from("| Process step | Procedure step |\n| --- | --- |");
        let mut all_fit = true;
        for (k, step) in p.steps.iter().enumerate() {
            let mut row = |table: &mut String, procedure: &dyn Fn(&mut String)| {
                let start = table.len() + 1;
                table.push_str("\n| ");
                table.push_str(self.process_title(k));
                if step.optional {
                    table.push_str(" (optional)");
                }
                table.push_str(" | ");
                procedure(table);
                table.push_str(" |");
                all_fit = all_fit && fits(&table[start..]);
            };
            if implementers[k].is_empty() {
                row(&mut table, &|t| {
                    t.push_str(if step.optional {
                        "— (optional, not performed)"
                    } else {
                        "— (not performed)"
                    });
                });
            }
            for &i in &implementers[k] {
                row(&mut table, &|t| {
                    push_number(t, self.number[i]);
                    t.push_str(". ");
                    t.push_str(self.title_of(i));
                });
            }
            if !all_fit {
                break;
            }
        }
        if all_fit {
            doc.block(&table);
            return;
        }
        // The list form (as [`Doc::table`] writes it): "Process step:
        // procedure step", or the procedure steps nested; consecutive
        // process steps with the same title are one item.
        let title = |k: usize| {
            let mut t = self.process_title(k).to_owned();
            if p.steps[k].optional {
                t.push_str(" (optional)");
            }
            t
        };
        let none = |k: usize| {
            if p.steps[k].optional {
                "— (optional, not performed)"
            } else {
                "— (not performed)"
            }
        };
        // A value: "— (…)" or "3\\. Title" (a list marker escaped), appended.
        let value = |v: &mut String, k: usize, i: Option<usize>| match i {
            None => v.push_str(none(k)),
            Some(i) => {
                push_number(v, self.number[i]);
                v.push_str("\\. ");
                v.push_str(self.title_of(i));
            }
        };
        let pos = doc.begin();
        let mut text = String::new();
        let mut v = String::new();
        let mut k = 0;
        while k < p.steps.len() {
            let first = title(k);
            let mut end = k + 1;
            while end < p.steps.len() && title(end) == first {
                end += 1;
            }
            let count: usize = (k..end).map(|m| implementers[m].len().max(1)).sum();
            if k > 0 {
                doc.out.push('\n');
            }
            text.clear();
            text.push_str(&first);
            text.push(':');
            if count == 1 {
                let i = implementers[k].first().copied();
                v.clear();
                value(&mut v, k, i);
                text.push(' ');
                text.push_str(&v);
                wrap_into(&mut doc.out, &text, "- ", "  ", WIDTH);
            } else {
                wrap_into(&mut doc.out, &text, "- ", "  ", WIDTH);
                let mut nested = Items::new(&doc.out, "  - ", "    ");
                nested.first_item = false;
                for (m, steps) in implementers.iter().enumerate().take(end).skip(k) {
                    let none = steps.is_empty().then_some(None);
                    for i in none.into_iter().chain(steps.iter().map(|&i| Some(i))) {
                        value(nested.start(&mut doc.out), m, i);
                        nested.end(&mut doc.out, &mut v);
                    }
                }
            }
            k = end;
        }
        doc.end(pos);
    }
}

/// What the procedure knows about every step's neighbours.
struct Facts<'m> {
    /// The ancestors of each step.
    ancestors: BitRows,
    /// The ancestors and descendants of each step and the step itself, by
    /// procedure number - 1.
    related: BitRows,
    /// The steps that produce each artifact, in procedure order.
    producers: FxMap<&'m str, Vec<usize>>,
    /// The steps that need each artifact, in procedure order.
    consumers: FxMap<&'m str, Vec<usize>>,
}

/// One bit set of `0..n` per row, all in one allocation.
struct BitRows {
    /// Words per row.
    words: usize,
    bits: Vec<u64>,
}

impl BitRows {
    fn new(rows: usize, n: usize) -> Self {
        let words = n.div_ceil(64);
        BitRows {
            words,
            bits: vec![0; rows * words],
        }
    }

    fn row(&self, r: usize) -> &[u64] {
        &self.bits[r * self.words..(r + 1) * self.words]
    }

    fn insert(&mut self, r: usize, i: usize) {
        self.bits[r * self.words + i / 64] |= 1 << (i % 64);
    }

    fn contains(&self, r: usize, i: usize) -> bool {
        self.bits[r * self.words + i / 64] & (1 << (i % 64)) != 0
    }

    /// The members of row `r`, in increasing order.
    fn iter(&self, r: usize) -> impl Iterator<Item = usize> + '_ {
        self.row(r).iter().enumerate().flat_map(|(k, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    k * 64 + bit
                })
            })
        })
    }

    /// Row `r` becomes its union with row `other`.
    fn union(&mut self, r: usize, other: usize) {
        for k in 0..self.words {
            self.bits[r * self.words + k] |= self.bits[other * self.words + k];
        }
    }

    /// Row `r` becomes its union with row `other` of `from`.
    fn union_from(&mut self, r: usize, from: &BitRows, other: usize) {
        let row = &mut self.bits[r * self.words..(r + 1) * self.words];
        for (a, b) in row.iter_mut().zip(from.row(other)) {
            *a |= b;
        }
    }
}

// ---------------------------------------------------------------------------
// Writing Markdown.

/// A list item: wrapped text and nested items.
struct Item {
    text: String,
    children: Vec<String>,
}

/// A fast hasher for the sets of headings (short strings, no untrusted
/// collisions to fear: the worst case is a slower document).
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type FxSet<T> = HashSet<T, std::hash::BuildHasherDefault<FxHasher>>;
type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// A document being written: blocks separated by exactly one blank line.
#[derive(Default)]
struct Doc<'r> {
    /// The blocks written so far, separated by blank lines.
    out: String,
    /// Where the last block starts in `out` (none yet: `None`).
    last: Option<usize>,
    /// Headings already written (MD024: no two alike).
    used: FxSet<String>,
    /// Headings the document will write later; a heading from a description
    /// that would take one of these is made unique instead. Besides the
    /// sections, the headings of the steps not yet written.
    reserved: FxSet<&'r str>,
    /// The headings of the steps, in procedure order.
    steps: Vec<&'r str>,
    /// How many steps are written.
    steps_written: usize,
    /// Whether `used` and `reserved` are kept: only once a heading must be
    /// made unique (most documents have none), until then the headings
    /// written wait in `deferred`, one after the other, each ending where
    /// `deferred_ends` says.
    eager: bool,
    deferred: String,
    deferred_ends: Vec<usize>,
    /// How many headings were checked without the sets.
    linear_checks: usize,
    /// Whether the last block is a heading (which no block continues).
    after_heading: bool,
}

impl Doc<'_> {
    /// Fills `used` and `reserved`, and keeps them from now on.
    fn make_eager(&mut self) {
        if self.eager {
            return;
        }
        self.eager = true;
        let mut start = 0;
        for &end in &self.deferred_ends {
            self.used.insert(self.deferred[start..end].to_owned());
            start = end;
        }
        self.reserved.extend(SECTIONS);
        self.reserved.extend(
            self.steps[self.steps_written.min(self.steps.len())..]
                .iter()
                .copied(),
        );
    }

    /// Whether heading `shown` is written or reserved.
    fn taken(&self, shown: &str) -> bool {
        if self.eager {
            return self.used.contains(shown) || self.reserved.contains(shown);
        }
        let mut start = 0;
        self.deferred_ends.iter().any(|&end| {
            let written = &self.deferred[start..end];
            start = end;
            written == shown
        }) || SECTIONS.contains(&shown)
            || self.steps[self.steps_written.min(self.steps.len())..].contains(&shown)
    }

    /// Marks heading `shown` as written.
    fn mark_used(&mut self, shown: &str) {
        if self.eager {
            self.used.insert(shown.to_owned());
        } else {
            self.deferred.push_str(shown);
            self.deferred_ends.push(self.deferred.len());
        }
    }

    /// The step whose heading is `heading` is being written: its heading is
    /// no longer reserved.
    fn step_written(&mut self, heading: &str) {
        self.steps_written += 1;
        if self.eager {
            self.reserved.remove(heading);
        }
    }

    /// Starts a block: returns where it starts, to give to [`Doc::end`]
    /// once its text is appended to `out`.
    fn begin(&mut self) -> usize {
        let pos = self.out.len();
        if self.last.is_some() {
            self.out.push_str("\n\n");
        }
        pos
    }

    /// Ends the block begun at `pos` (nothing written: no block).
    fn end(&mut self, pos: usize) {
        let mut start = if self.last.is_some() { pos + 2 } else { pos };
        if self.out.len() == start {
            self.out.truncate(pos);
            return;
        }
        // Two lists of the same kind (or two quotes) with only a blank line
        // between them would be read as one; an empty HTML comment (which
        // markdownlint allows) keeps them apart, as CommonMark suggests.
        // Only a block starting with `-`, `>` or a digit may continue the
        // one before.
        let may_join = !std::mem::take(&mut self.after_heading)
            && (self.out.as_bytes()[start].is_ascii_digit()
                || matches!(self.out.as_bytes()[start], b'-' | b'>'));
        if let Some(prev) = self.last.filter(|_| may_join) {
            let first = first_line(&self.out[start..]);
            let joined = block_start_kind(first).is_some_and(|b| {
                let last = last_unindented_line(&self.out[prev..pos]);
                block_start_kind(last) == Some(b)
            });
            if joined {
                self.out.insert_str(start, "<!-- -->\n\n");
                start += 10;
            }
        }
        self.last = Some(start);
    }

    fn block(&mut self, text: &str) {
        let pos = self.begin();
        self.out.push_str(text);
        self.end(pos);
    }

    /// A heading of already escaped `text`. With `unique` (for headings whose
    /// text the user wrote), a heading that is already used or reserved gets
    /// `(unique)` appended, then a number. One longer than 80 columns is cut at
    /// a word, and its full text follows as a paragraph.
    fn heading(&mut self, level: usize, text: &str, unique: Option<&str>) {
        let (shown, full) = self.heading_parts(level, text, unique, WIDTH, "");
        let pos = self.begin();
        self.out.push_str(&"######"[..level]);
        self.out.push(' ');
        self.out.push_str(&shown);
        self.end(pos);
        self.after_heading = true;
        self.mark_used(&shown);
        if full {
            self.paragraph(&format!("Full title: {text}"));
        }
    }

    /// The text a heading of `text` shows (cut, made unique), and whether it
    /// was cut (its full text must follow). The caller writes it, then puts
    /// the text into `used`.
    fn heading_parts<'t>(
        &mut self,
        level: usize,
        text: &'t str,
        unique: Option<&str>,
        budget: usize,
        indent: &str,
    ) -> (Cow<'t, str>, bool) {
        let (shown, full) = fit_heading(indent, level, text, budget);
        let mut shown = escape_closing_hashes(shown);
        if let Some(suffix) = unique {
            // The first check (the title's) reads the lists; the sets are
            // filled for the others.
            if self.linear_checks > 0 {
                self.make_eager();
            }
            self.linear_checks += 1;
            let base = shown.clone();
            let mut n = 1;
            while self.taken(&shown) {
                shown = Cow::Owned(if n == 1 {
                    format!("{base} ({suffix})")
                } else {
                    format!("{base} ({suffix} {n})")
                });
                n += 1;
            }
        }
        (shown, full)
    }

    fn paragraph(&mut self, text: &str) {
        let pos = self.begin();
        wrap_into(&mut self.out, text, "", "", WIDTH);
        self.end(pos);
    }

    fn list(&mut self, items: &[Item]) {
        let pos = self.begin();
        let out = &mut self.out;
        for (k, item) in items.iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            wrap_into(out, &item.text, "- ", "  ", WIDTH);
            for child in &item.children {
                out.push('\n');
                wrap_into(out, child, "  - ", "    ", WIDTH);
            }
        }
        self.end(pos);
    }

    fn fenced(&mut self, info: &str, code: &str) {
        let fence = fence_for(code);
        let pos = self.begin();
        let out = &mut self.out;
        out.push_str(&fence);
        out.push_str(info);
        out.push('\n');
        if !code.is_empty() {
            out.push_str(code);
            out.push('\n');
        }
        out.push_str(&fence);
        self.end(pos);
    }

    /// The Mermaid chart, wrapped (see [`wrap_chart_into`]), in a `mermaid`
    /// code block (wrapping changes no run of backticks: the fence is the
    /// one of the chart as it came).
    fn chart(&mut self, chart: &str) {
        let fence = fence_for(chart);
        let pos = self.begin();
        self.out.push_str(&fence);
        self.out.push_str("mermaid\n");
        if !chart.is_empty() {
            wrap_chart_into(&mut self.out, chart);
            self.out.push('\n');
        }
        self.out.push_str(&fence);
        self.end(pos);
    }

    /// The `run` command: a code block when each of its lines fits in 80
    /// columns; otherwise a code span wrapped at single spaces (which renders
    /// the same single line), or for several lines a list of them, each such
    /// a code span.
    fn command(&mut self, run: &str) {
        let code = clean_code(run);
        let mut code = code.trim_matches('\n');
        if code.is_empty() {
            return;
        }
        // At most one blank line in a row (MD012 counts code blocks too;
        // blank lines mean nothing to the shell).
        let single_blanks;
        if code.contains("\n\n\n") {
            let mut lines: Vec<&str> = code.split('\n').collect();
            lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
            single_blanks = lines.join("\n");
            code = &single_blanks;
        }
        if code.lines().all(fits) {
            self.paragraph("Command that runs this step:");
            self.fenced("sh", code);
        } else if !code.contains('\n') {
            let text = format!("Command that runs this step: {}", code_span(code.trim()));
            let pos = self.begin();
            wrap_code_into(&mut self.out, &text, "", "");
            self.end(pos);
        } else {
            // Several lines, one of them too long for a code block (MD013
            // counts code lines too): a list of the lines, each a code span
            // wrapped at single spaces like the one-line command.
            self.paragraph("Command that runs this step, line by line:");
            let pos = self.begin();
            let mut item = String::new();
            // (Without their indentation: MD038 wants no space at the
            // start of a code span.)
            // Numbered, so that no item starts with a run of backticks
            // (three would open a code block).
            let lines = code.lines().map(str::trim).filter(|l| !l.is_empty());
            for (k, line) in lines.enumerate() {
                if k > 0 {
                    self.out.push('\n');
                }
                item.clear();
                item.push_str("Line ");
                push_number(&mut item, k + 1);
                item.push_str(": ");
                item.push_str(&code_span(line));
                wrap_code_into(&mut self.out, &item, "- ", "  ");
            }
            self.end(pos);
        }
    }

    /// A description: Markdown, normalised (see [`markdown`]), its headings
    /// below `level`.
    fn markdown(&mut self, text: &str, level: usize, unique: &str) {
        let pos = self.begin();
        // Written at the end of the document's own text.
        let out = std::mem::take(&mut self.out);
        self.out = markdown_into(out, text, level, unique, self, WIDTH);
        self.end(pos);
    }

    /// A table of escaped cells, or, when a row would be longer than 80
    /// columns (a table row cannot be wrapped), the same content as a list.
    fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        let row = |cells: &[String]| format!("| {} |", cells.join(" | "));
        let header_cells: Vec<String> = header.iter().map(|&h| h.to_owned()).collect();
        let mut lines = vec![
            row(&header_cells),
            format!("|{}", " --- |".repeat(header.len())),
        ];
        lines.extend(rows.iter().map(|r| row(r)));
        if lines.iter().all(|l| fits(l)) {
            self.block(&lines.join("\n"));
            return;
        }
        // The list form: "First cell: other cells"; rows with the same first
        // cell as the row before are one item with the others nested.
        let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
        for r in rows {
            // At the start of a list item, "1. x" would start a nested list.
            let rest = escape_list_marker(&r[1..].join(", "));
            match groups.last_mut() {
                Some((first, values)) if *first == r[0] => values.push(rest),
                _ => groups.push((&r[0], vec![rest])),
            }
        }
        let items: Vec<Item> = groups
            .into_iter()
            .map(|(first, mut values)| {
                if values.len() == 1 {
                    Item {
                        text: format!("{first}: {}", values.remove(0)),
                        children: Vec::new(),
                    }
                } else {
                    Item {
                        text: format!("{first}:"),
                        children: values,
                    }
                }
            })
            .collect();
        self.list(&items);
    }

    fn finish(self) -> String {
        let mut s = self.out;
        s.push('\n');
        s
    }
}

/// The heading line of already escaped `text` after `prefix` ("### "): the
/// text itself when the line fits, otherwise cut at a word with `…`; and
/// whether it was cut.
fn fit_heading<'t>(
    indent: &str,
    level: usize,
    text: &'t str,
    budget: usize,
) -> (Cow<'t, str>, bool) {
    // A line no wider than the budget fits (its last word too).
    if width(indent) + level + 1 + width(text) <= budget {
        return (Cow::Borrowed(text), false);
    }
    let prefix = format!("{indent}{} ", &"######"[..level]);
    if fits_in(&format!("{prefix}{text}"), budget) {
        return (Cow::Borrowed(text), false);
    }
    // Cut only between words where no code span, link text or `<…>` is
    // open, so the heading's Markdown stays whole.
    let mut shown = String::new();
    let mut candidate = String::new();
    for word in text.split(' ') {
        if !candidate.is_empty() {
            candidate.push(' ');
        }
        candidate.push_str(word);
        if width(&format!("{prefix}{candidate} …")) > budget {
            break;
        }
        if balanced(&candidate) {
            shown.clone_from(&candidate);
        }
    }
    let shown = strip_heading_punctuation(&shown);
    if shown.is_empty() {
        return (Cow::Borrowed("…"), true);
    }
    (Cow::Owned(format!("{shown} …")), true)
}

/// Heading text whose trailing `#`s are escaped, each one: unescaped, they
/// would read as a closing sequence, and markdownlint's MD020 takes even
/// `\\##` for one.
fn escape_closing_hashes(text: Cow<'_, str>) -> Cow<'_, str> {
    let b = text.as_bytes();
    // The trailing run of `#`s, bare or escaped (after an odd number of
    // backslashes), from `start`.
    let mut start = b.len();
    let mut hashes = 0;
    let mut bare = false;
    while start > 0 && b[start - 1] == b'#' {
        let escaped = escaped(b, start - 1);
        bare |= !escaped;
        hashes += 1;
        start -= 1 + usize::from(escaped);
    }
    if !bare {
        return text;
    }
    let mut out = String::with_capacity(start + 2 * hashes);
    out.push_str(&text[..start]);
    for _ in 0..hashes {
        out.push_str("\\#");
    }
    Cow::Owned(out)
}

/// Whether Markdown `text` closes every code span, link text and `<…>` it
/// opens.
fn balanced(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut code = 0usize;
    let mut brackets = 0usize;
    let mut angle = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&x| x == '`').count();
            if code == 0 {
                code = run;
            } else if code == run {
                code = 0;
            }
            i += run;
            continue;
        }
        if code == 0 {
            match c {
                '\\' => i += 1,
                '[' => brackets += 1,
                ']' => brackets = brackets.saturating_sub(1),
                '<' => angle = true,
                '>' => angle = false,
                _ => {}
            }
        }
        i += 1;
    }
    code == 0 && brackets == 0 && !angle
}

/// What a line at the left margin starts that a following block of the same
/// kind would continue: a bullet list (`-`), an ordered list (its delimiter)
/// or a quote (`>`).
fn block_start_kind(line: &str) -> Option<char> {
    if line.starts_with("- ") || line == "-" {
        return Some('-');
    }
    if line.starts_with('>') {
        return Some('>');
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    if digits > 0
        && (rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")")
    {
        return rest.chars().next();
    }
    None
}

/// `text` with a leading ordered-list marker ("1. ") escaped ("1\\. ").
fn escape_list_marker(text: &str) -> String {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let rest = &text[digits..];
    if digits > 0 && (rest.starts_with(". ") || rest.starts_with(") ")) {
        format!("{}\\{rest}", &text[..digits])
    } else {
        text.to_owned()
    }
}

/// The Mermaid chart with every line longer than 80 columns broken at spaces
/// inside its quoted labels (Mermaid reads a line break in a quoted label as
/// part of the label, and draws it as one), so that the code block passes
/// markdownlint's MD013; a long `class a,b,… name` statement becomes several.
/// Lines without a usable space are kept.
/// (Appended to `all`.)
fn wrap_chart_into(all: &mut String, chart: &str) {
    // Most lines are short: runs of lines that fit are copied at once (a
    // line of at most 80 bytes is at most 80 columns).
    let mut copied = 0;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', chart.as_bytes()).chain([chart.len()]) {
        let line = &chart[start..end];
        if line.len() > WIDTH && !fits(line) {
            all.push_str(&chart[copied..start]);
            all.push_str(&wrap_chart_line(line));
            copied = end;
        }
        start = end + 1;
    }
    all.push_str(&chart[copied..]);
}

/// [`wrap_chart_into`] of one line longer than 80 columns.
fn wrap_chart_line(line: &str) -> String {
    if let Some(lines) = split_class_statement(line) {
        return lines;
    }
    // Byte offsets of the spaces inside quoted strings, but for those after
    // whitespace: a line broken at the first space of a run keeps the others
    // at the start of the next line, and no line ends with whitespace.
    let mut quoted = false;
    let mut spaces = Vec::new();
    let mut after_space = false;
    for (k, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ' ' if quoted && !after_space => spaces.push(k),
            _ => {}
        }
        after_space = c.is_whitespace();
    }
    let mut out = String::new();
    let mut start = 0;
    let mut last_fit: Option<usize> = None;
    for (n, &k) in spaces.iter().enumerate() {
        // Does the piece up to the next space (or the end) still fit?
        let end = spaces.get(n + 1).copied().unwrap_or(line.len());
        if width(&line[start..k]) <= WIDTH {
            last_fit = Some(k);
        }
        if width(&line[start..end]) > WIDTH {
            // No break fits: the label's word is longer than a line, and
            // stands on a line of its own.
            let b = last_fit.take().unwrap_or(k);
            out.push_str(&line[start..b]);
            out.push('\n');
            start = b + 1;
        }
    }
    out.push_str(&line[start..]);
    out
}

/// `  class a,b,c name` as several `class` statements of at most 80 columns
/// (each assigns the class to its nodes, so together they do the same).
fn split_class_statement(line: &str) -> Option<String> {
    let indent = &line[..line.len() - line.trim_start().len()];
    let rest = line.trim_start().strip_prefix("class ")?;
    let (ids, name) = rest.split_once(' ')?;
    if name.contains(' ') || ids.is_empty() {
        return None;
    }
    // Each statement: "{indent}class {id},{id}… {name}"; an id starts a new
    // one when adding it (and its comma) would make the line too wide.
    let fixed = width(indent) + "class ".len() + 1 + width(name);
    let mut lines = String::with_capacity(line.len() + 64);
    let mut ids_width = 0;
    let mut count = 0;
    for id in ids.split(',') {
        let this = width(id);
        if count > 0 && fixed + ids_width + 1 + this > WIDTH {
            lines.push(' ');
            lines.push_str(name);
            lines.push('\n');
            count = 0;
        }
        if count == 0 {
            lines.push_str(indent);
            lines.push_str("class ");
            ids_width = this;
        } else {
            lines.push(',');
            ids_width += 1 + this;
        }
        lines.push_str(id);
        count += 1;
    }
    lines.push(' ');
    lines.push_str(name);
    Some(lines)
}

/// A code fence longer than any run of backticks in `code` (at least 3).
fn fence_for(code: &str) -> String {
    let longest = longest_run(code, '`');
    "`".repeat((longest + 1).max(3))
}

fn longest_run(text: &str, c: char) -> usize {
    if !text.contains(c) {
        return 0;
    }
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == c {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// `text` as one code span: delimited by more backticks than it contains,
/// padded with a space when it starts or ends with a backtick.
fn code_span(text: &str) -> String {
    let ticks = "`".repeat(longest_run(text, '`') + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

/// Code as written, with tabs expanded, control characters replaced and
/// trailing whitespace removed (markdownlint's MD010 and MD009).
fn clean_code(text: &str) -> Cow<'_, str> {
    // Printable ASCII lines without trailing spaces are clean already.
    let b = text.as_bytes();
    let clean = b.iter().all(|&c| c == b'\n' || (b' '..0x7f).contains(&c))
        && !text.ends_with(' ')
        && !text.contains(" \n");
    if clean {
        return Cow::Borrowed(text);
    }
    Cow::Owned(clean_code_lines(text))
}

/// [`clean_code`] of any text, line by line.
fn clean_code_lines(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(|l| expand_tabs(&replace_controls(l)).trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `[title](url)` with an escaped title; the title alone without a usable url
/// (none, empty, or an anchor in this document that may not exist); and
/// `title: <url>` when the title is one markdownlint finds not descriptive
/// enough for a link ("here", "link", "more", "click here": MD059).
fn link(title: &str, url: Option<&str>) -> String {
    let text = escape_inline(title);
    let Some(url) = url
        .map(str::trim)
        .filter(|u| !u.is_empty() && !u.starts_with('#'))
    else {
        return text;
    };
    // The destination: characters that would end it or break the line
    // percent-encoded.
    let mut dest = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => dest.push_str("%20"),
            '<' => dest.push_str("%3C"),
            '>' => dest.push_str("%3E"),
            '(' => dest.push_str("%28"),
            ')' => dest.push_str("%29"),
            '|' => dest.push_str("%7C"),
            '\\' => dest.push_str("%5C"),
            '`' => dest.push_str("%60"),
            c if c.is_control() || c.is_whitespace() => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    dest.push('%');
                    dest.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
                    dest.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
                }
            }
            c => dest.push(c),
        }
    }
    if text.is_empty() || is_vague_link_text(title) {
        // `<…>` is a link only with a scheme ("https:"); anything else would
        // read as HTML.
        return if is_autolink(&dest) {
            format!("{text}: <{dest}>")
        } else {
            format!("{text}: {}", code_span(&dest))
        };
    }
    format!("[{text}]({dest})")
}

/// Whether `<` `dest` `>` is a `CommonMark` autolink: a scheme of 2 to 32 letters,
/// digits, `+`, `.` or `-` (a letter first), a colon, then no space or `<`
/// `>` (the destination has those percent-encoded already).
fn is_autolink(dest: &str) -> bool {
    let Some((scheme, _)) = dest.split_once(':') else {
        return false;
    };
    (2..=32).contains(&scheme.len())
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
        && !dest.contains([' ', '<', '>'])
        && !dest.chars().any(char::is_control)
}

/// Whether `title`, in lower case and with its words (runs of letters and
/// digits) joined by single spaces, is a link text markdownlint's MD059
/// finds not descriptive: "click here", "here", "link" or "more".
fn is_vague_link_text(title: &str) -> bool {
    let mut normal = String::with_capacity(12);
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !normal.is_empty() {
            normal.push(' ');
        }
        normal.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        // Longer than the longest of them.
        if normal.len() > "click here".len() {
            return false;
        }
    }
    ["click here", "here", "link", "more"].contains(&normal.as_str())
}

/// Scratch space for writing the steps of a procedure.
#[derive(Default)]
struct Scratch {
    /// The text of one list item.
    field: String,
    /// Step numbers or indices.
    numbers: Vec<usize>,
}

/// The items of a list written straight into a document: [`Items::start`]
/// writes the bullet, the caller the item's text, and [`Items::end`] wraps
/// the item when it is longer than a line. Most items fit on one line, and
/// are then neither copied nor scanned twice. The result is the one of
/// `wrap_into(out, text, first, rest, WIDTH)` for each item's text.
struct Items {
    /// Where the current item starts in the document (at its bullet).
    start: usize,
    /// Whether no item is written yet.
    first_item: bool,
    /// Before the first line of an item ("- ").
    first: &'static str,
    /// Before its other lines ("  ").
    rest: &'static str,
}

impl Items {
    /// A list of items marked `first` (its lines after the first indented by
    /// `rest`), written at the end of `out`.
    fn new(out: &str, first: &'static str, rest: &'static str) -> Self {
        Items {
            start: out.len(),
            first_item: true,
            first,
            rest,
        }
    }

    /// Starts an item (on a new line but for the first): its text follows
    /// in `out`.
    fn start<'o>(&mut self, out: &'o mut String) -> &'o mut String {
        if !self.first_item {
            out.push('\n');
        }
        self.first_item = false;
        self.start = out.len();
        out.push_str(self.first);
        out
    }

    /// Ends the item: wrapped (through `scratch`) unless it fits as it is.
    fn end(&self, out: &mut String, scratch: &mut String) {
        let line = &out.as_bytes()[self.start..];
        // Items are built of escaped single-line text: no line break.
        debug_assert!(!line.contains(&b'\n'), "a line break in a list item");
        // No more bytes than columns, and no trailing whitespace (which
        // wrapping would drop): the item as it is.
        let fits = line.len() <= WIDTH && line.last().is_some_and(|&c| c > b' ' && c < 0x80);
        if fits {
            return;
        }
        scratch.clear();
        scratch.push_str(&out[self.start + self.first.len()..]);
        out.truncate(self.start);
        wrap_into(out, scratch, self.first, self.rest, WIDTH);
    }
}

/// Whether `b` holds a line break: without a call to `memchr` for the
/// short texts of list items and lines (a loop the compiler vectorises).
fn has_newline(b: &[u8]) -> bool {
    if b.len() > 256 {
        return b.contains(&b'\n');
    }
    b.iter().fold(0u8, |found, &c| found | u8::from(c == b'\n')) != 0
}

/// [`and_list`] of `n` items, each written by `each`, appended to `out`.
fn and_join(out: &mut String, n: usize, mut each: impl FnMut(&mut String, usize)) {
    for k in 0..n {
        if k > 0 {
            out.push_str(if k + 1 == n { " and " } else { ", " });
        }
        each(out, k);
    }
}

/// "step 2", "steps 4 to 6 and 9" for step numbers in any order (sorted and
/// made unique here), appended to `out`.
fn push_steps_numbers(out: &mut String, numbers: &mut Vec<usize>) {
    numbers.sort_unstable();
    numbers.dedup();
    out.push_str(plural(numbers.len(), "step", "steps"));
    out.push(' ');
    push_number_ranges(out, numbers);
}

/// [`number_ranges`], appended to `out`.
fn push_number_ranges(out: &mut String, numbers: &[usize]) {
    // The parts: runs of three or more as one, others one number each.
    let run_end = |k: usize| {
        let mut end = k;
        while end + 1 < numbers.len() && numbers[end + 1] == numbers[end] + 1 {
            end += 1;
        }
        end
    };
    let mut parts = 0;
    let mut k = 0;
    while k < numbers.len() {
        let end = run_end(k);
        parts += if end >= k + 2 { 1 } else { end - k + 1 };
        k = end + 1;
    }
    let mut written = 0;
    let mut sep = |out: &mut String| {
        if written > 0 {
            out.push_str(if written + 1 == parts { " and " } else { ", " });
        }
        written += 1;
    };
    let mut k = 0;
    while k < numbers.len() {
        let end = run_end(k);
        if end >= k + 2 {
            sep(out);
            push_number(out, numbers[k]);
            out.push_str(" to ");
            push_number(out, numbers[end]);
        } else {
            for &n in &numbers[k..=end] {
                sep(out);
                push_number(out, n);
            }
        }
        k = end + 1;
    }
}

/// "a", "a and b", "a, b and c".
fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

/// Sorted numbers with runs of three or more as ranges: "1, 4 to 6 and 9".
#[cfg(test)]
fn number_ranges(numbers: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut k = 0;
    while k < numbers.len() {
        let mut end = k;
        while end + 1 < numbers.len() && numbers[end + 1] == numbers[end] + 1 {
            end += 1;
        }
        if end >= k + 2 {
            parts.push(format!("{} to {}", numbers[k], numbers[end]));
        } else {
            for n in &numbers[k..=end] {
                parts.push(n.to_string());
            }
        }
        k = end + 1;
    }
    and_list(&parts)
}

/// `text` ending with a full stop unless it already ends with `.`, `!` or `?`.
/// A full stop after `text` unless it ends with `.`, `!` or `?` (as
/// [`sentence`] does).
fn push_full_stop(text: &mut String) {
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
}

fn sentence(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 1);
    s.push_str(text);
    push_full_stop(&mut s);
    s
}

// ---------------------------------------------------------------------------
// Escaping and wrapping.

/// Width as markdownlint counts it (JavaScript string length: UTF-16 units).
fn width(s: &str) -> usize {
    let b = s.as_bytes();
    if b.is_ascii() {
        return b.len();
    }
    // One unit per character (every byte but UTF-8 continuation bytes), two
    // for a character outside the BMP (a 4-byte sequence, lead byte >= F0).
    b.iter()
        .map(|&x| usize::from(x & 0xC0 != 0x80) + usize::from(x >= 0xF0))
        .sum()
}

/// Whitespace as JavaScript's `\s` sees it (markdownlint's MD013).
fn is_js_space(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

/// Whether markdownlint's MD013 accepts `line` at the default 80 columns: its
/// last run of non-whitespace may go beyond the limit if it starts within it.
fn fits(line: &str) -> bool {
    fits_in(line, WIDTH)
}

fn fits_in(line: &str, budget: usize) -> bool {
    let head = line.trim_end_matches(|c: char| !is_js_space(c));
    let tail = usize::from(head.len() < line.len());
    width(head) + tail <= budget
}

/// Control characters (other than tab and newline) as spaces.
fn replace_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if (c.is_control() && c != '\t' && c != '\n') || c == '\u{feff}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Tabs as spaces to the next multiple of 4 (markdownlint's MD010).
fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = 4 - col % 4;
            out.push_str(&" ".repeat(n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}

/// Escapes single-line text for any Markdown context (a heading, a table
/// cell, a list item, a sentence): whitespace runs (newlines included) become
/// one space; ``\ ` * [ ] | ~`` are backslash-escaped, and so is `_` unless it
/// stands between two letters or digits; `#` at the start or after a space;
/// `> - + =` and a number followed by `.` or `)` at the start (a quote, a
/// list, a setext underline); `<` becomes `&lt;` (no HTML), `&` becomes
/// `&amp;` where it would start an entity; `@`, the `:` of `://` and the `.`
/// of a leading `www.` are escaped, so that no bare URL or e-mail address is
/// made into a link (markdownlint's MD034).
#[must_use]
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_inline_into(&mut out, text);
    out
}

/// The ASCII characters [`escape_inline`] never changes (alone).
const HARMLESS: [bool; 128] = {
    let mut t = [false; 128];
    let mut b: u8 = 0;
    while b < 128 {
        t[b as usize] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b',' | b'.' | b'\'' | b'"' | b'(' | b')' | b'?' | b'!' | b';' | b'/' | b'-'
            );
        b += 1;
    }
    t
};

/// Whether `text` needs no escaping at all: words, single spaces and harmless
/// punctuation, none of the patterns [`escape_inline`] handles (it would give
/// the same text).
fn is_plain_inline(text: &str) -> bool {
    let b = text.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if first == b' ' || first == b'-' || first.is_ascii_digit() || last == b' ' {
        return false;
    }
    for (k, &c) in b.iter().enumerate() {
        match INLINE_CLASS[usize::from(c)] {
            // Not the first byte (checked above).
            Inline::Space if b[k - 1] == b' ' => return false,
            Inline::Plain | Inline::Space | Inline::Continuation => {}
            Inline::W => {
                if b.get(k + 1).is_some_and(|&x| x | 0x20 == b'w')
                    && b.get(k + 2).is_some_and(|&x| x | 0x20 == b'w')
                {
                    return false;
                }
            }
            // A character outside ASCII must be a letter or digit.
            Inline::Lead => {
                if !text[k..].chars().next().is_some_and(char::is_alphanumeric) {
                    return false;
                }
            }
            Inline::Special => return false,
        }
    }
    true
}

/// How [`is_plain_inline`] sees a byte.
#[derive(Clone, Copy)]
enum Inline {
    /// Harmless alone ([`HARMLESS`]) but a space or a `w`.
    Plain,
    Space,
    /// `w` or `W`, which may start `www`.
    W,
    /// The first byte of a character outside ASCII.
    Lead,
    /// A later byte of one.
    Continuation,
    /// ASCII that may need escaping.
    Special,
}

const INLINE_CLASS: [Inline; 256] = {
    let mut t = [Inline::Lead; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = if b == b' ' as usize {
            Inline::Space
        } else if b == b'w' as usize || b == b'W' as usize {
            Inline::W
        } else if HARMLESS[b] {
            Inline::Plain
        } else {
            Inline::Special
        };
        b += 1;
    }
    while b < 0xC0 {
        t[b] = Inline::Continuation;
        b += 1;
    }
    t
};

/// [`escape_inline`], appended to `out`.
fn escape_inline_into(out: &mut String, text: &str) {
    if is_plain_inline(text) {
        out.push_str(text);
        return;
    }
    // Whitespace and control characters, in runs, as one space; none at
    // either end.
    let mut flat = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control() || c == '\u{feff}')
        .filter(|w| !w.is_empty())
    {
        if !flat.is_empty() {
            flat.push(' ');
        }
        flat.push_str(word);
    }
    let s = flat.as_str();
    let b = s.as_bytes();
    let prev_char = |i: usize| s[..i].chars().next_back();
    let next_char = |i: usize| s[i + 1..].chars().next();
    let mut i = 0;
    // A leading ordered-list marker: digits then `.` or `)`, then a space or
    // nothing ("1.3" is no marker).
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0
        && matches!(b.get(digits), Some(b'.' | b')'))
        && matches!(b.get(digits + 1), None | Some(b' '))
    {
        out.push_str(&s[..digits]);
        out.push('\\');
        out.push(char::from(b[digits]));
        i = digits + 1;
    }
    while i < b.len() {
        let c = b[i];
        if c >= 0x80 {
            // Other characters as they are, up to the next ASCII one.
            let end = b[i..]
                .iter()
                .position(|&x| x < 0x80)
                .map_or(b.len(), |k| i + k);
            out.push_str(&s[i..end]);
            i = end;
            continue;
        }
        let at_start = i == 0;
        let prev_byte = if at_start { None } else { Some(b[i - 1]) };
        let next_byte = b.get(i + 1).copied();
        match c {
            b'\\' | b'`' | b'*' | b'[' | b']' | b'|' | b'~' | b'@' => {
                out.push('\\');
                out.push(char::from(c));
            }
            b'_' => {
                let inner = !at_start
                    && prev_char(i).is_some_and(char::is_alphanumeric)
                    && next_char(i).is_some_and(char::is_alphanumeric);
                if !inner {
                    out.push('\\');
                }
                out.push('_');
            }
            b'<' => out.push_str("&lt;"),
            b'&' => {
                if starts_entity_bytes(&b[i + 1..]) {
                    out.push_str("&amp;");
                } else {
                    out.push('&');
                }
            }
            b'#' if at_start || prev_byte == Some(b' ') => out.push_str("\\#"),
            b'>' if at_start => out.push_str("\\>"),
            // A bullet ("- "), a thematic break or setext underline ("---").
            b'-' | b'+' | b'='
                if at_start && (matches!(next_byte, None | Some(b' ')) || next_byte == Some(c)) =>
            {
                out.push('\\');
                out.push(char::from(c));
            }
            b':' if next_byte == Some(b'/') && b.get(i + 2) == Some(&b'/') => out.push_str("\\:"),
            // "www" ending the text: the sentence around it may put a `.`
            // after it.
            b'w' | b'W'
                if (at_start || prev_char(i).is_some_and(|p| !p.is_alphanumeric()))
                    && b.len() == i + 3
                    && b[i..].eq_ignore_ascii_case(b"www") =>
            {
                out.push_str(if c == b'w' { "&#119;" } else { "&#87;" });
                out.push_str(&s[i + 1..]);
                i += 3;
                continue;
            }
            b'w' | b'W'
                if (at_start || prev_char(i).is_some_and(|p| !p.is_alphanumeric()))
                    && b.len() >= i + 4
                    && b[i..i + 4].eq_ignore_ascii_case(b"www.") =>
            {
                out.push_str(&s[i..i + 3]);
                out.push_str("\\.");
                i += 4;
                continue;
            }
            _ => out.push(char::from(c)),
        }
        i += 1;
    }
}

/// Whether `rest` (after a `&`) makes an HTML entity: `#123;`, `#x1F;`,
/// `name;`.
fn starts_entity_bytes(rest: &[u8]) -> bool {
    let body = rest.strip_prefix(b"#").unwrap_or(rest);
    let n = body
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    n > 0 && body.get(n) == Some(&b';')
}

/// Heading text: escaped, without the trailing punctuation markdownlint
/// objects to in a heading (MD026: `. , ; : !` and their full-width forms).
fn heading_text(text: &str) -> String {
    // Text with single ASCII spaces between words only is flat already.
    let b = text.as_bytes();
    let flat_already = b.is_ascii()
        && b.first().is_none_or(|&c| c != b' ')
        && b.last().is_none_or(|&c| c != b' ')
        && !b.windows(2).any(|w| w == b"  ")
        && b.iter().all(|&c| (b' '..0x7f).contains(&c));
    if flat_already {
        return escape_inline(
            text.trim_end_matches(|c: char| ".,;:!。，；：！".contains(c) || c.is_whitespace()),
        );
    }
    // Flattened as [`escape_inline`] flattens it (controls are spaces too),
    // so that no punctuation is left at the end once it is escaped.
    let flat = text
        .split(|c: char| c.is_whitespace() || c.is_control() || c == '\u{feff}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    escape_inline(&strip_heading_punctuation(&flat))
}

fn trim_heading_punctuation(text: &str) -> &str {
    text.trim_end_matches(|c: char| ".,;:!。，；：！".contains(c) || c.is_whitespace())
}

fn strip_heading_punctuation(text: &str) -> String {
    text.trim_end_matches(|c: char| ".,;:!。，；：！".contains(c) || c.is_whitespace())
        .to_owned()
}

/// Whether a line may not start with this unit: it would begin a block
/// (list, heading, quote, code fence, table row, thematic break, setext
/// underline, HTML). Only its first word counts: a unit may hold runs of
/// spaces ("1.  x" starts a list as "1. x" does).
fn starts_block(unit: &str) -> bool {
    let word = unit.split([' ', '\t']).next().unwrap_or_default();
    let Some(first) = word.chars().next() else {
        return false;
    };
    match first {
        // A quote, a heading (or what MD018 takes for one), a table row, HTML.
        '>' | '#' | '|' | '<' => true,
        // A bullet ("- ") or a thematic break or setext underline ("---").
        '-' | '+' | '*' | '=' | '_' => word.bytes().all(|c| char::from(c) == first),
        '`' | '~' => word.starts_with("```") || word.starts_with("~~~"),
        // Most words start with a letter.
        c if !c.is_ascii_digit() => false,
        _ => {
            // An ordered list marker: "1." or "2)" followed by a space.
            let digits = word.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && digits + 1 == word.len() && word.ends_with(['.', ')'])
        }
    }
}

/// Wraps `text` (one paragraph, lines already joined or one line of a
/// description) to `budget` columns: `first` before the first line, `rest`
/// before the others. Breaks only at single spaces, never before a word that
/// would start a block, after a backslash (a hard line break) or inside
/// `<…>`. A word longer than a line stands on a line of its own (markdownlint
/// allows that).
fn wrap(text: &str, first: &str, rest: &str, budget: usize) -> String {
    let mut out = String::with_capacity(first.len() + text.len() + 16);
    wrap_into(&mut out, text, first, rest, budget);
    out
}

/// `prefix` then `content`, without trailing whitespace, appended to `out`.
fn push_trimmed(out: &mut String, prefix: &str, content: &str) {
    let content = content.trim_end();
    if content.is_empty() {
        out.push_str(prefix.trim_end());
    } else {
        out.push_str(prefix);
        out.push_str(content);
    }
}

/// [`wrap`], appended to `out`.
fn wrap_into(out: &mut String, text: &str, first: &str, rest: &str, budget: usize) {
    let b = text.as_bytes();
    // Most lines fit: then wrapping would rejoin the same units with the same
    // single spaces, so the answer is the line itself.
    // No column counts more than a byte: a text short in bytes fits, a long
    // ASCII one does not; only the others are measured.
    let fits = if first.len() + b.len() <= budget {
        true
    } else if b.is_ascii() && first.is_ascii() {
        false
    } else {
        width(first) + width(text) <= budget
    };
    if fits && !has_newline(b) {
        push_trimmed(out, first, text);
        return;
    }
    // Units: text between breakable single spaces (not inside `<…>`); a
    // unit that may not start a line is glued to the one before, and the
    // space between them is no break. A line takes whole groups of units
    // while they fit (the first group of the text even when it does not).
    let ascii = b.is_ascii();
    if !b.contains(&b'<') {
        wrap_lookback_into(out, text, first, rest, budget, ascii);
        return;
    }
    // One pass: `col` is the width of `text[..k]`, and each allowed break
    // is placed as it is met.
    let mut line = Line {
        out,
        text,
        prefix: first,
        prefix_width: width(first),
        rest,
        budget,
        start: 0,
        start_col: 0,
        end: None,
    };
    let mut angle = false;
    let mut col = 0;
    for (k, &c) in b.iter().enumerate() {
        match c {
            b'<' => angle = true,
            b'>' => angle = false,
            b' ' if !angle
                && k > 0
                && b[k - 1] != b' '
                && b.get(k + 1).is_some_and(|&n| n != b' ')
                && break_allowed(text, k) =>
            {
                line.place(k, col);
            }
            _ => {}
        }
        col += if ascii {
            1
        } else {
            usize::from(c & 0xC0 != 0x80) + usize::from(c >= 0xF0)
        };
    }
    line.place(b.len(), col);
    push_trimmed(line.out, line.prefix, &text[line.start..]);
}

/// [`wrap_into`] of text whose only Markdown is code spans (a command): there
/// `<` and `>` are text, not the bounds of a link or of HTML, so any single
/// space may end a line (but one before a word that would start a block).
fn wrap_code_into(out: &mut String, text: &str, first: &str, rest: &str) {
    let b = text.as_bytes();
    if !b.contains(&b'<') || (width(first) + width(text) <= WIDTH && !has_newline(b)) {
        wrap_into(out, text, first, rest, WIDTH);
    } else {
        wrap_lookback_into(out, text, first, rest, WIDTH, b.is_ascii());
    }
}

/// [`wrap_into`] of text without `<` (so never inside `<…>`): each line
/// ends at the last break that fits, found by looking back from the line's
/// last column rather than at every byte. `ascii`: whether `text` is ASCII
/// (then a column is a byte).
fn wrap_lookback_into(
    out: &mut String,
    text: &str,
    first: &str,
    rest: &str,
    budget: usize,
    ascii: bool,
) {
    let b = text.as_bytes();
    // A breakable space, where [`break_allowed`] lets the line end.
    let is_break = |k: usize| {
        b[k] == b' '
            && k > 0
            && b[k - 1] != b' '
            && b.get(k + 1).is_some_and(|&n| n != b' ')
            && break_allowed(text, k)
    };
    let mut start = 0;
    let mut prefix = first;
    loop {
        // The columns left after the prefix (none when it is too wide), and
        // `limit`: the groups on the line must end by there. `None`: the
        // rest of the text fits.
        let room = budget.checked_sub(width(prefix));
        let limit = match room {
            Some(room) if ascii => Some(start + room).filter(|&l| l < b.len()),
            Some(room) => {
                // The first byte whose character does not fit.
                let mut col = 0;
                b[start..]
                    .iter()
                    .position(|&c| {
                        col += usize::from(c & 0xC0 != 0x80) + usize::from(c >= 0xF0);
                        col > room
                    })
                    .map(|k| start + k)
            }
            None => Some(start),
        };
        let Some(limit) = limit else {
            break;
        };
        let last_fit = (start + 1..=limit.min(b.len().saturating_sub(1)))
            .rev()
            .find(|&k| is_break(k));
        let Some(end) = last_fit.or_else(|| (limit.max(start) + 1..b.len()).find(|&k| is_break(k)))
        else {
            break;
        };
        push_trimmed(out, prefix, &text[start..end]);
        out.push('\n');
        start = end + 1;
        prefix = rest;
    }
    push_trimmed(out, prefix, &text[start..]);
}

/// Whether byte `k` of `b` is escaped: after an odd number of backslashes.
fn escaped(b: &[u8], k: usize) -> bool {
    b[..k].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1
}

/// Whether [`wrap_into`] may break `text` at its breakable space `k`: not
/// after an odd number of backslashes (a hard line break, or an escaped
/// space), nor before a unit that would start a block.
fn break_allowed(text: &str, k: usize) -> bool {
    let b = text.as_bytes();
    if escaped(b, k) {
        return false;
    }
    match b[k + 1] {
        b'>' | b'#' | b'|' | b'<' => false,
        b'-' | b'+' | b'*' | b'=' | b'_' | b'`' | b'~' | b'0'..=b'9' => {
            // The unit: up to the next breakable space.
            let mut angle = false;
            let mut end = b.len();
            for (j, &c) in b.iter().enumerate().skip(k + 1) {
                match c {
                    b'<' => angle = true,
                    b'>' => angle = false,
                    b' ' if !angle
                        && b[j - 1] != b' '
                        && b.get(j + 1).is_some_and(|&n| n != b' ') =>
                    {
                        end = j;
                        break;
                    }
                    _ => {}
                }
            }
            !starts_block(&text[k + 1..end])
        }
        // [`starts_block`] of a unit starting with anything else.
        _ => true,
    }
}

/// The line [`wrap_into`] is filling: `text[start..]` up to the last group
/// placed on it (`end`).
struct Line<'o, 't> {
    out: &'o mut String,
    text: &'t str,
    /// Before the line: `first`, then `rest`.
    prefix: &'t str,
    prefix_width: usize,
    rest: &'t str,
    budget: usize,
    /// Where the line starts in `text`, and the width of `text[..start]`.
    start: usize,
    start_col: usize,
    /// Where the last group placed on the line ends, and the width of the
    /// text up to there (none placed yet: `None`).
    end: Option<(usize, usize)>,
}

impl Line<'_, '_> {
    /// Places the group ending at `e` (`col`: the width of `text[..e]`): on
    /// this line if it fits, otherwise the line is written and the group
    /// starts the next.
    fn place(&mut self, e: usize, col: usize) {
        if let Some((end, end_col)) = self.end {
            if self.prefix_width + (col - self.start_col) > self.budget {
                push_trimmed(self.out, self.prefix, &self.text[self.start..end]);
                self.out.push('\n');
                self.prefix = self.rest;
                self.prefix_width = width(self.rest);
                // After the single space at `end`.
                self.start = end + 1;
                self.start_col = end_col + 1;
            }
        }
        self.end = Some((e, col));
    }
}

/// A description that is one plain paragraph: lines of printable ASCII,
/// each starting with a letter (no block marker, no indent, no blank line)
/// and none but the last ending with a space, with none of the characters
/// [`inline_markdown`] changes. Its text without trailing spaces and line
/// breaks ([`markdown`] wraps each of its lines as it is), and whether every
/// line is at most 80 bytes long (then wrapping leaves the text as it is).
fn plain_paragraph(text: &str) -> Option<(&str, bool)> {
    let text = text.trim_end_matches([' ', '\n']);
    let b = text.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    // One pass: the checks above and [`inline_special`]'s.
    let mut line_start = 0;
    let mut short = true;
    for (k, &c) in b.iter().enumerate() {
        if PLAIN_TEXT[usize::from(c)] {
            continue;
        }
        match c {
            b'\n' => {
                if b[k - 1] == b' ' || !b.get(k + 1).is_some_and(u8::is_ascii_alphabetic) {
                    return None;
                }
                short &= k - line_start <= WIDTH;
                line_start = k + 1;
            }
            // Printable ASCII that may be special: ask as `inline_special`.
            b' '..0x7f if !special_at(b, k) => {}
            _ => return None,
        }
    }
    short &= b.len() - line_start <= WIDTH;
    Some((text, short))
}

/// The bytes [`plain_paragraph`] passes without a second look: printable
/// ASCII but the characters [`inline_special`] looks at
/// ([`MAY_BE_SPECIAL`]).
const PLAIN_TEXT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = b' ';
    while b < 0x7f {
        t[b as usize] = !MAY_BE_SPECIAL[b as usize];
        b += 1;
    }
    t
};

/// A line as [`str::lines`] gives it: without its `\n` and a `\r` before it.
fn strip_line_end(line: &str) -> &str {
    match line.strip_suffix('\n') {
        Some(l) => l.strip_suffix('\r').unwrap_or(l),
        None => line,
    }
}

/// `text.lines().next().unwrap_or_default()`, by bytes.
fn first_line(text: &str) -> &str {
    match text.bytes().position(|c| c == b'\n') {
        Some(p) => strip_line_end(&text[..=p]),
        None => text,
    }
}

/// `text.lines().rev().find(|l| !l.starts_with(' ')).unwrap_or_default()`,
/// by bytes.
fn last_unindented_line(text: &str) -> &str {
    // The lines with their `\n`: a trailing `\n` ends the last one.
    let mut end = text.len();
    while end > 0 {
        let body = if text.as_bytes()[end - 1] == b'\n' {
            end - 1
        } else {
            end
        };
        let start = text.as_bytes()[..body]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        let line = strip_line_end(&text[start..end]);
        if !line.starts_with(' ') {
            return line;
        }
        end = start;
    }
    ""
}

// ---------------------------------------------------------------------------
// Descriptions: Markdown passed through, normalised.

/// An open list item: where its marker and content were, and are now.
#[derive(Debug, Clone, Copy)]
struct OpenItem {
    /// Content column in the input.
    old: usize,
    /// Content column in the output.
    new: usize,
    /// `-` for a bullet, `.` or `)` for an ordered item: a list of another
    /// kind is another list.
    kind: char,
}

/// What a line of a description is.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Blank,
    Fence,
    Heading,
    Thematic,
    Quote,
    Item,
    Text,
}

/// Normalises a description (Markdown) to sit in the document below a
/// heading of `level`, so that it keeps the document's structure and passes
/// markdownlint's default rules where that can be done without changing what
/// it says:
///
/// - tabs expanded, control characters and trailing spaces removed (two
///   trailing spaces, a hard break, become a backslash);
/// - ATX and setext headings become ATX headings below `level`, nested as
///   written but never skipping a level (MD001, MD003), without trailing
///   punctuation (MD026), made unique with `(unique)` (MD024);
/// - code fences closed (an unclosed one would swallow the rest of the
///   document), with backticks and a language (`text` where none: MD040,
///   MD048); indented code blocks fenced (MD046);
/// - blank lines around headings, fences, quotes, tables, thematic breaks and
///   lists (MD022, MD031, MD032, MD058), never two in a row (MD012);
/// - bullets as `-` (MD004), one space after list markers (MD030), nested
///   lists at their parent's content column (MD005, MD007);
/// - thematic breaks as `---` (MD035);
/// - paragraph, list and quote lines wrapped at 80 columns (MD013);
/// - raw HTML escaped (MD033), bare URLs and e-mail addresses put in `<…>`
///   and `www.` escaped (MD034), `#` starting a line of text escaped (MD018).
fn markdown(text: &str, level: usize, unique: &str, doc: &mut Doc, budget: usize) -> String {
    let out = String::with_capacity(text.len() + text.len() / 8 + 16);
    markdown_into(out, text, level, unique, doc, budget)
}

/// [`markdown`], appended to `out` (which is given back).
fn markdown_into(
    out: String,
    text: &str,
    level: usize,
    unique: &str,
    doc: &mut Doc,
    budget: usize,
) -> String {
    let mut md = Md {
        out,
        any_line: false,
        pending_blank: false,
        run: None,
        items: Vec::new(),
        para: false,
        after_blank: true,
        heading_stack: Vec::new(),
        level,
        unique,
        budget,
        inline: Vec::new(),
        inline_base: 0,
    };
    let text: Cow<'_, str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let lines: Vec<Cow<'_, str>> = text
        .split('\n')
        .map(|l| {
            // Printable ASCII has no control characters or tabs.
            if l.bytes().all(|c| (b' '..0x7f).contains(&c)) {
                Cow::Borrowed(l)
            } else {
                Cow::Owned(expand_tabs(&replace_controls(l)))
            }
        })
        .collect();
    md.run(&lines, doc);
    md.out
}

/// The lines of a description, tabs expanded and control characters
/// replaced.
type Lines<'t> = [Cow<'t, str>];

struct Md<'u> {
    /// The lines written so far, with single blank lines where blanks were
    /// asked for, none at either end.
    out: String,
    /// Whether a line was written.
    any_line: bool,
    /// Whether a blank line was asked for since the last line.
    pending_blank: bool,
    /// The state before the lines written since the last blank was asked
    /// for: (length of `out`, `any_line`, `pending_blank`).
    run: Option<(usize, bool, bool)>,
    /// Open list items, outermost first.
    items: Vec<OpenItem>,
    /// Whether the last line was paragraph text (a line may continue it).
    para: bool,
    /// Whether the last line was blank (or there was none).
    after_blank: bool,
    /// Headings seen: (level written, level in the document).
    heading_stack: Vec<(usize, usize)>,
    /// The level of the heading the description stands under.
    level: usize,
    unique: &'u str,
    budget: usize,
    /// The inline Markdown of the coming lines of the current paragraph, by
    /// line index from `inline_base`.
    inline: Vec<Option<String>>,
    inline_base: usize,
}

/// `n` spaces.
fn spaces(n: usize) -> Cow<'static, str> {
    const SPACES: &str = "                                                                ";
    match SPACES.get(..n) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(" ".repeat(n)),
    }
}

fn indent_of(line: &str) -> usize {
    line.chars().take_while(|&c| c == ' ').count()
}

/// A fence opener: the fence character, its length, and the info string.
fn fence_open(content: &str) -> Option<(char, usize, &str)> {
    let c = content.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = content.chars().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    let info = content[n..].trim();
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((c, n, info))
}

/// An ATX heading: its level and text (closing `#`s removed).
fn atx_heading(content: &str) -> Option<(usize, &str)> {
    let n = content.chars().take_while(|&c| c == '#').count();
    if n == 0 || n > 6 {
        return None;
    }
    let rest = &content[n..];
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    let mut text = rest.trim();
    // A closing sequence: spaces then `#`s at the end.
    let without = text.trim_end_matches('#');
    if without.is_empty() {
        text = "";
    } else if without.ends_with(' ') {
        text = without.trim_end();
    }
    Some((n, text))
}

fn is_thematic(content: &str) -> bool {
    let Some(c) = content.chars().next() else {
        return false;
    };
    if !matches!(c, '-' | '*' | '_') {
        return false;
    }
    content.chars().all(|x| x == c || x == ' ') && content.chars().filter(|&x| x == c).count() >= 3
}

/// A list item marker: (marker as written, ordered, starts with 1, content
/// after the marker and its spaces).
fn list_marker(content: &str) -> Option<(&str, bool, bool, &str)> {
    let first = content.chars().next()?;
    let (marker, ordered, one) = if matches!(first, '-' | '+' | '*') {
        (&content[..1], false, false)
    } else {
        let digits = content.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let delim = content[digits..].chars().next()?;
        if delim != '.' && delim != ')' {
            return None;
        }
        let number = &content[..digits];
        (
            &content[..=digits],
            true,
            number.trim_start_matches('0') == "1",
        )
    };
    let rest = &content[marker.len()..];
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    Some((marker, ordered, one, rest.trim_start()))
}

/// A GFM table delimiter row (`| --- | :-: |`).
fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    t.contains('|') && t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// A link reference definition (`[name]: destination`).
fn is_definition(content: &str) -> bool {
    content.starts_with('[')
        && content
            .find("]:")
            .is_some_and(|k| k > 1 && !content[1..k].contains(']'))
}

impl Md<'_> {
    fn line(&mut self, text: &str) {
        if self.run.is_none() {
            self.run = Some((self.out.len(), self.any_line, self.pending_blank));
        }
        if self.any_line {
            self.out.push('\n');
            if self.pending_blank {
                self.out.push('\n');
            }
        }
        self.out.push_str(text);
        self.any_line = true;
        self.pending_blank = false;
    }

    /// `text` wrapped (see [`wrap`]), as lines.
    fn wrapped(&mut self, text: &str, first: &str, rest: &str) {
        // As `line` does for the first line; the others follow it.
        self.line("");
        wrap_into(&mut self.out, text, first, rest, self.budget);
    }

    fn blank(&mut self) {
        self.pending_blank = true;
        self.run = None;
    }

    /// Takes back the lines written since the last blank was asked for:
    /// their text, trimmed, joined by spaces.
    fn take_run(&mut self) -> String {
        let Some((len, any_line, pending_blank)) = self.run.take() else {
            return String::new();
        };
        let start = if any_line {
            len + 1 + usize::from(pending_blank)
        } else {
            len
        };
        let text = self.out[start..]
            .split('\n')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        self.out.truncate(len);
        self.any_line = any_line;
        self.pending_blank = pending_blank;
        text
    }

    /// The output column of content at input column `n` in the innermost
    /// item that holds it (0 at the top level).
    fn column(&self, n: usize) -> usize {
        match self.items.last() {
            Some(item) if n >= item.old => item.new + (n - item.old),
            _ => 0,
        }
    }

    /// Closes the items that a line at input column `n` is not inside.
    /// Closes the items that a line at input column `n` is not inside;
    /// returns the outermost one closed.
    fn close_items(&mut self, n: usize) -> Option<OpenItem> {
        let mut closed = None;
        while self.items.last().is_some_and(|i| n < i.old) {
            closed = self.items.pop();
        }
        closed
    }

    fn kind(&self, line: &str) -> Kind {
        let content = line.trim_start();
        if content.is_empty() {
            return Kind::Blank;
        }
        let n = indent_of(line);
        // Four columns past the container is code (or a continuation).
        let container = self.items.last().map_or(0, |i| i.old);
        if n >= container + 4 {
            return Kind::Text;
        }
        if fence_open(content).is_some() {
            Kind::Fence
        } else if atx_heading(content).is_some() {
            Kind::Heading
        } else if is_thematic(content) {
            Kind::Thematic
        } else if content.starts_with('>') {
            Kind::Quote
        } else if list_marker(content).is_some() {
            Kind::Item
        } else {
            Kind::Text
        }
    }

    fn run(&mut self, lines: &Lines<'_>, doc: &mut Doc) {
        let mut k = 0;
        while k < lines.len() {
            k = self.step(lines, k, doc);
        }
    }

    /// Handles the line at `k` (and what belongs to it); returns the index of
    /// the next line to handle.
    fn step(&mut self, lines: &Lines<'_>, k: usize, doc: &mut Doc) -> usize {
        let line = &lines[k];
        let content = line.trim_start();
        let n = indent_of(line);
        let kind = self.kind(line);
        // Setext underline under a top-level paragraph.
        if self.para && !self.after_blank && self.items.is_empty() {
            let t = content.trim_end();
            if !t.is_empty()
                && (t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-'))
                && n < 4
            {
                let level = if t.starts_with('=') { 1 } else { 2 };
                let text = self.take_run();
                self.heading(level, &text, 0, doc);
                return k + 1;
            }
        }
        match kind {
            Kind::Blank => {
                self.blank();
                self.para = false;
                self.after_blank = true;
                k + 1
            }
            Kind::Fence => self.fence(lines, k),
            Kind::Heading => {
                self.close_items(n);
                let (level, text) = atx_heading(content).unwrap_or((1, ""));
                let col = self.column(n);
                self.heading(level, &inline_markdown(text), col, doc);
                k + 1
            }
            Kind::Thematic => {
                self.close_items(n);
                let col = self.column(n);
                self.blank();
                self.line(&format!("{}---", " ".repeat(col)));
                self.blank();
                self.para = false;
                self.after_blank = true;
                k + 1
            }
            Kind::Quote => self.quote(lines, k, doc),
            Kind::Item => self.item(lines, k),
            Kind::Text => self.text(lines, k),
        }
    }

    /// A heading written at `level` in the description, at output column
    /// `col`.
    fn heading(&mut self, level: usize, text: &str, col: usize, doc: &mut Doc) {
        let text = strip_heading_punctuation(text.trim());
        self.para = false;
        self.after_blank = true;
        if text.is_empty() {
            return;
        }
        while self
            .heading_stack
            .last()
            .is_some_and(|&(written, _)| written >= level)
        {
            self.heading_stack.pop();
        }
        let parent = self
            .heading_stack
            .last()
            .map_or(self.level, |&(_, new)| new);
        let new = (parent + 1).min(6);
        self.heading_stack.push((level, new));
        // Written through the document, which keeps headings unique.
        let indent = " ".repeat(col);
        let (shown, full) = doc.heading_parts(new, &text, Some(self.unique), self.budget, &indent);
        self.blank();
        self.line(&format!("{indent}{} {shown}", &"######"[..new]));
        self.blank();
        doc.mark_used(&shown);
        if full {
            let wrapped = wrap(
                &format!("Full title: {text}"),
                &indent,
                &indent,
                self.budget,
            );
            self.blank();
            for l in wrapped.split('\n') {
                self.line(l);
            }
            self.blank();
        }
    }

    fn fence(&mut self, lines: &Lines<'_>, k: usize) -> usize {
        let line = &lines[k];
        let n = indent_of(line);
        self.close_items(n);
        let col = self.column(n);
        let (c, len, info) = fence_open(line.trim_start()).unwrap_or(('`', 3, ""));
        let mut body = Vec::new();
        // Up to the closing fence, or the end of the description (an
        // unclosed fence is closed there: it must not swallow the document).
        let mut end = k + 1;
        while end < lines.len() {
            let l = &lines[end];
            let t = l.trim_start();
            if indent_of(l) < n + 4
                && t.starts_with(&c.to_string().repeat(len))
                && t.trim_end().chars().all(|x| x == c)
            {
                break;
            }
            // Remove up to the fence's own indentation, as CommonMark does.
            let strip = indent_of(l).min(n);
            body.push(l[strip..].trim_end().to_owned());
            end += 1;
        }
        let code = body.join("\n");
        let fence = if c == '`' {
            "`".repeat(len.max(longest_run(&code, '`') + 1).max(3))
        } else {
            fence_for(&code)
        };
        let info = if info.is_empty() { "text" } else { info };
        let pad = " ".repeat(col);
        self.blank();
        self.line(&format!("{pad}{fence}{info}"));
        for b in body {
            if b.is_empty() {
                self.line("");
            } else {
                self.line(&format!("{pad}{b}"));
            }
        }
        self.line(&format!("{pad}{fence}"));
        self.blank();
        self.para = false;
        self.after_blank = true;
        end + 1
    }

    fn quote(&mut self, lines: &Lines<'_>, k: usize, doc: &mut Doc) -> usize {
        let n = indent_of(&lines[k]);
        self.close_items(n);
        let col = self.column(n);
        let mut inner = Vec::new();
        let mut end = k;
        while end < lines.len() {
            let l = &lines[end];
            let t = l.trim_start();
            if let Some(rest) = t.strip_prefix('>') {
                inner.push(rest.strip_prefix(' ').unwrap_or(rest).to_owned());
            } else if t.is_empty() {
                // Two quotes with only blank lines between them are one quote
                // (markdownlint's MD028 forbids the blank line).
                let next = lines[end..].iter().position(|l| !l.trim().is_empty());
                let continues = next.is_some_and(|m| {
                    let l = &lines[end + m];
                    indent_of(l) == n && l.trim_start().starts_with('>')
                });
                if !continues {
                    break;
                }
                inner.push(String::new());
            } else if inner.last().is_some_and(|p: &String| !p.trim().is_empty())
                && inner.last().is_some_and(|p: &String| !p.trim().is_empty())
                && self.kind(l) == Kind::Text
            {
                // A lazy continuation line of the quoted paragraph.
                inner.push(t.to_owned());
            } else {
                break;
            }
            end += 1;
        }
        let prefix = format!("{}> ", " ".repeat(col));
        let level = self
            .heading_stack
            .last()
            .map_or(self.level, |&(_, new)| new);
        let text = markdown(
            &inner.join("\n"),
            level,
            self.unique,
            doc,
            self.budget.saturating_sub(width(&prefix)),
        );
        self.blank();
        for l in text.split('\n') {
            if l.is_empty() {
                self.line(prefix.trim_end());
            } else {
                self.line(&format!("{prefix}{l}"));
            }
        }
        self.blank();
        self.para = false;
        self.after_blank = true;
        end
    }

    fn item(&mut self, lines: &Lines<'_>, k: usize) -> usize {
        let line = &lines[k];
        let n = indent_of(line);
        let content = line.trim_start();
        let Some((marker, ordered, one, rest)) = list_marker(content) else {
            return self.text(lines, k);
        };
        // A new list may interrupt a paragraph only with a bullet or `1.`, and
        // not empty; otherwise the line is paragraph text.
        let new_list = self.items.last().is_none_or(|i| n >= i.old);
        if self.para && !self.after_blank && new_list && ((ordered && !one) || rest.is_empty()) {
            return self.text(lines, k);
        }
        let old_content = n + marker.len() + 1;
        let in_list = !self.items.is_empty();
        let kind = if ordered {
            marker.chars().last().unwrap_or('.')
        } else {
            '-'
        };
        let sibling = self.close_items(n);
        // A list needs a blank line before it (MD032), unless it is nested in
        // an item; a list of another kind right after a list is a new list.
        let other_kind = sibling.is_some_and(|s| s.kind != kind);
        if (!in_list || other_kind) && !self.after_blank {
            self.blank();
        }
        let col = self.items.last().map_or(0, |i| i.new);
        let marker = if ordered { marker } else { "-" };
        let new_content = col + marker.len() + 1;
        self.items.push(OpenItem {
            old: old_content,
            new: new_content,
            kind,
        });
        let first = format!("{}{marker} ", " ".repeat(col));
        let cont = " ".repeat(new_content);
        // An item whose text starts with another marker ("- + x") holds a
        // list: its bullets are dashes too.
        let mut nested = String::new();
        let mut rest = rest;
        while let Some(inner) = ["- ", "+ ", "* "].iter().find_map(|m| rest.strip_prefix(m)) {
            if is_thematic(rest) {
                break;
            }
            nested.push_str("- ");
            rest = inner.trim_start();
        }
        let first = format!("{first}{nested}");
        let cont = format!("{cont}{}", " ".repeat(nested.len()));
        if rest.is_empty() {
            self.line(first.trim_end());
            self.para = false;
        } else {
            let text = self.text_content(rest, lines, k);
            self.wrapped(&text, &first, &cont);
            self.para = true;
        }
        self.after_blank = false;
        k + 1
    }

    fn text(&mut self, lines: &Lines<'_>, k: usize) -> usize {
        let line = &lines[k];
        let n = indent_of(line);
        let content = line.trim_start();
        let lazy = self.para && !self.after_blank;
        if !lazy {
            let closed = self.close_items(n);
            // Text right after a list that it ends (MD032).
            if closed.is_some() && self.items.is_empty() && !self.after_blank {
                self.blank();
            }
        }
        let container = self.items.last().map_or(0, |i| i.old);
        // Indented code (after a blank line, four columns past its
        // container): fenced, as the rest of the document's code.
        if !lazy && n >= container + 4 {
            let new = self.items.last().map_or(0, |i| i.new);
            return self.indented_code(lines, k, container, new);
        }
        // A table: this line and a delimiter row under it.
        if !lazy && content.contains('|') && lines.get(k + 1).is_some_and(|l| is_delimiter_row(l)) {
            return self.table(lines, k);
        }
        if !lazy && is_definition(content) {
            let col = self.column(n);
            self.line(&format!("{}{}", " ".repeat(col), content.trim_end()));
            self.para = false;
            self.after_blank = false;
            return k + 1;
        }
        let col = self.items.last().map_or(0, |i| i.new);
        let mut text = self.text_content(content, lines, k);
        // Text that only looks like the start of a block where it stood (an
        // indented line, "2." after a paragraph) must not become one where
        // it is written now.
        // (A `<` left by `inline_markdown` starts an autolink, not HTML.)
        let first_word = text.split(' ').next().unwrap_or_default();
        if (starts_block(first_word) && !text.starts_with('<')) || text.starts_with('#') {
            let digits = text.chars().take_while(char::is_ascii_digit).count();
            text.insert(digits, '\\');
        }
        let pad = spaces(col);
        self.wrapped(&text, &pad, &pad);
        self.para = true;
        self.after_blank = false;
        k + 1
    }

    /// The inline Markdown of a line of text, with a hard break (two trailing
    /// spaces) written as a backslash when the paragraph goes on. The inline
    /// Markdown of a paragraph is read as a whole (a code span may run over a
    /// line break), when its first line comes, and kept for the others.
    fn text_content(&mut self, content: &str, lines: &Lines<'_>, k: usize) -> String {
        let trimmed = content.trim_end();
        let hard = content.len() - trimmed.len() >= 2 && self.continues(lines, k + 1);
        let kept = k
            .checked_sub(self.inline_base)
            .and_then(|m| self.inline.get_mut(m))
            .and_then(Option::take);
        let mut text = if let Some(text) = kept {
            text
        } else {
            let mut end = k + 1;
            while self.continues(lines, end)
                && !is_delimiter_row(&lines[end])
                && !lines.get(end + 1).is_some_and(|l| is_delimiter_row(l))
            {
                end += 1;
            }
            self.inline.clear();
            self.inline_base = k + 1;
            let mut joined = String::from(trimmed);
            for l in &lines[k + 1..end] {
                joined.push('\n');
                joined.push_str(l.trim());
            }
            if inline_special(&joined) {
                let joined = not_a_heading(inline_markdown(&joined));
                let mut processed = joined.split('\n').map(str::to_owned);
                let first = processed.next().unwrap_or_default();
                self.inline.extend(processed.map(Some));
                first
            } else {
                // Kept as it is: the lines as they were joined.
                let mut pieces = joined.split('\n').map(str::to_owned);
                let first = pieces.next().unwrap_or_default();
                self.inline.extend(pieces.map(Some));
                first
            }
        };
        if hard && !text.ends_with('\\') {
            text.push('\\');
        }
        text
    }

    /// Whether line `j` goes on with the paragraph before it.
    fn continues(&self, lines: &Lines<'_>, j: usize) -> bool {
        lines
            .get(j)
            .is_some_and(|next| !next.trim().is_empty() && self.kind(next) == Kind::Text)
    }

    /// An indented code block whose container's content starts at input
    /// column `old` (output column `new`), as a fenced block.
    fn indented_code(&mut self, lines: &Lines<'_>, k: usize, old: usize, new: usize) -> usize {
        let mut end = k;
        let mut body = Vec::new();
        while end < lines.len() {
            let l = &lines[end];
            if l.trim().is_empty() {
                body.push(String::new());
            } else if indent_of(l) >= old + 4 {
                body.push(l[old + 4..].trim_end().to_owned());
            } else {
                break;
            }
            end += 1;
        }
        while body.last().is_some_and(String::is_empty) {
            body.pop();
            end -= 1;
        }
        let code = body.join("\n");
        let fence = fence_for(&code);
        let pad = " ".repeat(new);
        self.blank();
        self.line(&format!("{pad}{fence}text"));
        for b in body {
            if b.is_empty() {
                self.line(&b);
            } else {
                self.line(&format!("{pad}{b}"));
            }
        }
        self.line(&format!("{pad}{fence}"));
        self.blank();
        self.para = false;
        self.after_blank = true;
        end
    }

    /// A GFM table, rewritten in the document's style: leading and trailing
    /// pipes, one space around each cell (MD055, MD060), as many cells in
    /// each row as in the header (MD056).
    fn table(&mut self, lines: &Lines<'_>, k: usize) -> usize {
        let n = indent_of(&lines[k]);
        let col = self.column(n);
        let pad = " ".repeat(col);
        self.blank();
        let columns = table_cells(&lines[k]).len();
        let mut end = k;
        while end < lines.len() {
            let l = &lines[end];
            let t = l.trim();
            if t.is_empty() || (end > k + 1 && (!t.contains('|') || self.kind(l) != Kind::Text)) {
                break;
            }
            let mut cells = table_cells(t);
            cells.resize(columns, String::new());
            let row: String = cells
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        " |".to_owned()
                    } else if end == k + 1 {
                        format!(" {c} |")
                    } else {
                        format!(" {} |", inline_markdown(c))
                    }
                })
                .collect();
            self.line(&format!("{pad}|{row}"));
            end += 1;
        }
        self.blank();
        self.para = false;
        self.after_blank = true;
        end
    }
}

/// The cells of a table row: split at pipes not escaped by a backslash (as
/// GFM does, inside code spans too), without the outer pipes, trimmed.
fn table_cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push(c);
                if let Some(next) = chars.next() {
                    cell.push(next);
                }
            }
            '|' => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    if row.starts_with('|') {
        cells.remove(0);
    }
    let escaped_end = row.ends_with("\\|") && !row.ends_with("\\\\|");
    if row.len() > 1 && row.ends_with('|') && !escaped_end {
        cells.pop();
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// Inline Markdown of a description kept as written, except: raw HTML is
/// escaped (`<` as `&lt;`), bare `http(s)://` URLs and e-mail addresses are
/// put in `<…>`, and `www.` is escaped. Code spans, autolinks, link
/// destinations and backslash escapes are left alone.
fn inline_markdown(text: &str) -> String {
    // Text without any of the characters and patterns handled below is kept
    // as it is.
    if !inline_special(text) {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let mut brackets = 0usize;
    // Whether a run of `*` (0) or `_` (1) that can open emphasis was seen.
    let mut openers = [false; 2];
    // Closing `_` runs of emphasis written with underscores, to be written
    // with asterisks: (position, length).
    let mut closers: Vec<(usize, usize)> = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        if let Some(k) = closers.iter().position(|&(at, _)| at == i) {
            let (_, len) = closers.remove(k);
            out.push_str(&"*".repeat(len));
            i += len;
            continue;
        }
        if c == '_' {
            if let Some((len, close)) = underscore_emphasis(&chars, i) {
                out.push_str(&"*".repeat(len));
                closers.push((close, len));
                i += len;
                continue;
            }
        }
        match c {
            '\\' => {
                out.push(c);
                if let Some(&n) = chars.get(i + 1) {
                    out.push(n);
                }
                i += 2;
                continue;
            }
            '`' => {
                // A code span: the same number of backticks closes it.
                let n = chars[i..].iter().take_while(|&&x| x == '`').count();
                let close = (i + n..chars.len()).find(|&j| {
                    chars[j..].iter().take_while(|&&x| x == '`').count() == n
                        && (j == 0 || chars[j - 1] != '`')
                });
                let end = close.map_or(i + n, |j| j + n);
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
            '<' => {
                if let Some(len) = autolink_len(&chars[i..]) {
                    out.extend(&chars[i..i + len]);
                    i += len;
                } else {
                    out.push_str("&lt;");
                    i += 1;
                }
                continue;
            }
            '[' => brackets += 1,
            ']' => {
                brackets = brackets.saturating_sub(1);
                if chars.get(i + 1) == Some(&'(') {
                    // A link destination and title: up to the matching `)`.
                    let mut depth = 0usize;
                    let mut j = i + 1;
                    while j < chars.len() {
                        match chars[j] {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            '\\' => j += 1,
                            _ => {}
                        }
                        j += 1;
                    }
                    let end = (j + 1).min(chars.len());
                    out.extend(&chars[i..end]);
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        let after_word = prev.is_some_and(char::is_alphanumeric);
        // GFM (and markdownlint's MD034) takes `http://` for a link after
        // anything but an ASCII letter: after `é` or a digit too.
        if brackets == 0 && !prev.is_some_and(|p| p.is_ascii_alphabetic()) {
            if let Some(len) = bare_url_len(&chars[i..]) {
                out.push('<');
                out.extend(&chars[i..i + len]);
                out.push('>');
                i += len;
                continue;
            }
        }
        // (A URL was tried just above: not after a word means not after an
        // ASCII letter.)
        if !after_word && brackets == 0 {
            if let Some(len) = email_len(&chars[i..]) {
                out.push('<');
                out.extend(&chars[i..i + len]);
                out.push('>');
                i += len;
                continue;
            }
            if chars.len() >= i + 4
                && chars[i..i + 4]
                    .iter()
                    .collect::<String>()
                    .eq_ignore_ascii_case("www.")
            {
                out.extend(&chars[i..i + 3]);
                out.push_str("\\.");
                i += 4;
                continue;
            }
        }
        if matches!(c, '*' | '_') {
            // A run of `*` or `_` between spaces is no emphasis; escaped, so
            // that markdownlint (MD037) does not take it for one.
            let run = chars[i..].iter().take_while(|&&x| x == c).count();
            let spaced_before = prev.is_none_or(char::is_whitespace);
            let spaced_after = chars.get(i + run).is_none_or(|n| n.is_whitespace());
            // A run that can only close (a blank after it) with no run of the
            // same character before it that could open is no emphasis
            // either: `Title*** )***Title` (MD037 would read `*** )***`).
            let orphan_closer = spaced_after && !openers[usize::from(c == '_')];
            if (spaced_before && spaced_after) || orphan_closer {
                for _ in 0..run {
                    out.push('\\');
                    out.push(c);
                }
                i += run;
                continue;
            }
            if !spaced_after {
                openers[usize::from(c == '_')] = true;
            }
        }
        if c == '@' {
            // Not an address we could make a link of: escaped, so that GitHub
            // does not make one either.
            out.push_str("\\@");
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A paragraph that is one emphasis and nothing else (`*Next steps*`), with
/// its markers escaped: markdownlint (MD036) takes it for a heading written
/// as emphasis. Ending in punctuation, it is a sentence and is kept.
fn not_a_heading(text: String) -> String {
    let Some(c @ ('*' | '_')) = text.chars().next() else {
        return text;
    };
    let run = text.chars().take_while(|&x| x == c).count();
    let marker = &text[..run];
    let Some(inner) = text[run..].strip_suffix(marker) else {
        return text;
    };
    let emphasis_only = run <= 3
        && !inner.is_empty()
        && !inner.contains(['\n', c])
        && !inner.starts_with(char::is_whitespace)
        && !inner.ends_with(char::is_whitespace)
        && !inner.ends_with(['.', ',', ';', ':', '!', '?', '\\']);
    if !emphasis_only {
        return text;
    }
    let escaped: String = marker.chars().flat_map(|m| ['\\', m]).collect();
    format!("{escaped}{inner}{escaped}")
}

/// Whether `text` has any of the characters and patterns
/// [`inline_markdown`] changes (otherwise it keeps the text as it is).
fn inline_special(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).any(|k| special_at(b, k))
}

/// The bytes [`inline_special`] looks at: some always special, `:` and
/// `w` only in `://` and `www.` (see [`special_at`]).
const MAY_BE_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let bytes = b"_\\`<[]*@:wW";
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
};

/// Whether byte `k` of `b` starts something [`inline_markdown`] changes.
fn special_at(b: &[u8], k: usize) -> bool {
    match b[k] {
        b':' => b[k + 1..].starts_with(b"//"),
        b'w' | b'W' => b
            .get(k..k + 4)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"www.")),
        c => MAY_BE_SPECIAL[usize::from(c)],
    }
}

/// Emphasis written with underscores that starts at `i` (`_em_`, `__strong__`,
/// `___both___` within one line, with no `*` inside): the length of the run
/// and where its closing run starts. The document writes emphasis with
/// asterisks only (markdownlint's MD049, MD050).
fn underscore_emphasis(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let len = chars[i..].iter().take_while(|&&c| c == '_').count();
    if len > 3 {
        return None;
    }
    let flanking = |c: Option<&char>| c.is_none_or(|c| !c.is_alphanumeric());
    let before = i.checked_sub(1).and_then(|p| chars.get(p));
    let after = chars.get(i + len);
    if !flanking(before) || after.is_none_or(|c| c.is_whitespace()) {
        return None;
    }
    let mut j = i + len;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 1,
            '`' | '*' => return None,
            '_' => {
                let run = chars[j..].iter().take_while(|&&c| c == '_').count();
                let inside = chars[j - 1];
                if run == len && !inside.is_whitespace() && flanking(chars.get(j + len)) {
                    return Some((len, j));
                }
                j += run;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// The length of an autolink (`<https://…>`, `<a@b.c>`) at the start.
fn autolink_len(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|&c| c == '>')?;
    let inner: String = chars[1..close].iter().collect();
    if inner.is_empty()
        || inner
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c.is_control())
    {
        return None;
    }
    let scheme = inner.split(':').next().unwrap_or_default();
    let is_uri = inner.contains(':')
        && (2..=32).contains(&scheme.len())
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    let is_email = email_len(&chars[1..close]) == Some(close - 1);
    (is_uri || is_email).then_some(close + 1)
}

/// The length of a bare `http://` or `https://` URL at the start, without
/// trailing punctuation (as GitHub reads one).
fn bare_url_len(chars: &[char]) -> Option<usize> {
    let head: String = chars
        .iter()
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme = if head.starts_with("https://") {
        8
    } else if head.starts_with("http://") {
        7
    } else {
        return None;
    };
    let mut end = chars
        .iter()
        .position(|&c| c.is_whitespace() || matches!(c, '<' | '>' | '`' | '|' | '"' | '\\'))
        .unwrap_or(chars.len());
    while let Some(&last) = chars[..end].last() {
        if matches!(
            last,
            '?' | '!' | '.' | ',' | ':' | '*' | '_' | '~' | '\'' | ';'
        ) {
            end -= 1;
        } else if last == ')' {
            let open = chars[..end].iter().filter(|&&c| c == '(').count();
            let close = chars[..end].iter().filter(|&&c| c == ')').count();
            if close > open {
                end -= 1;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    (end > scheme).then_some(end)
}

/// The length of an e-mail address at the start (`name@domain.tld`), without
/// a trailing full stop.
fn email_len(chars: &[char]) -> Option<usize> {
    let local = chars
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
        .count();
    if local == 0 || chars.get(local) != Some(&'@') {
        return None;
    }
    let domain_start = local + 1;
    let mut end = domain_start
        + chars[domain_start..]
            .iter()
            .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .count();
    while end > domain_start && matches!(chars[end - 1], '.' | '-' | '_') {
        end -= 1;
    }
    let domain: String = chars[domain_start..end].iter().collect();
    let labels: Vec<&str> = domain.split('.').collect();
    (labels.len() >= 2 && labels.iter().all(|l| !l.is_empty())).then_some(end)
}

#[cfg(test)]
mod tests {

    #[test]
    fn line_helpers_read_lines_as_str_lines_does() {
        let cases = [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\n\n",
            " a",
            " a\nb",
            "b\n a",
            "b\n a\n",
            "a\r",
            "a\r\n",
            "a\r\n b\r\n",
            "x\r\n\r\n c",
            " a\n b",
            "- x\n  y\n  z",
            "\r",
            "\r\n",
            " \r\n",
            "a\n\r",
            "q\n \n",
            "\n a",
            "\n\nb\n",
        ];
        for c in cases {
            assert_eq!(first_line(c), c.lines().next().unwrap_or_default(), "{c:?}");
            assert_eq!(
                last_unindented_line(c),
                c.lines()
                    .rev()
                    .find(|l| !l.starts_with(' '))
                    .unwrap_or_default(),
                "{c:?}"
            );
        }
    }
    use super::*;

    #[test]
    fn escape_inline_neutralises_markdown() {
        assert_eq!(escape_inline("plain title"), "plain title");
        assert_eq!(escape_inline("a | b"), "a \\| b");
        assert_eq!(escape_inline("# not a heading"), "\\# not a heading");
        assert_eq!(escape_inline("C# and F #"), "C# and F \\#");
        assert_eq!(escape_inline("> quote"), "\\> quote");
        assert_eq!(escape_inline("- item"), "\\- item");
        assert_eq!(escape_inline("+ item"), "\\+ item");
        assert_eq!(escape_inline("1. item"), "1\\. item");
        assert_eq!(escape_inline("12) item"), "12\\) item");
        assert_eq!(escape_inline("2024 plan"), "2024 plan");
        assert_eq!(escape_inline("1.3"), "1.3");
        assert_eq!(escape_inline("-x and --- y"), "-x and --- y");
        assert_eq!(escape_inline("--- y"), "\\--- y");
        assert_eq!(escape_inline("go to www"), "go to &#119;ww");
        assert_eq!(
            escape_inline("<script>alert(1)</script>"),
            "&lt;script>alert(1)&lt;/script>"
        );
        assert_eq!(
            escape_inline("R&D &amp; &#35; &x"),
            "R&D &amp;amp; &amp;#35; &x"
        );
        assert_eq!(
            escape_inline("`code` *em* _em_ [x](y)"),
            "\\`code\\` \\*em\\* \\_em\\_ \\[x\\](y)"
        );
        assert_eq!(
            escape_inline("follow_up and snake_case_"),
            "follow_up and snake_case\\_"
        );
        assert_eq!(escape_inline("a\\b ~x~"), "a\\\\b \\~x\\~");
        assert_eq!(escape_inline("line\none\t two\r\n"), "line one two");
        assert_eq!(
            escape_inline("see https://x.com or www.y.com, a@b.com"),
            "see https\\://x.com or www\\.y.com, a\\@b.com"
        );
        assert_eq!(escape_inline("= sign"), "\\= sign");
        assert_eq!(escape_inline("Zoë 🎉 — ok"), "Zoë 🎉 — ok");
        assert_eq!(escape_inline(""), "");
    }

    /// What random workflows of hostile text showed markdownlint rejecting.
    #[test]
    fn markdownlint_edge_cases() {
        // MD020: every trailing `#` of a heading escaped, even after `\#`.
        let closed = |t: &str| escape_closing_hashes(Cow::Borrowed(t)).into_owned();
        assert_eq!(closed("Step \\##"), "Step \\#\\#");
        assert_eq!(closed("x##"), "x\\#\\#");
        assert_eq!(closed("x\\#"), "x\\#");
        assert_eq!(closed("a\\\\#"), "a\\\\\\#");
        assert_eq!(closed("no hash"), "no hash");
        // MD026: punctuation before a control character still goes.
        assert_eq!(heading_text("Call the lead:\u{7}"), "Call the lead");
        assert_eq!(heading_text("step !\u{7f}"), "step");
        // MD030, MD032: a word that starts a block, whatever spaces follow.
        assert!(starts_block("1.  client"));
        assert!(starts_block("-  client"));
        assert!(starts_block("*\tx"));
        assert!(!starts_block("1.5 x"));
        assert_eq!(wrap("aaaa 1.  b", "", "", 6), "aaaa 1.  b");
        // MD033: `<…>` only around a destination with a scheme.
        assert_eq!(link("here", Some("https://a.b/")), "here: <https://a.b/>");
        assert_eq!(link("here", Some("docs/x")), "here: `docs/x`");
        assert!(is_autolink("mailto:a@b.c") && !is_autolink("here") && !is_autolink("a:b"));
        // MD013: a chart label word longer than a line stands on its own line.
        let long = "x".repeat(90);
        assert_eq!(
            wrap_chart_line(&format!("  s1[\"a {long} b\"]")),
            format!("  s1[\"a\n{long}\nb\"]")
        );
    }

    #[test]
    fn headings_lose_trailing_punctuation() {
        assert_eq!(heading_text("Call the lead."), "Call the lead");
        assert_eq!(heading_text("Done!!! :"), "Done");
        assert_eq!(heading_text("Why?"), "Why?");
        assert_eq!(heading_text("..."), "");
    }

    #[test]
    fn fits_follows_markdownlint() {
        assert!(fits(&"x".repeat(80)));
        assert!(!fits(&format!("{} {} z", "x".repeat(40), "y".repeat(40))));
        // The last word may run past the limit when it starts within it.
        assert!(fits(&format!("{} {}", "x".repeat(10), "y".repeat(100))));
        assert!(!fits(&format!("{} {}", "x".repeat(80), "y")));
        // UTF-16 units: an emoji counts twice.
        assert!(!fits(&format!("{} {}", "🎉".repeat(40), "y")));
    }

    #[test]
    fn wrap_breaks_at_80_and_never_before_a_block_marker() {
        let text = "word ".repeat(40);
        let wrapped = wrap(text.trim(), "- ", "  ", WIDTH);
        assert!(wrapped.lines().all(|l| width(l) <= WIDTH));
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("  word")));
        let tricky = format!("{} - 1. # > | = not markers", "a".repeat(74));
        let wrapped = wrap(&tricky, "", "", WIDTH);
        for l in wrapped.lines().skip(1) {
            assert!(!starts_block(l), "{l:?}");
        }
        // A long word stands alone.
        let long = format!("see {}", "u".repeat(100));
        assert_eq!(
            wrap(&long, "", "", WIDTH),
            format!("see\n{}", "u".repeat(100))
        );
        // No break inside `<…>`, nor after a backslash.
        let angle = format!("{} <a b c d e f g h>", "x".repeat(70));
        assert!(wrap(&angle, "", "", WIDTH).contains("<a b c d e f g h>"));
    }

    #[test]
    fn number_ranges_read_well() {
        assert_eq!(number_ranges(&[1]), "1");
        assert_eq!(number_ranges(&[1, 2]), "1 and 2");
        assert_eq!(
            number_ranges(&[1, 2, 3, 5, 7, 8, 9, 10]),
            "1 to 3, 5 and 7 to 10"
        );
    }

    #[test]
    fn links_escape_their_title_and_url() {
        assert_eq!(
            link("Zoho CRM", Some("https://www.zoho.com/crm/")),
            "[Zoho CRM](https://www.zoho.com/crm/)"
        );
        assert_eq!(
            link("A [b]", Some("https://x.y/a b(c)")),
            "[A \\[b\\]](https://x.y/a%20b%28c%29)"
        );
        assert_eq!(link("Phone", None), "Phone");
        assert_eq!(link("Here", Some("https://x.y")), "Here: <https://x.y>");
        assert_eq!(link("Wiki", Some("#nowhere")), "Wiki");
    }

    fn md(text: &str) -> String {
        let mut doc = Doc::default();
        markdown(text, 3, "step 1", &mut doc, WIDTH)
    }

    #[test]
    fn descriptions_keep_the_structure() {
        assert_eq!(md("# Notes\nSome text."), "#### Notes\n\nSome text.");
        assert_eq!(md("## A\n### B\n## C"), "#### A\n\n##### B\n\n#### C");
        assert_eq!(md("Title\n=====\ntext"), "#### Title\n\ntext");
        assert_eq!(
            md("Steps:\n* one\n* two\n    * nested"),
            "Steps:\n\n- one\n- two\n  - nested"
        );
        assert_eq!(md("```\nopen fence"), "```text\nopen fence\n```");
        assert_eq!(md("~~~\na ``` b\n~~~"), "````text\na ``` b\n````");
        assert_eq!(
            md("para\n\n    code\n\nmore"),
            "para\n\n```text\ncode\n```\n\nmore"
        );
        assert_eq!(md("a\n\n\n\nb"), "a\n\nb");
        assert_eq!(
            md("x <b>bold</b> `<kept>` <https://a.b>"),
            "x &lt;b>bold&lt;/b> `<kept>` <https://a.b>"
        );
        assert_eq!(
            md("see https://a.b/c. or jo@x.org."),
            "see <https://a.b/c>. or <jo@x.org>."
        );
        assert_eq!(
            md("[site](https://a.b) www.c.d"),
            "[site](https://a.b) www\\.c.d"
        );
        assert_eq!(md("#hashtag"), "\\#hashtag");
        assert_eq!(md("hard  \nbreak"), "hard\\\nbreak");
        assert_eq!(md("***"), "---");
        assert_eq!(md("text\n2. not a list"), "text\n2\\. not a list");
        // Paragraph text indented like code stays text, not a nested list.
        assert_eq!(md("- a\n      - b"), "- a\n  \\- b");
        assert_eq!(md("> quoted\n> # head"), "> quoted\n>\n> #### head");
    }

    #[test]
    fn description_lines_are_wrapped() {
        let long = format!("{} end.", "word ".repeat(30).trim());
        let out = md(&format!("- {long}\n\n{long}"));
        assert!(out.lines().all(|l| width(l) <= WIDTH), "{out}");
        assert!(out.lines().nth(1).is_some_and(|l| l.starts_with("  word")));
    }

    /// The text functions as they were before they were made faster: the new
    /// ones must give the same bytes.
    mod reference {
        use super::super::{WIDTH, starts_block};

        // `  class a,b,c name` as several `class` statements of at most 80
        // columns (each assigns the class to its nodes, so together they do
        // the same).
        pub(super) fn old_split_class_statement(line: &str) -> Option<String> {
            let indent = &line[..line.len() - line.trim_start().len()];
            let rest = line.trim_start().strip_prefix("class ")?;
            let (ids, name) = rest.split_once(' ')?;
            if name.contains(' ') || ids.is_empty() {
                return None;
            }
            let mut lines = Vec::new();
            let mut current: Vec<&str> = Vec::new();
            for id in ids.split(',') {
                let candidate = format!("{indent}class {},{id} {name}", current.join(","));
                if !current.is_empty() && width(&candidate) > WIDTH {
                    lines.push(format!("{indent}class {} {name}", current.join(",")));
                    current.clear();
                }
                current.push(id);
            }
            lines.push(format!("{indent}class {} {name}", current.join(",")));
            Some(lines.join("\n"))
        }

        // Escapes single-line text for any Markdown context (a heading, a table
        // cell, a list item, a sentence): whitespace runs (newlines included) become
        // one space; ``\ ` * [ ] | ~`` are backslash-escaped, and so is `_` unless it
        // stands between two letters or digits; `#` at the start or after a space;
        // `> - + =` and a number followed by `.` or `)` at the start (a quote, a
        // list, a setext underline); `<` becomes `&lt;` (no HTML), `&` becomes
        // `&amp;` where it would start an entity; `@`, the `:` of `://` and the `.`
        // of a leading `www.` are escaped, so that no bare URL or e-mail address is
        // made into a link (markdownlint's MD034).
        pub(super) fn old_escape_inline(text: &str) -> String {
            // Most titles need no escaping at all: words, single spaces and harmless
            // punctuation, none of the patterns handled below. Return those as they
            // are (the escaping below would give the same text, only slower).
            let plain = !text.is_empty()
                && !text.starts_with([' ', '-'])
                && !text.starts_with(|c: char| c.is_ascii_digit())
                && !text.ends_with(' ')
                && !text.contains("  ")
                && !text
                    .as_bytes()
                    .windows(3)
                    .any(|w| w.eq_ignore_ascii_case(b"www"))
                && text
                    .chars()
                    .all(|c| c.is_alphanumeric() || " ,.'\"()?!;/-".contains(c));
            if plain {
                return text.to_owned();
            }
            let chars: Vec<char> = text
                .split(|c: char| c.is_whitespace() || c.is_control() || c == '\u{feff}')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .collect();
            let mut out = String::with_capacity(chars.len() + 8);
            let mut i = 0;
            // A leading ordered-list marker: digits then `.` or `)`, then a space or
            // nothing ("1.3" is no marker).
            let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0
                && matches!(chars.get(digits), Some('.' | ')'))
                && matches!(chars.get(digits + 1), None | Some(' '))
            {
                out.extend(&chars[..digits]);
                out.push('\\');
                out.push(chars[digits]);
                i = digits + 1;
            }
            while i < chars.len() {
                let c = chars[i];
                let prev = i.checked_sub(1).map(|p| chars[p]);
                let next = chars.get(i + 1).copied();
                let at_start = i == 0;
                match c {
                    '\\' | '`' | '*' | '[' | ']' | '|' | '~' | '@' => {
                        out.push('\\');
                        out.push(c);
                    }
                    '_' => {
                        let inner = prev.is_some_and(char::is_alphanumeric)
                            && next.is_some_and(char::is_alphanumeric);
                        if !inner {
                            out.push('\\');
                        }
                        out.push('_');
                    }
                    '<' => out.push_str("&lt;"),
                    '&' => {
                        if old_starts_entity(&chars[i + 1..]) {
                            out.push_str("&amp;");
                        } else {
                            out.push('&');
                        }
                    }
                    '#' if at_start || prev == Some(' ') => out.push_str("\\#"),
                    '>' if at_start => out.push_str("\\>"),
                    // A bullet ("- "), a thematic break or setext underline ("---").
                    '-' | '+' | '='
                        if at_start && (matches!(next, None | Some(' ')) || next == Some(c)) =>
                    {
                        out.push('\\');
                        out.push(c);
                    }
                    ':' if next == Some('/') && chars.get(i + 2) == Some(&'/') => {
                        out.push_str("\\:");
                    }
                    // "www" ending the text: the sentence around it may put a `.`
                    // after it.
                    'w' | 'W'
                        if (at_start || prev.is_some_and(|p| !p.is_alphanumeric()))
                            && chars.len() == i + 3
                            && chars[i..]
                                .iter()
                                .collect::<String>()
                                .eq_ignore_ascii_case("www") =>
                    {
                        out.push_str(&format!("&#{};", u32::from(c)));
                        out.extend(&chars[i + 1..]);
                        i += 3;
                        continue;
                    }
                    'w' | 'W'
                        if (at_start || prev.is_some_and(|p| !p.is_alphanumeric()))
                            && chars.len() >= i + 4
                            && chars[i..i + 4]
                                .iter()
                                .collect::<String>()
                                .eq_ignore_ascii_case("www.") =>
                    {
                        out.extend(&chars[i..i + 3]);
                        out.push_str("\\.");
                        i += 4;
                        continue;
                    }
                    _ => out.push(c),
                }
                i += 1;
            }
            out
        }

        // Whether `rest` (after a `&`) makes an HTML entity: `#123;`, `#x1F;`,
        // `name;`.
        fn old_starts_entity(rest: &[char]) -> bool {
            let body = rest.strip_prefix(&['#']).unwrap_or(rest);
            let n = body
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            n > 0 && body.get(n) == Some(&';')
        }

        // Wraps `text` (one paragraph, lines already joined or one line of a
        // description) to `budget` columns: `first` before the first line, `rest`
        // before the others. Breaks only at single spaces, never before a word that
        // would start a block, after a backslash (a hard line break) or inside
        // `<…>`. A word longer than a line stands on a line of its own (markdownlint
        // allows that).
        pub(super) fn old_wrap(text: &str, first: &str, rest: &str, budget: usize) -> String {
            // Most lines fit: then wrapping would rejoin the same units with the same
            // single spaces, so the answer is the line itself.
            if !text.contains('\n') && width(first) + width(text) <= budget {
                return format!("{first}{text}").trim_end().to_owned();
            }
            // Units: text between breakable single spaces.
            let mut units: Vec<String> = Vec::new();
            let chars: Vec<char> = text.chars().collect();
            let mut current = String::new();
            let mut angle = false;
            for (k, &c) in chars.iter().enumerate() {
                if c == '<' {
                    angle = true;
                } else if c == '>' {
                    angle = false;
                }
                let breakable = c == ' '
                    && !angle
                    && k > 0
                    && chars[k - 1] != ' '
                    && chars.get(k + 1).is_some_and(|&n| n != ' ');
                if breakable {
                    units.push(std::mem::take(&mut current));
                } else {
                    current.push(c);
                }
            }
            units.push(current);
            // Glue units that may not start a line to the one before.
            let mut glued: Vec<String> = Vec::new();
            for unit in units {
                let must_glue = glued.last().is_some_and(|prev: &String| {
                    let backslashes = prev.chars().rev().take_while(|&c| c == '\\').count();
                    starts_block(&unit) || backslashes % 2 == 1
                });
                match glued.last_mut() {
                    Some(prev) if must_glue => {
                        prev.push(' ');
                        prev.push_str(&unit);
                    }
                    _ => glued.push(unit),
                }
            }
            let mut lines: Vec<String> = Vec::new();
            let mut line = String::new();
            // The width of `line`, kept as it grows (UTF-16 lengths add up).
            let mut line_width = 0;
            for unit in glued {
                let unit_width = width(&unit);
                if line.is_empty() {
                    line = format!("{first}{unit}");
                    line_width = width(first) + unit_width;
                    continue;
                }
                if line_width + 1 + unit_width <= budget {
                    line.push(' ');
                    line.push_str(&unit);
                    line_width += 1 + unit_width;
                } else {
                    lines.push(std::mem::take(&mut line));
                    line = format!("{rest}{unit}");
                    line_width = width(rest) + unit_width;
                }
            }
            if !line.is_empty() {
                lines.push(line);
            }
            lines
                .into_iter()
                .map(|l| l.trim_end().to_owned())
                .collect::<Vec<_>>()
                .join("\n")
        }

        fn width(s: &str) -> usize {
            s.encode_utf16().count()
        }
    }

    mod same_as_before {
        use super::reference::{old_escape_inline, old_split_class_statement, old_wrap};
        use super::{escape_inline, split_class_statement, wrap};
        use proptest::prelude::*;

        /// Text made of the pieces that matter to escaping and wrapping.
        fn text() -> impl Strategy<Value = String> {
            let pieces = prop::sample::select(vec![
                "a", "b", "Zz", "word", "www", "WwW.", "w", ".", "é", "中", "🎉", "ß", "\u{85}",
                "\u{a0}", "\u{feff}", "\u{2028}", "\u{7}", " ", "  ", "\t", "\n", "\r\n", "-", "+",
                "=", "*", "_", "#", ">", "<", "&", "&amp;", "&#35;", "&#x1F;", ";", "`", "~", "|",
                "\\", "[", "]", "(", ")", "!", "?", ",", ":", "://", "/", "@", "1", "12", "1.",
                "2)", "0", "---", "```", "- ", "1. ", "# ", "> ",
            ]);
            prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
        }

        /// ASCII text without `<`, which `wrap` wraps by looking back from
        /// each line's end.
        fn ascii_text() -> impl Strategy<Value = String> {
            let pieces = prop::sample::select(vec![
                "a",
                "b",
                "Zz",
                "word",
                "longerword",
                "w",
                ".",
                " ",
                " ",
                " ",
                "  ",
                "\t",
                "\n",
                "-",
                "+",
                "=",
                "*",
                "_",
                "#",
                ">",
                "&",
                ";",
                "`",
                "```",
                "~",
                "|",
                "\\",
                "\\\\",
                "[",
                "]",
                "(",
                ")",
                "!",
                ":",
                "1",
                "12",
                "1.",
                "2)",
                "0",
                "---",
                "- ",
                "1. ",
                "# ",
            ]);
            prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]

            #[test]
            fn ascii_wrap_is_unchanged(
                s in ascii_text(),
                first in prop::sample::select(vec!["", "- ", "  - ", "   ", "> ", " "]),
                rest in prop::sample::select(vec!["", "  ", "    ", "   ", "> "]),
                budget in prop::sample::select(vec![0usize, 1, 3, 5, 10, 20, 40, 80]),
            ) {
                prop_assert_eq!(wrap(&s, first, rest, budget), old_wrap(&s, first, rest, budget));
            }

            #[test]
            fn escape_inline_is_unchanged(s in text()) {
                prop_assert_eq!(escape_inline(&s), old_escape_inline(&s));
            }

            #[test]
            fn wrap_is_unchanged(
                s in text(),
                first in prop::sample::select(vec!["", "- ", "  - ", "   ", "> ", " "]),
                rest in prop::sample::select(vec!["", "  ", "    ", "   ", "> "]),
                budget in prop::sample::select(vec![0usize, 5, 10, 20, 40, 80]),
            ) {
                prop_assert_eq!(wrap(&s, first, rest, budget), old_wrap(&s, first, rest, budget));
            }

            #[test]
            fn class_statements_split_as_before(
                indent in "( {0,4}|\t)",
                ids in prop::collection::vec("(s[0-9]{1,4}|é{1,3}|🎉|)", 0..60),
                name in "(automated|a b|é|)",
            ) {
                let line = format!("{indent}class {} {name}", ids.join(","));
                prop_assert_eq!(split_class_statement(&line), old_split_class_statement(&line));
            }
        }
    }
}
