//! Robustness: no input makes the compiler panic, every diagnostic points
//! inside its file, results are deterministic, and pathological inputs finish.
//!
//! Only behaviour is asserted here, never time.
#![allow(clippy::unwrap_used)]

mod common;
use common::proptest_config as config;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use procflow::render::{self, HumanOptions};
use procflow::workspace::Workspace;
use procflow::{Code, Diagnostic, Levels, Severity};
use proptest::prelude::*;

// ------------------------------------------------------------------ helpers

/// Compiles `bytes` as `name` (located at `path` for its `use`s) with the
/// default levels.
fn compile_bytes(name: &str, path: Option<&Path>, bytes: Vec<u8>) -> (Workspace, Vec<Diagnostic>) {
    let mut ws = Workspace::default();
    let id = ws.add_bytes(name, path, bytes);
    let compilation = ws.compile(id, &Levels::default());
    (ws, compilation.diagnostics)
}

fn compile_text(text: &str) -> (Workspace, Vec<Diagnostic>) {
    compile_bytes("fuzz.flow", None, text.as_bytes().to_vec())
}

/// Every span of every diagnostic (primary and labels) lies within its file's
/// text, on character boundaries, with `start <= end`.
fn assert_spans_valid(ws: &Workspace, diags: &[Diagnostic]) {
    for d in diags {
        let spans = std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span));
        for span in spans {
            let file = ws.sources.get(span.file);
            let text = &file.text;
            let (start, end) = (span.start as usize, span.end as usize);
            assert!(
                start <= end,
                "span {start}..{end} is reversed in `{}` ({}: {})",
                file.name,
                d.code,
                d.message
            );
            assert!(
                end <= text.len(),
                "span {start}..{end} is past the end ({}) of `{}` ({}: {})",
                text.len(),
                file.name,
                d.code,
                d.message
            );
            assert!(
                std::env::var_os("PF_LENIENT").is_some()
                    || (text.is_char_boundary(start) && text.is_char_boundary(end)),
                "span {start}..{end} is not on char boundaries in `{}` ({}: {})",
                file.name,
                d.code,
                d.message
            );
        }
        // The primary label is at the primary span.
        assert_eq!(d.labels.first().map(|l| l.span), Some(d.span));
    }
}

/// Renders in every format; none may panic, and the human format shows every
/// diagnostic (codespan skips those whose span it cannot show).
fn render_all(ws: &Workspace, diags: &[Diagnostic]) {
    let sources = &ws.sources;
    for d in diags {
        let r = render::range(sources, d.span);
        assert!(r.line >= 1 && r.column >= 1, "positions are 1-based: {r:?}");
        assert!(
            (r.line, r.column) <= (r.end_line, r.end_column),
            "range is reversed: {r:?}"
        );
    }
    let plain = render::human(sources, diags, HumanOptions { color: false });
    let _ = render::human(sources, diags, HumanOptions { color: true });
    let headers = plain
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
        .count();
    assert_eq!(
        headers,
        diags.len(),
        "the human format dropped a diagnostic:\n{plain}"
    );
    let short = render::short(sources, diags);
    assert_eq!(short.lines().count(), diags.len(), "{short}");
    let json = render::json(sources, diags, 1);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["diagnostics"].as_array().unwrap().len(), diags.len());
    let sarif = render::sarif(sources, diags);
    let _: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let github = render::github(sources, diags);
    assert_eq!(github.lines().count(), diags.len(), "{github}");
}

/// Compiles, checks the spans, renders every format.
fn exercise(name: &str, path: Option<&Path>, bytes: Vec<u8>) -> Vec<Diagnostic> {
    let (ws, diags) = compile_bytes(name, path, bytes);
    assert_spans_valid(&ws, &diags);
    render_all(&ws, &diags);
    diags
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `examples/*.flow` and `tests/fixtures/check/*/*.flow`: (name, path, text).
fn corpus() -> &'static [(String, PathBuf, String)] {
    static CORPUS: OnceLock<Vec<(String, PathBuf, String)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = manifest_dir();
        let mut dirs = vec![root.join("examples")];
        let fixtures = root.join("tests/fixtures/check");
        let mut sub: Vec<PathBuf> = std::fs::read_dir(&fixtures)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        sub.sort();
        dirs.extend(sub);
        let mut files = Vec::new();
        for dir in dirs {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "flow"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.push((name, path, text));
            }
        }
        assert!(
            files.len() >= 10,
            "the corpus is too small: {}",
            files.len()
        );
        files
    })
}

/// Every word of the language (from its table of words), then the other
/// tokens.
fn tokens() -> Vec<&'static str> {
    procflow::syntax::words::all()
        .chain(OTHER_TOKENS.iter().copied())
        .collect()
}

/// Pieces of Flow-looking text: these find more bugs than raw bytes. The
/// language's keywords come first (`tokens`), then these.
const OTHER_TOKENS: &[&str] = &[
    "unused-tool",
    "owner-overload",
    "warnings",
    "a",
    "b",
    "p",
    "w",
    "s",
    "x_1",
    "follow-up",
    "{",
    "}",
    "\"",
    "\"\"\"",
    "\\",
    "\\u{",
    "\\u{D800}",
    "\\u{110000}",
    "\\u{1F600}",
    "\\n",
    ",",
    "#",
    "# comment",
    "0",
    "2",
    "30",
    "99999999999999999999999",
    "m",
    "h",
    "d",
    "w",
    "2d",
    "0m",
    "1w",
    " ",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\n",
    "\n",
    "\r\n",
    "\r",
    "\u{feff}",
    "é",
    "😀",
    "☕",
    "\u{0}",
    "\"x\"",
    "\"\"",
    "\"Café ☕\"",
    "\"team.flow\"",
    "\"fuzz.flow\"",
    "\"\"\"\n  text\n  \"\"\"",
];

fn flowish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(tokens()), 0..300).prop_map(|parts| parts.concat())
}

/// One random edit of a text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Delete the bytes between two char boundaries.
    Delete(usize, usize),
    /// Insert a copy of a range just after it.
    Duplicate(usize, usize),
    /// Insert a token at a char boundary.
    Insert(usize, &'static str),
    /// Swap two lines.
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..64).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 0usize..200).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        (any::<usize>(), prop::sample::select(tokens())).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &mut String, m: &Mutation) {
    let len = text.len().max(1);
    match *m {
        Mutation::Delete(a, n) => {
            let start = floor_boundary(text, a % len);
            let end = floor_boundary(text, start + n);
            text.replace_range(start..end, "");
        }
        Mutation::Duplicate(a, n) => {
            let start = floor_boundary(text, a % len);
            let end = floor_boundary(text, start + n);
            let copy = text[start..end].to_owned();
            text.insert_str(end, &copy);
        }
        Mutation::Insert(a, token) => {
            let at = floor_boundary(text, a % (text.len() + 1));
            text.insert_str(at, token);
        }
        Mutation::SwapLines(a, b) => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.len() >= 2 {
                let (i, j) = (a % lines.len(), b % lines.len());
                lines.swap(i, j);
                let mut out = lines.concat();
                // The last line may have had no newline: keep one per line.
                if !out.ends_with('\n') && text.ends_with('\n') {
                    out.push('\n');
                }
                *text = out;
            }
        }
    }
}

/// Compiles the same input in two fresh workspaces and in one workspace twice;
/// all give the same diagnostics in the same order.
fn assert_deterministic(name: &str, path: Option<&Path>, bytes: &[u8]) {
    let (ws1, first) = compile_bytes(name, path, bytes.to_vec());
    let (ws2, second) = compile_bytes(name, path, bytes.to_vec());
    assert_eq!(first, second, "two compilations of `{name}` differ");
    assert_eq!(
        render::json(&ws1.sources, &first, 1),
        render::json(&ws2.sources, &second, 1)
    );
    let mut ws = Workspace::default();
    let id = ws.add_bytes(name, path, bytes.to_vec());
    let a = ws.compile(id, &Levels::default()).diagnostics;
    let b = ws.compile(id, &Levels::default()).diagnostics;
    assert_eq!(a, b, "compiling `{name}` twice in one workspace differs");
    assert_eq!(a, first);
}

// ------------------------------------------------------------------ fuzzing

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        exercise("fuzz.flow", None, bytes.clone());
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let (tree, errors) = procflow::syntax::parse(procflow::source::FileId(0), text);
            let _ = (tree, errors);
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC{0,2000}") {
        exercise("fuzz.flow", None, text.clone().into_bytes());
        let _ = procflow::syntax::parse(procflow::source::FileId(0), &text);
    }

    #[test]
    fn flowish_strings_never_panic(text in flowish()) {
        exercise("fuzz.flow", None, text.clone().into_bytes());
        let _ = procflow::syntax::parse(procflow::source::FileId(0), &text);
    }

    #[test]
    fn flowish_strings_are_deterministic(text in flowish()) {
        assert_deterministic("fuzz.flow", None, text.as_bytes());
    }

    #[test]
    fn mutated_valid_files_never_panic(
        index in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let (name, path, text) = index.get(corpus());
        let mut text = text.clone();
        for m in &mutations {
            apply(&mut text, m);
        }
        exercise(name, Some(path), text.clone().into_bytes());
        let _ = procflow::syntax::parse(procflow::source::FileId(0), &text);
    }

    #[test]
    fn mutated_valid_files_are_deterministic(
        index in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let (name, path, text) = index.get(corpus());
        let mut text = text.clone();
        for m in &mutations {
            apply(&mut text, m);
        }
        assert_deterministic(name, Some(path), text.as_bytes());
    }

    /// A few invalid bytes spliced into a valid file.
    #[test]
    fn valid_files_with_invalid_utf8_never_panic(
        index in any::<prop::sample::Index>(),
        at in any::<usize>(),
        junk in prop::collection::vec(0x80u8..=0xff, 0..3),
    ) {
        let (name, path, text) = index.get(corpus());
        let mut bytes = text.clone().into_bytes();
        let at = at % (bytes.len() + 1);
        // 0xFF never occurs in UTF-8, whatever follows it.
        bytes.splice(at..at, std::iter::once(0xff).chain(junk));
        let diags = exercise(name, Some(path), bytes);
        prop_assert!(diags.iter().any(|d| d.code == Code::Syntax));
    }
}

#[test]
fn the_corpus_compiles_without_panic_and_deterministically() {
    for (name, path, text) in corpus() {
        exercise(name, Some(path), text.clone().into_bytes());
        assert_deterministic(name, Some(path), text.as_bytes());
    }
}

#[test]
fn every_single_byte_deletion_of_an_example_is_fine() {
    // Exhaustive over one small file: delete each character in turn.
    let (name, path, text) = corpus()
        .iter()
        .find(|(n, _, _)| n.ends_with("syntax/fires.flow"))
        .unwrap();
    for (i, c) in text.char_indices() {
        let mut t = text.clone();
        t.replace_range(i..i + c.len_utf8(), "");
        exercise(name, Some(path), t.into_bytes());
    }
}

/// Regression: a syntax error at a non-ASCII character spans that whole
/// character (not its first byte), so the span is on char boundaries and the
/// JSON `end_column` is one past `column`.
#[test]
fn a_syntax_error_at_a_non_ascii_char_spans_the_whole_char() {
    let cases: &[(&str, char, usize)] = &[
        ("é", 'é', 1),
        ("😀", '😀', 1),
        ("role é", 'é', 6),
        ("role r \"x\" { who é }", 'é', 18),
        ("use \u{feff}", '\u{feff}', 5),
        (
            "process p { step a }\nworkflow w implements p {\n  step s { owner ☕ tool t }\n}\n",
            '☕',
            18,
        ),
    ];
    for &(text, ch, column) in cases {
        let (ws, diags) = compile_text(text);
        let d = diags
            .iter()
            .find(|d| d.code == Code::Syntax)
            .unwrap_or_else(|| panic!("no syntax error for {text:?}: {diags:#?}"));
        let at = text.find(ch).unwrap();
        assert_eq!(
            d.span.range(),
            at..at + ch.len_utf8(),
            "{text:?}: the span should cover `{ch}` ({})",
            d.message
        );
        let r = render::range(&ws.sources, d.span);
        assert_eq!(
            (r.column, r.end_column),
            (column, column + 1),
            "{text:?}: {r:?}"
        );
        assert_spans_valid(&ws, &diags);
        render_all(&ws, &diags);
    }
}

/// Regression: a syntax error at a word that follows non-ASCII text (a
/// comment in French, a byte-order mark) must not panic.
#[test]
fn non_ascii_text_before_the_offending_word_does_not_panic() {
    let cases: &[(&str, usize, usize)] = &[
        // (text, line, column) of the first syntax error.
        ("# café\nstep", 2, 1),
        ("role r \"Ré\" { who \"x\" } # 😀\nstep", 2, 1),
        ("é\nrole 0", 1, 1),
        (
            "process p { step a }\nworkflow w implements p {\n  step s { # café\n oops }\n}\n",
            4,
            2,
        ),
        (
            "process p { step a }\nworkflow w implements p {\n  step s {\n    owner r # ☕\n    oops\n  }\n}\n",
            5,
            5,
        ),
    ];
    for &(text, line, column) in cases {
        let result = std::panic::catch_unwind(|| compile_text(text));
        let Ok((ws, diags)) = result else {
            panic!("compiling {text:?} panicked");
        };
        let d = diags
            .iter()
            .find(|d| d.code == Code::Syntax)
            .unwrap_or_else(|| panic!("no syntax error for {text:?}: {diags:#?}"));
        let r = render::range(&ws.sources, d.span);
        assert_eq!(
            (r.line, r.column),
            (line, column),
            "{text:?}: {}",
            d.message
        );
        assert_spans_valid(&ws, &diags);
        render_all(&ws, &diags);
    }
}

// ------------------------------------------------------------------ pathological

fn syntax_count(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.code == Code::Syntax).count()
}

#[test]
fn a_hundred_thousand_open_braces() {
    let text = "{".repeat(100_000);
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert!(syntax_count(&diags) >= 1);

    let text = format!("process p {}", "{".repeat(100_000));
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert!(syntax_count(&diags) >= 1);

    let text = format!(
        "role r\nprocess p {{ step a }}\nworkflow w implements p {{\n  step s {}",
        "{".repeat(100_000)
    );
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert!(syntax_count(&diags) >= 1);
}

#[test]
fn a_hundred_thousand_nested_process_openings_on_one_line() {
    // One broken item.
    let text = "process p { ".repeat(100_000);
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert_eq!(syntax_count(&diags), 1);
}

/// Each line is a broken top-level item: 100,000 syntax errors. (Recovery
/// must cost each broken item its own size, not the rest of the file.)
#[test]
fn a_hundred_thousand_nested_process_openings_on_separate_lines() {
    let text = "process p {\n".repeat(100_000);
    let (ws, diags) = compile_text(&text);
    assert_spans_valid(&ws, &diags);
    assert_eq!(syntax_count(&diags), 100_000);
    assert_eq!(diags.len(), 100_000);
    // The cheap formats only: the others are exercised on smaller inputs.
    assert_eq!(render::short(&ws.sources, &diags).lines().count(), 100_000);
    // Each error is at its own item's `{`, which is not closed.
    assert!(diags.iter().enumerate().all(|(i, d)| {
        let r = render::range(&ws.sources, d.span);
        (r.line, r.column) == (i + 1, 11)
    }));
}

#[test]
fn a_hundred_thousand_nested_steps_and_strings() {
    let text = format!(
        "workflow w implements p {{\n{}",
        "step s {\n".repeat(100_000)
    );
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert_eq!(syntax_count(&diags), 1);

    let text = "\"".repeat(100_000);
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert!(syntax_count(&diags) >= 1);

    let text = format!("role r {}", "\"\"\"".repeat(33_333));
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert!(syntax_count(&diags) >= 1);

    let text = format!("role r \"{}", "\\".repeat(100_001));
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert!(syntax_count(&diags) >= 1);

    let codes: Vec<String> = (0..2_000).map(|i| format!("c{i}")).collect();
    let text = format!("role r \"x\" {{\n  allow {}\n}}\n", codes.join(",\n    "));
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    // Every unknown code is an `invalid-value`.
    assert_eq!(
        diags
            .iter()
            .filter(|d| d.code == Code::InvalidValue)
            .count(),
        2_000
    );
}

/// A small valid workflow file with `description` set to `description`.
fn small_valid_file(description: &str) -> String {
    format!(
        "role ops \"Operations\"\ntool crm \"CRM\"\n\
         process p \"P\" {{\n  outcome \"Done\"\n  owner ops\n  description \"{description}\"\n  step a \"A\"\n}}\n\
         workflow w \"W\" implements p {{\n  owner ops\n  step s \"S\" {{\n    implements a\n    owner ops\n    tool crm\n    description \"{description}\"\n  }}\n}}\n"
    )
}

#[test]
fn the_small_valid_file_is_clean() {
    let diags = exercise("fuzz.flow", None, small_valid_file("x").into_bytes());
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn a_one_megabyte_line_parses_and_checks_clean() {
    let piece = "Lorem ipsum é ☕ dolor. ";
    let long = piece.repeat(1024 * 1024 / piece.len() + 1);
    assert!(long.len() >= 1024 * 1024);
    let text = small_valid_file(&long);
    let diags = exercise("fuzz.flow", None, text.clone().into_bytes());
    assert!(diags.is_empty(), "{diags:#?}");

    // The whole file on one line.
    let one_line = text.replace('\n', " ");
    let diags = exercise("fuzz.flow", None, one_line.into_bytes());
    assert!(diags.is_empty(), "{diags:#?}");

    // A diagnostic after the long line's text: positions still come out.
    let broken = text.replacen("    owner ops\n    tool crm\n", "    tool crm\n", 1);
    let diags = exercise("fuzz.flow", None, broken.into_bytes());
    assert_eq!(
        diags.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec![Code::MissingOwner]
    );
}

/// A valid, lint-clean file of at least `target` bytes: roles and tools, then
/// processes and their workflows with unique names, using most attributes.
fn big_valid_file(target: usize, column_one_in_strings: bool) -> String {
    let mut s = String::with_capacity(target + 4096);
    s.push_str(
        "# A generated file.\n\
         role ops \"Operations\" {\n  who \"Maria López\"\n}\n\
         role founder \"Founder\"\n\
         role prospect \"Prospect\" { external }\n\
         tool crm \"CRM\" { url \"https://example.com/crm\" }\n\
         tool phone \"Phone\"\n\
         tool forms \"Forms ☕\"\n",
    );
    let mut i = 0usize;
    while s.len() < target {
        let blurb = if column_one_in_strings {
            // Lines at column 1 inside a block string that look like items:
            // a parser splitting the file at such lines must not be fooled.
            "\"\"\"\nworkflow x implements y {\nrole z\ntool t\n\"\"\""
        } else {
            "\"\"\"\n      Call within two days. Café ☕, 😀.\n        Indented.\n      \"\"\""
        };
        write!(
            s,
            "\n# Process number {i}.\n\
             process p{i} \"Process {i} \\\"quoted\\\" \\u{{1F600}}\" {{\n\
             \x20 outcome \"Outcome {i}\"\n\
             \x20 owner founder\n\
             \x20 step advertise \"Advertise\"\n\
             \x20 step capture\n\
             \x20 step qualify \"Qualify\" {{ description \"Check the fit\" }}\n\
             \x20 step follow_up \"Follow up\"\n\
             \x20 step extra \"Extra\" {{ optional }}\n\
             }}\n\
             workflow w{i} \"Workflow {i}\" implements p{i} {{\n\
             \x20 owner ops\n\
             \x20 trigger \"An ad is live\"\n\
             \x20 version \"1.{i}\"\n\
             \x20 step see_ad \"Sees the ad\" {{\n\
             \x20   implements advertise\n\
             \x20   owner prospect\n\
             \x20   tool forms\n\
             \x20 }}\n\
             \x20 step fill \"Fills the form\" {{\n\
             \x20   implements capture\n\
             \x20   owner prospect\n\
             \x20   tool forms\n\
             \x20   produces lead\n\
             \x20 }}\n\
             \x20 step add {{\n\
             \x20   implements capture\n\
             \x20   owner ops\n\
             \x20   tool crm\n\
             \x20   automated\n\
             \x20   needs lead\n\
             \x20   run \"crm add --lead {i}\"\n\
             \x20 }}\n\
             \x20 step email \"Email\" {{ implements qualify owner ops tool crm automated wait 30m }}\n\
             \x20 step score \"Score\" {{ implements qualify owner ops tool crm automated after add, email }}\n\
             \x20 step call \"Call\" {{\n\
             \x20   implements follow_up\n\
             \x20   owner founder\n\
             \x20   tool phone, crm\n\
             \x20   within 2d\n\
             \x20   when \"the score is 50 or more\"\n\
             \x20   needs lead\n\
             \x20   description {blurb}\n\
             \x20 }}\n\
             }}\n"
        )
        .unwrap();
        i += 1;
    }
    s
}

#[test]
fn a_generated_file_is_clean() {
    // Small enough to debug: the generator itself makes a clean file.
    for column_one in [false, true] {
        let text = big_valid_file(1, column_one);
        let diags = exercise("big.flow", None, text.into_bytes());
        assert!(diags.is_empty(), "{diags:#?}");
    }
}

#[test]
fn a_ten_megabyte_valid_file_checks_clean() {
    let text = big_valid_file(10 * 1024 * 1024, false);
    assert!(text.len() >= 10 * 1024 * 1024);
    let (_, diags) = compile_text(&text);
    assert!(diags.is_empty(), "{:#?}", &diags[..diags.len().min(5)]);
}

#[test]
fn a_large_crlf_file_checks_clean() {
    // Large, with CRLF line endings everywhere.
    let text = big_valid_file(1536 * 1024, false).replace('\n', "\r\n");
    let (_, diags) = compile_text(&text);
    assert!(diags.is_empty(), "{:#?}", &diags[..diags.len().min(5)]);
}

#[test]
fn a_large_file_with_item_lines_inside_block_strings_checks_clean() {
    // Every block string holds lines at column 1 that start with a top-level
    // keyword (where recovery would resume after an error).
    let text = big_valid_file(1536 * 1024, true);
    let (_, diags) = compile_text(&text);
    assert!(diags.is_empty(), "{:#?}", &diags[..diags.len().min(5)]);
}

/// A large generated file (resolved and linted on several threads) with `from` replaced by `to` once in every `every`-th workflow,
/// and how many workflows were changed.
fn big_file_broken_every(every: usize, from: &str, to: &str) -> (String, usize) {
    let text = big_valid_file(1536 * 1024, false);
    let mut broken = String::new();
    let mut changed = 0;
    for (n, item) in text.split_inclusive("\nworkflow ").enumerate() {
        if n % every == 1 {
            broken.push_str(&item.replacen(from, to, 1));
            changed += 1;
        } else {
            broken.push_str(item);
        }
    }
    (broken, changed)
}

/// Compiles `text` and checks that it reports `expected` diagnostics, each
/// once, inside the file, in order, and the same on every run.
fn assert_reported_once_in_order(text: &str, expected: usize) -> Vec<Diagnostic> {
    let (ws, diags) = compile_text(text);
    assert_spans_valid(&ws, &diags);
    assert_eq!(diags.len(), expected, "{:#?}", &diags[..diags.len().min(3)]);
    assert!(diags.windows(2).all(|w| w[0].span.start < w[1].span.start));
    for _ in 0..3 {
        assert_eq!(compile_text(text).1, diags);
    }
    diags
}

#[test]
fn a_large_file_with_errors_reports_them_all_in_order() {
    // Break the first step's `owner` keyword of some workflows.
    let (broken, expected) = big_file_broken_every(300, "owner prospect", "ownr prospect");
    assert!(expected >= 2);
    let diags = assert_reported_once_in_order(&broken, expected);
    assert_eq!(syntax_count(&diags), expected, "{diags:#?}");
}

#[test]
fn a_large_file_with_reference_errors_reports_each_once_in_order() {
    // Over 2,000 steps: workflows are resolved on several threads.
    let (broken, expected) = big_file_broken_every(50, "  owner ops\n", "  owner opz\n");
    assert!(expected >= 20);
    let diags = assert_reported_once_in_order(&broken, expected);
    assert!(
        diags.iter().all(|d| d.code == Code::UnknownReference
            && d.help.as_deref() == Some("did you mean `ops`?"))
    );
}

#[test]
fn a_large_file_with_lint_warnings_reports_each_once_in_order() {
    // Over 2,000 steps: the lints of workflows run on several threads.
    let (broken, expected) = big_file_broken_every(40, "    within 2d\n", "");
    assert!(expected >= 20);
    let diags = assert_reported_once_in_order(&broken, expected);
    assert!(diags.iter().all(|d| d.code == Code::HandoffWithoutDeadline));
}

#[test]
fn ten_thousand_syntax_errors_are_all_reported() {
    let mut text = String::new();
    for i in 0..10_000 {
        // `who` wants a string: each role is one broken item.
        writeln!(text, "role r{i} \"R\" {{\n  who Maria\n}}").unwrap();
    }
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert_eq!(syntax_count(&diags), 10_000);
    assert_eq!(diags.len(), 10_000);
    assert!(diags.iter().all(|d| d.severity == Severity::Error));

    // Broken items of every kind, alternating with good ones.
    let mut text = String::new();
    for i in 0..2_500 {
        writeln!(
            text,
            "tool t{i} \"T\" {{ url nope }}\nprocess p{i} {{ step }}\nrole ok{i}\nworkflow w{i} implements p{i} {{ step s {{ within 5 }} }}\nuse 42"
        )
        .unwrap();
    }
    let diags = exercise("fuzz.flow", None, text.into_bytes());
    assert_eq!(syntax_count(&diags), 10_000);
    assert_eq!(diags.len(), 10_000);
}

// ------------------------------------------------------------------ invalid UTF-8

#[test]
fn invalid_utf8_is_one_syntax_error_at_its_byte_offset() {
    let diags = exercise("bad.flow", None, b"role a \"\xff\"\n".to_vec());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.code, Code::Syntax);
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("bad.flow"), "{}", d.message);
    assert!(d.message.contains("byte offset 8"), "{}", d.message);
    assert_eq!(d.span.start, 8);
}

fn cli() -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn json_of(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn assert_no_panic(output: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "{:?}: {stderr}",
        output.status
    );
}

#[test]
fn cli_invalid_utf8_points_at_line_1_column_9() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.flow");
    std::fs::write(&file, b"role a \"\xff\"\n").unwrap();
    let output = cli()
        .arg("check")
        .arg(&file)
        .args(["--format", "json", "--no-config"])
        .output()
        .unwrap();
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(1));
    let json = json_of(&output);
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{json:#}");
    let d = &diags[0];
    assert_eq!(d["code"], "syntax");
    assert_eq!(d["line"], 1);
    assert_eq!(d["column"], 9);
    assert_eq!(d["end_line"], 1);
    assert_eq!(d["end_column"], 10);
    assert!(d["message"].as_str().unwrap().contains("bad.flow"));
    assert!(d["message"].as_str().unwrap().contains("byte offset 8"));

    // Every other format works on it too.
    for format in ["human", "short", "sarif", "github"] {
        let output = cli()
            .arg("check")
            .arg(&file)
            .args(["--format", format, "--no-config"])
            .output()
            .unwrap();
        assert_no_panic(&output);
        assert_eq!(output.status.code(), Some(1), "{format}");
    }
    let output = cli()
        .arg("check")
        .arg(&file)
        .args(["--format", "short", "--no-config"])
        .output()
        .unwrap();
    let short = String::from_utf8_lossy(&output.stdout);
    assert!(short.contains("bad.flow:1:9: error[syntax]"), "{short}");
}

#[test]
fn cli_nul_bytes_and_empty_files() {
    let dir = tempfile::tempdir().unwrap();

    let empty = dir.path().join("empty.flow");
    std::fs::write(&empty, b"").unwrap();
    for format in ["human", "short", "json", "sarif", "github"] {
        let output = cli()
            .arg("check")
            .arg(&empty)
            .args(["--format", format, "--no-config"])
            .output()
            .unwrap();
        assert_no_panic(&output);
        assert_eq!(output.status.code(), Some(0), "{format}");
    }
    let output = cli()
        .arg("check")
        .arg(&empty)
        .args(["--format", "json", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(json_of(&output)["diagnostics"], serde_json::json!([]));

    // A NUL where a token should be: a syntax error at it.
    let nul = dir.path().join("nul.flow");
    std::fs::write(&nul, b"role a\0 \"x\"\n").unwrap();
    for format in ["human", "short", "json", "sarif", "github"] {
        let output = cli()
            .arg("check")
            .arg(&nul)
            .args(["--format", format, "--no-config"])
            .output()
            .unwrap();
        assert_no_panic(&output);
        assert_eq!(output.status.code(), Some(1), "{format}");
    }
    let output = cli()
        .arg("check")
        .arg(&nul)
        .args(["--format", "json", "--no-config"])
        .output()
        .unwrap();
    let json = json_of(&output);
    assert_eq!(json["diagnostics"][0]["code"], "syntax");
    assert_eq!(json["diagnostics"][0]["line"], 1);
    assert_eq!(json["diagnostics"][0]["column"], 7);

    // A NUL inside a string, and only NULs: no panic either way.
    for bytes in [
        &b"role a \"x\0y\"\n"[..],
        b"\0",
        b"\0\0\0\n\0",
        b"\xef\xbb\xbf",
    ] {
        let file = dir.path().join("other.flow");
        std::fs::write(&file, bytes).unwrap();
        for format in ["human", "short", "json", "sarif", "github"] {
            let output = cli()
                .arg("check")
                .arg(&file)
                .args(["--format", format, "--no-config"])
                .output()
                .unwrap();
            assert_no_panic(&output);
            assert_ne!(output.status.code(), Some(2), "{bytes:?} {format}");
        }
    }

    // Standard input: empty, and invalid UTF-8.
    let output = cli()
        .args(["check", "-", "--format", "json", "--no-config"])
        .write_stdin(Vec::new())
        .output()
        .unwrap();
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(0));
    let output = cli()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "in.flow",
            "--format",
            "json",
            "--no-config",
        ])
        .write_stdin(b"role a \"\xff\"\n".to_vec())
        .output()
        .unwrap();
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(1));
    let json = json_of(&output);
    assert_eq!(json["diagnostics"][0]["file"], "in.flow");
    assert_eq!(json["diagnostics"][0]["column"], 9);
}

// ------------------------------------------------ random valid files parse
//
// `random_valid_file` writes random files that the grammar accepts: every kind
// of item and attribute, blanks and comments wherever the grammar allows them.
// pest (the one parser) must read each without a syntax error.

use procflow::ast::DeclKind;
use procflow::source::FileId;
use procflow::syntax::words::{self, Attribute, Shape};

/// A random valid file from a seed: every kind of item and attribute, with
/// random blanks, line endings and comments wherever the grammar allows them,
/// none where it allows none (`role a"title"{who "x"}`).
fn random_valid_file(seed: u64) -> String {
    struct G {
        state: u64,
        out: String,
    }
    impl G {
        fn below(&mut self, n: usize) -> usize {
            // xorshift64*: small, deterministic, good enough for picking.
            self.state ^= self.state >> 12;
            self.state ^= self.state << 25;
            self.state ^= self.state >> 27;
            let r = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D);
            usize::try_from(r >> 33).unwrap() % n
        }
        fn push(&mut self, choices: &[&str]) {
            let pick = choices[self.below(choices.len())];
            self.out.push_str(pick);
        }
        /// Trivia before a token: none possible unless two words would merge.
        fn space(&mut self, next_is_word: bool) {
            let after_word = self
                .out
                .bytes()
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if after_word && next_is_word {
                self.sep();
            } else {
                self.push(&[
                    "",
                    "",
                    " ",
                    "\n",
                    "\t",
                    "\r\n",
                    " # note\n",
                    "#c\r",
                    "\n\n  ",
                ]);
            }
        }
        /// At least one blank or comment.
        fn sep(&mut self) {
            self.push(&[
                " ",
                " ",
                "\n    ",
                "\t",
                "\r\n",
                " # note é\n",
                "#\n",
                "\n\n  ",
            ]);
        }
        fn word(&mut self, word: &str) {
            self.space(true);
            self.out.push_str(word);
        }
        fn name(&mut self) {
            if !self.out.ends_with(char::is_whitespace) {
                self.space(true);
            }
            self.push(&[
                "a", "b-2", "x_y", "Lead", "crm", "p1", "steps", "tools", "Z",
            ]);
        }
        fn names(&mut self) {
            self.name();
            for _ in 0..self.below(3) {
                self.space(false);
                self.out.push(',');
                self.name();
            }
        }
        fn string(&mut self) {
            self.space(false);
            self.push(&[
                "\"x\"",
                "\"\"",
                "\"Café ☕ \\\" \\\\ \\n \\t \\u{1F600} \\u{41}\"",
                "\"# not a comment { }\"",
                "\"\"\"\n    a\n      b\n\n    c\n    \"\"\"",
                "\"\"\"one line\"\"\"",
                "\"\"\"\r\n  x\r\n  \"\"\"",
                "\"\"\"\nrole r\n\"\"\"",
                "\"\"\"\"\"\"",
            ]);
        }
        fn attr(&mut self, attribute: &Attribute) {
            self.word(attribute.keyword());
            match attribute.shape {
                Shape::Flag => {}
                Shape::Name => {
                    self.sep();
                    self.push(&["ops", "a-b", "Founder_1", "escalate", "every"]);
                }
                Shape::Names => {
                    self.sep();
                    self.names();
                }
                Shape::Codes => {
                    self.sep();
                    self.push(&["unused-tool", "warnings", "owner", "step"]);
                    if self.below(2) == 0 {
                        self.space(false);
                        self.out.push_str(",missing-tool");
                    }
                }
                Shape::Duration => {
                    self.sep();
                    self.push(&["2d", "30m", "1w", "0h", "007d", "99999999999999999999999m"]);
                }
                Shape::Text => {
                    self.sep();
                    self.string();
                }
                Shape::Decision => {
                    self.sep();
                    self.name();
                    self.string();
                }
                Shape::Conditions => {
                    self.sep();
                    self.condition();
                    for _ in 0..self.below(3) {
                        self.space(false);
                        self.out.push(',');
                        self.condition();
                    }
                }
                Shape::Rework => {
                    self.sep();
                    self.name();
                    self.word("when");
                    self.word("not");
                    self.name();
                }
            }
        }
        /// `"text"`, `NAME` or `not NAME`.
        fn condition(&mut self) {
            match self.below(3) {
                0 => self.string(),
                1 => self.name(),
                _ => {
                    self.word("not");
                    self.name();
                }
            }
        }
        /// The body of a block: any attribute the table of words allows in
        /// it (`procflow::syntax::words`), and steps in processes and
        /// workflows.
        fn body(&mut self, block: DeclKind) {
            let attrs: Vec<&Attribute> = words::allowed_in(block).collect();
            let steps = match block {
                DeclKind::Process => Some(DeclKind::ProcessStep),
                DeclKind::Workflow => Some(DeclKind::WorkflowStep),
                _ => None,
            };
            self.space(false);
            self.out.push('{');
            for _ in 0..self.below(6) {
                match steps {
                    Some(step) if self.below(3) == 0 => self.decl("step", step),
                    _ => {
                        let attr = attrs[self.below(attrs.len())];
                        self.attr(attr);
                    }
                }
            }
            self.space(false);
            self.out.push('}');
        }
        fn decl(&mut self, keyword: &str, block: DeclKind) {
            self.word(keyword);
            self.name();
            if self.below(2) == 0 {
                self.string();
            }
            if block == DeclKind::Workflow {
                self.word("implements");
                self.name();
            }
            // Processes, workflows and workflow steps need a body.
            let body_required = matches!(
                block,
                DeclKind::Process | DeclKind::Workflow | DeclKind::WorkflowStep
            );
            if body_required || self.below(2) == 0 {
                self.body(block);
            }
        }
    }
    let mut g = G {
        state: seed | 1,
        out: String::new(),
    };
    // No byte-order mark: the parser reads a file's text without it (the
    // source map removes it), and any U+FEFF it sees is a syntax error.
    for _ in 0..g.below(8) {
        match g.below(5) {
            0 => {
                g.word("use");
                g.string();
            }
            1 => g.decl("role", DeclKind::Role),
            2 => g.decl("tool", DeclKind::Tool),
            3 => g.decl("process", DeclKind::Process),
            _ => g.decl("workflow", DeclKind::Workflow),
        }
    }
    g.space(false);
    g.out
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn random_valid_files_parse_without_errors(seed in any::<u64>()) {
        let text = random_valid_file(seed);
        let (_, errors) = procflow::syntax::parse(FileId(0), &text);
        prop_assert!(
            errors.is_empty(),
            "a valid file was rejected:\n{}\npest says: {:?}",
            text,
            errors.first().map(|d| (&d.message, &text[(d.span.start as usize).saturating_sub(120)..d.span.start as usize]))
        );
    }
}

#[test]
fn near_misses_are_syntax_errors() {
    // Each is close to a valid file but an error for the language.
    for text in [
        "role step",
        "role a { who \"\\u{1234567}\" }",
        "role a { who\"x\" }",
        "role a { externalx }",
        "tool t { url \"x\n\" }",
        "process p { step s { optional } step run }",
        "workflow w implements p { step s { after a, } }",
        "workflow w implements p { step s { wait 2dd } }",
        "workflow w implements p { step s { wait 2 d } }",
        "workflow w implements p { step s { owner step } }",
        "workflow w \"t\" { }",
        "role a { who \"\"\"x\"\" }",
        "role a {",
        "rolea",
    ] {
        let (_, errors) = procflow::syntax::parse(FileId(0), text);
        assert!(!errors.is_empty(), "no error for: {text}");
    }
}
