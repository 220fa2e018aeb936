//! The document through comrak: what a template wrote is parsed, adjusted by
//! the passes of [`super::lint`], and written out as `CommonMark` wrapped at
//! 80 columns. Also the bits of Markdown the templates' filters make (code
//! spans, links, code blocks), each a comrak node written by comrak.

use std::borrow::Cow;

use comrak::nodes::{AstNode, NodeCode, NodeCodeBlock, NodeLink, NodeValue};
use comrak::{Arena, Options};

use super::{WIDTH, lint};

/// The Markdown dialect of SOPs: `CommonMark` with GitHub's tables, task
/// lists and strikethrough; written with `-` bullets, wrapped at `width` (0:
/// not wrapped). Bare URLs are made links by [`super::lint`] (comrak's
/// autolink extension reads them before escapes are resolved, so an escaped
/// title would give a link with backslashes in its address).
pub(crate) fn options(width: usize) -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.tasklist = true;
    options.extension.strikethrough = true;
    options.render.width = width;
    options.render.list_style = comrak::options::ListStyleType::Dash;
    options
}

/// The document a template wrote, as markdownlint wants it (see
/// [`super::lint`]), wrapped at 80 columns.
pub(crate) fn finish(markdown: &str) -> String {
    let arena = Arena::new();
    let root = tree(&arena, markdown);
    lint::written_lines(&format(root, &options(WIDTH)))
}

/// The document a template wrote as comrak's tree, adjusted as [`finish`]
/// writes it.
pub(crate) fn tree<'a>(arena: &'a Arena<'a>, markdown: &str) -> &'a AstNode<'a> {
    let root = comrak::parse_document(arena, markdown, &options(WIDTH));
    lint::document(arena, root);
    root
}

/// `root` written as `CommonMark`.
pub(crate) fn format<'a>(root: &'a AstNode<'a>, options: &Options) -> String {
    let mut out = String::with_capacity(4096);
    // Writing into a String cannot fail.
    let _ = comrak::format_commonmark(root, options, &mut out);
    out
}

/// A new node.
pub(crate) fn node<'a>(arena: &'a Arena<'a>, value: NodeValue) -> &'a AstNode<'a> {
    arena.alloc(AstNode::from(value))
}

/// A text node.
pub(crate) fn text_node<'a>(arena: &'a Arena<'a>, text: &str) -> &'a AstNode<'a> {
    node(arena, NodeValue::Text(Cow::Owned(text.to_owned())))
}

/// `inline` (a node with its children, made in `arena`) written alone as
/// Markdown, without the paragraph around it.
fn inline_markdown<'a>(arena: &'a Arena<'a>, inline: &'a AstNode<'a>) -> String {
    let root = node(arena, NodeValue::Document);
    let paragraph = node(arena, NodeValue::Paragraph);
    root.append(paragraph);
    paragraph.append(inline);
    format(root, &options(0)).trim_end_matches('\n').to_owned()
}

/// `code` as a code span (its whitespace runs as one space).
pub(crate) fn code_span(code: &str) -> String {
    let code: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if code.is_empty() {
        return String::new();
    }
    let arena = Arena::new();
    let span = node(
        &arena,
        NodeValue::Code(NodeCode {
            num_backticks: 1,
            literal: code,
        }),
    );
    inline_markdown(&arena, span)
}

/// `text` linked to `url`: the text alone without a usable url (none,
/// empty, or an anchor that may not exist in this document).
pub(crate) fn link(text: &str, url: Option<&str>) -> String {
    let Some(url) = url
        .map(str::trim)
        .filter(|u| !u.is_empty() && !u.starts_with('#'))
    else {
        return super::template::text(text);
    };
    let arena = Arena::new();
    let link = node(
        &arena,
        NodeValue::Link(Box::new(NodeLink {
            url: url.split_whitespace().collect::<Vec<_>>().join("%20"),
            title: String::new(),
        })),
    );
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    link.append(text_node(&arena, if text.is_empty() { url } else { &text }));
    inline_markdown(&arena, link)
}

/// `code` as a fenced code block with `info` (its tabs as spaces, its
/// trailing whitespace and runs of blank lines removed: markdownlint counts
/// them in code too).
pub(crate) fn code_block(code: &str, info: &str) -> String {
    let arena = Arena::new();
    let root = node(&arena, NodeValue::Document);
    let block = node(
        &arena,
        NodeValue::CodeBlock(Box::new(NodeCodeBlock {
            fenced: true,
            fence_char: b'`',
            fence_length: 3,
            fence_offset: 0,
            // comrak writes a block without info indented (MD046 wants one
            // style, and MD040 a language).
            info: if info.trim().is_empty() { "text" } else { info }.to_owned(),
            literal: lint::clean_code(code),
            closed: true,
        })),
    );
    root.append(block);
    format(root, &options(0))
}

#[cfg(test)]
mod tests {
    use super::{code_block, code_span, finish, link};

    #[test]
    fn code_spans_hold_any_backticks() {
        assert_eq!(code_span("a"), "`a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span(""), "");
    }

    #[test]
    fn links_escape_their_text_and_destination() {
        assert_eq!(
            link("A [b]", Some("https://x.y/a b")),
            "[A \\[b\\]](https://x.y/a%20b)"
        );
        assert_eq!(link("A", None), "A");
        assert_eq!(link("A", Some("#top")), "A");
    }

    #[test]
    fn code_blocks_are_fenced_past_any_backticks() {
        assert_eq!(code_block("echo `a`", "sh"), "```sh\necho `a`\n```\n");
        let block = code_block("```\nx", "");
        assert!(block.starts_with("````text\n"), "{block}");
    }

    #[test]
    fn the_document_is_wrapped_at_80_columns() {
        let long = "word ".repeat(40);
        let out = finish(&format!("# T\n\n{long}\n"));
        assert!(out.lines().all(|l| l.len() <= 80), "{out}");
    }
}
