//! The canonical formatter: `.flow` text in, the same file in the canonical
//! style out (the style is described, with examples, in `docs/formatting.md`).
//!
//! The formatter rebuilds the text from the syntax tree: every token is copied
//! from the source by its span (names, durations and strings exactly as
//! written, `"""` strings byte for byte) and only the whitespace between tokens
//! is decided here. Comments come from [`File::comments`] and are put back
//! between the same two tokens they were written between:
//!
//! - a comment on the line of the code before it stays at the end of that
//!   line (`owner ops # the CEO`);
//! - a comment on a line of its own stays on a line of its own, at the
//!   indentation of the block it stands in;
//! - a comment *inside* a line of code (between an attribute's keyword and its
//!   value, between the names of a list, inside a declaration's header) ends
//!   that line, and the rest of the line continues one level deeper;
//! - a comment between a header and its `{` moves just after the `{`.
//!
//! A file with syntax errors is never formatted: [`format_source`] returns the
//! errors instead.
//!
//! [`File::comments`]: crate::ast::File::comments

use std::borrow::Cow;

use crate::ast::{Attr, Condition, Decl, DeclKind, Entry, Item, Use, Value};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// Formatting options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatOptions {
    /// Spaces per indentation level (2 in the canonical style).
    pub indent: usize,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions { indent: 2 }
    }
}

/// The byte-order mark, kept at the start of the output when the input had it.
const BOM: char = '\u{feff}';

/// Formats Flow source text in the canonical style.
///
/// The output keeps every comment and every token as written, and means the
/// same as the input; formatting it again changes nothing. Line endings become
/// `\n` (also inside `"""` strings, whose value does not change: the language
/// reads `\r\n` there as `\n`); a leading byte-order mark is kept.
///
/// ```
/// use procflow::fmt::{FormatOptions, format_source};
///
/// let text = "role ops \"Operations\" {  who \"Maria\"   # since May\n}\nrole founder";
/// let formatted = format_source(text, &FormatOptions::default()).unwrap();
/// assert_eq!(
///     formatted,
///     "role ops \"Operations\" {\n  who \"Maria\" # since May\n}\n\nrole founder\n"
/// );
/// ```
///
/// # Errors
/// When the text has syntax errors: they are returned (as the parser reports
/// them, spans in `FileId(0)`, counted after the byte-order mark if there is
/// one) and nothing is formatted. Only a U+FEFF at offset 0 is a byte-order
/// mark; a second one is a syntax error, as for `check`.
pub fn format_source(text: &str, options: &FormatOptions) -> Result<String, Vec<Diagnostic>> {
    match text.strip_prefix(BOM) {
        Some(rest) => format_text(rest, options).map(|out| format!("{BOM}{out}")),
        None => format_text(text, options),
    }
}

/// [`format_source`] for a text that has no byte-order mark of its own (a
/// Markdown `flow` block): a U+FEFF at its start is a syntax error, as it is
/// for `check`. The error spans are in `text`.
///
/// # Errors
/// When the text has syntax errors, as [`format_source`].
pub fn format_text(text: &str, options: &FormatOptions) -> Result<String, Vec<Diagnostic>> {
    let (file, errors) = crate::syntax::parse(FileId(0), text);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut comments: Vec<(usize, usize)> = file
        .comments
        .iter()
        .map(|s| (s.start as usize, s.end as usize))
        .collect();
    comments.sort_unstable();
    comments.dedup();
    let mut f = Formatter {
        text,
        comments,
        next: 0,
        w: Writer {
            out: String::with_capacity(text.len() + text.len() / 8),
            unit: options.indent,
            line_empty: true,
        },
    };
    let items: Vec<Elem<'_>> = file
        .items
        .iter()
        .map(|item| match item {
            Item::Use(u) => Elem::Use(u),
            Item::Decl(d) => Elem::Decl(d),
        })
        .collect();
    f.sequence(&items, text.len(), Seq::new(0, true, 0, 0));
    f.w.end_line();
    debug_assert_eq!(f.next, f.comments.len(), "every comment is written");
    Ok(f.w.out)
}

/// The number of line breaks in `gap` (up to 2, all the formatter needs to
/// know): `\r\n` counts once, a lone `\r` and a `\n` once each.
fn line_breaks(gap: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < gap.len() && count < 2 {
        match gap[i] {
            b'\r' => {
                count += 1;
                if gap.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => count += 1,
            _ => {}
        }
        i += 1;
    }
    count
}

/// One line-starting element of a sequence: a top-level item or a block entry.
#[derive(Clone, Copy)]
enum Elem<'a> {
    Use(&'a Use),
    Decl(&'a Decl),
    Attr(&'a Attr),
}

impl Elem<'_> {
    /// Where the element starts.
    fn start(self) -> usize {
        match self {
            Elem::Use(u) => u.span.start as usize,
            Elem::Decl(d) => d.span.start as usize,
            Elem::Attr(a) => a.span.start as usize,
        }
    }

    /// Where the element's last token ends. (Not the end of `Decl::span` or
    /// `Attr::span`: the span of a declaration without a block, and of a list
    /// attribute, also covers the blanks and comments after it, which pest's
    /// implicit whitespace before a missing optional part takes in.)
    fn end(self) -> usize {
        let span = match self {
            Elem::Use(u) => u.path.span,
            Elem::Attr(a) => a.value.end(a.keyword),
            Elem::Decl(d) => match (&d.body, &d.implements, &d.title) {
                (Some(body), _, _) => body.close,
                (None, Some(process), _) => process.span,
                (None, None, Some(title)) => title.span,
                (None, None, None) => d.name.span,
            },
        };
        span.end as usize
    }
}

/// What was last written on a line of its own in the current sequence (for
/// the blank-line rules).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Nothing yet: no blank line at the start of a file or a block.
    Start,
    /// An item or an entry.
    Code,
    /// A comment on a line of its own.
    Comment,
}

/// The state of a sequence of elements (a file or a block) being written.
struct Seq {
    /// The level of its elements.
    level: usize,
    /// Whether it is the file's top level.
    top: bool,
    /// Where the block's `{` ends (where the file starts, at top level).
    open: usize,
    /// What was last written on a line of its own.
    last: Last,
    /// Where the last code or comment written ends in the source.
    prev_end: usize,
    /// Whether a comment can go at the end of the current output line.
    can_trail: bool,
}

impl Seq {
    /// A sequence at `level` that starts after the source's `prev_end` (a
    /// header, or the start of the file) and, in a block, the `{` at `open`.
    fn new(level: usize, top: bool, prev_end: usize, open: usize) -> Seq {
        Seq {
            level,
            top,
            open,
            last: Last::Start,
            prev_end,
            can_trail: false,
        }
    }
}

/// A token to write: its source range and its text.
struct Token<'a> {
    start: usize,
    end: usize,
    text: Cow<'a, str>,
}

/// The output, written a line at a time. Indentation is written lazily with
/// the first word of a line, so blank lines never hold spaces.
struct Writer {
    out: String,
    /// Spaces per level.
    unit: usize,
    /// Nothing written on the current line yet.
    line_empty: bool,
}

impl Writer {
    /// Writes `s` on the current line after a space, or at the start of a new
    /// line indented `level` levels.
    fn word(&mut self, level: usize, s: &str) {
        if self.line_empty {
            self.out.extend(std::iter::repeat_n(' ', level * self.unit));
        } else {
            self.out.push(' ');
        }
        self.out.push_str(s);
        self.line_empty = false;
    }

    /// Ends the current line, if anything is on it.
    fn end_line(&mut self) {
        if !self.line_empty {
            self.out.push('\n');
            self.line_empty = true;
        }
    }

    /// Writes an empty line (after [`Writer::end_line`]).
    fn blank(&mut self) {
        self.out.push('\n');
    }

    /// Writes a comment at the end of the current line and ends it.
    fn trailing(&mut self, comment: &str) {
        self.out.push(' ');
        self.out.push_str(comment);
        self.line_empty = false;
        self.end_line();
    }
}

struct Formatter<'a> {
    text: &'a str,
    /// Every comment's byte range, in source order.
    comments: Vec<(usize, usize)>,
    /// The first comment not written yet.
    next: usize,
    w: Writer,
}

impl<'a> Formatter<'a> {
    /// The next unwritten comment if it starts before `before`, taken.
    fn comment_before(&mut self, before: usize) -> Option<(usize, usize)> {
        let c = *self.comments.get(self.next)?;
        if c.0 < before {
            self.next += 1;
            Some(c)
        } else {
            None
        }
    }

    /// A comment's text, without trailing blanks.
    fn comment_text(&self, (start, end): (usize, usize)) -> &'a str {
        self.text[start..end].trim_end_matches(|c: char| c.is_ascii_whitespace())
    }

    /// Whether the source has a line break between `from` and `to`: `\n`,
    /// `\r\n` or a lone `\r` (which also ends a comment).
    fn line_break(&self, from: usize, to: usize) -> bool {
        line_breaks(&self.text.as_bytes()[from..to]) > 0
    }

    /// Whether a blank line goes before a line-starting thing at `start` in
    /// `seq`: never first in a file or block; always after a top-level item;
    /// else where the source had one (several collapse into one).
    fn blank_before(&self, seq: &Seq, start: usize) -> bool {
        match seq.last {
            Last::Start => false,
            Last::Code if seq.top => true,
            _ => line_breaks(&self.text.as_bytes()[seq.prev_end..start]) > 1,
        }
    }

    /// Writes the elements of a file or a block, with the comments among them
    /// up to `end`.
    fn sequence(&mut self, elems: &[Elem<'_>], end: usize, mut seq: Seq) {
        seq.can_trail = !self.w.line_empty;
        for &elem in elems {
            let start = elem.start();
            self.comments_between(&mut seq, start);
            let blank = self.blank_before(&seq, start);
            self.w.end_line();
            if blank {
                self.w.blank();
            }
            match elem {
                Elem::Use(u) => self.use_item(u, seq.level),
                Elem::Decl(d) => self.decl(d, seq.level),
                Elem::Attr(a) => self.attr(a, seq.level),
            }
            seq.last = Last::Code;
            seq.prev_end = elem.end();
            seq.can_trail = true;
        }
        self.comments_between(&mut seq, end);
    }

    /// Writes the comments before `before` that stand between elements: at
    /// the end of the current line if written on the line of the code before
    /// them (the previous element, or the block's header or `{`), else on
    /// lines of their own.
    fn comments_between(&mut self, seq: &mut Seq, before: usize) {
        while let Some(c) = self.comment_before(before) {
            let text = self.comment_text(c);
            let code_end = if c.0 >= seq.open {
                seq.prev_end.max(seq.open)
            } else {
                seq.prev_end
            };
            if seq.can_trail && !self.line_break(code_end, c.0) {
                self.w.trailing(text);
            } else {
                let blank = self.blank_before(seq, c.0);
                self.w.end_line();
                if blank {
                    self.w.blank();
                }
                self.w.word(seq.level, text);
                self.w.end_line();
                seq.last = Last::Comment;
            }
            seq.can_trail = false;
            seq.prev_end = c.1;
        }
    }

    /// Writes one line of code at `level`: `tokens` separated by one space.
    /// A comment between two tokens ends the line (at its end if written on
    /// the line of the token before it, else on a line of its own), and the
    /// rest continues one level deeper. Returns the end of the last token and
    /// the level the line ended at.
    fn line(&mut self, tokens: &[Token<'_>], level: usize) -> (usize, usize) {
        let mut at = level;
        let mut prev_end = tokens.first().map_or(0, |t| t.start);
        for (i, token) in tokens.iter().enumerate() {
            if i > 0 {
                while let Some(c) = self.comment_before(token.start) {
                    let text = self.comment_text(c);
                    if self.line_break(prev_end, c.0) {
                        self.w.end_line();
                        self.w.word(level + 1, text);
                        self.w.end_line();
                    } else {
                        self.w.trailing(text);
                    }
                    at = level + 1;
                    prev_end = c.1;
                }
            }
            self.w.word(at, &token.text);
            prev_end = token.end;
        }
        (prev_end, at)
    }

    /// The token at `span`, as written.
    fn token(&self, span: Span) -> Token<'a> {
        let (start, end) = (span.start as usize, span.end as usize);
        Token {
            start,
            end,
            text: Cow::Borrowed(&self.text[start..end]),
        }
    }

    /// A string literal as written; line breaks inside a `"""` string become
    /// `\n` (its value is the same: the language reads `\r\n` there as `\n`).
    fn string(&self, span: Span) -> Token<'a> {
        let mut token = self.token(span);
        if token.text.contains("\r\n") {
            token.text = Cow::Owned(block_line_ends(&token.text));
        }
        token
    }

    /// A keyword of `len` bytes at `start`.
    fn keyword(&self, start: usize, len: usize) -> Token<'a> {
        Token {
            start,
            end: start + len,
            text: Cow::Borrowed(&self.text[start..start + len]),
        }
    }

    fn use_item(&mut self, u: &Use, level: usize) {
        let start = u.span.start as usize;
        let tokens = [self.keyword(start, "use".len()), self.string(u.path.span)];
        self.line(&tokens, level);
    }

    fn attr(&mut self, a: &Attr, level: usize) {
        let mut tokens = vec![self.token(a.keyword)];
        match &a.value {
            Value::None => {}
            Value::Str(s) => tokens.push(self.string(s.span)),
            Value::Ident(i) => tokens.push(self.token(i.span)),
            Value::Duration(d) => tokens.push(self.token(d.span)),
            Value::Idents(names) => {
                // The comma goes right after its name, before any comment
                // that was written between the name and the comma.
                for (i, name) in names.iter().enumerate() {
                    let mut token = self.token(name.span);
                    if i + 1 < names.len() {
                        token.text = Cow::Owned(format!("{},", token.text));
                    }
                    tokens.push(token);
                }
            }
            Value::Decision(name, question) => {
                tokens.push(self.token(name.span));
                tokens.push(self.string(question.span));
            }
            Value::Conditions(conditions) => {
                for (i, c) in conditions.iter().enumerate() {
                    let mut last = match c {
                        Condition::Text(s) => self.string(s.span),
                        Condition::Decision { not, name } => {
                            if let Some(not) = not {
                                tokens.push(self.token(*not));
                            }
                            self.token(name.span)
                        }
                    };
                    if i + 1 < conditions.len() {
                        last.text = Cow::Owned(format!("{},", last.text));
                    }
                    tokens.push(last);
                }
            }
            Value::Rework(r) => {
                tokens.push(self.token(r.step.span));
                tokens.push(self.token(r.when));
                tokens.push(self.token(r.not));
                tokens.push(self.token(r.decision.span));
            }
        }
        self.line(&tokens, level);
    }

    fn decl(&mut self, d: &Decl, level: usize) {
        let keyword = match d.kind {
            DeclKind::Role => "role",
            DeclKind::Tool => "tool",
            DeclKind::Process => "process",
            DeclKind::Workflow => "workflow",
            DeclKind::ProcessStep | DeclKind::WorkflowStep => "step",
        };
        let mut tokens = vec![
            self.keyword(d.span.start as usize, keyword.len()),
            self.token(d.name.span),
        ];
        if let Some(title) = &d.title {
            tokens.push(self.string(title.span));
        }
        if let Some(process) = &d.implements {
            // The tree has no span for the header's `implements` keyword: it
            // is the first thing after the name or title that is not a blank
            // or a comment.
            let after = tokens.last().map_or(0, |t| t.end);
            let start = self.skip_trivia(after);
            tokens.push(self.keyword(start, "implements".len()));
            tokens.push(self.token(process.span));
        }
        let (header_end, at) = self.line(&tokens, level);
        let Some(body) = &d.body else { return };
        let close = body.close.start as usize;
        let has_comments = self.comments.get(self.next).is_some_and(|c| c.0 < close);
        if body.entries.is_empty() && !has_comments {
            self.w.word(at, "{}");
            return;
        }
        self.w.word(at, "{");
        let entries: Vec<Elem<'_>> = body
            .entries
            .iter()
            .map(|e| match e {
                Entry::Attr(a) => Elem::Attr(a),
                Entry::Step(s) => Elem::Decl(s),
            })
            .collect();
        // Comments between the header and `{` are written as the block's
        // first ones: one on the header's line stays on it, after the `{`.
        let seq = Seq::new(level + 1, false, header_end, body.open.end as usize);
        self.sequence(&entries, close, seq);
        self.w.end_line();
        self.w.word(level, "}");
    }

    /// The first byte at or after `pos` that is not a blank or in a comment.
    fn skip_trivia(&self, mut pos: usize) -> usize {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(pos) {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
                b'#' => {
                    pos += bytes[pos..]
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .unwrap_or(bytes.len() - pos);
                }
                _ => break,
            }
        }
        pos
    }
}

/// The text of a `"""` string with its line breaks written `\n`, keeping its
/// value, and a fixed point (formatting it again changes nothing). The value
/// replaces each `\r\n` by `\n` once, then drops one `\r` before each line
/// break (`syntax::strings::cook_block`), so a line break after one or two
/// `\r`s is a bare line break and is written `\n`. After three or more the
/// value keeps `\r`s, and no text without `\r\n` has that value: such a
/// line end is left as written. (Replacing `\r\n` once, as before, turned
/// `\r\r\n` into `\r\n`, which the next pass turned into `\n`: found by
/// the `fmt` fuzz target.)
fn block_line_ends(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(newline) = rest.find('\n') {
        let line = &rest[..newline];
        let bare = line.trim_end_matches('\r');
        out.push_str(if line.len() - bare.len() <= 2 {
            bare
        } else {
            line
        });
        out.push('\n');
        rest = &rest[newline + 1..];
    }
    out.push_str(rest);
    out
}
