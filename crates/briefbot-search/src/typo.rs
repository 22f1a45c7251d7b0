//! Typos: the library's word nearest a typed word, within a bounded number of edits.

use super::index::Index;
use super::vocabulary::{LengthBucket, letter_mask};

/// The nearest word in the library within the allowed number of edits: one for words of 5 to
/// 8 letters, two for longer ones, none for shorter ones. Ties go to the word more briefs hold.
pub(crate) fn nearest_word(index: &Index, word: &str) -> Option<String> {
    let length = word.chars().count();
    let allowed = match length {
        0..=4 => return None,
        5..=8 => 1,
        _ => 2,
    };
    let mut nearest = Nearest {
        index,
        word,
        typed: word.chars().collect(),
        mask: letter_mask(word),
        allowed,
        best: None,
        candidate_chars: Vec::new(),
    };
    // Nearest lengths first: once a close word is found, farther lengths cannot beat it.
    let lengths = (0..=allowed).flat_map(|d| [length - d, length + d]).skip(1);
    for candidate_length in lengths {
        if candidate_length.abs_diff(length) > nearest.limit() {
            continue;
        }
        for bucket in index.buckets_of_length(candidate_length) {
            // Once a word one edit away is found, only words one edit away can beat it.
            match one_edit_ends(word, nearest.limit(), candidate_length) {
                Some((head, tail)) => {
                    for at in bucket.starting_or_ending(head, tail) {
                        if nearest.close_letters(bucket.masks()[at]) {
                            nearest.consider(bucket, at);
                        }
                    }
                }
                None => {
                    for (at, &mask) in bucket.masks().iter().enumerate() {
                        if nearest.close_letters(mask) {
                            nearest.consider(bucket, at);
                        }
                    }
                }
            }
        }
    }
    nearest
        .best
        .map(|(_, _, word)| String::from_utf8_lossy(word).into_owned())
}

/// The search for the word nearest a typed one: the typed word, and the best so far.
struct Nearest<'i> {
    index: &'i Index,
    word: &'i str,
    typed: Vec<char>,
    mask: u64,
    allowed: usize,
    /// (edits, how many briefs hold it, its letters): the lowest wins.
    best: Option<(usize, std::cmp::Reverse<u32>, &'i [u8])>,
    candidate_chars: Vec<char>,
}

impl<'i> Nearest<'i> {
    /// The most edits a word may be away and still beat the best so far.
    fn limit(&self) -> usize {
        self.best.map_or(self.allowed, |best| best.0)
    }

    /// Each edit takes away at most one letter and brings at most one: a cheap test first,
    /// on the letters each word has that the other lacks.
    fn close_letters(&self, mask: u64) -> bool {
        let limit = self.limit();
        at_most(self.mask & !mask, limit) && at_most(mask & !self.mask, limit)
    }

    /// Takes the word at `at` of `bucket` as the best if it is near enough and nearer.
    fn consider(&mut self, bucket: &'i LengthBucket, at: usize) {
        let limit = self.limit();
        let (id, candidate) = bucket.word(at);
        let distance = if self.word.is_ascii() {
            osa_within(self.word.as_bytes(), candidate, limit)
        } else {
            self.candidate_chars.clear();
            self.candidate_chars
                .extend(candidate.iter().map(|&b| char::from(b)));
            osa_within(&self.typed, &self.candidate_chars, limit)
        };
        let Some(distance) = distance else {
            return;
        };
        let frequency = self.index.word_count(id);
        if distance == 0 || frequency == 0 {
            return;
        }
        let key = (distance, std::cmp::Reverse(frequency), candidate);
        if self.best.is_none_or(|best| key < best) {
            self.best = Some(key);
        }
    }
}

/// For a typed word `t` of five letters or more, what a word `c` of `length` letters one edit
/// away from it must start with or end with. Either the edit is from the third letter on, and
/// `c` starts with `t`'s first two letters, or it is in the first three letters, and the rest
/// of `t` ends `c`:
/// - same length (a letter replaced or two swapped, at the latest the 2nd and 3rd): `t` from
///   its 4th letter;
/// - `c` a letter shorter (the 1st or 2nd letter of `t` dropped): `t` from its 3rd letter;
/// - `c` a letter longer (a letter put before the 1st or 2nd letter of `t`): `t` from its 2nd.
///
/// `None` when more than one edit is allowed or the word is not plain ASCII: then every word
/// is looked at.
fn one_edit_ends(typed: &str, edits: usize, length: usize) -> Option<(&[u8], &[u8])> {
    let bytes = typed.as_bytes();
    if edits != 1 || !typed.is_ascii() || bytes.len() < 5 {
        return None;
    }
    let tail = match length.cmp(&bytes.len()) {
        std::cmp::Ordering::Equal => &bytes[3..],
        std::cmp::Ordering::Less => &bytes[2..],
        std::cmp::Ordering::Greater => &bytes[1..],
    };
    Some((&bytes[..2], tail))
}

/// Whether at most `n` bits of `bits` are set (clearing the lowest set bit `n` times; no
/// population count, which the baseline x86-64 target lacks as one instruction).
fn at_most(bits: u64, n: usize) -> bool {
    let mut rest = bits;
    for _ in 0..n {
        rest &= rest.wrapping_sub(1);
    }
    rest == 0
}

/// Optimal string alignment distance (edits, with adjacent transpositions) between `a` and
/// `b`, or `None` as soon as it must exceed `limit`.
#[cfg(test)]
fn bounded_osa(a: &[char], b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    osa_within(a, &b, limit)
}

/// The longest word compared without allocating (vocabulary words are at most 64 bytes).
const STACK_WORD: usize = 66;

/// [`bounded_osa`] on any letters: bytes for ASCII words (what the vocabulary holds), without
/// allocating for words of up to 65 letters.
fn osa_within<T: PartialEq + Copy>(a: &[T], b: &[T], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    if width > STACK_WORD {
        let mut rows = vec![0usize; 3 * width];
        return osa_rows(a, b, limit, &mut rows);
    }
    let mut rows = [0usize; 3 * STACK_WORD];
    osa_rows(a, b, limit, &mut rows[..3 * width])
}

/// The OSA dynamic programme over three rows (two back, previous, current) laid end to end,
/// computed only in the band of cells within `limit` of the diagonal: a cell outside it is
/// more than `limit` edits away, so it is held at `limit + 1`, as is every value past it.
fn osa_rows<T: PartialEq + Copy>(
    a: &[T],
    b: &[T],
    limit: usize,
    rows: &mut [usize],
) -> Option<usize> {
    let width = b.len() + 1;
    let cap = limit + 1;
    let (mut two_back, rest) = rows.split_at_mut(width);
    let (mut previous, mut current) = rest.split_at_mut(width);
    for (j, cell) in previous.iter_mut().enumerate() {
        *cell = j.min(cap);
    }
    for i in 1..=a.len() {
        let low = i.saturating_sub(limit).max(1);
        let high = (i + limit).min(width - 1);
        current[0] = i.min(cap);
        if low >= 2 {
            current[low - 1] = cap;
        }
        let mut row_min = if low == 1 { current[0] } else { cap };
        for j in low..=high {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(two_back[j - 2] + 1);
            }
            current[j] = value.min(cap);
            row_min = row_min.min(current[j]);
        }
        if high + 1 < width {
            current[high + 1] = cap;
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut two_back, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[width - 1];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::search;
    use crate::testing::Brief;
    use crate::testing::{Fixture, brief};

    #[test]
    fn edits_allowed_grow_with_length_and_never_touch_numbers() {
        let f = Fixture::new(vec![brief(
            "e",
            "2017-01-01",
            "The 2017 infrastructure vote",
            "Votes.",
        )]);
        assert!(search(&f.index, "2016", 10).hits.is_empty());
        assert_eq!(search(&f.index, "2016", 10).suggestion, None);
        assert_eq!(f.ids("infrastrcture"), ["e"], "one edit in a long word");
        assert_eq!(
            f.ids("infrstrcture"),
            ["e"],
            "two edits in a word of 9+ letters"
        );
        assert!(f.ids("vots").is_empty(), "no correction under 5 letters");
    }

    /// [`nearest_word`] the slow way: every word of the lengths within reach, with the
    /// reference edit distance.
    fn nearest_by_scan(index: &Index, typed: &str) -> Option<String> {
        let allowed = match typed.len() {
            0..=4 => return None,
            5..=8 => 1,
            _ => 2,
        };
        let mut best: Option<(usize, std::cmp::Reverse<u32>, Vec<u8>)> = None;
        for length in typed.len() - allowed..=typed.len() + allowed {
            for bucket in index.buckets_of_length(length) {
                for at in 0..bucket.masks().len() {
                    let (id, letters) = bucket.word(at);
                    let distance = strsim::osa_distance(typed, &String::from_utf8_lossy(letters));
                    let frequency = index.word_count(id);
                    if distance == 0 || distance > allowed || frequency == 0 {
                        continue;
                    }
                    let key = (distance, std::cmp::Reverse(frequency), letters.to_vec());
                    if best.as_ref().is_none_or(|best| key < *best) {
                        best = Some(key);
                    }
                }
            }
        }
        best.map(|(_, _, word)| String::from_utf8_lossy(&word).into_owned())
    }

    #[test]
    fn bounded_distance_matches_the_reference() {
        let words = [
            "election",
            "elections",
            "electoin",
            "tillerson",
            "tilerson",
            "abc",
            "acb",
            "",
            "xyz",
        ];
        for a in words {
            for b in words {
                let reference = strsim::osa_distance(a, b);
                let chars: Vec<char> = a.chars().collect();
                assert_eq!(bounded_osa(&chars, b, 9), Some(reference), "{a} {b}");
                let bounded = bounded_osa(&chars, b, 1);
                assert_eq!(bounded, (reference <= 1).then_some(reference), "{a} {b}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn bounded_distance_agrees_with_the_reference_on_any_words(
            a in "[abc]{0,9}",
            b in "[abc]{0,9}",
            limit in 0usize..4,
        ) {
            let reference = strsim::osa_distance(&a, &b);
            let chars: Vec<char> = a.chars().collect();
            proptest::prop_assert_eq!(
                bounded_osa(&chars, &b, limit),
                (reference <= limit).then_some(reference)
            );
        }

        #[test]
        fn the_nearest_word_is_the_one_a_scan_of_every_word_finds(
            // Small alphabets, so that near words abound: four letters for the words of up to
            // eight letters (one edit allowed), two for the longer ones (two edits allowed,
            // one edit once a word one edit away is found).
            words in proptest::collection::vec(
                proptest::prop_oneof!["[abcd]{3,10}", "[ab]{8,11}"],
                10..60,
            ),
            typed in proptest::collection::vec(
                proptest::prop_oneof!["[abcd]{5,10}", "[ab]{9,10}"],
                1..8,
            ),
        ) {
            // One brief per word, each also holding a word further on, so that words are
            // held by different numbers of briefs.
            let briefs: Vec<Brief> = words
                .iter()
                .enumerate()
                .map(|(i, word)| {
                    let other = &words[(i * 7 + 3) % words.len()];
                    brief(&format!("b{i}"), "2020-01-01", word, other)
                })
                .collect();
            let f = Fixture::new(briefs);
            for typed in &typed {
                proptest::prop_assert_eq!(
                    nearest_word(&f.index, typed),
                    nearest_by_scan(&f.index, typed),
                    "{}",
                    typed
                );
            }
        }

        #[test]
        fn a_word_one_edit_from_its_start_is_found_as_a_scan_finds_it(
            words in proptest::collection::vec("[abcd]{4,11}", 10..60),
            edits in proptest::collection::vec(
                (0usize..60, 0usize..4, 0usize..3, proptest::char::range('a', 'd')),
                1..8,
            ),
        ) {
            // The edits the ends of a word are needed for: in its first three letters.
            let briefs: Vec<Brief> = words
                .iter()
                .enumerate()
                .map(|(i, word)| brief(&format!("b{i}"), "2020-01-01", word, "Other."))
                .collect();
            let f = Fixture::new(briefs);
            for (which, kind, at, letter) in edits {
                let mut typed: Vec<char> = words[which % words.len()].chars().collect();
                match kind {
                    0 => typed[at] = letter,
                    1 => typed.swap(at, at + 1),
                    2 => typed.insert(at, letter),
                    _ => {
                        typed.remove(at);
                    }
                }
                let typed: String = typed.into_iter().collect();
                proptest::prop_assert_eq!(
                    nearest_word(&f.index, &typed),
                    nearest_by_scan(&f.index, &typed),
                    "{}",
                    typed
                );
            }
        }
    }
}
