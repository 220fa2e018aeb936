//! The semantic model: every name resolved to a typed index, the order of each
//! workflow made explicit. Checks and backends work on this, never on raw names.

mod conditions;
mod graph;
mod resolve;
pub(crate) mod shared;
pub mod time;

pub use graph::Order;
pub use resolve::resolve;

use crate::ast::{Duration, Ident, StrLit};
use crate::check::codes::Code;
use crate::source::{FileId, Span};

/// Index of a role in [`Model::roles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleId(pub usize);
/// Index of a tool in [`Model::tools`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ToolId(pub usize);
/// Index of a process in [`Model::processes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProcessId(pub usize);
/// Index of a workflow in [`Model::workflows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkflowId(pub usize);

/// One compilation: a root file and every file it `use`s.
#[derive(Debug, Default)]
pub struct Model {
    /// The file being checked or built.
    pub root: Option<FileId>,
    /// Roles, in definition order (used files first).
    pub roles: Vec<Role>,
    /// Tools, in definition order.
    pub tools: Vec<Tool>,
    /// Processes, in definition order.
    pub processes: Vec<Process>,
    /// Workflows, in definition order.
    pub workflows: Vec<Workflow>,
    /// Every `allow` written in a block: the lints it silences inside that block.
    pub allows: Vec<Allow>,
    /// Whether any `use` failed to load (references may live in the missing file).
    pub import_failed: bool,
    /// Every name written in the files that resolved, declarations included,
    /// and what it names: recorded by resolution, read by the language
    /// server (definition, references, rename, highlights, hover). In the
    /// order resolution met them. Empty unless `records_references`.
    pub references: Vec<Reference>,
    /// Whether resolution records [`Model::references`] (see
    /// [`Workspace::record_references`](crate::Workspace::record_references)).
    pub records_references: bool,
}

/// What a name written in a file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A role.
    Role(RoleId),
    /// A tool.
    Tool(ToolId),
    /// A process.
    Process(ProcessId),
    /// A workflow.
    Workflow(WorkflowId),
    /// A step of a process (index into its steps).
    ProcessStep(ProcessId, usize),
    /// A step of a workflow (index into its steps).
    Step(WorkflowId, usize),
    /// A decision of a workflow (index into its decisions).
    Decision(WorkflowId, usize),
    /// An artifact of a workflow (an `input`, or what a step `produces`),
    /// by the span of its first declaration.
    Artifact(WorkflowId, Span),
}

/// One name written in a file, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    /// Where the name is written.
    pub span: Span,
    /// What it names.
    pub target: Target,
    /// Whether this is a declaration of it (a declaration's name, a
    /// `decides`, an `input`, a `produces`) rather than a use.
    pub declaration: bool,
}

/// `allow CODE` in a block.
#[derive(Debug, Clone)]
pub struct Allow {
    /// The block (whole declaration).
    pub scope: Span,
    /// The lint silenced.
    pub code: Code,
}

impl Model {
    /// Where `target` is declared: its name in its declaration (for an
    /// artifact, its first `input` or `produces`). `None` for an index that
    /// is not in this model.
    #[must_use]
    pub fn definition(&self, target: Target) -> Option<Span> {
        Some(match target {
            Target::Role(r) => self.roles.get(r.0)?.name.span,
            Target::Tool(t) => self.tools.get(t.0)?.name.span,
            Target::Process(p) => self.processes.get(p.0)?.name.span,
            Target::Workflow(w) => self.workflows.get(w.0)?.name.span,
            Target::ProcessStep(p, s) => self.processes.get(p.0)?.steps.get(s)?.name.span,
            Target::Step(w, s) => self.workflows.get(w.0)?.steps.get(s)?.name.span,
            Target::Decision(w, d) => self.workflows.get(w.0)?.decisions.get(d)?.name.span,
            Target::Artifact(_, span) => span,
        })
    }

    /// The reference written at a byte offset of a file (touching its end
    /// counts, a name starting there wins).
    #[must_use]
    pub fn reference_at(&self, file: FileId, offset: usize) -> Option<&Reference> {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let touching =
            |r: &&Reference| r.span.file == file && r.span.start <= offset && offset <= r.span.end;
        self.references
            .iter()
            .filter(touching)
            .find(|r| offset < r.span.end)
            .or_else(|| self.references.iter().find(touching))
    }

    /// Every reference to `target`, declarations included, in order.
    pub fn references_to(&self, target: Target) -> impl Iterator<Item = &Reference> {
        self.references.iter().filter(move |r| r.target == target)
    }

    /// Whether a lint is silenced by an `allow` around `span`.
    #[must_use]
    pub fn is_allowed(&self, code: Code, span: Span) -> bool {
        self.allows
            .iter()
            .any(|a| a.code == code && a.scope.contains(span))
    }

    /// Whether a declaration lives in the root file.
    #[must_use]
    pub fn in_root(&self, span: Span) -> bool {
        self.root == Some(span.file)
    }

    /// Whether the root file is a library (declares no process and no workflow).
    #[must_use]
    pub fn root_is_library(&self) -> bool {
        !self.processes.iter().any(|p| self.in_root(p.name.span))
            && !self.workflows.iter().any(|w| self.in_root(w.name.span))
    }

    /// Looks a role up by name.
    #[must_use]
    pub fn role(&self, name: &str) -> Option<RoleId> {
        self.roles
            .iter()
            .position(|r| r.name.text == name)
            .map(RoleId)
    }

    /// Looks a workflow up by name.
    #[must_use]
    pub fn workflow(&self, name: &str) -> Option<WorkflowId> {
        self.workflows
            .iter()
            .position(|w| w.name.text == name)
            .map(WorkflowId)
    }
}

/// The title to show for a name: the written title, or the name with `_`/`-`
/// turned into spaces and the first letter capitalised.
#[must_use]
pub fn display_title(name: &Ident, title: Option<&StrLit>) -> String {
    if let Some(t) = title {
        return t.value.clone();
    }
    title_from_name(&name.text)
}

/// A name as a title: `_` and `-` turned into spaces, the first letter
/// capitalised (`score_sheet` → `Score sheet`).
#[must_use]
pub fn title_from_name(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect();
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A role.
#[derive(Debug, Clone)]
pub struct Role {
    /// Its name.
    pub name: Ident,
    /// Whether an earlier declaration has the same name (reported as
    /// `duplicate-definition`; references go to the first).
    pub duplicate: bool,
    /// The whole declaration.
    pub span: Span,
    /// Its title.
    pub title: Option<StrLit>,
    /// `who`.
    pub who: Option<StrLit>,
    /// `description`.
    pub description: Option<StrLit>,
    /// `external`.
    pub external: bool,
}

/// A tool.
#[derive(Debug, Clone)]
pub struct Tool {
    /// Its name.
    pub name: Ident,
    /// Whether an earlier declaration has the same name (reported as
    /// `duplicate-definition`; references go to the first).
    pub duplicate: bool,
    /// The whole declaration.
    pub span: Span,
    /// Its title.
    pub title: Option<StrLit>,
    /// `url`.
    pub url: Option<StrLit>,
    /// `description`.
    pub description: Option<StrLit>,
}

/// A process: what must happen.
#[derive(Debug, Clone)]
pub struct Process {
    /// Its name.
    pub name: Ident,
    /// Whether an earlier declaration has the same name (reported as
    /// `duplicate-definition`; references go to the first).
    pub duplicate: bool,
    /// The whole declaration.
    pub span: Span,
    /// Its title.
    pub title: Option<StrLit>,
    /// `outcome`.
    pub outcome: Option<StrLit>,
    /// `owner`, when it resolved.
    pub owner: Option<RoleId>,
    /// `description`.
    pub description: Option<StrLit>,
    /// Its steps, in the required order.
    pub steps: Vec<ProcessStep>,
}

/// A step of a process.
#[derive(Debug, Clone)]
pub struct ProcessStep {
    /// Its name.
    pub name: Ident,
    /// The whole declaration.
    pub span: Span,
    /// Its title.
    pub title: Option<StrLit>,
    /// `description`.
    pub description: Option<StrLit>,
    /// `optional`.
    pub optional: bool,
}

/// A workflow: how a process is carried out.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// Its name.
    pub name: Ident,
    /// Whether an earlier declaration has the same name (reported as
    /// `duplicate-definition`; references go to the first).
    pub duplicate: bool,
    /// The whole declaration.
    pub span: Span,
    /// Its title.
    pub title: Option<StrLit>,
    /// The process it implements, when that resolved.
    pub process: Option<ProcessId>,
    /// `owner`, when it resolved.
    pub owner: Option<RoleId>,
    /// `trigger`.
    pub trigger: Option<StrLit>,
    /// `version`.
    pub version: Option<StrLit>,
    /// `description`.
    pub description: Option<StrLit>,
    /// `input`: artifacts that exist when a run starts.
    pub inputs: Vec<Ident>,
    /// `target`: the lead time a run should meet.
    pub target: Option<Duration>,
    /// `every`: how often a run starts, on average.
    pub every: Option<Duration>,
    /// The decisions its steps take (`decides`), in the order written; the
    /// first of a duplicate name only.
    pub decisions: Vec<Decision>,
    /// Its steps, in the order written.
    pub steps: Vec<Step>,
    /// The order graph of its steps.
    pub order: Order,
}

impl Workflow {
    /// Looks a decision up by name.
    #[must_use]
    pub fn decision(&self, name: &str) -> Option<usize> {
        self.decisions.iter().position(|d| d.name.text == name)
    }
}

/// A named yes/no decision: `decides NAME "Question?"`.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Its name.
    pub name: Ident,
    /// The question its step's owner answers.
    pub question: StrLit,
    /// The deciding step (index into the workflow's steps).
    pub step: usize,
}

impl Decision {
    /// The process variable that holds the answer (plans, BPMN): the name
    /// with `-` as `_`.
    #[must_use]
    pub fn variable(&self) -> String {
        self.name.text.replace('-', "_")
    }
}

/// One resolved condition of a step's `when`.
#[derive(Debug, Clone)]
pub enum Condition {
    /// `when "text"`: a question the step's own owner answers when the step
    /// becomes ready.
    Text(StrLit),
    /// `when NAME` (`is` true) or `when not NAME` (`is` false).
    Decision {
        /// Index into the workflow's decisions.
        decision: usize,
        /// The answer under which the step runs.
        is: bool,
        /// The decision's name in the `when`.
        span: Span,
    },
}

/// `rework STEP when not DECISION`, resolved.
#[derive(Debug, Clone)]
pub struct Rework {
    /// The step done again (index into the workflow's steps).
    pub step: usize,
    /// The decision whose "no" sends the work back (index into the
    /// workflow's decisions).
    pub decision: usize,
    /// The whole attribute.
    pub span: Span,
    /// The step's name after `rework`.
    pub step_span: Span,
    /// The decision's name after `when not`.
    pub decision_span: Span,
}

/// A workflow step.
#[derive(Debug, Clone)]
pub struct Step {
    /// Its name.
    pub name: Ident,
    /// The whole declaration.
    pub span: Span,
    /// Its title.
    pub title: Option<StrLit>,
    /// Indices into the process's steps, of those that resolved.
    pub implements: Vec<usize>,
    /// Whether an `implements` attribute was written.
    pub has_implements: bool,
    /// `owner`, when it resolved.
    pub owner: Option<RoleId>,
    /// Whether an `owner` attribute was written.
    pub has_owner: bool,
    /// `tool`, those that resolved.
    pub tools: Vec<ToolId>,
    /// Whether a `tool` attribute was written.
    pub has_tool: bool,
    /// `automated`.
    pub automated: bool,
    /// The steps this one waits for (indices into the workflow's steps): the
    /// resolved `after`, or the step written just before it.
    pub after: Vec<usize>,
    /// Whether `after` was written (otherwise `after` is the sequential default).
    pub explicit_after: bool,
    /// Where each step of `after` is named in the `after` attribute (one
    /// span per entry of `after`; none for the sequential default).
    pub after_spans: Vec<Span>,
    /// `when`: the conditions that resolved, in the order written.
    pub when: Vec<Condition>,
    /// Whether a `when` was written (the step is conditional, even when its
    /// conditions did not resolve).
    pub conditional: bool,
    /// The decisions this step takes (indices into the workflow's decisions).
    pub decides: Vec<usize>,
    /// `wait`.
    pub wait: Option<Duration>,
    /// `takes`: the working time once started.
    pub takes: Option<Duration>,
    /// `within`.
    pub within: Option<Duration>,
    /// `escalate`, when it resolved.
    pub escalate: Option<RoleId>,
    /// `with`: the roles that take part besides the owner, those that
    /// resolved.
    pub with: Vec<RoleId>,
    /// `rework`, those that resolved.
    pub rework: Vec<Rework>,
    /// `needs`.
    pub needs: Vec<Ident>,
    /// `produces`.
    pub produces: Vec<Ident>,
    /// `run`.
    pub run: Option<StrLit>,
    /// `description`.
    pub description: Option<StrLit>,
}

impl Step {
    /// The boolean variable that holds the answer to a free-text `when`
    /// (plans, BPMN): `when_<step id>` with `-` as `_`.
    #[must_use]
    pub fn text_condition_variable(&self) -> String {
        format!("when_{}", self.name.text.replace('-', "_"))
    }

    /// The step's conditions in words, joined by "and" (free text as
    /// written, a decision as its question and the answer): for outputs that
    /// show a condition as one line.
    #[must_use]
    pub fn condition_text(&self, workflow: &Workflow) -> Option<String> {
        if self.when.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .when
            .iter()
            .map(|c| match c {
                Condition::Text(s) => s.value.clone(),
                Condition::Decision { decision, is, .. } => {
                    let d = &workflow.decisions[*decision];
                    format!(
                        "the answer to \"{}\" is {}",
                        d.question.value,
                        if *is { "yes" } else { "no" }
                    )
                }
            })
            .collect();
        Some(parts.join(", and "))
    }
}
