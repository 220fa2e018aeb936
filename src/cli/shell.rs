//! What shells and `man` read: completion scripts (`clap_complete`) and one man
//! page that covers every subcommand and flag (`clap_mangen`). Both are generated
//! from the same clap definition as `--help`, so they cannot drift from it.

use clap::{Args, CommandFactory};
use clap_complete::Shell;
use clap_mangen::Man;

use super::Cli;

const COMPLETIONS_HELP: &str = "\
Install (one line per shell; open a new shell afterwards):
  bash        procflow completions bash > ~/.local/share/bash-completion/completions/procflow
  zsh         procflow completions zsh > \"${fpath[1]}/_procflow\"
  fish        procflow completions fish > ~/.config/fish/completions/procflow.fish
  powershell  procflow completions powershell >> $PROFILE
  elvish      procflow completions elvish >> ~/.config/elvish/rc.elv";

const MANPAGE_HELP: &str = "\
Examples:
  procflow manpage | man -l -
  procflow manpage > ~/.local/share/man/man1/procflow.1";

/// Arguments of `procflow completions`.
#[derive(Args)]
#[command(after_help = COMPLETIONS_HELP)]
pub(super) struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Arguments of `procflow manpage` (none; a struct so `--help` shows the examples).
#[derive(Args)]
#[command(after_help = MANPAGE_HELP)]
pub(super) struct ManpageArgs {}

/// The completion script of `procflow` for one shell.
pub(super) fn completions(args: &CompletionsArgs) -> String {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "procflow", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The man page of `procflow` in roff: the usual sections for the program,
/// a list of the commands, then one section per command (synopsis,
/// description, options, notes).
pub(super) fn manpage() -> String {
    let mut cmd = Cli::command();
    cmd.build();
    let subs: Vec<&clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect();
    let mut out = Vec::new();
    let man = Man::new(cmd.clone()).title("PROCFLOW");
    // Writing into a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
    let mut page = String::from_utf8_lossy(&out).into_owned();
    // `clap_mangen`'s own list points at one page per command (procflow-check(1));
    // this page holds them all, so the list points at the sections below.
    page.push_str(".SH COMMANDS\n");
    for sub in &subs {
        page.push_str(&format!(".TP\n\\fB{}\\fR\n", escape(&bin_name(sub))));
        page.push_str(&text(
            &sub.get_about().map(ToString::to_string).unwrap_or_default(),
        ));
    }
    page.push_str(".PP\nEach command is described in its own section below.\n");
    if let Some(after) = cmd.get_after_help() {
        page.push_str(".SH \"EXIT STATUS AND EXAMPLES\"\n");
        page.push_str(&preformatted(&after.to_string()));
    }
    for sub in subs {
        page.push_str(&format!(
            ".SH \"{}\"\n",
            escape(&bin_name(sub).to_uppercase())
        ));
        let man = Man::new(sub.clone());
        let mut part = Vec::new();
        let _ = man.render_synopsis_section(&mut part);
        let _ = man.render_description_section(&mut part);
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            let _ = man.render_options_section(&mut part);
        }
        page.push_str(&subsections(&String::from_utf8_lossy(&part)));
        if let Some(after) = sub.get_after_help() {
            page.push_str(".SS Notes\n");
            page.push_str(&preformatted(&after.to_string()));
        }
    }
    // Each rendering by clap_mangen starts with the same two lines that define
    // the string `Aq`; the page needs them once, at the top.
    let mut lines: Vec<&str> = page.lines().filter(|l| !AQ_PREAMBLE.contains(l)).collect();
    lines.splice(0..0, AQ_PREAMBLE);
    lines.join("\n") + "\n"
}

/// The preamble of every `clap_mangen` rendering.
const AQ_PREAMBLE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];

/// `procflow check` for the subcommand `check`.
fn bin_name(sub: &clap::Command) -> String {
    sub.get_bin_name()
        .map_or_else(|| format!("procflow {}", sub.get_name()), ToOwned::to_owned)
}

/// Escapes text for roff: backslashes, hyphens (so `--flag` renders and
/// copies as two ASCII hyphens) and a leading `.` or `'` (a control line).
fn escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// A paragraph of text, filled by the man reader.
fn text(paragraph: &str) -> String {
    let mut out = String::new();
    for line in paragraph.lines() {
        out.push_str(&escape(line));
        out.push('\n');
    }
    out
}

/// Text kept line for line (help texts with aligned examples), in a
/// paragraph of its own; a blank line stays a blank line.
fn preformatted(block: &str) -> String {
    let mut out = String::from(".PP\n.nf\n");
    for line in block.lines() {
        if line.trim().is_empty() {
            out.push_str(".sp\n");
        } else {
            out.push_str(&escape(line));
            out.push('\n');
        }
    }
    out.push_str(".fi\n");
    out
}

/// Turns the `.SH` headings of a command's sections into `.SS` headings under
/// its own `.SH`, capitalised as subsections usually are (`OPTIONS` →
/// `Options`). Only control lines start with `.`: `clap_mangen` escapes text
/// that would.
fn subsections(roff: &str) -> String {
    roff.lines()
        .map(|line| match line.strip_prefix(".SH ") {
            Some(heading) => {
                let heading = heading.trim_matches('"').to_lowercase();
                let mut chars = heading.chars();
                let title: String = chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
                format!(".SS \"{title}\"\n")
            }
            None => format!("{line}\n"),
        })
        .collect()
}
