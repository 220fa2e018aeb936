//! Namespaces shared between the compilations of one run, so that `check DIR`
//! over a chain of `use`s is not quadratic.
//!
//! A [`Namespace`] holds every top-level declaration of a file and of the files
//! it uses, by name, as a persistent map (`rpds`): the namespace of a file that
//! uses one other file is that file's namespace plus its own declarations, and
//! shares everything else with it. [`resolve_shared`] resolves a root file's
//! declarations against such a namespace: only the declarations it names are
//! copied into its model (before its own, as if declared in earlier files), so
//! the model, the work and the memory are the size of the root file, not of
//! everything it uses. When this gives the same diagnostics as compiling the
//! whole closure is decided by `Workspace::compile_roots`.

use std::rc::Rc;

use super::resolve::{Names, Sym, resolve_onto};
use super::{Model, Process, Role, Tool};
use crate::ast::{AttrKind, Decl, File, Ident, Item, Value};
use crate::diagnostic::Diagnostic;
use crate::source::FileId;

/// A top-level declaration as the files that use its file see it.
#[derive(Debug)]
struct Export {
    /// Its name, where it is declared.
    ident: Ident,
    decl: Exported,
}

/// What a reference needs of a declaration. Indices into another model (a
/// process's `owner`) are cleared: they mean nothing in the model of a file
/// that uses it.
#[derive(Debug)]
enum Exported {
    Role(Role),
    Tool(Tool),
    Process(Process),
    /// Nothing refers to a workflow; only its name is taken.
    Workflow,
}

/// The top-level declarations of a file and of every file it uses, by name
/// (one declaration per name: only the namespaces of files compiled without
/// errors are kept, and they have no name declared twice).
#[derive(Clone, Default)]
pub struct Namespace {
    map: rpds::HashTrieMap<String, Rc<Export>>,
}

impl std::fmt::Debug for Namespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Namespace({} names)", self.map.size())
    }
}

impl Namespace {
    /// The number of names.
    fn len(&self) -> usize {
        self.map.size()
    }

    /// Both namespaces in one; `None` when a name is declared by two
    /// different declarations (a file used twice, through two paths, is one
    /// declaration). Costs the size of the smaller one, nothing when both are
    /// the same.
    #[must_use]
    pub fn union(&self, other: &Namespace) -> Option<Namespace> {
        if self.map.ptr_eq(&other.map) {
            return Some(self.clone());
        }
        let (small, large) = if self.len() <= other.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut map = large.map.clone();
        for (name, export) in small.map.iter() {
            match map.get(name) {
                Some(e) if e.ident.span == export.ident.span => {}
                Some(_) => return None,
                None => map.insert_mut(name.clone(), Rc::clone(export)),
            }
        }
        Some(Namespace { map })
    }

    /// This namespace with the declarations of `model` that are not
    /// duplicates added: all of them, or those in `file`.
    #[must_use]
    pub fn with_declarations(&self, model: &Model, file: Option<FileId>) -> Namespace {
        let mut map = self.map.clone();
        let keep = |ident: &Ident, duplicate: bool| {
            !duplicate && file.is_none_or(|f| ident.span.file == f)
        };
        let mut add = |ident: &Ident, decl: Exported| {
            let export = Export {
                ident: ident.clone(),
                decl,
            };
            map.insert_mut(ident.text.clone(), Rc::new(export));
        };
        for r in model.roles.iter().filter(|r| keep(&r.name, r.duplicate)) {
            add(&r.name, Exported::Role(r.clone()));
        }
        for t in model.tools.iter().filter(|t| keep(&t.name, t.duplicate)) {
            add(&t.name, Exported::Tool(t.clone()));
        }
        for p in model
            .processes
            .iter()
            .filter(|p| keep(&p.name, p.duplicate))
        {
            let process = Process {
                owner: None,
                ..p.clone()
            };
            add(&p.name, Exported::Process(process));
        }
        for w in model
            .workflows
            .iter()
            .filter(|w| keep(&w.name, w.duplicate))
        {
            add(&w.name, Exported::Workflow);
        }
        Namespace { map }
    }
}

/// Resolves the root file `file` against `shared`, the namespace of the files
/// it uses: the declarations of `shared` that it names (its own declarations'
/// names, `owner`, `tool` and a workflow's `implements`) are entered first,
/// then its own are resolved as [`super::resolve`] resolves the last file of a
/// compilation.
///
/// Only names that `file` mentions are in the namespace, so a diagnostic that
/// lists or suggests names of the whole namespace (`unknown-reference`,
/// `wrong-kind`) or the model's roles and tools (`missing-owner`,
/// `missing-tool`) would differ from a whole compilation's: the caller
/// compiles the whole closure instead when one is reported.
#[must_use]
pub fn resolve_shared(
    shared: &Namespace,
    root: FileId,
    file: &File,
    import_failed: bool,
) -> (Model, Vec<Diagnostic>) {
    let mut model = Model {
        root: Some(root),
        import_failed,
        ..Model::default()
    };
    let mut names = Names::default();
    for name in mentioned(file) {
        if names.contains_key(name) {
            continue;
        }
        let Some(export) = shared.map.get(name) else {
            continue;
        };
        let sym = match &export.decl {
            Exported::Role(r) => {
                model.roles.push(r.clone());
                Sym::Role(model.roles.len() - 1)
            }
            Exported::Tool(t) => {
                model.tools.push(t.clone());
                Sym::Tool(model.tools.len() - 1)
            }
            Exported::Process(p) => {
                model.processes.push(p.clone());
                Sym::Process(model.processes.len() - 1)
            }
            // Only `lookup` reads the index, and no attribute takes a
            // workflow: the name is there for `duplicate-definition` and
            // `wrong-kind`.
            Exported::Workflow => Sym::Workflow(usize::MAX),
        };
        names.insert(name.to_owned(), (sym, export.ident.clone()));
    }
    resolve_onto(model, names, &[(root, file)])
}

/// The names a file looks up in the shared namespace, in order of mention:
/// top-level declaration names, a workflow's `implements`, and every `owner`
/// and `tool` (of blocks and of steps).
fn mentioned(file: &File) -> Vec<&str> {
    fn attrs<'a>(decl: &'a Decl, out: &mut Vec<&'a str>) {
        for attr in decl.attrs() {
            if !matches!(attr.kind, AttrKind::Owner | AttrKind::Tool) {
                continue;
            }
            match &attr.value {
                Value::Ident(i) => out.push(&i.text),
                Value::Idents(v) => out.extend(v.iter().map(|i| i.text.as_str())),
                _ => {}
            }
        }
        for step in decl.steps() {
            attrs(step, out);
        }
    }
    let mut out = Vec::new();
    for item in &file.items {
        if let Item::Decl(decl) = item {
            out.push(decl.name.text.as_str());
            if let Some(i) = &decl.implements {
                out.push(&i.text);
            }
            attrs(decl, &mut out);
        }
    }
    out
}
