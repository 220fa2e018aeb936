//! Descriptions: Markdown the author wrote, parsed by comrak and adjusted to
//! stand inside the SOP. Headings are demoted below the section they stand
//! in (no level skipped, at most 6), a heading that repeats one of the SOP's
//! own says where it is ("Purpose (step 2)"); raw HTML becomes text (no
//! markup from a `.flow` file reaches a reader); bare URLs are links (comrak's
//! autolink extension). The rest (indented code, tabs, vague link text…) is
//! done for the whole document by [`super::lint`].

use std::collections::HashSet;

use comrak::Arena;
use comrak::nodes::{AstNode, NodeValue};

use super::document::{format, node, options, text_node};

/// The description `text` as Markdown for a section of heading level
/// `level`; `place` ("step 3") tells its headings apart from the SOP's own
/// (`reserved`). Also whether it ends with a list (a list written after it
/// would continue that one).
pub(crate) fn markdown(
    text: &str,
    level: u8,
    place: &str,
    reserved: &HashSet<String>,
) -> (String, bool) {
    let arena = Arena::new();
    let options = options(0);
    let root = comrak::parse_document(&arena, text, &options);
    demote_headings(&arena, root, level, place, reserved);
    html_as_text(&arena, root);
    let ends_with_list = root
        .last_child()
        .is_some_and(|n| matches!(n.data().value, NodeValue::List(_)));
    (format(root, &options), ends_with_list)
}

/// Each heading at `level + 1` or deeper, as deep as written relative to the
/// shallowest, but never more than one level below the heading before it.
fn demote_headings<'a>(
    arena: &'a Arena<'a>,
    root: &'a AstNode<'a>,
    level: u8,
    place: &str,
    reserved: &HashSet<String>,
) {
    let headings: Vec<_> = root
        .descendants()
        .filter(|n| matches!(n.data().value, NodeValue::Heading(_)))
        .collect();
    let written = |h: &AstNode<'_>| match &h.data().value {
        NodeValue::Heading(heading) => heading.level,
        _ => 1,
    };
    let shallowest = headings.iter().map(|h| written(h)).min().unwrap_or(1);
    let mut before = level;
    for h in headings {
        let wanted = level + 1 + (written(h) - shallowest);
        let new = wanted.min(before + 1).min(6);
        if let NodeValue::Heading(heading) = &mut h.data_mut().value {
            heading.level = new;
        }
        before = new;
        let text = h.collect_text();
        let trimmed =
            text.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
        if reserved.contains(trimmed) {
            h.append(text_node(arena, &format!(" ({place})")));
        }
    }
}

/// Raw HTML as the text it is: an HTML block a paragraph of its lines, inline
/// HTML a text.
fn html_as_text<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    let html: Vec<_> = root
        .descendants()
        .filter(|n| {
            matches!(
                n.data().value,
                NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_)
            )
        })
        .collect();
    for n in html {
        let (literal, block) = match &n.data().value {
            NodeValue::HtmlBlock(b) => (b.literal.clone(), true),
            NodeValue::HtmlInline(h) => (h.clone(), false),
            _ => continue,
        };
        if block {
            let paragraph = node(arena, NodeValue::Paragraph);
            for (k, line) in literal.trim_end().lines().enumerate() {
                if k > 0 {
                    paragraph.append(node(arena, NodeValue::SoftBreak));
                }
                paragraph.append(text_node(arena, line.trim()));
            }
            n.insert_after(paragraph);
        } else {
            n.insert_after(text_node(arena, &literal));
        }
        n.detach();
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::markdown;

    #[test]
    fn headings_are_demoted_without_skipping_a_level() {
        let reserved = HashSet::from(["Purpose".to_owned()]);
        let (out, list) = markdown("# A\n\n### B\n\n# Purpose\n", 3, "step 1", &reserved);
        assert!(!list);
        assert_eq!(out, "#### A\n\n##### B\n\n#### Purpose (step 1)\n");
    }

    #[test]
    fn html_is_text() {
        let (out, _) = markdown(
            "<script>x</script>\n\nA <b>b</b>.\n",
            2,
            "x",
            &HashSet::new(),
        );
        assert!(!out.contains("<script>") && !out.contains("<b>"), "{out}");
        assert!(out.contains("\\<b\\>"), "{out}");
    }
}
