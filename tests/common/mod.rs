//! Helpers shared by the backend tests: the examples and compiling them.
// Each test binary uses only some of these.
#![allow(dead_code)]

pub mod random_flow;

use std::path::{Path, PathBuf};

use procflow::{Compilation, Levels, Workspace};

pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `examples/*.flow`, sorted.
pub fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no examples found");
    files
}

pub fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Compiles an example; examples are clean.
pub fn compile(path: &Path) -> Compilation {
    let mut ws = Workspace::default();
    let name = format!("examples/{}", path.file_name().unwrap().to_string_lossy());
    let id = ws.add_path(&name, path).unwrap();
    let c = ws.compile(id, &Levels::default());
    assert!(
        c.diagnostics.is_empty(),
        "{name} has diagnostics: {:?}",
        c.diagnostics
    );
    c
}

/// Compiles a file given as text; it may have warnings but no error.
pub fn compile_text(text: &str) -> Compilation {
    let mut ws = Workspace::default();
    let id = ws.add_text("test.flow", None, text.to_owned());
    let c = ws.compile(id, &Levels::default());
    assert!(!c.has_errors(), "test file has errors: {:?}", c.diagnostics);
    c
}

/// A property test's configuration: `cases` cases, or `PROPTEST_CASES` from
/// the environment (for longer runs by hand); failures are not persisted.
pub fn proptest_config(cases: u32) -> proptest::prelude::ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    proptest::prelude::ProptestConfig {
        cases,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    }
}
