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

/// Every checkable `flow` block of a Markdown text, in order. Fences are lines
/// of three or more backticks or tildes, indented by at most three spaces; the
/// block closes at a fence of the same character at least as long (or at the
/// end of the text, as `CommonMark` says).
#[must_use]
pub fn flow_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, bool, usize)> = None; // (char, len, is flow, content start)
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let indent = trimmed.len() - trimmed.trim_start_matches(' ').len();
        let body = &trimmed[indent..];
        let fence_char = body.chars().next().filter(|c| *c == '`' || *c == '~');
        let fence_len = fence_char.map_or(0, |c| body.chars().take_while(|&x| x == c).count());
        match open {
            None if indent <= 3 && fence_len >= 3 => {
                let c = fence_char.unwrap_or('`');
                let info = body[fence_len..].trim();
                let mut words = info.split_whitespace();
                let is_flow = words.next() == Some("flow")
                    && !info
                        .split_whitespace()
                        .any(|w| w == "ignore" || w == "fragment");
                open = Some((c, fence_len, is_flow, offset));
            }
            Some((c, len, is_flow, start))
                if indent <= 3
                    && fence_char == Some(c)
                    && fence_len >= len
                    && body[fence_len..].trim().is_empty() =>
            {
                if is_flow {
                    blocks.push(Block {
                        start,
                        end: line_start,
                    });
                }
                open = None;
            }
            _ => {}
        }
    }
    if let Some((_, _, true, start)) = open {
        blocks.push(Block {
            start,
            end: text.len(),
        });
    }
    blocks
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
        match crate::fmt::format_text(&inner, options) {
            Ok(formatted) => {
                out.push_str(&text[last..block.start]);
                for line in formatted.split_inclusive('\n') {
                    if line != "\n" {
                        out.push_str(&indent);
                    }
                    out.push_str(line);
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
