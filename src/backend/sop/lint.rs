//! What markdownlint's default rules want beyond what comrak writes: small
//! passes over the document's tree, each named after the rule it keeps.
//! Widths are counted as markdownlint counts them (JavaScript string length:
//! UTF-16 units), with room for the backslashes comrak may add.

use std::collections::HashSet;

use comrak::Arena;
use comrak::nodes::{AstNode, ListType, NodeList, NodeValue};

use super::WIDTH;
use super::document::{node, text_node};

/// Every pass, in an order where none undoes another.
pub(crate) fn document<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    code_blocks(root);
    merge_texts(root);
    whitespace(root);
    descriptive_links(arena, root);
    image_alt_text(arena, root);
    table_width(arena, root);
    headings(arena, root);
    emphasis_as_heading(arena, root);
    bare_urls(arena, root);
    no_block_start_at_a_break(root);
    blanks_around_blocks_in_lists(root);
    quotes_apart(arena, root);
    empty_cells(arena, root);
}

/// MD028: two block quotes one after the other are kept apart by an empty
/// comment (with only a blank line between, they read as one quote with a
/// blank line inside).
fn quotes_apart<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    for q in nodes(root, |v| matches!(v, NodeValue::BlockQuote)) {
        if q.next_sibling()
            .is_some_and(|n| matches!(n.data().value, NodeValue::BlockQuote))
        {
            q.insert_after(node(
                arena,
                NodeValue::HtmlBlock(comrak::nodes::NodeHtmlBlock {
                    block_type: 2,
                    literal: "<!-- -->\n".to_owned(),
                }),
            ));
        }
    }
}

/// MD060 (one style of table columns): comrak writes an empty cell with two
/// spaces, which no column style allows; it shows "—" instead.
fn empty_cells<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    for cell in nodes(root, |v| matches!(v, NodeValue::TableCell)) {
        if cell.first_child().is_none() {
            cell.append(text_node(arena, "—"));
        }
    }
}

/// The written document's lines: comrak escapes the full stop of "3.
/// Title" at the start of any line, where it could start a list; in an ATX
/// heading it cannot, so "### 3\\. Title" is written "### 3. Title" (headings
/// at the start of a line, outside code blocks). And no line ends with
/// spaces (MD009: comrak writes a list item's indentation or a quote's "> "
/// on blank lines).
pub(crate) fn written_lines(document: &str) -> String {
    let mut out = String::with_capacity(document.len());
    let mut fence: Option<&str> = None;
    for line in document.split_inclusive('\n') {
        // Code is clean already (see [`clean_code`]), and comrak writes a
        // hard break as a backslash: trailing spaces are never meaningful.
        let line = line.trim_end();
        let marker = line
            .trim_end()
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .count();
        match fence {
            Some(f) if line.trim_end().starts_with(f) && line.trim_end().len() == f.len() => {
                fence = None;
            }
            Some(_) => {}
            None if marker >= 3 => fence = Some(&line[..marker]),
            None => {
                let hashes = line.chars().take_while(|&c| c == '#').count();
                let rest = &line[hashes..];
                let digits = rest
                    .strip_prefix(' ')
                    .map_or(0, |r| r.chars().take_while(char::is_ascii_digit).count());
                if (1..=6).contains(&hashes) && digits > 0 && rest[1 + digits..].starts_with("\\. ")
                {
                    out.push_str(&line[..hashes + 1 + digits]);
                    out.push_str(&rest[1 + digits + 1..]);
                    out.push('\n');
                    continue;
                }
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// markdownlint's width of `s` (UTF-16 units).
pub(crate) fn width(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The widest `node` may be when written: its text, plus a backslash for
/// every ASCII punctuation character, plus the syntax of links, code and
/// emphasis (an estimate that is never too small).
fn written_width<'a>(node: &'a AstNode<'a>) -> usize {
    let own = match &node.data().value {
        NodeValue::Text(t) => {
            return width(t) + t.chars().filter(char::is_ascii_punctuation).count();
        }
        NodeValue::Code(c) => return width(&c.literal) + 2 * (c.literal.matches('`').count() + 2),
        NodeValue::HtmlInline(h) => return width(h),
        NodeValue::SoftBreak | NodeValue::LineBreak => return 2,
        NodeValue::Link(l) | NodeValue::Image(l) => width(&l.url) + width(&l.title) + 8,
        NodeValue::Emph => 2,
        NodeValue::Strong | NodeValue::Strikethrough => 4,
        _ => 0,
    };
    own + node.children().map(written_width).sum::<usize>()
}

/// The nodes of `root` that `pick` picks, in document order (collected first:
/// passes change the tree).
fn nodes<'a>(root: &'a AstNode<'a>, pick: impl Fn(&NodeValue) -> bool) -> Vec<&'a AstNode<'a>> {
    root.descendants()
        .filter(|n| pick(&n.data().value))
        .collect()
}

/// Code as markdownlint wants it even in code blocks: tabs as spaces (MD010),
/// no trailing whitespace (MD009), no run of blank lines (MD012), no
/// control characters; one final newline.
pub(crate) fn clean_code(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 1);
    let mut blank = false;
    for line in code.trim_matches('\n').lines() {
        let mut clean = String::with_capacity(line.len());
        for c in line.chars() {
            match c {
                '\t' => {
                    let spaces = 4 - width(&clean) % 4;
                    clean.extend(std::iter::repeat_n(' ', spaces));
                }
                c if c.is_control() => clean.push('\u{fffd}'),
                c => clean.push(c),
            }
        }
        let clean = clean.trim_end();
        if clean.is_empty() && blank {
            continue;
        }
        blank = clean.is_empty();
        out.push_str(clean);
        out.push('\n');
    }
    out
}

/// MD046 (one code block style) and MD040 (a language on every fence):
/// indented code fenced, as `text` when it says no language; its lines
/// cleaned as [`clean_code`] does.
fn code_blocks<'a>(root: &'a AstNode<'a>) {
    for n in nodes(root, |v| matches!(v, NodeValue::CodeBlock(_))) {
        if let NodeValue::CodeBlock(block) = &mut n.data_mut().value {
            block.fenced = true;
            block.fence_char = b'`';
            block.fence_length = block.fence_length.max(3);
            block.fence_offset = 0;
            if block.info.trim().is_empty() {
                "text".clone_into(&mut block.info);
            }
            block.literal = clean_code(&block.literal);
        }
    }
}

/// MD036: a paragraph that is all emphasis (and does not end like a
/// sentence) reads as a heading; its markers are written as text.
fn emphasis_as_heading<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    for p in nodes(root, |v| matches!(v, NodeValue::Paragraph)) {
        let Some(only) = p.first_child() else {
            continue;
        };
        if only.next_sibling().is_some() {
            continue;
        }
        let marker = match only.data().value {
            NodeValue::Emph => "*",
            NodeValue::Strong => "**",
            _ => continue,
        };
        let text = only.collect_text();
        if text.trim_end().ends_with(['.', '!', '?', ',', ';', ':']) {
            continue;
        }
        p.append(text_node(arena, marker));
        for c in only.children().collect::<Vec<_>>() {
            p.append(c);
        }
        p.append(text_node(arena, marker));
        only.detach();
    }
}

/// Adjacent texts as one (comrak parses `a\\@b` as two), so that the passes
/// below see whole words; and no text ends a block or a line with spaces
/// (MD009).
fn merge_texts<'a>(root: &'a AstNode<'a>) {
    for n in nodes(root, |v| matches!(v, NodeValue::Text(_))) {
        if n.parent().is_none() {
            continue;
        }
        while let Some(next) = n.next_sibling() {
            let more = match &next.data().value {
                NodeValue::Text(t) => t.to_string(),
                _ => break,
            };
            next.detach();
            if let NodeValue::Text(t) = &mut n.data_mut().value {
                t.to_mut().push_str(&more);
            }
        }
        let ends_line = n
            .next_sibling()
            .is_none_or(|s| matches!(s.data().value, NodeValue::SoftBreak | NodeValue::LineBreak));
        if ends_line {
            if let NodeValue::Text(t) = &mut n.data_mut().value {
                let trimmed = t.trim_end_matches(is_js_space).len();
                t.to_mut().truncate(trimmed);
            }
        }
    }
}

/// Whitespace as JavaScript's `\s` sees it (markdownlint's).
fn is_js_space(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

/// MD010 (no tab) and MD009 (no trailing whitespace): every whitespace
/// character in text and in code spans is a plain space, the only one
/// comrak breaks lines at (a line ending in a no-break space would end in
/// whitespace).
fn whitespace<'a>(root: &'a AstNode<'a>) {
    let odd = |c: char| c != ' ' && c != '\n' && is_js_space(c);
    let has_odd = |v: &NodeValue| match v {
        NodeValue::Text(t) => t.contains(odd),
        NodeValue::Code(c) => c.literal.contains(odd),
        _ => false,
    };
    for n in nodes(root, has_odd) {
        match &mut n.data_mut().value {
            NodeValue::Text(t) => *t = t.replace(odd, " ").into(),
            NodeValue::Code(c) => c.literal = c.literal.replace(odd, " "),
            _ => {}
        }
    }
}

/// Where comrak may break a line, a text must not start a block on the next
/// line: comrak escapes `-`, `+` and `=` only at the start of a paragraph,
/// so the space before one that could start a list item or underline a
/// heading ("a - b") becomes a no-break space (drawn the same).
fn no_block_start_at_a_break<'a>(root: &'a AstNode<'a>) {
    let marker_at = |chars: &[char], k: usize| {
        chars[k] == ' '
            && chars
                .get(k + 1)
                .is_some_and(|&m| matches!(m, '-' | '+' | '='))
            && chars
                .get(k + 2)
                .is_none_or(|&a| a == ' ' || Some(a) == chars.get(k + 1).copied())
    };
    // Only text that comrak wraps: not in headings or table cells.
    let wrapped = |n: &'a AstNode<'a>| {
        !n.ancestors()
            .any(|a| matches!(a.data().value, NodeValue::Heading(_) | NodeValue::TableCell))
    };
    for n in nodes(root, |v| matches!(v, NodeValue::Text(t) if t.contains(' '))) {
        if !wrapped(n) {
            continue;
        }
        let chars: Vec<char> = match &n.data().value {
            NodeValue::Text(t) => t.chars().collect(),
            _ => continue,
        };
        if !(0..chars.len()).any(|k| marker_at(&chars, k)) {
            continue;
        }
        let out: String = (0..chars.len())
            .map(|k| {
                if marker_at(&chars, k) {
                    '\u{a0}'
                } else {
                    chars[k]
                }
            })
            .collect();
        if let NodeValue::Text(t) = &mut n.data_mut().value {
            *t = out.into();
        }
    }
}

/// MD034: a bare URL (`http://`, `https://`, `ftp://`, `www.`) or e-mail
/// address in text becomes a link to itself, which comrak writes `<…>`.
fn bare_urls<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    let texts: Vec<_> = root
        .descendants()
        .filter(|n| matches!(&n.data().value, NodeValue::Text(t) if has_url(t)))
        .filter(|n| {
            !n.ancestors()
                .any(|a| matches!(a.data().value, NodeValue::Link(_) | NodeValue::Image(_)))
        })
        .collect();
    for n in texts {
        let text = match &n.data().value {
            NodeValue::Text(t) => t.to_string(),
            _ => continue,
        };
        let mut rest = text.as_str();
        while let Some((start, end, url)) = find_url(rest) {
            if start > 0 {
                n.insert_before(text_node(arena, &rest[..start]));
            }
            let link = node(
                arena,
                NodeValue::Link(Box::new(comrak::nodes::NodeLink {
                    url,
                    title: String::new(),
                })),
            );
            link.append(text_node(arena, &rest[start..end]));
            n.insert_before(link);
            rest = &rest[end..];
        }
        if rest.is_empty() {
            n.detach();
        } else if let NodeValue::Text(t) = &mut n.data_mut().value {
            *t = rest.to_owned().into();
        }
    }
}

fn has_url(t: &str) -> bool {
    t.contains("://") || t.contains("www.") || t.contains('@')
}

/// The first bare URL or e-mail address in `t`: its bounds and the address
/// its link goes to.
fn find_url(t: &str) -> Option<(usize, usize, String)> {
    let ends = |c: char| is_js_space(c) || matches!(c, '<' | '>' | '"' | '`') || c.is_control();
    let trim_end = |start: usize| {
        let mut end = t[start..].find(ends).map_or(t.len(), |e| start + e);
        // Trailing punctuation is the sentence's, and a `)` closes a
        // parenthesis around the URL unless the URL opened one.
        while end > start
            && t[..end].ends_with(['.', ',', ':', ';', '!', '?', '\'', ')', '*', '_', '~'])
        {
            let url = &t[start..end];
            if url.ends_with(')') && url.matches('(').count() >= url.matches(')').count() {
                break;
            }
            end -= 1;
        }
        end
    };
    let mut best: Option<(usize, usize, String)> = None;
    let mut offer = |start: usize, end: usize, url: String| {
        if best.as_ref().is_none_or(|b| start < b.0) {
            best = Some((start, end, url));
        }
    };
    for scheme in ["https://", "http://", "ftp://"] {
        if let Some(start) = t.find(scheme) {
            let end = trim_end(start);
            if end > start + scheme.len() {
                offer(start, end, t[start..end].to_owned());
            }
        }
    }
    let www = t.match_indices("www.").map(|(k, _)| k).find(|&k| {
        k == 0 || !t[..k].ends_with(|c: char| c.is_alphanumeric() || c == '/' || c == ':')
    });
    if let Some(start) = www {
        let end = trim_end(start).max(start + 4);
        offer(start, end, format!("http://{}", &t[start..end]));
    }
    for (at, _) in t.match_indices('@') {
        let local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-');
        let start = t[..at].rfind(|c: char| !local(c)).map_or(0, |k| k + 1);
        let mut end = t[at + 1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
            .map_or(t.len(), |k| at + 1 + k);
        while end > at + 1 && t[..end].ends_with(['.', '-', '_']) {
            end -= 1;
        }
        if start < at && t[at + 1..end].contains('.') {
            offer(start, end, format!("mailto:{}", &t[start..end]));
            break;
        }
    }
    best
}

/// MD059: a link whose text says nothing ("here", "click here", "link",
/// "more") becomes that text, a colon and the address as a link of its own;
/// MD042: a link without text shows its address.
fn descriptive_links<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    for n in nodes(root, |v| matches!(v, NodeValue::Link(_))) {
        let url = match &n.data().value {
            NodeValue::Link(l) => l.url.clone(),
            _ => continue,
        };
        let text = n.collect_text();
        if text.trim().is_empty() {
            for c in n.children().collect::<Vec<_>>() {
                c.detach();
            }
            n.append(text_node(arena, &url));
        } else if is_vague(&text) {
            // "here: <https://…>": the link's own text, then the address.
            let inner: Vec<_> = n.children().collect();
            for c in inner {
                n.insert_before(c);
            }
            n.insert_before(text_node(arena, ": "));
            n.append(text_node(arena, &url));
        }
    }
}

/// Whether link text is one markdownlint's MD059 finds not descriptive.
fn is_vague(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    ["click here", "here", "link", "more"].contains(&words.join(" ").as_str())
}

/// MD045: an image has alternative text.
fn image_alt_text<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    for n in nodes(root, |v| matches!(v, NodeValue::Image(_))) {
        if n.collect_text().trim().is_empty() {
            n.append(text_node(arena, "image"));
        }
    }
}

/// MD013 for tables: a table with a row wider than 80 columns (a row cannot
/// be wrapped) becomes a list, an item per row: "first cell: the others".
fn table_width<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    for table in nodes(root, |v| matches!(v, NodeValue::Table(_))) {
        let rows: Vec<_> = table.children().collect();
        let too_wide = rows.iter().any(|row| {
            let cells: Vec<usize> = row.children().map(written_width).collect();
            cells.iter().sum::<usize>() + 3 * cells.len() + 1 > WIDTH
        });
        if !too_wide {
            continue;
        }
        let list = node(
            arena,
            NodeValue::List(NodeList {
                list_type: ListType::Bullet,
                bullet_char: b'-',
                padding: 2,
                tight: true,
                ..NodeList::default()
            }),
        );
        for row in rows.into_iter().skip(1) {
            let item = node(
                arena,
                NodeValue::Item(NodeList {
                    list_type: ListType::Bullet,
                    bullet_char: b'-',
                    padding: 2,
                    tight: true,
                    ..NodeList::default()
                }),
            );
            let paragraph = node(arena, NodeValue::Paragraph);
            for (k, cell) in row.children().collect::<Vec<_>>().into_iter().enumerate() {
                if k > 0 {
                    paragraph.append(text_node(arena, if k == 1 { ": " } else { ", " }));
                }
                for c in cell.children().collect::<Vec<_>>() {
                    paragraph.append(c);
                }
            }
            item.append(paragraph);
            list.append(item);
        }
        table.insert_after(list);
        table.detach();
    }
}

/// The punctuation MD026 finds at the end of a heading.
const HEADING_PUNCTUATION: &[char] = &['.', ',', ';', ':', '!', '。', '，', '；', '：', '！'];

/// Headings: ATX style (MD003); no trailing punctuation (MD026); at most 80
/// columns (MD013: a longer one is cut at a word with `…`, its full text in
/// a paragraph after it); each unlike the ones before (MD024: a repeated one
/// gets " (2)", " (3)"…).
fn headings<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    let mut seen: HashSet<String> = HashSet::new();
    for h in nodes(root, |v| matches!(v, NodeValue::Heading(_))) {
        let level = match &mut h.data_mut().value {
            NodeValue::Heading(heading) => {
                heading.setext = false;
                heading.closed = false;
                usize::from(heading.level)
            }
            _ => continue,
        };
        trim_trailing_punctuation(h);
        if h.collect_text().trim().is_empty() {
            // An empty heading says nothing (and two would be alike).
            h.detach();
            continue;
        }
        if level + 1 + written_width(h) > WIDTH {
            cut(arena, h, WIDTH - level - 1);
        }
        let text = h.collect_text();
        let mut unique = text.clone();
        let mut k = 1;
        while !seen.insert(unique.clone()) {
            k += 1;
            unique = format!("{text} ({k})");
        }
        if k > 1 {
            h.append(text_node(arena, &format!(" ({k})")));
        }
    }
}

/// Removes trailing spaces and [`HEADING_PUNCTUATION`] from the heading's
/// last text.
fn trim_trailing_punctuation<'a>(h: &'a AstNode<'a>) {
    while let Some(last) = h.last_child() {
        let mut data = last.data_mut();
        let NodeValue::Text(t) = &mut data.value else {
            return;
        };
        let trimmed =
            t.trim_end_matches(|c: char| c.is_whitespace() || HEADING_PUNCTUATION.contains(&c));
        if trimmed.is_empty() && h.first_child().is_some_and(|f| !std::ptr::eq(f, last)) {
            drop(data);
            last.detach();
            continue;
        }
        *t = trimmed.to_owned().into();
        return;
    }
}

/// A heading too wide for one line: its text cut at a word to fit `budget`
/// with `…`, and the whole heading's content in a paragraph after it.
fn cut<'a>(arena: &'a Arena<'a>, h: &'a AstNode<'a>, budget: usize) {
    let text = h.collect_text();
    let mut short = String::new();
    for word in text.split_whitespace() {
        let next = if short.is_empty() {
            word.to_owned()
        } else {
            format!("{short} {word}")
        };
        // Room for " …" and a backslash per punctuation character.
        let cost = width(&next) + next.chars().filter(char::is_ascii_punctuation).count() + 2;
        if cost > budget {
            break;
        }
        short = next;
    }
    if short.is_empty() {
        short = text.chars().take(budget / 3).collect();
    }
    let paragraph = node(arena, NodeValue::Paragraph);
    paragraph.append(text_node(arena, "Full title: "));
    for c in h.children().collect::<Vec<_>>() {
        paragraph.append(c);
    }
    h.append(text_node(arena, &format!("{short} …")));
    h.insert_after(paragraph);
}

/// MD031 and MD032 inside lists: comrak writes a tight list's items without
/// blank lines, so a list whose items hold code blocks, tables, quotes or
/// headings is made loose.
fn blanks_around_blocks_in_lists<'a>(root: &'a AstNode<'a>) {
    for list in nodes(root, |v| matches!(v, NodeValue::List(l) if l.tight)) {
        let blocks = list.children().any(|item| {
            item.children()
                .any(|c| !matches!(c.data().value, NodeValue::Paragraph | NodeValue::List(_)))
        });
        if blocks {
            if let NodeValue::List(l) = &mut list.data_mut().value {
                l.tight = false;
            }
            for item in list.children() {
                if let NodeValue::Item(l) = &mut item.data_mut().value {
                    l.tight = false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::document::finish;

    #[test]
    fn headings_lose_trailing_punctuation_and_repeat_no_text() {
        let out = finish("# A.\n\n## B:\n\n## B\n");
        assert_eq!(out, "# A\n\n## B\n\n## B (2)\n");
    }

    #[test]
    fn wide_tables_become_lists() {
        let cell = "word ".repeat(20);
        let out = finish(&format!("| a | b |\n| --- | --- |\n| x | {cell} |\n"));
        assert!(out.starts_with("- x: word word"), "{out}");
    }

    #[test]
    fn long_headings_are_cut_at_a_word() {
        let out = finish(&format!("## {}\n", "word ".repeat(30)));
        let first = out.lines().next().unwrap_or_default();
        assert!(first.ends_with("word …") && first.len() <= 82, "{out}");
    }

    #[test]
    fn bare_urls_and_addresses_are_links() {
        let out = finish("See https://a.b/c_(d), www.x.y and ops@example.com.\n");
        assert_eq!(
            out,
            "See <https://a.b/c_(d)>, [www.x.y](http://www.x.y) and <ops@example.com>.\n"
        );
        assert_eq!(finish("(see https://a.b)\n"), "(see <https://a.b>)\n");
        assert_eq!(finish("x\\_https://a.b\n"), "x\\_<https://a.b>\n");
    }

    #[test]
    fn no_line_starts_a_list_where_comrak_breaks_it() {
        let out = finish(&format!("{}- b\n", "a ".repeat(39)));
        assert!(out.lines().all(|l| !l.starts_with("- ")), "{out}");
    }

    #[test]
    fn vague_link_text_is_followed_by_the_address() {
        let out = finish("See [here](https://a.b/).\n");
        assert_eq!(out, "See here: <https://a.b/>.\n");
    }

    #[test]
    fn indented_code_is_fenced_with_a_language() {
        let out = finish("Code:\n\n    a\tb\n");
        assert_eq!(out, "Code:\n\n```text\na   b\n```\n");
    }
}
