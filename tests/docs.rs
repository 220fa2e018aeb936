//! The documentation that is generated from the code stays equal to it.
#![allow(clippy::unwrap_used)]

use std::path::Path;

/// Compares a committed file with its generated text; `UPDATE_DOCS=1` rewrites it.
fn assert_generated(path: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date: run `UPDATE_DOCS=1 cargo test --test docs`",
        path.display()
    );
}

#[test]
fn checks_md_is_generated_from_the_code_table() {
    assert_generated(
        "docs/checks.md",
        &procflow::check::codes::reference_markdown(),
    );
}

#[test]
fn every_explanation_follows_the_template() {
    for c in procflow::CODES {
        let headings: Vec<&str> = c
            .explanation
            .lines()
            .filter(|l| l.starts_with("## "))
            .collect();
        assert_eq!(
            headings,
            [
                "## What it means",
                "## Why it matters",
                "## Example",
                "## Fix"
            ],
            "{}",
            c.name
        );
    }
}

/// The first `flow` code block after a heading.
fn flow_block<'a>(text: &'a str, heading: &str) -> &'a str {
    let after = &text[text.find(heading).unwrap()..];
    // ```flow, or ```flow ignore for an example that fires on purpose.
    let fence = after.find("```flow").unwrap();
    let start = fence + after[fence..].find('\n').unwrap() + 1;
    let len = after[start..].find("```").unwrap();
    &after[start..start + len]
}

#[test]
fn every_example_fires_its_code_and_every_fix_is_clean() {
    for c in procflow::CODES {
        let example = flow_block(c.explanation, "## Example");
        let fix = flow_block(c.explanation, "## Fix");
        let mut levels = procflow::Levels::default();
        if c.kind == procflow::Kind::Lint(procflow::Level::Allow) {
            // Allowed by default: the page shows how to turn it on.
            levels
                .set(&procflow::LevelSetting {
                    code: c.name.to_owned(),
                    level: procflow::Level::Warn,
                })
                .unwrap();
        }
        let run = |text: &str| {
            let mut ws = procflow::Workspace::default();
            let id = ws.add_text("example.flow", None, text.to_owned());
            ws.compile(id, &levels).diagnostics
        };
        let fired = run(example);
        assert!(
            fired.iter().any(|d| d.code == c.code),
            "the example of {} does not fire it: {fired:#?}",
            c.name
        );
        let after_fix = run(fix);
        assert!(
            !after_fix
                .iter()
                .any(|d| d.code == c.code || d.severity == procflow::Severity::Error),
            "the fix of {} still fires: {after_fix:#?}",
            c.name
        );
    }
}

/// The text of the first fenced block of `lang` in `text`.
fn fenced<'a>(text: &'a str, lang: &str) -> &'a str {
    let fence = format!("```{lang}\n");
    let start = text.find(&fence).unwrap() + fence.len();
    let len = text[start..].find("```").unwrap();
    &text[start..start + len]
}

#[test]
fn readme_example_output_is_what_procflow_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join("examples")).unwrap();
    std::fs::copy(
        root.join("examples/team.flow"),
        dir.path().join("examples/team.flow"),
    )
    .unwrap();
    std::fs::write(dir.path().join("funnel.flow"), fenced(&readme, "flow")).unwrap();
    let console = fenced(&readme, "console");
    let (command, expected) = console.split_once('\n').unwrap();
    assert_eq!(command, "$ procflow check funnel.flow");
    let out = assert_cmd::Command::cargo_bin("procflow")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "funnel.flow"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}
