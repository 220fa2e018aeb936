//! The human format: the findings first, then a table each for workflows,
//! roles and tools, fitted to 100 columns by comfy-table.

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

use crate::model::time::describe_seconds;
use crate::render::escape_controls;

use super::Audit;
use super::findings::{FindingKind, percent};
use crate::model::time::describe_hours as hours;

/// The widest line written.
pub const WIDTH: u16 = 100;

/// Options of the human format.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Colour (ANSI) for headings and the kind of each finding.
    pub color: bool,
}

/// The report for people.
#[must_use]
pub fn render(audit: &Audit, options: HumanOptions) -> String {
    let paint = |code: &str, text: &str| {
        if options.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let heading = |text: &str| paint("1", text);
    let mut out = String::new();
    out.push_str(&heading(&format!("Findings ({})", audit.findings.len())));
    out.push('\n');
    if audit.findings.is_empty() {
        out.push_str("No findings.\n");
    }
    let width = usize::from(WIDTH);
    for (i, f) in audit.findings.iter().enumerate() {
        let number = format!("{:>2}. ", i + 1);
        let kind = f.kind.words();
        let text = format!("{number}{kind}: {}", escape_controls(&f.message));
        let indent = " ".repeat(number.len());
        let wrapped = textwrap::fill(
            &text,
            textwrap::Options::new(width).subsequent_indent(&indent),
        );
        let color = if f.kind == FindingKind::TargetMissed {
            "31"
        } else {
            "33"
        };
        // The kind is on the first line, whole (it has no space wider than the line).
        out.push_str(&wrapped.replacen(kind, &paint(color, kind), 1));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&heading(&format!("Workflows ({})", audit.workflows.len())));
    out.push('\n');
    if audit.workflows.is_empty() {
        out.push_str("None.\n");
    } else {
        let mut table = new_table(&[
            "Workflow",
            "Steps",
            "Manual",
            "Decisions",
            "Rework",
            "Handoffs",
            "No deadline",
            "Runs / week",
        ]);
        for w in &audit.workflows {
            table.add_row(vec![
                w.id.clone(),
                w.steps.to_string(),
                w.manual.to_string(),
                w.decisions.to_string(),
                w.rework_loops.to_string(),
                w.handoffs.to_string(),
                w.handoffs_without_deadline.to_string(),
                w.runs_per_week.map_or_else(|| "-".to_owned(), hours),
            ]);
        }
        align_right(&mut table, &[1, 2, 3, 4, 5, 6, 7]);
        push_table(&mut out, &table);
        out.push('\n');
        let mut table = new_table(&[
            "Workflow",
            "Lead time",
            "Target",
            "Margin",
            "Deadline bound",
        ]);
        for w in &audit.workflows {
            let lead = if w.lead_time_is_lower_bound {
                format!("at least {}", describe_seconds(w.lead_time_s))
            } else {
                describe_seconds(w.lead_time_s)
            };
            table.add_row(vec![
                w.id.clone(),
                lead,
                w.target_s.map_or_else(|| "-".to_owned(), describe_seconds),
                w.margin_s.map_or_else(|| "-".to_owned(), margin),
                w.deadline_bound_s.map_or_else(
                    || {
                        format!(
                            "unbounded: {} has no within",
                            w.unbounded_at.as_deref().unwrap_or("-")
                        )
                    },
                    describe_seconds,
                ),
            ]);
        }
        align_right(&mut table, &[1, 2, 3]);
        push_table(&mut out, &table);
        for w in &audit.workflows {
            let text = format!(
                "Critical path of {}: {}",
                w.id,
                if w.critical_path.is_empty() {
                    "no steps".to_owned()
                } else {
                    w.critical_path.join(" → ")
                }
            );
            out.push_str(&textwrap::fill(
                &text,
                textwrap::Options::new(width).subsequent_indent("  "),
            ));
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&heading(&format!("Roles ({})", audit.roles.len())));
    out.push('\n');
    if audit.roles.is_empty() {
        out.push_str("None.\n");
    } else {
        let mut table = new_table(&[
            "Role",
            "Steps",
            "Workflows",
            "Hours / week",
            "Share",
            "With",
            "In / out",
            "Left out of hours",
        ]);
        for r in &audit.roles {
            let mut left_out = Vec::new();
            if !r.steps_without_takes.is_empty() {
                left_out.push(format!(
                    "{} without takes",
                    count(r.steps_without_takes.len(), "step")
                ));
            }
            if !r.workflows_without_every.is_empty() {
                left_out.push(format!(
                    "{} without every",
                    count(r.workflows_without_every.len(), "workflow")
                ));
            }
            let mut hours_text = hours(r.hours_per_week);
            if r.overloaded {
                hours_text.push_str(" (over)");
            }
            table.add_row(vec![
                r.id.clone(),
                r.steps.len().to_string(),
                r.workflows.len().to_string(),
                hours_text,
                r.share.map_or_else(|| "-".to_owned(), percent),
                r.with_steps.len().to_string(),
                format!("{} / {}", r.handoffs_in, r.handoffs_out),
                if left_out.is_empty() {
                    "-".to_owned()
                } else {
                    left_out.join(", ")
                },
            ]);
        }
        align_right(&mut table, &[1, 2, 3, 4, 5, 6]);
        push_table(&mut out, &table);
        out.push_str(&format!(
        "Hours / week: the takes of the manual steps a role owns, times runs per week; over at more\nthan {} hours. With: steps it takes part in. In / out: handoffs into and out of its steps.\n",
        hours(audit.overload_hours_per_week)
    ));
    }
    out.push('\n');
    out.push_str(&heading(&format!("Tools ({})", audit.tools.len())));
    out.push('\n');
    let mut table = new_table(&["Tool", "Steps", "Workflows", "Roles that depend on it"]);
    for t in &audit.tools {
        let mut workflows = t.workflows.len().to_string();
        if t.every_workflow {
            workflows.push_str(" (all)");
        }
        table.add_row(vec![
            t.id.clone(),
            t.steps.len().to_string(),
            workflows,
            t.roles.join(", "),
        ]);
    }
    align_right(&mut table, &[1, 2]);
    push_table(&mut out, &table);
    out
}

/// `n thing` or `n things`.
fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// A margin: how much time is left, or how much over.
fn margin(seconds: i64) -> String {
    let amount = describe_seconds(seconds.unsigned_abs());
    if seconds < 0 {
        format!("{amount} over")
    } else {
        format!("{amount} left")
    }
}

fn new_table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(header.to_vec());
    table
}

fn align_right(table: &mut Table, columns: &[usize]) {
    for &c in columns {
        if let Some(column) = table.column_mut(c) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// A table's lines, or `None.` for a table without rows.
fn push_table(out: &mut String, table: &Table) {
    if table.row_iter().next().is_none() {
        out.push_str("None.\n");
        return;
    }
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}
