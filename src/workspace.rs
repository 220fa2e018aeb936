//! Loading files and their `use`s into compilations.
//!
//! A [`Workspace`] reads each file once and parses it once, however many
//! compilations use it. It reads through a [`Loader`], so the language server
//! can serve open documents and tests can serve files from memory.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::ast::{File, Item};
use crate::check;
use crate::check::codes::Code;
use crate::check::levels::Levels;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::shared::Namespace;
use crate::model::{self, Model};
use crate::source::{FileId, MAX_FILE_BYTES, SourceMap, Span};
use crate::syntax;

/// Where files come from.
pub trait Loader {
    /// The canonical form of a path (its identity: a file is loaded once).
    ///
    /// # Errors
    /// When the file does not exist.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;

    /// The bytes of a file.
    ///
    /// # Errors
    /// When the file cannot be read.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// The bytes of a file reached by `use`: only a regular file, and reading
    /// never waits (a FIFO is refused, not read).
    ///
    /// # Errors
    /// When the file cannot be read or is not a regular file.
    fn read_used(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.read(path)
    }

    /// The project that a root file in `dir` belongs to: its `use`s may not
    /// reach outside it (see [`crate::config::project_root`]).
    fn project_root(&self, dir: &Path) -> PathBuf {
        crate::config::project_root(dir, &std::env::current_dir().unwrap_or_default())
    }
}

/// Reads files from disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct FsLoader;

impl Loader for FsLoader {
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let meta = std::fs::metadata(path)?;
        if meta.is_dir() {
            return Err(io::Error::other("it is a folder, not a file"));
        }
        if meta.len() > MAX_FILE_BYTES as u64 {
            return Err(io::Error::other(format!(
                "it is larger than the limit of {} MiB",
                MAX_FILE_BYTES / 1024 / 1024
            )));
        }
        std::fs::read(path)
    }

    fn read_used(&self, path: &Path) -> io::Result<Vec<u8>> {
        use std::io::Read as _;
        let not_regular =
            || io::Error::other("it is not a regular file (a folder, FIFO, socket or device)");
        // Looked at before opening (opening a device can have effects), and
        // again on the opened file, which is opened without waiting for a
        // writer in case a FIFO took the file's place in between.
        if !std::fs::metadata(path)?.is_file() {
            return Err(not_regular());
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
        }
        let mut file = options.open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(not_regular());
        }
        if meta.len() > MAX_FILE_BYTES as u64 {
            return Err(io::Error::other(format!(
                "it is larger than the limit of {} MiB",
                MAX_FILE_BYTES / 1024 / 1024
            )));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

struct Parsed {
    tree: File,
    /// Syntax errors, and an invalid-UTF-8 error.
    errors: Vec<Diagnostic>,
}

/// The result of compiling one root file.
#[derive(Debug)]
pub struct Compilation {
    /// The root file.
    pub root: FileId,
    /// The files of the compilation, each after the files it uses.
    pub files: Vec<FileId>,
    /// The resolved model (partial when there are errors).
    pub model: Model,
    /// Every diagnostic, lint levels applied, in report order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    /// Whether any diagnostic is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Every file loaded in one run, and their syntax trees.
pub struct Workspace<L: Loader = FsLoader> {
    /// The loaded files.
    pub sources: SourceMap,
    loader: L,
    by_path: HashMap<PathBuf, FileId>,
    parsed: Vec<Option<Parsed>>,
    /// The project root of each folder holding a root file.
    projects: HashMap<PathBuf, PathBuf>,
    /// The canonical path of each path a `use` named (symbolic links are
    /// resolved once per run, not once per compilation that reaches them).
    canonical: HashMap<PathBuf, PathBuf>,
    /// Whether [`Workspace::compile`] records every name's reference in the
    /// model ([`crate::model::Model::references`]): the language server does;
    /// `check` and `build` need not pay for them.
    pub record_references: bool,
}

impl Default for Workspace<FsLoader> {
    fn default() -> Self {
        Workspace::new(FsLoader)
    }
}

impl<L: Loader> Workspace<L> {
    /// An empty workspace reading through `loader`.
    pub fn new(loader: L) -> Self {
        Workspace {
            sources: SourceMap::new(),
            loader,
            by_path: HashMap::new(),
            parsed: Vec::new(),
            projects: HashMap::new(),
            canonical: HashMap::new(),
            record_references: false,
        }
    }

    /// Loads a file from the loader, named `name` in messages. A file already
    /// loaded (by the same canonical path) is not read again.
    ///
    /// # Errors
    /// When the file does not exist or cannot be read.
    pub fn add_path(&mut self, name: &str, path: &Path) -> io::Result<FileId> {
        let canonical = self.loader.canonicalize(path)?;
        if let Some(&id) = self.by_path.get(&canonical) {
            return Ok(id);
        }
        let bytes = self.loader.read(&canonical)?;
        let id = self.add_bytes(name, Some(path), bytes);
        self.by_path.insert(canonical, id);
        Ok(id)
    }

    /// Adds text that did not come from the loader (standard input, an editor
    /// buffer). `path`, when given, locates the file for its `use`s.
    pub fn add_text(&mut self, name: &str, path: Option<&Path>, text: String) -> FileId {
        let id = self.sources.add(name, path, text);
        self.parsed.push(None);
        id
    }

    /// Adds bytes, reporting invalid UTF-8 as a syntax error at its offset.
    pub fn add_bytes(&mut self, name: &str, path: Option<&Path>, bytes: Vec<u8>) -> FileId {
        match String::from_utf8(bytes) {
            Ok(text) => self.add_text(name, path, text),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let byte = e.as_bytes()[offset];
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = self.add_text(name, path, text);
                // The message names the offset in the file; the span is in the
                // text, which does not keep a byte-order mark.
                let bom = if e.as_bytes().starts_with(b"\xef\xbb\xbf") {
                    3
                } else {
                    0
                };
                let at = offset - bom;
                let span = Span::new(id, at, at + char::REPLACEMENT_CHARACTER.len_utf8());
                let error = Diagnostic::new(
                    Code::Syntax,
                    span,
                    format!(
                        "`{name}` is not valid UTF-8: byte 0x{byte:02X} at byte offset {offset}"
                    ),
                    "not UTF-8",
                )
                .with_help("save the file as UTF-8 (most editors have an \"encoding\" setting)");
                self.parsed[id.0 as usize] = Some(Parsed {
                    tree: File::default(),
                    errors: vec![error],
                });
                id
            }
        }
    }

    /// Reads and parses many files on all cores, each once; `add_path` then
    /// finds them loaded. Files that cannot be read are left for `add_path` to
    /// report.
    pub fn preload(&mut self, files: &[(String, PathBuf)])
    where
        L: Sync,
    {
        let mut todo = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (name, path) in files {
            if let Ok(canonical) = self.loader.canonicalize(path) {
                if !self.by_path.contains_key(&canonical) && seen.insert(canonical.clone()) {
                    todo.push((name, path, canonical));
                }
            }
        }
        let loader = &self.loader;
        let contents = crate::parallel::map(&todo, |(_, _, canonical)| loader.read(canonical).ok());
        let mut ids = Vec::new();
        for ((name, path, canonical), bytes) in todo.into_iter().zip(contents) {
            if let Some(bytes) = bytes {
                let id = self.add_bytes(name, Some(path), bytes);
                self.by_path.insert(canonical, id);
                if self.parsed[id.0 as usize].is_none() {
                    ids.push(id);
                }
            }
        }
        let sources = &self.sources;
        let parsed = crate::parallel::map(&ids, |&id| {
            let (tree, errors) = syntax::parse(id, &sources.get(id).text);
            Parsed { tree, errors }
        });
        for (id, p) in ids.into_iter().zip(parsed) {
            self.parsed[id.0 as usize] = Some(p);
        }
    }

    /// The syntax tree of a file (parsing it on first use), with its errors.
    pub fn parse(&mut self, id: FileId) -> (&File, &[Diagnostic]) {
        let slot = id.0 as usize;
        if self.parsed[slot].is_none() {
            let (tree, errors) = syntax::parse(id, &self.sources.get(id).text);
            self.parsed[slot] = Some(Parsed { tree, errors });
        }
        let parsed = self.parsed[slot]
            .as_ref()
            .unwrap_or_else(|| unreachable!("parsed above"));
        (&parsed.tree, &parsed.errors)
    }

    /// Compiles `root` and what it uses: resolves, checks, applies `levels`.
    pub fn compile(&mut self, root: FileId, levels: &Levels) -> Compilation {
        let mut loading = Loading {
            project: self.project_of(root),
            ..Loading::default()
        };
        self.visit(root, &mut loading);
        let files = loading.order;
        let mut syntax_errors = Vec::new();
        for &f in &files {
            syntax_errors.extend(self.parse(f).1.iter().cloned());
        }
        let trees: Vec<(FileId, &File)> = files
            .iter()
            .map(|&f| {
                (
                    f,
                    &self.parsed[f.0 as usize]
                        .as_ref()
                        .unwrap_or_else(|| unreachable!("parsed in visit"))
                        .tree,
                )
            })
            .collect();
        let (model, resolve_diags) = model::resolve(
            &trees,
            root,
            !loading.import_errors.is_empty(),
            self.record_references,
        );
        let mut diagnostics = loading.import_errors;
        if syntax_errors.is_empty() {
            diagnostics.extend(resolve_diags);
            diagnostics.extend(check::run_with(&model, levels.overload_hours()));
        } else {
            diagnostics.extend(syntax_errors);
        }
        let mut diagnostics = levels.apply(&model, diagnostics);
        sort_diagnostics(&self.sources, &mut diagnostics);
        Compilation {
            root,
            files,
            model,
            diagnostics,
        }
    }

    /// Compiles each of `roots` (distinct files) with its lint levels, giving
    /// the diagnostics that [`Workspace::compile`] of each, one after another,
    /// would give (`share` false does exactly that).
    ///
    /// With `share`, a root is compiled after the roots it `use`s, and when
    /// every file it uses is a root compiled without errors, in the same
    /// project, whose namespaces declare no name twice, it is resolved against
    /// their shared namespaces ([`model::shared`]) instead of compiling the
    /// whole closure again: that compilation would report nothing about the
    /// used files (each was compiled as a root without errors; a cycle or a
    /// name declared twice would have been an error in one of them) and the
    /// same about the root. A root whose diagnostics would read the whole
    /// namespace (see [`model::shared::resolve_shared`]) is compiled in full.
    /// So `check DIR` over a chain of `use`s is linear, not quadratic.
    pub(crate) fn compile_roots(&mut self, roots: &[(FileId, Levels)], share: bool) -> Compiled {
        let mut diagnostics = vec![Vec::new(); roots.len()];
        let mut models = Vec::with_capacity(roots.len());
        if !share {
            for (slot, (root, levels)) in diagnostics.iter_mut().zip(roots) {
                let compilation = self.compile(*root, levels);
                *slot = compilation.diagnostics;
                models.push(compilation.model);
            }
            return Compiled {
                diagnostics,
                models,
                shared: 0,
            };
        }
        self.load_as_compiled(roots.iter().map(|(root, _)| *root));
        let mut done: HashMap<FileId, Done> = HashMap::new();
        let mut shared_count = 0;
        let (order, used) = self.dependency_order(roots);
        for i in order {
            let (root, levels) = &roots[i];
            // A root that uses nothing has nothing to share: compiled whole
            // (its namespace only if another root uses it).
            let shared = if self.uses_of(*root).is_empty() {
                None
            } else {
                self.compile_shared(*root, levels, &done)
            };
            let (diags, model, namespace) = if let Some(result) = shared {
                shared_count += 1;
                result
            } else {
                let c = self.compile(*root, levels);
                let namespace = (used[i] && !c.diagnostics.iter().any(|d| !d.code.is_lint()))
                    .then(|| Namespace::default().with_declarations(&c.model, None));
                (c.diagnostics, c.model, namespace)
            };
            let project = self.project_of(*root);
            done.insert(*root, Done { project, namespace });
            diagnostics[i] = diags;
            models.push(model);
        }
        Compiled {
            diagnostics,
            models,
            shared: shared_count,
        }
    }

    /// Compiles `root` against the namespaces of the roots it uses, when they
    /// are all in `done`, without errors and in its project; `None` when the
    /// whole closure must be compiled instead.
    fn compile_shared(
        &mut self,
        root: FileId,
        levels: &Levels,
        done: &HashMap<FileId, Done>,
    ) -> Option<(Vec<Diagnostic>, Model, Option<Namespace>)> {
        let project = self.project_of(root);
        if !self.parse(root).1.is_empty() {
            return None;
        }
        let mut import_errors = Vec::new();
        let mut shared = Namespace::default();
        for (use_span, path) in self.uses_of(root) {
            match self.load_use(root, &path, &project) {
                Err((message, help)) => {
                    import_errors.push(import_error(use_span, &path, &message, help));
                }
                Ok(target) => match done.get(&target) {
                    Some(Done {
                        project: p,
                        namespace: Some(namespace),
                    }) if *p == project => shared = shared.union(namespace)?,
                    _ => return None,
                },
            }
        }
        let tree = &self.parsed[root.0 as usize].as_ref()?.tree;
        let (model, resolved) =
            model::shared::resolve_shared(&shared, root, tree, !import_errors.is_empty());
        let mut diagnostics = import_errors;
        diagnostics.extend(resolved);
        diagnostics.extend(check::run_with(&model, levels.overload_hours()));
        if diagnostics.iter().any(|d| {
            matches!(
                d.code,
                Code::UnknownReference | Code::WrongKind | Code::MissingOwner | Code::MissingTool
            )
        }) {
            return None;
        }
        let mut diagnostics = levels.apply(&model, diagnostics);
        sort_diagnostics(&self.sources, &mut diagnostics);
        let namespace = (!diagnostics.iter().any(|d| !d.code.is_lint()))
            .then(|| shared.with_declarations(&model, Some(root)));
        Some((diagnostics, model, namespace))
    }

    /// The `use`s of a file: the whole item's span and the path written.
    fn uses_of(&mut self, file: FileId) -> Vec<(Span, String)> {
        self.parse(file)
            .0
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Use(u) => Some((u.span, u.path.value.clone())),
                Item::Decl(_) => None,
            })
            .collect()
    }

    /// Loads every file that compiling `roots` one after another would load,
    /// in the same order, so that every file gets the same [`FileId`] (the
    /// order of names in some messages follows it). A file already explored
    /// for the same project is not explored again: everything it reaches is
    /// loaded.
    fn load_as_compiled(&mut self, roots: impl Iterator<Item = FileId>) {
        let mut projects: HashMap<PathBuf, usize> = HashMap::new();
        let mut explored: std::collections::HashSet<(usize, FileId)> =
            std::collections::HashSet::new();
        for root in roots {
            let project = self.project_of(root);
            let next = projects.len();
            let key = *projects.entry(project.clone()).or_insert(next);
            if !explored.insert((key, root)) {
                continue;
            }
            // Depth first, as `visit` goes; a stack, not recursion, as a
            // chain of `use`s may be thousands of files long.
            let mut stack = vec![(root, self.uses_of(root), 0)];
            while let Some((file, uses, next)) = stack.last_mut() {
                let Some((_, path)) = uses.get(*next) else {
                    stack.pop();
                    continue;
                };
                *next += 1;
                let (file, path) = (*file, path.clone());
                if let Ok(target) = self.load_use(file, &path, &project) {
                    if explored.insert((key, target)) {
                        let uses = self.uses_of(target);
                        stack.push((target, uses, 0));
                    }
                }
            }
        }
    }

    /// The indices of `roots` in an order where a root comes after the roots
    /// it uses (except around a cycle of `use`s), else in the order given;
    /// and whether another root uses each. Every file must be loaded already
    /// (see [`Self::load_as_compiled`]).
    fn dependency_order(&mut self, roots: &[(FileId, Levels)]) -> (Vec<usize>, Vec<bool>) {
        let index: HashMap<FileId, usize> = roots
            .iter()
            .enumerate()
            .map(|(i, (root, _))| (*root, i))
            .collect();
        let mut uses: Vec<Vec<usize>> = Vec::with_capacity(roots.len());
        for (root, _) in roots {
            let project = self.project_of(*root);
            let targets = self
                .uses_of(*root)
                .into_iter()
                .filter_map(|(_, path)| self.load_use(*root, &path, &project).ok())
                .filter_map(|target| index.get(&target).copied())
                .collect();
            uses.push(targets);
        }
        let mut used_by_other = vec![false; roots.len()];
        for (i, targets) in uses.iter().enumerate() {
            for &t in targets {
                used_by_other[t] |= t != i;
            }
        }
        // 0: not seen, 1: on the stack, 2: placed.
        let mut state = vec![0u8; roots.len()];
        let mut order = Vec::with_capacity(roots.len());
        for start in 0..roots.len() {
            if state[start] != 0 {
                continue;
            }
            state[start] = 1;
            let mut stack = vec![(start, 0)];
            while let Some(top) = stack.last_mut() {
                let i = top.0;
                if let Some(&t) = uses[i].get(top.1) {
                    top.1 += 1;
                    if state[t] == 0 {
                        state[t] = 1;
                        stack.push((t, 0));
                    }
                } else {
                    state[i] = 2;
                    order.push(i);
                    stack.pop();
                }
            }
        }
        (order, used_by_other)
    }

    /// Loads the `use`s of `file` depth first; records the file after them.
    fn visit(&mut self, file: FileId, loading: &mut Loading) {
        loading.active.push(file);
        loading.on_stack.insert(file);
        let uses: Vec<(Span, String, Span)> = self
            .parse(file)
            .0
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Use(u) => Some((u.span, u.path.value.clone(), u.path.span)),
                Item::Decl(_) => None,
            })
            .collect();
        for (use_span, path, _) in uses {
            match self.load_use(file, &path, &loading.project) {
                Err((message, help)) => loading
                    .import_errors
                    .push(import_error(use_span, &path, &message, help)),
                Ok(target) if loading.on_stack.contains(&target) => {
                    let chain: Vec<String> = loading
                        .active
                        .iter()
                        .skip_while(|&&f| f != target)
                        .chain(std::iter::once(&target))
                        .map(|&f| format!("`{}`", self.sources.get(f).name))
                        .collect();
                    loading.import_errors.push(
                        Diagnostic::new(Code::Import, use_span, format!("import cycle: {}", chain.join(" uses ")), "this `use` closes the cycle")
                            .with_help("move the shared declarations into a file that both use, such as team.flow"),
                    );
                }
                Ok(target) if loading.done.contains(&target) => {}
                Ok(target) => self.visit(target, loading),
            }
        }
        loading.active.pop();
        loading.on_stack.remove(&file);
        loading.done.insert(file);
        loading.order.push(file);
    }

    /// The project root of a root file: its `use`s stay inside it.
    pub fn project_of(&mut self, root: FileId) -> PathBuf {
        let dir = self
            .sources
            .get(root)
            .path
            .as_deref()
            .and_then(Path::parent)
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        if let Some(found) = self.projects.get(&dir) {
            return found.clone();
        }
        let found = self.loader.project_root(&dir);
        self.projects.insert(dir, found.clone());
        found
    }

    /// Loads the file `path` that `from` uses. Refused: an absolute path, a
    /// file outside `project` (after symbolic links), anything but a regular
    /// file. The error is a message and, when it is not the usual one, a help.
    fn load_use(
        &mut self,
        from: FileId,
        path: &str,
        project: &Path,
    ) -> Result<FileId, (String, Option<String>)> {
        let written = Path::new(path);
        if written.is_absolute() || path.starts_with('/') || path.starts_with('\\') {
            return Err((
                "absolute paths are refused, so the files can move together".to_owned(),
                None,
            ));
        }
        let source = self.sources.get(from);
        let dir = source
            .path
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(Path::new(""));
        let on_disk = dir.join(written);
        let name = Path::new(&source.name)
            .parent()
            .unwrap_or(Path::new(""))
            .join(written);
        let name = name.to_string_lossy().into_owned();
        let cannot = |e: &io::Error| match e.kind() {
            io::ErrorKind::NotFound => (format!("there is no file `{}`", on_disk.display()), None),
            _ => (format!("`{}` cannot be read: {e}", on_disk.display()), None),
        };
        let canonical = if let Some(c) = self.canonical.get(&on_disk) {
            c.clone()
        } else {
            let c = self.loader.canonicalize(&on_disk).map_err(|e| cannot(&e))?;
            self.canonical.insert(on_disk.clone(), c.clone());
            c
        };
        if !canonical.starts_with(project) {
            return Err((
                format!(
                    "`{}` is outside the project `{}`",
                    on_disk.display(),
                    project.display()
                ),
                Some(format!(
                    "a `use` reaches only files inside the project (the folder of the nearest {}, else the git work tree, else the folder procflow runs in); move the file into it",
                    crate::config::CONFIG_FILE
                )),
            ));
        }
        if let Some(&id) = self.by_path.get(&canonical) {
            return Ok(id);
        }
        let bytes = self.loader.read_used(&canonical).map_err(|e| cannot(&e))?;
        let id = self.add_bytes(&name, Some(&on_disk), bytes);
        self.by_path.insert(canonical, id);
        Ok(id)
    }
}

fn import_error(span: Span, path: &str, message: &str, help: Option<String>) -> Diagnostic {
    Diagnostic::new(
        Code::Import,
        span,
        format!("cannot use `{path}`: {message}"),
        "used here",
    )
    .with_help(
        help.unwrap_or_else(|| "the path is relative to the file that says `use`".to_owned()),
    )
}

/// The roots compiled by [`Workspace::compile_roots`].
pub(crate) struct Compiled {
    /// The diagnostics of each root, in the order of the roots.
    pub diagnostics: Vec<Vec<Diagnostic>>,
    /// The model of each root, in the order compiled.
    pub models: Vec<Model>,
    /// How many roots were resolved against shared namespaces.
    pub shared: usize,
}

/// What a compiled root leaves for the roots that use it.
struct Done {
    /// Its project: a root in another one may load other files.
    project: PathBuf,
    /// Its namespace and that of every file it uses, when it was compiled
    /// without errors.
    namespace: Option<Namespace>,
}

#[derive(Default)]
struct Loading {
    /// The project root: no file outside it is loaded.
    project: PathBuf,
    active: Vec<FileId>,
    /// The files of `active`, for a quick look-up.
    on_stack: std::collections::HashSet<FileId>,
    done: std::collections::HashSet<FileId>,
    order: Vec<FileId>,
    import_errors: Vec<Diagnostic>,
}

/// Sorts diagnostics by file name, then position, then code and message, and
/// removes duplicates (a used file's errors seen from several roots).
pub fn sort_diagnostics(sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        let fa = &sources.get(a.span.file).name;
        let fb = &sources.get(b.span.file).name;
        (fa, a.span.start, a.span.end, a.code, &a.message).cmp(&(
            fb,
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
    diags.dedup();
}
