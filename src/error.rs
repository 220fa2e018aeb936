//! Errors that stop a command from running (exit status 2): an unreadable
//! path, a bad `procflow.toml`, a bad flag value. They are rendered by miette;
//! diagnostics about `.flow` files are a different thing (see `diagnostic`).
//!
//! They carry no miette `code`: a label such as `procflow::usage` means
//! nothing to a user, and the message says what went wrong.

use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};

/// A command could not run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// A path given on the command line cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    #[diagnostic(help("check the path and its permissions"))]
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
    #[diagnostic()]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },
    /// An SOP template (`build --template FILE`) cannot be read, parsed or
    /// rendered. Nothing was written.
    #[error("the SOP template failed: {0}")]
    #[diagnostic(help(
        "the template's context (every field) and filters are in docs/outputs/sop.md"
    ))]
    Template(#[from] crate::backend::sop::TemplateError),
    /// An output (a built file, a formatted file) cannot be written. Nothing
    /// was replaced.
    #[error("cannot {action} `{}`: {reason}", path.display())]
    #[diagnostic()]
    Output {
        /// What could not be done.
        action: OutputAction,
        /// The path, as given on the command line (or in the output folder).
        path: PathBuf,
        /// Why, in words (the system's message).
        reason: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },
}

/// What could not be done to an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputAction {
    /// Write it (or its temporary file beside it).
    Write,
    /// Create the output folder.
    CreateFolder,
    /// Rename its temporary file over it.
    Rename,
}

impl std::fmt::Display for OutputAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OutputAction::Write => "write",
            OutputAction::CreateFolder => "create the folder",
            OutputAction::Rename => "rename the new file into place at",
        })
    }
}

/// A bad `procflow.toml`, pointing into it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid {}: {message}", path.display())]
#[diagnostic()]
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
