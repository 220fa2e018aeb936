//! Every code has a fixture folder `tests/fixtures/check/CODE/` with a file that
//! fires it (`fires.flow`) and a near-identical one that does not
//! (`clean.flow`). What users see is snapshotted: the short and the human
//! format of each file.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use procflow::render::{self, HumanOptions};
use procflow::{CheckOptions, Input};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// Checks one fixture as the CLI does (with its folder's procflow.toml), with
/// paths relative to the crate so snapshots do not depend on the machine.
fn check(path: &Path) -> procflow::Report {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = path.strip_prefix(root).unwrap().to_path_buf();
    std::env::set_current_dir(root).unwrap();
    procflow::check(&[Input::Path(relative)], &CheckOptions::default()).unwrap()
}

fn rendered(report: &procflow::Report) -> String {
    let sources = &report.workspace.sources;
    format!(
        "{}\n{}",
        render::short(sources, &report.diagnostics),
        render::human(sources, &report.diagnostics, HumanOptions { color: false })
    )
}

#[test]
fn every_code_has_a_firing_and_a_clean_fixture() {
    for info in procflow::CODES {
        let dir = fixture_dir().join(info.name);
        let fires = check(&dir.join("fires.flow"));
        assert!(
            fires.diagnostics.iter().any(|d| d.code == info.code),
            "{}/fires.flow does not fire {}:\n{}",
            info.name,
            info.name,
            rendered(&fires)
        );
        let clean = check(&dir.join("clean.flow"));
        assert!(
            !clean.diagnostics.iter().any(|d| d.code == info.code),
            "{}/clean.flow fires {}:\n{}",
            info.name,
            info.name,
            rendered(&clean)
        );
        insta::assert_snapshot!(format!("{}-fires", info.name), rendered(&fires));
        insta::assert_snapshot!(format!("{}-clean", info.name), rendered(&clean));
    }
}

#[test]
fn clean_fixtures_are_entirely_clean() {
    for info in procflow::CODES {
        let clean = check(&fixture_dir().join(info.name).join("clean.flow"));
        assert!(
            clean.diagnostics.is_empty(),
            "{}/clean.flow:\n{}",
            info.name,
            rendered(&clean)
        );
    }
}

#[test]
fn every_example_is_clean() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let report = check(&examples);
    assert!(report.files >= 4, "examples/ holds {} files", report.files);
    assert!(report.diagnostics.is_empty(), "{}", rendered(&report));
}
