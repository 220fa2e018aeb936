//! Recording what each name written in a file names (see
//! [`crate::model::Reference`]): declarations as they are entered, uses as
//! they resolve. The language server answers definition, references, rename
//! and hover from these, so it scopes names exactly as the compiler does.

use super::{Ctx, Sym};
use crate::ast::Ident;
use crate::model::{ProcessId, Reference, RoleId, Target, ToolId, WorkflowId};
use crate::source::Span;

impl Sym {
    /// What a global name names.
    pub(super) fn target(self) -> Target {
        match self {
            Sym::Role(i) => Target::Role(RoleId(i)),
            Sym::Tool(i) => Target::Tool(ToolId(i)),
            Sym::Process(i) => Target::Process(ProcessId(i)),
            Sym::Workflow(i) => Target::Workflow(WorkflowId(i)),
        }
    }
}

/// The artifacts of a workflow by name: the span of each one's first
/// declaration (its `input`, else its first `produces`).
pub(super) type Artifacts<'a> = foldhash::HashMap<&'a str, Span>;

/// The artifacts declared by `inputs` and by the `produces` of the steps
/// (in the order written).
pub(super) fn artifacts<'a>(
    inputs: &'a [Ident],
    produced: impl Iterator<Item = &'a Ident>,
) -> Artifacts<'a> {
    let mut out = Artifacts::default();
    for i in inputs.iter().chain(produced) {
        out.entry(i.text.as_str()).or_insert(i.span);
    }
    out
}

impl Ctx<'_> {
    /// Records that the name at `span` names `target`.
    pub(super) fn refer(&mut self, span: Span, target: Target, declaration: bool) {
        if !self.model.records_references {
            return;
        }
        self.out.references.push(Reference {
            span,
            target,
            declaration,
        });
    }

    /// The id the workflow being resolved gets in the model.
    pub(super) fn workflow_id(&self) -> WorkflowId {
        WorkflowId(self.id)
    }

    /// Records an artifact's name (`input`, `produces`, `needs`), when it is
    /// declared.
    pub(super) fn refer_artifact(
        &mut self,
        artifacts: &Artifacts<'_>,
        name: &Ident,
        declaration: bool,
    ) {
        if let Some(&first) = artifacts.get(name.text.as_str()) {
            let target = Target::Artifact(self.workflow_id(), first);
            self.refer(name.span, target, declaration);
        }
    }
}
