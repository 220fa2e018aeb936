//! `procflow build PATHS… --emit handbook --out-dir DIR`: every file and
//! folder given, checked as `check` checks them, built into one static
//! website, written whole (staged beside DIR, then put in place).

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use procflow::backend::handbook::{self, Templates};
use procflow::render::{self, HumanOptions};
use procflow::{CheckOptions, Error, LevelSetting};

use super::{BuildArgs, auto_color, input_for, usage};
use crate::output;

pub(super) fn build(args: &BuildArgs, settings: Vec<LevelSetting>) -> Result<ExitCode, Error> {
    let Some(dir) = &args.out_dir else {
        return Err(usage(
            "`--emit handbook` writes a website, a folder of pages: give `--out-dir DIR`"
                .to_owned(),
            Some(
                "for example `procflow build examples/ --emit handbook --out-dir site`".to_owned(),
            ),
        ));
    };
    if args.workflow.is_some() {
        return Err(usage(
            "`--workflow` does not apply to `--emit handbook`, which builds every workflow"
                .to_owned(),
            Some("leave `--workflow` out, or build fewer files".to_owned()),
        ));
    }
    let templates = load_templates(args.templates.as_deref())?;
    let mut inputs = Vec::with_capacity(args.paths.len());
    for path in &args.paths {
        inputs.push(input_for(path, args.stdin_filename.as_ref())?);
    }
    let options = CheckOptions {
        settings,
        no_config: args.levels.no_config,
    };
    let report = procflow::compile_each(&inputs, &options)?;
    if !report.diagnostics.is_empty() {
        let sources = &report.workspace.sources;
        let shown = render::limit(sources, &report.diagnostics, render::Limits::DEFAULT);
        let color = auto_color(std::io::stderr().is_terminal());
        eprint!(
            "{}",
            render::human_shown(sources, &shown, HumanOptions { color })
        );
    }
    if report.errors() > 0 {
        eprintln!("nothing was built: fix the errors above first");
        return Ok(ExitCode::from(1));
    }
    let models: Vec<&procflow::model::Model> = report.models().iter().collect();
    let graphviz = graphviz_found();
    let svg = |dot: &str| run_dot(dot);
    let files = handbook::build(
        &models,
        &handbook::Options {
            templates: &templates,
            svg: graphviz.then_some(&svg as &handbook::SvgRenderer),
        },
    )
    .map_err(|message| {
        usage(
            message,
            Some(
                "fix the template: docs/outputs/handbook.md lists what each page is given"
                    .to_owned(),
            ),
        )
    })?;
    if !graphviz {
        eprintln!(
            "note: Graphviz (`dot`) was not found, so the workflow pages have no diagram (they say so and list every step); install Graphviz to draw them"
        );
    }
    let pages = files
        .iter()
        .filter(|(name, _)| Path::new(name).extension().is_some_and(|e| e == "html"))
        .count();
    let staged = output::stage_folder(dir, &files)?;
    output::commit_folder(staged)?;
    eprintln!("wrote {} ({pages} pages)", dir.display());
    // As for `check`: exit without freeing the models.
    std::mem::forget(report);
    Ok(ExitCode::SUCCESS)
}

/// The built-in templates, with those of `dir` (if given) in their place.
fn load_templates(dir: Option<&Path>) -> Result<Templates, Error> {
    let mut templates = Templates::default();
    let Some(dir) = dir else {
        return Ok(templates);
    };
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            names.push((
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            ));
        }
    }
    names.sort();
    for (name, path) in names {
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        if !templates.set(&name, text) {
            let known: Vec<&str> = Templates::names().collect();
            return Err(usage(
                format!("`{}` is not a handbook template", path.display()),
                Some(format!(
                    "the files a templates folder may hold: {}",
                    known.join(", ")
                )),
            ));
        }
    }
    Ok(templates)
}

/// Whether Graphviz's `dot` runs.
fn graphviz_found() -> bool {
    Command::new("dot")
        .arg("-V")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `dot -Tsvg` of a graph; its error message when it fails.
fn run_dot(dot: &str) -> Result<String, String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take();
    let mut stdout = child.stdout.take();
    // Written from another thread: a big graph fills the pipes both ways.
    let (written, out) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || {
            let result = stdin.as_mut().map(|s| s.write_all(dot.as_bytes()));
            drop(stdin);
            result
        });
        let mut out = String::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_string(&mut out);
        }
        (writer.join(), out)
    });
    let status = child.wait_with_output().map_err(|e| e.to_string())?;
    if status.status.success() && matches!(written, Ok(Some(Ok(())) | None)) {
        return Ok(out);
    }
    let err = String::from_utf8_lossy(&status.stderr);
    Err(err
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("it failed")
        .trim()
        .to_owned())
}
