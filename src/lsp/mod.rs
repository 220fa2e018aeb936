//! The language server: `procflow lsp` speaks the Language Server Protocol on
//! standard input and output (see `docs/lsp.md`).
//!
//! This is the only module that knows LSP types. Positions are converted at
//! the edge (`convert.rs`): byte offsets inside, UTF-16 code units outside.
//! Each open document is compiled on its own, like `procflow check FILE`, with
//! the other open documents served from memory and every other file read
//! from disk ([`analysis::MemLoader`]).

// `lsp_types::Uri` hashes its text, which never changes after parsing.
#![allow(clippy::mutable_key_type)]

mod analysis;
mod complete;
mod convert;
mod hover;
mod transport;

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::mpsc;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CompletionOptions, CompletionParams, CompletionResponse,
    Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentFormattingParams, DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams,
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, Location, MarkupContent, MarkupKind, NumberOrString, OneOf,
    PrepareRenameResponse, PublishDiagnosticsParams, Range, ReferenceParams, RenameOptions,
    RenameParams, ServerCapabilities, SymbolKind, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
};

use crate::ast::{Decl, DeclKind, Item};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::fmt::{FormatOptions, format_source};
use crate::source::{FileId, Span};
use analysis::Analysis;
pub use transport::MAX_CONTENT_LENGTH;
use transport::{FrameReader, Incoming, Malformed};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Serves the Language Server Protocol on standard input and output until the
/// client says `exit`.
///
/// Frames are read by this module's own reader (see `transport.rs`): a
/// malformed frame is answered or logged and skipped, never fatal.
///
/// # Errors
/// When the output fails, the client closes the connection without `exit`,
/// or says `exit` without `shutdown` first.
pub fn run() -> Result<(), BoxError> {
    let (in_tx, in_rx) = mpsc::sync_channel::<Incoming>(16);
    let (out_tx, out_rx) = mpsc::channel::<Message>();
    // The reader is not joined: after `exit` it may be blocked on standard
    // input, and the process ends anyway.
    std::thread::Builder::new()
        .name("procflow-lsp-reader".to_owned())
        .spawn(move || {
            let mut frames = FrameReader::new(std::io::stdin().lock());
            while let Some(frame) = frames.next_frame() {
                let exit = is_exit(&frame);
                if in_tx.send(frame).is_err() || exit {
                    return;
                }
            }
        })?;
    let writer = std::thread::Builder::new()
        .name("procflow-lsp-writer".to_owned())
        .spawn(move || -> std::io::Result<()> {
            let stdout = std::io::stdout();
            for message in out_rx {
                message.write(&mut stdout.lock())?;
            }
            Ok(())
        })?;
    let connection = Connection {
        sender: out_tx,
        receiver: in_rx,
        log_to_stderr: true,
        batch: true,
    };
    let result = serve(&connection);
    drop(connection);
    match writer.join() {
        Ok(written) => written?,
        Err(_) => return Err("the language server's writer failed".into()),
    }
    result
}

/// Runs the server over an in-memory conversation: `input` is what a client
/// writes (framed messages, malformed or not), the result is everything the
/// server answers, framed. The server stops at `exit` or at the end of the
/// input; nothing is printed and the process does not exit (for fuzzing and
/// tests).
#[must_use]
pub fn serve_bytes(input: &[u8]) -> Vec<u8> {
    let (in_tx, in_rx) = mpsc::channel::<Incoming>();
    let mut frames = FrameReader::new(input);
    while let Some(frame) = frames.next_frame() {
        let exit = is_exit(&frame);
        let _ = in_tx.send(frame);
        if exit {
            break;
        }
    }
    drop(in_tx);
    let (out_tx, out_rx) = mpsc::channel::<Message>();
    let connection = Connection {
        sender: out_tx,
        receiver: in_rx,
        log_to_stderr: false,
        batch: false,
    };
    let _ = serve(&connection);
    drop(connection);
    let mut out = Vec::new();
    for message in out_rx.try_iter() {
        let _ = message.write(&mut out);
    }
    out
}

fn is_exit(frame: &Incoming) -> bool {
    matches!(frame, Incoming::Message(Message::Notification(n)) if n.method == lsp_types::notification::Exit::METHOD)
}

/// Both directions of a conversation with a client.
struct Connection {
    sender: mpsc::Sender<Message>,
    receiver: mpsc::Receiver<Incoming>,
    /// Whether skipped frames are also written to standard error.
    log_to_stderr: bool,
    /// Whether messages already waiting are handled together before
    /// diagnostics are published (off in memory, where every message is
    /// waiting from the start).
    batch: bool,
}

impl Connection {
    fn send(&self, message: impl Into<Message>) -> Result<(), BoxError> {
        self.sender
            .send(message.into())
            .map_err(|_| "the language server's output is closed".into())
    }

    /// Answers a malformed frame that has an id with an error response; logs
    /// one without (`window/logMessage`, and standard error).
    fn malformed(&self, m: Malformed) -> Result<(), BoxError> {
        let text = format!("procflow: skipped a malformed message: {}", m.message);
        if self.log_to_stderr {
            eprintln!("{text}");
        }
        match m.id {
            Some(id) => self.send(Response::new_err(id, m.code as i32, m.message)),
            None => self.send(Notification::new(
                lsp_types::notification::LogMessage::METHOD.to_owned(),
                lsp_types::LogMessageParams {
                    typ: lsp_types::MessageType::ERROR,
                    message: text,
                },
            )),
        }
    }

    /// The next message; malformed frames are dealt with on the way. `None`
    /// when the client closed the connection.
    fn recv(&self) -> Result<Option<Message>, BoxError> {
        loop {
            match self.receiver.recv() {
                Err(_) => return Ok(None),
                Ok(Incoming::Message(m)) => return Ok(Some(m)),
                Ok(Incoming::Malformed(m)) => self.malformed(m)?,
            }
        }
    }

    /// The next message if one is waiting.
    fn try_recv(&self) -> Result<Option<Message>, BoxError> {
        if !self.batch {
            return Ok(None);
        }
        loop {
            match self.receiver.try_recv() {
                Err(_) => return Ok(None),
                Ok(Incoming::Message(m)) => return Ok(Some(m)),
                Ok(Incoming::Malformed(m)) => self.malformed(m)?,
            }
        }
    }
}

/// Waits for `initialize`: requests before it are answered with
/// `ServerNotInitialized`, notifications are ignored, `exit` stops.
fn initialize(connection: &Connection) -> Result<(RequestId, serde_json::Value), BoxError> {
    loop {
        match connection.recv()? {
            None => return Err("the client closed the connection before `initialize`".into()),
            Some(Message::Request(req)) if req.method == lsp_types::request::Initialize::METHOD => {
                return Ok((req.id, req.params));
            }
            Some(Message::Request(req)) => connection.send(Response::new_err(
                req.id,
                ErrorCode::ServerNotInitialized as i32,
                format!("`{}` before `initialize`", req.method),
            ))?,
            Some(Message::Notification(n)) if n.method == lsp_types::notification::Exit::METHOD => {
                return Err("`exit` before `initialize`".into());
            }
            Some(_) => {}
        }
    }
}

/// The capabilities this server offers.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".to_owned(), ",".to_owned()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

fn serve(connection: &Connection) -> Result<(), BoxError> {
    let (id, params) = initialize(connection)?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    #[allow(deprecated)]
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri)
        .and_then(|u| convert::uri_to_path(&u));
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "procflow", "version": env!("CARGO_PKG_VERSION") },
    });
    // `initialized` is not waited for: it is ignored like any notification
    // the server does not need.
    connection.send(Response::new_ok(id, result))?;
    let mut server = Server {
        root,
        docs: HashMap::new(),
        analyses: HashMap::new(),
        dirty: HashSet::new(),
        shutdown: false,
        config_error: None,
    };
    loop {
        let Some(message) = connection.recv()? else {
            return Err("the client closed the connection without `exit`".into());
        };
        if let Some(exit) = server.handle(connection, message)? {
            return exit;
        }
        // Take every message already waiting before compiling: a burst of
        // edits is compiled once.
        while let Some(message) = connection.try_recv()? {
            if let Some(exit) = server.handle(connection, message)? {
                return exit;
            }
        }
        server.publish(connection)?;
    }
}

/// An open document.
struct Doc {
    text: String,
    version: i32,
    /// Its path on disk (for `file:` URIs).
    path: Option<PathBuf>,
}

struct Server {
    /// The workspace folder, for short file names in messages.
    root: Option<PathBuf>,
    docs: HashMap<Uri, Doc>,
    /// The compilation of each open document, while no document changed.
    analyses: HashMap<Uri, Rc<Analysis>>,
    /// Documents whose diagnostics must be published.
    dirty: HashSet<Uri>,
    shutdown: bool,
    /// The last `procflow.toml` error shown, so it is shown once.
    config_error: Option<String>,
}

/// A failed request: an LSP error code and a message.
type Failure = (ErrorCode, String);

fn invalid(message: impl Into<String>) -> Failure {
    (ErrorCode::InvalidParams, message.into())
}

impl Server {
    /// Handles one message; `Some` when the server must stop (with the result
    /// of `run`).
    fn handle(
        &mut self,
        connection: &Connection,
        message: Message,
    ) -> Result<Option<Result<(), BoxError>>, BoxError> {
        match message {
            Message::Request(req) => {
                let response = if self.shutdown {
                    Response::new_err(
                        req.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".to_owned(),
                    )
                } else if req.method == lsp_types::request::Shutdown::METHOD {
                    self.shutdown = true;
                    Response::new_ok(req.id, ())
                } else {
                    let id = req.id.clone();
                    match catch_unwind(AssertUnwindSafe(|| self.request(req))) {
                        Ok(Ok(value)) => Response {
                            id,
                            result: Some(value),
                            error: None,
                        },
                        Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                        Err(_) => Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "the procflow language server failed on this request (a bug)"
                                .to_owned(),
                        ),
                    }
                };
                connection.send(response)?;
            }
            Message::Notification(n) => {
                if n.method == lsp_types::notification::Exit::METHOD {
                    return Ok(Some(if self.shutdown {
                        Ok(())
                    } else {
                        Err("`exit` without `shutdown`".into())
                    }));
                }
                // A notification has no answer to carry an error: a bad one is
                // ignored (and a bug in handling it must not stop the server).
                let _ = catch_unwind(AssertUnwindSafe(|| self.notification(n)));
            }
            Message::Response(_) => {}
        }
        Ok(None)
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            lsp_types::notification::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    let path = convert::uri_to_path(&d.uri);
                    self.docs.insert(
                        d.uri.clone(),
                        Doc {
                            text: d.text,
                            version: d.version,
                            path,
                        },
                    );
                    self.changed(&d.uri);
                }
            }
            lsp_types::notification::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    let Some(doc) = self.docs.get_mut(&uri) else {
                        return;
                    };
                    for change in p.content_changes {
                        match change.range {
                            None => doc.text = change.text,
                            Some(r) => {
                                let starts = convert::line_starts(&doc.text);
                                let a = convert::offset(&doc.text, &starts, r.start);
                                let b = convert::offset(&doc.text, &starts, r.end).max(a);
                                doc.text.replace_range(a..b, &change.text);
                            }
                        }
                    }
                    doc.version = p.text_document.version;
                    self.changed(&uri);
                }
            }
            lsp_types::notification::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    self.changed(&uri);
                    self.docs.remove(&uri);
                    self.dirty.insert(uri);
                }
            }
            lsp_types::notification::DidSaveTextDocument::METHOD => {
                // Files on disk may have changed along with it.
                self.analyses.clear();
            }
            _ => {}
        }
    }

    /// A document changed: every compilation may be stale; it and the open
    /// documents that use it get new diagnostics.
    fn changed(&mut self, uri: &Uri) {
        let identity = self
            .docs
            .get(uri)
            .and_then(|d| d.path.as_deref())
            .map(analysis::identity);
        for (other, a) in &self.analyses {
            if identity.as_ref().is_some_and(|p| a.paths.contains(p)) {
                self.dirty.insert(other.clone());
            }
        }
        self.analyses.clear();
        self.dirty.insert(uri.clone());
    }

    /// Publishes the diagnostics of every dirty document.
    fn publish(&mut self, connection: &Connection) -> Result<(), BoxError> {
        let mut dirty: Vec<Uri> = self.dirty.drain().collect();
        dirty.sort();
        for uri in dirty {
            let (diagnostics, version) = match self.docs.get(&uri).map(|d| d.version) {
                None => (Vec::new(), None),
                Some(version) => {
                    let Some(a) = self.analysis(&uri) else {
                        continue;
                    };
                    if a.config_error != self.config_error {
                        self.config_error.clone_from(&a.config_error);
                        if let Some(message) = &a.config_error {
                            let params = lsp_types::ShowMessageParams {
                                typ: lsp_types::MessageType::ERROR,
                                message: format!("procflow: {message}"),
                            };
                            connection.send(Notification::new(
                                lsp_types::notification::ShowMessage::METHOD.to_owned(),
                                params,
                            ))?;
                        }
                    }
                    (diagnostics(&a), Some(version))
                }
            };
            let params = PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            };
            connection.send(Notification::new(
                lsp_types::notification::PublishDiagnostics::METHOD.to_owned(),
                params,
            ))?;
        }
        Ok(())
    }

    /// The compilation of an open document (cached until a document changes).
    fn analysis(&mut self, uri: &Uri) -> Option<Rc<Analysis>> {
        if let Some(a) = self.analyses.get(uri) {
            return Some(a.clone());
        }
        let doc = self.docs.get(uri)?;
        let open: HashMap<PathBuf, String> = self
            .docs
            .values()
            .filter_map(|d| Some((analysis::identity(d.path.as_deref()?), d.text.clone())))
            .collect();
        let name = match &doc.path {
            Some(p) => self.display_name(p),
            None => uri.as_str().to_owned(),
        };
        let a = Rc::new(Analysis::new(
            Arc::new(open),
            &name,
            doc.path.as_deref(),
            &doc.text,
            self.root.as_deref(),
        ));
        self.analyses.insert(uri.clone(), a.clone());
        Some(a)
    }

    /// A path as shown in messages: relative to the workspace folder when it
    /// is inside it (as `procflow check` run there would show it).
    fn display_name(&self, path: &Path) -> String {
        self.root
            .as_deref()
            .and_then(|r| path.strip_prefix(r).ok())
            .map_or_else(|| crate::display_name(path), crate::display_name)
    }

    fn request(&mut self, req: Request) -> Result<serde_json::Value, Failure> {
        use lsp_types::request as r;
        fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, Failure> {
            serde_json::from_value(req.params).map_err(|e| invalid(e.to_string()))
        }
        fn json(value: impl serde::Serialize) -> Result<serde_json::Value, Failure> {
            serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
        }
        match req.method.as_str() {
            r::GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = params(req)?;
                json(self.definition(&p.text_document_position_params))
            }
            r::References::METHOD => {
                let p: ReferenceParams = params(req)?;
                json(self.references(&p))
            }
            r::DocumentHighlightRequest::METHOD => {
                let p: DocumentHighlightParams = params(req)?;
                json(self.highlights(&p.text_document_position_params))
            }
            r::HoverRequest::METHOD => {
                let p: HoverParams = params(req)?;
                json(self.hover(&p.text_document_position_params))
            }
            r::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = params(req)?;
                json(self.symbols(&p.text_document.uri))
            }
            r::Formatting::METHOD => {
                let p: DocumentFormattingParams = params(req)?;
                json(self.format(&p.text_document.uri))
            }
            r::Completion::METHOD => {
                let p: CompletionParams = params(req)?;
                json(self.completion(&p.text_document_position))
            }
            r::PrepareRenameRequest::METHOD => {
                let p: TextDocumentPositionParams = params(req)?;
                json(self.prepare_rename(&p))
            }
            r::Rename::METHOD => {
                let p: RenameParams = params(req)?;
                let edit = self.rename(&p)?;
                json(edit)
            }
            r::CodeActionRequest::METHOD => {
                let p: CodeActionParams = params(req)?;
                json(self.code_actions(&p))
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unsupported request `{}`", req.method),
            )),
        }
    }

    /// The analysis of a document and the byte offset of a position in it.
    fn at(&mut self, p: &TextDocumentPositionParams) -> Option<(Rc<Analysis>, usize)> {
        let a = self.analysis(&p.text_document.uri)?;
        let file = a.workspace.sources.get(a.root());
        let offset = convert::offset(&file.text, file.line_starts(), p.position);
        Some((a, offset))
    }

    /// The analysis of a document and the name at a position in it (as
    /// resolution recorded it).
    fn reference(
        &mut self,
        p: &TextDocumentPositionParams,
    ) -> Option<(Rc<Analysis>, crate::model::Reference)> {
        let (a, offset) = self.at(p)?;
        let r = *a.model().reference_at(a.root(), offset)?;
        Some((a, r))
    }

    fn definition(&mut self, p: &TextDocumentPositionParams) -> Option<GotoDefinitionResponse> {
        let (a, r) = self.reference(p)?;
        let def = a.model().definition(r.target)?;
        let location = location(&a, def, &p.text_document.uri)?;
        Some(GotoDefinitionResponse::Scalar(location))
    }

    fn references(&mut self, p: &ReferenceParams) -> Option<Vec<Location>> {
        let uri = &p.text_document_position.text_document.uri;
        let (a, r) = self.reference(&p.text_document_position)?;
        Some(
            a.model()
                .references_to(r.target)
                .filter(|o| p.context.include_declaration || !o.declaration)
                .filter_map(|o| location(&a, o.span, uri))
                .collect(),
        )
    }

    fn highlights(&mut self, p: &TextDocumentPositionParams) -> Option<Vec<DocumentHighlight>> {
        let (a, r) = self.reference(p)?;
        Some(
            a.model()
                .references_to(r.target)
                .filter(|o| o.span.file == a.root())
                .map(|o| DocumentHighlight {
                    range: span_range(&a, o.span),
                    kind: Some(if o.declaration {
                        DocumentHighlightKind::WRITE
                    } else {
                        DocumentHighlightKind::READ
                    }),
                })
                .collect(),
        )
    }

    fn hover(&mut self, p: &TextDocumentPositionParams) -> Option<Hover> {
        let (a, occurrence) = self.reference(p)?;
        let text = a.describe(occurrence.target)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(span_range(&a, occurrence.span)),
        })
    }

    fn symbols(&mut self, uri: &Uri) -> Option<DocumentSymbolResponse> {
        let a = self.analysis(uri)?;
        let symbols = a
            .root_tree
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Decl(d) => Some(symbol(&a, d)),
                Item::Use(_) => None,
            })
            .collect();
        Some(DocumentSymbolResponse::Nested(symbols))
    }

    fn format(&mut self, uri: &Uri) -> Option<Vec<TextEdit>> {
        let doc = self.docs.get(uri)?;
        let formatted = format_source(&doc.text, &FormatOptions::default()).ok()?;
        if formatted == doc.text {
            return Some(Vec::new());
        }
        let starts = convert::line_starts(&doc.text);
        let range = convert::range(&doc.text, &starts, 0, doc.text.len());
        Some(vec![TextEdit::new(range, formatted)])
    }

    fn completion(&mut self, p: &TextDocumentPositionParams) -> Option<CompletionResponse> {
        let (a, _) = self.at(p)?;
        // The document's own text: the compiled one has no byte-order mark.
        let doc = self.docs.get(&p.text_document.uri)?;
        let starts = convert::line_starts(&doc.text);
        let offset = convert::offset(&doc.text, &starts, p.position);
        Some(CompletionResponse::Array(complete::complete(
            &doc.text,
            offset,
            a.model(),
        )))
    }

    fn prepare_rename(&mut self, p: &TextDocumentPositionParams) -> Option<PrepareRenameResponse> {
        let (a, occurrence) = self.reference(p)?;
        a.model().definition(occurrence.target)?;
        Some(PrepareRenameResponse::Range(span_range(
            &a,
            occurrence.span,
        )))
    }

    fn rename(&mut self, p: &RenameParams) -> Result<Option<WorkspaceEdit>, Failure> {
        let uri = &p.text_document_position.text_document.uri;
        let Some((a, offset)) = self.at(&p.text_document_position) else {
            return Ok(None);
        };
        let Some(occurrence) = a.model().reference_at(a.root(), offset).copied() else {
            return Err(invalid("there is no name to rename here"));
        };
        if !crate::syntax::is_identifier(&p.new_name) {
            return Err(invalid(format!(
                "`{}` is not a valid name: a letter, then letters, digits, `_` or `-`, and not a keyword",
                p.new_name
            )));
        }
        let mut locations: Vec<Location> = a
            .model()
            .references_to(occurrence.target)
            .filter_map(|o| location(&a, o.span, uri))
            .collect();
        // Other open documents that use the file declaring the name: rename
        // their uses too. They are matched by the declaration's location,
        // since each document is compiled on its own.
        let declared_at = a
            .model()
            .definition(occurrence.target)
            .and_then(|d| location(&a, d, uri));
        if let Some(declared_at) = declared_at {
            let others: Vec<Uri> = self.docs.keys().filter(|u| *u != uri).cloned().collect();
            for other in others {
                let Some(b) = self.analysis(&other) else {
                    continue;
                };
                let same = b.model().references.iter().find(|r| {
                    r.declaration
                        && b.model().definition(r.target) == Some(r.span)
                        && location(&b, r.span, &other).as_ref() == Some(&declared_at)
                });
                if let Some(same) = same {
                    locations.extend(
                        b.model()
                            .references_to(same.target)
                            .filter_map(|o| location(&b, o.span, &other)),
                    );
                }
            }
        }
        let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
        for l in locations {
            let edits = changes.entry(l.uri).or_default();
            if !edits.iter().any(|e| e.range == l.range) {
                edits.push(TextEdit::new(l.range, p.new_name.clone()));
            }
        }
        Ok(Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }))
    }

    fn code_actions(&mut self, p: &CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let uri = &p.text_document.uri;
        let a = self.analysis(uri)?;
        let mut actions = Vec::new();
        for d in &a.compilation.diagnostics {
            if d.span.file != a.root() {
                continue;
            }
            let Some(fix) = &d.fix else {
                continue;
            };
            let range = span_range(&a, d.span);
            if range.end < p.range.start || p.range.end < range.start {
                continue;
            }
            // Edits in the files the document uses go to those files.
            let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
            for e in &fix.edits {
                let Some(l) = location(&a, e.span, uri) else {
                    continue;
                };
                changes
                    .entry(l.uri)
                    .or_default()
                    .push(TextEdit::new(l.range, e.replacement.clone()));
            }
            let edit = WorkspaceEdit {
                changes: Some(changes),
                ..WorkspaceEdit::default()
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic(&a, d, uri)]),
                edit: Some(edit),
                is_preferred: Some(fix.applicability == Applicability::Safe),
                ..CodeAction::default()
            }));
        }
        Some(actions)
    }
}

/// The LSP range of a span (in whichever file it lies).
fn span_range(a: &Analysis, span: Span) -> Range {
    let file = a.workspace.sources.get(span.file);
    convert::range(
        &file.text,
        file.line_starts(),
        span.start as usize,
        span.end as usize,
    )
}

/// The URI of a file of the compilation: the document's own, or its path's.
fn file_uri(a: &Analysis, file: FileId, root_uri: &Uri) -> Option<Uri> {
    if file == a.root() {
        return Some(root_uri.clone());
    }
    convert::path_to_uri(a.workspace.sources.get(file).path.as_deref()?)
}

fn location(a: &Analysis, span: Span, root_uri: &Uri) -> Option<Location> {
    Some(Location::new(
        file_uri(a, span.file, root_uri)?,
        span_range(a, span),
    ))
}

/// The LSP diagnostics of a document: its own diagnostics, and those about
/// the files it uses at its first `use` (they hide its own: a compilation with
/// syntax errors reports only those).
fn diagnostics(a: &Analysis) -> Vec<LspDiagnostic> {
    let root = a.root();
    let Some(uri) = a
        .workspace
        .sources
        .get(root)
        .path
        .as_deref()
        .and_then(convert::path_to_uri)
        .or_else(|| "untitled:document".parse().ok())
    else {
        return Vec::new();
    };
    let first_use = a.root_tree.items.iter().find_map(|i| match i {
        Item::Use(u) => Some(u.span),
        Item::Decl(_) => None,
    });
    let mut out = Vec::new();
    for d in &a.compilation.diagnostics {
        if d.span.file == root {
            out.push(diagnostic(a, d, &uri));
        } else {
            let mut lsp = diagnostic(a, d, &uri);
            let file = a.workspace.sources.get(d.span.file);
            let at = file.line_col(d.span.start as usize);
            lsp.message = format!(
                "in `{}` (line {}, column {}): {}",
                file.name, at.line, at.column, lsp.message
            );
            let related = location(a, d.span, &uri).map(|location| DiagnosticRelatedInformation {
                location,
                message: d.message.clone(),
            });
            lsp.related_information = related.map(|r| vec![r]);
            lsp.range = first_use.map_or_else(Range::default, |s| span_range(a, s));
            out.push(lsp);
        }
    }
    out
}

/// One diagnostic, as `procflow check` reports it: code, severity, message,
/// help appended; secondary labels as related information.
fn diagnostic(a: &Analysis, d: &Diagnostic, uri: &Uri) -> LspDiagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: location(a, l.span, uri)?,
                message: l.message.clone(),
            })
        })
        .collect();
    LspDiagnostic {
        range: span_range(a, d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.name().to_owned())),
        source: Some("procflow".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..LspDiagnostic::default()
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
fn symbol(a: &Analysis, d: &Decl) -> DocumentSymbol {
    let kind = match d.kind {
        DeclKind::Role => SymbolKind::CLASS,
        DeclKind::Tool => SymbolKind::INTERFACE,
        DeclKind::Process => SymbolKind::MODULE,
        DeclKind::ProcessStep => SymbolKind::EVENT,
        DeclKind::Workflow => SymbolKind::FUNCTION,
        DeclKind::WorkflowStep => SymbolKind::METHOD,
    };
    let children: Vec<DocumentSymbol> = d.steps().map(|s| symbol(a, s)).collect();
    DocumentSymbol {
        name: d.name.text.clone(),
        detail: Some(match &d.title {
            Some(t) => format!("{} · {}", d.kind.describe(), t.value),
            None => d.kind.describe().to_owned(),
        }),
        kind,
        tags: None,
        deprecated: None,
        range: span_range(a, d.span),
        selection_range: span_range(a, d.name.span),
        children: (!children.is_empty()).then_some(children),
    }
}
