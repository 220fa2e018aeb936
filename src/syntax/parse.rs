//! The pest parser and item-by-item recovery.

use pest::Parser;
use pest_derive::Parser;

use super::errors::SyntaxError;
use super::strings::is_name_byte;
use super::{errors, lower};
use crate::ast::File;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;

#[derive(Parser)]
#[grammar = "../grammar/flow.pest"]
pub(super) struct FlowParser;

/// A parsed file and its syntax errors.
pub type Parsed = (File, Vec<Diagnostic>);

/// Parses one file. Returns the tree of every item that parsed, and one `syntax`
/// diagnostic per top-level item that did not.
///
/// `text` is the file's text without its byte-order mark: a file's leading
/// U+FEFF is an encoding mark, removed when the file is loaded
/// ([`SourceMap::add`](crate::source::SourceMap::add)) or formatted
/// ([`format_source`](crate::fmt::format_source)), never by the parser. Any
/// U+FEFF the parser sees (a second one, or one at the start of a Markdown
/// `flow` block) is a syntax error, so `check` and `fmt` agree.
///
/// Every file, valid or not, is read the same way: item by item, each top-level
/// item parsed by pest (`item_then_next`) and lowered at once. After a broken
/// item, parsing resumes at the next line whose first column starts a
/// top-level keyword, so one error does not hide the errors of the items after
/// it. (Parsing a valid file whole with `Rule::file` was no faster, and a file
/// with errors would then be parsed twice.)
#[must_use]
pub fn parse(file: FileId, text: &str) -> Parsed {
    let (tree, errors) = parse_with_fixes(file, text);
    (
        tree,
        errors
            .into_iter()
            .map(SyntaxError::into_diagnostic)
            .collect(),
    )
}

/// As [`parse`], with each syntax error's suggested replacement as data.
#[must_use]
pub fn parse_with_fixes(file: FileId, text: &str) -> (File, Vec<SyntaxError>) {
    let mut pos = 0;
    let mut tree = File::default();
    let mut errors: Vec<SyntaxError> = Vec::new();
    let mut lowered = Vec::new();
    // The line of `line_at` (1-based), counted forward as items are read.
    let (mut line_at, mut line) = (0, 1);
    loop {
        pos = lower::skip_trivia(file, text, pos, &mut tree.comments);
        if pos >= text.len() {
            break;
        }
        match parse_item(text, pos) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = pos + pair.as_span().end();
                lower::lower_items(file, pos, pair, &mut tree, &mut lowered);
                errors.extend(lowered.drain(..).map(SyntaxError::from));
                if end <= pos {
                    break;
                }
                pos = end;
            }
            Err(error) => {
                line += memchr::memchr_iter(b'\n', &text.as_bytes()[line_at..pos]).count();
                line_at = pos;
                errors.push(errors::describe(file, text, pos, line, &error));
                match next_item_line(text, pos) {
                    Some(next) => pos = next,
                    None => break,
                }
            }
        }
    }
    (tree, errors)
}

/// Parses the item at `pos` within a window of the text that ends at a line
/// starting a top-level keyword, widening the window while the parser runs out
/// of input. pest's errors scan their input to the end (to show the line), so
/// parsing each broken item against the whole rest of the file would make
/// recovery quadratic; a window keeps each item's cost to its own size.
// pest's own error type, passed straight on.
#[allow(clippy::result_large_err)]
fn parse_item(
    text: &str,
    pos: usize,
) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    let mut end = next_item_line(text, pos).unwrap_or(text.len());
    loop {
        let result = FlowParser::parse(Rule::item_then_next, &text[pos..end]);
        let Err(error) = &result else { return result };
        let at = match error.location {
            pest::error::InputLocation::Pos(p) | pest::error::InputLocation::Span((p, _)) => p,
        };
        // The item may go on past the window: the parser ran out of input (a
        // block not closed), or a block string is open at the window's end
        // (it holds a line that starts with a keyword). Then widen it.
        let open_block_string = text[pos..end].matches("\"\"\"").count() % 2 == 1;
        if end == text.len() || (pos + at < end && !open_block_string) {
            return result;
        }
        let wider = pos + 2 * (end - pos);
        end = if wider >= text.len() {
            text.len()
        } else {
            next_item_line(text, wider).unwrap_or(text.len())
        };
    }
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

/// Whether `rest` starts with a top-level keyword (the grammar's
/// `top_keyword`).
fn starts_top_keyword(rest: &str) -> bool {
    ["use", "role", "tool", "process", "workflow"]
        .iter()
        .any(|kw| {
            rest.strip_prefix(kw)
                .is_some_and(|after| !after.bytes().next().is_some_and(is_name_byte))
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
