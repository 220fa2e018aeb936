//! SOPs through templates: `build --emit sop --template FILE` on the real
//! binary (the examples through a template of a house style, read back by
//! markdownlint), template errors (file and line, exit 2, nothing written),
//! and the documentation of the template context (every field named in
//! docs/outputs/sop.md).
//!
//! Needs `npm ci --prefix tools/markdownlint`.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use common::crate_dir;
use procflow::backend::root_workflows;
use procflow::backend::sop::{self, SopOptions, Template};

/// A house style: a one-page checklist with the owner and deadline of each
/// step, its instructions, and a table of who to ask.
const HOUSE: &str = r#"# {{ sop.title }}: checklist

Ask {{ sop.owner.label if sop.owner else "the team" }}. Runs {{ sop.runs or "when needed" }}.

| Step | Owner |
| --- | --- |
{% for step in sop.steps %}
| {{ step.number }} | {{ step.owner }} |
{% endfor %}

{% for step in sop.steps %}
## {{ step.heading }}

- [ ] Done by {{ step.owner }}{% if step.within %}, within {{ step.within }}{% endif %}
{% if step.critical %} (critical){% endif %}

{% if step.description %}
{{ step.description }}

{% endif %}
{% endfor %}
"#;

fn procflow() -> Command {
    let mut c = Command::cargo_bin("procflow").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// Runs markdownlint-cli2 (default rules) on every `.md` file of `dir`.
fn markdownlint(dir: &Path) {
    let bin = crate_dir().join("tools/markdownlint/node_modules/.bin/markdownlint-cli2");
    assert!(
        bin.exists(),
        "run `npm ci --prefix tools/markdownlint` ({})",
        bin.display()
    );
    let output = Process::new(&bin)
        .arg("*.md")
        .current_dir(dir)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}");
}

#[test]
fn the_examples_render_through_a_template_of_ones_own() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("house.md.j2");
    std::fs::write(&template, HOUSE).unwrap();
    let out = dir.path().join("sops");
    // (team.flow declares roles and tools only.)
    for example in common::examples()
        .into_iter()
        .filter(|e| !e.ends_with("team.flow"))
    {
        procflow()
            .arg("build")
            .arg(&example)
            .args(["--emit", "sop", "--out-dir"])
            .arg(&out)
            .arg("--template")
            .arg(&template)
            .assert()
            .success();
    }
    let zoho = std::fs::read_to_string(out.join("zoho_funnel.md")).unwrap();
    assert!(
        zoho.starts_with("# Zoho lead funnel: checklist\n"),
        "{zoho}"
    );
    assert!(
        zoho.contains("Ask Operations (Maria Lopez). Runs every 1 day."),
        "{zoho}"
    );
    assert!(zoho.contains("| 7 | Founder |"), "{zoho}");
    assert!(
        zoho.contains("## 7. Call the lead\n\n- [ ] Done by Founder, within 2 days (critical)"),
        "{zoho}"
    );
    // The instructions are Markdown, demoted below the template's headings.
    assert!(zoho.contains("Call within two days"), "{zoho}");
    let weekly = std::fs::read_to_string(out.join("weekly_post.md")).unwrap();
    assert!(weekly.contains("| 8 | Founder |"), "{weekly}");
    markdownlint(&out);
}

#[test]
fn a_template_error_names_the_file_and_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sops");
    for (text, says) in [
        (
            "# {{ sop.title }}\n\n{{ sop.stepz }}\n",
            ":3: `sop.stepz` is not in the context",
        ),
        (
            "# x\n{% for s in sop.steps %}\n",
            ":2: unexpected end of input",
        ),
        ("{{ sop.title | shout }}\n", ":1: filter shout is unknown"),
        // A template that would run for hours runs out of fuel.
        (
            "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}x{% endfor %}{% endfor %}{% endfor %}\n",
            ":1: the template ran 100000000 instructions without finishing",
        ),
    ] {
        let template = dir.path().join("bad.md.j2");
        std::fs::write(&template, text).unwrap();
        let output = procflow()
            .arg("build")
            .arg(crate_dir().join("examples/content-creation.flow"))
            .args(["--emit", "sop", "--out-dir"])
            .arg(&out)
            .arg("--template")
            .arg(&template)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        let flat = stderr
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains(&format!("bad.md.j2{says}")), "{stderr}");
        assert!(!out.exists(), "nothing is written");
    }
    // A template belongs to SOPs.
    let template = dir.path().join("ok.md.j2");
    std::fs::write(&template, "# x\n").unwrap();
    procflow()
        .arg("build")
        .arg(crate_dir().join("examples/content-creation.flow"))
        .args(["--emit", "plan", "--template"])
        .arg(&template)
        .assert()
        .code(2);
}

#[test]
fn the_builtin_template_and_render_agree() {
    let c = common::compile(&crate_dir().join("examples/content-creation.flow"));
    let w = root_workflows(&c.model)[0];
    let options = SopOptions::default();
    assert_eq!(
        sop::render_with(Template::builtin(), &c.model, w, options).unwrap(),
        sop::render(&c.model, w, options)
    );
    let source = std::fs::read_to_string(crate_dir().join("templates/sop.md.j2")).unwrap();
    let parsed = Template::parse("copy.md.j2", &source).unwrap();
    assert_eq!(
        sop::render_with(&parsed, &c.model, w, options).unwrap(),
        sop::render(&c.model, w, options)
    );
}

/// Every key of a JSON value, at any depth.
fn keys(value: &serde_json::Value, into: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                into.insert(k.clone());
                keys(v, into);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, into)),
        _ => {}
    }
}

#[test]
fn every_field_of_the_context_is_documented() {
    let page = std::fs::read_to_string(crate_dir().join("docs/outputs/sop.md")).unwrap();
    let mut all = BTreeSet::new();
    for example in common::examples() {
        let c = common::compile(&example);
        for w in root_workflows(&c.model) {
            let context = sop::context::context(&c.model, w, SopOptions::default());
            keys(&serde_json::to_value(&context.sop).unwrap(), &mut all);
        }
    }
    let missing: Vec<&String> = all
        .iter()
        .filter(|k| !page.contains(&format!("`{k}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/outputs/sop.md does not name {missing:?}"
    );
    assert!(all.len() > 40, "{all:?}");
}
