//! Which follows a new brief matches: a reverse search over the follows' words.
//!
//! A brief matches a follow when it covers every word of the follow's topic, as `/brief`
//! counts covered words (the engine's [`covers_every_word_prepared`]: stems, folding,
//! possessives, quoted phrases, run-together compounds, joined neighbours), without typo
//! correction (a topic is corrected once, when the follow is made). A follow without a topic
//! matches every brief. Each topic is parsed once, when filed, not at each check.
//!
//! Checking every follow against every new brief would cost in proportion to the follows.
//! Instead each follow is filed under one of its words, the rarest in the library: under
//! each term that can cover that word (its stem in every language of the library, and its
//! joins with its neighbours). A new brief gathers its own terms, and the joins of its
//! neighbouring words (which meet a followed run-together compound), and looks them up: only
//! the follows found there are candidates. A candidate is dropped at once when one of its
//! words has no term among the brief's; it is taken at once when it has no phrase and the
//! brief holds one of each word's own terms; only the rest (phrases, compounds, joins) are
//! checked by the engine. The cost grows with the brief's words and the follows it may
//! match, not with the number of follows.
//!
//! The follows' terms are numbered when filed, so that a brief's terms are looked up by text
//! once, and each candidate is checked on numbers kept side by side. A brief's own terms come
//! from the index's vocabulary (the brief is indexed): only the joins of its neighbouring
//! words are stemmed.
//!
//! One case is not found: a followed word met only as a compound whose halves the brief
//! writes in another form of the same stem ("hoverboards" against "hovering boards"); the
//! same halves as written are found.

use rustc_hash::FxHashMap;

use crate::brief::Brief;
use crate::language::Language;
use crate::library::{self, Library};
use crate::search::analysis::fold_word;
use crate::search::{PreparedQuery, covers_every_word_prepared};
use crate::store::follows::FollowId;

/// The follows to match, filed by their rarest word.
#[derive(Debug, Default)]
pub struct FollowIndex {
    /// The library's languages when filed: a follow's terms are its words' stems in each.
    languages: Vec<Language>,
    /// Each follow's id and topic (as followed), parsed once for the engine.
    follows: Vec<(FollowId, PreparedQuery)>,
    /// Every term that can cover a followed word, to its number.
    terms: FxHashMap<Box<str>, u32>,
    /// Follow `i`'s words are `words[first_word[i]..first_word[i + 1]]`.
    first_word: Vec<u32>,
    /// Every follow's words, in order.
    words: Vec<FiledWord>,
    /// The numbers of the terms of the words: see [`FiledWord`].
    word_terms: Vec<u32>,
    /// Follows without a topic: they match every brief.
    everything: Vec<u32>,
    /// Term number -> follows filed under it.
    by_term: Vec<Vec<u32>>,
}

/// One word of a follow: `word_terms[start..own]` are its own terms, `word_terms[own..end]`
/// the terms of its joins with its neighbours.
#[derive(Debug, Clone, Copy)]
struct FiledWord {
    start: u32,
    own: u32,
    end: u32,
    /// In a quoted phrase: holding its terms is not enough.
    in_phrase: bool,
}

/// How a brief holds a term: among its own terms, or the joins of its neighbouring words.
const OWN: u8 = 1;
const JOIN: u8 = 2;

impl FollowIndex {
    /// Files `follows` (id, topic as followed) for matching against `library`'s briefs.
    pub fn build(library: &Library, follows: impl IntoIterator<Item = (FollowId, String)>) -> Self {
        let index = library.index();
        let mut filed = FollowIndex {
            languages: languages(library),
            first_word: vec![0],
            ..FollowIndex::default()
        };
        for (id, topic) in follows {
            let slot = filed.follows.len() as u32;
            let prepared = PreparedQuery::new(index, &topic);
            let words = if topic.trim().is_empty() {
                filed.everything.push(slot);
                Vec::new()
            } else {
                prepared.word_terms(index)
            };
            // The word whose terms the fewest briefs hold: fewest false candidates. A topic
            // with no word to search for (only stop words) is filed nowhere, as `/brief`
            // finds nothing for it.
            let rarest = words.iter().min_by_key(|word| {
                word.terms
                    .iter()
                    .chain(&word.joins)
                    .filter_map(|t| index.term_id(t))
                    .map(|t| index.docs(t).len())
                    .sum::<usize>()
            });
            if let Some(rarest) = rarest {
                let mut keys: Vec<u32> = rarest
                    .terms
                    .iter()
                    .chain(&rarest.joins)
                    .map(|t| filed.number(t))
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                for term in keys {
                    filed.by_term[term as usize].push(slot);
                }
            }
            for word in &words {
                let start = filed.word_terms.len() as u32;
                for term in &word.terms {
                    let number = filed.number(term);
                    filed.word_terms.push(number);
                }
                let own = filed.word_terms.len() as u32;
                for term in &word.joins {
                    let number = filed.number(term);
                    filed.word_terms.push(number);
                }
                filed.words.push(FiledWord {
                    start,
                    own,
                    end: filed.word_terms.len() as u32,
                    in_phrase: word.in_phrase,
                });
            }
            filed.first_word.push(filed.words.len() as u32);
            filed.follows.push((id, prepared));
        }
        filed
    }

    /// The number of `term`, given one if new.
    fn number(&mut self, term: &str) -> u32 {
        if let Some(&number) = self.terms.get(term) {
            return number;
        }
        let number = self.by_term.len() as u32;
        self.terms.insert(term.into(), number);
        self.by_term.push(Vec::new());
        number
    }

    /// Whether the follows were filed for `library`'s languages (a brief in a new language
    /// needs them filed again).
    pub fn fits(&self, library: &Library) -> bool {
        self.languages == languages(library)
    }

    /// How many follows are filed.
    pub fn len(&self) -> usize {
        self.follows.len()
    }

    /// Whether no follow is filed.
    pub fn is_empty(&self) -> bool {
        self.follows.is_empty()
    }

    /// The follows that brief `id` of `library` matches, in the order they were filed.
    pub fn matches(&self, library: &Library, id: &str) -> Vec<FollowId> {
        let (Some(doc), Some(brief)) = (library.doc_id(id), library.get(id)) else {
            return Vec::new();
        };
        let keys = self.brief_keys(library, brief);
        // Candidates marked in a bit set: deduplicated, and visited in filing order.
        let mut candidates = vec![0u64; self.follows.len().div_ceil(64)];
        for &(term, _) in &keys {
            for &slot in &self.by_term[term as usize] {
                candidates[slot as usize / 64] |= 1 << (slot % 64);
            }
        }
        for &slot in &self.everything {
            candidates[slot as usize / 64] |= 1 << (slot % 64);
        }
        let held = |term: u32| {
            keys.binary_search_by_key(&term, |&(t, _)| t)
                .map_or(0, |at| keys[at].1)
        };
        let index = library.index();
        let mut matched = Vec::new();
        for (block, &bits) in candidates.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let slot = block * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let words =
                    &self.words[self.first_word[slot] as usize..self.first_word[slot + 1] as usize];
                // Dropped when a word has none of its terms in the brief; taken when no word
                // is in a phrase and the brief holds one of each word's own terms; otherwise
                // the engine decides. A follow without a topic has no words: taken.
                let missing = words.iter().any(|w| {
                    self.word_terms[w.start as usize..w.end as usize]
                        .iter()
                        .all(|&t| held(t) == 0)
                });
                let taken = !missing
                    && (words.iter().all(|w| {
                        !w.in_phrase
                            && self.word_terms[w.start as usize..w.own as usize]
                                .iter()
                                .any(|&t| held(t) & OWN != 0)
                    }) || covers_every_word_prepared(index, &self.follows[slot].1, doc));
                if taken {
                    matched.push(self.follows[slot].0);
                }
            }
        }
        matched
    }

    /// The numbers of the follows' terms that `brief` can be found by, sorted, each with how
    /// the brief holds it ([`OWN`], [`JOIN`] or both): the terms of its searched texts, and
    /// the terms of the joins of its neighbouring words (where a followed compound would be
    /// met).
    fn brief_keys(&self, library: &Library, brief: &Brief) -> Vec<(u32, u8)> {
        let index = library.index();
        let analyzer = index.analyzer(brief.language);
        let mut keys: FxHashMap<u32, u8> = FxHashMap::default();
        let mut hold = |term: &str, how: u8| {
            if let Some(&number) = self.terms.get(term) {
                *keys.entry(number).or_default() |= how;
            }
        };
        // Scratch space: the word folded, the word before (then joined with this one), and
        // the join folded.
        let mut folded = String::new();
        let mut previous = String::new();
        let mut joined = String::new();
        library::for_each_field(brief, |_, text| {
            // The position of the word before, when it was no stop word.
            let mut after: Option<u32> = None;
            analyzer.for_each_word(text, |raw, _, position| {
                let Some(word) = fold_word(raw, &mut folded) else {
                    return;
                };
                if analyzer.is_stop_word(word) {
                    after = None;
                    return;
                }
                match index.known_term(brief.language, word) {
                    Some(term) => hold(term, OWN),
                    None => match analyzer.folded_term(word) {
                        Some(term) => hold(&term, OWN),
                        None => {
                            if let Some(analysed) = analyzer.analyse_word(raw) {
                                hold(&analysed.term, OWN);
                            }
                        }
                    },
                }
                if after.is_some_and(|p| p + 1 == position) {
                    previous.push_str(word);
                    match fold_word(&previous, &mut joined).map(|j| analyzer.folded_term(j)) {
                        Some(Some(term)) => hold(&term, JOIN),
                        Some(None) => {
                            if let Some(analysed) = analyzer.analyse_word(&previous) {
                                hold(&analysed.term, JOIN);
                            }
                        }
                        None => {}
                    }
                }
                previous.clear();
                previous.push_str(word);
                after = Some(position);
            });
        });
        let mut keys: Vec<(u32, u8)> = keys.into_iter().collect();
        keys.sort_unstable();
        keys
    }
}

fn languages(library: &Library) -> Vec<Language> {
    library
        .index()
        .analyzers()
        .iter()
        .map(|a| a.language())
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;
