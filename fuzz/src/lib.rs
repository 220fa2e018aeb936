//! The fuzz harness of procflow: the properties the targets in
//! `fuzz_targets/` check. `tests/fuzz_replay.rs` includes `checks.rs` too, so
//! the stable replay runs exactly what the fuzzer runs (docs/fuzzing.md).

pub mod checks;
