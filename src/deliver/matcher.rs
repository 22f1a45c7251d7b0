//! Which follows a new brief matches: a reverse search over the follows' words.
//!
//! A brief matches a follow when it covers every word of the follow's topic, as `/brief`
//! counts covered words (the engine's [`covers_every_word`]: stems, folding, possessives,
//! quoted phrases, run-together compounds, joined neighbours), without typo correction (a
//! topic is corrected once, when the follow is made). A follow without a topic matches
//! every brief.
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
//! One case is not found: a followed word met only as a compound whose halves the brief
//! writes in another form of the same stem ("hoverboards" against "hovering boards"); the
//! same halves as written are found.

use std::collections::HashMap;

use rustc_hash::FxHashSet;

use crate::brief::Brief;
use crate::language::Language;
use crate::library::{self, Library};
use crate::search::{WordTerms, covers_every_word, word_terms};
use crate::store::follows::FollowId;

/// The follows to match, filed by their rarest word.
#[derive(Debug, Default)]
pub struct FollowIndex {
    /// The library's languages when filed: a follow's terms are its words' stems in each.
    languages: Vec<Language>,
    /// Each follow's id and topic (as followed).
    follows: Vec<(FollowId, String)>,
    /// Each follow's words, with the terms that can cover them.
    words: Vec<Vec<WordTerms>>,
    /// Follows without a topic: they match every brief.
    everything: Vec<u32>,
    /// Term -> follows filed under it.
    by_term: HashMap<String, Vec<u32>>,
}

impl FollowIndex {
    /// Files `follows` (id, topic as followed) for matching against `library`'s briefs.
    pub fn build(library: &Library, follows: impl IntoIterator<Item = (FollowId, String)>) -> Self {
        let index = library.index();
        let mut filed = FollowIndex {
            languages: languages(library),
            ..FollowIndex::default()
        };
        for (id, topic) in follows {
            let slot = filed.follows.len() as u32;
            let words = if topic.trim().is_empty() {
                filed.everything.push(slot);
                Vec::new()
            } else {
                word_terms(index, &topic)
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
                let mut keys: Vec<&String> = rarest.terms.iter().chain(&rarest.joins).collect();
                keys.sort();
                keys.dedup();
                for term in keys {
                    filed.by_term.entry(term.clone()).or_default().push(slot);
                }
            }
            filed.follows.push((id, topic));
            filed.words.push(words);
        }
        filed
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
        let keys = BriefKeys::of(library, brief);
        let mut candidates: Vec<u32> = Vec::new();
        for key in keys.terms.iter().chain(&keys.joins) {
            if let Some(slots) = self.by_term.get(key.as_str()) {
                candidates.extend_from_slice(slots);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let index = library.index();
        let mut matched: Vec<u32> = candidates
            .into_iter()
            .filter(|&slot| {
                let words = &self.words[slot as usize];
                let holds = |t: &String| keys.terms.contains(t) || keys.joins.contains(t);
                if !words
                    .iter()
                    .all(|w| w.terms.iter().chain(&w.joins).any(holds))
                {
                    return false;
                }
                let plain = words
                    .iter()
                    .all(|w| !w.in_phrase && w.terms.iter().any(|t| keys.terms.contains(t)));
                plain || covers_every_word(index, &self.follows[slot as usize].1, doc)
            })
            .collect();
        matched.extend_from_slice(&self.everything);
        matched.sort_unstable();
        matched
            .into_iter()
            .map(|slot| self.follows[slot as usize].0)
            .collect()
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

/// What a brief can be found by: the terms of its searched texts, and the terms of the joins
/// of its neighbouring words (where a followed compound would be met).
struct BriefKeys {
    terms: FxHashSet<String>,
    joins: FxHashSet<String>,
}

impl BriefKeys {
    fn of(library: &Library, brief: &Brief) -> Self {
        let analyzer = library.index().analyzer(brief.language);
        let mut keys = BriefKeys {
            terms: FxHashSet::default(),
            joins: FxHashSet::default(),
        };
        let mut joined = String::new();
        for (_, text) in library::fields(brief) {
            let mut previous: Option<(String, u32)> = None;
            analyzer.for_each_token(text, |token| {
                if token.stop {
                    previous = None;
                    return;
                }
                if let Some((word, position)) = &previous
                    && *position + 1 == token.position
                {
                    joined.clear();
                    joined.push_str(word);
                    joined.push_str(&token.word);
                    if let Some(analysed) = analyzer.analyse_word(&joined) {
                        keys.joins.insert(analysed.term);
                    }
                }
                keys.terms.insert(token.term);
                previous = Some((token.word, token.position));
            });
        }
        keys
    }
}

#[cfg(test)]
pub(crate) mod tests;
