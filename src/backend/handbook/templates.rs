//! The handbook's templates and assets: built in (the files of
//! `templates/handbook/`, embedded), each replaceable by a file of the same
//! name in a folder of the user's (`--templates DIR`).

/// The page templates (minijinja), by file name.
pub const PAGES: [&str; 6] = [
    "base.html",
    "index.html",
    "workflow.html",
    "role.html",
    "tool.html",
    "process.html",
];

/// The files copied into the site as they are.
pub const ASSETS: [&str; 3] = ["style.css", "search.js", "favicon.svg"];

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../../templates/handbook/", $name)))),*]
    };
}

/// Every built-in file, by name.
const BUILTIN: [(&str, &str); 9] = builtin!(
    "base.html",
    "index.html",
    "workflow.html",
    "role.html",
    "tool.html",
    "process.html",
    "style.css",
    "search.js",
    "favicon.svg",
);

/// The templates and assets a build uses.
#[derive(Debug, Clone)]
pub struct Templates {
    files: Vec<(&'static str, String)>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            files: BUILTIN
                .iter()
                .map(|&(name, text)| (name, text.to_owned()))
                .collect(),
        }
    }
}

impl Templates {
    /// Whether every template is the built-in one.
    #[must_use]
    pub fn are_builtin(&self) -> bool {
        self.files
            .iter()
            .all(|(name, text)| BUILTIN.iter().any(|(n, t)| n == name && t == text))
    }

    /// Every file name a folder of templates may hold.
    pub fn names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(name, _)| *name)
    }

    /// Replaces the file `name` (one of [`Templates::names`]); `false` for
    /// any other name.
    pub fn set(&mut self, name: &str, text: String) -> bool {
        match self.files.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => {
                slot.1 = text;
                true
            }
            None => false,
        }
    }

    /// The text of file `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> &str {
        self.files
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, text)| text.as_str())
    }
}
