//! One open document compiled: the workspace (open documents from memory, other
//! files from disk) and the compilation, whose model records every name
//! written in its files and what it names ([`crate::model::Reference`]): the
//! server answers definition, references, rename, highlights and hover from
//! them, so names are scoped exactly as `procflow check` scopes them.

use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::ast::File;
use crate::check::levels::Levels;
use crate::config::ConfigFinder;
use crate::model::{Model, Target};
use crate::source::FileId;
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

/// A compiled document.
pub struct Analysis {
    /// The files (the document and what it uses).
    pub workspace: Workspace<MemLoader>,
    /// The compilation of the document.
    pub compilation: Compilation,
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
        workspace.record_references = true;
        let root = match path {
            Some(p) => workspace
                .add_path(name, p)
                .unwrap_or_else(|_| workspace.add_text(name, Some(p), text.to_owned())),
            None => workspace.add_text(name, None, text.to_owned()),
        };
        let (levels, config_error) = levels_for(path.and_then(Path::parent));
        let compilation = workspace.compile(root, &levels);
        let root_tree = workspace.parse(root).0.clone();
        let paths = compilation
            .files
            .iter()
            .filter_map(|&f| workspace.sources.get(f).path.as_deref().map(identity))
            .collect();
        Analysis {
            workspace,
            compilation,
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

    /// Markdown describing what a name names, for hover.
    pub fn describe(&self, target: Target) -> Option<String> {
        super::hover::describe(self.model(), target)
    }
}
