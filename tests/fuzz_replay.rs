//! The fuzz harness on stable: every checked-in corpus file
//! (`fuzz/corpus/TARGET/`) and every regression file
//! (`fuzz/regressions/TARGET/`) is run through the same property the fuzz
//! target runs (`fuzz/src/checks.rs`, included here), so CI catches a
//! regression without nightly or cargo-fuzz. See `docs/fuzzing.md`.
#![allow(clippy::unwrap_used)]

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of a folder, sorted (none if it does not exist).
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn property(target: &str) -> checks::Property {
    checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no target `{target}`"))
        .1
}

/// Runs a target's property on a file; a panic becomes an `Err` naming it.
fn run(target: &str, path: &Path) -> checks::Outcome {
    let data = std::fs::read(path).unwrap();
    let check = property(target);
    catch_unwind(AssertUnwindSafe(|| check(&data))).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        Err(format!("panicked: {message}"))
    })
}

/// Replays a target's corpus and regressions; returns how many files ran.
fn replay(target: &str, minimum_corpus: usize) {
    let corpus = files(&fuzz_dir().join("corpus").join(target));
    assert!(
        corpus.len() >= minimum_corpus,
        "fuzz/corpus/{target} holds {} files, expected at least {minimum_corpus}",
        corpus.len()
    );
    let regressions = files(&fuzz_dir().join("regressions").join(target));
    let mut failures = Vec::new();
    for path in corpus.iter().chain(&regressions) {
        if let Err(e) = run(target, path) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn check_corpus_and_regressions() {
    replay("check", 50);
}

#[test]
fn fmt_corpus_and_regressions() {
    replay("fmt", 50);
}

#[test]
fn backends_corpus_and_regressions() {
    replay("backends", 20);
}

#[test]
fn markdown_corpus_and_regressions() {
    replay("markdown", 5);
}

#[test]
fn lsp_corpus_and_regressions() {
    replay("lsp", 4);
}

#[test]
fn every_corpus_and_regression_folder_is_a_target() {
    for kind in ["corpus", "regressions"] {
        for dir in std::fs::read_dir(fuzz_dir().join(kind)).unwrap() {
            let name = dir.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                checks::TARGETS.iter().any(|(t, _)| *t == name),
                "fuzz/{kind}/{name} is not a target"
            );
        }
    }
}

/// The harness itself: a `use` is served from memory, and the properties do
/// fail on what they must reject.
#[test]
fn the_properties_see_what_they_check() {
    // `team.flow` and `lib.flow` are served; anything else is missing.
    let team = include_bytes!("../examples/client-onboarding.flow");
    assert_eq!(checks::backends(team), Ok(()));
    assert_eq!(
        checks::check(b"use \"team.flow\"\nuse \"lib.flow\"\n"),
        Ok(())
    );
    // The defects of issue 10 #1 and #7 are fixed: a second byte-order mark
    // and a Markdown block holding one now keep their promises.
    assert_eq!(checks::fmt(b"\xef\xbb\xbf\xef\xbb\xbfrole a\n"), Ok(()));
    assert_eq!(
        checks::markdown(b"```flow\n\xef\xbb\xbf\n```\n\nprose\n"),
        Ok(())
    );
}
