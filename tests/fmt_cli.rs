//! `procflow fmt` and Markdown `flow` blocks, driven through the real binary.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn procflow() -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

const MESSY: &str = "role  ops   \"Ops\"   {\nwho \"Maria\"   }   # the boss\n";
const TIDY: &str = "role ops \"Ops\" {\n  who \"Maria\"\n} # the boss\n";

#[test]
fn formats_in_place_and_reports_what_changed() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("a.flow"), MESSY).unwrap();
    std::fs::write(dir.path().join("b.flow"), TIDY).unwrap();
    procflow()
        .current_dir(dir.path())
        .arg("fmt")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("formatted 1 of 2 files"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.flow")).unwrap(),
        TIDY
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.flow")).unwrap(),
        TIDY
    );
    // Formatting formatted files changes nothing.
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "--check"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn check_mode_prints_a_unified_diff_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("a.flow"), MESSY).unwrap();
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "--check", "a.flow"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::starts_with("--- a.flow\n+++ a.flow (formatted)\n@@")
                .and(predicate::str::contains("+  who \"Maria\"")),
        )
        .stderr(predicate::str::contains(
            "1 of 1 files would be reformatted",
        ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.flow")).unwrap(),
        MESSY
    );
}

#[test]
fn a_file_that_does_not_parse_is_reported_and_left_untouched() {
    let dir = TempDir::new().unwrap();
    let broken = "role  ops {\n  who\n}\n";
    std::fs::write(dir.path().join("bad.flow"), broken).unwrap();
    std::fs::write(dir.path().join("a.flow"), MESSY).unwrap();
    procflow()
        .current_dir(dir.path())
        .arg("fmt")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("error[syntax]")
                .and(predicate::str::contains("bad.flow: not formatted")),
        );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.flow")).unwrap(),
        broken
    );
    // The other file is still formatted.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.flow")).unwrap(),
        TIDY
    );
}

#[test]
fn standard_input_to_standard_output() {
    procflow()
        .args(["fmt", "-"])
        .write_stdin(MESSY)
        .assert()
        .code(0)
        .stdout(TIDY);
    procflow()
        .args(["fmt", "-", "--stdin-filename", "x.flow"])
        .write_stdin("role {\n")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("x.flow:1:6"));
}

const MARKDOWN: &str = "# Our process

Some text with `code`, Café ☕.

```flow
role  ops \"Ops\"
tool crm \"CRM\"
```

- a list, with an indented block:

  ```flow
  role  founder \"Founder\"
  ```

```flow ignore
role {
```

```rust
fn main() {}
```
";

#[test]
fn markdown_blocks_are_checked_with_positions_in_the_markdown_file() {
    let dir = TempDir::new().unwrap();
    let text = MARKDOWN.replace(
        "tool crm \"CRM\"",
        "tool crm \"CRM\"\nworkflow w implements nothing {\n  step s { owner ops tool crm }\n}",
    );
    std::fs::write(dir.path().join("README.md"), text).unwrap();
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "README.md", "--format", "short"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    // Line 8 of the Markdown file, column 23: `nothing`.
    assert!(
        out.contains("README.md:8:23: error[unknown-reference]: unknown process `nothing`"),
        "{out}"
    );
    // The ignored block (a syntax error) and the Rust block are not checked.
    assert!(!out.contains("syntax"), "{out}");
    // A folder includes its Markdown files.
    procflow()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "short"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("README.md:8:23"));
}

#[test]
fn markdown_blocks_are_formatted_in_place() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("doc.md"), MARKDOWN).unwrap();
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "--check", "doc.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+role ops \"Ops\""));
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "doc.md"])
        .assert()
        .code(0);
    let formatted = std::fs::read_to_string(dir.path().join("doc.md")).unwrap();
    let expected = MARKDOWN
        .replace("role  ops \"Ops\"\ntool", "role ops \"Ops\"\n\ntool")
        .replace("  role  founder", "  role founder");
    assert_eq!(formatted, expected);
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "--check", "doc.md"])
        .assert()
        .code(0);
}

/// The process's umask, from /proc (Linux); `None` elsewhere.
#[cfg(unix)]
fn umask() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Umask:"))?;
    u32::from_str_radix(line.trim_start_matches("Umask:").trim(), 8).ok()
}

#[cfg(unix)]
#[test]
fn rewritten_files_keep_their_mode_and_new_outputs_get_the_usual_one() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("a.flow");
    std::fs::write(&file, MESSY).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    procflow()
        .current_dir(dir.path())
        .arg("fmt")
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), TIDY);
    assert_eq!(mode(&file), 0o640, "fmt changed the file's mode");

    // A new output of `build` is created like any file: 0666 less the umask
    // (not tempfile's owner-only 0600).
    let Some(umask) = umask() else { return };
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = dir.path().join("lead.md");
    let build = || {
        procflow()
            .arg("build")
            .arg(examples.join("lead-generation.flow"))
            .args(["--emit", "sop", "-o"])
            .arg(&out)
            .assert()
            .code(0);
    };
    build();
    assert_eq!(mode(&out), 0o666 & !umask);
    // Rebuilt with other text, it keeps the mode it was given.
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o604)).unwrap();
    build();
    assert_eq!(mode(&out), 0o604);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('#'));
}
