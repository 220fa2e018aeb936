//! The command line. The only place that touches the terminal.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use procflow::render::{self, HumanOptions};
use procflow::{CODES, CheckOptions, Code, Error, Input, Kind, Level, LevelSetting};

const AFTER_HELP: &str = "\
Exit status: 0 no errors (warnings allowed), 1 errors found, 2 the command could not run.

Examples:
  procflow check                       check every .flow file below the current folder
  procflow check examples/ -D warnings fail on warnings too
  procflow check --format json a.flow  machine-readable diagnostics
  cat a.flow | procflow check - --stdin-filename a.flow
  procflow explain uncovered-step      what a code means and how to fix it";

/// procflow checks .flow files, which keep a business process (what must
/// happen) apart from the workflows that carry it out (who does each step, with
/// which tool, when).
#[derive(Parser)]
#[command(name = "procflow", version, about, after_help = AFTER_HELP, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check .flow files: every step has an owner and a tool, no process step
    /// falls through the cracks, references resolve, the order has no cycle.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Explain a diagnostic code: what it means, why it matters, an example and
    /// the fix.
    Explain(ExplainArgs),
}

const CHECK_HELP: &str = "\
Lint levels come from each lint's default, then the nearest procflow.toml
([lints] table, e.g. `unused-tool = \"allow\"`), then -W/-A/-D in order (the last
one wins), then `allow CODE` written inside a block of the file.

Exit status: 0 no errors (warnings allowed), 1 at least one error, 2 the command
could not run (bad flag, unreadable path, bad procflow.toml).";

#[derive(Args)]
struct CheckArgs {
    /// Files or folders to check (a folder means every *.flow below it, skipping
    /// what .gitignore ignores); `-` reads standard input. Default: `.`
    paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Set a lint's level to warn (repeatable).
    #[arg(short = 'W', long = "warn", value_name = "CODE")]
    warn: Vec<String>,

    /// Set a lint's level to allow (repeatable).
    #[arg(short = 'A', long = "allow", value_name = "CODE")]
    allow: Vec<String>,

    /// Set a lint's level to deny (repeatable); `-D warnings` turns every
    /// warning into an error.
    #[arg(short = 'D', long = "deny", value_name = "CODE")]
    deny: Vec<String>,

    /// The name of standard input in messages (and where its `use`s and
    /// procflow.toml are looked up).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,

    /// When to use colour in the human format (`NO_COLOR` is respected by auto).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,

    /// Ignore procflow.toml files.
    #[arg(long)]
    no_config: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Source excerpts with labels and help.
    Human,
    /// One line each: <FILE:LINE:COL>: SEVERITY[CODE]: MESSAGE.
    Short,
    /// One JSON object (see docs/cli.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions annotations.
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct ExplainArgs {
    /// The code, such as `uncovered-step`.
    #[arg(required_unless_present = "list")]
    code: Option<String>,
    /// List every code with its level and summary.
    #[arg(long)]
    list: bool,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Explain(args) => explain(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            ExitCode::from(2)
        }
    }
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn check(args: CheckArgs) -> Result<ExitCode, Error> {
    let mut settings = Vec::new();
    // The flags apply in the order written, so the last one wins.
    let mut ordered: Vec<(usize, &String, Level)> = Vec::new();
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    if let Some(("check", sub)) = matches.subcommand() {
        for (id, level) in [
            ("warn", Level::Warn),
            ("allow", Level::Allow),
            ("deny", Level::Deny),
        ] {
            let indices = sub.indices_of(id).into_iter().flatten();
            let values = sub.get_many::<String>(id).into_iter().flatten();
            for (i, v) in indices.zip(values) {
                ordered.push((i, v, level));
            }
        }
    }
    ordered.sort_by_key(|(i, _, _)| *i);
    for (_, code, level) in ordered {
        settings.push(LevelSetting {
            code: code.clone(),
            level,
        });
    }
    let mut inputs = Vec::new();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = Vec::new();
            std::io::stdin()
                .read_to_end(&mut text)
                .map_err(|source| Error::Io {
                    path: PathBuf::from("-"),
                    source,
                })?;
            let name = args
                .stdin_filename
                .as_ref()
                .map_or_else(|| "<stdin>".to_owned(), |p| p.display().to_string());
            inputs.push(Input::Text {
                name,
                path: args.stdin_filename.clone(),
                text,
            });
        } else {
            inputs.push(Input::Path(path));
        }
    }
    let options = CheckOptions {
        settings,
        no_config: args.no_config,
    };
    let report = procflow::check(&inputs, &options)?;
    let sources = &report.workspace.sources;
    let text = match args.format {
        Format::Human => {
            let color = match args.color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => {
                    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                        && std::io::stdout().is_terminal()
                }
            };
            let mut text = render::human(sources, &report.diagnostics, HumanOptions { color });
            let files = if report.files == 1 {
                "1 file".to_owned()
            } else {
                format!("{} files", report.files)
            };
            if report.diagnostics.is_empty() {
                text.push_str(&format!("checked {files}: no problems\n"));
            } else {
                text.push_str(&format!(
                    "checked {files}: {}\n",
                    render::counts(report.errors(), report.warnings())
                ));
            }
            text
        }
        Format::Short => render::short(sources, &report.diagnostics),
        Format::Json => render::json(sources, &report.diagnostics, report.files),
        Format::Sarif => render::sarif(sources, &report.diagnostics),
        Format::Github => render::github(sources, &report.diagnostics),
    };
    write_stdout(&text);
    Ok(if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn explain(args: &ExplainArgs) -> Result<ExitCode, Error> {
    if args.list {
        let mut text = String::new();
        for c in CODES {
            let kind = match c.kind {
                Kind::Error => "error".to_owned(),
                Kind::Lint(level) => format!("lint, {}", level.as_str()),
            };
            text.push_str(&format!("{:<26} {:<12} {}\n", c.name, kind, c.summary));
        }
        write_stdout(&text);
        return Ok(ExitCode::SUCCESS);
    }
    let name = args.code.as_deref().unwrap_or_default();
    let Some(code) = Code::from_name(name) else {
        let names: Vec<&str> = CODES.iter().map(|c| c.name).collect();
        let help = procflow::suggest_name(name, &names).map_or_else(
            || "`procflow explain --list` lists every code".to_owned(),
            |s| format!("did you mean `{s}`?"),
        );
        return Err(Error::Usage {
            message: format!("unknown code `{name}`"),
            help: Some(help),
        });
    };
    let info = code.info();
    let kind = match info.kind {
        Kind::Error => "an error: it always fails the check and cannot be allowed".to_owned(),
        Kind::Lint(level) => format!("a lint, `{}` by default", level.as_str()),
    };
    write_stdout(&format!(
        "# {}\n\n`{}` is {kind}. It fires when {}.\n\n{}",
        info.name, info.name, info.summary, info.explanation
    ));
    Ok(ExitCode::SUCCESS)
}
