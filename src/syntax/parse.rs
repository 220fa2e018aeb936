//! The pest parser and item-by-item recovery.

use pest::Parser;
use pest_derive::Parser;

use super::{errors, lower};
use crate::ast::File;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;

#[derive(Parser)]
#[grammar = "../grammar/flow.pest"]
pub(super) struct FlowParser;

const BOM: &str = "\u{feff}";

/// Parses one file. Returns the tree of every item that parsed, and one `syntax`
/// diagnostic per top-level item that did not.
#[must_use]
pub fn parse(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let start = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let mut tree = File::default();
    // The fast path: the whole file at once.
    if let Ok(mut pairs) = FlowParser::parse(Rule::file, &text[start..]) {
        if let Some(pair) = pairs.next() {
            lower::lower_items(file, start, pair, &mut tree);
        }
        return (tree, Vec::new());
    }
    recover(file, text, start, tree)
}

/// Parses item by item. After a broken item, parsing resumes at the next line
/// whose first column starts a top-level keyword, so one error does not hide
/// the errors of the items after it.
fn recover(file: FileId, text: &str, mut pos: usize, mut tree: File) -> (File, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    loop {
        pos = lower::skip_trivia(file, text, pos, &mut tree.comments);
        if pos >= text.len() {
            break;
        }
        match FlowParser::parse(Rule::item_then_next, &text[pos..]) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = pos + pair.as_span().end();
                lower::lower_items(file, pos, pair, &mut tree);
                if end <= pos {
                    break;
                }
                pos = end;
            }
            Err(error) => {
                errors.push(errors::describe(file, text, pos, &error));
                match next_item_line(text, pos) {
                    Some(next) => pos = next,
                    None => break,
                }
            }
        }
    }
    (tree, errors)
}

/// The start of the first line after the one holding `pos` whose first column
/// starts a top-level keyword (`use`, `role`, `tool`, `process`, `workflow`).
fn next_item_line(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = pos;
    loop {
        let newline = bytes[at..].iter().position(|&b| b == b'\n')?;
        at += newline + 1;
        if starts_top_keyword(&text[at..]) {
            return Some(at);
        }
    }
}

fn starts_top_keyword(rest: &str) -> bool {
    ["use", "role", "tool", "process", "workflow"]
        .iter()
        .any(|kw| {
            rest.strip_prefix(kw).is_some_and(|after| {
                !after
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resumes_only_at_column_one_keywords() {
        let text = "role a {\n  tool x\n}\nrolex\nworkflow w";
        assert_eq!(
            next_item_line(text, 0),
            Some(text.find("workflow").unwrap_or(0))
        );
    }
}
