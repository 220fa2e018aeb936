//! The Graphviz DOT backend: snapshots of every example, every drawing checked
//! by the real Graphviz (`dot -Tsvg`, no error and no warning): the examples,
//! hostile titles, every shape of text, and random valid files with several
//! workflows per process (a property test); the step numbers are the SOP's;
//! determinism, and the SVGs of the examples in `docs/diagrams/`.
//!
//! Graphviz is required: install it with `apt-get install graphviz` (or
//! `brew install graphviz`). The SVGs in `docs/diagrams/` are regenerated with
//! `PROCFLOW_UPDATE_DIAGRAMS=1 cargo test --test backend_dot`.
#![allow(clippy::unwrap_used)]

mod common;
use common::proptest_config as config;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::random_flow::random_flows;
use common::{compile, compile_text, crate_dir, examples, stem};
use procflow::backend::sop::{self, SopOptions};
use procflow::backend::{dot, root_processes, root_workflows};
use procflow::model::{Model, WorkflowId};
use procflow::{Compilation, Levels, Workspace};
use proptest::prelude::{prop, proptest};

/// Runs `dot -Tsvg` on `source`; fails on a non-zero exit or anything on
/// standard error (Graphviz prints its warnings there).
fn graphviz(source: &str, what: &str) -> String {
    let mut child = match Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!(
            "cannot run Graphviz `dot` ({e}): these tests need it. Install graphviz \
             (`apt-get install -y graphviz`, `brew install graphviz`) and run them again."
        ),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "dot -Tsvg failed on {what} (status {}):\n{stderr}\n--- DOT ---\n{source}",
        output.status
    );
    String::from_utf8(output.stdout).unwrap()
}

/// How many elements of a class (`node`, `edge`, `cluster`) an SVG has.
fn count(svg: &str, class: &str) -> usize {
    svg.matches(&format!("class=\"{class}\"")).count()
}

/// Decodes the character references that Graphviz writes in SVG text.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        if let Some(c) = decoded {
            out.push(c);
            rest = &rest[end + 1..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The decoded contents of every `<tag …>…</tag>` of an SVG, in order.
fn contents(svg: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut found = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find(&open) {
        rest = &rest[at + open.len()..];
        let Some(gt) = rest.find('>') else { break };
        rest = &rest[gt + 1..];
        let Some(end) = rest.find(&close) else { break };
        found.push(decode(&rest[..end]));
        rest = &rest[end + close.len()..];
    }
    found
}

/// What an SVG shows, independent of the Graphviz version that drew it (which
/// changes coordinates, ids and comments): the titles of its nodes, edges and
/// clusters and the lines of text, sorted.
fn fingerprint(svg: &str) -> Vec<String> {
    let mut items: Vec<String> = contents(svg, "title")
        .into_iter()
        .map(|t| format!("title {t}"))
        .chain(
            contents(svg, "text")
                .into_iter()
                .map(|t| format!("text {t}")),
        )
        .collect();
    items.sort();
    items
}

/// The nodes, edges and clusters that a drawing must have.
struct Expected {
    nodes: usize,
    edges: usize,
    clusters: usize,
}

fn expected(model: &Model, only: Option<WorkflowId>) -> Expected {
    let (processes, workflows) = match only {
        Some(w) => (model.workflows[w.0].process.into_iter().collect(), vec![w]),
        None => (root_processes(model), root_workflows(model)),
    };
    let mut e = Expected {
        nodes: 0,
        edges: 0,
        clusters: processes.len() + workflows.len(),
    };
    for p in &processes {
        let steps = model.processes[p.0].steps.len();
        e.nodes += steps;
        e.edges += steps.saturating_sub(1);
    }
    for w in &workflows {
        let workflow = &model.workflows[w.0];
        e.nodes += 1 + workflow.steps.len();
        let mut owners: Vec<_> = workflow.steps.iter().map(|s| s.owner).collect();
        owners.sort();
        owners.dedup();
        e.clusters += owners.len();
        for s in &workflow.steps {
            // The order, and a dashed arrow back for each `rework`.
            e.edges += s.after.len().max(1) + s.rework.len();
        }
    }
    e
}

fn check_counts(svg: &str, e: &Expected, what: &str) {
    assert_eq!(count(svg, "node"), e.nodes, "nodes of {what}");
    assert_eq!(count(svg, "edge"), e.edges, "edges of {what}");
    assert_eq!(count(svg, "cluster"), e.clusters, "clusters of {what}");
}

#[test]
fn snapshot_of_every_example() {
    for path in examples() {
        let c = compile(&path);
        let name = stem(&path);
        insta::assert_snapshot!(name.clone(), dot::render(&c.model, None));
        for w in root_workflows(&c.model) {
            let id = &c.model.workflows[w.0].name.text;
            insta::assert_snapshot!(
                format!("{name}--workflow-{id}"),
                dot::render(&c.model, Some(w))
            );
        }
    }
}

#[test]
fn every_example_renders_with_graphviz_without_warnings() {
    for path in examples() {
        let c = compile(&path);
        let name = stem(&path);
        let svg = graphviz(&dot::render(&c.model, None), &name);
        check_counts(&svg, &expected(&c.model, None), &name);
        for w in root_workflows(&c.model) {
            let what = format!("{name} --workflow {}", c.model.workflows[w.0].name.text);
            let svg = graphviz(&dot::render(&c.model, Some(w)), &what);
            check_counts(&svg, &expected(&c.model, Some(w)), &what);
        }
    }
}

#[test]
fn examples_draw_every_step_owner_tool_and_timing() {
    let path = crate_dir().join("examples/lead-generation.flow");
    let c = compile(&path);
    let text = dot::render(&c.model, None);
    for needle in [
        "subgraph \"cluster_p:lead_generation\"",
        "subgraph \"cluster_w:zoho_funnel\"",
        "subgraph \"cluster_w:zoho_funnel:role:prospect\"",
        "\"p:lead_generation:advertise\" -> \"p:lead_generation:capture\"",
        "\"w:zoho_funnel:score\" -> \"w:zoho_funnel:assign\" [label=<only if the answer to “Is the lead score<br/>50 or more?” was yes>",
        "<b>decide: Is the lead score 50 or</b><br/><b>more?</b>",
        "<b>1. Prospect sees the Facebook ad</b>",
        "serves: Advertise</font>",
        "<b>Follow up</b>",
        "owner: Prospect",
        "tools: Phone, Zoho CRM",
        "within 2 days",
        "<i>automated</i>",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    let c = compile(&crate_dir().join("examples/content-creation.flow"));
    let text = dot::render(&c.model, None);
    assert!(text.contains("waits 1 day"), "{text}");
}

/// Titles, conditions and other texts written to break a DOT file.
const HOSTILE: &str = r#"
role boss "a\" -> evil [label=\"x"
role ext "<b>bold</b> & {braces} | pipe" {
  external
  who "back\\slash \\N \\G"
}
tool t1 "Tool \"1\" ]; node [shape=star"
tool t2 "emoji 🎉 \u{1F600} <i>"

process hostile "Process \"}\" <table>" {
  outcome "line one\nline two & </font>"
  owner boss
  step p1 "Quotes \"q\" -> p2"
  step p2 "{record|shape}" {
    optional
  }
  step p3 "<br/>\\n literal\\"
}

workflow wf "Workflow ]]> <!-- x -->" implements hostile {
  owner boss
  trigger "Trigger \"x\" -> y; z }"
  version "1.0\"; evil"

  step a "a\" -> evil [label=\"x" {
    implements p1
    owner boss
    tool t1
    decides ok "Is \"it\"]) <b>ok</b> & {x} | \\N %% #quot; ?"
  }
  step b "<b>" {
    implements p2
    owner ext
    tool t2
    automated
    when "x > 1 && y < \"2\""
    within 2d
  }
  step c "{} \\N \\T \\L" {
    implements p3
    owner boss
    tool t1, t2
    after a
    wait 1h
    within 1d
    when ok
  }
  step d "\\" {
    implements p3
    owner boss
    tool t1
    after b, c
    when "line\nbreak | pipe\tand bell \\E \\H"
    within 1d
    rework a when not ok
  }
  step e "new\nline\ttab 🎉 &amp; &#x3C;" {
    implements p3
    owner ext
    tool t2
    automated
  }
}
"#;

#[test]
fn hostile_titles_cannot_break_the_graph() {
    let c = compile_text(HOSTILE);
    let text = dot::render(&c.model, None);
    let svg = graphviz(&text, "hostile titles");
    // 3 process steps, the start node and 5 workflow steps; 2 process edges,
    // 6 order edges and 1 rework edge; 1 process, 1 workflow and 2 lanes.
    check_counts(
        &svg,
        &Expected {
            nodes: 9,
            edges: 9,
            clusters: 4,
        },
        "hostile titles",
    );
    // The texts come out as written.
    let lines = contents(&svg, "text");
    for line in [
        "a\" -> evil [label=\"x",
        "<b>",
        "{} \\N \\T \\L",
        "\\",
        "Quotes \"q\" -> p2",
        "{record|shape}",
        "<br/>\\n literal\\",
        "new",
        "line tab 🎉 &amp; &#x3C;",
        "owner: <b>bold</b> & {braces} | pipe",
        "tools: Tool \"1\" ]; node",
        "[shape=star, emoji 🎉 😀 <i>",
        "2. <b>",
        "serves: {record|shape}",
        "serves: <br/>\\n literal\\",
        "if x > 1 && y < \"2\"",
        "break | pipe and bell \\E \\H",
        "line two & </font>",
        "back\\slash \\N \\G · external",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(needle(line))),
            "no text {line:?} in {lines:#?}"
        );
    }
    insta::assert_snapshot!("hostile", text);
}

/// A line as Graphviz may have wrapped it: the first 32 characters.
fn needle(line: &str) -> &str {
    line.char_indices()
        .nth(32)
        .map_or(line, |(at, _)| &line[..at])
}

#[test]
fn only_draws_one_workflow_and_its_process() {
    let c = compile_text(
        r#"
role r "R"
tool t "T"
process p1 { outcome "o" step x }
process p2 { outcome "o" step y step z }
workflow w1 implements p1 { step a { implements x owner r tool t } }
workflow w2 implements p2 {
  step b { implements y owner r tool t }
  step c { implements z owner r tool t automated }
}
"#,
    );
    let w2 = c.model.workflow("w2").unwrap();
    let text = dot::render(&c.model, Some(w2));
    assert!(text.contains("cluster_w:w2") && text.contains("cluster_p:p2"));
    assert!(!text.contains("w1") && !text.contains("p1"), "{text}");
    let svg = graphviz(&text, "--workflow w2");
    check_counts(&svg, &expected(&c.model, Some(w2)), "--workflow w2");
    let all = dot::render(&c.model, None);
    for id in [
        "cluster_w:w1",
        "cluster_w:w2",
        "cluster_p:p1",
        "cluster_p:p2",
    ] {
        assert!(all.contains(id), "{id} missing in {all}");
    }
    let svg = graphviz(&all, "two workflows");
    check_counts(&svg, &expected(&c.model, None), "two workflows");
}

#[test]
fn rendering_is_deterministic() {
    for path in examples() {
        let first = compile(&path);
        let second = compile(&path);
        let a = dot::render(&first.model, None);
        assert_eq!(a, dot::render(&first.model, None));
        assert_eq!(a, dot::render(&second.model, None));
        for w in root_workflows(&first.model) {
            assert_eq!(
                dot::render(&first.model, Some(w)),
                dot::render(&second.model, Some(w))
            );
        }
    }
    let c = compile_text(HOSTILE);
    assert_eq!(dot::render(&c.model, None), dot::render(&c.model, None));
}

/// The reproducer of issue 10 (defect 4): a title with an empty line gave
/// `<b></b>`, which `dot` refuses. Through the real CLI and the real `dot`.
#[test]
fn a_title_with_an_empty_line_renders() {
    let path = crate_dir().join("tests/fixtures/regressions/dot-empty-line-in-title.flow");
    let output = assert_cmd::Command::cargo_bin("procflow")
        .unwrap()
        .args(["build", "--emit", "dot"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains("<b></b>"), "{text}");
    assert!(
        text.contains("<b>Call</b><br/><br/><b>the lead</b>"),
        "{text}"
    );
    let svg = graphviz(&text, "dot-empty-line-in-title.flow");
    let lines = contents(&svg, "text");
    assert!(lines.iter().any(|l| l == "Call"), "{lines:?}");
    assert!(
        lines.iter().any(|l| l == "serves: Call the lead"),
        "{lines:?}"
    );
}

/// Every shape of text a title or another text can have: empty lines,
/// line breaks at the ends, only blanks, control and invisible characters,
/// long words, markup.
const SHAPES: &[&str] = &[
    "Call\n\nthe lead",
    "\nCall the lead\n",
    "Call\n\n\n\n\nthe lead\n\n",
    "\n",
    "\n\n\n",
    "",
    "   ",
    "\t \t",
    "\u{7}",
    "\u{0}",
    "\u{7f}",
    "\u{85}",
    "\u{1b}[31mred\u{1b}[0m",
    "\u{feff}",
    "\u{200b}",
    "\u{ffff}",
    "\u{301}",
    "\u{202e}reversed",
    "a\r\nb\rc\r\rd",
    "averyveryverylongwordthatcannotbebrokenanywhereatallbecauseithasnospaces",
    "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉",
    "<b></b>",
    "</font></i></b><br/>",
    "<table><tr><td>",
    "& &amp; &#0; &#xD800;",
    "]]> <!-- x --> <?pi?>",
    "\\N \\G \\L \\",
    "\"quoted\" 'single'",
    "{ } | [ ] < >",
];

/// A file whose every text (titles, who, outcome, trigger, version,
/// conditions) is one of [`SHAPES`]: one process step and one workflow step
/// per shape.
fn shapes_flow() -> String {
    use common::random_flow::flow_string;
    use std::fmt::Write as _;
    let mut texts = SHAPES.iter().cycle().map(|s| flow_string(s));
    let mut text = || texts.next().unwrap();
    let mut f = String::new();
    for r in 0..2 {
        let _ = writeln!(f, "role r{r} {} {{ who {} }}", text(), text());
    }
    let _ = writeln!(f, "role x {} {{ external who {} }}", text(), text());
    let _ = writeln!(f, "tool t0 {}\ntool t1 {}", text(), text());
    let _ = writeln!(
        f,
        "process p {} {{\n  outcome {}\n  owner r0",
        text(),
        text()
    );
    for (k, shape) in SHAPES.iter().enumerate() {
        let _ = writeln!(f, "  step ps{k} {}", flow_string(shape));
    }
    let _ = writeln!(
        f,
        "}}\nworkflow w {} implements p {{\n  owner r1\n  trigger {}\n  version {}",
        text(),
        text(),
        text()
    );
    for (k, shape) in SHAPES.iter().enumerate() {
        let owner = ["r0", "r1", "x"][k % 3];
        let _ = writeln!(
            f,
            "  step s{k} {} {{\n    implements ps{k}, ps{}\n    owner {owner}\n    tool t0, t1\n    within 1d",
            flow_string(shape),
            (k + 1) % SHAPES.len()
        );
        if k > 0 {
            let _ = writeln!(f, "    when {}", text());
        }
        f.push_str("  }\n");
    }
    f.push_str("}\n");
    f
}

/// Compiles `text`, which may have `invalid-value` errors (a title that
/// `check` refuses must still not break the diagram: the backend does not
/// rely on it) but no other error.
fn compile_with_invalid_values(text: &str) -> Compilation {
    let mut ws = Workspace::default();
    let id = ws.add_text("test.flow", None, text.to_owned());
    let c = ws.compile(id, &Levels::default());
    let others: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == procflow::Severity::Error && d.code.name() != "invalid-value")
        .collect();
    assert!(others.is_empty(), "{others:?}\n{text}");
    c
}

#[test]
fn every_shape_of_text_renders_without_warnings() {
    let flow = shapes_flow();
    let c = compile_with_invalid_values(&flow);
    let text = dot::render(&c.model, None);
    assert!(
        !text.contains("<b></b>") && !text.contains("<i></i>"),
        "{text}"
    );
    let svg = graphviz(&text, "every shape of text");
    check_counts(&svg, &expected(&c.model, None), "every shape of text");
    let w = c.model.workflow("w").unwrap();
    let svg = graphviz(
        &dot::render(&c.model, Some(w)),
        "every shape of text, --workflow w",
    );
    check_counts(
        &svg,
        &expected(&c.model, Some(w)),
        "every shape of text, --workflow w",
    );
    let lines = contents(&svg, "text");
    // Line breaks kept (one empty line at most), blanks at the ends dropped,
    // a title without a visible word replaced by one made from the name, long
    // words cut.
    for line in [
        "1. Call",
        "the lead",
        "2. Call the lead",
        "4. S3",
        "6. S5",
        "7. S6",
        "9. S8",
        "serves: Call the lead",
        "serves: Ps4",
        "20.",
        "averyveryverylongwordthatcannotb",
        "ebrokenanywhereatallbecauseithas",
        "19. a",
        "22. <b></b>",
        "23. </font></i></b><br/>",
        "27. \\N \\G \\L \\",
    ] {
        assert!(
            lines.iter().any(|l| l == line),
            "no line {line:?} in {lines:#?}"
        );
    }
    let blank: Vec<&String> = lines.iter().filter(|l| l.trim().is_empty()).collect();
    assert!(blank.is_empty(), "blank lines {blank:?} in {lines:#?}");
    // Wrapped near 32 characters ("owner: " and "if " come before a text
    // wrapped on its own).
    let long: Vec<&String> = lines.iter().filter(|l| l.chars().count() > 40).collect();
    assert!(long.is_empty(), "long lines {long:?}");
}

/// The number on each workflow step is the step's number in the SOP: the
/// SOP of every example heads the step with the same number and title.
#[test]
fn step_numbers_are_the_sops() {
    for path in examples() {
        let c = compile(&path);
        for w in root_workflows(&c.model) {
            let workflow = &c.model.workflows[w.0];
            let text = dot::render(&c.model, Some(w));
            let doc = sop::render(&c.model, w, SopOptions::default());
            for step in &workflow.steps {
                let mut node = String::from("\"w:");
                node.push_str(&workflow.name.text);
                node.push(':');
                node.push_str(&step.name.text);
                node.push_str("\" [label=<");
                let at = text.find(&node).unwrap() + node.len();
                let label = &text[at..];
                let bold = &label[label.find("<b>").unwrap() + 3..];
                let (number, _) = bold.split_once(". ").unwrap();
                let title = procflow::backend::step_title(workflow, step_index(workflow, step));
                let heading = format!("\n### {number}. {title}\n");
                assert!(
                    doc.contains(&heading),
                    "{}: no heading {heading:?} in the SOP",
                    stem(&path)
                );
            }
        }
    }
}

fn step_index(workflow: &procflow::model::Workflow, step: &procflow::model::Step) -> usize {
    workflow
        .steps
        .iter()
        .position(|s| std::ptr::eq(s, step))
        .unwrap()
}

proptest! {
    #![proptest_config(config(64))]

    /// Random valid files of hostile text with one to four workflows of one
    /// process: the whole drawing and each workflow's drawing go through the
    /// real `dot -Tsvg` with no error and no warning, and show every node,
    /// edge and cluster.
    #[test]
    fn random_workflows_render_with_graphviz_without_warnings(
        texts in prop::collection::vec(prop::collection::vec(0usize..1000, 1..12), 1..40),
        shapes in prop::collection::vec(prop::collection::vec(0usize..1000, 1..20), 1..5),
    ) {
        let flow = random_flows(&texts, &shapes);
        let c = compile_text(&flow);
        let what = format!("a random file:\n{flow}");
        let svg = graphviz(&dot::render(&c.model, None), &what);
        check_counts(&svg, &expected(&c.model, None), &what);
        for w in root_workflows(&c.model) {
            let svg = graphviz(&dot::render(&c.model, Some(w)), &what);
            check_counts(&svg, &expected(&c.model, Some(w)), &what);
        }
    }
}

/// FNV-1a (64 bits) of a text, in hex: marks which DOT an SVG was drawn from.
fn fnv1a(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The comment appended to a diagram: the hash of the DOT it was drawn from.
fn source_mark(dot_text: &str) -> String {
    format!("<!-- procflow dot fnv1a64 {} -->\n", fnv1a(dot_text))
}

/// `docs/diagrams/STEM.svg` for every example with a workflow shows what
/// Graphviz draws from the current DOT. Graphviz output is not byte-stable
/// across versions (coordinates, ids, comments), so the comparison is on what
/// the drawing shows: the titles of nodes, edges and clusters and every text;
/// and a comment at the end of the SVG holds a hash of the DOT it was drawn
/// from, which catches changes of style too. With `PROCFLOW_UPDATE_DIAGRAMS=1`
/// the SVGs are written instead.
#[test]
fn diagrams_in_docs_are_up_to_date() {
    let update = std::env::var_os("PROCFLOW_UPDATE_DIAGRAMS").is_some_and(|v| v == "1");
    let dir = crate_dir().join("docs/diagrams");
    for path in examples() {
        let c = compile(&path);
        if root_workflows(&c.model).is_empty() {
            continue;
        }
        let name = stem(&path);
        let text = dot::render(&c.model, None);
        let svg = graphviz(&text, &name);
        let file = dir.join(format!("{name}.svg"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&file, format!("{svg}{}", source_mark(&text))).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&file).unwrap_or_else(|e| {
            panic!(
                "cannot read {} ({e}); write it with \
                 `PROCFLOW_UPDATE_DIAGRAMS=1 cargo test --test backend_dot`",
                file.display()
            )
        });
        assert!(
            committed.ends_with(&source_mark(&text))
                && fingerprint(&committed) == fingerprint(&svg),
            "{} is out of date; regenerate it with \
             `PROCFLOW_UPDATE_DIAGRAMS=1 cargo test --test backend_dot`",
            file.display()
        );
    }
}

#[test]
fn svg_text_decoding() {
    assert_eq!(
        decode("a&amp;b&lt;&#45;&#x3C;&quot;&bogus"),
        "a&b<-<\"&bogus"
    );
    assert_eq!(
        contents(
            "<g><title>x&#45;&gt;y</title><text a=\"1\">t</text></g>",
            "title"
        ),
        ["x->y"]
    );
}
