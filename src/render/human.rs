//! The rich terminal format, through codespan-reporting: source excerpts with
//! labels, then the help.
//!
//! codespan-reporting prints each labelled line whole, as it finds it in the
//! source. That is unsafe and unbounded for hostile files: a string can hold
//! ESC and BEL, which would reach the terminal, and a line can be megabytes
//! long, repeated in every diagnostic on it. So each diagnostic is rendered
//! from an [`Excerpt`] of each file it points into: only the lines codespan
//! shows, each cut to [`CONTEXT`] characters around the labels on it (`…`
//! where text was left out), with unsafe characters written as escapes
//! (`\u{1b}`). Line numbers and columns stay those of the real file.

use std::ops::Range;

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files, Location};
use codespan_reporting::term::termcolor::Buffer;
use codespan_reporting::term::{self, Config};

use super::{escape_controls, is_unsafe_char, push_escape};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceFile, SourceMap};

/// Options of the human format.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Use ANSI colours.
    pub color: bool,
}

/// A line longer than this many bytes is cut around its labels.
const LONG_LINE: usize = 160;
/// Characters kept on each side of a label's start or end in a cut line.
const CONTEXT: usize = 60;
/// What stands for text left out of a line.
const ELLIPSIS: &str = "…";

/// A run of the excerpt copied unchanged from the file.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Byte offset in the file.
    real: usize,
    /// Length in bytes.
    len: usize,
    /// Byte offset in the excerpt.
    at: usize,
}

/// One line of an excerpt.
#[derive(Debug)]
struct ExcerptLine {
    /// 0-based line index in the file.
    index: usize,
    /// Its bytes in the excerpt, the final `\n` included.
    range: Range<usize>,
    /// The runs copied from the file, in order; what lies between them is
    /// an ellipsis or an escape.
    pieces: Vec<Piece>,
}

/// The lines of one file that one diagnostic shows, shortened and escaped.
struct Excerpt<'a> {
    id: FileId,
    file: &'a SourceFile,
    name: String,
    text: String,
    /// Sorted by line index.
    lines: Vec<ExcerptLine>,
}

impl<'a> Excerpt<'a> {
    /// The excerpt of `file` holding the lines of `labels` (byte ranges in it).
    fn new(id: FileId, file: &'a SourceFile, labels: &[Range<usize>], config: &Config) -> Self {
        let len = file.text.len();
        let mut wanted: Vec<usize> = Vec::new();
        for l in labels {
            let start = file.line_index(l.start.min(len));
            let end = file.line_index(l.end.min(len));
            wanted.push(start);
            wanted.push(end);
            // The lines codespan shows inside a label over several lines.
            let first_hidden = start + config.start_context_lines + 1;
            let last_hidden = end.saturating_sub(config.end_context_lines + 1);
            wanted.extend(start + 1..end.min(first_hidden + 1));
            wanted.extend(last_hidden.max(start + 1)..end);
        }
        wanted.sort_unstable();
        wanted.dedup();
        // codespan also prints the one line between two it shows.
        let mut gaps: Vec<usize> = wanted
            .windows(2)
            .filter(|w| w[1] - w[0] == 2)
            .map(|w| w[0] + 1)
            .collect();
        wanted.append(&mut gaps);
        wanted.sort_unstable();
        let mut excerpt = Excerpt {
            id,
            file,
            name: escape_controls(&file.name).into_owned(),
            text: String::new(),
            lines: Vec::with_capacity(wanted.len()),
        };
        for index in wanted {
            let points: Vec<usize> = labels
                .iter()
                .flat_map(|l| [l.start, l.end])
                .map(|p| file.floor_char_boundary(p))
                .filter(|&p| file.line_index(p) == index)
                .collect();
            excerpt.push_line(index, &points);
        }
        excerpt
    }

    /// Appends line `index`, cut around `points` when it is long.
    fn push_line(&mut self, index: usize, points: &[usize]) {
        let starts = self.file.line_starts();
        let text = self.file.text.as_str();
        let start = starts[index] as usize;
        let mut end = starts.get(index + 1).map_or(text.len(), |&e| e as usize);
        // The terminator is not shown (the last line may be empty, after
        // the file's final `\n`).
        if text[start..end].ends_with('\n') {
            end -= 1;
        }
        // `\r\n`, or a lone `\r` (a line break too).
        if text[start..end].ends_with('\r') {
            end -= 1;
        }
        let segments = if end - start <= LONG_LINE {
            std::iter::once(start..end).collect()
        } else {
            self.segments(start..end, points)
        };
        let line_start = self.text.len();
        let mut pieces = Vec::new();
        let mut last = start;
        for segment in segments {
            if segment.start > last {
                self.text.push_str(ELLIPSIS);
            }
            self.push_escaped(segment.clone(), &mut pieces);
            last = segment.end;
        }
        if last < end {
            self.text.push_str(ELLIPSIS);
        }
        self.text.push('\n');
        self.lines.push(ExcerptLine {
            index,
            range: line_start..self.text.len(),
            pieces,
        });
    }

    /// The parts of a long line to show: [`CONTEXT`] characters around each
    /// point (the start of the line if none), merged where they meet.
    fn segments(&self, line: Range<usize>, points: &[usize]) -> Vec<Range<usize>> {
        let text = &self.file.text[line.clone()];
        let mut points: Vec<usize> = points
            .iter()
            .map(|&p| p.clamp(line.start, line.end) - line.start)
            .collect();
        if points.is_empty() {
            points.push(0);
        }
        points.sort_unstable();
        points.dedup();
        let mut out: Vec<Range<usize>> = Vec::new();
        for p in points {
            let before = text[..p]
                .char_indices()
                .rev()
                .nth(CONTEXT - 1)
                .map_or(0, |(i, _)| i);
            let after = text[p..]
                .char_indices()
                .nth(CONTEXT)
                .map_or(text.len(), |(i, _)| p + i);
            match out.last_mut() {
                Some(last) if before <= last.end => last.end = last.end.max(after),
                _ => out.push(before..after),
            }
        }
        out.into_iter()
            .map(|r| r.start + line.start..r.end + line.start)
            .collect()
    }

    /// Copies `range` of the file, unsafe characters escaped.
    fn push_escaped(&mut self, range: Range<usize>, pieces: &mut Vec<Piece>) {
        let text = &self.file.text[range.clone()];
        let mut run = 0;
        for (i, c) in text.char_indices() {
            if is_unsafe_char(c) {
                pieces.push(Piece {
                    real: range.start + run,
                    len: i - run,
                    at: self.text.len(),
                });
                self.text.push_str(&text[run..i]);
                push_escape(&mut self.text, c);
                run = i + c.len_utf8();
            }
        }
        pieces.push(Piece {
            real: range.start + run,
            len: text.len() - run,
            at: self.text.len(),
        });
        self.text.push_str(&text[run..]);
    }

    fn line(&self, index: usize) -> Option<&ExcerptLine> {
        self.lines
            .binary_search_by_key(&index, |l| l.index)
            .ok()
            .map(|i| &self.lines[i])
    }

    /// Where a byte offset of the file is in the excerpt.
    fn to_excerpt(&self, offset: usize) -> usize {
        let offset = self.file.floor_char_boundary(offset);
        let Some(line) = self.line(self.file.line_index(offset)) else {
            return self.text.len();
        };
        let i = line.pieces.partition_point(|p| p.real <= offset);
        match i.checked_sub(1).map(|i| line.pieces[i]) {
            Some(p) => p.at + (offset - p.real).min(p.len),
            None => line.pieces.first().map_or(line.range.start, |p| p.at),
        }
    }

    /// Where a byte offset of the excerpt comes from in the file.
    fn to_file(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|l| l.range.start <= offset);
        let Some(line) = i.checked_sub(1).map(|i| &self.lines[i]) else {
            return 0;
        };
        let j = line.pieces.partition_point(|p| p.at <= offset);
        match j.checked_sub(1).map(|j| line.pieces[j]) {
            Some(p) => p.real + (offset - p.at).min(p.len),
            None => self.file.line_starts()[line.index] as usize,
        }
    }
}

/// The excerpts of one diagnostic, as codespan's files.
struct Db<'a>(Vec<Excerpt<'a>>);

impl Db<'_> {
    fn get(&self, id: FileId) -> Result<&Excerpt<'_>, FilesError> {
        self.0
            .iter()
            .find(|e| e.id == id)
            .ok_or(FilesError::FileMissing)
    }
}

impl<'a> Files<'a> for Db<'_> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let e = self.get(id)?;
        let i = e.lines.partition_point(|l| l.range.start <= byte_index);
        i.checked_sub(1)
            .map(|i| e.lines[i].index)
            .ok_or(FilesError::IndexTooLarge {
                given: byte_index,
                max: e.text.len(),
            })
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let e = self.get(id)?;
        // A line inside a long label that codespan does not print: empty.
        Ok(e.line(line_index)
            .map_or(e.text.len()..e.text.len(), |l| l.range.clone()))
    }

    fn location(&'a self, id: FileId, byte_index: usize) -> Result<Location, FilesError> {
        let e = self.get(id)?;
        let at = e.file.line_col(e.to_file(byte_index));
        Ok(Location {
            line_number: at.line,
            column_number: at.column,
        })
    }
}

/// Renders diagnostics with source excerpts.
#[must_use]
pub fn human(sources: &SourceMap, diagnostics: &[Diagnostic], options: HumanOptions) -> String {
    let mut buffer = if options.color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    for d in diagnostics {
        let severity = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let mut excerpts: Vec<Excerpt<'_>> = Vec::new();
        for l in &d.labels {
            if excerpts.iter().all(|e| e.id != l.span.file) {
                let ranges: Vec<Range<usize>> = d
                    .labels
                    .iter()
                    .filter(|o| o.span.file == l.span.file)
                    .map(|o| o.span.range())
                    .collect();
                let file = sources.get(l.span.file);
                excerpts.push(Excerpt::new(l.span.file, file, &ranges, &config));
            }
        }
        let db = Db(excerpts);
        let labels = d
            .labels
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let e = db.get(l.span.file).ok()?;
                let range = e.to_excerpt(l.span.start as usize)..e.to_excerpt(l.span.end as usize);
                let label = if i == 0 {
                    CsLabel::primary(l.span.file, range)
                } else {
                    CsLabel::secondary(l.span.file, range)
                };
                Some(label.with_message(escape_controls(&l.message)))
            })
            .collect();
        let mut cs = CsDiagnostic::new(severity)
            .with_code(d.code.name())
            .with_message(escape_controls(&d.message))
            .with_labels(labels);
        if let Some(help) = &d.help {
            cs = cs.with_notes(vec![format!("help: {}", escape_controls(help))]);
        }
        // Rendering into memory fails only on spans outside their file, which
        // the compiler never makes; skip such a diagnostic rather than panic.
        let _ = term::emit_to_write_style(&mut buffer, &config, &db, &cs);
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}
