//! The Markdown SOP (standard operating procedure) of one workflow: the
//! document that the person doing the work follows and a new hire learns from.
//!
//! How it is made, in three steps:
//!
//! 1. [`context`]: what the SOP says, as data: the workflow's plan (the same
//!    types as `--emit plan`) and what the SOP derives from it (step numbers,
//!    the critical path, who to ask, the Markdown of descriptions, made by
//!    [`descriptions`] with comrak).
//! 2. [`template`]: a minijinja template writes that data as Markdown; the
//!    built-in one is `templates/sop.md.j2`, and `build --template FILE`
//!    takes a user's. Every value a template prints is escaped as Markdown
//!    text (comrak's escaper) unless it is Markdown already.
//! 3. [`document`]: comrak parses the result, the small passes of [`lint`]
//!    adjust the tree to what markdownlint's default rules want beyond
//!    `CommonMark` (line length, unique headings, no trailing punctuation in
//!    headings, descriptive link text…), and comrak writes it out as
//!    `CommonMark` wrapped at 80 columns.
//!
//! User-facing documentation: `docs/outputs/sop.md` (the template context,
//! field by field).

mod chart;
pub mod context;
mod descriptions;
mod document;
mod lint;
pub mod template;
mod words;

use crate::model::{Model, WorkflowId};

pub use template::{Template, TemplateError};

/// Options of the SOP backend.
#[derive(Debug, Clone, Copy)]
pub struct SopOptions {
    /// Embed a Mermaid flowchart of the workflow.
    pub mermaid: bool,
}

impl Default for SopOptions {
    fn default() -> Self {
        SopOptions { mermaid: true }
    }
}

/// markdownlint's default line length (MD013).
pub(crate) const WIDTH: usize = 80;

/// The SOP of workflow `w` through the built-in template. The model must be
/// free of errors (every step has an owner; the workflow's process resolved;
/// no cycle).
#[must_use]
pub fn render(model: &Model, w: WorkflowId, options: SopOptions) -> String {
    document::finish(&builtin_markdown(model, w, options))
}

/// What the built-in template writes for workflow `w`. It is tested on every
/// example and on random and hostile workflows; should it still fail, the
/// document says why rather than the program stopping.
fn builtin_markdown(model: &Model, w: WorkflowId, options: SopOptions) -> String {
    Template::builtin()
        .render(&context::context(model, w, options))
        .unwrap_or_else(|e| format!("# SOP not written\n\nThe built-in template failed: {e}\n"))
}

/// The SOP of workflow `w` through the built-in template as comrak's tree:
/// the document [`render`] writes, before it is written as Markdown. The
/// handbook writes it as HTML, without writing and parsing Markdown in
/// between. (The tree keeps the empty HTML comment that keeps two block
/// quotes apart in Markdown.)
pub fn render_tree<R>(
    model: &Model,
    w: WorkflowId,
    options: SopOptions,
    f: impl for<'a> FnOnce(&'a comrak::nodes::AstNode<'a>) -> R,
) -> R {
    let arena = comrak::Arena::new();
    f(document::tree(&arena, &builtin_markdown(model, w, options)))
}

/// The SOP of workflow `w` through `template` (see [`Template`]).
///
/// # Errors
///
/// When the template fails while rendering (an unknown field, a filter given
/// the wrong value…): the error names the template's file and line.
pub fn render_with(
    template: &Template,
    model: &Model,
    w: WorkflowId,
    options: SopOptions,
) -> Result<String, TemplateError> {
    let context = context::context(model, w, options);
    let markdown = template.render(&context)?;
    Ok(document::finish(&markdown))
}
