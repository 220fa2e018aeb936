//! Markdown SOP (being written).

use crate::model::{Model, WorkflowId};

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

/// The SOP of workflow `w`.
#[must_use]
pub fn render(model: &Model, w: WorkflowId, options: SopOptions) -> String {
    let _ = (model, w, options);
    String::new()
}
