//! Completion. The context is read from the text around the cursor, not from
//! the syntax tree: the item being typed usually does not parse yet, so the
//! tree has left it out. Roles, tools and processes come from the last
//! compilation's model; the names of the workflow being written (steps,
//! decisions, inputs, artifacts) from its text. The words that start an entry
//! come from the language's word table ([`crate::syntax::words`]).

use lsp_types::{CompletionItem, CompletionItemKind};

use crate::ast::DeclKind;
use crate::check::codes::Code;
use crate::model::Model;
use crate::syntax::words;

/// A word of the text (a name or keyword), a string, or a brace.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok<'t> {
    Word(&'t str),
    Str,
    Open,
    Close,
    Comma,
}

/// Splits `text` into tokens, skipping comments and blanks.
fn lex(text: &str) -> Vec<Tok<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if text[i..].starts_with("\"\"\"") {
            i = text[i + 3..]
                .find("\"\"\"")
                .map_or(b.len(), |e| i + 3 + e + 3);
            out.push(Tok::Str);
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            out.push(Tok::Str);
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
                i += 1;
            }
            out.push(Tok::Word(&text[start..i]));
        } else {
            match c {
                b'{' => out.push(Tok::Open),
                b'}' => out.push(Tok::Close),
                b',' => out.push(Tok::Comma),
                _ => {}
            }
            i += 1;
        }
        while i < b.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    out
}

/// Whether a line starts a top-level item (a keyword in the first column).
fn is_item_start(line: &str) -> bool {
    words::TOP_LEVEL.iter().any(|k| {
        line.strip_prefix(k)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\r']))
    })
}

/// Where the cursor is.
struct Context<'t> {
    /// The keyword of the item around the cursor (`workflow`...), if any.
    item: Option<&'t str>,
    /// `implements P` of a workflow header.
    process: Option<&'t str>,
    /// 0 in a header, 1 in an item's block, 2 in a step's block.
    depth: usize,
    /// The step whose block holds the cursor.
    step: Option<&'t str>,
    /// The steps of the item (depth 1).
    steps: Vec<&'t str>,
    /// The artifacts its steps produce.
    produced: Vec<&'t str>,
    /// Its inputs (`input`).
    inputs: Vec<&'t str>,
    /// The decisions its steps take (`decides`), with their questions' place
    /// in the text unknown: names only.
    decisions: Vec<&'t str>,
}

fn context(text: &str, offset: usize) -> Context<'_> {
    // The item starts at the last line, at or before the cursor's, that starts
    // with a top-level keyword; it ends where the next one starts.
    let mut start = 0;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if line_start > offset {
            break;
        }
        if is_item_start(line) {
            start = line_start;
        }
        line_start += line.len();
    }
    let mut end = text.len();
    let mut pos = start;
    for (n, line) in text[start..].split_inclusive('\n').enumerate() {
        if n > 0 && is_item_start(line) {
            end = pos;
            break;
        }
        pos += line.len();
    }
    let before = lex(&text[start..offset.max(start)]);
    let whole = lex(&text[start..end]);
    let mut ctx = Context {
        item: None,
        process: None,
        depth: 0,
        step: None,
        steps: Vec::new(),
        produced: Vec::new(),
        inputs: Vec::new(),
        decisions: Vec::new(),
    };
    if let Some(Tok::Word(w)) = whole.first() {
        if words::TOP_LEVEL.contains(w) {
            ctx.item = Some(w);
        }
    }
    for pair in whole.windows(2) {
        if pair[0] == Tok::Open {
            break;
        }
        if let (Tok::Word("implements"), Tok::Word(p)) = (&pair[0], &pair[1]) {
            ctx.process = Some(p);
        }
    }
    let mut depth = 0usize;
    let mut last_step = None;
    for (i, t) in before.iter().enumerate() {
        match t {
            Tok::Open => {
                depth += 1;
                if depth == 2 {
                    ctx.step = last_step;
                }
            }
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Word("step") if depth == 1 => {
                if let Some(Tok::Word(n)) = before.get(i + 1) {
                    last_step = Some(n);
                }
            }
            _ => {}
        }
    }
    ctx.depth = depth;
    let mut depth = 0usize;
    // The list being read: `produces` (true) or `input` (false).
    let mut in_list: Option<bool> = None;
    for (i, t) in whole.iter().enumerate() {
        match t {
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Word("step") if depth == 1 => {
                if let Some(Tok::Word(n)) = whole.get(i + 1) {
                    ctx.steps.push(n);
                }
            }
            Tok::Word("decides") if depth == 2 => {
                if let Some(Tok::Word(n)) = whole.get(i + 1) {
                    ctx.decisions.push(n);
                }
            }
            Tok::Word("produces") if depth == 2 => {
                in_list = Some(true);
                continue;
            }
            Tok::Word("input") if depth == 1 => {
                in_list = Some(false);
                continue;
            }
            Tok::Word(w) if in_list.is_some() => {
                if in_list == Some(true) {
                    ctx.produced.push(w);
                } else {
                    ctx.inputs.push(w);
                }
                if !matches!(whole.get(i + 1), Some(Tok::Comma)) {
                    in_list = None;
                }
                continue;
            }
            Tok::Comma => continue,
            _ => {}
        }
        in_list = None;
    }
    ctx
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

/// The block the cursor is in, when it is inside one.
fn block(ctx: &Context<'_>) -> Option<DeclKind> {
    Some(match (ctx.depth, ctx.item?) {
        (1, "role") => DeclKind::Role,
        (1, "tool") => DeclKind::Tool,
        (1, "process") => DeclKind::Process,
        (1, "workflow") => DeclKind::Workflow,
        (2, "process") => DeclKind::ProcessStep,
        (2, "workflow") => DeclKind::WorkflowStep,
        _ => return None,
    })
}

/// The words that may start an entry where the cursor is, with what each
/// says (from the word table).
fn keywords(ctx: &Context<'_>) -> Vec<(&'static str, Option<&'static str>)> {
    if ctx.depth == 0 {
        return words::TOP_LEVEL.iter().map(|w| (*w, None)).collect();
    }
    let Some(block) = block(ctx) else {
        return Vec::new();
    };
    words::entry_words(block)
        .into_iter()
        .map(|w| (w, words::by_keyword(w).map(|a| a.summary)))
        .collect()
}

/// Distinct names, in order, as completion items.
fn names(out: &mut Vec<CompletionItem>, names: &[&str], kind: CompletionItemKind) {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !seen.contains(n) {
            seen.push(n);
            out.push(item(n, kind, None));
        }
    }
}

/// Roles of the model, as completion items.
fn roles(out: &mut Vec<CompletionItem>, model: &Model) {
    for r in &model.roles {
        out.push(item(
            &r.name.text,
            CompletionItemKind::CLASS,
            r.title.as_ref().map(|t| t.value.clone()),
        ));
    }
}

/// Completion items at a byte offset of `text`.
pub fn complete(text: &str, offset: usize, model: &Model) -> Vec<CompletionItem> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    if line.contains('#') || line.matches('"').count() % 2 == 1 {
        return Vec::new(); // in a comment or a string
    }
    // The word being typed, then the list written before it.
    let head = line.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let mut rest = head;
    loop {
        let t = rest.trim_end();
        match t.strip_suffix(',') {
            Some(r) => {
                let r = r.trim_end();
                rest =
                    r.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            }
            None => break,
        }
    }
    let indented = line.starts_with([' ', '\t']);
    let keyword = rest.trim_end().rsplit([' ', '\t']).next().unwrap_or("");
    let separated = rest.ends_with([' ', '\t']);
    let ctx = context(text, offset);
    let mut out = Vec::new();
    if separated && keyword == "implements" && !indented && ctx.depth == 0 {
        for p in &model.processes {
            out.push(item(
                &p.name.text,
                CompletionItemKind::MODULE,
                p.title.as_ref().map(|t| t.value.clone()),
            ));
        }
        return out;
    }
    // The attribute of the line (its first word), for values after a
    // second keyword (`when not`, `rework STEP when not`).
    let attr = line.split_whitespace().next().unwrap_or("");
    let in_step = ctx.depth == 2 && ctx.item == Some("workflow");
    if separated && indented && in_step {
        let decisions = |out: &mut Vec<CompletionItem>| {
            names(out, &ctx.decisions, CompletionItemKind::ENUM_MEMBER);
        };
        match (attr, keyword) {
            ("when" | "rework", "not") => {
                decisions(&mut out);
                return out;
            }
            ("when", "when") => {
                decisions(&mut out);
                out.push(item("not", CompletionItemKind::KEYWORD, None));
                return out;
            }
            ("rework", "rework") => {
                // The step itself or one before it: every step is offered
                // (the checker says which are not ancestors).
                names(&mut out, &ctx.steps, CompletionItemKind::METHOD);
                return out;
            }
            ("rework", "when") => {
                out.push(item("not", CompletionItemKind::KEYWORD, None));
                return out;
            }
            ("rework", _) => {
                out.push(item("when", CompletionItemKind::KEYWORD, None));
                return out;
            }
            _ => {}
        }
    }
    if separated && indented && ctx.depth >= 1 {
        match keyword {
            "owner" => {
                roles(&mut out, model);
                return out;
            }
            "with" | "escalate" if in_step && attr == keyword => {
                roles(&mut out, model);
                return out;
            }
            "tool" if ctx.depth == 2 => {
                for t in &model.tools {
                    out.push(item(
                        &t.name.text,
                        CompletionItemKind::INTERFACE,
                        t.title.as_ref().map(|t| t.value.clone()),
                    ));
                }
                return out;
            }
            "implements" => {
                let steps = ctx
                    .process
                    .and_then(|p| model.processes.iter().find(|x| x.name.text == p))
                    .map(|p| p.steps.as_slice())
                    .unwrap_or_default();
                for s in steps {
                    out.push(item(
                        &s.name.text,
                        CompletionItemKind::EVENT,
                        s.title.as_ref().map(|t| t.value.clone()),
                    ));
                }
                return out;
            }
            "after" => {
                for s in ctx.steps.iter().filter(|s| Some(**s) != ctx.step) {
                    out.push(item(s, CompletionItemKind::METHOD, None));
                }
                return out;
            }
            "needs" => {
                names(&mut out, &ctx.inputs, CompletionItemKind::VARIABLE);
                let produced: Vec<&str> = ctx
                    .produced
                    .iter()
                    .copied()
                    .filter(|p| !ctx.inputs.contains(p))
                    .collect();
                names(&mut out, &produced, CompletionItemKind::VARIABLE);
                return out;
            }
            k if attr == k
                && words::by_keyword(k).is_some_and(|a| a.shape == words::Shape::Duration)
                && block(&ctx).is_some_and(|b| {
                    words::by_keyword(k).is_some_and(|a| a.blocks.contains(&b))
                }) =>
            {
                // A duration is a whole number and one unit (`1d12h` is not
                // one): a few to start from.
                for d in ["30m", "1h", "4h", "1d", "2d", "1w"] {
                    out.push(item(d, CompletionItemKind::VALUE, None));
                }
                return out;
            }
            "allow" => {
                for c in Code::lint_names() {
                    out.push(item(c, CompletionItemKind::VALUE, None));
                }
                return out;
            }
            _ => {}
        }
    }
    if head.trim().is_empty() && (ctx.depth == 0) != indented {
        for (k, summary) in keywords(&ctx) {
            out.push(item(
                k,
                CompletionItemKind::KEYWORD,
                summary.map(str::to_owned),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str, model: &Model) -> Vec<String> {
        let at = text.find('|').unwrap();
        let text = text.replace('|', "");
        complete(&text, at, model)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn contexts() {
        let src = "role ops\ntool crm\nprocess p {\n  step a\n  step b\n}\n";
        let mut ws = crate::Workspace::default();
        let root = ws.add_text("x.flow", None, src.to_owned());
        let model = ws.compile(root, &crate::Levels::default()).model;
        assert_eq!(
            labels(
                "workflow w implements p {\n  step one {\n    owner |\n  }\n}\n",
                &model
            ),
            ["ops"]
        );
        assert_eq!(
            labels(
                "workflow w implements p {\n  step one {\n    implements |\n",
                &model
            ),
            ["a", "b"]
        );
        assert_eq!(
            labels(
                "workflow w implements p {\n  step one {\n  }\n  step two {\n    after o|\n  }\n}\n",
                &model
            ),
            ["one"]
        );
        assert_eq!(
            labels(
                "workflow w implements p {\n  step one {\n    tool crm, |\n",
                &model
            ),
            ["crm"]
        );
        assert_eq!(
            labels(
                "workflow w implements p {\n  step one {\n    produces doc\n  }\n  step two {\n    needs |\n  }\n}\n",
                &model
            ),
            ["doc"]
        );
        assert_eq!(labels("workflow w implements |", &model), ["p"]);
        assert_eq!(labels("|", &model), words::TOP_LEVEL);
        assert!(
            labels("workflow w implements p {\n  step one {\n    |\n", &model)
                .contains(&"implements".to_owned())
        );
        assert!(labels("workflow w implements p {\n  |\n", &model).contains(&"trigger".to_owned()));
        assert!(labels("role x \"a |", &model).is_empty());
    }

    #[test]
    fn version_2_words_and_names() {
        let src = "role ops\nrole founder\ntool crm\nprocess p {\n  step a\n}\n";
        let mut ws = crate::Workspace::default();
        let root = ws.add_text("x.flow", None, src.to_owned());
        let model = ws.compile(root, &crate::Levels::default()).model;
        let w = "workflow w implements p {\n  input brief, contract\n  step one {\n    decides hot \"Hot?\"\n    produces notes\n  }\n  step two {\n    decides ready \"Ready?\"\n  }\n  step three {\n    ";
        let at = |rest: &str| labels(&format!("{w}{rest}\n  }}\n}}\n"), &model);
        assert_eq!(at("when |"), ["hot", "ready", "not"]);
        assert_eq!(at("when not |"), ["hot", "ready"]);
        assert_eq!(at("when hot, not r|"), ["hot", "ready"]);
        assert_eq!(at("rework |"), ["one", "two", "three"]);
        assert_eq!(at("rework one |"), ["when"]);
        assert_eq!(at("rework one when |"), ["not"]);
        assert_eq!(at("rework one when not |"), ["hot", "ready"]);
        assert_eq!(at("needs |"), ["brief", "contract", "notes"]);
        assert_eq!(at("with ops, |"), ["ops", "founder"]);
        assert_eq!(at("escalate |"), ["ops", "founder"]);
        assert_eq!(at("takes |"), ["30m", "1h", "4h", "1d", "2d", "1w"]);
        assert!(at("target |").is_empty(), "`target` is a workflow's");
        assert_eq!(
            labels("workflow w implements p {\n  every |\n}\n", &model),
            ["30m", "1h", "4h", "1d", "2d", "1w"]
        );
        let step_words = at("|");
        for word in ["decides", "when", "takes", "escalate", "with", "rework"] {
            assert!(step_words.contains(&word.to_owned()), "{word}");
        }
        let workflow_words = labels("workflow w implements p {\n  |\n}\n", &model);
        for word in ["input", "target", "every", "step"] {
            assert!(workflow_words.contains(&word.to_owned()), "{word}");
        }
        assert!(!workflow_words.contains(&"takes".to_owned()));
    }
}
