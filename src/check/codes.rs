//! The one table of diagnostic codes: name, kind and default level, summary and
//! long explanation. `procflow explain`, `docs/checks.md`, SARIF rule metadata and
//! the lint-level machinery all read it; nothing else lists codes.

use std::fmt;

/// How severe a lint is by default, or as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported as a warning.
    Warn,
    /// Reported as an error.
    Deny,
}

impl Level {
    /// The word used in `procflow.toml` and the docs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// Parses `allow`, `warn` or `deny`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// Whether a code is an error (always fails) or a lint with a default level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Always an error; cannot be silenced.
    Error,
    /// A lint, with its default level.
    Lint(Level),
}

/// A diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)]
pub enum Code {
    Syntax,
    DuplicateDefinition,
    DuplicateAttribute,
    UnknownReference,
    WrongKind,
    MissingOwner,
    MissingTool,
    DependencyCycle,
    ConditionBeforeDecision,
    EmptyBlock,
    InvalidValue,
    Import,
    UncoveredStep,
    UnproducedInput,
    OffProcessStep,
    OutOfOrder,
    HandoffWithoutDeadline,
    MissingOutcome,
    UnimplementedProcess,
    UnusedRole,
    UnusedTool,
    OwnerOverload,
    RunsEitherWay,
    UnusedInput,
    ImpossibleDeadline,
    TargetExceeded,
}

/// Everything known about one code.
#[derive(Debug)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// Its kebab-case name.
    pub name: &'static str,
    /// Error, or lint with default level.
    pub kind: Kind,
    /// One line: when it fires.
    pub summary: &'static str,
    /// The long explanation (Markdown): what it means, why it matters, an example
    /// and the fix.
    pub explanation: &'static str,
}

macro_rules! codes {
    ($( $code:ident $name:literal $kind:expr, $summary:literal; )*) => {
        /// Every code, errors first, in the order of the docs.
        pub const CODES: &[CodeInfo] = &[
            $( CodeInfo {
                code: Code::$code,
                name: $name,
                kind: $kind,
                summary: $summary,
                explanation: include_str!(concat!("explain/", $name, ".md")),
            }, )*
        ];
    };
}

use Kind::{Error, Lint};
use Level::{Allow, Deny, Warn};

codes! {
    Syntax "syntax" Error,
        "the text does not follow the grammar";
    DuplicateDefinition "duplicate-definition" Error,
        "a name is defined twice in its namespace";
    DuplicateAttribute "duplicate-attribute" Error,
        "an attribute is given twice in one block";
    UnknownReference "unknown-reference" Error,
        "a name used in `implements`, `owner`, `tool`, `after`, `needs`... is not defined";
    WrongKind "wrong-kind" Error,
        "a name refers to the wrong kind of thing (`owner zoho_crm`, where `zoho_crm` is a tool)";
    MissingOwner "missing-owner" Error,
        "a workflow step has no `owner`";
    MissingTool "missing-tool" Error,
        "a workflow step has no `tool`";
    DependencyCycle "dependency-cycle" Error,
        "the `after` order of a workflow has a cycle";
    ConditionBeforeDecision "condition-before-decision" Error,
        "a step's `when` depends on a decision that no step before it takes";
    EmptyBlock "empty-block" Error,
        "a process or a workflow has no steps";
    InvalidValue "invalid-value" Error,
        "a value is out of range: a zero duration, an empty or invisible string, a control character, a tool `url` that is not a web or mail address, an unknown lint code";
    Import "import" Error,
        "a `use` file is missing, unreadable, absolute, or part of an import cycle";
    UncoveredStep "uncovered-step" Lint(Deny),
        "a non-optional process step is implemented by no step of a workflow that implements that process";
    UnproducedInput "unproduced-input" Lint(Deny),
        "a step `needs` an artifact that no step before it `produces`";
    OffProcessStep "off-process-step" Lint(Warn),
        "a workflow step implements no process step";
    OutOfOrder "out-of-order" Lint(Warn),
        "a step that implements a later process step comes before a step that implements an earlier one";
    HandoffWithoutDeadline "handoff-without-deadline" Lint(Warn),
        "a manual step takes over from another owner or an automated step and has no `within`";
    MissingOutcome "missing-outcome" Lint(Warn),
        "a process has no `outcome`";
    UnimplementedProcess "unimplemented-process" Lint(Warn),
        "no workflow implements a process";
    UnusedRole "unused-role" Lint(Warn),
        "a role declared in the checked file owns nothing";
    UnusedTool "unused-tool" Lint(Warn),
        "a tool declared in the checked file is used by no step";
    OwnerOverload "owner-overload" Lint(Allow),
        "one role works more hours a week in a workflow than the threshold (when its hours are known), or owns more than 75% of the manual steps of a workflow of six or more steps";
    RunsEitherWay "runs-either-way" Lint(Warn),
        "a step without `when` comes only after conditional steps, so it runs whatever the answers";
    UnusedInput "unused-input" Lint(Warn),
        "a workflow `input` is needed by no step";
    ImpossibleDeadline "impossible-deadline" Lint(Deny),
        "a step's `wait` plus `takes` is longer than its `within`";
    TargetExceeded "target-exceeded" Lint(Warn),
        "a workflow's lead time (longest path of `wait + takes`) is longer than its `target`";
}

impl Code {
    /// The table entry of this code.
    #[must_use]
    pub fn info(self) -> &'static CodeInfo {
        // The table lists the variants in declaration order; a test checks it.
        &CODES[self as usize]
    }

    /// The kebab-case name.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Whether this code is a lint (its level can be changed).
    #[must_use]
    pub fn is_lint(self) -> bool {
        matches!(self.info().kind, Kind::Lint(_))
    }

    /// Looks a code up by name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Code> {
        CODES.iter().find(|c| c.name == name).map(|c| c.code)
    }

    /// Every lint code name, for "did you mean" suggestions.
    pub fn lint_names() -> impl Iterator<Item = &'static str> {
        CODES
            .iter()
            .filter(|c| matches!(c.kind, Kind::Lint(_)))
            .map(|c| c.name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The reference of every code, in Markdown: `docs/checks.md` is this text (a
/// test keeps them equal).
#[must_use]
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Checks\n\n\
         <!-- Generated from the code table in src/check/codes.rs and the pages in\n\
         src/check/explain/. Regenerate with `UPDATE_DOCS=1 cargo test --test docs`. -->\n\n\
         Every diagnostic has a stable code. `procflow explain CODE` prints the page of a\n\
         code below; `procflow explain --list` lists them all.\n\n\
         **Errors** always fail the check, cannot be silenced, and a file with errors\n\
         builds nothing. **Lints** have a default level that `procflow.toml`, the\n\
         `-W`/`-A`/`-D` flags and `allow` inside a block can change:\n\n\
         1. the lint's default (below);\n\
         2. the nearest `procflow.toml` from the checked file's folder upwards\n   (`[lints]` table: `unused-tool = \"allow\"`);\n\
         3. `-W CODE`, `-A CODE`, `-D CODE` on the command line, the last one winning;\n   `-D warnings` turns every warning into an error;\n\
         4. `allow CODE` written in a block, for that block and the blocks inside it.\n\n\
         Lints are reported only about the checked file's own declarations, not about\n\
         the files it `use`s (check those files themselves). A file with syntax errors\n\
         reports only its syntax errors.\n\n\
         ## Errors\n\n| code | fires when |\n| --- | --- |\n",
    );
    for c in CODES.iter().filter(|c| c.kind == Kind::Error) {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} |\n",
            c.name, c.name, c.summary
        ));
    }
    out.push_str("\n## Lints\n\n| code | default | fires when |\n| --- | --- | --- |\n");
    for c in CODES {
        if let Kind::Lint(level) = c.kind {
            out.push_str(&format!(
                "| [`{}`](#{}) | {} | {} |\n",
                c.name,
                c.name,
                level.as_str(),
                c.summary
            ));
        }
    }
    for c in CODES {
        let kind = match c.kind {
            Kind::Error => "Error.".to_owned(),
            Kind::Lint(level) => format!("Lint, `{}` by default.", level.as_str()),
        };
        out.push_str(&format!(
            "\n## {}\n\n{kind} Fires when {}.\n\n",
            c.name, c.summary
        ));
        // The pages use `##` headings; nest them under the code's heading.
        // (Each page's example fires its code on purpose, so it is tagged
        // `flow ignore`, which `procflow check docs/` skips.)
        for line in c.explanation.lines() {
            if let Some(rest) = line.strip_prefix("## ") {
                out.push_str("### ");
                out.push_str(rest);
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_variant_order() {
        for (i, info) in CODES.iter().enumerate() {
            assert_eq!(info.code as usize, i, "{} is out of order", info.name);
        }
        assert_eq!(CODES.len(), 26);
    }
}
