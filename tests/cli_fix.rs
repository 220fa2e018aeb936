//! `procflow check --fix`, driven through the real binary: safe fixes are
//! applied (Markdown `flow` blocks too), the file then checks clean, a second
//! run changes nothing, a guess among several names is not applied, nothing
//! is written when there is nothing to fix, and symbolic links stay links.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn procflow() -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A workflow with one typo of each kind that has a single near name.
const TYPOS: &str = r#"role founder "Founder"
role ops "Operations"
tool crm "CRM"

process sell "Sell" {
  outcome "A customer"
  owner founder
  step qualify "Qualify"
  step close "Close"
}

workflow deal implements sell {
  owner founder
  input brief
  step score "Score the lead" {
    implements qualifi
    owner foundr
    tool crn
    needs brif
    produces score_sheet
    decides hot_lead "Is the lead hot?"
  }
  step call "Call the lead" {
    implements close
    owner founder
    tool crm
    after scor
    when hot_led
    needs score_shet
    allow owner-overlaod
  }
}
"#;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn applies_every_safe_fix_then_the_file_checks_clean() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "deal.flow", TYPOS);
    procflow()
        .current_dir(dir.path())
        .args(["check", "deal.flow"])
        .assert()
        .code(1);
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "deal.flow"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr, "fixed 8 problems in 1 file\n");
    let fixed = read(dir.path(), "deal.flow");
    insta::assert_snapshot!(
        similar::TextDiff::from_lines(TYPOS, fixed.as_str())
            .unified_diff()
            .context_radius(0)
            .to_string()
    );
    // Nothing else in the file changed: the fixed text is the original
    // with each typo replaced.
    let expected = TYPOS
        .replace("implements qualifi", "implements qualify")
        .replace("owner foundr", "owner founder")
        .replace("tool crn", "tool crm")
        .replace("needs brif", "needs brief")
        .replace("after scor\n", "after score\n")
        .replace("when hot_led", "when hot_lead")
        .replace("needs score_shet", "needs score_sheet")
        .replace("owner-overlaod", "owner-overload");
    assert_eq!(fixed, expected);
    // The file now checks without errors, and fixing again changes nothing.
    let report = procflow()
        .current_dir(dir.path())
        .args(["check", "deal.flow", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(json(&report)["summary"]["errors"], 0);
    let modified = std::fs::metadata(dir.path().join("deal.flow"))
        .unwrap()
        .modified()
        .unwrap();
    procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "deal.flow"])
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty());
    assert_eq!(read(dir.path(), "deal.flow"), expected);
    assert_eq!(
        std::fs::metadata(dir.path().join("deal.flow"))
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
}

#[test]
fn a_guess_among_several_names_is_offered_but_not_applied() {
    let dir = TempDir::new().unwrap();
    let text = "role sales \"Sales\"\nrole salt \"Salt\"\ntool crm \"CRM\"\nprocess p {\n  outcome \"x\"\n  owner sales\n  step a\n}\nworkflow w implements p {\n  owner salt\n  step one {\n    implements a\n    owner sals\n    tool crm\n  }\n}\n";
    write(dir.path(), "w.flow", text);
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "w.flow", "--format", "json"])
        .assert()
        .code(1)
        .stderr(predicate::str::is_empty())
        .get_output()
        .stdout
        .clone();
    assert_eq!(read(dir.path(), "w.flow"), text);
    let v = json(&out);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown-reference")
        .unwrap();
    assert_eq!(d["help"], "did you mean `sales`?");
    assert_eq!(
        d["fix"],
        serde_json::json!({
            "message": "Replace with `sales`",
            "applicability": "unsafe",
            "edits": [{
                "file": "w.flow", "line": 13, "column": 11, "end_line": 13,
                "end_column": 15, "replacement": "sales"
            }]
        })
    );
}

#[test]
fn json_output_is_one_document_of_what_is_left() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "deal.flow", TYPOS);
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "deal.flow", "--format", "json"])
        .assert()
        .code(0)
        .stderr("fixed 8 problems in 1 file\n")
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["summary"]["errors"], 0);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "unknown-reference")
    );
}

#[test]
fn nothing_is_written_when_there_is_nothing_to_fix() {
    let dir = TempDir::new().unwrap();
    // An error with no fix: the file is left alone, the error reported.
    let text = "role ops \"Ops\"\nprocess p {\n  outcome \"x\"\n  owner ops\n  step a\n}\nworkflow w implements p {\n  owner ops\n  step one {\n    implements a\n    tool zzz\n  }\n}\n";
    write(dir.path(), "w.flow", text);
    let before = std::fs::metadata(dir.path().join("w.flow"))
        .unwrap()
        .modified()
        .unwrap();
    procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "w.flow"])
        .assert()
        .code(1)
        .stderr(predicate::str::is_empty())
        .stdout(predicate::str::contains("unknown tool `zzz`"));
    assert_eq!(read(dir.path(), "w.flow"), text);
    let after = std::fs::metadata(dir.path().join("w.flow"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
    // No temporary file left behind either.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["w.flow"]);
}

#[test]
fn markdown_blocks_are_fixed_in_place() {
    let dir = TempDir::new().unwrap();
    let block = "role ops \"Ops\"\ntool crm \"CRM\"\nprocess p {\n  outcome \"x\"\n  owner ops\n  step a\n}\nworkflow w implements p {\n  owner ops\n  step one {\n    implements a\n    owner opps\n    tool crm\n  }\n}\n";
    let md = format!(
        "# Sales\n\nIntro with `owner opps` in prose, left alone.\n\n```flow\n{block}```\n\nMore text.\n\n```flow\n{}```\n",
        block
            .replace("owner opps", "owner ops")
            .replace("tool crm\n  }", "tool crmm\n  }")
    );
    write(dir.path(), "README.md", &md);
    procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "README.md"])
        .assert()
        .code(0)
        .stderr("fixed 2 problems in 1 file\n");
    let fixed = read(dir.path(), "README.md");
    assert_eq!(
        fixed,
        md.replace("    owner opps\n", "    owner ops\n")
            .replace("tool crmm", "tool crm")
    );
    assert!(fixed.contains("Intro with `owner opps` in prose"));
}

#[test]
fn a_byte_order_mark_and_crlf_lines_are_kept() {
    let dir = TempDir::new().unwrap();
    let text = "\u{feff}role ops \"Ops\"\r\ntool crm \"CRM\"\r\nprocess p {\r\n  outcome \"x\"\r\n  owner ops\r\n  step a\r\n}\r\nworkflow w implements p {\r\n  owner ops\r\n  step one {\r\n    implements a\r\n    owner opps\r\n    tool crm\r\n  }\r\n}\r\n";
    write(dir.path(), "w.flow", text);
    procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "w.flow"])
        .assert()
        .code(0);
    assert_eq!(
        read(dir.path(), "w.flow"),
        text.replace("owner opps", "owner ops")
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_stays_a_link_and_its_target_is_fixed() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    write(&dir.path().join("real"), "deal.flow", TYPOS);
    std::os::unix::fs::symlink("real/deal.flow", dir.path().join("link.flow")).unwrap();
    procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "link.flow"])
        .assert()
        .code(0);
    let meta = std::fs::symlink_metadata(dir.path().join("link.flow")).unwrap();
    assert!(meta.file_type().is_symlink());
    assert!(read(&dir.path().join("real"), "deal.flow").contains("owner founder\n    tool crm\n"));
}

#[test]
fn standard_input_cannot_be_fixed() {
    procflow()
        .args(["check", "--fix", "-"])
        .write_stdin("role ops\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`--fix` cannot change standard input",
        ));
}

#[test]
fn a_fix_in_a_used_file_is_made_there() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "team.flow",
        "role ops \"Ops\"\ntool crm \"CRM\"\nprocess p {\n  outcome \"x\"\n  owner opss\n  step a\n}\n",
    );
    write(
        dir.path(),
        "w.flow",
        "use \"team.flow\"\nworkflow w implements p {\n  owner ops\n  step one {\n    implements a\n    owner ops\n    tool crm\n  }\n}\n",
    );
    procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "w.flow"])
        .assert()
        .code(0)
        .stderr("fixed 1 problem in 1 file\n");
    assert!(read(dir.path(), "team.flow").contains("  owner ops\n"));
}

#[test]
fn a_second_owner_is_moved_to_with_by_an_unsafe_fix_that_checks_clean() {
    let dir = TempDir::new().unwrap();
    let text = "role founder \"Founder\"\nrole ops \"Ops\"\ntool crm \"CRM\"\nprocess p {\n  outcome \"x\"\n  owner founder\n  step a\n}\nworkflow w implements p {\n  owner founder\n  step one {\n    implements a\n    owner founder, ops\n    tool crm\n  }\n}\n";
    write(dir.path(), "w.flow", text);
    // Not applied by `--fix`: who takes part is for a person to say.
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "w.flow", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(read(dir.path(), "w.flow"), text);
    let v = json(&out);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "invalid-value")
        .unwrap();
    let fix = &d["fix"];
    assert_eq!(fix["message"], "Move `ops` to `with`");
    assert_eq!(fix["applicability"], "unsafe");
    // Applied by hand (as an editor does), the file checks clean.
    let edit = &fix["edits"][0];
    assert_eq!(edit["line"], 13);
    let line = usize::try_from(edit["line"].as_u64().unwrap()).unwrap() - 1;
    let from = usize::try_from(edit["column"].as_u64().unwrap()).unwrap() - 1;
    let to = usize::try_from(edit["end_column"].as_u64().unwrap()).unwrap() - 1;
    let fixed: String = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                format!(
                    "{}{}{}",
                    &l[..from],
                    edit["replacement"].as_str().unwrap(),
                    &l[to..]
                )
            } else {
                l.to_owned()
            }
        })
        .collect();
    assert!(fixed.contains("    owner founder with ops\n"), "{fixed}");
    write(dir.path(), "w.flow", &fixed);
    procflow()
        .current_dir(dir.path())
        .args(["check", "w.flow"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems"));
}

/// Syntax errors carry their suggested replacement as a fix: an attribute
/// typed as a longer word and a colon after a keyword are fixed by `--fix`
/// (and the file then checks clean); a guess at structure (where a missing
/// `}` goes) is offered to editors as unsafe, not applied.
#[test]
fn syntax_suggestions_are_fixes() {
    let dir = TempDir::new().unwrap();
    let good = TYPOS
        .replace("implements qualifi", "implements qualify")
        .replace("owner foundr", "owner founder")
        .replace("tool crn", "tool crm")
        .replace("needs brif", "needs brief")
        .replace("after scor", "after score")
        .replace("when hot_led", "when hot_lead")
        .replace("needs score_shet", "needs score_sheet")
        .replace("allow owner-overlaod", "allow owner-overload");
    let typed = good
        .replace(
            "    tool crm\n    needs brief",
            "    tools crm\n    needs brief",
        )
        .replace(
            "  owner founder\n  input brief",
            "  owner: founder\n  input brief",
        );
    assert_ne!(typed, good);
    write(dir.path(), "s.flow", &typed);
    procflow()
        .args(["check", "--format", "json", "s.flow"])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains(r#""applicability":"safe""#)
                .or(predicate::str::contains(r#""applicability": "safe""#)),
        );
    procflow()
        .args(["check", "--fix", "s.flow"])
        .current_dir(dir.path())
        .assert()
        .success();
    assert_eq!(read(dir.path(), "s.flow"), good);

    let open = good.replacen(
        "    decides hot_lead \"Is the lead hot?\"\n  }\n",
        "    decides hot_lead \"Is the lead hot?\"\n",
        1,
    );
    assert_ne!(open, good);
    write(dir.path(), "o.flow", &open);
    procflow()
        .args(["check", "--fix", "o.flow"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    assert_eq!(
        read(dir.path(), "o.flow"),
        open,
        "a structural guess is not applied"
    );
}
