//! Hover: Markdown describing what a name names, from the model. A workflow
//! shows its lead time against its target (figures from
//! [`crate::model::time`], worded as the SOP words them), a step its timing
//! and escalation, a decision who decides it and what depends on it.

use std::fmt::Write as _;

use crate::model::time::{describe_seconds, lead_time, runs_per_week};
use crate::model::{Condition, Model, RoleId, Target, Workflow, display_title};

fn code(s: &str) -> String {
    format!("`{s}`")
}

fn role_name(m: &Model, r: Option<RoleId>) -> Option<String> {
    r.and_then(|r| m.roles.get(r.0)).map(|r| code(&r.name.text))
}

/// A number of runs per week for people: whole numbers as they are, others
/// with at most two decimals (`0.5`, `2.33`).
fn runs(n: f64) -> String {
    let text = format!("{n:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The Markdown hover of `target`; `None` for an index not in the model.
pub fn describe(m: &Model, target: Target) -> Option<String> {
    let mut out = String::new();
    match target {
        Target::Role(id) => {
            let r = m.roles.get(id.0)?;
            let _ = writeln!(
                out,
                "**role** `{}`: {}",
                r.name.text,
                display_title(&r.name, r.title.as_ref())
            );
            if let Some(who) = &r.who {
                let _ = writeln!(out, "\nwho: {}", who.value);
            }
            if r.external {
                out.push_str("\nexternal\n");
            }
            if let Some(d) = &r.description {
                let _ = writeln!(out, "\n{}", d.value);
            }
            let mut owns = Vec::new();
            let mut joins = Vec::new();
            for p in m.processes.iter().filter(|p| p.owner == Some(id)) {
                owns.push(format!("process `{}`", p.name.text));
            }
            for w in &m.workflows {
                if w.owner == Some(id) {
                    owns.push(format!("workflow `{}`", w.name.text));
                }
                for s in &w.steps {
                    if s.owner == Some(id) {
                        owns.push(format!("step `{}.{}`", w.name.text, s.name.text));
                    }
                    if s.with.contains(&id) || s.escalate == Some(id) {
                        joins.push(format!("`{}.{}`", w.name.text, s.name.text));
                    }
                }
            }
            if !owns.is_empty() {
                let _ = writeln!(out, "\nowns: {}", owns.join(", "));
            }
            if !joins.is_empty() {
                let _ = writeln!(
                    out,
                    "\ntakes part in (`with`, `escalate`): {}",
                    joins.join(", ")
                );
            }
        }
        Target::Tool(id) => {
            let t = m.tools.get(id.0)?;
            let _ = writeln!(
                out,
                "**tool** `{}`: {}",
                t.name.text,
                display_title(&t.name, t.title.as_ref())
            );
            if let Some(url) = &t.url {
                let _ = writeln!(out, "\nurl: <{}>", url.value);
            }
            if let Some(d) = &t.description {
                let _ = writeln!(out, "\n{}", d.value);
            }
            let used: Vec<String> = m
                .workflows
                .iter()
                .flat_map(|w| {
                    w.steps
                        .iter()
                        .filter(|s| s.tools.contains(&id))
                        .map(move |s| format!("`{}.{}`", w.name.text, s.name.text))
                })
                .collect();
            if !used.is_empty() {
                let _ = writeln!(out, "\nused by: {}", used.join(", "));
            }
        }
        Target::Process(id) => {
            let p = m.processes.get(id.0)?;
            let _ = writeln!(
                out,
                "**process** `{}`: {}",
                p.name.text,
                display_title(&p.name, p.title.as_ref())
            );
            if let Some(o) = &p.outcome {
                let _ = writeln!(out, "\noutcome: {}", o.value);
            }
            if let Some(r) = role_name(m, p.owner) {
                let _ = writeln!(out, "\nowner: {r}");
            }
            if let Some(d) = &p.description {
                let _ = writeln!(out, "\n{}", d.value);
            }
            let steps: Vec<String> = p.steps.iter().map(|s| code(&s.name.text)).collect();
            let _ = writeln!(out, "\nsteps: {}", steps.join(" → "));
            let by: Vec<String> = m
                .workflows
                .iter()
                .filter(|w| w.process == Some(id))
                .map(|w| code(&w.name.text))
                .collect();
            if !by.is_empty() {
                let _ = writeln!(out, "\nimplemented by: {}", by.join(", "));
            }
        }
        Target::Workflow(id) => workflow(m, m.workflows.get(id.0)?, &mut out),
        Target::ProcessStep(p, k) => {
            let process = m.processes.get(p.0)?;
            let s = process.steps.get(k)?;
            let _ = writeln!(
                out,
                "**process step** `{}` of `{}`: {}",
                s.name.text,
                process.name.text,
                display_title(&s.name, s.title.as_ref())
            );
            if s.optional {
                out.push_str("\noptional\n");
            }
            if let Some(d) = &s.description {
                let _ = writeln!(out, "\n{}", d.value);
            }
            let by: Vec<String> = m
                .workflows
                .iter()
                .filter(|w| w.process == Some(p))
                .flat_map(|w| {
                    w.steps
                        .iter()
                        .filter(|ws| ws.implements.contains(&k))
                        .map(move |ws| format!("`{}.{}`", w.name.text, ws.name.text))
                })
                .collect();
            if !by.is_empty() {
                let _ = writeln!(out, "\nimplemented by: {}", by.join(", "));
            }
        }
        Target::Step(w, k) => step(m, m.workflows.get(w.0)?, k, &mut out)?,
        Target::Decision(w, k) => decision(m, m.workflows.get(w.0)?, k, &mut out)?,
        Target::Artifact(w, span) => {
            let w = m.workflows.get(w.0)?;
            let name = w
                .inputs
                .iter()
                .chain(w.steps.iter().flat_map(|s| &s.produces))
                .find(|i| i.span == span)
                .map(|i| i.text.clone())?;
            let input = w.inputs.iter().any(|i| i.text == name);
            let steps = |f: &dyn Fn(&crate::model::Step) -> bool| -> Vec<String> {
                w.steps
                    .iter()
                    .filter(|s| f(s))
                    .map(|s| code(&s.name.text))
                    .collect()
            };
            let produced = steps(&|s| s.produces.iter().any(|p| p.text == name));
            let needed = steps(&|s| s.needs.iter().any(|p| p.text == name));
            if input {
                let _ = writeln!(
                    out,
                    "**input** `{name}` of workflow `{}`: it exists when a run starts",
                    w.name.text
                );
            } else {
                let _ = writeln!(out, "**artifact** `{name}` of workflow `{}`", w.name.text);
            }
            if !produced.is_empty() {
                let _ = writeln!(out, "\nproduced by: {}", produced.join(", "));
            }
            if !needed.is_empty() {
                let _ = writeln!(out, "\nneeded by: {}", needed.join(", "));
            }
        }
    }
    Some(out.trim_end().to_owned())
}

/// A workflow: its owner, trigger, and time: lead time ("at least" when a
/// step has no `takes`), target and margin, runs per week.
fn workflow(m: &Model, w: &Workflow, out: &mut String) {
    let _ = writeln!(
        out,
        "**workflow** `{}`: {}",
        w.name.text,
        display_title(&w.name, w.title.as_ref())
    );
    if let Some(p) = w.process.and_then(|p| m.processes.get(p.0)) {
        let _ = writeln!(out, "\nimplements: `{}`", p.name.text);
    }
    if let Some(r) = role_name(m, w.owner) {
        let _ = writeln!(out, "\nowner: {r}");
    }
    if let Some(t) = &w.trigger {
        let _ = writeln!(out, "\ntrigger: {}", t.value);
    }
    if let Some(d) = &w.description {
        let _ = writeln!(out, "\n{}", d.value);
    }
    let _ = writeln!(out, "\n{} steps", w.steps.len());
    if !w.inputs.is_empty() {
        let inputs: Vec<String> = w.inputs.iter().map(|i| code(&i.text)).collect();
        let _ = writeln!(out, "\ninputs: {}", inputs.join(", "));
    }
    // As the SOP: the lead time only of a workflow that says something about
    // time (a `takes`, a `wait` or a `target`).
    let lead = lead_time(w).filter(|_| crate::backend::says_time(w));
    match lead {
        Some(lead) if !(lead.lower_bound && lead.seconds == 0) => {
            let figure = if lead.lower_bound {
                format!("at least {}", describe_seconds(lead.seconds))
            } else {
                describe_seconds(lead.seconds)
            };
            let _ = write!(out, "\nlead time: {figure}");
            if lead.lower_bound {
                out.push_str(" (some steps have no `takes`)");
            }
            out.push('\n');
            let path: Vec<String> = lead
                .critical_path
                .iter()
                .filter_map(|&s| w.steps.get(s))
                .map(|s| code(&s.name.text))
                .collect();
            if !path.is_empty() {
                let _ = writeln!(out, "\ncritical path: {}", path.join(" → "));
            }
            if let Some(target) = w.target {
                let target = target.seconds();
                let _ = write!(out, "\ntarget: {}", describe_seconds(target));
                if lead.seconds > target {
                    let _ = write!(
                        out,
                        " — exceeded by {}{}",
                        if lead.lower_bound { "at least " } else { "" },
                        describe_seconds(lead.seconds - target)
                    );
                } else if lead.lower_bound {
                    let _ = write!(
                        out,
                        " — margin at most {}",
                        describe_seconds(target - lead.seconds)
                    );
                } else {
                    let _ = write!(out, " — margin {}", describe_seconds(target - lead.seconds));
                }
                out.push('\n');
            }
        }
        _ => {
            if crate::backend::says_time(w) {
                out.push_str(if w.order.is_cyclic() {
                    "\nlead time: not known (the order has a cycle)\n"
                } else {
                    "\nlead time: not known (no step says how long it takes)\n"
                });
            }
            if let Some(target) = w.target {
                let _ = writeln!(out, "\ntarget: {}", describe_seconds(target.seconds()));
            }
        }
    }
    if let Some(n) = runs_per_week(w) {
        let every = w.every.map_or(0, |d| d.seconds());
        let _ = writeln!(
            out,
            "\nruns per week: {} (every {})",
            runs(n),
            describe_seconds(every)
        );
    }
}

/// A workflow step: owner, tools, order, conditions, time and escalation.
fn step(m: &Model, w: &Workflow, k: usize, out: &mut String) -> Option<()> {
    let s = w.steps.get(k)?;
    let _ = writeln!(
        out,
        "**workflow step** `{}` of `{}`: {}",
        s.name.text,
        w.name.text,
        display_title(&s.name, s.title.as_ref())
    );
    if let Some(r) = role_name(m, s.owner) {
        let _ = writeln!(out, "\nowner: {r}");
    }
    if !s.with.is_empty() {
        let with: Vec<String> = s
            .with
            .iter()
            .filter_map(|&r| role_name(m, Some(r)))
            .collect();
        let _ = writeln!(out, "\nwith: {}", with.join(", "));
    }
    if !s.tools.is_empty() {
        let tools: Vec<String> = s
            .tools
            .iter()
            .filter_map(|t| m.tools.get(t.0))
            .map(|t| code(&t.name.text))
            .collect();
        let _ = writeln!(out, "\ntool: {}", tools.join(", "));
    }
    if let Some(p) = w.process.and_then(|p| m.processes.get(p.0)) {
        let imp: Vec<String> = s
            .implements
            .iter()
            .filter_map(|&k| p.steps.get(k))
            .map(|ps| code(&ps.name.text))
            .collect();
        if !imp.is_empty() {
            let _ = writeln!(out, "\nimplements: {}", imp.join(", "));
        }
    }
    if !s.after.is_empty() {
        let after: Vec<String> = s
            .after
            .iter()
            .filter_map(|&k| w.steps.get(k))
            .map(|a| code(&a.name.text))
            .collect();
        let _ = writeln!(out, "\nafter: {}", after.join(", "));
    }
    if let Some(when) = s.condition_text(w) {
        let _ = writeln!(out, "\nonly if {when}");
    }
    for &d in &s.decides {
        if let Some(d) = w.decisions.get(d) {
            let _ = writeln!(out, "\ndecides `{}`: {}", d.name.text, d.question.value);
        }
    }
    let time: Vec<String> = [("wait", s.wait), ("takes", s.takes), ("within", s.within)]
        .into_iter()
        .filter_map(|(word, d)| Some(format!("{word} {}", describe_seconds(d?.seconds()))))
        .collect();
    if !time.is_empty() {
        let _ = writeln!(out, "\n{}", time.join(" · "));
    }
    if let (Some(r), Some(within)) = (role_name(m, s.escalate), s.within) {
        let _ = writeln!(
            out,
            "\nif not done within {}, {r} is told (escalate)",
            describe_seconds(within.seconds())
        );
    }
    for r in &s.rework {
        if let (Some(back), Some(d)) = (w.steps.get(r.step), w.decisions.get(r.decision)) {
            let _ = writeln!(
                out,
                "\nrework: back to `{}` when the answer to `{}` is no",
                back.name.text, d.name.text
            );
        }
    }
    if s.automated {
        out.push_str("\nautomated\n");
    }
    if let Some(d) = &s.description {
        let _ = writeln!(out, "\n{}", d.value);
    }
    Some(())
}

/// A decision: its question, who decides it (the deciding step and its
/// owner), and the steps that depend on the answer.
fn decision(m: &Model, w: &Workflow, k: usize, out: &mut String) -> Option<()> {
    let d = w.decisions.get(k)?;
    let _ = writeln!(
        out,
        "**decision** `{}` of workflow `{}`: {}",
        d.name.text, w.name.text, d.question.value
    );
    let by = w.steps.get(d.step)?;
    let _ = write!(out, "\ndecided by step `{}`", by.name.text);
    if let Some(r) = role_name(m, by.owner) {
        let _ = write!(out, " (owner {r})");
    }
    out.push('\n');
    let mut yes = Vec::new();
    let mut no = Vec::new();
    for s in &w.steps {
        for c in &s.when {
            if let Condition::Decision { decision, is, .. } = c {
                if *decision == k {
                    if *is { &mut yes } else { &mut no }.push(code(&s.name.text));
                }
            }
        }
    }
    if !yes.is_empty() {
        let _ = writeln!(out, "\nruns only if yes: {}", yes.join(", "));
    }
    if !no.is_empty() {
        let _ = writeln!(out, "\nruns only if no: {}", no.join(", "));
    }
    let rework: Vec<String> = w
        .steps
        .iter()
        .filter(|s| s.rework.iter().any(|r| r.decision == k))
        .map(|s| code(&s.name.text))
        .collect();
    if !rework.is_empty() {
        let _ = writeln!(out, "\nsends work back when no: {}", rework.join(", "));
    }
    Some(())
}
