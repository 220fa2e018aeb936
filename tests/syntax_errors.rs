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
        ("keyword as a name", "role owner \"Owner\"\n"),
        (
            "missing implements in a workflow header",
            "workflow w \"W\" {\n}\n",
        ),
        ("missing closing brace", "process p {\n  step a\n"),
        ("misspelled top-level keyword", "proces p {\n}\n"),
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
