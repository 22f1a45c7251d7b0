//! The vocabulary: terms and folded words to ids (append-only, shared by updated indexes), and
//! the words again grouped by length for the typo search, each with its letter set.

use std::sync::Arc;

use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::FxBuildHasher;

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

/// Distinct texts, each with its place (0, 1, 2, ... in the order they came). The texts are
/// kept once, one after another in one string, and found by hash: no allocation per text, and
/// no second copy as a map key. At 100,000 briefs the terms and words took two boxed strings
/// and a map entry each (heaptrack).
#[derive(Clone, Default)]
pub(crate) struct Table {
    /// Every text, one after another.
    bytes: String,
    /// Where each text ends in `bytes`, by place.
    ends: Vec<usize>,
    /// Where each text is and its place, by the text's hash. The slot holds the text's start
    /// and length itself, so that a lookup reads the table and the text, as a map of boxed
    /// strings does, and not `ends` between them (that cost 6% of query time).
    slots: HashTable<Slot>,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    start: usize,
    /// Words and terms are short (a brief's longest text is 4,000 characters).
    len: u32,
    place: u32,
}

impl Slot {
    fn text(self, bytes: &str) -> &str {
        &bytes[self.start..self.start + self.len as usize]
    }

    /// Compared as bytes, which spares the check that a `str` is cut at character
    /// boundaries (it is: each text was pushed whole).
    fn holds(self, bytes: &str, text: &str) -> bool {
        bytes
            .as_bytes()
            .get(self.start..self.start + self.len as usize)
            == Some(text.as_bytes())
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("len", &self.len()).finish()
    }
}

fn hash(text: &str) -> u64 {
    FxBuildHasher.hash_one(text)
}

impl Table {
    /// How many texts.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The text at `place`, which must be below [`Table::len`].
    pub(crate) fn text(&self, place: u32) -> &str {
        let place = place as usize;
        let start = if place == 0 { 0 } else { self.ends[place - 1] };
        &self.bytes[start..self.ends[place]]
    }

    /// The place of `text`, if it is here.
    pub(crate) fn get(&self, text: &str) -> Option<u32> {
        self.slots
            .find(hash(text), |slot| slot.holds(&self.bytes, text))
            .map(|slot| slot.place)
    }

    /// The place of `text`, added at the end if new; and whether it was. A text longer than
    /// `u32::MAX` bytes is cut there (none is: see [`Slot::len`]).
    pub(crate) fn intern(&mut self, text: &str) -> (u32, bool) {
        let Table { bytes, ends, slots } = self;
        let entry = slots.entry(
            hash(text),
            |slot| slot.holds(bytes, text),
            |slot| hash(slot.text(bytes)),
        );
        match entry {
            Entry::Occupied(found) => (found.get().place, false),
            Entry::Vacant(vacant) => {
                let place = ends.len() as u32;
                let start = bytes.len();
                bytes.push_str(text);
                ends.push(bytes.len());
                let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
                vacant.insert(Slot { start, len, place });
                (place, true)
            }
        }
    }

    /// The texts, in order of place.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len() as u32).map(|place| self.text(place))
    }

    /// Gives back the room left over while growing: a built table is only read, or copied.
    pub(crate) fn shrink_to_fit(&mut self) {
        let Table { bytes, ends, slots } = self;
        bytes.shrink_to_fit();
        ends.shrink_to_fit();
        slots.shrink_to_fit(|slot| hash(slot.text(bytes)));
    }
}

impl Dictionary {
    pub(crate) fn get(&self, text: &str) -> Option<u32> {
        let base = self.base.len() as u32;
        self.base
            .get(text)
            .or_else(|| self.added.get(text).map(|place| base + place))
    }

    pub(crate) fn text(&self, id: u32) -> &str {
        let base = self.base.len() as u32;
        match id.checked_sub(base) {
            None => self.base.text(id),
            Some(added) => self.added.text(added),
        }
    }

    /// The id of `text`, added if new.
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        match self.base.get(text) {
            Some(id) => id,
            None => self.base.len() as u32 + self.added.intern(text).0,
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// A table answers as a map from text to first place does, texts that run into each
        /// other in its one string ("a" then "b" against "ab") included, before and after
        /// it gives back its spare room.
        #[test]
        fn table_is_a_map_of_texts_to_places(texts in prop::collection::vec("[ab]{0,3}|[a-zé]{0,12}", 0..200)) {
            let mut table = Table::default();
            let mut model: HashMap<&str, u32> = HashMap::new();
            for text in &texts {
                let next = model.len() as u32;
                let expected = *model.entry(text.as_str()).or_insert(next);
                prop_assert_eq!(table.intern(text), (expected, expected == next));
            }
            for shrunk in [false, true] {
                if shrunk {
                    table.shrink_to_fit();
                }
                prop_assert_eq!(table.len(), model.len());
                for (&text, &place) in &model {
                    prop_assert_eq!(table.get(text), Some(place));
                    prop_assert_eq!(table.text(place), text);
                }
                prop_assert_eq!(table.get("not-a-generated-text"), None);
                let listed: Vec<&str> = table.iter().collect();
                let mut expected: Vec<(&str, u32)> = model.iter().map(|(&t, &p)| (t, p)).collect();
                expected.sort_by_key(|&(_, place)| place);
                prop_assert_eq!(listed, expected.into_iter().map(|(t, _)| t).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn a_dictionary_numbers_added_texts_after_its_base() {
        let mut base = Table::default();
        base.intern("storm");
        base.intern("flood");
        let mut dictionary = Dictionary {
            base: Arc::new(base),
            added: Table::default(),
        };
        assert_eq!(dictionary.intern("flood"), 1, "a base text keeps its id");
        assert_eq!(dictionary.intern("drought"), 2);
        assert_eq!(
            dictionary.intern("drought"),
            2,
            "an added text is not added twice"
        );
        assert_eq!(dictionary.get("drought"), Some(2));
        assert_eq!(dictionary.text(2), "drought");
        assert_eq!(dictionary.text(0), "storm");
        assert_eq!(dictionary.get("hail"), None);
    }
}
