//! The `procflow` binary, driven from outside as users and CI drive it: exit
//! codes, every output format, standard input, folders and `.gitignore`, and
//! the precedence of lint levels.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn procflow() -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A file with one warning (`unused-tool`) and nothing else.
const ONE_WARNING: &str = r#"role ops "Operations"
tool crm "CRM"
tool fax "Fax"

process sales "Sales" {
  outcome "A signed deal"
  step pitch "Pitch"
}

workflow calls "Calls" implements sales {
  step call "Call" {
    implements pitch
    owner ops
    tool crm
  }
}
"#;

/// A file with one error (`missing-owner`).
const ONE_ERROR: &str = r#"role ops "Operations"
tool crm "CRM"

process sales "Sales" {
  outcome "A signed deal"
  owner ops
  step pitch "Pitch"
}

workflow calls "Calls" implements sales {
  step call "Call" {
    implements pitch
    tool crm
  }
}
"#;

fn dir_with(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn json(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).unwrap()
}

fn codes(value: &serde_json::Value) -> Vec<(String, String)> {
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn exit_codes() {
    let dir = dir_with(&[("warn.flow", ONE_WARNING), ("err.flow", ONE_ERROR)]);
    procflow()
        .current_dir(dir.path())
        .args(["check", "warn.flow"])
        .assert()
        .code(0);
    procflow()
        .current_dir(dir.path())
        .args(["check", "err.flow"])
        .assert()
        .code(1);
    procflow()
        .current_dir(dir.path())
        .args(["check", "missing.flow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.flow"));
    procflow()
        .current_dir(dir.path())
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
    procflow()
        .current_dir(dir.path())
        .args(["check", "-W", "no-such-lint", "warn.flow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown lint"));
    procflow()
        .current_dir(dir.path())
        .args(["check", "-A", "missing-owner", "err.flow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is an error, not a lint"));
    procflow()
        .current_dir(dir.path())
        .args(["nonsense"])
        .assert()
        .code(2);
}

#[test]
fn no_path_means_the_current_folder() {
    let dir = dir_with(&[("a/warn.flow", ONE_WARNING), ("b/err.flow", ONE_ERROR)]);
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["summary"]["files"], 2);
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["a/warn.flow", "b/err.flow"]);
}

#[test]
fn folders_honour_gitignore() {
    let dir = dir_with(&[
        (".gitignore", "generated/\n"),
        ("ok.flow", "role ops \"Operations\"\n"),
        ("generated/err.flow", ONE_ERROR),
        ("notes.txt", "not a flow file"),
    ]);
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(json(&out)["summary"]["files"], 1);
    // A file named on the command line is checked even if ignored.
    procflow()
        .current_dir(dir.path())
        .args(["check", "generated/err.flow"])
        .assert()
        .code(1);
}

#[test]
fn standard_input_with_a_name() {
    let out = procflow()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "pipeline/err.flow",
            "--format",
            "short",
        ])
        .write_stdin(ONE_ERROR)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "pipeline/err.flow:11:8: error[missing-owner]: step `call` has no owner\n"
    );
    procflow()
        .args(["check", "-", "--format", "short"])
        .write_stdin(ONE_WARNING)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "<stdin>:3:6: warning[unused-tool]",
        ));
}

#[test]
fn json_format_follows_the_contract() {
    let dir = dir_with(&[("err.flow", ONE_ERROR)]);
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "err.flow", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["summary"],
        serde_json::json!({ "files": 1, "errors": 1, "warnings": 0 })
    );
    let d = &v["diagnostics"][0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "labels",
        "help",
    ] {
        assert!(keys.contains(&key), "missing {key} in {d}");
    }
    assert_eq!(d["code"], "missing-owner");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "step `call` has no owner");
    assert_eq!(d["file"], "err.flow");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(11), Some(8))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(11), Some(12))
    );
    assert_eq!(
        d["labels"][0]["message"],
        "every workflow step needs an `owner`"
    );
    assert_eq!(d["labels"][0]["line"], 11);
    assert_eq!(d["help"], "add `owner ROLE`, where ROLE is one of: ops");
}

#[test]
fn json_help_is_null_when_there_is_none() {
    // Every diagnostic the checker makes has a help today; the contract says
    // `help` is null when absent, which the renderer does for `None`.
    let report = procflow::check_source("x.flow", "role ops \"Operations\"\n");
    let mut d = procflow::Diagnostic::new(
        procflow::Code::Syntax,
        procflow::source::Span::new(procflow::source::FileId(0), 0, 4),
        "m",
        "l",
    );
    d.help = None;
    let v: serde_json::Value =
        serde_json::from_str(&procflow::render::json(&report.workspace.sources, &[d], 1)).unwrap();
    assert!(v["diagnostics"][0]["help"].is_null());
}

#[test]
fn short_github_and_human_formats() {
    let dir = dir_with(&[("err.flow", ONE_ERROR)]);
    procflow()
        .current_dir(dir.path())
        .args(["check", "err.flow", "--format", "github"])
        .assert()
        .code(1)
        .stdout("::error file=err.flow,line=11,col=8,endLine=11,endColumn=12,title=procflow missing-owner::step `call` has no owner%0Ahelp: add `owner ROLE`, where ROLE is one of: ops\n");
    let human = procflow()
        .current_dir(dir.path())
        .args(["check", "err.flow"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let human = String::from_utf8(human).unwrap();
    assert!(
        human.contains("error[missing-owner]: step `call` has no owner"),
        "{human}"
    );
    assert!(human.contains("┌─ err.flow:11:8"), "{human}");
    assert!(human.contains("= help: add `owner ROLE`"), "{human}");
    assert!(
        human.ends_with("checked 1 file: 1 error, 0 warnings\n"),
        "{human}"
    );
    assert!(!human.contains('\u{1b}'), "no colour when not a terminal");
    let forced = procflow()
        .current_dir(dir.path())
        .args(["check", "err.flow", "--color", "always"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(forced).unwrap().contains('\u{1b}'));
}

#[test]
fn sarif_has_rules_from_the_code_table_and_results() {
    let dir = dir_with(&[("err.flow", ONE_ERROR)]);
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "err.flow", "--format", "sarif"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), procflow::CODES.len());
    let result = &run["results"][0];
    let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
    assert_eq!(rules[index]["id"], result["ruleId"]);
    assert_eq!(result["ruleId"], "missing-owner");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(11), Some(8))
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "err.flow"
    );
    assert_eq!(rules[index]["defaultConfiguration"]["level"], "error");
    assert!(
        rules[index]["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why it matters")
    );
}

#[test]
fn lint_level_precedence() {
    // Default: unused-tool warns.
    let dir = dir_with(&[("warn.flow", ONE_WARNING)]);
    let run = |dir: &Path, args: &[&str]| {
        let out = procflow()
            .current_dir(dir)
            .args(["check", "warn.flow", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        codes(&json(&out.stdout))
    };
    let warn = vec![("unused-tool".to_owned(), "warning".to_owned())];
    let deny = vec![("unused-tool".to_owned(), "error".to_owned())];
    assert_eq!(run(dir.path(), &[]), warn);
    // Command line: the last flag wins.
    assert_eq!(run(dir.path(), &["-D", "unused-tool"]), deny);
    assert_eq!(
        run(dir.path(), &["-D", "unused-tool", "-A", "unused-tool"]),
        vec![]
    );
    assert_eq!(
        run(dir.path(), &["-A", "unused-tool", "-W", "unused-tool"]),
        warn
    );
    assert_eq!(
        run(
            dir.path(),
            &["--allow", "unused-tool", "--deny", "unused-tool"]
        ),
        deny
    );
    // -D warnings turns every warning into an error.
    assert_eq!(run(dir.path(), &["-D", "warnings"]), deny);
    procflow()
        .current_dir(dir.path())
        .args(["check", "warn.flow", "-D", "warnings"])
        .assert()
        .code(1);
    // procflow.toml (the nearest, from the file's folder upwards) sits between.
    let nested = dir_with(&[
        ("procflow.toml", "[lints]\nunused-tool = \"deny\"\n"),
        ("sub/warn.flow", ONE_WARNING),
    ]);
    let sub = nested.path().join("sub");
    assert_eq!(run(&sub, &[]), deny);
    assert_eq!(run(&sub, &["-W", "unused-tool"]), warn);
    assert_eq!(run(&sub, &["--no-config"]), warn);
    // A nearer procflow.toml wins over a farther one.
    std::fs::write(
        sub.join("procflow.toml"),
        "[lints]\nunused-tool = \"allow\"\n",
    )
    .unwrap();
    assert_eq!(run(&sub, &[]), vec![]);
    // `allow` in the block wins over everything for that block.
    let allowed = ONE_WARNING.replace("tool fax \"Fax\"", "tool fax \"Fax\" { allow unused-tool }");
    let dir = dir_with(&[("warn.flow", &allowed)]);
    assert_eq!(
        run(dir.path(), &["-D", "unused-tool", "-D", "warnings"]),
        vec![]
    );
}

#[test]
fn owner_overload_is_allowed_by_default_and_can_be_turned_on() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check/owner-overload/fires.flow");
    let out = procflow()
        .args(["check", "--no-config", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(codes(&json(&out.stdout)), vec![]);
    let out = procflow()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "-W",
            "owner-overload",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        codes(&json(&out.stdout)),
        vec![("owner-overload".to_owned(), "warning".to_owned())]
    );
}

#[test]
fn bad_config_is_exit_2_with_the_place() {
    let dir = dir_with(&[
        ("procflow.toml", "[lints]\nunused-tol = \"allow\"\n"),
        ("warn.flow", ONE_WARNING),
    ]);
    procflow()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args(["check", "warn.flow"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown lint `unused-tol`")
                .and(predicate::str::contains("did you mean `unused-tool`?")),
        );
    let dir = dir_with(&[
        ("procflow.toml", "[lints]\nunused-tool = \"loud\"\n"),
        ("warn.flow", ONE_WARNING),
    ]);
    procflow()
        .current_dir(dir.path())
        .args(["check", "warn.flow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown level `loud`"));
    let dir = dir_with(&[("procflow.toml", "[lints\n"), ("warn.flow", ONE_WARNING)]);
    procflow()
        .current_dir(dir.path())
        .args(["check", "warn.flow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("procflow.toml"));
}

#[test]
fn use_loads_relative_files_once_and_refuses_cycles_and_absolute_paths() {
    let dir = dir_with(&[
        (
            "lib/team.flow",
            "role ops \"Operations\"\ntool crm \"CRM\"\n",
        ),
        ("lib/more.flow", "use \"team.flow\"\ntool fax \"Fax\"\n"),
        (
            "main.flow",
            &format!(
                "use \"lib/team.flow\"\nuse \"lib/more.flow\"\n{}",
                &ONE_WARNING[ONE_WARNING.find("process").unwrap()..]
            ),
        ),
        ("a.flow", "use \"b.flow\"\nrole x \"X\"\n"),
        ("b.flow", "use \"a.flow\"\nrole y \"Y\"\n"),
        ("abs.flow", "use \"/etc/team.flow\"\nrole z \"Z\"\n"),
    ]);
    // team.flow is used twice but loaded once: no duplicate-definition.
    procflow()
        .current_dir(dir.path())
        .args(["check", "main.flow"])
        .assert()
        .code(0);
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "a.flow", "abs.flow", "--format", "short"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains(
            "b.flow:1:1: error[import]: import cycle: `a.flow` uses `b.flow` uses `a.flow`"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "abs.flow:1:1: error[import]: cannot use `/etc/team.flow`: absolute paths are refused"
        ),
        "{out}"
    );
}

#[test]
fn explain_every_code() {
    for c in procflow::CODES {
        procflow()
            .args(["explain", c.name])
            .assert()
            .code(0)
            .stdout(
                predicate::str::starts_with(format!("# {}\n", c.name))
                    .and(predicate::str::contains("## Fix")),
            );
    }
    procflow()
        .args(["explain", "--list"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("owner-overload").and(predicate::str::contains("lint, allow")),
        );
    procflow()
        .args(["explain", "uncoverd-step"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `uncovered-step`?"));
}

#[test]
fn help_teaches() {
    procflow()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit status"));
    procflow()
        .args(["check", "--help"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("procflow.toml")
                .and(predicate::str::contains("--stdin-filename")),
        );
}
