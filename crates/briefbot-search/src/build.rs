//! Building: a chunk of documents analysed into a partial index with chunk-local ids, each
//! word as written analysed once per chunk; and the documents' recency ranks.

use rustc_hash::FxHashMap;

use super::analysis::Analyzer;
use super::fields::{Document, Position, for_each_field_word};
use super::postings::{DocId, Postings};
use super::vocabulary::{Table, TermId};
use crate::language::Language;

/// The index of a chunk of briefs, with chunk-local term, word and doc ids.
pub(crate) struct Partial {
    pub(crate) term_texts: Table,
    pub(crate) postings: Vec<Postings>,
    pub(crate) doc_lengths: Vec<f32>,
    pub(crate) word_texts: Table,
    /// Briefs holding each word.
    pub(crate) word_counts: Vec<u32>,
    /// Per language of the library that folds before stemming: each word's term
    /// (`TermId::MAX` where none is known), for [`Index::text_term`].
    pub(crate) stems: Vec<Vec<TermId>>,
}

/// Words as written, to what analysing them gave (`None`: not indexable). Looked up once per
/// word of every brief: words of at most 15 bytes (nearly all) are packed with their length
/// into a `u128` kept in the table itself, so a lookup compares two integers instead of
/// following a pointer to compare bytes.
#[derive(Default)]
struct SeenWords {
    pub(crate) short: FxHashMap<u128, Option<Seen>>,
    pub(crate) long: FxHashMap<Box<str>, Option<Seen>>,
}

impl SeenWords {
    pub(crate) fn packed(word: &str) -> Option<u128> {
        let bytes = word.as_bytes();
        let mut packed = [0u8; 16];
        packed.get_mut(..bytes.len())?.copy_from_slice(bytes);
        packed[15] = u8::try_from(bytes.len()).ok().filter(|&len| len < 16)?;
        Some(u128::from_le_bytes(packed))
    }

    pub(crate) fn get(&self, word: &str) -> Option<Option<Seen>> {
        match Self::packed(word) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(word).copied(),
        }
    }

    pub(crate) fn insert(&mut self, word: &str, seen: Option<Seen>) {
        match Self::packed(word) {
            Some(key) => self.short.insert(key, seen),
            None => self.long.insert(word.into(), seen),
        };
    }
}

/// A word as written, analysed once per chunk: its term and folded word as local ids.
#[derive(Clone, Copy)]
struct Seen {
    pub(crate) term: TermId,
    pub(crate) word: u32,
    pub(crate) stop: bool,
}

impl Partial {
    pub(crate) fn build<D: Document>(
        briefs: &[D],
        languages: &[Language],
        analyzers: &[Analyzer],
    ) -> Partial {
        let mut partial = Partial {
            term_texts: Table::default(),
            postings: Vec::new(),
            doc_lengths: Vec::with_capacity(briefs.len()),
            word_texts: Table::default(),
            word_counts: Vec::new(),
            stems: languages.iter().map(|_| Vec::new()).collect(),
        };
        // Per language: every word as written, to its analysis (None: not indexable).
        let mut seen: Vec<SeenWords> = languages.iter().map(|_| SeenWords::default()).collect();
        // One doc's (term, position, weight), sorted into postings when the doc is done.
        let mut occurrences: Vec<(TermId, u32, u32)> = Vec::new();
        let mut doc_words: Vec<u32> = Vec::new();
        let mut positions: Vec<Position> = Vec::new();
        for (doc, brief) in briefs.iter().enumerate() {
            let language = languages
                .iter()
                .position(|&l| l == brief.language())
                .unwrap_or(0);
            let analyzer = &analyzers[language];
            let seen = &mut seen[language];
            let mut length = 0f32;
            for_each_field_word(analyzer, brief, |_, weight, raw, _, position| {
                let found = match seen.get(raw) {
                    Some(found) => found,
                    None => {
                        let found = analyzer.analyse_word(raw).map(|a| {
                            if a.stop {
                                // Never indexed: no term, no vocabulary word.
                                return Seen {
                                    term: TermId::MAX,
                                    word: u32::MAX,
                                    stop: true,
                                };
                            }
                            let (term, new) = partial.term_texts.intern(&a.term);
                            if new {
                                partial.postings.push(Postings::new());
                            }
                            let (word, new) = partial.word_texts.intern(&a.word);
                            if new {
                                partial.word_counts.push(0);
                            }
                            if analyzer.language().is_latin_script() {
                                let stems = &mut partial.stems[language];
                                if stems.len() <= word as usize {
                                    stems.resize(word as usize + 1, TermId::MAX);
                                }
                                stems[word as usize] = term;
                            }
                            Seen {
                                term,
                                word,
                                stop: a.stop,
                            }
                        });
                        seen.insert(raw, found);
                        found
                    }
                };
                if let Some(found) = found
                    && !found.stop
                {
                    length += weight.value();
                    occurrences.push((found.term, position, weight.halves()));
                    doc_words.push(found.word);
                }
            });
            occurrences.sort_unstable_by_key(|&(term, position, _)| (term, position));
            // Positions past MAX_POSITION saturate rather than wrap.
            let position = |p: u32| Position::try_from(p).unwrap_or(Position::MAX);
            let mut i = 0;
            while i < occurrences.len() {
                let term = occurrences[i].0;
                let mut frequency = 0u32;
                positions.clear();
                while i < occurrences.len() && occurrences[i].0 == term {
                    positions.push(position(occurrences[i].1));
                    frequency += occurrences[i].2;
                    i += 1;
                }
                let frequency = u16::try_from(frequency).unwrap_or(u16::MAX);
                partial.postings[term as usize].push(doc as DocId, frequency, &positions);
            }
            occurrences.clear();
            partial.doc_lengths.push(length);
            doc_words.sort_unstable();
            doc_words.dedup();
            for word in doc_words.drain(..) {
                partial.word_counts[word as usize] += 1;
            }
        }
        partial
    }
}

/// Each document's place when all are sorted by [`Document::recency`].
pub(crate) fn recency_ranks<D: Document>(briefs: &[D]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..briefs.len()).collect();
    order.sort_by(|&a, &b| briefs[a].recency().cmp(&briefs[b].recency()));
    let mut ranks = vec![0; briefs.len()];
    for (rank, doc) in order.into_iter().enumerate() {
        ranks[doc] = rank as u32;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_words_tell_apart_words_packed_or_not() {
        let mut seen = SeenWords::default();
        let fifteen = "abcdefghijklmno";
        let sixteen = "abcdefghijklmnop";
        let mark = |term| {
            Some(Seen {
                term,
                word: 0,
                stop: false,
            })
        };
        for (term, word) in ["a", "a\0", "", fifteen, sixteen, "putin", "Putin"]
            .into_iter()
            .enumerate()
        {
            assert!(seen.get(word).is_none(), "{word:?} before it was seen");
            seen.insert(word, mark(term as TermId));
        }
        seen.insert("the", None);
        for (term, word) in ["a", "a\0", "", fifteen, sixteen, "putin", "Putin"]
            .into_iter()
            .enumerate()
        {
            let found = seen.get(word).flatten().map(|seen| seen.term);
            assert_eq!(found, Some(term as TermId), "{word:?}");
        }
        assert!(matches!(seen.get("the"), Some(None)));
        assert!(seen.get(&fifteen[..14]).is_none());
        assert!(seen.get("abcdefghijklmnopq").is_none());
    }
}
