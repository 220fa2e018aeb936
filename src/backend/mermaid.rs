//! Mermaid flowchart of one workflow, without code fences (the SOP embeds it in
//! a ```` ```mermaid ```` block).
//!
//! A start node (the trigger, the inputs, `every` and the lead time against
//! the target), one `subgraph` per owner role (a swimlane, in the order the
//! owners first act) holding that role's steps, manual steps as rectangles and
//! automated steps as subroutine boxes (`[[…]]`, class `automated`), each
//! label with the step's timing, escalation, helpers and the questions it
//! decides; the order as edges labelled "only if …" with the step's `when`
//! conditions, the critical path's arrows thick (`==>`, as DOT draws them
//! thicker), and each rework loop as a dotted arrow back. Node ids are `start` and `s` followed by the step's index in the
//! workflow; lane ids are `lane` followed by a number. Every label is a quoted
//! string whose special characters are written as Mermaid entity codes
//! (`#quot;`, `#35;`, …), so no title can end a label or start a new statement.

use super::{printable_except, push_duration_words, push_number, sequence, title};
use crate::model::{Model, RoleId, Workflow, WorkflowId};

/// The Mermaid flowchart of workflow `w` (without code fences), ending with a
/// newline.
#[must_use]
pub fn render(model: &Model, w: WorkflowId) -> String {
    let workflow = &model.workflows[w.0];
    let order = sequence(workflow);
    let mut out = String::with_capacity(64 + 96 * workflow.steps.len());
    out.push_str("flowchart TD\n");

    out.push_str("  start([\"Start");
    if let Some(t) = &workflow.trigger {
        out.push_str(": ");
        push_label(&mut out, &t.value);
    }
    // What the run starts with and how long it should take, after the
    // trigger (durations and names need no escaping).
    if !workflow.inputs.is_empty() {
        out.push_str(" · you start with: ");
        for (k, input) in workflow.inputs.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            push_label(&mut out, &input.text);
        }
    }
    if let Some(every) = &workflow.every {
        out.push_str(" · every ");
        push_duration_words(&mut out, every);
    }
    if super::says_time(workflow) {
        if let Some(lead) = super::lead_time_words(workflow) {
            out.push_str(" · lead time: ");
            push_label(&mut out, &lead);
        }
    }
    out.push_str("\"])\n");

    let lanes = super::lanes(workflow, &order);
    for (n, (owner, steps)) in lanes.iter().enumerate() {
        out.push_str("  subgraph lane");
        push_number(&mut out, n);
        out.push_str("[\"");
        match owner {
            Some(role) => {
                let r = &model.roles[role.0];
                push_label(&mut out, &title(&r.name, r.title.as_ref()));
                if r.external {
                    out.push_str(" (external)");
                }
            }
            None => out.push_str("No owner"),
        }
        out.push_str("\"]\n");
        for &i in steps {
            let step = &workflow.steps[i];
            out.push_str("    s");
            push_number(&mut out, i);
            out.push_str(if step.automated { "[[\"" } else { "[\"" });
            push_label(&mut out, &title(&step.name, step.title.as_ref()));
            push_details(&mut out, model, workflow, i);
            out.push_str(if step.automated { "\"]]\n" } else { "\"]\n" });
        }
        out.push_str("  end\n");
    }

    // The critical path's edges are thick (`==>`), as in the DOT diagram
    // (see `super::drawn_critical_path`).
    let critical = super::drawn_critical_path(workflow);
    let mut label = String::new();
    for &i in order.iter() {
        let step = &workflow.steps[i];
        label.clear();
        if let Some(when) = super::conditions_words(workflow, step) {
            label.push_str("|\"only if ");
            push_label(&mut label, &when);
            label.push_str("\"|");
        }
        let arrow = |from: Option<usize>| {
            if super::on_critical_path(&critical, from, i) {
                "==>"
            } else {
                "-->"
            }
        };
        if step.after.is_empty() {
            out.push_str("  start ");
            out.push_str(arrow(None));
            out.push_str(&label);
            out.push_str(" s");
            push_number(&mut out, i);
            out.push('\n');
        }
        for &a in &step.after {
            out.push_str("  s");
            push_number(&mut out, a);
            out.push(' ');
            out.push_str(arrow(Some(a)));
            out.push_str(&label);
            out.push_str(" s");
            push_number(&mut out, i);
            out.push('\n');
        }
    }

    // Rework: a dashed arrow back, labelled with the answer that sends the
    // work back.
    for &i in order.iter() {
        for (target, decision) in super::rework_targets(workflow, i) {
            out.push_str("  s");
            push_number(&mut out, i);
            out.push_str(" -.->|\"");
            if workflow.decisions[decision].step == i {
                out.push_str("if no: go back");
            } else {
                out.push_str("if the answer to “");
                push_label(&mut out, workflow.decisions[decision].question.value.trim());
                out.push_str("” was no: go back");
            }
            out.push_str("\"| s");
            push_number(&mut out, target);
            out.push('\n');
        }
    }

    let mut automated = order.iter().filter(|&&i| workflow.steps[i].automated);
    if let Some(&first) = automated.next() {
        out.push_str("  classDef automated fill:#dcebfb,stroke:#3b6ea8\n");
        out.push_str("  class s");
        push_number(&mut out, first);
        for &i in automated {
            out.push_str(",s");
            push_number(&mut out, i);
        }
        out.push_str(" automated\n");
    }
    out
}

/// Appends what a step's label says after its title: its timing, escalation
/// and helpers in parentheses (`(waits 1 day, takes about 2 hours, within 2
/// days, if not done tell Founder, with Editor)`), then each question it
/// decides (` · decide: Is the draft ready?`).
fn push_details(out: &mut String, model: &Model, workflow: &Workflow, i: usize) {
    let step = &workflow.steps[i];
    let role = |r: RoleId| {
        let role = &model.roles[r.0];
        title(&role.name, role.title.as_ref())
    };
    let mut first = true;
    let mut part = |out: &mut String| {
        out.push_str(if first { " (" } else { ", " });
        first = false;
    };
    // Durations in words need no escaping.
    if let Some(wait) = &step.wait {
        part(out);
        out.push_str("waits ");
        push_duration_words(out, wait);
    }
    if let Some(takes) = &step.takes {
        part(out);
        out.push_str("takes about ");
        push_duration_words(out, takes);
    }
    if let Some(within) = &step.within {
        part(out);
        out.push_str("within ");
        push_duration_words(out, within);
    }
    if let Some(r) = step.escalate {
        part(out);
        out.push_str("if not done, tell ");
        push_label(out, &role(r));
    }
    if !step.with.is_empty() {
        part(out);
        out.push_str("with ");
        for (k, &r) in step.with.iter().enumerate() {
            if k > 0 {
                out.push_str(if k + 1 == step.with.len() {
                    " and "
                } else {
                    ", "
                });
            }
            push_label(out, &role(r));
        }
    }
    if !first {
        out.push(')');
    }
    for &d in &step.decides {
        if let Some(d) = workflow.decisions.get(d) {
            out.push_str(" · decide: ");
            push_label(out, d.question.value.trim());
        }
    }
}

/// Which ASCII bytes [`push_label`] copies as they are.
const LABEL_PLAIN: [bool; 128] = printable_except(b"\"#&<>[]{}|\\`%");

/// Appends text for a quoted Mermaid label: characters that Mermaid or
/// Markdown could read as syntax as entity codes, line breaks and control
/// characters as spaces.
fn push_label(out: &mut String, text: &str) {
    if text.bytes().all(|b| b < 0x80 && LABEL_PLAIN[b as usize]) {
        out.push_str(text);
        return;
    }
    // Runs of characters that stay as they are are copied at once.
    let b = text.as_bytes();
    let mut copied = 0;
    let mut k = 0;
    while k < b.len() {
        let c = b[k];
        let (replacement, len) = match c {
            0x00..0x80 if LABEL_PLAIN[usize::from(c)] => (None, 1),
            b'"' => (Some("#quot;"), 1),
            b'#' => (Some("#35;"), 1),
            b'&' => (Some("#amp;"), 1),
            b'<' => (Some("#lt;"), 1),
            b'>' => (Some("#gt;"), 1),
            b'[' => (Some("#91;"), 1),
            b']' => (Some("#93;"), 1),
            b'{' => (Some("#123;"), 1),
            b'}' => (Some("#125;"), 1),
            b'|' => (Some("#124;"), 1),
            b'\\' => (Some("#92;"), 1),
            b'`' => (Some("#96;"), 1),
            b'%' => (Some("#37;"), 1),
            // The other ASCII characters left are controls.
            0x00..0x80 => (Some(" "), 1),
            // A C1 control (U+0080 to U+009F).
            0xC2 if b.get(k + 1).is_some_and(|&n| n < 0xA0) => (Some(" "), 2),
            // Any other byte of a character that stays.
            _ => (None, 1),
        };
        if let Some(r) = replacement {
            out.push_str(&text[copied..k]);
            out.push_str(r);
            copied = k + len;
        }
        k += len;
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
fn label(text: &str) -> String {
    let mut s = String::new();
    push_label(&mut s, text);
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
        assert_eq!(label("a\u{85}b\u{9f}c\u{a0}d\u{7f}"), "a b c\u{a0}d ");
    }

    /// The label escaping, one character at a time (as it was written
    /// first): the faster version must give the same text.
    fn label_by_chars(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '"' => out.push_str("#quot;"),
                '#' => out.push_str("#35;"),
                '&' => out.push_str("#amp;"),
                '<' => out.push_str("#lt;"),
                '>' => out.push_str("#gt;"),
                '[' => out.push_str("#91;"),
                ']' => out.push_str("#93;"),
                '{' => out.push_str("#123;"),
                '}' => out.push_str("#125;"),
                '|' => out.push_str("#124;"),
                '\\' => out.push_str("#92;"),
                '`' => out.push_str("#96;"),
                '%' => out.push_str("#37;"),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn label_is_escaped_as_by_chars(text in "(.|[\"#&<>\\[\\]{}|\\\\`%\u{0}-\u{1f}\u{7f}-\u{a0}é🎉])*") {
            proptest::prop_assert_eq!(label(&text), label_by_chars(&text));
        }
    }
}
