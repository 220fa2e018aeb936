//! pest pairs to syntax tree: one function per grammar rule.
//!
//! The grammar guarantees the shapes matched here; a shape it cannot produce is
//! an `unreachable!` naming the rule, so a grammar change that breaks lowering
//! fails loudly in tests. Comments can sit between any two tokens, so every
//! loop over children records `COMMENT` pairs as it meets them (in source
//! order, since children come in order).

use pest::iterators::Pair;

use super::parse::Rule;
use super::strings::{is_keyword, literal};
use crate::ast::{
    Attr, AttrKind, Body, Condition, Decl, DeclKind, Duration, DurationUnit, Entry, File, Ident,
    Item, Rework, StrLit, Use, Value,
};
use crate::check::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

struct Lower<'a> {
    file: FileId,
    /// Offset of the parsed slice in the file's text.
    base: usize,
    comments: &'a mut Vec<Span>,
    errors: &'a mut Vec<Diagnostic>,
}

/// Lowers the items (and comments) under a `file` or `item_then_next` pair.
/// Names that are keywords are reported into `errors` (the grammar accepts
/// them so it stays fast; see `ident` in the grammar).
pub(super) fn lower_items(
    file: FileId,
    base: usize,
    pair: Pair<'_, Rule>,
    tree: &mut File,
    errors: &mut Vec<Diagnostic>,
) {
    let mut lower = Lower {
        file,
        base,
        comments: &mut tree.comments,
        errors,
    };
    for child in pair.into_inner() {
        match child.as_rule() {
            Rule::COMMENT => lower.comment(&child),
            Rule::EOI => {}
            Rule::use_decl => {
                let item = Item::Use(lower.use_decl(child));
                tree.items.push(item);
            }
            Rule::role_decl => tree
                .items
                .push(Item::Decl(lower.decl(child, DeclKind::Role))),
            Rule::tool_decl => tree
                .items
                .push(Item::Decl(lower.decl(child, DeclKind::Tool))),
            Rule::process_decl => {
                tree.items
                    .push(Item::Decl(lower.decl(child, DeclKind::Process)));
            }
            Rule::workflow_decl => {
                tree.items
                    .push(Item::Decl(lower.decl(child, DeclKind::Workflow)));
            }
            r => unreachable!("unexpected {r:?} (lower_items)"),
        }
    }
}

/// Skips whitespace and comments from `pos`, recording the comments.
pub(super) fn skip_trivia(
    file: FileId,
    text: &str,
    mut pos: usize,
    comments: &mut Vec<Span>,
) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b' ' | b'\t' | b'\n' | b'\r' => pos += 1,
            b'#' => {
                let end = bytes[pos..]
                    .iter()
                    .position(|&b| b == b'\n' || b == b'\r')
                    .map_or(bytes.len(), |n| pos + n);
                comments.push(Span::new(file, pos, end));
                pos = end;
            }
            _ => break,
        }
    }
    pos
}

impl Lower<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    fn comment(&mut self, pair: &Pair<'_, Rule>) {
        let span = self.span(pair);
        self.comments.push(span);
    }

    fn use_decl(&mut self, pair: Pair<'_, Rule>) -> Use {
        let span = self.span(&pair);
        let mut path = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::COMMENT => self.comment(&child),
                Rule::line_string | Rule::block_string => path = Some(self.string(&child)),
                _ => {}
            }
        }
        Use {
            span,
            path: path.unwrap_or_else(|| unreachable!("use without a path (use_decl)")),
        }
    }

    /// `role_decl`, `tool_decl`, `process_decl`, `pstep_decl`, `workflow_decl`,
    /// `wstep_decl`: keyword, name, title, header `implements`, body.
    fn decl(&mut self, pair: Pair<'_, Rule>, kind: DeclKind) -> Decl {
        let mut span = self.span(&pair);
        // pest's span of a declaration without a body also covers the blanks
        // and comments after it (skipped before the optional parts that did
        // not match): end it at its last token instead.
        let mut last_end = span.start;
        let mut name = None;
        let mut title = None;
        let mut implements = None;
        let mut body = None;
        for child in pair.into_inner() {
            if child.as_rule() != Rule::COMMENT {
                last_end = self.span(&child).end;
            }
            match child.as_rule() {
                Rule::COMMENT => self.comment(&child),
                Rule::ident if name.is_none() => name = Some(self.ident(&child)),
                Rule::ident => implements = Some(self.ident(&child)),
                Rule::line_string | Rule::block_string => title = Some(self.string(&child)),
                Rule::role_body
                | Rule::tool_body
                | Rule::process_body
                | Rule::pstep_body
                | Rule::workflow_body
                | Rule::wstep_body => body = Some(self.body(child, kind)),
                _ => {} // keywords
            }
        }
        span.end = last_end;
        Decl {
            kind,
            span,
            name: name.unwrap_or_else(|| unreachable!("declaration without a name (decl)")),
            title,
            implements,
            body,
        }
    }

    fn body(&mut self, pair: Pair<'_, Rule>, parent: DeclKind) -> Body {
        let mut open = None;
        let mut close = None;
        let mut entries = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::COMMENT => self.comment(&child),
                Rule::lbrace => open = Some(self.span(&child)),
                Rule::rbrace => close = Some(self.span(&child)),
                _ => entries.push(self.entry(child, parent)),
            }
        }
        Body {
            open: open.unwrap_or_else(|| unreachable!("body without `{{` (body)")),
            close: close.unwrap_or_else(|| unreachable!("body without `}}` (body)")),
            entries,
        }
    }

    /// One attribute (`*_attr`) or nested step of a block.
    fn entry(&mut self, pair: Pair<'_, Rule>, parent: DeclKind) -> Entry {
        let kind = match pair.as_rule() {
            Rule::pstep_decl => {
                return Entry::Step(Box::new(self.decl(pair, DeclKind::ProcessStep)));
            }
            Rule::wstep_decl => {
                return Entry::Step(Box::new(self.decl(pair, DeclKind::WorkflowStep)));
            }
            Rule::who_attr => AttrKind::Who,
            Rule::url_attr => AttrKind::Url,
            Rule::description_attr => AttrKind::Description,
            Rule::outcome_attr => AttrKind::Outcome,
            Rule::trigger_attr => AttrKind::Trigger,
            Rule::version_attr => AttrKind::Version,
            Rule::when_attr => AttrKind::When,
            Rule::run_attr => AttrKind::Run,
            Rule::owner_attr => AttrKind::Owner,
            Rule::implements_attr => AttrKind::Implements,
            Rule::tools_attr => AttrKind::Tool,
            Rule::after_attr => AttrKind::After,
            Rule::needs_attr => AttrKind::Needs,
            Rule::produces_attr => AttrKind::Produces,
            Rule::wait_attr => AttrKind::Wait,
            Rule::within_attr => AttrKind::Within,
            Rule::external_attr => AttrKind::External,
            Rule::optional_attr => AttrKind::Optional,
            Rule::automated_attr => AttrKind::Automated,
            Rule::allow_attr => AttrKind::Allow,
            Rule::input_attr => AttrKind::Input,
            Rule::target_attr => AttrKind::Target,
            Rule::every_attr => AttrKind::Every,
            Rule::takes_attr => AttrKind::Takes,
            Rule::escalate_attr => AttrKind::Escalate,
            Rule::with_attr => AttrKind::With,
            Rule::decides_attr => AttrKind::Decides,
            Rule::rework_attr => AttrKind::Rework,
            r => unreachable!("unexpected {r:?} in a {} (entry)", parent.describe()),
        };
        let mut span = self.span(&pair);
        // The keyword starts the attribute (see `sep` in the grammar).
        let keyword = Span {
            end: span.start + u32::try_from(kind.keyword().len()).unwrap_or(0),
            ..span
        };
        let mut value = Value::None;
        for child in pair.into_inner() {
            value = match child.as_rule() {
                Rule::COMMENT => {
                    self.comment(&child);
                    continue;
                }
                Rule::line_string | Rule::block_string => Value::Str(self.string(&child)),
                Rule::ident => Value::Ident(self.ident(&child)),
                Rule::idents | Rule::codes => Value::Idents(self.idents(child)),
                Rule::duration => Value::Duration(self.duration(&child)),
                Rule::decision => self.decision(child),
                Rule::conditions => Value::Conditions(self.conditions(child)),
                Rule::rework => Value::Rework(self.rework(child)),
                r => unreachable!("unexpected {r:?} value (entry)"),
            };
        }
        // `owner` parses a list so that `owner a, b` can be reported; one
        // name is the usual value.
        if kind == AttrKind::Owner {
            if let Value::Idents(v) = &mut value {
                if v.len() == 1 {
                    value = Value::Ident(v.remove(0));
                }
            }
        }
        // A list's span may run over the comments after its last name: end
        // the attribute at its last token.
        if !matches!(value, Value::None) {
            span.end = value.end(keyword).end;
        }
        Entry::Attr(Attr {
            kind,
            keyword,
            value,
            span,
        })
    }

    fn ident(&mut self, pair: &Pair<'_, Rule>) -> Ident {
        let ident = Ident {
            text: pair.as_str().to_owned(),
            span: self.span(pair),
        };
        if pair.as_rule() == Rule::ident && is_keyword(&ident.text) {
            self.errors.push(
                Diagnostic::new(
                    Code::Syntax,
                    ident.span,
                    format!("`{}` is a keyword and cannot be used as a name", ident.text),
                    "a name was expected here",
                )
                .with_help(format!(
                    "choose another name, such as `{}_step`",
                    ident.text
                )),
            );
        }
        ident
    }

    /// `idents` or `codes`.
    fn idents(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        let mut out = Vec::new();
        for child in pair.into_inner() {
            if child.as_rule() == Rule::COMMENT {
                self.comment(&child);
            } else {
                out.push(self.ident(&child));
            }
        }
        out
    }

    /// `decision`: a name and its question.
    fn decision(&mut self, pair: Pair<'_, Rule>) -> Value {
        let mut name = None;
        let mut question = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::COMMENT => self.comment(&child),
                Rule::ident => name = Some(self.ident(&child)),
                Rule::line_string | Rule::block_string => question = Some(self.string(&child)),
                r => unreachable!("unexpected {r:?} (decision)"),
            }
        }
        match (name, question) {
            (Some(n), Some(q)) => Value::Decision(n, q),
            _ => unreachable!("decision without a name or question (decision)"),
        }
    }

    /// `conditions`: strings, names and `not NAME`.
    fn conditions(&mut self, pair: Pair<'_, Rule>) -> Vec<Condition> {
        let mut out = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::COMMENT => self.comment(&child),
                Rule::line_string | Rule::block_string => {
                    out.push(Condition::Text(self.string(&child)));
                }
                Rule::ident => out.push(Condition::Decision {
                    not: None,
                    name: self.ident(&child),
                }),
                Rule::negated => {
                    let mut not = None;
                    let mut name = None;
                    for part in child.into_inner() {
                        match part.as_rule() {
                            Rule::COMMENT => self.comment(&part),
                            Rule::kw_not => not = Some(self.span(&part)),
                            Rule::ident => name = Some(self.ident(&part)),
                            r => unreachable!("unexpected {r:?} (negated)"),
                        }
                    }
                    let name = name.unwrap_or_else(|| unreachable!("`not` without a name"));
                    out.push(Condition::Decision { not, name });
                }
                r => unreachable!("unexpected {r:?} (conditions)"),
            }
        }
        out
    }

    /// `rework`: `STEP when not DECISION`.
    fn rework(&mut self, pair: Pair<'_, Rule>) -> Rework {
        let mut names = Vec::new();
        let mut when = None;
        let mut not = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::COMMENT => self.comment(&child),
                Rule::kw_when => when = Some(self.span(&child)),
                Rule::kw_not => not = Some(self.span(&child)),
                Rule::ident => names.push(self.ident(&child)),
                r => unreachable!("unexpected {r:?} (rework)"),
            }
        }
        let decision = names.pop();
        let step = names.pop();
        match (step, when, not, decision) {
            (Some(step), Some(when), Some(not), Some(decision)) => Rework {
                step,
                when,
                not,
                decision,
            },
            _ => unreachable!("incomplete rework (rework)"),
        }
    }

    /// `line_string` or `block_string`, quotes included.
    fn string(&mut self, pair: &Pair<'_, Rule>) -> StrLit {
        let span = self.span(pair);
        let block = pair.as_rule() == Rule::block_string;
        literal(self.file, span.start as usize, pair.as_str(), block)
    }

    fn duration(&self, pair: &Pair<'_, Rule>) -> Duration {
        let text = pair.as_str();
        let (digits, unit) = text.split_at(text.len() - 1);
        let unit = match unit {
            "m" => DurationUnit::Minutes,
            "h" => DurationUnit::Hours,
            "d" => DurationUnit::Days,
            "w" => DurationUnit::Weeks,
            u => unreachable!("unit {u} (duration)"),
        };
        Duration {
            // Absurdly long numbers saturate; the value is far out of any range.
            amount: digits.parse().unwrap_or(u64::MAX),
            unit,
            span: self.span(pair),
        }
    }
}
