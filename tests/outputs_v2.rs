//! Nothing a file declares is dropped by an output: a workflow that uses every
//! construct of language v2 (`tests/fixtures/outputs/v2-everything.flow`) is
//! built with the real binary as an SOP, a Graphviz diagram and a Mermaid
//! chart, each read back by the real tool (markdownlint-cli2, `dot`, Mermaid's
//! parser), and every declared value must be in what a reader sees.
//!
//! Needs Graphviz, Node.js, `npm ci --prefix tools/markdownlint` and
//! `npm ci --prefix tests/js`.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use common::{compile_text, crate_dir};
use procflow::backend::lead_time_words;

fn fixture() -> PathBuf {
    crate_dir().join("tests/fixtures/outputs/v2-everything.flow")
}

/// `procflow build FIXTURE --emit EMIT`: standard output; the build must be
/// clean (no diagnostic at all).
fn build(emit: &str) -> String {
    let output = Command::cargo_bin("procflow")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("build")
        .arg(fixture())
        .args(["--emit", emit])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Text with its runs of whitespace as one space (outputs wrap lines).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What each output must show: every value the fixture declares, in words.
const SHOWN_BY_ALL: &[&str] = &[
    // Inputs, trigger, how often it runs, lead time against the target.
    "signed_contract",
    "client_brief",
    "The client signs",
    "every 2 weeks",
    "at least 1d 13h (target 3d)",
    // Decisions as questions, on their deciding steps.
    "ecide: Is the budget over 20,000 EUR?",
    "ecide: Does the client approve the design?",
    // Conditions: decisions by their answer, free text as written, joined.
    "only if the answer to “Is the budget over 20,000 EUR?” was yes",
    "only if the answer to “Is the budget over 20,000 EUR?” was no",
    "only if the answer to “Does the client approve the design?” was yes and the client asked for print files",
    // takes, within, wait.
    "about 2 hours",
    "about 4 hours",
    "about 30 minutes",
    "about 6 hours",
    "about 1 hour",
    "within 1 day",
    "within 3 days",
    "waits 1 day",
    // Escalation and helpers.
    "tell Founder",
    "Legal counsel",
    // Rework.
    "no: go back",
];

#[test]
fn the_sop_shows_every_v2_construct_and_passes_markdownlint() {
    let sop = build("sop");
    let text = flat(&sop);
    // The SOP says durations in its own sentences.
    for &needle in SHOWN_BY_ALL {
        let needle = match needle {
            "waits 1 day" => "Starts: 1 day after",
            "no: go back" => {
                "If the answer is no, go back to step 4 (Draft the first design) and do it again"
            }
            n => n,
        };
        assert!(text.contains(needle), "the SOP lacks {needle:?}:\n{sop}");
    }
    for needle in [
        "Runs | every 2 weeks",
        "Lead time | at least 1d 13h (target 3d)",
        "You start with: `signed_contract` and `client_brief`",
        "Needs: `signed_contract` (you start with it)",
        "along steps 1, 2 and 4 to 6 (the critical path",
        "Takes: about 2 hours of work",
        "With: Founder and Legal counsel",
        "Escalation: if not done within 1 day, tell Founder",
        "Legal counsel. Takes part in step 1.",
        "Founder. Takes part in step 1. Is told when step 1 is late",
        "Decide: Is the budget over 20,000 EUR? (yes or no)",
        // The either/or join.
        "Starts: 1 day after step 2 (Run a kickoff workshop) or step 3 (Send the kickoff questionnaire), whichever applies, is done",
        // The v2 skip rule, and what a decision without an answer does.
        "A skipped step counts as done: the steps after it do not wait for it, and are not skipped because of it",
        "A question whose step was skipped has no answer: a step that runs only on a yes and a step that runs only on a no are then both skipped.",
        // Who to ask, near the top; the owner and the deadline first in a
        // step; the critical path marked on its steps.
        "Who to ask: Account manager owns this workflow",
        "### 2. Run a kickoff workshop - Owner: Founder - Deadline: within 2 days of becoming ready (after step 1) - Tool: Google Docs",
        "- On the critical path: a delay here delays the whole run",
    ] {
        assert!(text.contains(needle), "the SOP lacks {needle:?}:\n{sop}");
    }
    assert!(
        !text.contains("waits only for skipped steps"),
        "the v1 skip rule is gone"
    );
    // Steps with opposite answers never both run: not "at the same time".
    assert!(!text.contains("At the same time as"), "{sop}");
    // No fact that says nothing: "manual" on every step.
    assert!(!text.contains("Type: manual"), "{sop}");
    // The critical path's steps are marked, the others not.
    assert_eq!(
        text.matches("On the critical path").count(),
        sop.lines().filter(|l| l.starts_with("### ")).count() - 1,
        "{sop}"
    );
    markdownlint(&sop);
}

#[test]
fn the_diagram_shows_every_v2_construct_and_renders_without_warnings() {
    let source = build("dot");
    let svg = graphviz(&source);
    let text = flat(&svg_text(&svg));
    for &needle in SHOWN_BY_ALL {
        let needle = match needle {
            "every 2 weeks" => "runs every 2 weeks",
            "Legal counsel" => "with: Founder, Legal counsel",
            n => n,
        };
        assert!(
            text.contains(needle),
            "the drawing lacks {needle:?}:\n{text}"
        );
    }
    for needle in [
        "takes about 2 hours · within 1 day",
        "if not done within 1 day, tell Founder",
        "you start with: signed_contract, client_brief",
        "lead time: at least 1d 13h (target 3d)",
        "after 2 or 3, whichever applies",
    ] {
        assert!(
            text.contains(needle),
            "the drawing lacks {needle:?}:\n{text}"
        );
    }
    // The rework loop is a dashed arrow back that does not rank the steps.
    let back = source
        .lines()
        .find(|l| l.contains("\"w:client-onboarding:review\" -> \"w:client-onboarding:draft\""))
        .unwrap_or_else(|| panic!("no arrow back:\n{source}"));
    assert!(
        back.contains("style=dashed") && back.contains("constraint=false"),
        "{back}"
    );
    // The critical path is drawn thicker; the branch off it is not.
    let edge = |from: &str, to: &str| {
        let needle = format!("\"w:client-onboarding:{from}\" -> \"w:client-onboarding:{to}\"");
        source
            .lines()
            .find(|l| l.contains(&needle))
            .unwrap_or_else(|| panic!("no edge {needle}:\n{source}"))
    };
    assert!(edge("qualify", "big-kickoff").contains("penwidth"));
    assert!(edge("big-kickoff", "draft").contains("penwidth"));
    assert!(!edge("qualify", "small-kickoff").contains("penwidth"));
    assert!(!edge("small-kickoff", "draft").contains("penwidth"));
}

#[test]
fn the_chart_shows_every_v2_construct_and_mermaid_reads_it() {
    let chart = build("mermaid");
    let read = mermaid_read(&chart);
    let mut text = String::new();
    for v in read["vertices"].as_array().unwrap() {
        text.push_str(v["text"].as_str().unwrap());
        text.push('\n');
    }
    for e in read["edges"].as_array().unwrap() {
        text.push_str(e["text"].as_str().unwrap());
        text.push('\n');
    }
    let text = flat(&text);
    for &needle in SHOWN_BY_ALL {
        let needle = match needle {
            "tell Founder" => "if not done, tell Founder",
            "Legal counsel" => "with Founder and Legal counsel",
            n => n,
        };
        assert!(
            text.contains(needle),
            "the chart lacks {needle:?}:\n{chart}"
        );
    }
    // The rework loop: a dotted arrow from the review back to the draft.
    let edges = read["edges"].as_array().unwrap();
    let back: Vec<_> = edges.iter().filter(|e| e["stroke"] == "dotted").collect();
    assert_eq!(back.len(), 1, "{chart}");
    assert_eq!(back[0]["start"], "s4");
    assert_eq!(back[0]["end"], "s3");
    assert_eq!(back[0]["text"], "if no: go back");
}

/// The lead time against the target, in each case the outputs distinguish.
#[test]
fn lead_time_words_say_lower_bound_target_and_exceeded() {
    let words = |steps: &str, target: &str| {
        let c = compile_text(&format!(
            "role r\ntool t\nprocess p {{\n  step a\n}}\nworkflow w implements p {{\n{target}\n{steps}\n}}\n"
        ));
        lead_time_words(&c.model.workflows[0]).unwrap()
    };
    let step = |name: &str, time: &str| {
        format!("  step {name} {{\n    implements a\n    owner r\n    tool t\n    {time}\n  }}\n")
    };
    let both = format!("{}{}", step("x", "takes 1d"), step("y", "takes 4h"));
    assert_eq!(words(&both, ""), "1d 4h");
    assert_eq!(words(&both, "  target 2d"), "1d 4h (target 2d)");
    assert_eq!(words(&both, "  target 1d"), "1d 4h (target 1d, exceeded)");
    let one = format!("{}{}", step("x", "takes 1d"), step("y", "within 1d"));
    assert_eq!(words(&one, "  target 36h"), "at least 1d (target 36h)");
    let none = format!("{}{}", step("x", "within 1d"), step("y", "within 1d"));
    assert_eq!(
        words(&none, ""),
        "not known (no step says how long it takes)"
    );
}

/// Runs `dot -Tsvg`; fails on a non-zero exit or any warning.
fn graphviz(source: &str) -> String {
    let mut child = Process::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run Graphviz `dot` ({e}): install graphviz"));
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
        "dot -Tsvg failed:\n{stderr}\n--- DOT ---\n{source}"
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The text of an SVG's `<text>` elements, one line each, entities decoded.
fn svg_text(svg: &str) -> String {
    let mut out = String::new();
    for part in svg.split("<text").skip(1) {
        let Some(start) = part.find('>') else {
            continue;
        };
        let Some(end) = part.find("</text>") else {
            continue;
        };
        out.push_str(&decode(&part[start + 1..end]));
        out.push('\n');
    }
    out
}

/// XML character references and the five named entities.
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').unwrap();
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") => {
                char::from_u32(u32::from_str_radix(&e[2..], 16).unwrap()).unwrap()
            }
            e => char::from_u32(e[1..].parse().unwrap()).unwrap(),
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// What the real Mermaid parser reads of a chart.
fn mermaid_read(chart: &str) -> serde_json::Value {
    let root = crate_dir();
    assert!(
        root.join("tests/js/node_modules/mermaid").is_dir(),
        "the Mermaid parser is not installed: run `npm ci --prefix tests/js`"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chart.mmd");
    std::fs::write(&file, chart).unwrap();
    let output = Process::new("node")
        .arg(root.join("tests/js/mermaid-parse.mjs"))
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): install Node.js"));
    assert!(
        output.status.success(),
        "Mermaid rejected the chart:\n{}\n{chart}",
        String::from_utf8_lossy(&output.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let read = parsed[0].clone();
    assert_eq!(read["ok"], true, "{}", read["error"]);
    read
}

/// Runs the real markdownlint-cli2 (default rules, no configuration file).
fn markdownlint(doc: &str) {
    let bin = crate_dir().join("tools/markdownlint/node_modules/.bin/markdownlint-cli2");
    assert!(
        bin.exists(),
        "markdownlint-cli2 is not installed: run `npm ci --prefix tools/markdownlint`"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sop.md"), doc).unwrap();
    let output = Process::new(&bin)
        .arg("sop.md")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && report.contains("Summary: 0 error(s)"),
        "markdownlint-cli2 found problems:\n{report}\n{doc}"
    );
}
