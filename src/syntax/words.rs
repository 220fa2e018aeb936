//! The words of the language, in one table: which block allows each attribute,
//! what value it takes, whether it may repeat. Error messages, completion,
//! the robustness generator and the editor-grammar test read it; a test keeps
//! the pest grammar (`grammar/flow.pest`) naming exactly these words.

use crate::ast::{AttrKind, DeclKind};

/// What follows an attribute's keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Nothing: a flag such as `automated`.
    Flag,
    /// A string.
    Text,
    /// One name.
    Name,
    /// A comma list of names.
    Names,
    /// A duration (`30m 4h 2d 1w`).
    Duration,
    /// A comma list of lint codes.
    Codes,
    /// A name and a question: `decides hot_lead "Is the lead hot?"`.
    Decision,
    /// A comma list of conditions: `"text"`, `NAME` or `not NAME`.
    Conditions,
    /// `STEP when not DECISION`.
    Rework,
}

impl Shape {
    /// The value in words, for help texts ("`owner` takes a name").
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Shape::Flag => "nothing",
            Shape::Text => "a string in double quotes",
            Shape::Name => "a name",
            Shape::Names => "a name or a comma list of names",
            Shape::Duration => "a duration such as 30m, 4h, 2d or 1w",
            Shape::Codes => "a lint code or a comma list of codes",
            Shape::Decision => "a decision name and its yes/no question in double quotes",
            Shape::Conditions => {
                "a decision name, `not` and a decision name, or a string in double quotes"
            }
            Shape::Rework => "a step, then `when not` and a decision",
        }
    }
}

/// One attribute of the language.
#[derive(Debug, Clone, Copy)]
pub struct Attribute {
    /// Which attribute.
    pub kind: AttrKind,
    /// The blocks it may be written in.
    pub blocks: &'static [DeclKind],
    /// Its value.
    pub shape: Shape,
    /// Whether one block may hold it more than once.
    pub repeats: bool,
    /// Whether the word is reserved (never a name). The words of version 2
    /// are keywords only where an attribute starts: a role may be called
    /// `escalate`.
    pub reserved: bool,
    /// What it says, in one line (completion details, help texts).
    pub summary: &'static str,
}

impl Attribute {
    /// The keyword as written.
    #[must_use]
    pub fn keyword(&self) -> &'static str {
        self.kind.keyword()
    }
}

use DeclKind::{Process, ProcessStep, Role, Tool, Workflow, WorkflowStep};

const fn attr(
    kind: AttrKind,
    blocks: &'static [DeclKind],
    shape: Shape,
    repeats: bool,
    reserved: bool,
    summary: &'static str,
) -> Attribute {
    Attribute {
        kind,
        blocks,
        shape,
        repeats,
        reserved,
        summary,
    }
}

/// Every attribute, in the order completion offers them within a block.
pub const ATTRIBUTES: &[Attribute] = &[
    attr(
        AttrKind::Who,
        &[Role],
        Shape::Text,
        false,
        true,
        "who holds the role",
    ),
    attr(
        AttrKind::Url,
        &[Tool],
        Shape::Text,
        false,
        true,
        "where the tool lives",
    ),
    attr(
        AttrKind::Implements,
        &[WorkflowStep],
        Shape::Names,
        false,
        true,
        "the process steps this step carries out",
    ),
    attr(
        AttrKind::Outcome,
        &[Process],
        Shape::Text,
        false,
        true,
        "the result the process exists for",
    ),
    attr(
        AttrKind::Owner,
        &[Process, Workflow, WorkflowStep],
        Shape::Name,
        false,
        true,
        "the one role accountable",
    ),
    attr(
        AttrKind::With,
        &[WorkflowStep],
        Shape::Names,
        false,
        false,
        "roles that take part besides the owner",
    ),
    attr(
        AttrKind::Tool,
        &[WorkflowStep],
        Shape::Names,
        false,
        true,
        "the tools the step is done with",
    ),
    attr(
        AttrKind::Trigger,
        &[Workflow],
        Shape::Text,
        false,
        true,
        "what starts a run",
    ),
    attr(
        AttrKind::Input,
        &[Workflow],
        Shape::Names,
        false,
        false,
        "artifacts that exist when a run starts",
    ),
    attr(
        AttrKind::Target,
        &[Workflow],
        Shape::Duration,
        false,
        false,
        "the lead time a run should meet",
    ),
    attr(
        AttrKind::Every,
        &[Workflow],
        Shape::Duration,
        false,
        false,
        "how often a run starts, on average",
    ),
    attr(
        AttrKind::Version,
        &[Workflow],
        Shape::Text,
        false,
        true,
        "the workflow's version",
    ),
    attr(
        AttrKind::After,
        &[WorkflowStep],
        Shape::Names,
        false,
        true,
        "the steps that must be done first",
    ),
    attr(
        AttrKind::When,
        &[WorkflowStep],
        Shape::Conditions,
        false,
        true,
        "the conditions under which the step runs",
    ),
    attr(
        AttrKind::Decides,
        &[WorkflowStep],
        Shape::Decision,
        true,
        false,
        "a yes/no question the step's owner answers",
    ),
    attr(
        AttrKind::Needs,
        &[WorkflowStep],
        Shape::Names,
        false,
        true,
        "the artifacts the step needs",
    ),
    attr(
        AttrKind::Produces,
        &[WorkflowStep],
        Shape::Names,
        false,
        true,
        "the artifacts the step makes",
    ),
    attr(
        AttrKind::Wait,
        &[WorkflowStep],
        Shape::Duration,
        false,
        true,
        "the time to wait once the step is ready",
    ),
    attr(
        AttrKind::Takes,
        &[WorkflowStep],
        Shape::Duration,
        false,
        false,
        "the working time the step takes",
    ),
    attr(
        AttrKind::Within,
        &[WorkflowStep],
        Shape::Duration,
        false,
        true,
        "the deadline, from when the step is ready",
    ),
    attr(
        AttrKind::Escalate,
        &[WorkflowStep],
        Shape::Name,
        false,
        false,
        "the role told when the deadline passes",
    ),
    attr(
        AttrKind::Rework,
        &[WorkflowStep],
        Shape::Rework,
        true,
        false,
        "the step done again when the answer is no",
    ),
    attr(
        AttrKind::Automated,
        &[WorkflowStep],
        Shape::Flag,
        false,
        true,
        "a machine does the step",
    ),
    attr(
        AttrKind::Run,
        &[WorkflowStep],
        Shape::Text,
        false,
        true,
        "the command that does the step",
    ),
    attr(
        AttrKind::External,
        &[Role],
        Shape::Flag,
        false,
        true,
        "someone outside the business",
    ),
    attr(
        AttrKind::Optional,
        &[ProcessStep],
        Shape::Flag,
        false,
        true,
        "a process step that may be left out",
    ),
    attr(
        AttrKind::Description,
        &[Role, Tool, Process, ProcessStep, Workflow, WorkflowStep],
        Shape::Text,
        false,
        true,
        "prose for people",
    ),
    attr(
        AttrKind::Allow,
        &[Role, Tool, Process, ProcessStep, Workflow, WorkflowStep],
        Shape::Codes,
        false,
        true,
        "lints silenced in this block",
    ),
];

/// Words that start a top-level item.
pub const TOP_LEVEL: &[&str] = &["use", "role", "tool", "process", "workflow"];

/// Reserved words that start declarations: the top-level words and `step`
/// (`tool` is also an attribute of workflow steps).
pub const DECLARATION_WORDS: &[&str] = &["use", "role", "tool", "process", "workflow", "step"];

/// Words that are keywords only in one place: `not` after `when`, `when`
/// inside `rework … when not`.
pub const CONTEXTUAL_WORDS: &[&str] = &["not"];

/// The attribute of `kind`.
#[must_use]
pub fn attribute(kind: AttrKind) -> &'static Attribute {
    ATTRIBUTES
        .iter()
        .find(|a| a.kind == kind)
        .unwrap_or_else(|| unreachable!("{kind:?} is missing from ATTRIBUTES"))
}

/// The attribute spelled `word`, if any.
#[must_use]
pub fn by_keyword(word: &str) -> Option<&'static Attribute> {
    ATTRIBUTES.iter().find(|a| a.keyword() == word)
}

/// The attributes a block allows, in completion order.
pub fn allowed_in(block: DeclKind) -> impl Iterator<Item = &'static Attribute> {
    ATTRIBUTES.iter().filter(move |a| a.blocks.contains(&block))
}

/// The words that may start an entry of `block` (its attributes, and `step`
/// in a process or a workflow), in completion order.
#[must_use]
pub fn entry_words(block: DeclKind) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = allowed_in(block).map(Attribute::keyword).collect();
    if matches!(block, Process | Workflow) {
        words.push("step");
    }
    words
}

/// Every reserved word (none of them can be a name), in table order.
pub fn reserved() -> impl Iterator<Item = &'static str> {
    DECLARATION_WORDS.iter().copied().chain(
        ATTRIBUTES
            .iter()
            .filter(|a| a.reserved && !DECLARATION_WORDS.contains(&a.keyword()))
            .map(Attribute::keyword),
    )
}

/// Every word of the language: reserved words, version-2 attribute words and
/// contextual words.
pub fn all() -> impl Iterator<Item = &'static str> {
    reserved()
        .chain(
            ATTRIBUTES
                .iter()
                .filter(|a| !a.reserved)
                .map(Attribute::keyword),
        )
        .chain(CONTEXTUAL_WORDS.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_kind_is_in_the_table_once() {
        for a in ATTRIBUTES {
            assert_eq!(
                ATTRIBUTES.iter().filter(|b| b.kind == a.kind).count(),
                1,
                "{:?}",
                a.kind
            );
            assert!(!a.blocks.is_empty());
        }
        let mut words: Vec<&str> = all().collect();
        let n = words.len();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), n, "a word is listed twice");
    }
}
