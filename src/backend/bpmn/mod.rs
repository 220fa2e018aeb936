//! BPMN 2.0 of one workflow, for workflow engines (Camunda 8, `SpiffWorkflow`)
//! and their modelers: `procflow build --emit bpmn`. The mapping is in
//! docs/outputs/bpmn.md.
//!
//! [`graph`] turns the workflow into flow nodes and sequence flows (the skip
//! rule, decisions, rework, deadlines), [`layout`] places them (BPMNDI), and
//! `write` writes the XML of the chosen [`Flavor`].

pub mod graph;
pub mod layout;
mod write;

use crate::model::{Model, WorkflowId};

/// The engine a BPMN file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flavor {
    /// Camunda 8 (Zeebe): `zeebe:` extensions, FEEL conditions.
    #[default]
    Camunda8,
    /// `SpiffWorkflow`: script tasks, Python conditions and timers.
    Spiff,
}

/// The Camunda 8 version written by default
/// (`modeler:executionPlatformVersion`).
pub const DEFAULT_CAMUNDA_VERSION: &str = "8.5";

/// Options of the BPMN output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BpmnOptions<'a> {
    /// The engine.
    pub flavor: Flavor,
    /// The Camunda 8 version (`MAJOR.MINOR`), for the camunda8 flavor.
    pub camunda_version: &'a str,
}

impl Default for BpmnOptions<'_> {
    fn default() -> Self {
        BpmnOptions {
            flavor: Flavor::Camunda8,
            camunda_version: DEFAULT_CAMUNDA_VERSION,
        }
    }
}

/// Whether `v` is a Camunda version as `--camunda-version` takes it:
/// `MAJOR.MINOR`, both numbers.
#[must_use]
pub fn valid_camunda_version(v: &str) -> bool {
    let mut parts = v.split('.');
    let number = |p: Option<&str>| {
        p.is_some_and(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    number(parts.next()) && number(parts.next()) && parts.next().is_none()
}

/// The BPMN document of workflow `w`, ending with a newline. The model must
/// be free of errors.
#[must_use]
pub fn render(model: &Model, w: WorkflowId, options: BpmnOptions<'_>) -> String {
    let workflow = &model.workflows[w.0];
    let graph = graph::build(model, w, options.flavor == Flavor::Spiff);
    let layout = layout::layout(&graph);
    write::document(
        model,
        workflow,
        &graph,
        &layout,
        options.flavor,
        options.camunda_version,
    )
}

#[cfg(test)]
mod tests {
    use super::valid_camunda_version;
    use crate::model::time::iso_duration;

    #[test]
    fn iso_durations_use_the_largest_unit() {
        assert_eq!(iso_duration(0), "PT0S");
        assert_eq!(iso_duration(59), "PT59S");
        assert_eq!(iso_duration(1800), "PT30M");
        assert_eq!(iso_duration(14_400), "PT4H");
        assert_eq!(iso_duration(129_600), "PT36H");
        assert_eq!(iso_duration(172_800), "P2D");
        assert_eq!(iso_duration(604_800), "P1W");
        assert_eq!(iso_duration(691_200), "P8D");
    }

    #[test]
    fn camunda_versions() {
        for v in ["8.5", "8.10", "10.0"] {
            assert!(valid_camunda_version(v), "{v}");
        }
        for v in ["8", "8.5.1", "8.", ".5", "8.x", "", "8.55555"] {
            assert!(!valid_camunda_version(v), "{v}");
        }
    }
}
