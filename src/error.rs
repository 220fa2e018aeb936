//! Errors that stop a command from running (exit status 2): an unreadable
//! path, a bad `procflow.toml`, a bad flag value. They are rendered by miette;
//! diagnostics about `.flow` files are a different thing (see `diagnostic`).

use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};

/// A command could not run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// A path given on the command line cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    #[diagnostic(code(procflow::io), help("check the path and its permissions"))]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A `procflow.toml` is wrong.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),
    /// A command-line value is wrong.
    #[error("{message}")]
    #[diagnostic(code(procflow::usage))]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },
}

/// A bad `procflow.toml`, pointing into it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid {}: {message}", path.display())]
#[diagnostic(code(procflow::config))]
pub struct ConfigError {
    path: PathBuf,
    message: String,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    span: Option<SourceSpan>,
    #[help]
    help: Option<String>,
}

impl ConfigError {
    pub(crate) fn new(
        path: &Path,
        text: &str,
        message: String,
        span: Option<std::ops::Range<usize>>,
        help: Option<String>,
    ) -> Self {
        ConfigError {
            path: path.to_path_buf(),
            message,
            source_code: NamedSource::new(path.display().to_string(), text.to_owned()),
            span: span.map(Into::into),
            help,
        }
    }
}
