//! Syntax trees to [`Model`]: names looked up, references turned into typed
//! indices, the sequential default of `after` made explicit.
//!
//! Reports `duplicate-definition`, `duplicate-attribute`, `unknown-reference`,
//! `wrong-kind` and `invalid-value`. Nothing is reported twice: a duplicate
//! declaration is reported and then left out of the model, and references into
//! something that did not resolve are not checked.

use super::conditions::decisions;
use super::{
    Allow, Model, Order, Process, ProcessId, ProcessStep, Reference, Rework, Role, RoleId, Step,
    Target, Tool, ToolId, Workflow,
};
use crate::ast::{Attr, AttrKind, Decl, DeclKind, File, Ident, Item, StrLit, Value};
use crate::check::codes::Code;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::source::FileId;
use crate::suggest::nearest;

mod lookup;
mod references;
mod values;

/// The kinds of thing in the shared namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sym {
    Role(usize),
    Tool(usize),
    Process(usize),
    Workflow(usize),
}

impl Sym {
    fn kind(self) -> &'static str {
        match self {
            Sym::Role(_) => "role",
            Sym::Tool(_) => "tool",
            Sym::Process(_) => "process",
            Sym::Workflow(_) => "workflow",
        }
    }
}

/// The shared namespace: each top-level name, what it is and where it is
/// first declared. foldhash: hashing every name of a large file with the
/// standard library's DoS-resistant `SipHash` was a visible share of `check`.
pub(super) type Names = foldhash::HashMap<String, (Sym, Ident)>;

/// Steps of one block by name.
type StepIndex<'a> = foldhash::HashMap<&'a str, usize>;

/// A memoized "did you mean": the word, and whether it is the only
/// candidate.
type Memo = Option<(String, bool)>;

/// The names of each kind (for help texts) and the "did you mean" of each
/// unknown name, computed once: a file can hold thousands of unknown names.
/// Shared by the workflows resolved in parallel; the answers do not depend on
/// which thread computes them first.
#[derive(Default)]
struct Help {
    /// Names of roles, tools, processes, workflows, in source order.
    names: [std::sync::OnceLock<Vec<String>>; 4],
    /// (kind, unknown name) → the suggestion, and whether it is the only
    /// candidate.
    suggestions: std::sync::Mutex<foldhash::HashMap<(&'static str, String), Memo>>,
}

/// Resolves the files of one compilation (each file after the files it uses;
/// the root file last) into a model; with `references`, recording every name
/// in [`Model::references`] (the language server reads them; `check` and
/// `build` do not, and do not pay for them: on a 6 MB file they are a
/// quarter of the memory).
#[must_use]
pub fn resolve(
    files: &[(FileId, &File)],
    root: FileId,
    import_failed: bool,
    references: bool,
) -> (Model, Vec<Diagnostic>) {
    let model = Model {
        root: Some(root),
        import_failed,
        records_references: references,
        ..Model::default()
    };
    resolve_onto(model, Names::default(), files)
}

/// Resolves `files` onto a model and namespace that may already hold
/// declarations (those a root takes from the files it uses, see
/// [`super::shared`]): they come first, as if declared in earlier files.
pub(super) fn resolve_onto(
    mut model: Model,
    mut names: Names,
    files: &[(FileId, &File)],
) -> (Model, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let decls: Vec<&Decl> = files
        .iter()
        .flat_map(|(_, f)| f.items.iter())
        .filter_map(|item| match item {
            Item::Decl(d) => Some(d),
            Item::Use(_) => None,
        })
        .collect();
    // Declarations first, so references may point forwards. A duplicate is
    // reported, kept out of the namespace, and still resolved, so what it uses
    // counts as used.
    let mut kept = Vec::with_capacity(decls.len());
    for decl in decls {
        let duplicate = !declare(&mut names, &mut diags, decl);
        kept.push((decl, duplicate));
    }
    let help = Help::default();
    // Each declaration is resolved against the namespace and the model so far,
    // then entered into both: its index in the model becomes its symbol.
    for &(decl, dup) in &kept {
        match decl.kind {
            DeclKind::Role => {
                let id = model.roles.len();
                let (role, out) = Ctx::run(&names, &model, &help, id, |cx| cx.role(decl, dup));
                out.append(&mut diags, &mut model);
                enter(&mut names, decl, dup, Sym::Role(id));
                declared(&mut model, decl, Target::Role(RoleId(id)));
                model.roles.push(role);
            }
            DeclKind::Tool => {
                let id = model.tools.len();
                let (tool, out) = Ctx::run(&names, &model, &help, id, |cx| cx.tool(decl, dup));
                out.append(&mut diags, &mut model);
                enter(&mut names, decl, dup, Sym::Tool(id));
                declared(&mut model, decl, Target::Tool(ToolId(id)));
                model.tools.push(tool);
            }
            _ => {}
        }
    }
    for &(decl, dup) in &kept {
        if decl.kind == DeclKind::Process {
            let id = model.processes.len();
            let (process, out) = Ctx::run(&names, &model, &help, id, |cx| cx.process(decl, dup));
            out.append(&mut diags, &mut model);
            enter(&mut names, decl, dup, Sym::Process(id));
            declared(&mut model, decl, Target::Process(ProcessId(id)));
            model.processes.push(process);
        }
    }
    // Workflows only read the namespace and the processes: on a large file
    // they are resolved in parallel, and entered in order afterwards.
    let base = model.workflows.len();
    let workflows: Vec<(usize, &Decl, bool)> = kept
        .iter()
        .copied()
        .filter(|(d, _)| d.kind == DeclKind::Workflow)
        .enumerate()
        .map(|(k, (d, dup))| (base + k, d, dup))
        .collect();
    let steps: usize = workflows.iter().map(|(_, d, _)| d.steps().count()).sum();
    let resolve_one = |&(id, decl, dup): &(usize, &Decl, bool)| {
        Ctx::run(&names, &model, &help, id, |cx| cx.workflow(decl, dup))
    };
    let resolved = crate::parallel::map_steps(&workflows, steps, resolve_one);
    for (&(id, decl, dup), (workflow, out)) in workflows.iter().zip(resolved) {
        out.append(&mut diags, &mut model);
        enter(&mut names, decl, dup, Sym::Workflow(id));
        declared(&mut model, decl, Target::Workflow(super::WorkflowId(id)));
        model.workflows.push(workflow);
    }
    (model, diags)
}

/// The fix of `owner a, b, c` in a workflow step without `with`: the list
/// after `a` becomes ` with b, c` (attributes may share a line; `fmt` puts it
/// on its own). Unsafe: it says who takes part, which only a person knows.
fn second_owners_fix(decl: &Decl, names: &[Ident], helpers: &str) -> Option<Fix> {
    if decl.kind != DeclKind::WorkflowStep || decl.attrs().any(|a| a.kind == AttrKind::With) {
        return None;
    }
    let (first, last) = (names.first()?, names.last()?);
    let span = crate::source::Span::new(
        first.span.file,
        first.span.end as usize,
        last.span.end as usize,
    );
    Some(Fix {
        message: format!("Move `{helpers}` to `with`"),
        applicability: Applicability::Unsafe,
        edits: vec![Edit {
            span,
            replacement: format!(" with {helpers}"),
        }],
    })
}

/// Records a top-level declaration's name (a duplicate's names itself).
fn declared(model: &mut Model, decl: &Decl, target: Target) {
    if !model.records_references {
        return;
    }
    model.references.push(Reference {
        span: decl.name.span,
        target,
        declaration: true,
    });
}

/// Enters a declaration into the namespace (not a duplicate: the name stays
/// with the first declaration).
fn enter(names: &mut Names, decl: &Decl, duplicate: bool, sym: Sym) {
    if duplicate {
        return;
    }
    if let Some(entry) = names.get_mut(&decl.name.text) {
        entry.0 = sym;
    }
}

/// Enters a top-level declaration into the namespace; `false` for a duplicate.
fn declare(names: &mut Names, diags: &mut Vec<Diagnostic>, decl: &Decl) -> bool {
    let sym = match decl.kind {
        DeclKind::Role => Sym::Role(0),
        DeclKind::Tool => Sym::Tool(0),
        DeclKind::Process => Sym::Process(0),
        _ => Sym::Workflow(0),
    };
    if let Some((first, first_name)) = names.get(&decl.name.text) {
        let d = Diagnostic::new(
            Code::DuplicateDefinition,
            decl.name.span,
            format!("`{}` is defined twice", decl.name.text),
            format!("this {} reuses the name", decl.kind.describe()),
        )
        .with_label(
            first_name.span,
            format!(
                "`{}` is first defined here as a {}",
                decl.name.text,
                first.kind()
            ),
        )
        .with_help("roles, tools, processes and workflows share one namespace: rename one of them");
        diags.push(d);
        return false;
    }
    names.insert(decl.name.text.clone(), (sym, decl.name.clone()));
    true
}

/// Resolves one declaration: reads the namespace and the model, collects what
/// it reports and the `allow`s it declares.
struct Ctx<'r> {
    /// The index the declaration being resolved gets in the model.
    id: usize,
    names: &'r Names,
    model: &'r Model,
    help: &'r Help,
    out: Out,
    /// The steps of the workflow being resolved, in order (for help texts).
    step_names: Option<Vec<String>>,
    /// The steps of its process.
    process_step_names: Option<(ProcessId, Vec<String>, foldhash::HashSet<String>)>,
    /// "Did you mean" per unknown step name (`after`: false, `implements`: true).
    step_suggestions: foldhash::HashMap<(bool, String), Memo>,
}

/// What resolving one declaration produced besides the declaration itself.
#[derive(Default)]
struct Out {
    diags: Vec<Diagnostic>,
    allows: Vec<Allow>,
    references: Vec<Reference>,
}

impl Out {
    fn append(mut self, diags: &mut Vec<Diagnostic>, model: &mut Model) {
        diags.append(&mut self.diags);
        model.allows.append(&mut self.allows);
        model.references.append(&mut self.references);
    }
}

/// The attributes of one block, first occurrence of each.
#[derive(Default)]
struct Attrs<'a> {
    by_kind: Vec<(AttrKind, &'a Attr)>,
}

impl<'a> Attrs<'a> {
    fn get(&self, kind: AttrKind) -> Option<&'a Attr> {
        self.by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, a)| *a)
    }

    fn flag(&self, kind: AttrKind) -> bool {
        self.get(kind).is_some()
    }

    fn string(&self, kind: AttrKind) -> Option<StrLit> {
        match self.get(kind).map(|a| &a.value) {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// The name of a one-name attribute (for `owner a, b`, the first).
    fn ident(&self, kind: AttrKind) -> Option<&'a Ident> {
        match self.get(kind).map(|a| &a.value) {
            Some(Value::Ident(i)) => Some(i),
            Some(Value::Idents(v)) => v.first(),
            _ => None,
        }
    }

    /// Every attribute of a kind that may repeat, in the order written.
    fn all(&self, kind: AttrKind) -> impl Iterator<Item = &'a Attr> + '_ {
        self.by_kind
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, a)| *a)
    }

    fn idents(&self, kind: AttrKind) -> &'a [Ident] {
        match self.get(kind).map(|a| &a.value) {
            Some(Value::Idents(v)) => v,
            _ => &[],
        }
    }

    fn duration(&self, kind: AttrKind) -> Option<crate::ast::Duration> {
        match self.get(kind).map(|a| &a.value) {
            Some(Value::Duration(d)) => Some(*d),
            _ => None,
        }
    }
}

impl<'r> Ctx<'r> {
    fn run<T>(
        names: &'r Names,
        model: &'r Model,
        help: &'r Help,
        id: usize,
        f: impl FnOnce(&mut Ctx<'r>) -> T,
    ) -> (T, Out) {
        let mut cx = Ctx {
            id,
            names,
            model,
            help,
            out: Out::default(),
            step_names: None,
            process_step_names: None,
            step_suggestions: foldhash::HashMap::default(),
        };
        let value = f(&mut cx);
        (value, cx.out)
    }

    fn push(&mut self, d: Diagnostic) {
        self.out.diags.push(d);
    }

    /// Checks a block's attributes: duplicates, empty strings, zero durations,
    /// `allow` codes. Records the block's `allow`s.
    fn attrs<'a>(&mut self, decl: &'a Decl) -> Attrs<'a> {
        let mut attrs = Attrs::default();
        if let Some(title) = &decl.title {
            self.string(title, "a title", false);
        }
        for attr in decl.attrs() {
            let repeats = crate::syntax::words::attribute(attr.kind).repeats;
            if let Some(first) = attrs.get(attr.kind).filter(|_| !repeats) {
                let d = Diagnostic::new(
                    Code::DuplicateAttribute,
                    attr.keyword,
                    format!(
                        "`{}` is given twice in {} `{}`",
                        attr.kind.keyword(),
                        decl.kind.describe(),
                        decl.name.text
                    ),
                    "given again here",
                )
                .with_label(first.keyword, "first given here")
                .with_help(match attr.kind {
                    AttrKind::Implements
                    | AttrKind::Tool
                    | AttrKind::After
                    | AttrKind::Needs
                    | AttrKind::Produces
                    | AttrKind::Allow => {
                        format!(
                            "list every value in one attribute: `{} a, b`",
                            attr.kind.keyword()
                        )
                    }
                    _ => format!("keep one `{}`", attr.kind.keyword()),
                });
                self.push(d);
                continue;
            }
            match &attr.value {
                Value::Str(s) => {
                    let one_line =
                        matches!(attr.kind, AttrKind::Who | AttrKind::Url | AttrKind::Version);
                    let what = format!("`{}`", attr.kind.keyword());
                    if self.string(s, &what, one_line) && attr.kind == AttrKind::Url {
                        self.url(s);
                    }
                }
                Value::Duration(d) if d.amount == 0 => {
                    let diag = Diagnostic::new(
                        Code::InvalidValue,
                        d.span,
                        format!("`{}` must be longer than zero", attr.kind.keyword()),
                        "a zero duration",
                    )
                    .with_help(match attr.kind {
                        AttrKind::Wait => "remove `wait` if the step starts as soon as it is ready",
                        _ => "give a positive duration such as `30m` or `2d`",
                    });
                    self.push(diag);
                    continue;
                }
                Value::Duration(d) if d.seconds() > crate::ast::Duration::MAX_SECONDS => {
                    let diag = Diagnostic::new(
                        Code::InvalidValue,
                        d.span,
                        format!(
                            "`{}` must be at most 52000w (about 1,000 years)",
                            attr.kind.keyword()
                        ),
                        "too long a duration",
                    )
                    .with_help(
                        "give the duration the work or the wait really has, such as `2d` or `6w`",
                    );
                    self.push(diag);
                    continue;
                }
                Value::Idents(codes) if attr.kind == AttrKind::Allow => self.allow(decl, codes),
                Value::Decision(_, question) => {
                    self.string(question, "a decision's question", false);
                }
                Value::Conditions(conditions) => {
                    for c in conditions {
                        if let crate::ast::Condition::Text(text) = c {
                            self.string(text, "`when`", false);
                        }
                    }
                }
                Value::Idents(names) if attr.kind == AttrKind::Owner && names.len() > 1 => {
                    let helpers = names[1..]
                        .iter()
                        .map(|n| n.text.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let d = Diagnostic::new(
                        Code::InvalidValue,
                        names[1].span,
                        format!(
                            "{} `{}` has one owner: the one role accountable",
                            decl.kind.describe(),
                            decl.name.text
                        ),
                        "a second owner",
                    )
                    .with_help(format!("add helpers with `with {helpers}`"));
                    self.push(match second_owners_fix(decl, names, &helpers) {
                        Some(fix) => d.with_fix(fix),
                        None => d,
                    });
                }
                _ => {}
            }
            attrs.by_kind.push((attr.kind, attr));
        }
        attrs
    }

    fn role(&mut self, decl: &Decl, duplicate: bool) -> Role {
        let a = self.attrs(decl);
        Role {
            name: decl.name.clone(),
            duplicate,
            span: decl.span,
            title: decl.title.clone(),
            who: a.string(AttrKind::Who),
            description: a.string(AttrKind::Description),
            external: a.flag(AttrKind::External),
        }
    }

    fn tool(&mut self, decl: &Decl, duplicate: bool) -> Tool {
        let a = self.attrs(decl);
        Tool {
            name: decl.name.clone(),
            duplicate,
            span: decl.span,
            title: decl.title.clone(),
            url: a.string(AttrKind::Url),
            description: a.string(AttrKind::Description),
        }
    }

    /// Step declarations of a block; duplicate names are reported (and kept, so
    /// what they use counts; references by name go to the first).
    fn unique_steps<'a>(&mut self, decl: &'a Decl) -> Vec<&'a Decl> {
        let mut seen: foldhash::HashMap<&str, &Ident> = foldhash::HashMap::default();
        let mut steps = Vec::new();
        for step in decl.steps() {
            if let Some(first) = seen.get(step.name.text.as_str()) {
                let d = Diagnostic::new(
                    Code::DuplicateDefinition,
                    step.name.span,
                    format!(
                        "step `{}` is defined twice in {} `{}`",
                        step.name.text,
                        decl.kind.describe(),
                        decl.name.text
                    ),
                    "this step reuses the name",
                )
                .with_label(first.span, "first defined here")
                .with_help(
                    "step names must be unique within their process or workflow: rename one",
                );
                self.push(d);
            } else {
                seen.insert(&step.name.text, &step.name);
            }
            steps.push(step);
        }
        steps
    }

    fn process(&mut self, decl: &Decl, duplicate: bool) -> Process {
        let a = self.attrs(decl);
        let owner = a
            .ident(AttrKind::Owner)
            .and_then(|o| self.lookup(o, "role", "owner"))
            .map(RoleId);
        let steps = self
            .unique_steps(decl)
            .into_iter()
            .enumerate()
            .map(|(k, s)| {
                self.refer(
                    s.name.span,
                    Target::ProcessStep(ProcessId(self.id), k),
                    true,
                );
                let sa = self.attrs(s);
                ProcessStep {
                    name: s.name.clone(),
                    span: s.span,
                    title: s.title.clone(),
                    description: sa.string(AttrKind::Description),
                    optional: sa.flag(AttrKind::Optional),
                }
            })
            .collect();
        Process {
            name: decl.name.clone(),
            duplicate,
            span: decl.span,
            title: decl.title.clone(),
            outcome: a.string(AttrKind::Outcome),
            owner,
            description: a.string(AttrKind::Description),
            steps,
        }
    }

    fn workflow(&mut self, decl: &Decl, duplicate: bool) -> Workflow {
        let a = self.attrs(decl);
        let process = decl
            .implements
            .as_ref()
            .and_then(|p| self.lookup(p, "process", "implements"))
            .map(ProcessId);
        let owner = a
            .ident(AttrKind::Owner)
            .and_then(|o| self.lookup(o, "role", "owner"))
            .map(RoleId);
        let step_decls = self.unique_steps(decl);
        let mut index: foldhash::HashMap<&str, usize> = foldhash::HashMap::with_capacity_and_hasher(
            step_decls.len(),
            foldhash::fast::RandomState::default(),
        );
        for (i, s) in step_decls.iter().enumerate() {
            index.entry(s.name.text.as_str()).or_insert(i);
        }
        // The steps of the process, by name (the first of a duplicate name).
        let mut process_steps = StepIndex::default();
        if let Some(p) = process {
            for (k, s) in self.model.processes[p.0].steps.iter().enumerate() {
                process_steps.entry(s.name.text.as_str()).or_insert(k);
            }
        }
        let inputs = self.inputs(&a, decl);
        let decisions = decisions(&step_decls, decl, &mut self.out.diags);
        let decision_index: foldhash::HashMap<&str, usize> = decisions
            .iter()
            .enumerate()
            .map(|(k, d)| (d.name.text.as_str(), k))
            .collect();
        let produced_idents: Vec<&Ident> = step_decls
            .iter()
            .flat_map(|s| s.attrs().filter(|a| a.kind == AttrKind::Produces))
            .flat_map(|attr| match &attr.value {
                Value::Idents(v) => v.as_slice(),
                _ => &[],
            })
            .collect();
        let produced: Vec<&str> = {
            let mut p: Vec<&str> = produced_idents.iter().map(|i| i.text.as_str()).collect();
            p.sort_unstable();
            p.dedup();
            p
        };
        let artifacts =
            references::artifacts(a.idents(AttrKind::Input), produced_idents.iter().copied());
        for input in a.idents(AttrKind::Input) {
            self.refer_artifact(&artifacts, input, true);
        }
        let wid = self.workflow_id();
        for (k, d) in decisions.iter().enumerate() {
            self.refer(d.name.span, Target::Decision(wid, k), true);
        }
        let mut steps = Vec::with_capacity(step_decls.len());
        for (i, s) in step_decls.iter().enumerate() {
            self.refer(s.name.span, Target::Step(wid, i), true);
            let sa = self.attrs(s);
            let implements = match process {
                Some(p) => {
                    let ids = sa.idents(AttrKind::Implements);
                    let mut found = Vec::with_capacity(ids.len());
                    for id in ids {
                        if let Some(k) = self.process_step(p, &process_steps, id, decl) {
                            if !found.contains(&k) {
                                found.push(k);
                            }
                        }
                    }
                    found
                }
                None => Vec::new(),
            };
            let owner = sa
                .ident(AttrKind::Owner)
                .and_then(|o| self.lookup(o, "role", "owner"))
                .map(RoleId);
            let mut tools = Vec::new();
            for t in sa.idents(AttrKind::Tool) {
                if let Some(t) = self.lookup(t, "tool", "tool").map(ToolId) {
                    if !tools.contains(&t) {
                        tools.push(t);
                    }
                }
            }
            let explicit_after = sa.get(AttrKind::After).is_some();
            let mut after_spans = Vec::new();
            let after = if explicit_after {
                let mut after = Vec::new();
                for id in sa.idents(AttrKind::After) {
                    if let Some(k) = self.workflow_step(&index, id, decl, process) {
                        if !after.contains(&k) {
                            after.push(k);
                            after_spans.push(id.span);
                        }
                    }
                }
                after
            } else if i > 0 {
                vec![i - 1]
            } else {
                Vec::new()
            };
            let needs: Vec<Ident> = sa.idents(AttrKind::Needs).to_vec();
            for n in &needs {
                if produced.binary_search(&n.text.as_str()).is_err()
                    && !inputs.iter().any(|i| i.text == n.text)
                {
                    let candidates = inputs.iter().map(|i| i.text.as_str());
                    let suggestion = nearest(&n.text, candidates.chain(produced.iter().copied()));
                    let d = Diagnostic::new(
                        Code::UnknownReference,
                        n.span,
                        format!(
                            "unknown artifact `{}`: no step of workflow `{}` produces it",
                            n.text, decl.name.text
                        ),
                        "needed here",
                    );
                    let d = match suggestion {
                        Some(s) => d.with_suggestion(s.word, s.only),
                        None => d.with_help(format!(
                            "add `produces {0}` to the step that creates it, or declare `input {0}` in the workflow if it comes from outside",
                            n.text
                        )),
                    };
                    self.push(d);
                } else {
                    self.refer_artifact(&artifacts, n, false);
                }
            }
            let step_produces = sa.idents(AttrKind::Produces).to_vec();
            for p in &step_produces {
                self.refer_artifact(&artifacts, p, true);
            }
            for p in &step_produces {
                if let Some(input) = inputs.iter().find(|i| i.text == p.text) {
                    let d = Diagnostic::new(
                        Code::DuplicateDefinition,
                        p.span,
                        format!(
                            "`{}` is an input of workflow `{}`: it exists when a run starts",
                            p.text, decl.name.text
                        ),
                        "produced here",
                    )
                    .with_label(input.span, "declared as an input here")
                    .with_help(format!(
                        "remove `{0}` from `input` if this step creates it, or from `produces` if it comes from outside",
                        p.text
                    ));
                    self.push(d);
                }
            }
            let when = match sa.get(AttrKind::When).map(|a| &a.value) {
                Some(Value::Conditions(c)) => self.conditions(c, &decision_index, &decisions, decl),
                _ => Vec::new(),
            };
            let escalate = sa
                .ident(AttrKind::Escalate)
                .and_then(|o| self.lookup(o, "role", "escalate"))
                .map(RoleId);
            if let Some(attr) = sa
                .get(AttrKind::Escalate)
                .filter(|_| sa.get(AttrKind::Within).is_none())
            {
                let d = Diagnostic::new(
                    Code::InvalidValue,
                    attr.span,
                    format!("step `{}` escalates, but has no deadline", s.name.text),
                    "`escalate` without `within`",
                )
                .with_help("add `within DURATION`: the role is told when that deadline passes");
                self.push(d);
            }
            let mut with = Vec::new();
            for r in sa.idents(AttrKind::With) {
                if let Some(r) = self.lookup(r, "role", "with").map(RoleId) {
                    if !with.contains(&r) {
                        with.push(r);
                    }
                }
            }
            let mut rework = Vec::new();
            for attr in sa.all(AttrKind::Rework) {
                if let Value::Rework(r) = &attr.value {
                    let target = self.workflow_step_in(&index, &r.step, decl, process, "rework");
                    let decision =
                        self.decision_ref(&r.decision, &decision_index, &decisions, decl);
                    if let (Some(step), Some(decision)) = (target, decision) {
                        rework.push(Rework {
                            step,
                            decision,
                            span: attr.span,
                            step_span: r.step.span,
                            decision_span: r.decision.span,
                        });
                    }
                }
            }
            let decides = decisions
                .iter()
                .enumerate()
                .filter(|(_, d)| d.step == i)
                .map(|(k, _)| k)
                .collect();
            steps.push(Step {
                name: s.name.clone(),
                span: s.span,
                title: s.title.clone(),
                implements,
                has_implements: sa.get(AttrKind::Implements).is_some(),
                owner,
                has_owner: sa.get(AttrKind::Owner).is_some(),
                tools,
                has_tool: sa.get(AttrKind::Tool).is_some(),
                automated: sa.flag(AttrKind::Automated),
                after,
                explicit_after,
                after_spans,
                when,
                conditional: sa.get(AttrKind::When).is_some(),
                decides,
                wait: sa.duration(AttrKind::Wait),
                takes: sa.duration(AttrKind::Takes),
                within: sa.duration(AttrKind::Within),
                escalate,
                with,
                rework,
                needs: needs.clone(),
                produces: step_produces,
                run: sa.string(AttrKind::Run),
                description: sa.string(AttrKind::Description),
            });
        }
        let afters: Vec<&[usize]> = steps.iter().map(|s| s.after.as_slice()).collect();
        let order = Order::compute(&afters);
        super::conditions::check_order(&mut steps, &decisions, &mut self.out.diags);
        Workflow {
            name: decl.name.clone(),
            duplicate,
            span: decl.span,
            title: decl.title.clone(),
            process,
            owner,
            trigger: a.string(AttrKind::Trigger),
            version: a.string(AttrKind::Version),
            description: a.string(AttrKind::Description),
            inputs,
            target: a.duration(AttrKind::Target),
            every: a.duration(AttrKind::Every),
            decisions,
            steps,
            order,
        }
    }

    /// `input`: the workflow's inputs; a name listed twice is
    /// `duplicate-definition` at the second.
    fn inputs(&mut self, a: &Attrs<'_>, decl: &Decl) -> Vec<Ident> {
        let mut inputs: Vec<Ident> = Vec::new();
        for input in a.idents(AttrKind::Input) {
            if let Some(first) = inputs.iter().find(|i| i.text == input.text) {
                let d = Diagnostic::new(
                    Code::DuplicateDefinition,
                    input.span,
                    format!(
                        "input `{}` is declared twice in workflow `{}`",
                        input.text, decl.name.text
                    ),
                    "declared again here",
                )
                .with_label(first.span, "first declared here")
                .with_help("list each input once");
                self.push(d);
            } else {
                inputs.push(input.clone());
            }
        }
        inputs
    }
}
