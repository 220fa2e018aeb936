//! What `procflow check` prints about hostile files (issue 10, defects 5 and
//! 11): no terminal control character from a file reaches the terminal; long
//! lines are cut around the spans in excerpts; at most 10 diagnostics per line
//! and 200 per file are shown (`--max-diagnostics` changes it), the summary
//! counting all; "did you mean" stays cheap with thousands of unknown names.
//! How fast these run is measured by `bench/hostile.sh`, not here.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn procflow() -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    cmd
}

fn regression(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/regressions")
        .join(name)
}

/// Runs `check` on a text (as standard input named `x.flow`).
fn check(text: &str, args: &[&str]) -> String {
    let out = procflow()
        .args(["check", "-", "--stdin-filename", "x.flow"])
        .args(args)
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn check_file(path: &Path, args: &[&str]) -> String {
    let out = procflow()
        .arg("check")
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// `perf-positions-one-line-100k.flow` (N = 100,000) and
/// `perf-many-diags-one-line.flow` (N = 8,000) of the hostile-input
/// reproducers, byte for byte: N unknown `after` names on one line.
fn after_line(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("q{i}")).collect();
    format!(
        "role a \"A\"\ntool t \"T\"\nprocess p \"P\" {{\n  outcome \"o\"\n  step s0\n}}\n\
         workflow w \"W\" implements p {{\n  step y {{\n    implements s0\n    owner a\n    \
         tool t\n    after {}\n  }}\n}}\n",
        names.join(", ")
    )
}

/// `perf-typo-suggestions.flow` (N = 5,000), byte for byte: N roles and N
/// unknown owners close to them.
fn typos(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("role role_name_{i}\n"));
    }
    text.push_str("tool t\nprocess p { outcome \"o\" step s0 }\nworkflow w implements p {\n");
    for i in 0..n {
        text.push_str(&format!(
            "  step x{i} {{ implements s0 owner rolename{i}x tool t }}\n"
        ));
    }
    text.push_str("}\n");
    text
}

fn no_control_characters(s: &str) {
    let bad: Vec<char> = s
        .chars()
        .filter(|&c| procflow::render::is_unsafe_char(c))
        .collect();
    assert!(bad.is_empty(), "control characters {bad:?} in:\n{s}");
}

#[test]
fn escape_sequences_in_a_file_never_reach_the_terminal() {
    let file = regression("terminal-escape-in-diagnostics.flow");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains('\u{1b}') && text.contains('\u{7}'));
    for format in ["human", "short", "github"] {
        let out = check_file(&file, &["--format", format]);
        no_control_characters(&out);
        assert!(out.contains("duplicate-definition"), "{out}");
    }
    let human = check_file(&file, &[]);
    assert!(
        human.contains(r#"role a "x\u{1b}[2J\u{1b}]0;pwned\u{7}y""#),
        "{human}"
    );
    // The caret still sits under the name on the line with the escapes.
    assert!(human.contains("1 │ role a \"x"), "{human}");
    let caret_line = human
        .lines()
        .find(|l| l.contains("first defined here"))
        .unwrap();
    assert_eq!(
        caret_line.find('-'),
        human
            .lines()
            .find(|l| l.starts_with("1 │"))
            .unwrap()
            .find(" a ")
            .map(|i| i + 1)
    );
    // JSON and SARIF escape by construction.
    for format in ["json", "sarif"] {
        let out = check_file(&file, &["--format", format]);
        assert!(!out.contains('\u{1b}'));
        let _: Value = serde_json::from_str(&out).unwrap();
    }
}

#[test]
fn control_characters_in_messages_and_names_are_escaped() {
    // A bidirectional override and a carriage return in a name of a file and
    // in a string that a message quotes.
    let text = "role a \"A\"\nrole b \"B\u{202e}\r\"\nrole a \"C\"\n";
    for format in ["human", "short", "github"] {
        let out = procflow()
            .args(["check", "-", "--format", format, "--stdin-filename"])
            .arg("bad\u{1b}[31mname.flow")
            .write_stdin(text)
            .output()
            .unwrap();
        let out = String::from_utf8(out.stdout).unwrap();
        no_control_characters(&out);
        assert!(out.contains(r"bad\u{1b}[31mname.flow"), "{out}");
    }
    // The lone `\r` ends line 2 (a line break in Flow): the excerpt stops
    // there, the override shown escaped.
    let human = check(text, &[]);
    assert!(human.contains("2 │ role b \"B\\u{202e}\n"), "{human}");
}

#[test]
fn a_long_line_is_cut_around_each_label() {
    // A duplicate whose first definition is at the start of a long line and
    // whose second is 300 characters to the right, with non-ASCII text
    // between.
    let filler = (0..30)
        .map(|i| format!("role r{i} \"é\""))
        .collect::<Vec<_>>()
        .join(" ");
    let text = format!("role a \"A\" {filler} role a \"B\"\n");
    let out = check(&text, &[]);
    insta::assert_snapshot!(out);
    for line in out.lines() {
        assert!(line.chars().count() < 160, "{line}");
    }
}

#[test]
fn many_diagnostics_on_one_line_are_capped_in_terminal_formats() {
    let file = regression("perf-many-diags-one-line.flow");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text, after_line(8000));

    let human = check_file(&file, &[]);
    assert_eq!(human.matches("error[unknown-reference]").count(), 10);
    assert!(human.ends_with(
        "… and 7990 more not shown (7990 errors, 0 warnings; at most 10 diagnostics per line \
         and 200 per file are shown, `--max-diagnostics 0` shows all)\n\n\
         checked 1 file: 8000 errors, 0 warnings\n"
    ));
    assert!(human.len() < 10_000, "{} bytes", human.len());
    // Each excerpt is cut 60 characters after the name.
    assert!(human.contains(
        "12 │     after q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15, \
         q16, q17, q18, q19, q20, q21…\n"
    ));
    // With every diagnostic shown, the last one's excerpt is cut on both sides.
    let everything = check_file(&file, &["--max-diagnostics", "0"]);
    assert_eq!(everything.matches("error[unknown-reference]").count(), 8000);
    assert!(
        everything
            .contains("12 │ …90, q7991, q7992, q7993, q7994, q7995, q7996, q7997, q7998, q7999\n")
    );
    assert!(everything.len() < 8000 * 600, "{} bytes", everything.len());

    let short = check_file(&file, &["--format", "short"]);
    assert_eq!(short.lines().count(), 11);
    assert!(
        short
            .lines()
            .last()
            .unwrap()
            .contains(": note: … and 7990 more not shown")
    );

    let github = check_file(&file, &["--format", "github"]);
    assert_eq!(
        github.lines().filter(|l| l.starts_with("::error")).count(),
        10
    );
    assert!(github.lines().last().unwrap().starts_with("::notice file="));

    let all = check_file(&file, &["--format", "short", "--max-diagnostics", "0"]);
    assert_eq!(all.lines().count(), 8000);
    let three = check_file(&file, &["--format", "short", "--max-diagnostics", "3"]);
    assert_eq!(three.lines().count(), 4);
}

#[test]
fn json_and_sarif_list_everything_unless_asked() {
    let file = regression("perf-many-diags-one-line.flow");
    let json: Value = serde_json::from_str(&check_file(&file, &["--format", "json"])).unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 8000);
    assert_eq!(json["diagnostics"][7999]["column"], 54894);
    let json: Value = serde_json::from_str(&check_file(
        &file,
        &["--format", "json", "--max-diagnostics", "5"],
    ))
    .unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 5);
    assert_eq!(
        json["summary"],
        serde_json::json!({ "files": 1, "errors": 8000, "warnings": 0 })
    );
    let sarif: Value = serde_json::from_str(&check_file(&file, &["--format", "sarif"])).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 8000);
}

#[test]
fn errors_are_shown_before_warnings_when_capped() {
    // 250 unused roles (warnings), then one unknown owner (an error) at the end.
    let text = typos(250).replace(
        "workflow w implements p {\n",
        "workflow w implements p {\n  step late { implements s0 owner nobody tool t }\n",
    );
    let short = check(&text, &["--format", "short"]);
    assert!(short.contains("error[unknown-reference]: unknown role `nobody`"));
    assert_eq!(short.lines().count(), 201);
    assert!(short.ends_with(
        "x.flow: note: … and 301 more not shown (51 errors, 250 warnings; at most 10 \
         diagnostics per line and 200 per file are shown, `--max-diagnostics 0` shows all)\n"
    ));
}

#[test]
fn the_100k_diagnostics_reproducer_reports_every_position() {
    let text = after_line(100_000);
    let out = check(&text, &["--format", "short", "--max-diagnostics", "0"]);
    assert_eq!(out.lines().count(), 100_000);
    assert!(out.ends_with(
        "x.flow:12:788893: error[unknown-reference]: workflow `w` has no step `q99999`\n"
    ));
    let human = check(&text, &[]);
    assert!(human.ends_with("checked 1 file: 100000 errors, 0 warnings\n"));
    assert!(human.len() < 10_000);
}

#[test]
fn the_typo_reproducer_is_capped_and_suggests_where_it_can() {
    // 5,000 roles: more than "did you mean" compares a name with, so the help
    // lists roles instead.
    let out = check(
        &typos(5000),
        &["--format", "json", "--max-diagnostics", "0"],
    );
    let json: Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 5000);
    assert!(errors.iter().all(|d| {
        d["help"]
            .as_str()
            .unwrap()
            .starts_with("`owner` takes a role: role_name_0, role_name_1,")
    }));
    // 50 roles: each unknown owner gets a suggestion.
    let out = check(&typos(50), &["--format", "short", "--max-diagnostics", "0"]);
    let json: Value = serde_json::from_str(&check(&typos(50), &["--format", "json"])).unwrap();
    assert!(out.contains("unknown role `rolename7x`"));
    for d in json["diagnostics"].as_array().unwrap() {
        if d["severity"] == "error" {
            assert!(
                d["help"]
                    .as_str()
                    .unwrap()
                    .starts_with("did you mean `role_name_"),
                "{d}"
            );
        }
    }
}

#[test]
fn columns_on_a_long_non_ascii_line_count_characters() {
    let names: Vec<String> = (0..3000).map(|i| format!("q{i}")).collect();
    let text = format!(
        "role a \"A\"\ntool t \"T\"\nprocess p \"P\" {{ outcome \"o\" step s0 }}\n\
         workflow w \"W\" implements p {{\n  step y \"Café ☕ 😀\" {{ implements s0 owner a tool t after {} }}\n}}\n",
        names.join(", ")
    );
    let json: Value = serde_json::from_str(&check(&text, &["--format", "json"])).unwrap();
    let line = text.lines().nth(4).unwrap();
    for d in json["diagnostics"].as_array().unwrap() {
        let name = d["message"].as_str().unwrap().rsplit('`').nth(1).unwrap();
        let byte = line
            .find(&format!(" {name},"))
            .or_else(|| line.find(&format!(" {name} ")))
            .unwrap()
            + 1;
        let column = line[..byte].chars().count() + 1;
        assert_eq!(d["column"], column, "{name}");
        assert_eq!(d["end_column"], column + name.len(), "{name}");
    }
}

#[test]
fn a_label_at_the_end_of_the_file_shows_the_empty_last_line() {
    for (text, last) in [
        ("role a \"A\" {\n", 2),
        ("role a \"A\" {\r\n  who \"x\"\r\n", 3),
    ] {
        let out = check(text, &[]);
        assert!(
            out.contains(&format!("{last} │ \n  │ - the file ends here\n")),
            "{out}"
        );
        assert!(
            out.contains("1 │ role a \"A\" {\n  │            ^ this `{` has no `}`\n"),
            "{out}"
        );
    }
}
