//! The inverted index: for every term, the briefs that hold it, how strongly, and where.
//!
//! Scoring is BM25F: a term's frequency in a brief is the sum of its frequencies in each field
//! times the field's weight (title and tags count most, quotes least), and the brief's length is
//! weighted the same way. Positions are kept for phrases; fields are laid out one after another
//! in one position space, with a gap wider than any phrase so that no phrase spans two fields.
//!
//! Each term's postings are its briefs (ascending doc ids) with a four-byte entry each: the
//! position and frequency in place when the term is there once, as most are, or where they
//! were spilled. For the ranking to pass over briefs that cannot make the best few, they also
//! keep per block of 128 briefs a bound on the term's score, and a common term keeps a bit
//! per brief to find a brief's place at once. Postings sit behind `Arc`, so that an index
//! updated brief by brief copies only the lists it changes.

use std::borrow::Borrow;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::analyze::{Analyzer, fold_word, is_stop_word};
use crate::brief::Brief;
use crate::language::Language;

/// BM25's term-frequency saturation.
const K1: f32 = 1.2;
/// BM25's length normalisation.
const B: f32 = 0.75;
/// The farthest apart two words of one phrase may be, in positions (stop words count). A
/// quoted phrase that spans more is cut to this span before it is looked for.
pub const MAX_PHRASE_SPAN: u32 = 63;
/// Positions left empty between two fields (or two quotes, or two tags). The last word of a
/// field and the first of the next are `FIELD_GAP` positions apart, more than any phrase
/// spans: so no phrase is ever found with one word in a field and another in the next.
const FIELD_GAP: u32 = MAX_PHRASE_SPAN + 1;
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
        f32::from(self.halves() as u16) / 2.0
    }

    /// [`Field::weight`] in halves, which makes it a whole number.
    fn halves(self) -> u32 {
        match self {
            Field::Title | Field::Tag => 6,
            Field::Summary | Field::Speaker => 3,
            Field::Quote => 2,
        }
    }
}

/// The searched texts of a brief, in position order.
pub fn fields(brief: &Brief) -> impl Iterator<Item = (Field, &str)> {
    std::iter::once((Field::Title, brief.title.as_str()))
        .chain(brief.tags.iter().map(|tag| (Field::Tag, &**tag)))
        .chain(std::iter::once((Field::Summary, brief.summary.as_str())))
        .chain(brief.quotes.iter().flat_map(|quote| {
            [
                (Field::Speaker, &*quote.speaker),
                (Field::Quote, quote.text.as_str()),
            ]
        }))
}

/// Calls `visit(field number, field, word, byte offset in the field, position)` for every
/// word of every searched field of `brief`, in [`fields`] order, with the word's position as
/// the index stores it: fields follow one another in one position space, `FIELD_GAP` apart.
pub fn for_each_field_word<'b>(
    analyzer: &Analyzer,
    brief: &'b Brief,
    visit: impl FnMut(usize, Field, &'b str, usize, u32),
) {
    for_each_field_word_through(analyzer, brief, u32::MAX, visit);
}

/// [`for_each_field_word`], stopping at the first field that starts after position `through`.
pub fn for_each_field_word_through<'b>(
    analyzer: &Analyzer,
    brief: &'b Brief,
    through: u32,
    mut visit: impl FnMut(usize, Field, &'b str, usize, u32),
) {
    let mut base = 0u32;
    for (number, (field, text)) in fields(brief).enumerate() {
        if base > through {
            break;
        }
        let mut last = 0;
        analyzer.for_each_word(text, |raw, start, position| {
            last = position;
            visit(number, field, raw, start, base.saturating_add(position));
        });
        base = base.saturating_add(last).saturating_add(FIELD_GAP);
    }
}

/// Where a word is in a brief, counting every word (stop words too), the fields one after
/// another, `FIELD_GAP` apart. The brief format's limits keep every position below
/// [`MAX_POSITION`], so two bytes hold one.
pub type Position = u16;

/// The largest position a valid brief can have: every field at its longest, one word per
/// character (CJK text is), plus the gaps between fields.
pub const MAX_POSITION: usize = {
    use crate::brief::*;
    let fields = 1 + MAX_TAGS + 1 + 2 * MAX_QUOTES;
    MAX_TITLE
        + MAX_TAGS * MAX_SHORT
        + MAX_SUMMARY
        + MAX_QUOTES * (MAX_SPEAKER + MAX_QUOTE)
        + fields * FIELD_GAP as usize
};
const _: () = assert!(MAX_POSITION < Position::MAX as usize);

/// Index of a term in the vocabulary.
pub type TermId = u32;
/// Index of a brief in the library: its slot, kept while the brief is served.
pub type DocId = u32;
/// Index of a folded word in the vocabulary.
pub type WordId = u32;

/// The briefs holding one term, in ascending doc order.
#[derive(Debug, Clone, Default)]
struct Postings {
    docs: Vec<DocId>,
    /// Per doc, how often and where the term is there: see [`Entry`].
    entries: Vec<Entry>,
    /// The entries of docs holding the term more than once: each is the weighted frequency,
    /// the number of positions, then the positions. Entries of docs taken out stay until
    /// [`Postings::seal`] finds them to be most of it.
    spill: Vec<u16>,
    /// What bounds the scores of each run of `BLOCK` docs, for lists longer than one run
    /// (shorter ones are bounded when asked: see [`Index::bounds`]), and the average brief
    /// length they were worked out with.
    blocks: Box<[Block]>,
    sealed_average: f32,
    /// For a term held by many docs: which docs, to find a doc's slot at once.
    presence: Option<Box<Presence>>,
}

/// Which docs hold a common term, a bit each, with how many docs come before each 64: a doc's
/// slot in the postings is then the number of docs before it, counted at once. Kept for terms
/// held by at least one doc slot in [`DENSE`], so that it takes about as much room as their
/// doc list.
#[derive(Debug, Clone)]
struct Presence {
    bits: Vec<u64>,
    /// Per word of `bits`: the docs before it.
    before: Vec<u32>,
}

/// A term held by at least one doc slot in this many is given a [`Presence`].
const DENSE: usize = 32;

impl Presence {
    fn new(docs: &[DocId], slots: usize) -> Self {
        let mut bits = vec![0u64; slots.div_ceil(64)];
        for &doc in docs {
            bits[doc as usize / 64] |= 1 << (doc % 64);
        }
        let mut before = Vec::with_capacity(bits.len());
        let mut count = 0u32;
        for word in &bits {
            before.push(count);
            count += word.count_ones();
        }
        Presence { bits, before }
    }

    /// The number of docs before `doc`, and whether `doc` is one.
    fn find(&self, doc: DocId) -> Option<(usize, bool)> {
        let at = doc as usize / 64;
        let word = *self.bits.get(at)?;
        let bit = 1u64 << (doc % 64);
        let below = (word & (bit - 1)).count_ones();
        Some(((self.before[at] + below) as usize, word & bit != 0))
    }
}

/// How often and where a term is in one doc, in four bytes. Most terms of a brief are there
/// once: then the entry holds the position and the weighted frequency (in halves: weights are
/// 3, 1.5 and 1, so below [`SPILLED`]). Otherwise it holds, with the [`SPILLED`] bit set, where
/// the doc's frequency and positions are in the postings' spill: low half first.
type Entry = [u16; 2];

/// The bit of an [`Entry`]'s second half that says it points into the spill.
const SPILLED: u16 = 1 << 15;

/// Docs per [`Block`].
pub const BLOCK: usize = 128;

/// A run of docs in a term's postings, with the highest length-normalised frequency among
/// them: no doc of the run scores more for the term. Lets a query pass over runs that cannot
/// make its best.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Block {
    /// The run's last doc.
    pub last: DocId,
    /// The highest `f / (f + norm)` in the run (BM25's saturation, without its constants).
    peak: f32,
}

impl Block {
    /// No doc of this block scores more than this, `scale` coming with the block from
    /// [`Index::bounds`].
    pub fn bound(&self, scale: f32) -> f32 {
        self.peak * scale
    }
}

/// BM25's length normalisation of a brief `length` long, at `average` length.
fn norm(length: f32, average: f32) -> f32 {
    K1 * (1.0 - B + B * length / average)
}

impl Postings {
    fn new() -> Self {
        Postings::default()
    }

    /// Room for `docs` docs and `spill` halves of spilled entries.
    fn with_capacity(docs: usize, spill: usize) -> Self {
        Postings {
            docs: Vec::with_capacity(docs),
            entries: Vec::with_capacity(docs),
            spill: Vec::with_capacity(spill),
            ..Postings::default()
        }
    }

    /// The entry for a doc whose weighted frequency is `frequency` and positions `positions`
    /// (ascending), spilling into `spill` when there is more than one.
    fn entry(spill: &mut Vec<u16>, frequency: u16, positions: &[Position]) -> Entry {
        if let [position] = positions
            && frequency < SPILLED
        {
            return [*position, frequency];
        }
        // A term's spill stays far below 2^31 halves (4 GiB): the high bit is free.
        let at = spill.len() as u32;
        spill.push(frequency);
        spill.push(positions.len() as u16);
        spill.extend_from_slice(positions);
        [at as u16, SPILLED | (at >> 16) as u16]
    }

    /// Where a spilled entry's data starts in the spill (`None`: the entry is inline).
    fn spilled(entry: Entry) -> Option<usize> {
        (entry[1] & SPILLED != 0)
            .then(|| usize::from(entry[0]) | usize::from(entry[1] & !SPILLED) << 16)
    }

    /// The weighted frequency (in halves) in the doc at `slot`.
    fn frequency(&self, slot: usize) -> u16 {
        let entry = self.entries[slot];
        match Self::spilled(entry) {
            None => entry[1],
            Some(at) => self.spill[at],
        }
    }

    /// The positions in the doc at `slot`, ascending.
    fn positions(&self, slot: usize) -> &[Position] {
        match Self::spilled(self.entries[slot]) {
            None => &self.entries[slot][..1],
            Some(at) => {
                let count = usize::from(self.spill[at + 1]);
                &self.spill[at + 2..at + 2 + count]
            }
        }
    }

    /// Adds a doc at the end (after every doc here).
    fn push(&mut self, doc: DocId, frequency: u16, positions: &[Position]) {
        self.docs.push(doc);
        let entry = Self::entry(&mut self.spill, frequency, positions);
        self.entries.push(entry);
    }

    /// Adds `other`'s docs, each plus `shift`, after every doc here.
    fn append(&mut self, other: &Postings, shift: DocId) {
        self.docs.extend(other.docs.iter().map(|d| d + shift));
        self.entries.reserve(other.entries.len());
        for slot in 0..other.docs.len() {
            let entry = Self::entry(
                &mut self.spill,
                other.frequency(slot),
                other.positions(slot),
            );
            self.entries.push(entry);
        }
    }

    /// Adds a doc that is not here yet, in its place.
    fn insert(&mut self, doc: DocId, frequency: u16, positions: &[Position]) {
        let Err(slot) = self.docs.binary_search(&doc) else {
            return;
        };
        self.docs.insert(slot, doc);
        let entry = Self::entry(&mut self.spill, frequency, positions);
        self.entries.insert(slot, entry);
    }

    /// Takes a doc out (nothing happens if it is not here).
    fn remove(&mut self, doc: DocId) {
        let Ok(slot) = self.docs.binary_search(&doc) else {
            return;
        };
        self.docs.remove(slot);
        self.entries.remove(slot);
    }

    /// Works out the blocks again, once the docs or their lengths have changed, and drops the
    /// spilled entries of docs taken out once they are most of the spill.
    fn seal(&mut self, doc_lengths: &[f32], average: f32) {
        let live: usize = (0..self.docs.len())
            .filter(|&slot| Self::spilled(self.entries[slot]).is_some())
            .map(|slot| 2 + self.positions(slot).len())
            .sum();
        if self.spill.len() > 2 * live {
            let mut spill = Vec::with_capacity(live);
            for slot in 0..self.docs.len() {
                if Self::spilled(self.entries[slot]).is_some() {
                    self.entries[slot] =
                        Self::entry(&mut spill, self.frequency(slot), self.positions(slot));
                }
            }
            self.spill = spill;
        }
        self.sealed_average = average;
        let slots = doc_lengths.len();
        self.presence = (self.docs.len().saturating_mul(DENSE) >= slots && slots > 0)
            .then(|| Box::new(Presence::new(&self.docs, slots)));
        self.blocks = if self.docs.len() > BLOCK {
            self.blocks_of(doc_lengths, average).into()
        } else {
            Box::default()
        };
    }

    /// The blocks of these postings, whose docs have `doc_lengths`, at `average` length.
    fn blocks_of(&self, doc_lengths: &[f32], average: f32) -> Vec<Block> {
        (0..self.docs.len())
            .step_by(BLOCK)
            .map(|first| {
                let slots = first..(first + BLOCK).min(self.docs.len());
                Block {
                    last: self.docs[slots.end - 1],
                    peak: slots
                        .map(|slot| {
                            let frequency = halves(self.frequency(slot));
                            let length = doc_lengths[self.docs[slot] as usize];
                            frequency / (frequency + norm(length, average))
                        })
                        .fold(0.0, f32::max),
                }
            })
            .collect()
    }
}

/// Texts to ids, append-only. What a built index holds is shared by every index updated from
/// it; an update copies only the texts added since.
#[derive(Debug, Clone, Default)]
struct Dictionary {
    base: Arc<Table>,
    added: Table,
}

#[derive(Debug, Clone, Default)]
struct Table {
    ids: FxHashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Table {
    fn intern(&mut self, text: &str, id: u32) -> u32 {
        match self.ids.get(text) {
            Some(&id) => id,
            None => {
                self.ids.insert(text.into(), id);
                self.texts.push(text.into());
                id
            }
        }
    }
}

impl Dictionary {
    fn get(&self, text: &str) -> Option<u32> {
        self.base
            .ids
            .get(text)
            .or_else(|| self.added.ids.get(text))
            .copied()
    }

    fn text(&self, id: u32) -> &str {
        let base = self.base.texts.len();
        match (id as usize).checked_sub(base) {
            None => &self.base.texts[id as usize],
            Some(added) => &self.added.texts[added],
        }
    }

    fn len(&self) -> usize {
        self.base.texts.len() + self.added.texts.len()
    }

    /// The id of `text`, added if new.
    fn intern(&mut self, text: &str) -> u32 {
        match self.get(text) {
            Some(id) => id,
            None => {
                let id = self.len() as u32;
                self.added.intern(text, id)
            }
        }
    }
}

/// The vocabulary's words of one length, laid out for the typo search: each word's letter set
/// (see `letter_mask`) to test first, then its letters, all in one run of memory; sealed in
/// alphabetical order with a list by endings, so that the words one edit away from a typed
/// word can be read in runs (see [`LengthBucket::starting_or_ending`]). Words with digits are
/// left out: typos are never corrected to them.
#[derive(Debug, Clone, Default)]
pub struct LengthBucket {
    masks: Vec<u64>,
    ids: Vec<WordId>,
    letters: Vec<u8>,
    /// The words in the bucket when it was sealed, in the order of their reversed letters.
    /// Those words come first, in alphabetical order; words filed later follow, unordered.
    by_ending: Vec<u32>,
}

impl LengthBucket {
    /// Puts the words filed so far in alphabetical order and lists them by their endings.
    fn seal(&mut self) {
        let length = self.length();
        let mut order: Vec<usize> = (0..self.ids.len()).collect();
        order.sort_by(|&a, &b| self.word(a).1.cmp(self.word(b).1));
        self.masks = order.iter().map(|&at| self.masks[at]).collect();
        self.ids = order.iter().map(|&at| self.ids[at]).collect();
        self.letters = order
            .iter()
            .flat_map(|&at| &self.letters[at * length..(at + 1) * length])
            .copied()
            .collect();
        let mut by_ending: Vec<u32> = (0..self.ids.len() as u32).collect();
        by_ending.sort_by(|&a, &b| {
            let ending = |at: u32| self.word(at as usize).1.iter().rev();
            ending(a).cmp(ending(b))
        });
        self.by_ending = by_ending;
    }

    fn length(&self) -> usize {
        self.letters.len() / self.ids.len().max(1)
    }

    /// The places of the words starting with `head` or ending with `tail`, then of the words
    /// filed since the bucket was sealed (a word may come twice).
    pub fn starting_or_ending(&self, head: &[u8], tail: &[u8]) -> impl Iterator<Item = usize> {
        let starts = |at: usize| {
            let word = self.word(at).1;
            word[..head.len().min(word.len())].cmp(head)
        };
        let sealed = self.by_ending.len();
        let from = partition(sealed, |at| starts(at).is_lt());
        let to = partition(sealed, |at| starts(at).is_le());
        let ends = |at: u32| {
            let word = self.word(at as usize).1;
            word.iter().rev().take(tail.len()).cmp(tail.iter().rev())
        };
        let endings = &self.by_ending;
        let before = endings.partition_point(|&at| ends(at).is_lt());
        let through = endings.partition_point(|&at| ends(at).is_le());
        (from..to)
            .chain(endings[before..through].iter().map(|&at| at as usize))
            .chain(sealed..self.ids.len())
    }

    fn push(&mut self, id: WordId, word: &str) {
        if !word.bytes().any(|b| b.is_ascii_digit()) {
            self.masks.push(super::query::letter_mask(word));
            self.ids.push(id);
            self.letters.extend_from_slice(word.as_bytes());
        }
    }

    /// Each word's letter set, in bucket order.
    pub fn masks(&self) -> &[u64] {
        &self.masks
    }

    /// The word at `at` in bucket order: its id and its letters.
    pub fn word(&self, at: usize) -> (WordId, &[u8]) {
        let length = self.length();
        (self.ids[at], &self.letters[at * length..(at + 1) * length])
    }
}

/// The first place below `end` where `before` stops holding (it holds for a prefix of them).
fn partition(end: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, end);
    while low < high {
        let mid = low + (high - low) / 2;
        if before(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// Files `word` in its bucket by length (folded words are ASCII: bytes are letters).
fn file_by_length(buckets: &mut Vec<LengthBucket>, id: WordId, word: &str) {
    let length = word.len();
    if buckets.len() <= length {
        buckets.resize_with(length + 1, LengthBucket::default);
    }
    buckets[length].push(id, word);
}

/// A change to the briefs of an index: the brief at `doc` before and after (`None`: absent).
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub doc: DocId,
    pub old: Option<&'a Brief>,
    pub new: Option<&'a Brief>,
}

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

        let mut terms = Table::default();
        // Per term, its postings in each chunk holding it, with the chunk's first doc.
        let mut pieces: Vec<Vec<(DocId, Postings)>> = Vec::new();
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
                    let id = terms.intern(term, pieces.len() as TermId);
                    if id as usize == pieces.len() {
                        pieces.push(Vec::new());
                    }
                    id
                })
                .collect();
            for (local, part) in partial.postings.into_iter().enumerate() {
                pieces[ids[local] as usize].push((first_doc, part));
            }
            doc_lengths.extend_from_slice(&partial.doc_lengths);
            // Stop words are analysed but never indexed: they are not in the vocabulary.
            let word_ids: Vec<WordId> = partial
                .word_texts
                .iter()
                .zip(&partial.word_counts)
                .map(|(word, &count)| {
                    let id = words.intern(word, word_counts.len() as WordId);
                    if id as usize == word_counts.len() {
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
        for (id, word) in words.texts.iter().enumerate() {
            file_by_length(&mut words_by_length, id as WordId, word);
        }
        for bucket in &mut words_by_length {
            bucket.seal();
        }
        let mut language_counts = vec![0; languages.len()];
        let mut total_length = 0f64;
        for (brief, length) in briefs.iter().zip(&doc_lengths) {
            let language = brief.borrow().language;
            language_counts[languages.iter().position(|&l| l == language).unwrap_or(0)] += 1;
            total_length += f64::from(*length);
        }
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
                    pieces.iter().map(|(_, p)| p.docs.len()).sum(),
                    pieces.iter().map(|(_, p)| p.spill.len()).sum(),
                );
                for (first_doc, piece) in pieces {
                    joined.append(&piece, first_doc);
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
    pub fn update(&self, changes: &[Change<'_>], recency: Vec<u32>) -> Option<Index> {
        let mut language_counts = self.language_counts.clone();
        for change in changes {
            for (brief, delta) in [(change.old, -1isize), (change.new, 1)] {
                if let Some(brief) = brief {
                    let at = self.languages.iter().position(|&l| l == brief.language)?;
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
    fn remove(&mut self, doc: DocId, brief: &Brief, touched: &mut Vec<TermId>) {
        let partial = Partial::build(&[brief], &self.languages, &self.analyzers);
        for term in &partial.term_texts {
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
    fn insert(&mut self, doc: DocId, brief: &Brief, touched: &mut Vec<TermId>) {
        let partial = Partial::build(&[brief], &self.languages, &self.analyzers);
        for (term, part) in partial.term_texts.iter().zip(&partial.postings) {
            let id = self.terms.intern(term);
            if id as usize == self.postings.len() {
                self.postings.push(Arc::new(Postings::new()));
            }
            touched.push(id);
            Arc::make_mut(&mut self.postings[id as usize]).insert(
                doc,
                part.frequency(0),
                part.positions(0),
            );
        }
        let mut term_ids = Vec::with_capacity(partial.term_texts.len());
        for term in &partial.term_texts {
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
        if is_stop_word(self.languages[at], folded) {
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
    pub fn bounds(&self, term: TermId, idf: f32) -> (std::borrow::Cow<'_, [Block]>, f32) {
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

/// A frequency kept in halves, as BM25F counts it.
fn halves(frequency: u16) -> f32 {
    f32::from(frequency) / 2.0
}

/// The index of a chunk of briefs, with chunk-local term, word and doc ids.
struct Partial {
    term_texts: Vec<Box<str>>,
    postings: Vec<Postings>,
    doc_lengths: Vec<f32>,
    word_texts: Vec<Box<str>>,
    /// Briefs holding each word.
    word_counts: Vec<u32>,
    /// Per language of the library that folds before stemming: each word's term
    /// (`TermId::MAX` where none is known), for [`Index::text_term`].
    stems: Vec<Vec<TermId>>,
}

/// Words as written, to what analysing them gave (`None`: not indexable). Looked up once per
/// word of every brief: words of at most 15 bytes (nearly all) are packed with their length
/// into a `u128` kept in the table itself, so a lookup compares two integers instead of
/// following a pointer to compare bytes.
#[derive(Default)]
struct SeenWords {
    short: FxHashMap<u128, Option<Seen>>,
    long: FxHashMap<Box<str>, Option<Seen>>,
}

impl SeenWords {
    fn packed(word: &str) -> Option<u128> {
        let bytes = word.as_bytes();
        let mut packed = [0u8; 16];
        packed.get_mut(..bytes.len())?.copy_from_slice(bytes);
        packed[15] = u8::try_from(bytes.len()).ok().filter(|&len| len < 16)?;
        Some(u128::from_le_bytes(packed))
    }

    fn get(&self, word: &str) -> Option<Option<Seen>> {
        match Self::packed(word) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(word).copied(),
        }
    }

    fn insert(&mut self, word: &str, seen: Option<Seen>) {
        match Self::packed(word) {
            Some(key) => self.short.insert(key, seen),
            None => self.long.insert(word.into(), seen),
        };
    }
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
            stems: languages.iter().map(|_| Vec::new()).collect(),
        };
        // Per language: every word as written, to its analysis (None: not indexable).
        let mut seen: Vec<SeenWords> = languages.iter().map(|_| SeenWords::default()).collect();
        // One doc's (term, position, weight), sorted into postings when the doc is done.
        let mut occurrences: Vec<(TermId, u32, u32)> = Vec::new();
        let mut doc_words: Vec<u32> = Vec::new();
        let mut positions: Vec<Position> = Vec::new();
        for (doc, brief) in briefs.iter().enumerate() {
            let brief = brief.borrow();
            let language = languages
                .iter()
                .position(|&l| l == brief.language)
                .unwrap_or(0);
            let analyzer = &analyzers[language];
            let seen = &mut seen[language];
            let mut length = 0f32;
            for_each_field_word(analyzer, brief, |_, field, raw, _, position| {
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
                            let next = partial.term_texts.len() as TermId;
                            let term = *terms.entry(a.term.as_str().into()).or_insert(next);
                            if term == next {
                                partial.term_texts.push(a.term.into_boxed_str());
                                partial.postings.push(Postings::new());
                            }
                            let next = partial.word_texts.len() as u32;
                            let word = *words.entry(a.word.as_str().into()).or_insert(next);
                            if word == next {
                                partial.word_texts.push(a.word.into_boxed_str());
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
                    length += field.weight();
                    occurrences.push((found.term, position, field.halves()));
                    doc_words.push(found.word);
                }
            });
            occurrences.sort_unstable_by_key(|&(term, position, _)| (term, position));
            // Valid briefs stay below MAX_POSITION; saturate rather than wrap on others.
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

/// Moves `cursor` forward in `docs` (ascending) to the first doc at or after `doc`, galloping;
/// whether `doc` is there.
pub fn seek(docs: &[DocId], cursor: &mut usize, doc: DocId) -> bool {
    let rest = &docs[(*cursor).min(docs.len())..];
    let mut bound = 1;
    while bound < rest.len() && rest[bound] < doc {
        bound *= 2;
    }
    let window = &rest[..(bound + 1).min(rest.len())];
    let at = window.partition_point(|&d| d < doc);
    *cursor += at;
    docs.get(*cursor) == Some(&doc)
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
        assert!(
            u32::from(positions[1]) > FIELD_GAP,
            "summary comes after a gap"
        );
        assert_eq!(index.word_frequency("elections"), 2);
        assert_eq!(index.word_frequency("the"), 0, "stop words are not indexed");
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
