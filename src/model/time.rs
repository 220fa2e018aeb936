//! Time in a workflow: lead time and its critical path, the deadline bound,
//! runs per week. Plain seconds, no calendar (see docs/language.md): `1d` is
//! 86,400 s. Only the order counts (rework loops are ignored, conditional
//! steps count as if they run).

use super::{Step, Workflow};

/// Seconds in a week: `every` is turned into runs per week with it.
pub const WEEK: u64 = 604_800;

/// The lead time of a workflow: its longest path of `wait + takes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadTime {
    /// The length of the longest path, in seconds.
    pub seconds: u64,
    /// Whether a step of the workflow has no `takes`: then the figure is a
    /// lower bound.
    pub lower_bound: bool,
    /// The steps of the longest path, first to last (indices into the
    /// workflow's steps). On a tie, the path whose first differing step was
    /// written first.
    pub critical_path: Vec<usize>,
}

/// The bound that deadlines put on a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineBound {
    /// Every step has `within`: the longest path of `within`, in seconds,
    /// and its steps.
    Bounded(u64, Vec<usize>),
    /// The first step, in execution order, that has no `within`.
    Unbounded(usize),
}

/// The longest path through the order where each step costs `cost(step)`,
/// with the tie rule of [`LeadTime::critical_path`]. `None` when the order
/// has a cycle or there is no step.
fn longest_path(w: &Workflow, cost: impl Fn(usize) -> u64) -> Option<(u64, Vec<usize>)> {
    if w.order.is_cyclic() || w.steps.is_empty() {
        return None;
    }
    let n = w.steps.len();
    // best[s]: the length of the longest path ending at s, and the step
    // before s on it.
    let mut best: Vec<(u64, Option<usize>)> = vec![(0, None); n];
    let mut has_successor = vec![false; n];
    for &s in &w.order.sequence {
        let mut chosen: Option<usize> = None;
        for &p in &w.steps[s].after {
            has_successor[p] = true;
            chosen = Some(match chosen {
                None => p,
                Some(c) if best[p].0 > best[c].0 => p,
                // Compared with `s` at their end: a path that is a prefix of
                // the other is not "written first" for that (the other's next
                // step and `s` are what differ).
                Some(c)
                    if best[p].0 == best[c].0 && through(&best, p, s) < through(&best, c, s) =>
                {
                    p
                }
                Some(c) => c,
            });
        }
        let before = chosen.map_or(0, |p| best[p].0);
        best[s] = (before.saturating_add(cost(s)), chosen);
    }
    let mut end: Option<usize> = None;
    for s in (0..n).filter(|&s| !has_successor[s]) {
        end = Some(match end {
            None => s,
            Some(e) if best[s].0 > best[e].0 => s,
            Some(e) if best[s].0 == best[e].0 && path(&best, s) < path(&best, e) => s,
            Some(e) => e,
        });
    }
    let end = end?;
    Some((best[end].0, path(&best, end)))
}

/// The path that ends at `p`, then `s`.
fn through(best: &[(u64, Option<usize>)], p: usize, s: usize) -> Vec<usize> {
    let mut out = path(best, p);
    out.push(s);
    out
}

/// The path that ends at `s`, first to last.
fn path(best: &[(u64, Option<usize>)], s: usize) -> Vec<usize> {
    let mut out = vec![s];
    let mut at = s;
    while let Some(p) = best[at].1 {
        out.push(p);
        at = p;
    }
    out.reverse();
    out
}

/// The lead time: the longest path of `wait + takes` (a missing `takes`
/// counts 0). `None` when the order has a cycle or there is no step.
#[must_use]
pub fn lead_time(w: &Workflow) -> Option<LeadTime> {
    let cost = |s: usize| {
        let step = &w.steps[s];
        let wait = step.wait.map_or(0, |d| d.seconds());
        wait.saturating_add(step.takes.map_or(0, |d| d.seconds()))
    };
    let (seconds, critical_path) = longest_path(w, cost)?;
    Some(LeadTime {
        seconds,
        lower_bound: w.steps.iter().any(|s| s.takes.is_none()),
        critical_path,
    })
}

/// The deadline bound: the longest path of `within` (a deadline runs from
/// when the step becomes ready, so its `wait` is inside it), or the first
/// step in execution order without `within`. `None` when the order has a
/// cycle or there is no step.
#[must_use]
pub fn deadline_bound(w: &Workflow) -> Option<DeadlineBound> {
    if let Some(&s) = w
        .order
        .sequence
        .iter()
        .find(|&&s| w.steps[s].within.is_none())
    {
        return Some(DeadlineBound::Unbounded(s));
    }
    let (seconds, steps) = longest_path(w, |s| w.steps[s].within.map_or(0, |d| d.seconds()))?;
    Some(DeadlineBound::Bounded(seconds, steps))
}

/// Runs per week from `every` (`every 1d` = 7, `every 2w` = 0.5).
#[must_use]
pub fn runs_per_week(w: &Workflow) -> Option<f64> {
    let every = w.every?.seconds();
    #[allow(clippy::cast_precision_loss)] // durations far below 2^52 seconds
    (every > 0).then(|| WEEK as f64 / every as f64)
}

/// The one rule of hours of work: Σ `takes` of the manual steps of `w` that
/// `keep` selects by index and step (automated steps cost no one's hours; a step without
/// `takes` counts 0) × runs per week / 3600, with the number of selected
/// manual steps that say how long they take. `None` when `w` has no `every`.
/// The audit (per workflow, per role) and the handbook's role pages all
/// count hours with it.
#[must_use]
pub fn manual_hours_per_week(
    w: &Workflow,
    keep: impl Fn(usize, &Step) -> bool,
) -> Option<(f64, usize)> {
    let runs = runs_per_week(w)?;
    let (seconds, timed) = w
        .steps
        .iter()
        .enumerate()
        .filter(|&(i, s)| !s.automated && keep(i, s))
        .filter_map(|(_, s)| s.takes)
        .fold((0u64, 0usize), |(sum, n), t| {
            (sum.saturating_add(t.seconds()), n + 1)
        });
    #[allow(clippy::cast_precision_loss)] // durations far below 2^52 seconds
    Some((seconds as f64 * runs / 3600.0, timed))
}

/// A role's hours of work per week over the workflows given with the role's
/// id in each one's model ([`manual_hours_per_week`] of the steps the role
/// owns; `with` roles do not count). `None` when no such step of a workflow
/// with `every` says how long it takes (unknown, not zero).
#[must_use]
pub fn role_hours_per_week<'a>(
    workflows: impl IntoIterator<Item = (&'a Workflow, super::RoleId)>,
) -> Option<f64> {
    let mut hours = None;
    for (w, role) in workflows {
        if let Some((h, timed)) = manual_hours_per_week(w, |_, s| s.owner == Some(role)) {
            if timed > 0 {
                hours = Some(hours.unwrap_or(0.0) + h);
            }
        }
    }
    hours
}

/// A duration in seconds as the largest unit that divides it (`129600` →
/// `36h`), for messages.
#[must_use]
pub fn format_seconds(seconds: u64) -> String {
    if seconds == 0 {
        return "0m".to_owned();
    }
    for (unit, suffix) in [(WEEK, "w"), (86_400, "d"), (3600, "h"), (60, "m")] {
        if seconds % unit == 0 {
            return format!("{}{suffix}", seconds / unit);
        }
    }
    format!("{seconds}s")
}

/// A duration in seconds as an ISO 8601 duration in the largest unit that
/// divides it (`172800` → `P2D`, `14400` → `PT4H`, `604800` → `P1W`, `0` →
/// `PT0S`), for engines (BPMN timers).
#[must_use]
pub fn iso_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "PT0S".to_owned();
    }
    for (unit, prefix, suffix) in [
        (WEEK, "P", "W"),
        (86_400, "P", "D"),
        (3600, "PT", "H"),
        (60, "PT", "M"),
    ] {
        if seconds % unit == 0 {
            return format!("{prefix}{}{suffix}", seconds / unit);
        }
    }
    format!("PT{seconds}S")
}

/// A duration in seconds for people: its units from weeks down to minutes,
/// largest first (`91800` → `1d 1h 30m`); under a minute, seconds.
#[must_use]
pub fn describe_seconds(seconds: u64) -> String {
    let mut parts = Vec::new();
    let mut rest = seconds;
    for (unit, suffix) in [(WEEK, "w"), (86_400, "d"), (3600, "h"), (60, "m")] {
        if rest >= unit {
            parts.push(format!("{}{suffix}", rest / unit));
            rest %= unit;
        }
    }
    if parts.is_empty() || rest > 0 {
        parts.push(format!("{rest}s"));
    }
    parts.join(" ")
}

/// A number of hours (or runs) for people, rounded to one decimal without a
/// trailing `.0` (`12.5`, `3`): the audit's hours per week and runs per week.
#[must_use]
pub fn describe_hours(h: f64) -> String {
    let text = format!("{h:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}
