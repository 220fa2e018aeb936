//! `procflow audit`'s figures, worked out by hand: the examples (lead time,
//! critical path, handoffs, hours per role) and small cases (parallel
//! branches, conditional steps, rework, missing `takes`, automated steps,
//! several workflows sharing roles across files through `use`), the
//! findings and their rank, the filters, the `owner-overload` lint on hours,
//! and a property test of the lead time against a brute-force longest path.
#![allow(clippy::unwrap_used, clippy::float_cmp)]

mod common;

use common::crate_dir;
use common::random_flow::random_flows;
use procflow::audit::{self, Audit, AuditOptions, findings::FindingKind};
use procflow::{Code, Levels, Workspace};
use proptest::prelude::*;

const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 86_400;
const WEEK: u64 = 604_800;

/// Roles `ops`, `boss`, `helper`, a tool, a one-step process, then
/// `workflow w` with `attrs` and `body`.
fn flow(attrs: &str, body: &str) -> String {
    format!(
        r#"role ops "Ops"
role boss "Boss"
role helper "Helper"
tool t "T"
process p "P" {{
  outcome "Done"
  owner ops
  step a
}}
workflow w "W" implements p {{
  owner ops
{attrs}
{body}}}
"#
    )
}

/// A step `name` owned by `owner`, with `extra` lines.
fn step(name: &str, owner: &str, extra: &[&str]) -> String {
    let mut text = format!("  step {name} {{\n    implements a\n    owner {owner}\n    tool t\n");
    for line in extra {
        text.push_str("    ");
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("  }\n");
    text
}

/// Audits one text (which must have no error) with the default options.
fn audit_text(text: &str) -> Audit {
    audit_with(text, &AuditOptions::default())
}

fn audit_with(text: &str, options: &AuditOptions<'_>) -> Audit {
    let report = procflow::check_source("test.flow", text);
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    let (models, failed) = report.clean_models();
    assert!(failed.is_empty());
    audit::audit(&report.workspace.sources, &models, options).unwrap()
}

/// Audits files and folders as the command does.
fn audit_paths(paths: &[std::path::PathBuf]) -> (Audit, Vec<String>) {
    let inputs: Vec<procflow::Input> = paths.iter().cloned().map(procflow::Input::Path).collect();
    let report = procflow::check(&inputs, &procflow::CheckOptions::default()).unwrap();
    let (models, failed) = report.clean_models();
    let audit = audit::audit(&report.workspace.sources, &models, &AuditOptions::default()).unwrap();
    (audit, failed)
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_examples_by_hand() {
    let (a, failed) = audit_paths(&[crate_dir().join("examples")]);
    assert!(failed.is_empty());
    let ids: Vec<&str> = a.workflows.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["onboarding_playbook", "weekly_post", "zoho_funnel"]);

    // client-onboarding: 30m + 1h (kickoff call) + 12h (deliverable) + 1h
    // (deliver) + wait 2w (check-in invite) + 30m (check-in call); the
    // client's steps have no `takes`. The branch through create_workspace
    // (30m) is shorter than the one through the kickoff call (1h).
    let o = &a.workflows[0];
    assert_eq!(o.lead_time_s, 2 * WEEK + 15 * HOUR);
    assert!(o.lead_time_is_lower_bound);
    assert_eq!(
        o.critical_path,
        strings(&[
            "send_contract",
            "sign_contract",
            "file_contract",
            "welcome_email",
            "book_kickoff",
            "kickoff_call",
            "grant_access",
            "write_deliverable",
            "deliver",
            "check_in_invite",
            "check_in_call"
        ])
    );
    assert_eq!(o.target_s, Some(4 * WEEK));
    assert_eq!(
        o.margin_s,
        Some(i64::try_from(2 * WEEK - 15 * HOUR).unwrap())
    );
    assert_eq!((o.steps, o.manual, o.automated), (12, 9, 3));
    // Every order edge but file_contract → create_workspace (ops → ops)
    // changes owner; file_contract, welcome_email and check_in_invite have
    // no `within`.
    assert_eq!((o.handoffs, o.handoffs_without_deadline), (11, 3));
    assert_eq!(o.deadline_bound_s, None);
    assert_eq!(o.unbounded_at.as_deref(), Some("send_contract"));
    assert_eq!(o.runs_per_week, Some(0.5));

    // content-creation: 2h + 1h + 4h + (1d + 1h) + 15m + 1h + (2d + 5m) + 15m.
    let p = &a.workflows[1];
    assert_eq!(p.lead_time_s, 3 * DAY + 9 * HOUR + 35 * MINUTE);
    assert!(!p.lead_time_is_lower_bound);
    assert_eq!(p.critical_path.len(), 8);
    assert_eq!(p.margin_s, Some(14 * 3600 + 25 * 60));
    assert_eq!((p.decisions, p.rework_loops), (1, 1));
    assert_eq!((p.handoffs, p.handoffs_without_deadline), (3, 0));
    assert_eq!(p.runs_per_week, Some(1.0));

    // lead-generation: 5m (form) + 30m (call) on the hot-lead branch.
    let z = &a.workflows[2];
    assert_eq!(z.lead_time_s, 35 * MINUTE);
    assert!(z.lead_time_is_lower_bound);
    assert_eq!(
        z.critical_path,
        strings(&[
            "see_ad",
            "fill_form",
            "add_to_crm",
            "intro_email",
            "score",
            "assign",
            "reach_out",
            "update_stage"
        ])
    );
    assert_eq!(z.runs_per_week, Some(7.0));

    // Hours per week: Σ takes of the manual steps owned × runs per week.
    let hours = |id: &str| a.roles.iter().find(|r| r.id == id).unwrap().hours_per_week;
    // founder: 4h + 1h + 15m + 15m a week (weekly post) + 30m × 7 (calls).
    assert_eq!(hours("founder"), 5.5 + 3.5);
    assert_eq!(hours("assistant"), 4.0);
    // account manager: (30m + 1h + 1h + 30m) every two weeks.
    assert_eq!(hours("account_manager"), 1.5);
    assert_eq!(hours("writer"), 6.0);
    assert_eq!(hours("ops"), 0.25);
    assert_eq!(hours("prospect"), 5.0 * 7.0 / 60.0);
    assert_eq!(hours("client"), 0.0);
    let total: f64 = a.roles.iter().map(|r| r.hours_per_week).sum();
    let founder = a.roles.iter().find(|r| r.id == "founder").unwrap();
    assert_eq!(founder.share, Some(9.0 / total));
    assert_eq!(founder.workflows, strings(&["weekly_post", "zoho_funnel"]));
    let client = a.roles.iter().find(|r| r.id == "client").unwrap();
    assert_eq!(
        client.steps_without_takes,
        strings(&["sign_contract", "book_kickoff", "grant_access"])
    );
    assert_eq!(client.escalations, Vec::<String>::new());
    let am = a.roles.iter().find(|r| r.id == "account_manager").unwrap();
    assert_eq!(
        am.escalations,
        strings(&["sign_contract", "write_deliverable"])
    );
    let writer = a.roles.iter().find(|r| r.id == "writer").unwrap();
    assert_eq!(writer.with_steps, strings(&["kickoff_call"]));
    // Only the workflows read count: the team library declares no workflow.
    assert!(a.roles.iter().all(|r| r.id != "sales_rep"));
    // No target is missed and no role is over 40 hours.
    assert!(
        a.findings
            .iter()
            .all(|f| f.kind != FindingKind::TargetMissed && f.kind != FindingKind::RoleOverloaded)
    );
}

#[test]
fn parallel_branches_take_the_longest() {
    let body = [
        step("start", "ops", &["takes 1h"]),
        step("short", "ops", &["after start", "takes 2h"]),
        step(
            "long",
            "boss",
            &["after start", "wait 1d", "takes 1h", "within 2d"],
        ),
        step(
            "join",
            "ops",
            &["after short, long", "takes 30m", "within 1h"],
        ),
    ]
    .concat();
    let a = audit_text(&flow("  every 1w\n  target 1d", &body));
    let w = &a.workflows[0];
    assert_eq!(w.lead_time_s, HOUR + DAY + HOUR + 30 * MINUTE);
    assert_eq!(w.critical_path, strings(&["start", "long", "join"]));
    assert!(!w.lead_time_is_lower_bound);
    assert_eq!(w.margin_s, Some(-(2 * 3600 + 30 * 60)));
    // start → long and long → join change owner.
    assert_eq!((w.handoffs, w.handoffs_without_deadline), (2, 0));
    let f = &a.findings[0];
    assert_eq!(f.kind, FindingKind::TargetMissed);
    assert!(f.message.contains("2h 30m over"), "{}", f.message);
    // ops: 1h + 2h + 30m, boss: 1h, once a week.
    assert_eq!(a.roles[0].id, "ops");
    assert_eq!(a.roles[0].hours_per_week, 3.5);
    assert_eq!(a.roles[1].hours_per_week, 1.0);
    assert_eq!(a.roles[0].share, Some(3.5 / 4.5));
    assert_eq!((a.roles[0].handoffs_in, a.roles[0].handoffs_out), (1, 1));
}

#[test]
fn conditional_steps_count_as_if_they_run() {
    let body = [
        step("decide", "ops", &["takes 1h", "decides big \"Is it big?\""]),
        step("big", "boss", &["takes 5h", "within 1d", "when big"]),
        step(
            "small",
            "ops",
            &["after decide", "takes 1h", "when not big"],
        ),
        step("end", "ops", &["after big, small", "takes 1h", "within 1d"]),
    ]
    .concat();
    let a = audit_text(&flow("  every 1d", &body));
    let w = &a.workflows[0];
    assert_eq!(w.lead_time_s, 7 * HOUR);
    assert_eq!(w.critical_path, strings(&["decide", "big", "end"]));
    // Hours count conditional steps too: ops 3h, boss 5h, seven runs a week.
    assert_eq!(a.roles[0].hours_per_week, 21.0);
    assert_eq!(a.roles[1].hours_per_week, 35.0);
    assert_eq!(w.hours_per_week, Some(56.0));
}

#[test]
fn rework_counts_once_and_is_no_handoff() {
    let body = [
        step("write", "ops", &["takes 2h"]),
        step(
            "review",
            "boss",
            &[
                "takes 1h",
                "within 1d",
                "decides ok \"Is it good?\"",
                "rework write when not ok",
            ],
        ),
    ]
    .concat();
    let a = audit_text(&flow("  every 1w", &body));
    let w = &a.workflows[0];
    assert_eq!(w.lead_time_s, 3 * HOUR);
    assert_eq!(w.rework_loops, 1);
    assert_eq!(w.handoffs, 1, "the rework edge back is not a handoff");
    assert_eq!(a.roles[0].hours_per_week, 2.0);
}

#[test]
fn missing_takes_make_a_lower_bound_and_a_finding() {
    let body = [
        step("one", "ops", &["takes 1h"]),
        step("two", "ops", &[]),
        step("three", "boss", &["automated"]),
    ]
    .concat();
    let a = audit_text(&flow("", &body));
    let w = &a.workflows[0];
    assert_eq!(w.lead_time_s, HOUR);
    assert!(w.lead_time_is_lower_bound);
    assert_eq!(w.critical_steps_without_takes, strings(&["two", "three"]));
    assert_eq!(w.runs_per_week, None);
    assert_eq!(w.hours_per_week, None);
    // An automated receiving step counts as a handoff too.
    assert_eq!((w.handoffs, w.handoffs_without_deadline), (1, 1));
    let kinds: Vec<FindingKind> = a.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            FindingKind::HandoffWithoutDeadline,
            FindingKind::CriticalStepWithoutTakes,
            FindingKind::WorkflowWithoutEvery
        ]
    );
    // Without `every` nobody has hours; the share is then unknown.
    assert!(
        a.roles
            .iter()
            .all(|r| r.hours_per_week == 0.0 && r.share.is_none())
    );
    assert_eq!(a.roles[0].workflows_without_every, strings(&["w"]));
}

#[test]
fn with_roles_get_no_hours_and_automated_steps_cost_none() {
    let body = [
        step("one", "ops", &["takes 2h", "with helper"]),
        step("two", "ops", &["takes 3h", "automated"]),
    ]
    .concat();
    let a = audit_text(&flow("  every 1d", &body));
    let helper = a.roles.iter().find(|r| r.id == "helper").unwrap();
    assert_eq!(helper.hours_per_week, 0.0);
    assert_eq!(helper.with_steps, strings(&["one"]));
    assert_eq!(helper.workflows, strings(&["w"]));
    assert_eq!(a.roles[0].hours_per_week, 14.0);
    assert_eq!(a.roles[0].share, Some(1.0));
}

#[test]
fn overloaded_roles_are_found_above_the_threshold() {
    // 6h a day, every day: 42 hours a week.
    let body = step("work", "ops", &["takes 6h"]);
    let text = flow("  every 1d", &body);
    let a = audit_text(&text);
    assert!(a.roles[0].overloaded);
    assert_eq!(a.findings[0].kind, FindingKind::RoleOverloaded);
    assert_eq!(a.findings[0].role.as_deref(), Some("ops"));
    let options = AuditOptions {
        overload_hours: 42.0,
        ..AuditOptions::default()
    };
    // "More than": equal is fine.
    let a = audit_with(&text, &options);
    assert!(!a.roles[0].overloaded);
    assert!(a.findings.is_empty());
}

#[test]
fn owner_overload_uses_hours_when_known() {
    let text = flow("  every 1d", &step("work", "ops", &["takes 6h"]));
    let diagnostics = |hours: f64| {
        let mut ws = Workspace::default();
        let id = ws.add_text("test.flow", None, text.clone());
        let mut levels = Levels::default();
        levels
            .set(&procflow::LevelSetting {
                code: "owner-overload".to_owned(),
                level: procflow::Level::Warn,
            })
            .unwrap();
        levels.set_overload_hours(hours);
        ws.compile(id, &levels)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == Code::OwnerOverload)
            .collect::<Vec<_>>()
    };
    let found = diagnostics(40.0);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, Code::OwnerOverload);
    assert!(
        found[0].message.contains("works 42 hours a week"),
        "{}",
        found[0].message
    );
    assert!(diagnostics(42.0).is_empty());
    // Without `every` the hours are unknown, and one step is too few for
    // the share rule.
    let mut ws = Workspace::default();
    let id = ws.add_text(
        "t.flow",
        None,
        flow("", &step("work", "ops", &["takes 6h"])),
    );
    let mut levels = Levels::default();
    levels.set_overload_hours(1.0);
    levels
        .set(&procflow::LevelSetting {
            code: "owner-overload".to_owned(),
            level: procflow::Level::Warn,
        })
        .unwrap();
    let c = ws.compile(id, &levels);
    assert!(c.diagnostics.iter().all(|d| d.code != Code::OwnerOverload));
}

#[test]
fn filters_keep_one_role_or_one_workflow() {
    let root = crate_dir().join("examples");
    let report = procflow::check(
        &[procflow::Input::Path(root)],
        &procflow::CheckOptions::default(),
    )
    .unwrap();
    let (models, _) = report.clean_models();
    let sources = &report.workspace.sources;
    let all = audit::audit(sources, &models, &AuditOptions::default()).unwrap();
    let founder_only = audit::audit(
        sources,
        &models,
        &AuditOptions {
            role: Some("founder"),
            ..AuditOptions::default()
        },
    )
    .unwrap();
    assert_eq!(founder_only.roles.len(), 1);
    let all_founder = all.roles.iter().find(|r| r.id == "founder").unwrap();
    assert_eq!(
        &founder_only.roles[0], all_founder,
        "figures across every workflow"
    );
    assert_eq!(founder_only.workflows.len(), 2);
    assert!(
        founder_only
            .tools
            .iter()
            .all(|t| t.roles.contains(&"founder".to_owned()))
    );
    let one = audit::audit(
        sources,
        &models,
        &AuditOptions {
            workflow: Some("weekly_post"),
            ..AuditOptions::default()
        },
    )
    .unwrap();
    assert_eq!(one.workflows.len(), 1);
    let founder = one.roles.iter().find(|r| r.id == "founder").unwrap();
    assert_eq!(founder.hours_per_week, 5.5, "that workflow's hours only");
    let unknown = audit::audit(
        sources,
        &models,
        &AuditOptions {
            role: Some("nobody"),
            ..AuditOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(unknown.kind, "role");
}

#[test]
fn workflows_in_several_files_share_roles_through_use() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "team.flow",
        "role founder \"Founder\"\nrole va \"Assistant\"\ntool mail \"Mail\"\n",
    );
    let file = |wf: &str, every: &str, takes_founder: &str, takes_va: &str| {
        format!(
            r#"use "team.flow"
process {wf}_p "P" {{
  outcome "Done"
  owner founder
  step a
}}
workflow {wf} "W" implements {wf}_p {{
  owner founder
  every {every}
  step one {{
    implements a
    owner founder
    tool mail
    takes {takes_founder}
  }}
  step two {{
    implements a
    owner va
    tool mail
    takes {takes_va}
    within 1d
  }}
}}
"#
        )
    };
    write("a.flow", &file("sales", "1d", "1h", "30m"));
    write("b.flow", &file("billing", "1w", "3h", "2h"));
    let (a, failed) = audit_paths(&[dir.path().to_path_buf()]);
    assert!(failed.is_empty());
    assert_eq!(a.workflows.len(), 2);
    assert_eq!(
        a.roles.len(),
        2,
        "one founder and one assistant: {:?}",
        a.roles
    );
    // founder: 1h × 7 + 3h × 1; va: 30m × 7 + 2h × 1.
    assert_eq!(a.roles[0].hours_per_week, 10.0);
    assert_eq!(a.roles[1].hours_per_week, 5.5);
    assert_eq!(a.roles[0].workflows, strings(&["sales", "billing"]));
    assert_eq!(a.roles[0].steps, strings(&["one", "one"]));
    let mail = &a.tools[0];
    assert!(mail.every_workflow);
    assert_eq!(mail.roles, strings(&["founder", "va"]));

    // A file with an error is left out; the others are still audited.
    write(
        "c.flow",
        "use \"team.flow\"\nworkflow broken {\n  step x {\n    owner nobody\n  }\n}\n",
    );
    let (a, failed) = audit_paths(&[dir.path().to_path_buf()]);
    assert_eq!(a.workflows.len(), 2);
    assert_eq!(failed.len(), 1);
    assert!(failed[0].ends_with("c.flow"), "{failed:?}");
}

#[test]
fn the_published_schema_is_the_generated_one() {
    let published = std::fs::read_to_string(crate_dir().join("schema/audit.schema.json")).unwrap();
    assert_eq!(
        published,
        audit::schema(),
        "run `procflow schema audit > schema/audit.schema.json`"
    );
}

/// The lead time of a DAG by brute force: every path from a step with no
/// predecessor to a step with no successor, summed.
fn brute_force(costs: &[u64], after: &[Vec<usize>]) -> u64 {
    // Longest path ending at `s`, walking every path backwards.
    fn walk(s: usize, costs: &[u64], after: &[Vec<usize>]) -> u64 {
        costs[s]
            + after[s]
                .iter()
                .map(|&p| walk(p, costs, after))
                .max()
                .unwrap_or(0)
    }
    let n = costs.len();
    let has_successor: Vec<bool> = (0..n)
        .map(|s| after.iter().any(|a| a.contains(&s)))
        .collect();
    (0..n)
        .filter(|&s| !has_successor[s])
        .map(|s| walk(s, costs, after))
        .max()
        .unwrap_or(0)
}

/// A workflow text from a DAG: step `i` waits `wait[i]` minutes, takes
/// `takes[i]` minutes (none when `None`), after `after[i]` (earlier steps;
/// empty means the first step, or `after` the step before otherwise —
/// written out explicitly so the DAG is exactly the one given).
fn dag_text(wait: &[u64], takes: &[Option<u64>], after: &[Vec<usize>]) -> String {
    let mut body = String::new();
    for i in 0..wait.len() {
        let mut extra = Vec::new();
        if !after[i].is_empty() {
            let names: Vec<String> = after[i].iter().map(|p| format!("s{p}")).collect();
            extra.push(format!("after {}", names.join(", ")));
        }
        if wait[i] > 0 {
            extra.push(format!("wait {}m", wait[i]));
        }
        if let Some(t) = takes[i] {
            extra.push(format!("takes {t}m"));
        }
        extra.push("within 1w".to_owned());
        extra.push("allow out-of-order, runs-either-way".to_owned());
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        body.push_str(&step(&format!("s{i}"), "ops", &extra));
    }
    flow("", &body)
}

/// Random DAGs: each step after a subset of earlier ones; step 0 and some
/// others start (for those, `after` is written only when it is not empty,
/// so a later step with no `after` would wait for the step before it: the
/// generator gives every step but the first at least one predecessor, or
/// none at all only for step 0).
fn dag() -> impl Strategy<Value = (Vec<u64>, Vec<Option<u64>>, Vec<Vec<usize>>)> {
    (1usize..8).prop_flat_map(|n| {
        let wait = proptest::collection::vec(prop_oneof![Just(0u64), 1u64..500], n);
        let takes = proptest::collection::vec(proptest::option::of(1u64..500), n);
        let after = (0..n)
            .map(|i| {
                if i == 0 {
                    Just(Vec::new()).boxed()
                } else {
                    proptest::sample::subsequence((0..i).collect::<Vec<_>>(), 1..=i).boxed()
                }
            })
            .collect::<Vec<_>>();
        (wait, takes, after)
    })
}

fn lead_of(text: &str) -> audit::WorkflowFigures {
    let mut a = audit_text(text);
    a.workflows.remove(0)
}

proptest! {
    #![proptest_config(common::proptest_config(64))]

    #[test]
    fn lead_time_is_the_longest_path_and_takes_never_shorten_it(
        (wait, takes, after) in dag(),
        pick in any::<proptest::sample::Index>(),
        extra in 1u64..500,
    ) {
        let costs: Vec<u64> = wait
            .iter()
            .zip(&takes)
            .map(|(w, t)| (w + t.unwrap_or(0)) * MINUTE)
            .collect();
        let w = lead_of(&dag_text(&wait, &takes, &after));
        prop_assert_eq!(w.lead_time_s, brute_force(&costs, &after));
        prop_assert_eq!(w.lead_time_is_lower_bound, takes.iter().any(Option::is_none));
        // The critical path is a path of the DAG whose cost is the lead time.
        let index = |id: &String| id[1..].parse::<usize>().unwrap();
        let path: Vec<usize> = w.critical_path.iter().map(index).collect();
        prop_assert!(after[path[0]].is_empty());
        for pair in path.windows(2) {
            prop_assert!(after[pair[1]].contains(&pair[0]));
        }
        prop_assert_eq!(path.iter().map(|&s| costs[s]).sum::<u64>(), w.lead_time_s);

        // More `takes` on any one step never shortens the lead time.
        let mut more = takes.clone();
        let i = pick.index(more.len());
        more[i] = Some(more[i].unwrap_or(0) + extra);
        let longer = lead_of(&dag_text(&wait, &more, &after));
        prop_assert!(longer.lead_time_s >= w.lead_time_s);
    }
}

proptest! {
    #![proptest_config(common::proptest_config(96))]

    /// Whatever the text, the audit of valid workflows never panics, gives
    /// the same bytes on every run in each format, validates against its
    /// schema, and its human lines fit 100 columns.
    #[test]
    fn random_workflows_audit_in_every_format(
        texts in proptest::collection::vec(proptest::collection::vec(0usize..1000, 1..12), 1..40),
        shapes in proptest::collection::vec(proptest::collection::vec(0usize..1000, 1..20), 1..4),
    ) {
        let text = random_flows(&texts, &shapes);
        let a = audit_text(&text);
        prop_assert_eq!(&a, &audit_text(&text));
        let json: serde_json::Value = serde_json::from_str(&audit::json(&a)).unwrap();
        let errors: Vec<String> = schema_validator().iter_errors(&json).map(|e| e.to_string()).collect();
        prop_assert!(errors.is_empty(), "{:?}", errors);
        let human = audit::human::render(&a, audit::human::HumanOptions { color: false });
        for line in human.lines() {
            prop_assert!(line.chars().count() <= 100, "{}", line);
        }
        let markdown = audit::markdown::render(&a);
        prop_assert!(markdown.starts_with("# Audit\n") && markdown.ends_with('\n'));
    }
}

fn schema_validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&audit::schema()).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}
