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

/// Whether a fix may be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The fix keeps the meaning the file obviously intended (a "did you
    /// mean" with a single candidate): `procflow check --fix` applies it.
    Safe,
    /// The fix is a guess among several (editors offer it; `--fix` does not
    /// apply it).
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One text replacement of a fix.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    /// The text replaced (empty for an insertion).
    pub span: Span,
    /// What goes in its place.
    pub replacement: String,
}

/// A structured fix: edits that, applied together, resolve a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    /// What the fix does, for people ("Replace with `tool`").
    pub message: String,
    /// Whether it may be applied unattended.
    pub applicability: Applicability,
    /// The edits, in file order, not overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// Replaces the text at `span` with `word`: safe when `only` (the word is
    /// the single candidate of a "did you mean").
    #[must_use]
    pub fn replace(span: Span, word: impl Into<String>, only: bool) -> Fix {
        let word = word.into();
        Fix {
            message: format!("Replace with `{word}`"),
            applicability: if only {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            },
            edits: vec![Edit {
                span,
                replacement: word,
            }],
        }
    }
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
    /// The fix as edits, when the compiler knows one (see [`Fix`]).
    pub fix: Option<Fix>,
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
            fix: None,
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

    /// Sets the structured fix.
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// A "did you mean `word`?" at the diagnostic's span: the help text and
    /// the fix that replaces the span with `word` (safe when `only`).
    #[must_use]
    pub fn with_suggestion(self, word: &str, only: bool) -> Self {
        let span = self.span;
        self.with_help(format!("did you mean `{word}`?"))
            .with_fix(Fix::replace(span, word, only))
    }

    /// The order diagnostics are reported in: by file, then position, then code.
    #[must_use]
    pub fn sort_key(&self) -> (Span, Code, &str) {
        (self.span, self.code, &self.message)
    }
}
