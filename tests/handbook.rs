//! `procflow build PATHS… --emit handbook` (issue 13): the website of the
//! examples and of a hostile file, checked in a real browser (Debian's
//! chromium driven by puppeteer-core, tests/handbook/check.mjs) and by
//! html-validate; built twice to the same bytes; written whole or not at
//! all; with and without Graphviz; through custom templates.
//!
//! The browser tests need chromium (`/usr/bin/chromium`, or `CHROMIUM`) and
//! `npm ci --prefix tests/handbook`: without them they are skipped with a
//! message, except in CI (`CI=true`), where they fail.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt as _;
use common::crate_dir;

fn procflow() -> Command {
    Command::cargo_bin("procflow").unwrap()
}

/// Builds the handbook of `paths` into `out`; returns standard error.
fn build(paths: &[&Path], out: &Path, extra: &[&str], no_graphviz: bool) -> String {
    let mut cmd = procflow();
    cmd.arg("build")
        .args(paths)
        .args(["--emit", "handbook", "--out-dir"]);
    cmd.arg(out).args(extra);
    if no_graphviz {
        // No `dot` on this PATH.
        cmd.env("PATH", out.parent().unwrap());
    }
    let result = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "build failed:\n{stderr}");
    stderr
}

/// Every file of a folder: path inside it → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn graphviz() -> bool {
    Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the browser check can run here; in CI it must.
fn browser_ready() -> bool {
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let modules = crate_dir().join("tests/handbook/node_modules/puppeteer-core");
    let missing: Vec<String> = [
        (!chromium.exists()).then(|| format!("chromium ({})", chromium.display())),
        (!modules.exists()).then(|| "`npm ci --prefix tests/handbook`".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI must run the handbook's browser check; missing: {}",
        missing.join(", ")
    );
    eprintln!(
        "skipped: the handbook's browser check needs {}",
        missing.join(" and ")
    );
    false
}

/// Runs tests/handbook/check.mjs on a site; panics with its problems.
fn browser_check(site: &Path, args: &[&str]) -> String {
    let out = Command::new("node")
        .arg(crate_dir().join("tests/handbook/check.mjs"))
        .arg("--site")
        .arg(site)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "browser check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn the_examples_handbook_passes_the_browser_check() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build(&[&crate_dir().join("examples")], &site, &[], false);
    // One page per workflow, process, role and tool of the examples.
    let names: Vec<String> = files(&site).into_keys().collect();
    for page in [
        "index.html",
        "workflows/zoho_funnel.html",
        "workflows/onboarding_playbook.html",
        "workflows/weekly_post.html",
        "processes/lead_generation.html",
        "roles/ops.html",
        "roles/prospect.html",
        "tools/zoho_crm.html",
        "style.css",
        "search.js",
        "search-index.js",
    ] {
        assert!(names.iter().any(|n| n == page), "{page} missing: {names:?}");
    }
    // Every internal link and anchor resolves, browser or not.
    let texts: BTreeMap<String, String> = files(&site)
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect();
    check_links(&texts, "the examples' handbook");
    if !browser_ready() {
        return;
    }
    let screens = crate_dir().join("target/handbook-screenshots");
    let summary = browser_check(
        &site,
        &[
            "--screens",
            screens.to_str().unwrap(),
            "--workflow",
            "zoho_funnel",
            "--role",
            "ops",
            "--search",
            "call",
            "--expect",
            "Call the lead",
            "--search",
            "zoho funnel",
            "--expect",
            "Zoho lead funnel",
        ],
    );
    assert!(summary.contains("\"problems\":0"), "{summary}");
    for shot in ["index", "workflow", "role"] {
        for width in ["desktop", "phone"] {
            assert!(screens.join(format!("{shot}-{width}.png")).is_file());
        }
    }
}

#[test]
fn hostile_text_renders_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let hostile = crate_dir().join("tests/fixtures/handbook/hostile.flow");
    build(&[&hostile], &site, &[], false);
    // Whatever the browser says: no element from the file in the HTML.
    for (name, bytes) in files(&site) {
        if Path::new(&name).extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for bad in [
            "<script>alert",
            "<img",
            "<iframe",
            "<object",
            "<style>",
            "<marquee",
            "<svg onload",
            "<svg/onload",
            "<b onclick",
            "<link rel=stylesheet",
            "href=\"javascript:",
            "src=\"https://evil",
        ] {
            assert!(!html.contains(bad), "{name} holds `{bad}`:\n{html}");
        }
        let scripts = html.matches("<script").count();
        assert_eq!(scripts, if name == "index.html" { 2 } else { 0 }, "{name}");
    }
    if !browser_ready() {
        return;
    }
    browser_check(
        &site,
        &[
            "--search",
            "one",
            "--expect",
            "Step <script>alert(5)</script> one",
            "--expect-text",
            "<script>alert('role')</script> Boss",
            "--expect-text",
            "Clerk {{ 7 * 7 }} {% raw %}",
            "--expect-text",
            "Do <em>this</em> <script>alert(6)</script>",
        ],
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let examples = crate_dir().join("examples");
    build(&[&examples], &a, &[], false);
    build(&[&examples], &b, &[], false);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two builds");
    }
    // Rebuilding over the site replaces it with the same bytes.
    build(&[&examples], &a, &[], false);
    assert!(files(&a) == fb);
}

#[test]
fn without_graphviz_the_pages_say_so_and_list_every_step() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let stderr = build(&[&crate_dir().join("examples")], &site, &[], true);
    assert!(
        stderr.contains("Graphviz (`dot`) was not found"),
        "{stderr}"
    );
    let page = std::fs::read_to_string(site.join("workflows/zoho_funnel.html")).unwrap();
    assert!(page.contains("Graphviz (<code>dot</code>) was not found"));
    assert!(!page.contains("<svg"));
    for step in ["see_ad", "fill_form", "reach_out", "update_stage"] {
        assert!(page.contains(&format!("href=\"#step-{step}\"")), "{step}");
        assert!(page.contains(&format!("id=\"step-{step}\"")), "{step}");
    }
}

#[test]
fn with_graphviz_the_diagram_is_inline_and_its_steps_link_to_the_procedure() {
    if !graphviz() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI installs Graphviz"
        );
        eprintln!("skipped: Graphviz (`dot`) is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build(&[&crate_dir().join("examples")], &site, &[], false);
    let page = std::fs::read_to_string(site.join("workflows/zoho_funnel.html")).unwrap();
    let svg = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    assert!(!page.contains("<?xml") && !page.contains("<!DOCTYPE svg"));
    for step in ["see_ad", "reach_out", "update_stage"] {
        assert!(svg.contains(&format!("<a href=\"#step-{step}\"")), "{step}");
    }
}

#[test]
fn the_role_page_and_the_index_read_as_expected() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build(&[&crate_dir().join("examples")], &site, &[], true);
    let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap();
    insta::assert_snapshot!("role_ops", read("roles/ops.html"));
    insta::assert_snapshot!("role_founder", read("roles/founder.html"));
    insta::assert_snapshot!("index", read("index.html"));
    insta::assert_snapshot!(
        "process_client_onboarding",
        read("processes/client_onboarding.html")
    );
}

#[test]
fn a_failed_build_leaves_the_site_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build(&[&crate_dir().join("examples")], &site, &[], true);
    let before = files(&site);
    let broken = tmp.path().join("broken.flow");
    std::fs::write(
        &broken,
        "workflow w {\n  step s {\n    owner nobody\n  }\n}\n",
    )
    .unwrap();
    let out = procflow()
        .arg("build")
        .arg(&broken)
        .args(["--emit", "handbook", "--out-dir"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was built"));
    assert!(files(&site) == before);
    // Nothing staged is left beside it.
    let beside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        beside.iter().all(|n| !n.starts_with(".procflow")),
        "{beside:?}"
    );
}

#[test]
fn a_folder_procflow_did_not_write_is_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = procflow()
        .arg("build")
        .arg(crate_dir().join("examples"))
        .args(["--emit", "handbook", "--out-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("did not write"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn custom_templates_replace_the_built_in_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let templates = tmp.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("role.html"),
        "<!DOCTYPE html><title>{{ page.title }}</title><h1>{{ page.title }}</h1><p>{{ page.who }} · {{ page.owns }} steps</p>\n",
    )
    .unwrap();
    std::fs::write(templates.join("style.css"), "body { color: teal; }\n").unwrap();
    let site = tmp.path().join("site");
    build(
        &[&crate_dir().join("examples")],
        &site,
        &["--templates", templates.to_str().unwrap()],
        true,
    );
    assert_eq!(
        std::fs::read_to_string(site.join("roles/ops.html")).unwrap(),
        "<!DOCTYPE html><title>Operations</title><h1>Operations</h1><p>Maria Lopez · 9 steps</p>\n"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("style.css")).unwrap(),
        "body { color: teal; }\n"
    );
    // The other pages keep the built-in templates.
    assert!(
        std::fs::read_to_string(site.join("tools/zoho_crm.html"))
            .unwrap()
            .contains("<h1>Zoho CRM</h1>")
    );

    // A template with a mistake: exit 2, naming it; nothing written.
    std::fs::write(templates.join("tool.html"), "{{ page.no_such_field }}").unwrap();
    let site2 = tmp.path().join("site2");
    // The examples' handbook with these templates into `site2`: it fails
    // (exit 2, nothing written); its standard error.
    let failed_build = || {
        let out = procflow()
            .arg("build")
            .arg(crate_dir().join("examples"))
            .args(["--emit", "handbook", "--out-dir"])
            .arg(&site2)
            .arg("--templates")
            .arg(&templates)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(!site2.exists());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let stderr = failed_build();
    assert!(stderr.contains("tool.html"), "{stderr}");
    assert!(!site2.exists());

    // A template that would run for hours: stopped, named; nothing written.
    std::fs::remove_file(templates.join("tool.html")).unwrap();
    std::fs::write(
        templates.join("index.html"),
        "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}x{% endfor %}{% endfor %}{% endfor %}",
    )
    .unwrap();
    let stderr = failed_build();
    assert!(
        stderr.contains("index.html:1") && stderr.contains("100000000"),
        "{stderr}"
    );
    assert!(!site2.exists());
    std::fs::remove_file(templates.join("index.html")).unwrap();

    // A file that is no template: named, with the list of those that are.
    std::fs::write(templates.join("workflows.html"), "").unwrap();
    let stderr = failed_build();
    assert!(
        stderr.contains("workflows.html") && stderr.contains("workflow.html"),
        "{stderr}"
    );
}

#[test]
fn other_emits_still_build_one_file() {
    let examples = crate_dir().join("examples");
    let out = procflow()
        .arg("build")
        .arg(examples.join("lead-generation.flow"))
        .arg(examples.join("team.flow"))
        .args(["--emit", "sop"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`--emit sop` builds one file, and 2 were given"),
        "{stderr}"
    );
    let out = procflow()
        .arg("build")
        .arg(&examples)
        .args(["--emit", "handbook"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`--out-dir DIR`"));
}

/// The workflow page holds the SOP written from its tree as HTML: two block
/// quotes are two `<blockquote>`s, and the empty comment that keeps them
/// apart in the Markdown SOP is not shown as text.
#[test]
fn the_workflow_page_holds_the_sop_without_markdown_artifacts() {
    let flow = "tool t \"T\"\nrole r \"R\"\nprocess p \"P\" {\n  outcome \"o\"\n  owner r\n  step a \"A\"\n}\nworkflow w \"W\" implements p {\n  owner r\n  step s \"S\" {\n    owner r\n    tool t\n    implements a\n    description \"> one\\n\\n> two\"\n  }\n}\n";
    let sop = procflow::backend::sop::render(
        &common::compile_text(flow).model,
        procflow::model::WorkflowId(0),
        procflow::backend::sop::SopOptions { mermaid: false },
    );
    assert!(sop.contains("> one\n\n<!-- -->\n\n> two"), "{sop}");
    let site = site_of(flow);
    let page = &site["workflows/w.html"];
    assert!(
        page.contains("<blockquote>\n<p>one</p>\n</blockquote>\n<blockquote>\n<p>two</p>"),
        "{page}"
    );
    assert!(!page.contains("&lt;!--"), "{page}");
    assert!(page.contains("<h3 id=\"step-s\">1. S</h3>"), "{page}");
}

/// The files of the handbook of a text, built by the library without
/// Graphviz: page path → text.
fn site_of(flow: &str) -> BTreeMap<String, String> {
    let c = common::compile_text(flow);
    let templates = procflow::backend::handbook::Templates::default();
    let files = procflow::backend::handbook::build(
        &[&c.model],
        &procflow::backend::handbook::Options {
            templates: &templates,
            svg: None,
        },
    )
    .unwrap();
    files
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// Every `href` of a page that stays in the site names a file of it and,
/// with `#id`, an element of that file with that id.
fn check_links(site: &BTreeMap<String, String>, what: &str) {
    for (name, html) in site {
        if Path::new(name).extension().is_none_or(|e| e != "html") {
            continue;
        }
        let dir = Path::new(name).parent().unwrap();
        for piece in html.split("href=\"").skip(1) {
            let href = &piece[..piece.find('"').unwrap()];
            if href.starts_with("http") || href.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = href.split_once('#').unwrap_or((href, ""));
            let target = if file.is_empty() {
                name.clone()
            } else {
                let mut parts: Vec<&str> = dir
                    .to_str()
                    .unwrap()
                    .split('/')
                    .filter(|p| !p.is_empty())
                    .collect();
                for part in file.split('/') {
                    match part {
                        ".." => {
                            parts.pop();
                        }
                        p => parts.push(p),
                    }
                }
                parts.join("/")
            };
            let page = site
                .get(&target)
                .unwrap_or_else(|| panic!("{name}: link to a missing {target} ({href}) in {what}"));
            if !anchor.is_empty() {
                assert!(
                    page.contains(&format!("id=\"{anchor}\"")),
                    "{name}: link to a missing anchor {target}#{anchor} in {what}"
                );
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(common::proptest_config(24))]

    /// Random files of random text: every internal link resolves, no text
    /// becomes markup (each page's scripts are the site's own), and the
    /// same file gives the same bytes.
    #[test]
    fn random_files_give_sites_whose_links_resolve(
        texts in proptest::collection::vec(proptest::collection::vec(0usize..1000, 1..12), 1..40),
        shapes in proptest::collection::vec(proptest::collection::vec(0usize..1000, 1..20), 1..4),
    ) {
        let flow = common::random_flow::random_flows(&texts, &shapes);
        let site = site_of(&flow);
        let what = format!("a random file:\n{flow}");
        check_links(&site, &what);
        for (name, html) in &site {
            if name.ends_with("html") {
                let own = if name == "index.html" { 2 } else { 0 };
                proptest::prop_assert_eq!(html.matches("<script").count(), own, "{} of {}", name, what);
            }
        }
        proptest::prop_assert!(site == site_of(&flow));
    }
}
