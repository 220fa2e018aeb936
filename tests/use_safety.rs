//! `use` is safe (issue 10, defect 12): a FIFO or other non-regular file is an
//! `import` error at once, and no `use` reaches outside the project (after
//! symbolic links), so no diagnostic quotes a file outside it.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};

/// A line that must never be printed: it stands for `/etc/passwd`.
const SECRET: &str = "root:x:0:0:TOPSECRET:/root:/bin/bash\n";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `procflow check ARGS` run in `dir`: exit code and standard output.
fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("procflow")
        .unwrap()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.contains("TOPSECRET") && !stderr.contains("TOPSECRET"),
        "{stdout}{stderr}"
    );
    (
        out.status
            .code()
            .expect("exited, not killed by the timeout"),
        stdout,
    )
}

fn canonical(dir: &tempfile::TempDir) -> std::path::PathBuf {
    std::fs::canonicalize(dir.path()).unwrap()
}

#[cfg(unix)]
#[test]
fn a_fifo_is_an_import_error_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = canonical(&dir);
    write(&root.join("procflow.toml"), "");
    write(&root.join("a.flow"), "use \"pipe.flow\"\nrole ops\n");
    let made = std::process::Command::new("mkfifo")
        .arg(root.join("pipe.flow"))
        .status()
        .unwrap();
    assert!(made.success());
    // Nobody ever writes to the FIFO: reading it would wait forever.
    let (code, out) = check(&root, &["a.flow", "--format", "short"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[import]"), "{out}");
    assert!(out.contains("not a regular file"), "{out}");
}

#[cfg(unix)]
#[test]
fn a_socket_or_folder_is_an_import_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = canonical(&dir);
    write(&root.join("procflow.toml"), "");
    let _listener = std::os::unix::net::UnixListener::bind(root.join("sock.flow")).unwrap();
    std::fs::create_dir(root.join("folder.flow")).unwrap();
    write(
        &root.join("a.flow"),
        "use \"sock.flow\"\nuse \"folder.flow\"\nrole ops\n",
    );
    let (code, out) = check(&root, &["a.flow", "--format", "short"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches("not a regular file").count(), 2, "{out}");
}

#[test]
fn a_use_outside_the_project_is_an_import_error_and_quotes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let top = canonical(&dir);
    write(&top.join("secret.flow"), SECRET);
    write(&top.join("proj/procflow.toml"), "");
    write(&top.join("proj/team.flow"), "role ops\n");
    write(
        &top.join("proj/sub/a.flow"),
        "use \"../team.flow\"\nuse \"../../secret.flow\"\nuse \"../../../../../../../../../../etc/passwd\"\nrole lead\n",
    );
    let (code, out) = check(&top.join("proj"), &["sub/a.flow", "--format", "short"]);
    assert_eq!(code, 1, "{out}");
    let imports: Vec<&str> = out.lines().filter(|l| l.contains("[import]")).collect();
    // team.flow is inside the project (the folder of procflow.toml).
    assert_eq!(imports.len(), 2, "{out}");
    assert!(
        imports.iter().all(|l| l.contains("is outside the project")),
        "{out}"
    );
    assert!(imports[0].contains("sub/a.flow:2:"), "{out}");
    // The human format shows the help.
    let (_, human) = check(&top.join("proj"), &["sub/a.flow"]);
    assert!(
        human.contains("a `use` reaches only files inside the project"),
        "{human}"
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_project_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let top = canonical(&dir);
    write(&top.join("outside/team.flow"), SECRET);
    write(&top.join("proj/procflow.toml"), "");
    std::os::unix::fs::symlink(top.join("outside/team.flow"), top.join("proj/team.flow")).unwrap();
    std::os::unix::fs::symlink(top.join("outside"), top.join("proj/lib")).unwrap();
    write(
        &top.join("proj/a.flow"),
        "use \"team.flow\"\nuse \"lib/team.flow\"\nrole ops\n",
    );
    let (code, out) = check(&top.join("proj"), &["a.flow", "--format", "short"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches("is outside the project").count(), 2, "{out}");
    // A link that stays inside the project is followed.
    write(&top.join("proj/real/team.flow"), "role ops\n");
    std::fs::remove_file(top.join("proj/team.flow")).unwrap();
    std::os::unix::fs::symlink(top.join("proj/real/team.flow"), top.join("proj/team.flow"))
        .unwrap();
    write(&top.join("proj/a.flow"), "use \"team.flow\"\nrole lead\n");
    let (code, out) = check(&top.join("proj"), &["a.flow", "--format", "short"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn without_procflow_toml_the_git_work_tree_is_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let top = canonical(&dir);
    write(&top.join("secret.flow"), SECRET);
    std::fs::create_dir_all(top.join("repo/.git")).unwrap();
    write(&top.join("repo/team.flow"), "role ops\n");
    write(
        &top.join("repo/sub/deeper/a.flow"),
        "use \"../../team.flow\"\nuse \"../../../secret.flow\"\nrole lead\n",
    );
    // Run from a folder inside the work tree: the work tree still counts.
    let (code, out) = check(
        &top.join("repo/sub"),
        &["deeper/a.flow", "--format", "short"],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches("[import]").count(), 1, "{out}");
    assert!(out.contains("a.flow:2:"), "{out}");
}

#[test]
fn otherwise_the_folder_procflow_runs_in_is_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let top = canonical(&dir);
    // Skip when the temporary folder lies in a project of its own.
    if top
        .ancestors()
        .any(|d| d.join("procflow.toml").is_file() || d.join(".git").exists())
    {
        return;
    }
    write(&top.join("secret.flow"), SECRET);
    write(&top.join("here/team.flow"), "role ops\n");
    write(
        &top.join("here/a.flow"),
        "use \"team.flow\"\nuse \"../secret.flow\"\nrole lead\n",
    );
    let (code, out) = check(&top.join("here"), &["a.flow", "--format", "short"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches("is outside the project").count(), 1, "{out}");
    // A root file outside the folder procflow runs in is always checked; its
    // project is then its own folder.
    write(&top.join("else/b.flow"), "use \"team.flow\"\nrole lead\n");
    write(&top.join("else/team.flow"), "role ops\n");
    let b = top.join("else/b.flow");
    let (code, out) = check(
        &top.join("here"),
        &[b.to_str().unwrap(), "--format", "short"],
    );
    assert_eq!(code, 0, "{out}");
}

fn frame(value: &Value) -> Vec<u8> {
    let body = value.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// The language server's project of a document without `procflow.toml` or
/// git is the workspace folder.
#[test]
fn the_language_server_keeps_uses_inside_the_workspace_folder() {
    let dir = tempfile::tempdir().unwrap();
    let top = canonical(&dir);
    if top
        .ancestors()
        .any(|d| d.join("procflow.toml").is_file() || d.join(".git").exists())
    {
        return;
    }
    write(&top.join("secret.flow"), SECRET);
    write(&top.join("ws/team.flow"), "role ops\n");
    let uri = format!("file://{}", top.join("ws/a.flow").display());
    let mut input = frame(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"rootUri": format!("file://{}", top.join("ws").display()), "capabilities": {}}}));
    input.extend(frame(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params":
        {"textDocument": {"uri": uri, "languageId": "flow", "version": 1,
        "text": "use \"team.flow\"\nuse \"../secret.flow\"\nrole lead\n"}}}),
    ));
    let out = String::from_utf8(procflow::lsp::serve_bytes(&input)).unwrap();
    assert!(!out.contains("TOPSECRET"), "{out}");
    let diagnostics: Vec<&str> = out
        .split("Content-Length")
        .filter(|m| m.contains("publishDiagnostics"))
        .collect();
    assert_eq!(diagnostics.len(), 1, "{out}");
    assert_eq!(
        diagnostics[0].matches("\"code\":\"import\"").count(),
        1,
        "{out}"
    );
    assert!(diagnostics[0].contains("is outside the project"), "{out}");
}
