//! Sets of documents: a bit per doc slot, for a search restricted to some documents (the
//! briefs a filter allows). Made from the docs a caller lists (a range of a sorted column, a
//! posting list of a tag), never by looking at every document; intersected a word at a time.

use super::postings::DocId;

/// A set of doc ids below a number of slots, a bit each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSet {
    bits: Vec<u64>,
    len: usize,
}

impl DocSet {
    /// No doc, among `slots` slots.
    pub fn empty(slots: usize) -> Self {
        DocSet {
            bits: vec![0; slots.div_ceil(64)],
            len: 0,
        }
    }

    /// The docs of `docs` (any order, repeats allowed) below `slots`; others are left out.
    pub fn of(slots: usize, docs: impl IntoIterator<Item = DocId>) -> Self {
        let mut set = DocSet::empty(slots);
        for doc in docs {
            set.insert(doc);
        }
        set
    }

    /// Adds `doc` (nothing when it is past the slots).
    pub fn insert(&mut self, doc: DocId) {
        let (at, bit) = (doc as usize / 64, 1u64 << (doc % 64));
        if let Some(word) = self.bits.get_mut(at) {
            self.len += usize::from(*word & bit == 0);
            *word |= bit;
        }
    }

    /// Whether `doc` is in the set.
    pub fn contains(&self, doc: DocId) -> bool {
        self.bits
            .get(doc as usize / 64)
            .is_some_and(|word| word & (1u64 << (doc % 64)) != 0)
    }

    /// How many docs are in the set.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Keeps only the docs also in `other`.
    pub fn intersect(&mut self, other: &DocSet) {
        let mut len = 0;
        for (at, word) in self.bits.iter_mut().enumerate() {
            *word &= other.bits.get(at).copied().unwrap_or(0);
            len += word.count_ones() as usize;
        }
        self.len = len;
    }

    /// The docs, ascending.
    pub fn iter(&self) -> impl Iterator<Item = DocId> + '_ {
        self.bits.iter().enumerate().flat_map(|(at, &word)| {
            let mut word = word;
            std::iter::from_fn(move || {
                (word != 0).then(|| {
                    let bit = word.trailing_zeros();
                    word &= word - 1;
                    (at * 64) as DocId + bit
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_holds_what_was_put_in_it_below_its_slots() {
        let mut set = DocSet::of(130, [129, 3, 64, 3, 500]);
        assert_eq!(set.len(), 3, "a repeat counts once, 500 is past the slots");
        assert_eq!(set.iter().collect::<Vec<_>>(), [3, 64, 129]);
        assert!(set.contains(64) && !set.contains(65) && !set.contains(9999));
        set.intersect(&DocSet::of(130, [64, 129, 7]));
        assert_eq!(set.iter().collect::<Vec<_>>(), [64, 129]);
        assert_eq!(set.len(), 2);
        set.intersect(&DocSet::empty(10));
        assert!(set.is_empty());
    }
}
