//! The language server's transport: `Content-Length` framing of JSON-RPC
//! messages, tolerant of whatever arrives.
//!
//! `lsp-server`'s own reader ends the connection at the first frame it cannot
//! read (bad JSON, `null`, a missing or non-numeric `Content-Length`), and
//! allocates whatever `Content-Length` says before reading. This reader turns
//! every frame into an [`Incoming`]: a message, or a [`Malformed`] frame that
//! the server answers (with an id) or logs (without one), and then goes on.
//! `lsp-server` is still used for its message types and their serialization.

use std::io::{self, BufRead, Read};

use lsp_server::{ErrorCode, Message, RequestId};

/// The largest message body accepted (64 MiB). A larger `Content-Length` is
/// refused: its body is read and discarded without being stored.
pub const MAX_CONTENT_LENGTH: u64 = 64 * 1024 * 1024;

/// The longest header line read (longer ones are malformed).
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// What one frame of input was.
#[derive(Debug)]
pub enum Incoming {
    /// A well-formed JSON-RPC message.
    Message(Message),
    /// A frame that is not one.
    Malformed(Malformed),
}

/// A frame that could not be read as a message.
#[derive(Debug, Clone)]
pub struct Malformed {
    /// The request id, when the frame is JSON with an `id` (then the server
    /// answers it with an error response).
    pub id: Option<RequestId>,
    /// `ParseError` (not JSON) or `InvalidRequest` (JSON, not a message).
    pub code: ErrorCode,
    /// What was wrong.
    pub message: String,
}

impl Malformed {
    fn parse(message: impl Into<String>) -> Incoming {
        Incoming::Malformed(Malformed {
            id: None,
            code: ErrorCode::ParseError,
            message: message.into(),
        })
    }
}

/// Reads frames from a byte stream.
pub struct FrameReader<R> {
    input: R,
    /// Set when the headers could not be read: the next frame is looked for
    /// at the next `Content-Length` in the input.
    resync: bool,
    /// Set when resynchronising consumed `Content-Length:`: the next line
    /// read is that header's value.
    prefix: bool,
}

impl<R: BufRead> FrameReader<R> {
    /// A reader of `input`.
    pub fn new(input: R) -> Self {
        FrameReader {
            input,
            resync: false,
            prefix: false,
        }
    }

    /// The next frame; `None` at the end of the input (or when it fails).
    pub fn next_frame(&mut self) -> Option<Incoming> {
        loop {
            if self.resync {
                self.resync = false;
                if !self.skip_to_header().ok()? {
                    return None;
                }
            }
            match self.frame() {
                Ok(Some(incoming)) => return Some(incoming),
                Ok(None) => {}
                Err(_) => return None,
            }
        }
    }

    /// One frame: `Ok(None)` after skipping bytes that were no frame (empty
    /// lines between frames), `Err` at the end of the input.
    fn frame(&mut self) -> io::Result<Option<Incoming>> {
        let mut length: Option<Result<u64, String>> = None;
        let mut lines = 0;
        let mut bad_header = None;
        loop {
            let mut line = Vec::new();
            if std::mem::take(&mut self.prefix) {
                line.extend_from_slice(b"Content-Length:");
            }
            let n = (&mut self.input)
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut line)?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            if line.last() != Some(&b'\n') && n as u64 == MAX_HEADER_LINE {
                self.resync = true;
                return Ok(Some(Malformed::parse(format!(
                    "a header line longer than {MAX_HEADER_LINE} bytes"
                ))));
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if lines == 0 {
                    // A blank line between frames.
                    return Ok(None);
                }
                break;
            }
            lines += 1;
            let Some((name, value)) = text.split_once(':') else {
                bad_header.get_or_insert_with(|| format!("a header without `:`: {text:?}"));
                continue;
            };
            if name.trim().eq_ignore_ascii_case("content-length") {
                let value = value.trim();
                length =
                    Some(value.parse::<u64>().map_err(|_| {
                        format!("`Content-Length: {value}` is not a number of bytes")
                    }));
            }
        }
        let length = match length {
            Some(Ok(n)) => n,
            Some(Err(message)) => {
                self.resync = true;
                return Ok(Some(Malformed::parse(message)));
            }
            None => {
                self.resync = true;
                let message = bad_header.unwrap_or_else(|| "no `Content-Length` header".to_owned());
                return Ok(Some(Malformed::parse(message)));
            }
        };
        if length > MAX_CONTENT_LENGTH {
            let skipped = io::copy(&mut (&mut self.input).take(length), &mut io::sink())?;
            if skipped < length {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            return Ok(Some(Malformed::parse(format!(
                "a message of {length} bytes is larger than the limit of {} MiB; it was skipped",
                MAX_CONTENT_LENGTH / 1024 / 1024
            ))));
        }
        let mut body = Vec::new();
        (&mut self.input).take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(Some(decode(&body)))
    }

    /// Skips input up to the next line that starts a `Content-Length` header
    /// (or that text anywhere, as after a body with no line break); `false`
    /// at the end of the input.
    fn skip_to_header(&mut self) -> io::Result<bool> {
        const NEEDLE: &[u8] = b"content-length:";
        let mut matched = 0;
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let mut used = 0;
            for &b in buf {
                used += 1;
                if b.to_ascii_lowercase() == NEEDLE[matched] {
                    matched += 1;
                    if matched == NEEDLE.len() {
                        self.input.consume(used);
                        self.prefix = true;
                        return Ok(true);
                    }
                } else {
                    matched = usize::from(b.to_ascii_lowercase() == NEEDLE[0]);
                }
            }
            self.input.consume(used);
        }
    }
}

/// A frame's body as a message, or what is wrong with it.
pub fn decode(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Malformed::parse(format!("the message is not JSON: {e}")),
    };
    let id = value.get("id").and_then(|id| match id {
        serde_json::Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(RequestId::from),
        serde_json::Value::String(s) => Some(RequestId::from(s.clone())),
        _ => None,
    });
    let invalid = |id: Option<RequestId>, message: String| {
        Incoming::Malformed(Malformed {
            id,
            code: ErrorCode::InvalidRequest,
            message,
        })
    };
    // `lsp-server`'s `Message` is an untagged enum of structs, which also
    // reads arrays and objects with a non-string `method` as responses: the
    // shape is checked here first.
    let serde_json::Value::Object(map) = &value else {
        return invalid(
            None,
            match &value {
                serde_json::Value::Array(_) => {
                    "a batch (an array): batches are not supported".to_owned()
                }
                other => format!("`{}` is not a JSON-RPC message (an object)", short(other)),
            },
        );
    };
    let is_response = map.contains_key("result") || map.contains_key("error");
    match map.get("method") {
        Some(serde_json::Value::String(_)) => {}
        Some(other) => {
            return invalid(
                id,
                format!("`method` must be a string, not `{}`", short(other)),
            );
        }
        None if is_response && map.contains_key("id") => {}
        None => {
            return invalid(
                id,
                "neither a request or notification (no `method`) nor a response (no `result` or `error`)"
                    .to_owned(),
            );
        }
    }
    match serde_json::from_value::<Message>(value.clone()) {
        Ok(message) => Incoming::Message(message),
        // A malformed response is not answered.
        Err(e) => invalid(
            id.filter(|_| !is_response),
            format!("not a JSON-RPC request, notification or response: {e}"),
        ),
    }
}

fn short(value: &serde_json::Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}
