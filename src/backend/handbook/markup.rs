//! Text from `.flow` files turned into HTML that cannot carry markup or
//! script: Markdown through comrak with raw HTML escaped and images made
//! links (nothing is fetched from outside the site); Graphviz's SVG made fit
//! to inline, with its nodes linking to the steps of the page.

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options};

/// comrak's options for every Markdown text of the handbook: GitHub's
/// extensions, and raw HTML written as text (`escape`), never passed through.
fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.render.escape = true;
    o
}

/// Markdown to HTML, safely: raw HTML is escaped (shown as text), images
/// become links to their address (a page of the handbook requests nothing
/// outside the site), a link stays a link only to a web or mail address
/// (a relative or `javascript:` one becomes its text: it would lead nowhere
/// in the site), and headings are moved down by `demote` levels (at most
/// `<h6>`), so that a description's `# Heading` does not compete with the
/// page's.
#[must_use]
pub fn markdown_to_html(text: &str, demote: u8) -> String {
    let arena = Arena::new();
    tree_to_html(comrak::parse_document(&arena, text, &options()), demote)
}

/// An SOP's comrak tree ([`crate::backend::sop::render_tree`]) as HTML, as
/// safely as [`markdown_to_html`]; without the empty HTML comments that keep
/// block quotes apart in Markdown.
#[must_use]
pub fn sop_to_html<'a>(root: &'a AstNode<'a>) -> String {
    let separators: Vec<_> = root
        .children()
        .filter(|n| matches!(&n.data().value, NodeValue::HtmlBlock(b) if b.literal.trim() == "<!-- -->"))
        .collect();
    for n in separators {
        n.detach();
    }
    tree_to_html(root, 0)
}

/// [`markdown_to_html`] of a parsed text.
fn tree_to_html<'a>(root: &'a AstNode<'a>, demote: u8) -> String {
    let options = options();
    let mut unlink = Vec::new();
    for node in root.descendants() {
        let mut data = node.data_mut();
        match &mut data.value {
            NodeValue::Image(link) => {
                let link = std::mem::take(link);
                data.value = NodeValue::Link(link);
            }
            NodeValue::Heading(h) => h.level = (h.level + demote).min(6),
            _ => {}
        }
        if let NodeValue::Link(link) = &data.value {
            if safe_url(&link.url).is_none() {
                unlink.push(node);
            }
        }
    }
    // A link that leads nowhere: its text in its place.
    for node in unlink {
        let children: Vec<_> = node.children().collect();
        for child in children {
            node.insert_before(child);
        }
        node.detach();
    }
    let mut html = String::new();
    // Writing to a String cannot fail.
    let _ = comrak::format_html(root, &options, &mut html);
    html
}

/// Gives each step heading of an SOP rendered to HTML (`<h3>N. Title</h3>`)
/// the id `step-ID` of step number N (`ids[N - 1]`), so that diagrams and
/// other pages can link to it. Raw HTML from the text is escaped, so every
/// `<h3>` in `html` is a heading comrak wrote.
#[must_use]
pub fn anchor_steps(html: &str, ids: &[&str]) -> String {
    let mut out = String::with_capacity(html.len() + ids.len() * 24);
    let mut rest = html;
    while let Some(at) = rest.find("<h3>") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let number: Option<usize> = after[..digits].parse().ok();
        match number
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| ids.get(i))
        {
            Some(id) if after[digits..].starts_with(". ") => {
                out.push_str("<h3 id=\"step-");
                out.push_str(id);
                out.push_str("\">");
            }
            _ => out.push_str("<h3>"),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Removes the first `<h1>…</h1>` of an HTML text (the page writes its own).
#[must_use]
pub fn without_first_h1(html: &str) -> String {
    if let (Some(start), Some(end)) = (html.find("<h1>"), html.find("</h1>")) {
        if start < end {
            let end = end + "</h1>".len();
            let end = end + usize::from(html[end..].starts_with('\n'));
            return format!("{}{}", &html[..start], &html[end..]);
        }
    }
    html.to_owned()
}

/// Adds a link to each step node of a workflow's DOT graph (`"w:WF:STEP"`),
/// to the anchor of the step on the page: `#step-STEP`. Node statements are
/// the lines that start with a quoted `w:` name and are not edges.
#[must_use]
pub fn link_step_nodes(dot: &str, workflow: &str) -> String {
    let prefix = format!("\"w:{workflow}:");
    let mut out = String::with_capacity(dot.len() + 4096);
    for line in dot.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(&prefix) && !trimmed.contains(" -> ") {
            let name_end = trimmed[1..].find('"').map(|i| i + 1);
            if let Some(end) = name_end {
                let step = &trimmed[prefix.len()..end];
                let indent = &line[..line.len() - trimmed.len()];
                let after = &trimmed[end + 1..];
                if let Some(attrs) = after.strip_prefix(" [") {
                    out.push_str(indent);
                    out.push_str(&trimmed[..=end]);
                    out.push_str(" [URL=\"#step-");
                    out.push_str(step);
                    out.push_str("\", tooltip=\"Go to the step\", ");
                    out.push_str(attrs);
                    continue;
                }
            }
        }
        out.push_str(line);
    }
    out
}

/// Graphviz's SVG made fit to inline in HTML: the XML prolog, doctype and
/// comments dropped, `xlink:` attributes written as SVG 2 has them.
#[must_use]
pub fn inline_svg(svg: &str) -> String {
    let svg = svg.find("<svg").map_or(svg, |at| &svg[at..]);
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find("<!--") {
        out.push_str(&rest[..at]);
        rest = rest[at..]
            .find("-->")
            .map_or("", |end| &rest[at + end + 3..]);
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    out.push_str(rest);
    out.replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "")
        .replace("xlink:href=", "href=")
        .replace("xlink:title=", "data-title=")
        .trim_end()
        .to_owned()
}

/// A tool's `url` when it is safe to link to (`http`, `https` or `mailto`).
#[must_use]
pub fn safe_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https" | "mailto").then(|| parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text_and_images_are_links() {
        let html = markdown_to_html(
            "<script>alert(1)</script>\n\n# Title\n\n![x](https://example.com/a.png) [y](javascript:alert(1))",
            2,
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<h3>Title</h3>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com/a.png\">x</a>"),
            "{html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
        let html = markdown_to_html("see [the *notes*](notes.md) and [top](#top)", 0);
        assert_eq!(html, "<p>see the <em>notes</em> and top</p>\n");
    }

    #[test]
    fn step_headings_get_ids() {
        let html = "<h3>1. A</h3>\n<h3>Other</h3>\n<h3>2. B</h3><h3>3. C</h3>";
        assert_eq!(
            anchor_steps(html, &["a", "b"]),
            "<h3 id=\"step-a\">1. A</h3>\n<h3>Other</h3>\n<h3 id=\"step-b\">2. B</h3><h3>3. C</h3>"
        );
    }

    #[test]
    fn only_step_nodes_get_links() {
        let dot = "  \"w:wf:a\" [label=<x>];\n  \"w:wf:a\" -> \"w:wf:b\" [penwidth=2];\n  \"start:wf\" [label=<s>];\n";
        assert_eq!(
            link_step_nodes(dot, "wf"),
            "  \"w:wf:a\" [URL=\"#step-a\", tooltip=\"Go to the step\", label=<x>];\n  \"w:wf:a\" -> \"w:wf:b\" [penwidth=2];\n  \"start:wf\" [label=<s>];\n"
        );
    }

    #[test]
    fn only_web_and_mail_urls_are_links() {
        assert_eq!(
            safe_url("https://a.example/x").as_deref(),
            Some("https://a.example/x")
        );
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("not a url"), None);
    }
}
