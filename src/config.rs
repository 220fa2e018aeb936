//! `procflow.toml`: the nearest one from a checked file's folder upwards.
//!
//! ```toml
//! [lints]
//! owner-overload = "warn"
//! unused-tool = "allow"
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::check::codes::Level;
use crate::check::levels::{LevelSetting, Levels};
use crate::error::{ConfigError, Error};

/// The name of the configuration file.
pub const CONFIG_FILE: &str = "procflow.toml";

/// A parsed `procflow.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where it was found.
    pub path: PathBuf,
    /// Its `[lints]` settings.
    pub lints: Vec<LevelSetting>,
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
        let doc: toml::de::DeTable<'_> = toml::de::DeTable::parse(text)
            .map_err(|e| fail(e.message().to_owned(), e.span(), None))?
            .into_inner();
        for (key, value) in &doc {
            if key.get_ref() != "lints" {
                return Err(fail(
                    format!("unknown section `{}`", key.get_ref()),
                    Some(key.span()),
                    Some("procflow.toml has one section, `[lints]`".to_owned()),
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
        })
    }
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
