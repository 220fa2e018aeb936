//! The rich terminal format, through codespan-reporting: source excerpts with
//! labels, then the help.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::Buffer;
use codespan_reporting::term::{self, Config};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap};

/// Options of the human format.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Use ANSI colours.
    pub color: bool,
}

struct Db<'a>(&'a SourceMap);

impl<'a> Files<'a> for Db<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.0.get(id).line_index(byte_index))
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        let file = self.0.get(id);
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })? as usize;
        let end = starts
            .get(line_index + 1)
            .map_or(file.text.len(), |&e| e as usize);
        Ok(start..end)
    }
}

/// Renders diagnostics with source excerpts.
#[must_use]
pub fn human(sources: &SourceMap, diagnostics: &[Diagnostic], options: HumanOptions) -> String {
    let mut buffer = if options.color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    let db = Db(sources);
    for d in diagnostics {
        let severity = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let labels = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let label = if i == 0 {
                    CsLabel::primary(l.span.file, l.span.range())
                } else {
                    CsLabel::secondary(l.span.file, l.span.range())
                };
                label.with_message(l.message.clone())
            })
            .collect();
        let mut cs = CsDiagnostic::new(severity)
            .with_code(d.code.name())
            .with_message(&d.message)
            .with_labels(labels);
        if let Some(help) = &d.help {
            cs = cs.with_notes(vec![format!("help: {help}")]);
        }
        // Rendering into memory fails only on spans outside their file, which
        // the compiler never makes; skip such a diagnostic rather than panic.
        let _ = term::emit_to_write_style(&mut buffer, &config, &db, &cs);
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}
