//! Keyword search with Snowball stemming: analysis, the inverted index, and queries.

pub mod analysis;
mod bm25;
mod build;
pub mod fields;
pub mod highlight;
mod hit;
pub mod index;
pub mod language;
mod matcher;
mod phrase;
mod plan;
mod postings;
pub mod query;
mod rank;
#[cfg(test)]
mod testing;
mod topk;
mod typo;
mod vocabulary;

pub use analysis::{Analyzer, Token, plain_words};
pub use fields::{Document, FieldId, MAX_POSITION, Weight};
pub use highlight::{FieldMarks, Highlighter, TextMarks};
pub use hit::Hit;
pub use index::{Change, Index};
pub use plan::{Correction, MAX_QUERY_WORDS};
pub use query::{MAX_QUERY_CHARS, Outcome, search};
