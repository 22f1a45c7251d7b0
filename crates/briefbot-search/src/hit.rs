//! Hits: a matching brief with its score and the query words it covers, and how per-word
//! scores add up to a hit's.

use super::postings::DocId;

/// One matching brief.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: DocId,
    pub score: f32,
    /// How many of the query's words the brief covers.
    pub covered: usize,
}

/// Credits each of the words in `cover` with its share of `score`, where that is more than
/// the word has earned in `row` so far.
pub(crate) fn credit(row: &mut [f32], cover: &[usize], score: f32) {
    let share = score / cover.len() as f32;
    for &word in cover {
        row[word] = row[word].max(share);
    }
}

/// How many words a row of per-word scores covers, and its score: the sum of what each word
/// earned, in word order.
pub(crate) fn earned(row: &[f32]) -> (usize, f32) {
    let earned = row.iter().filter(|&&score| score > 0.0);
    (earned.clone().count(), earned.sum())
}
