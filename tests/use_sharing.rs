//! `check DIR` over files that `use` each other (issue 10, defect 5): a root
//! whose used files were compiled without errors is resolved against their
//! shared namespaces instead of compiling everything it uses again, so a chain
//! of `use`s is linear, not quadratic, and the diagnostics are exactly those
//! of compiling each file with everything it uses
//! (`procflow::check_each_in_full`, the algorithm as first written).
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use procflow::{CheckOptions, Input, Report};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A project folder (with a `procflow.toml`, so that `use`s stay inside it).
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    write(&root.join("procflow.toml"), "");
    (dir, root)
}

/// Both algorithms on the same inputs; their diagnostics must be the same
/// (set, order, text, labels, help, severity) and so must what they render.
fn both(inputs: &[Input]) -> (Report, Report) {
    let options = CheckOptions::default();
    let shared = procflow::check(inputs, &options).unwrap();
    let full = procflow::check_each_in_full(inputs, &options).unwrap();
    assert_eq!(shared.diagnostics, full.diagnostics);
    assert_eq!(shared.files, full.files);
    assert_eq!(
        procflow::render::json(&shared.workspace.sources, &shared.diagnostics, shared.files),
        procflow::render::json(&full.workspace.sources, &full.diagnostics, full.files)
    );
    (shared, full)
}

/// The reproducer `perf-use-chain.sh`: `c0.flow` uses `c1.flow`, which uses
/// `c2.flow`, …, each declaring one role (and, with `refer`, a workflow whose
/// step is owned by the next file's role).
fn chain(root: &Path, n: usize, refer: bool) {
    for i in 0..n {
        let mut text = String::new();
        if i + 1 < n {
            let _ = writeln!(text, "use \"c{}.flow\"\nrole r{i}", i + 1);
            if refer {
                let _ = writeln!(
                    text,
                    "process p{i} {{\n  outcome \"done\"\n  step a\n}}\nworkflow w{i} implements p{i} {{\n  step s {{\n    implements a\n    owner r{}\n    tool t\n  }}\n}}",
                    i + 1
                );
            }
        } else if refer {
            let _ = writeln!(text, "role r{i}\ntool t");
        } else {
            text.push_str("role rlast\n");
        }
        write(&root.join(format!("c{i}.flow")), &text);
    }
}

#[test]
fn a_chain_of_uses_keeps_models_linear_in_its_length() {
    let (_dir, root) = project();
    let n = 300;
    chain(&root, n, false);
    let (shared, full) = both(&[Input::Path(root.clone())]);
    // Each file's model holds its own role only; compiling each with the rest
    // of the chain held n (n + 1) / 2 roles.
    // (The last file uses nothing: it is compiled whole, as it always was.)
    assert_eq!(shared.work(), (n, n - 1));
    assert_eq!(full.work().0, n * (n + 1) / 2);
    // Libraries of roles: nothing to report.
    assert!(shared.diagnostics.is_empty());
}

#[test]
fn a_chain_whose_files_refer_to_the_next_keeps_models_linear() {
    let (_dir, root) = project();
    let n = 200;
    chain(&root, n, true);
    let (shared, _) = both(&[Input::Path(root.clone())]);
    let (declarations, resolved_shared) = shared.work();
    // Its own role, process and workflow, and the next file's role and the
    // last file's tool copied in.
    assert!(declarations <= 5 * n, "{declarations}");
    assert_eq!(resolved_shared, n - 1);
    assert_eq!(shared.errors(), 0, "{:?}", shared.diagnostics);
}

#[test]
fn a_root_falls_back_to_a_whole_compilation_when_a_used_file_has_errors() {
    let (_dir, root) = project();
    chain(&root, 20, true);
    // An unknown role at the end of the chain: every file that reaches it is
    // compiled with everything it uses, as before.
    write(
        &root.join("c19.flow"),
        "role r19\ntool t\nprocess q {\n  owner nobody\n  step a\n}\n",
    );
    let (shared, full) = both(&[Input::Path(root.clone())]);
    assert_eq!(shared.work(), full.work());
    assert_eq!(shared.work().1, 0);
    assert!(shared.errors() > 0);
}

#[test]
fn a_diamond_shares_its_common_file_and_a_name_in_two_used_files_is_a_duplicate() {
    let (_dir, root) = project();
    write(&root.join("c.flow"), "role ops\ntool mail\n");
    write(&root.join("a.flow"), "use \"c.flow\"\nrole dev\n");
    write(&root.join("b.flow"), "use \"c.flow\"\ntool crm\n");
    let workflow = "process p {\n  outcome \"x\"\n  step s\n}\nworkflow w implements p {\n  step t {\n    implements s\n    owner ops\n    tool mail\n  }\n}\n";
    write(
        &root.join("r.flow"),
        &format!("use \"a.flow\"\nuse \"b.flow\"\n{workflow}"),
    );
    let (shared, _) = both(&[Input::Path(root.clone())]);
    assert_eq!(shared.work().1, 3);
    // `b.flow` and `a.flow` declare one name, each compiled cleanly on its
    // own: the file that uses both reports it (in `b.flow`, the later one).
    write(&root.join("b.flow"), "use \"c.flow\"\ntool crm\nrole dev\n");
    let (shared, _) = both(&[Input::Path(root.clone())]);
    assert_eq!(shared.work().1, 2);
    assert_eq!(shared.errors(), 1);
    assert!(
        shared.diagnostics[0]
            .message
            .contains("`dev` is defined twice")
    );
}

// ---------------------------------------------------------------------------
// Random projects: chains, diamonds, cycles, names declared in several files
// and of several kinds, unknown names, errors in used files, lints and their
// levels, two projects, Markdown blocks, files given twice.

/// Names of every kind, so that declarations clash and references miss or
/// name the wrong kind.
const NAMES: &[&str] = &[
    "ops", "dev", "mail", "crm", "sell", "build", "wsell", "ghost",
];

/// Reads small numbers from a byte string (zeros past its end).
struct Bytes<'a>(std::slice::Iter<'a, u8>);

impl Bytes<'_> {
    fn next(&mut self, n: usize) -> usize {
        usize::from(*self.0.next().unwrap_or(&0)) % n
    }
    fn name(&mut self) -> &'static str {
        NAMES[self.next(NAMES.len())]
    }
    fn done(&self) -> bool {
        self.0.len() == 0
    }
}

/// The path written in `from` (a file of the project) to reach `to`.
fn relative(from: &str, to: &str) -> String {
    let dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
    let (a, b) = (dir(from), dir(to));
    let base = to.rsplit('/').next().unwrap();
    match (a.is_empty(), b.is_empty()) {
        _ if a == b => base.to_owned(),
        (true, false) => to.to_owned(),
        (false, true) => format!("../{base}"),
        _ => format!("../{to}"),
    }
}

/// One random file among `files` (paths relative to the project): mostly
/// careful (each file declares names of its own and refers to those of the
/// files it uses, later in `files`, so that many files compile without errors
/// and the files that use them share their namespaces), else anything.
fn random_file(bytes: &[u8], files: &[&str], me: usize) -> String {
    if bytes.first().is_some_and(|b| b % 8 < 5) {
        careful_file(&bytes[1..], files, me)
    } else {
        any_file(bytes, files, me)
    }
}

fn careful_file(bytes: &[u8], files: &[&str], me: usize) -> String {
    let mut b = Bytes(bytes.iter());
    let mut f = String::new();
    let mut visible = vec![me];
    for k in me + 1..files.len() {
        if b.next(3) == 0 {
            let _ = writeln!(f, "use \"{}\"", relative(files[me], files[k]));
            visible.push(k);
        }
    }
    let pick = |b: &mut Bytes| visible[b.next(visible.len())];
    let _ = writeln!(f, "role r{me}\ntool t{me}");
    if b.next(4) == 0 {
        // The name of another file's role: declared twice if that file is
        // used, here or by a file that uses this one.
        let _ = writeln!(f, "role r{}", b.next(files.len()));
    }
    let _ = writeln!(f, "process p{me} {{\n  owner r{}", pick(&mut b));
    if b.next(3) > 0 {
        f.push_str("  outcome \"done\"\n");
    }
    f.push_str("  step a\n  step b { optional }\n  step c\n}\n");
    for n in 0..b.next(3) {
        let _ = writeln!(f, "workflow w{me}x{n} implements p{} {{", pick(&mut b));
        for k in 0..=b.next(6) {
            let step = match b.next(30) {
                0 => "d",
                k => ["a", "b", "c"][k % 3],
            };
            let _ = writeln!(f, "  step s{k} {{\n    implements {step}");
            match b.next(30) {
                0 => {}
                1 => _ = writeln!(f, "    owner ghost"),
                _ => _ = writeln!(f, "    owner r{}", pick(&mut b)),
            }
            match b.next(30) {
                0 => {}
                1 => _ = writeln!(f, "    tool r{}", pick(&mut b)),
                _ => _ = writeln!(f, "    tool t{}", pick(&mut b)),
            }
            match b.next(5) {
                0 if k > 0 => _ = writeln!(f, "    after s{}", b.next(k)),
                1 => f.push_str("    within 1d\n"),
                2 => f.push_str("    automated\n"),
                _ => {}
            }
            f.push_str("  }\n");
        }
        f.push_str("}\n");
    }
    f
}

fn any_file(bytes: &[u8], files: &[&str], me: usize) -> String {
    let mut b = Bytes(bytes.iter());
    let mut f = String::new();
    while !b.done() {
        match b.next(12) {
            0..=2 => {
                let k = b.next(files.len() + 4);
                let path = match k.checked_sub(files.len()) {
                    None => relative(files[me], files[k]),
                    Some(0) => "missing.flow".to_owned(),
                    Some(1) => "/abs.flow".to_owned(),
                    Some(2) => "../../outside.flow".to_owned(),
                    Some(_) => relative(files[me], files[me]),
                };
                let _ = writeln!(f, "use \"{path}\"");
            }
            3 => {
                let name = b.name();
                match b.next(3) {
                    0 => _ = writeln!(f, "role {name}"),
                    1 => _ = writeln!(f, "role {name} {{\n  allow unused-role\n}}"),
                    _ => _ = writeln!(f, "role {name} \"Title\" {{\n  who \"x\"\n}}"),
                }
            }
            4 => _ = writeln!(f, "tool {}", b.name()),
            5 | 6 => {
                let _ = writeln!(f, "process {} {{", b.name());
                if b.next(3) > 0 {
                    let _ = writeln!(f, "  owner {}", b.name());
                }
                if b.next(2) == 0 {
                    f.push_str("  outcome \"done\"\n");
                }
                for k in 0..b.next(4) {
                    let optional = if b.next(4) == 0 { " { optional }" } else { "" };
                    let _ = writeln!(f, "  step p{k}{optional}");
                }
                f.push_str("}\n");
            }
            7..=9 => {
                let _ = writeln!(f, "workflow {} implements {} {{", b.name(), b.name());
                if b.next(2) == 0 {
                    let _ = writeln!(f, "  owner {}", b.name());
                }
                if b.next(6) == 0 {
                    f.push_str("  allow off-process-step, handoff-without-deadline\n");
                }
                for k in 0..b.next(8) {
                    let _ = writeln!(f, "  step s{k} {{");
                    if b.next(4) > 0 {
                        let _ = writeln!(f, "    implements p{}", b.next(4));
                    }
                    if b.next(5) > 0 {
                        let _ = writeln!(f, "    owner {}", b.name());
                    }
                    if b.next(5) > 0 {
                        let _ = writeln!(f, "    tool {}", b.name());
                    }
                    match b.next(6) {
                        0 => _ = writeln!(f, "    after s{}", b.next(8)),
                        1 => f.push_str("    produces x\n"),
                        2 => f.push_str("    needs x\n"),
                        3 => f.push_str("    within 2d\n"),
                        4 => f.push_str("    automated\n"),
                        _ => {}
                    }
                    f.push_str("  }\n");
                }
                f.push_str("}\n");
            }
            10 => {
                if b.next(3) == 0 {
                    f.push_str("role {\n");
                } else {
                    let _ = writeln!(f, "tool {} \"\"", b.name());
                }
            }
            _ => {}
        }
    }
    f
}

/// Files of a random project: in its folder, in `lib/` (same project) and
/// in `sub/` (a project of its own when it has a `procflow.toml`).
const PATHS: &[&str] = &[
    "a0.flow",
    "a1.flow",
    "a2.flow",
    "lib/l0.flow",
    "lib/l1.flow",
    "a3.flow",
    "sub/s0.flow",
    "sub/s1.flow",
];

fn project_strategy() -> impl Strategy<Value = (usize, Vec<Vec<u8>>, u8)> {
    (
        1..=PATHS.len(),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..120), PATHS.len()),
        any::<u8>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn sharing_namespaces_gives_the_diagnostics_of_whole_compilations(
        (n, contents, flags) in project_strategy()
    ) {
        let (_dir, root) = project();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        let files = &PATHS[..n];
        for (me, path) in files.iter().enumerate() {
            write(&root.join(path), &random_file(&contents[me], files, me));
        }
        if flags & 1 != 0 {
            write(&root.join("sub/procflow.toml"), "[lints]\nunused-role = \"deny\"\n");
        }
        if flags & 2 != 0 {
            write(&root.join("procflow.toml"), "[lints]\nowner-overload = \"warn\"\nmissing-outcome = \"allow\"\n");
        }
        if flags & 4 != 0 {
            let text = random_file(&contents[0], files, 0);
            write(&root.join("doc.md"), &format!("# Doc\n\n```flow\n{text}```\n\ntext\n\n```flow\nuse \"a0.flow\"\nrole md\n```\n"));
        }
        let mut inputs = Vec::new();
        if flags & 16 != 0 {
            // Not the whole folder: used files are loaded as compilations
            // reach them, not all at first.
            inputs.push(Input::Path(root.join(files[n / 2])));
            inputs.push(Input::Path(root.join("sub")));
            inputs.push(Input::Path(root.join(files[0])));
            both(&inputs);
            return Ok(());
        }
        if flags & 8 != 0 {
            // A file given before its folder: it is compiled first, and once.
            inputs.push(Input::Path(root.join(files[n - 1])));
        }
        inputs.push(Input::Path(root.clone()));
        both(&inputs);
    }
}
