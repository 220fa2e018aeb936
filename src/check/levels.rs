//! Lint levels: the default, then the nearest `procflow.toml`, then
//! command-line flags (the last one winning), then `allow` inside blocks.

use std::collections::BTreeMap;

use crate::check::codes::{CODES, Code, Kind, Level};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;

/// One level setting, as given on the command line or in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelSetting {
    /// A lint code name, or `warnings` (only with [`Level::Deny`]: every warning
    /// becomes an error).
    pub code: String,
    /// The level.
    pub level: Level,
}

/// The level of every lint, after defaults, config and flags, and the
/// `owner-overload` threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    #[allow(clippy::struct_field_names)] // the map the type is named for
    levels: BTreeMap<Code, Level>,
    deny_warnings: bool,
    hours_threshold: f64,
}

impl Default for Levels {
    fn default() -> Self {
        let levels = CODES
            .iter()
            .filter_map(|c| match c.kind {
                Kind::Lint(level) => Some((c.code, level)),
                Kind::Error => None,
            })
            .collect();
        Levels {
            levels,
            deny_warnings: false,
            hours_threshold: crate::audit::DEFAULT_OVERLOAD_HOURS,
        }
    }
}

/// A level setting that names no lint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LevelError {
    /// What is wrong, naming the code.
    pub message: String,
    /// A suggestion.
    pub help: Option<String>,
}

impl Levels {
    /// Applies settings in order (later ones win).
    ///
    /// # Errors
    /// When a setting names an unknown code or an error code.
    pub fn set(&mut self, setting: &LevelSetting) -> Result<(), LevelError> {
        if setting.code == "warnings" {
            return if setting.level == Level::Deny {
                self.deny_warnings = true;
                Ok(())
            } else {
                Err(LevelError {
                    message: "`warnings` can only be denied".to_owned(),
                    help: Some("use `-D warnings` to turn every warning into an error".to_owned()),
                })
            };
        }
        match Code::from_name(&setting.code) {
            Some(code) if code.is_lint() => {
                self.levels.insert(code, setting.level);
                Ok(())
            }
            Some(code) => Err(LevelError {
                message: format!("`{code}` is an error, not a lint: its level cannot be changed"),
                help: Some(format!(
                    "fix the `{code}` errors instead; `procflow explain {code}` shows how"
                )),
            }),
            None => Err(LevelError {
                message: format!("unknown lint `{}`", setting.code),
                help: Some(
                    crate::suggest::did_you_mean(&setting.code, Code::lint_names()).map_or_else(
                        || {
                            format!(
                                "the lints are: {}",
                                Code::lint_names().collect::<Vec<_>>().join(", ")
                            )
                        },
                        |c| format!("did you mean `{c}`?"),
                    ),
                ),
            }),
        }
    }

    /// The hours per week above which `owner-overload` finds a role
    /// overloaded, where a workflow's hours are known.
    #[must_use]
    pub fn overload_hours(&self) -> f64 {
        self.hours_threshold
    }

    /// Sets the `owner-overload` threshold (`procflow.toml`'s
    /// `[owner-overload] hours-per-week`).
    pub fn set_overload_hours(&mut self, hours: f64) {
        self.hours_threshold = hours;
    }

    /// The level of a lint (before `allow` in blocks); errors are always `Deny`.
    #[must_use]
    pub fn level(&self, code: Code) -> Level {
        match self.levels.get(&code) {
            Some(Level::Warn) if self.deny_warnings => Level::Deny,
            Some(&level) => level,
            None => Level::Deny,
        }
    }

    /// Sets each lint diagnostic's severity from its level and drops the
    /// allowed ones (by level or by an `allow` in an enclosing block).
    #[must_use]
    pub fn apply(&self, model: &Model, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diags
            .into_iter()
            .filter_map(|mut d| {
                if !d.code.is_lint() {
                    d.severity = Severity::Error;
                    return Some(d);
                }
                if model.is_allowed(d.code, d.span) {
                    return None;
                }
                d.severity = match self.level(d.code) {
                    Level::Allow => return None,
                    Level::Warn => Severity::Warning,
                    Level::Deny => Severity::Error,
                };
                Some(d)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(code: &str, level: Level) -> LevelSetting {
        LevelSetting {
            code: code.to_owned(),
            level,
        }
    }

    #[test]
    fn later_settings_win_and_deny_warnings_promotes() {
        let mut levels = Levels::default();
        assert_eq!(levels.level(Code::OwnerOverload), Level::Allow);
        levels.set(&setting("owner-overload", Level::Warn)).unwrap();
        levels.set(&setting("unused-tool", Level::Allow)).unwrap();
        assert_eq!(levels.level(Code::OwnerOverload), Level::Warn);
        levels.set(&setting("warnings", Level::Deny)).unwrap();
        assert_eq!(levels.level(Code::OwnerOverload), Level::Deny);
        assert_eq!(levels.level(Code::UnusedTool), Level::Allow);
        assert!(levels.set(&setting("syntax", Level::Allow)).is_err());
        assert!(
            levels
                .set(&setting("unused-tol", Level::Allow))
                .unwrap_err()
                .help
                .unwrap()
                .contains("unused-tool")
        );
    }
}
