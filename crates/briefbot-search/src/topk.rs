//! The bounded walk: the best few hits among briefs taken in ascending order, passing over
//! runs of briefs whose blocks' bounds show they cannot beat the worst of the best so far.

use super::hit::{Hit, credit, earned};
use super::index::Index;
use super::matcher::Matcher;
use super::phrase::PhraseWalk;
use super::postings::{Block, DocId, seek};
use super::vocabulary::TermId;

/// A query term walked over briefs in ascending order, with the bounds of its blocks.
struct Lane<'a> {
    term: TermId,
    docs: &'a [DocId],
    idf: f32,
    blocks: std::borrow::Cow<'a, [Block]>,
    /// Turns a block into a bound: see [`Index::block_bound`].
    scale: f32,
    /// The block of the brief last asked about, and where the walk of `docs` stopped.
    block: usize,
    cursor: usize,
}

impl<'a> Lane<'a> {
    fn new(index: &'a Index, term: TermId) -> Self {
        let idf = index.idf(term);
        let (blocks, scale) = index.bounds(term, idf);
        Lane {
            term,
            docs: index.docs(term),
            idf,
            blocks,
            scale,
            block: 0,
            cursor: 0,
        }
    }

    /// The bound on the term's score in `doc` and the briefs after it up to the returned
    /// brief; `None` past the term's last brief. A term in one block only (a rare one) is
    /// bounded brief by brief: 0 up to its next brief.
    fn bound(&mut self, doc: DocId) -> Option<(f32, DocId)> {
        while self.blocks.get(self.block).is_some_and(|b| b.last < doc) {
            self.block += 1;
        }
        let block = self.blocks.get(self.block)?;
        let bound = block.bound(self.scale);
        if self.blocks.len() > 1 {
            Some((bound, block.last))
        } else if seek(self.docs, &mut self.cursor, doc) {
            Some((bound, doc))
        } else {
            // The walk stopped at the next brief holding the term, which follows `doc`.
            let next = self.docs.get(self.cursor).copied().unwrap_or(DocId::MAX);
            Some((0.0, next - 1))
        }
    }

    /// The term's score in `doc`, if `doc` holds it.
    fn score(&mut self, index: &Index, doc: DocId) -> Option<f32> {
        index
            .seek(self.term, &mut self.cursor, doc)
            .then(|| index.score_at(self.term, self.idf, self.cursor))
    }
}

/// A matcher walked over briefs in ascending order.
enum Walk<'a> {
    Terms {
        lanes: Vec<Lane<'a>>,
        cover: &'a [usize],
    },
    Phrase {
        /// `None` when no brief can hold the phrase.
        walk: Option<PhraseWalk<'a>>,
        /// Per part, its terms: for the bounds.
        parts: Vec<Vec<Lane<'a>>>,
        cover: &'a [usize],
        boost: f32,
    },
}

impl<'a> Walk<'a> {
    fn new(index: &'a Index, matcher: &'a Matcher) -> Self {
        match matcher {
            Matcher::Terms { ids, cover } => Walk::Terms {
                lanes: ids.iter().map(|&id| Lane::new(index, id)).collect(),
                cover,
            },
            Matcher::Phrase { parts, cover, kind } => Walk::Phrase {
                walk: PhraseWalk::new(index, parts),
                parts: parts
                    .iter()
                    .map(|(ids, _)| ids.iter().map(|&id| Lane::new(index, id)).collect())
                    .collect(),
                cover,
                boost: kind.boost(),
            },
        }
    }

    /// The words this matcher covers.
    fn cover(&self) -> &'a [usize] {
        match self {
            Walk::Terms { cover, .. } | Walk::Phrase { cover, .. } => cover,
        }
    }

    /// No brief from `doc` up to the returned brief scores more than the returned bound
    /// here (0: none is found).
    fn bound(&mut self, doc: DocId) -> (f32, DocId) {
        // The highest bound among `lanes`, and the end of the run it holds for.
        let best = |lanes: &mut [Lane<'_>]| {
            lanes
                .iter_mut()
                .filter_map(|lane| lane.bound(doc))
                .fold((0f32, DocId::MAX), |(bound, end), (b, last)| {
                    (bound.max(b), end.min(last))
                })
        };
        match self {
            Walk::Terms { lanes, .. } => best(lanes),
            Walk::Phrase { parts, boost, .. } => {
                let mut sum = 0.0;
                let mut end = DocId::MAX;
                for lanes in parts.iter_mut() {
                    let (bound, last) = best(lanes);
                    if bound == 0.0 {
                        // Some word of the phrase is in no brief from here on.
                        return (0.0, end.min(last));
                    }
                    sum += bound;
                    end = end.min(last);
                }
                (sum * *boost, end)
            }
        }
    }

    /// What this phrase would score in `doc` if its words stood together there: its words'
    /// scores, boosted (0 when a word is missing). A terms matcher's is 0.
    /// `known` gives the scores in `doc` of terms already looked up.
    fn ceiling(&mut self, index: &Index, doc: DocId, known: &[(TermId, Option<f32>)]) -> f32 {
        let Walk::Phrase { parts, boost, .. } = self else {
            return 0.0;
        };
        let mut sum = 0.0;
        for lanes in parts.iter_mut() {
            let best = lanes
                .iter_mut()
                .filter_map(
                    |lane| match known.iter().find(|(term, _)| *term == lane.term) {
                        Some(&(_, score)) => score,
                        None => lane.score(index, doc),
                    },
                )
                .reduce(f32::max);
            match best {
                Some(best) => sum += best,
                None => return 0.0,
            }
        }
        sum * *boost
    }

    /// This matcher's score in `doc`, if it finds `doc`. A terms matcher adds each of its
    /// terms' scores to `known`.
    fn score(
        &mut self,
        index: &Index,
        doc: DocId,
        known: &mut Vec<(TermId, Option<f32>)>,
    ) -> Option<f32> {
        match self {
            Walk::Terms { lanes, .. } => lanes
                .iter_mut()
                .filter_map(|lane| {
                    let score = lane.score(index, doc);
                    known.push((lane.term, score));
                    score
                })
                .reduce(f32::max),
            Walk::Phrase { walk, boost, .. } => {
                walk.as_mut().and_then(|w| w.score(doc)).map(|s| s * *boost)
            }
        }
    }
}

/// Whether a brief covering `covered` words for `score` at most ranks below `worst`: it
/// cannot take its place (an equal one might, newer).
fn falls_short(covered: usize, score: f32, worst: &Hit) -> bool {
    covered < worst.covered || (covered == worst.covered && score < worst.score)
}

/// A hit ordered as the ranking orders them: the greater, the better.
struct Ranked {
    hit: Hit,
    recency: u32,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.hit
            .covered
            .cmp(&other.hit.covered)
            .then(self.hit.score.total_cmp(&other.hit.score))
            .then(other.recency.cmp(&self.recency))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ranked {}

/// The best `limit` hits among `docs` (ascending), best first: what scoring every one of them
/// and ranking them would give. Once `limit` hits are in hand, a run of briefs is passed over
/// whole when the bounds of its terms' blocks show that none of it can beat the worst of them.
pub(crate) fn best_of(
    index: &Index,
    words: usize,
    matchers: &[Matcher],
    docs: &[DocId],
    limit: usize,
) -> Vec<Hit> {
    best_of_seeded(index, words, matchers, docs, limit, Seed::default())
}

/// What [`best_of_seeded`] starts from, and which briefs it keeps.
#[derive(Default)]
pub(crate) struct Seed<'a> {
    /// Hits already ranked: the best so far.
    pub(crate) hits: Vec<Hit>,
    /// The briefs already walked (ascending), the hits' among them: passed over if met again.
    pub(crate) taken: &'a [DocId],
}

/// The best `limit` hits among `seed.hits` and those of `docs` (ascending) not taken, best
/// first: [`best_of`] with the seed's hits as the best so far, so that the bar they set
/// passes over runs of `docs` from the start.
pub(crate) fn best_of_seeded<M: std::borrow::Borrow<Matcher>>(
    index: &Index,
    words: usize,
    matchers: &[M],
    docs: &[DocId],
    limit: usize,
    seed: Seed<'_>,
) -> Vec<Hit> {
    use std::cmp::Reverse;
    let width = words.max(1);
    // The terms' walks, then the phrases'.
    let mut walks: Vec<Walk<'_>> = matchers
        .iter()
        .map(|m| Walk::new(index, m.borrow()))
        .collect();
    walks.sort_by_key(|walk| matches!(walk, Walk::Phrase { .. }));
    let split = walks.partition_point(|walk| matches!(walk, Walk::Terms { .. }));
    // Per word, what the brief at hand would earn if its phrases' words stood together.
    let mut best_case = vec![0f32; width];
    // The scores in the brief at hand of the terms looked up so far.
    let mut known: Vec<(TermId, Option<f32>)> = Vec::new();
    let mut top: std::collections::BinaryHeap<Reverse<Ranked>> =
        std::collections::BinaryHeap::with_capacity(limit.min(docs.len() + seed.hits.len()) + 1);
    let keep = |top: &mut std::collections::BinaryHeap<Reverse<Ranked>>, hit: Hit| {
        let ranked = Ranked {
            recency: index.recency(hit.doc),
            hit,
        };
        if top.len() < limit {
            top.push(Reverse(ranked));
        } else if top.peek().is_some_and(|Reverse(worst)| ranked > *worst) {
            top.pop();
            top.push(Reverse(ranked));
        }
    };
    for hit in seed.hits {
        keep(&mut top, hit);
    }
    let mut taken = 0;
    let mut row = vec![0f32; width];
    // The bound worked out last: (words it may cover, score ceiling, last brief it holds for).
    let mut bound: Option<(usize, f32, DocId)> = None;
    let mut at = 0;
    while let Some(&doc) = docs.get(at) {
        if top.len() >= limit
            && let Some(Reverse(worst)) = top.peek()
        {
            let (covered, ceiling, end) = match bound {
                Some(bound) if doc <= bound.2 => bound,
                _ => {
                    row.fill(0.0);
                    let mut end = DocId::MAX;
                    for walk in &mut walks {
                        let (ceiling, last) = walk.bound(doc);
                        end = end.min(last);
                        credit(&mut row, walk.cover(), ceiling);
                    }
                    let (covered, ceiling) = earned(&row);
                    bound = Some((covered, ceiling, end));
                    (covered, ceiling, end)
                }
            };
            if falls_short(covered, ceiling, &worst.hit) {
                at += docs[at..].partition_point(|&d| d <= end);
                continue;
            }
        }
        if seek(seed.taken, &mut taken, doc) {
            at += 1;
            continue;
        }
        // Terms first: they are cheap to score, and with them a phrase's score is known but
        // for whether its words stand together, which is dear to check.
        row.fill(0.0);
        let mut found = false;
        let (terms, phrases) = walks.split_at_mut(split);
        known.clear();
        for walk in terms.iter_mut() {
            if let Some(score) = walk.score(index, doc, &mut known) {
                found = true;
                credit(&mut row, walk.cover(), score);
            }
        }
        if top.len() >= limit
            && let Some(Reverse(worst)) = top.peek()
        {
            best_case.clone_from(&row);
            for walk in phrases.iter_mut() {
                let score = walk.ceiling(index, doc, &known);
                if score > 0.0 {
                    credit(&mut best_case, walk.cover(), score);
                }
            }
            let (covered, score) = earned(&best_case);
            if falls_short(covered, score, &worst.hit) {
                at += 1;
                continue;
            }
        }
        for walk in phrases.iter_mut() {
            if let Some(score) = walk.score(index, doc, &mut known) {
                found = true;
                credit(&mut row, walk.cover(), score);
            }
        }
        if found {
            let (covered, score) = earned(&row);
            keep(
                &mut top,
                Hit {
                    doc,
                    covered,
                    score,
                },
            );
        }
        at += 1;
    }
    top.into_sorted_vec()
        .into_iter()
        .map(|Reverse(ranked)| ranked.hit)
        .collect()
}
