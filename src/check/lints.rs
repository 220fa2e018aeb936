//! The lints of the second table in the language reference. Each is reported
//! only about declarations in the root file (the file being checked).

use crate::check::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, Workflow};
use crate::suggest::list;

pub(super) fn check(model: &Model, overload_hours: f64, out: &mut Vec<Diagnostic>) {
    let workflows: Vec<&Workflow> = model
        .workflows
        .iter()
        .filter(|w| model.in_root(w.name.span))
        .collect();
    let lint = |w: &&Workflow| {
        let mut out = Vec::new();
        uncovered_step(model, w, &mut out);
        off_process_step(w, &mut out);
        handoff_without_deadline(model, w, &mut out);
        owner_overload(model, w, overload_hours, &mut out);
        super::branches::runs_either_way(w, &mut out);
        super::branches::unused_input(w, &mut out);
        super::timing::impossible_deadline(w, &mut out);
        if !w.order.is_cyclic() {
            unproduced_input(w, &mut out);
            out_of_order(model, w, &mut out);
            super::timing::target_exceeded(w, &mut out);
        }
        out
    };
    let steps: usize = workflows.iter().map(|w| w.steps.len()).sum();
    // Many steps: the workflows are linted on several threads.
    out.extend(
        crate::parallel::map_steps(&workflows, steps, lint)
            .into_iter()
            .flatten(),
    );
    for p in model
        .processes
        .iter()
        .filter(|p| model.in_root(p.name.span))
    {
        if p.outcome.is_none() {
            out.push(
                Diagnostic::new(
                    Code::MissingOutcome,
                    p.name.span,
                    format!("process `{}` has no outcome", p.name.text),
                    "what does this process achieve?",
                )
                .with_help(
                    "add `outcome \"…\"`: the result that tells everyone the process is done",
                ),
            );
        }
    }
    unimplemented_process(model, out);
    if !model.root_is_library() {
        unused(model, out);
    }
}

fn uncovered_step(model: &Model, w: &Workflow, out: &mut Vec<Diagnostic>) {
    let Some(p) = w.process else { return };
    let process = &model.processes[p.0];
    // One pass over the workflow (not one per process step: that is
    // quadratic in the size of the workflow).
    let mut covered = vec![false; process.steps.len()];
    for &k in w.steps.iter().flat_map(|s| &s.implements) {
        covered[k] = true;
    }
    for (k, ps) in process.steps.iter().enumerate() {
        if ps.optional || covered[k] {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::UncoveredStep,
                w.name.span,
                format!("workflow `{}` never performs process step `{}`", w.name.text, ps.name.text),
                format!("no step of this workflow implements `{}`", ps.name.text),
            )
            .with_label(ps.name.span, format!("`{}` is a step of process `{}`", ps.name.text, process.name.text))
            .with_help(format!(
                "add a step with `implements {}`, or mark the process step `optional` if it may be left out",
                ps.name.text
            )),
        );
    }
}

fn off_process_step(w: &Workflow, out: &mut Vec<Diagnostic>) {
    for s in w.steps.iter().filter(|s| !s.has_implements) {
        out.push(
            Diagnostic::new(
                Code::OffProcessStep,
                s.name.span,
                format!("step `{}` serves no process step", s.name.text),
                "this work implements nothing",
            )
            .with_help(
                "add `implements STEP` naming the process step it serves, or remove the step",
            ),
        );
    }
}

fn handoff_without_deadline(model: &Model, w: &Workflow, out: &mut Vec<Diagnostic>) {
    for s in &w.steps {
        if s.automated || s.within.is_some() {
            continue;
        }
        let Some(owner) = s.owner else { continue };
        let from = s
            .after
            .iter()
            .map(|&p| &w.steps[p])
            .find(|p| p.automated || p.owner.is_some_and(|o| o != owner));
        let Some(from) = from else { continue };
        let why = if from.automated {
            format!("step `{}` is automated", from.name.text)
        } else {
            let other = from
                .owner
                .map_or("another role", |o| model.roles[o.0].name.text.as_str());
            format!("step `{}` is done by `{other}`", from.name.text)
        };
        out.push(
            Diagnostic::new(
                Code::HandoffWithoutDeadline,
                s.name.span,
                format!(
                    "step `{}` takes over from `{}` but has no deadline",
                    s.name.text, from.name.text
                ),
                format!("`{}` must notice the handoff and remember to act", model.roles[owner.0].name.text),
            )
            .with_label(from.name.span, why)
            .with_help("add `within DURATION` (for example `within 2d`) so the handoff cannot be forgotten, and `escalate ROLE` to say who is told when it passes"),
        );
    }
}

/// Where the workflow's hours are known (it has `every` and each manual step
/// `takes`): a role whose hours per week in it are more than the threshold.
/// Otherwise: in six steps or more, a role owning more than 75% of the
/// manual steps.
fn owner_overload(model: &Model, w: &Workflow, overload_hours: f64, out: &mut Vec<Diagnostic>) {
    let runs = crate::model::time::runs_per_week(w);
    if let Some(runs) = runs.filter(|_| w.steps.iter().all(|s| s.automated || s.takes.is_some())) {
        let mut seconds: std::collections::BTreeMap<usize, u64> = std::collections::BTreeMap::new();
        for s in w.steps.iter().filter(|s| !s.automated) {
            if let (Some(o), Some(t)) = (s.owner, s.takes) {
                let total = seconds.entry(o.0).or_default();
                *total = total.saturating_add(t.seconds());
            }
        }
        #[allow(clippy::cast_precision_loss)] // durations far below 2^52 seconds
        let hours = |s: u64| s as f64 * runs / 3600.0;
        let Some((&role, &s)) = seconds
            .iter()
            .max_by_key(|&(&r, &s)| (s, std::cmp::Reverse(r)))
        else {
            return;
        };
        if hours(s) > overload_hours {
            out.push(
                Diagnostic::new(
                    Code::OwnerOverload,
                    w.name.span,
                    format!(
                        "role `{}` works {} hours a week in workflow `{}`, more than {}",
                        model.roles[role].name.text,
                        crate::model::time::describe_hours(hours(s)),
                        w.name.text,
                        crate::model::time::describe_hours(overload_hours)
                    ),
                    "its `takes` times the runs per week (`every`) are more than one person's week",
                )
                .with_help("delegate some steps to another role, automate them, or set `[owner-overload] hours-per-week` in procflow.toml"),
            );
        }
        return;
    }
    if w.steps.len() < 6 {
        return;
    }
    let manual: Vec<_> = w.steps.iter().filter(|s| !s.automated).collect();
    let mut counts: foldhash::HashMap<usize, usize> = foldhash::HashMap::default();
    for s in &manual {
        if let Some(o) = s.owner {
            *counts.entry(o.0).or_default() += 1;
        }
    }
    let Some((&role, &n)) = counts
        .iter()
        .max_by_key(|&(&r, &n)| (n, std::cmp::Reverse(r)))
    else {
        return;
    };
    if n * 4 > manual.len() * 3 {
        out.push(
            Diagnostic::new(
                Code::OwnerOverload,
                w.name.span,
                format!(
                    "role `{}` owns {n} of the {} manual steps of workflow `{}`",
                    model.roles[role].name.text,
                    manual.len(),
                    w.name.text
                ),
                "one person carries most of this workflow",
            )
            .with_help("delegate some steps to another role, or automate them"),
        );
    }
}

/// Artifacts available to each step from its ancestors, as bit sets over the
/// workflow's needed artifacts, filled in executable order.
fn unproduced_input(w: &Workflow, out: &mut Vec<Diagnostic>) {
    let mut ids: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
    for s in &w.steps {
        for n in &s.needs {
            let next = ids.len();
            ids.entry(n.text.as_str()).or_insert(next);
        }
    }
    if ids.is_empty() {
        return;
    }
    let words = ids.len().div_ceil(64);
    let mut available = vec![0u64; w.steps.len() * words];
    let mut made = vec![0u64; words];
    for &i in &w.order.sequence {
        let s = &w.steps[i];
        for &p in &s.after {
            made.fill(0);
            for a in &w.steps[p].produces {
                if let Some(&id) = ids.get(a.text.as_str()) {
                    made[id / 64] |= 1 << (id % 64);
                }
            }
            for k in 0..words {
                available[i * words + k] |= available[p * words + k] | made[k];
            }
        }
        for n in &s.needs {
            let Some(&id) = ids.get(n.text.as_str()) else {
                continue;
            };
            if w.inputs.iter().any(|i| i.text == n.text) {
                continue; // an input exists from the start
            }
            if available[i * words + id / 64] & (1 << (id % 64)) != 0 {
                continue;
            }
            let producers: Vec<&str> = w
                .steps
                .iter()
                .filter(|p| p.produces.iter().any(|a| a.text == n.text))
                .map(|p| p.name.text.as_str())
                .collect();
            if producers.is_empty() {
                // Reported as `unknown-reference` by resolution.
                continue;
            }
            let mut d = Diagnostic::new(
                Code::UnproducedInput,
                n.span,
                format!(
                    "step `{}` needs `{}`, which no step before it produces",
                    s.name.text, n.text
                ),
                "needed here",
            );
            for p in w
                .steps
                .iter()
                .filter(|p| p.produces.iter().any(|a| a.text == n.text))
            {
                d = d.with_label(
                    p.name.span,
                    format!(
                        "`{}` is produced here, but not before `{}`",
                        n.text, s.name.text
                    ),
                );
            }
            out.push(d.with_help(format!(
                "order the steps so that {} comes first: `after {}`",
                producers.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" or "),
                producers[0]
            )));
        }
    }
}

/// For each step, the earliest-implementing ancestor with the highest process
/// index; a step whose own implemented steps all come before that index is
/// out of order with that ancestor.
fn out_of_order(model: &Model, w: &Workflow, out: &mut Vec<Diagnostic>) {
    let Some(p) = w.process else { return };
    let process = &model.processes[p.0];
    // best[i]: (the highest `min implements` among i's ancestors, that ancestor).
    let mut best: Vec<Option<(usize, usize)>> = vec![None; w.steps.len()];
    let mut reported = vec![false; w.steps.len()];
    for &i in &w.order.sequence {
        let s = &w.steps[i];
        let mut b: Option<(usize, usize)> = None;
        for &pred in &s.after {
            let own = w.steps[pred].implements.iter().min().map(|&m| (m, pred));
            for cand in [best[pred], own].into_iter().flatten() {
                if b.is_none_or(|(bm, bs)| cand.0 > bm || (cand.0 == bm && cand.1 < bs)) {
                    b = Some(cand);
                }
            }
        }
        best[i] = b;
        let (Some((later, early_step)), Some(&max_own)) = (b, s.implements.iter().max()) else {
            continue;
        };
        if later > max_own && !reported[early_step] {
            reported[early_step] = true;
            let a = &w.steps[early_step];
            out.push(
                Diagnostic::new(
                    Code::OutOfOrder,
                    a.name.span,
                    format!(
                        "step `{}` implements `{}` but comes before step `{}`, which implements the earlier `{}`",
                        a.name.text, process.steps[later].name.text, s.name.text, process.steps[max_own].name.text
                    ),
                    format!("implements `{}`", process.steps[later].name.text),
                )
                .with_label(s.name.span, format!("implements `{}`, earlier in process `{}`", process.steps[max_own].name.text, process.name.text))
                .with_help(format!(
                    "the process runs {}: reorder the steps (or their `after`) to follow it",
                    list(&process.steps.iter().map(|s| s.name.text.as_str()).collect::<Vec<_>>())
                )),
            );
        }
    }
}

fn unimplemented_process(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut implemented = vec![false; model.processes.len()];
    for p in model.workflows.iter().filter_map(|w| w.process) {
        implemented[p.0] = true;
    }
    for (k, p) in model.processes.iter().enumerate() {
        if p.duplicate || !model.in_root(p.name.span) || implemented[k] {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::UnimplementedProcess,
                p.name.span,
                format!("no workflow implements process `{}`", p.name.text),
                "this process is never carried out",
            )
            .with_help(format!(
                "add `workflow NAME \"Title\" implements {} {{ … }}` saying who does each step, with which tool",
                p.name.text
            )),
        );
    }
}

fn unused(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut role_used = vec![false; model.roles.len()];
    let mut tool_used = vec![false; model.tools.len()];
    for p in &model.processes {
        if let Some(o) = p.owner {
            role_used[o.0] = true;
        }
    }
    for w in &model.workflows {
        if let Some(o) = w.owner {
            role_used[o.0] = true;
        }
        for s in &w.steps {
            for o in s.owner.iter().chain(&s.escalate).chain(&s.with) {
                role_used[o.0] = true;
            }
            for t in &s.tools {
                tool_used[t.0] = true;
            }
        }
    }
    for (r, used) in model.roles.iter().zip(role_used) {
        if !used && !r.duplicate && model.in_root(r.name.span) {
            out.push(
                Diagnostic::new(Code::UnusedRole, r.name.span, format!("role `{}` owns nothing", r.name.text), "declared but never an owner")
                    .with_help("make it the `owner` of a step, or remove it (shared roles belong in a library file such as team.flow)"),
            );
        }
    }
    for (t, used) in model.tools.iter().zip(tool_used) {
        if !used && !t.duplicate && model.in_root(t.name.span) {
            out.push(
                Diagnostic::new(Code::UnusedTool, t.name.span, format!("tool `{}` is used by no step", t.name.text), "declared but never used")
                    .with_help("use it in a step's `tool`, or remove it (shared tools belong in a library file such as team.flow)"),
            );
        }
    }
}
