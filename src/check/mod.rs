//! Checks over the [`Model`]: each one a small function that pushes diagnostics.
//! Lint levels are applied afterwards by [`levels`].

pub mod branches;
pub mod codes;
pub mod levels;
mod lints;
mod structure;
mod timing;

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// Runs every check on a resolved model. Lints come out at their default
/// severity; [`levels::Levels::apply`] sets the configured one.
#[must_use]
pub fn run(model: &Model) -> Vec<Diagnostic> {
    run_with(model, crate::audit::DEFAULT_OVERLOAD_HOURS)
}

/// [`run`] with the `owner-overload` threshold in hours per week
/// ([`levels::Levels::overload_hours`]).
#[must_use]
pub fn run_with(model: &Model, overload_hours: f64) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    structure::check(model, &mut out);
    lints::check(model, overload_hours, &mut out);
    out
}
