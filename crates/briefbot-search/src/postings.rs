//! Postings: for one term, the docs that hold it (ascending), how often and where, and the
//! per-block bounds and presence bits that let a query pass over docs or find one at once.

use super::bm25::norm;
use super::fields::Position;

/// Index of a brief in the library: its slot, kept while the brief is served.
pub type DocId = u32;

/// The briefs holding one term, in ascending doc order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Postings {
    pub(crate) docs: Vec<DocId>,
    /// Per doc, how often and where the term is there: see [`Entry`].
    pub(crate) entries: Vec<Entry>,
    /// The entries of docs holding the term more than once: each is the weighted frequency,
    /// the number of positions, then the positions. Entries of docs taken out stay until
    /// [`Postings::seal`] finds them to be most of it.
    pub(crate) spill: Vec<u16>,
    /// What bounds the scores of each run of `BLOCK` docs, for lists longer than one run
    /// (shorter ones are bounded when asked: see [`Index::bounds`]), and the average brief
    /// length they were worked out with.
    pub(crate) blocks: Box<[Block]>,
    pub(crate) sealed_average: f32,
    /// For a term held by many docs: which docs, to find a doc's slot at once.
    pub(crate) presence: Option<Box<Presence>>,
}

/// Which docs hold a common term, a bit each, with how many docs come before each 64: a doc's
/// slot in the postings is then the number of docs before it, counted at once. Kept for terms
/// held by at least one doc slot in [`DENSE`], so that it takes about as much room as their
/// doc list.
#[derive(Debug, Clone)]
pub(crate) struct Presence {
    pub(crate) bits: Vec<u64>,
    /// Per word of `bits`: the docs before it.
    pub(crate) before: Vec<u32>,
}

/// A term held by at least one doc slot in this many is given a [`Presence`].
const DENSE: usize = 32;

impl Presence {
    pub(crate) fn new(docs: &[DocId], slots: usize) -> Self {
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
    pub(crate) fn find(&self, doc: DocId) -> Option<(usize, bool)> {
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
pub(crate) const SPILLED: u16 = 1 << 15;

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
    pub(crate) peak: f32,
}

impl Block {
    /// No doc of this block scores more than this, `scale` coming with the block from
    /// [`Index::bounds`].
    pub fn bound(&self, scale: f32) -> f32 {
        self.peak * scale
    }
}

impl Postings {
    pub(crate) fn new() -> Self {
        Postings::default()
    }

    /// Room for `docs` docs and `spill` halves of spilled entries.
    pub(crate) fn with_capacity(docs: usize, spill: usize) -> Self {
        Postings {
            docs: Vec::with_capacity(docs),
            entries: Vec::with_capacity(docs),
            spill: Vec::with_capacity(spill),
            ..Postings::default()
        }
    }

    /// The entry for a doc whose weighted frequency is `frequency` and positions `positions`
    /// (ascending), spilling into `spill` when there is more than one.
    pub(crate) fn entry(spill: &mut Vec<u16>, frequency: u16, positions: &[Position]) -> Entry {
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
    pub(crate) fn spilled(entry: Entry) -> Option<usize> {
        (entry[1] & SPILLED != 0)
            .then(|| usize::from(entry[0]) | usize::from(entry[1] & !SPILLED) << 16)
    }

    /// The weighted frequency (in halves) in the doc at `slot`.
    pub(crate) fn frequency(&self, slot: usize) -> u16 {
        let entry = self.entries[slot];
        match Self::spilled(entry) {
            None => entry[1],
            Some(at) => self.spill[at],
        }
    }

    /// The positions in the doc at `slot`, ascending.
    pub(crate) fn positions(&self, slot: usize) -> &[Position] {
        match Self::spilled(self.entries[slot]) {
            None => &self.entries[slot][..1],
            Some(at) => {
                let count = usize::from(self.spill[at + 1]);
                &self.spill[at + 2..at + 2 + count]
            }
        }
    }

    /// Adds a doc at the end (after every doc here).
    pub(crate) fn push(&mut self, doc: DocId, frequency: u16, positions: &[Position]) {
        self.docs.push(doc);
        let entry = Self::entry(&mut self.spill, frequency, positions);
        self.entries.push(entry);
    }

    /// Adds a doc that is not here yet, in its place.
    pub(crate) fn insert(&mut self, doc: DocId, frequency: u16, positions: &[Position]) {
        let Err(slot) = self.docs.binary_search(&doc) else {
            return;
        };
        self.docs.insert(slot, doc);
        let entry = Self::entry(&mut self.spill, frequency, positions);
        self.entries.insert(slot, entry);
    }

    /// Takes a doc out (nothing happens if it is not here).
    pub(crate) fn remove(&mut self, doc: DocId) {
        let Ok(slot) = self.docs.binary_search(&doc) else {
            return;
        };
        self.docs.remove(slot);
        self.entries.remove(slot);
    }

    /// Works out the blocks again, once the docs or their lengths have changed, and drops the
    /// spilled entries of docs taken out once they are most of the spill.
    pub(crate) fn seal(&mut self, doc_lengths: &[f32], average: f32) {
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
    pub(crate) fn blocks_of(&self, doc_lengths: &[f32], average: f32) -> Vec<Block> {
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

/// A frequency kept in halves, as BM25F counts it.
pub(crate) fn halves(frequency: u16) -> f32 {
    f32::from(frequency) / 2.0
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
