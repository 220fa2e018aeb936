//! Syntax errors as users see them: what was expected in words, the exact
//! place, a suggestion where one fits, and recovery so one broken item does not
//! hide the errors of the others. No pest rule name may ever appear.
#![allow(clippy::unwrap_used)]

use procflow::render;

fn short(text: &str) -> String {
    let report = procflow::check_source("t.flow", text);
    render::short(&report.workspace.sources, &report.diagnostics)
}

/// Rule names from the grammar: none may leak into a message or help.
const RULE_WORDS: &[&str] = &[
    "_attr",
    "_decl",
    "_body",
    "EOI",
    "ident_char",
    "line_string",
    "block_string",
    "top_keyword",
    "kw_",
    "WHITESPACE",
    "COMMENT",
];

#[test]
fn messages_for_common_mistakes() {
    let cases: &[(&str, &str)] = &[
        (
            "misspelled attribute",
            "process p {\n  step a\n  outcme \"x\"\n}\n",
        ),
        (
            "misspelled step attribute",
            "workflow w implements p {\n  step s {\n    implemnts a\n  }\n}\n",
        ),
        (
            "attribute of another block",
            "role r {\n  url \"https://x\"\n}\n",
        ),
        ("unterminated string", "role r \"Ops\n"),
        (
            "unterminated block string",
            "role r {\n  description \"\"\"\n  never closed\n}\n",
        ),
        ("unknown escape", "role r \"a\\qb\"\n"),
        (
            "duration without unit",
            "workflow w implements p {\n  step s {\n    within 2\n  }\n}\n",
        ),
        (
            "duration with a wrong unit",
            "workflow w implements p {\n  step s {\n    wait 3days\n  }\n}\n",
        ),
        ("text without quotes", "role r {\n  who Maria Lopez\n}\n"),
        (
            "a title without quotes, with a `#`",
            "workflow w implements p {\n  step a Add #1 {\n    owner o\n  }\n}\n",
        ),
        ("keyword as a name", "role owner \"Owner\"\n"),
        (
            "missing implements in a workflow header",
            "workflow w \"W\" {\n}\n",
        ),
        ("missing closing brace", "process p {\n  step a\n"),
        ("misspelled top-level keyword", "proces p {\n}\n"),
        (
            "top-level keyword with a letter more",
            "roles ops \"Operations\"\n",
        ),
        (
            "unknown word where a step goes",
            "workflow w implements p {\n  stepp s {\n  }\n}\n",
        ),
        (
            "keyword of another block with a letter more",
            "role r {\n  urls \"https://x\"\n}\n",
        ),
        ("stray closing brace", "role r \"R\"\n}\n"),
        (
            "comma at the end of a list",
            "workflow w implements p {\n  step s {\n    tool a,\n  }\n}\n",
        ),
        ("name starting with a digit", "role 2nd \"Second\"\n"),
    ];
    let mut out = String::new();
    for (what, text) in cases {
        let got = short(text);
        assert!(got.contains("error[syntax]"), "{what}: {got}");
        for word in RULE_WORDS {
            assert!(
                !got.contains(word),
                "{what}: rule name `{word}` leaks: {got}"
            );
        }
        out.push_str(&format!("# {what}\n{got}\n"));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn suggestions_name_the_nearest_keyword() {
    let report = procflow::check_source(
        "t.flow",
        "workflow w implements p {\n  step s {\n    implemnts a\n  }\n}\n",
    );
    assert_eq!(
        report.diagnostics[0].help.as_deref(),
        Some("did you mean `implements`?")
    );
    let report = procflow::check_source("t.flow", "role r {\n  who \"x\"\n  extrnal\n}\n");
    assert_eq!(
        report.diagnostics[0].help.as_deref(),
        Some("did you mean `external`?")
    );
}

#[test]
fn one_error_per_broken_item_and_the_others_still_reported() {
    let text = "\
role a \"A\" {
  who Maria
}
tool ok \"Fine\"
process p {
  step one {
    bogus
  }
}
workflow w implements p {
  step s {
    owner a
    tool x y
  }
}
role b \"B\" { extrnal }
";
    let got = short(text);
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines.len(), 4, "{got}");
    assert!(lines[0].starts_with("t.flow:2:7: error[syntax]"), "{got}");
    assert!(lines[1].starts_with("t.flow:7:5: error[syntax]"), "{got}");
    assert!(lines[2].starts_with("t.flow:13:12: error[syntax]"), "{got}");
    assert!(lines[3].starts_with("t.flow:16:14: error[syntax]"), "{got}");
}

#[test]
fn an_indented_keyword_inside_a_broken_step_is_not_a_new_item() {
    // The broken step holds an indented `tool` line: recovery must not resume
    // there (it would report a bogus second error), only at column 1.
    let text = "workflow w implements p {\n  step s {\n    owner\n    tool crm\n  }\n}\nrole r \"R\" { who }\n";
    let got = short(text);
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines.len(), 2, "{got}");
    assert!(
        lines[0].starts_with("t.flow:4:5: error[syntax]: `owner` has no value"),
        "{got}"
    );
    assert!(lines[1].starts_with("t.flow:7:18: error[syntax]"), "{got}");
}

#[test]
fn a_missing_brace_in_a_file_written_flat_is_found_by_the_braces() {
    // Without indentation, the step left open is the one the next `step`
    // finds open. (Recovery then resumes at `tool` in column 1, which it
    // takes for a top-level item: a file written flat gets more errors.)
    let text = "workflow w implements p {\nstep a {\nowner x\ntool t\nstep b {\nowner x\n}\n}\n";
    let errors = syntax_errors(text);
    let first = &errors[0].diagnostic;
    assert_eq!(first.message, "step `a`, opened at line 2, is not closed");
    assert_eq!(first.help.as_deref(), Some("add `}` before line 5"));
    assert!(
        errors.iter().all(|e| !e
            .diagnostic
            .help
            .as_deref()
            .unwrap_or("")
            .contains("\"step")),
        "a keyword is never suggested as text to quote"
    );
}

#[test]
fn syntax_errors_hide_the_other_checks_of_the_file() {
    // `missing-owner` would fire, but the file does not parse: only syntax.
    let text = "workflow w implements p {\n  step s { tool t }\n}\nrole r { who }\n";
    let got = short(text);
    assert_eq!(got.lines().count(), 1, "{got}");
}

#[test]
fn bom_and_crlf_are_accepted() {
    let text =
        "\u{feff}role ops \"Operations\"\r\ntool crm \"CRM\" {\r\n  url \"https://x\"\r\n}\r\n";
    assert_eq!(short(text), "");
}

// ------------------------------------------------ fixtures of tests/fixtures/errors

mod common;

use std::path::Path;

use procflow::source::FileId;
use procflow::syntax::{Replacement, parse_with_fixes};
use proptest::prelude::*;

/// What users see for a file: the short and the human format.
fn rendered(name: &str, text: &str) -> String {
    let report = procflow::check_source(name, text);
    let sources = &report.workspace.sources;
    format!(
        "{}\n{}",
        render::short(sources, &report.diagnostics),
        render::human(
            sources,
            &report.diagnostics,
            render::HumanOptions { color: false }
        )
    )
}

/// Every file of `tests/fixtures/errors` is one mistake a new user made: its
/// diagnostic, as rendered, is a snapshot. The first line of each file says
/// what it shows.
#[test]
fn error_fixtures() {
    insta::glob!("fixtures/errors/*.flow", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = format!("errors/{}", path.file_name().unwrap().to_string_lossy());
        let out = rendered(&name, &text);
        assert!(out.contains("error["), "{name} reports no error:\n{out}");
        for word in RULE_WORDS {
            assert!(!out.contains(word), "{name}: rule name `{word}` leaks");
        }
        insta::assert_snapshot!(out);
    });
}

/// `text` with `r` applied.
fn apply(text: &str, r: &Replacement) -> String {
    let (start, end) = (r.span.start as usize, r.span.end as usize);
    format!("{}{}{}", &text[..start], r.text, &text[end..])
}

/// The syntax errors of `text`.
fn syntax_errors(text: &str) -> Vec<procflow::syntax::SyntaxError> {
    parse_with_fixes(FileId(0), text).1
}

/// A suggestion must parse: applying the replacement of a syntax error
/// removes that error and adds none (the file then has one error fewer, or
/// its first error is past the replaced text); with `whole`, a file whose
/// errors all carry a replacement parses once they are all applied.
fn assert_suggestions_parse(name: &str, text: &str, whole: bool) {
    let errors = syntax_errors(text);
    for e in &errors {
        let Some(r) = &e.replacement else { continue };
        let fixed = apply(text, r);
        let after = syntax_errors(&fixed);
        let end = r.span.start as usize + r.text.len();
        assert!(
            after.len() < errors.len()
                || after
                    .first()
                    .is_some_and(|a| a.diagnostic.span.start as usize > end),
            "{name}: applying the suggestion of `{}` ({:?} -> {:?}) leaves:\n{:#?}\n{fixed}",
            e.diagnostic.message,
            &text[r.span.start as usize..r.span.end as usize],
            r.text,
            after
                .iter()
                .map(|a| &a.diagnostic.message)
                .collect::<Vec<_>>()
        );
        // The help shows the replacement's text, so what editors apply is
        // what the user reads.
        let help = e.diagnostic.help.as_deref().unwrap_or("");
        let shown = r.text.trim();
        assert!(
            shown.is_empty() || shown == "}" || help.contains(shown),
            "{name}: the help `{help}` does not show `{shown}`"
        );
    }
    if whole && !errors.is_empty() && errors.iter().all(|e| e.replacement.is_some()) {
        let mut all: Vec<&Replacement> = errors
            .iter()
            .filter_map(|e| e.replacement.as_ref())
            .collect();
        all.sort_by_key(|r| std::cmp::Reverse(r.span.start));
        let mut fixed = text.to_owned();
        for r in all {
            fixed = apply(&fixed, r);
        }
        let after = syntax_errors(&fixed);
        assert!(
            after.is_empty(),
            "{name}: after every suggestion:\n{fixed}\n{after:#?}"
        );
    }
}

#[test]
fn every_suggested_replacement_of_every_fixture_parses() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    let mut dirs = vec![fixtures];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "flow") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut with_replacement = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        with_replacement += syntax_errors(&text)
            .iter()
            .filter(|e| e.replacement.is_some())
            .count();
        assert_suggestions_parse(&path.display().to_string(), &text, true);
    }
    assert!(
        with_replacement >= 12,
        "only {with_replacement} replacements"
    );
}

#[test]
fn every_error_fixture_suggests_an_edit() {
    // Every syntax error among the fixtures has its fix as data, except the
    // word near no attribute (its help lists the attributes instead).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for e in syntax_errors(&text) {
            assert_eq!(
                e.replacement.is_some(),
                name != "unknown-attribute-no-suggestion.flow",
                "{name}: {}",
                e.diagnostic.message
            );
        }
    }
}

/// The lines of the examples that start with an attribute keyword, as
/// (example text, offset of the keyword, keyword).
fn attribute_lines() -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    for path in common::examples() {
        let text = std::fs::read_to_string(path).unwrap();
        let mut at = 0;
        let mut in_block_string = false;
        for line in text.split_inclusive('\n') {
            let starts_in_string = in_block_string;
            in_block_string ^= line.matches("\"\"\"").count() % 2 == 1;
            if starts_in_string {
                at += line.len();
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            let word: String = line
                .trim_start()
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect();
            if indent > 0 && procflow::syntax::words::by_keyword(&word).is_some() {
                out.push((text.clone(), at + indent, word));
            }
            at += line.len();
        }
    }
    out
}

/// The lines of the examples that are only a `}` (a block's end), as
/// (example text, the line's start and end).
fn closing_lines() -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for path in common::examples() {
        let text = std::fs::read_to_string(path).unwrap();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if line.trim() == "}" {
                out.push((text.clone(), at, at + line.len()));
            }
            at += line.len();
        }
    }
    out
}

/// Parses `text` (one mistake away from a valid example): its first syntax
/// error must carry a replacement, and applying it must give a file that
/// parses.
fn assert_first_fix_parses(text: &str) {
    let errors = syntax_errors(text);
    assert!(!errors.is_empty(), "no error in:\n{text}");
    let first = &errors[0];
    let r = first
        .replacement
        .as_ref()
        .unwrap_or_else(|| panic!("no replacement for `{}`", first.diagnostic.message));
    let fixed = apply(text, r);
    let after = syntax_errors(&fixed);
    assert!(
        after.is_empty(),
        "`{}`: after applying {:?}:\n{fixed}\n{:#?}",
        first.diagnostic.message,
        r.text,
        after
            .iter()
            .map(|a| &a.diagnostic.message)
            .collect::<Vec<_>>()
    );
}

proptest! {
    #![proptest_config(common::proptest_config(64))]

    /// An attribute keyword with a letter too many (`tools`, `ownerx`): the
    /// suggestion is an attribute, and the fixed file parses.
    #[test]
    fn a_keyword_with_a_letter_more_is_fixed(pick in any::<prop::sample::Index>(), letter in "[a-z]") {
        let lines = attribute_lines();
        let (text, at, word) = &lines[pick.index(lines.len())];
        let end = at + word.len();
        let broken = format!("{}{letter}{}", &text[..end], &text[end..]);
        let errors = syntax_errors(&broken);
        prop_assert_eq!(errors.len(), 1);
        let wanted = format!("unknown attribute `{word}{letter}`");
        prop_assert!(errors[0].diagnostic.message.starts_with(&wanted), "{}", errors[0].diagnostic.message);
        assert_first_fix_parses(&broken);
    }

    /// `owner: x`: the fix removes the colon.
    #[test]
    fn a_colon_after_a_keyword_is_fixed(pick in any::<prop::sample::Index>()) {
        let lines = attribute_lines();
        let (text, at, word) = &lines[pick.index(lines.len())];
        let end = at + word.len();
        let broken = format!("{}:{}", &text[..end], &text[end..]);
        assert_first_fix_parses(&broken);
    }

    /// A block's `}` left out: the error is at a `{`, and inserting the
    /// suggested `}` gives a file that parses.
    #[test]
    fn a_missing_closing_brace_is_fixed(pick in any::<prop::sample::Index>()) {
        let lines = closing_lines();
        let (text, start, end) = &lines[pick.index(lines.len())];
        let broken = format!("{}{}", &text[..*start], &text[*end..]);
        let errors = syntax_errors(&broken);
        prop_assert!(!errors.is_empty());
        let at = errors[0].diagnostic.span.start as usize;
        prop_assert_eq!(&broken[at..=at], "{");
        assert_first_fix_parses(&broken);
    }
}

#[test]
fn the_suggestions_after_deleting_a_byte_of_an_example_parse() {
    // Each deletion of one byte (every `STEP`th, so the test stays quick)
    // that makes a syntax error with a suggestion: the suggestion parses.
    // (Every byte, `STEP` = 1, passes too; it takes three times as long.)
    const STEP: usize = 3;
    for path in common::examples() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        for at in (0..text.len()).step_by(STEP) {
            // (Deleting a comment's `#` makes its prose code: no word of
            // it is a mistake a suggestion could fix.)
            if !text.is_char_boundary(at) || !text.is_char_boundary(at + 1) || &text[at..=at] == "#"
            {
                continue;
            }
            let broken = format!("{}{}", &text[..at], &text[at + 1..]);
            // A suggestion fixes a word, not the line: only the error it is
            // about must go.
            assert_suggestions_parse(&format!("{name} without byte {at}"), &broken, false);
        }
    }
}
