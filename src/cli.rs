//! The command line. The only place that touches the terminal.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use procflow::render::{self, HumanOptions};
use procflow::{CODES, CheckOptions, Code, Error, Input, Kind, Level, LevelSetting};

use crate::output;

mod audit;
mod build;
mod fix;
mod handbook;
mod shell;

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
    /// Build documents from checked files: a Graphviz diagram, or per workflow a
    /// Markdown SOP, a runnable JSON plan, a Mermaid flowchart or BPMN (Camunda
    /// 8, SpiffWorkflow); or a handbook website of them all.
    #[allow(clippy::doc_markdown)] // SpiffWorkflow is a name, not code
    #[command(after_help = BUILD_HELP)]
    Build(BuildArgs),
    /// Format .flow files in the canonical style, in place (or check that they
    /// are formatted).
    #[command(after_help = FMT_HELP)]
    Fmt(FmtArgs),
    /// Audit every workflow read: lead time and critical path against the
    /// target, handoffs, hours per week of each role, tools everyone depends
    /// on, and ranked findings.
    #[command(after_help = audit::AUDIT_HELP)]
    Audit(audit::AuditArgs),
    /// Explain a diagnostic code: what it means, why it matters, an example and
    /// the fix.
    Explain(ExplainArgs),
    /// Print a JSON Schema (draft 2020-12) of an output format.
    Schema(SchemaArgs),
    /// Run the language server on standard input and output (for editors).
    Lsp,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff) of procflow and every subcommand.
    Manpage(shell::ManpageArgs),
}

const BUILD_HELP: &str = "\
A file with errors builds nothing: its diagnostics are printed (on standard error)
and the exit status is 1. Warnings are printed and the build goes on.

With several workflows in the file, `sop`, `plan`, `mermaid` and `bpmn` need
`--workflow ID` or `--out-dir DIR` (one file per workflow: DIR/ID.md, DIR/ID.json,
DIR/ID.mmd, DIR/ID.bpmn);
`dot` draws the whole file (DIR/FILE-STEM.dot). Every output is written beside
its destination first and put in place only once all are written, so a failed
build replaces nothing (docs/cli.md says how close to atomic this is).

Examples:
  procflow build lead.flow --emit dot | dot -Tsvg > lead.svg
  procflow build lead.flow --emit sop -o docs/lead-sop.md
  procflow build onboarding.flow --emit plan --out-dir plans/
  procflow build lead.flow --emit bpmn --bpmn-flavor spiff -o lead.bpmn";

const FMT_HELP: &str = "\
The style: two-space indentation, one attribute per line, lists as `a, b`, at most
one blank line between statements, one between top-level items, a final newline.
Comments and string contents are kept exactly; meaning never changes; formatting
twice changes nothing (docs/formatting.md).

A file that does not parse is reported and left untouched (exit 1). The other
files are replaced together once all are written (none if one cannot be); a
symbolic link is formatted through, to its target.

Exit status: 0 all formatted (or already formatted); 1 a file does not parse, or
with --check a file is not formatted; 2 the command could not run.

Examples:
  procflow fmt                    format every .flow file below the current folder
  procflow fmt --check .          in CI: print a diff per unformatted file, exit 1
  procflow fmt - < a.flow         format standard input to standard output (editors)";

#[derive(Args)]
struct FmtArgs {
    /// Files or folders (every *.flow below, honouring .gitignore); `-` formats
    /// standard input to standard output. Default: `.`
    paths: Vec<PathBuf>,

    /// Change nothing: print a unified diff for each file that is not formatted
    /// and exit 1 if any.
    #[arg(long)]
    check: bool,

    /// The name of standard input in messages.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
}

#[derive(Args)]
struct BuildArgs {
    /// The .flow file to build, or a Markdown file (the workflows of its
    /// `flow` blocks); `-` reads standard input. `--emit handbook` reads
    /// several files and folders (every *.flow below a folder, as `check`).
    #[arg(required = true, value_name = "FILE")]
    paths: Vec<PathBuf>,

    /// What to build.
    #[arg(long, value_enum)]
    emit: Emit,

    /// Build only this workflow (and, for `dot`, its process).
    #[arg(long, value_name = "ID")]
    workflow: Option<String>,

    /// Write to this file instead of standard output (`-` is standard output;
    /// a symbolic link is written through, to its target).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        conflicts_with = "out_dir"
    )]
    output: Option<PathBuf>,

    /// Write one file per workflow into this folder (created if missing).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    /// `--emit handbook`: a folder of templates and assets that replace the
    /// built-in ones of the same name (docs/outputs/handbook.md).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,

    /// Leave the Mermaid flowchart out of SOPs.
    #[arg(long)]
    no_mermaid: bool,

    /// The engine a BPMN file is for (`--emit bpmn`).
    #[arg(long, value_enum, value_name = "ENGINE", default_value = "camunda8")]
    bpmn_flavor: BpmnFlavor,

    /// The Camunda 8 version the camunda8 flavor targets, `MAJOR.MINOR`
    /// (`modeler:executionPlatformVersion`).
    #[arg(long, value_name = "VERSION", default_value = procflow::backend::bpmn::DEFAULT_CAMUNDA_VERSION)]
    camunda_version: String,

    /// Render SOPs through this minijinja template instead of the built-in
    /// one (`--emit sop`; its context is in docs/outputs/sop.md).
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,

    /// The name of standard input in messages.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,

    #[command(flatten)]
    levels: LevelArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// Graphviz DOT: processes and workflows as clusters, swimlanes per owner.
    Dot,
    /// A Markdown standard operating procedure per workflow.
    Sop,
    /// A runnable JSON plan per workflow (`procflow schema plan`).
    Plan,
    /// A Mermaid flowchart per workflow.
    Mermaid,
    /// A static website of every workflow, process, role and tool of the
    /// inputs (needs `--out-dir`).
    Handbook,
    /// A BPMN 2.0 file per workflow, for workflow engines (`--bpmn-flavor`).
    Bpmn,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BpmnFlavor {
    /// Camunda 8 (Zeebe): job types, candidate groups, FEEL conditions.
    Camunda8,
    /// SpiffWorkflow (Python): script tasks, Python conditions and timers.
    #[allow(clippy::doc_markdown)] // a product name, shown as is in --help
    Spiff,
}

impl Emit {
    /// The value as written after `--emit`.
    fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_owned())
    }

    fn extension(self) -> &'static str {
        match self {
            Emit::Dot => "dot",
            Emit::Sop => "md",
            Emit::Plan => "json",
            Emit::Mermaid => "mmd",
            Emit::Handbook => "html",
            Emit::Bpmn => "bpmn",
        }
    }
}

#[derive(Args)]
struct SchemaArgs {
    /// The format.
    #[arg(value_enum)]
    format: SchemaFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaFormat {
    /// The JSON plan written by `build --emit plan`.
    Plan,
    /// The JSON report written by `audit --format json`.
    Audit,
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

    #[command(flatten)]
    levels: LevelArgs,

    /// The name of standard input in messages (and where its `use`s and
    /// procflow.toml are looked up).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,

    /// When to use colour in the human format (`NO_COLOR` is respected by auto).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,

    /// Show at most N diagnostics per file (and 10 per line); 0 shows all.
    /// Default: 200 in the human, short and github formats, all in json and
    /// sarif. The summary counts every diagnostic.
    #[arg(long, value_name = "N")]
    max_diagnostics: Option<usize>,

    /// Apply the safe fixes (a "did you mean" with a single candidate) to
    /// the files, Markdown `flow` blocks included, then report what is left.
    /// What was fixed is said on standard error.
    #[arg(long)]
    fix: bool,
}

/// Lint level flags, shared by `check` and `build`.
#[derive(Args)]
struct LevelArgs {
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

    /// Ignore procflow.toml files.
    #[arg(long)]
    no_config: bool,
}

/// The level flags in the order written on the command line (the last one
/// wins), read from clap's argument indices.
fn level_settings(sub: &ArgMatches) -> Vec<LevelSetting> {
    let mut ordered: Vec<(usize, String, Level)> = Vec::new();
    for (id, level) in [
        ("warn", Level::Warn),
        ("allow", Level::Allow),
        ("deny", Level::Deny),
    ] {
        let indices = sub.indices_of(id).into_iter().flatten();
        let values = sub.get_many::<String>(id).into_iter().flatten();
        for (i, v) in indices.zip(values) {
            ordered.push((i, v.clone(), level));
        }
    }
    ordered.sort_by_key(|(i, _, _)| *i);
    ordered
        .into_iter()
        .map(|(_, code, level)| LevelSetting { code, level })
        .collect()
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
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let sub = matches.subcommand().map(|(_, m)| m);
    let result = match cli.command {
        Command::Check(args) => check(args, sub.map(level_settings).unwrap_or_default()),
        Command::Build(args) => build::build(&args, sub.map(level_settings).unwrap_or_default()),
        Command::Fmt(args) => fmt(&args),
        Command::Audit(args) => audit::audit(args),
        Command::Explain(args) => explain(&args),
        Command::Lsp => {
            return match procflow::lsp::run() {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("procflow lsp: {e}");
                    ExitCode::from(2)
                }
            };
        }
        Command::Completions(args) => {
            write_stdout(&shell::completions(&args));
            Ok(ExitCode::SUCCESS)
        }
        Command::Manpage(_) => {
            write_stdout(&shell::manpage());
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema(args) => {
            match args.format {
                SchemaFormat::Plan => write_stdout(&procflow::backend::plan::schema()),
                SchemaFormat::Audit => write_stdout(&procflow::audit::schema()),
            }
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprint!(
                "{}",
                render_error(&e, auto_color(std::io::stderr().is_terminal()))
            );
            ExitCode::from(2)
        }
    }
}

/// An error that stops a command, as miette draws it, wrapped to the
/// terminal's width (80 columns when it is not a terminal) but never inside a
/// `code span` (a command to copy, a path) nor at a hyphen (`missing-owner`
/// stays whole). The system's reason is in the message itself, so it is not
/// repeated as a cause chain.
fn render_error(error: &Error, color: bool) -> String {
    use miette::ReportHandler as _;

    struct Show<'a>(miette::MietteHandler, &'a Error);
    impl std::fmt::Debug for Show<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.debug(self.1, f)
        }
    }
    let handler = miette::MietteHandlerOpts::new()
        .force_graphical(true)
        .unicode(true)
        .color(color)
        .terminal_links(false)
        .without_cause_chain()
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .word_separator(textwrap::WordSeparator::Custom(words_outside_code))
        .build();
    let mut text = format!("{:?}", Show(handler, error));
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Splits a line into words at spaces, except spaces inside a `code span`,
/// so that wrapping never breaks a command a user would copy.
fn words_outside_code(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    let mut after_space = false;
    for (i, c) in line.char_indices() {
        if after_space && c != ' ' {
            words.push(textwrap::core::Word::from(&line[start..i]));
            start = i;
        }
        if c == '`' {
            in_code = !in_code;
        }
        after_space = c == ' ' && !in_code;
    }
    if start < line.len() {
        words.push(textwrap::core::Word::from(&line[start..]));
    }
    Box::new(words.into_iter())
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn check(args: CheckArgs, settings: Vec<LevelSetting>) -> Result<ExitCode, Error> {
    let mut inputs = Vec::new();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    for path in paths {
        if path.as_os_str() == "-" {
            if args.fix {
                return Err(usage(
                    "`--fix` cannot change standard input".to_owned(),
                    Some("check the file itself: `procflow check --fix FILE`".to_owned()),
                ));
            }
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
        no_config: args.levels.no_config,
    };
    let report = if args.fix {
        let fixed = fix::fix(&inputs, &options)?;
        if fixed.fixes > 0 {
            eprintln!(
                "fixed {} in {}",
                plural(fixed.fixes, "problem", "problems"),
                plural(fixed.files, "file", "files")
            );
        }
        fixed.report
    } else {
        procflow::check(&inputs, &options)?
    };
    let sources = &report.workspace.sources;
    let limits = match (args.max_diagnostics, args.format) {
        (Some(n), _) => render::Limits::per_file(n),
        (None, Format::Json | Format::Sarif) => render::Limits::NONE,
        (None, _) => render::Limits::DEFAULT,
    };
    let shown = render::limit(sources, &report.diagnostics, limits);
    let text = match args.format {
        Format::Human => {
            let color = match args.color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => auto_color(std::io::stdout().is_terminal()),
            };
            let mut text = render::human_shown(sources, &shown, HumanOptions { color });
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
        Format::Short => render::short_shown(sources, &shown),
        Format::Json => render::json_shown(sources, &shown, report.files),
        Format::Sarif => render::sarif(sources, &shown.diagnostics),
        Format::Github => render::github_shown(sources, &shown),
    };
    write_stdout(&text);
    let code = if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process is about to exit: freeing a large file's trees one
    // allocation at a time would only delay it (rustc does the same).
    std::mem::forget(report);
    Ok(code)
}

/// "1 file", "2 files".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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

/// Reads a path argument, or standard input for `-`.
fn input_for(path: &std::path::Path, stdin_filename: Option<&PathBuf>) -> Result<Input, Error> {
    if path.as_os_str() != "-" {
        return Ok(Input::Path(path.to_path_buf()));
    }
    let mut text = Vec::new();
    std::io::stdin()
        .read_to_end(&mut text)
        .map_err(|source| Error::Io {
            path: PathBuf::from("-"),
            source,
        })?;
    let name = stdin_filename.map_or_else(|| "<stdin>".to_owned(), |p| p.display().to_string());
    Ok(Input::Text {
        name,
        path: stdin_filename.cloned(),
        text,
    })
}

fn usage(message: String, help: Option<String>) -> Error {
    Error::Usage { message, help }
}

fn fmt(args: &FmtArgs) -> Result<ExitCode, Error> {
    use procflow::fmt::{FormatOptions, format_source};

    let options = FormatOptions::default();
    let color = auto_color(std::io::stderr().is_terminal());
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut failed = false;
    // Every file to rewrite, written together at the end: if one cannot be
    // written, none is replaced.
    let mut rewrites: Vec<(PathBuf, String)> = Vec::new();
    let mut unformatted = 0usize;
    let mut changed = 0usize;
    let mut files = 0usize;
    for path in &paths {
        if path.as_os_str() == "-" {
            let Input::Text { name, text, .. } = input_for(path, args.stdin_filename.as_ref())?
            else {
                unreachable!("`-` is standard input")
            };
            let text = String::from_utf8_lossy(&text).into_owned();
            match format_source(&text, &options) {
                Ok(formatted) if args.check => {
                    if formatted != text {
                        write_stdout(&unified_diff(&name, &text, &formatted));
                        unformatted += 1;
                    }
                }
                Ok(formatted) => write_stdout(&formatted),
                Err(_) => {
                    show_syntax_errors(&name, None, vec![text.into_bytes()], color);
                    failed = true;
                }
            }
            continue;
        }
        for file in procflow::collect_files(path)? {
            files += 1;
            let name = procflow::display_name(&file);
            let bytes = std::fs::read(&file).map_err(|source| Error::Io {
                path: file.clone(),
                source,
            })?;
            // The text and its formatted form, or the texts whose syntax
            // errors say why the file cannot be formatted (for Markdown, each
            // broken block masked in place, so positions are the file's).
            let outcome: Result<(String, String), Vec<Vec<u8>>> = match String::from_utf8(bytes) {
                Err(e) => Err(vec![e.into_bytes()]),
                Ok(text) if procflow::is_markdown(&file) => {
                    match procflow::markdown::format_blocks(&text, &options) {
                        Ok(formatted) => Ok((text, formatted)),
                        Err(blocks) => Err(blocks
                            .into_iter()
                            .map(|b| procflow::markdown::mask(&text, b).into_bytes())
                            .collect()),
                    }
                }
                Ok(text) => match format_source(&text, &options) {
                    Ok(formatted) => Ok((text, formatted)),
                    Err(_) => Err(vec![text.into_bytes()]),
                },
            };
            match outcome {
                Ok((text, formatted)) if formatted == text => {}
                Ok((text, formatted)) if args.check => {
                    write_stdout(&unified_diff(&name, &text, &formatted));
                    unformatted += 1;
                }
                Ok((_, formatted)) => rewrites.push((file.clone(), formatted)),
                Err(texts) => {
                    show_syntax_errors(&name, Some(&file), texts, color);
                    if procflow::is_markdown(&file) {
                        eprintln!("{name}: not formatted, a `flow` block does not parse");
                    } else {
                        eprintln!("{name}: not formatted, it does not parse");
                    }
                    failed = true;
                }
            }
        }
    }
    if !rewrites.is_empty() {
        changed = output::write_all(&rewrites)?;
    }
    if args.check && unformatted > 0 {
        eprintln!("{unformatted} of {files} files would be reformatted: run `procflow fmt`");
    } else if !args.check && changed > 0 {
        eprintln!("formatted {changed} of {files} files");
    }
    Ok(if failed || unformatted > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether `auto` colour applies: the stream is a terminal and `NO_COLOR` is
/// unset or empty.
fn auto_color(is_terminal: bool) -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && is_terminal
}

/// Shows on standard error the syntax errors of texts that cannot be
/// formatted, parsed as the checker parses them (so invalid UTF-8 is named
/// with its offset).
fn show_syntax_errors(
    name: &str,
    path: Option<&std::path::Path>,
    texts: Vec<Vec<u8>>,
    color: bool,
) {
    let mut ws = procflow::Workspace::default();
    let mut diagnostics = Vec::new();
    for text in texts {
        let id = ws.add_bytes(name, path, text);
        diagnostics.extend(ws.parse(id).1.iter().cloned());
    }
    eprint!(
        "{}",
        render::human(&ws.sources, &diagnostics, HumanOptions { color })
    );
}

/// A unified diff between a file and its formatted text.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// clap's own consistency checks (unique names, valid defaults), which
    /// otherwise only run when a command is used in a debug build.
    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
