//! The Markdown format: a report to paste into a document or a pull request.
//! It passes markdownlint's default rules: lines of at most 80 characters,
//! one top-level heading first, no two headings alike, lists set apart by
//! blank lines.

use crate::model::time::describe_seconds;
use crate::render::escape_controls;

use super::Audit;
use super::findings::percent;
use crate::model::time::describe_hours as hours;

/// The widest line written.
pub const WIDTH: usize = 80;

/// The report in Markdown.
#[must_use]
pub fn render(audit: &Audit) -> String {
    let mut out = Writer::default();
    out.heading(1, "Audit");
    out.paragraph(&format!(
        "{}, {} and {}. Durations are plain time: 1d is 24 hours, 1w is 7 days. Hours per week count the takes of the manual steps a role owns, times the runs per week of their workflow; a role is overloaded above {} hours a week.",
        count(audit.workflows.len(), "workflow"),
        count(audit.roles.len(), "role"),
        count(audit.tools.len(), "tool"),
        hours(audit.overload_hours_per_week),
    ));
    out.heading(2, "Findings");
    if audit.findings.is_empty() {
        out.paragraph("No findings.");
    } else {
        let items: Vec<String> = audit
            .findings
            .iter()
            .map(|f| {
                let kind = f.kind.words();
                let mut first = kind.chars();
                let kind: String = first
                    .next()
                    .map(|c| c.to_uppercase().chain(first).collect())
                    .unwrap_or_default();
                format!("**{kind}**: {}.", escape_controls(&f.message))
            })
            .collect();
        out.numbered(&items);
    }
    out.heading(2, "Workflows");
    if audit.workflows.is_empty() {
        out.paragraph("No workflows.");
    }
    for w in &audit.workflows {
        let mut items = out.titled(&format!("Workflow `{}`", w.id), &w.title);
        items.extend([
            format!("File: `{}`", w.file),
            format!(
                "Steps: {} ({} manual, {} automated), {}, {}",
                w.steps,
                w.manual,
                w.automated,
                count(w.decisions, "decision"),
                count(w.rework_loops, "rework loop")
            ),
            format!(
                "Handoffs: {}, {} without a deadline",
                w.handoffs, w.handoffs_without_deadline
            ),
        ]);
        let lead = format!(
            "{}{}",
            if w.lead_time_is_lower_bound {
                "at least "
            } else {
                ""
            },
            describe_seconds(w.lead_time_s)
        );
        items.push(match (w.target_s, w.margin_s) {
            (Some(t), Some(m)) if m < 0 => format!(
                "Lead time: {lead}, target {}: missed by {}",
                describe_seconds(t),
                describe_seconds(m.unsigned_abs())
            ),
            (Some(t), Some(m)) => format!(
                "Lead time: {lead}, target {}: {} to spare",
                describe_seconds(t),
                describe_seconds(m.unsigned_abs())
            ),
            _ => format!("Lead time: {lead}, no target"),
        });
        if !w.critical_path.is_empty() {
            let path: Vec<String> = w.critical_path.iter().map(|s| format!("`{s}`")).collect();
            items.push(format!("Critical path: {}", path.join(" → ")));
        }
        items.push(match (&w.deadline_bound_s, &w.unbounded_at) {
            (Some(b), _) => format!("Deadline bound: {}", describe_seconds(*b)),
            (None, Some(s)) => format!("Deadline bound: unbounded, `{s}` has no `within`"),
            (None, None) => "Deadline bound: none, no steps".to_owned(),
        });
        items.push(match (w.runs_per_week, w.hours_per_week) {
            (Some(r), Some(h)) => format!(
                "Runs per week: {}, {} hours of manual work a week",
                hours(r),
                hours(h)
            ),
            _ => "Runs per week: unknown, no `every`".to_owned(),
        });
        out.bullets(&items);
    }
    out.heading(2, "Roles");
    if audit.roles.is_empty() {
        out.paragraph("No roles.");
    }
    for r in &audit.roles {
        let mut items = out.titled(&format!("Role `{}`", r.id), &r.title);
        let share = r
            .share
            .map(|s| format!(" ({} of all hours)", percent(s)))
            .unwrap_or_default();
        items.extend([
            format!(
                "Owns {} in {}",
                count(r.steps.len(), "step"),
                count(r.workflows.len(), "workflow")
            ),
            format!(
                "Hours per week: {}{share}{}",
                hours(r.hours_per_week),
                if r.overloaded {
                    ", over the threshold"
                } else {
                    ""
                }
            ),
        ]);
        if !r.steps_without_takes.is_empty() {
            items.push(format!(
                "Left out of its hours, no `takes`: {}",
                ids(&r.steps_without_takes)
            ));
        }
        if !r.workflows_without_every.is_empty() {
            items.push(format!(
                "Left out of its hours, no `every`: {}",
                ids(&r.workflows_without_every)
            ));
        }
        if !r.with_steps.is_empty() {
            items.push(format!("Takes part in (`with`): {}", ids(&r.with_steps)));
        }
        if !r.escalations.is_empty() {
            items.push(format!("Escalated to by: {}", ids(&r.escalations)));
        }
        items.push(format!(
            "Handoffs: {} in, {} out",
            r.handoffs_in, r.handoffs_out
        ));
        out.bullets(&items);
    }
    out.heading(2, "Tools");
    if audit.tools.is_empty() {
        out.paragraph("No tools.");
    } else {
        let items: Vec<String> = audit
            .tools
            .iter()
            .map(|t| {
                format!(
                    "`{}` ({}): {} in {}{}; roles {}",
                    t.id,
                    text(&t.title),
                    count(t.steps.len(), "step"),
                    count(t.workflows.len(), "workflow"),
                    if t.every_workflow {
                        ", every workflow"
                    } else {
                        ""
                    },
                    ids(&t.roles)
                )
            })
            .collect();
        out.bullets(&items);
    }
    out.finish()
}

/// `n thing` or `n things`.
fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Names as code, comma separated.
fn ids(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// User text as plain Markdown text on one line: every ASCII punctuation character
/// escaped (`CommonMark` allows it), so that nothing in a title starts a list,
/// a link, emphasis or HTML, wherever a line breaks.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Runs of white space as one space, none at either end (no trailing
    // spaces, markdownlint's MD009).
    for (i, word) in escape_controls(s).split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_ascii_punctuation() {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Blocks separated by one blank line, each heading unique.
#[derive(Default)]
struct Writer {
    out: String,
    headings: foldhash::HashSet<String>,
}

impl Writer {
    fn block(&mut self, text: &str) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A heading; a second one alike gets ` (2)`, ` (3)`, ….
    fn heading(&mut self, level: usize, text: &str) {
        let mut unique = text.to_owned();
        let mut n = 1;
        while !self.headings.insert(unique.clone()) {
            n += 1;
            unique = format!("{text} ({n})");
        }
        let line = format!("{} {unique}", "#".repeat(level));
        self.block(&line);
    }

    /// A level-3 heading `what: title` when that fits in [`WIDTH`] and
    /// does not end in punctuation (markdownlint's MD026); otherwise `what`,
    /// and the title as the first item of the list that follows.
    fn titled(&mut self, what: &str, title: &str) -> Vec<String> {
        let title = text(title);
        let heading = format!("{what}: {title}");
        let ends_in_punctuation = title
            .chars()
            .last()
            .is_none_or(|c| ".,;:!。，；：！".contains(c));
        if title.is_empty() {
            self.heading(3, what);
            Vec::new()
        } else if heading.chars().count() + 4 <= WIDTH && !ends_in_punctuation {
            self.heading(3, &heading);
            Vec::new()
        } else {
            self.heading(3, what);
            vec![format!("Title: {title}")]
        }
    }

    fn paragraph(&mut self, text: &str) {
        self.block(&wrap(text, "", ""));
    }

    fn bullets(&mut self, items: &[String]) {
        let lines: Vec<String> = items.iter().map(|i| wrap(i, "- ", "  ")).collect();
        self.block(&lines.join("\n"));
    }

    fn numbered(&mut self, items: &[String]) {
        let lines: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let first = format!("{}. ", i + 1);
                let rest = " ".repeat(first.len());
                wrap(item, &first, &rest)
            })
            .collect();
        self.block(&lines.join("\n"));
    }

    fn finish(self) -> String {
        self.out
    }
}

/// Wraps at spaces to [`WIDTH`] columns, never inside a word.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace);
    textwrap::fill(text, options)
}
