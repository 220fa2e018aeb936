//! Regressions found by hostile and random input (issue 10), each from a
//! reproducer copied into `tests/fixtures/regressions/`: byte-order marks,
//! lone carriage returns, Markdown `flow` blocks, through the real binary.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use procflow::fmt::{FormatOptions, format_source};
use tempfile::TempDir;

fn procflow() -> Command {
    let mut cmd = Command::cargo_bin("procflow").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/regressions")
        .join(name);
    std::fs::read(path).unwrap()
}

/// A temporary folder holding `name` with `bytes`.
fn file(name: &str, bytes: &[u8]) -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// `fmt` on `name` fails (exit 1), shows `message` on standard error and
/// leaves the file byte for byte as it was; `check` reports the same error.
fn fmt_refuses_and_says_why(name: &str, bytes: &[u8], message: &str) {
    let (dir, path) = file(name, bytes);
    procflow()
        .current_dir(dir.path())
        .args(["fmt", name])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(message).and(predicate::str::contains("does not parse")));
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name} was changed");
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "--check", name])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(message));
    procflow()
        .current_dir(dir.path())
        .args(["check", name])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(message));
}

const BOM_ERROR: &str = "error[syntax]: unexpected `\\u{feff}` (a byte-order mark)";

#[test]
fn a_markdown_block_holding_a_lone_bom_is_not_formatted() {
    // md-fmt-bom-block.md: `fmt` glued the BOM to the closing fence, and the
    // prose after it fell into the code block.
    let bytes = fixture("md-fmt-bom-block.md");
    fmt_refuses_and_says_why("md-fmt-bom-block.md", &bytes, BOM_ERROR);
    fmt_refuses_and_says_why("md-fmt-bom-block.md", &bytes, "md-fmt-bom-block.md:4:1");
    let (dir, _) = file("md-fmt-bom-block.md", &bytes);
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "md-fmt-bom-block.md"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "md-fmt-bom-block.md: not formatted, a `flow` block does not parse",
        ));
}

#[test]
fn the_fuzzers_bom_only_input() {
    // fuzz-crash-bom-only.bin: a lone U+FEFF. As a whole file it is a
    // byte-order mark and nothing else: a clean, formatted, empty file.
    let bom = fixture("fuzz-crash-bom-only.bin");
    assert_eq!(bom, "\u{feff}".as_bytes());
    let (dir, path) = file("bom.flow", &bom);
    procflow()
        .current_dir(dir.path())
        .args(["check", "bom.flow"])
        .assert()
        .code(0);
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "bom.flow"])
        .assert()
        .code(0);
    assert_eq!(std::fs::read(&path).unwrap(), bom);
    // As the contents of a Markdown block it is not at the start of a file:
    // a syntax error, and the Markdown file is left alone.
    let mut md = b"```flow\n".to_vec();
    md.extend(&bom);
    md.extend(b"\n```\n\nText.\n");
    fmt_refuses_and_says_why("bom.md", &md, BOM_ERROR);
    let mut md = b"Text.\n\n```flow\n".to_vec();
    md.extend(&bom);
    md.extend(b"role a\n```\n");
    fmt_refuses_and_says_why("bom.md", &md, BOM_ERROR);
    let text = String::from_utf8(md).unwrap();
    let blocks = procflow::markdown::format_blocks(&text, &FormatOptions::default());
    assert_eq!(blocks.unwrap_err().len(), 1);
}

#[test]
fn a_second_bom_is_a_syntax_error_for_check_and_fmt() {
    // fmt-double-bom.flow: `check` said "no problems", `fmt` refused without
    // saying why. Only a U+FEFF at offset 0 is a byte-order mark.
    let bytes = fixture("fmt-double-bom.flow");
    fmt_refuses_and_says_why("fmt-double-bom.flow", &bytes, BOM_ERROR);
    fmt_refuses_and_says_why("fmt-double-bom.flow", &bytes, "fmt-double-bom.flow:1:1");
    // Standard input too.
    procflow()
        .args(["fmt", "-"])
        .write_stdin(bytes)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(BOM_ERROR));
    // A U+FEFF anywhere but at offset 0.
    let text = "role a\n\u{feff}role b\n";
    assert!(format_source(text, &FormatOptions::default()).is_err());
    fmt_refuses_and_says_why("mid.flow", text.as_bytes(), "mid.flow:2:1");
    // One at offset 0 is kept.
    assert_eq!(
        format_source("\u{feff}role   a", &FormatOptions::default()).unwrap(),
        "\u{feff}role a\n"
    );
}

#[test]
fn a_comment_after_a_lone_carriage_return_stays_put() {
    // fmt-lone-cr-comma-comment.flow: the comment after a lone `\r` moved on
    // each pass.
    let bytes = fixture("fmt-lone-cr-comma-comment.flow");
    assert!(bytes.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n'));
    let once = procflow()
        .args(["fmt", "-"])
        .write_stdin(bytes)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let once = String::from_utf8(once).unwrap();
    assert_eq!(
        once,
        "role a {\n  allow unused-role, # one\n    # two\n    owner-overload\n}\n"
    );
    procflow()
        .args(["fmt", "-"])
        .write_stdin(once.clone())
        .assert()
        .code(0)
        .stdout(once);
}

/// `check --format short` of `text` as `name`: standard output and exit code.
fn check_short(name: &str, bytes: &[u8]) -> (String, i32) {
    let (dir, _) = file(name, bytes);
    let out = procflow()
        .current_dir(dir.path())
        .args(["check", "--format", "short", name])
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn a_title_people_cannot_see_is_invalid() {
    // sop-invisible-title.flow: a title "\u{0}" passed `check` and rendered
    // empty. The diagnostic points at the character.
    let (out, code) = check_short("t.flow", &fixture("sop-invisible-title.flow"));
    assert_eq!(code, 1);
    assert!(
        out.starts_with(
            "t.flow:8:11: error[invalid-value]: a title holds the control character `\\u{0}`\n"
        ),
        "{out}"
    );
    let title = |t: &str| format!("role a {t}\nrole b \"B\" {{\n  who \"x\"\n}}\n");
    for (written, column, message) in [
        (
            r#""\u{7f}""#,
            9,
            "a title holds the control character `\\u{7f}`",
        ),
        (
            "\"a\u{7f}\"",
            10,
            "a title holds the control character `\\u{7f}`",
        ),
        (r#""\u{feff}""#, 8, "a title has no visible character"),
        (
            "\"\u{200b} \u{2060}\"",
            8,
            "a title has no visible character",
        ),
        (r#""\u{D800}""#, 9, "this escape is not a character"),
        (r#""a\rb""#, 0, ""),
    ] {
        let (out, code) = check_short("t.flow", title(written).as_bytes());
        if column == 0 {
            // `\r` is not an escape: a syntax error, reported as before.
            assert!(out.contains("error[syntax]"), "{written}: {out}");
            continue;
        }
        assert_eq!(code, 1, "{written}: {out}");
        assert!(
            out.contains(&format!(
                "t.flow:1:{column}: error[invalid-value]: {message}"
            )),
            "{written}: {out}"
        );
    }
    // Line breaks and tabs are text in titles and descriptions.
    let (out, code) = check_short(
        "t.flow",
        "role a \"Call\\n\\tthe lead\" {\n  description \"\"\"\n    a\n    \tb\n    \"\"\"\n}\n"
            .as_bytes(),
    );
    assert!(!out.contains("invalid-value"), "{out}");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_tool_url_must_be_a_web_or_mail_address() {
    // sop-url-astral-markdownlint.flow: `url "😀"` made markdownlint throw.
    let (out, code) = check_short("t.flow", &fixture("sop-url-astral-markdownlint.flow"));
    assert_eq!(code, 1);
    assert!(
        out.starts_with(
            "t.flow:3:7: error[invalid-value]: `url` must be an absolute http(s) or mailto URL"
        ),
        "{out}"
    );
    let tool = |url: &str| format!("tool t {{\n  url \"{url}\"\n}}\n");
    for bad in [
        "crm",
        "/leads",
        "ftp://x.y/z",
        "mailto:",
        "https://",
        "javascript:alert(1)",
    ] {
        let (out, code) = check_short("t.flow", tool(bad).as_bytes());
        assert_eq!(code, 1, "{bad}: {out}");
        assert!(
            out.contains("t.flow:2:7: error[invalid-value]: `url`"),
            "{bad}: {out}"
        );
    }
    for good in [
        "https://crm.example.com",
        "http://intranet/x?y=1#z",
        "mailto:team@example.com",
        "https://例え.jp/パス",
    ] {
        let (out, code) = check_short("t.flow", tool(good).as_bytes());
        assert_eq!((out.as_str(), code), ("", 0), "{good}");
    }
}

#[test]
fn markdown_blocks_keep_crlf_and_end_where_commonmark_ends_them() {
    // A CRLF Markdown file: the lines `fmt` rewrites keep `\r\n`.
    let md = "# T\r\n\r\n```flow\r\nrole   a\r\nrole b # note\r\n```\r\n\r\nText.\r\n";
    let (dir, path) = file("crlf.md", md.as_bytes());
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "crlf.md"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# T\r\n\r\n```flow\r\nrole a\r\n\r\nrole b # note\r\n```\r\n\r\nText.\r\n"
    );
    // A block in a list item ends where the item ends: `Prose` leaves the
    // item (CommonMark), so it is prose, not Flow, and the fence after it
    // opens a block of its own (not tagged `flow`).
    let md = "- Step one:\n\n  ```flow\n  role   a\n  ```\n- Step two:\n\n  ```flow\n  role   b\nProse after the list.\n  ```\n";
    let (dir, path) = file("list.md", md.as_bytes());
    procflow()
        .current_dir(dir.path())
        .args(["check", "list.md"])
        .assert()
        .code(0);
    procflow()
        .current_dir(dir.path())
        .args(["fmt", "list.md"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        md.replace("role   a", "role a")
            .replace("role   b", "role b")
    );
}

/// A file with old-Mac line endings (a lone `\r`, a line break in Flow): the
/// same positions, messages and fixes as with `\n`, in `.flow` files and in
/// `flow` blocks of Markdown.
#[test]
fn lone_carriage_returns_give_the_positions_of_newlines() {
    let lf = "role r \"R\"\ntool t \"T\"\nprocess p \"P\" {\n  outcome \"o\"\n  owner r\n  step a \"A\"\n}\nworkflow w \"W\" implements p {\n  owner r\n  step s \"S\" {\n    owner r\n    tols t\n    implements a\n  }\n}\n";
    let (expected, code) = check_short("x.flow", lf.as_bytes());
    assert_eq!(code, 1);
    assert!(
        expected.contains("x.flow:12:5: error[syntax]: unknown attribute `tols`"),
        "{expected}"
    );
    let cr = lf.replace('\n', "\r");
    assert_eq!(check_short("x.flow", cr.as_bytes()), (expected, 1));
    // In Markdown, the block's lines start two lines down.
    let md = format!("# T\r\r```flow\r{cr}```\r");
    let (out, code) = check_short("x.md", md.as_bytes());
    assert_eq!(code, 1);
    assert!(out.contains("x.md:15:5: error[syntax]"), "{out}");
    // The fix applies.
    let (dir, path) = file("x.flow", cr.as_bytes());
    procflow()
        .current_dir(dir.path())
        .args(["check", "--fix", "x.flow"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(path).unwrap(),
        cr.replace("tols t", "tool t")
    );
}
