//! The properties the fuzz targets check: ONE definition, included (with
//! `#[path]`) by the cargo-fuzz targets in `fuzz/fuzz_targets/` and by the
//! stable replay test `tests/fuzz_replay.rs`, so the replay runs exactly what
//! the fuzzer runs.
//!
//! Each property takes the fuzzer's bytes and returns `Err(what broke)` when a
//! promise of the compiler is broken; a panic inside procflow is a failure of
//! its own (the fuzzer reports it as a crash, the replay test fails). The
//! targets turn an `Err` into a panic.
//!
//! Files are never read from disk: a `use` is served from memory
//! ([`Memory`]: `team.flow` and `lib.flow`), so a run is deterministic and a
//! hostile `use` cannot reach the machine.

use std::fmt::Write as _;
use std::io;
use std::path::{Component, Path, PathBuf};

use procflow::backend::{self, dot, mermaid, plan, sop};
use procflow::fmt::{FormatOptions, format_source};
use procflow::markdown;
use procflow::render;
use procflow::source::FileId;
use procflow::syntax;
use procflow::{Code, Compilation, Levels, Loader, Severity, Workspace};

/// What a property returns: `Err` names the broken promise.
pub type Outcome = Result<(), String>;

/// A target's property.
pub type Property = fn(&[u8]) -> Outcome;

/// Every target: its name (the fuzz target's and the corpus folder's) and its
/// property.
pub const TARGETS: [(&str, Property); 5] = [
    ("check", check),
    ("fmt", fmt),
    ("backends", backends),
    ("markdown", markdown),
    ("lsp", lsp),
];

/// The files a `use` can reach: two small libraries, in memory.
const FILES: [(&str, &str); 2] = [
    ("team.flow", include_str!("../../examples/team.flow")),
    (
        "lib.flow",
        include_str!("../../tests/fixtures/check/import/lib.flow"),
    ),
];

/// A loader that serves [`FILES`] (paths normalised without touching the
/// disk) and nothing else.
pub struct Memory;

impl Loader for Memory {
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
        for component in path.components() {
            match component {
                Component::Normal(part) => parts.push(part),
                Component::CurDir => {}
                Component::ParentDir if parts.pop().is_some() => {}
                _ => return Err(io::ErrorKind::NotFound.into()),
            }
        }
        let normal: PathBuf = parts.iter().collect();
        if FILES.iter().any(|(name, _)| Path::new(name) == normal) {
            Ok(normal)
        } else {
            Err(io::ErrorKind::NotFound.into())
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        FILES
            .iter()
            .find(|(name, _)| Path::new(name) == path)
            .map(|(_, text)| text.as_bytes().to_vec())
            .ok_or_else(|| io::ErrorKind::NotFound.into())
    }
}

/// Compiles bytes as `procflow check` compiles a text (`Input::Text`: invalid
/// UTF-8 is a syntax error), with the default levels.
fn compile(data: &[u8]) -> (Workspace<Memory>, Compilation) {
    let mut workspace = Workspace::new(Memory);
    let root = workspace.add_bytes("fuzz.flow", None, data.to_vec());
    let compilation = workspace.compile(root, &Levels::default());
    (workspace, compilation)
}

/// The diagnostics in every output format (what a user would see), checking
/// that every span lies on character boundaries inside its file.
fn render_diagnostics(workspace: &Workspace<Memory>, compilation: &Compilation) -> Outcome {
    let sources = &workspace.sources;
    for d in &compilation.diagnostics {
        for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
            let text = &sources.get(span.file).text;
            let (start, end) = (span.start as usize, span.end as usize);
            if start > end
                || end > text.len()
                || !text.is_char_boundary(start)
                || !text.is_char_boundary(end)
            {
                return Err(format!(
                    "span {start}..{end} of `{}` ({:?}) is outside its text or splits a character",
                    d.code.name(),
                    d.message
                ));
            }
        }
    }
    let diagnostics = &compilation.diagnostics;
    let _ = render::short(sources, diagnostics);
    let _ = render::human(sources, diagnostics, render::HumanOptions { color: false });
    let _ = render::human(sources, diagnostics, render::HumanOptions { color: true });
    let _ = render::json(sources, diagnostics, 1);
    // SARIF's cost is mostly its fixed table of rules: one input in four.
    if sources.get(compilation.root).text.len() % 4 == 0 {
        let _ = render::sarif(sources, diagnostics);
    }
    let _ = render::github(sources, diagnostics);
    Ok(())
}

/// Target `check`: any bytes are parsed and checked and every diagnostic
/// rendered in every format, without panic; a compilation with syntax errors
/// reports only syntax and import errors (no cascades).
///
/// # Errors
/// The broken promise.
pub fn check(data: &[u8]) -> Outcome {
    let (workspace, compilation) = compile(data);
    render_diagnostics(&workspace, &compilation)?;
    let has_syntax = compilation
        .diagnostics
        .iter()
        .any(|d| d.code == Code::Syntax);
    if has_syntax
        && let Some(d) = compilation
            .diagnostics
            .iter()
            .find(|d| !matches!(d.code, Code::Syntax | Code::Import))
    {
        return Err(format!(
            "a file with syntax errors also reports `{}`: {}",
            d.code.name(),
            d.message
        ));
    }
    Ok(())
}

/// The comments of a text that parses, in order, without trailing blanks
/// (the formatter removes those).
fn comments(text: &str) -> Vec<String> {
    // The parser sees a file without its byte-order mark (as `check` and
    // `fmt` give it); with the mark, the first item is a syntax error and
    // where recovery resumes (the next line starting a top-level keyword)
    // depends on how the lines end, which `fmt` changes.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (file, _) = syntax::parse(FileId(0), text);
    file.comments
        .iter()
        .map(|s| text[s.range()].trim_end().to_owned())
        .collect()
}

/// What a text means, to compare before and after formatting: the code,
/// severity and message of every diagnostic and, without errors, the plan of
/// every root workflow.
fn meaning(text: &str) -> String {
    let (_, compilation) = compile(text.as_bytes());
    let mut out = String::new();
    for d in &compilation.diagnostics {
        let _ = writeln!(out, "{} {:?} {}", d.code.name(), d.severity, d.message);
    }
    if !compilation.has_errors() {
        for w in backend::root_workflows(&compilation.model) {
            out.push_str(&plan::render(&compilation.model, w));
        }
    }
    out
}

/// Target `fmt`: `check` and `fmt` agree on what parses; formatting is
/// idempotent, keeps every comment in order and keeps the meaning (the
/// diagnostics and every root workflow's plan).
///
/// # Errors
/// The broken promise.
pub fn fmt(data: &[u8]) -> Outcome {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let (_, compilation) = compile(data);
    let checks = !compilation
        .diagnostics
        .iter()
        .any(|d| d.code == Code::Syntax);
    let options = FormatOptions::default();
    let out = match (format_source(text, &options), checks) {
        (Err(_), false) => return Ok(()),
        (Err(e), true) => {
            return Err(format!(
                "fmt refuses a text in which check finds no syntax error: {:?}",
                e.first().map(|d| &d.message)
            ));
        }
        (Ok(_), false) => {
            return Err("fmt formats a text in which check finds a syntax error".to_owned());
        }
        (Ok(out), true) => out,
    };
    match format_source(&out, &options) {
        Err(e) => {
            return Err(format!(
                "the formatted text does not parse: {:?}\n{out:?}",
                e.first().map(|d| &d.message)
            ));
        }
        Ok(again) if again != out => {
            return Err(format!(
                "formatting is not idempotent:\n{out:?}\nthen\n{again:?}"
            ));
        }
        Ok(_) => {}
    }
    if comments(&out) != comments(text) {
        return Err(format!(
            "comments changed: {:?} became {:?}",
            comments(text),
            comments(&out)
        ));
    }
    let (before, after) = (meaning(text), meaning(&out));
    if before != after {
        return Err(format!(
            "formatting changed the meaning:\n{before}\nbecame\n{after}"
        ));
    }
    Ok(())
}

/// Every document of a text without errors, labelled, or `None` when it has
/// errors (backends only run then).
fn documents(data: &[u8]) -> Option<Vec<(String, String)>> {
    let (_, compilation) = compile(data);
    if compilation.has_errors() {
        return None;
    }
    let model = &compilation.model;
    let mut out = vec![("dot".to_owned(), dot::render(model, None))];
    for w in backend::root_workflows(model) {
        let name = &model.workflows[w.0].name.text;
        out.push((format!("dot {name}"), dot::render(model, Some(w))));
        out.push((
            format!("sop {name}"),
            sop::render(model, w, sop::SopOptions::default()),
        ));
        out.push((format!("plan {name}"), plan::render(model, w)));
        out.push((format!("mermaid {name}"), mermaid::render(model, w)));
    }
    Some(out)
}

/// Target `backends`: a text that checks without errors renders in every
/// backend (DOT of the file and of each workflow, SOP, plan, Mermaid) without
/// panic, the same bytes twice, and every plan is JSON.
///
/// # Errors
/// The broken promise.
pub fn backends(data: &[u8]) -> Outcome {
    let Some(first) = documents(data) else {
        return Ok(());
    };
    let second = documents(data).ok_or("the second compilation has errors")?;
    for ((label, a), (_, b)) in first.iter().zip(&second) {
        if a != b {
            return Err(format!("{label} differs between two runs"));
        }
        if label.starts_with("plan ")
            && let Err(e) = serde_json::from_str::<serde_json::Value>(a)
        {
            return Err(format!("{label} is not JSON: {e}"));
        }
    }
    if first.len() != second.len() {
        return Err("two runs made different numbers of documents".to_owned());
    }
    Ok(())
}

/// The text of a Markdown document outside its `flow` blocks, piece by piece.
fn prose(text: &str, blocks: &[markdown::Block]) -> Vec<String> {
    let mut out = Vec::new();
    let mut last = 0;
    for b in blocks {
        out.push(text[last..b.start].to_owned());
        last = b.end;
    }
    out.push(text[last..].to_owned());
    out
}

/// Target `markdown`: the `flow` blocks of a Markdown document are found and
/// checked (as `check` does, positioned in the document) and formatted (as
/// `fmt` does). `check` and `fmt` agree on which blocks do not parse; a block
/// that does not parse is left byte for byte (so is everything outside the
/// blocks); formatting keeps the blocks and is idempotent.
///
/// # Errors
/// The broken promise.
pub fn markdown(data: &[u8]) -> Outcome {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let blocks = markdown::flow_blocks(text);
    let mut workspace = Workspace::new(Memory);
    let mut broken = Vec::new();
    for (i, &block) in blocks.iter().enumerate() {
        let id = workspace.add_text("doc.md", None, markdown::mask(text, block));
        let compilation = workspace.compile(id, &Levels::default());
        render_diagnostics(&workspace, &compilation)?;
        if compilation
            .diagnostics
            .iter()
            .any(|d| d.code == Code::Syntax && d.severity == Severity::Error)
        {
            broken.push(i);
        }
    }
    let options = FormatOptions::default();
    let out = match markdown::format_blocks(text, &options) {
        Err(refused) => {
            let refused: Vec<usize> = refused
                .iter()
                .filter_map(|b| blocks.iter().position(|x| x == b))
                .collect();
            if refused != broken {
                return Err(format!(
                    "fmt refuses blocks {refused:?}, check finds syntax errors in blocks {broken:?}"
                ));
            }
            return Ok(());
        }
        Ok(out) => out,
    };
    let after = markdown::flow_blocks(&out);
    if after.len() != blocks.len() {
        return Err(format!(
            "formatting changed the blocks: {} became {}\n{out:?}",
            blocks.len(),
            after.len()
        ));
    }
    for &i in &broken {
        let (b, a) = (blocks[i], after[i]);
        if text[b.start..b.end] != out[a.start..a.end] {
            return Err(format!(
                "block {i} does not parse (check) but fmt changed it: {:?} became {:?}",
                &text[b.start..b.end],
                &out[a.start..a.end]
            ));
        }
    }
    if prose(text, &blocks) != prose(&out, &after) {
        return Err(format!(
            "formatting changed the text outside the blocks:\n{out:?}"
        ));
    }
    match markdown::format_blocks(&out, &options) {
        Ok(again) if again == out => Ok(()),
        Ok(again) => Err(format!(
            "formatting is not idempotent:\n{out:?}\nthen\n{again:?}"
        )),
        Err(_) => Err(format!("the formatted document does not format:\n{out:?}")),
    }
}

/// `lsp`: the bytes are what a client sends the language server. Whatever
/// they are, the server never panics or exits the process
/// (`procflow::lsp::serve_bytes` runs it in memory), and everything it writes
/// is a sequence of whole frames, each `Content-Length: N` then N bytes of a
/// JSON-RPC 2.0 message.
///
/// # Errors
/// The broken promise.
pub fn lsp(data: &[u8]) -> Outcome {
    let out = procflow::lsp::serve_bytes(data);
    let mut rest = &out[..];
    while !rest.is_empty() {
        let Some(end) = rest.windows(4).position(|w| w == b"\r\n\r\n") else {
            return Err(format!("a frame without the end of its header: {rest:?}"));
        };
        let header = std::str::from_utf8(&rest[..end]).map_err(|e| e.to_string())?;
        let length: usize = header
            .lines()
            .find_map(|line| line.strip_prefix("Content-Length: "))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| format!("a frame without Content-Length: {header:?}"))?;
        let body_start = end + 4;
        let Some(body) = rest.get(body_start..body_start + length) else {
            return Err(format!("a frame shorter than its Content-Length {length}"));
        };
        let message: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| format!("a frame that is not JSON: {e}"))?;
        if message.get("jsonrpc").and_then(serde_json::Value::as_str) != Some("2.0") {
            return Err(format!("a message that is not JSON-RPC 2.0: {message}"));
        }
        rest = &rest[body_start + length..];
    }
    Ok(())
}
