//! The Mermaid backend: snapshots of every example workflow, hostile titles,
//! determinism, and every output read back by the real Mermaid parser
//! (`tests/js/mermaid-parse.mjs`, which needs Node.js and
//! `npm ci --prefix tests/js`).
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use common::{compile, compile_text, crate_dir, examples, stem};
use procflow::Compilation;
use procflow::backend::{conditions_words, duration_words, mermaid, root_workflows, step_title};
use procflow::model::{Model, WorkflowId, display_title};
use serde_json::Value;

/// Every workflow of every example: (snapshot name, compilation, workflow).
fn example_workflows() -> Vec<(String, Compilation, WorkflowId)> {
    let mut all = Vec::new();
    for path in examples() {
        let c = compile(&path);
        for w in root_workflows(&c.model) {
            let name = format!("{}--{}", stem(&path), c.model.workflows[w.0].name.text);
            all.push((name, compile(&path), w));
        }
    }
    assert!(!all.is_empty(), "no example has a workflow");
    all
}

/// Titles, conditions and other texts written to break a Mermaid chart.
const HOSTILE: &str = r#"
role boss "a\" -> evil [label=\"x"
role ext "<b>bold</b> & {braces} | pipe" {
  external
}
tool t1 "T"

process hostile "P" {
  step p1
}

workflow wf "W" implements hostile {
  trigger "Trigger \"x\"]) --> s9; %% z"

  step a "a\" -> evil [label=\"x" {
    implements p1
    owner boss
    tool t1
    decides ok "Is \"it\"]) <b>ok</b> & {x} | \\N %% #quot; ?"
  }
  step b "<b>#quot; #35; end" {
    implements p1
    owner ext
    tool t1
    automated
    when "x > 1 && y < \"2\" |\"] s0"
    within 2d
  }
  step c "{}[[]]()" {
    implements p1
    owner boss
    tool t1
    after a
    when ok
  }
  step d "\\ `md` **b** %% c" {
    implements p1
    owner boss
    tool t1
    after b, c
    when "line\nbreak"
    within 1d
    rework a when not ok
  }
  step e "new\nline\ttab 🎉 &amp; subgraph end" {
    implements p1
    owner ext
    tool t2
    automated
  }
}
tool t2 "T2"
"#;

/// Characters that must not appear unescaped in a label.
const SPECIAL: &[char] = &['"', '[', ']', '{', '}', '|', '<', '>', '#', '`'];

/// The quoted labels of a chart: the text between each pair of `"`.
fn labels(chart: &str) -> Vec<&str> {
    chart.split('"').skip(1).step_by(2).collect()
}

#[test]
fn snapshot_of_every_example_workflow() {
    for (name, c, w) in example_workflows() {
        insta::assert_snapshot!(name, mermaid::render(&c.model, w));
    }
}

#[test]
fn hostile_titles_are_escaped() {
    let c = compile_text(HOSTILE);
    let w = c.model.workflow("wf").unwrap();
    let chart = mermaid::render(&c.model, w);
    // Every line is one statement of the expected shape, and the labels hold
    // no character that Mermaid would read as syntax.
    for label in labels(&chart) {
        for &c in SPECIAL {
            if c == '#' {
                // `#` only as the start of an entity code.
                for (at, _) in label.match_indices('#') {
                    let rest = &label[at + 1..];
                    let code: String = rest
                        .chars()
                        .take_while(char::is_ascii_alphanumeric)
                        .collect();
                    assert!(
                        !code.is_empty() && rest[code.len()..].starts_with(';'),
                        "bare # in label {label:?}"
                    );
                }
            } else {
                assert!(!label.contains(c), "unescaped {c:?} in label {label:?}");
            }
        }
        assert!(!label.contains('\n') && !label.contains('\t'), "{label:?}");
    }
    assert_eq!(chart.matches('"').count() % 2, 0);
    let lines: Vec<&str> = chart.lines().collect();
    assert_eq!(lines[0], "flowchart TD");
    // 1 header, the start node, 2 lanes of 3 lines plus their 5 steps, 6 edges,
    // 1 rework edge, classDef and class.
    assert_eq!(lines.len(), 1 + 1 + 2 * 2 + 5 + 6 + 1 + 2, "{chart}");
    let nodes = lines
        .iter()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with('s')
                && t[1..].starts_with(|c: char| c.is_ascii_digit())
                && !t.contains("->")
        })
        .count();
    assert_eq!(nodes, 5, "{chart}");
    insta::assert_snapshot!("hostile", chart);
}

#[test]
fn automated_steps_have_their_own_shape_and_class() {
    let c = compile(&crate_dir().join("examples/lead-generation.flow"));
    let w = c.model.workflow("zoho_funnel").unwrap();
    let chart = mermaid::render(&c.model, w);
    assert!(
        chart.contains("s2[[\"Lead is added to Zoho CRM\"]]"),
        "{chart}"
    );
    assert!(
        chart.contains("s0[\"Prospect sees the Facebook ad\"]"),
        "{chart}"
    );
    assert!(
        chart.contains("class s2,s3,s4,s5,s7,s8 automated"),
        "{chart}"
    );
    assert!(
        chart.contains(
            "s4 ==>|\"only if the answer to “Is the lead score 50 or more?” was yes\"| s5"
        ),
        "{chart}"
    );
    assert!(
        chart.contains("subgraph lane0[\"Prospect (external)\"]"),
        "{chart}"
    );
    assert!(!chart.contains("```"), "no code fences: {chart}");
}

#[test]
fn rendering_is_deterministic() {
    for (_, c, w) in example_workflows() {
        assert_eq!(mermaid::render(&c.model, w), mermaid::render(&c.model, w));
    }
    for path in examples() {
        let first = compile(&path);
        let second = compile(&path);
        for w in root_workflows(&first.model) {
            assert_eq!(
                mermaid::render(&first.model, w),
                mermaid::render(&second.model, w)
            );
        }
    }
}

/// Runs the real Mermaid parser on charts; returns what it read of each.
fn mermaid_parse(charts: &[(String, String)]) -> Vec<Value> {
    let script = crate_dir().join("tests/js/mermaid-parse.mjs");
    let modules = crate_dir().join("tests/js/node_modules");
    assert!(
        modules.join("mermaid").is_dir() && modules.join("jsdom").is_dir(),
        "the Mermaid parser is not installed: run `npm ci --prefix tests/js` (needs Node.js 18 or later)"
    );
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = charts
        .iter()
        .map(|(name, chart)| {
            let file = dir.path().join(format!("{name}.mmd"));
            std::fs::write(&file, chart).unwrap();
            file
        })
        .collect();
    let output = Command::new("node")
        .arg(&script)
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): install Node.js 18 or later, then `npm ci --prefix tests/js`"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "Mermaid rejected a chart (status {}):\n{stderr}\n{}",
        output.status,
        charts.iter().fold(String::new(), |mut all, (n, c)| {
            let _ = write!(all, "--- {n}\n{c}");
            all
        })
    );
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = parsed.as_array().unwrap().clone();
    assert_eq!(results.len(), charts.len());
    for (r, (name, _)) in results.iter().zip(charts) {
        assert_eq!(r["ok"], true, "{name}: {}", r["error"]);
        assert_eq!(r["diagramType"], "flowchart-v2", "{name}");
    }
    results
}

fn texts<'a>(items: &'a Value, key: &str) -> Vec<&'a str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap_or(""))
        .collect()
}

/// What a reader should see as the label of a step.
fn step_label(model: &Model, w: WorkflowId, i: usize) -> String {
    let workflow = &model.workflows[w.0];
    let step = &workflow.steps[i];
    let role = |r: procflow::model::RoleId| {
        let role = &model.roles[r.0];
        display_title(&role.name, role.title.as_ref())
    };
    let mut details = Vec::new();
    if let Some(d) = &step.wait {
        details.push(format!("waits {}", duration_words(d)));
    }
    if let Some(d) = &step.takes {
        details.push(format!("takes about {}", duration_words(d)));
    }
    if let Some(d) = &step.within {
        details.push(format!("within {}", duration_words(d)));
    }
    if let Some(r) = step.escalate {
        details.push(format!("if not done, tell {}", role(r)));
    }
    if !step.with.is_empty() {
        let with: Vec<String> = step.with.iter().map(|&r| role(r)).collect();
        details.push(match with.split_last() {
            Some((last, [])) => format!("with {last}"),
            Some((last, init)) => format!("with {} and {last}", init.join(", ")),
            None => unreachable!(),
        });
    }
    let title: String = step_title(workflow, i)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut label = if details.is_empty() {
        title
    } else {
        format!("{title} ({})", details.join(", "))
    };
    for &d in &step.decides {
        label.push_str(" · decide: ");
        label.push_str(workflow.decisions[d].question.value.trim());
    }
    label
}

/// Checks what Mermaid read against the model: every step a node with the
/// right text and shape in its owner's lane, every order edge with its
/// condition.
fn check_read(model: &Model, w: WorkflowId, read: &Value, name: &str) {
    let workflow = &model.workflows[w.0];
    let vertices = &read["vertices"];
    assert_eq!(
        vertices.as_array().unwrap().len(),
        workflow.steps.len() + 1,
        "{name}: vertices {vertices:#}"
    );
    for (i, step) in workflow.steps.iter().enumerate() {
        let v = vertices
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == format!("s{i}"))
            .unwrap_or_else(|| panic!("{name}: no node s{i}"));
        assert_eq!(v["text"], step_label(model, w, i), "{name}: s{i}");
        let shape = if step.automated {
            "subroutine"
        } else {
            "square"
        };
        assert_eq!(v["type"], shape, "{name}: s{i}");
    }
    let edges = read["edges"].as_array().unwrap();
    let expected: usize = workflow.steps.iter().map(|s| s.after.len().max(1)).sum();
    let rework: usize = workflow.steps.iter().map(|s| s.rework.len()).sum();
    assert_eq!(edges.len(), expected + rework, "{name}: edges {edges:#?}");
    // The order first, each edge labelled with the condition of the step it
    // leads to.
    // The critical path's edges are thick, as DOT draws them thicker: when
    // the workflow says anything about time and the path leaves a step out.
    let critical: Vec<usize> = if procflow::backend::says_time(workflow) {
        procflow::model::time::lead_time(workflow)
            .map(|l| l.critical_path)
            .filter(|p| p.len() < workflow.steps.len())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    for e in &edges[..expected] {
        let to: usize = e["end"].as_str().unwrap()[1..].parse().unwrap();
        let from: Option<usize> = match e["start"].as_str().unwrap() {
            "start" => None,
            node => Some(node[1..].parse().unwrap()),
        };
        let thick = match from {
            None => critical.first() == Some(&to),
            Some(a) => critical.windows(2).any(|p| p[0] == a && p[1] == to),
        };
        let want = conditions_words(workflow, &workflow.steps[to]).map_or_else(String::new, |c| {
            format!("only if {}", c.replace(['\n', '\t'], " "))
        });
        assert_eq!(e["text"], want, "{name}: edge into s{to}");
        let stroke = if thick { "thick" } else { "normal" };
        assert_eq!(e["stroke"], stroke, "{name}: edge into s{to}");
    }
    // Then each rework loop: a dotted arrow back, labelled with the "no".
    let loops: Vec<(usize, usize)> = workflow
        .steps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.rework.iter().map(move |r| (i, r.step)))
        .collect();
    for (e, (from, to)) in edges[expected..].iter().zip(loops) {
        assert_eq!(e["start"], format!("s{from}"), "{name}: rework");
        assert_eq!(e["end"], format!("s{to}"), "{name}: rework");
        assert_eq!(e["stroke"], "dotted", "{name}: rework");
        assert!(
            e["text"].as_str().unwrap().ends_with("no: go back"),
            "{name}: rework {e}"
        );
    }
    let mut owners: Vec<_> = workflow.steps.iter().map(|s| s.owner).collect();
    owners.sort();
    owners.dedup();
    let lanes = read["subgraphs"].as_array().unwrap();
    assert_eq!(lanes.len(), owners.len(), "{name}: lanes");
    for lane in lanes {
        let nodes = lane["nodes"].as_array().unwrap();
        let first: usize = nodes[0].as_str().unwrap()[1..].parse().unwrap();
        let role = &model.roles[workflow.steps[first].owner.unwrap().0];
        let mut title = display_title(&role.name, role.title.as_ref());
        if role.external {
            title.push_str(" (external)");
        }
        assert_eq!(lane["title"], title.as_str(), "{name}: lane");
        for n in nodes {
            let i: usize = n.as_str().unwrap()[1..].parse().unwrap();
            assert_eq!(
                workflow.steps[i].owner, workflow.steps[first].owner,
                "{name}: lane of s{i}"
            );
        }
    }
}

#[test]
fn the_real_mermaid_parser_reads_every_chart_as_written() {
    let mut charts = Vec::new();
    let mut models = Vec::new();
    for (name, c, w) in example_workflows() {
        charts.push((name.clone(), mermaid::render(&c.model, w)));
        models.push((name, c, w));
    }
    let hostile = compile_text(HOSTILE);
    let hw = hostile.model.workflow("wf").unwrap();
    charts.push(("hostile".to_owned(), mermaid::render(&hostile.model, hw)));
    let read = mermaid_parse(&charts);
    for ((name, c, w), r) in models.iter().zip(&read) {
        check_read(&c.model, *w, r, name);
    }
    let r = read.last().unwrap();
    check_read(&hostile.model, hw, r, "hostile");
    // The hostile texts come back exactly as written.
    let vertices = texts(&r["vertices"], "text");
    for text in [
        "a\" -> evil [label=\"x · decide: Is \"it\"]) <b>ok</b> & {x} | \\N %% #quot; ?",
        "<b>#quot; #35; end (within 2 days)",
        "{}[[]]()",
        "\\ `md` **b** %% c (within 1 day)",
        "new line tab 🎉 &amp; subgraph end",
        "Start: Trigger \"x\"]) --> s9; %% z",
    ] {
        assert!(vertices.contains(&text), "{text:?} not in {vertices:#?}");
    }
    let lanes = texts(&r["subgraphs"], "title");
    assert!(
        lanes.contains(&"<b>bold</b> & {braces} | pipe (external)"),
        "{lanes:?}"
    );
}
