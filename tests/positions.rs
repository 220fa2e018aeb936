//! Positions in the outputs: lines and columns count from 1, columns count
//! characters (Unicode scalar values), `end_column` is exclusive; CRLF files
//! and files starting with a byte-order mark report the positions an editor
//! shows; the human format puts its carets under the right characters.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// A role title with an emoji on line 1, then a second role whose name comes
/// after the emoji (it owns nothing: `unused-role` points at `r2`); a step
/// whose title holds non-ASCII text, with an unknown owner after it on the same
/// line.
const EMOJI: &str = "\
role r \"Ré😀sumé\" { who \"x\" } role r2 \"😀 ☕\"
tool t \"T\"
process p \"P\" {
  outcome \"o\"
  step a \"A\"
}
workflow w \"W\" implements p {
  owner r
  step s \"Café ☕\" { implements a owner nobody tool t }
}
";

/// The same shape with only single-width non-ASCII characters (`é`), for
/// checking that the human format's carets line up.
const ACCENTS: &str = "\
role r \"Rééé\" { who \"x\" } role r2 \"é é\"
tool t \"T\"
process p \"P\" {
  outcome \"o\"
  step a \"A\"
}
workflow w \"W\" implements p {
  owner r
  step s \"Café é\" { implements a owner nobody tool t }
}
";

/// A syntax error after non-ASCII text on its line.
const SYNTAX: &str = "role r \"Ré😀sumé\" { who x }\n";

fn cli(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Writes `bytes` to `DIR/f.flow` and runs `procflow check f.flow --format
/// FORMAT` in DIR; returns standard output.
fn check(bytes: &[u8], format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.flow"), bytes).unwrap();
    let output = cli(dir.path())
        .args(["check", "f.flow", "--no-config", "--color", "never"])
        .args(["--format", format])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{:?}: {stderr}",
        output.status
    );
    String::from_utf8(output.stdout).unwrap()
}

fn json(bytes: &[u8]) -> Vec<Value> {
    let out = check(bytes, "json");
    let value: Value = serde_json::from_str(&out).unwrap();
    value["diagnostics"].as_array().unwrap().clone()
}

/// `(line, column, end_line, end_column)`.
type Place = (u64, u64, u64, u64);

/// The `Place` of a JSON diagnostic or label.
fn place(v: &Value) -> Place {
    (
        v["line"].as_u64().unwrap(),
        v["column"].as_u64().unwrap(),
        v["end_line"].as_u64().unwrap(),
        v["end_column"].as_u64().unwrap(),
    )
}

/// Every place of every diagnostic: the primary one, then each label's.
fn places(diags: &[Value]) -> Vec<(String, Vec<Place>)> {
    diags
        .iter()
        .map(|d| {
            let mut all = vec![place(d)];
            all.extend(d["labels"].as_array().unwrap().iter().map(place));
            (d["code"].as_str().unwrap().to_owned(), all)
        })
        .collect()
}

fn find<'a>(diags: &'a [Value], code: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no `{code}` in {diags:#?}"))
}

/// The 1-based line and character column of the first `needle` on line
/// `line` (1-based) of `text`, counted by hand: what an editor shows.
fn expected(text: &str, line: usize, needle: &str) -> (u64, u64) {
    let source_line = text.lines().nth(line - 1).unwrap();
    let at = source_line.find(needle).unwrap();
    let column = source_line[..at].chars().count() + 1;
    (line as u64, column as u64)
}

/// An independent line/column of a byte offset: lines split at `\n`, columns
/// count characters, a leading byte-order mark is not a character of line 1.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_text = &text[line_start..offset];
    let line_text = if line_start == 0 {
        line_text.strip_prefix('\u{feff}').unwrap_or(line_text)
    } else {
        line_text
    };
    (line as u64, line_text.chars().count() as u64 + 1)
}

// ------------------------------------------------------------------ json

#[test]
fn json_columns_count_characters_after_emoji() {
    let diags = json(EMOJI.as_bytes());

    let unknown = find(&diags, "unknown-reference");
    let (line, column) = expected(EMOJI, 9, "nobody");
    assert_eq!((line, column), (9, 40), "the hand count itself");
    assert_eq!(
        place(unknown),
        (line, column, line, column + 6),
        "{unknown:#}"
    );
    // The primary label is at the same place.
    assert_eq!(place(&unknown["labels"][0]), place(unknown));

    let unused = find(&diags, "unused-role");
    assert!(unused["message"].as_str().unwrap().contains("r2"));
    let (line, column) = expected(EMOJI, 1, "r2");
    assert_eq!((line, column), (1, 35), "the hand count itself");
    assert_eq!(
        place(unused),
        (line, column, line, column + 2),
        "{unused:#}"
    );
}

#[test]
fn json_positions_match_an_independent_count_for_every_diagnostic() {
    for text in [EMOJI, ACCENTS, SYNTAX] {
        let report = procflow::check_source("f.flow", text);
        let diags = json(text.as_bytes());
        assert_eq!(diags.len(), report.diagnostics.len(), "{text}");
        for (d, v) in report.diagnostics.iter().zip(&diags) {
            assert_eq!(v["code"], d.code.name());
            let spans = std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span));
            let values = std::iter::once(v).chain(v["labels"].as_array().unwrap());
            for (span, value) in spans.zip(values) {
                let (line, column) = line_col(text, span.start as usize);
                let (end_line, end_column) = line_col(text, span.end as usize);
                assert_eq!(
                    place(value),
                    (line, column, end_line, end_column),
                    "{}: {value:#}",
                    d.message
                );
                // `end_column` is exclusive: the span's characters, counted.
                if line == end_line {
                    let chars = text[span.range()].chars().count() as u64;
                    assert_eq!(end_column - column, chars, "{value:#}");
                }
            }
        }
    }
}

#[test]
fn a_syntax_error_after_emoji_counts_characters() {
    let diags = json(SYNTAX.as_bytes());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["code"], "syntax");
    let (line, column) = expected(SYNTAX, 1, " x }");
    let column = column + 1; // the `x`, after the blank
    assert_eq!((line, column), (1, 24), "the hand count itself");
    assert_eq!(place(d), (line, column, line, column + 1), "{d:#}");
}

// ------------------------------------------------------------------ other formats

/// `FILE:LINE:COL` of each `short` line.
fn short_positions(text: &[u8]) -> Vec<(String, u64, u64)> {
    check(text, "short")
        .lines()
        .map(|l| {
            let mut parts = l.splitn(4, ':');
            let file = parts.next().unwrap().to_owned();
            let line = parts.next().unwrap().parse().unwrap();
            let column = parts.next().unwrap().parse().unwrap();
            (file, line, column)
        })
        .collect()
}

#[test]
fn short_github_and_sarif_use_the_json_columns() {
    for text in [EMOJI, ACCENTS, SYNTAX] {
        let diags = json(text.as_bytes());
        let short = short_positions(text.as_bytes());
        assert_eq!(short.len(), diags.len());
        for (s, d) in short.iter().zip(&diags) {
            assert_eq!(s.0, "f.flow");
            assert_eq!((s.1, s.2), (place(d).0, place(d).1), "{d:#}");
        }

        let github = check(text.as_bytes(), "github");
        let lines: Vec<&str> = github.lines().collect();
        assert_eq!(lines.len(), diags.len());
        for (g, d) in lines.iter().zip(&diags) {
            let (line, column, end_line, end_column) = place(d);
            let want =
                format!("line={line},col={column},endLine={end_line},endColumn={end_column},");
            assert!(g.contains(&want), "{g} lacks {want}");
        }

        let sarif: Value = serde_json::from_str(&check(text.as_bytes(), "sarif")).unwrap();
        let run = &sarif["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), diags.len());
        for (r, d) in results.iter().zip(&diags) {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            let (line, column, end_line, end_column) = place(d);
            assert_eq!(region["startLine"], line);
            assert_eq!(region["startColumn"], column);
            assert_eq!(region["endLine"], end_line);
            assert_eq!(region["endColumn"], end_column);
        }
    }
}

// ------------------------------------------------------------------ human

/// Display width of the characters in these tests (what codespan uses to
/// place carets): emoji and `☕` take two terminal columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '😀' | '☕' => 2,
            '\u{feff}' => 0,
            _ => 1,
        })
        .sum()
}

/// In `human` output, the source excerpt line that shows `source_line`, and
/// the caret line under it: (prefix before the source text, caret line).
fn excerpt<'a>(human: &'a str, source_line: &str) -> (&'a str, &'a str) {
    let lines: Vec<&str> = human.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.ends_with(source_line) && l.contains('│'))
        .unwrap_or_else(|| panic!("no excerpt of {source_line:?} in:\n{human}"));
    let shown = lines[i];
    let prefix = &shown[..shown.len() - source_line.len()];
    (prefix, lines[i + 1])
}

/// Asserts the carets under `source_line` start under `name` and are as wide
/// as it, in terminal columns.
fn assert_carets_under(human: &str, source_line: &str, name: &str) {
    let (prefix, carets) = excerpt(human, source_line);
    let at = source_line.find(name).unwrap();
    let want = width(prefix) + width(&source_line[..at]);
    let got = carets
        .find('^')
        .unwrap_or_else(|| panic!("no carets under {source_line:?}:\n{human}"));
    let got_columns = width(&carets[..got]);
    assert_eq!(
        got_columns, want,
        "the carets are not under `{name}`:\n{prefix}{source_line}\n{carets}\n\nin:\n{human}"
    );
    let run = carets[got..].chars().take_while(|&c| c == '^').count();
    assert_eq!(run, width(name), "caret run for `{name}`:\n{carets}");
}

#[test]
fn human_carets_sit_under_the_name_after_accents() {
    let human = check(ACCENTS.as_bytes(), "human");
    assert!(human.contains("error[unknown-reference]"), "{human}");
    let step_line = ACCENTS.lines().nth(8).unwrap();
    assert_carets_under(&human, step_line, "nobody");
    let role_line = ACCENTS.lines().next().unwrap();
    assert_carets_under(&human, role_line, "r2");

    // The location header says the same column as the JSON.
    let diags = json(ACCENTS.as_bytes());
    for d in &diags {
        let (line, column, _, _) = place(d);
        let header = format!("f.flow:{line}:{column}");
        assert!(human.contains(&header), "no `{header}` in:\n{human}");
    }
}

#[test]
fn human_output_with_emoji_does_not_panic_and_aligns_by_display_width() {
    let human = check(EMOJI.as_bytes(), "human");
    assert!(human.contains("error[unknown-reference]"), "{human}");
    assert!(human.contains("warning[unused-role]"), "{human}");
    let diags = json(EMOJI.as_bytes());
    for d in &diags {
        let (line, column, _, _) = place(d);
        let header = format!("f.flow:{line}:{column}");
        assert!(human.contains(&header), "no `{header}` in:\n{human}");
    }
    // Terminals draw emoji two columns wide, and so does codespan.
    assert_carets_under(&human, EMOJI.lines().nth(8).unwrap(), "nobody");
    assert_carets_under(&human, EMOJI.lines().next().unwrap(), "r2");

    let human = check(SYNTAX.as_bytes(), "human");
    assert!(human.contains("error[syntax]"), "{human}");
    assert!(human.contains("f.flow:1:24"), "{human}");
}

// ------------------------------------------------------------------ CRLF and BOM

#[test]
fn crlf_positions_are_those_of_lf() {
    for text in [EMOJI, ACCENTS, SYNTAX] {
        let crlf = text.replace('\n', "\r\n");
        let lf_diags = json(text.as_bytes());
        let crlf_diags = json(crlf.as_bytes());
        assert_eq!(places(&crlf_diags), places(&lf_diags));
        let messages =
            |d: &[Value]| -> Vec<String> { d.iter().map(|v| v["message"].to_string()).collect() };
        assert_eq!(messages(&crlf_diags), messages(&lf_diags));
        assert_eq!(
            short_positions(crlf.as_bytes()),
            short_positions(text.as_bytes())
        );
    }
    // The human format shows the lines without their `\r`, carets in place.
    let crlf = ACCENTS.replace('\n', "\r\n");
    let human = check(crlf.as_bytes(), "human");
    assert!(!human.contains('\r'), "{human:?}");
    assert_carets_under(&human, ACCENTS.lines().nth(8).unwrap(), "nobody");
}

/// A leading byte-order mark is ignored (the language reference): editors do
/// not show it, so the first visible character of line 1 is column 1 and
/// every position is the one of the same file without the mark.
#[test]
fn bom_positions_are_those_without_the_bom() {
    for text in [EMOJI, ACCENTS, SYNTAX] {
        let with_bom = format!("\u{feff}{text}");
        let plain = json(text.as_bytes());
        let bom = json(with_bom.as_bytes());
        assert_eq!(
            places(&bom),
            places(&plain),
            "with a BOM, line-1 columns are off by one:\n{bom:#?}"
        );
        assert_eq!(
            short_positions(with_bom.as_bytes()),
            short_positions(text.as_bytes())
        );
    }
    // And in the human format: no panic, same header positions.
    let with_bom = format!("\u{feff}{ACCENTS}");
    let human = check(with_bom.as_bytes(), "human");
    for d in &json(ACCENTS.as_bytes()) {
        let (line, column, _, _) = place(d);
        let header = format!("f.flow:{line}:{column}");
        assert!(human.contains(&header), "no `{header}` in:\n{human}");
    }
}

#[test]
fn bom_and_crlf_together() {
    let text = format!("\u{feff}{}", EMOJI.replace('\n', "\r\n"));
    assert_eq!(
        places(&json(text.as_bytes())),
        places(&json(EMOJI.as_bytes()))
    );
}

/// The first character of a file, on line 1, is column 1 (with or without a
/// byte-order mark before it).
#[test]
fn an_error_at_the_very_start_is_line_1_column_1() {
    for text in ["x\n", "\u{feff}x\n", "\r\nx\n"] {
        let diags = json(text.as_bytes());
        assert_eq!(diags.len(), 1, "{text:?}: {diags:#?}");
        let want_line = if text.starts_with('\r') { 2 } else { 1 };
        assert_eq!(place(&diags[0]), (want_line, 1, want_line, 2), "{text:?}");
    }
}

// ------------------------------------------------------------------ any text

/// Pieces of Flow-looking text with multi-byte characters and both line
/// endings (no byte-order mark: see `bom_positions_are_those_without_the_bom`).
const PIECES: &[&str] = &[
    "role",
    "tool",
    "process",
    "workflow",
    "step",
    "implements",
    "owner",
    "after",
    "within",
    "automated",
    "a",
    "b",
    "p",
    "w",
    "s",
    "{",
    "}",
    "\"",
    "\"é\"",
    "\"😀 ☕\"",
    ",",
    "# café\n",
    "2d",
    " ",
    " ",
    "\n",
    "\r\n",
    "\t",
    "é",
    "😀",
    "☕",
    "\"\"\"\n  é\n  \"\"\"",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// `render::range` agrees with an independent count for every span of every
    /// diagnostic, whatever the text.
    #[test]
    fn ranges_agree_with_an_independent_count(
        parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..200)
    ) {
        let text = parts.concat();
        let report = procflow::check_source("f.flow", &text);
        for d in &report.diagnostics {
            for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
                let file = report.workspace.sources.get(span.file);
                if file.name != "f.flow" {
                    continue;
                }
                let r = procflow::render::range(&report.workspace.sources, span);
                let (line, column) = line_col(&text, span.start as usize);
                let (end_line, end_column) = line_col(&text, span.end as usize);
                proptest::prop_assert_eq!(
                    (r.line as u64, r.column as u64, r.end_line as u64, r.end_column as u64),
                    (line, column, end_line, end_column),
                    "{}: {}", d.code, d.message
                );
            }
        }
    }
}
