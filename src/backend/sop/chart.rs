//! The flowchart inside the SOP: [`crate::backend::mermaid::render`]'s chart
//! with its long lines broken so that the code block passes markdownlint's
//! MD013 (Mermaid text, not Markdown: comrak writes code as it is). A line
//! is broken at spaces inside quoted labels (Mermaid reads a line break
//! there as part of the label, and draws it as one), and a long
//! `class a,b,… name` statement becomes several. Lines without a usable
//! space are kept; a test reads the result with Mermaid's parser.

use super::WIDTH;
use super::lint::width;

/// The chart of the workflow, its lines at most 80 columns where possible.
pub(crate) fn wrapped(chart: &str) -> String {
    let mut all = String::with_capacity(chart.len() + 64);
    for (k, line) in chart.trim_end_matches('\n').split('\n').enumerate() {
        if k > 0 {
            all.push('\n');
        }
        if width(line) > WIDTH {
            all.push_str(&wrap_chart_line(line));
        } else {
            all.push_str(line);
        }
    }
    all
}

/// [`wrap_chart_into`] of one line longer than 80 columns.
fn wrap_chart_line(line: &str) -> String {
    if let Some(lines) = split_class_statement(line) {
        return lines;
    }
    // Byte offsets of the spaces inside quoted strings, but for those after
    // whitespace: a line broken at the first space of a run keeps the others
    // at the start of the next line, and no line ends with whitespace.
    let mut quoted = false;
    let mut spaces = Vec::new();
    let mut after_space = false;
    for (k, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ' ' if quoted && !after_space => spaces.push(k),
            _ => {}
        }
        after_space = c.is_whitespace();
    }
    let mut out = String::new();
    let mut start = 0;
    let mut last_fit: Option<usize> = None;
    for (n, &k) in spaces.iter().enumerate() {
        // Does the piece up to the next space (or the end) still fit?
        let end = spaces.get(n + 1).copied().unwrap_or(line.len());
        if width(&line[start..k]) <= WIDTH {
            last_fit = Some(k);
        }
        if width(&line[start..end]) > WIDTH {
            // No break fits: the label's word is longer than a line, and
            // stands on a line of its own.
            let b = last_fit.take().unwrap_or(k);
            out.push_str(&line[start..b]);
            out.push('\n');
            start = b + 1;
        }
    }
    out.push_str(&line[start..]);
    out
}

/// `  class a,b,c name` as several `class` statements of at most 80 columns
/// (each assigns the class to its nodes, so together they do the same).
fn split_class_statement(line: &str) -> Option<String> {
    let indent = &line[..line.len() - line.trim_start().len()];
    let rest = line.trim_start().strip_prefix("class ")?;
    let (ids, name) = rest.split_once(' ')?;
    if name.contains(' ') || ids.is_empty() {
        return None;
    }
    // Each statement: "{indent}class {id},{id}… {name}"; an id starts a new
    // one when adding it (and its comma) would make the line too wide.
    let fixed = width(indent) + "class ".len() + 1 + width(name);
    let mut lines = String::with_capacity(line.len() + 64);
    let mut ids_width = 0;
    let mut count = 0;
    for id in ids.split(',') {
        let this = width(id);
        if count > 0 && fixed + ids_width + 1 + this > WIDTH {
            lines.push(' ');
            lines.push_str(name);
            lines.push('\n');
            count = 0;
        }
        if count == 0 {
            lines.push_str(indent);
            lines.push_str("class ");
            ids_width = this;
        } else {
            lines.push(',');
            ids_width += 1 + this;
        }
        lines.push_str(id);
        count += 1;
    }
    lines.push(' ');
    lines.push_str(name);
    Some(lines)
}
