//! The language server, driven as an editor drives it: the real binary
//! (`procflow lsp`), JSON-RPC messages framed with `Content-Length` headers on
//! its standard input and output.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any answer may take before the test fails (a hang is a failure).
const TIMEOUT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications received while waiting for something else.
    notifications: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("procflow"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).unwrap();
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages: rx,
            notifications: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: &Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("the server did not answer in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: &Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.recv(deadline);
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.notifications.push(m);
        }
    }

    fn result(&mut self, method: &str, params: &Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| is_diagnostics(n, uri))
        {
            let n = self.notifications.remove(i);
            return n["params"]["diagnostics"].as_array().unwrap().clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.recv(deadline);
            if is_diagnostics(&m, uri) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.notifications.push(m);
        }
    }

    fn initialize(&mut self, root: &str) -> Value {
        let result = self.result(
            "initialize",
            &json!({"processId": null, "rootUri": root, "capabilities": {}}),
        );
        self.notify("initialized", &json!({}));
        result
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
"textDocument/didOpen", &json!({"textDocument": {"uri": uri, "languageId": "flow", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
"textDocument/didChange", &json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown`, `exit`, and the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let r = self.request("shutdown", &Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", &Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                self.child.kill().unwrap();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn is_diagnostics(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

fn uri_of(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

fn pos(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

const CLEAN: &str = r#"role ops "Operations 😀"
tool crm "CRM"
process sales "Sales" {
  outcome "Deal closed"
  owner ops
  step call "Call"
  step close
}
workflow w "W" implements sales {
  owner ops
  step ring "Ring 📞" {
    implements call
    owner ops
    tool crm
  }
  step seal "Seal 😀 deal" { implements close owner ops tool crm after ring }
}
"#;

#[test]
fn editor_session() {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = std::fs::canonicalize(dir.path()).unwrap();
    let path = dir_path.join("deals.flow");
    let uri = uri_of(&path);
    let mut client = Client::start();
    let init = client.initialize(&uri_of(&dir_path));
    let caps = &init["capabilities"];
    for cap in [
        "definitionProvider",
        "referencesProvider",
        "hoverProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "renameProvider",
        "completionProvider",
        "codeActionProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap} missing: {caps}");
    }
    assert_eq!(caps["textDocumentSync"], json!(1));

    // An unknown role after an emoji on the same line: the range counts the
    // emoji as two UTF-16 code units (it is one character, four bytes).
    let broken = CLEAN.replace("owner ops tool", "owner opz tool");
    client.open(&uri, &broken);
    let diags = client.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "unknown-reference");
    assert_eq!(d["source"], "procflow");
    assert_eq!(d["severity"], 1);
    assert_eq!(
        d["message"],
        "unknown role `opz`\nhelp: did you mean `ops`?"
    );
    let line = broken.lines().nth(15).unwrap();
    let chars = line[..line.find("opz").unwrap()].chars().count();
    assert_eq!(chars, 51);
    assert_eq!(
        d["range"],
        json!({"start": {"line": 15, "character": 52}, "end": {"line": 15, "character": 55}})
    );

    // The quick fix of "did you mean".
    let actions = client.result(
"textDocument/codeAction", &json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let action = &actions[0];
    assert_eq!(action["title"], "Replace with `ops`");
    assert_eq!(action["kind"], "quickfix");
    let edit = &action["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "ops");
    assert_eq!(edit["range"], d["range"]);

    // Fixed: no diagnostics.
    client.change(&uri, 2, CLEAN);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // Definition of `ops` in `owner ops` (line 12): the role's name.
    let def = client.result("textDocument/definition", &pos(&uri, 12, 11));
    assert_eq!(def["uri"], uri);
    assert_eq!(
        def["range"],
        json!({"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 8}})
    );
    // Definition of `call` in `implements call`: the process step.
    let def = client.result("textDocument/definition", &pos(&uri, 11, 16));
    assert_eq!(def["range"]["start"], json!({"line": 5, "character": 7}));
    // Definition of `ring` in `after ring`, after two emoji-free... and one emoji.
    let seal = CLEAN.lines().nth(15).unwrap();
    let after = seal[..seal.find("ring").unwrap()].encode_utf16().count();
    let def = client.result(
        "textDocument/definition",
        &pos(&uri, 15, u32::try_from(after).unwrap() + 1),
    );
    assert_eq!(def["range"]["start"], json!({"line": 10, "character": 7}));

    // Hover.
    let hover = client.result("textDocument/hover", &pos(&uri, 13, 10));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**tool** `crm`: CRM"), "{text}");
    assert!(text.contains("used by: `w.ring`, `w.seal`"), "{text}");
    let hover = client.result("textDocument/hover", &pos(&uri, 0, 6));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**role** `ops`: Operations 😀"), "{text}");
    assert!(text.contains("step `w.ring`"), "{text}");

    // References of `ops`: the declaration and four uses.
    let refs = client.result(
        "textDocument/references",
        &json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 5},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(refs.as_array().unwrap().len(), 5, "{refs}");
    let refs = client.result(
        "textDocument/references",
        &json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 5},
               "context": {"includeDeclaration": false}}),
    );
    assert_eq!(refs.as_array().unwrap().len(), 4, "{refs}");

    // Document symbols, nested.
    let symbols = client.result(
        "textDocument/documentSymbol",
        &json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ops", "crm", "sales", "w"]);
    let steps: Vec<&str> = symbols[3]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["ring", "seal"]);

    // Formatting: one edit with the whole document, as `procflow fmt` prints it.
    let edits = client.result(
        "textDocument/formatting",
        &json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    let expected =
        procflow::fmt::format_source(CLEAN, &procflow::fmt::FormatOptions::default()).unwrap();
    assert_eq!(edits[0]["newText"], expected.as_str());
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    assert_eq!(
        edits[0]["range"]["end"],
        json!({"line": 17, "character": 0})
    );

    // Rename a workflow step: its declaration and `after ring`.
    let rename = client.result(
"textDocument/rename", &json!({"textDocument": {"uri": uri}, "position": {"line": 10, "character": 8}, "newName": "dial"}),
    );
    let edits = rename["changes"][&uri].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{rename}");
    assert!(edits.iter().all(|e| e["newText"] == "dial"));
    let bad = client.request(
"textDocument/rename", &json!({"textDocument": {"uri": uri}, "position": {"line": 10, "character": 8}, "newName": "owner"}),
    );
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid name"),
        "{bad}"
    );

    // Completion while typing: the item being written does not parse, the
    // rest still resolves (and hover still works on it).
    let typing = CLEAN.replace("    tool crm\n  }", "    tool crm\n    after \n  }");
    let typing = typing.replace(
        "    owner ops\n    tool crm\n    after",
        "    owner \n    tool crm\n    after",
    );
    client.change(&uri, 4, &typing);
    let diags = client.diagnostics(&uri);
    assert!(diags.iter().all(|d| d["code"] == "syntax"), "{diags:?}");
    assert!(!diags.is_empty());
    let labels = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["label"].as_str().unwrap().to_owned())
            .collect()
    };
    let owner = client.result("textDocument/completion", &pos(&uri, 12, 10));
    assert_eq!(labels(&owner), ["ops"]);
    let tool = client.result("textDocument/completion", &pos(&uri, 13, 9));
    assert_eq!(labels(&tool), ["crm"]);
    let implements_line = 11;
    let steps = client.result("textDocument/completion", &pos(&uri, implements_line, 15));
    assert_eq!(labels(&steps), ["call", "close"]);
    let after = client.result("textDocument/completion", &pos(&uri, 14, 10));
    assert_eq!(labels(&after), ["seal"]);
    let keywords = client.result("textDocument/completion", &pos(&uri, 18, 0));
    assert!(
        labels(&keywords).contains(&"workflow".to_owned()),
        "{keywords}"
    );
    let hover = client.result("textDocument/hover", &pos(&uri, 2, 9));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("**process** `sales`")
    );

    assert!(client.stop().success());
}

#[test]
fn definitions_across_used_files() {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(
        dir_path.join("team.flow"),
        "role ops \"Operations\"\ntool crm\n",
    )
    .unwrap();
    let main = "use \"team.flow\"\nprocess p {\n  outcome \"done\"\n  owner ops\n  step a\n}\n\
                workflow w implements p {\n  step one {\n    implements a\n    owner ops\n    tool crm\n  }\n}\n";
    let path = dir_path.join("main.flow");
    let uri = uri_of(&path);
    let team_uri = uri_of(&dir_path.join("team.flow"));
    let mut client = Client::start();
    client.initialize(&uri_of(&dir_path));
    client.open(&uri, main);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let def = client.result("textDocument/definition", &pos(&uri, 3, 9));
    assert_eq!(def["uri"], team_uri);
    assert_eq!(def["range"]["start"], json!({"line": 0, "character": 5}));

    // The used file, open with unsaved edits, is read from memory: the
    // document sees the role renamed there.
    client.open(&team_uri, "role operations \"Operations\"\ntool crm\n");
    let _ = client.diagnostics(&team_uri);
    let diags = client.diagnostics(&uri);
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(diags.iter().all(|d| d["code"] == "unknown-reference"));

    // A lint level from procflow.toml applies, as in `procflow check`.
    std::fs::write(
        dir_path.join("procflow.toml"),
        "[lints]\nunused-role = \"deny\"\n",
    )
    .unwrap();
    let lonely = "role lonely\nprocess p {\n  outcome \"done\"\n  owner boss\n  step a\n}\nrole boss\n\
                  workflow w implements p {\n  step one {\n    implements a\n    owner boss\n    tool t\n  }\n}\ntool t\n";
    let lonely_uri = uri_of(&dir_path.join("lonely.flow"));
    client.open(&lonely_uri, lonely);
    let diags = client.diagnostics(&lonely_uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "unused-role");
    assert_eq!(diags[0]["severity"], 1);
    assert!(client.stop().success());
}

/// A deterministic pseudo-random generator (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap() % n.max(1)
    }
}

#[test]
fn random_edits_and_requests_are_all_answered() {
    let examples: Vec<String> = std::fs::read_dir("examples")
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let dir_path = std::fs::canonicalize(dir.path()).unwrap();
    let uri = uri_of(&dir_path.join("random.flow"));
    let mut client = Client::start();
    client.initialize(&uri_of(&dir_path));
    client.open(&uri, "");
    let mut rng = Lcg(0x5eed);
    let mut text = String::new();
    let methods = [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/completion",
        "textDocument/prepareRename",
        "textDocument/rename",
        "textDocument/documentSymbol",
        "textDocument/formatting",
        "textDocument/codeAction",
        "textDocument/documentHighlight",
    ];
    for version in 2..202 {
        // A random slice of an example, spliced into the text at a random point,
        // some emoji and broken pieces mixed in.
        let source = &examples[rng.below(examples.len())];
        let mut a = rng.below(source.len());
        let mut b = (a + rng.below(400)).min(source.len());
        while !source.is_char_boundary(a) {
            a -= 1;
        }
        while !source.is_char_boundary(b) {
            b -= 1;
        }
        let piece = match rng.below(5) {
            0 => "😀 \"𝄞\" {".to_owned(),
            1 => String::new(),
            _ => source[a..b].to_owned(),
        };
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        if rng.below(3) == 0 && !text.is_empty() {
            let mut end = (at + rng.below(200)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, &piece);
        } else {
            text.insert_str(at, &piece);
        }
        if text.len() > 20_000 {
            text.truncate(text.floor_char_boundary(10_000));
        }
        client.change(&uri, version, &text);
        for _ in 0..3 {
            let method = methods[rng.below(methods.len())];
            let lines = u32::try_from(text.lines().count()).unwrap() + 2;
            let line = u32::try_from(rng.below(lines as usize)).unwrap();
            let character = u32::try_from(rng.below(90)).unwrap();
            let mut params = pos(&uri, line, character);
            params["context"] = json!({"includeDeclaration": true, "diagnostics": []});
            params["newName"] = json!("renamed");
            params["options"] = json!({"tabSize": 2, "insertSpaces": true});
            params["range"] = json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": character}});
            let response = client.request(method, &params);
            assert!(
                response.get("result").is_some() || response["error"]["code"] == -32602,
                "{method} at {line}:{character}: {response}"
            );
            assert_ne!(response["error"]["code"], -32603, "{method}: {response}");
        }
    }
    // Every edit was answered with diagnostics (the last ones for the last text).
    let _ = client.diagnostics(&uri);
    assert!(client.stop().success());
}

#[test]
fn exit_without_shutdown_fails() {
    let mut client = Client::start();
    client.initialize("file:///tmp");
    client.notify("exit", &Value::Null);
    let status = client.child.wait().unwrap();
    assert!(!status.success());
}

#[test]
fn rename_reaches_open_documents_that_use_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = std::fs::canonicalize(dir.path()).unwrap();
    let team = "role ops \"Operations\"\ntool crm\n";
    std::fs::write(dir_path.join("team.flow"), team).unwrap();
    let user = "use \"team.flow\"\nprocess p {\n  outcome \"done\"\n  owner ops\n  step a\n}\n\
                workflow w implements p {\n  step one {\n    implements a\n    owner ops\n    tool crm\n  }\n}\n";
    let team_uri = uri_of(&dir_path.join("team.flow"));
    let a_uri = uri_of(&dir_path.join("a.flow"));
    let b_uri = uri_of(&dir_path.join("b.flow"));
    let mut client = Client::start();
    client.initialize(&uri_of(&dir_path));
    client.open(&team_uri, team);
    client.open(&a_uri, user);
    client.open(&b_uri, user);
    let _ = client.diagnostics(&b_uri);
    // Rename `ops` where it is declared, in team.flow.
    let mut params = pos(&team_uri, 0, 6);
    params["newName"] = json!("operations");
    let edit = client.result("textDocument/rename", &params);
    let changes = edit["changes"].as_object().unwrap();
    let count = |uri: &str| changes.get(uri).map_or(0, |e| e.as_array().unwrap().len());
    assert_eq!(count(&team_uri), 1, "{edit}");
    assert_eq!(count(&a_uri), 2, "{edit}");
    assert_eq!(count(&b_uri), 2, "{edit}");
    assert!(client.stop().success());
}

const V2: &str = r#"role founder "Founder"
role ops "Operations"
tool docs "Google Docs"
process content "Content" {
  outcome "A post"
  owner founder
  step draft
  step review
  step publish
}
workflow blog "Blog post" implements content {
  owner founder
  input brief
  target 1w
  every 1w
  step write "Write the draft" {
    implements draft
    owner ops
    tool docs
    needs brief
    takes 4h
    produces draft_doc
  }
  step check "Review the draft" {
    implements review
    owner founder
    with ops
    tool docs
    needs draft_doc
    wait 1d
    takes 1h
    within 2d
    escalate ops
    decides approved "Is the draft ready to publish?"
    rework write when not approved
  }
  step post "Publish" {
    implements publish
    owner ops
    tool docs
    when approved
    takes 30m
    within 1d
  }
}
"#;

/// The position of the `k`-th character of the first occurrence of
/// `needle` in `text` (ASCII lines).
fn position_of(uri: &str, text: &str, needle: &str, k: usize) -> Value {
    let at = text.find(needle).unwrap() + k;
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    pos(
        uri,
        u32::try_from(line).unwrap(),
        u32::try_from(column).unwrap(),
    )
}

/// The lines of the ranges of some locations or edits, sorted.
fn lines(values: &Value) -> Vec<u64> {
    let mut out: Vec<u64> = values
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn version_2_decisions_inputs_hover_and_completion() {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = std::fs::canonicalize(dir.path()).unwrap();
    let uri = uri_of(&dir_path.join("blog.flow"));
    let mut client = Client::start();
    let init = client.initialize(&uri_of(&dir_path));
    assert!(!init["capabilities"]["documentHighlightProvider"].is_null());
    client.open(&uri, V2);
    let diags = client.diagnostics(&uri);
    assert!(
        diags.iter().all(|d| d["severity"] != 1),
        "no errors expected: {diags:?}"
    );

    // A decision: definition, references, highlights and rename, from its
    // use in `when` (line 40), in `rework … when not` (line 34) and its
    // declaration in `decides` (line 33).
    let when = position_of(&uri, V2, "when approved", 6);
    let def = client.result("textDocument/definition", &when);
    assert_eq!(
        def["range"],
        json!({"start": {"line": 33, "character": 12}, "end": {"line": 33, "character": 20}})
    );
    let mut refs = when.clone();
    refs["context"] = json!({"includeDeclaration": true});
    assert_eq!(
        lines(&client.result("textDocument/references", &refs)),
        [33, 34, 40]
    );
    refs["context"] = json!({"includeDeclaration": false});
    assert_eq!(
        lines(&client.result("textDocument/references", &refs)),
        [34, 40]
    );
    let highlights = client.result("textDocument/documentHighlight", &when);
    assert_eq!(lines(&highlights), [33, 34, 40]);
    let kinds: Vec<&Value> = highlights
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["kind"])
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == &json!(3)).count(), 1);
    let mut rename = when.clone();
    rename["newName"] = json!("ready");
    let edit = client.result("textDocument/rename", &rename);
    assert_eq!(lines(&edit["changes"][&uri]), [33, 34, 40]);
    // A step named like the decision is another name: not renamed with it.
    let step_write = position_of(&uri, V2, "rework write", 7);
    assert_eq!(
        lines(&client.result("textDocument/documentHighlight", &step_write)),
        [15, 34]
    );

    // An input: definition and rename from `needs brief`.
    let needs = position_of(&uri, V2, "needs brief", 7);
    let def = client.result("textDocument/definition", &needs);
    assert_eq!(def["range"]["start"], json!({"line": 12, "character": 8}));
    let mut rename = needs.clone();
    rename["newName"] = json!("client_brief");
    let edit = client.result("textDocument/rename", &rename);
    assert_eq!(lines(&edit["changes"][&uri]), [12, 19]);

    // Hover: the decision, the workflow (lead time, target, margin, runs per
    // week), a step (time and escalation).
    let mut hovers = String::new();
    for (needle, k) in [
        ("when approved", 6),
        ("blog \"Blog", 1),
        ("step check", 6),
        ("needs brief", 7),
    ] {
        let hover = client.result("textDocument/hover", &position_of(&uri, V2, needle, k));
        hovers.push_str(&format!(
            "## hover on `{needle}`\n{}\n\n",
            hover["contents"]["value"].as_str().unwrap()
        ));
    }
    // Without `takes` on a step, the lead time is a lower bound.
    let lower = V2.replace("    takes 30m\n", "");
    client.change(&uri, 2, &lower);
    client.diagnostics(&uri);
    let hover = client.result(
        "textDocument/hover",
        &position_of(&uri, &lower, "blog \"Blog", 1),
    );
    hovers.push_str(&format!(
        "## hover on the workflow without `takes 30m`\n{}\n",
        hover["contents"]["value"].as_str().unwrap()
    ));
    // Without any `takes` or `wait`, the lead time is not known.
    let unknown: String = V2
        .split_inclusive('\n')
        .filter(|l| !l.contains("takes") && !l.contains("wait"))
        .collect();
    client.change(&uri, 3, &unknown);
    client.diagnostics(&uri);
    let hover = client.result(
        "textDocument/hover",
        &position_of(&uri, &unknown, "blog \"Blog", 1),
    );
    hovers.push_str(&format!(
        "\n## hover on the workflow without `takes` and `wait`\n{}\n",
        hover["contents"]["value"].as_str().unwrap()
    ));
    insta::assert_snapshot!(hovers);

    // Completion: decision names after `when`, `not`, steps after `rework`,
    // roles after `with`, the version-2 words in a step.
    let typing = V2.replace("    when approved\n", "    when \n");
    client.change(&uri, 4, &typing);
    client.diagnostics(&uri);
    let labels = |items: &Value| -> Vec<String> {
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    };
    let items = client.result(
        "textDocument/completion",
        &position_of(&uri, &typing, "    when \n", 9),
    );
    assert_eq!(labels(&items), ["approved", "not"]);

    // A typo with one near name: the diagnostic's fix is the code action,
    // preferred because it is safe.
    let typo = V2.replace("when approved", "when aproved");
    client.change(&uri, 5, &typo);
    let diags = client.diagnostics(&uri);
    let d = diags
        .iter()
        .find(|d| d["code"] == "unknown-reference")
        .unwrap();
    let actions = client.result(
        "textDocument/codeAction",
        &json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    assert_eq!(actions[0]["title"], "Replace with `approved`");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(
        actions[0]["edit"]["changes"][&uri][0]["newText"],
        "approved"
    );
    assert!(client.stop().success());
}
