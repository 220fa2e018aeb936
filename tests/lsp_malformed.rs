//! The language server survives malformed input (issue 10, defect 8): the real
//! binary gets broken frames between good ones and must answer or log each,
//! then keep serving. `procflow::lsp::serve_bytes` gets arbitrary bytes.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn message(value: &Value) -> Vec<u8> {
    frame(&value.to_string())
}

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#;

/// Every framed message in `bytes` (what the server wrote).
fn messages(bytes: &[u8]) -> Vec<Value> {
    let mut reader = BufReader::new(bytes);
    let mut out = Vec::new();
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                return out;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let n = line
                .strip_prefix("Content-Length: ")
                .expect("only Content-Length");
            length = Some(n.parse::<usize>().unwrap());
        }
        let mut body = vec![0; length.unwrap()];
        reader.read_exact(&mut body).unwrap();
        out.push(serde_json::from_slice(&body).unwrap());
    }
}

/// Runs the real server on `input` (closed at its end); its messages, its
/// standard error and whether it exited with status 0.
fn run(input: Vec<u8>) -> (Vec<Value>, String, bool) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("procflow"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        messages(&output.stdout),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.success(),
    )
}

fn shutdown_and_exit() -> Vec<u8> {
    let mut out = message(&json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown"}));
    out.extend(message(&json!({"jsonrpc": "2.0", "method": "exit"})));
    out
}

fn response(messages: &[Value], id: i64) -> &Value {
    messages
        .iter()
        .find(|m| m["id"] == json!(id) && m.get("method").is_none())
        .unwrap_or_else(|| panic!("no response to {id} in {messages:#?}"))
}

fn logged(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["method"] == "window/logMessage")
        .map(|m| m["params"]["message"].as_str().unwrap().to_owned())
        .collect()
}

/// The reproducer `lsp-malformed-frame.sh`: initialize, a truncated JSON
/// body, shutdown (the script sends no `initialized`, which is not required).
#[test]
fn reproducer_truncated_json_then_shutdown() {
    let script = include_str!("fixtures/regressions/lsp-malformed-frame.sh");
    assert!(script.contains(r#"bad='{"a":'"#));
    let mut input = frame(INIT);
    input.extend(frame(r#"{"a":"#));
    input.extend(shutdown_and_exit());
    let (messages, stderr, ok) = run(input);
    assert!(ok, "{stderr}");
    assert_eq!(response(&messages, 99)["result"], Value::Null);
    let log = logged(&messages);
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(log[0].contains("not JSON"), "{log:?}");
    assert!(stderr.contains("skipped a malformed message"), "{stderr}");
}

#[test]
fn every_malformed_frame_is_answered_or_logged_and_the_server_goes_on() {
    let mut input = frame(INIT);
    input.extend(message(
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    ));
    // Without an id: logged and skipped.
    for body in [r#"{"a":"#, "[]", "null", "42", r#""text""#, "[1,2]", "{}"] {
        input.extend(frame(body));
    }
    // Invalid UTF-8 in the body.
    input.extend(b"Content-Length: 2\r\n\r\n\xff\xfe");
    // A header that is not a number, one missing, a line that is no header:
    // the reader looks for the next frame at the next `Content-Length`,
    // skipping what is between.
    input.extend(b"Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\"}");
    input.extend(frame("true"));
    input.extend(b"Content-Type: application/json\r\n\r\n{\"jsonrpc\":\"2.0\"}\r\n");
    input.extend(frame("1.5"));
    input.extend(b"no colon here\r\n\r\n{}");
    input.extend(frame("{}"));
    // With an id: answered with InvalidRequest.
    input.extend(frame(r#"{"jsonrpc":"2.0","id":7,"method":5}"#));
    input.extend(frame(r#"{"jsonrpc":"2.0","id":"eight","params":[]}"#));
    // A malformed response is not answered.
    input.extend(frame(r#"{"jsonrpc":"2.0","id":10,"result":1,"error":"x"}"#));
    // A good request after all of that is answered.
    input.extend(message(
        &json!({"jsonrpc": "2.0", "id": 9, "method": "textDocument/documentSymbol",
        "params": {"textDocument": {"uri": "file:///nowhere/x.flow"}}}),
    ));
    input.extend(shutdown_and_exit());
    let (messages, stderr, ok) = run(input);
    assert!(ok, "{stderr}");
    assert_eq!(response(&messages, 7)["error"]["code"], json!(-32600));
    let eight = messages.iter().find(|m| m["id"] == json!("eight")).unwrap();
    assert_eq!(eight["error"]["code"], json!(-32600));
    assert!(response(&messages, 9).get("error").is_none());
    assert!(!messages.iter().any(|m| m["id"] == json!(10)));
    assert_eq!(response(&messages, 99)["result"], Value::Null);
    let log = logged(&messages);
    assert_eq!(log.len(), 15, "{log:#?}");
    assert!(
        log.iter()
            .any(|l| l.contains("`Content-Length: twelve` is not a number"))
    );
    assert!(log.iter().any(|l| l.contains("no `Content-Length` header")));
    assert!(log.iter().any(|l| l.contains("a header without `:`")));
    assert!(log.iter().any(|l| l.contains("batches are not supported")));
}

/// A `Content-Length` over the limit is read and thrown away, not stored:
/// the server's peak memory stays far below the body's size.
#[cfg(target_os = "linux")]
#[test]
fn an_oversized_body_is_skipped_without_being_stored() {
    let limit = procflow::lsp::MAX_CONTENT_LENGTH;
    assert_eq!(limit, 64 * 1024 * 1024);
    let size = usize::try_from(limit).unwrap() + 1;
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("procflow"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdin.write_all(&frame(INIT)).unwrap();
    stdin
        .write_all(format!("Content-Length: {size}\r\n\r\n").as_bytes())
        .unwrap();
    let chunk = vec![b'x'; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        stdin.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    let mut probe = message(&json!({"jsonrpc": "2.0", "id": 5, "method": "shutdown"}));
    stdin.write_all(&probe).unwrap();
    stdin.flush().unwrap();
    // Read until the answer to 5: the big body was skipped by then.
    let mut seen = Vec::new();
    while !seen.iter().any(|m: &Value| m["id"] == json!(5)) {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "closed: {seen:?}");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            length = line["Content-Length: ".len()..].parse().unwrap();
        }
        let mut body = vec![0; length];
        stdout.read_exact(&mut body).unwrap();
        seen.push(serde_json::from_slice(&body).unwrap());
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert!(
        peak_kib < 32 * 1024,
        "peak resident memory {peak_kib} KiB for a skipped body of {size} bytes"
    );
    assert!(
        logged(&seen)
            .iter()
            .any(|l| l.contains("larger than the limit of 64 MiB")),
        "{seen:#?}"
    );
    probe = message(&json!({"jsonrpc": "2.0", "method": "exit"}));
    stdin.write_all(&probe).unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn serve_bytes_answers_a_whole_conversation_in_memory() {
    let mut input = frame(INIT);
    input.extend(frame("null"));
    input.extend(message(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params":
        {"textDocument": {"uri": "untitled:a", "languageId": "flow", "version": 1, "text": "role ops\nrole ops\n"}}})));
    input.extend(shutdown_and_exit());
    // Whatever follows `exit` is not read.
    input.extend(frame("[]"));
    let out = messages(&procflow::lsp::serve_bytes(&input));
    assert!(response(&out, 1)["result"]["capabilities"].is_object());
    assert_eq!(logged(&out).len(), 1);
    let diagnostics = out
        .iter()
        .find(|m| m["method"] == "textDocument/publishDiagnostics")
        .unwrap();
    assert_eq!(
        diagnostics["params"]["diagnostics"][0]["code"],
        "duplicate-definition"
    );
    assert_eq!(response(&out, 99)["result"], Value::Null);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Arbitrary bytes, alone or after a good `initialize`: no panic, and
    /// every byte the server writes is a well-formed frame.
    #[test]
    fn serve_bytes_takes_any_bytes(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
        init in proptest::prelude::any::<bool>(),
        header in proptest::prelude::any::<bool>(),
    ) {
        let mut input = if init { frame(INIT) } else { Vec::new() };
        if header {
            input.extend(format!("Content-Length: {}\r\n\r\n", bytes.len()).as_bytes());
        }
        input.extend(&bytes);
        let _ = messages(&procflow::lsp::serve_bytes(&input));
    }
}
