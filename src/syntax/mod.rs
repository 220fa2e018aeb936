//! Text to syntax tree. The only module that knows pest: nothing outside it sees
//! a `Pair` or a `Rule`.
//!
//! Parsing never panics and always returns a tree (the items that parsed) and
//! the syntax errors (one per broken top-level item).
//!
//! One parser reads the text: pest, generated from `grammar/flow.pest`, which
//! defines the language. [`parse`] reads a valid file whole and a file with
//! errors item by item (`recover`), resuming after each broken item.

mod blocks;
mod errors;
mod lower;
mod parse;
mod strings;
pub mod words;

pub use errors::{Replacement, SyntaxError};
pub use parse::{Parsed, parse, parse_with_fixes};
pub use strings::{is_identifier, is_keyword};

/// Every reserved word of the language (none can be a name), from the table
/// of words ([`words::reserved`]).
pub fn keywords() -> impl Iterator<Item = &'static str> {
    words::reserved()
}
