//! How many diagnostics one run shows: a hostile file can hold hundreds of
//! thousands of mistakes (one per word), and the formats people read (human,
//! short, github) must not print megabytes about it. At most
//! [`Limits::DEFAULT`] are shown per line and per file, errors before
//! warnings; the rest are counted in a note and in the summary.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

/// The most diagnostics shown per line and per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Per line of a file.
    pub per_line: usize,
    /// Per file.
    pub per_file: usize,
}

impl Limits {
    /// The limits of the human, short and github formats: 10 a line, 200 a
    /// file.
    pub const DEFAULT: Limits = Limits {
        per_line: 10,
        per_file: 200,
    };

    /// No limit (the json and sarif formats by default).
    pub const NONE: Limits = Limits {
        per_line: usize::MAX,
        per_file: usize::MAX,
    };

    /// `--max-diagnostics N`: `N` per file (and no more than the default per
    /// line); `0` means no limit.
    #[must_use]
    pub fn per_file(n: usize) -> Limits {
        if n == 0 {
            Limits::NONE
        } else {
            Limits {
                per_line: Limits::DEFAULT.per_line.min(n),
                per_file: n,
            }
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Diagnostics left out of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Omitted {
    /// The file's name.
    pub file: String,
    /// Errors left out.
    pub errors: usize,
    /// Warnings left out.
    pub warnings: usize,
}

impl Omitted {
    /// The note saying so, on one line (without the file, a severity or a
    /// newline).
    #[must_use]
    pub fn note(&self, limits: Limits) -> String {
        let n = self.errors + self.warnings;
        format!(
            "… and {n} more not shown ({}; at most {} diagnostics per line and {} per file are shown, `--max-diagnostics 0` shows all)",
            super::counts(self.errors, self.warnings),
            limits.per_line,
            limits.per_file,
        )
    }
}

/// The diagnostics to show and what was left out.
#[derive(Debug, Clone)]
pub struct Shown<'a> {
    /// The diagnostics to show, in their order.
    pub diagnostics: Cow<'a, [Diagnostic]>,
    /// What was left out, per file, in the order of the files.
    pub omitted: Vec<Omitted>,
    /// The limits applied.
    pub limits: Limits,
    /// Errors in all, shown or not.
    pub errors: usize,
    /// Warnings in all, shown or not.
    pub warnings: usize,
}

impl<'a> Shown<'a> {
    /// Every diagnostic.
    #[must_use]
    pub fn all(diagnostics: &'a [Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Shown {
            diagnostics: Cow::Borrowed(diagnostics),
            omitted: Vec::new(),
            limits: Limits::NONE,
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// Picks the diagnostics to show (sorted as [`crate::check`] sorts them):
/// per file and per line at most `limits`, errors first, then warnings, each
/// in order of position. Linear in the number of diagnostics.
#[must_use]
pub fn limit<'a>(sources: &SourceMap, diagnostics: &'a [Diagnostic], limits: Limits) -> Shown<'a> {
    let all = Shown::all(diagnostics);
    if limits == Limits::NONE || diagnostics.len() <= limits.per_line.min(limits.per_file) {
        return Shown { limits, ..all };
    }
    let mut keep = vec![false; diagnostics.len()];
    let mut per_file: HashMap<&str, usize> = HashMap::new();
    let mut per_line: HashMap<(&str, usize), usize> = HashMap::new();
    for severity in [Severity::Error, Severity::Warning] {
        for (i, d) in diagnostics.iter().enumerate() {
            if d.severity != severity {
                continue;
            }
            let file = sources.get(d.span.file);
            let line = file.line_index(d.span.start as usize);
            let in_file = per_file.entry(file.name.as_str()).or_default();
            let in_line = per_line.entry((file.name.as_str(), line)).or_default();
            if *in_file < limits.per_file && *in_line < limits.per_line {
                *in_file += 1;
                *in_line += 1;
                keep[i] = true;
            }
        }
    }
    let mut omitted: Vec<Omitted> = Vec::new();
    for (d, _) in diagnostics.iter().zip(&keep).filter(|(_, k)| !**k) {
        let name = &sources.get(d.span.file).name;
        if omitted.last().is_none_or(|o| &o.file != name) {
            omitted.push(Omitted {
                file: name.clone(),
                errors: 0,
                warnings: 0,
            });
        }
        if let Some(o) = omitted.last_mut() {
            match d.severity {
                Severity::Error => o.errors += 1,
                Severity::Warning => o.warnings += 1,
            }
        }
    }
    if omitted.is_empty() {
        return Shown { limits, ..all };
    }
    let shown = diagnostics
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(d, _)| d.clone())
        .collect();
    Shown {
        diagnostics: Cow::Owned(shown),
        omitted,
        limits,
        ..all
    }
}
