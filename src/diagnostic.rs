//! Diagnostics: one plain struct for every message about a `.flow` file. The
//! renderers in `render/` turn them into text for people and machines.

use crate::check::codes::Code;
use crate::source::Span;

/// How a diagnostic is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the check.
    Error,
    /// Reported; does not fail the check.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place and what to say about it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it (may be empty).
    pub message: String,
}

/// One finding about a `.flow` file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Error or warning, after lint levels are applied.
    pub severity: Severity,
    /// The message, naming the thing concerned.
    pub message: String,
    /// Where it points (see the table in `cli.md`).
    pub span: Span,
    /// The primary label (at `span`) first, then secondary ones.
    pub labels: Vec<Label>,
    /// How to fix it, when there is a likely fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new diagnostic with an error severity (lint levels adjust it later)
    /// and a primary label.
    #[must_use]
    pub fn new(
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            labels: vec![Label {
                span,
                message: label.into(),
            }],
            help: None,
        }
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the help text when there is one.
    #[must_use]
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// The order diagnostics are reported in: by file, then position, then code.
    #[must_use]
    pub fn sort_key(&self) -> (Span, Code, &str) {
        (self.span, self.code, &self.message)
    }
}
