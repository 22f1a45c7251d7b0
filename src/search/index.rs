//! The inverted index: for every term, the briefs that hold it, how strongly, and where.
//!
//! Scoring is BM25F: a term's frequency in a brief is the sum of its frequencies in each field
//! times the field's weight (title and tags count most, quotes least), and the brief's length is
//! weighted the same way. Positions are kept for phrases; fields are laid out one after another
//! in one position space, with a gap wider than any phrase so that no phrase spans two fields.

use std::collections::HashMap;

use super::analyze::Analyzer;
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
    /// Indexes `briefs`; doc ids are their positions in the slice.
    pub fn build(briefs: &[Brief]) -> Self {
        let mut languages: Vec<Language> = briefs.iter().map(|b| b.language).collect();
        languages.sort();
        languages.dedup();
        if languages.is_empty() {
            languages.push(Language::English);
        }
        let analyzers: Vec<Analyzer> = languages.iter().map(|&l| Analyzer::new(l)).collect();

        let mut index = Index {
            terms: HashMap::new(),
            term_texts: Vec::new(),
            recency: recency_ranks(briefs),
            postings: Vec::new(),
            doc_lengths: Vec::with_capacity(briefs.len()),
            average_length: 0.0,
            words: HashMap::new(),
            words_by_length: Vec::new(),
            analyzers,
        };
        let mut doc_terms: HashMap<String, (f32, Vec<u32>)> = HashMap::new();
        let mut doc_words: Vec<String> = Vec::new();
        for (doc, brief) in briefs.iter().enumerate() {
            let analyzer = index.analyzer(brief.language);
            let mut base = 0u32;
            let mut length = 0f32;
            for (field, text) in fields(brief) {
                let mut last = 0;
                analyzer.for_each_token(text, |token| {
                    last = token.position;
                    if token.stop {
                        return;
                    }
                    length += field.weight();
                    let entry = doc_terms.entry(token.term).or_default();
                    entry.0 += field.weight();
                    entry.1.push(base + token.position);
                    doc_words.push(token.word);
                });
                base = base.saturating_add(last).saturating_add(FIELD_GAP);
            }
            index.add_doc(doc as DocId, &mut doc_terms, length);
            doc_words.sort_unstable();
            doc_words.dedup();
            for word in doc_words.drain(..) {
                *index.words.entry(word).or_default() += 1;
            }
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

    fn add_doc(
        &mut self,
        doc: DocId,
        doc_terms: &mut HashMap<String, (f32, Vec<u32>)>,
        length: f32,
    ) {
        for (term, (frequency, mut positions)) in doc_terms.drain() {
            let id = match self.terms.get(&term) {
                Some(&id) => id,
                None => {
                    let id = self.postings.len() as TermId;
                    self.terms.insert(term.clone(), id);
                    self.term_texts.push(term);
                    self.postings.push(Postings {
                        offsets: vec![0],
                        ..Postings::default()
                    });
                    id
                }
            };
            let postings = &mut self.postings[id as usize];
            positions.sort_unstable();
            postings.docs.push(doc);
            postings.frequencies.push(frequency);
            postings.positions.extend_from_slice(&positions);
            postings.offsets.push(postings.positions.len() as u32);
        }
        self.doc_lengths.push(length);
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

/// Each brief's place when all are sorted newest first, then by id.
fn recency_ranks(briefs: &[Brief]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..briefs.len()).collect();
    order.sort_by(|&a, &b| {
        briefs[b]
            .published
            .instant
            .cmp(&briefs[a].published.instant)
            .then_with(|| briefs[a].id.cmp(&briefs[b].id))
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
