//! Text to syntax tree. The only module that knows pest: nothing outside it sees
//! a `Pair` or a `Rule`.
//!
//! Parsing never panics and always returns a tree (the items that parsed) and
//! the syntax errors (one per broken top-level item).
//!
//! Two parsers read the text: a hand-written one (`fast.rs`) for files without
//! syntax errors, about 5 times faster, and pest, generated from
//! `grammar/flow.pest`, which defines the language and alone reports syntax
//! errors. [`parse`] tries the first and falls back to the second; both give the
//! same tree wherever the first succeeds (tested in `tests/robustness.rs`).

mod errors;
mod fast;
mod lower;
mod parse;
mod strings;

pub use parse::{Parsed, ParserChoice, parse, parse_fast, parse_with};
pub use strings::{KEYWORDS, is_identifier, is_keyword};
