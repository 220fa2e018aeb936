//! Text to syntax tree. The only module that knows pest: nothing outside it sees
//! a `Pair` or a `Rule`.
//!
//! Parsing never panics and always returns a tree (the items that parsed) and
//! the syntax errors (one per broken top-level item).

mod errors;
mod lower;
mod parse;
mod strings;

pub use parse::parse;
pub use strings::{KEYWORDS, is_identifier, is_keyword};
