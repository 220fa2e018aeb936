//! Roles and tools across every workflow read. A role or tool is known by
//! its name: the same name in two files (one shared library, or a copy) is
//! one role or tool.

use crate::backend::title;

use super::figures::Audited;
use super::{RoleFigures, ToolFigures};

/// The figures of each role that owns a workflow or a step, takes part in
/// one or is escalated to, in the order first met.
#[must_use]
pub fn roles(workflows: &[Audited<'_>], overload_hours: f64) -> Vec<RoleFigures> {
    let mut roles: Vec<RoleFigures> = Vec::new();
    let mut index: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    for a in workflows {
        let w = a.workflow;
        let mut entry = |roles: &mut Vec<RoleFigures>, id: crate::model::RoleId| {
            entry(roles, &mut index, a.model, id)
        };
        // Who takes part in this workflow, in the order met, and the roles
        // that own a manual step (their hours are counted below).
        let mut here: Vec<usize> = Vec::new();
        let mut owners: std::collections::BTreeMap<usize, crate::model::RoleId> =
            std::collections::BTreeMap::new();
        if let Some(o) = w.owner {
            entry(&mut roles, o);
        }
        for (i, s) in w.steps.iter().enumerate() {
            let id = a.step_id(i).to_owned();
            if let Some(o) = s.owner {
                let r = entry(&mut roles, o);
                roles[r].steps.push(id.clone());
                here.push(r);
                if !s.automated {
                    owners.insert(r, o);
                }
                if !s.automated && s.takes.is_none() && a.figures.runs_per_week.is_some() {
                    roles[r].steps_without_takes.push(id.clone());
                }
                if !s.automated && a.figures.runs_per_week.is_none() {
                    let wid = &a.figures.id;
                    if roles[r].workflows_without_every.last() != Some(wid) {
                        roles[r].workflows_without_every.push(wid.clone());
                    }
                }
            }
            for &h in &s.with {
                let r = entry(&mut roles, h);
                roles[r].with_steps.push(id.clone());
                here.push(r);
            }
            if let Some(e) = s.escalate {
                let r = entry(&mut roles, e);
                roles[r].escalations.push(id.clone());
            }
        }
        for &(from, to) in &a.handoffs {
            if let Some(o) = w.steps[from].owner {
                let r = entry(&mut roles, o);
                roles[r].handoffs_out += 1;
            }
            if let Some(o) = w.steps[to].owner {
                let r = entry(&mut roles, o);
                roles[r].handoffs_in += 1;
            }
        }
        for r in here {
            if roles[r].workflows.last() != Some(&a.figures.id) {
                roles[r].workflows.push(a.figures.id.clone());
            }
        }
        for (r, o) in owners {
            let hours = crate::model::time::manual_hours_per_week(w, |_, s| s.owner == Some(o));
            if let Some((h, _)) = hours {
                roles[r].hours_per_week += h;
            }
        }
    }
    let total: f64 = roles.iter().map(|r| r.hours_per_week).sum();
    for role in &mut roles {
        role.share = (total > 0.0).then(|| role.hours_per_week / total);
        role.overloaded = role.hours_per_week > overload_hours;
    }
    roles
}

/// The index of a role's figures, added when first met.
fn entry(
    roles: &mut Vec<RoleFigures>,
    index: &mut foldhash::HashMap<String, usize>,
    model: &crate::model::Model,
    id: crate::model::RoleId,
) -> usize {
    let role = &model.roles[id.0];
    *index.entry(role.name.text.clone()).or_insert_with(|| {
        roles.push(RoleFigures {
            id: role.name.text.clone(),
            title: title(&role.name, role.title.as_ref()).into_owned(),
            external: role.external,
            steps: Vec::new(),
            workflows: Vec::new(),
            hours_per_week: 0.0,
            share: None,
            overloaded: false,
            steps_without_takes: Vec::new(),
            workflows_without_every: Vec::new(),
            with_steps: Vec::new(),
            escalations: Vec::new(),
            handoffs_in: 0,
            handoffs_out: 0,
        });
        roles.len() - 1
    })
}

/// The figures of each tool a step uses, in the order first met.
#[must_use]
pub fn tools(workflows: &[Audited<'_>]) -> Vec<ToolFigures> {
    let mut tools: Vec<ToolFigures> = Vec::new();
    let mut index: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    for a in workflows {
        for (i, s) in a.workflow.steps.iter().enumerate() {
            for &t in &s.tools {
                let tool = &a.model.tools[t.0];
                let k = *index.entry(tool.name.text.clone()).or_insert_with(|| {
                    tools.push(ToolFigures {
                        id: tool.name.text.clone(),
                        title: title(&tool.name, tool.title.as_ref()).into_owned(),
                        steps: Vec::new(),
                        workflows: Vec::new(),
                        roles: Vec::new(),
                        every_workflow: false,
                    });
                    tools.len() - 1
                });
                let entry = &mut tools[k];
                entry.steps.push(a.step_id(i).to_owned());
                if entry.workflows.last() != Some(&a.figures.id) {
                    entry.workflows.push(a.figures.id.clone());
                }
                if let Some(o) = a.owner(i) {
                    if !entry.roles.iter().any(|r| r == o) {
                        entry.roles.push(o.to_owned());
                    }
                }
            }
        }
    }
    let all: Vec<&str> = workflows.iter().map(|a| a.figures.id.as_str()).collect();
    for t in &mut tools {
        t.every_workflow = all.len() > 1 && all.iter().all(|w| t.workflows.iter().any(|x| x == w));
    }
    tools
}
