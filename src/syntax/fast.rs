//! The fast path: a hand-written recursive-descent parser for files that are
//! valid, producing exactly the tree that parsing with pest and lowering
//! produce.
//!
//! `grammar/flow.pest` stays the definition of the language and the pest
//! parser stays the only one that reports syntax errors. This parser is a
//! shortcut for the common case (a file with no syntax error): it gives up
//! (`None`) at the first thing it does not expect, and the caller then parses
//! the text again with pest, which finds and explains the error. So it may be
//! stricter than the grammar, never more lenient, and where both succeed the
//! trees are equal, spans and comments included. `tests/robustness.rs`
//! checks both on the examples, the fixtures, random valid files and random
//! mutations of them.
//!
//! Things the lowering reports as errors (a keyword used as a name, a `\u{…}`
//! escape that is not a character) also make this parser give up, so it never
//! produces a diagnostic.

use super::parse::starts_top_keyword;
use super::strings::{is_keyword, is_name_byte, literal};
use crate::ast::{
    Attr, AttrKind, Body, Decl, DeclKind, Duration, DurationUnit, Entry, File, Ident, Item, StrLit,
    Use, Value,
};
use crate::source::{FileId, Span};

/// Parses `text[from..to]` as a whole file (spans are offsets in `text`), or
/// `None` if it is not exactly what the grammar accepts without error.
pub(super) fn parse_valid(file: FileId, text: &str, from: usize, to: usize) -> Option<File> {
    let mut tree = File {
        // About one item per 500 bytes in real files: a guess that spares
        // most of the vector's regrowth.
        items: Vec::with_capacity((to - from) / 512),
        comments: Vec::new(),
    };
    (parse_items(file, text, from, to, &mut tree) == to).then_some(tree)
}

/// Parses the items of `text[from..to]` into `tree` for as long as they are
/// valid, each followed by the start of another item or the end (the grammar's
/// `item_then_next`, which recovery parses with). Returns where it stopped: `to`,
/// or the start of the first item it could not read, with the blanks and
/// comments before that item read.
fn parse_items(file: FileId, text: &str, from: usize, to: usize, tree: &mut File) -> usize {
    let mut p = Parser {
        text: &text[..to],
        bytes: &text.as_bytes()[..to],
        pos: from,
        file,
        comments: std::mem::take(&mut tree.comments),
    };
    p.trivia();
    while p.pos < p.bytes.len() {
        let start = p.pos;
        let comments = p.comments.len();
        let item = p.item().filter(|_| {
            p.trivia();
            p.pos >= p.bytes.len() || starts_top_keyword(&p.text[p.pos..])
        });
        let Some(item) = item else {
            p.pos = start;
            p.comments.truncate(comments);
            break;
        };
        tree.items.push(item);
    }
    tree.comments = p.comments;
    p.pos
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    file: FileId,
    comments: Vec<Span>,
}

impl<'t> Parser<'t> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// One top-level item.
    fn item(&mut self) -> Option<Item> {
        let start = self.pos;
        Some(match self.word()? {
            "use" => {
                self.trivia();
                let path = self.string()?;
                Item::Use(Use {
                    span: self.span(start, path.span.end as usize),
                    path,
                })
            }
            "role" => Item::Decl(self.decl(start, DeclKind::Role)?),
            "tool" => Item::Decl(self.decl(start, DeclKind::Tool)?),
            "process" => Item::Decl(self.decl(start, DeclKind::Process)?),
            "workflow" => Item::Decl(self.decl(start, DeclKind::Workflow)?),
            _ => return None,
        })
    }

    /// Blanks and comments (the grammar's implicit `WHITESPACE | COMMENT`),
    /// recording the comments.
    fn trivia(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'#' => {
                    let start = self.pos;
                    let end = self.bytes[start..]
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .map_or(self.bytes.len(), |n| start + n);
                    self.comments.push(self.span(start, end));
                    self.pos = end;
                }
                _ => return,
            }
        }
    }

    /// The grammar's `sep`: at least one blank or comment.
    fn sep(&mut self) -> Option<()> {
        let before = self.pos;
        self.trivia();
        (self.pos > before).then_some(())
    }

    /// An ASCII letter, then letters, digits, `_` and `-`: a keyword or a name.
    fn word(&mut self) -> Option<&'t str> {
        let start = self.pos;
        if !self.peek()?.is_ascii_alphabetic() {
            return None;
        }
        let len = self.bytes[start..]
            .iter()
            .position(|&b| !is_name_byte(b))
            .unwrap_or(self.bytes.len() - start);
        self.pos = start + len;
        Some(&self.text[start..self.pos])
    }

    /// A name (`ident`); a keyword makes the parser give up (lowering reports
    /// it). `code` in `allow` is the same shape without that rule.
    fn ident(&mut self, keyword_ok: bool) -> Option<Ident> {
        let start = self.pos;
        let text = self.word()?;
        if !keyword_ok && is_keyword(text) {
            return None;
        }
        Some(Ident {
            text: text.to_owned(),
            span: self.span(start, self.pos),
        })
    }

    /// `ident ~ ("," ~ ident)*` with blanks and comments between the tokens.
    fn idents(&mut self, keyword_ok: bool) -> Option<Vec<Ident>> {
        let mut out = vec![self.ident(keyword_ok)?];
        loop {
            let before = self.pos;
            let comments = self.comments.len();
            self.trivia();
            if self.peek() != Some(b',') {
                // Not a list separator: the blanks belong to what follows.
                self.pos = before;
                self.comments.truncate(comments);
                return Some(out);
            }
            self.pos += 1;
            self.trivia();
            out.push(self.ident(keyword_ok)?);
        }
    }

    /// A `"…"` or `"""…"""` literal and its value.
    fn string(&mut self) -> Option<StrLit> {
        let start = self.pos;
        let rest = &self.bytes[start..];
        if rest.starts_with(b"\"\"\"") {
            let close = find_triple_quote(&rest[3..])?;
            let end = start + 3 + close + 3;
            self.pos = end;
            return Some(literal(self.file, start, &self.text[start..end], true));
        }
        if rest.first() != Some(&b'"') {
            return None;
        }
        let mut i = 1;
        loop {
            match *rest.get(i)? {
                b'"' => break,
                b'\n' | b'\r' => return None,
                b'\\' => i += escape_len(&rest[i + 1..])? + 1,
                _ => i += 1,
            }
        }
        let end = start + i + 1;
        self.pos = end;
        Some(literal(self.file, start, &self.text[start..end], false))
    }

    /// `digits` then `m`, `h`, `d` or `w`, not followed by a name character.
    fn duration(&mut self) -> Option<Duration> {
        let start = self.pos;
        let digits = self.bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(self.bytes.len() - start);
        if digits == 0 {
            return None;
        }
        let unit = match self.bytes.get(start + digits)? {
            b'm' => DurationUnit::Minutes,
            b'h' => DurationUnit::Hours,
            b'd' => DurationUnit::Days,
            b'w' => DurationUnit::Weeks,
            _ => return None,
        };
        let end = start + digits + 1;
        if self.bytes.get(end).is_some_and(|&b| is_name_byte(b)) {
            return None;
        }
        self.pos = end;
        Some(Duration {
            amount: self.text[start..start + digits].parse().unwrap_or(u64::MAX),
            unit,
            span: self.span(start, end),
        })
    }

    /// A declaration whose keyword (at `start`) has been read: name, title,
    /// the header `implements` of a workflow, and the block.
    fn decl(&mut self, start: usize, kind: DeclKind) -> Option<Decl> {
        self.trivia();
        let name = self.ident(false)?;
        let mut last_end = name.span.end as usize;
        self.trivia();
        let title = if self.peek() == Some(b'"') {
            let title = self.string()?;
            last_end = title.span.end as usize;
            Some(title)
        } else {
            None
        };
        let implements = if kind == DeclKind::Workflow {
            self.trivia();
            if self.word()? != "implements" {
                return None;
            }
            self.trivia();
            let process = self.ident(false)?;
            last_end = process.span.end as usize;
            Some(process)
        } else {
            None
        };
        self.trivia();
        let body = if self.peek() == Some(b'{') {
            let body = self.body(kind)?;
            last_end = body.close.end as usize;
            Some(body)
        } else {
            match kind {
                DeclKind::Process | DeclKind::Workflow | DeclKind::WorkflowStep => return None,
                DeclKind::Role | DeclKind::Tool | DeclKind::ProcessStep => None,
            }
        };
        Some(Decl {
            kind,
            span: self.span(start, last_end),
            name,
            title,
            implements,
            body,
        })
    }

    /// `{ entries }` of a declaration of kind `parent`.
    fn body(&mut self, parent: DeclKind) -> Option<Body> {
        let open = self.span(self.pos, self.pos + 1);
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            self.trivia();
            if self.peek()? == b'}' {
                let close = self.span(self.pos, self.pos + 1);
                self.pos += 1;
                return Some(Body {
                    open,
                    close,
                    entries,
                });
            }
            let start = self.pos;
            let word = self.word()?;
            if word == "step" {
                let kind = match parent {
                    DeclKind::Process => DeclKind::ProcessStep,
                    DeclKind::Workflow => DeclKind::WorkflowStep,
                    _ => return None,
                };
                entries.push(Entry::Step(Box::new(self.decl(start, kind)?)));
                continue;
            }
            let kind = attr_kind(parent, word)?;
            let value = match kind {
                AttrKind::External | AttrKind::Optional | AttrKind::Automated => Value::None,
                AttrKind::Who
                | AttrKind::Url
                | AttrKind::Description
                | AttrKind::Outcome
                | AttrKind::Trigger
                | AttrKind::Version
                | AttrKind::When
                | AttrKind::Run => {
                    self.sep()?;
                    Value::Str(self.string()?)
                }
                AttrKind::Owner => {
                    self.sep()?;
                    Value::Ident(self.ident(false)?)
                }
                AttrKind::Implements
                | AttrKind::Tool
                | AttrKind::After
                | AttrKind::Needs
                | AttrKind::Produces => {
                    self.sep()?;
                    Value::Idents(self.idents(false)?)
                }
                AttrKind::Allow => {
                    self.sep()?;
                    Value::Idents(self.idents(true)?)
                }
                AttrKind::Wait | AttrKind::Within => {
                    self.sep()?;
                    Value::Duration(self.duration()?)
                }
            };
            entries.push(Entry::Attr(Attr {
                kind,
                keyword: self.span(start, start + word.len()),
                value,
                span: self.span(start, self.pos),
            }));
        }
    }
}

/// The attribute `word` names in a block of kind `parent`, if the grammar
/// allows it there.
fn attr_kind(parent: DeclKind, word: &str) -> Option<AttrKind> {
    use AttrKind as A;
    use DeclKind as D;
    let kind = match word {
        "who" => A::Who,
        "url" => A::Url,
        "description" => A::Description,
        "outcome" => A::Outcome,
        "trigger" => A::Trigger,
        "version" => A::Version,
        "when" => A::When,
        "run" => A::Run,
        "owner" => A::Owner,
        "implements" => A::Implements,
        "tool" => A::Tool,
        "after" => A::After,
        "needs" => A::Needs,
        "produces" => A::Produces,
        "wait" => A::Wait,
        "within" => A::Within,
        "external" => A::External,
        "optional" => A::Optional,
        "automated" => A::Automated,
        "allow" => A::Allow,
        _ => return None,
    };
    let allowed = match parent {
        D::Role => matches!(kind, A::Who | A::Description | A::External | A::Allow),
        D::Tool => matches!(kind, A::Url | A::Description | A::Allow),
        D::Process => matches!(kind, A::Outcome | A::Owner | A::Description | A::Allow),
        D::ProcessStep => matches!(kind, A::Description | A::Optional | A::Allow),
        D::Workflow => matches!(
            kind,
            A::Owner | A::Trigger | A::Version | A::Description | A::Allow
        ),
        D::WorkflowStep => matches!(
            kind,
            A::Implements
                | A::Owner
                | A::Tool
                | A::Within
                | A::Automated
                | A::Produces
                | A::Needs
                | A::Description
                | A::After
                | A::When
                | A::Wait
                | A::Run
                | A::Allow
        ),
    };
    allowed.then_some(kind)
}

/// The offset of the first `"""` in `bytes`.
fn find_triple_quote(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let quote = from + bytes[from..].iter().position(|&b| b == b'"')?;
        if bytes[quote..].starts_with(b"\"\"\"") {
            return Some(quote);
        }
        from = quote + 1;
    }
}

/// The length of the escape after a `\` (the grammar's `escape` without its
/// backslash): `"`, `\`, `n`, `t` or `u{` and 1 to 6 hex digits and `}`.
fn escape_len(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        b'"' | b'\\' | b'n' | b't' => Some(1),
        b'u' => {
            if rest.get(1) != Some(&b'{') {
                return None;
            }
            let hex = rest[2..]
                .iter()
                .take(7)
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            if !(1..=6).contains(&hex) || rest.get(2 + hex) != Some(&b'}') {
                return None;
            }
            Some(3 + hex)
        }
        _ => None,
    }
}
