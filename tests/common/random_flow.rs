//! A generator of random valid Flow files of hostile text, for the tests of
//! the backends: one process, and one or more workflows that carry it out.

use std::fmt::Write as _;

/// Pieces of the text of random workflows: words, and what Markdown, Mermaid,
/// wrapping and escaping must handle (syntax characters, runs of spaces, line
/// breaks, characters outside ASCII and outside the BMP, controls, long words).
pub const PIECES: &[&str] = &[
    "the",
    "call",
    "client",
    "report",
    "a",
    "é",
    "中",
    "🎉",
    "—",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "-",
    "- ",
    "* ",
    "1. ",
    "2)",
    "#",
    "## ",
    ">",
    "<b>",
    "<",
    "&",
    "&amp;",
    "|",
    "`",
    "```",
    "~",
    "_",
    "__x__",
    "*em*",
    "[x](y)",
    "\\",
    "@",
    "a@b.com",
    "https://example.com/x_(y)",
    "www.",
    "www",
    ":",
    "---",
    "===",
    "\u{200b}",
    "\u{202e}",
    "\u{a0}",
    "\u{feff}",
    "averyveryverylongwordthatcannotbebrokenanywhereatallbecauseithasnospaces",
];

/// A text of the given pieces after a first word (no text is empty), every
/// other one a word, so that most texts read like text.
pub fn random_text(pieces: &[usize]) -> String {
    let mut text = String::from("Step");
    for (k, &p) in pieces.iter().enumerate() {
        text.push(' ');
        text.push_str(if k % 2 == 1 {
            PIECES[p % 5]
        } else {
            PIECES[p % PIECES.len()]
        });
    }
    text
}

/// `text` as a Flow string literal.
pub fn flow_string(text: &str) -> String {
    let mut s = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' => {
                let _ = write!(s, "\\u{{{:x}}}", u32::from(c));
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// A valid workflow `w` of random steps: owners, tools, the process steps
/// they implement, an order that only goes back, conditions, commands,
/// descriptions, artifacts, with titles and texts from [`random_text`].
pub fn random_flow(texts: &[Vec<usize>], shape: &[usize]) -> String {
    random_flows(texts, &[shape.to_vec()])
}

/// [`random_flow`] with one workflow of process `p` per shape: `w`, `w1`,
/// `w2`… (several ways of carrying out one process).
pub fn random_flows(texts: &[Vec<usize>], shapes: &[Vec<usize>]) -> String {
    let mut texts = texts.iter().cycle().map(|t| random_text(t));
    let mut raw = || texts.next().unwrap();
    let mut f = String::new();
    for r in 0..3 {
        // `who` is one line: no line break, no tab.
        let title = flow_string(&raw());
        let who = flow_string(&raw().replace(['\n', '\t'], " "));
        let _ = writeln!(f, "role r{r} {title} {{\n  who {who}\n}}");
    }
    let mut text = || flow_string(&raw());
    // A tool's `url` is a web address.
    let _ = writeln!(
        f,
        "tool t0 {} {{\n  url \"https://example.com/t0\"\n}}",
        text()
    );
    let _ = writeln!(f, "tool t1 {}", text());
    let _ = writeln!(
        f,
        "process p {} {{\n  outcome {}\n  owner r0",
        text(),
        text()
    );
    // Optional: a workflow of fewer steps may leave some out.
    for k in 0..3 {
        let _ = writeln!(f, "  step ps{k} {} {{\n    optional\n  }}", text());
    }
    f.push_str("}\n");
    for (n, shape) in shapes.iter().enumerate() {
        random_workflow(&mut f, n, shape, &mut text);
    }
    f
}

/// Appends workflow number `n` (`w`, `w1`, `w2`…) of process `p`, of the
/// given shape, its texts from `text`.
fn random_workflow(f: &mut String, n: usize, shape: &[usize], text: &mut impl FnMut() -> String) {
    let name = if n == 0 {
        "w".to_owned()
    } else {
        format!("w{n}")
    };
    let _ = writeln!(
        f,
        "workflow {name} {} implements p {{\n  owner r1\n  trigger {}",
        text(),
        text()
    );
    for (i, &s) in shape.iter().enumerate() {
        let _ = writeln!(f, "  step s{i} {} {{", text());
        let _ = writeln!(
            f,
            "    owner r{}\n    tool t{}\n    implements ps{}",
            s % 3,
            s % 2,
            s % 3
        );
        // Each step produces an artifact; a step needs only what a step it
        // comes after produced.
        if i > 0 && s % 4 != 0 {
            let _ = writeln!(f, "    after s{}", s % i);
            if s % 3 == 0 {
                let _ = writeln!(f, "    needs a{}", s % i);
            }
        }
        if s % 3 == 1 {
            let _ = writeln!(f, "    when {}", text());
        }
        if s % 5 == 2 {
            // Now and then indented, or of several lines.
            let run = match s % 3 {
                0 => format!("\"  {}", &text()[1..]),
                1 => {
                    let (first, second) = (text(), text());
                    format!("{}\\n  {}", &first[..first.len() - 1], &second[1..])
                }
                _ => text(),
            };
            let _ = writeln!(f, "    run {run}");
        }
        if s % 2 == 0 {
            let _ = writeln!(f, "    description {}", text());
        }
        if s % 7 == 3 {
            let _ = writeln!(f, "    automated\n    wait 2h\n    within 1d");
        }
        let _ = writeln!(f, "    produces a{i}");
        f.push_str("  }\n");
    }
    f.push_str("}\n");
}
