//! pest errors to messages a person understands: what was expected, in words,
//! at the first character that does not fit, with a suggestion where one fits.
//! Rule names never reach the user.
//!
//! pest reports the furthest place it tried, which is often inside a word
//! (`tool` matched, then `s`) or far below a missing `}`; so the text around
//! the error is read again (`blocks`) to say what is wrong: the whole unknown
//! word and the block it is in, the block that is not closed. A suggested
//! edit is kept as data ([`Replacement`]) beside the diagnostic, and applying
//! it gives text that parses (`tests/syntax_errors.rs` applies every one).

use pest::error::{Error, ErrorVariant, InputLocation};

use super::blocks::Scan;
use super::parse::Rule;
use super::strings::{is_keyword, is_name_byte};
use super::words;
use crate::ast::DeclKind;
use crate::check::codes::Code;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::source::{FileId, Span};
use crate::suggest::did_you_mean;

/// A block kind whose attributes were expected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Role,
    Tool,
    Process,
    ProcessStep,
    Workflow,
    WorkflowStep,
}

impl Block {
    fn example(self) -> &'static str {
        match self {
            Block::Role => "an attribute such as who, description or external",
            Block::Tool => "an attribute such as url or description",
            Block::Process => "a step or an attribute such as outcome or owner",
            Block::ProcessStep => "an attribute such as description or optional",
            Block::Workflow => "a step or an attribute such as owner or trigger",
            Block::WorkflowStep => "an attribute such as owner, tool or implements",
        }
    }
}

/// What the parser expected at the error position, gathered from pest's rules.
#[derive(Default)]
struct Expected {
    block: Option<Block>,
    close: bool,
    open: bool,
    name: bool,
    string: bool,
    duration: bool,
    code: bool,
    item: bool,
    comma: bool,
    implements: bool,
}

impl Expected {
    fn from_rules(rules: &[Rule]) -> Expected {
        let mut e = Expected::default();
        for &rule in rules {
            match rule {
                Rule::who_attr | Rule::external_attr => e.block = Some(Block::Role),
                Rule::url_attr => e.block = Some(Block::Tool),
                Rule::outcome_attr => e.block = Some(Block::Process),
                Rule::optional_attr => e.block = Some(Block::ProcessStep),
                Rule::trigger_attr
                | Rule::version_attr
                | Rule::input_attr
                | Rule::target_attr
                | Rule::every_attr => e.block = Some(Block::Workflow),
                Rule::implements_attr
                | Rule::tools_attr
                | Rule::automated_attr
                | Rule::after_attr
                | Rule::when_attr
                | Rule::wait_attr
                | Rule::within_attr
                | Rule::needs_attr
                | Rule::produces_attr
                | Rule::takes_attr
                | Rule::decides_attr
                | Rule::with_attr
                | Rule::escalate_attr
                | Rule::rework_attr
                | Rule::run_attr => e.block = Some(Block::WorkflowStep),
                Rule::rbrace => e.close = true,
                Rule::lbrace
                | Rule::role_body
                | Rule::tool_body
                | Rule::process_body
                | Rule::pstep_body
                | Rule::workflow_body
                | Rule::wstep_body => e.open = true,
                Rule::ident | Rule::idents => e.name = true,
                Rule::line_string | Rule::block_string => e.string = true,
                Rule::duration => e.duration = true,
                Rule::code | Rule::codes => e.code = true,
                Rule::kw_implements => e.implements = true,
                Rule::EOI
                | Rule::top_keyword
                | Rule::use_decl
                | Rule::role_decl
                | Rule::tool_decl
                | Rule::process_decl
                | Rule::workflow_decl
                | Rule::kw_use
                | Rule::kw_role
                | Rule::kw_tool
                | Rule::kw_process
                | Rule::kw_workflow => e.item = true,
                _ => {}
            }
        }
        e
    }

    /// "`}`, a name or a string", in words.
    fn words(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(block) = self.block {
            parts.push(block.example().to_owned());
        }
        if self.name {
            parts.push("a name".to_owned());
        }
        if self.string {
            parts.push("a string in double quotes".to_owned());
        }
        if self.duration {
            parts.push("a duration such as 30m, 4h, 2d or 1w".to_owned());
        }
        if self.code {
            parts.push("a lint code".to_owned());
        }
        if self.implements {
            parts.push("`implements` and the process this workflow carries out".to_owned());
        }
        if self.open {
            parts.push("`{`".to_owned());
        }
        if self.close {
            parts.push("`}`".to_owned());
        }
        if self.comma {
            parts.push("`,`".to_owned());
        }
        if self.item || parts.is_empty() {
            parts.push(
                "a top-level item (`use`, `role`, `tool`, `process` or `workflow`)".to_owned(),
            );
        }
        join_or(&parts)
    }
}

fn join_or(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] if !a.contains(" or ") => format!("{a} or {b}"),
        // "owner, tool or implements, or `}`": the parts may hold "or" themselves.
        [init @ .., last] => format!("{}, or {}", init.join(", "), last),
    }
}

/// A replacement that a syntax error suggests: the text at `span` becomes
/// `text` (an insertion when the span is empty). It is kept as data, not
/// only in the help's words, so that editors and `check --fix` can apply it;
/// applying it gives text that parses (a test applies every one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// The text replaced.
    pub span: Span,
    /// What goes in its place.
    pub text: String,
    /// Whether `check --fix` may apply it unattended: a "did you mean" of one
    /// word or a stray `:` removed; a guess at structure (where a `}` goes,
    /// which words a title holds) is only offered by editors.
    pub safe: bool,
}

/// A syntax error: its diagnostic, and the replacement its help suggests,
/// when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What users see.
    pub diagnostic: Diagnostic,
    /// The fix the help describes, as an edit.
    pub replacement: Option<Replacement>,
}

impl From<Diagnostic> for SyntaxError {
    fn from(diagnostic: Diagnostic) -> SyntaxError {
        SyntaxError {
            diagnostic,
            replacement: None,
        }
    }
}

impl SyntaxError {
    fn replace(diagnostic: Diagnostic, span: Span, text: impl Into<String>) -> SyntaxError {
        SyntaxError {
            diagnostic,
            replacement: Some(Replacement {
                span,
                text: text.into(),
                safe: false,
            }),
        }
    }

    /// As [`SyntaxError::replace`], for a replacement `check --fix` applies.
    fn replace_safe(diagnostic: Diagnostic, span: Span, text: impl Into<String>) -> SyntaxError {
        let mut error = SyntaxError::replace(diagnostic, span, text);
        if let Some(r) = &mut error.replacement {
            r.safe = true;
        }
        error
    }

    /// The diagnostic, carrying the replacement as its structured fix.
    #[must_use]
    pub fn into_diagnostic(self) -> Diagnostic {
        let Some(r) = self.replacement else {
            return self.diagnostic;
        };
        let shown = r.text.trim();
        let message = if r.span.start == r.span.end {
            format!("Insert `{shown}`")
        } else if shown.is_empty() {
            "Remove this text".to_owned()
        } else {
            format!("Replace with `{shown}`")
        };
        self.diagnostic.with_fix(Fix {
            message,
            applicability: if r.safe {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            },
            edits: vec![Edit {
                span: r.span,
                replacement: r.text,
            }],
        })
    }
}

/// The `syntax` error for a pest error in the item of `text` that starts at
/// `base`, on line `base_line` (1-based): what is wrong in words, and the
/// replacement that fixes it when there is a likely one.
pub(super) fn describe(
    file: FileId,
    text: &str,
    base: usize,
    base_line: usize,
    error: &Error<Rule>,
) -> SyntaxError {
    let (pos, rules) = match (&error.location, &error.variant) {
        (
            InputLocation::Pos(p) | InputLocation::Span((p, _)),
            ErrorVariant::ParsingError { positives, .. },
        ) => (base + p, positives.as_slice()),
        (InputLocation::Pos(p) | InputLocation::Span((p, _)), ErrorVariant::CustomError { .. }) => {
            (base + p, &[][..])
        }
    };
    let pos = pos.min(text.len());
    let at = Place {
        file,
        text,
        base,
        base_line,
    };
    let expected = Expected::from_rules(rules);
    if pos == text.len() {
        if expected.close {
            if let Some(e) = at.not_closed(pos, true) {
                return e;
            }
        }
        return Diagnostic::new(
            Code::Syntax,
            Span::new(file, pos, pos),
            format!("unexpected end of file; expected {}", expected.words()),
            "the file ends here",
        )
        .into();
    }
    if text[pos..].starts_with('"') {
        if let Some(d) = string_problem(file, text, pos) {
            return d.into();
        }
    }
    // pest stops inside a word when a keyword is its prefix (`tools`,
    // `owners`): the word is what is wrong, so start there.
    let word_start = if is_name_byte(text.as_bytes()[pos]) {
        text[..pos]
            .bytes()
            .rev()
            .take_while(|&b| is_name_byte(b))
            .count()
    } else {
        0
    };
    let word_start = pos - word_start;
    if statement_start(text, word_start)
        && (word_start < pos || expected.block.is_some() || expected.close)
    {
        if let Some(e) = at.entry_word(word_start, &expected) {
            return e;
        }
    }
    if let Some(e) = at.after_keyword(pos) {
        return e;
    }
    if word_start < pos && statement_start(text, word_start) {
        // A word at the top level that starts with a keyword (`roles`).
        if Scan::new(text, base, word_start).open.is_empty() {
            let item = Expected {
                item: true,
                ..Expected::default()
            };
            return describe_token(at, word_start, &item);
        }
    }
    describe_token(at, pos, &expected)
}

/// The text of an item, for the messages that read it.
#[derive(Clone, Copy)]
struct Place<'a> {
    file: FileId,
    text: &'a str,
    base: usize,
    base_line: usize,
}

impl Place<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// The 1-based line of `offset` (at or after the item's start).
    fn line(&self, offset: usize) -> usize {
        self.base_line + crate::source::line_ends(&self.text[self.base..offset]).count()
    }

    /// A word where an entry of a block goes (`tools`, `owner`, `step`),
    /// when it is not one the block allows.
    fn entry_word(&self, start: usize, expected: &Expected) -> Option<SyntaxError> {
        let text = self.text;
        let word = token_at(&text[start..]);
        if word.is_empty() {
            return None;
        }
        let at_line_start = start == 0 || matches!(text.as_bytes()[start - 1], b'\n' | b'\r');
        if expected.close && at_line_start && words::TOP_LEVEL.contains(&word) {
            // A new item at column 1: the block above is not closed.
            return self.not_closed(start, false);
        }
        let blocks = Scan::new(text, self.base, start);
        let block = blocks.innermost()?;
        let allowed = words::entry_words(block.kind);
        if allowed.contains(&word) {
            return None;
        }
        let is_step = matches!(block.kind, DeclKind::ProcessStep | DeclKind::WorkflowStep);
        if word == "step" && is_step {
            return self.not_closed(start, false);
        }
        let kind = a_block(block.kind);
        let span = self.span(start, start + word.len());
        let takes = || format!("{kind} takes: {}", allowed.join(", "));
        if words::all().any(|w| w == word) {
            return Some(
                Diagnostic::new(
                    Code::Syntax,
                    span,
                    format!("`{word}` is not an attribute of {kind}"),
                    format!("not an attribute of {kind}"),
                )
                .with_help(takes())
                .into(),
            );
        }
        let diag = Diagnostic::new(
            Code::Syntax,
            span,
            format!("unknown attribute `{word}` in {kind}"),
            format!("not an attribute of {kind}"),
        );
        // The nearest of the attributes whose value fits what follows the
        // word (so that the suggestion parses), else the nearest of all.
        let value = text[start + word.len()..]
            .split(['\n', '\r'])
            .next()
            .unwrap_or("")
            .trim_start();
        if let Some(split) = missing_space(word, value, &allowed) {
            return Some(SyntaxError::replace_safe(
                diag.with_help(format!("did you mean `{split}`?")),
                span,
                split,
            ));
        }
        let fitting = allowed.iter().copied().filter(|k| fits(k, value));
        let nearest =
            did_you_mean(word, fitting).or_else(|| did_you_mean(word, allowed.iter().copied()));
        Some(match nearest {
            Some(k) => {
                SyntaxError::replace_safe(diag.with_help(format!("did you mean `{k}`?")), span, k)
            }
            None => diag.with_help(takes()).into(),
        })
    }

    /// A colon (or `=`) between a keyword and its value: `owner: designer`.
    fn after_keyword(&self, pos: usize) -> Option<SyntaxError> {
        let text = self.text;
        let mark = text[pos..].chars().next()?;
        if !matches!(mark, ':' | '=') {
            return None;
        }
        let (_, keyword) = word_before(text, pos)?;
        if !words::all().any(|w| w == keyword) {
            return None;
        }
        let blanks = text[pos + 1..]
            .bytes()
            .take_while(|&b| b == b' ' || b == b'\t')
            .count();
        let rest = &text[pos + 1 + blanks..];
        let value = rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())].trim_end();
        let example = if value.is_empty() || value.len() > 60 {
            format!("`{keyword} VALUE`")
        } else {
            format!("`{keyword} {value}`")
        };
        let span = self.span(pos, pos + 1);
        let diag = Diagnostic::new(
            Code::Syntax,
            span,
            format!("unexpected `{mark}` after `{keyword}`: a keyword and its value are separated by a space"),
            format!("remove this `{mark}`"),
        )
        .with_help(format!("write {example}"));
        Some(SyntaxError::replace_safe(
            diag,
            self.span(pos, pos + 1 + blanks),
            " ",
        ))
    }

    /// The block open at `pos` whose `}` is missing, said at its `{`. `at_end`:
    /// the file ended inside it.
    fn not_closed(&self, pos: usize, at_end: bool) -> Option<SyntaxError> {
        let text = self.text;
        let end = if at_end { text.len() } else { pos + 1 };
        let scan = Scan::new(text, self.base, end);
        let (missing, by_indent) = if let Some(m) = scan.missing_close(at_end) {
            (m, true)
        } else {
            let &k = scan.open.last()?;
            let line_start = text[..pos].rfind(['\n', '\r']).map_or(0, |n| n + 1);
            let before = (!at_end).then_some(line_start);
            (scan.close_before(k, before), false)
        };
        let block = &scan.blocks[missing.block];
        let what = if block.name.is_empty() {
            format!("this {}", block.keyword())
        } else {
            format!("{} `{}`", block.keyword(), block.name)
        };
        let mut diag = Diagnostic::new(
            Code::Syntax,
            self.span(block.open, block.open + 1),
            format!(
                "{what}, opened at line {}, is not closed",
                self.line(block.open)
            ),
            "this `{` has no `}`",
        );
        let help = if let Some(line) = missing.before {
            let width = text[line..].find(['\n', '\r']).unwrap_or(text.len() - line);
            let rest = text[line..line + width].trim_start();
            let first = line + width - rest.len();
            // Its first word, or else its first character (whole).
            let len = match token_at(rest).len() {
                0 => rest.chars().next().map_or(0, char::len_utf8),
                n => n,
            };
            diag = diag.with_label(
                self.span(first, first + len),
                format!("the {} ends before this line", block.keyword()),
            );
            let n = self.line(line);
            if by_indent {
                format!(
                    "add `}}` before line {n}, where the indentation says the {} ends",
                    block.keyword()
                )
            } else {
                format!("add `}}` before line {n}")
            }
        } else {
            if at_end {
                diag = diag.with_label(self.span(text.len(), text.len()), "the file ends here");
            }
            "add `}` at the end of the file".to_owned()
        };
        let at = self.span(missing.at, missing.at);
        Some(SyntaxError::replace(diag.with_help(help), at, missing.text))
    }
}

/// `owner founder` for `ownerfounder`: a keyword of `keywords` and a name
/// written without the space between them, when what follows on the line
/// is not a name (then the word is the keyword and its name).
fn missing_space(word: &str, after: &str, keywords: &[&str]) -> Option<String> {
    if after.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    keywords.iter().find_map(|&k| {
        let value = word.strip_prefix(k)?;
        let shape = words::by_keyword(k).map(|a| a.shape);
        let fits = match shape {
            Some(words::Shape::Duration) => {
                let digits = value.bytes().take_while(u8::is_ascii_digit).count();
                digits > 0 && matches!(&value[digits..], "m" | "h" | "d" | "w")
            }
            Some(
                words::Shape::Name
                | words::Shape::Names
                | words::Shape::Decision
                | words::Shape::Rework
                | words::Shape::Conditions,
            ) => is_name(value),
            // `step`, `role`, `tool`, `process`, `workflow` and a name.
            None => k != "use" && is_name(value),
            Some(_) => false,
        };
        fits.then(|| format!("{k} {value}"))
    })
}

/// Whether `word` could be a name someone meant (two letters or more).
fn is_name(word: &str) -> bool {
    word.len() > 1 && word.starts_with(|c: char| c.is_ascii_alphabetic()) && !is_keyword(word)
}

/// Whether the value written after an entry word could be the value of
/// `keyword` (from its shape in the table of words): a string for text, a
/// number for a duration, a name for names, nothing for a flag.
fn fits(keyword: &str, value: &str) -> bool {
    let first = value.chars().next();
    let Some(c) = first.filter(|&c| c != '#') else {
        // Nothing on the line: the value may be on the next one.
        return true;
    };
    let Some(attr) = words::by_keyword(keyword) else {
        // `step NAME`.
        return c.is_ascii_alphabetic();
    };
    match attr.shape {
        words::Shape::Flag => c == '}',
        words::Shape::Text => c == '"',
        words::Shape::Duration => c.is_ascii_digit(),
        words::Shape::Conditions => c == '"' || c.is_ascii_alphabetic(),
        words::Shape::Name
        | words::Shape::Names
        | words::Shape::Codes
        | words::Shape::Decision
        | words::Shape::Rework => c.is_ascii_alphabetic(),
    }
}

/// How a block is named in a message: "a workflow step".
fn a_block(kind: DeclKind) -> String {
    format!("a {}", kind.describe())
}

/// Whether `pos` starts a statement: nothing but blanks before it on its
/// line, or a brace.
fn statement_start(text: &str, pos: usize) -> bool {
    let before = text[..pos].trim_end_matches([' ', '\t']);
    before.is_empty() || before.ends_with(['\n', '\r', '{', '}'])
}

/// The error at a token that none of the cases above explain.
fn describe_token(at: Place<'_>, pos: usize, expected: &Expected) -> SyntaxError {
    let Place {
        file, text, base, ..
    } = at;
    let rest = &text[pos..];
    let token = token_at(rest);
    // The word at the error, or else its one character (whole, not a byte).
    let width = if token.is_empty() {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        token.len()
    };
    let span = Span::new(file, pos, pos + width);
    let wanted = expected.words();
    let diag = |message: String, label: &str| Diagnostic::new(Code::Syntax, span, message, label);
    let first = rest.chars().next().unwrap_or(' ');
    if expected.duration && first.is_ascii_digit() {
        if let Some(single) = compound_duration(token) {
            let d = Diagnostic::new(
                Code::Syntax,
                span,
                format!("`{token}` is not a duration: a duration is one number and one unit"),
                "several units",
            )
            .with_help(format!("write `{single}`, the same length in one unit"));
            return SyntaxError::replace(d, span, single);
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let unit_span = Span::new(file, pos, pos + token.len().max(digits));
        return Diagnostic::new(
            Code::Syntax,
            unit_span,
            format!(
                "`{}` is not a duration; durations end in m, h, d or w",
                &rest[..token.len().max(digits)]
            ),
            "expected a number followed by m, h, d or w",
        )
        .with_help(format!(
            "write it as `{}d` (days), `{0}h` (hours), `{0}m` (minutes) or `{0}w` (weeks)",
            &rest[..digits]
        ))
        .into();
    }
    // (A keyword that starts a line is not text to quote: `step` after a
    // `tool` line that recovery took for a top-level tool.)
    let keyword_first = statement_start(text, pos) && words::all().any(|w| w == token);
    if expected.string
        && !expected.name
        && !expected.duration
        && expected.block.is_none()
        && !token.is_empty()
        && !keyword_first
    {
        // The text up to the end of the line, without a brace that opens or
        // closes a block there (`step images Add images {`).
        // A `#` before that brace is part of the text (`Add #1 {`); without
        // a brace, it starts a comment.
        let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = rest[..line_end].trim_end();
        let mut words = match line.strip_suffix(['{', '}']) {
            Some(inner) => inner.trim_end(),
            None => line[..line.find('#').unwrap_or(line.len())].trim_end(),
        };
        // In a workflow's header the text ends before `implements`.
        if expected.implements {
            if let Some(at) = words.find(" implements ").or_else(|| {
                words
                    .ends_with(" implements")
                    .then(|| words.len() - " implements".len())
            }) {
                words = words[..at].trim_end();
            }
        }
        // A string whose opening quote is missing ends at its closing one,
        // which the replacement takes in.
        let mut replaced = words.len();
        if let Some(at) = words.find('"') {
            words = words[..at].trim_end();
            replaced = at + 1;
        }
        let quoted = format!("\"{}\"", words.replace('\\', "\\\\"));
        let d = diag(
            format!("unexpected `{token}`; expected {wanted}"),
            "text must be in double quotes",
        )
        .with_help(format!("write it as a string: `{quoted}`"));
        return SyntaxError::replace(d, Span::new(file, pos, pos + replaced), quoted);
    }
    if first == '\u{feff}' {
        return diag(
            format!("unexpected `\\u{{feff}}` (a byte-order mark); expected {wanted}"),
            "an invisible byte-order mark",
        )
        .with_help(
            "a byte-order mark is allowed only as the first character of a file (not of a Markdown block); delete this one",
        )
        .into();
    }
    if first == '}' && Scan::new(text, base, pos).open.is_empty() {
        let d = diag(
            "unexpected `}`: there is no open block for it to close".to_owned(),
            "this `}` closes nothing",
        )
        .with_help("remove it; if a block above ends too early, check that each `{` has one `}`");
        // Its whole line, when the brace is alone on it.
        let line_start = text[..pos].rfind(['\n', '\r']).map_or(0, |n| n + 1);
        let line_end = text[pos..].find(['\n', '\r']).map_or(text.len(), |n| {
            pos + n
                + if text[pos + n..].starts_with("\r\n") {
                    2
                } else {
                    1
                }
        });
        let alone = text[line_start..line_end].trim() == "}";
        let removed = if alone {
            Span::new(file, line_start, line_end)
        } else {
            span
        };
        return SyntaxError::replace(d, removed, "");
    }
    if token.is_empty() {
        let shown = first.escape_debug().to_string();
        return diag(
            format!("unexpected `{shown}`; expected {wanted}"),
            &format!("expected {wanted}"),
        )
        .into();
    }
    // `owner` with its value left out, before the next attribute: the grammar
    // takes the next keyword (`tool`) as the owner's name and stumbles later.
    if let Some((keyword, attr)) = keyword_taken_as_value(text, pos) {
        let at = Span::new(file, keyword.0, keyword.0 + keyword.1.len());
        return Diagnostic::new(
            Code::Syntax,
            at,
            format!(
                "`{}` has no value: `{}` is a keyword, not a name",
                attr, keyword.1
            ),
            format!("expected a name after `{attr}`"),
        )
        .with_help(format!("write `{attr} NAME` on the line above"))
        .into();
    }
    if expected.item && !expected.name && !expected.string && expected.block.is_none() {
        let tops = words::TOP_LEVEL;
        let line = &rest[token.len()..];
        let value = line[..line.find(['\n', '\r']).unwrap_or(line.len())].trim_start();
        let found = missing_space(token, value, tops)
            .or_else(|| did_you_mean(token, tops.iter().copied()).map(str::to_owned));
        let d = diag(
            format!("unexpected `{token}`; expected {wanted}"),
            "expected a top-level item here",
        );
        return match found {
            Some(k) => {
                SyntaxError::replace_safe(d.with_help(format!("did you mean `{k}`?")), span, k)
            }
            None => d.into(),
        };
    }
    diag(
        format!("unexpected `{token}`; expected {wanted}"),
        &format!("expected {wanted}"),
    )
    .into()
}

/// The single-unit duration equal to a compound one such as `1d12h` (`36h`):
/// the largest unit that divides the sum exactly. `None` unless `token` is at
/// least two number-and-unit pairs.
fn compound_duration(token: &str) -> Option<String> {
    let mut seconds: u64 = 0;
    let mut pairs = 0;
    let mut rest = token;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let unit = match rest.as_bytes().get(digits)? {
            b'm' => 60,
            b'h' => 3600,
            b'd' => 86_400,
            b'w' => 604_800,
            _ => return None,
        };
        let amount: u64 = rest[..digits].parse().ok()?;
        seconds = seconds.checked_add(amount.checked_mul(unit)?)?;
        pairs += 1;
        rest = &rest[digits + 1..];
    }
    if pairs < 2 {
        return None;
    }
    [(604_800, 'w'), (86_400, 'd'), (3600, 'h'), (60, 'm')]
        .iter()
        .find(|(unit, _)| seconds % unit == 0 && seconds > 0)
        .map(|(unit, c)| format!("{}{c}", seconds / unit))
}

/// The two words before `pos`, when they are an attribute that takes names
/// followed by a keyword: `((offset, keyword), attribute)`.
fn keyword_taken_as_value(text: &str, pos: usize) -> Option<((usize, &str), &str)> {
    let (k_start, keyword) = word_before(text, pos)?;
    let (_, attr) = word_before(text, k_start)?;
    let takes_names = words::by_keyword(attr)
        .is_some_and(|a| matches!(a.shape, words::Shape::Name | words::Shape::Names));
    (is_keyword(keyword) && takes_names).then_some(((k_start, keyword), attr))
}

/// The word that ends before `pos`, skipping blanks (not comments).
fn word_before(text: &str, pos: usize) -> Option<(usize, &str)> {
    let head = text[..pos].trim_end();
    // Just after the last character that is not part of a word (whole, since
    // it may be several bytes long).
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &head[start..];
    (!word.is_empty()).then_some((start, word))
}

/// The word at the start of `rest` (letters, digits, `_`, `-`), or "".
fn token_at(rest: &str) -> &str {
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    &rest[..len]
}

/// Explains why the string starting at `pos` did not parse: it is not closed
/// on its line, or it has an unknown escape.
fn string_problem(file: FileId, text: &str, pos: usize) -> Option<Diagnostic> {
    let rest = &text[pos..];
    if let Some(after) = rest.strip_prefix("\"\"\"") {
        if after.contains("\"\"\"") {
            return None;
        }
        return Some(
            Diagnostic::new(
                Code::Syntax,
                Span::new(file, pos, pos + 3),
                "unterminated string",
                "this `\"\"\"` is never closed",
            )
            .with_help("close the block string with `\"\"\"`"),
        );
    }
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\n' | '\r' => break,
            '\\' => {
                let esc_start = pos + i;
                let next = chars.next().map(|(_, c)| c);
                let ok = match next {
                    Some('"' | '\\' | 'n' | 't') => true,
                    Some('u') => {
                        let after = &text[esc_start + 2..];
                        let hex: usize = after.strip_prefix('{').map_or(0, |h| {
                            let n = h.bytes().take_while(u8::is_ascii_hexdigit).count();
                            if (1..=6).contains(&n) && h[n..].starts_with('}') {
                                n
                            } else {
                                0
                            }
                        });
                        if hex > 0 {
                            for _ in 0..hex + 2 {
                                chars.next();
                            }
                        }
                        hex > 0
                    }
                    _ => false,
                };
                if !ok {
                    let len = next.map_or(1, |c| 1 + c.len_utf8());
                    return Some(
                        Diagnostic::new(
                            Code::Syntax,
                            Span::new(file, esc_start, esc_start + len),
                            "unknown escape in string",
                            "not a valid escape",
                        )
                        .with_help("the escapes are \\\", \\\\, \\n, \\t and \\u{1F600}; for several lines use a \"\"\" string"),
                    );
                }
            }
            _ => {}
        }
    }
    Some(
        Diagnostic::new(
            Code::Syntax,
            Span::new(file, pos, pos + 1),
            "unterminated string",
            "this string is not closed on its line",
        )
        .with_help("add the closing `\"`; for text over several lines use a \"\"\" string"),
    )
}
