//! Flow code blocks inside Markdown files: READMEs and docs embed examples, and
//! `procflow check` and `procflow fmt` treat each fenced block tagged `flow` as
//! a file of its own, with positions in the Markdown file itself.
//!
//! A block whose info string also says `ignore` or `fragment` (` ```flow ignore`)
//! is skipped: a deliberate error or a piece of a file.

/// One fenced `flow` block: the byte range of its contents (the lines between
/// the fences, final newline included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// Offset of the first byte of the first content line.
    pub start: usize,
    /// Offset just after the last content line (the closing fence's start).
    pub end: usize,
}

/// Every checkable `flow` block of a Markdown text, in order, as a
/// `CommonMark` parser (comrak) finds them: a fenced block ends at its
/// closing fence, or where the container holding it ends (a list item whose
/// indentation a line leaves, for instance), or at the end of the text.
/// Blocks inside block quotes are skipped: their lines start with `>`, which
/// is not Flow.
#[must_use]
pub fn flow_blocks(text: &str) -> Vec<Block> {
    use comrak::nodes::NodeValue;

    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, text, &comrak::Options::default());
    let lines = LineStarts::new(text);
    let mut blocks = Vec::new();
    for node in root.descendants() {
        let data = node.data();
        let NodeValue::CodeBlock(code) = &data.value else {
            continue;
        };
        let mut words = code.info.split_whitespace();
        let is_flow = code.fenced
            && words.next() == Some("flow")
            && !words.any(|w| w == "ignore" || w == "fragment");
        let quoted = node
            .ancestors()
            .any(|a| matches!(a.data().value, NodeValue::BlockQuote));
        if !is_flow || quoted {
            continue;
        }
        // The lines after the opening fence, as many as the block holds (its
        // end position is not used: comrak 0.55 gives a block that a list
        // item's end closes, after blank lines, the opening fence's line).
        let first = data.sourcepos.start.line + 1;
        let literal = code.literal.as_str();
        let held = crate::source::line_ends(literal).count()
            + usize::from(!literal.is_empty() && !literal.ends_with(['\n', '\r']));
        blocks.push(Block {
            start: lines.start(first),
            end: lines.start(first + held),
        });
    }
    blocks
}

/// Where each line of a text starts (lines end as
/// [`crate::source::line_ends`] says, as in `CommonMark`).
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(crate::source::line_ends(text));
        starts.push(text.len());
        LineStarts(starts)
    }

    /// The offset where 1-based line `line` starts; the text's end past its
    /// last line.
    fn start(&self, line: usize) -> usize {
        let last = *self.0.last().unwrap_or(&0);
        line.checked_sub(1)
            .and_then(|i| self.0.get(i))
            .copied()
            .unwrap_or(last)
    }
}

/// The Markdown text with everything outside `block` blanked: each byte
/// becomes a space, except line breaks. Offsets, lines and (on the block's own
/// lines) columns are those of the Markdown file.
#[must_use]
pub fn mask(text: &str, block: Block) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, ch) in text.char_indices() {
        if (block.start..block.end).contains(&i) || ch == '\n' {
            out.push(ch);
        } else if ch == '\r' {
            out.push('\r');
        } else {
            for _ in 0..ch.len_utf8() {
                out.push(' ');
            }
        }
    }
    out
}

/// The Markdown text with every `flow` block formatted (fences and the rest of
/// the text untouched), or the blocks that do not parse.
///
/// # Errors
/// The blocks with syntax errors; the text is then not changed at all.
pub fn format_blocks(
    text: &str,
    options: &crate::fmt::FormatOptions,
) -> Result<String, Vec<Block>> {
    let mut out = String::with_capacity(text.len());
    let mut broken = Vec::new();
    let mut last = 0;
    for block in flow_blocks(text) {
        let content = &text[block.start..block.end];
        // A block indented inside a list: format it without the indentation of
        // its first line, then put the indentation back.
        let indent: String = content.chars().take_while(|&c| c == ' ').collect();
        let inner: String = content
            .split_inclusive('\n')
            .map(|l| l.strip_prefix(indent.as_str()).unwrap_or(l))
            .collect();
        // A block of `\r\n` lines keeps them (the formatter writes `\n`).
        let newline = if content.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        match crate::fmt::format_text(&inner, options) {
            Ok(formatted) => {
                out.push_str(&text[last..block.start]);
                for line in formatted.split_inclusive('\n') {
                    if line != "\n" {
                        out.push_str(&indent);
                    }
                    out.push_str(line.strip_suffix('\n').unwrap_or(line));
                    if line.ends_with('\n') {
                        out.push_str(newline);
                    }
                }
                last = block.end;
            }
            Err(_) => broken.push(block),
        }
    }
    if !broken.is_empty() {
        return Err(broken);
    }
    out.push_str(&text[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_flow_blocks_only() {
        let text = "# T\n\n```flow\nrole a\n```\n\n```rust\nfn main() {}\n```\n\n~~~flow ignore\nbroken {\n~~~\n\n  ```flow\n  role b\n  ```\n";
        let blocks = flow_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(&text[blocks[0].start..blocks[0].end], "role a\n");
        assert_eq!(&text[blocks[1].start..blocks[1].end], "  role b\n");
    }

    #[test]
    fn a_longer_fence_holds_a_shorter_one() {
        let text = "````flow\nrole a \"```\"\n```\n````\n";
        let blocks = flow_blocks(text);
        assert_eq!(
            &text[blocks[0].start..blocks[0].end],
            "role a \"```\"\n```\n"
        );
    }

    #[test]
    fn a_block_ends_where_its_list_item_ends() {
        // `role c` leaves the list item, which closes the block (CommonMark);
        // the fence after it opens a block of its own.
        let text = "- item\n\n  ```flow\n  role a\n\n    role b\nrole c\n  ```\n";
        let blocks = flow_blocks(text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(
            &text[blocks[0].start..blocks[0].end],
            "  role a\n\n    role b\n"
        );
        // Not in a list, an indented fence's block goes on to its fence.
        let text = "  ```flow\n  role a\nrole b\n  ```\n";
        assert_eq!(
            &text[flow_blocks(text)[0].start..flow_blocks(text)[0].end],
            "  role a\nrole b\n"
        );
        // A block in a numbered list, indented by three.
        let text = "1. item\n\n   ```flow\n   role a\n   ```\n";
        assert_eq!(
            &text[flow_blocks(text)[0].start..flow_blocks(text)[0].end],
            "   role a\n"
        );
    }

    #[test]
    fn unclosed_empty_and_quoted_blocks() {
        let text = "```flow\nrole a\n";
        assert_eq!(&text[flow_blocks(text)[0].start..], "role a\n");
        assert_eq!(flow_blocks(text)[0].end, text.len());
        let text = "```flow\n```\n";
        let b = flow_blocks(text)[0];
        assert_eq!((b.start, b.end), (8, 8));
        assert!(flow_blocks("> ```flow\n> role a\n> ```\n").is_empty());
        let text = "```flow\r\nrole a\r\n```\r\n";
        assert_eq!(
            &text[flow_blocks(text)[0].start..flow_blocks(text)[0].end],
            "role a\r\n"
        );
    }

    #[test]
    fn a_block_that_its_list_item_closes_after_blank_lines_keeps_its_lines() {
        // comrak 0.55 puts the end of such a block on its opening fence's
        // line; its lines are counted from its contents instead.
        let text = "- item\n\n  ```flow\n\n  role a\n\nrole b\n";
        let b = flow_blocks(text)[0];
        assert_eq!(&text[b.start..b.end], "\n  role a\n\n");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_in_commonmark() {
        let text = "```flow\rrole a\r```\rafter";
        let b = flow_blocks(text)[0];
        assert_eq!(&text[b.start..b.end], "role a\r");
        let text = "```flow x\ry\n";
        let b = flow_blocks(text)[0];
        assert_eq!(&text[b.start..b.end], "y\n");
    }

    #[test]
    fn crlf_blocks_keep_crlf() {
        let text = "# T\r\n\r\n```flow\r\nrole   a\r\nrole b\r\n```\r\n";
        let out = format_blocks(text, &crate::fmt::FormatOptions::default()).unwrap();
        assert_eq!(out, "# T\r\n\r\n```flow\r\nrole a\r\n\r\nrole b\r\n```\r\n");
    }

    #[test]
    fn masking_keeps_offsets_and_lines() {
        let text = "Café ☕\n```flow\nrole a\n```\n";
        let block = flow_blocks(text)[0];
        let masked = mask(text, block);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked.lines().count(), text.lines().count());
        assert_eq!(&masked[block.start..block.end], "role a\n");
        assert!(masked[..block.start].trim().is_empty());
    }
}
