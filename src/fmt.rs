//! The canonical formatter (being written: this placeholder returns the text
//! unchanged).

use crate::diagnostic::Diagnostic;

/// Formatting options.
#[derive(Debug, Clone)]
pub struct FormatOptions {
    /// Spaces per indentation level.
    pub indent: usize,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions { indent: 2 }
    }
}

/// Formats Flow source text; the syntax errors if it does not parse.
///
/// # Errors
/// When the text has syntax errors.
pub fn format_source(text: &str, options: &FormatOptions) -> Result<String, Vec<Diagnostic>> {
    let _ = options;
    Ok(text.to_owned())
}
