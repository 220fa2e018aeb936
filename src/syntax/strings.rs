//! String literal values, keywords and identifiers.

/// Every keyword of the language; none of them can be a name.
pub const KEYWORDS: &[&str] = &[
    "use",
    "role",
    "tool",
    "process",
    "workflow",
    "step",
    "implements",
    "owner",
    "after",
    "when",
    "wait",
    "within",
    "automated",
    "needs",
    "produces",
    "run",
    "description",
    "outcome",
    "trigger",
    "who",
    "url",
    "external",
    "optional",
    "version",
    "allow",
];

/// Whether `word` is a keyword.
#[must_use]
pub fn is_keyword(word: &str) -> bool {
    // A `match` compiles to a switch on the length, then a few compares: this
    // runs for every name of every file. A test keeps it equal to `KEYWORDS`.
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

/// The value of a `"…"` literal's contents (between the quotes), escapes
/// applied. The grammar has already checked the shape of every escape; a
/// `\u{…}` that is not a character (a surrogate, or above 10FFFF) is returned
/// as `Err((offset, len))` of the escape within `raw`.
pub(super) fn cook_line(raw: &str) -> Result<String, (usize, usize)> {
    if !raw.contains('\\') {
        return Ok(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'u')) => {
                let hex: String = chars
                    .by_ref()
                    .skip(1)
                    .map(|(_, c)| c)
                    .take_while(|&c| c != '}')
                    .collect();
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(ch.ok_or((at, hex.len() + 4))?);
            }
            Some((_, other)) => out.push(other),
            None => {}
        }
    }
    Ok(out)
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
            Ok("a\"b\\c\nd\te\u{1F600}".to_owned())
        );
        assert_eq!(cook_line(r"ok \u{D800}"), Err((3, 8)));
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
    }

    #[test]
    fn is_keyword_is_keywords() {
        for kw in KEYWORDS {
            assert!(is_keyword(kw), "{kw}");
            assert!(!is_keyword(&format!("{kw}s")), "{kw}s");
            assert!(!is_keyword(&kw[1..]), "{kw} without its first letter");
        }
        assert_eq!(KEYWORDS.len(), 25);
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
