//! The vocabulary: terms and folded words to ids (append-only, shared by updated indexes), and
//! the words again grouped by length for the typo search, each with its letter set.

use std::sync::Arc;

use rustc_hash::FxHashMap;

/// Index of a term in the vocabulary.
pub type TermId = u32;

/// Index of a folded word in the vocabulary.
pub type WordId = u32;

/// Texts to ids, append-only. What a built index holds is shared by every index updated from
/// it; an update copies only the texts added since.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dictionary {
    pub(crate) base: Arc<Table>,
    pub(crate) added: Table,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub(crate) ids: FxHashMap<Box<str>, u32>,
    pub(crate) texts: Vec<Box<str>>,
}

impl Table {
    pub(crate) fn intern(&mut self, text: &str, id: u32) -> u32 {
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
    pub(crate) fn get(&self, text: &str) -> Option<u32> {
        self.base
            .ids
            .get(text)
            .or_else(|| self.added.ids.get(text))
            .copied()
    }

    pub(crate) fn text(&self, id: u32) -> &str {
        let base = self.base.texts.len();
        match (id as usize).checked_sub(base) {
            None => &self.base.texts[id as usize],
            Some(added) => &self.added.texts[added],
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.base.texts.len() + self.added.texts.len()
    }

    /// The id of `text`, added if new.
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
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
    pub(crate) masks: Vec<u64>,
    pub(crate) ids: Vec<WordId>,
    pub(crate) letters: Vec<u8>,
    /// The words in the bucket when it was sealed, in the order of their reversed letters.
    /// Those words come first, in alphabetical order; words filed later follow, unordered.
    pub(crate) by_ending: Vec<u32>,
}

impl LengthBucket {
    /// Puts the words filed so far in alphabetical order and lists them by their endings.
    pub(crate) fn seal(&mut self) {
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

    pub(crate) fn length(&self) -> usize {
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

    pub(crate) fn push(&mut self, id: WordId, word: &str) {
        if !word.bytes().any(|b| b.is_ascii_digit()) {
            self.masks.push(letter_mask(word));
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
pub(crate) fn file_by_length(buckets: &mut Vec<LengthBucket>, id: WordId, word: &str) {
    let length = word.len();
    if buckets.len() <= length {
        buckets.resize_with(length + 1, LengthBucket::default);
    }
    buckets[length].push(id, word);
}

/// A word's letters as a set with a little of their counts: bit `i` for letter `i` (a-z;
/// digits and others share bit 26) present once or more, bit `32 + i` for letter `i` present
/// twice or more. One edit takes at most one bit away and brings at most one: a deletion
/// lowers one count, an insertion raises one, a substitution does both, a transposition
/// neither.
pub(crate) fn letter_mask(word: &str) -> u64 {
    const LETTERS: u64 = (1 << 26) - 1;
    let (mut once, mut twice) = (0u64, 0u64);
    for b in word.bytes() {
        let bit = match b {
            b'a'..=b'z' => 1 << (b - b'a'),
            _ => 1 << 26,
        };
        twice |= once & bit & LETTERS;
        once |= bit;
    }
    once | twice << 32
}
