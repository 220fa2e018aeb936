//! The BPMN backend (`build --emit bpmn`): snapshots of every example in both
//! flavors, determinism, the layout read back from the DI, and the real
//! tools: bpmn-moddle, bpmnlint and camunda-compat (`tests/bpmn/check.mjs`),
//! SpiffWorkflow running every example and random workflows
//! (`tests/bpmn/spiff_run.py`), and bpmn-js in headless Chromium
//! (`tests/bpmn/screenshot.mjs`, PNGs in `target/bpmn-screenshots/`).
//!
//! Needs Node.js with `npm ci --prefix tests/bpmn`, Python 3 (the test makes
//! the virtual environment `target/bpmn-venv` from
//! `tests/bpmn/requirements.txt` when it is missing) and Debian's `chromium`.
#![allow(clippy::unwrap_used, clippy::doc_markdown)]

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use common::{compile, compile_text, crate_dir, examples, stem};
use procflow::Compilation;
use procflow::backend::bpmn::{self, BpmnOptions, Flavor};
use procflow::backend::{plan, root_workflows};
use quick_xml::Reader;
use quick_xml::events::Event;

const CAMUNDA8: BpmnOptions<'static> = BpmnOptions {
    flavor: Flavor::Camunda8,
    camunda_version: bpmn::DEFAULT_CAMUNDA_VERSION,
};
const SPIFF: BpmnOptions<'static> = BpmnOptions {
    flavor: Flavor::Spiff,
    camunda_version: bpmn::DEFAULT_CAMUNDA_VERSION,
};

/// Every workflow of a compilation: (workflow id, camunda8, spiff, plan).
fn outputs(c: &Compilation) -> Vec<(String, String, String, String)> {
    root_workflows(&c.model)
        .into_iter()
        .map(|w| {
            (
                c.model.workflows[w.0].name.text.clone(),
                bpmn::render(&c.model, w, CAMUNDA8),
                bpmn::render(&c.model, w, SPIFF),
                plan::render(&c.model, w),
            )
        })
        .collect()
}

/// Every example workflow: (example stem, outputs).
fn example_outputs() -> Vec<(String, (String, String, String, String))> {
    let mut all = Vec::new();
    for path in examples() {
        let c = compile(&path);
        for o in outputs(&c) {
            all.push((stem(&path), o));
        }
    }
    assert!(all.len() >= 3, "the examples have three workflows");
    all
}

/// The examples and the workflow that uses every construct of language v2
/// (`tests/fixtures/outputs/v2-everything.flow`: names with `-`, helpers,
/// inputs, compound conditions).
fn checked_outputs() -> Vec<(String, (String, String, String, String))> {
    let mut all = example_outputs();
    let text =
        std::fs::read_to_string(crate_dir().join("tests/fixtures/outputs/v2-everything.flow"))
            .unwrap();
    for o in outputs(&compile_text(&text)) {
        all.push(("v2-everything".to_owned(), o));
    }
    // A step with its workflow's id: the process takes `w.process`, so that
    // ids stay unique (bpmn-moddle rejects a duplicate).
    let same = "role r \"R\"\ntool t \"T\"\nprocess p \"P\" {\n  outcome \"o\"\n  owner r\n  step a \"A\"\n}\nworkflow w \"W\" implements p {\n  owner r\n  step w \"Same id\" {\n    implements a\n    owner r\n    tool t\n  }\n  step x \"Next\" {\n    implements a\n    owner r\n    tool t\n    after w\n  }\n}\n";
    for o in outputs(&compile_text(same)) {
        assert!(o.1.contains("<bpmn:process id=\"w.process\""), "{}", o.1);
        assert!(o.1.contains("<bpmn:userTask id=\"w\""), "{}", o.1);
        all.push(("step-named-like-workflow".to_owned(), o));
    }
    all
}

#[test]
fn snapshot_of_every_example_workflow_in_both_flavors() {
    for (example, (id, camunda, spiff, _)) in example_outputs() {
        insta::assert_snapshot!(format!("{example}--{id}--camunda8"), camunda);
        insta::assert_snapshot!(format!("{example}--{id}--spiff"), spiff);
    }
}

#[test]
fn rendering_is_deterministic() {
    let first = example_outputs();
    let second = example_outputs();
    assert_eq!(first, second);
}

// ---------------------------------------------------------------------------
// Random valid workflows.

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A valid workflow file using every construct the BPMN maps: forks and
/// joins, decisions with `when`/`when not` (from ancestors), free-text
/// conditions, rework back to the step or an ancestor, `wait`, `within` +
/// `escalate`, automated steps, artifacts and inputs, `every` without a
/// trigger.
fn random_workflow(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let n = 3 + rng.below(7);
    let mut out = String::from(
        "role r1\nrole r2\nrole r3\nrole client {\n  external\n}\ntool t\n\nprocess p {\n  step a\n}\n\n",
    );
    out.push_str(&format!("workflow w{seed} implements p {{\n  owner r1\n"));
    if rng.chance(50) {
        out.push_str("  every 1w\n");
    } else {
        out.push_str("  trigger \"A request comes in\"\n");
    }
    let has_input = rng.chance(40);
    if has_input {
        out.push_str("  input brief\n");
    }
    let mut after: Vec<Vec<usize>> = Vec::new();
    let mut decides: Vec<Option<String>> = Vec::new();
    let mut produced: Vec<Option<String>> = Vec::new();
    for i in 0..n {
        let preds: Vec<usize> = if i == 0 {
            Vec::new()
        } else {
            let mut p = vec![rng.below(i)];
            if i > 1 && rng.chance(35) {
                let q = rng.below(i);
                if !p.contains(&q) {
                    p.push(q);
                }
            }
            p.sort_unstable();
            p
        };
        let mut ancestors: Vec<usize> = Vec::new();
        let mut stack = preds.clone();
        while let Some(s) = stack.pop() {
            if !ancestors.contains(&s) {
                ancestors.push(s);
                stack.extend(after[s].iter().copied());
            }
        }
        ancestors.sort_unstable();
        out.push_str(&format!("\n  step s{i} {{\n    implements a\n"));
        let owner = ["r1", "r2", "r3", "client"][rng.below(4)];
        out.push_str(&format!("    owner {owner}\n    tool t\n"));
        if owner != "client" && rng.chance(25) {
            out.push_str("    automated\n");
        }
        if !preds.is_empty() {
            let names: Vec<String> = preds.iter().map(|p| format!("s{p}")).collect();
            out.push_str(&format!("    after {}\n", names.join(", ")));
        }
        let deciding: Vec<usize> = ancestors
            .iter()
            .copied()
            .filter(|&a| decides[a].is_some())
            .collect();
        if !deciding.is_empty() && rng.chance(45) {
            let d = decides[deciding[rng.below(deciding.len())]]
                .clone()
                .unwrap();
            let not = if rng.chance(50) { "not " } else { "" };
            if rng.chance(20) {
                out.push_str(&format!("    when {not}{d}, \"extra {i}\"\n"));
            } else {
                out.push_str(&format!("    when {not}{d}\n"));
            }
        } else if rng.chance(12) {
            out.push_str(&format!("    when \"condition {i}\"\n"));
        }
        let decision = rng.chance(35).then(|| format!("d{i}"));
        if let Some(d) = &decision {
            out.push_str(&format!("    decides {d} \"Question {i}?\"\n"));
            if rng.chance(40) {
                let mut targets = ancestors.clone();
                targets.push(i);
                let t = targets[rng.below(targets.len())];
                out.push_str(&format!("    rework s{t} when not {d}\n"));
            }
        }
        if rng.chance(20) {
            out.push_str("    wait 1h\n");
        }
        if rng.chance(30) {
            out.push_str("    within 1d\n");
            if rng.chance(70) {
                out.push_str("    escalate r1\n");
            }
        }
        let sources: Vec<String> = ancestors
            .iter()
            .filter_map(|&a| produced[a].clone())
            .chain(has_input.then(|| "brief".to_owned()))
            .collect();
        if !sources.is_empty() && rng.chance(40) {
            out.push_str(&format!(
                "    needs {}\n",
                sources[rng.below(sources.len())]
            ));
        }
        let artifact = rng.chance(30).then(|| format!("art{i}"));
        if let Some(a) = &artifact {
            out.push_str(&format!("    produces {a}\n"));
        }
        out.push_str("  }\n");
        after.push(preds);
        decides.push(decision);
        produced.push(artifact);
    }
    out.push_str("}\n");
    out
}

const RANDOM_WORKFLOWS: u64 = 24;

/// The random workflows, compiled (each is valid; warnings are allowed).
fn random_compilations() -> Vec<(String, Compilation)> {
    (1..=RANDOM_WORKFLOWS)
        .map(|seed| {
            let text = random_workflow(seed);
            let c = compile_text(&text);
            (text, c)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Layout, from the DI.

/// x, y, width, height.
type Rect = (f64, f64, f64, f64);

#[derive(Debug, Default)]
struct Di {
    /// bpmnElement → its shape.
    shapes: HashMap<String, Rect>,
    /// bpmnElement → number of waypoints.
    edges: HashMap<String, usize>,
    /// Flow node ids (from the lanes' flowNodeRef).
    nodes: Vec<String>,
    /// Sequence flow ids.
    flows: Vec<String>,
    /// Boundary event id → the task it is attached to.
    boundaries: HashMap<String, String>,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name.as_bytes())
        .map(|a| a.unescape_value().unwrap().into_owned())
}

fn read_di(xml: &str) -> Di {
    let mut di = Di::default();
    let mut reader = Reader::from_str(xml);
    let mut shape: Option<String> = None;
    let mut edge: Option<String> = None;
    let mut in_label = false;
    let mut in_node_ref = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"bpmndi:BPMNShape" => shape = attr(&e, "bpmnElement"),
                b"bpmndi:BPMNEdge" => {
                    let id = attr(&e, "bpmnElement").unwrap();
                    di.edges.insert(id.clone(), 0);
                    edge = Some(id);
                }
                b"bpmndi:BPMNLabel" => in_label = true,
                b"dc:Bounds" if !in_label => {
                    let n = |k: &str| attr(&e, k).unwrap().parse::<f64>().unwrap();
                    if let Some(s) = shape.take() {
                        di.shapes
                            .insert(s, (n("x"), n("y"), n("width"), n("height")));
                    }
                }
                b"di:waypoint" => {
                    if let Some(id) = &edge {
                        *di.edges.get_mut(id).unwrap() += 1;
                    }
                }
                b"bpmn:flowNodeRef" => in_node_ref = true,
                b"bpmn:sequenceFlow" => di.flows.push(attr(&e, "id").unwrap()),
                b"bpmn:boundaryEvent" => {
                    di.boundaries
                        .insert(attr(&e, "id").unwrap(), attr(&e, "attachedToRef").unwrap());
                }
                _ => {}
            },
            Event::Text(t) if in_node_ref => di.nodes.push(t.decode().unwrap().into_owned()),
            Event::End(e) => match e.name().as_ref() {
                b"bpmndi:BPMNLabel" => in_label = false,
                b"bpmndi:BPMNEdge" => edge = None,
                b"bpmn:flowNodeRef" => in_node_ref = false,
                _ => {}
            },
            _ => {}
        }
    }
    di
}

/// Layout problems: a flow node or flow without DI, a flow with fewer than
/// two waypoints, two shapes that overlap (lanes and the pool hold the
/// others; a boundary event sits on its task's border).
fn layout_problems(xml: &str) -> Vec<String> {
    let di = read_di(xml);
    let mut problems = Vec::new();
    for n in &di.nodes {
        if !di.shapes.contains_key(n) {
            problems.push(format!("flow node {n} has no shape"));
        }
    }
    for f in &di.flows {
        match di.edges.get(f) {
            Some(&points) if points >= 2 => {}
            other => problems.push(format!("flow {f} has {other:?} waypoints")),
        }
    }
    for (id, &points) in &di.edges {
        if points < 2 {
            problems.push(format!("edge of {id} has {points} waypoints"));
        }
    }
    let mut shapes: Vec<(&String, &Rect)> = di
        .shapes
        .iter()
        .filter(|(id, _)| *id != "_participant" && !id.starts_with("_lane"))
        .collect();
    shapes.sort_by(|a, b| a.0.cmp(b.0));
    for (i, (a, ra)) in shapes.iter().enumerate() {
        for (b, rb) in &shapes[i + 1..] {
            let attached = di.boundaries.get(*a) == Some(*b) || di.boundaries.get(*b) == Some(*a);
            let overlap = ra.0 < rb.0 + rb.2
                && rb.0 < ra.0 + ra.2
                && ra.1 < rb.1 + rb.3
                && rb.1 < ra.1 + ra.3;
            if overlap && !attached {
                problems.push(format!("{a} and {b} overlap"));
            }
        }
    }
    for (b, host) in &di.boundaries {
        let (rb, rh) = (di.shapes[b], di.shapes[host]);
        let (cx, cy) = (rb.0 + rb.2 / 2.0, rb.1 + rb.3 / 2.0);
        let on_border = (cy - (rh.1 + rh.3)).abs() < 1.0 && cx > rh.0 && cx < rh.0 + rh.2;
        if !on_border {
            problems.push(format!("boundary event {b} is not on the border of {host}"));
        }
    }
    problems.sort();
    problems
}

#[test]
fn no_shapes_overlap_and_every_flow_is_drawn() {
    let mut all = checked_outputs();
    for (_, c) in random_compilations() {
        for o in outputs(&c) {
            all.push(("random".to_owned(), o));
        }
    }
    for (example, (id, camunda, spiff, _)) in all {
        for xml in [&camunda, &spiff] {
            let problems = layout_problems(xml);
            assert!(problems.is_empty(), "{example} {id}: {problems:#?}");
        }
    }
}

#[test]
fn the_layout_check_finds_overlaps_and_missing_waypoints() {
    let (_, (_, camunda, _, _)) = example_outputs().remove(0);
    // Move the end event onto the start event.
    let di = read_di(&camunda);
    let (x, y, _, _) = di.shapes["_start"];
    let end = di.shapes["_end"];
    let overlapping = camunda.replacen(
        &format!("x=\"{}\" y=\"{}\" width=\"36\"", end.0, end.1),
        &format!("x=\"{x}\" y=\"{y}\" width=\"36\""),
        1,
    );
    assert_ne!(overlapping, camunda);
    assert!(
        layout_problems(&overlapping)
            .iter()
            .any(|p| p.contains("overlap")),
        "an overlap goes unnoticed"
    );
    let no_points = camunda.replacen("<di:waypoint", "<di:nowaypoint", 2);
    assert!(
        layout_problems(&no_points)
            .iter()
            .any(|p| p.contains("waypoints")),
        "a flow without waypoints goes unnoticed"
    );
}

// ---------------------------------------------------------------------------
// The real tools.

/// A fresh folder under target/ for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = crate_dir().join("target/bpmn-test").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn node_modules() -> PathBuf {
    let modules = crate_dir().join("tests/bpmn/node_modules");
    assert!(
        modules.join("bpmnlint").is_dir(),
        "the BPMN tools are not installed: run `npm ci --prefix tests/bpmn` (needs Node.js 18 or later)"
    );
    modules
}

fn run(mut cmd: Command, what: &str) -> String {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(" passed, 0 failed"),
        "{what} printed no result:\n{stdout}"
    );
    stdout
}

#[test]
fn bpmn_moddle_bpmnlint_and_camunda_compat_pass() {
    node_modules();
    let dir = scratch("lint");
    let mut files = Vec::new();
    let mut add = |name: String, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        files.push(path);
    };
    for (example, (id, camunda, spiff, _)) in checked_outputs() {
        add(format!("{example}--{id}--camunda8.bpmn"), &camunda);
        add(format!("{example}--{id}--spiff.bpmn"), &spiff);
    }
    for (_, c) in random_compilations() {
        for (id, camunda, spiff, _) in outputs(&c) {
            add(format!("{id}--camunda8.bpmn"), &camunda);
            add(format!("{id}--spiff.bpmn"), &spiff);
        }
    }
    let mut cmd = Command::new("node");
    cmd.arg(crate_dir().join("tests/bpmn/check.mjs"))
        .args(&files);
    let out = run(cmd, "tests/bpmn/check.mjs");
    assert!(out.contains(&format!("{} passed, 0 failed", files.len())));
}

#[test]
fn the_lint_check_fails_on_a_broken_file() {
    node_modules();
    let dir = scratch("lint-broken");
    let (_, (_, camunda, _, _)) = example_outputs().remove(0);
    // A user task without its form and candidate group, and a dangling flow.
    let broken = camunda.replacen("<zeebe:formDefinition", "<zeebe:nothing", 1);
    let path = dir.join("broken.bpmn");
    std::fs::write(&path, broken).unwrap();
    let output = Command::new("node")
        .arg(crate_dir().join("tests/bpmn/check.mjs"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 passed, 1 failed"));
}

/// The Python of the virtual environment with SpiffWorkflow, made from
/// tests/bpmn/requirements.txt when missing.
fn spiff_python() -> PathBuf {
    let venv = crate_dir().join("target/bpmn-venv");
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import SpiffWorkflow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .expect("python3 is needed to run SpiffWorkflow");
        assert!(status.success(), "python3 -m venv failed");
        let status = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(crate_dir().join("tests/bpmn/requirements.txt"))
            .status()
            .unwrap();
        assert!(status.success(), "pip could not install SpiffWorkflow");
    }
    python
}

fn spiff_run(pairs: &[(PathBuf, PathBuf)]) -> std::process::Output {
    let mut cmd = Command::new(spiff_python());
    cmd.arg(crate_dir().join("tests/bpmn/spiff_run.py"));
    for (bpmn, plan) in pairs {
        cmd.arg(bpmn).arg(plan);
    }
    cmd.output().unwrap()
}

#[test]
fn spiffworkflow_runs_every_example_and_random_workflows_as_the_plan_says() {
    let dir = scratch("spiff");
    let mut pairs = Vec::new();
    let mut add = |name: &str, spiff: &str, plan: &str| {
        let bpmn = dir.join(format!("{name}.bpmn"));
        let json = dir.join(format!("{name}.json"));
        std::fs::write(&bpmn, spiff).unwrap();
        std::fs::write(&json, plan).unwrap();
        pairs.push((bpmn, json));
    };
    for (example, (id, _, spiff, plan)) in checked_outputs() {
        add(&format!("{example}--{id}"), &spiff, &plan);
    }
    let randoms = random_compilations();
    for (_, c) in &randoms {
        for (id, _, spiff, plan) in outputs(c) {
            add(&id, &spiff, &plan);
        }
    }
    let output = spiff_run(&pairs);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains(&format!("{} passed, 0 failed", pairs.len())),
        "SpiffWorkflow:\n{stdout}\n{}\nthe random workflows:\n{}",
        String::from_utf8_lossy(&output.stderr),
        randoms
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The runs exercised what they check: decisions both ways, rework
    // loops, escalations.
    let random_text: String = randoms.iter().map(|(t, _)| t.as_str()).collect();
    for construct in [
        "rework ",
        "escalate ",
        "when not ",
        "when \"",
        "wait ",
        "needs ",
    ] {
        assert!(
            random_text.contains(construct),
            "no random workflow has `{construct}`"
        );
    }
}

#[test]
fn the_spiff_harness_fails_a_wrong_condition() {
    let dir = scratch("spiff-wrong");
    let (_, (_, _, spiff, plan)) = example_outputs()
        .into_iter()
        .find(|(_, o)| o.0 == "zoho_funnel")
        .unwrap();
    let wrong = spiff.replace("hot_lead == True", "hot_lead == False");
    assert_ne!(wrong, spiff);
    let bpmn = dir.join("wrong.bpmn");
    let json = dir.join("wrong.json");
    std::fs::write(&bpmn, wrong).unwrap();
    std::fs::write(&json, plan).unwrap();
    let output = spiff_run(&[(bpmn, json)]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(stdout.contains("(c) done"), "{stdout}");
}

#[test]
fn bpmn_js_imports_every_example_without_warnings() {
    node_modules();
    let dir = scratch("screenshots");
    let mut files = Vec::new();
    for (example, (id, camunda, _, _)) in example_outputs() {
        let path = dir.join(format!("{example}--{id}.bpmn"));
        std::fs::write(&path, camunda).unwrap();
        files.push(path);
    }
    let shots = crate_dir().join("target/bpmn-screenshots");
    let mut cmd = Command::new("node");
    cmd.arg(crate_dir().join("tests/bpmn/screenshot.mjs"))
        .arg(&shots)
        .args(&files);
    run(
        cmd,
        "tests/bpmn/screenshot.mjs (bpmn-js in headless Chromium)",
    );
    for f in &files {
        let png = shots.join(format!("{}.png", f.file_stem().unwrap().to_string_lossy()));
        let bytes = std::fs::read(&png).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG"),
            "{} is not a PNG",
            png.display()
        );
        assert!(bytes.len() > 10_000, "{} is almost empty", png.display());
    }
}

// ---------------------------------------------------------------------------
// The command line.

fn procflow() -> Command {
    Command::cargo_bin("procflow").unwrap()
}

#[test]
fn build_writes_one_file_per_workflow_in_each_flavor() {
    for (flavor, options) in [("camunda8", CAMUNDA8), ("spiff", SPIFF)] {
        for path in examples() {
            let c = compile(&path);
            let ids = root_workflows(&c.model);
            if ids.is_empty() {
                continue;
            }
            let dir = scratch(&format!("cli-{flavor}-{}", stem(&path)));
            let output = procflow()
                .args([
                    "build",
                    "--emit",
                    "bpmn",
                    "--bpmn-flavor",
                    flavor,
                    "--out-dir",
                ])
                .arg(&dir)
                .arg(&path)
                .output()
                .unwrap();
            assert!(output.status.success(), "{output:?}");
            for w in ids {
                let id = &c.model.workflows[w.0].name.text;
                let written = std::fs::read_to_string(dir.join(format!("{id}.bpmn"))).unwrap();
                assert_eq!(written, bpmn::render(&c.model, w, options));
            }
        }
    }
}

#[test]
fn the_camunda_version_is_written_and_checked() {
    let path = crate_dir().join("examples/lead-generation.flow");
    let output = procflow()
        .args(["build", "--emit", "bpmn", "--camunda-version", "8.6"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("modeler:executionPlatformVersion=\"8.6.0\"")
    );
    let output = procflow()
        .args(["build", "--emit", "bpmn", "--camunda-version", "latest"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`--camunda-version latest` is not a Camunda version"),
        "{stderr}"
    );
    assert!(stderr.contains("MAJOR.MINOR"), "{stderr}");
}

#[test]
fn ids_of_steps_and_artifacts_never_collide() {
    // A step named like an artifact, and names with `-`.
    let c = compile_text(
        r"
role r
tool t
process p {
  step a
}
workflow w implements p {
  owner r
  step draft {
    implements a
    owner r
    tool t
    automated
    produces draft, my-notes
  }
  step check-it {
    implements a
    owner r
    tool t
    needs draft, my-notes
    within 1d
    escalate r
  }
}
",
    );
    let w = root_workflows(&c.model)[0];
    for options in [CAMUNDA8, SPIFF] {
        let xml = bpmn::render(&c.model, w, options);
        let mut ids: Vec<String> = Vec::new();
        let mut reader = Reader::from_str(&xml);
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => {
                    if let Some(id) = attr(&e, "id") {
                        assert!(!ids.contains(&id), "id {id} twice");
                        ids.push(id);
                    }
                }
                _ => {}
            }
        }
        assert!(ids.contains(&"draft".to_owned()), "the step keeps its id");
        assert!(ids.contains(&"_data.draft".to_owned()));
        assert!(ids.contains(&"my-notes".to_owned()));
        if options.flavor == Flavor::Spiff {
            assert!(xml.contains("globals()[&quot;my-notes&quot;] = &quot;draft&quot;"));
        }
    }
}
