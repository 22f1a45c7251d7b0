//! Building: a chunk of documents analysed into a partial index with chunk-local ids, each
//! word as written analysed once per chunk; and the documents' recency ranks.

use rustc_hash::FxHashMap;

use super::analysis::Analyzer;
use super::fields::{Document, Position, for_each_field_word};
use super::postings::{DocId, SPILLED};
use super::vocabulary::{Table, TermId};
use crate::language::Language;

/// The index of a chunk of briefs, with chunk-local term, word and doc ids.
pub(crate) struct Partial {
    pub(crate) term_texts: Table,
    pub(crate) postings: Vec<Growing>,
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
/// following a pointer to compare bytes. In front of the table, a small direct-mapped cache
/// of the words met last holds the common ones where the processor's cache keeps them: the
/// table of a chunk holds every word it met, megabytes, and its lookups were the first cost
/// of a load (perf: 11%).
struct SeenWords {
    pub(crate) short: FxHashMap<u128, Option<Seen>>,
    pub(crate) long: FxHashMap<Box<str>, Option<Seen>>,
    recent: Box<[(u128, Option<Seen>)]>,
}

/// Slots of [`SeenWords`]'s cache (a power of two): 32 KiB of 32-byte slots. Measured
/// (`briefbot-timer`, index build): 1,024 slots build Wikinews scaled to 100k briefs 14%
/// faster and corpusgen's news and long shapes as fast as without (within 1%); 4,096 slots
/// made those 3% slower.
const RECENT: usize = 1024;

/// No packed word: its length byte would be 255.
const NO_WORD: u128 = u128::MAX;

impl Default for SeenWords {
    fn default() -> Self {
        SeenWords {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            recent: vec![(NO_WORD, None); RECENT].into_boxed_slice(),
        }
    }
}

impl SeenWords {
    pub(crate) fn packed(word: &str) -> Option<u128> {
        let bytes = word.as_bytes();
        let mut packed = [0u8; 16];
        packed.get_mut(..bytes.len())?.copy_from_slice(bytes);
        packed[15] = u8::try_from(bytes.len()).ok().filter(|&len| len < 16)?;
        Some(u128::from_le_bytes(packed))
    }

    /// The cache slot of a packed word.
    fn slot(key: u128) -> usize {
        let mixed = (key as u64 ^ (key >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> (64 - RECENT.trailing_zeros())) as usize
    }

    pub(crate) fn get(&mut self, word: &str) -> Option<Option<Seen>> {
        match Self::packed(word) {
            Some(key) => {
                let slot = &mut self.recent[Self::slot(key)];
                if slot.0 == key {
                    return Some(slot.1);
                }
                let found = self.short.get(&key).copied()?;
                *slot = (key, found);
                Some(found)
            }
            None => self.long.get(word).copied(),
        }
    }

    pub(crate) fn insert(&mut self, word: &str, seen: Option<Seen>) {
        match Self::packed(word) {
            Some(key) => {
                self.recent[Self::slot(key)] = (key, seen);
                self.short.insert(key, seen);
            }
            None => {
                self.long.insert(word.into(), seen);
            }
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
                                partial.postings.push(Growing::default());
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

/// A term's postings in a chunk as the chunk is analysed: each doc as variable-length
/// integers (the gap from the doc before, the weighted frequency, the number of positions,
/// then the gaps between positions), read once when the chunks' lists are joined. About 5
/// bytes a doc where a list of [`Postings`](super::postings::Postings) takes 8 and, growing, up to twice that: the
/// lists of a chunk being built were the peak of a load (189 of 374 MB at 100,000 briefs,
/// heaptrack).
#[derive(Debug, Default)]
pub(crate) struct Growing {
    bytes: Vec<u8>,
    /// The docs here, the halves of spill they take in `Postings`, and the last doc.
    docs: u32,
    spill: u32,
    last: DocId,
}

impl Growing {
    /// Adds a doc after every doc here, with its weighted frequency and its positions
    /// (ascending).
    pub(crate) fn push(&mut self, doc: DocId, frequency: u16, positions: &[Position]) {
        let gap = if self.docs == 0 { doc } else { doc - self.last };
        write_varint(&mut self.bytes, gap);
        write_varint(&mut self.bytes, u32::from(frequency));
        write_varint(&mut self.bytes, positions.len() as u32);
        let mut before = 0;
        for &position in positions {
            write_varint(&mut self.bytes, u32::from(position - before));
            before = position;
        }
        if !(positions.len() == 1 && frequency < SPILLED) {
            self.spill += 2 + positions.len() as u32;
        }
        self.docs += 1;
        self.last = doc;
    }

    /// How many docs are here.
    pub(crate) fn len(&self) -> usize {
        self.docs as usize
    }

    /// The halves of spill these docs take in `Postings`.
    pub(crate) fn spill(&self) -> usize {
        self.spill as usize
    }

    /// Calls `visit` with each doc, its weighted frequency and its positions, in doc order.
    pub(crate) fn for_each(&self, mut visit: impl FnMut(DocId, u16, &[Position])) {
        let mut bytes = self.bytes.as_slice();
        let mut doc = 0;
        let mut positions: Vec<Position> = Vec::new();
        for _ in 0..self.docs {
            doc += read_varint(&mut bytes);
            let frequency = read_varint(&mut bytes) as u16;
            let count = read_varint(&mut bytes);
            positions.clear();
            let mut position = 0;
            for _ in 0..count {
                position += read_varint(&mut bytes) as Position;
                positions.push(position);
            }
            visit(doc, frequency, &positions);
        }
    }
}

/// Appends `value` as LEB128: seven bits a byte, low first, the high bit set on all but the
/// last.
fn write_varint(bytes: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        bytes.push(value as u8 | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

/// Reads a value [`write_varint`] wrote, moving `bytes` past it.
fn read_varint(bytes: &mut &[u8]) -> u32 {
    let mut value = 0u32;
    let mut shift = 0;
    while let Some((&byte, rest)) = bytes.split_first() {
        *bytes = rest;
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    value
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
    use proptest::prelude::*;

    proptest! {
        /// What a growing list is read back as is what was pushed: gaps from 0 to past
        /// 2^28, frequencies up to and past the spill bit, no position to many, saturated
        /// ones repeated.
        #[test]
        fn growing_lists_read_back_what_was_pushed(
            docs in proptest::collection::vec(
                (
                    prop_oneof![0u32..4, 0u32..300, 0u32..(1 << 29)],
                    any::<u16>(),
                    proptest::collection::vec(
                        prop_oneof![0u16..200, Just(Position::MAX)],
                        0..6,
                    ),
                ),
                0..40,
            )
        ) {
            let mut growing = Growing::default();
            let mut pushed = Vec::new();
            let mut doc = 0u32;
            for (at, (gap, frequency, mut positions)) in docs.into_iter().enumerate() {
                doc = if at == 0 { gap } else { doc.saturating_add(gap.max(1)) };
                if doc == DocId::MAX {
                    break;
                }
                positions.sort_unstable();
                growing.push(doc, frequency, &positions);
                pushed.push((doc, frequency, positions));
            }
            let mut read = Vec::new();
            growing.for_each(|doc, frequency, positions| {
                read.push((doc, frequency, positions.to_vec()));
            });
            prop_assert_eq!(growing.len(), pushed.len());
            let spill: usize = pushed
                .iter()
                .filter(|(_, frequency, positions)| !(positions.len() == 1 && *frequency < SPILLED))
                .map(|(_, _, positions)| 2 + positions.len())
                .sum();
            prop_assert_eq!(growing.spill(), spill);
            prop_assert_eq!(read, pushed);
        }
    }

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
