//! `procflow audit` on the real binary: each format and exit code, the JSON
//! validated against the published schema, the Markdown through the real
//! markdownlint-cli2 (default rules), filters, `procflow.toml`'s threshold,
//! and a file with errors reported on standard error and left out.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command as StdCommand;

use assert_cmd::Command;
use common::crate_dir;
use common::random_flow::random_flows;
use predicates::prelude::*;

fn procflow() -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.env_remove("NO_COLOR").current_dir(crate_dir());
    cmd
}

fn json_of(args: &[&str]) -> serde_json::Value {
    let out = procflow().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn human_puts_findings_first_and_fits_100_columns() {
    let out = procflow()
        .args(["audit", "examples/"])
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let findings = text.find("Findings (").unwrap();
    let workflows = text.find("Workflows (3)").unwrap();
    let roles = text.find("Roles (").unwrap();
    let tools = text.find("Tools (").unwrap();
    assert!(
        findings < workflows && workflows < roles && roles < tools,
        "{text}"
    );
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "over 100 columns: {line}");
    }
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    assert!(text.contains("at least 2w 15h"), "{text}");
    let colored = procflow()
        .args(["audit", "examples/", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&colored.stdout).contains("\x1b[1mFindings"));
}

#[test]
fn json_has_the_contract_and_validates_against_its_schema() {
    let report = json_of(&["audit", "examples/", "--format", "json"]);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate_dir().join("schema/audit.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(report["format"], "procflow-audit");
    assert_eq!(report["version"], 1);
    let w = &report["workflows"][1];
    assert_eq!(w["id"], "weekly_post");
    assert_eq!(w["title"], "Weekly blog post");
    assert_eq!(w["lead_time_s"], 293_700);
    assert_eq!(w["lead_time_is_lower_bound"], false);
    assert_eq!(w["target_s"], 345_600);
    assert_eq!(w["deadline_bound_s"], serde_json::Value::Null);
    assert_eq!(w["handoffs"], 3);
    assert_eq!(w["handoffs_without_deadline"], 0);
    assert_eq!(w["runs_per_week"], 1.0);
    assert_eq!(w["critical_path"][0], "research_keywords");
    let founder = report["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "founder")
        .unwrap();
    assert_eq!(founder["hours_per_week"], 9.0);
    assert_eq!(founder["title"], "Founder");
    assert_eq!(
        founder["workflows"],
        serde_json::json!(["weekly_post", "zoho_funnel"])
    );
    assert!(founder["share"].as_f64().unwrap() > 0.4);
    assert!(report["tools"][0]["id"].is_string() && report["tools"][0]["title"].is_string());
    assert!(report["findings"].is_array());
    // The same bytes every time.
    assert_eq!(report, json_of(&["audit", "examples/", "--format", "json"]));
}

#[test]
fn markdown_passes_markdownlint() {
    let bin = crate_dir().join("tools/markdownlint/node_modules/.bin/markdownlint-cli2");
    assert!(
        bin.exists(),
        "markdownlint-cli2 is not installed: run `npm ci --prefix tools/markdownlint`"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for (name, args) in [
        (
            "examples",
            vec!["audit", "examples/", "--format", "markdown"],
        ),
        (
            "founder",
            vec![
                "audit",
                "examples/",
                "--format",
                "markdown",
                "--role",
                "founder",
            ],
        ),
        (
            "hostile",
            vec![
                "audit",
                "tests/fixtures/audit/hostile.flow",
                "--format",
                "markdown",
            ],
        ),
    ] {
        let out = procflow().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with("# Audit\n"), "{text}");
        let file = format!("{name}.md");
        std::fs::write(dir.path().join(&file), text).unwrap();
        names.push(file);
    }
    // And the reports of 40 random files of hostile text (a fixed-seed
    // generator: the same 40 on every run).
    let mut state: u64 = 0x00a0_d175;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        usize::try_from((z ^ (z >> 31)) % 1000).unwrap()
    };
    for n in 0..40 {
        let texts: Vec<Vec<usize>> = (0..=(next() % 40))
            .map(|_| (0..=(next() % 12)).map(|_| next()).collect())
            .collect();
        let shapes: Vec<Vec<usize>> = (0..=(next() % 3))
            .map(|_| (0..=(next() % 20)).map(|_| next()).collect())
            .collect();
        let report = procflow::check_source("random.flow", &random_flows(&texts, &shapes));
        let (models, _) = report.clean_models();
        let a = procflow::audit::audit(
            &report.workspace.sources,
            &models,
            &procflow::audit::AuditOptions::default(),
        )
        .unwrap();
        let file = format!("random-{n}.md");
        std::fs::write(
            dir.path().join(&file),
            procflow::audit::markdown::render(&a),
        )
        .unwrap();
        names.push(file);
    }
    let output = StdCommand::new(&bin)
        .args(&names)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{report}");
    assert!(report.contains("Summary: 0 error(s)"), "{report}");
}

#[test]
fn a_file_with_errors_is_reported_on_stderr_and_left_out() {
    let dir = tempfile::tempdir().unwrap();
    for example in ["team.flow", "content-creation.flow"] {
        std::fs::copy(
            crate_dir().join("examples").join(example),
            dir.path().join(example),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("broken.flow"),
        "use \"team.flow\"\nworkflow broken {\n  step x {\n    owner nobody\n  }\n}\n",
    )
    .unwrap();
    let out = procflow()
        .current_dir(dir.path())
        .args(["audit", "--format", "json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error["))
        .stderr(predicate::str::contains(
            "left out of the audit, with errors: broken.flow",
        ))
        .get_output()
        .stdout
        .clone();
    // Standard output is exactly one JSON document, of the other files.
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let ids: Vec<&str> = report["workflows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["weekly_post"]);
}

#[test]
fn filters_and_unknown_names() {
    let report = json_of(&[
        "audit",
        "examples/",
        "--format",
        "json",
        "--workflow",
        "zoho_funnel",
    ]);
    assert_eq!(report["workflows"].as_array().unwrap().len(), 1);
    let report = json_of(&["audit", "examples/", "--format", "json", "--role", "writer"]);
    assert_eq!(report["roles"].as_array().unwrap().len(), 1);
    procflow()
        .args(["audit", "examples/", "--role", "foundr"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("did you mean `founder`?"));
    procflow()
        .args(["audit", "examples/", "--workflow", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no workflow `nope` was read"));
}

#[test]
fn the_threshold_comes_from_procflow_toml() {
    let dir = tempfile::tempdir().unwrap();
    for example in std::fs::read_dir(crate_dir().join("examples")).unwrap() {
        let path = example.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        dir.path().join("procflow.toml"),
        "[owner-overload]\nhours-per-week = 8.5\n",
    )
    .unwrap();
    let out = procflow()
        .current_dir(dir.path())
        .args(["audit", ".", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["overload_hours_per_week"], 8.5);
    // founder: 9 hours a week, the only role over 8.5.
    let over: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "role-overloaded")
        .collect();
    assert_eq!(over.len(), 1, "{over:?}");
    assert_eq!(over[0]["role"], "founder");
    std::fs::write(
        dir.path().join("procflow.toml"),
        "[owner-overload]\nhours-per-week = \"a lot\"\n",
    )
    .unwrap();
    procflow()
        .current_dir(dir.path())
        .args(["audit"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`hours-per-week` must be a positive",
        ));
}

#[test]
fn schema_audit_prints_the_published_schema() {
    let published = std::fs::read_to_string(crate_dir().join("schema/audit.schema.json")).unwrap();
    procflow()
        .args(["schema", "audit"])
        .assert()
        .success()
        .stdout(published);
}

#[test]
fn docs_audit_md_shows_what_the_command_prints() {
    let out = procflow().args(["audit", "examples/"]).output().unwrap();
    assert!(out.status.success());
    let block = format!(
        "<!-- audit-example:start -->\n```text\n{}```\n<!-- audit-example:end -->",
        String::from_utf8(out.stdout).unwrap()
    );
    let path = crate_dir().join("docs/audit.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("<!-- audit-example:start -->").unwrap();
    let end = text.find("<!-- audit-example:end -->").unwrap() + "<!-- audit-example:end -->".len();
    let updated = format!("{}{block}{}", &text[..start], &text[end..]);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &updated).unwrap();
    }
    assert!(
        text == updated,
        "docs/audit.md's example is out of date: run `UPDATE_DOCS=1 cargo test --test audit_cli`"
    );
}

#[test]
fn standard_input_and_nothing_to_audit() {
    let text = std::fs::read_to_string(crate_dir().join("examples/content-creation.flow")).unwrap();
    let out = procflow()
        .args([
            "audit",
            "-",
            "--stdin-filename",
            "examples/content-creation.flow",
            "--format",
            "json",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["workflows"][0]["lead_time_s"], 293_700);
    // A folder without workflows: empty sections, no findings, exit 0.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("team.flow"), "role ops \"Ops\"\n").unwrap();
    let out = procflow()
        .current_dir(dir.path())
        .args(["audit"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with("Findings (0)\nNo findings.\n"), "{text}");
    assert!(text.contains("Workflows (0)"), "{text}");
}

#[test]
fn check_uses_the_threshold_of_procflow_toml_for_owner_overload() {
    let dir = tempfile::tempdir().unwrap();
    let flow = r#"role ops "Ops"
tool t "T"
process p "P" {
  outcome "Done"
  owner ops
  step a
}
workflow w "W" implements p {
  owner ops
  every 1w
  step one {
    implements a
    owner ops
    tool t
    takes 2h
  }
}
"#;
    std::fs::write(dir.path().join("w.flow"), flow).unwrap();
    let check = || {
        procflow()
            .current_dir(dir.path())
            .args(["check", "--format", "short"])
            .output()
            .unwrap()
    };
    std::fs::write(
        dir.path().join("procflow.toml"),
        "[lints]\nowner-overload = \"warn\"\n",
    )
    .unwrap();
    // 2 hours a week: under the default 40.
    assert_eq!(String::from_utf8(check().stdout).unwrap(), "");
    std::fs::write(
        dir.path().join("procflow.toml"),
        "[lints]\nowner-overload = \"warn\"\n\n[owner-overload]\nhours-per-week = 1.5\n",
    )
    .unwrap();
    let out = String::from_utf8(check().stdout).unwrap();
    assert!(
        out.contains("warning[owner-overload]: role `ops` works 2 hours a week in workflow `w`, more than 1.5"),
        "{out}"
    );
}
