//! Looking names up: global names (roles, tools, processes), steps of a
//! process or a workflow, decisions. A name that resolves is recorded as a
//! reference ([`super::super::Reference`]); one that does not is reported,
//! with a "did you mean" and a fix when a name is near enough.

use super::{Ctx, StepIndex, Sym};
use crate::ast::{Decl, Ident};
use crate::check::codes::Code;
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::{Decision, ProcessId, Target};
use crate::suggest::{list, nearest};

impl<'r> Ctx<'r> {
    /// Looks up a global name that must be of one kind; reports `unknown-reference`
    /// or `wrong-kind`.
    pub(super) fn lookup(
        &mut self,
        ident: &Ident,
        want: &'static str,
        attr: &str,
    ) -> Option<usize> {
        match self.names.get(&ident.text) {
            Some((sym, _)) if sym.kind() == want => {
                let sym = *sym;
                self.refer(ident.span, sym.target(), false);
                Some(match sym {
                    Sym::Role(i) | Sym::Tool(i) | Sym::Process(i) | Sym::Workflow(i) => i,
                })
            }
            Some((sym, def)) => {
                let (kind, def_span) = (sym.kind(), def.span);
                let d = Diagnostic::new(
                    Code::WrongKind,
                    ident.span,
                    format!("`{}` is a {kind}, not a {want}", ident.text),
                    format!("`{attr}` takes a {want}"),
                )
                .with_label(
                    def_span,
                    format!("`{}` is defined here as a {kind}", ident.text),
                )
                .with_help(self.choices(want, attr));
                self.push(d);
                None
            }
            None => {
                if !self.model.import_failed {
                    let d = Diagnostic::new(
                        Code::UnknownReference,
                        ident.span,
                        format!("unknown {want} `{}`", ident.text),
                        format!("no {want} has this name"),
                    );
                    let d = match self.suggest(want, &ident.text) {
                        Some((word, only)) => d.with_suggestion(&word, only),
                        None => d.with_help(self.choices(want, attr)),
                    };
                    self.push(d);
                }
                None
            }
        }
    }

    pub(super) fn names_of(&self, want: &str) -> &'r [String] {
        let slot = match want {
            "role" => 0,
            "tool" => 1,
            "process" => 2,
            _ => 3,
        };
        self.help.names[slot].get_or_init(|| {
            let mut names: Vec<(&Ident, &String)> = self
                .names
                .iter()
                .filter(|(_, (sym, _))| sym.kind() == want)
                .map(|(name, (_, ident))| (ident, name))
                .collect();
            names.sort_by_key(|(ident, _)| ident.span);
            names.into_iter().map(|(_, n)| n.clone()).collect()
        })
    }

    /// The "did you mean" of an unknown name of kind `want` (and whether it
    /// is the only candidate), computed once per name.
    fn suggest(&self, want: &'static str, word: &str) -> Option<(String, bool)> {
        let key = (want, word.to_owned());
        if let Ok(memo) = self.help.suggestions.lock()
            && let Some(s) = memo.get(&key)
        {
            return s.clone();
        }
        let s = nearest(word, self.names_of(want).iter().map(String::as_str))
            .map(|s| (s.word.to_owned(), s.only));
        if let Ok(mut memo) = self.help.suggestions.lock() {
            memo.insert(key, s.clone());
        }
        s
    }

    /// "`owner` takes one of: a, b, c".
    fn choices(&self, want: &str, attr: &str) -> String {
        let names = self.names_of(want);
        if names.is_empty() {
            return format!("declare the {want} first: `{want} NAME \"Title\"`");
        }
        format!("`{attr}` takes a {want}: {}", list(names))
    }

    /// A step's `when` conditions, those whose decision resolved.
    pub(super) fn conditions(
        &mut self,
        conditions: &[crate::ast::Condition],
        index: &foldhash::HashMap<&str, usize>,
        decisions: &[Decision],
        workflow: &Decl,
    ) -> Vec<crate::model::Condition> {
        let mut out = Vec::with_capacity(conditions.len());
        for c in conditions {
            match c {
                crate::ast::Condition::Text(text) => {
                    out.push(crate::model::Condition::Text(text.clone()));
                }
                crate::ast::Condition::Decision { not, name } => {
                    if let Some(decision) = self.decision_ref(name, index, decisions, workflow) {
                        out.push(crate::model::Condition::Decision {
                            decision,
                            is: not.is_none(),
                            span: name.span,
                        });
                    }
                }
            }
        }
        out
    }

    /// Resolves a decision's name among the workflow's decisions.
    pub(super) fn decision_ref(
        &mut self,
        name: &Ident,
        index: &foldhash::HashMap<&str, usize>,
        decisions: &[Decision],
        workflow: &Decl,
    ) -> Option<usize> {
        if let Some(&k) = index.get(name.text.as_str()) {
            self.refer(name.span, Target::Decision(self.workflow_id(), k), false);
            return Some(k);
        }
        let d = Diagnostic::new(
            Code::UnknownReference,
            name.span,
            format!(
                "workflow `{}` has no decision `{}`",
                workflow.name.text, name.text
            ),
            "no step decides this",
        );
        let d = match nearest(&name.text, decisions.iter().map(|d| d.name.text.as_str())) {
            Some(s) => d.with_suggestion(s.word, s.only),
            None => d.with_help(format!(
                "declare it on the step that answers it: `decides {} \"Question?\"`",
                name.text
            )),
        };
        self.push(d);
        None
    }

    /// The steps of process `p` in order, and as a set (the workflow's process:
    /// one per workflow, so computed once).
    fn process_steps(&mut self, p: ProcessId) -> (&[String], &foldhash::HashSet<String>) {
        if self.process_step_names.as_ref().is_some_and(|c| c.0 != p) {
            self.process_step_names = None;
        }
        let steps = &self.model.processes[p.0].steps;
        let (_, names, set) = self.process_step_names.get_or_insert_with(|| {
            let names: Vec<String> = steps.iter().map(|s| s.name.text.clone()).collect();
            let set = names.iter().cloned().collect();
            (p, names, set)
        });
        (names, set)
    }

    /// "Did you mean" for an unknown step name, once per name: among the
    /// steps of process `p` (`implements`), else of the workflow (`after`,
    /// once `step_names` is set).
    fn step_suggestion(
        &mut self,
        implements: bool,
        word: &str,
        p: Option<ProcessId>,
    ) -> Option<(String, bool)> {
        let key = (implements, word.to_owned());
        if let Some(s) = self.step_suggestions.get(&key) {
            return s.clone();
        }
        let s = match p {
            Some(p) => nearest(word, self.process_steps(p).0.iter().map(String::as_str)),
            None => nearest(word, self.step_names.iter().flatten().map(String::as_str)),
        }
        .map(|s| (s.word.to_owned(), s.only));
        self.step_suggestions.insert(key, s.clone());
        s
    }

    /// Resolves a step's `implements` name among the steps of process `p`.
    pub(super) fn process_step(
        &mut self,
        p: ProcessId,
        steps: &StepIndex<'_>,
        id: &Ident,
        workflow: &Decl,
    ) -> Option<usize> {
        if let Some(&k) = steps.get(id.text.as_str()) {
            self.refer(id.span, Target::ProcessStep(p, k), false);
            return Some(k);
        }
        let process = &self.model.processes[p.0];
        let suggestion = self.step_suggestion(true, &id.text, Some(p));
        let help = suggestion.as_ref().map_or_else(
            || {
                format!(
                    "the steps of process `{}` are: {}",
                    process.name.text,
                    list(self.process_steps(p).0)
                )
            },
            |(c, _)| format!("did you mean `{c}`?"),
        );
        let label = format!(
            "workflow `{}` implements process `{}`",
            workflow.name.text, process.name.text
        );
        let d = if let Some((sym, _)) = self.names.get(&id.text) {
            Diagnostic::new(
                Code::WrongKind,
                id.span,
                format!(
                    "`{}` is a {}, not a step of process `{}`",
                    id.text,
                    sym.kind(),
                    process.name.text
                ),
                "`implements` takes steps of the workflow's process",
            )
        } else {
            Diagnostic::new(
                Code::UnknownReference,
                id.span,
                format!("process `{}` has no step `{}`", process.name.text, id.text),
                label,
            )
        };
        let fix = suggestion.map(|(c, only)| Fix::replace(id.span, c, only));
        let d = d.with_help(help);
        self.push(match fix {
            Some(fix) => d.with_fix(fix),
            None => d,
        });
        None
    }

    /// Resolves an `after` name among the steps of the same workflow.
    pub(super) fn workflow_step(
        &mut self,
        index: &StepIndex<'_>,
        id: &Ident,
        workflow: &Decl,
        process: Option<ProcessId>,
    ) -> Option<usize> {
        self.workflow_step_in(index, id, workflow, process, "after")
    }

    /// Resolves a step name of `attr` (`after`, `rework`) among the steps of
    /// the same workflow.
    pub(super) fn workflow_step_in(
        &mut self,
        index: &StepIndex<'_>,
        id: &Ident,
        workflow: &Decl,
        process: Option<ProcessId>,
        attr: &str,
    ) -> Option<usize> {
        if let Some(&k) = index.get(id.text.as_str()) {
            self.refer(id.span, Target::Step(self.workflow_id(), k), false);
            return Some(k);
        }
        let is_process_step = process.is_some_and(|p| self.process_steps(p).1.contains(&id.text));
        if self.step_names.is_none() {
            let mut names: Vec<(&str, usize)> = index.iter().map(|(n, i)| (*n, *i)).collect();
            names.sort_by_key(|(_, i)| *i);
            self.step_names = Some(names.into_iter().map(|(n, _)| n.to_owned()).collect());
        }
        // `list` shows at most eight names and "…".
        let names: Vec<String> = self.step_names.iter().flatten().take(9).cloned().collect();
        let d = if is_process_step {
            Diagnostic::new(
                Code::WrongKind,
                id.span,
                format!(
                    "`{}` is a process step, not a step of workflow `{}`",
                    id.text, workflow.name.text
                ),
                format!("`{attr}` takes steps of the same workflow"),
            )
            .with_help(format!(
                "{}: {}",
                if attr == "after" {
                    "name the workflow step that must finish first"
                } else {
                    "name a step of the workflow"
                },
                list(&names)
            ))
        } else {
            let suggestion = self.step_suggestion(false, &id.text, None);
            let d = Diagnostic::new(
                Code::UnknownReference,
                id.span,
                format!(
                    "workflow `{}` has no step `{}`",
                    workflow.name.text, id.text
                ),
                format!("`{attr}` takes steps of the same workflow"),
            );
            match suggestion {
                Some((word, only)) => d.with_suggestion(&word, only),
                None => d.with_help(format!(
                    "the steps of workflow `{}` are: {}",
                    workflow.name.text,
                    list(&names)
                )),
            }
        };
        self.push(d);
        None
    }
}
