//! pest errors to messages a person understands: what was expected, in words,
//! at the first character that does not fit, with a suggestion where one fits.
//! Rule names never reach the user.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::parse::Rule;
use super::strings::{is_keyword, is_name_byte};
use super::words;
use crate::ast::DeclKind;
use crate::check::codes::Code;
use crate::diagnostic::Diagnostic;
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
    fn name(self) -> &'static str {
        match self {
            Block::Role => "a role",
            Block::Tool => "a tool",
            Block::Process => "a process",
            Block::ProcessStep => "a process step",
            Block::Workflow => "a workflow",
            Block::WorkflowStep => "a workflow step",
        }
    }

    /// The keywords that may start an entry of this block (the table of
    /// words).
    fn keywords(self) -> Vec<&'static str> {
        let kind = match self {
            Block::Role => DeclKind::Role,
            Block::Tool => DeclKind::Tool,
            Block::Process => DeclKind::Process,
            Block::ProcessStep => DeclKind::ProcessStep,
            Block::Workflow => DeclKind::Workflow,
            Block::WorkflowStep => DeclKind::WorkflowStep,
        };
        words::entry_words(kind)
    }

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

/// The `syntax` diagnostic for a pest error in the slice of `text` starting at
/// `base`.
pub(super) fn describe(file: FileId, text: &str, base: usize, error: &Error<Rule>) -> Diagnostic {
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
    let expected = Expected::from_rules(rules);
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

    if rest.is_empty() {
        let end = Span::new(file, pos, pos);
        if let Some(open) = expected.close.then(|| unclosed_brace(text, base)).flatten() {
            return Diagnostic::new(
                Code::Syntax,
                end,
                "unexpected end of file: a block is not closed",
                "the file ends here",
            )
            .with_label(Span::new(file, open, open + 1), "this `{` is never closed")
            .with_help("add the missing `}`");
        }
        return Diagnostic::new(
            Code::Syntax,
            end,
            format!("unexpected end of file; expected {wanted}"),
            "the file ends here",
        );
    }
    if rest.starts_with('"') {
        if let Some(d) = string_problem(file, text, pos) {
            return d;
        }
    }
    let first = rest.chars().next().unwrap_or(' ');
    if expected.duration && first.is_ascii_digit() {
        if let Some(single) = compound_duration(token) {
            return Diagnostic::new(
                Code::Syntax,
                span,
                format!("`{token}` is not a duration: a duration is one number and one unit"),
                "several units",
            )
            .with_help(format!("write `{single}`, the same length in one unit"));
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
        ));
    }
    if expected.string
        && !expected.name
        && !expected.duration
        && expected.block.is_none()
        && !token.is_empty()
    {
        let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let text = rest[..line_end].trim_end();
        return diag(
            format!("unexpected `{token}`; expected {wanted}"),
            "text must be in double quotes",
        )
        .with_help(format!(
            "write it as a string: `\"{}\"`",
            text.replace('"', "\\\"")
        ));
    }
    if first == '\u{feff}' {
        return diag(
            format!("unexpected `\\u{{feff}}` (a byte-order mark); expected {wanted}"),
            "an invisible byte-order mark",
        )
        .with_help(
            "a byte-order mark is allowed only as the first character of a file (not of a Markdown block); delete this one",
        );
    }
    if token.is_empty() {
        let shown = first.escape_debug().to_string();
        return diag(
            format!("unexpected `{shown}`; expected {wanted}"),
            &format!("expected {wanted}"),
        );
    }
    // A block left open before the next top-level item.
    let at_line_start = pos == 0 || text.as_bytes()[pos - 1] == b'\n';
    if expected.close
        && at_line_start
        && ["use", "role", "tool", "process", "workflow"].contains(&token)
    {
        if let Some(open) = unclosed_brace(&text[..pos], base) {
            return Diagnostic::new(
                Code::Syntax,
                span,
                format!("unexpected `{token}`: the block above is not closed"),
                "a new item starts here",
            )
            .with_label(Span::new(file, open, open + 1), "this `{` is never closed")
            .with_help("add the missing `}` before this line");
        }
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
        .with_help(format!("write `{attr} NAME` on the line above"));
    }
    if let Some(block) = expected.block {
        let allowed = block.keywords();
        if is_keyword(token) && !allowed.contains(&token) {
            return diag(
                format!("`{token}` is not an attribute of {}", block.name()),
                &format!("expected {wanted}"),
            )
            .with_help(format!(
                "{} takes: {}",
                capitalize(block.name()),
                allowed.join(", ")
            ));
        }
        if !is_keyword(token) && token.bytes().all(is_name_byte) {
            let help = did_you_mean(token, allowed.iter().copied()).map_or_else(
                || format!("{} takes: {}", capitalize(block.name()), allowed.join(", ")),
                |k| format!("did you mean `{k}`?"),
            );
            return diag(
                format!("unknown attribute `{token}` in {}", block.name()),
                &format!("expected {wanted}"),
            )
            .with_help(help);
        }
    }
    if expected.item && !expected.name && !expected.string && expected.block.is_none() {
        let tops = ["use", "role", "tool", "process", "workflow"];
        let help =
            did_you_mean(token, tops.iter().copied()).map(|k| format!("did you mean `{k}`?"));
        return diag(
            format!("unexpected `{token}`; expected {wanted}"),
            "expected a top-level item here",
        )
        .with_help_opt(help);
    }
    diag(
        format!("unexpected `{token}`; expected {wanted}"),
        &format!("expected {wanted}"),
    )
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

/// The last `{` from `start` on that no `}` closes (strings and comments
/// skipped).
fn unclosed_brace(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut open = Vec::new();
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => open.push(i),
            b'}' => {
                open.pop();
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if text[i..].starts_with("\"\"\"") => {
                i += text[i + 3..].find("\"\"\"").map_or(bytes.len(), |n| n + 5);
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    open.pop()
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

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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
