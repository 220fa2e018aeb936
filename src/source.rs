//! Source files, spans and positions.
//!
//! A [`Span`] (byte offsets into one file) is the only position type inside the
//! compiler. Lines and columns (in characters, for the CLI) and UTF-16 units (for
//! editors) are computed at the edges from a file's lazily built line index.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A range of bytes in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file the bytes belong to.
    pub file: FileId,
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span of `start..end` in `file`.
    #[must_use]
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: to_u32(start),
            end: to_u32(end),
        }
    }

    /// The byte range, for slicing the file's text.
    #[must_use]
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether `other` lies within this span (same file, inside its bytes).
    #[must_use]
    pub fn contains(self, other: Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
    }
}

/// Offsets are stored as `u32`; files are refused long before 4 GiB (see
/// [`MAX_FILE_BYTES`]), so saturating is only a guard.
/// The offset just after each line break of `text`: `\n`, `\r\n` or a lone
/// `\r` (the language reads all three as a line break; so do `CommonMark` and
/// LSP clients).
pub fn line_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(move |&i| !(bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
        .map(|i| i + 1)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The largest file procflow reads (256 MiB), far above any real `.flow` file.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

/// One loaded file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or as `use` resolved it); used in messages.
    pub name: String,
    /// The path on disk, when the file came from disk.
    pub path: Option<PathBuf>,
    /// The text, without a leading byte-order mark.
    pub text: String,
    line_starts: OnceLock<Vec<u32>>,
    char_index: OnceLock<CharIndex>,
}

/// Counts of characters before every [`CHAR_STEP`]-th byte, so that a column
/// costs at most `CHAR_STEP` bytes of counting, however long its line (a file
/// can hold 100,000 diagnostics on one line). Empty for ASCII text, where a
/// column is a byte difference.
#[derive(Debug)]
struct CharIndex {
    ascii: bool,
    /// `chars_before[k]`: characters in `text[..k * CHAR_STEP]`.
    chars_before: Vec<u32>,
}

/// Bytes between two checkpoints of a [`CharIndex`].
const CHAR_STEP: usize = 256;

/// Characters that start in `bytes` (every byte that is not a UTF-8
/// continuation byte starts one), so `bytes` need not lie on boundaries.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xc0) != 0x80).count()
}

impl SourceFile {
    /// Offsets of the first byte of every line (lines end as [`line_ends`]
    /// says).
    #[must_use]
    pub fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(line_ends(&self.text).map(to_u32))
                .collect()
        })
    }

    /// 0-based line index of a byte offset.
    #[must_use]
    pub fn line_index(&self, offset: usize) -> usize {
        let starts = self.line_starts();
        match starts.binary_search(&to_u32(offset)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line and character column of a byte offset (clamped to the text
    /// and to a character boundary).
    #[must_use]
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset);
        let line = self.line_index(offset);
        let start = self.line_starts()[line] as usize;
        LineCol {
            line: line + 1,
            column: self.chars_before(offset) - self.chars_before(start) + 1,
        }
    }

    /// The number of characters in `text[..offset]` (`offset` on a character
    /// boundary), in time bounded by [`CHAR_STEP`].
    fn chars_before(&self, offset: usize) -> usize {
        let index = self.char_index.get_or_init(|| {
            let bytes = self.text.as_bytes();
            if bytes.is_ascii() {
                return CharIndex {
                    ascii: true,
                    chars_before: Vec::new(),
                };
            }
            let mut chars_before = Vec::with_capacity(bytes.len() / CHAR_STEP + 1);
            let mut total = 0;
            chars_before.push(0);
            for chunk in bytes.chunks(CHAR_STEP) {
                total += count_chars(chunk);
                chars_before.push(to_u32(total));
            }
            CharIndex {
                ascii: false,
                chars_before,
            }
        });
        if index.ascii {
            return offset;
        }
        let k = offset / CHAR_STEP;
        index.chars_before[k] as usize + count_chars(&self.text.as_bytes()[k * CHAR_STEP..offset])
    }

    /// The largest character boundary at or before `offset`.
    #[must_use]
    pub fn floor_char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Every file loaded in one run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    #[must_use]
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id. A leading byte-order mark is dropped: it
    /// is not part of the text (editors do not show it, and columns must not
    /// count it).
    pub fn add(&mut self, name: impl Into<String>, path: Option<&Path>, text: String) -> FileId {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        let id = FileId(to_u32(self.files.len()));
        self.files.push(SourceFile {
            name: name.into(),
            path: path.map(Path::to_path_buf),
            text,
            line_starts: OnceLock::new(),
            char_index: OnceLock::new(),
        });
        id
    }

    /// The file with this id.
    ///
    /// # Panics
    /// If the id does not come from this map (a compiler bug).
    #[must_use]
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The text a span covers.
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        &self.get(span.file).text[span.range()]
    }

    /// All files, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(to_u32(i)), f))
    }

    /// Number of files.
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::SourceMap;

    /// A line ends at `\n`, `\r\n` or a lone `\r`.
    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let mut map = SourceMap::new();
        let id = map.add("t", None, "a\rb\r\nc\nd".to_owned());
        let file = map.get(id);
        assert_eq!(file.line_starts(), &[0, 2, 5, 7]);
        let at = file.line_col(6);
        assert_eq!((at.line, at.column), (3, 2));
    }

    /// Columns agree with counting characters from the line's start, across
    /// the checkpoints of the character index, in ASCII and non-ASCII files.
    #[test]
    fn columns_count_characters_on_long_lines() {
        let mut long = String::new();
        for i in 0..200 {
            long.push_str(&format!("é{i}😀 "));
        }
        for text in [
            format!("ascii\n{}\nend", "ab ".repeat(300)),
            format!("x\n{long}\n{long}é"),
        ] {
            let mut map = SourceMap::new();
            let id = map.add("t", None, text.clone());
            let file = map.get(id);
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
                let at = file.line_col(offset);
                assert_eq!(at.column, text[start..offset].chars().count() + 1);
                assert_eq!(at.line, text[..offset].matches('\n').count() + 1);
            }
        }
    }
}
