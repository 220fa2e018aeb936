//! `procflow.toml`: the nearest one from a checked file's folder upwards.
//!
//! ```toml
//! [lints]
//! owner-overload = "warn"
//! unused-tool = "allow"
//!
//! [owner-overload]
//! hours-per-week = 40
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::check::codes::Level;
use crate::check::levels::{LevelSetting, Levels};
use crate::error::{ConfigError, Error};

/// The name of the configuration file.
pub const CONFIG_FILE: &str = "procflow.toml";

/// A parsed `procflow.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where it was found.
    pub path: PathBuf,
    /// Its `[lints]` settings.
    pub lints: Vec<LevelSetting>,
    /// `[owner-overload] hours-per-week`: the hours per week above which a
    /// role is overloaded (`owner-overload`, `procflow audit`).
    pub overload_hours: Option<f64>,
}

impl Config {
    /// Parses the text of a `procflow.toml`; `path` names it in errors.
    ///
    /// # Errors
    /// When the text is not TOML, has unknown keys, or names an unknown lint
    /// or level.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
        let fail = |message: String, span: Option<std::ops::Range<usize>>, help: Option<String>| {
            Error::Config(Box::new(ConfigError::new(path, text, message, span, help)))
        };
        let mut lints = Vec::new();
        let mut overload_hours = None;
        let doc: toml::de::DeTable<'_> = toml::de::DeTable::parse(text)
            .map_err(|e| fail(e.message().to_owned(), e.span(), None))?
            .into_inner();
        for (key, value) in &doc {
            if key.get_ref() == "owner-overload" {
                overload_hours = Some(parse_overload(value, &fail)?);
                continue;
            }
            if key.get_ref() != "lints" {
                return Err(fail(
                    format!("unknown section `{}`", key.get_ref()),
                    Some(key.span()),
                    Some(
                        "procflow.toml has two sections, `[lints]` and `[owner-overload]`"
                            .to_owned(),
                    ),
                ));
            }
            let toml::de::DeValue::Table(entries) = value.get_ref() else {
                return Err(fail(
                    "`lints` must be a table".to_owned(),
                    Some(value.span()),
                    Some("write `[lints]` and one `CODE = \"LEVEL\"` per line".to_owned()),
                ));
            };
            for (code, level) in entries {
                let toml::de::DeValue::String(word) = level.get_ref() else {
                    return Err(fail(
                        format!("the level of `{}` must be a string", code.get_ref()),
                        Some(level.span()),
                        Some("write \"allow\", \"warn\" or \"deny\"".to_owned()),
                    ));
                };
                let Some(level_value) = Level::parse(word) else {
                    return Err(fail(
                        format!("unknown level `{word}`"),
                        Some(level.span()),
                        Some("write \"allow\", \"warn\" or \"deny\"".to_owned()),
                    ));
                };
                let setting = LevelSetting {
                    code: code.get_ref().to_string(),
                    level: level_value,
                };
                if let Err(e) = Levels::default().set(&setting) {
                    return Err(fail(e.message, Some(code.span()), e.help));
                }
                lints.push(setting);
            }
        }
        Ok(Config {
            path: path.to_path_buf(),
            lints,
            overload_hours,
        })
    }
}

/// `[owner-overload]`: one key, `hours-per-week`, a positive number.
fn parse_overload(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    fail: &impl Fn(String, Option<std::ops::Range<usize>>, Option<String>) -> Error,
) -> Result<f64, Error> {
    let help = || Some("write `[owner-overload]` and `hours-per-week = 40`".to_owned());
    let toml::de::DeValue::Table(entries) = value.get_ref() else {
        return Err(fail(
            "`owner-overload` must be a table".to_owned(),
            Some(value.span()),
            help(),
        ));
    };
    let mut hours = None;
    for (key, v) in entries {
        if key.get_ref() != "hours-per-week" {
            return Err(fail(
                format!("unknown key `{}` in `[owner-overload]`", key.get_ref()),
                Some(key.span()),
                Some("its one key is `hours-per-week`".to_owned()),
            ));
        }
        let number = match v.get_ref() {
            toml::de::DeValue::Integer(i) => i.as_str().parse::<f64>().ok(),
            toml::de::DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            _ => None,
        };
        match number {
            Some(n) if n.is_finite() && n > 0.0 => hours = Some(n),
            _ => {
                return Err(fail(
                    "`hours-per-week` must be a positive number".to_owned(),
                    Some(v.span()),
                    Some("for example `hours-per-week = 40`".to_owned()),
                ));
            }
        }
    }
    hours.ok_or_else(|| {
        fail(
            "`[owner-overload]` has no `hours-per-week`".to_owned(),
            Some(value.span()),
            help(),
        )
    })
}

/// Finds and caches the nearest `procflow.toml` of each folder.
#[derive(Debug, Default)]
pub struct ConfigFinder {
    cache: HashMap<PathBuf, Option<Config>>,
}

impl ConfigFinder {
    /// The nearest config from `dir` upwards, if any.
    ///
    /// # Errors
    /// When the nearest config cannot be read or parsed.
    pub fn find(&mut self, dir: &Path) -> Result<Option<Config>, Error> {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        if let Some(found) = self.cache.get(&dir) {
            return Ok(found.clone());
        }
        let candidate = dir.join(CONFIG_FILE);
        let found = if candidate.is_file() {
            let text = std::fs::read_to_string(&candidate).map_err(|e| Error::Io {
                path: candidate.clone(),
                source: e,
            })?;
            Some(Config::parse(&candidate, &text)?)
        } else if let Some(parent) = dir.parent() {
            self.find(parent)?
        } else {
            None
        };
        self.cache.insert(dir, found.clone());
        Ok(found)
    }
}

/// The project a root file in `dir` belongs to, which its `use`s may not
/// leave: the folder of the nearest `procflow.toml` from `dir` upwards, else
/// the root of the git work tree holding `dir` (the nearest folder with a
/// `.git`), else `fallback` (the folder procflow was started in, or the
/// language server's workspace folder) when `dir` is inside it, else `dir`
/// itself. The result is canonical (symbolic links resolved) when it exists.
pub fn project_root(dir: &Path, fallback: &Path) -> PathBuf {
    let canonical = |p: &Path| {
        std::fs::canonicalize(p)
            .unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    };
    let dir = canonical(dir);
    if let Some(found) = dir.ancestors().find(|d| d.join(CONFIG_FILE).is_file()) {
        return found.to_path_buf();
    }
    if let Some(found) = dir.ancestors().find(|d| d.join(".git").exists()) {
        return found.to_path_buf();
    }
    let fallback = canonical(fallback);
    if dir.starts_with(&fallback) {
        fallback
    } else {
        dir
    }
}
