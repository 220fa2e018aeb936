//! String literal values, keywords and identifiers.

use std::ops::Range;

use crate::ast::{StrFlaw, StrLit};
use crate::source::{FileId, Span};

/// Whether `word` is a keyword.
#[must_use]
pub fn is_keyword(word: &str) -> bool {
    // A `match` compiles to a switch on the length, then a few compares: this
    // runs for every name of every file. A test keeps it equal to the reserved
    // words of the table (`super::words::reserved`).
    matches!(
        word,
        "use"
            | "role"
            | "tool"
            | "process"
            | "workflow"
            | "step"
            | "implements"
            | "owner"
            | "after"
            | "when"
            | "wait"
            | "within"
            | "automated"
            | "needs"
            | "produces"
            | "run"
            | "description"
            | "outcome"
            | "trigger"
            | "who"
            | "url"
            | "external"
            | "optional"
            | "version"
            | "allow"
    )
}

/// Whether `b` may continue a name or keyword: an ASCII letter or digit, `_`
/// or `-` (the grammar's `ident_char`).
pub(super) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether `word` is a valid name: an ASCII letter, then ASCII letters, digits,
/// `_` or `-`, and not a keyword.
#[must_use]
pub fn is_identifier(word: &str) -> bool {
    let mut bytes = word.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(is_name_byte)
        && !is_keyword(word)
}

/// The string literal `text` (quotes included) at `start` in the file: its
/// value (escapes applied, or dedented) and its flaws (see [`StrLit`]). The
/// grammar has already checked the shape of every escape. Both parsers build
/// their literals here, so their trees agree.
pub(super) fn literal(file: FileId, start: usize, text: &str, block: bool) -> StrLit {
    let at = |range: Range<usize>| Span::new(file, start + range.start, start + range.end);
    if block {
        let raw = &text[3..text.len() - 3];
        let value = cook_block(raw);
        let flaw = block_control(raw, &value)
            .map(|(c, r)| (StrFlaw::Control(c), at(r.start + 3..r.end + 3)));
        let breaks = value.contains(['\n', '\t']).then(|| at(0..text.len()));
        return StrLit {
            value,
            span: at(0..text.len()),
            block,
            flaw,
            breaks,
        };
    }
    let raw = &text[1..text.len() - 1];
    let (value, flaw, breaks) = cook_line(raw);
    StrLit {
        value,
        span: at(0..text.len()),
        block,
        flaw: flaw.map(|(f, r)| (f, at(r.start + 1..r.end + 1))),
        breaks: breaks.map(|r| at(r.start + 1..r.end + 1)),
    }
}

/// Whether a control character is allowed in some field: a line break or a
/// tab (what `\n` and `\t` write).
fn is_flaw_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// The first control character of a `"""` string's contents that is not a
/// line break or a tab (nor a `\r` before `\n` or `\r\n`, which the value
/// drops: see [`cook_block`]) and that its value keeps (the trailing
/// whitespace removed may hold some), with its range in `raw`.
fn block_control(raw: &str, value: &str) -> Option<(char, Range<usize>)> {
    let bytes = raw.as_bytes();
    let line_end = |i: usize| {
        bytes.get(i) == Some(&b'\n')
            || (bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n'))
    };
    let (at, c) = raw
        .char_indices()
        .find(|&(i, c)| is_flaw_control(c) && !(c == '\r' && line_end(i + 1)))?;
    // The value keeps everything from the first line on but the trailing
    // whitespace: if this one was cut, so were all after it.
    value.contains(c).then(|| (c, at..at + c.len_utf8()))
}

/// What a single-line literal's contents mean: the value with escapes
/// applied, the first flaw and the first line break or tab (ranges within
/// `raw`). An escape that is not a character writes U+FFFD.
type Cooked = (
    String,
    Option<(StrFlaw, Range<usize>)>,
    Option<Range<usize>>,
);

/// The value of a `"…"` literal's contents (between the quotes), escapes
/// applied, and its flaws (see [`Cooked`]).
pub(super) fn cook_line(raw: &str) -> Cooked {
    // Most strings have no escape and no control character.
    let plain = !raw.bytes().enumerate().any(|(i, b)| {
        b == b'\\'
            || b < 0x20
            || b == 0x7f
            || (b == 0xc2
                && raw
                    .as_bytes()
                    .get(i + 1)
                    .is_some_and(|n| (0x80..0xa0).contains(n)))
    });
    if plain {
        return (raw.to_owned(), None, None);
    }
    let mut out = String::with_capacity(raw.len());
    let mut flaw = None;
    let mut breaks = None;
    // What the character `c` written at `range` means (`None`: an escape
    // that is not a character).
    let mut note = |c: Option<char>, range: Range<usize>| match c {
        None => {
            flaw.get_or_insert((StrFlaw::NotAChar, range));
        }
        Some(c) if is_flaw_control(c) => {
            flaw.get_or_insert((StrFlaw::Control(c), range));
        }
        Some('\n' | '\t') => {
            breaks.get_or_insert(range);
        }
        Some(_) => {}
    };
    let mut chars = raw.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            note(Some(c), at..at + c.len_utf8());
            out.push(c);
            continue;
        }
        let Some((_, kind)) = chars.next() else { break };
        let end = chars.peek().map_or(raw.len(), |&(i, _)| i);
        match kind {
            'n' => {
                note(Some('\n'), at..end);
                out.push('\n');
            }
            't' => {
                note(Some('\t'), at..end);
                out.push('\t');
            }
            'u' => {
                let hex: String = chars
                    .by_ref()
                    .skip(1)
                    .map(|(_, c)| c)
                    .take_while(|&c| c != '}')
                    .collect();
                let range = at..at + hex.len() + 4;
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                note(ch, range);
                out.push(ch.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            other => out.push(other),
        }
    }
    (out, flaw, breaks)
}

/// The value of a `"""…"""` literal's contents: the newline right after the
/// opening quotes is dropped, the common leading indentation of the non-blank
/// lines is removed, trailing whitespace before the closing quotes is dropped,
/// and `\r\n` becomes `\n`. Escapes are not processed in block strings.
pub(super) fn cook_block(raw: &str) -> String {
    let crlf;
    let raw = if raw.contains('\r') {
        crlf = raw.replace("\r\n", "\n");
        crlf.as_str()
    } else {
        raw
    };
    let body = raw.strip_prefix('\n').unwrap_or(raw);
    let body = body.trim_end();
    let indent = body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(body.len());
    for (i, line) in body.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // Blank lines may be shorter than the indentation.
        let cut = indent.min(line.len() - line.trim_start_matches([' ', '\t']).len());
        out.push_str(&line[cut..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            cook_line(r#"a\"b\\c\nd\te\u{1F600}"#),
            ("a\"b\\c\nd\te\u{1F600}".to_owned(), None, Some(7..9))
        );
        assert_eq!(
            cook_line(r"ok \u{D800}"),
            (
                "ok \u{fffd}".to_owned(),
                Some((StrFlaw::NotAChar, 3..11)),
                None
            )
        );
        assert_eq!(
            cook_line("a\u{7f}\tb\\u{1b}"),
            (
                "a\u{7f}\tb\u{1b}".to_owned(),
                Some((StrFlaw::Control('\u{7f}'), 1..2)),
                Some(2..3)
            )
        );
        assert_eq!(cook_line("é ☕"), ("é ☕".to_owned(), None, None));
        assert_eq!(
            cook_line("\u{85}"),
            (
                "\u{85}".to_owned(),
                Some((StrFlaw::Control('\u{85}'), 0..2)),
                None
            )
        );
    }

    #[test]
    fn block_dedent() {
        let raw = "\n      Call within two days.\n        Indented.\n\n      Last.\n      ";
        assert_eq!(
            cook_block(raw),
            "Call within two days.\n  Indented.\n\nLast."
        );
        assert_eq!(cook_block("one line"), "one line");
        assert_eq!(cook_block("\r\n  a\r\n  b\r\n  "), "a\nb");
        assert_eq!(block_control("\r\n  a\r\n  b\r\n  ", "a\nb"), None);
        // `\r\r\n` is a line break in the value: a control character after it
        // is still found (the fmt fuzz target found it hidden).
        let raw = "\n  a\r\r\n  b\u{1}c\n  ";
        assert_eq!(cook_block(raw), "a\nb\u{1}c");
        assert_eq!(
            block_control(raw, &cook_block(raw)),
            Some(('\u{1}', 10..11))
        );
        assert_eq!(
            block_control("\n  a\u{1}b\n  ", "a\u{1}b"),
            Some(('\u{1}', 4..5))
        );
        assert_eq!(block_control("a\rb", "a\rb"), Some(('\r', 1..2)));
        // Trailing whitespace is not in the value.
        assert_eq!(block_control("a\u{b}", "a"), None);
    }

    #[test]
    fn is_keyword_is_keywords() {
        let keywords: Vec<&str> = super::super::words::reserved().collect();
        for kw in &keywords {
            assert!(is_keyword(kw), "{kw}");
            assert!(!is_keyword(&format!("{kw}s")), "{kw}s");
            assert!(!is_keyword(&kw[1..]), "{kw} without its first letter");
        }
        assert_eq!(keywords.len(), 25);
        for word in super::super::words::all() {
            assert_eq!(is_keyword(word), keywords.contains(&word), "{word}");
        }
        assert!(!is_keyword("Role"));
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("follow-up_2"));
        assert!(!is_identifier("2go"));
        assert!(!is_identifier("run"));
        assert!(!is_identifier("é"));
    }
}
