//! Positions and URIs: the compiler's byte offsets to LSP positions (lines and
//! UTF-16 code units) and back; `file:` URIs to paths and back.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

/// Offsets of the first byte of every line (`\n` ends a line; a `\r` before it
/// belongs to the line break).
pub fn line_starts(text: &str) -> Vec<u32> {
    let mut starts = vec![0];
    starts.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
    );
    starts
}

/// The text of line `line` without its line break.
fn line_text<'t>(text: &'t str, starts: &[u32], line: usize) -> (usize, &'t str) {
    let start = (starts[line] as usize).min(text.len());
    let end = starts
        .get(line + 1)
        .map_or(text.len(), |&s| (s as usize).min(text.len()));
    let mut s = &text[start..end];
    s = s.strip_suffix('\n').unwrap_or(s);
    s = s.strip_suffix('\r').unwrap_or(s);
    (start, s)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The LSP position of a byte offset (clamped to the text and to a character
/// boundary).
pub fn position(text: &str, starts: &[u32], offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = match starts.binary_search(&to_u32(offset)) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let start = (starts[line] as usize).min(offset);
    let character = text[start..offset].encode_utf16().count();
    Position::new(to_u32(line), to_u32(character))
}

/// The byte offset of an LSP position. A line past the end means the end of
/// the text; a character past the end of its line means the end of the line;
/// a position inside a surrogate pair means the start of that character.
pub fn offset(text: &str, starts: &[u32], pos: Position) -> usize {
    let line = pos.line as usize;
    if line >= starts.len() {
        return text.len();
    }
    let (start, line_text) = line_text(text, starts, line);
    let mut units = 0usize;
    for (i, c) in line_text.char_indices() {
        if units + c.len_utf16() > pos.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + line_text.len()
}

/// The LSP range of a byte range.
pub fn range(text: &str, starts: &[u32], start: usize, end: usize) -> Range {
    Range::new(position(text, starts, start), position(text, starts, end))
}

/// The path of a `file:` URI (percent-decoded), or `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s
        .strip_prefix("file://")
        .or_else(|| s.strip_prefix("FILE://"))?;
    // Skip the authority (empty or `localhost`).
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    // `file:///C:/x` is `C:/x` on Windows.
    #[cfg(windows)]
    let decoded = {
        let b = decoded.as_bytes();
        if b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
            decoded[1..].to_owned()
        } else {
            decoded
        }
    };
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file:` URI of a path (made absolute; unreserved characters and `/`
/// kept, everything else percent-encoded).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let s = path.to_str()?.replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) || (b == b':' && cfg!(windows)) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_round_trip() {
        let text = "ab\n😀x é\r\nlast";
        let starts = line_starts(text);
        let x = text.find('x').unwrap();
        assert_eq!(position(text, &starts, x), Position::new(1, 2));
        assert_eq!(offset(text, &starts, Position::new(1, 2)), x);
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(offset(text, &starts, Position::new(1, 1)), 3);
        // Past the end of a line: before its `\r\n`.
        assert_eq!(
            offset(text, &starts, Position::new(1, 99)),
            text.find('\r').unwrap()
        );
        assert_eq!(offset(text, &starts, Position::new(9, 0)), text.len());
        assert_eq!(position(text, &starts, text.len()), Position::new(2, 4));
    }

    #[test]
    fn uris() {
        let uri = path_to_uri(Path::new("/tmp/a b/ü.flow")).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC.flow");
        assert_eq!(uri_to_path(&uri).unwrap(), PathBuf::from("/tmp/a b/ü.flow"));
        let other = Uri::from_str("untitled:Untitled-1").unwrap();
        assert!(uri_to_path(&other).is_none());
    }
}
