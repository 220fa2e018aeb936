//! One open document compiled: the workspace (open documents from memory, other
//! files from disk), the compilation, and an index of every name written in its
//! files (declarations and uses), for definition, references, rename and hover.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::ast::{AttrKind, Decl, DeclKind, File, Item, Value};
use crate::check::levels::Levels;
use crate::config::ConfigFinder;
use crate::model::{Model, display_title};
use crate::source::{FileId, Span};
use crate::workspace::{Compilation, FsLoader, Loader, Workspace};

/// Serves open documents from memory and every other file from disk.
pub struct MemLoader {
    /// Open documents by canonical path.
    pub open: Arc<HashMap<PathBuf, String>>,
    /// The workspace folder: the project of a document with no
    /// `procflow.toml` and no git work tree above it, when it is inside.
    pub folder: Option<PathBuf>,
}

/// A path without `.` and `..` components (no file system access).
pub fn normalize(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The identity of a file: its canonical path when it exists on disk, its
/// normalized path otherwise (an unsaved document).
pub fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

impl Loader for MemLoader {
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        match std::fs::canonicalize(path) {
            Ok(p) => Ok(p),
            Err(e) => {
                let p = normalize(path);
                if self.open.contains_key(&p) {
                    Ok(p)
                } else {
                    Err(e)
                }
            }
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.open.get(path) {
            Some(text) => Ok(text.clone().into_bytes()),
            None => FsLoader.read(path),
        }
    }

    fn read_used(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.open.get(path) {
            Some(text) => Ok(text.clone().into_bytes()),
            None => FsLoader.read_used(path),
        }
    }

    fn project_root(&self, dir: &Path) -> PathBuf {
        let fallback = self
            .folder
            .clone()
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
        crate::config::project_root(dir, &fallback)
    }
}

/// What a name names. Scopes are the name span of the declaration that owns
/// the namespace (a process for its steps, a workflow for its steps and
/// artifacts).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A role, tool, process or workflow.
    Global(String),
    /// A step of the process declared at the span.
    ProcessStep(Span, String),
    /// A step of the workflow declared at the span.
    WorkflowStep(Span, String),
    /// An artifact of the workflow declared at the span.
    Artifact(Span, String),
}

/// One name written in a file.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// Where.
    pub span: Span,
    /// What it names.
    pub key: Key,
    /// Whether this is the declaration (for artifacts: a `produces`).
    pub def: bool,
}

/// A declaration that a key resolves to.
#[derive(Debug, Clone, Copy)]
pub struct Def {
    /// What it declares.
    pub kind: DeclKind,
    /// Its name.
    pub name: Span,
}

/// Every name of a compilation.
#[derive(Default)]
pub struct Index {
    /// Every occurrence, in file order.
    pub occurrences: Vec<Occurrence>,
    /// The declaration of each key (the first one: duplicates are errors).
    pub defs: HashMap<Key, Def>,
}

impl Index {
    fn build(files: &[(FileId, &File)]) -> Index {
        let mut index = Index::default();
        let decls: Vec<&Decl> = files
            .iter()
            .flat_map(|(_, f)| f.items.iter())
            .filter_map(|i| match i {
                Item::Decl(d) => Some(d),
                Item::Use(_) => None,
            })
            .collect();
        for d in &decls {
            index
                .defs
                .entry(Key::Global(d.name.text.clone()))
                .or_insert(Def {
                    kind: d.kind,
                    name: d.name.span,
                });
        }
        for d in &decls {
            index.decl(d);
        }
        index
    }

    fn global_scope(&self, name: &str) -> Option<Span> {
        self.defs.get(&Key::Global(name.to_owned())).map(|d| d.name)
    }

    fn push(&mut self, span: Span, key: Key, def: bool) {
        self.occurrences.push(Occurrence { span, key, def });
    }

    fn decl(&mut self, d: &Decl) {
        self.push(d.name.span, Key::Global(d.name.text.clone()), true);
        if let Some(p) = &d.implements {
            self.push(p.span, Key::Global(p.text.clone()), false);
        }
        for a in d.attrs() {
            if a.kind == AttrKind::Owner {
                self.idents(&a.value, |i| Key::Global(i.to_owned()));
            }
        }
        let scope = d.name.span;
        match d.kind {
            DeclKind::Process => {
                for s in d.steps() {
                    let key = Key::ProcessStep(scope, s.name.text.clone());
                    self.defs.entry(key.clone()).or_insert(Def {
                        kind: DeclKind::ProcessStep,
                        name: s.name.span,
                    });
                    self.push(s.name.span, key, true);
                }
            }
            DeclKind::Workflow => {
                let process = d
                    .implements
                    .as_ref()
                    .and_then(|p| self.global_scope(&p.text));
                for s in d.steps() {
                    let key = Key::WorkflowStep(scope, s.name.text.clone());
                    self.defs.entry(key.clone()).or_insert(Def {
                        kind: DeclKind::WorkflowStep,
                        name: s.name.span,
                    });
                    self.push(s.name.span, key, true);
                }
                for s in d.steps() {
                    for a in s.attrs() {
                        match a.kind {
                            AttrKind::Owner | AttrKind::Tool => {
                                self.idents(&a.value, |i| Key::Global(i.to_owned()));
                            }
                            AttrKind::Implements => {
                                if let Some(p) = process {
                                    self.idents(&a.value, |i| Key::ProcessStep(p, i.to_owned()));
                                }
                            }
                            AttrKind::After => {
                                self.idents(&a.value, |i| Key::WorkflowStep(scope, i.to_owned()));
                            }
                            AttrKind::Needs => {
                                self.idents(&a.value, |i| Key::Artifact(scope, i.to_owned()));
                            }
                            AttrKind::Produces => {
                                if let Value::Idents(ids) = &a.value {
                                    for i in ids {
                                        let key = Key::Artifact(scope, i.text.clone());
                                        self.defs.entry(key.clone()).or_insert(Def {
                                            kind: DeclKind::WorkflowStep,
                                            name: i.span,
                                        });
                                        self.push(i.span, key, true);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn idents(&mut self, value: &Value, key: impl Fn(&str) -> Key) {
        match value {
            Value::Ident(i) => self.push(i.span, key(&i.text), false),
            Value::Idents(ids) => {
                for i in ids {
                    self.push(i.span, key(&i.text), false);
                }
            }
            _ => {}
        }
    }

    /// The occurrence at a byte offset of a file (touching its end counts).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let touching =
            |o: &&Occurrence| o.span.file == file && o.span.start <= offset && offset <= o.span.end;
        self.occurrences
            .iter()
            .filter(touching)
            .find(|o| offset < o.span.end)
            .or_else(|| self.occurrences.iter().find(touching))
    }

    /// Every occurrence of a key.
    pub fn all(&self, key: &Key) -> impl Iterator<Item = &Occurrence> {
        self.occurrences.iter().filter(move |o| &o.key == key)
    }
}

/// A compiled document.
pub struct Analysis {
    /// The files (the document and what it uses).
    pub workspace: Workspace<MemLoader>,
    /// The compilation of the document.
    pub compilation: Compilation,
    /// Its names.
    pub index: Index,
    /// The identity of every file of the compilation that has a path.
    pub paths: Vec<PathBuf>,
    /// A `procflow.toml` that could not be read, if any.
    pub config_error: Option<String>,
    /// The syntax tree of the document.
    pub root_tree: File,
}

/// The lint levels for a file in `dir`, from its nearest `procflow.toml` (as
/// `procflow check` finds them); an invalid config gives the defaults and an
/// error message.
fn levels_for(dir: Option<&Path>) -> (Levels, Option<String>) {
    let mut levels = Levels::default();
    let dir = dir
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match ConfigFinder::default().find(dir) {
        Ok(Some(config)) => {
            for s in &config.lints {
                // Already validated when the config was parsed.
                let _ = levels.set(s);
            }
            if let Some(hours) = config.overload_hours {
                levels.set_overload_hours(hours);
            }
            (levels, None)
        }
        Ok(None) => (levels, None),
        Err(e) => (levels, Some(e.to_string())),
    }
}

impl Analysis {
    /// Compiles a document: `name` in messages, `path` on disk (if any).
    pub fn new(
        open: Arc<HashMap<PathBuf, String>>,
        name: &str,
        path: Option<&Path>,
        text: &str,
        folder: Option<&Path>,
    ) -> Analysis {
        let mut workspace = Workspace::new(MemLoader {
            open,
            folder: folder.map(Path::to_path_buf),
        });
        let root = match path {
            Some(p) => workspace
                .add_path(name, p)
                .unwrap_or_else(|_| workspace.add_text(name, Some(p), text.to_owned())),
            None => workspace.add_text(name, None, text.to_owned()),
        };
        let (levels, config_error) = levels_for(path.and_then(Path::parent));
        let compilation = workspace.compile(root, &levels);
        let mut trees = Vec::new();
        for &f in &compilation.files {
            trees.push((f, workspace.parse(f).0.clone()));
        }
        let refs: Vec<(FileId, &File)> = trees.iter().map(|(f, t)| (*f, t)).collect();
        let index = Index::build(&refs);
        let root_tree = trees
            .iter()
            .find(|(f, _)| *f == root)
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        let paths = compilation
            .files
            .iter()
            .filter_map(|&f| workspace.sources.get(f).path.as_deref().map(identity))
            .collect();
        Analysis {
            workspace,
            compilation,
            index,
            paths,
            config_error,
            root_tree,
        }
    }

    /// The root file (the document).
    pub fn root(&self) -> FileId {
        self.compilation.root
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.compilation.model
    }

    /// Markdown describing a key, for hover.
    pub fn describe(&self, key: &Key) -> Option<String> {
        let def = self.index.defs.get(key)?;
        let m = self.model();
        let mut out = String::new();
        let code = |s: &str| format!("`{s}`");
        let role_name = |r: Option<crate::model::RoleId>| r.map(|r| code(&m.roles[r.0].name.text));
        match key {
            Key::Global(name) => match def.kind {
                DeclKind::Role => {
                    let r = m.roles.iter().find(|r| r.name.span == def.name)?;
                    let _ = writeln!(
                        out,
                        "**role** `{name}`: {}",
                        display_title(&r.name, r.title.as_ref())
                    );
                    if let Some(who) = &r.who {
                        let _ = writeln!(out, "\nwho: {}", who.value);
                    }
                    if r.external {
                        out.push_str("\nexternal\n");
                    }
                    if let Some(d) = &r.description {
                        let _ = writeln!(out, "\n{}", d.value);
                    }
                    if let Some(id) = m.role(name) {
                        let mut owns = Vec::new();
                        for p in m.processes.iter().filter(|p| p.owner == Some(id)) {
                            owns.push(format!("process `{}`", p.name.text));
                        }
                        for w in &m.workflows {
                            if w.owner == Some(id) {
                                owns.push(format!("workflow `{}`", w.name.text));
                            }
                            for s in w.steps.iter().filter(|s| s.owner == Some(id)) {
                                owns.push(format!("step `{}.{}`", w.name.text, s.name.text));
                            }
                        }
                        if !owns.is_empty() {
                            let _ = writeln!(out, "\nowns: {}", owns.join(", "));
                        }
                    }
                }
                DeclKind::Tool => {
                    let (i, t) = m
                        .tools
                        .iter()
                        .enumerate()
                        .find(|(_, t)| t.name.span == def.name)?;
                    let _ = writeln!(
                        out,
                        "**tool** `{name}`: {}",
                        display_title(&t.name, t.title.as_ref())
                    );
                    if let Some(url) = &t.url {
                        let _ = writeln!(out, "\nurl: <{}>", url.value);
                    }
                    if let Some(d) = &t.description {
                        let _ = writeln!(out, "\n{}", d.value);
                    }
                    let mut used = Vec::new();
                    for w in &m.workflows {
                        for s in &w.steps {
                            if s.tools.iter().any(|t| t.0 == i) {
                                used.push(format!("`{}.{}`", w.name.text, s.name.text));
                            }
                        }
                    }
                    if !used.is_empty() {
                        let _ = writeln!(out, "\nused by: {}", used.join(", "));
                    }
                }
                DeclKind::Process => {
                    let (i, p) = m
                        .processes
                        .iter()
                        .enumerate()
                        .find(|(_, p)| p.name.span == def.name)?;
                    let _ = writeln!(
                        out,
                        "**process** `{name}`: {}",
                        display_title(&p.name, p.title.as_ref())
                    );
                    if let Some(o) = &p.outcome {
                        let _ = writeln!(out, "\noutcome: {}", o.value);
                    }
                    if let Some(r) = role_name(p.owner) {
                        let _ = writeln!(out, "\nowner: {r}");
                    }
                    if let Some(d) = &p.description {
                        let _ = writeln!(out, "\n{}", d.value);
                    }
                    let steps: Vec<String> = p.steps.iter().map(|s| code(&s.name.text)).collect();
                    let _ = writeln!(out, "\nsteps: {}", steps.join(" → "));
                    let by: Vec<String> = m
                        .workflows
                        .iter()
                        .filter(|w| w.process.is_some_and(|p| p.0 == i))
                        .map(|w| code(&w.name.text))
                        .collect();
                    if !by.is_empty() {
                        let _ = writeln!(out, "\nimplemented by: {}", by.join(", "));
                    }
                }
                DeclKind::Workflow => {
                    let w = m.workflows.iter().find(|w| w.name.span == def.name)?;
                    let _ = writeln!(
                        out,
                        "**workflow** `{name}`: {}",
                        display_title(&w.name, w.title.as_ref())
                    );
                    if let Some(p) = w.process {
                        let _ = writeln!(out, "\nimplements: `{}`", m.processes[p.0].name.text);
                    }
                    if let Some(r) = role_name(w.owner) {
                        let _ = writeln!(out, "\nowner: {r}");
                    }
                    if let Some(t) = &w.trigger {
                        let _ = writeln!(out, "\ntrigger: {}", t.value);
                    }
                    if let Some(d) = &w.description {
                        let _ = writeln!(out, "\n{}", d.value);
                    }
                    let _ = writeln!(out, "\n{} steps", w.steps.len());
                    // Time, as `procflow audit` and the SOP state it.
                    if crate::backend::says_time(w) {
                        if let Some(words) = crate::backend::lead_time_words(w) {
                            let _ = writeln!(out, "\nlead time: {words}");
                        }
                        if let Some(lead) = crate::model::time::lead_time(w) {
                            let path: Vec<String> = lead
                                .critical_path
                                .iter()
                                .map(|&s| code(&w.steps[s].name.text))
                                .collect();
                            let _ = writeln!(out, "\ncritical path: {}", path.join(" → "));
                        }
                    }
                    if let (Some(every), Some(runs)) =
                        (&w.every, crate::model::time::runs_per_week(w))
                    {
                        let _ = writeln!(
                            out,
                            "\nevery {} ({} runs a week)",
                            crate::backend::duration_words(every),
                            crate::model::time::describe_hours(runs)
                        );
                    }
                }
                DeclKind::ProcessStep | DeclKind::WorkflowStep => return None,
            },
            Key::ProcessStep(scope, name) => {
                let (pi, p) = m
                    .processes
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.name.span == *scope)?;
                let (si, s) = p
                    .steps
                    .iter()
                    .enumerate()
                    .find(|(_, s)| s.name.span == def.name)?;
                let _ = writeln!(
                    out,
                    "**process step** `{name}` of `{}`: {}",
                    p.name.text,
                    display_title(&s.name, s.title.as_ref())
                );
                if s.optional {
                    out.push_str("\noptional\n");
                }
                if let Some(d) = &s.description {
                    let _ = writeln!(out, "\n{}", d.value);
                }
                let mut by = Vec::new();
                for w in m
                    .workflows
                    .iter()
                    .filter(|w| w.process.is_some_and(|p| p.0 == pi))
                {
                    for ws in w.steps.iter().filter(|ws| ws.implements.contains(&si)) {
                        by.push(format!("`{}.{}`", w.name.text, ws.name.text));
                    }
                }
                if !by.is_empty() {
                    let _ = writeln!(out, "\nimplemented by: {}", by.join(", "));
                }
            }
            Key::WorkflowStep(scope, name) => {
                let w = m.workflows.iter().find(|w| w.name.span == *scope)?;
                let s = w.steps.iter().find(|s| s.name.span == def.name)?;
                let _ = writeln!(
                    out,
                    "**workflow step** `{name}` of `{}`: {}",
                    w.name.text,
                    display_title(&s.name, s.title.as_ref())
                );
                if let Some(r) = role_name(s.owner) {
                    let _ = writeln!(out, "\nowner: {r}");
                }
                if !s.tools.is_empty() {
                    let tools: Vec<String> = s
                        .tools
                        .iter()
                        .map(|t| code(&m.tools[t.0].name.text))
                        .collect();
                    let _ = writeln!(out, "\ntool: {}", tools.join(", "));
                }
                if let Some(p) = w.process {
                    let steps = &m.processes[p.0].steps;
                    let imp: Vec<String> = s
                        .implements
                        .iter()
                        .filter_map(|&k| steps.get(k))
                        .map(|ps| code(&ps.name.text))
                        .collect();
                    if !imp.is_empty() {
                        let _ = writeln!(out, "\nimplements: {}", imp.join(", "));
                    }
                }
                if !s.after.is_empty() {
                    let after: Vec<String> = s
                        .after
                        .iter()
                        .filter_map(|&k| w.steps.get(k))
                        .map(|a| code(&a.name.text))
                        .collect();
                    let _ = writeln!(out, "\nafter: {}", after.join(", "));
                }
                if s.automated {
                    out.push_str("\nautomated\n");
                }
                if let Some(d) = &s.description {
                    let _ = writeln!(out, "\n{}", d.value);
                }
            }
            Key::Artifact(scope, name) => {
                let w = m.workflows.iter().find(|w| w.name.span == *scope)?;
                let produced: Vec<String> = w
                    .steps
                    .iter()
                    .filter(|s| s.produces.iter().any(|p| &p.text == name))
                    .map(|s| code(&s.name.text))
                    .collect();
                let needed: Vec<String> = w
                    .steps
                    .iter()
                    .filter(|s| s.needs.iter().any(|p| &p.text == name))
                    .map(|s| code(&s.name.text))
                    .collect();
                let _ = writeln!(out, "**artifact** `{name}` of workflow `{}`", w.name.text);
                let _ = writeln!(out, "\nproduced by: {}", produced.join(", "));
                if !needed.is_empty() {
                    let _ = writeln!(out, "\nneeded by: {}", needed.join(", "));
                }
            }
        }
        Some(out.trim_end().to_owned())
    }
}
