//! Mermaid flowchart of one workflow, without code fences (the SOP embeds it in
//! a ```` ```mermaid ```` block).
//!
//! A start node (the trigger), one `subgraph` per owner role (a swimlane, in
//! the order the owners first act) holding that role's steps, manual steps as
//! rectangles and automated steps as subroutine boxes (`[[…]]`, class
//! `automated`), and the order as edges labelled with the step's `when`
//! condition. Node ids are `start` and `s` followed by the step's index in the
//! workflow; lane ids are `lane` followed by a number. Every label is a quoted
//! string whose special characters are written as Mermaid entity codes
//! (`#quot;`, `#35;`, …), so no title can end a label or start a new statement.

use std::fmt::Write as _;

use super::{duration_words, step_title};
use crate::model::{Model, RoleId, WorkflowId, display_title};

/// The Mermaid flowchart of workflow `w` (without code fences), ending with a
/// newline.
#[must_use]
pub fn render(model: &Model, w: WorkflowId) -> String {
    let workflow = &model.workflows[w.0];
    let order: Vec<usize> = if workflow.order.sequence.len() == workflow.steps.len() {
        workflow.order.sequence.clone()
    } else {
        (0..workflow.steps.len()).collect()
    };
    let mut out = String::from("flowchart TD\n");

    let start = workflow
        .trigger
        .as_ref()
        .map_or_else(|| "Start".to_owned(), |t| format!("Start: {}", t.value));
    let _ = writeln!(out, "  start([\"{}\"])", label(&start));

    let mut lanes: Vec<(Option<RoleId>, Vec<usize>)> = Vec::new();
    for &i in &order {
        let owner = workflow.steps[i].owner;
        match lanes.iter_mut().find(|(o, _)| *o == owner) {
            Some((_, steps)) => steps.push(i),
            None => lanes.push((owner, vec![i])),
        }
    }
    for (n, (owner, steps)) in lanes.iter().enumerate() {
        let title = owner.map_or_else(
            || "No owner".to_owned(),
            |role| {
                let r = &model.roles[role.0];
                let title = display_title(&r.name, r.title.as_ref());
                if r.external {
                    format!("{title} (external)")
                } else {
                    title
                }
            },
        );
        let _ = writeln!(out, "  subgraph lane{n}[\"{}\"]", label(&title));
        for &i in steps {
            let step = &workflow.steps[i];
            let mut text = step_title(workflow, i);
            let mut timing = Vec::new();
            if let Some(wait) = &step.wait {
                timing.push(format!("waits {}", duration_words(wait)));
            }
            if let Some(within) = &step.within {
                timing.push(format!("within {}", duration_words(within)));
            }
            if !timing.is_empty() {
                let _ = write!(text, " ({})", timing.join(", "));
            }
            let (open, close) = if step.automated {
                ("[[", "]]")
            } else {
                ("[", "]")
            };
            let _ = writeln!(out, "    s{i}{open}\"{}\"{close}", label(&text));
        }
        out.push_str("  end\n");
    }

    for &i in &order {
        let step = &workflow.steps[i];
        let arrow = step.when.as_ref().map_or_else(
            || "-->".to_owned(),
            |when| format!("-->|\"if {}\"|", label(&when.value)),
        );
        if step.after.is_empty() {
            let _ = writeln!(out, "  start {arrow} s{i}");
        }
        for &a in &step.after {
            let _ = writeln!(out, "  s{a} {arrow} s{i}");
        }
    }

    let automated: Vec<String> = order
        .iter()
        .filter(|&&i| workflow.steps[i].automated)
        .map(|i| format!("s{i}"))
        .collect();
    if !automated.is_empty() {
        out.push_str("  classDef automated fill:#dcebfb,stroke:#3b6ea8\n");
        let _ = writeln!(out, "  class {} automated", automated.join(","));
    }
    out
}

/// Text for a quoted Mermaid label: characters that Mermaid or Markdown could
/// read as syntax as entity codes, line breaks and control characters as
/// spaces.
fn label(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => s.push_str("#quot;"),
            '#' => s.push_str("#35;"),
            '&' => s.push_str("#amp;"),
            '<' => s.push_str("#lt;"),
            '>' => s.push_str("#gt;"),
            '[' => s.push_str("#91;"),
            ']' => s.push_str("#93;"),
            '{' => s.push_str("#123;"),
            '}' => s.push_str("#125;"),
            '|' => s.push_str("#124;"),
            '\\' => s.push_str("#92;"),
            '`' => s.push_str("#96;"),
            '%' => s.push_str("#37;"),
            c if c.is_control() => s.push(' '),
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn label_escapes_mermaid_syntax() {
        assert_eq!(
            label("a\"b#c&d<e>f[g]h{i}j|k\\l`m%n"),
            "a#quot;b#35;c#amp;d#lt;e#gt;f#91;g#93;h#123;i#125;j#124;k#92;l#96;m#37;n"
        );
        assert_eq!(label("a\nb\tc"), "a b c");
        assert_eq!(label("Zoë 🎉 (x)"), "Zoë 🎉 (x)");
    }
}
