//! The Markdown SOP backend: a snapshot of the SOP of every example workflow,
//! the committed copies in `docs/sop-examples/`, escaping of hostile text, and
//! the real `markdownlint-cli2` (default rules) on every document, and random
//! workflows of hostile text through every backend.
//!
//! markdownlint is installed from `tools/markdownlint/package-lock.json` with
//! `npm ci --prefix tools/markdownlint`; without it the lint tests fail.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use common::random_flow::random_flow;
use procflow::backend::sop::{self, SopOptions};
use procflow::backend::{dot, mermaid, plan, root_workflows};
use procflow::{Compilation, Levels, Workspace};

fn root() -> &'static Path {
    common::crate_dir()
}

/// Every `examples/*.flow`, compiled (each must be free of diagnostics).
fn examples() -> Vec<(String, Compilation)> {
    common::examples()
        .into_iter()
        .map(|path| (common::stem(&path), common::compile(&path)))
        .collect()
}

/// Every SOP of the examples: (workflow id, with mermaid, without).
fn example_sops() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (_, c) in examples() {
        for w in root_workflows(&c.model) {
            let id = c.model.workflows[w.0].name.text.clone();
            let with = sop::render(&c.model, w, SopOptions::default());
            let without = sop::render(&c.model, w, SopOptions { mermaid: false });
            out.push((id, with, without));
        }
    }
    out
}

/// Compiles Flow text; it must have no errors (lints are fine).
fn compile(text: &str) -> Compilation {
    let mut ws = Workspace::default();
    let id = ws.add_text("test.flow", None, text.to_owned());
    let c = ws.compile(id, &Levels::default());
    let errors: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == procflow::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    c
}

/// The SOPs of every workflow of `text`, with and without the flowchart;
/// checks that each embedded chart reads as the Mermaid backend's chart.
fn sops_of(text: &str) -> Vec<String> {
    let c = compile(text);
    let mut out = Vec::new();
    let mut charts = Vec::new();
    for w in root_workflows(&c.model) {
        let with = sop::render(&c.model, w, SopOptions::default());
        charts.push((mermaid::render(&c.model, w), embedded_chart(&with)));
        out.push(with);
        out.push(sop::render(&c.model, w, SopOptions { mermaid: false }));
    }
    assert!(!out.is_empty());
    assert_charts_read_the_same(&charts);
    out
}

/// The content of the SOP's `mermaid` code block.
fn embedded_chart(doc: &str) -> String {
    let start = doc.find("```mermaid\n").unwrap() + "```mermaid\n".len();
    let len = doc[start..].find("\n```").unwrap();
    format!("{}\n", &doc[start..start + len])
}

/// Runs the real Mermaid parser (`tests/js`, installed with
/// `npm ci --prefix tests/js`) on each (original, embedded) pair of charts:
/// both parse, and read the same but for line breaks in labels.
fn assert_charts_read_the_same(charts: &[(String, String)]) {
    let script = root().join("tests/js/mermaid-parse.mjs");
    assert!(
        root().join("tests/js/node_modules/mermaid").is_dir(),
        "the Mermaid parser is not installed: run `npm ci --prefix tests/js`"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (n, (original, embedded)) in charts.iter().enumerate() {
        for (kind, chart) in [("original", original), ("embedded", embedded)] {
            let file = dir.path().join(format!("{n}-{kind}.mmd"));
            std::fs::write(&file, chart).unwrap();
            files.push(file);
        }
    }
    let output = Command::new("node")
        .arg(&script)
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): install Node.js"));
    assert!(
        output.status.success(),
        "Mermaid rejected a chart:\n{}\n{charts:#?}",
        String::from_utf8_lossy(&output.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = parsed.as_array().unwrap();
    // Line breaks in labels read as spaces.
    let flat = |v: &serde_json::Value| {
        let mut v = v.clone();
        v["file"] = serde_json::Value::Null;
        v.to_string().replace("\\n", " ")
    };
    for pair in results.chunks(2) {
        assert_eq!(pair[0]["ok"], true, "{}", pair[0]["error"]);
        assert_eq!(pair[1]["ok"], true, "{}", pair[1]["error"]);
        assert_eq!(flat(&pair[0]), flat(&pair[1]));
    }
}

/// Runs the real markdownlint-cli2, with its default rules, on `docs` (name,
/// text), written to a fresh temporary folder; panics with its report.
fn markdownlint(docs: &[(String, String)]) {
    let bin = root().join("tools/markdownlint/node_modules/.bin/markdownlint-cli2");
    assert!(
        bin.exists(),
        "markdownlint-cli2 is not installed ({}): run `npm ci --prefix tools/markdownlint`",
        bin.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for (name, text) in docs {
        let file = format!("{name}.md");
        std::fs::write(dir.path().join(&file), text).unwrap();
        names.push(file);
    }
    // The folder holds no configuration file, so the default rules apply.
    let output = Command::new(&bin)
        .args(&names)
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}): run `npm ci --prefix tools/markdownlint`",
                bin.display()
            )
        });
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "markdownlint-cli2 found problems:\n{report}\n--- documents ---\n{}",
        docs.iter().fold(String::new(), |mut all, (n, t)| {
            let _ = write!(all, "=== {n}.md\n{}", numbered(t));
            all
        })
    );
    assert!(report.contains("Summary: 0 error(s)"), "{report}");
}

fn numbered(text: &str) -> String {
    text.lines()
        .enumerate()
        .fold(String::new(), |mut all, (i, l)| {
            let _ = writeln!(all, "{:4} {l}", i + 1);
            all
        })
}

/// Checks what every SOP must be, whatever its input.
fn assert_well_formed(doc: &str) {
    assert!(doc.starts_with("# "), "first line is a top-level heading");
    assert!(
        doc.ends_with('\n') && !doc.ends_with("\n\n"),
        "exactly one final newline"
    );
    assert!(!doc.contains("\n\n\n"), "no two blank lines in a row");
    for line in doc.lines() {
        assert_eq!(line, line.trim_end(), "trailing whitespace: {line:?}");
        assert!(!line.contains('\t'), "tab: {line:?}");
    }
    assert_tables_keep_their_columns(doc);
}

/// The cells of a table row: split at `|` not escaped by a backslash.
fn cells(row: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count - 1
}

/// Every row of every table has as many cells as its header.
fn assert_tables_keep_their_columns(doc: &str) {
    let mut in_code = false;
    let mut header: Option<usize> = None;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code || !line.starts_with('|') {
            header = None;
            continue;
        }
        let n = cells(line);
        match header {
            None => header = Some(n),
            Some(h) => assert_eq!(n, h, "row with another number of cells: {line:?}"),
        }
    }
}

#[test]
fn sop_of_every_example_workflow() {
    let sops = example_sops();
    assert!(sops.len() >= 3);
    for (id, with, without) in &sops {
        assert_well_formed(with);
        assert_well_formed(without);
        insta::assert_snapshot!(id.as_str(), with);
        insta::assert_snapshot!(format!("{id}-no-mermaid"), without);
    }
}

#[test]
fn markdownlint_passes_on_every_example_sop() {
    let mut docs = Vec::new();
    for (id, with, without) in example_sops() {
        docs.push((id.clone(), with));
        docs.push((format!("{id}-no-mermaid"), without));
    }
    // The page that documents the SOP keeps the same rules.
    let page = std::fs::read_to_string(root().join("docs/outputs/sop.md")).unwrap();
    docs.push(("docs-outputs-sop".to_owned(), page));
    markdownlint(&docs);
}

#[test]
fn committed_example_sops_are_current() {
    // `UPDATE_DOCS=1 cargo test --test backend_sop` rewrites them.
    let dir = root().join("docs/sop-examples");
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let sops = example_sops();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut expected = Vec::new();
    for (id, with, _) in &sops {
        let path = dir.join(format!("{id}.md"));
        if update {
            std::fs::write(&path, with).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            &committed == with,
            "{} is out of date: run `UPDATE_DOCS=1 cargo test --test backend_sop`",
            path.display()
        );
        expected.push(format!("{id}.md"));
    }
    // No stale SOP of a workflow that is gone.
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "md"))
        .collect();
    present.sort();
    expected.sort();
    assert_eq!(
        present, expected,
        "docs/sop-examples/ holds exactly the examples' SOPs"
    );
}

#[test]
fn output_is_deterministic() {
    for (_, c) in examples() {
        for w in root_workflows(&c.model) {
            let a = sop::render(&c.model, w, SopOptions::default());
            let b = sop::render(&c.model, w, SopOptions::default());
            assert_eq!(a, b);
        }
    }
    // And across compilations.
    let first: Vec<_> = example_sops();
    let second: Vec<_> = example_sops();
    assert_eq!(first, second);
}

#[test]
fn without_mermaid_there_is_no_flowchart() {
    for (_, with, without) in example_sops() {
        assert!(with.contains("## Flowchart\n") && with.contains("```mermaid\n"));
        assert!(!without.contains("## Flowchart") && !without.contains("```mermaid"));
        // The rest is the same document.
        assert!(with.starts_with(without.trim_end()));
    }
}

const HOSTILE: &str = r###"
role boss "Boss | <b>Chief</b>" {
  who "Ann # `x`"
  description "- not a list\n# not a heading & co &amp; [x](y) *y* _z_"
}
role ext "> Client | one" {
  external
}
tool t1 "Tool | one <script>" {
  url "https://example.com/a b|c)"
}
tool t2 "here" {
  url "https://example.com/"
}
process p "# Process | title\nwith a newline" {
  outcome "<script>alert('x')</script> done | yes\n\n# and a heading"
  owner boss
  description "Visit https://example.com/x, write to ops@example.com.\n<div>html</div>"
  step a "1. First | step"
  step b "- second *step*" {
    optional
  }
  step c "`third` | ``"
}
workflow wf "Hostile | workflow\n# with a heading!" implements p {
  owner boss
  trigger "When `x` | y > z & <w> https://t.co"
  version "1.0 | beta"
  input brief
  target 2d
  every 1w
  description "# Heading in description\n<script>bad()</script>\n```\nunclosed fence"
  step s1 "Title with | pipe and #hash." {
    implements a
    owner boss
    with ext
    tool t1, t2
    needs brief
    takes 2h
    decides ok "# Is | it <b>ok</b>? [x](y) *z*"
    description """
      # Purpose
      Text with <b>html</b>, a | pipe, and `code | kept`.
      * star bullet
      + plus bullet

      Setext heading
      ==============
      """
  }
  step s2 "--- dashes | and \\ backslash" {
    implements c
    owner ext
    tool t2
    within 1d
    escalate boss
    when "x | y <z>"
    run "echo `a` | grep b"
    description "## Purpose\n## Purpose"
  }
  step s3 "=" {
    implements c
    owner boss
    tool t1
    when not ok
    rework s1 when not ok
    run "line one\nline two | three"
  }
}
"###;

#[test]
fn hostile_text_keeps_the_document_structure() {
    let docs = sops_of(HOSTILE);
    for doc in &docs {
        assert_well_formed(doc);
        // No raw HTML anywhere outside code.
        assert!(
            !doc.contains("<script>") || doc.contains("```sh\necho"),
            "{doc}"
        );
        for bad in ["<script>", "<b>", "<div>", "<w>", "<z>"] {
            let outside_code = doc.split("```").step_by(2).any(|part| part.contains(bad));
            assert!(!outside_code, "raw {bad} in:\n{doc}");
        }
        let lines: Vec<&str> = doc.lines().collect();
        // The title is one heading line, even with a newline in it.
        assert!(
            lines[0].starts_with("# Hostile | workflow \\# with a heading"),
            "{}",
            lines[0]
        );
        assert_eq!(lines[1], "");
        // The only top-level heading is the title; the sections are all there.
        assert_eq!(lines.iter().filter(|l| l.starts_with("# ")).count(), 1);
        for section in [
            "Purpose",
            "Scope",
            "Roles and responsibilities",
            "Tools",
            "Procedure",
            "Traceability",
        ] {
            assert!(
                lines.contains(&format!("## {section}").as_str()),
                "{section}"
            );
        }
        // The metadata table: 5 rows of 2 cells.
        let table: Vec<&&str> = lines.iter().filter(|l| l.starts_with("| ")).collect();
        assert!(table.iter().any(|l| l.starts_with("| Trigger | ")));
        assert!(table.iter().all(|l| cells(l) == 2), "{table:?}");
        // Step headings are numbered, escaped, without trailing punctuation.
        assert!(
            lines.contains(&"### 1. Title with | pipe and \\#hash"),
            "{doc}"
        );
        assert!(
            lines.contains(&"### 2. --- dashes | and \\\\ backslash"),
            "{doc}"
        );
        assert!(lines.contains(&"### 3. ="), "{doc}");
        // The unclosed fence of the description is closed before the Purpose.
        let purpose = lines.iter().position(|l| *l == "## Purpose").unwrap();
        let fences = lines[..purpose]
            .iter()
            .filter(|l| l.starts_with("```"))
            .count();
        assert_eq!(fences % 2, 0, "{doc}");
        // Headings from descriptions are demoted and unique.
        assert!(lines.contains(&"#### Purpose (step 1)"), "{doc}");
        assert!(lines.contains(&"#### Purpose (step 2)"), "{doc}");
        assert!(lines.contains(&"#### Purpose (step 2) (2)"), "{doc}");
        assert!(lines.contains(&"#### Setext heading"), "{doc}");
        // Bare URLs and addresses are links, not bare.
        assert!(doc.contains("<https://example.com/x>,"), "{doc}");
        assert!(doc.contains("<ops@example.com>."), "{doc}");
        // "here" is not link text.
        assert!(doc.contains("here: <https://example.com/>"), "{doc}");
        // The question, everywhere it is quoted, is escaped text.
        assert!(
            doc.contains("- Decide: \\# Is | it \\<b\\>ok\\</b\\>? \\[x\\](y) \\*z\\* (yes or no)"),
            "{doc}"
        );
        assert!(
            doc.contains("- With: \\> Client | one (outside the team)"),
            "{doc}"
        );
    }
    let named: Vec<(String, String)> = docs
        .into_iter()
        .enumerate()
        .map(|(i, d)| (format!("hostile-{i}"), d))
        .collect();
    markdownlint(&named);
}

/// Long titles, triggers and descriptions: tables that would be too wide are
/// lists, long headings are cut, prose is wrapped.
fn long_flow() -> String {
    let long = "A very long title that goes on and on about what exactly this step is meant to achieve for the client";
    format!(
        r#"
role r "{long}" {{
  who "Somebody With A Remarkably Long Name Who Holds This Role Today"
  description "{long}. {long}."
}}
tool t "{long}" {{
  url "https://example.com/a/very/long/path/that/goes/on/and/on/and/on/forever/and/ever/amen"
}}
process p "{long}" {{
  outcome "{long}. {long}."
  owner r
  step a "{long} (process step)"
  step b "Short"
}}
workflow w "{long} (workflow)" implements p {{
  owner r
  trigger "{long} happens, and then {long} happens again"
  version "{long}"
  step one "{long} (one)" {{
    implements a
    owner r
    tool t
    run "some-command --with --many --options --that --make --it --longer --than --eighty --columns"
    description """
      {long}, and a list with long items follows:

      - {long}, {long}
        continued here with a lazy line that is also quite long, longer than eighty
      1. {long}
      2. {long}
         - nested {long}

      > A quote that is longer than eighty columns, {long}.

      | a table | that is |
      | --- | --- |
      | short | rows |
      """
  }}
  step two "{long} (two)" {{
    implements a, b
    owner r
    tool t
    wait 3d
    within 1w
    when "{long} holds"
  }}
  step three "ThisIsOneVeryLongWordWithoutAnySpacesThatCannotBeBrokenAnywhereAtAllSoItStandsAlone" {{
    implements b
    owner r
    tool t
  }}
}}
"#
    )
}

#[test]
fn long_text_is_wrapped_and_passes_markdownlint() {
    let docs = sops_of(&long_flow());
    for doc in &docs {
        assert_well_formed(doc);
        for line in doc.lines() {
            // markdownlint's MD013: the last word may run past 80 columns if
            // it starts within them.
            let head = line.trim_end_matches(|c: char| !c.is_whitespace());
            let starts_at = head.encode_utf16().count() + usize::from(head.len() < line.len());
            assert!(starts_at <= 80, "long line: {line:?}");
        }
        // The metadata table is too wide, so it is a list.
        assert!(doc.contains("\n- Trigger: "), "{doc}");
        // A cut heading keeps its full text in the section.
        assert!(doc.contains(" …\n\nFull title: "), "{doc}");
        // The long command is a wrapped code span.
        assert!(
            doc.contains("Command that runs this step: `some-command"),
            "{doc}"
        );
    }
    let named: Vec<(String, String)> = docs
        .into_iter()
        .enumerate()
        .map(|(i, d)| (format!("long-{i}"), d))
        .collect();
    markdownlint(&named);
}

/// Markdown that users write in descriptions, in many shapes.
const DESCRIPTIONS: &[&str] = &[
    "Plain text.",
    "# Title\nText\n## Sub\nMore\n#### Deep\n# Top again",
    "Intro:\n- a\n- b\nlazy line\n\nAfter.",
    "1. one\n2. two\n\n   indented para in item\n\n       code in item\n3. three",
    "* a\n    * b\n        * c\n* d",
    "```python\nprint('x')\n```\ntext right after",
    "~~~\ntilde fence\n~~~",
    "    indented code\n\n    more code\n\ntext",
    "> quote line\ncontinued lazily\n\n> second quote\n> - with a list",
    "A | B\n--- | ---\n1 | 2",
    "Text  \nwith a hard break\n\n---\n\n___\nSetext\n---",
    "<!-- a comment --> and <em>html</em> and <br> and a <https://ok.example/> link",
    "Contact ops@example.com or see https://example.com/page_(x). Also www.example.com.",
    "#hashtag at the start\n\n[ref]: https://example.com\n\nSee [the page][ref].",
    "Tabs\there\tand\tthere\n\tindented with a tab",
    "Trailing spaces   \n\n\n\nmany blanks\n\n\n",
    "***bold italic*** and __strong__ and _em_",
    "- [ ] a task\n- [x] done task",
    "Line one\n\n\tcode after tab\n",
    "````\n```\nnested fence\n```\n````",
    "Intro\n* a\n\n* b (loose)\n\n1) paren\n2) list\n- a\n1. b",
    "> [!NOTE]\n> A GitHub alert.",
    "Closing hashes ##\n## Real heading ##\n# Purpose\n# Purpose",
    "- item\n\n  ```sh\n  code in item\n  ```\n- next",
    "<details><summary>x</summary>\nhidden\n</details>",
    "_a_ and *b* and __c__ and snake_case_name and _unclosed",
    "- \n- after an empty item\n+ plus\n+ list",
    "Line with `unclosed code span and a very long tail that needs wrapping somewhere soon",
    "* * *\nLine one\nline two\n===",
    "a \\| b | c\n--|--\n1|2|3\n4",
    "1. one\n1. one\n1. one\n- a\n   1. nested in a bullet",
    "\\# escaped &copy; &#169;\n   \n\t\nafter whitespace lines",
    "中文很长的一行没有空格中文很长的一行没有空格中文很长的一行没有空格中文很长的一行没有空格中文很长的一行没有空格 and 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 words after",
    "See http://example.com/a_(b)_c?x=1&y=2#frag, (https://example.com/in-parens) and <https://ok.example>.",
    "Trailing backslash\\",
    "## ...\n###\n#### !!!",
    "Text\n<!--\nunclosed comment",
    "> quote with a fence\n> ```\n> code > 80 columns is kept as is\n> ```\n> text",
    // Found by `random_workflows_build_well_formed_documents`: a tab inside
    // a code span reached the SOP (MD010).
    "Step `a 中 the \t report a` client report",
];

#[test]
fn user_markdown_in_descriptions_passes_markdownlint() {
    let mut flow = String::from(
        "role r \"Role\"\ntool t \"Tool\"\nprocess p \"P\" {\n  outcome \"O\"\n  owner r\n  step a \"A\"\n}\n",
    );
    flow.push_str("workflow w \"W\" implements p {\n  owner r\n  trigger \"T\"\n");
    for (i, d) in DESCRIPTIONS.iter().enumerate() {
        let escaped = d
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
            .replace('\t', "\\t");
        flow.push_str(&format!(
            "  step s{i} \"Step {i}\" {{\n    implements a\n    owner r\n    tool t\n    description \"{escaped}\"\n  }}\n"
        ));
    }
    flow.push_str("}\n");
    let docs = sops_of(&flow);
    for doc in &docs {
        assert_well_formed(doc);
    }
    assert!(
        docs[0].contains("Step `a 中 the report a` client report"),
        "{}",
        docs[0]
    );
    let named: Vec<(String, String)> = docs
        .into_iter()
        .enumerate()
        .map(|(i, d)| (format!("descriptions-{i}"), d))
        .collect();
    markdownlint(&named);
}

#[test]
fn many_automated_steps_keep_the_chart_lines_short() {
    // Mermaid's `class s1,s2,… automated` names every automated step on one
    // line; the SOP splits it into statements of at most 80 columns.
    let mut flow = String::from(
        "role r \"Role\"\ntool t \"Tool\"\nprocess p \"P\" {\n  outcome \"O\"\n  owner r\n  step a \"A\"\n}\n\
         workflow w \"W\" implements p {\n  owner r\n  trigger \"T\"\n",
    );
    for i in 0..60 {
        let _ = writeln!(
            flow,
            "  step s{i} \"Step {i}\" {{\n    implements a\n    owner r\n    tool t\n    automated\n  }}"
        );
    }
    flow.push_str("}\n");
    let docs = sops_of(&flow);
    assert!(docs[0].matches("  class ").count() > 1, "{}", docs[0]);
    let named: Vec<(String, String)> = docs
        .into_iter()
        .enumerate()
        .map(|(i, d)| (format!("automated-{i}"), d))
        .collect();
    markdownlint(&named);
}

#[test]
fn the_excerpt_in_the_docs_is_real() {
    let page = std::fs::read_to_string(root().join("docs/outputs/sop.md")).unwrap();
    let start = page.find("```markdown\n").unwrap() + "```markdown\n".len();
    let len = page[start..].find("\n```\n").unwrap();
    let excerpt = &page[start..=start + len];
    let (_, sop, _) = example_sops()
        .into_iter()
        .find(|(id, _, _)| id == "zoho_funnel")
        .unwrap();
    assert!(
        sop.contains(excerpt),
        "the excerpt in docs/outputs/sop.md is not in the SOP of zoho_funnel"
    );
    // The README shows the same step, its facts whole (its description cut).
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("### 7. Call the lead").unwrap();
    let len = readme[start..].find("Instructions:").unwrap();
    assert!(
        sop.contains(&readme[start..start + len]),
        "the SOP excerpt in README.md is not in the SOP of zoho_funnel"
    );
}

/// The plan's JSON Schema, compiled once.
fn plan_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema = serde_json::from_str(&plan::schema()).unwrap();
        jsonschema::draft202012::new(&schema).unwrap()
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Whatever the text, the SOP of a valid workflow is well formed (no
    /// trailing whitespace, tables keep their columns…), the same on every
    /// run, and the same document without its chart; no backend panics, each
    /// gives the same text on every run, and the plan is valid against its
    /// schema.
    #[test]
    fn random_workflows_build_well_formed_documents(
        texts in proptest::collection::vec(proptest::collection::vec(0usize..1000, 1..12), 1..40),
        shape in proptest::collection::vec(0usize..1000, 1..30),
    ) {
        let flow = random_flow(&texts, &shape);
        let c = compile(&flow);
        for w in root_workflows(&c.model) {
            let with = sop::render(&c.model, w, SopOptions::default());
            let without = sop::render(&c.model, w, SopOptions { mermaid: false });
            assert_well_formed(&with);
            assert_well_formed(&without);
            proptest::prop_assert!(with.starts_with(without.trim_end()));
            proptest::prop_assert_eq!(&with, &sop::render(&c.model, w, SopOptions::default()));
            proptest::prop_assert_eq!(mermaid::render(&c.model, w), mermaid::render(&c.model, w));
            let plan_text = plan::render(&c.model, w);
            proptest::prop_assert_eq!(&plan_text, &plan::render(&c.model, w));
            let plan_json: serde_json::Value = serde_json::from_str(&plan_text).unwrap();
            proptest::prop_assert!(plan_validator().is_valid(&plan_json), "{}", plan_text);
        }
        proptest::prop_assert_eq!(dot::render(&c.model, None), dot::render(&c.model, None));
    }
}

/// The SOPs of 40 random workflows of hostile text (the same 40 on every run:
/// a fixed-seed generator) pass the real markdownlint, in one run of it.
#[test]
fn random_workflows_pass_markdownlint() {
    // SplitMix64: numbers for the texts and shapes of `random_flow`.
    let mut state: u64 = 0x5eed_f10e;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        usize::try_from((z ^ (z >> 31)) % 1000).unwrap()
    };
    let mut docs = Vec::new();
    for n in 0..40 {
        let texts: Vec<Vec<usize>> = (0..=(next() % 40))
            .map(|_| (0..=(next() % 12)).map(|_| next()).collect())
            .collect();
        let shape: Vec<usize> = (0..=(next() % 30)).map(|_| next()).collect();
        let c = compile(&random_flow(&texts, &shape));
        for w in root_workflows(&c.model) {
            let with = sop::render(&c.model, w, SopOptions::default());
            let without = sop::render(&c.model, w, SopOptions { mermaid: false });
            docs.push((format!("random-{n}"), with));
            docs.push((format!("random-{n}-no-chart"), without));
        }
    }
    markdownlint(&docs);
}

/// Shell commands longer than a line, with `<` and `>` redirections (text in
/// a code span, not the bounds of a link): one line wrapped as a code span,
/// several lines as a list of them; both pass markdownlint.
#[test]
fn long_commands_with_redirections_pass_markdownlint() {
    let flow = r#"
role ops "Operations"
tool sh "Shell"
process p "P" {
  outcome "Done"
  owner ops
  step a "A"
}
workflow w "W" implements p {
  owner ops
  step s "Load the dump" {
    implements a
    owner ops
    tool sh
    run "psql --host db.internal --username admin --dbname production_copy < backups/nightly/dump-2026-11-26.sql > logs/restore.log 2>&1"
  }
  step t "Sort it" {
    implements a
    owner ops
    tool sh
    run "cd /srv/data\n\n\n  sort --key 2 --field-separator , --output sorted.csv < exported-customers-with-addresses.csv > /dev/null"
  }
}
"#;
    let docs = sops_of(flow);
    let doc = &docs[0];
    assert!(doc.contains(
        "Command that runs this step: `psql --host db.internal --username admin --dbname\n\
         production_copy < backups/nightly/dump-2026-11-26.sql > logs/restore.log 2>&1`"
    ));
    assert!(doc.contains(
        "Command that runs this step, line by line:\n\n- Line 1: `cd /srv/data`\n\
         - Line 2: `sort --key 2 --field-separator , --output sorted.csv <\n  \
         exported-customers-with-addresses.csv > /dev/null`"
    ));
    markdownlint(&[("commands".to_owned(), doc.clone())]);
}

#[test]
fn markdownlint_passes_on_hostile_descriptions() {
    // sop-description-markdownlint.flow: `éhttp://a.b/c` (MD034, a bare URL:
    // GFM links it after `é`), `Title*** )***Title` (MD037, spaces inside
    // emphasis markers) and `*star*` (MD036, emphasis as a heading).
    let text = std::fs::read_to_string(
        root().join("tests/fixtures/regressions/sop-description-markdownlint.flow"),
    )
    .unwrap();
    let sops = sops_of(&text);
    assert!(sops[0].contains("é<http://a.b/c>"), "{}", sops[0]);
    assert!(
        sops[0].contains("Title\\*\\*\\* )\\*\\*\\*Title"),
        "{}",
        sops[0]
    );
    assert!(sops[0].contains("\n\\*star\\*\n"), "{}", sops[0]);
    // And their neighbours: emphasis that is emphasis stays, a digit before
    // a URL, a sentence in emphasis.
    let more = text
        .replace(
            "éhttp://a.b/c",
            "1http://a.b/c and *real* emphasis, **bold** too",
        )
        .replace("Title*** )***Title", "*A whole sentence.*")
        .replace("*star*", "_under_");
    let more_sops = sops_of(&more);
    assert!(more_sops[0].contains("1<http://a.b/c> and *real* emphasis, **bold** too"));
    assert!(more_sops[0].contains("\n*A whole sentence.*\n"));
    let docs: Vec<(String, String)> = sops
        .into_iter()
        .chain(more_sops)
        .enumerate()
        .map(|(k, doc)| (format!("hostile-description-{k}"), doc))
        .collect();
    markdownlint(&docs);
}
