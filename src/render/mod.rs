//! Diagnostics to text: `human` (codespan-reporting), `short`, `json`, `sarif`
//! and `github`. Each renderer returns a string; only the binary writes it.

mod github;
mod human;
mod json;
mod limit;
mod sarif;

pub use github::{github, github_shown};
pub use human::{HumanOptions, human};
pub use json::{json, json_shown};
pub use limit::{Limits, Omitted, Shown, limit};
pub use sarif::sarif;

use std::borrow::Cow;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceMap, Span};

/// Whether a character must not reach a terminal as it is: C0 controls other
/// than tab and line feed (ESC starts escape sequences, BEL rings, CR moves
/// the cursor), DEL, C1 controls (U+009B is a CSI on some terminals) and the
/// bidirectional controls that reorder what is shown ("Trojan Source").
#[must_use]
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for a terminal or a CI log: every [unsafe character](is_unsafe_char)
/// written as its escape (`\u{1b}`), as a Flow string would write it. Tabs
/// and line feeds stay.
#[must_use]
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_char(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Appends `\u{…}` for a character (lowercase hex, as Rust and Flow write it).
fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

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
            escape_controls(&one_line(&sources.get(d.span.file).name)),
            r.line,
            r.column,
            d.severity.as_str(),
            d.code,
            escape_controls(&one_line(&d.message))
        ));
    }
    out
}

/// The human format of what [`limit`] chose, with a note for each file where
/// diagnostics were left out.
#[must_use]
pub fn human_shown(sources: &SourceMap, shown: &Shown<'_>, options: HumanOptions) -> String {
    let mut text = human(sources, &shown.diagnostics, options);
    for o in &shown.omitted {
        text.push_str(&format!(
            "note: {}: {}\n\n",
            escape_controls(&o.file),
            o.note(shown.limits)
        ));
    }
    text
}

/// The short format of what [`limit`] chose: `FILE: note: … and N more …`
/// for each file where diagnostics were left out.
#[must_use]
pub fn short_shown(sources: &SourceMap, shown: &Shown<'_>) -> String {
    let mut text = short(sources, &shown.diagnostics);
    for o in &shown.omitted {
        text.push_str(&format!(
            "{}: note: {}\n",
            escape_controls(&one_line(&o.file)),
            o.note(shown.limits)
        ));
    }
    text
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
