//! The one table of the language's words (`procflow::syntax::words`) against
//! every other place that names them: the pest grammar (the language's
//! definition), the TextMate grammar of the VS Code extension and the Vim
//! syntax. Each must name exactly the table's words, no more and no fewer, so
//! that a grammar change is caught here when an editor grammar lags behind.
//!
//! A "word" is read from each file as its own format writes it:
//! - pest: every string literal made of letters (`"owner"`), except in the
//!   lexical rules whose letters are not words (escapes, duration units);
//! - TextMate: every run of letters in a regular expression (`match`,
//!   `begin`, `end`, `while`), outside character classes and escapes;
//! - Vim: the words of `syn keyword` (but `TODO` and friends), and every run of
//!   letters in the patterns of `syn match` and `syn region`, outside character
//!   classes and escapes.
//!
//! So a literal letter in a regular expression that is not a word must be
//! written as a class (`[u]\{` for the `\u{…}` escape).
#![allow(clippy::unwrap_used)]
#![allow(clippy::doc_markdown)] // "TextMate" is a name, not code

use std::collections::BTreeSet;
use std::path::Path;

use pest_meta::ast::Expr;
use pest_meta::parser::{self, Rule};

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn table() -> BTreeSet<String> {
    procflow::syntax::words::all().map(str::to_owned).collect()
}

/// Says which words `file` lacks and which it has that the table does not.
fn assert_names_the_table(file: &str, found: &BTreeSet<String>, fix: &str) {
    let table = table();
    let missing: Vec<&String> = table.difference(found).collect();
    let extra: Vec<&String> = found.difference(&table).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{file} does not name exactly the words of procflow::syntax::words::all():\n  \
         missing: {missing:?}\n  not in the table: {extra:?}\n{fix}"
    );
}

// ------------------------------------------------------------------ pest

/// The lexical rules whose letters are not words of the language.
const NOT_WORDS: &[&str] = &["escape", "duration"];

fn pest_words(text: &str) -> BTreeSet<String> {
    let pairs = parser::parse(Rule::grammar_rules, text)
        .unwrap_or_else(|e| panic!("grammar/flow.pest does not parse: {e}"));
    let rules = parser::consume_rules(pairs)
        .unwrap_or_else(|e| panic!("grammar/flow.pest is not a valid grammar: {e:?}"));
    let mut words = BTreeSet::new();
    for rule in rules {
        if NOT_WORDS.contains(&rule.name.as_str()) {
            continue;
        }
        for expr in rule.expr.iter_top_down() {
            if let Expr::Str(s) | Expr::Insens(s) = expr
                && !s.is_empty()
                && s.bytes().all(|b| b.is_ascii_alphabetic())
            {
                words.insert(s);
            }
        }
    }
    words
}

#[test]
fn the_pest_grammar_names_exactly_the_words_of_the_table() {
    assert_names_the_table(
        "grammar/flow.pest",
        &pest_words(&read("grammar/flow.pest")),
        "A word added to the grammar goes in src/syntax/words.rs (and the editor grammars).",
    );
}

// ------------------------------------------------------------------ regexes

/// Runs of ASCII letters in a regular expression, outside character classes
/// (`[A-Za-z]`) and escapes (`\s`, `\G`; Vim's `\z` takes one more letter).
/// Works for Oniguruma (TextMate) and Vim patterns alike, as written in the
/// editor grammars (no named groups, no inline flags).
fn regex_words(pattern: &str, words: &mut BTreeSet<String>) {
    let chars: Vec<char> = pattern.chars().collect();
    let mut word = String::new();
    let mut i = 0;
    let mut flush = |word: &mut String| {
        if !word.is_empty() {
            words.insert(std::mem::take(word));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() {
            word.push(c);
            i += 1;
            continue;
        }
        flush(&mut word);
        match c {
            '\\' => i += if chars.get(i + 1) == Some(&'z') { 3 } else { 2 },
            '[' => {
                // A class: to its closing `]` (a `]` right after `[` or `[^`
                // is a member).
                i += 1;
                if chars.get(i) == Some(&'^') {
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    i += 1;
                }
                while i < chars.len() && chars[i] != ']' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    flush(&mut word);
}

// ------------------------------------------------------------------ TextMate

fn textmate_words(value: &serde_json::Value, words: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("match" | "begin" | "end" | "while", serde_json::Value::String(re)) => {
                        regex_words(re, words);
                    }
                    _ => textmate_words(v, words),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                textmate_words(v, words);
            }
        }
        _ => {}
    }
}

const TEXTMATE: &str = "editors/vscode/syntaxes/flow.tmLanguage.json";

#[test]
fn the_textmate_grammar_names_exactly_the_words_of_the_table() {
    let json: serde_json::Value = serde_json::from_str(&read(TEXTMATE)).unwrap();
    let mut words = BTreeSet::new();
    textmate_words(&json, &mut words);
    assert_names_the_table(
        TEXTMATE,
        &words,
        "Highlight a new word where the grammar allows it and add a sample to \
         tests/editors/grammar.test.mjs (docs/editors.md says how).",
    );
}

// ------------------------------------------------------------------ Vim

/// Options of `:syntax` items: not words.
const VIM_OPTIONS: &[&str] = &[
    "contained",
    "display",
    "transparent",
    "oneline",
    "fold",
    "extend",
    "excludenl",
    "keepend",
    "skipwhite",
    "skipnl",
    "skipempty",
    "concealends",
];

/// The `:syntax` commands of a Vim script, continuation lines joined.
fn vim_syntax_commands(text: &str) -> Vec<String> {
    let mut commands: Vec<String> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('\\') {
            if let Some(last) = commands.last_mut() {
                last.push(' ');
                last.push_str(rest);
            }
        } else if trimmed.starts_with("syn ") || trimmed.starts_with("syntax ") {
            commands.push(trimmed.to_owned());
        } else {
            // Any other command: a continuation never belongs to a `syn`.
            commands.push(String::new());
        }
    }
    commands.retain(|c| !c.is_empty());
    commands
}

/// The pattern delimited by its first character, and what follows it.
fn vim_pattern(s: &str) -> Option<(&str, &str)> {
    let delim = s.chars().next()?;
    let body = &s[delim.len_utf8()..];
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == delim {
            return Some((&body[..i], &body[i + c.len_utf8()..]));
        }
    }
    None
}

fn vim_words(text: &str) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for command in vim_syntax_commands(text) {
        let mut parts = command.splitn(3, char::is_whitespace);
        let (_, kind, rest) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
        let rest = rest.trim_start();
        match kind {
            Some("keyword") => {
                let mut tokens = rest.split_whitespace();
                let group = tokens.next().unwrap_or_default();
                if group == "flowTodo" {
                    continue;
                }
                words.extend(
                    tokens
                        .filter(|t| !t.contains('=') && !VIM_OPTIONS.contains(t))
                        .map(str::to_owned),
                );
            }
            Some("match") => {
                let mut after_group = rest.split_once(char::is_whitespace).map_or("", |p| p.1);
                // Options such as `contained` may come before the pattern,
                // whose delimiter is never a letter.
                while after_group.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    after_group = after_group
                        .split_once(char::is_whitespace)
                        .map_or("", |p| p.1)
                        .trim_start();
                }
                let (pattern, _) = vim_pattern(after_group.trim_start())
                    .unwrap_or_else(|| panic!("no pattern in `{command}`"));
                regex_words(pattern, &mut words);
            }
            Some("region") => {
                let mut s = rest;
                while let Some(at) = ["start=", "skip=", "end="]
                    .iter()
                    .filter_map(|key| s.find(key).map(|i| (i, key.len())))
                    .min()
                {
                    let (pattern, after) = vim_pattern(&s[at.0 + at.1..])
                        .unwrap_or_else(|| panic!("no pattern in `{command}`"));
                    regex_words(pattern, &mut words);
                    s = after;
                }
            }
            _ => {}
        }
    }
    words
}

const VIM: &str = "editors/vim/syntax/flow.vim";

#[test]
fn the_vim_syntax_names_exactly_the_words_of_the_table() {
    assert_names_the_table(
        VIM,
        &vim_words(&read(VIM)),
        "Highlight a new word where the grammar allows it and add a line to the \
         sample of tests/editors/vim-syntax.sh (docs/editors.md says how).",
    );
}

// ------------------------------------------------------------------ readers

#[test]
fn the_readers_see_the_words_they_are_given() {
    // The readers themselves: a word is found where each format writes one,
    // and nothing else is taken for a word.
    let mut words = BTreeSet::new();
    regex_words(
        r"(?<![A-Za-z0-9_-])(owner|with)(?:[ \t]+(not))?\\(?:[u]\{[0-9A-Fa-f]{1,6}\})\G",
        &mut words,
    );
    assert_eq!(
        words,
        BTreeSet::from(["not", "owner", "with"].map(String::from))
    );

    let vim = r#"" a comment: owner
syn keyword flowTodo contained TODO FIXME
syn keyword flowAttribute owner after nextgroup=flowName skipwhite
      \ needs
syn match flowX "\%(^\|[^a-z]\)\@1<=tool\zs\<not\>" nextgroup=flowName
syn region flowS start=+"+ skip=+\\"+ end=+rework+ oneline
let s:x = 'escalate'
      \ . 'input'
"#;
    assert_eq!(
        vim_words(vim),
        BTreeSet::from(["after", "needs", "not", "owner", "rework", "tool"].map(String::from))
    );

    let pest = r#"
        a = @{ "owner" ~ "{" ~ ASCII_ALPHA ~ "when" | ^"run" }
        escape = @{ "\\" ~ ("n" | "u{") }
        duration = @{ ASCII_DIGIT+ ~ ("m" | "h") }
    "#;
    assert_eq!(
        pest_words(pest),
        BTreeSet::from(["owner", "run", "when"].map(String::from))
    );
}
