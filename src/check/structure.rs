//! Errors about the shape of the model: `missing-owner`, `missing-tool`,
//! `empty-block`, `dependency-cycle`.

use crate::check::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, Workflow};
use crate::suggest::list;

pub(super) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let roles: Vec<&str> = model.roles.iter().map(|r| r.name.text.as_str()).collect();
    let tools: Vec<&str> = model.tools.iter().map(|t| t.name.text.as_str()).collect();
    for p in &model.processes {
        if p.steps.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::EmptyBlock,
                    p.name.span,
                    format!("process `{}` has no steps", p.name.text),
                    "a process lists the steps that reach its outcome",
                )
                .with_help(
                    "add the steps in the order they must happen: `step advertise \"Advertise\"`",
                ),
            );
        }
    }
    for w in &model.workflows {
        if w.steps.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::EmptyBlock,
                    w.name.span,
                    format!("workflow `{}` has no steps", w.name.text),
                    "a workflow lists who does what, with which tool",
                )
                .with_help("add steps: `step call \"Call the lead\" { implements follow_up owner founder tool phone }`"),
            );
        }
        for s in &w.steps {
            if !s.has_owner {
                out.push(
                    Diagnostic::new(
                        Code::MissingOwner,
                        s.name.span,
                        format!("step `{}` has no owner", s.name.text),
                        "every workflow step needs an `owner`",
                    )
                    .with_help(if roles.is_empty() {
                        "declare a role (`role ops \"Operations\"`) and add `owner ops`".to_owned()
                    } else {
                        format!("add `owner ROLE`, where ROLE is one of: {}", list(&roles))
                    }),
                );
            }
            if !s.has_tool {
                out.push(
                    Diagnostic::new(
                        Code::MissingTool,
                        s.name.span,
                        format!("step `{}` has no tool", s.name.text),
                        "every workflow step needs a `tool`",
                    )
                    .with_help(if tools.is_empty() {
                        "declare a tool (`tool phone \"Phone\"`) and add `tool phone`".to_owned()
                    } else {
                        format!("add `tool TOOL`, where TOOL is one of: {}", list(&tools))
                    }),
                );
            }
        }
        for cycle in &w.order.cycles {
            let first = &w.steps[cycle[0]];
            let names: Vec<String> = cycle
                .iter()
                .map(|&i| format!("`{}`", w.steps[i].name.text))
                .collect();
            let message = if cycle.len() == 1 {
                format!(
                    "step `{}` waits for itself in workflow `{}`",
                    first.name.text, w.name.text
                )
            } else {
                format!(
                    "steps {} wait for each other in workflow `{}`",
                    join_and(&names),
                    w.name.text
                )
            };
            let mut d = Diagnostic::new(
                Code::DependencyCycle,
                first.name.span,
                message,
                "this step is on a cycle",
            );
            for &i in &cycle[1..] {
                d = d.with_label(w.steps[i].name.span, "also on the cycle");
            }
            out.push(close_the_loop(w, cycle, d));
        }
    }
}

/// Points at the `after` that closes a cycle and says how to write it: the
/// first step of the cycle (in the order written) waits for a later one, so
/// the loop runs back from that later step; a loop back is written `rework`.
fn close_the_loop(w: &Workflow, cycle: &[usize], d: Diagnostic) -> Diagnostic {
    let first = &w.steps[cycle[0]];
    // The name in `after` of the first step that is on the cycle.
    let closing = first
        .after
        .iter()
        .zip(&first.after_spans)
        .find(|(k, _)| cycle.contains(k));
    let Some((&back, &span)) = closing else {
        return d.with_help(
            "remove one `after` (or add `after` to a step that now follows by default) so the order has a start",
        );
    };
    let (f, b) = (&first.name.text, &w.steps[back].name.text);
    if back == cycle[0] {
        return d
            .with_label(span, format!("`{f}` waits for itself here"))
            .with_help(format!(
                "remove `{f}` from its own `after`; to do a step again when a check fails, write `rework {f} when not DECISION` in it, with `decides DECISION \"…?\"`"
            ));
    }
    let decision = w.steps[back]
        .decides
        .first()
        .map_or("DECISION", |&k| w.decisions[k].name.text.as_str());
    let decides = if decision == "DECISION" {
        " (and `decides DECISION \"…?\"`)"
    } else {
        ""
    };
    d.with_label(span, format!("`{f}` waits for `{b}`, a later step: this closes the loop"))
        .with_help(format!(
            "if `{b}` sends the work back to `{f}` (a review loop), remove `{b}` from the `after` of `{f}` and write the way back in `{b}`: `rework {f} when not {decision}`{decides}; otherwise remove one `after` so the order has a start"
        ))
}

fn join_and(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}
