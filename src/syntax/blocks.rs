//! The blocks of a broken item, read from its text (strings and comments
//! skipped): which block a place is in, and which block's `}` is missing.
//!
//! pest's error says where parsing stopped, not what was open there, and a
//! missing `}` is only noticed where the braces stop adding up, often far
//! below it. Indentation is what people read braces by, so it is the hint
//! here: a block ends before the first line indented no deeper than its
//! header that is not its `}`. Every pass is linear in the item's size.

use crate::ast::DeclKind;

/// A block opened by `{`.
#[derive(Debug, Clone)]
pub(super) struct Block {
    /// What the header declares.
    pub kind: DeclKind,
    /// The name after the keyword (may be empty).
    pub name: String,
    /// The offset of the `{`.
    pub open: usize,
    /// The offset of the `}` that matches it, if any.
    pub close: Option<usize>,
    /// The start of the header's line and the header's indentation (its
    /// leading blanks, as written).
    pub line_start: usize,
    pub indent: usize,
}

impl Block {
    /// How users name it: `step`, `workflow`, …
    pub fn keyword(&self) -> &'static str {
        match self.kind {
            DeclKind::Role => "role",
            DeclKind::Tool => "tool",
            DeclKind::Process => "process",
            DeclKind::Workflow => "workflow",
            DeclKind::ProcessStep | DeclKind::WorkflowStep => "step",
        }
    }
}

/// A line that starts outside any string.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Its first byte.
    start: usize,
    /// Its first byte that is not a blank (space or tab).
    first: usize,
}

/// The blocks and lines of `text[start..end]`.
pub(super) struct Scan<'a> {
    text: &'a str,
    end: usize,
    /// Every block, in the order opened.
    pub blocks: Vec<Block>,
    /// The blocks still open at `end` (indices into `blocks`), innermost last.
    pub open: Vec<usize>,
    lines: Vec<Line>,
}

/// Where a missing `}` belongs: insert `text` at `at`, before line `line`
/// (1-based; `None` at the end of the file).
#[derive(Debug, Clone)]
pub(super) struct MissingClose {
    /// The block whose `}` is missing (index into [`Scan::blocks`]).
    pub block: usize,
    /// Where to insert.
    pub at: usize,
    /// What to insert.
    pub text: String,
    /// The offset of the line the `}` goes before, `None` for the end of the
    /// file.
    pub before: Option<usize>,
}

const DECLS: [&str; 5] = ["role", "tool", "process", "workflow", "step"];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl<'a> Scan<'a> {
    /// Reads `text[start..end]` (`start` at the start of a line).
    pub fn new(text: &'a str, start: usize, end: usize) -> Scan<'a> {
        let bytes = text.as_bytes();
        let end = end.min(text.len());
        let mut scan = Scan {
            text,
            end,
            blocks: Vec::new(),
            open: Vec::new(),
            lines: Vec::new(),
        };
        // The declaration keyword whose `{` has not come yet: (kind word,
        // name, line start).
        let mut pending: Option<(&str, String, usize)> = None;
        // Whether the next word starts a statement (first on its line, or
        // right after a brace).
        let mut statement = true;
        let mut line_start = start;
        scan.push_line(start);
        let mut i = start;
        while i < end {
            let b = bytes[i];
            match b {
                b'\n' => {
                    line_start = i + 1;
                    scan.push_line(i + 1);
                    statement = true;
                }
                b' ' | b'\t' | b'\r' => {}
                b'{' => {
                    let parent = scan.open.last().map(|&k| scan.blocks[k].kind);
                    let (word, name, header) =
                        pending.take().unwrap_or(("", String::new(), line_start));
                    let kind = match word {
                        "role" => DeclKind::Role,
                        "tool" => DeclKind::Tool,
                        "process" => DeclKind::Process,
                        "workflow" => DeclKind::Workflow,
                        _ => match parent {
                            Some(DeclKind::Process | DeclKind::ProcessStep) => {
                                DeclKind::ProcessStep
                            }
                            _ => DeclKind::WorkflowStep,
                        },
                    };
                    scan.open.push(scan.blocks.len());
                    scan.blocks.push(Block {
                        kind,
                        name,
                        open: i,
                        close: None,
                        line_start: header,
                        indent: blanks(&bytes[header..]),
                    });
                    statement = true;
                }
                b'}' => {
                    if let Some(k) = scan.open.pop() {
                        scan.blocks[k].close = Some(i);
                    }
                    pending = None;
                    statement = true;
                }
                b'#' => {
                    while i < end && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'"' => {
                    i = skip_string(text, i).min(end);
                    statement = false;
                    continue;
                }
                _ if is_word_byte(b) => {
                    let from = i;
                    while i < end && is_word_byte(bytes[i]) {
                        i += 1;
                    }
                    let word = &text[from..i];
                    if statement {
                        if let Some(&decl) = DECLS.iter().find(|&&d| d == word) {
                            let name = next_word(&text[i..end]).to_owned();
                            pending = Some((decl, name, line_start));
                        }
                    }
                    statement = false;
                    continue;
                }
                _ => statement = false,
            }
            i += 1;
        }
        scan
    }

    fn push_line(&mut self, start: usize) {
        if start <= self.end {
            let first = start + blanks(&self.text.as_bytes()[start..self.end]);
            self.lines.push(Line { start, first });
        }
    }

    /// The innermost block open at `pos` (scanned up to `pos`), if any.
    pub fn innermost(&self) -> Option<&Block> {
        self.open.last().map(|&k| &self.blocks[k])
    }

    /// The first block, in the order written, that indentation says is not
    /// closed, and where its `}` belongs. `at_end` says whether the scan
    /// reached the end of the file (then a block still open there is closed
    /// at the end).
    pub fn missing_close(&self, at_end: bool) -> Option<MissingClose> {
        let bytes = self.text.as_bytes();
        // The blocks open by indentation, innermost last, each with whether
        // a line of its content has been seen.
        let mut stack: Vec<(usize, bool)> = Vec::new();
        let mut next_block = 0;
        let mut found: Option<(usize, Option<usize>)> = None;
        let mark = |found: &mut Option<(usize, Option<usize>)>, k: usize, line: Option<usize>| {
            if found.is_none_or(|(f, _)| k < f) {
                *found = Some((k, line));
            }
        };
        for line in &self.lines {
            // Blocks opened on earlier lines and not closed before this one.
            while next_block < self.blocks.len() && self.blocks[next_block].open < line.start {
                let b = &self.blocks[next_block];
                if b.close.is_none_or(|c| c >= line.start) {
                    stack.push((next_block, false));
                }
                next_block += 1;
            }
            while stack
                .last()
                .is_some_and(|&(k, _)| self.blocks[k].close.is_some_and(|c| c < line.start))
            {
                stack.pop();
            }
            let c = bytes.get(line.first).copied();
            if line.first >= self.end || matches!(c, None | Some(b'\n' | b'\r' | b'#')) {
                continue;
            }
            let indent = line.first - line.start;
            // A block whose first line of content is not indented deeper than
            // its header says nothing by indentation (a file written flat):
            // leave it to the braces.
            while let Some(&(k, false)) = stack.last() {
                let h = self.blocks[k].indent;
                if indent > h || (indent == h && c == Some(b'}')) {
                    break;
                }
                stack.pop();
            }
            for entry in &mut stack {
                entry.1 = true;
            }
            while let Some(&(k, _)) = stack.last() {
                let h = self.blocks[k].indent;
                if indent > h {
                    break;
                }
                stack.pop();
                if indent == h && c == Some(b'}') {
                    break;
                }
                mark(&mut found, k, Some(line.start));
            }
        }
        if at_end {
            // Blocks opened on the last lines are not on the stack yet.
            stack.extend((next_block..self.blocks.len()).map(|k| (k, false)));
            for &(k, _) in &stack {
                if self.blocks[k].close.is_none() {
                    mark(&mut found, k, None);
                }
            }
        }
        let (block, before) = found?;
        Some(self.close_before(block, before))
    }

    /// The `}` of `block` inserted before the line at `before` (after the
    /// last line of content above it), or at the end of the file.
    pub fn close_before(&self, block: usize, before: Option<usize>) -> MissingClose {
        let b = &self.blocks[block];
        let indent = &self.text[b.line_start..b.line_start + b.indent];
        let limit = before.unwrap_or(self.text.len());
        // The line after the last line of content before `limit`: comments
        // indented no deeper than the header belong to what follows.
        let bytes = self.text.as_bytes();
        let mut at = None;
        for (n, line) in self.lines.iter().enumerate() {
            if line.start >= limit {
                break;
            }
            let c = bytes.get(line.first).copied();
            let content = match c {
                None | Some(b'\n' | b'\r') => false,
                Some(b'#') => line.first - line.start > b.indent,
                Some(_) => line.first < self.end,
            };
            if content && line.start >= b.line_start {
                at = self
                    .lines
                    .get(n + 1)
                    .map(|l| l.start)
                    .filter(|&s| s <= limit);
            }
        }
        match at.or(before) {
            Some(at) if at > 0 && bytes[at - 1] == b'\n' => MissingClose {
                block,
                at,
                text: format!("{indent}}}\n"),
                before,
            },
            _ => {
                let at = self.text.len();
                let newline = if self.text.ends_with('\n') { "" } else { "\n" };
                MissingClose {
                    block,
                    at,
                    text: format!("{newline}{indent}}}\n"),
                    before: None,
                }
            }
        }
    }
}

/// The number of blanks (spaces and tabs) at the start of `bytes`.
fn blanks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

/// The word at the start of `rest` after blanks, or "".
fn next_word(rest: &str) -> &str {
    let rest = rest.trim_start_matches([' ', '\t']);
    let len = rest.bytes().take_while(|&b| is_word_byte(b)).count();
    &rest[..len]
}

/// The offset just after the string that starts at `i` (a line string ends
/// at its line's end if not closed; a block string at the end of the text).
fn skip_string(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    if text[i..].starts_with("\"\"\"") {
        return text[i + 3..]
            .find("\"\"\"")
            .map_or(bytes.len(), |n| i + 3 + n + 3);
    }
    let mut j = i + 1;
    while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
        j += if bytes[j] == b'\\' { 2 } else { 1 };
    }
    if j < bytes.len() && bytes[j] == b'"' {
        j + 1
    } else {
        j.min(bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_without_its_brace_ends_at_the_next_step() {
        let text = "workflow w implements p {\n  step a {\n    owner x\n\n  step b {\n  }\n}\n";
        let scan = Scan::new(text, 0, text.len());
        let m = scan.missing_close(true).unwrap();
        assert_eq!(scan.blocks[m.block].name, "a");
        assert_eq!(scan.blocks[m.block].kind, DeclKind::WorkflowStep);
        assert_eq!(m.before, text.find("  step b"));
        assert_eq!(m.at, text.find("\n\n").unwrap() + 1);
        assert_eq!(m.text, "  }\n");
    }

    #[test]
    fn a_closed_file_has_no_missing_brace() {
        let text = "process p {\n  step a {\n    optional\n  }\n}\n";
        assert!(Scan::new(text, 0, text.len()).missing_close(true).is_none());
    }

    #[test]
    fn an_unclosed_last_block_closes_at_the_end() {
        let text = "process p {\n  step a";
        let scan = Scan::new(text, 0, text.len());
        let m = scan.missing_close(true).unwrap();
        assert_eq!(scan.blocks[m.block].kind, DeclKind::Process);
        assert_eq!(
            (m.at, m.text.as_str(), m.before),
            (text.len(), "\n}\n", None)
        );
    }

    #[test]
    fn a_file_written_flat_says_nothing_by_indentation() {
        let text = "workflow w implements p {\nstep a {\nowner x\nstep b {\n}\n}\n";
        let scan = Scan::new(text, 0, text.len());
        assert!(scan.missing_close(true).is_none());
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        let text = "role r { # {\n  who \"{\"\n  description \"\"\"\n{\n\"\"\"\n}\n";
        let scan = Scan::new(text, 0, text.len());
        assert_eq!(scan.blocks.len(), 1);
        assert!(scan.open.is_empty());
        assert!(scan.missing_close(true).is_none());
    }
}
