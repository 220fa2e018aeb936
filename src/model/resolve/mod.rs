//! Syntax trees to [`Model`]: names looked up, references turned into typed
//! indices, the sequential default of `after` made explicit.
//!
//! Reports `duplicate-definition`, `duplicate-attribute`, `unknown-reference`,
//! `wrong-kind` and `invalid-value`. Nothing is reported twice: a duplicate
//! declaration is reported and then left out of the model, and references into
//! something that did not resolve are not checked.

use super::conditions::decisions;
use super::{
    Allow, Model, Order, Process, ProcessId, ProcessStep, Rework, Role, RoleId, Step, Tool, ToolId,
    Workflow,
};
use crate::ast::{Attr, AttrKind, Decl, DeclKind, File, Ident, Item, StrLit, Value};
use crate::check::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use crate::suggest::{did_you_mean, list};

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

/// The names of each kind (for help texts) and the "did you mean" of each
/// unknown name, computed once: a file can hold thousands of unknown names.
/// Shared by the workflows resolved in parallel; the answers do not depend on
/// which thread computes them first.
#[derive(Default)]
struct Help {
    /// Names of roles, tools, processes, workflows, in source order.
    names: [std::sync::OnceLock<Vec<String>>; 4],
    /// (kind, unknown name) → the suggestion.
    suggestions: std::sync::Mutex<foldhash::HashMap<(&'static str, String), Option<String>>>,
}

/// Resolves the files of one compilation (each file after the files it uses;
/// the root file last) into a model.
#[must_use]
pub fn resolve(
    files: &[(FileId, &File)],
    root: FileId,
    import_failed: bool,
) -> (Model, Vec<Diagnostic>) {
    let model = Model {
        root: Some(root),
        import_failed,
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
                let (role, out) = Ctx::run(&names, &model, &help, |cx| cx.role(decl, dup));
                out.append(&mut diags, &mut model);
                enter(&mut names, decl, dup, Sym::Role(model.roles.len()));
                model.roles.push(role);
            }
            DeclKind::Tool => {
                let (tool, out) = Ctx::run(&names, &model, &help, |cx| cx.tool(decl, dup));
                out.append(&mut diags, &mut model);
                enter(&mut names, decl, dup, Sym::Tool(model.tools.len()));
                model.tools.push(tool);
            }
            _ => {}
        }
    }
    for &(decl, dup) in &kept {
        if decl.kind == DeclKind::Process {
            let (process, out) = Ctx::run(&names, &model, &help, |cx| cx.process(decl, dup));
            out.append(&mut diags, &mut model);
            enter(&mut names, decl, dup, Sym::Process(model.processes.len()));
            model.processes.push(process);
        }
    }
    // Workflows only read the namespace and the processes: on a large file
    // they are resolved in parallel, and entered in order afterwards.
    let workflows: Vec<(&Decl, bool)> = kept
        .iter()
        .copied()
        .filter(|(d, _)| d.kind == DeclKind::Workflow)
        .collect();
    let steps: usize = workflows.iter().map(|(d, _)| d.steps().count()).sum();
    let resolve_one =
        |&(decl, dup): &(&Decl, bool)| Ctx::run(&names, &model, &help, |cx| cx.workflow(decl, dup));
    let resolved = crate::parallel::map_steps(&workflows, steps, resolve_one);
    for (&(decl, dup), (workflow, out)) in workflows.iter().zip(resolved) {
        out.append(&mut diags, &mut model);
        enter(&mut names, decl, dup, Sym::Workflow(model.workflows.len()));
        model.workflows.push(workflow);
    }
    (model, diags)
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
    names: &'r Names,
    model: &'r Model,
    help: &'r Help,
    out: Out,
    /// The steps of the workflow being resolved, in order (for help texts).
    step_names: Option<Vec<String>>,
    /// The steps of its process.
    process_step_names: Option<(ProcessId, Vec<String>, foldhash::HashSet<String>)>,
    /// "Did you mean" per unknown step name (`after`: false, `implements`: true).
    step_suggestions: foldhash::HashMap<(bool, String), Option<String>>,
}

/// What resolving one declaration produced besides the declaration itself.
#[derive(Default)]
struct Out {
    diags: Vec<Diagnostic>,
    allows: Vec<Allow>,
}

impl Out {
    fn append(mut self, diags: &mut Vec<Diagnostic>, model: &mut Model) {
        diags.append(&mut self.diags);
        model.allows.append(&mut self.allows);
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
        f: impl FnOnce(&mut Ctx<'r>) -> T,
    ) -> (T, Out) {
        let mut cx = Ctx {
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
                    .with_help(format!(
                        "add helpers with `with {}`",
                        names[1..]
                            .iter()
                            .map(|n| n.text.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    self.push(d);
                }
                _ => {}
            }
            attrs.by_kind.push((attr.kind, attr));
        }
        attrs
    }

    /// Looks up a global name that must be of one kind; reports `unknown-reference`
    /// or `wrong-kind`.
    fn lookup(&mut self, ident: &Ident, want: &'static str, attr: &str) -> Option<usize> {
        match self.names.get(&ident.text) {
            Some((sym, _)) if sym.kind() == want => Some(match sym {
                Sym::Role(i) | Sym::Tool(i) | Sym::Process(i) | Sym::Workflow(i) => *i,
            }),
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
                    let help = self.suggest(want, &ident.text).map_or_else(
                        || self.choices(want, attr),
                        |c| format!("did you mean `{c}`?"),
                    );
                    let d = Diagnostic::new(
                        Code::UnknownReference,
                        ident.span,
                        format!("unknown {want} `{}`", ident.text),
                        format!("no {want} has this name"),
                    )
                    .with_help(help);
                    self.push(d);
                }
                None
            }
        }
    }

    fn names_of(&self, want: &str) -> &'r [String] {
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

    /// The "did you mean" of an unknown name of kind `want`, computed once
    /// per name.
    fn suggest(&self, want: &'static str, word: &str) -> Option<String> {
        let key = (want, word.to_owned());
        if let Ok(memo) = self.help.suggestions.lock()
            && let Some(s) = memo.get(&key)
        {
            return s.clone();
        }
        let s =
            did_you_mean(word, self.names_of(want).iter().map(String::as_str)).map(str::to_owned);
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
            .map(|s| {
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
        let produced: Vec<&str> = {
            let mut p: Vec<&str> = Vec::new();
            for s in &step_decls {
                for attr in s.attrs().filter(|a| a.kind == AttrKind::Produces) {
                    if let Value::Idents(v) = &attr.value {
                        p.extend(v.iter().map(|i| i.text.as_str()));
                    }
                }
            }
            p.sort_unstable();
            p.dedup();
            p
        };
        let mut steps = Vec::with_capacity(step_decls.len());
        for (i, s) in step_decls.iter().enumerate() {
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
                    let help = did_you_mean(&n.text, candidates.chain(produced.iter().copied()))
                        .map_or_else(
                            || {
                                format!(
                                    "add `produces {0}` to the step that creates it, or declare `input {0}` in the workflow if it comes from outside",
                                    n.text
                                )
                            },
                            |c| format!("did you mean `{c}`?"),
                        );
                    let d = Diagnostic::new(
                        Code::UnknownReference,
                        n.span,
                        format!(
                            "unknown artifact `{}`: no step of workflow `{}` produces it",
                            n.text, decl.name.text
                        ),
                        "needed here",
                    )
                    .with_help(help);
                    self.push(d);
                }
            }
            let step_produces = sa.idents(AttrKind::Produces).to_vec();
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

    /// A step's `when` conditions, those whose decision resolved.
    fn conditions(
        &mut self,
        conditions: &[crate::ast::Condition],
        index: &foldhash::HashMap<&str, usize>,
        decisions: &[super::Decision],
        workflow: &Decl,
    ) -> Vec<super::Condition> {
        let mut out = Vec::with_capacity(conditions.len());
        for c in conditions {
            match c {
                crate::ast::Condition::Text(text) => out.push(super::Condition::Text(text.clone())),
                crate::ast::Condition::Decision { not, name } => {
                    if let Some(decision) = self.decision_ref(name, index, decisions, workflow) {
                        out.push(super::Condition::Decision {
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
    fn decision_ref(
        &mut self,
        name: &Ident,
        index: &foldhash::HashMap<&str, usize>,
        decisions: &[super::Decision],
        workflow: &Decl,
    ) -> Option<usize> {
        if let Some(&k) = index.get(name.text.as_str()) {
            return Some(k);
        }
        let help = did_you_mean(&name.text, decisions.iter().map(|d| d.name.text.as_str()))
            .map_or_else(
                || {
                    format!(
                        "declare it on the step that answers it: `decides {} \"Question?\"`",
                        name.text
                    )
                },
                |c| format!("did you mean `{c}`?"),
            );
        let d = Diagnostic::new(
            Code::UnknownReference,
            name.span,
            format!(
                "workflow `{}` has no decision `{}`",
                workflow.name.text, name.text
            ),
            "no step decides this",
        )
        .with_help(help);
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
    ) -> Option<String> {
        let key = (implements, word.to_owned());
        if let Some(s) = self.step_suggestions.get(&key) {
            return s.clone();
        }
        let s = match p {
            Some(p) => did_you_mean(word, self.process_steps(p).0.iter().map(String::as_str)),
            None => did_you_mean(word, self.step_names.iter().flatten().map(String::as_str)),
        }
        .map(str::to_owned);
        self.step_suggestions.insert(key, s.clone());
        s
    }

    /// Resolves a step's `implements` name among the steps of process `p`.
    fn process_step(
        &mut self,
        p: ProcessId,
        steps: &StepIndex<'_>,
        id: &Ident,
        workflow: &Decl,
    ) -> Option<usize> {
        if let Some(&k) = steps.get(id.text.as_str()) {
            return Some(k);
        }
        let process = &self.model.processes[p.0];
        let help = self.step_suggestion(true, &id.text, Some(p)).map_or_else(
            || {
                format!(
                    "the steps of process `{}` are: {}",
                    process.name.text,
                    list(self.process_steps(p).0)
                )
            },
            |c| format!("did you mean `{c}`?"),
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
        self.push(d.with_help(help));
        None
    }

    /// Resolves an `after` name among the steps of the same workflow.
    fn workflow_step(
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
    fn workflow_step_in(
        &mut self,
        index: &StepIndex<'_>,
        id: &Ident,
        workflow: &Decl,
        process: Option<ProcessId>,
        attr: &str,
    ) -> Option<usize> {
        if let Some(&k) = index.get(id.text.as_str()) {
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
            let help = self.step_suggestion(false, &id.text, None).map_or_else(
                || {
                    format!(
                        "the steps of workflow `{}` are: {}",
                        workflow.name.text,
                        list(&names)
                    )
                },
                |c| format!("did you mean `{c}`?"),
            );
            Diagnostic::new(
                Code::UnknownReference,
                id.span,
                format!(
                    "workflow `{}` has no step `{}`",
                    workflow.name.text, id.text
                ),
                format!("`{attr}` takes steps of the same workflow"),
            )
            .with_help(help)
        };
        self.push(d);
        None
    }
}
