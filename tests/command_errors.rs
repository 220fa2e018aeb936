//! Errors that stop a command (exit 2), as users see them: no internal label
//! (such as `procflow::usage`), and wrapped to the width without ever
//! breaking inside a `code span` (a command to copy, a code, a path).
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use tempfile::TempDir;

fn procflow() -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs procflow with `args` in `dir`; it must exit 2 with nothing on
/// standard output. Returns standard error, checked for the promises above.
fn error_of(dir: &std::path::Path, args: &[&str]) -> String {
    let out = procflow().current_dir(dir).args(args).assert().code(2);
    let out = out.get_output();
    assert!(out.stdout.is_empty());
    let text = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(!text.contains("procflow::"), "an internal label:\n{text}");
    for line in text.lines() {
        assert_eq!(
            line.matches('`').count() % 2,
            0,
            "a code span broken across lines:\n{text}"
        );
        assert!(
            line.chars().count() <= 80 || line.contains('`'),
            "a line over 80 columns (not a long code span):\n{text}"
        );
    }
    text
}

fn setup() -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("a.flow"), "role ops \"Ops\"\n").unwrap();
    std::fs::copy(
        common::crate_dir().join("tests/fixtures/regressions/build-partial-two-workflows.flow"),
        dir.path().join("two.flow"),
    )
    .unwrap();
    dir
}

#[test]
fn unknown_code() {
    let dir = setup();
    insta::assert_snapshot!(error_of(dir.path(), &["explain", "missing-ownr"]));
}

/// The help names a command, `procflow explain missing-owner`, that used to
/// wrap as `procflow explain missing-` / `owner`.
#[test]
fn an_error_code_given_a_lint_level() {
    let dir = setup();
    insta::assert_snapshot!(error_of(
        dir.path(),
        &["check", "a.flow", "-D", "missing-owner"]
    ));
}

#[test]
fn several_workflows_and_no_choice() {
    let dir = setup();
    insta::assert_snapshot!(error_of(
        dir.path(),
        &["build", "two.flow", "--emit", "plan"]
    ));
}

/// A message with a code span longer than what is left of a line: the whole
/// span moves to the next line.
#[test]
fn a_long_workflow_id() {
    let dir = setup();
    let id = "a-very-long-workflow-identifier-that-does-not-exist-anywhere";
    insta::assert_snapshot!(error_of(
        dir.path(),
        &["build", "two.flow", "--emit", "plan", "--workflow", id]
    ));
}

#[test]
fn an_output_in_a_missing_folder() {
    let dir = setup();
    insta::assert_snapshot!(error_of(
        dir.path(),
        &[
            "build",
            "two.flow",
            "--emit",
            "plan",
            "--workflow",
            "w1",
            "-o",
            "no/such/folder/plan.json"
        ]
    ));
}

#[test]
fn an_unreadable_input() {
    let dir = setup();
    insta::assert_snapshot!(error_of(dir.path(), &["check", "missing.flow"]));
}
