//! The semantics of language v2 that docs/language.md states, pinned on small
//! workflows whose figures are worked out by hand here: lead time (with
//! `wait`, `takes`, parallel branches and a rework loop), the critical path's
//! tie rule, the deadline bound, runs per week; where each new diagnostic
//! points (the spec's table "Where each new diagnostic points"); `owner a, b`;
//! the words of version 2 as names; and the reference's own examples.
#![allow(clippy::unwrap_used, clippy::float_cmp)]

mod common;

use common::{compile, compile_text, crate_dir};
use procflow::model::time::{self, DeadlineBound};
use procflow::{Compilation, Diagnostic, Levels, Workspace};

const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 86_400;

/// Roles, tools and a one-step process, then `workflow w` with `body`.
fn workflow(body: &str) -> String {
    format!(
        r#"role ops "Ops"
role boss "Boss" {{
  allow unused-role
}}
tool t "T"
process p "P" {{
  outcome "Done"
  owner ops
  step a
}}
workflow w "W" implements p {{
  owner ops
  trigger "Start"
{body}}}
"#
    )
}

/// A workflow step `name` with the usual attributes and `extra` lines.
fn step(name: &str, extra: &[&str]) -> String {
    let mut text = format!("  step {name} {{\n    implements a\n    owner ops\n    tool t\n");
    for line in extra {
        text.push_str("    ");
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("  }\n");
    text
}

fn steps(list: &[(&str, &[&str])]) -> String {
    list.iter().map(|(n, e)| step(n, e)).collect()
}

/// Compiles `text` with the default levels, errors allowed.
fn diagnostics(text: &str) -> Vec<Diagnostic> {
    let mut ws = Workspace::default();
    let id = ws.add_text("test.flow", None, text.to_owned());
    ws.compile(id, &Levels::default()).diagnostics
}

/// The names of the steps of `w` at `indices`.
fn names(c: &Compilation, indices: &[usize]) -> Vec<String> {
    let w = &c.model.workflows[0];
    indices
        .iter()
        .map(|&i| w.steps[i].name.text.clone())
        .collect()
}

// --------------------------------------------------------------- lead time

#[test]
fn lead_time_adds_wait_and_takes_along_the_longest_branch_and_counts_a_rework_loop_once() {
    //          ┌─▶ b (wait 1d, takes 2h) ──────────────┐
    // a (1h) ──┤                                       ├─▶ e (30m, rework b)
    //          └─▶ c (4h) ─▶ d (3h) ───────────────────┘
    let body = steps(&[
        ("a", &["takes 1h"]),
        ("b", &["after a", "wait 1d", "takes 2h"]),
        ("c", &["after a", "takes 4h"]),
        ("d", &["takes 3h"]),
        (
            "e",
            &[
                "after b, d",
                "takes 30m",
                "decides ok \"Is it right?\"",
                "rework b when not ok",
            ],
        ),
    ]);
    let c = compile_text(&workflow(&body));
    let lead = time::lead_time(&c.model.workflows[0]).unwrap();
    // Branch b: 1d + 2h = 26h; branch c, d: 4h + 3h = 7h. The loop back to
    // b is not part of the order: it adds nothing.
    assert_eq!(lead.seconds, HOUR + (DAY + 2 * HOUR) + 30 * MINUTE);
    assert_eq!(lead.seconds, 99_000);
    assert!(!lead.lower_bound, "every step has `takes`");
    assert_eq!(names(&c, &lead.critical_path), ["a", "b", "e"]);
}

#[test]
fn a_missing_takes_counts_zero_and_makes_the_lead_time_a_lower_bound() {
    let body = steps(&[
        ("a", &["takes 2h"]),
        ("b", &["wait 30m"]),
        ("c", &["takes 15m"]),
    ]);
    let c = compile_text(&workflow(&body));
    let lead = time::lead_time(&c.model.workflows[0]).unwrap();
    assert_eq!(lead.seconds, 2 * HOUR + 30 * MINUTE + 15 * MINUTE);
    assert!(lead.lower_bound, "`b` has no `takes`");
    assert_eq!(names(&c, &lead.critical_path), ["a", "b", "c"]);
}

#[test]
fn conditional_steps_count_as_if_they_run() {
    let body = steps(&[
        ("a", &["takes 1h", "decides big \"Is it big?\""]),
        ("yes", &["when big", "takes 1d"]),
        ("no", &["after a", "when not big", "takes 1h"]),
        ("join", &["after yes, no", "takes 1h"]),
    ]);
    let c = compile_text(&workflow(&body));
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let lead = time::lead_time(&c.model.workflows[0]).unwrap();
    assert_eq!(lead.seconds, HOUR + DAY + HOUR);
    assert_eq!(names(&c, &lead.critical_path), ["a", "yes", "join"]);
}

#[test]
fn the_content_example_s_lead_time_by_hand() {
    let c = compile(&crate_dir().join("examples/content-creation.flow"));
    let w = &c.model.workflows[c.model.workflow("weekly_post").unwrap().0];
    let lead = time::lead_time(w).unwrap();
    // research 2h, outline 1h, write 4h, revise wait 1d + 1h, schedule 15m,
    // images 1h, go live wait 2d + 5m, boost 15m; the review loop (rework
    // write_draft) counts once.
    let by_hand = 2 * HOUR
        + HOUR
        + 4 * HOUR
        + DAY
        + HOUR
        + 15 * MINUTE
        + HOUR
        + 2 * DAY
        + 5 * MINUTE
        + 15 * MINUTE;
    assert_eq!(lead.seconds, by_hand);
    assert!(!lead.lower_bound);
    assert!(lead.seconds <= w.target.unwrap().seconds(), "within target");
    assert_eq!(time::runs_per_week(w), Some(1.0));
}

// ---------------------------------------------------------- critical path

#[test]
fn on_a_tie_the_critical_path_takes_the_branch_written_first() {
    // `zeta` is written before `alpha`: the written order decides, not the
    // names, and not the order inside `after`.
    let body = steps(&[
        ("start", &["takes 1h"]),
        ("zeta", &["after start", "takes 2h"]),
        ("alpha", &["after start", "takes 2h"]),
        ("end", &["after alpha, zeta", "takes 1h"]),
    ]);
    let c = compile_text(&workflow(&body));
    let lead = time::lead_time(&c.model.workflows[0]).unwrap();
    assert_eq!(lead.seconds, 4 * HOUR);
    assert_eq!(names(&c, &lead.critical_path), ["start", "zeta", "end"]);

    // Two last steps of equal length: the one whose path differs first by a
    // step written earlier.
    let body = steps(&[
        ("start", &[]),
        ("late", &["after start", "takes 1h"]),
        ("early", &["after start", "takes 1h"]),
    ]);
    let c = compile_text(&workflow(&body));
    let lead = time::lead_time(&c.model.workflows[0]).unwrap();
    assert_eq!(names(&c, &lead.critical_path), ["start", "late"]);

    // One path holds the other's steps and one more that takes no time:
    // after `a, b` the paths differ at `c` (written third) and `d` (fourth).
    let body = steps(&[
        ("a", &["takes 1h"]),
        ("b", &["takes 1h"]),
        ("c", &[]),
        ("d", &["after b, c"]),
    ]);
    let c = compile_text(&workflow(&body));
    let lead = time::lead_time(&c.model.workflows[0]).unwrap();
    assert_eq!(lead.seconds, 2 * HOUR);
    assert_eq!(names(&c, &lead.critical_path), ["a", "b", "c", "d"]);

    // A longer branch wins whatever its place.
    let body = steps(&[
        ("start", &[]),
        ("short", &["after start", "takes 1h"]),
        ("long", &["after start", "takes 61m"]),
    ]);
    let c = compile_text(&workflow(&body));
    let lead = time::lead_time(&c.model.workflows[0]).unwrap();
    assert_eq!(names(&c, &lead.critical_path), ["start", "long"]);
}

// ----------------------------------------------------------- deadline bound

#[test]
fn the_deadline_bound_is_the_longest_path_of_within() {
    // `wait` is inside `within` (a deadline runs from when the step is
    // ready), so it adds nothing.
    let body = steps(&[
        ("a", &["within 1d"]),
        ("b", &["after a", "wait 1d", "within 3d"]),
        ("c", &["after a", "within 2d"]),
        ("d", &["after b, c", "within 4h"]),
    ]);
    let c = compile_text(&workflow(&body));
    let Some(DeadlineBound::Bounded(seconds, path)) = time::deadline_bound(&c.model.workflows[0])
    else {
        panic!("every step has `within`")
    };
    assert_eq!(seconds, DAY + 3 * DAY + 4 * HOUR);
    assert_eq!(names(&c, &path), ["a", "b", "d"]);
}

#[test]
fn the_deadline_bound_is_unbounded_at_the_first_step_without_within_in_execution_order() {
    // `second` is written first but runs after `first`.
    let body = steps(&[
        ("first", &["within 1d"]),
        ("second", &["after third"]),
        ("third", &["after first", "within 1d"]),
        ("fourth", &["after second"]),
    ]);
    let c = compile_text(&workflow(&body));
    assert_eq!(
        time::deadline_bound(&c.model.workflows[0]),
        Some(DeadlineBound::Unbounded(1)),
        "{:?}",
        names(&c, &[1])
    );
    let body = steps(&[
        ("first", &["within 1d"]),
        ("late", &["after third"]),
        ("third", &["after first"]),
    ]);
    let c = compile_text(&workflow(&body));
    let Some(DeadlineBound::Unbounded(s)) = time::deadline_bound(&c.model.workflows[0]) else {
        panic!("`third` has no `within`")
    };
    assert_eq!(names(&c, &[s]), ["third"], "third runs before late");
}

// ------------------------------------------------------------ runs per week

#[test]
fn runs_per_week_is_a_week_over_every() {
    let run = |every: &str| {
        let c = compile_text(&workflow(&format!("  {every}\n{}", step("a", &[]))));
        time::runs_per_week(&c.model.workflows[0])
    };
    assert_eq!(run("every 1d"), Some(7.0));
    assert_eq!(run("every 2w"), Some(0.5));
    assert_eq!(run("every 1w"), Some(1.0));
    assert_eq!(run("every 12h"), Some(14.0));
    assert_eq!(run(""), None);
}

// ------------------------------------------------- strict "more than"

#[test]
fn equal_is_fine_for_target_and_within() {
    let codes = |text: &str| -> Vec<&'static str> {
        diagnostics(text).iter().map(|d| d.code.name()).collect()
    };
    let body = |target: &str| {
        format!(
            "  target {target}\n{}",
            steps(&[("a", &["takes 1h"]), ("b", &["wait 1h", "takes 1h"])])
        )
    };
    assert!(codes(&workflow(&body("3h"))).is_empty());
    assert_eq!(codes(&workflow(&body("179m"))), ["target-exceeded"]);

    let deadline = |within: &str| {
        workflow(&step(
            "a",
            &["wait 1h", "takes 30m", &format!("within {within}")],
        ))
    };
    assert!(codes(&deadline("90m")).is_empty());
    assert_eq!(codes(&deadline("89m")), ["impossible-deadline"]);
}

// ------------------------------------------- where each diagnostic points

/// The byte range of `part` inside the only occurrence of `context` in `text`.
fn at(text: &str, context: &str, part: &str) -> (u32, u32) {
    assert_eq!(
        text.matches(context).count(),
        1,
        "`{context}` is not unique"
    );
    let start = text.find(context).unwrap() + context.find(part).unwrap();
    let start = u32::try_from(start).unwrap();
    (start, start + u32::try_from(part.len()).unwrap())
}

/// The one diagnostic of `code` in `text`, with its primary span.
fn one(text: &str, code: &str) -> (Diagnostic, (u32, u32)) {
    let found: Vec<Diagnostic> = diagnostics(text)
        .into_iter()
        .filter(|d| d.code.name() == code)
        .collect();
    assert_eq!(found.len(), 1, "one `{code}` expected: {found:#?}");
    let d = found.into_iter().next().unwrap();
    let span = (d.span.start, d.span.end);
    (d, span)
}

#[test]
fn condition_before_decision_points_at_the_decision_in_the_when() {
    // On the deciding step itself, and on a step with no deciding ancestor
    // (a parallel branch), although `decider` is written above it.
    let text = workflow(&steps(&[
        ("start", &[]),
        ("decider", &["decides ok \"Fine?\"", "when ok"]),
        ("parallel", &["after start", "when not ok"]),
    ]));
    let found: Vec<(u32, u32)> = diagnostics(&text)
        .iter()
        .filter(|d| d.code.name() == "condition-before-decision")
        .map(|d| (d.span.start, d.span.end))
        .collect();
    assert_eq!(
        found,
        [at(&text, "when ok\n", "ok"), at(&text, "when not ok", "ok")]
    );
}

#[test]
fn runs_either_way_points_at_the_step_name() {
    let text = workflow(&steps(&[
        ("start", &["decides big \"Is it big?\""]),
        ("x", &["when big"]),
        ("y", &["when big"]),
        ("after_both", &["after x, y"]),
    ]));
    let (_, span) = one(&text, "runs-either-way");
    assert_eq!(span, at(&text, "step after_both {", "after_both"));
}

#[test]
fn unused_input_points_at_the_input_name() {
    let text = workflow(&format!(
        "  input brief, contract\n{}",
        step("a", &["needs brief"])
    ));
    let (_, span) = one(&text, "unused-input");
    assert_eq!(span, at(&text, "input brief, contract", "contract"));
}

#[test]
fn impossible_deadline_points_at_within_with_labels_on_wait_and_takes() {
    let text = workflow(&step("a", &["wait 1d", "takes 2d", "within 2d"]));
    let (d, span) = one(&text, "impossible-deadline");
    assert_eq!(span, at(&text, "within 2d", "2d"));
    let labels: Vec<(u32, u32)> = d.labels[1..]
        .iter()
        .map(|l| (l.span.start, l.span.end))
        .collect();
    for (context, part) in [("wait 1d", "1d"), ("takes 2d", "2d")] {
        let (s, e) = at(&text, context, part);
        assert!(
            labels.iter().any(|&(ls, le)| ls <= s && e <= le),
            "no label on `{context}`: {labels:?}"
        );
    }
}

#[test]
fn target_exceeded_points_at_the_target_value() {
    let text = workflow(&format!(
        "  target 1h\n{}",
        steps(&[("a", &["takes 1h"]), ("b", &["takes 1m"])])
    ));
    let (_, span) = one(&text, "target-exceeded");
    assert_eq!(span, at(&text, "target 1h", "1h"));
}

#[test]
fn escalate_without_within_is_invalid_at_the_escalate_attribute() {
    let text = workflow(&step("a", &["escalate boss"]));
    let (d, span) = one(&text, "invalid-value");
    assert_eq!(span, at(&text, "escalate boss", "escalate boss"));
    assert!(d.help.unwrap().contains("within"));
}

#[test]
fn rework_to_a_step_that_is_not_an_ancestor_is_invalid_at_that_name() {
    let text = workflow(&steps(&[
        ("start", &[]),
        (
            "review",
            &["decides ok \"Fine?\"", "rework later when not ok"],
        ),
        ("later", &[]),
    ]));
    let (_, span) = one(&text, "invalid-value");
    assert_eq!(span, at(&text, "rework later", "later"));
}

#[test]
fn rework_has_one_diagnostic_per_wrong_name() {
    // Both names unknown: two `unknown-reference`.
    let text = workflow(&steps(&[(
        "review",
        &["decides ok \"Fine?\"", "rework nowhere when not nothing"],
    )]));
    let found: Vec<(&str, (u32, u32))> = diagnostics(&text)
        .iter()
        .map(|d| (d.code.name(), (d.span.start, d.span.end)))
        .collect();
    assert_eq!(
        found,
        [
            ("unknown-reference", at(&text, "rework nowhere", "nowhere")),
            ("unknown-reference", at(&text, "not nothing", "nothing")),
        ]
    );

    // Both names known but wrong: a step that is not an ancestor, and a
    // decision taken by a step that is not an ancestor either.
    let text = workflow(&steps(&[
        ("start", &[]),
        ("review", &["rework side when not other"]),
        ("side", &["after start", "decides other \"Other?\""]),
    ]));
    let found: Vec<(&str, (u32, u32))> = diagnostics(&text)
        .iter()
        .map(|d| (d.code.name(), (d.span.start, d.span.end)))
        .collect();
    assert_eq!(
        found,
        [
            ("invalid-value", at(&text, "rework side", "side")),
            ("invalid-value", at(&text, "not other", "other")),
        ]
    );
}

#[test]
fn duplicate_decisions_and_inputs_point_at_the_second_name() {
    let text = workflow(&steps(&[
        ("a", &["decides ok \"First?\""]),
        ("b", &["decides ok \"Second?\""]),
    ]));
    let (_, span) = one(&text, "duplicate-definition");
    assert_eq!(span, at(&text, "decides ok \"Second?\"", "ok"));

    let text = workflow(&format!(
        "  input brief\n{}",
        steps(&[("a", &["produces brief"]), ("b", &["needs brief"])])
    ));
    let (_, span) = one(&text, "duplicate-definition");
    assert_eq!(span, at(&text, "produces brief", "brief"));
}

#[test]
fn a_decision_may_share_its_name_with_a_step_and_an_artifact() {
    let text = workflow(&steps(&[
        ("ok", &["decides ok \"Fine?\"", "produces ok"]),
        ("next", &["when ok", "needs ok"]),
        ("other", &["after ok", "when not ok"]),
    ]));
    let found = diagnostics(&text);
    assert!(found.is_empty(), "{found:#?}");
}

// ------------------------------------------------------------- owner a, b

#[test]
fn a_second_owner_is_invalid_at_its_name_and_the_help_says_with() {
    let text =
        workflow(&step("a", &[]).replace("owner ops\n    tool", "owner ops, boss\n    tool"));
    let (d, span) = one(&text, "invalid-value");
    assert_eq!(span, at(&text, "owner ops, boss", "boss"));
    assert!(d.help.unwrap().contains("with boss"));
}

#[test]
fn roles_named_by_with_and_escalate_count_as_used() {
    let text = workflow(&step("a", &["with boss", "within 1d", "escalate boss"]));
    let c = compile_text(&text);
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
}

// ---------------------------------------------------- v2 words as names

#[test]
fn the_words_of_version_2_stay_valid_names() {
    let text = r#"role escalate "Escalation desk"
role with "Helpers"
role not "Nobody"
tool takes "Takes"
tool every "Every"
process input "Input" {
  outcome "Done"
  owner escalate
  step target
  step rework
}
workflow decides "Decides" implements input {
  owner escalate
  trigger "Start"
  input every
  step with "A step called with" {
    implements target
    owner escalate
    with not
    tool takes, every
    within 1d
    escalate with
    needs every
    produces takes
    decides with "A decision called with?"
  }
  step rework "A step called rework" {
    implements rework
    owner escalate
    tool every
    when with
    needs takes
    takes 1h
  }
  step not "A step called not" {
    implements rework
    owner escalate
    tool every
    after with
    when not with
    rework with when not with
  }
  step target "A step called target" {
    implements rework
    owner escalate
    tool every
    after rework, not
  }
}
"#;
    let c = compile_text(text);
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    let w = &c.model.workflows[0];
    assert_eq!(w.steps[0].name.text, "with");
    assert_eq!(w.decisions[0].name.text, "with");
}

// ------------------------------------------------ the reference's examples

#[test]
fn every_flow_block_of_the_docs_checks_clean_and_is_formatted() {
    // Blocks tagged `flow` are whole files; `flow fragment` and `flow ignore`
    // are skipped (docs/cli.md, "Markdown files").
    let docs = crate_dir().join("docs");
    assert_cmd::Command::cargo_bin("procflow")
        .unwrap()
        .args(["check", "-D", "warnings"])
        .arg(&docs)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("no problems"));
    assert_cmd::Command::cargo_bin("procflow")
        .unwrap()
        .args(["fmt", "--check"])
        .arg(&docs)
        .assert()
        .code(0);
    let language = std::fs::read_to_string(docs.join("language.md")).unwrap();
    assert!(
        language.matches("```flow\n").count() >= 8,
        "docs/language.md has an example per construct"
    );
}

/// Two decisions whose names differ only by `-` and `_` would share one
/// variable in plans and BPMN (one answer overwriting the other):
/// `duplicate-definition` at the second.
#[test]
fn decisions_that_share_a_variable_are_duplicates() {
    let text = workflow(&steps(&[
        ("a", &["decides ok-x \"First?\""]),
        ("b", &["after a", "decides ok_x \"Second?\""]),
    ]));
    let d = diagnostics(&text);
    let dup: Vec<_> = d
        .iter()
        .filter(|d| d.code == procflow::check::codes::Code::DuplicateDefinition)
        .collect();
    assert_eq!(dup.len(), 1, "{d:?}");
    assert!(
        dup[0].message.contains("share the variable `ok_x`"),
        "{}",
        dup[0].message
    );
    assert_eq!(
        &text[dup[0].span.start as usize..dup[0].span.end as usize],
        "ok_x"
    );
    // Names that differ otherwise are fine.
    let text = workflow(&steps(&[
        ("a", &["decides ok-x \"First?\""]),
        ("b", &["after a", "decides ok_y \"Second?\""]),
    ]));
    assert!(diagnostics(&text).is_empty(), "{:?}", diagnostics(&text));
}

/// When the deciding step comes after the step that needs the answer, the
/// help does not suggest `after` (a loop): it says to move the condition or
/// decide earlier. Otherwise it suggests `after`.
#[test]
fn condition_before_decision_never_suggests_a_loop() {
    let help = |text: &str| -> String {
        diagnostics(text)
            .into_iter()
            .find(|d| d.code.name() == "condition-before-decision")
            .and_then(|d| d.help)
            .unwrap()
    };
    let late = workflow(&steps(&[
        ("send", &["when paid"]),
        ("pay", &["after send", "decides paid \"Paid?\""]),
    ]));
    let h = help(&late);
    assert!(h.contains("`after pay` would make a loop"), "{h}");
    assert!(!h.starts_with("add `after"), "{h}");
    let parallel = workflow(&steps(&[
        ("start", &[]),
        ("pay", &["decides paid \"Paid?\""]),
        ("send", &["after start", "when paid"]),
    ]));
    let h = help(&parallel);
    assert!(h.contains("add `after pay` to step `send`"), "{h}");
}

/// A duration longer than 52000w is `invalid-value` (it used to saturate at
/// `u64::MAX` seconds and hide `target-exceeded`); 52000w itself is fine.
#[test]
fn durations_longer_than_52000_weeks_are_invalid() {
    let text = workflow(&steps(&[(
        "a",
        &[
            "takes 52000w",
            "within 52001w",
            "wait 99999999999999999999999w",
        ],
    )]));
    let found: Vec<String> = diagnostics(&text)
        .iter()
        .filter(|d| d.code.name() == "invalid-value")
        .map(|d| text[d.span.start as usize..d.span.end as usize].to_owned())
        .collect();
    assert_eq!(found, ["52001w", "99999999999999999999999w"]);
}
