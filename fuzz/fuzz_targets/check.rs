//! Fuzz target `check`: the property `checks::check` (shared with the stable
//! replay test `tests/fuzz_replay.rs`); a broken promise is a crash.
#![no_main]

use procflow_fuzz::checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(failure) = checks::check(data) {
        panic!("check: {failure}");
    }
});
