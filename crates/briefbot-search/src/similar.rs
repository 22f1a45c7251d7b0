//! More like this: the terms that say the most about one document ([`terms_of`]), and the
//! documents that share them, scored as a weighted query over the index ([`more_like_this`]).
//!
//! A document's terms are weighed as a search would weigh them: how often the document holds
//! each (a word of a field counting as much as the field's [`Weight`](crate::Weight)) times
//! how rare it is in the index (its idf). The caller picks the terms worth asking about, and
//! each picked term is then a term of a query, boosted by its weight: the documents found are
//! those in the picked terms' postings, and nothing else is read. The work is the sum of the
//! picked terms' document counts, however many documents the index holds; a term held by most
//! documents is the one to leave out (its idf says it says little).

use rustc_hash::FxHashMap;

use super::analysis::fold_word;
use super::fields::{Document, for_each_field_word};
use super::index::Index;
use super::postings::DocId;
use super::vocabulary::TermId;

/// The most terms [`more_like_this`] takes: which of them a document holds is a bit of a `u64`.
pub const MAX_LIKE_TERMS: usize = 64;

/// A term of a document, with how much it says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocTerm {
    pub term: TermId,
    /// The document's first word with this term, folded (lower case, no accents): how to
    /// name the term to a person.
    pub word: String,
    /// Its weighted frequency in the document times its idf in the index.
    pub weight: f32,
    /// How many documents of the index hold it (the document itself too, if indexed).
    pub docs: usize,
}

/// The terms of `document` that the index holds, weightiest first (then by word, so that the
/// order does not depend on how the index was built). The document need not be in the index:
/// its words are analysed as the index analyses its documents' words.
pub fn terms_of<D: Document>(index: &Index, document: &D) -> Vec<DocTerm> {
    let language = document.language();
    let analyzer = index.analyzer(language);
    // Term -> (weighted frequency, first word).
    let mut found: FxHashMap<TermId, (f32, usize)> = FxHashMap::default();
    let mut words: Vec<String> = Vec::new();
    let mut buffer = String::new();
    let mut folded = String::new();
    for_each_field_word(analyzer, document, |_, weight, raw, _, _| {
        let Some(term) = index.text_term(language, raw, &mut buffer) else {
            return;
        };
        let entry = found.entry(term).or_insert_with(|| {
            let word = fold_word(raw, &mut folded).unwrap_or(raw).to_owned();
            words.push(word);
            (0.0, words.len() - 1)
        });
        entry.0 += weight.value();
    });
    let mut terms: Vec<DocTerm> = found
        .into_iter()
        .filter_map(|(term, (frequency, word))| {
            let docs = index.docs(term).len();
            (docs > 0).then(|| DocTerm {
                term,
                word: std::mem::take(&mut words[word]),
                weight: frequency * index.idf(term),
                docs,
            })
        })
        .collect();
    terms.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.word.cmp(&b.word)));
    terms
}

/// A document sharing some of the asked terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub doc: DocId,
    /// The sum, over the asked terms it holds, of each term's boost times its BM25F score.
    pub score: f32,
    /// Which of the asked terms it holds: bit `i` for the `i`th.
    pub shared: u64,
}

/// Every document holding some of `terms` (each a term with its boost; at most
/// [`MAX_LIKE_TERMS`], the rest are left out), in doc order, scored as a query of those terms.
/// Only the terms' postings are read.
pub fn more_like_this(index: &Index, terms: &[(TermId, f32)]) -> Vec<Similar> {
    let terms = &terms[..terms.len().min(MAX_LIKE_TERMS)];
    let postings: usize = terms.iter().map(|&(term, _)| index.docs(term).len()).sum();
    let mut found: FxHashMap<DocId, (f32, u64)> =
        FxHashMap::with_capacity_and_hasher(postings.min(index.doc_slots()), Default::default());
    for (bit, &(term, boost)) in terms.iter().enumerate() {
        index.score_term(term, |doc, score| {
            let entry = found.entry(doc).or_insert((0.0, 0));
            entry.0 += boost * score;
            entry.1 |= 1 << bit;
        });
    }
    let mut similar: Vec<Similar> = found
        .into_iter()
        .map(|(doc, (score, shared))| Similar { doc, score, shared })
        .collect();
    similar.sort_unstable_by_key(|s| s.doc);
    similar
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Fixture, brief};

    fn fixture() -> Fixture {
        Fixture::new(vec![
            brief(
                "a",
                "2020-01-03",
                "Election hacking inquiry",
                "Hackers attacked the election. The inquiry into the hacking starts.",
            ),
            brief(
                "b",
                "2020-01-02",
                "Hacking of the election denied",
                "The government denies the hacking.",
            ),
            brief("c", "2020-01-01", "Storm closes ferries", "The storm hit."),
            brief("d", "2020-01-04", "Election day", "Voters went to vote."),
        ])
    }

    #[test]
    fn a_documents_terms_are_weighed_by_frequency_field_and_rarity() {
        let fixture = fixture();
        let terms = terms_of(&fixture.index, &fixture.briefs[0]);
        let words: Vec<&str> = terms.iter().map(|t| t.word.as_str()).collect();
        // Both in the title and the summary; "inquiry" in no other brief, "hacking" in one.
        assert_eq!(words[..2], ["inquiry", "hacking"], "{words:?}");
        assert!(words.contains(&"election"));
        assert!(!words.contains(&"the"), "no stop word: {words:?}");
        let election = terms.iter().find(|t| t.word == "election").unwrap();
        assert_eq!(election.docs, 3);
        assert!(terms.windows(2).all(|w| w[0].weight >= w[1].weight));
    }

    #[test]
    fn the_documents_sharing_terms_are_scored_by_the_weighted_terms() {
        let fixture = fixture();
        let index = &fixture.index;
        let terms = terms_of(index, &fixture.briefs[0]);
        let asked: Vec<(TermId, f32)> = terms.iter().map(|t| (t.term, t.weight)).collect();
        let similar = more_like_this(index, &asked);
        let docs: Vec<DocId> = similar.iter().map(|s| s.doc).collect();
        assert_eq!(docs, [0, 1, 3], "the storm shares nothing");
        let score = |doc: DocId| similar.iter().find(|s| s.doc == doc).unwrap().score;
        assert!(score(0) > score(1) && score(1) > score(3), "{similar:?}");
        let hacking = 1 << terms.iter().position(|t| t.word == "hacking").unwrap();
        assert_ne!(similar[1].shared & hacking, 0);
        assert_eq!(
            similar[2].shared & hacking,
            0,
            "election day holds no hacking"
        );
    }

    #[test]
    fn past_the_most_terms_the_rest_are_left_out() {
        let fixture = fixture();
        let index = &fixture.index;
        let storm = index.term_id("storm").unwrap();
        let hack = index.term_id("hack").unwrap();
        let mut asked = vec![(hack, 1.0); MAX_LIKE_TERMS];
        asked.push((storm, 1.0));
        let similar = more_like_this(index, &asked);
        assert!(similar.iter().all(|s| s.doc != 2), "{similar:?}");
    }
}
