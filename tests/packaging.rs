//! What installs procflow: shell completions and the man page (run for real in
//! bash and groff), and the versions and hook definitions that the wheel, the
//! pre-commit hook repository and the VS Code extension must agree on. The
//! wheel, sdist, crate and .vsix themselves are built and tested by
//! `tests/dist/*.sh` (run by .ci/run).

use std::path::Path;
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;

fn procflow() -> Command {
    Command::cargo_bin("procflow").expect("the procflow binary")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn stdout_of(args: &[&str]) -> String {
    let out = procflow().args(args).output().expect("procflow runs");
    assert!(out.status.success(), "procflow {args:?} failed: {out:?}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The subcommands `procflow --help` lists (without `help`).
fn subcommands() -> Vec<String> {
    let help = stdout_of(&["--help"]);
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands: section")
        .split("\n\n")
        .next()
        .unwrap_or_default();
    let names: Vec<String> = list
        .lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    assert!(names.len() >= 8, "too few subcommands found: {names:?}");
    names
}

/// Runs a bash script; returns its standard output, failing on any error.
fn bash(script: &str) -> String {
    let out = Process::new("bash")
        .args(["--noprofile", "--norc", "-c", script])
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "bash failed: {stderr}");
    assert!(stderr.is_empty(), "bash wrote to standard error: {stderr}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// What the bash completion offers for a command line, cursor at its end.
fn complete_in_bash(script_path: &Path, line: &str) -> Vec<String> {
    let words: Vec<&str> = if line.ends_with(' ') {
        line.split_whitespace().chain([""]).collect()
    } else {
        line.split_whitespace().collect()
    };
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "set -u\nsource '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{line}'\nCOMP_POINT={}\n\
         _procflow procflow '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script_path.display(),
        quoted.join(" "),
        words.len() - 1,
        line.len(),
        words[words.len() - 1],
        words
            .get(words.len().wrapping_sub(2))
            .copied()
            .unwrap_or(""),
    );
    bash(&script).lines().map(str::to_owned).collect()
}

#[test]
fn bash_sources_the_completion_and_completes_subcommands_flags_and_values() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("procflow.bash");
    std::fs::write(&path, stdout_of(&["completions", "bash"])).expect("write");

    // Sourcing alone registers the function and prints nothing.
    let registered = bash(&format!(
        "source '{}'\ncomplete -p procflow",
        path.display()
    ));
    assert!(registered.contains("_procflow"), "{registered}");

    let offered = complete_in_bash(&path, "procflow ");
    for sub in subcommands() {
        assert!(offered.contains(&sub), "`{sub}` not offered: {offered:?}");
    }
    assert_eq!(complete_in_bash(&path, "procflow ma"), ["manpage"]);
    assert_eq!(
        complete_in_bash(&path, "procflow check --for"),
        ["--format"]
    );
    let formats = complete_in_bash(&path, "procflow check --format ");
    for format in ["human", "short", "json", "sarif", "github"] {
        assert!(formats.iter().any(|f| f == format), "{formats:?}");
    }
    let shells = complete_in_bash(&path, "procflow completions ");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(shells.iter().any(|s| s == shell), "{shells:?}");
    }
}

#[test]
fn every_shell_gets_a_script_that_names_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        for sub in subcommands() {
            assert!(script.contains(&sub), "{shell}: `{sub}` missing");
        }
    }
    procflow()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("possible values"));
}

#[test]
fn the_man_page_renders_without_warnings_and_covers_every_subcommand_and_flag() {
    let page = stdout_of(&["manpage"]);
    assert_eq!(page.matches(".TH ").count(), 1, "one page");
    assert!(page.contains("\n.TH PROCFLOW 1 "), "{}", &page[..80]);
    let mut groff = Process::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("groff is installed (apt-get install groff; .ci/run does)");
    std::io::Write::write_all(&mut groff.stdin.take().expect("stdin"), page.as_bytes())
        .expect("write to groff");
    let out = groff.wait_with_output().expect("groff runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "groff: {stderr}");
    // Overstrike (bold) and hyphenation make the text hard to search; the
    // plain text is what a reader sees.
    let text = strip_overstrike(&String::from_utf8_lossy(&out.stdout)).replace("‐\n", "");
    let mut flags = 0;
    for sub in subcommands() {
        let heading = format!("PROCFLOW {}", sub.to_uppercase());
        assert!(text.contains(&heading), "no section `{heading}`");
        // Every flag of every subcommand, as `--help` lists it.
        let help = stdout_of(&[&sub, "--help"]);
        for flag in help
            .split_whitespace()
            .filter(|w| w.starts_with("--") && w.len() > 2)
        {
            let flag = flag.trim_end_matches([',', '.', ')', '`']);
            assert!(
                text.contains(flag),
                "`{sub} {flag}` missing from the man page"
            );
            flags += 1;
        }
    }
    assert!(flags > 20, "only {flags} flags found in the help texts");
    assert!(
        !text.contains("procflow-check(1)"),
        "points at pages that do not exist"
    );
}

/// `X\bX` (bold) and `_\bX` (underline) as terminals draw them → `X`.
fn strip_overstrike(text: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{8}') {
            chars.next();
            continue;
        }
        out.push(c);
    }
    out.into_iter().collect()
}

#[test]
fn the_wheel_hooks_and_extension_carry_the_cargo_version() {
    let version = env!("CARGO_PKG_VERSION");

    // The wheel takes its version from Cargo.toml: pyproject.toml names none.
    let pyproject: toml::Table = read("pyproject.toml").parse().expect("pyproject.toml");
    let project = pyproject["project"].as_table().expect("[project]");
    assert!(
        !project.contains_key("version"),
        "the version is Cargo.toml's"
    );
    assert_eq!(project["dynamic"].as_array().map(Vec::len), Some(1));
    assert_eq!(project["name"].as_str(), Some("procflow"));
    let maturin = pyproject["tool"]["maturin"]
        .as_table()
        .expect("[tool.maturin]");
    assert_eq!(maturin["bindings"].as_str(), Some("bin"));

    // The hook repository installs exactly this version of the wheel.
    let hooks: toml::Table = read("dist/pre-commit/pyproject.toml")
        .parse()
        .expect("dist/pre-commit/pyproject.toml");
    assert_eq!(hooks["project"]["version"].as_str(), Some(version));
    let deps = hooks["project"]["dependencies"].as_array().expect("deps");
    assert_eq!(
        deps.iter()
            .filter_map(toml::Value::as_str)
            .collect::<Vec<_>>(),
        [format!("procflow=={version}")],
        "dist/pre-commit must depend on procflow=={version} (Cargo.toml)"
    );

    // The extension and its lock file.
    for path in [
        "editors/vscode/package.json",
        "editors/vscode/package-lock.json",
    ] {
        let json: serde_json::Value = serde_json::from_str(&read(path)).expect(path);
        assert_eq!(json["version"].as_str(), Some(version), "{path}");
    }

    // What the README tells users to pin.
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("rev: v{version}")),
        "README pins another rev"
    );
}

#[test]
fn the_python_hooks_are_the_rust_hooks_but_for_their_language() {
    let significant = |path: &str| -> Vec<String> {
        read(path)
            .lines()
            .filter(|line| !line.trim_start().starts_with('#') && !line.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    let rust = significant(".pre-commit-hooks.yaml");
    let python = significant("dist/pre-commit/.pre-commit-hooks.yaml");
    assert_eq!(rust.len(), python.len());
    let mut languages = 0;
    for (r, p) in rust.iter().zip(&python) {
        if r.trim() == "language: rust" {
            assert_eq!(p.trim(), "language: python");
            languages += 1;
        } else {
            assert_eq!(r, p, "the two hook files differ");
        }
    }
    assert_eq!(languages, 2, "both hooks are there");
}
