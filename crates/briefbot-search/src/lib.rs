//! briefbot's search engine: documents of weighted text fields in, ranked hits with scores and
//! match positions out, with Snowball stemming, typo correction and phrases.
//!
//! It knows nothing of briefs, Discord, tokio or the terminal. Its user maps each of its
//! records to a [`Document`] (a [`Language`](language::Language), searched texts with their
//! [`Weight`]s, and what orders ties), builds an [`Index`] over them (and updates it, sharing
//! what a change leaves alone), and asks it with [`search`]: the [`Outcome`] holds the best
//! [`Hit`]s, what was corrected or ignored, and a [`Highlighter`] that marks the matches in a
//! document's fields ([`FieldMarks`], by [`FieldId`]).
//!
//! # Modules, from the bottom up
//!
//! Each module uses only the modules above it in this table, so the crate reads from the top
//! down without a circle (the `layers` test checks it):
//!
//! | module | what it owns |
//! |---|---|
//! | `language` | the languages a document may be in: those with a Snowball stemmer |
//! | `analysis` | text to terms: a chain of small filters, one per file (its own order: `lowercase`, `possessive`, `punctuation`, `fold`, `segment`, `stem`, `stopwords`, then the chain) |
//! | `fields` | what a document is: weighted fields laid out in one position space, handed to a visitor (so a document may keep its texts packed and unpack them once a visit) |
//! | `bm25` | BM25's constants and length normalisation |
//! | `postings` | one term's documents, frequencies, positions and per-block bounds |
//! | `docset` | a set of documents, a bit each: what a filter allows a search to return |
//! | `vocabulary` | terms and words to ids, and words by length for the typo search |
//! | `build` | a chunk of documents analysed into a partial index, its postings growing as varint streams |
//! | `index` | the immutable index: built, updated, read |
//! | `matcher` | the ways a query asks for documents: terms, or phrases of a kind |
//! | `hit` | a matching document, and how per-word scores add up to its score |
//! | `phrase` | the documents where a phrase's words stand together |
//! | `typo` | the vocabulary's word nearest a typed one |
//! | `plan` | a query taken apart: words, phrases, filler, compounds, corrections |
//! | `highlight` | where a query's words and phrases are in a document's texts |
//! | `topk` | the bounded walk for the best few |
//! | `rank` | which documents to walk for the best few, or scoring all it found |
//! | `query` | [`search`]: from what a user typed to an [`Outcome`] |
//! | `similar` | more like this: a document's weightiest terms ([`terms_of`]), and the documents sharing them ([`more_like_this`]) |

pub mod analysis;
mod bm25;
mod build;
pub mod docset;
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
pub mod similar;
#[cfg(test)]
mod testing;
mod topk;
mod typo;
mod vocabulary;

pub use analysis::{Analyzer, Token, plain_words};
pub use docset::DocSet;
pub use fields::{Document, FieldId, MAX_PHRASE_SPAN, MAX_POSITION, Weight};
pub use highlight::{FieldMarks, Highlighter, TextMarks};
pub use hit::Hit;
pub use index::{Change, Index};
pub use plan::{Correction, MAX_QUERY_WORDS, MAX_TYPO_SEARCHES};
pub use query::{
    MAX_QUERY_CHARS, Outcome, PreparedQuery, Scope, WordTerms, covers_every_word,
    covers_every_word_prepared, search, search_uncorrected, search_within, word_terms,
};
pub use similar::{DocTerm, MAX_LIKE_TERMS, Similar, more_like_this, terms_of};

/// The layering the crate's documentation states: each module uses only the modules listed
/// before it.
#[cfg(test)]
mod layers {
    use std::path::Path;

    /// The crate's modules, from the bottom up.
    const MODULES: [&str; 19] = [
        "language",
        "analysis",
        "fields",
        "bm25",
        "postings",
        "docset",
        "vocabulary",
        "build",
        "index",
        "matcher",
        "hit",
        "phrase",
        "typo",
        "plan",
        "highlight",
        "topk",
        "rank",
        "query",
        "similar",
    ];

    /// The analysis filters, from the bottom up: the chain (`mod.rs`) comes after them all.
    const FILTERS: [&str; 7] = [
        "lowercase",
        "possessive",
        "punctuation",
        "fold",
        "segment",
        "stem",
        "stopwords",
    ];

    /// The modules `text` names after `prefix` (`crate::`, `super::`), outside comments and
    /// its tests.
    fn named<'t>(text: &'t str, prefix: &str) -> Vec<&'t str> {
        let code = text.split("#[cfg(test)]").next().unwrap_or(text);
        let mut found = Vec::new();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices(prefix) {
                let rest = &line[at + prefix.len()..];
                let end = rest
                    .find(|c: char| !c.is_alphanumeric() && c != '_')
                    .unwrap_or(rest.len());
                found.push(&rest[..end]);
            }
        }
        found
    }

    fn source(path: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(path);
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
    }

    #[test]
    fn modules_use_only_the_modules_below_them() {
        for (at, module) in MODULES.iter().enumerate() {
            let file = if *module == "analysis" {
                "analysis/mod.rs".to_owned()
            } else {
                format!("{module}.rs")
            };
            let text = source(&file);
            let mut uses = named(&text, "crate::");
            if *module != "analysis" {
                uses.extend(named(&text, "super::"));
            }
            for used in uses {
                let below = MODULES[..at].contains(&used);
                assert!(below, "{module} uses {used}, which is not below it");
            }
        }
    }

    #[test]
    fn filters_use_only_the_filters_before_them() {
        for (at, filter) in FILTERS.iter().enumerate() {
            let text = source(&format!("analysis/{filter}.rs"));
            for used in named(&text, "super::") {
                let before = FILTERS[..at].contains(&used);
                assert!(before, "{filter} uses {used}, which is not before it");
            }
            for used in named(&text, "crate::") {
                assert_eq!(used, "language", "{filter} uses {used}");
            }
        }
    }

    #[test]
    fn every_module_is_placed() {
        let listed = |name: &str| MODULES.contains(&name) || ["lib", "testing"].contains(&name);
        let entries = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
        for entry in entries.into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let name = name.strip_suffix(".rs").unwrap_or(&name);
            assert!(listed(name), "{name} is not in MODULES");
        }
        let filters = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/analysis"));
        for entry in filters.into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(name) = name.strip_suffix(".rs").filter(|n| *n != "mod") {
                assert!(FILTERS.contains(&name), "{name} is not in FILTERS");
            }
        }
    }
}
