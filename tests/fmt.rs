//! The formatter: fixture pairs (`tests/fixtures/fmt/NAME.flow` and the
//! snapshot of its formatted text), the examples are already formatted, and
//! property tests over mutated examples and fixtures: formatting is
//! idempotent, keeps every comment in order, keeps the meaning (diagnostics,
//! plans, titles and descriptions), and leaves no trailing whitespace or odd
//! indentation outside `"""` strings.
#![allow(clippy::unwrap_used)]

mod common;
use common::proptest_config as config;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use procflow::ast::{Decl, Entry, Item, Value};
use procflow::backend::{plan, root_workflows};
use procflow::fmt::{FormatOptions, format_source};
use procflow::model::display_title;
use procflow::source::FileId;
use procflow::{Levels, Workspace};
use proptest::prelude::*;

// ------------------------------------------------------------------ helpers

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Parses a file's text as `check` does: without its byte-order mark.
fn parse(text: &str) -> procflow::syntax::Parsed {
    procflow::syntax::parse(FileId(0), text.strip_prefix('\u{feff}').unwrap_or(text))
}

fn fmt(text: &str) -> String {
    match format_source(text, &FormatOptions::default()) {
        Ok(out) => out,
        Err(errors) => panic!("does not parse: {errors:#?}\n{text}"),
    }
}

/// The comments of a text, in order, without trailing blanks (the formatter
/// removes those).
fn comments(text: &str) -> Vec<String> {
    let (file, errors) = parse(text);
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    file.comments
        .iter()
        .map(|s| text[s.range()].trim_end().to_owned())
        .collect()
}

fn opt(s: Option<&procflow::ast::StrLit>) -> String {
    s.map_or_else(|| "-".to_owned(), |s| format!("{:?}", s.value))
}

/// What a text means, as one string to compare: every diagnostic (code,
/// severity, message, help, without positions), the plan of every root
/// workflow when there are no errors, and the names, titles, descriptions and
/// other texts of every declaration. `path` locates the text's `use`s.
fn meaning(path: &Path, text: &str) -> String {
    let mut ws = Workspace::default();
    let id = ws.add_text("x.flow", Some(path), text.to_owned());
    let compilation = ws.compile(id, &Levels::default());
    let mut out = String::new();
    for d in &compilation.diagnostics {
        writeln!(
            out,
            "{} {:?} {} / {:?}",
            d.code, d.severity, d.message, d.help
        )
        .unwrap();
    }
    let model = &compilation.model;
    if !compilation.has_errors() {
        for w in root_workflows(model) {
            writeln!(out, "{:?}", plan::plan(model, w)).unwrap();
        }
    }
    for r in &model.roles {
        let title = display_title(&r.name, r.title.as_ref());
        let (who, description) = (opt(r.who.as_ref()), opt(r.description.as_ref()));
        writeln!(
            out,
            "role {} {title:?} {who} {description} {}",
            r.name.text, r.external
        )
        .unwrap();
    }
    for t in &model.tools {
        let title = display_title(&t.name, t.title.as_ref());
        let (url, description) = (opt(t.url.as_ref()), opt(t.description.as_ref()));
        writeln!(out, "tool {} {title:?} {url} {description}", t.name.text).unwrap();
    }
    for p in &model.processes {
        let title = display_title(&p.name, p.title.as_ref());
        let (outcome, description) = (opt(p.outcome.as_ref()), opt(p.description.as_ref()));
        writeln!(
            out,
            "process {} {title:?} {outcome} {description}",
            p.name.text
        )
        .unwrap();
        for s in &p.steps {
            let title = display_title(&s.name, s.title.as_ref());
            let description = opt(s.description.as_ref());
            writeln!(
                out,
                "  step {} {title:?} {description} {}",
                s.name.text, s.optional
            )
            .unwrap();
        }
    }
    for w in &model.workflows {
        let title = display_title(&w.name, w.title.as_ref());
        let texts = [&w.trigger, &w.version, &w.description].map(|s| opt(s.as_ref()));
        let inputs: Vec<&str> = w.inputs.iter().map(|i| i.text.as_str()).collect();
        let decisions: Vec<(&str, &str, usize)> = w
            .decisions
            .iter()
            .map(|d| (d.name.text.as_str(), d.question.value.as_str(), d.step))
            .collect();
        let time = (w.target.map(|d| d.seconds()), w.every.map(|d| d.seconds()));
        writeln!(
            out,
            "workflow {} {title:?} {texts:?} {inputs:?} {decisions:?} {time:?}",
            w.name.text
        )
        .unwrap();
        for s in &w.steps {
            let title = display_title(&s.name, s.title.as_ref());
            let texts = [&s.run, &s.description].map(|s| opt(s.as_ref()));
            let when = s.condition_text(w);
            let v2 = (
                s.takes.map(|d| d.seconds()),
                &s.with,
                s.escalate,
                s.rework
                    .iter()
                    .map(|r| (r.step, r.decision))
                    .collect::<Vec<_>>(),
            );
            writeln!(
                out,
                "  step {} {title:?} {texts:?} {when:?} {v2:?}",
                s.name.text
            )
            .unwrap();
        }
    }
    out
}

/// Calls `f` on every string of a declaration.
fn decl_strings(d: &Decl, f: &mut dyn FnMut(&procflow::ast::StrLit)) {
    if let Some(t) = &d.title {
        f(t);
    }
    for e in d.body.iter().flat_map(|b| &b.entries) {
        match e {
            Entry::Attr(a) => match &a.value {
                Value::Str(s) | Value::Decision(_, s) => f(s),
                Value::Conditions(c) => {
                    for c in c {
                        if let procflow::ast::Condition::Text(s) = c {
                            f(s);
                        }
                    }
                }
                _ => {}
            },
            Entry::Step(s) => decl_strings(s, f),
        }
    }
}

/// Lines of `out` that end in blanks or are indented with tabs or by a
/// number of spaces that is not a multiple of 2, outside `"""` strings.
fn style_violations(out: &str) -> Vec<String> {
    let (file, errors) = parse(out);
    assert!(errors.is_empty(), "{errors:#?}\n{out}");
    let out = out.strip_prefix('\u{feff}').unwrap_or(out);
    let mut blocks = Vec::new();
    let mut visit_str = |s: &procflow::ast::StrLit| {
        if s.block {
            blocks.push(s.span.range());
        }
    };
    for item in &file.items {
        match item {
            Item::Use(u) => visit_str(&u.path),
            Item::Decl(d) => decl_strings(d, &mut visit_str),
        }
    }
    let inside = |at: usize| blocks.iter().any(|r| r.start < at && at < r.end);
    let mut bad = Vec::new();
    let mut start = 0;
    for line in out.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let end = start + content.len();
        let trailing = content.len() != content.trim_end().len();
        let indent = content.len() - content.trim_start_matches(' ').len();
        let odd_indent = content.starts_with('\t') || indent % 2 == 1;
        if (trailing && !inside(end)) || (odd_indent && !inside(start)) {
            bad.push(format!("{content:?}"));
        }
        start += line.len();
    }
    bad
}

/// Formats `text` (located at `path`) and checks every property: idempotence,
/// the same comments in the same order, the same meaning, the style.
fn check_properties(path: &Path, text: &str) -> String {
    let out = fmt(text);
    assert_eq!(
        fmt(&out),
        out,
        "not idempotent; input:\n{text}\nfirst output:\n{out}"
    );
    assert_eq!(
        comments(&out),
        comments(text),
        "comments changed; output:\n{out}"
    );
    assert_eq!(
        meaning(path, &out),
        meaning(path, text),
        "meaning changed; input:\n{text}\noutput:\n{out}"
    );
    let bad = style_violations(&out);
    assert!(bad.is_empty(), "style: {bad:#?}\noutput:\n{out}");
    assert!(out.is_empty() || out.ends_with('\n') && !out.ends_with("\n\n"));
    assert_eq!(
        out.starts_with('\u{feff}'),
        text.starts_with('\u{feff}'),
        "BOM"
    );
    assert!(!out.contains("\r\n"), "CRLF in the output:\n{out}");
    out
}

// ------------------------------------------------------------------ fixtures

#[test]
fn fixtures() {
    insta::glob!("fixtures/fmt/*.flow", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let out = check_properties(path, &text);
        insta::assert_snapshot!(out);
    });
}

#[test]
fn examples_are_formatted() {
    let mut report = String::new();
    for path in flow_files(&root().join("examples")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let out = check_properties(&path, &text);
        if out != text {
            let diff = similar_lines(&text, &out);
            writeln!(report, "{} is not formatted:\n{diff}", path.display()).unwrap();
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// The lines that differ, `-` before and `+` after, with line numbers.
fn similar_lines(before: &str, after: &str) -> String {
    let mut out = String::new();
    let (a, b): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    for i in 0..a.len().max(b.len()) {
        if a.get(i) != b.get(i) {
            writeln!(
                out,
                "{}: - {:?}\n{}: + {:?}",
                i + 1,
                a.get(i),
                i + 1,
                b.get(i)
            )
            .unwrap();
        }
    }
    out
}

fn flow_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    files.sort();
    files
}

#[test]
fn bom_is_kept_and_crlf_becomes_lf() {
    let path = root().join("tests/fixtures/fmt/comments.flow");
    let lf = std::fs::read_to_string(&path).unwrap();
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let out = check_properties(&path, &crlf);
    assert_eq!(out, format!("\u{feff}{}", fmt(&lf)));
    assert!(!out.contains('\r'));

    // Inside a `"""` string too: the value is the same (checked by
    // `check_properties` through the descriptions).
    let text =
        "\u{feff}role a {\r\n  description \"\"\"\r\n    x\r\n      y\r\n    \"\"\"\r\n}\r\n";
    let out = check_properties(&path, text);
    assert_eq!(
        out,
        "\u{feff}role a {\n  description \"\"\"\n    x\n      y\n    \"\"\"\n}\n"
    );
    // Without a BOM, none is added.
    assert_eq!(fmt("role a\r\n"), "role a\n");
    assert_eq!(fmt("\u{feff}"), "\u{feff}");
}

#[test]
fn syntax_errors_are_returned_and_nothing_is_formatted() {
    let text =
        "role founder \"Founder\" {\n  who Maria\n}\ntool phone\nworkflow w implemnts p {}\n";
    let errors = format_source(text, &FormatOptions::default()).unwrap_err();
    let (_, expected) = procflow::syntax::parse(FileId(0), text);
    assert_eq!(errors, expected);
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().all(|d| d.code == procflow::Code::Syntax));

    // Errors found while lowering count too (a keyword used as a name).
    let errors = format_source("role run\n", &FormatOptions::default()).unwrap_err();
    assert_eq!(errors.len(), 1);

    // And the check fixture for syntax errors.
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/check/syntax/fires.flow")).unwrap();
    assert!(format_source(&text, &FormatOptions::default()).is_err());
}

#[test]
fn indent_option() {
    let options = FormatOptions { indent: 4 };
    let text = "process p {\nstep a {\noptional\n}\nowner # who\nx\n}";
    let out = format_source(text, &options).unwrap();
    assert_eq!(
        out,
        "process p {\n    step a {\n        optional\n    }\n    owner # who\n        x\n}\n"
    );
    assert_eq!(format_source(&out, &options).unwrap(), out);
    assert_eq!(FormatOptions::default().indent, 2);
}

#[test]
fn examples_of_the_style_guide() {
    // The "before" texts of docs/formatting.md give its "after" texts.
    let doc = std::fs::read_to_string(root().join("docs/formatting.md")).unwrap();
    let blocks: Vec<&str> = doc
        .split("```flow")
        .skip(1)
        // "Before" blocks are tagged `flow ignore` so that `procflow fmt docs/`
        // leaves them unformatted; "after" blocks `flow fragment`, since they
        // are not whole files for `procflow check docs/` (this test checks
        // that they are formatted).
        .map(|b| {
            b.strip_prefix(" ignore")
                .or_else(|| b.strip_prefix(" fragment"))
                .unwrap_or(b)
        })
        .map(|b| b.strip_prefix('\n').unwrap().split("```").next().unwrap())
        .collect();
    let mut pairs = 0;
    for pair in blocks.chunks(2) {
        if let [before, after] = pair {
            assert_eq!(fmt(before), *after, "docs/formatting.md: before:\n{before}");
            assert_eq!(fmt(after), *after, "docs/formatting.md: after:\n{after}");
            pairs += 1;
        }
    }
    assert!(
        pairs >= 5,
        "{pairs} before/after pairs in docs/formatting.md"
    );
}

// ------------------------------------------------------------------ properties

/// A piece of a valid file: blanks between tokens (which may be mutated), a
/// comment, or anything else (tokens, strings), kept as is.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Blank(String),
    Comment(String),
    Code(String),
}

/// Splits a valid file into pieces, with a (maybe empty) blank at both ends.
fn pieces(text: &str) -> Vec<Piece> {
    let mut out = vec![Piece::Blank(String::new())];
    let bytes = text.as_bytes();
    let mut i = 0;
    let push_code = |out: &mut Vec<Piece>, s: &str| {
        if let Some(Piece::Code(c)) = out.last_mut() {
            c.push_str(s);
        } else {
            out.push(Piece::Code(s.to_owned()));
        }
    };
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' => {
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                    i += 1;
                }
                out.push(Piece::Blank(text[start..i].to_owned()));
            }
            b'#' => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
                out.push(Piece::Comment(text[start..i].to_owned()));
            }
            b'"' if text[i..].starts_with("\"\"\"") => {
                i += 3 + text[i + 3..].find("\"\"\"").unwrap() + 3;
                push_code(&mut out, &text[start..i]);
            }
            b'"' => {
                i += 1;
                while bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                push_code(&mut out, &text[start..i]);
            }
            _ => {
                while i < bytes.len()
                    && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'#' | b'"')
                {
                    i += 1;
                }
                push_code(&mut out, &text[start..i]);
            }
        }
    }
    if !matches!(out.last(), Some(Piece::Blank(_))) {
        out.push(Piece::Blank(String::new()));
    }
    out
}

/// Replaces the blanks between tokens according to `choices` (one per blank,
/// cycling): re-indents, joins and splits lines, adds and removes blank lines,
/// inserts comments. Every result is a valid file with the same meaning.
/// With `keep_comment_lines`, a blank before a comment keeps or gets no line
/// break as it had, so own-line comments stay own-line and trailing ones
/// trailing.
fn mutate(text: &str, choices: &[u8], keep_comment_lines: bool) -> String {
    // A byte-order mark stays first.
    let (mut out, text) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}".to_owned(), rest),
        None => (String::new(), text),
    };
    let pieces = pieces(text);
    let mut blanks = 0;
    for (i, piece) in pieces.iter().enumerate() {
        let blank = match piece {
            Piece::Code(s) | Piece::Comment(s) => {
                out.push_str(s);
                continue;
            }
            Piece::Blank(b) => b,
        };
        let after_comment = i > 0 && matches!(pieces[i - 1], Piece::Comment(_));
        let at_end = i + 1 == pieces.len();
        let choice = if choices.is_empty() {
            0
        } else {
            choices[blanks % choices.len()]
        };
        blanks += 1;
        let mut new = match choice % 16 {
            1 => " ".to_owned(),
            2 => "\n".to_owned(),
            3 => "\n\n\n".to_owned(),
            4 => "\t".to_owned(),
            5 => " \t  ".to_owned(),
            6 => "\n\t    ".to_owned(),
            7 => "\r\n".to_owned(),
            8 => "\n\n".to_owned(),
            9 => format!(" # note {blanks}\n{blank}"),
            10 => "   \n  \n   ".to_owned(),
            11 => blank.replace('\n', "  \n"),
            12 => format!("\n# own line {blanks}\n"),
            13 => blank.trim_start_matches([' ', '\t']).to_owned(),
            _ => blank.clone(),
        };
        // Tokens need a blank between them (mostly); a comment ends at a line
        // break.
        if new.is_empty() && !at_end && i > 0 {
            new.push(' ');
        }
        if after_comment && !new.contains('\n') {
            new.insert(0, '\n');
        }
        if at_end && choice % 16 == 9 {
            new = format!(" # note {blanks}\n");
        }
        let before_comment = matches!(pieces.get(i + 1), Some(Piece::Comment(_)));
        if keep_comment_lines && before_comment && new.contains('\n') != blank.contains('\n') {
            new.clone_from(blank);
        }
        out.push_str(&new);
    }
    out
}

/// Every valid file to start from: the examples, the formatter fixtures, and
/// the checker's fixtures that parse; each with its path (for `use`).
fn corpus() -> &'static [(PathBuf, String)] {
    static CORPUS: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut files = flow_files(&root().join("examples"));
        files.extend(flow_files(&root().join("tests/fixtures/fmt")));
        let check = root().join("tests/fixtures/check");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&check)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        dirs.sort();
        for dir in dirs {
            files.extend(flow_files(&dir));
        }
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                (p, text)
            })
            .filter(|(_, text)| parse(text).1.is_empty())
            .collect()
    })
}

#[test]
fn the_mutator_keeps_files_valid_and_covers_the_corpus() {
    assert!(corpus().len() >= 30, "{} files", corpus().len());
    for (path, text) in corpus() {
        // Unchanged with no choices.
        assert_eq!(mutate(text, &[], false), *text, "{}", path.display());
        for choice in 0..16 {
            let mutated = mutate(text, &[choice], false);
            let (_, errors) = parse(&mutated);
            assert!(
                errors.is_empty(),
                "{}: {errors:#?}\n{mutated}",
                path.display()
            );
            check_properties(path, &mutated);
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn formatting_is_idempotent_and_keeps_comments_and_meaning(
        index in any::<prop::sample::Index>(),
        choices in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let (path, text) = &corpus()[index.index(corpus().len())];
        let mutated = mutate(text, &choices, false);
        check_properties(path, &mutated);
    }

    #[test]
    fn formatting_is_idempotent_with_lone_carriage_returns(
        index in any::<prop::sample::Index>(),
        choices in prop::collection::vec(any::<u8>(), 1..64),
        lone in prop::collection::vec(any::<bool>(), 1..16),
    ) {
        // A lone `\r` is a line break (it ends a comment): a mutated file
        // with some of its line breaks made lone `\r`s is formatted once and
        // for all, its comments kept (fmt-lone-cr-comma-comment.flow).
        let (_, text) = &corpus()[index.index(corpus().len())];
        let mutated = mutate(text, &choices, false);
        let mut n = 0;
        let with_cr: String = mutated
            .chars()
            .map(|c| {
                if c != '\n' {
                    return c;
                }
                n += 1;
                if lone[n % lone.len()] { '\r' } else { c }
            })
            .collect();
        let out = fmt(&with_cr);
        prop_assert_eq!(fmt(&out), out.clone(), "input: {:?}", with_cr);
        prop_assert_eq!(comments(&out), comments(&with_cr));
        prop_assert!(style_violations(&out).is_empty(), "output: {:?}", out);
    }

    #[test]
    fn formatting_a_mutated_file_gives_the_formatted_file(
        index in any::<prop::sample::Index>(),
        choices in prop::collection::vec(prop::sample::select(vec![0u8, 1, 2, 4, 5, 6, 7, 11, 13]), 1..64),
    ) {
        // Re-indenting, joining and splitting lines of a formatted file
        // (adding no comment, and keeping own-line comments on their own
        // lines) gives it back, up to blank lines (which a mutation may add
        // or remove).
        let (_, text) = &corpus()[index.index(corpus().len())];
        let formatted = fmt(text);
        let mutated = mutate(&formatted, &choices, true);
        let out = fmt(&mutated);
        // Blank lines inside blocks may have been joined away or added.
        prop_assert_eq!(
            out.lines().filter(|l| !l.is_empty()).collect::<Vec<_>>(),
            formatted.lines().filter(|l| !l.is_empty()).collect::<Vec<_>>()
        );
    }
}
