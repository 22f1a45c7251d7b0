//! Phrases: finding the briefs where a phrase's words stand together, walking its words'
//! postings once.

use super::fields::MAX_PHRASE_SPAN;
use super::index::Index;
use super::postings::DocId;
use super::vocabulary::TermId;

/// Calls `visit(doc, score)` for every brief holding the phrase.
pub(crate) fn match_phrase(
    index: &Index,
    parts: &[(Vec<TermId>, u32)],
    mut visit: impl FnMut(DocId, f32),
) {
    let Some(mut walk) = PhraseWalk::new(index, parts) else {
        return;
    };
    let candidates = walk.candidates();
    for &doc in candidates.iter() {
        if let Some(score) = walk.score(doc) {
            visit(doc, score);
        }
    }
}

/// A phrase looked for in briefs taken in ascending order: its words' postings are walked
/// once, galloping, whatever the number of briefs asked about.
pub(crate) struct PhraseWalk<'a> {
    pub(crate) index: &'a Index,
    pub(crate) parts: &'a [(Vec<TermId>, u32)],
    /// The part with the fewest briefs: its positions are tried first.
    pub(crate) driver: usize,
    /// Per part, per term: how far its briefs have been walked, and whether the brief last
    /// asked about is where the walk stopped.
    pub(crate) cursors: Vec<Vec<(usize, bool)>>,
    /// Each part's terms' weights, worked out once.
    pub(crate) idfs: Vec<Vec<f32>>,
}

impl<'a> PhraseWalk<'a> {
    /// `None` when some part has no term: no brief holds the phrase.
    pub(crate) fn new(index: &'a Index, parts: &'a [(Vec<TermId>, u32)]) -> Option<Self> {
        if parts.is_empty() || parts.iter().any(|(ids, _)| ids.is_empty()) {
            return None;
        }
        debug_assert!(
            parts
                .iter()
                .all(|(_, offset)| offset.saturating_sub(parts[0].1) <= MAX_PHRASE_SPAN),
            "a phrase wider than a field gap could match across fields"
        );
        let df = |ids: &[TermId]| ids.iter().map(|&id| index.docs(id).len()).sum::<usize>();
        let driver = (0..parts.len())
            .min_by_key(|&i| df(&parts[i].0))
            .unwrap_or(0);
        Some(PhraseWalk {
            index,
            parts,
            driver,
            cursors: parts
                .iter()
                .map(|(ids, _)| vec![(0, false); ids.len()])
                .collect(),
            idfs: parts
                .iter()
                .map(|(ids, _)| ids.iter().map(|&id| index.idf(id)).collect())
                .collect(),
        })
    }

    /// The briefs of the rarest part, ascending: every brief holding the phrase is one.
    pub(crate) fn candidates(&self) -> std::borrow::Cow<'a, [DocId]> {
        let index = self.index;
        match self.parts[self.driver].0[..] {
            [id] => std::borrow::Cow::Borrowed(index.docs(id)),
            ref ids => {
                let mut docs: Vec<DocId> = ids
                    .iter()
                    .flat_map(|&id| index.docs(id).iter().copied())
                    .collect();
                docs.sort_unstable();
                docs.dedup();
                std::borrow::Cow::Owned(docs)
            }
        }
    }

    /// The phrase's score in `doc`, if `doc` holds it. Briefs must be asked about in
    /// ascending order.
    pub(crate) fn score(&mut self, doc: DocId) -> Option<f32> {
        let (index, parts, driver) = (self.index, self.parts, self.driver);
        // A brief missing a word of the phrase is passed over before any position is read.
        for ((ids, _), cursors) in parts.iter().zip(&mut self.cursors) {
            let mut any = false;
            for (&id, (cursor, here)) in ids.iter().zip(cursors.iter_mut()) {
                *here = index.seek(id, cursor, doc);
                any |= *here;
            }
            if !any {
                return None;
            }
        }
        // Positions and scores are read at the walk's slots: no search per lookup.
        let cursors = &self.cursors;
        let holds = |part: usize, position: u32| {
            let Ok(position) = super::fields::Position::try_from(position) else {
                return false;
            };
            parts[part]
                .0
                .iter()
                .zip(&cursors[part])
                .any(|(&id, &(slot, here))| {
                    here && index
                        .positions_at(id, slot)
                        .binary_search(&position)
                        .is_ok()
                })
        };
        let (driver_ids, driver_offset) = &parts[driver];
        let found = driver_ids
            .iter()
            .zip(&cursors[driver])
            .filter(|(_, (_, here))| *here)
            .any(|(&id, &(slot, _))| {
                index.positions_at(id, slot).iter().any(|&p| {
                    u32::from(p)
                        .checked_sub(*driver_offset)
                        .is_some_and(|start| {
                            parts
                                .iter()
                                .enumerate()
                                .all(|(i, (_, offset))| i == driver || holds(i, start + offset))
                        })
                })
            });
        found.then(|| {
            parts
                .iter()
                .zip(cursors)
                .zip(&self.idfs)
                .map(|(((ids, _), cursors), idfs)| {
                    ids.iter()
                        .zip(cursors)
                        .zip(idfs)
                        .filter(|((_, (_, here)), _)| *here)
                        .map(|((&id, &(slot, _)), &idf)| index.score_at(id, idf, slot))
                        .fold(0.0, f32::max)
                })
                .sum()
        })
    }
}
