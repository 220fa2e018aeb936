//! `check --format json`: the contract of `cli.md`.

use serde::Serialize;

use super::range;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceMap, Span};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten)]
    at: Place<'a>,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

/// A diagnostic's structured fix (`null` when there is none).
#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    /// `safe` (applied by `check --fix`) or `unsafe`.
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    at: Place<'a>,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    at: Place<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct Place<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
}

fn place(sources: &SourceMap, span: Span) -> Place<'_> {
    let r = range(sources, span);
    Place {
        file: &sources.get(span.file).name,
        line: r.line,
        column: r.column,
        end_line: r.end_line,
        end_column: r.end_column,
    }
}

/// The JSON document of a check run (`files`: how many files were checked).
#[must_use]
pub fn json(sources: &SourceMap, diagnostics: &[Diagnostic], files: usize) -> String {
    json_shown(sources, &super::Shown::all(diagnostics), files)
}

/// The JSON document of what [`super::limit`] chose: the summary counts every
/// diagnostic, shown or not.
#[must_use]
pub fn json_shown(sources: &SourceMap, shown: &super::Shown<'_>, files: usize) -> String {
    let diagnostics = &shown.diagnostics;
    let output = Output {
        version: 1,
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code.name(),
                severity: d.severity.as_str(),
                message: &d.message,
                at: place(sources, d.span),
                labels: d
                    .labels
                    .iter()
                    .map(|l| JsonLabel {
                        at: place(sources, l.span),
                        message: &l.message,
                    })
                    .collect(),
                help: d.help.as_deref(),
                fix: d.fix.as_ref().map(|f| JsonFix {
                    message: &f.message,
                    applicability: f.applicability.as_str(),
                    edits: f
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            at: place(sources, e.span),
                            replacement: &e.replacement,
                        })
                        .collect(),
                }),
            })
            .collect(),
        summary: Summary {
            files,
            errors: shown.errors,
            warnings: shown.warnings,
        },
    };
    let mut text = serde_json::to_string_pretty(&output)
        .unwrap_or_else(|e| unreachable!("plain data serializes: {e}"));
    text.push('\n');
    text
}
