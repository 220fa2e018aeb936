//! The SOP's template: minijinja over the [`Context`](super::context::Context).
//!
//! The built-in template is `templates/sop.md.j2`; `build --template FILE`
//! renders through a user's. What a template prints is Markdown: a string
//! from the context is escaped as Markdown text (comrak's inline escaper,
//! its whitespace runs made one space), so a title can never start a list,
//! close a heading or split a table cell; a value that is Markdown already
//! (descriptions, links, code) is printed as is. The filters below write the
//! Markdown a template needs besides (code spans, links, code blocks, lists
//! of steps in words); `docs/outputs/sop.md` lists them.

use std::path::Path;
use std::sync::OnceLock;

use minijinja::value::ViaDeserialize;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior, Value};
use serde::Deserialize;

use super::context::Context;
use super::{document, words};

/// The built-in template's name in messages.
const BUILTIN: &str = "templates/sop.md.j2";

/// How many instructions a user's template (an SOP's `--template`, the
/// handbook's `--templates`) may run for one document: a copy of the built-in
/// SOP template needs under a million for a 1,000-step workflow, so this is
/// room for about 100,000 steps, and a template that loops for ever stops
/// with an error within seconds.
pub const USER_TEMPLATE_FUEL: u64 = 100_000_000;

/// What a user's template that ran out of fuel is told.
#[must_use]
pub fn out_of_fuel() -> String {
    format!(
        "the template ran {USER_TEMPLATE_FUEL} instructions without finishing (a loop too long \
         or endless?)"
    )
}

/// A template ready to render SOPs.
#[derive(Debug)]
pub struct Template {
    env: Environment<'static>,
    name: String,
}

/// A template that cannot be read, parsed or rendered: where (file and
/// line) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", place(file, *line))]
pub struct TemplateError {
    /// The template's file.
    pub file: String,
    /// The line the error is on, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

fn place(file: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_owned(),
    }
}

impl Template {
    /// The built-in template (`templates/sop.md.j2`).
    ///
    /// # Panics
    ///
    /// Never: the built-in template parses (a unit test checks it).
    #[must_use]
    pub fn builtin() -> &'static Template {
        static BUILT_IN: OnceLock<Template> = OnceLock::new();
        BUILT_IN.get_or_init(|| {
            Template::parse(BUILTIN, include_str!("../../../templates/sop.md.j2"))
                .unwrap_or_else(|e| unreachable!("the built-in SOP template parses: {e}"))
        })
    }

    /// The template in file `path`.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or is not a valid template.
    pub fn from_file(path: &Path) -> Result<Template, TemplateError> {
        let name = path.display().to_string();
        let source = std::fs::read_to_string(path).map_err(|e| TemplateError {
            file: name.clone(),
            line: None,
            message: format!("cannot read the template: {e}"),
        })?;
        let mut template = Template::parse(&name, &source)?;
        template.env.set_fuel(Some(USER_TEMPLATE_FUEL));
        Ok(template)
    }

    /// A template from its text; `name` is its file in messages.
    ///
    /// # Errors
    ///
    /// When the text is not a valid template.
    pub fn parse(name: &str, source: &str) -> Result<Template, TemplateError> {
        let mut env = environment();
        if let Err(e) = env.add_template_owned(name.to_owned(), source.to_owned()) {
            return Err(error(name, source, &e));
        }
        Ok(Template {
            env,
            name: name.to_owned(),
        })
    }

    /// The Markdown the template writes for `context`.
    pub(crate) fn render(&self, context: &Context<'_>) -> Result<String, TemplateError> {
        let template = self
            .env
            .get_template(&self.name)
            .map_err(|e| error(&self.name, "", &e))?;
        template
            .render(Value::from_serialize(context))
            .map_err(|e| error(&self.name, template.source(), &e))
    }
}

/// A minijinja error as a [`TemplateError`]: its line, and its message with
/// the template text it is about (from `source`) and the errors that caused
/// it.
fn error(file: &str, source: &str, e: &Error) -> TemplateError {
    let mut message = e
        .detail()
        .map_or_else(|| e.kind().to_string(), str::to_owned);
    if e.kind() == ErrorKind::OutOfFuel {
        message = out_of_fuel();
    }
    let quoted = e
        .range()
        .and_then(|r| source.get(r))
        .map(str::trim)
        .filter(|q| !q.is_empty() && !q.contains('\n'));
    if let Some(q) = quoted {
        if e.kind() == ErrorKind::UndefinedError {
            message = format!("`{q}` is not in the context");
        } else {
            message = format!("{message} (in `{q}`)");
        }
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    TemplateError {
        file: e.name().unwrap_or(file).to_owned(),
        line: e.line(),
        message,
    }
}

/// The environment every SOP template runs in: strict about unknown fields,
/// Markdown escaping, the filters below.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_formatter(|out, _state, value| {
        if value.is_none() || value.is_undefined() {
            Ok(())
        } else if value.is_safe() {
            out.write_str(value.as_str().unwrap_or_default())
                .map_err(Error::from)
        } else if let Some(s) = value.as_str() {
            out.write_str(&text(s)).map_err(Error::from)
        } else {
            write!(out, "{value}").map_err(Error::from)
        }
    });
    env.add_filter("code", |v: &str| {
        Value::from_safe_string(document::code_span(v))
    });
    env.add_filter("link", |v: Value, url: Option<String>| {
        Value::from_safe_string(document::link(&plain(&v), url.as_deref()))
    });
    env.add_filter("code_block", |v: &str, info: Option<String>| {
        Value::from_safe_string(document::code_block(v, info.as_deref().unwrap_or("")))
    });
    env.add_filter("steps", |v: Vec<usize>| {
        Value::from_safe_string(words::steps(&v))
    });
    env.add_filter("numbers", |v: Vec<usize>| {
        Value::from_safe_string(words::number_ranges(&v))
    });
    env.add_filter("join_and", |v: Vec<Value>| join(&v, " and "));
    env.add_filter("join_or", |v: Vec<Value>| join(&v, " or "));
    env.add_filter("titled", titled);
    env.add_filter("sentence", sentence);
    env.add_filter(
        "plural",
        |n: usize, one: String, many: String| {
            if n == 1 { one } else { many }
        },
    );
    env
}

/// A string as Markdown text: each whitespace run as one space (a line
/// break would end a table row or a list item), escaped by comrak (and `|`,
/// which splits a table cell).
pub(crate) fn text(s: &str) -> String {
    // Edge spaces are kept (a template's " and " between two values), but a
    // value is one trimmed line.
    let lead = if s.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let trail = if s.ends_with(char::is_whitespace) && !s.trim().is_empty() {
        " "
    } else {
        ""
    };
    let single = format!(
        "{lead}{}{trail}",
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    comrak::escape_commonmark_inline(&single).replace('|', "\\|")
}

/// A value as Markdown: itself when safe, escaped text otherwise.
fn markdown(v: &Value) -> String {
    if v.is_safe() {
        v.as_str().unwrap_or_default().to_owned()
    } else if let Some(s) = v.as_str() {
        text(s)
    } else if v.is_none() || v.is_undefined() {
        String::new()
    } else {
        v.to_string()
    }
}

/// A value's text, unescaped.
fn plain(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// `items` as Markdown joined with ", " and `last`.
fn join(items: &[Value], last: &str) -> Value {
    let parts: Vec<String> = items.iter().map(markdown).collect();
    Value::from_safe_string(words::join(&parts, last))
}

/// A step as the `titled` filter reads it.
#[derive(Deserialize)]
struct Numbered {
    number: usize,
    title: String,
}

/// "step 2 (Draft)", "steps 2 (Draft) and 3 (Review)"; with `"or"`: "step 2
/// (Draft) or step 3 (Review)". Items are objects with `number` and `title`.
#[allow(clippy::needless_pass_by_value)]
fn titled(steps: ViaDeserialize<Vec<Numbered>>, joiner: Option<String>) -> Value {
    let mut steps = steps.0;
    steps.sort_by_key(|s| s.number);
    let each = |s: &Numbered| format!("{} ({})", s.number, text(&s.title));
    let out = if joiner.as_deref() == Some("or") {
        let parts: Vec<String> = steps.iter().map(|s| format!("step {}", each(s))).collect();
        words::join(&parts, " or ")
    } else {
        let parts: Vec<String> = steps.iter().map(each).collect();
        format!(
            "{} {}",
            if parts.len() == 1 { "step" } else { "steps" },
            words::join(&parts, " and ")
        )
    };
    Value::from_safe_string(out)
}

/// The value with a full stop at its end unless it ends with `.`, `!` or
/// `?` (escaped text stays text).
#[allow(clippy::needless_pass_by_value)]
fn sentence(v: Value) -> Value {
    let mut s = markdown(&v);
    let end = s.trim_end();
    if !end.is_empty() && !end.ends_with(['.', '!', '?']) {
        s.truncate(end.len());
        s.push('.');
    }
    Value::from_safe_string(s)
}

#[cfg(test)]
mod tests {
    use super::{Template, text};

    #[test]
    fn the_builtin_template_parses() {
        let _ = Template::builtin();
    }

    #[test]
    fn text_is_escaped_whole() {
        assert_eq!(text("a\n  b"), "a b");
        assert_eq!(text(" and "), " and ");
        assert_eq!(text("# x | y"), "\\# x \\| y");
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let e = Template::parse("t.j2", "line one\n{% if %}\n").unwrap_err();
        assert_eq!(e.file, "t.j2");
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("t.j2:2: "), "{e}");
    }
}
