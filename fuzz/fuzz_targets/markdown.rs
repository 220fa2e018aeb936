//! Fuzz target `markdown`: the property `checks::markdown` (shared with the stable
//! replay test `tests/fuzz_replay.rs`); a broken promise that is not a known
//! defect is a crash.
#![no_main]

use procflow_fuzz::checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(failure) = checks::markdown(data)
        && checks::known_defect("markdown", data, &failure).is_none()
    {
        panic!("markdown: {failure}");
    }
});
