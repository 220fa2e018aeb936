//! SARIF 2.1.0, for code scanning. Rule metadata comes from the code table.

use serde_json::{Value, json};

use super::range;
use crate::check::codes::{CODES, Kind, Level};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Value {
    let r = range(sources, span);
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&sources.get(span.file).name) },
            "region": {
                "startLine": r.line,
                "startColumn": r.column,
                "endLine": r.end_line,
                "endColumn": r.end_column,
            }
        }
    });
    if let Some(m) = message.filter(|m| !m.is_empty()) {
        loc["message"] = json!({ "text": m });
    }
    loc
}

/// A SARIF `fix`: the edits grouped by file, each a deleted region and the
/// inserted text; whether `check --fix` applies it is in its properties.
fn fix_object(sources: &SourceMap, fix: &crate::diagnostic::Fix) -> Value {
    let mut changes: Vec<(crate::source::FileId, Vec<Value>)> = Vec::new();
    for e in &fix.edits {
        let r = range(sources, e.span);
        let replacement = json!({
            "deletedRegion": {
                "startLine": r.line,
                "startColumn": r.column,
                "endLine": r.end_line,
                "endColumn": r.end_column,
            },
            "insertedContent": { "text": e.replacement },
        });
        match changes.iter_mut().find(|(f, _)| *f == e.span.file) {
            Some((_, list)) => list.push(replacement),
            None => changes.push((e.span.file, vec![replacement])),
        }
    }
    json!({
        "description": { "text": fix.message },
        "artifactChanges": changes.into_iter().map(|(file, replacements)| json!({
            "artifactLocation": { "uri": uri(&sources.get(file).name) },
            "replacements": replacements,
        })).collect::<Vec<_>>(),
        "properties": { "applicability": fix.applicability.as_str() },
    })
}

/// A relative URI reference for a path: forward slashes, reserved characters
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SARIF log of a check run.
#[must_use]
pub fn sarif(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let rules: Vec<Value> = CODES
        .iter()
        .map(|c| {
            let level = match c.kind {
                Kind::Error | Kind::Lint(Level::Deny) => "error",
                Kind::Lint(Level::Warn) => "warning",
                Kind::Lint(Level::Allow) => "none",
            };
            json!({
                "id": c.name,
                "name": c.name,
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": c.summary },
                "help": { "text": c.explanation, "markdown": c.explanation },
                "defaultConfiguration": { "level": level },
                "properties": { "tags": [if matches!(c.kind, Kind::Error) { "error" } else { "lint" }] },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": d.code.name(),
                "ruleIndex": d.code as usize,
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": text },
                "locations": [location(sources, d.span, None)],
                "relatedLocations": d.labels.iter().skip(1).enumerate().map(|(i, l)| {
                    let mut loc = location(sources, l.span, Some(&l.message));
                    loc["id"] = json!(i);
                    loc
                }).collect::<Vec<_>>(),
            });
            if let Some(fix) = &d.fix {
                result["fixes"] = json!([fix_object(sources, fix)]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "procflow",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/procflow/procflow",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log)
        .unwrap_or_else(|e| unreachable!("plain data serializes: {e}"));
    text.push('\n');
    text
}
