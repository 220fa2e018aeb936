//! `procflow audit`: read like `check`, report the figures of every workflow
//! read without errors.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use procflow::audit::{self, AuditOptions};
use procflow::render::{self, HumanOptions};
use procflow::{CheckOptions, Error, Input};

use super::{ColorWhen, auto_color, input_for, usage, write_stdout};

pub const AUDIT_HELP: &str = "\
Files are read as `check` reads them (folders, `use`, procflow.toml). Diagnostics
go to standard error as `check` prints them; a file with errors is left out of the
figures and the exit status is 1. Standard output holds only the report.

A role is overloaded above 40 hours a week, or what the nearest procflow.toml says:
  [owner-overload]
  hours-per-week = 30

Exit status: 0 no errors (warnings allowed), 1 a file has errors (the others are
still audited), 2 the command could not run.

Examples:
  procflow audit examples/                    findings, workflows, roles, tools
  procflow audit . --format markdown > AUDIT.md
  procflow audit . --role founder             what the founder carries
  procflow audit . --format json | jq '.roles[] | {id, hours_per_week}'";

#[derive(Args)]
pub struct AuditArgs {
    /// Files or folders to audit (a folder means every *.flow below it,
    /// skipping what .gitignore ignores); `-` reads standard input. Default: `.`
    paths: Vec<PathBuf>,

    /// The name of standard input in messages (and where its `use`s and
    /// procflow.toml are looked up).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    format: AuditFormat,

    /// Show only this role, the workflows it is in, the tools its steps use
    /// and the findings about them (its figures stay those across every
    /// workflow).
    #[arg(long, value_name = "ROLE")]
    role: Option<String>,

    /// Audit only this workflow.
    #[arg(long, value_name = "NAME")]
    workflow: Option<String>,

    /// When to use colour in the human format (`NO_COLOR` is respected by auto).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,

    /// Ignore procflow.toml files.
    #[arg(long)]
    no_config: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum AuditFormat {
    /// Findings, then tables of workflows, roles and tools (100 columns).
    Human,
    /// One JSON document (`procflow schema audit`).
    Json,
    /// A Markdown report that passes markdownlint.
    Markdown,
}

pub fn audit(args: AuditArgs) -> Result<ExitCode, Error> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let overload_hours = if args.no_config {
        audit::DEFAULT_OVERLOAD_HOURS
    } else if paths[0].as_os_str() == "-" {
        threshold(args.stdin_filename.as_deref().unwrap_or(Path::new("-")))?
    } else {
        threshold(&paths[0])?
    };
    let inputs = paths
        .iter()
        .map(|p| input_for(p, args.stdin_filename.as_ref()))
        .collect::<Result<Vec<Input>, Error>>()?;
    let options = CheckOptions {
        settings: Vec::new(),
        no_config: args.no_config,
    };
    let report = procflow::check(&inputs, &options)?;
    let sources = &report.workspace.sources;
    if !report.diagnostics.is_empty() {
        let color = auto_color(std::io::stderr().is_terminal());
        let shown = render::limit(sources, &report.diagnostics, render::Limits::DEFAULT);
        eprint!(
            "{}",
            render::human_shown(sources, &shown, HumanOptions { color })
        );
    }
    let (models, failed) = report.clean_models();
    if !failed.is_empty() {
        eprintln!(
            "left out of the audit, with errors: {} (fix them, then audit again)",
            failed.join(", ")
        );
    }
    let options = AuditOptions {
        overload_hours,
        workflow: args.workflow.as_deref(),
        role: args.role.as_deref(),
    };
    let result = audit::audit(sources, &models, &options).map_err(|e| {
        let help = procflow::suggest_name(
            &e.name,
            &e.known.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .map_or_else(
            || {
                if e.known.is_empty() {
                    format!("no {} was read", e.kind)
                } else {
                    format!("the {}s read are: {}", e.kind, e.known.join(", "))
                }
            },
            |s| format!("did you mean `{s}`?"),
        );
        usage(format!("no {} `{}` was read", e.kind, e.name), Some(help))
    })?;
    let text = match args.format {
        AuditFormat::Human => {
            let color = match args.color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => auto_color(std::io::stdout().is_terminal()),
            };
            audit::human::render(&result, audit::human::HumanOptions { color })
        }
        AuditFormat::Json => audit::json(&result),
        AuditFormat::Markdown => audit::markdown::render(&result),
    };
    write_stdout(&text);
    let code = if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    std::mem::forget(report);
    Ok(code)
}

/// The threshold of the nearest procflow.toml of the first path (a folder's
/// own, a file's folder's), or the default.
fn threshold(path: &Path) -> Result<f64, Error> {
    let dir = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let config = procflow::config::ConfigFinder::default().find(&dir)?;
    Ok(config
        .and_then(|c| c.overload_hours)
        .unwrap_or(audit::DEFAULT_OVERLOAD_HOURS))
}
