//! Keyword search with Snowball stemming: analysis, the inverted index, and queries.

pub mod analyze;
pub mod index;
pub mod query;

pub use analyze::{Analyzer, Token};
pub use index::Index;
pub use query::{
    Correction, Highlighter, Hit, MAX_QUERY_CHARS, MAX_QUERY_WORDS, MAX_TYPO_SEARCHES, Outcome,
    search,
};
