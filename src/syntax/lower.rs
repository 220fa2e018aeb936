//! pest pairs to syntax tree: one function per grammar rule.
//!
//! The grammar guarantees the shapes matched here; a shape it cannot produce is
//! an `unreachable!` naming the rule, so a grammar change that breaks lowering
//! fails loudly in tests.

use pest::iterators::{Pair, Pairs};

use super::parse::Rule;
use super::strings::{cook_block, cook_line};
use crate::ast::{
    Attr, AttrKind, Body, Decl, DeclKind, Duration, DurationUnit, Entry, File, Ident, Item, StrLit,
    Use, Value,
};
use crate::source::{FileId, Span};

struct Lower<'a> {
    file: FileId,
    /// Offset of the parsed slice in the file's text.
    base: usize,
    comments: &'a mut Vec<Span>,
}

/// Lowers the items (and comments) under a `file` or `item_then_next` pair.
pub(super) fn lower_items(file: FileId, base: usize, pair: Pair<'_, Rule>, tree: &mut File) {
    let mut items = Vec::new();
    let mut lower = Lower {
        file,
        base,
        comments: &mut tree.comments,
    };
    for child in lower.children(pair) {
        match child.as_rule() {
            Rule::EOI => {}
            _ => items.push(lower.item(child)),
        }
    }
    tree.items.extend(items);
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

    /// The children of a pair with comments taken out (and recorded).
    fn children<'i>(
        &mut self,
        pair: Pair<'i, Rule>,
    ) -> impl Iterator<Item = Pair<'i, Rule>> + use<'i> {
        let mut kept = Vec::new();
        self.filter(pair.into_inner(), &mut kept);
        kept.into_iter()
    }

    fn filter<'i>(&mut self, pairs: Pairs<'i, Rule>, kept: &mut Vec<Pair<'i, Rule>>) {
        for p in pairs {
            if p.as_rule() == Rule::COMMENT {
                let span = self.span(&p);
                self.comments.push(span);
            } else {
                kept.push(p);
            }
        }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Item {
        match pair.as_rule() {
            Rule::use_decl => Item::Use(self.use_decl(pair)),
            Rule::role_decl => Item::Decl(self.decl(pair, DeclKind::Role)),
            Rule::tool_decl => Item::Decl(self.decl(pair, DeclKind::Tool)),
            Rule::process_decl => Item::Decl(self.decl(pair, DeclKind::Process)),
            Rule::workflow_decl => Item::Decl(self.decl(pair, DeclKind::Workflow)),
            r => unreachable!("unexpected {r:?} (lower item)"),
        }
    }

    fn use_decl(&mut self, pair: Pair<'_, Rule>) -> Use {
        let span = self.span(&pair);
        let mut path = None;
        for child in self.children(pair) {
            if child.as_rule() == Rule::string {
                path = Some(self.string(child));
            }
        }
        Use {
            span,
            path: path.unwrap_or_else(|| unreachable!("use without a path (lower use_decl)")),
        }
    }

    /// `role_decl`, `tool_decl`, `process_decl`, `pstep_decl`, `workflow_decl`,
    /// `wstep_decl`: keyword, name, title, header `implements`, body.
    fn decl(&mut self, pair: Pair<'_, Rule>, kind: DeclKind) -> Decl {
        let span = self.span(&pair);
        let mut name = None;
        let mut title = None;
        let mut implements = None;
        let mut body = None;
        for child in self.children(pair) {
            match child.as_rule() {
                Rule::ident if name.is_none() => name = Some(self.ident(&child)),
                Rule::ident => implements = Some(self.ident(&child)),
                Rule::string => title = Some(self.string(child)),
                Rule::role_body
                | Rule::tool_body
                | Rule::process_body
                | Rule::pstep_body
                | Rule::workflow_body
                | Rule::wstep_body => body = Some(self.body(child, kind)),
                _ => {} // keywords
            }
        }
        Decl {
            kind,
            span,
            name: name.unwrap_or_else(|| unreachable!("declaration without a name (lower decl)")),
            title,
            implements,
            body,
        }
    }

    fn body(&mut self, pair: Pair<'_, Rule>, parent: DeclKind) -> Body {
        let mut open = None;
        let mut close = None;
        let mut entries = Vec::new();
        for child in self.children(pair) {
            match child.as_rule() {
                Rule::lbrace => open = Some(self.span(&child)),
                Rule::rbrace => close = Some(self.span(&child)),
                _ => {
                    // An `*_attr` wrapper rule around one attribute or step.
                    let inner = self.children(child).next();
                    let inner =
                        inner.unwrap_or_else(|| unreachable!("empty attribute (lower body)"));
                    entries.push(self.entry(inner, parent));
                }
            }
        }
        Body {
            open: open.unwrap_or_else(|| unreachable!("body without `{{` (lower body)")),
            close: close.unwrap_or_else(|| unreachable!("body without `}}` (lower body)")),
            entries,
        }
    }

    fn entry(&mut self, pair: Pair<'_, Rule>, parent: DeclKind) -> Entry {
        let kind = match pair.as_rule() {
            Rule::pstep_decl => return Entry::Step(self.decl(pair, DeclKind::ProcessStep)),
            Rule::wstep_decl => return Entry::Step(self.decl(pair, DeclKind::WorkflowStep)),
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
            r => unreachable!("unexpected {r:?} in a {} (lower entry)", parent.describe()),
        };
        let span = self.span(&pair);
        let mut keyword = span;
        let mut value = Value::None;
        for (i, child) in self.children(pair).enumerate() {
            if i == 0 {
                keyword = self.span(&child);
                continue;
            }
            value = match child.as_rule() {
                Rule::string => Value::Str(self.string(child)),
                Rule::ident => Value::Ident(self.ident(&child)),
                Rule::idents | Rule::codes => Value::Idents(self.idents(child)),
                Rule::duration => Value::Duration(self.duration(&child)),
                r => unreachable!("unexpected {r:?} value (lower entry)"),
            };
        }
        Entry::Attr(Attr {
            kind,
            keyword,
            value,
            span,
        })
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            text: pair.as_str().to_owned(),
            span: self.span(pair),
        }
    }

    fn idents(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        self.children(pair).map(|p| self.ident(&p)).collect()
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> StrLit {
        let span = self.span(&pair);
        let inner = pair.into_inner().next();
        let inner = inner.unwrap_or_else(|| unreachable!("empty string (lower string)"));
        let block = inner.as_rule() == Rule::block_string;
        let raw = inner.into_inner().next().map_or("", |p| p.as_str());
        let value = if block {
            cook_block(raw)
        } else {
            cook_line(raw)
        };
        StrLit { value, span, block }
    }

    fn duration(&self, pair: &Pair<'_, Rule>) -> Duration {
        let text = pair.as_str();
        let (digits, unit) = text.split_at(text.len() - 1);
        let unit = match unit {
            "m" => DurationUnit::Minutes,
            "h" => DurationUnit::Hours,
            "d" => DurationUnit::Days,
            "w" => DurationUnit::Weeks,
            u => unreachable!("unit {u} (lower duration)"),
        };
        Duration {
            // Absurdly long numbers saturate; the value is far out of any range.
            amount: digits.parse().unwrap_or(u64::MAX),
            unit,
            span: self.span(pair),
        }
    }
}
