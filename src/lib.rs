//! procflow: a compiler for the Flow language, plain-text `.flow` files that
//! describe how a business works, keeping the *process* (what must happen)
//! apart from the *workflow* (who does each step, with which tool, when).
//!
//! The library never prints and never exits: the `procflow` binary is a thin
//! shell over [`check`] and the renderers in [`render`].
//!
//! ```
//! let report = procflow::check_source("demo.flow", "role ops \"Operations\"\n");
//! assert!(report.diagnostics.is_empty());
//! ```
#![doc = concat!("\n\n# Architecture\n\n", include_str!("../ARCHITECTURE.md"))]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod ast;
pub mod audit;
pub mod backend;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod fix;
pub mod fmt;
pub mod lsp;
pub mod markdown;
pub mod model;
mod parallel;
pub mod render;
pub mod source;
mod suggest;
pub mod syntax;
pub mod workspace;

use std::path::{Path, PathBuf};

pub use check::codes::{CODES, Code, CodeInfo, Kind, Level};
pub use check::levels::{LevelSetting, Levels};
pub use diagnostic::{Diagnostic, Label, Severity};
pub use error::Error;
pub use workspace::{Compilation, FsLoader, Loader, Workspace};

/// Something to check: a file or folder on disk, or text (standard input, an
/// editor buffer).
#[derive(Debug, Clone)]
pub enum Input {
    /// A file (checked whatever its extension) or a folder (every `*.flow`
    /// below it, skipping what `.gitignore` ignores).
    Path(PathBuf),
    /// Text with a name for messages; `path`, when given, locates its `use`s
    /// and its `procflow.toml` (otherwise the current folder does).
    Text {
        /// The name shown in messages.
        name: String,
        /// Where the text would live on disk.
        path: Option<PathBuf>,
        /// The text.
        text: Vec<u8>,
    },
}

/// Options of a check run.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Level settings from the command line, applied after `procflow.toml`, in
    /// order.
    pub settings: Vec<LevelSetting>,
    /// Ignore `procflow.toml` files.
    pub no_config: bool,
}

/// The result of checking some inputs.
pub struct Report {
    /// Every file loaded (for rendering positions).
    pub workspace: Workspace,
    /// Every diagnostic, sorted by file and position, without duplicates.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were checked (not counting those only `use`d).
    pub files: usize,
    /// The models built, kept (and not read) so that a caller that exits
    /// without freeing the report does not free them one allocation at a
    /// time either: freeing a large model is a visible share of a check.
    models: Vec<model::Model>,
    /// How many roots were resolved against the namespaces of the files they
    /// use rather than compiled with them (see `Workspace::compile_roots`).
    shared: usize,
    /// The roots whose compilation has an error (left out of an audit).
    failed: std::collections::HashSet<source::FileId>,
}

impl Report {
    /// The number of errors.
    #[must_use]
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// The number of warnings.
    #[must_use]
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// The models built, one per file checked (for a Markdown file, one per
    /// `flow` block), in the order of the inputs: after
    /// [`compile_each`], each holds its file and everything it uses.
    #[must_use]
    pub fn models(&self) -> &[model::Model] {
        &self.models
    }

    /// How many declarations the models built hold, and how many roots were
    /// resolved against shared namespaces: what the tests of `check DIR` over
    /// a chain of `use`s count to see that it is linear.
    #[doc(hidden)]
    #[must_use]
    pub fn work(&self) -> (usize, usize) {
        let declarations = self
            .models
            .iter()
            .map(|m| m.roles.len() + m.tools.len() + m.processes.len() + m.workflows.len())
            .sum();
        (declarations, self.shared)
    }

    /// The models of the roots compiled without errors, in the order of the
    /// roots (what `procflow audit` reads), and the names of the files left
    /// out because they have errors, sorted.
    #[must_use]
    pub fn clean_models(&self) -> (Vec<&model::Model>, Vec<String>) {
        let mut clean: Vec<&model::Model> = self
            .models
            .iter()
            .filter(|m| m.root.is_none_or(|r| !self.failed.contains(&r)))
            .collect();
        clean.sort_by_key(|m| m.root.map(|r| r.0));
        let mut failed: Vec<String> = self
            .failed
            .iter()
            .map(|&f| self.workspace.sources.get(f).name.clone())
            .collect();
        failed.sort();
        failed.dedup();
        (clean, failed)
    }
}

/// Checks one text with the default lint levels; its `use`s are read relative
/// to the current folder.
#[must_use]
pub fn check_source(name: &str, text: &str) -> Report {
    let mut workspace = Workspace::default();
    let root = workspace.add_text(name, None, text.to_owned());
    let compilation = workspace.compile(root, &Levels::default());
    let failed = if compilation.has_errors() {
        std::iter::once(root).collect()
    } else {
        std::collections::HashSet::new()
    };
    Report {
        workspace,
        diagnostics: compilation.diagnostics,
        files: 1,
        failed,
        models: vec![compilation.model],
        shared: 0,
    }
}

/// Checks files, folders and texts, each file with the lint levels of its
/// nearest `procflow.toml` and then `options.settings`.
///
/// # Errors
/// When a path cannot be read, a `procflow.toml` is invalid, or a setting names
/// an unknown lint: the check could not run.
pub fn check(inputs: &[Input], options: &CheckOptions) -> Result<Report, Error> {
    check_roots(inputs, options, true)
}

/// [`check()`], each file compiled whole with everything it uses, so that
/// [`Report::models`] holds one complete model per file, in input order:
/// what a build across files (`build DIR --emit handbook`) reads.
///
/// # Errors
/// As [`check()`].
pub fn compile_each(inputs: &[Input], options: &CheckOptions) -> Result<Report, Error> {
    check_roots(inputs, options, false)
}

/// [`check()`] the way it was first written, compiling each file with everything
/// it uses: the reference that the tests compare [`check()`] with.
///
/// # Errors
/// As [`check()`].
#[doc(hidden)]
pub fn check_each_in_full(inputs: &[Input], options: &CheckOptions) -> Result<Report, Error> {
    check_roots(inputs, options, false)
}

fn check_roots(inputs: &[Input], options: &CheckOptions, share: bool) -> Result<Report, Error> {
    let mut workspace = Workspace::default();
    let mut configs = config::ConfigFinder::default();
    let mut roots = Vec::new();
    let mut markdown_files = 0;
    // Read and parse every file on all cores first; the compilations below then
    // find them loaded (and a file used by many is parsed once).
    let mut expanded = Vec::new();
    for input in inputs {
        if let Input::Path(path) = input {
            expanded.push(collect_files(path)?);
        }
    }
    let flow: Vec<(String, PathBuf)> = expanded
        .iter()
        .flatten()
        .filter(|f| !is_markdown(f))
        .map(|f| (display_name(f), f.clone()))
        .collect();
    workspace.preload(&flow);
    let mut expanded = expanded.into_iter();
    for input in inputs {
        match input {
            Input::Path(_) => {
                for file in expanded.next().unwrap_or_default() {
                    let name = display_name(&file);
                    if is_markdown(&file) {
                        // Each `flow` block is a file of its own, positioned in
                        // the Markdown file.
                        let text = std::fs::read_to_string(&file).map_err(|source| Error::Io {
                            path: file.clone(),
                            source,
                        })?;
                        for block in markdown::flow_blocks(&text) {
                            let id = workspace.add_text(
                                &name,
                                Some(&file),
                                markdown::mask(&text, block),
                            );
                            roots.push((id, file.parent().map(Path::to_path_buf)));
                        }
                        markdown_files += 1;
                        continue;
                    }
                    let id = workspace
                        .add_path(&name, &file)
                        .map_err(|source| Error::Io {
                            path: file.clone(),
                            source,
                        })?;
                    roots.push((id, file.parent().map(Path::to_path_buf)));
                }
            }
            Input::Text { name, path, text } => {
                let id = workspace.add_bytes(name, path.as_deref(), text.clone());
                roots.push((
                    id,
                    path.as_deref()
                        .and_then(Path::parent)
                        .map(Path::to_path_buf),
                ));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut unique = Vec::new();
    for (root, dir) in &roots {
        if seen.insert(*root) {
            unique.push((*root, levels_for(dir.as_deref(), options, &mut configs)?));
        }
    }
    let compiled = workspace.compile_roots(&unique, share);
    let failed = unique
        .iter()
        .zip(&compiled.diagnostics)
        .filter(|(_, d)| d.iter().any(|d| d.severity == Severity::Error))
        .map(|((root, _), _)| *root)
        .collect();
    // Merged in the order of the roots, as they were when each was compiled
    // in turn, so that equal diagnostics come out in the same order.
    let mut diagnostics: Vec<Diagnostic> = compiled.diagnostics.into_iter().flatten().collect();
    workspace::sort_diagnostics(&workspace.sources, &mut diagnostics);
    let flow_files = seen
        .iter()
        .filter(|id| !is_markdown(Path::new(&workspace.sources.get(**id).name)))
        .count();
    Ok(Report {
        workspace,
        diagnostics,
        files: flow_files + markdown_files,
        models: compiled.models,
        shared: compiled.shared,
        failed,
    })
}

/// The lint levels for a file in `dir`: defaults, its nearest `procflow.toml`
/// (unless disabled), then the options' settings.
fn levels_for(
    dir: Option<&Path>,
    options: &CheckOptions,
    configs: &mut config::ConfigFinder,
) -> Result<Levels, Error> {
    let mut levels = Levels::default();
    let usage = |e: check::levels::LevelError| Error::Usage {
        message: e.message,
        help: e.help,
    };
    if !options.no_config {
        let dir = dir
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Some(config) = configs.find(dir)? {
            for s in &config.lints {
                levels.set(s).map_err(usage)?;
            }
            if let Some(hours) = config.overload_hours {
                levels.set_overload_hours(hours);
            }
        }
    }
    for s in &options.settings {
        levels.set(s).map_err(usage)?;
    }
    Ok(levels)
}

/// One file compiled for building: its diagnostics (levels applied) and its
/// resolved model; for a Markdown file, one compilation per `flow` block.
pub struct Built {
    /// The loaded files.
    pub workspace: Workspace,
    /// The compilation of the file, or of each `flow` block of a Markdown
    /// file (in order; none if it has no block), each block a file of its own
    /// as `check` reads it.
    pub compilations: Vec<Compilation>,
}

/// Compiles one file (or text) with the lint levels `check` would use, for a
/// backend to build from. A Markdown file (`.md`, `.markdown`) is read as
/// `check` reads it: each `flow` block is compiled on its own.
///
/// # Errors
/// When the file cannot be read or the configuration is invalid.
pub fn compile(input: &Input, options: &CheckOptions) -> Result<Built, Error> {
    let mut workspace = Workspace::default();
    let mut configs = config::ConfigFinder::default();
    let (roots, dir) = match input {
        Input::Path(path) if is_markdown(path) => {
            let name = display_name(path);
            let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let roots = markdown::flow_blocks(&text)
                .into_iter()
                .map(|block| workspace.add_text(&name, Some(path), markdown::mask(&text, block)))
                .collect();
            (roots, path.parent().map(Path::to_path_buf))
        }
        Input::Path(path) => {
            let name = display_name(path);
            let id = workspace
                .add_path(&name, path)
                .map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
            (vec![id], path.parent().map(Path::to_path_buf))
        }
        Input::Text { name, path, text } => (
            vec![workspace.add_bytes(name, path.as_deref(), text.clone())],
            path.as_deref()
                .and_then(Path::parent)
                .map(Path::to_path_buf),
        ),
    };
    let levels = levels_for(dir.as_deref(), options, &mut configs)?;
    let compilations = roots
        .into_iter()
        .map(|root| workspace.compile(root, &levels))
        .collect();
    Ok(Built {
        workspace,
        compilations,
    })
}

/// Whether a path names a Markdown file (`.md`, `.markdown`), whose `flow`
/// blocks are checked and formatted.
#[must_use]
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "md" || e == "markdown")
}

/// The files a path stands for: itself, or every `*.flow` and Markdown file
/// below a folder (honouring `.gitignore`, `.ignore` and hidden files), sorted
/// by path.
///
/// # Errors
/// When the path cannot be read.
pub fn collect_files(path: &Path) -> Result<Vec<PathBuf>, Error> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(path)
        .require_git(false)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let p = entry.path();
        if entry.file_type().is_some_and(|t| t.is_file())
            && (p.extension().is_some_and(|e| e == "flow") || is_markdown(p))
        {
            files.push(p.to_path_buf());
        }
    }
    Ok(files)
}

/// A path as shown in messages: as given, without a leading `./`.
#[must_use]
pub fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./")
        .map_or_else(|| s.clone().into_owned(), str::to_owned)
}

/// The candidate nearest to `word`, if near enough to be a likely typo (for
/// "did you mean" in front ends).
#[must_use]
pub fn suggest_name<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    suggest::did_you_mean(word, candidates.iter().copied())
}
