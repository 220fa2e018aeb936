//! The skip rule of language v2, pinned on plans: a small runner reads the
//! plan JSON that `build --emit plan` writes and decides, for given answers,
//! which steps run. It follows the rule as docs/language.md states it:
//!
//! - a step whose conditions do not all hold is skipped;
//! - a skipped step counts as done for the steps after it (they neither wait
//!   for it nor are skipped because of it): a step is skipped only by its own
//!   `when`;
//! - a decision whose deciding step was skipped has no answer: neither
//!   `when d` nor `when not d` holds.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use assert_cmd::Command;
use serde_json::Value;

/// The plan of the only workflow of `text`.
fn plan(text: &str) -> Value {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("w.flow");
    std::fs::write(&file, text).unwrap();
    let out = Command::cargo_bin("procflow")
        .unwrap()
        .arg("build")
        .arg(&file)
        .args(["--emit", "plan", "-o", "-"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// The steps that run, in plan order, when the decisions are answered as in
/// `answers` (free-text conditions: as in `answers` under their variable).
fn run(plan: &Value, answers: &[(&str, bool)]) -> Vec<String> {
    let answers: BTreeMap<&str, bool> = answers.iter().copied().collect();
    let deciders: BTreeMap<&str, &str> = plan["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), d["step"].as_str().unwrap()))
        .collect();
    let mut ran: BTreeSet<String> = BTreeSet::new();
    let mut order = Vec::new();
    // Steps come in an executable order: every step after its `after`.
    for step in plan["steps"].as_array().unwrap() {
        let holds = step["when"].as_array().unwrap().iter().all(|c| {
            if let Some(d) = c["decision"].as_str() {
                // No answer if the deciding step did not run.
                ran.contains(deciders[d]) && answers.get(d) == c["is"].as_bool().as_ref()
            } else {
                answers[c["variable"].as_str().unwrap()]
            }
        });
        if holds {
            let id = step["id"].as_str().unwrap().to_owned();
            ran.insert(id.clone());
            order.push(id);
        }
    }
    order
}

const HEAD: &str = r#"role ops "Ops"
tool t "T"
process p "P" {
  outcome "Done"
  step a
}
workflow w "W" implements p {
  owner ops
"#;

/// A workflow of steps written as `step NAME { … BODY }` lines.
fn workflow(steps: &[(&str, &str)]) -> String {
    let mut text = HEAD.to_owned();
    for (name, body) in steps {
        text.push_str(&format!(
            "  step {name} {{\n    implements a\n    owner ops\n    tool t\n    within 1d\n{body}  }}\n"
        ));
    }
    text.push_str("}\n");
    text
}

#[test]
fn an_approval_that_does_not_apply_does_not_stop_the_next_step() {
    let p = plan(&workflow(&[
        (
            "total",
            "    decides large \"Is the total over 5,000 EUR?\"\n",
        ),
        ("approve", "    when large\n"),
        ("send", "    after approve\n    allow runs-either-way\n"),
    ]));
    assert_eq!(run(&p, &[("large", false)]), ["total", "send"]);
    assert_eq!(run(&p, &[("large", true)]), ["total", "approve", "send"]);
}

#[test]
fn an_either_or_join_runs_once_whatever_the_answer() {
    let p = plan(&workflow(&[
        ("score", "    decides hot \"Is the lead hot?\"\n"),
        ("call", "    after score\n    when hot\n"),
        ("nurture", "    after score\n    when not hot\n"),
        ("log", "    after call, nurture\n"),
    ]));
    assert_eq!(run(&p, &[("hot", true)]), ["score", "call", "log"]);
    assert_eq!(run(&p, &[("hot", false)]), ["score", "nurture", "log"]);
}

#[test]
fn a_branch_of_two_conditional_steps_is_skipped_whole_and_the_step_after_runs() {
    let text = workflow(&[
        ("score", "    decides hot \"Is the lead hot?\"\n"),
        ("call", "    when hot\n"),
        ("book", "    when hot\n"),
        ("log", ""),
    ]);
    let p = plan(&text);
    assert_eq!(run(&p, &[("hot", false)]), ["score", "log"]);
    assert_eq!(run(&p, &[("hot", true)]), ["score", "call", "book", "log"]);
    // And `check` says that `log` runs either way.
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("w.flow");
    std::fs::write(&file, &text).unwrap();
    let out = Command::cargo_bin("procflow")
        .unwrap()
        .arg("check")
        .arg(&file)
        .args(["--format", "short"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("warning[runs-either-way]: step `log` has no condition"),
        "{out}"
    );
    assert_eq!(out.matches("runs-either-way").count(), 1, "{out}");
}

#[test]
fn a_decision_whose_step_was_skipped_has_no_answer() {
    let p = plan(&workflow(&[
        ("intake", "    decides urgent \"Is it urgent?\"\n"),
        (
            "triage",
            "    when urgent\n    decides paid \"Is the client on a paid plan?\"\n",
        ),
        ("escalate", "    after triage\n    when paid\n"),
        ("queue", "    after triage\n    when not paid\n"),
        ("close", "    after escalate, queue\n"),
    ]));
    // Not urgent: triage is skipped, `paid` has no answer, both branches skip.
    assert_eq!(
        run(&p, &[("urgent", false), ("paid", true)]),
        ["intake", "close"]
    );
    assert_eq!(
        run(&p, &[("urgent", true), ("paid", false)]),
        ["intake", "triage", "queue", "close"]
    );
}

#[test]
fn free_text_conditions_are_answered_under_their_variable() {
    let p = plan(&workflow(&[
        ("check", ""),
        ("remind", "    when \"the invoice is unpaid\"\n"),
        ("archive", "    allow runs-either-way\n"),
    ]));
    assert_eq!(
        p["steps"][1]["when"],
        serde_json::json!([{"text": "the invoice is unpaid", "variable": "when_remind"}])
    );
    assert_eq!(run(&p, &[("when_remind", false)]), ["check", "archive"]);
    assert_eq!(
        run(&p, &[("when_remind", true)]),
        ["check", "remind", "archive"]
    );
}
