//! What name resolution records (`Model::references`, which the language
//! server answers from) and the fixes it suggests, on the examples and on
//! random valid files:
//!
//! - every reference is written as the name it resolves to, and that name's
//!   definition is itself recorded as a declaration;
//! - every role, tool, process, workflow, step and decision is declared once;
//! - a typo made in any use of a name gets a "did you mean" fix back to the
//!   name, and when that fix is safe, applying the safe fixes gives back the
//!   file exactly.
#![allow(clippy::unwrap_used)]

mod common;

use common::random_flow::random_flows;
use common::{compile, compile_text, examples};
use procflow::diagnostic::Applicability;
use procflow::model::{Model, Target};
use procflow::source::SourceMap;
use procflow::{Compilation, Levels, Workspace};
use proptest::prelude::{prop, prop_assert, prop_assert_eq, proptest};

/// Checks the invariants of the references of a compilation; returns a
/// description of the first one broken.
fn check_references(c: &Compilation, sources: &SourceMap) -> Result<(), String> {
    let m: &Model = &c.model;
    for r in &m.references {
        let Some(def) = m.definition(r.target) else {
            return Err(format!("{r:?} names nothing in the model"));
        };
        if sources.slice(r.span) != sources.slice(def) {
            return Err(format!(
                "{r:?} is written `{}` but names `{}`",
                sources.slice(r.span),
                sources.slice(def)
            ));
        }
        if !m
            .references
            .iter()
            .any(|d| d.declaration && d.span == def && d.target == r.target)
        {
            return Err(format!("the definition of {r:?} is not recorded"));
        }
    }
    let declared = |t: Target| {
        m.references
            .iter()
            .filter(|r| r.declaration && r.target == t)
            .count()
    };
    let mut targets = Vec::new();
    for (i, w) in m.workflows.iter().enumerate() {
        let id = procflow::model::WorkflowId(i);
        targets.push(Target::Workflow(id));
        targets.extend((0..w.steps.len()).map(|s| Target::Step(id, s)));
        targets.extend((0..w.decisions.len()).map(|d| Target::Decision(id, d)));
    }
    targets.extend((0..m.roles.len()).map(|i| Target::Role(procflow::model::RoleId(i))));
    targets.extend((0..m.tools.len()).map(|i| Target::Tool(procflow::model::ToolId(i))));
    for t in targets {
        if declared(t) != 1 {
            return Err(format!("{t:?} is declared {} times", declared(t)));
        }
    }
    Ok(())
}

#[test]
fn the_examples_record_every_name() {
    for path in examples() {
        let mut ws = Workspace::default();
        ws.record_references = true;
        let id = ws.add_path("example.flow", &path).unwrap();
        let c = ws.compile(id, &Levels::default());
        check_references(&c, &ws.sources).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // Every owner, tool and step of every workflow is a recorded use.
        let uses = c.model.references.iter().filter(|r| !r.declaration).count();
        let owners_and_tools: usize = c
            .model
            .workflows
            .iter()
            .flat_map(|w| &w.steps)
            .map(|s| usize::from(s.owner.is_some()) + s.tools.len())
            .sum();
        assert!(uses >= owners_and_tools, "{}", path.display());
        // `check` and `build` do not ask for them, and get none.
        assert!(compile(&path).model.references.is_empty());
    }
}

/// `text` with `x` written at the end of the `k`-th use of a name of the
/// root file, and the name; `None` when there is none.
fn with_typo(text: &str, k: usize) -> Option<(String, String)> {
    let mut ws = Workspace::default();
    ws.record_references = true;
    let id = ws.add_text("random.flow", None, text.to_owned());
    let c = ws.compile(id, &Levels::default());
    let uses: Vec<_> = c
        .model
        .references
        .iter()
        .filter(|r| !r.declaration)
        .collect();
    let r = uses.get(k % uses.len().max(1))?;
    let end = r.span.end as usize;
    let name = text[r.span.start as usize..end].to_owned();
    Some((format!("{}x{}", &text[..end], &text[end..]), name))
}

proptest! {
    #![proptest_config(common::proptest_config(48))]

    /// Random valid files: the references keep their invariants.
    #[test]
    fn random_files_record_every_name(
        texts in prop::collection::vec(prop::collection::vec(0usize..1000, 1..6), 1..10),
        shapes in prop::collection::vec(prop::collection::vec(0usize..1000, 1..12), 1..4),
    ) {
        let flow = random_flows(&texts, &shapes);
        let mut ws = Workspace::default();
        ws.record_references = true;
        let id = ws.add_text("random.flow", None, flow.clone());
        let c = ws.compile(id, &Levels::default());
        prop_assert!(!c.has_errors());
        let checked = check_references(&c, &ws.sources);
        prop_assert!(checked.is_ok(), "{:?}\n{}", checked, flow);
    }

    /// A typo in any use of a name: the diagnostic there suggests the name
    /// and carries the fix; a safe fix, applied, gives back the file.
    #[test]
    fn a_typo_is_fixed_back(
        texts in prop::collection::vec(prop::collection::vec(0usize..1000, 1..6), 1..10),
        shapes in prop::collection::vec(prop::collection::vec(0usize..1000, 1..12), 1..4),
        k in 0usize..1000,
    ) {
        let flow = random_flows(&texts, &shapes);
        compile_text(&flow);
        let Some((broken, name)) = with_typo(&flow, k) else { return Ok(()) };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("random.flow");
        std::fs::write(&path, &broken).unwrap();
        let mut ws = Workspace::default();
        ws.record_references = true;
        let id = ws.add_path("random.flow", &path).unwrap();
        let c = ws.compile(id, &Levels::default());
        let typo = format!("{name}x");
        let d = c
            .diagnostics
            .iter()
            .find(|d| ws.sources.slice(d.span) == typo && d.fix.is_some());
        prop_assert!(d.is_some(), "no fix for `{}`: {:?}", typo, c.diagnostics);
        let fix = d.unwrap().fix.as_ref().unwrap();
        prop_assert_eq!(&fix.edits[0].replacement, &name);
        let fixes = procflow::fix::safe_fixes(&ws.sources, &c.diagnostics);
        if fix.applicability == Applicability::Safe {
            prop_assert_eq!(fixes.len(), 1);
            let fixed = procflow::fix::apply(&broken, &fixes[0]);
            prop_assert_eq!(fixed.as_deref(), Some(flow.as_str()));
        } else {
            prop_assert!(fixes.is_empty());
        }
    }
}
