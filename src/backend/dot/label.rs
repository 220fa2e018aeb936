//! User text in Graphviz HTML-like labels.
//!
//! Graphviz's HTML-like labels are strict: `<>`, `<b></b>`, `<i></i>` and
//! `<font …></font>` with nothing inside are syntax errors, and `dot` then
//! refuses the whole file. So every piece of text goes through
//! [`wrap_pieces`], which cuts it into lines of words, and the writers here
//! open a tag only around a line that has a word in it:
//!
//! - line breaks written by the user (`\n`, `\r\n`, `\r`) are kept, a run of
//!   empty lines becomes one empty line, and empty lines at the start or the
//!   end are dropped;
//! - spaces, tabs and characters XML cannot hold (control characters, U+FFFE,
//!   U+FFFF) separate words, and a run of them is one space;
//! - lines are wrapped at spaces near [`WRAP`] characters, and a word longer
//!   than that is cut into pieces of [`WRAP`] characters;
//! - every character that means something to Graphviz (`< > & " ' { } | [ ]`)
//!   becomes a character reference, and a backslash two of them (Graphviz
//!   reads `\N`, `\G`… as escapes even in HTML-like labels, and shows `\\` as
//!   one backslash).

use super::super::printable_except;

/// Column at which long titles, outcomes, triggers and conditions are wrapped.
pub(super) const WRAP: usize = 32;

/// Which ASCII bytes [`push_html`] copies as they are.
const HTML_PLAIN: [bool; 128] = printable_except(b"&<>\"'\\{}|[]");

/// Whether a character separates words: a space, a tab, or a character that
/// XML (and so Graphviz) cannot hold. Line breaks are handled before.
fn separates(c: char) -> bool {
    c == ' ' || c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Whether a character is blank: it separates words or breaks lines.
fn blank(c: char) -> bool {
    separates(c) || c == '\n' || c == '\r'
}

/// Whether a text has a word in it: whether anything of it would be drawn.
pub(super) fn has_words(text: &str) -> bool {
    !trim(text).is_empty()
}

/// The text without the blank characters (and empty lines) at its ends.
pub(super) fn trim(text: &str) -> &str {
    text.trim_matches(blank)
}

/// Appends a word for an HTML-like label: special characters as character
/// references. A word holds no blank character (see [`wrap_pieces`]).
fn push_html(out: &mut String, word: &str) {
    if word.bytes().all(|b| b < 0x80 && HTML_PLAIN[b as usize]) {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Graphviz expands `\G`, `\N`, … in HTML-like labels too, and
            // shows `\\` as one backslash.
            '\\' => out.push_str("&#92;&#92;"),
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '|' => out.push_str("&#124;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            // Not in a word; kept safe should one get here.
            c if blank(c) => out.push(' '),
            c => out.push(c),
        }
    }
}

/// A piece of wrapped text.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    /// A word (no blank character in it), never empty.
    Word(&'a str),
    /// The space between two words on a line.
    Space,
    /// A line break (written by the user or made by wrapping): always between
    /// two lines that have words, or one empty line between them.
    Break,
}

/// Cuts text into lines of words (see the module's documentation) and gives
/// them to `emit` piece by piece: words, spaces between words on a line, and
/// line breaks. Without `keep_breaks`, the user's line breaks are spaces too
/// (for a title mentioned inside a line). Nothing is emitted for a text
/// without words.
fn wrap_pieces<'a>(text: &'a str, keep_breaks: bool, mut emit: impl FnMut(Piece<'a>)) {
    // Line breaks still owed before the next word (0 before the first word,
    // at most 2: one empty line in between).
    let mut breaks = 0;
    let mut started = false;
    // The width of the line so far.
    let mut width = 0;
    for line in trim(text).split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        for line in line.split('\r') {
            if started && keep_breaks {
                breaks = (breaks + 1).min(2);
                width = 0;
            }
            for word in line.split(separates).filter(|w| !w.is_empty()) {
                for chunk in chunks(word) {
                    let len = if chunk.is_ascii() {
                        chunk.len()
                    } else {
                        chunk.chars().count()
                    };
                    if breaks > 0 {
                        for _ in 0..breaks {
                            emit(Piece::Break);
                        }
                        breaks = 0;
                    } else if width > 0 && width + 1 + len > WRAP {
                        emit(Piece::Break);
                        width = 0;
                    } else if width > 0 {
                        emit(Piece::Space);
                        width += 1;
                    }
                    emit(Piece::Word(chunk));
                    width += len;
                    started = true;
                }
            }
        }
    }
}

/// A word cut into pieces of at most [`WRAP`] characters.
fn chunks(word: &str) -> impl Iterator<Item = &str> {
    let mut rest = word;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        // At most WRAP bytes: at most WRAP characters.
        if rest.len() <= WRAP {
            return Some(std::mem::take(&mut rest));
        }
        let end = rest.char_indices().nth(WRAP).map_or(rest.len(), |(i, _)| i);
        let (chunk, next) = rest.split_at(end);
        rest = next;
        Some(chunk)
    })
}

/// Appends wrapped, escaped text; returns whether anything was written (a
/// text without words writes nothing).
pub(super) fn push_text(out: &mut String, text: &str) -> bool {
    push_styled(out, "", "", text)
}

/// Appends wrapped, escaped text whose line breaks are spaces: a title
/// mentioned in a line of text ("owner: …", "serves: …").
pub(super) fn push_inline(out: &mut String, text: &str) {
    push_pieces(out, "", "", text, false);
}

/// Appends wrapped, escaped text with each line that has words between `open`
/// and `close` (Graphviz allows no `<br/>` inside `<b>` and no empty `<b></b>`);
/// returns whether anything was written.
pub(super) fn push_styled(out: &mut String, open: &str, close: &str, text: &str) -> bool {
    push_pieces(out, open, close, text, true)
}

/// [`push_styled`], with the user's line breaks kept or made spaces.
fn push_pieces(out: &mut String, open: &str, close: &str, text: &str, keep_breaks: bool) -> bool {
    let mut in_line = false;
    let mut wrote = false;
    wrap_pieces(text, keep_breaks, |piece| match piece {
        Piece::Word(w) => {
            if !in_line {
                out.push_str(open);
                in_line = true;
            }
            push_html(out, w);
            wrote = true;
        }
        Piece::Space => out.push(' '),
        Piece::Break => {
            if in_line {
                out.push_str(close);
                in_line = false;
            }
            out.push_str("<br/>");
        }
    });
    if in_line {
        out.push_str(close);
    }
    wrote
}

/// Appends escaped text with each line in bold; returns whether anything was
/// written.
pub(super) fn push_bold(out: &mut String, text: &str) -> bool {
    push_styled(out, "<b>", "</b>", text)
}

/// Appends `text` as small text on lines of its own (a `<br/>`, then
/// `<font point-size=…>` around it), or nothing for a text without words.
pub(super) fn push_small_lines(out: &mut String, size: &str, italic: bool, text: &str) {
    if !has_words(text) {
        return;
    }
    out.push_str("<br/>");
    out.push_str("<font point-size=\"");
    out.push_str(size);
    out.push_str("\">");
    if italic {
        push_styled(out, "<i>", "</i>", text);
    } else {
        push_text(out, text);
    }
    out.push_str("</font>");
}

#[cfg(test)]
mod tests {
    use super::{Piece, WRAP, has_words, push_bold, push_html, push_text, wrap_pieces};

    fn html(word: &str) -> String {
        let mut s = String::new();
        push_html(&mut s, word);
        s
    }

    fn wrap(text: &str) -> String {
        wrap_with(text, true)
    }

    fn wrap_with(text: &str, keep_breaks: bool) -> String {
        let mut s = String::new();
        wrap_pieces(text, keep_breaks, |piece| match piece {
            Piece::Word(w) => s.push_str(w),
            Piece::Space => s.push(' '),
            Piece::Break => s.push('\n'),
        });
        s
    }

    fn text(text: &str) -> String {
        let mut s = String::new();
        push_text(&mut s, text);
        s
    }

    fn bold(text: &str) -> String {
        let mut s = String::new();
        push_bold(&mut s, text);
        s
    }

    #[test]
    fn html_escapes_every_special_character() {
        assert_eq!(
            html("a\"->b[x=<y>]{z}|\\&'"),
            "a&quot;-&gt;b&#91;x=&lt;y&gt;&#93;&#123;z&#125;&#124;&#92;&#92;&amp;&#39;"
        );
        assert_eq!(html("émoji🎉"), "émoji🎉");
        assert_eq!(
            text("a \" -> b & 'c' \\N"),
            "a &quot; -&gt; b &amp; &#39;c&#39; &#92;&#92;N"
        );
    }

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_line_breaks() {
        assert_eq!(wrap("short"), "short");
        assert_eq!(
            wrap("Welcome email with a kickoff booking link goes out"),
            "Welcome email with a kickoff\nbooking link goes out"
        );
        assert_eq!(wrap("a\nb  c"), "a\nb c");
        assert_eq!(wrap("a\r\nb\rc"), "a\nb\nc");
    }

    #[test]
    fn inline_text_has_no_line_breaks_of_its_own() {
        assert_eq!(wrap_with("Call\n\nthe\r\nlead", false), "Call the lead");
        assert_eq!(
            wrap_with("Welcome email\nwith a kickoff booking link", false),
            "Welcome email with a kickoff\nbooking link"
        );
    }

    #[test]
    fn long_words_are_cut() {
        let x = "x".repeat(WRAP);
        assert_eq!(wrap(&"x".repeat(2 * WRAP + 3)), format!("{x}\n{x}\nxxx"));
        assert_eq!(wrap(&"é".repeat(WRAP)), "é".repeat(WRAP));
        assert_eq!(wrap(&format!("a {x}")), format!("a\n{x}"));
    }

    #[test]
    fn empty_lines_are_kept_once_and_trimmed_at_the_ends() {
        assert_eq!(wrap("Call\n\nthe lead"), "Call\n\nthe lead");
        assert_eq!(wrap("Call\n\n\n \n\r\n\rthe lead"), "Call\n\nthe lead");
        assert_eq!(wrap("\n\n Call \n"), "Call");
        assert_eq!(wrap("a\r\r\nb"), "a\n\nb");
    }

    #[test]
    fn blanks_and_control_characters_separate_words() {
        assert_eq!(wrap("a\tb\u{7}c\u{0}\u{85}d\u{FFFF}e"), "a b c d e");
        for blank in [
            "",
            " ",
            "\n",
            "\r\n\r\n",
            " \t\u{7}\u{1b}\u{FFFE} ",
            "\u{85}",
        ] {
            assert_eq!(wrap(blank), "", "{blank:?}");
            assert!(!has_words(blank), "{blank:?}");
            assert_eq!(text(blank), "");
            assert_eq!(bold(blank), "");
        }
        assert!(has_words("\u{feff}"));
    }

    #[test]
    fn bold_never_wraps_a_break_or_nothing() {
        assert_eq!(
            bold("Call\n\nthe lead"),
            "<b>Call</b><br/><br/><b>the lead</b>"
        );
        assert_eq!(bold("\nCall\n"), "<b>Call</b>");
        assert_eq!(bold("a <b>"), "<b>a &lt;b&gt;</b>");
    }
}
