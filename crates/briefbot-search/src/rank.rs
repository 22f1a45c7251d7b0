//! Ranking: which briefs are walked for the best few (tiers by the number of query words
//! they may cover, or the briefs beside the commonest word), and scoring every brief found
//! when that is simpler.

use super::docset::DocSet;
use super::hit::{Hit, earned};
use super::index::Index;
use super::matcher::{Matcher, PhraseKind};
use super::phrase::{PhraseWalk, match_phrase};
use super::postings::{BLOCK, DocId, seek};
use super::topk::{Seed, best_of, best_of_seeded};
use super::vocabulary::TermId;

/// Briefs rank first by how many query words they cover, so when at least `limit` briefs
/// cover `c` words, the best `limit` are among them. Tries `c` from every word down to two,
/// and returns the best `limit` of the first tier where they all cover `c` words, or `None`
/// when scoring them all is simpler: a quoted phrase in the query, a single word, or too few
/// briefs cover two words.
///
/// A brief covers a word when a matcher covering the word finds it, and then it holds a term
/// [`may_cover`] lists for the word. So a brief covering `c` of the words holds one of any
/// `words - c + 1` of them: only the briefs holding the rarest are walked.
fn covering_most_words(
    index: &Index,
    words: usize,
    matchers: &[Matcher],
    limit: usize,
) -> Option<Vec<Hit>> {
    if limit == 0 || words < 2 || matchers.iter().any(is_quoted) {
        return None;
    }
    let may = may_cover(index, words, matchers);
    // The last tier walked and its best: the next tier holds all its briefs.
    let mut walked: Vec<DocId> = Vec::new();
    let mut best: Vec<Hit> = Vec::new();
    for covering in (2..=may.len()).rev() {
        let rarest = &may[..may.len() - covering + 1];
        if rarest.iter().map(|word| word.held).sum::<usize>() < limit {
            continue;
        }
        // First the briefs that may cover enough words (cheap: no scores), and only if
        // there are enough of them, the best of them.
        let mut docs = docs_holding(index, rarest.iter().flat_map(|word| &word.terms)).into_owned();
        let mut cursors: Vec<Vec<usize>> = may.iter().map(|w| vec![0; w.terms.len()]).collect();
        docs.retain(|&doc| {
            let mut covered = 0;
            for (word, cursors) in may.iter().zip(&mut cursors) {
                let mut here = false;
                for (&id, cursor) in word.terms.iter().zip(cursors.iter_mut()) {
                    here |= index.seek(id, cursor, doc);
                }
                covered += usize::from(here);
            }
            covered >= covering
        });
        if docs.len() < limit {
            continue;
        }
        // A brief may hold a term listed for a word and not cover it (the first half of a
        // compound without the second), so the best may cover fewer words than the tier:
        // then the next tier is walked, starting from this one's best. Its briefs are passed
        // over there: each was scored, or passed over for a bar that the best only raise.
        let seed = Seed {
            hits: std::mem::take(&mut best),
            taken: &walked,
        };
        let hits = best_of_seeded(index, words, matchers, &docs, limit, seed);
        if hits.len() >= limit && hits[limit - 1].covered >= covering {
            return Some(hits);
        }
        best = hits;
        walked = docs;
    }
    None
}

/// The briefs holding any of `terms`, ascending: borrowed when there is one term.
fn docs_holding<'a>(
    index: &'a Index,
    terms: impl IntoIterator<Item = &'a TermId>,
) -> std::borrow::Cow<'a, [DocId]> {
    let mut terms = terms.into_iter().peekable();
    let Some(&first) = terms.next() else {
        return std::borrow::Cow::Borrowed(&[]);
    };
    if terms.peek().is_none() {
        return index.docs(first).into();
    }
    let mut docs = index.docs(first).to_vec();
    let mut merged = Vec::new();
    for &id in terms {
        merge_into(&mut merged, &docs, index.docs(id));
        std::mem::swap(&mut docs, &mut merged);
    }
    docs.into()
}

/// Sets `out` to the docs in `a` or `b` (each ascending, without repeats), ascending.
fn merge_into(out: &mut Vec<DocId>, a: &[DocId], b: &[DocId]) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// How many briefs any matcher finds (side-by-side pairs find only briefs their words' terms
/// find).
fn found_by_any(index: &Index, matchers: &[Matcher]) -> usize {
    let mut lists: Vec<&[DocId]> = Vec::new();
    let mut phrased: Vec<DocId> = Vec::new();
    for matcher in matchers {
        match matcher {
            Matcher::Terms { ids, .. } => lists.extend(ids.iter().map(|&id| index.docs(id))),
            Matcher::Phrase {
                kind: PhraseKind::Adjacent,
                ..
            } => {}
            Matcher::Phrase { parts, .. } => {
                match_phrase(index, parts, |doc, _| phrased.push(doc));
            }
        }
    }
    lists.push(&phrased);
    union_size(index.doc_slots(), lists)
}

/// Whether a matcher is a quoted phrase (which covers its words only where they stand
/// together).
fn is_quoted(matcher: &Matcher) -> bool {
    matches!(
        matcher,
        Matcher::Phrase {
            kind: PhraseKind::Quoted,
            ..
        }
    )
}

/// A query word with the terms a brief may cover it by.
struct MayCover {
    word: usize,
    terms: Vec<TermId>,
    /// How many briefs hold the terms, counting a brief once per term.
    held: usize,
}

/// Per query word that some term may cover, the word and those terms, rarest word first (by
/// how many briefs hold its terms). A brief covers a word only if it holds one of its terms
/// here: the word's own terms, a join's term, or the first half of a run-together compound
/// (two words side by side only score more: they need the words' own terms).
fn may_cover(index: &Index, words: usize, matchers: &[Matcher]) -> Vec<MayCover> {
    let mut may: Vec<Vec<TermId>> = vec![Vec::new(); words];
    for matcher in matchers {
        match matcher {
            Matcher::Terms { ids, cover } => {
                for &word in cover {
                    may[word].extend(ids);
                }
            }
            Matcher::Phrase {
                kind: PhraseKind::Adjacent,
                ..
            } => {}
            Matcher::Phrase { parts, cover, .. } => {
                for &word in cover {
                    may[word].extend(parts.first().map_or(&[][..], |p| &p.0[..]));
                }
            }
        }
    }
    // A word no term covers is covered by no brief: only the others count.
    let mut may: Vec<MayCover> = may
        .into_iter()
        .enumerate()
        .filter(|(_, terms)| !terms.is_empty())
        .map(|(word, mut terms)| {
            terms.sort_unstable();
            terms.dedup();
            let held = terms.iter().map(|&id| index.docs(id).len()).sum();
            MayCover { word, terms, held }
        })
        .collect();
    may.sort_by_key(|word| word.held);
    may
}

/// When too few briefs cover two query words for the tiers to settle the best: first the best
/// among the briefs holding any word but the commonest; then the briefs holding only the
/// commonest word, each of which covers one word and scores by that word's own matchers
/// alone, walked with the best so far as the bar to beat, so that runs of them whose bounds
/// fall short of it are passed over.
fn beside_the_commonest(
    index: &Index,
    words: usize,
    matchers: &[Matcher],
    limit: usize,
) -> Option<(Vec<Hit>, usize)> {
    if limit == 0 || words < 2 || matchers.iter().any(is_quoted) {
        return None;
    }
    let may = may_cover(index, words, matchers);
    let (commonest, rarer) = may.split_last()?;
    let pooled: usize = rarer.iter().map(|word| word.held).sum();
    // Worth it only when the commonest word's briefs far outnumber the others'.
    if rarer.is_empty() || pooled < limit || commonest.held < 8 * pooled {
        return None;
    }
    let pool = docs_holding(index, rarer.iter().flat_map(|word| &word.terms));
    if pool.len() < limit {
        return None;
    }
    let hits = best_of(index, words, matchers, &pool, limit);
    if hits.get(limit - 1)?.covered >= 2 {
        return Some((hits, found_by_any(index, matchers)));
    }
    // A brief outside the pool holds no term of the other words, so only matchers covering
    // the commonest word alone can find it (a join or a side-by-side pair needs another
    // word's terms too); a phrase among them needs its first part, one of the word's terms.
    let alone: Vec<&Matcher> = matchers
        .iter()
        .filter(|matcher| matcher.cover() == [commonest.word])
        .collect();
    let others = docs_holding(index, &commonest.terms);
    let seed = Seed { hits, taken: &pool };
    let hits = best_of_seeded(index, words, &alone, &others, limit, seed);
    Some((hits, found_by_any(index, matchers)))
}

/// How many docs below `slots` are in any of `lists` (each ascending). The longest list is
/// counted whole and, when the others are much shorter, only the docs it lacks are looked up
/// in it: a very common word costs no walk of its docs.
fn union_size(slots: usize, mut lists: Vec<&[DocId]>) -> usize {
    let Some(longest) = (0..lists.len()).max_by_key(|&i| lists[i].len()) else {
        return 0;
    };
    let longest = lists.swap_remove(longest);
    let others: usize = lists.iter().map(|list| list.len()).sum();
    if others.saturating_mul(16) <= longest.len() {
        let mut rest = lists.concat();
        rest.sort_unstable();
        rest.dedup();
        let mut cursor = 0;
        let lacking = rest
            .iter()
            .filter(|&&doc| !seek(longest, &mut cursor, doc))
            .count();
        return longest.len() + lacking;
    }
    let mut seen = vec![0u64; slots.div_ceil(64)];
    let mut total = 0;
    for &doc in lists.iter().flat_map(|list| list.iter()).chain(longest) {
        let (at, bit) = (doc as usize / 64, 1u64 << (doc % 64));
        total += usize::from(seen[at] & bit == 0);
        seen[at] |= bit;
    }
    total
}

/// Per-query accumulators, kept from one query to the next on each thread, so that a query
/// allocates nothing in proportion to the size of the library.
#[derive(Default)]
struct Scratch {
    /// Per brief: its row in `best`, or `u32::MAX` when untouched.
    slot: Vec<u32>,
    /// The briefs touched, in the order of their rows.
    docs: Vec<DocId>,
    /// Row per touched brief: the best score it earned for each query word.
    best: Vec<f32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Scores every brief any matcher finds: one hit each.
fn score(index: &Index, words: usize, matchers: &[Matcher]) -> Vec<Hit> {
    // For each query word, the best score each brief earns for it.
    let width = words.max(1);
    SCRATCH.with_borrow_mut(|scratch| {
        let Scratch { slot, docs, best } = scratch;
        if slot.len() < index.doc_slots() {
            slot.resize(index.doc_slots(), u32::MAX);
        }
        let mut credit = |cover: &[usize], doc: DocId, score: f32| {
            let share = score / cover.len() as f32;
            let row = &mut slot[doc as usize];
            if *row == u32::MAX {
                *row = docs.len() as u32;
                docs.push(doc);
                best.resize(best.len() + width, 0.0);
            }
            let base = *row as usize * width;
            for &word in cover {
                let cell = &mut best[base + word];
                *cell = cell.max(share);
            }
        };
        for matcher in matchers {
            match matcher {
                Matcher::Terms { ids, cover } => {
                    for &id in ids {
                        index.score_term(id, |doc, score| credit(cover, doc, score));
                    }
                }
                Matcher::Phrase { parts, cover, kind } => {
                    let boost = kind.boost();
                    match_phrase(index, parts, |doc, score| credit(cover, doc, score * boost));
                }
            }
        }
        let hits = docs
            .iter()
            .zip(best.chunks(width))
            .map(|(&doc, row)| {
                let (covered, score) = earned(row);
                Hit {
                    doc,
                    covered,
                    score,
                }
            })
            .collect();
        for &doc in docs.iter() {
            slot[doc as usize] = u32::MAX;
        }
        docs.clear();
        best.clear();
        hits
    })
}

/// The best `limit` of the briefs any matcher finds, for a query of `words` words, and how
/// many briefs they find in all.
pub(crate) fn rank(
    index: &Index,
    words: usize,
    matchers: &[Matcher],
    limit: usize,
) -> (Vec<Hit>, usize) {
    // When enough briefs may cover most words, the best are among them: only they are walked
    // (and if fewer than `limit` of them do cover that many, the next way is tried).
    let width = words;
    let shortcut = covering_most_words(index, width, matchers, limit)
        .map(|hits| (hits, found_by_any(index, matchers)));
    // One term alone: its briefs are all there is to walk. Below a few blocks of them,
    // scoring them all costs less than setting up the walk.
    let single = || match matchers {
        [Matcher::Terms { ids, .. }]
            if ids.len() == 1 && limit > 0 && index.docs(ids[0]).len() > 4 * BLOCK =>
        {
            let docs = index.docs(ids[0]);
            Some((best_of(index, width, matchers, docs, limit), docs.len()))
        }
        _ => None,
    };
    let beside = || beside_the_commonest(index, width, matchers, limit);
    let (mut hits, total) = shortcut.or_else(beside).or_else(single).unwrap_or_else(|| {
        let hits = score(index, width, matchers);
        let total = hits.len();
        (hits, total)
    });
    let order = |a: &Hit, b: &Hit| {
        b.covered
            .cmp(&a.covered)
            .then(b.score.total_cmp(&a.score))
            .then_with(|| index.tie_break(a.doc, b.doc))
    };
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by(limit - 1, order);
        hits.truncate(limit);
    }
    hits.sort_by(order);
    hits.truncate(limit);
    (hits, total)
}

/// Every term some brief a matcher finds must hold: the terms matchers hold a word by, and
/// the first part of each quoted phrase or compound (side-by-side pairs find only briefs their
/// words' terms find).
fn entry_terms(matchers: &[Matcher]) -> Vec<TermId> {
    let mut terms = Vec::new();
    for matcher in matchers {
        match matcher {
            Matcher::Terms { ids, .. } => terms.extend(ids),
            Matcher::Phrase {
                kind: PhraseKind::Adjacent,
                ..
            } => {}
            Matcher::Phrase { parts, .. } => {
                terms.extend(parts.first().map_or(&[][..], |p| &p.0[..]));
            }
        }
    }
    terms.sort_unstable();
    terms.dedup();
    terms
}

/// The briefs of `within` (every brief when `None`) that some matcher finds, ascending. The
/// smaller side is walked: the allowed briefs, each looked up in the terms' postings, when
/// they are fewer than the postings; else the postings, each brief looked up in the set.
fn found_within(index: &Index, matchers: &[Matcher], within: Option<&DocSet>) -> Vec<DocId> {
    let terms = entry_terms(matchers);
    let posted: usize = terms.iter().map(|&id| index.docs(id).len()).sum();
    let mut docs: Vec<DocId> = match within {
        Some(within) if within.len().saturating_mul(terms.len().max(1)) < posted => {
            let mut cursors = vec![0; terms.len()];
            within
                .iter()
                .filter(|&doc| {
                    let mut held = false;
                    for (&id, cursor) in terms.iter().zip(cursors.iter_mut()) {
                        held |= index.seek(id, cursor, doc);
                    }
                    held
                })
                .collect()
        }
        Some(within) => {
            let mut docs: Vec<DocId> = terms
                .iter()
                .flat_map(|&id| index.docs(id).iter().copied())
                .filter(|&doc| within.contains(doc))
                .collect();
            docs.sort_unstable();
            docs.dedup();
            docs
        }
        None => docs_holding(index, &terms).into_owned(),
    };
    // A brief holding a term some words' matcher is made of is found; one holding only the
    // first word of a phrase is found if the phrase is there.
    let mut cursors: Vec<Vec<usize>> = matchers
        .iter()
        .map(|m| match m {
            Matcher::Terms { ids, .. } => vec![0; ids.len()],
            Matcher::Phrase { .. } => Vec::new(),
        })
        .collect();
    let mut phrases: Vec<Option<PhraseWalk<'_>>> = matchers
        .iter()
        .map(|m| match m {
            Matcher::Phrase { parts, kind, .. } if *kind != PhraseKind::Adjacent => {
                PhraseWalk::new(index, parts)
            }
            _ => None,
        })
        .collect();
    docs.retain(|&doc| {
        let mut found = false;
        for (matcher, cursors) in matchers.iter().zip(cursors.iter_mut()) {
            if let Matcher::Terms { ids, .. } = matcher {
                for (&id, cursor) in ids.iter().zip(cursors.iter_mut()) {
                    found |= index.seek(id, cursor, doc);
                }
            }
        }
        if !found {
            for walk in phrases.iter_mut().flatten() {
                if walk.score(doc).is_some() {
                    return true;
                }
            }
        }
        found
    });
    docs
}

/// [`rank`] among the briefs of `within` only (every brief when `None`), ordered by `key`
/// when given: among briefs covering as many words, the greatest key first, equal keys by
/// score. The work is in proportion to the smaller of the allowed briefs and the postings of
/// the query's terms, then the bounded walk over the briefs found; a search without a set
/// and key goes through [`rank`], unchanged.
pub(crate) fn rank_within(
    index: &Index,
    words: usize,
    matchers: &[Matcher],
    limit: usize,
    within: Option<&DocSet>,
    key: Option<&dyn Fn(DocId) -> i64>,
) -> (Vec<Hit>, usize) {
    let found = found_within(index, matchers, within);
    let total = found.len();
    let Some(key) = key else {
        return (best_of(index, words, matchers, &found, limit), total);
    };
    let mut hits = best_of(index, words, matchers, &found, found.len());
    let order = |a: &Hit, b: &Hit| {
        b.covered
            .cmp(&a.covered)
            .then_with(|| key(b.doc).cmp(&key(a.doc)))
            .then(b.score.total_cmp(&a.score))
            .then_with(|| index.tie_break(a.doc, b.doc))
    };
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by(limit - 1, order);
        hits.truncate(limit);
    }
    hits.sort_by(order);
    hits.truncate(limit);
    (hits, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::search;
    use crate::testing::Brief;
    use crate::testing::{Fixture, brief};

    /// `briefs` among many briefs about the weather, and `zebras` briefs that mention a zebra
    /// once in a long summary (so that "zebra", rare, scores little).
    fn among_the_weather(briefs: impl IntoIterator<Item = Brief>, zebras: usize) -> Fixture {
        let filler = "quiet ".repeat(300);
        let mut all: Vec<Brief> = (0..150)
            .map(|i| brief(&format!("f{i}"), "2020-01-01", "Weather report", "Nothing."))
            .collect();
        all.extend(briefs);
        all.extend((0..zebras).map(|i| {
            let summary = format!("A zebra. {filler}");
            brief(&format!("z{i}"), "2020-01-01", "Notes", &summary)
        }));
        Fixture::new(all)
    }

    proptest::proptest! {
        #[test]
        fn union_size_counts_every_doc_once(
            long in proptest::collection::btree_set(0u32..4000, 0..600),
            short in proptest::collection::vec(
                proptest::collection::btree_set(0u32..4000, 0..40),
                0..4,
            ),
        ) {
            let lists: Vec<Vec<DocId>> = std::iter::once(&long)
                .chain(&short)
                .map(|set| set.iter().copied().collect())
                .collect();
            let reference: std::collections::BTreeSet<DocId> =
                lists.iter().flatten().copied().collect();
            let borrowed: Vec<&[DocId]> = lists.iter().map(Vec::as_slice).collect();
            proptest::prop_assert_eq!(union_size(4000, borrowed), reference.len());
        }

        #[test]
        fn merging_two_lists_gives_their_union_in_order(
            a in proptest::collection::btree_set(0u32..300, 0..80),
            b in proptest::collection::btree_set(0u32..300, 0..80),
        ) {
            let (a, b): (Vec<DocId>, Vec<DocId>) =
                (a.into_iter().collect(), b.into_iter().collect());
            let mut merged = vec![7];
            merge_into(&mut merged, &a, &b);
            let mut reference = [a, b].concat();
            reference.sort_unstable();
            reference.dedup();
            proptest::prop_assert_eq!(merged, reference);
        }
    }

    #[test]
    fn scoring_only_briefs_covering_every_word_loses_nothing() {
        // "a" covers "hoverboard" only as a split compound, and ranks first; "d" is found
        // only through the compound. The best two and the total must be what scoring every
        // brief gives.
        let f = Fixture::new(vec![
            brief(
                "a",
                "2020-01-01",
                "Hover board record",
                "Hover board record, a record.",
            ),
            brief("b", "2020-01-01", "Hoverboard record", "Other."),
            brief("c", "2020-01-01", "Hoverboard record", "Other."),
            brief("d", "2020-01-01", "Hover board", "Other."),
            brief("e", "2020-01-01", "Record", "Other."),
        ]);
        assert_eq!(search(&f.index, "hoverboard record", usize::MAX).total, 5);
        assert_eq!(f.best_few("hoverboard record", 2)[0], "a");
    }

    #[test]
    fn a_tier_whose_briefs_cover_fewer_words_hands_its_best_to_the_next() {
        // "b", "c" and "d" hold "hover" without "board": they may cover all three words but
        // cover two. Of the briefs that may cover three, only "a" does, so the next tier is
        // walked, past the briefs already scored: "a" must stay first.
        let mut briefs = vec![brief("a", "2020-01-01", "Hoverboard zebra yak", "Other.")];
        briefs.extend(
            ["b", "c", "d"]
                .map(|id| brief(id, "2020-01-01", "Hover zebra yak", "Other words here.")),
        );
        briefs.extend(["e", "f", "g"].map(|id| brief(id, "2020-01-01", "Zebra yak", "Short.")));
        // "board" is a word of the library: "hoverboard" splits into "hover board".
        briefs.push(brief("h", "2020-01-01", "Board", "Other."));
        let f = Fixture::new(briefs);
        assert_eq!(f.best_few("hoverboard zebra yak", 3), ["a", "e", "f"]);
    }

    #[test]
    fn briefs_holding_only_the_commonest_word_are_walked_past_those_already_ranked() {
        // Two briefs hold both words and score most for "storm" too; the others holding
        // "zebra" bury it in long summaries, so the third best holds only "storm". The two
        // are among the "storm" briefs walked for it: they must not come back as others.
        let both = (0..2).map(|i| {
            brief(
                &format!("zs{i}"),
                "2020-01-01",
                "Storm storm storm",
                "A zebra.",
            )
        });
        let storms =
            (0..50).map(|i| brief(&format!("s{i}"), "2020-01-01", "Storm report", "Short."));
        let f = among_the_weather(both.chain(storms), 3);
        let ids = f.best_few("zebra storm", 3);
        assert!(
            ids[0].starts_with("zs") && ids[1].starts_with("zs"),
            "{ids:?}"
        );
        assert!(ids[2].starts_with('s'), "{ids:?}");
    }

    #[test]
    fn briefs_beside_the_commonest_word_are_kept_only_when_nothing_else_can_beat_them() {
        // No brief holds both words. "zebra" is rare but only in long summaries; "storm" is
        // eight times as common and in short titles, where it scores more: the best three are
        // "storm" briefs, which the briefs holding "zebra" must not be taken for.
        let storms = (0..40).map(|i| {
            brief(
                &format!("s{i}"),
                "2020-01-01",
                "Storm storm storm",
                "Short.",
            )
        });
        let f = among_the_weather(storms, 5);
        assert!(f.best_few("zebra storm", 3)[0].starts_with('s'));
        // Against "weather", in most briefs and worth little, the briefs holding "zebra" win:
        // the bar they set passes over the blocks of briefs holding only "weather".
        assert!(f.best_few("zebra weather", 3)[0].starts_with('z'));
    }
}
