//! Diagnostics to text: `human` (codespan-reporting), `short`, `json`, `sarif`
//! and `github`. Each renderer returns a string; only the binary writes it.

mod github;
mod human;
mod json;
mod sarif;

pub use github::github;
pub use human::{HumanOptions, human};
pub use json::json;
pub use sarif::sarif;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceMap, Span};

/// A span as 1-based lines and character columns; the end is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// First line.
    pub line: usize,
    /// First column (characters).
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column just after the last character.
    pub end_column: usize,
}

/// The line/column range of a span.
#[must_use]
pub fn range(sources: &SourceMap, span: Span) -> Range {
    let file = sources.get(span.file);
    let start = file.line_col(span.start as usize);
    let end = file.line_col(span.end as usize);
    Range {
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// `FILE:LINE:COL: SEVERITY[CODE]: MESSAGE`, one line per diagnostic.
#[must_use]
pub fn short(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let r = range(sources, d.span);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            sources.get(d.span.file).name,
            r.line,
            r.column,
            d.severity.as_str(),
            d.code,
            one_line(&d.message)
        ));
    }
    out
}

/// Newlines (possible in names of files) flattened for one-line formats.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// "2 errors, 1 warning" with the right plurals.
#[must_use]
pub fn counts(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
