//! Applying the safe fixes of a check (`procflow check --fix`): which edits
//! go into which file on disk, and the new text of each file. Writing the
//! files is the binary's (through its staged, atomic output code).
//!
//! A fix is applied whole or not at all: one whose edits overlap an edit
//! already taken is left for a later round. The same fix reported by several
//! compilations (a file used by many roots) is applied once. Offsets are
//! those of the compiled text, which is the file's own text without a
//! byte-order mark; a Markdown file's `flow` blocks are compiled from the
//! Markdown text with everything else blanked, so their offsets are already
//! the Markdown file's.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use crate::diagnostic::{Applicability, Diagnostic};
use crate::source::SourceMap;

/// One replacement in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    /// The byte range of the compiled text replaced.
    pub range: Range<usize>,
    /// The text there when it was checked.
    pub old: String,
    /// What goes in its place.
    pub new: String,
}

/// The safe fixes to make to one file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFixes {
    /// The file.
    pub path: PathBuf,
    /// The length of its compiled text (its text without a byte-order mark).
    pub len: usize,
    /// Every edit, sorted, none overlapping.
    pub edits: Vec<TextEdit>,
    /// How many fixes the edits make.
    pub fixes: usize,
}

/// The safe fixes of `diagnostics`, by file (in path order). Fixes in a file
/// without a path (standard input) are left out.
#[must_use]
pub fn safe_fixes(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Vec<FileFixes> {
    let mut by_path: BTreeMap<PathBuf, FileFixes> = BTreeMap::new();
    for fix in diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
        if fix.applicability != Applicability::Safe || fix.edits.is_empty() {
            continue;
        }
        // Every edit of a fix lies in one file: a fix across files is not
        // applied.
        let file = fix.edits[0].span.file;
        if fix.edits.iter().any(|e| e.span.file != file) {
            continue;
        }
        let source = sources.get(file);
        let Some(path) = &source.path else {
            continue;
        };
        let entry = by_path.entry(path.clone()).or_insert_with(|| FileFixes {
            path: path.clone(),
            len: source.text.len(),
            edits: Vec::new(),
            fixes: 0,
        });
        // The Markdown blocks of one file are compiled apart, each from the
        // file's text with the rest blanked: of equal length, and each
        // edit's text is in its own block's.
        let Some(edits) = fix
            .edits
            .iter()
            .map(|e| {
                Some(TextEdit {
                    range: e.span.range(),
                    old: source.text.get(e.span.range())?.to_owned(),
                    new: e.replacement.clone(),
                })
            })
            .collect::<Option<Vec<TextEdit>>>()
        else {
            continue;
        };
        if source.text.len() != entry.len {
            continue;
        }
        if edits.iter().all(|e| entry.edits.contains(e)) {
            continue; // the same fix, reported again
        }
        let overlaps = |r: &Range<usize>| {
            entry.edits.iter().any(|t| {
                (r.start < t.range.end && t.range.start < r.end) || r.start == t.range.start
            })
        };
        if edits.iter().any(|e| overlaps(&e.range)) {
            continue;
        }
        entry.edits.extend(edits);
        entry.fixes += 1;
    }
    let mut out: Vec<FileFixes> = by_path.into_values().collect();
    for f in &mut out {
        f.edits.sort_by_key(|e| (e.range.start, e.range.end));
    }
    out
}

/// The text of the file on disk, `disk`, with the edits made. `None` when
/// the file is no longer the text that was checked (it changed meanwhile).
#[must_use]
pub fn apply(disk: &str, fixes: &FileFixes) -> Option<String> {
    // The compiled text has no byte-order mark; the file may have one.
    let shift = disk.len().checked_sub(fixes.len)?;
    if shift != 0 && !(shift == 3 && disk.starts_with('\u{feff}')) {
        return None;
    }
    let mut out = String::with_capacity(disk.len());
    let mut at = 0;
    for e in &fixes.edits {
        let (start, end) = (e.range.start + shift, e.range.end + shift);
        if start < at || disk.get(start..end)? != e.old {
            return None;
        }
        out.push_str(disk.get(at..start)?);
        out.push_str(&e.new);
        at = end;
    }
    out.push_str(disk.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::codes::Code;
    use crate::diagnostic::Fix;
    use crate::source::Span;

    fn fixes(text: &str, path: &str, edits: &[(usize, usize, &str, bool)]) -> Vec<FileFixes> {
        let mut sources = SourceMap::new();
        let file = sources.add(path, Some(std::path::Path::new(path)), text.to_owned());
        let diags: Vec<Diagnostic> = edits
            .iter()
            .map(|&(s, e, r, only)| {
                let span = Span::new(file, s, e);
                Diagnostic::new(Code::UnknownReference, span, "x", "y")
                    .with_fix(Fix::replace(span, r, only))
            })
            .collect();
        safe_fixes(&sources, &diags)
    }

    #[test]
    fn applies_safe_fixes_only_once_each() {
        let text = "owner foundr\ntool crn\n";
        let f = fixes(
            text,
            "a.flow",
            &[
                (6, 12, "founder", true),
                (18, 21, "crm", false),
                (6, 12, "founder", true),
            ],
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].fixes, 1);
        assert_eq!(
            apply(text, &f[0]).as_deref(),
            Some("owner founder\ntool crn\n")
        );
        // With a byte-order mark on disk, and not once the file changed.
        assert_eq!(
            apply(&format!("\u{feff}{text}"), &f[0]).as_deref(),
            Some("\u{feff}owner founder\ntool crn\n")
        );
        assert_eq!(apply("owner x\ntool crn\n", &f[0]), None);
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let text = "after abc\n";
        let f = fixes(text, "a.flow", &[(6, 9, "abd", true), (6, 9, "abe", true)]);
        assert_eq!(f[0].fixes, 1);
        assert_eq!(apply(text, &f[0]).as_deref(), Some("after abd\n"));
    }
}
