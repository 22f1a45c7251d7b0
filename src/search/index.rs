//! The inverted index: for every term, the briefs that hold it, how strongly, and where.
//!
//! Scoring is BM25F: a term's frequency in a brief is the sum of its frequencies in each field
//! times the field's weight (title and tags count most, quotes least), and the brief's length is
//! weighted the same way. Positions are kept for phrases; fields are laid out one after another
//! in one position space, with a gap wider than any phrase so that no phrase spans two fields.

use std::borrow::Borrow;
use std::collections::HashMap;

use rustc_hash::FxHashMap;

use super::analyze::{AnalysedWord, Analyzer};
use crate::brief::Brief;
use crate::language::Language;

/// BM25's term-frequency saturation.
const K1: f32 = 1.2;
/// BM25's length normalisation.
const B: f32 = 0.75;
/// Positions left empty between two fields (or two quotes, or two tags).
const FIELD_GAP: u32 = 64;
/// The longest phrase that can be matched, in words.
pub const MAX_PHRASE_WORDS: usize = 32;

/// The parts of a brief that are searched, with their weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Tag,
    Summary,
    Speaker,
    Quote,
}

impl Field {
    /// How much a word in this field counts compared with a word in a quote.
    pub fn weight(self) -> f32 {
        match self {
            Field::Title | Field::Tag => 3.0,
            Field::Summary | Field::Speaker => 1.5,
            Field::Quote => 1.0,
        }
    }
}

/// The searched texts of a brief, in position order.
pub fn fields(brief: &Brief) -> impl Iterator<Item = (Field, &str)> {
    std::iter::once((Field::Title, brief.title.as_str()))
        .chain(brief.tags.iter().map(|tag| (Field::Tag, tag.as_str())))
        .chain(std::iter::once((Field::Summary, brief.summary.as_str())))
        .chain(brief.quotes.iter().flat_map(|quote| {
            [
                (Field::Speaker, quote.speaker.as_str()),
                (Field::Quote, quote.text.as_str()),
            ]
        }))
}

/// Index of a term in the vocabulary.
pub type TermId = u32;
/// Index of a brief in the library.
pub type DocId = u32;

/// The briefs holding one term, in ascending doc order.
#[derive(Debug, Default)]
struct Postings {
    docs: Vec<DocId>,
    /// Weighted term frequency, per doc.
    frequencies: Vec<f32>,
    /// `positions[offsets[i]..offsets[i + 1]]` are the positions in `docs[i]`, ascending.
    offsets: Vec<u32>,
    positions: Vec<u32>,
}

/// A word of the vocabulary, with what the typo search tests first.
#[derive(Debug, Clone)]
pub struct VocabularyWord {
    pub word: String,
    /// How many briefs hold it.
    pub frequency: u32,
    /// Letters present (see `letter_mask`).
    pub mask: u32,
    pub has_digit: bool,
}

/// A built, immutable inverted index.
#[derive(Debug)]
pub struct Index {
    terms: HashMap<String, TermId>,
    /// The text of each term, by id.
    term_texts: Vec<String>,
    /// Each brief's rank when sorted newest first, then by id: breaks score ties.
    recency: Vec<u32>,
    postings: Vec<Postings>,
    doc_lengths: Vec<f32>,
    average_length: f32,
    /// Folded (unstemmed) words with the number of briefs that hold them: what typo
    /// correction and compound splitting look words up in.
    words: HashMap<String, u32>,
    /// `words` again, grouped by length in characters, for the typo search.
    words_by_length: Vec<Vec<VocabularyWord>>,
    analyzers: Vec<Analyzer>,
}

impl Index {
    /// Indexes `briefs`; doc ids are their positions in the slice. Chunks of briefs are
    /// analysed in parallel into partial indexes, which are then appended in order.
    pub fn build<B: Borrow<Brief> + Sync>(briefs: &[B]) -> Self {
        let mut languages: Vec<Language> = briefs.iter().map(|b| b.borrow().language).collect();
        languages.sort();
        languages.dedup();
        if languages.is_empty() {
            languages.push(Language::English);
        }
        let analyzers: Vec<Analyzer> = languages.iter().map(|&l| Analyzer::new(l)).collect();
        // One chunk per thread: fewer chunks means less duplicated vocabulary to merge.
        let chunk = briefs
            .len()
            .div_ceil(rayon::current_num_threads().max(1))
            .max(256);
        let partials: Vec<Partial> = {
            use rayon::prelude::*;
            briefs
                .par_chunks(chunk)
                .map(|docs| Partial::build(docs, &languages, &analyzers))
                .collect()
        };

        let mut index = Index {
            terms: HashMap::new(),
            term_texts: Vec::new(),
            recency: recency_ranks(briefs),
            postings: Vec::new(),
            doc_lengths: Vec::with_capacity(briefs.len()),
            average_length: 0.0,
            words: HashMap::new(),
            words_by_length: Vec::new(),
            analyzers: Vec::new(),
        };
        let mut known: Vec<FxHashMap<Box<str>, Option<AnalysedWord>>> =
            languages.iter().map(|_| FxHashMap::default()).collect();
        for partial in partials {
            index.append(partial, &mut known);
        }
        index.analyzers = analyzers
            .into_iter()
            .zip(known)
            .map(|(analyzer, known)| analyzer.with_known(known))
            .collect();
        for postings in &mut index.postings {
            postings.docs.shrink_to_fit();
            postings.frequencies.shrink_to_fit();
            postings.offsets.shrink_to_fit();
            postings.positions.shrink_to_fit();
        }
        let total: f32 = index.doc_lengths.iter().sum();
        index.average_length = if briefs.is_empty() {
            1.0
        } else {
            (total / briefs.len() as f32).max(1.0)
        };
        for (word, count) in &index.words {
            let length = word.chars().count();
            if index.words_by_length.len() <= length {
                index.words_by_length.resize_with(length + 1, Vec::new);
            }
            index.words_by_length[length].push(VocabularyWord {
                mask: super::query::letter_mask(word),
                has_digit: word.bytes().any(|b| b.is_ascii_digit()),
                word: word.clone(),
                frequency: *count,
            });
        }
        index
    }

    /// Appends a partial index, whose docs follow the ones already here.
    fn append(
        &mut self,
        partial: Partial,
        known: &mut [FxHashMap<Box<str>, Option<AnalysedWord>>],
    ) {
        let first_doc = self.doc_lengths.len() as DocId;
        if self.postings.is_empty() {
            // The first chunk's postings become the index's as they are: nothing to copy.
            self.terms = partial
                .term_texts
                .iter()
                .enumerate()
                .map(|(id, term)| (term.to_string(), id as TermId))
                .collect();
            self.term_texts = partial.term_texts.iter().map(|t| t.to_string()).collect();
            self.postings = partial.postings;
            self.doc_lengths = partial.doc_lengths;
            for (word, count) in partial.word_texts.into_iter().zip(partial.word_counts) {
                if count > 0 {
                    self.words.insert(word.into_string(), count);
                }
            }
            for (language, cache) in partial.known.into_iter().enumerate() {
                known[language].extend(cache);
            }
            return;
        }
        let ids: Vec<TermId> = partial
            .term_texts
            .iter()
            .map(|term| match self.terms.get(term.as_ref()) {
                Some(&id) => id,
                None => {
                    let id = self.postings.len() as TermId;
                    self.terms.insert(term.to_string(), id);
                    self.term_texts.push(term.to_string());
                    self.postings.push(Postings {
                        offsets: vec![0],
                        ..Postings::default()
                    });
                    id
                }
            })
            .collect();
        for (local, postings) in partial.postings.into_iter().enumerate() {
            let target = &mut self.postings[ids[local] as usize];
            let base = target.positions.len() as u32;
            target
                .docs
                .extend(postings.docs.iter().map(|d| d + first_doc));
            target.frequencies.extend_from_slice(&postings.frequencies);
            target
                .offsets
                .extend(postings.offsets[1..].iter().map(|o| o + base));
            target.positions.extend_from_slice(&postings.positions);
        }
        self.doc_lengths.extend_from_slice(&partial.doc_lengths);
        // Stop words are analysed but never indexed: they have no count and stay out.
        for (word, count) in partial.word_texts.into_iter().zip(partial.word_counts) {
            if count > 0 {
                *self.words.entry(word.into_string()).or_default() += count;
            }
        }
        for (language, cache) in partial.known.into_iter().enumerate() {
            known[language].extend(cache);
        }
    }

    /// The analyzer for `language` (every language of the library has one).
    pub fn analyzer(&self, language: Language) -> &Analyzer {
        self.analyzers
            .iter()
            .find(|a| a.language() == language)
            .unwrap_or(&self.analyzers[0])
    }

    /// One analyzer per language present in the library: a query is analysed in each.
    pub fn analyzers(&self) -> &[Analyzer] {
        &self.analyzers
    }

    /// Number of indexed briefs.
    pub fn doc_count(&self) -> usize {
        self.doc_lengths.len()
    }

    /// The id of a term, if any brief holds it.
    pub fn term_id(&self, term: &str) -> Option<TermId> {
        self.terms.get(term).copied()
    }

    /// The text of a term.
    pub fn term_text(&self, term: TermId) -> &str {
        &self.term_texts[term as usize]
    }

    /// Orders two briefs of equal score: newest first, then by id.
    pub fn tie_break(&self, a: DocId, b: DocId) -> std::cmp::Ordering {
        self.recency[a as usize].cmp(&self.recency[b as usize])
    }

    /// The number of briefs holding a folded word (0 when none).
    pub fn word_frequency(&self, word: &str) -> u32 {
        self.words.get(word).copied().unwrap_or(0)
    }

    /// Folded words whose length in characters is `length`, with their brief counts.
    pub fn words_of_length(&self, length: usize) -> &[VocabularyWord] {
        self.words_by_length.get(length).map_or(&[], Vec::as_slice)
    }

    /// The briefs holding a term, ascending.
    pub fn docs(&self, term: TermId) -> &[DocId] {
        &self.postings[term as usize].docs
    }

    /// Where a term occurs in the brief at `slot` of its postings.
    fn positions_at(&self, term: TermId, slot: usize) -> &[u32] {
        let postings = &self.postings[term as usize];
        let start = postings.offsets[slot] as usize;
        let end = postings.offsets[slot + 1] as usize;
        &postings.positions[start..end]
    }

    /// Where a term occurs in `doc` (empty if it does not).
    pub fn positions(&self, term: TermId, doc: DocId) -> &[u32] {
        match self.postings[term as usize].docs.binary_search(&doc) {
            Ok(slot) => self.positions_at(term, slot),
            Err(_) => &[],
        }
    }

    /// Calls `visit(doc, score)` for every brief holding `term`, with its BM25F score.
    pub fn score_term(&self, term: TermId, mut visit: impl FnMut(DocId, f32)) {
        let postings = &self.postings[term as usize];
        let idf = self.idf(postings.docs.len());
        for (&doc, &frequency) in postings.docs.iter().zip(&postings.frequencies) {
            visit(doc, self.bm25(idf, frequency, doc));
        }
    }

    /// BM25F score of `term` in `doc` alone (0 when absent).
    pub fn term_score(&self, term: TermId, doc: DocId) -> f32 {
        let postings = &self.postings[term as usize];
        match postings.docs.binary_search(&doc) {
            Ok(slot) => self.bm25(
                self.idf(postings.docs.len()),
                postings.frequencies[slot],
                doc,
            ),
            Err(_) => 0.0,
        }
    }

    fn idf(&self, doc_frequency: usize) -> f32 {
        let n = self.doc_count() as f32;
        let df = doc_frequency as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    fn bm25(&self, idf: f32, frequency: f32, doc: DocId) -> f32 {
        let length = self.doc_lengths[doc as usize];
        let norm = K1 * (1.0 - B + B * length / self.average_length);
        idf * frequency * (K1 + 1.0) / (frequency + norm)
    }
}

/// The index of a chunk of briefs, with chunk-local term, word and doc ids.
struct Partial {
    term_texts: Vec<Box<str>>,
    postings: Vec<Postings>,
    doc_lengths: Vec<f32>,
    word_texts: Vec<Box<str>>,
    /// Briefs holding each word.
    word_counts: Vec<u32>,
    /// Per language: each word as written, analysed.
    known: Vec<FxHashMap<Box<str>, Option<AnalysedWord>>>,
}

/// A word as written, analysed once per chunk: its term and folded word as local ids.
#[derive(Clone, Copy)]
struct Seen {
    term: TermId,
    word: u32,
    stop: bool,
}

impl Partial {
    fn build<B: Borrow<Brief>>(
        briefs: &[B],
        languages: &[Language],
        analyzers: &[Analyzer],
    ) -> Partial {
        let mut terms: FxHashMap<Box<str>, TermId> = FxHashMap::default();
        let mut words: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut partial = Partial {
            term_texts: Vec::new(),
            postings: Vec::new(),
            doc_lengths: Vec::with_capacity(briefs.len()),
            word_texts: Vec::new(),
            word_counts: Vec::new(),
            known: Vec::new(),
        };
        // Per language: every word as written, to its analysis (None: not indexable).
        let mut seen: Vec<FxHashMap<Box<str>, Option<Seen>>> =
            languages.iter().map(|_| FxHashMap::default()).collect();
        // One doc's (term, position, weight), sorted into postings when the doc is done.
        let mut occurrences: Vec<(TermId, u32, f32)> = Vec::new();
        let mut doc_words: Vec<u32> = Vec::new();
        for (doc, brief) in briefs.iter().enumerate() {
            let brief = brief.borrow();
            let language = languages
                .iter()
                .position(|&l| l == brief.language)
                .unwrap_or(0);
            let analyzer = &analyzers[language];
            let seen = &mut seen[language];
            let mut base = 0u32;
            let mut length = 0f32;
            for (field, text) in fields(brief) {
                let mut last = 0;
                analyzer.for_each_word(text, |raw, _, position| {
                    last = position;
                    let found = match seen.get(raw) {
                        Some(found) => *found,
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
                                let next = partial.term_texts.len() as TermId;
                                let term = *terms.entry(a.term.as_str().into()).or_insert(next);
                                if term == next {
                                    partial.term_texts.push(a.term.into_boxed_str());
                                    partial.postings.push(Postings {
                                        offsets: vec![0],
                                        ..Postings::default()
                                    });
                                }
                                let next = partial.word_texts.len() as u32;
                                let word = *words.entry(a.word.as_str().into()).or_insert(next);
                                if word == next {
                                    partial.word_texts.push(a.word.into_boxed_str());
                                    partial.word_counts.push(0);
                                }
                                Seen {
                                    term,
                                    word,
                                    stop: a.stop,
                                }
                            });
                            seen.insert(raw.into(), found);
                            found
                        }
                    };
                    if let Some(found) = found
                        && !found.stop
                    {
                        length += field.weight();
                        occurrences.push((found.term, base + position, field.weight()));
                        doc_words.push(found.word);
                    }
                });
                base = base.saturating_add(last).saturating_add(FIELD_GAP);
            }
            occurrences.sort_unstable_by_key(|&(term, position, _)| (term, position));
            let mut i = 0;
            while i < occurrences.len() {
                let term = occurrences[i].0;
                let postings = &mut partial.postings[term as usize];
                let mut frequency = 0.0;
                while i < occurrences.len() && occurrences[i].0 == term {
                    postings.positions.push(occurrences[i].1);
                    frequency += occurrences[i].2;
                    i += 1;
                }
                postings.docs.push(doc as DocId);
                postings.frequencies.push(frequency);
                postings.offsets.push(postings.positions.len() as u32);
            }
            occurrences.clear();
            partial.doc_lengths.push(length);
            doc_words.sort_unstable();
            doc_words.dedup();
            for word in doc_words.drain(..) {
                partial.word_counts[word as usize] += 1;
            }
        }
        partial.known = seen
            .into_iter()
            .zip(analyzers)
            .map(|(seen, analyzer)| {
                seen.into_iter()
                    .map(|(raw, found)| {
                        let analysed = match found {
                            Some(f) if f.stop => analyzer.analyse_word(&raw),
                            Some(f) => Some(AnalysedWord {
                                term: partial.term_texts[f.term as usize].to_string(),
                                word: partial.word_texts[f.word as usize].to_string(),
                                stop: false,
                            }),
                            None => None,
                        };
                        (raw, analysed)
                    })
                    .collect()
            })
            .collect();
        partial
    }
}

/// Each brief's place when all are sorted newest first, then by id.
fn recency_ranks<B: Borrow<Brief>>(briefs: &[B]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..briefs.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (briefs[a].borrow(), briefs[b].borrow());
        b.published
            .instant
            .cmp(&a.published.instant)
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut ranks = vec![0; briefs.len()];
    for (rank, doc) in order.into_iter().enumerate() {
        ranks[doc] = rank as u32;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::parse;
    use std::path::Path;

    fn brief(id: &str, title: &str, summary: &str) -> Brief {
        let text = format!("title = {title:?}\npublished = 2020-01-01\nsummary = {summary:?}\n");
        parse(
            Path::new(&format!("{id}.toml")),
            text.as_bytes(),
            Language::English,
        )
        .unwrap()
    }

    #[test]
    fn postings_hold_docs_positions_and_words() {
        let index = Index::build(&[
            brief("a", "Cyber security unit", "A unit for elections."),
            brief("b", "Weather", "Rain in the elections week."),
        ]);
        let elect = index.term_id("elect").unwrap();
        assert_eq!(index.docs(elect), [0, 1]);
        let unit = index.term_id("unit").unwrap();
        let positions = index.positions(unit, 0);
        assert_eq!(positions.len(), 2);
        assert_eq!(positions[0], 2, "title words come first");
        assert!(positions[1] > FIELD_GAP, "summary comes after a gap");
        assert_eq!(index.word_frequency("elections"), 2);
        assert_eq!(index.word_frequency("the"), 0, "stop words are not indexed");
    }

    #[test]
    fn title_counts_more_than_summary() {
        let index = Index::build(&[
            brief("a", "Hacking", "Something else entirely."),
            brief("b", "Something else", "Hacking entirely."),
        ]);
        let hack = index.term_id("hack").unwrap();
        assert!(index.term_score(hack, 0) > index.term_score(hack, 1));
    }
}
