//! `procflow check --fix`: applies the safe fixes of a check to the files,
//! then checks again, until nothing is left to fix (a few rounds at most:
//! one fix never makes another). Every file of a round is written together
//! through the staged, atomic output code (`output.rs`): a file whose write
//! fails leaves every file as it was, and a symbolic link stays a link.

use procflow::fix::{apply, safe_fixes};
use procflow::{CheckOptions, Error, Input};

use crate::output;

/// Rounds of fixing before giving up (fixes that keep making fixes would
/// be a bug; the check that follows reports what is left).
const MAX_ROUNDS: usize = 8;

/// What `--fix` did.
pub(super) struct Fixed {
    /// Fixes applied.
    pub fixes: usize,
    /// Files changed.
    pub files: usize,
    /// The check of the files as they are now.
    pub report: procflow::Report,
}

/// Applies the safe fixes of checking `inputs` until none is left; returns
/// what was done and the last check.
///
/// # Errors
/// What `check` fails with, and a file that cannot be read or written.
pub(super) fn fix(inputs: &[Input], options: &CheckOptions) -> Result<Fixed, Error> {
    let mut report = procflow::check(inputs, options)?;
    let mut fixes = 0;
    let mut changed = std::collections::BTreeSet::new();
    for _ in 0..MAX_ROUNDS {
        let mut outputs = Vec::new();
        let mut round = 0;
        for file in safe_fixes(&report.workspace.sources, &report.diagnostics) {
            let disk = std::fs::read_to_string(&file.path).map_err(|source| Error::Io {
                path: file.path.clone(),
                source,
            })?;
            // A file that changed since it was read is left alone.
            if let Some(text) = apply(&disk, &file) {
                round += file.fixes;
                changed.insert(file.path.clone());
                outputs.push((file.path, text));
            }
        }
        if outputs.is_empty() {
            break;
        }
        output::write_all(&outputs)?;
        fixes += round;
        report = procflow::check(inputs, options)?;
    }
    Ok(Fixed {
        fixes,
        files: changed.len(),
        report,
    })
}
