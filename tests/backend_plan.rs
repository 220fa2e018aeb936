//! The plan backend (`build --emit plan`): the bytes users get, pinned by
//! snapshots of the real binary's output for every example workflow and for a
//! fixture holding every kind of value and text that JSON escapes; each is
//! also valid against the generated schema. (The contract's details and the
//! schema itself are tested in `build.rs`.)
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{crate_dir, examples, stem};
use procflow::backend::{plan, root_workflows};

/// A plan as the CLI writes it to standard output.
fn plan_of(file: &Path, workflow: &str) -> String {
    let out = Command::cargo_bin("procflow")
        .unwrap()
        .arg("build")
        .arg(file)
        .args(["--emit", "plan", "--workflow", workflow, "-o", "-"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// Every workflow of `file`, in source order (the file checks clean).
fn workflows_of(file: &Path) -> Vec<String> {
    let c = common::compile(file);
    root_workflows(&c.model)
        .into_iter()
        .map(|w| c.model.workflows[w.0].name.text.clone())
        .collect()
}

/// The plan's errors against the generated schema (none when valid).
fn schema_errors(plan_text: &str) -> Vec<String> {
    let schema = serde_json::from_str(&plan::schema()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let plan_json: serde_json::Value = serde_json::from_str(plan_text).unwrap();
    validator
        .iter_errors(&plan_json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Snapshots (`backend_plan__FILE--WORKFLOW`) and schema validation of the
/// plan of every workflow of `file`; returns how many there were.
fn check_plans(file: &Path) -> usize {
    let workflows = workflows_of(file);
    for w in &workflows {
        let text = plan_of(file, w);
        assert!(text.ends_with("}\n"), "{w}: no final newline");
        let errors = schema_errors(&text);
        assert!(errors.is_empty(), "{}/{w}: {errors:#?}", file.display());
        insta::assert_snapshot!(format!("{}--{w}", stem(file)), text);
    }
    workflows.len()
}

#[test]
fn example_plans() {
    let files: Vec<PathBuf> = examples();
    let plans: usize = files.iter().map(|f| check_plans(f)).sum();
    assert!(plans >= 3, "only {plans} example plans");
}

/// Strings, `null`, booleans, numbers, empty and full lists, titles made from
/// names, quotes, backslashes, line breaks, tabs and characters outside ASCII.
#[test]
fn every_kind_of_value() {
    let file = crate_dir().join("tests/fixtures/plan/every-value.flow");
    assert_eq!(check_plans(&file), 2);
}

/// Version 2: every construct of language v2 in one workflow, and the
/// figures computed by hand.
#[test]
fn version_2_constructs() {
    let file = crate_dir().join("tests/fixtures/plan/v2.flow");
    assert_eq!(check_plans(&file), 1);
    let plan: serde_json::Value = serde_json::from_str(&plan_of(&file, "weekly-post")).unwrap();
    let w = &plan["workflow"];
    assert_eq!(w["inputs"], serde_json::json!(["brief"]));
    assert_eq!(w["target_s"], 604_800);
    assert_eq!(w["every_s"], 604_800);
    // write 4h, then review 1d wait + 1h, then publish-it 30m.
    assert_eq!(w["lead_time_s"], 4 * 3600 + 86_400 + 3600 + 1800);
    assert_eq!(w["lead_time_is_lower_bound"], false);
    assert_eq!(
        w["critical_path"],
        serde_json::json!(["write", "review", "publish-it"])
    );
    let review = &plan["steps"][1];
    assert_eq!(review["decides"], serde_json::json!(["approved"]));
    assert_eq!(review["escalate"], "editor-in-chief");
    assert_eq!(review["with"], serde_json::json!(["editor-in-chief"]));
    assert_eq!(
        review["rework"],
        serde_json::json!([{"step": "write", "decision": "approved"}])
    );
    assert_eq!(review["takes_s"], 3600);
    assert_eq!(
        plan["steps"][2]["when"],
        serde_json::json!([
            {"decision": "approved", "is": true},
            {"text": "the site is up", "variable": "when_publish_it"}
        ])
    );
    // Helpers and escalation roles are roles the workflow uses.
    let roles: Vec<&str> = plan["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(roles.contains(&"editor-in-chief"), "{roles:?}");
}
