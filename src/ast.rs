//! The syntax tree: plain data with spans and no meaning yet.
//!
//! Blocks keep their entries (attributes and nested steps) in the order written,
//! and every comment of the file is kept in [`File::comments`], so the formatter
//! can rebuild the text.

use crate::source::Span;

/// A parsed file: the items that parsed and every comment.
#[derive(Debug, Clone, Default)]
pub struct File {
    /// Top-level items, in source order (items with syntax errors are left out).
    pub items: Vec<Item>,
    /// Every comment, in source order (`#` to the end of the line).
    pub comments: Vec<Span>,
}

/// A top-level item.
#[derive(Debug, Clone)]
pub enum Item {
    /// `use "path.flow"`.
    Use(Use),
    /// `role`, `tool`, `process` or `workflow`.
    Decl(Decl),
}

/// `use "path.flow"`.
#[derive(Debug, Clone)]
pub struct Use {
    /// The whole item.
    pub span: Span,
    /// The path, as written.
    pub path: StrLit,
}

/// What a declaration declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclKind {
    /// `role`.
    Role,
    /// `tool` at top level.
    Tool,
    /// `process`.
    Process,
    /// `step` inside a process.
    ProcessStep,
    /// `workflow`.
    Workflow,
    /// `step` inside a workflow.
    WorkflowStep,
}

impl DeclKind {
    /// The word users know the kind by (`role`, `process step`...).
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            DeclKind::Role => "role",
            DeclKind::Tool => "tool",
            DeclKind::Process => "process",
            DeclKind::ProcessStep => "process step",
            DeclKind::Workflow => "workflow",
            DeclKind::WorkflowStep => "workflow step",
        }
    }
}

/// A declaration: `KEYWORD name ["title"] [implements P] [{ ... }]`.
#[derive(Debug, Clone)]
pub struct Decl {
    /// What it declares.
    pub kind: DeclKind,
    /// The whole declaration, keyword to closing brace.
    pub span: Span,
    /// The declared name.
    pub name: Ident,
    /// The title string after the name.
    pub title: Option<StrLit>,
    /// `implements P` in a workflow header.
    pub implements: Option<Ident>,
    /// The `{ ... }` block.
    pub body: Option<Body>,
}

impl Decl {
    /// The attributes of the block, in source order.
    pub fn attrs(&self) -> impl Iterator<Item = &Attr> {
        self.entries().filter_map(|e| match e {
            Entry::Attr(a) => Some(a),
            Entry::Step(_) => None,
        })
    }

    /// The nested step declarations, in source order.
    pub fn steps(&self) -> impl Iterator<Item = &Decl> {
        self.entries().filter_map(|e| match e {
            Entry::Step(d) => Some(&**d),
            Entry::Attr(_) => None,
        })
    }

    fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.body.iter().flat_map(|b| b.entries.iter())
    }
}

/// A `{ ... }` block.
#[derive(Debug, Clone)]
pub struct Body {
    /// The `{`.
    pub open: Span,
    /// The `}`.
    pub close: Span,
    /// Attributes and steps, in source order.
    pub entries: Vec<Entry>,
}

/// One entry of a block.
#[derive(Debug, Clone)]
pub enum Entry {
    /// An attribute such as `owner ops`.
    Attr(Attr),
    /// A nested `step`. Boxed: a declaration is over twice the size of an
    /// attribute, and blocks hold mostly attributes.
    Step(Box<Decl>),
}

/// An attribute keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum AttrKind {
    Who,
    Url,
    Description,
    Outcome,
    Trigger,
    Version,
    When,
    Run,
    Owner,
    Implements,
    Tool,
    After,
    Needs,
    Produces,
    Wait,
    Within,
    External,
    Optional,
    Automated,
    Allow,
    Decides,
    Input,
    Takes,
    Target,
    Every,
    Escalate,
    With,
    Rework,
}

impl AttrKind {
    /// The keyword as written.
    #[must_use]
    pub fn keyword(self) -> &'static str {
        match self {
            AttrKind::Who => "who",
            AttrKind::Url => "url",
            AttrKind::Description => "description",
            AttrKind::Outcome => "outcome",
            AttrKind::Trigger => "trigger",
            AttrKind::Version => "version",
            AttrKind::When => "when",
            AttrKind::Run => "run",
            AttrKind::Owner => "owner",
            AttrKind::Implements => "implements",
            AttrKind::Tool => "tool",
            AttrKind::After => "after",
            AttrKind::Needs => "needs",
            AttrKind::Produces => "produces",
            AttrKind::Wait => "wait",
            AttrKind::Within => "within",
            AttrKind::External => "external",
            AttrKind::Optional => "optional",
            AttrKind::Automated => "automated",
            AttrKind::Allow => "allow",
            AttrKind::Decides => "decides",
            AttrKind::Input => "input",
            AttrKind::Takes => "takes",
            AttrKind::Target => "target",
            AttrKind::Every => "every",
            AttrKind::Escalate => "escalate",
            AttrKind::With => "with",
            AttrKind::Rework => "rework",
        }
    }
}

/// `KEYWORD value`.
#[derive(Debug, Clone)]
pub struct Attr {
    /// Which attribute.
    pub kind: AttrKind,
    /// The keyword.
    pub keyword: Span,
    /// The value after the keyword.
    pub value: Value,
    /// Keyword and value.
    pub span: Span,
}

/// The value of an attribute.
#[derive(Debug, Clone)]
pub enum Value {
    /// A flag such as `automated`.
    None,
    /// A string.
    Str(StrLit),
    /// One name (`owner ops`).
    Ident(Ident),
    /// A comma-separated list of names (`after a, b`; lint codes in `allow`).
    Idents(Vec<Ident>),
    /// A duration (`2d`).
    Duration(Duration),
    /// `decides NAME "Question?"`.
    Decision(Ident, StrLit),
    /// `when` conditions, all of which must hold.
    Conditions(Vec<Condition>),
    /// `rework STEP when not DECISION`.
    Rework(Rework),
}

impl Value {
    /// Where the value's last token ends (the keyword's end for a flag).
    #[must_use]
    pub fn end(&self, keyword: Span) -> Span {
        match self {
            Value::None => keyword,
            Value::Str(s) => s.span,
            Value::Ident(i) => i.span,
            Value::Idents(v) => v.last().map_or(keyword, |i| i.span),
            Value::Duration(d) => d.span,
            Value::Decision(_, q) => q.span,
            Value::Conditions(c) => c.last().map_or(keyword, Condition::span),
            Value::Rework(r) => r.decision.span,
        }
    }
}

/// One condition of a `when`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `when "free text"`: a question the step's owner answers when the step
    /// becomes ready.
    Text(StrLit),
    /// `when NAME` or `when not NAME` (`not` is the span of the word `not`).
    Decision {
        /// The `not`, if written.
        not: Option<Span>,
        /// The decision's name.
        name: Ident,
    },
}

impl Condition {
    /// The whole condition.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            Condition::Text(s) => s.span,
            Condition::Decision { not, name } => Span {
                start: not.map_or(name.span.start, |n| n.start),
                ..name.span
            },
        }
    }
}

/// `rework STEP when not DECISION`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rework {
    /// The step done again.
    pub step: Ident,
    /// The word `when`.
    pub when: Span,
    /// The word `not`.
    pub not: Span,
    /// The decision whose "no" sends the work back.
    pub decision: Ident,
}

/// A name as written, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// A string literal, with its value (escapes applied, `"""` dedented).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    /// The value.
    pub value: String,
    /// The literal, quotes included.
    pub span: Span,
    /// Whether it was written as a `"""` block.
    pub block: bool,
    /// The first thing that makes the value invalid in any field, and where
    /// it is written: a `\u{…}` escape that is not a character (its value
    /// holds U+FFFD there), or a control character other than a line break
    /// and a tab. Reported as `invalid-value` by the resolver.
    pub flaw: Option<(StrFlaw, Span)>,
    /// Where the value's first line break or tab comes from, if it has one
    /// (the whole literal for a `"""` string): one-line fields allow neither.
    pub breaks: Option<Span>,
}

/// Why a string's value is invalid wherever it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrFlaw {
    /// A `\u{…}` escape of a surrogate or of a code point above 10FFFF.
    NotAChar,
    /// A control character (Unicode category Cc) other than `\n` and `\t`.
    Control(char),
}

/// A duration literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    /// The number before the unit.
    pub amount: u64,
    /// The unit.
    pub unit: DurationUnit,
    /// Where it is written.
    pub span: Span,
}

/// The unit of a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    /// `m`.
    Minutes,
    /// `h`.
    Hours,
    /// `d`.
    Days,
    /// `w`.
    Weeks,
}

impl Duration {
    /// The longest duration the language takes: 52,000 weeks (about 1,000
    /// years). Far beyond any business's timescale, and small enough that
    /// sums over any number of steps stay exact.
    pub const MAX_SECONDS: u64 = 52_000 * 604_800;

    /// The duration in seconds (saturating at `u64::MAX`).
    #[must_use]
    pub fn seconds(&self) -> u64 {
        let unit = match self.unit {
            DurationUnit::Minutes => 60,
            DurationUnit::Hours => 3600,
            DurationUnit::Days => 86_400,
            DurationUnit::Weeks => 604_800,
        };
        self.amount.saturating_mul(unit)
    }
}
