//! Plans: a query taken apart into words (stop words and chat filler dropped), quoted phrases
//! and run-together compounds, with typos corrected, and the matchers that search for them.

use std::collections::HashMap;
use std::ops::Range;

use super::analysis::{AnalysedWord, Analyzer};
use super::fields::{MAX_PHRASE_SPAN, MAX_PHRASE_WORDS};
use super::index::Index;
use super::matcher::{Matcher, Parts, PhraseKind};
use super::phrase::match_phrase;
use super::typo::nearest_word;
use super::vocabulary::TermId;

/// Words beyond this many are ignored.
pub const MAX_QUERY_WORDS: usize = 16;
/// Unknown words looked up for a typo in one query, at most: each lookup reads the library's
/// words of nearby lengths, so a query of 16 gibberish words would cost 16 of them.
pub const MAX_TYPO_SEARCHES: usize = 4;

/// Words people put in chat questions that say nothing about the topic. They are dropped
/// when the query has other words ("what's the latest news on brexit" is "brexit").
const FILLER_WORDS: [&str; 24] = [
    "anything",
    "article",
    "articles",
    "brief",
    "briefs",
    "find",
    "give",
    "happen",
    "happened",
    "happening",
    "hey",
    "hi",
    "info",
    "information",
    "know",
    "latest",
    "news",
    "please",
    "said",
    "say",
    "says",
    "show",
    "tell",
    "thanks",
];

/// One word of a query.
#[derive(Debug, Clone)]
pub(crate) struct QueryWord {
    /// As typed, and where, in the (possibly cut) query.
    pub(crate) typed: String,
    pub(crate) span: Range<usize>,
    /// Folded, and stemmed in each language of the library.
    pub(crate) folded: String,
    pub(crate) terms: Vec<String>,
    pub(crate) ids: Vec<TermId>,
    /// Which quoted phrase the word belongs to, and its position in it.
    pub(crate) phrase: Option<(usize, u32)>,
    /// Its position in the query text (for adjacency).
    pub(crate) position: u32,
}

/// A word that was corrected before searching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub typed: String,
    pub corrected: String,
}

/// A query taken apart, before and after correction.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) words: Vec<QueryWord>,
    /// Each quoted phrase as typed.
    pub(crate) phrases: Vec<String>,
    pub(crate) stop_words: Vec<String>,
    pub(crate) filler: Vec<String>,
    pub(crate) corrections: Vec<Correction>,
    /// Words left unknown without a typo search, past [`MAX_TYPO_SEARCHES`].
    pub(crate) unchecked: Vec<String>,
    pub(crate) truncated: bool,
}

fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}'
    )
}

/// Analyses a word in every language of the library: its folded form, its distinct terms,
/// and whether any language counts it as a stop word.
fn analyse_everywhere(analyzers: &[Analyzer], word: &str) -> Option<(String, Vec<String>, bool)> {
    let mut folded = None;
    let mut terms: Vec<String> = Vec::new();
    let mut stop = false;
    for analyzer in analyzers {
        let AnalysedWord {
            term,
            word,
            stop: s,
        } = analyzer.analyse_word(word)?;
        stop |= s;
        if !terms.contains(&term) {
            terms.push(term);
        }
        folded.get_or_insert(word);
    }
    folded.map(|f| (f, terms, stop))
}

impl Plan {
    pub(crate) fn parse(index: &Index, query: &str) -> Self {
        let analyzers = index.analyzers();
        let mut plan = Plan {
            words: Vec::new(),
            phrases: Vec::new(),
            stop_words: Vec::new(),
            filler: Vec::new(),
            corrections: Vec::new(),
            unchecked: Vec::new(),
            truncated: false,
        };
        // Split on quote marks: odd segments are phrases. An unclosed quote opens no phrase.
        let mut segments: Vec<(Range<usize>, bool)> = Vec::new();
        let mut start = 0;
        let mut in_phrase = false;
        for (i, c) in query.char_indices().filter(|(_, c)| is_quote_mark(*c)) {
            segments.push((start..i, in_phrase));
            in_phrase = !in_phrase;
            start = i + c.len_utf8();
        }
        if in_phrase {
            // The last quote was never closed: its text is plain words.
            segments.push((start..query.len(), false));
        } else {
            segments.push((start..query.len(), false));
        }
        let mut position = 0u32;
        let mut plain: Vec<QueryWord> = Vec::new();
        for (range, is_phrase) in segments {
            let text = &query[range.clone()];
            let phrase_index = plan.phrases.len();
            let mut phrase_words = 0;
            for token in analyzers[0].tokens(text) {
                let Some((folded, terms, stop)) =
                    analyse_everywhere(analyzers, &text[token.start..token.end])
                else {
                    continue;
                };
                let typed = text[token.start..token.end].to_owned();
                let word_position = position + token.position;
                if stop {
                    plan.stop_words.push(typed);
                    continue;
                }
                let word = QueryWord {
                    typed,
                    span: range.start + token.start..range.start + token.end,
                    folded,
                    terms,
                    ids: Vec::new(),
                    phrase: is_phrase.then_some((phrase_index, token.position)),
                    position: word_position,
                };
                if is_phrase {
                    phrase_words += 1;
                    plan.words.push(word);
                } else {
                    plain.push(word);
                }
            }
            position += analyzers[0]
                .tokens(text)
                .last()
                .map_or(0, |t| t.position + 2);
            if is_phrase && phrase_words > 0 {
                plan.phrases.push(text.trim().to_owned());
            }
        }
        // Filler goes only when something else is left to search for.
        let has_content = !plan.words.is_empty()
            || plain
                .iter()
                .any(|w| !FILLER_WORDS.contains(&w.folded.as_str()));
        for word in plain {
            if has_content && FILLER_WORDS.contains(&word.folded.as_str()) {
                plan.filler.push(word.typed);
            } else {
                plan.words.push(word);
            }
        }
        plan.words.sort_by_key(|w| w.position);
        if plan.words.len() > MAX_QUERY_WORDS {
            plan.words.truncate(MAX_QUERY_WORDS);
            plan.truncated = true;
        }
        for word in &mut plan.words {
            word.ids = word.terms.iter().filter_map(|t| index.term_id(t)).collect();
        }
        plan
    }

    /// Counts each quoted phrase's positions from its first searched word, and cuts it to
    /// [`MAX_PHRASE_SPAN`]: its words farther than that from the first are searched on their
    /// own. Field gaps are wider than that span, so no phrase reaches from one field of a
    /// document into the next, however many stop words it holds. Returns the phrases cut.
    pub(crate) fn bound_phrases(&mut self) -> Vec<String> {
        let mut cut: Vec<String> = Vec::new();
        // Words are in query order: a phrase's first word comes before its others.
        let mut firsts: Vec<(usize, u32)> = Vec::new();
        for word in &mut self.words {
            let Some((phrase, offset)) = word.phrase else {
                continue;
            };
            let first = match firsts.iter().find(|(p, _)| *p == phrase) {
                Some(&(_, first)) => first,
                None => {
                    firsts.push((phrase, offset));
                    offset
                }
            };
            let from_first = offset.saturating_sub(first);
            if from_first <= MAX_PHRASE_SPAN {
                word.phrase = Some((phrase, from_first));
            } else {
                word.phrase = None;
                if let Some(text) = self.phrases.get(phrase)
                    && !cut.contains(text)
                {
                    cut.push(text.clone());
                }
            }
        }
        cut
    }

    /// Replaces each word that matches nothing by its nearest word in the library, unless it
    /// is a number or a run-together compound of known words; at most [`MAX_TYPO_SEARCHES`]
    /// words are looked up, the first ones.
    pub(crate) fn correct(&mut self, index: &Index) {
        let joinable: Vec<bool> = (0..self.words.len())
            .map(|i| {
                let joins = |a: &QueryWord, b: &QueryWord| {
                    a.phrase.is_none()
                        && b.phrase.is_none()
                        && b.position == a.position + 1
                        && index.word_frequency(&format!("{}{}", a.folded, b.folded)) > 0
                };
                (i > 0 && joins(&self.words[i - 1], &self.words[i]))
                    || self
                        .words
                        .get(i + 1)
                        .is_some_and(|next| joins(&self.words[i], next))
            })
            .collect();
        let mut searches = 0;
        for (word, joinable) in self.words.iter_mut().zip(joinable) {
            // A run-together or split compound is not a typo: "hover board" is "hoverboard".
            if !word.ids.is_empty()
                || joinable
                || word.folded.chars().any(|c| c.is_ascii_digit())
                || !may_have_typo(&word.folded)
                || (word.phrase.is_none() && split_compound(index, &word.folded).is_some())
            {
                continue;
            }
            if searches == MAX_TYPO_SEARCHES {
                self.unchecked.push(word.typed.clone());
                continue;
            }
            searches += 1;
            let Some(corrected) = nearest_word(index, &word.folded) else {
                continue;
            };
            let Some((folded, terms, _)) = analyse_everywhere(index.analyzers(), &corrected) else {
                continue;
            };
            let ids: Vec<TermId> = terms.iter().filter_map(|t| index.term_id(t)).collect();
            if ids.is_empty() {
                continue;
            }
            self.corrections.push(Correction {
                typed: word.typed.clone(),
                corrected: corrected.clone(),
            });
            word.folded = folded;
            word.terms = terms;
            word.ids = ids;
            word.typed = corrected;
        }
    }

    /// The query with each correction put in place of the typed word.
    pub(crate) fn suggestion(&self, query: &str) -> String {
        let mut suggestion = String::with_capacity(query.len());
        let mut last = 0;
        let mut corrected: Vec<&QueryWord> = self
            .words
            .iter()
            .filter(|w| self.corrections.iter().any(|c| c.corrected == w.typed))
            .collect();
        corrected.sort_by_key(|w| w.span.start);
        for word in corrected {
            suggestion.push_str(&query[last..word.span.start]);
            suggestion.push_str(&word.typed);
            last = word.span.end;
        }
        suggestion.push_str(&query[last..]);
        suggestion.trim().to_owned()
    }

    /// The matchers searching for the plan's words in `index`. Each word's term ids are
    /// looked up here, not taken from when the plan was made, so that a plan kept while the
    /// index grows finds the terms added since.
    pub(crate) fn matchers(&self, index: &Index) -> Vec<Matcher> {
        let ids_of = |word: &QueryWord| -> Vec<TermId> {
            word.terms.iter().filter_map(|t| index.term_id(t)).collect()
        };
        let mut matchers = Vec::new();
        let mut phrase_parts: HashMap<usize, (Parts<TermId>, Vec<usize>)> = HashMap::new();
        for (i, word) in self.words.iter().enumerate() {
            match word.phrase {
                Some((phrase, offset)) => {
                    let entry = phrase_parts.entry(phrase).or_default();
                    entry.0.push((ids_of(word), offset));
                    entry.1.push(i);
                }
                None => {
                    matchers.push(Matcher::Terms {
                        ids: ids_of(word),
                        cover: vec![i],
                    });
                    if let Some((left, right)) = split_compound(index, &word.folded) {
                        let parts = [left, right].map(|half| {
                            analyse_everywhere(index.analyzers(), &half)
                                .map(|(_, terms, _)| {
                                    terms.iter().filter_map(|t| index.term_id(t)).collect()
                                })
                                .unwrap_or_default()
                        });
                        let [left, right] = parts;
                        matchers.push(Matcher::Phrase {
                            parts: vec![(left, 0), (right, 1)],
                            cover: vec![i],
                            kind: PhraseKind::Compound,
                        });
                    }
                }
            }
        }
        let mut phrases: Vec<_> = phrase_parts.into_iter().collect();
        phrases.sort_by_key(|(phrase, _)| *phrase);
        for (_, (parts, cover)) in phrases {
            let parts = parts.into_iter().take(MAX_PHRASE_WORDS).collect::<Vec<_>>();
            if parts.len() == 1 {
                matchers.push(Matcher::Terms {
                    ids: parts[0].0.clone(),
                    cover,
                });
            } else {
                matchers.push(Matcher::Phrase {
                    parts,
                    cover,
                    kind: PhraseKind::Quoted,
                });
            }
        }
        // Neighbouring plain words: side by side, or written as one word.
        for (i, pair) in self.words.windows(2).enumerate() {
            let (a, b) = (&pair[0], &pair[1]);
            if a.phrase.is_some() || b.phrase.is_some() || b.position != a.position + 1 {
                continue;
            }
            matchers.push(Matcher::Phrase {
                parts: vec![(ids_of(a), 0), (ids_of(b), 1)],
                cover: vec![i, i + 1],
                kind: PhraseKind::Adjacent,
            });
            let joined = format!("{}{}", a.folded, b.folded);
            if index.word_frequency(&joined) > 0
                && let Some((_, terms, _)) = analyse_everywhere(index.analyzers(), &joined)
            {
                matchers.push(Matcher::Terms {
                    ids: terms.iter().filter_map(|t| index.term_id(t)).collect(),
                    cover: vec![i, i + 1],
                });
            }
        }
        matchers
    }

    /// The quoted phrases that matched no brief.
    pub(crate) fn missing_phrases(&self, index: &Index, matchers: &[Matcher]) -> Vec<String> {
        let mut missing = Vec::new();
        for (phrase, text) in self.phrases.iter().enumerate() {
            let cover: Vec<usize> = self
                .words
                .iter()
                .enumerate()
                .filter(|(_, w)| w.phrase.is_some_and(|(p, _)| p == phrase))
                .map(|(i, _)| i)
                .collect();
            let found = matchers.iter().any(|m| match m {
                Matcher::Phrase {
                    parts, cover: c, ..
                } if *c == cover => {
                    let mut any = false;
                    match_phrase(index, parts, |_, _| any = true);
                    any
                }
                Matcher::Terms { ids, cover: c } if *c == cover => {
                    ids.iter().any(|&t| !index.docs(t).is_empty())
                }
                _ => false,
            });
            if !found {
                missing.push(text.clone());
            }
        }
        missing
    }
}

/// Whether a typo search may correct `word`: only words of 5 letters or more are.
fn may_have_typo(word: &str) -> bool {
    word.chars().nth(4).is_some()
}

/// Splits a run-together word into two words the library holds ("cybersecurity" into "cyber"
/// and "security"), preferring the split whose rarer half is most common.
fn split_compound(index: &Index, word: &str) -> Option<(String, String)> {
    const MIN_HALF: usize = 2;
    if !word.is_ascii() || word.len() < 2 * MIN_HALF + 1 || word.chars().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    let frequency = |half: &str| {
        if index.analyzers().iter().any(|a| a.is_stop_word(half)) {
            0
        } else {
            index.word_frequency(half)
        }
    };
    (MIN_HALF..=word.len() - MIN_HALF)
        .filter_map(|cut| {
            let (left, right) = word.split_at(cut);
            let weakest = frequency(left).min(frequency(right));
            (weakest > 0).then_some((weakest, cut))
        })
        .max()
        .map(|(_, cut)| (word[..cut].to_owned(), word[cut..].to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::search;
    use crate::testing::{Fixture, brief};

    #[test]
    fn at_most_four_unknown_words_of_a_query_are_looked_up_for_a_typo() {
        let f = Fixture::new(vec![brief(
            "w",
            "2020-01-01",
            "Thunder lightning rainfall hailstorm blizzard tornado",
            "Weather.",
        )]);
        // Six words one edit from a word of the library, and a short one never looked up.
        let outcome = search(
            &f.index,
            "thundr lightnin rainfll hailstrm blizard tornad xq",
            10,
        );
        let corrected: Vec<&str> = outcome
            .corrections
            .iter()
            .map(|c| c.corrected.as_str())
            .collect();
        assert_eq!(
            corrected,
            ["thunder", "lightning", "rainfall", "hailstorm"],
            "the first four, in the query's order"
        );
        assert_eq!(outcome.unchecked, ["blizard", "tornad"]);
        assert_eq!(outcome.unknown, ["blizard", "tornad", "xq"]);
        assert_eq!(
            outcome.hits.len(),
            1,
            "the corrected words still find the brief"
        );
    }

    #[test]
    fn a_word_that_matches_nothing_is_corrected() {
        let f = Fixture::new(vec![brief(
            "e",
            "2020-01-01",
            "Elections in Ohio",
            "Voting.",
        )]);
        let outcome = search(&f.index, "ohio electoins", 10);
        assert_eq!(outcome.hits.len(), 1);
        assert_eq!(outcome.hits[0].covered, 2);
        assert_eq!(outcome.suggestion.as_deref(), Some("ohio elections"));
        assert_eq!(
            outcome.corrections,
            [Correction {
                typed: "electoins".into(),
                corrected: "elections".into()
            }]
        );
    }

    #[test]
    fn run_together_and_split_compounds_meet() {
        let f = Fixture::new(vec![
            brief("spaced", "2020-01-01", "Cyber security unit", "Formed."),
            brief("joined", "2020-01-01", "Hoverboard record", "Crossed."),
        ]);
        assert_eq!(f.ids("cybersecurity"), ["spaced"]);
        assert_eq!(f.ids("hover board"), ["joined"]);
        assert_eq!(search(&f.index, "hover board", 10).suggestion, None);
    }

    #[test]
    fn chat_questions_drop_filler_and_stop_words() {
        let f = Fixture::new(vec![
            brief(
                "news",
                "2020-01-02",
                "News of the day",
                "Latest news, what happened.",
            ),
            brief("storm", "2020-01-01", "Storm hits coast", "A storm."),
        ]);
        let outcome = search(&f.index, "what's the latest news on the storm?", 10);
        assert_eq!(outcome.words, ["storm"]);
        assert_eq!(f.ids("what's the latest news on the storm?"), ["storm"]);
        assert_eq!(f.ids("news"), ["news"], "filler alone is searched");
    }

    #[test]
    fn nothing_to_search_is_explained() {
        let f = Fixture::new(vec![brief("s", "2020-01-01", "Storm", "A storm.")]);
        let outcome = search(&f.index, "the of and", 10);
        assert!(outcome.hits.is_empty() && outcome.words.is_empty());
        assert_eq!(outcome.stop_words, ["the", "of", "and"]);
        let outcome = search(&f.index, "zzyzx storm", 10);
        assert_eq!(outcome.unknown, ["zzyzx"]);
        let outcome = search(&f.index, "\"storm coast\"", 10);
        assert_eq!(outcome.missing_phrases, ["storm coast"]);
    }
}
