//! How `build` and `fmt` write their outputs, through the real binary: all
//! outputs of one command or none, symbolic links followed to their target,
//! hard links kept, `-o -`, and the words of a write error.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn procflow() -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn example(name: &str) -> PathBuf {
    common::crate_dir().join("examples").join(name)
}

/// The names in a folder, sorted (temporary files included).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const MESSY: &str = "role   a\n";
const TIDY: &str = "role a\n";

/// Reproducer build-partial.sh: `out/w2.json` is a folder, so the build
/// fails, and `out/w1.json`, written before it in the same command, must not
/// have been replaced.
#[test]
fn a_failed_out_dir_build_replaces_nothing() {
    let dir = TempDir::new().unwrap();
    let flow = dir.path().join("two.flow");
    fs::copy(
        common::crate_dir().join("tests/fixtures/regressions/build-partial-two-workflows.flow"),
        &flow,
    )
    .unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("w2.json")).unwrap();
    fs::write(out.join("w1.json"), "OLD\n").unwrap();
    procflow()
        .arg("build")
        .arg(&flow)
        .args(["--emit", "plan", "--out-dir"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("cannot write `")
                .and(predicate::str::contains("w2.json`: it is a folder"))
                .and(predicate::str::contains("wrote").not()),
        );
    assert_eq!(fs::read_to_string(out.join("w1.json")).unwrap(), "OLD\n");
    assert_eq!(
        names(&out),
        ["w1.json", "w2.json"],
        "no temporary file left"
    );
    // Once the folder is gone, both are written.
    fs::remove_dir(out.join("w2.json")).unwrap();
    procflow()
        .arg("build")
        .arg(&flow)
        .args(["--emit", "plan", "--out-dir"])
        .arg(&out)
        .assert()
        .code(0);
    assert!(
        fs::read_to_string(out.join("w1.json"))
            .unwrap()
            .contains("\"id\": \"w1\"")
    );
}

/// `fmt` of several files: one that cannot be read stops the command (exit
/// 2), and the files formatted before it are not replaced either.
#[test]
fn a_failed_fmt_replaces_nothing() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("a.flow"), MESSY).unwrap();
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "a.flow", "missing.flow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read `missing.flow`"));
    assert_eq!(
        fs::read_to_string(dir.path().join("a.flow")).unwrap(),
        MESSY
    );
}

/// Reproducer fmt-symlink.sh: formatting a link formats its target (through
/// a chain of links), and the links stay links.
#[cfg(unix)]
#[test]
fn fmt_writes_through_symbolic_links() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("real")).unwrap();
    fs::write(d.join("real/real.flow"), MESSY).unwrap();
    symlink("real/real.flow", d.join("link.flow")).unwrap();
    symlink("link.flow", d.join("chain.flow")).unwrap();
    procflow()
        .current_dir(d)
        .args(["fmt", "chain.flow"])
        .assert()
        .code(0)
        .stderr("formatted 1 of 1 files\n");
    assert_eq!(fs::read_to_string(d.join("real/real.flow")).unwrap(), TIDY);
    for link in ["link.flow", "chain.flow"] {
        assert!(fs::symlink_metadata(d.join(link)).unwrap().is_symlink());
    }
    // Staged beside the target: nothing left beside the links either.
    assert_eq!(names(&d.join("real")), ["real.flow"]);
    // The link and its target given together are formatted once.
    fs::write(d.join("real/real.flow"), MESSY).unwrap();
    procflow()
        .current_dir(d)
        .args(["fmt", "link.flow", "real/real.flow"])
        .assert()
        .code(0);
    assert_eq!(fs::read_to_string(d.join("real/real.flow")).unwrap(), TIDY);
    // Formatted already: `fmt --check` through the link agrees, and nothing
    // is rewritten (the target's modification time is kept).
    let before = fs::metadata(d.join("real/real.flow"))
        .unwrap()
        .modified()
        .unwrap();
    procflow()
        .current_dir(d)
        .args(["fmt", "link.flow"])
        .assert()
        .code(0)
        .stderr("");
    let after = fs::metadata(d.join("real/real.flow"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
}

/// `build -o LINK` writes the link's target; the link stays a link; a
/// dangling link creates its target; a loop of links is an error.
#[cfg(unix)]
#[test]
fn build_writes_through_symbolic_links() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("plans")).unwrap();
    fs::write(d.join("plans/plan.json"), "old").unwrap();
    symlink("plans/plan.json", d.join("plan.json")).unwrap();
    let build = |out: &str| {
        let mut cmd = procflow();
        cmd.current_dir(d)
            .arg("build")
            .arg(example("lead-generation.flow"))
            .args(["--emit", "plan", "-o", out]);
        cmd
    };
    build("plan.json").assert().code(0);
    assert!(
        fs::symlink_metadata(d.join("plan.json"))
            .unwrap()
            .is_symlink()
    );
    let text = fs::read_to_string(d.join("plans/plan.json")).unwrap();
    assert!(text.contains("\"format\": \"procflow-plan\""));
    assert_eq!(names(&d.join("plans")), ["plan.json"]);
    // A dangling link: its target is created.
    symlink("plans/new.json", d.join("new.json")).unwrap();
    build("new.json").assert().code(0);
    assert_eq!(fs::read_to_string(d.join("plans/new.json")).unwrap(), text);
    assert!(
        fs::symlink_metadata(d.join("new.json"))
            .unwrap()
            .is_symlink()
    );
    // A loop.
    symlink("loop-b", d.join("loop-a")).unwrap();
    symlink("loop-a", d.join("loop-b")).unwrap();
    build("loop-a")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot write `loop-a`: more than 40 symbolic links in a row",
        ));
}

/// A file with several hard links is rewritten in place: every name sees
/// the new text and they stay one file.
#[cfg(unix)]
#[test]
fn hard_links_are_kept() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::write(d.join("a.flow"), MESSY).unwrap();
    fs::hard_link(d.join("a.flow"), d.join("twin.flow")).unwrap();
    procflow()
        .current_dir(d)
        .args(["fmt", "a.flow"])
        .assert()
        .code(0);
    for name in ["a.flow", "twin.flow"] {
        assert_eq!(fs::read_to_string(d.join(name)).unwrap(), TIDY);
    }
    let (a, twin) = (
        fs::metadata(d.join("a.flow")).unwrap(),
        fs::metadata(d.join("twin.flow")).unwrap(),
    );
    assert_eq!((a.ino(), a.nlink()), (twin.ino(), 2));
    // The same for a built output.
    fs::write(d.join("plan.json"), "old").unwrap();
    fs::hard_link(d.join("plan.json"), d.join("plan-twin.json")).unwrap();
    procflow()
        .current_dir(d)
        .arg("build")
        .arg(example("lead-generation.flow"))
        .args(["--emit", "plan", "-o", "plan.json"])
        .assert()
        .code(0);
    let twin = fs::read_to_string(d.join("plan-twin.json")).unwrap();
    assert!(twin.contains("\"format\": \"procflow-plan\""), "{twin}");
    assert_eq!(fs::metadata(d.join("plan.json")).unwrap().nlink(), 2);
}

/// `-o -` is standard output, as `-` is standard input; with several
/// workflows it needs `--workflow`, like any single output.
#[test]
fn dash_output_is_standard_output() {
    let dir = TempDir::new().unwrap();
    procflow()
        .current_dir(dir.path())
        .arg("build")
        .arg(example("lead-generation.flow"))
        .args(["--emit", "plan", "-o", "-"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "{\n  \"format\": \"procflow-plan\"",
        ));
    assert!(names(dir.path()).is_empty(), "no file named `-`");
    procflow()
        .arg("build")
        .arg(
            common::crate_dir().join("tests/fixtures/regressions/build-partial-two-workflows.flow"),
        )
        .args(["--emit", "sop", "-o", "-"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("choose one with `--workflow ID`"));
}

/// Errors about outputs say what could not be done: write, create the folder.
#[test]
fn write_errors_say_write() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::write(d.join("file"), "").unwrap();
    let build = || {
        let mut cmd = procflow();
        cmd.current_dir(d)
            .arg("build")
            .arg(example("lead-generation.flow"))
            .args(["--emit", "plan"]);
        cmd
    };
    build()
        .args(["-o", "missing/plan.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot write `missing/plan.json`: its folder `missing` does not exist",
        ));
    build()
        .args(["--out-dir", "file/plans"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot create the folder `file/plans`:",
        ));
    for args in [["-o", "missing/plan.json"], ["--out-dir", "file/plans"]] {
        build()
            .args(args)
            .assert()
            .stderr(predicate::str::contains("cannot read").not());
    }
    assert_eq!(names(d), ["file"]);
}

const MARKDOWN: &str = "# Two examples

Prose.

```flow
role ops \"Ops\"
tool t \"T\"
process p \"P\" {
  outcome \"o\"
  step a
}
workflow one implements p { owner ops step s { implements a owner ops tool t } }
```

```flow ignore
this block is skipped
```

More prose.

```flow
role ops \"Ops\"
tool t \"T\"
process q \"Q\" {
  outcome \"o\"
  step a
}
workflow two implements q { owner ops step s { implements a owner ops tool t } }
```
";

/// `build` reads a Markdown file as `check` does: each `flow` block is a file
/// of its own, and the workflows of all blocks can be built.
#[test]
fn build_reads_markdown_flow_blocks() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::write(d.join("doc.md"), MARKDOWN).unwrap();
    let build = || {
        let mut cmd = procflow();
        cmd.current_dir(d).args(["build", "doc.md"]);
        cmd
    };
    build()
        .args(["--emit", "plan", "--workflow", "two"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("\"id\": \"two\"")
                .and(predicate::str::contains("\"id\": \"q\"")),
        );
    build()
        .args(["--emit", "plan"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("its workflows are: one, two"));
    build()
        .args(["--emit", "sop", "--out-dir", "sops"])
        .assert()
        .code(0);
    assert_eq!(names(&d.join("sops")), ["one.md", "two.md"]);
    build()
        .args(["--emit", "dot", "--workflow", "one"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("digraph"));
    build()
        .args(["--emit", "dot"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has 2 `flow` blocks"));
    // A block with an error: nothing is built, the error is at its place in
    // the Markdown file.
    fs::write(
        d.join("bad.md"),
        MARKDOWN.replace(
            "owner ops step s { implements a owner ops tool t } }\n```\n\n```flow ignore",
            "owner ops step s { implements zz owner ops tool t } }\n```\n\n```flow ignore",
        ),
    )
    .unwrap();
    procflow()
        .current_dir(d)
        .args(["build", "bad.md", "--emit", "plan", "--workflow", "two"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains("bad.md:12:")
                .and(predicate::str::contains("nothing was built")),
        );
}
