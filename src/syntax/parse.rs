//! The pest parser and item-by-item recovery.

use pest::Parser;
use pest_derive::Parser;

use super::strings::is_name_byte;
use super::{errors, fast, lower};
use crate::ast::File;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;

#[derive(Parser)]
#[grammar = "../grammar/flow.pest"]
pub(super) struct FlowParser;

/// Parses one file. Returns the tree of every item that parsed, and one `syntax`
/// diagnostic per top-level item that did not.
///
/// `text` is the file's text without its byte-order mark: a file's leading
/// U+FEFF is an encoding mark, removed when the file is loaded
/// ([`SourceMap::add`](crate::source::SourceMap::add)) or formatted
/// ([`format_source`](crate::fmt::format_source)), never by the parser. Any
/// U+FEFF the parser sees (a second one, or one at the start of a Markdown
/// `flow` block) is a syntax error, so `check` and `fmt` agree.
#[must_use]
pub fn parse(file: FileId, text: &str) -> Parsed {
    parse_with(file, text, ParserChoice::default())
}

/// Which parser reads a valid file (see [`parse_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParserChoice {
    /// The hand-written parser (`fast.rs`) first; pest if it gives up.
    #[default]
    Fast,
    /// pest only: the reference the fast parser is tested against.
    Pest,
}

/// [`parse`] with a choice of parser for valid files. Syntax errors always come
/// from pest: when the fast parser gives up, pest parses the text again and
/// explains what is wrong. Both give the same tree for a valid file.
#[must_use]
pub fn parse_with(file: FileId, text: &str, parser: ParserChoice) -> Parsed {
    if parser == ParserChoice::Fast {
        if let Some(tree) = parse_fast(file, text) {
            return (tree, Vec::new());
        }
        // A file with errors is read by pest alone, item by item, so its
        // errors and recovery are pest's whichever parser reads valid files
        // (the fast parser reading the items it could gave other resume
        // points on some broken files).
        return recover(file, text, 0);
    }
    // With pest: the whole file at once, in parallel chunks when large.
    let with_pest = |from: usize, to: usize| -> Option<Parsed> {
        let mut pairs = FlowParser::parse(Rule::file, &text[from..to]).ok()?;
        let mut tree = File::default();
        let mut errors = Vec::new();
        if let Some(pair) = pairs.next() {
            lower::lower_items(file, from, pair, &mut tree, &mut errors);
        }
        Some((tree, errors))
    };
    if let Some(parsed) = in_chunks(text, 0, with_pest) {
        return parsed;
    }
    recover(file, text, 0)
}

/// The fast parser alone (in parallel chunks for a large file): the tree of a
/// file without syntax errors, or `None` when it gives up (see `fast.rs`).
/// [`parse`] uses it first; tests compare it with pest.
#[must_use]
pub fn parse_fast(file: FileId, text: &str) -> Option<File> {
    let fast = |from: usize, to: usize| {
        fast::parse_valid(file, text, from, to).map(|tree| (tree, Vec::new()))
    };
    in_chunks(text, 0, fast).map(|(tree, _)| tree)
}

/// A parsed file or chunk and its syntax errors.
pub type Parsed = (File, Vec<Diagnostic>);

/// Files above this size are split into chunks parsed on several threads.
const CHUNK_BYTES: usize = 512 * 1024;

/// Parses `text[start..]` with `parse_one(from, to)` on chunks, each a whole
/// file, on several threads. Chunks end where a line starts with a top-level
/// keyword; `None` if any chunk fails (also when a split fell inside a `"""`
/// string, which leaves the string unterminated), so the caller takes the
/// careful path.
fn in_chunks(
    text: &str,
    start: usize,
    parse_one: impl Fn(usize, usize) -> Option<Parsed> + Sync,
) -> Option<Parsed> {
    // One chunk per thread: measured faster than many small chunks.
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let chunks = (text.len() / CHUNK_BYTES).clamp(1, threads);
    if chunks == 1 {
        return parse_one(start, text.len());
    }
    let mut bounds = vec![start];
    for i in 1..chunks {
        let at = text.len() * i / chunks;
        if let Some(next) = next_item_line(text, at) {
            if next > *bounds.last().unwrap_or(&0) {
                bounds.push(next);
            }
        }
    }
    bounds.push(text.len());
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let parts = crate::parallel::map(&ranges, |&(from, to)| parse_one(from, to));
    let mut tree = File::default();
    let mut errors = Vec::new();
    for part in parts {
        let (t, e) = part?;
        tree.items.extend(t.items);
        tree.comments.extend(t.comments);
        errors.extend(e);
    }
    Some((tree, errors))
}

/// Parses item by item. After a broken item, parsing resumes at the next line
/// whose first column starts a top-level keyword, so one error does not hide
/// the errors of the items after it. Only pest reads here: a file with errors
/// gets pest's errors and recovery whichever parser reads valid files.
fn recover(file: FileId, text: &str, mut pos: usize) -> (File, Vec<Diagnostic>) {
    let mut tree = File::default();
    let mut errors = Vec::new();
    loop {
        pos = lower::skip_trivia(file, text, pos, &mut tree.comments);
        if pos >= text.len() {
            break;
        }
        match parse_item(text, pos) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = pos + pair.as_span().end();
                lower::lower_items(file, pos, pair, &mut tree, &mut errors);
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

/// Parses the item at `pos` within a window of the text that ends at a line
/// starting a top-level keyword, widening the window while the parser runs out
/// of input. pest's errors scan their input to the end (to show the line), so
/// parsing each broken item against the whole rest of the file would make
/// recovery quadratic; a window keeps each item's cost to its own size.
// pest's own error type, passed straight on; only on the recovery path.
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
pub(super) fn starts_top_keyword(rest: &str) -> bool {
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
