//! The inverted index: for every term, the documents that hold it, how strongly, and where.
//!
//! Scoring is BM25F: a term's frequency in a document is the sum of its frequencies in each
//! field times the field's weight, and the document's length is weighted the same way. Positions are kept for phrases; fields are laid out one after another
//! in one position space, with a gap wider than any phrase so that no phrase spans two fields.
//!
//! Each term's postings are its briefs (ascending doc ids) with a four-byte entry each: the
//! position and frequency in place when the term is there once, as most are, or where they
//! were spilled. For the ranking to pass over briefs that cannot make the best few, they also
//! keep per block of 128 briefs a bound on the term's score, and a common term keeps a bit
//! per brief to find a brief's place at once. Postings sit behind `Arc`, so that an index
//! updated brief by brief copies only the lists it changes.

use std::sync::Arc;

use super::analysis::{Analyzer, fold_word};
use super::bm25::{K1, norm};
use super::build::{Growing, Partial, recency_ranks};
use super::fields::{Document, Position};
use super::postings::{Block, DocId, Postings, halves, seek};
use super::vocabulary::{Dictionary, LengthBucket, Table, TermId, WordId, file_by_length};
use crate::language::Language;

/// A change to the documents of an index: the document at `doc` before and after (`None`:
/// absent).
#[derive(Debug)]
pub struct Change<'a, D> {
    pub doc: DocId,
    pub old: Option<&'a D>,
    pub new: Option<&'a D>,
}

// By hand: derived, they would ask `D` to be `Clone` and `Copy` too.
impl<D> Clone for Change<'_, D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D> Copy for Change<'_, D> {}

/// An immutable inverted index. [`Index::update`] makes a new one from it that shares all it
/// did not change.
#[derive(Debug)]
pub struct Index {
    terms: Dictionary,
    /// Per term; an update copies only the lists of the terms its briefs hold.
    postings: Vec<Arc<Postings>>,
    /// Each brief's rank when sorted newest first, then by id: breaks score ties.
    recency: Vec<u32>,
    /// Per doc; 0 for a doc that holds no brief.
    doc_lengths: Vec<f32>,
    /// Briefs indexed, and the sum of their lengths (exact: lengths are sums of halves).
    live: usize,
    total_length: f64,
    average_length: f32,
    /// Folded (unstemmed) words, with the number of briefs that hold each: what typo
    /// correction and compound splitting look words up in. A word no brief holds any more
    /// keeps its id with a count of 0.
    words: Dictionary,
    word_counts: Vec<u32>,
    /// The words again, grouped by length in characters, for the typo search: those of the
    /// built index, then those added by updates.
    words_by_length: Arc<Vec<LengthBucket>>,
    added_by_length: Vec<LengthBucket>,
    /// Per language (as `languages`) that folds before stemming, each word's term: a word of a
    /// brief's text finds its term without being stemmed again.
    stems: Vec<Vec<TermId>>,
    /// One analyzer per language present, and how many briefs are in each.
    analyzers: Arc<[Analyzer]>,
    languages: Vec<Language>,
    language_counts: Vec<usize>,
}

impl Index {
    /// Indexes `briefs`; doc ids are their positions in the slice. Chunks of briefs are
    /// analysed in parallel into partial indexes, which are then appended in order.
    pub fn build<D: Document + Sync>(briefs: &[D]) -> Self {
        Index::build_with(briefs, Analyzer::new)
    }

    /// [`Index::build`], each language analysed by the analyzer `analyzer` makes for it: to
    /// mark another language's stop words, for example (see [`StopWords`]).
    ///
    /// [`StopWords`]: crate::analysis::StopWords
    pub fn build_with<D: Document + Sync>(
        briefs: &[D],
        analyzer: impl Fn(Language) -> Analyzer,
    ) -> Self {
        let mut languages: Vec<Language> = briefs.iter().map(|b| b.language()).collect();
        languages.sort();
        languages.dedup();
        if languages.is_empty() {
            languages.push(Language::English);
        }
        let analyzers: Vec<Analyzer> = languages.iter().map(|&l| analyzer(l)).collect();
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

        let mut terms = Table::default();
        // Per term, its postings in each chunk holding it, with the chunk's first doc.
        let mut pieces: Vec<Vec<(DocId, Growing)>> = Vec::new();
        let mut words = Table::default();
        let mut word_counts: Vec<u32> = Vec::new();
        let mut doc_lengths: Vec<f32> = Vec::with_capacity(briefs.len());
        let mut stems: Vec<Vec<TermId>> = languages.iter().map(|_| Vec::new()).collect();
        for partial in partials {
            let first_doc = doc_lengths.len() as DocId;
            let ids: Vec<TermId> = partial
                .term_texts
                .iter()
                .map(|term| {
                    let (id, new) = terms.intern(term);
                    if new {
                        pieces.push(Vec::with_capacity(1));
                    }
                    id
                })
                .collect();
            for (local, part) in partial.postings.into_iter().enumerate() {
                let term = &mut pieces[ids[local] as usize];
                // One more piece, not room for four: most terms are in one chunk or two (room
                // for four pieces of 100 bytes was 14 MB at 10k briefs, heaptrack).
                term.reserve_exact(1);
                term.push((first_doc, part));
            }
            doc_lengths.extend_from_slice(&partial.doc_lengths);
            // Stop words are analysed but never indexed: they are not in the vocabulary.
            let word_ids: Vec<WordId> = partial
                .word_texts
                .iter()
                .zip(&partial.word_counts)
                .map(|(word, &count)| {
                    let (id, new) = words.intern(word);
                    if new {
                        word_counts.push(0);
                    }
                    word_counts[id as usize] += count;
                    id
                })
                .collect();
            for (language, local) in partial.stems.iter().enumerate() {
                let stems = &mut stems[language];
                stems.resize(word_counts.len(), TermId::MAX);
                for (word, &term) in local.iter().enumerate() {
                    if term != TermId::MAX {
                        stems[word_ids[word] as usize] = ids[term as usize];
                    }
                }
            }
        }
        for stems in &mut stems {
            stems.resize(word_counts.len(), TermId::MAX);
        }
        let analyzers: Arc<[Analyzer]> = analyzers.into_iter().collect();
        let mut words_by_length: Vec<LengthBucket> = Vec::new();
        for (id, word) in words.iter().enumerate() {
            file_by_length(&mut words_by_length, id as WordId, word);
        }
        for bucket in &mut words_by_length {
            bucket.seal();
        }
        let mut language_counts = vec![0; languages.len()];
        let mut total_length = 0f64;
        for (brief, length) in briefs.iter().zip(&doc_lengths) {
            let language = brief.language();
            language_counts[languages.iter().position(|&l| l == language).unwrap_or(0)] += 1;
            total_length += f64::from(*length);
        }
        terms.shrink_to_fit();
        words.shrink_to_fit();
        let live = briefs.len();
        let mut index = Index {
            terms: Dictionary {
                base: Arc::new(terms),
                added: Table::default(),
            },
            postings: Vec::new(),
            recency: recency_ranks(briefs),
            doc_lengths,
            live,
            total_length,
            average_length: 1.0,
            words: Dictionary {
                base: Arc::new(words),
                added: Table::default(),
            },
            word_counts,
            words_by_length: Arc::new(words_by_length),
            added_by_length: Vec::new(),
            stems,
            analyzers,
            languages,
            language_counts,
        };
        index.average_length = index.average();
        // Each term's pieces joined in one allocation each, every piece freed once copied.
        index.postings = pieces
            .into_iter()
            .map(|pieces| {
                let mut joined = Postings::with_capacity(
                    pieces.iter().map(|(_, p)| p.len()).sum(),
                    pieces.iter().map(|(_, p)| p.spill()).sum(),
                );
                for (first_doc, piece) in pieces {
                    piece.for_each(|doc, frequency, positions| {
                        joined.push(first_doc + doc, frequency, positions);
                    });
                }
                joined.seal(&index.doc_lengths, index.average_length);
                Arc::new(joined)
            })
            .collect();
        index
    }

    fn average(&self) -> f32 {
        if self.live == 0 {
            1.0
        } else {
            ((self.total_length / self.live as f64) as f32).max(1.0)
        }
    }

    /// This index with `changes` made, sharing everything they leave alone; `recency` gives
    /// every doc's rank, newest first, afterwards. `None` when a change brings or takes away
    /// the library's last brief in some language: queries are analysed in each language, so
    /// that needs a new build.
    pub fn update<D: Document>(
        &self,
        changes: &[Change<'_, D>],
        recency: Vec<u32>,
    ) -> Option<Index> {
        let mut language_counts = self.language_counts.clone();
        for change in changes {
            for (brief, delta) in [(change.old, -1isize), (change.new, 1)] {
                if let Some(brief) = brief {
                    let at = self.languages.iter().position(|&l| l == brief.language())?;
                    language_counts[at] = language_counts[at].checked_add_signed(delta)?;
                }
            }
        }
        if language_counts.contains(&0) {
            return None;
        }
        let mut index = Index {
            terms: self.terms.clone(),
            postings: self.postings.clone(),
            recency,
            doc_lengths: self.doc_lengths.clone(),
            live: self.live,
            total_length: self.total_length,
            average_length: self.average_length,
            words: self.words.clone(),
            word_counts: self.word_counts.clone(),
            words_by_length: Arc::clone(&self.words_by_length),
            added_by_length: self.added_by_length.clone(),
            stems: self.stems.clone(),
            analyzers: Arc::clone(&self.analyzers),
            languages: self.languages.clone(),
            language_counts,
        };
        let mut touched = Vec::new();
        for change in changes {
            if let Some(old) = change.old {
                index.remove(change.doc, old, &mut touched);
            }
            if let Some(new) = change.new {
                index.insert(change.doc, new, &mut touched);
            }
        }
        index.average_length = index.average();
        touched.sort_unstable();
        touched.dedup();
        for id in touched {
            let average = index.average_length;
            Arc::make_mut(&mut index.postings[id as usize]).seal(&index.doc_lengths, average);
        }
        Some(index)
    }

    /// Takes a brief out of the index (it must be the one indexed at `doc`); adds the terms
    /// whose postings changed to `touched`.
    fn remove<D: Document>(&mut self, doc: DocId, brief: &D, touched: &mut Vec<TermId>) {
        let partial = Partial::build(&[brief], &self.languages, &self.analyzers);
        for term in partial.term_texts.iter() {
            if let Some(id) = self.terms.get(term) {
                Arc::make_mut(&mut self.postings[id as usize]).remove(doc);
                touched.push(id);
            }
        }
        for (word, count) in partial.word_texts.iter().zip(&partial.word_counts) {
            if let Some(id) = self.words.get(word) {
                let held = &mut self.word_counts[id as usize];
                *held = held.saturating_sub(*count);
            }
        }
        self.live -= 1;
        self.total_length -= f64::from(partial.doc_lengths[0]);
        self.doc_lengths[doc as usize] = 0.0;
    }

    /// Adds a brief at `doc`, which holds none now; adds the terms whose postings changed to
    /// `touched`.
    fn insert<D: Document>(&mut self, doc: DocId, brief: &D, touched: &mut Vec<TermId>) {
        let partial = Partial::build(&[brief], &self.languages, &self.analyzers);
        for (term, part) in partial.term_texts.iter().zip(&partial.postings) {
            let id = self.terms.intern(term);
            if id as usize == self.postings.len() {
                self.postings.push(Arc::new(Postings::new()));
            }
            touched.push(id);
            let postings = Arc::make_mut(&mut self.postings[id as usize]);
            part.for_each(|_, frequency, positions| postings.insert(doc, frequency, positions));
        }
        let mut term_ids = Vec::with_capacity(partial.term_texts.len());
        for term in partial.term_texts.iter() {
            term_ids.push(self.terms.get(term).unwrap_or(TermId::MAX));
        }
        for (local, (word, &count)) in partial
            .word_texts
            .iter()
            .zip(&partial.word_counts)
            .enumerate()
        {
            let id = self.words.intern(word);
            if id as usize == self.word_counts.len() {
                self.word_counts.push(0);
                file_by_length(&mut self.added_by_length, id, word);
            }
            self.word_counts[id as usize] += count;
            for (stems, local_stems) in self.stems.iter_mut().zip(&partial.stems) {
                stems.resize(self.word_counts.len(), TermId::MAX);
                if let Some(&term) = local_stems.get(local)
                    && term != TermId::MAX
                {
                    stems[id as usize] = term_ids[term as usize];
                }
            }
        }
        if self.doc_lengths.len() <= doc as usize {
            self.doc_lengths.resize(doc as usize + 1, 0.0);
        }
        self.live += 1;
        self.total_length += f64::from(partial.doc_lengths[0]);
        self.doc_lengths[doc as usize] = partial.doc_lengths[0];
    }

    /// The analyzer for `language` (every language of the library has one).
    pub fn analyzer(&self, language: Language) -> &Analyzer {
        self.analyzers
            .iter()
            .find(|a| a.language() == language)
            .unwrap_or(&self.analyzers[0])
    }

    /// The term of a word of a brief's text written in `language`, if the vocabulary has it
    /// (perhaps with no brief holding it any more); `None` also for stop words and what is not
    /// a word. For a word the library holds, this is a lookup: no stemming. `buffer` is
    /// scratch space.
    pub fn text_term(&self, language: Language, raw: &str, buffer: &mut String) -> Option<TermId> {
        let at = self
            .languages
            .iter()
            .position(|&l| l == language)
            .unwrap_or(0);
        let folded = fold_word(raw, buffer)?;
        if self.analyzers[at].is_stop_word(folded) {
            return None;
        }
        if let Some(word) = self.words.get(folded)
            && let Some(&term) = self.stems[at].get(word as usize)
            && term != TermId::MAX
        {
            return Some(term);
        }
        let analysed = self.analyzers[at].analyse_word(raw)?;
        if analysed.stop {
            return None;
        }
        self.terms.get(&analysed.term)
    }

    /// The term of a folded word (as [`fold_word`] gives it) of a brief's text written in
    /// `language`, when the vocabulary holds the word and `language` folds before stemming: a
    /// lookup, no stemming. `None` otherwise: the word must be analysed.
    pub fn known_term(&self, language: Language, folded: &str) -> Option<&str> {
        let at = self.languages.iter().position(|&l| l == language)?;
        let word = self.words.get(folded)?;
        let &term = self.stems[at].get(word as usize)?;
        (term != TermId::MAX).then(|| self.terms.text(term))
    }

    /// One analyzer per language present in the library: a query is analysed in each.
    pub fn analyzers(&self) -> &[Analyzer] {
        &self.analyzers
    }

    /// Number of indexed briefs.
    pub fn doc_count(&self) -> usize {
        self.live
    }

    /// One more than the highest doc id: the size of a table indexed by doc.
    pub fn doc_slots(&self) -> usize {
        self.doc_lengths.len()
    }

    /// The id of a term, if any brief holds it.
    pub fn term_id(&self, term: &str) -> Option<TermId> {
        self.terms
            .get(term)
            .filter(|&id| !self.postings[id as usize].docs.is_empty())
    }

    /// A brief's place when all are sorted newest first, then by id: what breaks ties.
    pub fn recency(&self, doc: DocId) -> u32 {
        self.recency[doc as usize]
    }

    /// Orders two briefs of equal score: newest first, then by id.
    pub fn tie_break(&self, a: DocId, b: DocId) -> std::cmp::Ordering {
        self.recency[a as usize].cmp(&self.recency[b as usize])
    }

    /// The number of briefs holding a folded word (0 when none).
    pub fn word_frequency(&self, word: &str) -> u32 {
        self.words
            .get(word)
            .map_or(0, |id| self.word_counts[id as usize])
    }

    /// The vocabulary's words of `length` letters (some perhaps held by no brief any more:
    /// see [`Index::word_count`]), in the buckets that hold them.
    pub fn buckets_of_length(&self, length: usize) -> impl Iterator<Item = &LengthBucket> {
        let empty = &[][..];
        let built = self
            .words_by_length
            .get(length)
            .map_or(empty, std::slice::from_ref);
        let added = self
            .added_by_length
            .get(length)
            .map_or(empty, std::slice::from_ref);
        built.iter().chain(added)
    }

    /// The text of a vocabulary word.
    pub fn word_text(&self, word: WordId) -> &str {
        self.words.text(word)
    }

    /// The number of briefs holding a vocabulary word.
    pub fn word_count(&self, word: WordId) -> u32 {
        self.word_counts[word as usize]
    }

    /// The briefs holding a term, ascending.
    pub fn docs(&self, term: TermId) -> &[DocId] {
        &self.postings[term as usize].docs
    }

    /// Moves `cursor` forward in `term`'s briefs (see [`Index::docs`]) to the first brief at
    /// or after `doc`; whether `doc` is there. Briefs must be asked about in ascending order.
    pub fn seek(&self, term: TermId, cursor: &mut usize, doc: DocId) -> bool {
        let postings = &self.postings[term as usize];
        if let Some((before, here)) = postings.presence.as_ref().and_then(|p| p.find(doc)) {
            *cursor = before;
            return here;
        }
        seek(&postings.docs, cursor, doc)
    }

    /// Where a term occurs in the brief at `slot` of its postings (see [`Index::docs`]).
    pub fn positions_at(&self, term: TermId, slot: usize) -> &[Position] {
        self.postings[term as usize].positions(slot)
    }

    /// Where a term occurs in `doc` (empty if it does not).
    pub fn positions(&self, term: TermId, doc: DocId) -> &[Position] {
        match self.postings[term as usize].docs.binary_search(&doc) {
            Ok(slot) => self.positions_at(term, slot),
            Err(_) => &[],
        }
    }

    /// Whether `term` occurs at `position` in `doc`.
    pub fn holds_at(&self, term: TermId, doc: DocId, position: u32) -> bool {
        Position::try_from(position)
            .is_ok_and(|position| self.positions(term, doc).binary_search(&position).is_ok())
    }

    /// Calls `visit(doc, score)` for every brief holding `term`, with its BM25F score.
    pub fn score_term(&self, term: TermId, mut visit: impl FnMut(DocId, f32)) {
        let postings = &self.postings[term as usize];
        let idf = self.idf_of(postings.docs.len());
        for (slot, &doc) in postings.docs.iter().enumerate() {
            visit(doc, self.bm25(idf, halves(postings.frequency(slot)), doc));
        }
    }

    /// BM25F score of `term`, whose [`Index::idf`] is `idf`, in the brief at `slot` of its
    /// postings (see [`Index::docs`]).
    pub fn score_at(&self, term: TermId, idf: f32, slot: usize) -> f32 {
        let postings = &self.postings[term as usize];
        self.bm25(idf, halves(postings.frequency(slot)), postings.docs[slot])
    }

    /// The blocks of `term`'s postings (see [`Block`]), in doc order: each covers the docs
    /// after the previous block's last, up to its own last. With them, what turns a block
    /// into a bound on its docs' scores for `term`, whose [`Index::idf`] is `idf`: see
    /// [`Block::bound`].
    pub(crate) fn bounds(&self, term: TermId, idf: f32) -> (std::borrow::Cow<'_, [Block]>, f32) {
        let postings = &self.postings[term as usize];
        let (blocks, average) = if postings.blocks.is_empty() {
            let average = self.average_length;
            let blocks = postings.blocks_of(&self.doc_lengths, average);
            (std::borrow::Cow::Owned(blocks), average)
        } else {
            let blocks = std::borrow::Cow::Borrowed(&postings.blocks[..]);
            (blocks, postings.sealed_average)
        };
        // The average may have grown since the blocks were sealed: a brief's normalisation
        // shrinks by at most the growth, so its saturation grows by at most as much.
        let growth = (self.average_length / average).max(1.0);
        // A hair above the bound, so that rounding never puts a score over it.
        (blocks, idf * (K1 + 1.0) * growth * (1.0 + 1e-4))
    }

    /// How much `term` weighs: the rarer, the more (BM25's inverse document frequency).
    pub fn idf(&self, term: TermId) -> f32 {
        self.idf_of(self.postings[term as usize].docs.len())
    }

    fn idf_of(&self, doc_frequency: usize) -> f32 {
        let n = self.doc_count() as f32;
        let df = doc_frequency as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    fn bm25(&self, idf: f32, frequency: f32, doc: DocId) -> f32 {
        let norm = norm(self.doc_lengths[doc as usize], self.average_length);
        idf * frequency * (K1 + 1.0) / (frequency + norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::StopWords;
    use crate::fields::FIELD_GAP;
    use crate::testing::Brief;

    fn brief(id: &str, title: &str, summary: &str) -> Brief {
        crate::testing::brief(id, "2020-01-01", title, summary)
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
        assert!(
            u32::from(positions[1]) > FIELD_GAP,
            "summary comes after a gap"
        );
        assert_eq!(index.word_frequency("elections"), 2);
        assert_eq!(index.word_frequency("the"), 0, "stop words are not indexed");
    }

    #[test]
    fn a_known_word_finds_the_term_its_analysis_gives() {
        let index = Index::build(&[brief("a", "Elections", "Putin's naïve hoverboards.")]);
        let analyzer = index.analyzer(Language::English);
        let mut buffer = String::new();
        for raw in ["Elections", "Putin's", "naïve", "hoverboards"] {
            let folded = fold_word(raw, &mut buffer).unwrap().to_owned();
            let analysed = analyzer.analyse_word(raw).unwrap();
            assert_eq!(
                index.known_term(Language::English, &folded),
                Some(analysed.term.as_str()),
                "{raw}"
            );
        }
        assert_eq!(index.known_term(Language::English, "storm"), None);
        assert_eq!(index.known_term(Language::German, "elections"), None);
    }

    #[test]
    fn seeking_a_common_term_by_its_bits_agrees_with_walking_its_docs() {
        let words = ["storm", "flood", "vote", "rain", "unit"];
        let briefs: Vec<Brief> = (0..300)
            .map(|i| {
                let picked: Vec<&str> = words
                    .iter()
                    .enumerate()
                    .filter(|(w, _)| (i * 7 + w * 3) % (w + 2) == 0)
                    .map(|(_, word)| *word)
                    .collect();
                brief(
                    &format!("b{i}"),
                    &format!("News {}", picked.join(" ")),
                    "Text.",
                )
            })
            .collect();
        let index = Index::build(&briefs);
        for word in ["storm", "flood", "vote", "rain", "unit", "news"] {
            let term = index.term_id(word).unwrap();
            let postings = &index.postings[term as usize];
            assert!(postings.presence.is_some(), "{word} is common");
            // Every other doc, so that both walks skip some.
            let (mut by_bits, mut by_walk) = (0, 0);
            for doc in (0..index.doc_slots() as DocId + 70).step_by(2) {
                let found = index.seek(term, &mut by_bits, doc);
                assert_eq!(
                    found,
                    seek(&postings.docs, &mut by_walk, doc),
                    "{word} {doc}"
                );
                assert_eq!(by_bits, by_walk, "{word} {doc}");
            }
        }
    }

    #[test]
    fn a_language_given_its_stop_words_indexes_none_of_them() {
        let briefs =
            [brief("a", "Le président", "Le vote de la loi.").in_language(Language::French)];
        let plain = Index::build(&briefs);
        assert_eq!(plain.word_frequency("le"), 1);
        let french = Index::build_with(&briefs, |language| {
            Analyzer::with_stop_words(language, StopWords::snowball(language))
        });
        assert_eq!(french.word_frequency("le"), 0);
        assert_eq!(french.word_frequency("president"), 1);
        let outcome = crate::query::search(&french, "la loi", 10);
        assert_eq!(outcome.stop_words, ["la"]);
        assert_eq!(outcome.hits.len(), 1);
    }

    /// A brief of the update test: the words its mask picks, in a title and in a summary
    /// that says them `again` more times, of a length that varies with the mask.
    fn picked(doc: usize, mask: u8, again: usize) -> Brief {
        let words = ["storm", "flood", "vote", "rain", "unit"];
        let picked: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(w, _)| mask & (1 << w) != 0)
            .map(|(_, word)| *word)
            .collect();
        let summary = format!(
            "{} {}",
            "Text.".repeat(1 + usize::from(mask % 4)),
            picked.join(" ").repeat(1 + again)
        );
        brief(
            &format!("b{doc}"),
            &format!("News {}", picked.join(" ")),
            &summary,
        )
    }

    /// What an update must keep true of every list: docs ascending; presence bits, where a
    /// list is common enough to have them, that place each doc as a walk does; and blocks
    /// that bound every doc's saturation at the average they were sealed at.
    fn check_lists(index: &Index) -> Result<(), proptest::test_runner::TestCaseError> {
        use proptest::prelude::*;
        let slots = index.doc_slots();
        for (term, postings) in index.postings.iter().enumerate() {
            let docs = &postings.docs;
            prop_assert!(docs.windows(2).all(|w| w[0] < w[1]), "term {term}");
            let dense = docs.len() * 32 >= slots && slots > 0;
            // A list sealed when the library had fewer slots may keep bits it would not be
            // given now; one common enough never lacks them.
            prop_assert!(!dense || postings.presence.is_some(), "term {}", term);
            if let Some(presence) = &postings.presence {
                for doc in 0..slots as DocId + 70 {
                    if let Some((before, here)) = presence.find(doc) {
                        prop_assert_eq!(before, docs.partition_point(|&d| d < doc));
                        prop_assert_eq!(here, docs.binary_search(&doc).is_ok());
                    }
                }
            }
            let blocks = &postings.blocks;
            if blocks.is_empty() {
                continue;
            }
            prop_assert!(blocks.windows(2).all(|w| w[0].last < w[1].last));
            for (slot, &doc) in docs.iter().enumerate() {
                let at = blocks.partition_point(|b| b.last < doc);
                prop_assert!(at < blocks.len(), "doc {} past the last block", doc);
                let frequency = halves(postings.frequency(slot));
                let length = index.doc_lengths[doc as usize];
                let saturation = frequency / (frequency + norm(length, postings.sealed_average));
                prop_assert!(saturation <= blocks[at].peak, "doc {} over its bound", doc);
            }
        }
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        /// After edits (a brief changed, taken out or added past the end), every list stays
        /// true: those an edit touched are sealed again, the others keep their bits and
        /// bounds.
        #[test]
        fn updated_lists_keep_their_bits_and_bounds(
            masks in proptest::collection::vec((0u8..32, 0usize..2), 260..420),
            // Edits say their words more often than the briefs built at first: their docs
            // reach past the bounds of their blocks.
            edits in proptest::collection::vec(
                proptest::collection::vec(
                    (0usize..480, 0u8..32, 0usize..6, proptest::bool::ANY),
                    1..4,
                ),
                1..12,
            ),
        ) {
            let briefs: Vec<Brief> =
                masks.iter().enumerate().map(|(doc, &(mask, again))| picked(doc, mask, again)).collect();
            let mut held: Vec<Option<Brief>> = briefs.iter().cloned().map(Some).collect();
            let mut index = Index::build(&briefs);
            check_lists(&index)?;
            for batch in edits {
                let mut olds = Vec::new();
                let mut news = Vec::new();
                for &(doc, mask, again, remove) in &batch {
                    let doc = doc.min(held.len());
                    if olds.iter().any(|(d, _)| *d == doc) || (remove && doc == held.len()) {
                        continue;
                    }
                    if doc == held.len() {
                        held.push(None);
                    }
                    let new = (!remove).then(|| picked(doc, mask, again));
                    olds.push((doc, held[doc].clone()));
                    news.push((doc, new.clone()));
                    held[doc] = new;
                }
                let changes: Vec<Change<'_, Brief>> = olds
                    .iter()
                    .zip(&news)
                    .map(|((doc, old), (_, new))| Change {
                        doc: *doc as DocId,
                        old: old.as_ref(),
                        new: new.as_ref(),
                    })
                    .collect();
                let recency = (0..held.len() as u32).collect();
                if let Some(updated) = index.update(&changes, recency) {
                    index = updated;
                    check_lists(&index)?;
                }
            }
        }
    }

    #[test]
    fn title_counts_more_than_summary() {
        let index = Index::build(&[
            brief("a", "Hacking", "Something else entirely."),
            brief("b", "Something else", "Hacking entirely."),
        ]);
        let hack = index.term_id("hack").unwrap();
        let mut scores = Vec::new();
        index.score_term(hack, |doc, score| scores.push((doc, score)));
        assert_eq!(scores.len(), 2);
        assert!(scores[0].1 > scores[1].1, "{scores:?}");
    }
}
