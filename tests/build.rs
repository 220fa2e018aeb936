//! `procflow build` and `procflow schema`: plans against their schema with a real
//! validator, exit codes, workflow selection, and writing files atomically.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

fn procflow() -> Command {
    Command::cargo_bin("procflow").unwrap()
}

fn root() -> &'static Path {
    common::crate_dir()
}

/// The examples that declare workflows (`team.flow` only declares roles).
fn examples_with_workflows() -> Vec<PathBuf> {
    let files: Vec<PathBuf> = common::examples()
        .into_iter()
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("\nworkflow "))
        .collect();
    assert!(files.len() >= 3);
    files
}

fn schema() -> Value {
    serde_json::from_str(&procflow::backend::plan::schema()).unwrap()
}

#[test]
fn the_published_schema_is_the_commands_output() {
    let out = procflow()
        .args(["schema", "plan"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let published = std::fs::read_to_string(root().join("schema/plan.schema.json")).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        published,
        "run `procflow schema plan > schema/plan.schema.json`"
    );
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
}

/// The files `build FILE --emit EMIT --out-dir` writes, in name order.
fn built_files(file: &Path, emit: &str) -> Vec<Vec<u8>> {
    let dir = tempfile::TempDir::new().unwrap();
    procflow()
        .arg("build")
        .arg(file)
        .args(["--emit", emit, "--out-dir"])
        .arg(dir.path())
        .assert()
        .code(0);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn plans_of(file: &Path) -> Vec<Value> {
    built_files(file, "plan")
        .iter()
        .map(|bytes| serde_json::from_slice(bytes).unwrap())
        .collect()
}

#[test]
fn every_example_plan_is_valid_against_the_schema() {
    let validator = jsonschema::draft202012::new(&schema()).unwrap();
    for file in examples_with_workflows() {
        for plan in plans_of(&file) {
            let errors: Vec<String> = validator
                .iter_errors(&plan)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
        }
    }
}

#[test]
fn broken_plans_are_rejected() {
    let validator = jsonschema::draft202012::new(&schema()).unwrap();
    let plan = plans_of(&root().join("examples/lead-generation.flow")).remove(0);
    assert!(validator.is_valid(&plan));
    let mut breakages: Vec<(&str, Value)> = Vec::new();
    let mut p = plan.clone();
    p.as_object_mut().unwrap().remove("steps");
    breakages.push(("a missing field", p));
    let mut p = plan.clone();
    p["extra"] = json!(1);
    breakages.push(("an unknown field", p));
    let mut p = plan.clone();
    p["steps"][0]["automated"] = json!("yes");
    breakages.push(("a wrong type", p));
    let mut p = plan.clone();
    p["steps"][0].as_object_mut().unwrap().remove("run");
    breakages.push(("a missing nullable field", p));
    let mut p = plan.clone();
    p["steps"][0]["when"] = json!([{"decision": "hot_lead"}]);
    breakages.push(("a condition without its answer", p));
    let mut p = plan.clone();
    p["steps"][0]["when"] = json!("lead score is 50 or more");
    breakages.push(("a version-1 condition", p));
    let mut p = plan.clone();
    p["format"] = json!("other");
    breakages.push(("another format", p));
    let mut p = plan.clone();
    p["version"] = json!(1);
    breakages.push(("another version", p));
    let mut p = plan;
    p["steps"][0]["within_seconds"] = json!(0);
    breakages.push(("a zero duration", p));
    for (what, broken) in breakages {
        assert!(!validator.is_valid(&broken), "{what} was accepted");
    }
}

#[test]
fn plan_contract_details() {
    let plan = plans_of(&root().join("examples/lead-generation.flow")).remove(0);
    assert_eq!(plan["format"], "procflow-plan");
    assert_eq!(plan["version"], 2);
    let steps = plan["steps"].as_array().unwrap();
    // Version 2: decisions and structured conditions.
    assert_eq!(
        plan["decisions"],
        json!([{"name": "hot_lead", "question": "Is the lead score 50 or more?", "step": "score", "variable": "hot_lead"}])
    );
    let assign = steps.iter().find(|s| s["id"] == "assign").unwrap();
    assert_eq!(
        assign["when"],
        json!([{"decision": "hot_lead", "is": true}])
    );
    assert_eq!(steps[0]["when"], json!([]));
    // The sequential default is explicit; the first step has no predecessor.
    assert_eq!(steps[0]["after"], json!([]));
    for pair in steps.windows(2) {
        assert!(!pair[1]["after"].as_array().unwrap().is_empty());
    }
    // Titles are always filled: `follow_up` has none written.
    let process_steps = plan["process"]["steps"].as_array().unwrap();
    let follow_up = process_steps
        .iter()
        .find(|s| s["id"] == "follow_up")
        .unwrap();
    assert_eq!(follow_up["title"], "Follow up");
    // Durations in seconds; only the roles and tools the workflow uses.
    let reach_out = steps.iter().find(|s| s["id"] == "reach_out").unwrap();
    assert_eq!(reach_out["within_seconds"], 2 * 86_400);
    let role_ids: Vec<&str> = plan["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(!role_ids.contains(&"writer"), "{role_ids:?}");
}

#[test]
fn steps_are_in_an_executable_order_ties_as_written() {
    let text = r#"role ops "Ops"
tool t "T"
process p "P" {
  outcome "o"
  step a
}
workflow w "W" implements p {
  owner ops
  step first { implements a owner ops tool t }
  step late { implements a owner ops tool t after middle }
  step middle { implements a owner ops tool t after first }
  step side { implements a owner ops tool t after first }
}
"#;
    let out = procflow()
        .args(["build", "-", "--emit", "plan"])
        .write_stdin(text)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let plan: Value = serde_json::from_slice(&out).unwrap();
    let ids: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    // After `middle`, `late` and `side` are both ready: the one written first
    // goes first.
    assert_eq!(ids, ["first", "middle", "late", "side"]);
}

#[test]
fn a_file_with_errors_builds_nothing() {
    let dir = tempfile::TempDir::new().unwrap();
    let broken = dir.path().join("broken.flow");
    std::fs::write(&broken, "workflow w implements p {\n  step s { }\n}\n").unwrap();
    let out = dir.path().join("out.json");
    std::fs::write(&out, "previous contents").unwrap();
    procflow()
        .arg("build")
        .arg(&broken)
        .args(["--emit", "plan", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains("error[unknown-reference]")
                .and(predicate::str::contains("nothing was built")),
        );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous contents");
}

#[test]
fn several_workflows_need_a_choice() {
    let text = r#"role ops "Ops"
tool t "T"
process p "P" {
  outcome "o"
  step a
}
workflow one implements p { owner ops step s { implements a owner ops tool t } }
workflow two implements p { owner ops step s { implements a owner ops tool t } }
"#;
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("two.flow");
    std::fs::write(&file, text).unwrap();
    for emit in ["sop", "plan", "mermaid"] {
        procflow()
            .arg("build")
            .arg(&file)
            .args(["--emit", emit])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("one, two"));
    }
    procflow()
        .arg("build")
        .arg(&file)
        .args(["--emit", "plan", "--workflow", "two"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"id\": \"two\""));
    procflow()
        .arg("build")
        .arg(&file)
        .args(["--emit", "plan", "--workflow", "three"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no workflow `three`"));
    let out = dir.path().join("plans");
    procflow()
        .arg("build")
        .arg(&file)
        .args(["--emit", "plan", "--out-dir"])
        .arg(&out)
        .assert()
        .code(0);
    assert!(out.join("one.json").is_file() && out.join("two.json").is_file());
    procflow()
        .arg("build")
        .arg(&file)
        .args(["--emit", "dot", "--out-dir"])
        .arg(&out)
        .assert()
        .code(0);
    assert!(out.join("two.dot").is_file());
    // Nothing but the written files is left behind (no temporary files).
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["one.json", "two.dot", "two.json"]);
}

#[test]
fn output_files_are_replaced_whole() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("plan.json");
    std::fs::write(&out, "old").unwrap();
    procflow()
        .arg("build")
        .arg(root().join("examples/lead-generation.flow"))
        .args(["--emit", "plan", "-o"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["workflow"]["id"], "zoho_funnel");
    // An output path in a folder that does not exist: exit 2, nothing written.
    procflow()
        .arg("build")
        .arg(root().join("examples/lead-generation.flow"))
        .args(["--emit", "plan", "-o"])
        .arg(dir.path().join("missing/plan.json"))
        .assert()
        .code(2);
}

#[test]
fn builds_are_deterministic() {
    for file in examples_with_workflows() {
        for emit in ["dot", "plan"] {
            let a = built_files(&file, emit);
            let b = built_files(&file, emit);
            assert_eq!(a, b);
        }
    }
}

/// An output never replaces a file the build read: `-o` naming the input (a
/// typo away from `-o x.md`) or `--out-dir` where a workflow's output file
/// is the Markdown file itself. Exit 2, the input unchanged.
#[test]
fn an_output_never_replaces_its_input() {
    let dir = tempfile::TempDir::new().unwrap();
    let flow = std::fs::read_to_string(root().join("examples/content-creation.flow")).unwrap();
    std::fs::copy(
        root().join("examples/team.flow"),
        dir.path().join("team.flow"),
    )
    .unwrap();
    let file = dir.path().join("x.flow");
    std::fs::write(&file, &flow).unwrap();
    procflow()
        .arg("build")
        .arg(&file)
        .args(["--emit", "sop", "-o"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is an input of this build"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), flow);
    // `weekly_post.md`, a Markdown file whose block declares `weekly_post`.
    let md = dir.path().join("weekly_post.md");
    let text = format!("# Posts\n\n```flow\n{flow}```\n");
    std::fs::write(&md, &text).unwrap();
    procflow()
        .arg("build")
        .arg(&md)
        .args(["--emit", "sop", "--out-dir"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&md).unwrap(), text);
}
