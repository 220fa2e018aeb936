//! Errors about the shape of the model: `missing-owner`, `missing-tool`,
//! `empty-block`, `dependency-cycle`.

use crate::check::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::Model;
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
            out.push(d.with_help("remove one `after` (or add `after` to a step that now follows by default) so the order has a start"));
        }
    }
}

fn join_and(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}
