//! GitHub Actions workflow commands: `::error file=…,line=…::message`, shown as
//! annotations on the pull request.

use super::{escape_controls, range};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

/// Escapes a command's message (GitHub's `escapeData`), after writing
/// terminal control characters as `\u{…}` (the log shows the text as it is).
fn data(s: &str) -> String {
    escape_controls(s).replace('%', "%25").replace('\n', "%0A")
}

/// Escapes a command's property value (GitHub's `escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command per diagnostic.
#[must_use]
pub fn github(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let r = range(sources, d.span);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&sources.get(d.span.file).name),
            r.line,
            r.column,
            r.end_line,
            r.end_column,
            property(&format!("procflow {}", d.code)),
            data(&message)
        ));
    }
    out
}

/// The github format of what [`super::limit`] chose: a `::notice` for each
/// file where diagnostics were left out.
#[must_use]
pub fn github_shown(sources: &SourceMap, shown: &super::Shown<'_>) -> String {
    let mut out = github(sources, &shown.diagnostics);
    for o in &shown.omitted {
        out.push_str(&format!(
            "::notice file={},title=procflow::{}\n",
            property(&o.file),
            data(&o.note(shown.limits))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(data("x\u{1b}[2J\r\u{7}"), "x\\u{1b}[2J\\u{d}\\u{7}");
    }
}
