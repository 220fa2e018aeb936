//! The BPMN process graph of one workflow: flow nodes, sequence flows, lanes
//! and data objects, built from the model (its order, conditions, decisions
//! and rework), independent of the flavor and of the layout.
//!
//! Each step becomes a block that a token always passes through, so the skip
//! rule of the plan holds as it is (a skipped step counts as done):
//!
//! ```text
//! [S.join] → [S.again] → [S.when] → [S.wait] → S (+ S.overdue) → [S.rework] → [S.done] → [S.split]
//!                           └──────────── skip (default flow) ──────────────────┘
//! ```
//!
//! `S.join` (parallel) when S has several predecessors; `S.again` (exclusive
//! merge) when a rework loops back to S; `S.when` (exclusive split) and
//! `S.done` (exclusive merge) when S has a `when`; `S.wait` (timer) for
//! `wait`; `S.overdue` (non-interrupting boundary timer) leading to the user
//! task `S.escalation` for `within` + `escalate`; `S.rework` (exclusive split)
//! with a back flow per `rework`; `S.split` (parallel) when several steps come
//! after S. The element id of a step's task is the step id; the other ids
//! hold a `.` or start with `_`, which a Flow name never does, so no two ids
//! collide.

use crate::backend::{condition_words, step_title, title};
use crate::model::{Condition, Model, RoleId, Workflow, WorkflowId};

/// What a flow node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// The start event; `cycle` is an ISO 8601 repeating interval for a
    /// timer start (`R/P1W`).
    Start {
        /// The timer cycle, if any.
        cycle: Option<String>,
    },
    /// An end event.
    End,
    /// The task of a step (index into the workflow's steps).
    Step(usize),
    /// The user task that tells `role` that step `step` is overdue.
    Escalation {
        /// The overdue step.
        step: usize,
        /// The role told.
        role: RoleId,
    },
    /// A parallel gateway (split or join).
    Parallel,
    /// An exclusive gateway (split or merge).
    Exclusive,
    /// An intermediate timer catch event (`wait`), an ISO 8601 duration.
    Wait(String),
    /// A non-interrupting boundary timer on node `host`, an ISO 8601 duration.
    Boundary {
        /// The task it is attached to.
        host: usize,
        /// The duration.
        duration: String,
    },
}

/// A flow node.
#[derive(Debug, Clone)]
pub struct Node {
    /// The element id.
    pub id: String,
    /// Its name (label).
    pub name: Option<String>,
    /// What it is.
    pub kind: NodeKind,
    /// Index into [`Graph::lanes`].
    pub lane: usize,
    /// Its documentation (plain text).
    pub documentation: Option<String>,
    /// Sequence flows in (indices into [`Graph::flows`]).
    pub incoming: Vec<usize>,
    /// Sequence flows out.
    pub outgoing: Vec<usize>,
    /// For an exclusive split: its default flow.
    pub default: Option<usize>,
}

/// One term of a condition: the variable, the answer it needs, and whether
/// the variable may be unset when the condition is evaluated (a decision
/// whose deciding step has a `when` of its own, and so may be skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The variable.
    pub variable: String,
    /// The answer under which the term holds.
    pub is: bool,
    /// Whether the variable may be unset.
    pub maybe_unset: bool,
}

/// A condition on a sequence flow: every term must hold.
pub type FlowCondition = Vec<Term>;

/// A sequence flow.
#[derive(Debug, Clone)]
pub struct Flow {
    /// The element id.
    pub id: String,
    /// Source node.
    pub source: usize,
    /// Target node.
    pub target: usize,
    /// Its name (label).
    pub name: Option<String>,
    /// Its condition, if it leaves an exclusive split and is not the default.
    pub condition: Option<FlowCondition>,
    /// Whether it runs back (rework): drawn under the diagram.
    pub back: bool,
    /// Whether it routes around a skipped step: drawn under the step.
    pub skip: bool,
}

/// A data object (an artifact or an input) and its reference.
#[derive(Debug, Clone)]
pub struct Data {
    /// The id of the `dataObject`: the artifact's name (or `_data.NAME`
    /// when a step has that name).
    pub id: String,
    /// The artifact's name.
    pub name: String,
    /// Whether it is an `input` (exists at the start).
    pub input: bool,
    /// The lane its reference is drawn in.
    pub lane: usize,
    /// The node it is drawn beside (its first producer, or the start).
    pub anchor: usize,
}

/// A data association between a step's task and a data object.
#[derive(Debug, Clone)]
pub struct Association {
    /// The element id.
    pub id: String,
    /// The task node.
    pub node: usize,
    /// Index into [`Graph::data`].
    pub data: usize,
    /// `true`: the step produces it (output); `false`: it needs it (input).
    pub output: bool,
}

/// The BPMN graph of one workflow.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The roles of the lanes, in order (`None`: steps without an owner).
    pub lanes: Vec<(Option<RoleId>, String)>,
    /// Flow nodes, in the order they are written.
    pub nodes: Vec<Node>,
    /// Sequence flows, in the order they are written.
    pub flows: Vec<Flow>,
    /// Data objects.
    pub data: Vec<Data>,
    /// Data associations, per task in the order written.
    pub associations: Vec<Association>,
}

impl Graph {
    fn node(&mut self, id: String, name: Option<String>, kind: NodeKind, lane: usize) -> usize {
        self.nodes.push(Node {
            id,
            name,
            kind,
            lane,
            documentation: None,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            default: None,
        });
        self.nodes.len() - 1
    }

    fn flow(&mut self, source: usize, target: usize) -> usize {
        let k = self.flows.len();
        self.flows.push(Flow {
            id: format!("_flow.{}", k + 1),
            source,
            target,
            name: None,
            condition: None,
            back: false,
            skip: false,
        });
        self.nodes[source].outgoing.push(k);
        self.nodes[target].incoming.push(k);
        k
    }
}

/// The rework loops of a workflow that can be drawn as a back flow: `(from,
/// to, decision)` where the steps on the paths from `to` to `from` form a
/// closed region (nothing enters it but at `to`, nothing leaves it but at
/// `from`), so running it again needs no token from outside and sends none
/// out twice. Others are stated in the task's documentation.
fn drawable_rework(workflow: &Workflow, succ: &[Vec<usize>]) -> Vec<(usize, usize, usize)> {
    let n = workflow.steps.len();
    let mut out = Vec::new();
    for from in 0..n {
        for r in &workflow.steps[from].rework {
            let to = r.step;
            // Region: descendants of `to` (with `to`) that are ancestors of `from` (with `from`).
            let mut down = vec![false; n];
            let mut stack = vec![to];
            while let Some(s) = stack.pop() {
                if !std::mem::replace(&mut down[s], true) {
                    stack.extend(succ[s].iter().copied());
                }
            }
            let mut up = vec![false; n];
            let mut stack = vec![from];
            while let Some(s) = stack.pop() {
                if !std::mem::replace(&mut up[s], true) {
                    stack.extend(workflow.steps[s].after.iter().copied());
                }
            }
            let region: Vec<bool> = (0..n).map(|s| down[s] && up[s]).collect();
            let closed = (0..n).filter(|&s| region[s]).all(|s| {
                (s == to || workflow.steps[s].after.iter().all(|&p| region[p]))
                    && (s == from || succ[s].iter().all(|&c| region[c]))
            });
            if closed && region[to] {
                out.push((from, to, r.decision));
            }
        }
    }
    out
}

/// The condition of a step's `when` as variables and answers.
fn flow_condition(workflow: &Workflow, step: usize) -> FlowCondition {
    let s = &workflow.steps[step];
    s.when
        .iter()
        .map(|c| match c {
            Condition::Decision { decision, is, .. } => {
                let d = &workflow.decisions[*decision];
                Term {
                    variable: d.variable(),
                    is: *is,
                    maybe_unset: workflow.steps[d.step].conditional,
                }
            }
            Condition::Text(_) => Term {
                variable: s.text_condition_variable(),
                is: true,
                maybe_unset: false,
            },
        })
        .collect()
}

/// The documentation of a step's task: its description, then what the
/// diagram does not show (tools, helpers, time, deadline, command).
fn step_documentation(
    model: &Model,
    workflow: &Workflow,
    step: usize,
    undrawn_rework: &[(usize, usize)],
) -> Option<String> {
    let s = &workflow.steps[step];
    let role = |r: RoleId| {
        let r = &model.roles[r.0];
        title(&r.name, r.title.as_ref()).into_owned()
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = &s.description {
        parts.push(d.value.trim().to_owned());
    }
    if !s.tools.is_empty() {
        let tools: Vec<String> = s
            .tools
            .iter()
            .map(|t| {
                let t = &model.tools[t.0];
                title(&t.name, t.title.as_ref()).into_owned()
            })
            .collect();
        parts.push(format!("Tools: {}.", tools.join(", ")));
    }
    if !s.with.is_empty() {
        let with: Vec<String> = s.with.iter().map(|&r| role(r)).collect();
        parts.push(format!("With: {}.", with.join(", ")));
    }
    for &d in &s.decides {
        let d = &workflow.decisions[d];
        parts.push(format!(
            "Decides: {} (yes or no, in the variable {}).",
            d.question.value.trim(),
            d.variable()
        ));
    }
    if let Some(words) = crate::backend::conditions_words(workflow, s) {
        parts.push(format!("Only if {words}."));
    }
    if let Some(t) = &s.takes {
        parts.push(format!("Takes {}.", crate::backend::duration_words(t)));
    }
    if let Some(w) = &s.within {
        let mut line = format!(
            "Due within {} of becoming ready",
            crate::backend::duration_words(w)
        );
        if let Some(e) = s.escalate {
            line.push_str(&format!("; if it is not done by then, {} is told", role(e)));
        }
        line.push('.');
        parts.push(line);
    }
    for &(to, decision) in undrawn_rework {
        parts.push(format!(
            "If the answer to “{}” is no, “{}” and the steps after it up to this one are done again (not drawn: other work joins or leaves that loop).",
            workflow.decisions[decision].question.value.trim(),
            step_title(workflow, to)
        ));
    }
    if let Some(r) = &s.run {
        parts.push(format!("Runs: {}", r.value.trim()));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The BPMN graph of workflow `w`.
#[must_use]
pub fn build(model: &Model, w: WorkflowId, spiff: bool) -> Graph {
    let workflow = &model.workflows[w.0];
    let n = workflow.steps.len();
    let order = crate::backend::sequence(workflow);
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &s in order.iter() {
        for &p in &workflow.steps[s].after {
            succ[p].push(s);
        }
    }
    let role_title = |r: Option<RoleId>| {
        r.map_or_else(
            || "No owner".to_owned(),
            |r| {
                let r = &model.roles[r.0];
                title(&r.name, r.title.as_ref()).into_owned()
            },
        )
    };
    let mut lanes: Vec<(Option<RoleId>, String)> = crate::backend::lanes(workflow, &order)
        .into_iter()
        .map(|(r, _)| (r, role_title(r)))
        .collect();
    for &s in order.iter() {
        if let Some(e) = workflow.steps[s].escalate {
            if !lanes.iter().any(|(r, _)| *r == Some(e)) {
                lanes.push((Some(e), role_title(Some(e))));
            }
        }
    }
    if lanes.is_empty() {
        lanes.push((workflow.owner, role_title(workflow.owner)));
    }
    let lane_of = |r: Option<RoleId>| lanes.iter().position(|(l, _)| *l == r).unwrap_or(0);
    let step_lane: Vec<usize> = workflow.steps.iter().map(|s| lane_of(s.owner)).collect();
    let first_lane = order.first().map_or(0, |&s| step_lane[s]);
    let last_lane = order.last().map_or(0, |&s| step_lane[s]);

    let drawn = drawable_rework(workflow, &succ);
    let mut g = Graph {
        lanes: lanes.clone(),
        nodes: Vec::new(),
        flows: Vec::new(),
        data: Vec::new(),
        associations: Vec::new(),
    };

    // The start: the trigger as its name, or a timer cycle for `every`.
    let cycle = match (&workflow.trigger, &workflow.every) {
        // SpiffWorkflow runs a cycle start as one endless run: the
        // application starts each run there, so spiff has no timer.
        (None, Some(every)) if !spiff => Some(format!(
            "R/{}",
            crate::model::time::iso_duration(every.seconds())
        )),
        _ => None,
    };
    let start_name = match (&workflow.trigger, &workflow.every) {
        (Some(t), _) => t.value.trim().to_owned(),
        (None, Some(every)) => format!("Every {}", crate::backend::duration_words(every)),
        (None, None) => "Start".to_owned(),
    };
    let start = g.node(
        "_start".to_owned(),
        Some(start_name),
        NodeKind::Start { cycle },
        first_lane,
    );
    let roots: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&s| workflow.steps[s].after.is_empty())
        .collect();
    let start_exit = if roots.len() > 1 {
        let split = g.node(
            "_start.split".to_owned(),
            Some("In parallel".to_owned()),
            NodeKind::Parallel,
            first_lane,
        );
        g.flow(start, split);
        split
    } else {
        start
    };

    let reworked: Vec<bool> = (0..n).map(|s| drawn.iter().any(|d| d.1 == s)).collect();
    let mut exit: Vec<usize> = vec![usize::MAX; n];
    let mut again: Vec<Option<usize>> = vec![None; n];
    let mut task_node: Vec<usize> = vec![usize::MAX; n];
    for &s in order.iter() {
        let step = &workflow.steps[s];
        let id = &step.name.text;
        let lane = step_lane[s];
        let title = step_title(workflow, s);
        let mut cur = match step.after.as_slice() {
            [] => start_exit,
            [p] => exit[*p],
            preds => {
                // An either/or join says so: one of the two ran, the other
                // was skipped, and both count as done.
                let name = match preds {
                    [a, b] if crate::backend::opposite(workflow, *a, *b) => Some(format!(
                        "After “{}” or “{}”, whichever applies",
                        step_title(workflow, *a),
                        step_title(workflow, *b)
                    )),
                    _ => None,
                };
                let join = g.node(format!("{id}.join"), name, NodeKind::Parallel, lane);
                for &p in preds {
                    g.flow(exit[p], join);
                }
                join
            }
        };
        let connect = |g: &mut Graph, from: usize, to: usize| {
            if from == usize::MAX {
                // Only in a model with a cycle (never built): start instead.
                g.flow(start_exit, to)
            } else {
                g.flow(from, to)
            }
        };
        if reworked[s] {
            let a = g.node(format!("{id}.again"), None, NodeKind::Exclusive, lane);
            connect(&mut g, cur, a);
            again[s] = Some(a);
            cur = a;
        }
        // A conditional step: the split, whose "run" flow carries the
        // condition and whose default flow skips to `S.done`.
        let mut when = None;
        if step.conditional {
            let name = match step.when.as_slice() {
                [Condition::Decision { decision, .. }] => workflow.decisions[*decision]
                    .question
                    .value
                    .trim()
                    .to_owned(),
                conditions => {
                    let words: Vec<String> = conditions
                        .iter()
                        .map(|c| condition_words(workflow, c))
                        .collect();
                    format!("Only if {}", words.join(" and "))
                }
            };
            let gw = g.node(format!("{id}.when"), Some(name), NodeKind::Exclusive, lane);
            connect(&mut g, cur, gw);
            when = Some(gw);
            cur = gw;
        }
        let mut first_flow = None;
        if let Some(wait) = &step.wait {
            let t = g.node(
                format!("{id}.wait"),
                Some(format!("Wait {}", crate::backend::duration_words(wait))),
                NodeKind::Wait(crate::model::time::iso_duration(wait.seconds())),
                lane,
            );
            first_flow = Some(connect(&mut g, cur, t));
            cur = t;
        }
        let undrawn: Vec<(usize, usize)> = step
            .rework
            .iter()
            .filter(|r| !drawn.contains(&(s, r.step, r.decision)))
            .map(|r| (r.step, r.decision))
            .collect();
        let task = g.node(id.clone(), Some(title.clone()), NodeKind::Step(s), lane);
        g.nodes[task].documentation = step_documentation(model, workflow, s, &undrawn);
        task_node[s] = task;
        let f = connect(&mut g, cur, task);
        first_flow.get_or_insert(f);
        cur = task;
        if when.is_some() {
            let run = first_flow.unwrap_or(f);
            g.flows[run].condition = Some(flow_condition(workflow, s));
            g.flows[run].name = Some(match step.when.as_slice() {
                [Condition::Decision { is: false, .. }] => "no".to_owned(),
                _ => "yes".to_owned(),
            });
        }
        // `within` + `escalate`: a non-interrupting timer on the task, from
        // when the task starts, so less the `wait` (the deadline runs from
        // when the step becomes ready).
        if let (Some(within), Some(role)) = (&step.within, step.escalate) {
            let after_wait = within
                .seconds()
                .saturating_sub(step.wait.map_or(0, |w| w.seconds()));
            let b = g.node(
                format!("{id}.overdue"),
                Some(format!(
                    "Not done within {}",
                    crate::backend::duration_words(within)
                )),
                NodeKind::Boundary {
                    host: task,
                    duration: crate::model::time::iso_duration(after_wait),
                },
                lane,
            );
            let e = g.node(
                format!("{id}.escalation"),
                Some(format!("Step “{title}” is overdue")),
                NodeKind::Escalation { step: s, role },
                lane_of(Some(role)),
            );
            g.nodes[e].documentation = Some(format!(
                "“{title}” was not done within {} of becoming ready: decide what happens.",
                crate::backend::duration_words(within)
            ));
            let end = g.node(
                format!("{id}.escalated"),
                Some("Escalation handled".to_owned()),
                NodeKind::End,
                lane_of(Some(role)),
            );
            g.flow(b, e);
            g.flow(e, end);
        }
        let loops: Vec<&(usize, usize, usize)> = drawn.iter().filter(|d| d.0 == s).collect();
        if !loops.is_empty() {
            let name = match loops.as_slice() {
                [(_, _, d)] => workflow.decisions[*d].question.value.trim().to_owned(),
                _ => "Rework needed?".to_owned(),
            };
            let gw = g.node(
                format!("{id}.rework"),
                Some(name),
                NodeKind::Exclusive,
                lane,
            );
            g.flow(cur, gw);
            for &&(_, to, d) in &loops {
                let target = again[to].unwrap_or(start_exit);
                let f = g.flow(gw, target);
                g.flows[f].back = true;
                g.flows[f].condition = Some(vec![Term {
                    variable: workflow.decisions[d].variable(),
                    is: false,
                    maybe_unset: workflow.steps[workflow.decisions[d].step].conditional,
                }]);
                g.flows[f].name = Some(if loops.len() == 1 {
                    "no: again".to_owned()
                } else {
                    format!(
                        "no to “{}”: again from “{}”",
                        workflow.decisions[d].question.value.trim(),
                        step_title(workflow, to)
                    )
                });
            }
            // The flow that goes on ("yes", the default) is the next one
            // made from it: marked below, once every flow exists.
            cur = gw;
        }
        if let Some(gw) = when {
            let done = g.node(format!("{id}.done"), None, NodeKind::Exclusive, lane);
            g.flow(cur, done);
            let skip = g.flow(gw, done);
            g.flows[skip].skip = true;
            g.flows[skip].name = Some("skip".to_owned());
            g.nodes[gw].default = Some(skip);
            cur = done;
        }
        if succ[s].len() > 1 {
            // Steps with opposite conditions never run together: say so
            // rather than "in parallel".
            let exclusive = succ[s].iter().enumerate().all(|(k, &a)| {
                succ[s][k + 1..]
                    .iter()
                    .all(|&b| crate::backend::opposite(workflow, a, b))
            });
            let name = if exclusive {
                "Only one of these applies"
            } else {
                "In parallel"
            };
            let split = g.node(
                format!("{id}.split"),
                Some(name.to_owned()),
                NodeKind::Parallel,
                lane,
            );
            g.flow(cur, split);
            cur = split;
        }
        exit[s] = cur;
    }

    // The end: after every step that no step comes after.
    let sinks: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&s| succ[s].is_empty())
        .collect();
    let end_from = if sinks.len() > 1 {
        let join = g.node("_end.join".to_owned(), None, NodeKind::Parallel, last_lane);
        for &s in &sinks {
            g.flow(exit[s], join);
        }
        Some(join)
    } else {
        sinks.first().map(|&s| exit[s])
    };
    let end = g.node(
        "_end".to_owned(),
        Some("Done".to_owned()),
        NodeKind::End,
        last_lane,
    );
    g.flow(end_from.unwrap_or(start_exit), end);

    // A rework split: its flow that goes on is the one without a condition,
    // its default ("yes").
    for k in 0..g.nodes.len() {
        if g.nodes[k].kind == NodeKind::Exclusive
            && g.nodes[k].outgoing.len() > 1
            && g.nodes[k].default.is_none()
        {
            if let Some(&f) = g.nodes[k]
                .outgoing
                .iter()
                .find(|&&f| g.flows[f].condition.is_none())
            {
                g.nodes[k].default = Some(f);
                g.flows[f].name.get_or_insert_with(|| "yes".to_owned());
            }
        }
    }

    add_data(workflow, &mut g, start, &task_node, &step_lane, first_lane);
    g
}

/// The data objects (inputs first, then artifacts in the order steps produce
/// or need them) and the associations of each task.
fn add_data(
    workflow: &Workflow,
    g: &mut Graph,
    start: usize,
    task_node: &[usize],
    step_lane: &[usize],
    first_lane: usize,
) {
    use std::collections::{HashMap, HashSet};
    let order = crate::backend::sequence(workflow);
    let steps: HashSet<&str> = workflow
        .steps
        .iter()
        .map(|s| s.name.text.as_str())
        .collect();
    let id_for = |name: &str| {
        if steps.contains(name) {
            format!("_data.{name}")
        } else {
            name.to_owned()
        }
    };
    // name → index into `g.data`
    let mut index: HashMap<&str, usize> = HashMap::new();
    let inputs = workflow.inputs.iter().map(|i| (i, None));
    let produced = order
        .iter()
        .flat_map(|&s| workflow.steps[s].produces.iter().map(move |p| (p, Some(s))));
    for (name, producer) in inputs.chain(produced) {
        if index.contains_key(name.text.as_str()) {
            continue;
        }
        index.insert(&name.text, g.data.len());
        g.data.push(Data {
            id: id_for(&name.text),
            name: name.text.clone(),
            input: producer.is_none(),
            lane: producer.map_or(first_lane, |s| step_lane[s]),
            anchor: producer.map_or(start, |s| task_node[s]),
        });
    }
    let mut seen: HashSet<(usize, usize, bool)> = HashSet::new();
    for &s in order.iter() {
        let step = &workflow.steps[s];
        for (names, output) in [(&step.needs, false), (&step.produces, true)] {
            for name in names {
                let Some(&data) = index.get(name.text.as_str()) else {
                    continue;
                };
                if !seen.insert((s, data, output)) {
                    continue;
                }
                let kind = if output { "produces" } else { "needs" };
                g.associations.push(Association {
                    id: format!("{}.{kind}.{}", step.name.text, name.text),
                    node: task_node[s],
                    data,
                    output,
                });
            }
        }
    }
}
