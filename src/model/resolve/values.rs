//! The checks on values that resolution makes: strings (escapes, control
//! characters, one-line fields, visible text), tool URLs, `allow` codes.

use super::Ctx;
use crate::ast::{Decl, Ident, StrFlaw, StrLit};
use crate::check::codes::{Code, Kind};
use crate::diagnostic::Diagnostic;
use crate::model::Allow;
use crate::suggest::nearest;

/// Whether a character can be seen: not whitespace, not a control character,
/// not a format character (U+200B, U+FEFF, the bidirectional marks…) nor
/// another character that is drawn as nothing (variation selectors, fillers).
fn is_visible(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fff8}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e0fff}'
        ))
}

impl Ctx<'_> {
    /// Checks a string's value: no escape that is not a character, no
    /// control character but line breaks and tabs (and in a `one_line` field
    /// neither), at least one visible character. Returns whether it is valid.
    pub(super) fn string(&mut self, s: &StrLit, what: &str, one_line: bool) -> bool {
        if let Some((flaw, span)) = s.flaw {
            let d = match flaw {
                StrFlaw::NotAChar => Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    "this escape is not a character",
                    "not a Unicode scalar value",
                )
                .with_help("use a code point from 0 to 10FFFF that is not a surrogate (D800-DFFF)"),
                StrFlaw::Control(c) => Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!(
                        "{what} holds the control character `{}`",
                        c.escape_unicode()
                    ),
                    "an invisible control character",
                )
                .with_help(if one_line {
                    "remove it"
                } else {
                    "remove it; a line break is written `\\n` and a tab `\\t`"
                }),
            };
            self.push(d);
            return false;
        }
        if let Some(span) = s.breaks.filter(|_| one_line) {
            let d = Diagnostic::new(
                Code::InvalidValue,
                span,
                format!("{what} must be one line, without tabs"),
                if s.block {
                    "a string of several lines"
                } else {
                    "a line break or a tab"
                },
            )
            .with_help("write it on one line; longer text goes in a `description`");
            self.push(d);
            return false;
        }
        let (message, label) = if s.value.trim().is_empty() {
            (format!("{what} cannot be empty"), "an empty string")
        } else if !s.value.chars().any(is_visible) {
            (
                format!("{what} has no visible character"),
                "only invisible characters",
            )
        } else {
            return true;
        };
        let help = if what == "a title" {
            "write a title, or leave it out (the name is shown instead)"
        } else {
            "write the text, or leave the attribute out"
        };
        self.push(Diagnostic::new(Code::InvalidValue, s.span, message, label).with_help(help));
        false
    }

    /// Checks a tool's `url`: an absolute `http`, `https` or `mailto` URL.
    pub(super) fn url(&mut self, s: &StrLit) {
        let problem = match url::Url::parse(&s.value) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => return,
            Ok(u) if u.scheme() == "mailto" && !u.path().is_empty() => return,
            Ok(u) if u.scheme() == "mailto" => "no address after `mailto:`".to_owned(),
            Ok(u) => format!("a `{}` URL", u.scheme()),
            Err(e) => e.to_string(),
        };
        let d = Diagnostic::new(
            Code::InvalidValue,
            s.span,
            format!("`url` must be an absolute http(s) or mailto URL ({problem})"),
            "not a web or mail address",
        )
        .with_help("write the whole address, such as `https://crm.example.com` or `mailto:team@example.com`");
        self.push(d);
    }

    pub(super) fn allow(&mut self, decl: &Decl, codes: &[Ident]) {
        for ident in codes {
            match crate::check::codes::Code::from_name(&ident.text) {
                Some(code) if matches!(code.info().kind, Kind::Lint(_)) => {
                    self.out.allows.push(Allow {
                        scope: decl.span,
                        code,
                    });
                }
                Some(code) => {
                    let d = Diagnostic::new(
                        Code::InvalidValue,
                        ident.span,
                        format!("`{code}` is an error and cannot be allowed"),
                        "errors cannot be silenced",
                    )
                    .with_help(format!(
                        "fix the `{code}` error instead; `procflow explain {code}` shows how"
                    ));
                    self.push(d);
                }
                None => {
                    let d = Diagnostic::new(
                        Code::InvalidValue,
                        ident.span,
                        format!("unknown lint code `{}`", ident.text),
                        "not a lint code",
                    );
                    let d = match nearest(&ident.text, Code::lint_names()) {
                        Some(s) => d.with_suggestion(s.word, s.only),
                        None => d.with_help("`procflow explain --list` lists every lint code"),
                    };
                    self.push(d);
                }
            }
        }
    }
}
