//! What a digest lists: the briefs new in its window that match its topic, newest first.
//!
//! *New* means first seen by the bot (the `seen_briefs` table, as announcements count it):
//! after the end of the window the previous digest covered, or since the digest was set up
//! for the first one, and up to the moment the digest is made. A brief edited later
//! is not new again. A skipped occurrence moves no window, so its briefs go in the next
//! digest.
//!
//! Matching is the follows' matching exactly: each digest's topic (as stored, corrected
//! once when the digest was made) is filed in a [`FollowIndex`], and each new brief finds the
//! digests it matches by reverse search. Many digests made at once (a round at 08:00 UTC)
//! cost one read of the new briefs and one look-up per brief, not one per digest and brief.
//! A few digests over many briefs (the first digest after a long downtime, or of a busy
//! day) go the other way: each brief is looked up in the postings of each digest's words,
//! which costs microseconds where reading a brief for the reverse search costs a quarter of
//! a millisecond. Both ways give the same answer (tested).

use crate::library::Library;
use crate::store::digests::Digest;
use crate::store::follows::FollowId;
use crate::store::{Store, StoreError};

use crate::search::{PreparedQuery, covers_every_word_prepared};

use super::matcher::FollowIndex;

/// Briefs listed in one digest at most; the rest are counted ("and N more").
pub const DIGEST_ITEMS: usize = 25;

/// Up to this many digests at once, each new brief is checked against each digest's topic
/// directly; more go through a [`FollowIndex`]. A direct check costs a few postings
/// look-ups, the reverse search reads the brief once for all digests: a few digests and
/// many briefs are cheaper directly.
const DIRECT_AT_MOST: usize = 16;

/// How the new briefs are matched to the digests of one round.
enum Matching {
    /// Each digest's topic, parsed once; `None`: no topic, every brief.
    Direct(Vec<Option<PreparedQuery>>),
    /// The topics filed for reverse search.
    Reverse(FollowIndex),
}

impl Matching {
    fn new(library: &Library, digests: &[(&Digest, i64)], direct: bool) -> Matching {
        if direct {
            let index = library.index();
            return Matching::Direct(
                digests
                    .iter()
                    .map(|(d, _)| {
                        (!d.topic.trim().is_empty()).then(|| PreparedQuery::new(index, &d.topic))
                    })
                    .collect(),
            );
        }
        // The slot of each digest in `digests` serves as its id in the index.
        Matching::Reverse(FollowIndex::build(
            library,
            digests
                .iter()
                .enumerate()
                .map(|(slot, (d, _))| (FollowId(slot as i64), d.topic.clone())),
        ))
    }

    /// The slots of the digests that brief `id` matches, in order.
    fn matches(&self, library: &Library, id: &str) -> Vec<usize> {
        match self {
            Matching::Reverse(index) => index
                .matches(library, id)
                .into_iter()
                .map(|slot| slot.0 as usize)
                .collect(),
            Matching::Direct(topics) => {
                let Some(doc) = library.doc_id(id) else {
                    return Vec::new();
                };
                let index = library.index();
                topics
                    .iter()
                    .enumerate()
                    .filter(|(_, topic)| {
                        topic
                            .as_ref()
                            .is_none_or(|t| covers_every_word_prepared(index, t, doc))
                    })
                    .map(|(slot, _)| slot)
                    .collect()
            }
        }
    }
}

/// One line of a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    pub brief_id: String,
    pub title: String,
    /// As the brief gives it (`2017-07-09`).
    pub published: String,
    /// The brief's source link, if it has one.
    pub source: Option<String>,
}

/// What one digest lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    /// Newest first, at most [`DIGEST_ITEMS`].
    pub items: Vec<DigestItem>,
    /// How many more matched.
    pub more: usize,
    /// The window: after `since`, up to `until` (Unix seconds).
    pub since: i64,
    pub until: i64,
}

impl Contents {
    /// Whether nothing new matched.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The contents of each digest of `digests`, each made at its `until` (Unix seconds), from
/// the briefs of `library` first seen in its window.
pub async fn compose(
    store: &Store,
    library: &Library,
    digests: &[(&Digest, i64)],
) -> Result<Vec<Contents>, StoreError> {
    let Some(since) = digests.iter().map(|(d, _)| d.window_start()).min() else {
        return Ok(Vec::new());
    };
    let until = digests.iter().map(|&(_, u)| u).max().unwrap_or(since);
    let new = store.first_seen_between(since, until).await?;
    Ok(compose_from(library, digests, &new))
}

/// [`compose`] from the briefs first seen, as (id, when): the pure part.
pub fn compose_from(
    library: &Library,
    digests: &[(&Digest, i64)],
    new: &[(String, i64)],
) -> Vec<Contents> {
    compose_with(library, digests, new, digests.len() <= DIRECT_AT_MOST)
}

/// [`compose_from`], matching directly or by reverse search as `direct` says.
fn compose_with(
    library: &Library,
    digests: &[(&Digest, i64)],
    new: &[(String, i64)],
    direct: bool,
) -> Vec<Contents> {
    let matching = Matching::new(library, digests, direct);
    let mut found: Vec<Vec<&crate::brief::Brief>> = vec![Vec::new(); digests.len()];
    for (id, first_seen) in new {
        let Some(brief) = library.get(id) else {
            continue;
        };
        for slot in matching.matches(library, id) {
            let (digest, until) = digests[slot];
            if *first_seen > digest.window_start() && first_seen <= &until {
                found[slot].push(brief);
            }
        }
    }
    found
        .into_iter()
        .zip(digests)
        .map(|(mut briefs, (digest, until))| {
            briefs.sort_by(|a, b| {
                b.published
                    .instant
                    .cmp(&a.published.instant)
                    .then(a.id.cmp(&b.id))
            });
            let more = briefs.len().saturating_sub(DIGEST_ITEMS);
            Contents {
                items: briefs
                    .into_iter()
                    .take(DIGEST_ITEMS)
                    .map(|b| DigestItem {
                        brief_id: b.id.to_string(),
                        title: b.title.clone(),
                        published: b.published.to_string(),
                        source: b.source.clone(),
                    })
                    .collect(),
                more,
                since: digest.window_start(),
                until: *until,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::matcher::tests::brief;
    use crate::store::digests::DigestId;

    fn digest(topic: &str, created_at: i64, covered_until: Option<i64>) -> Digest {
        Digest {
            id: DigestId(1),
            guild_id: 1,
            channel_id: 2,
            creator_id: 3,
            topic_typed: topic.into(),
            topic: topic.into(),
            time: "08:00".into(),
            timezone: "UTC".into(),
            days: "daily".into(),
            created_at,
            last_occurrence: None,
            covered_until,
            paused: None,
        }
    }

    fn seen(list: &[(&str, i64)]) -> Vec<(String, i64)> {
        list.iter().map(|&(id, at)| (id.to_owned(), at)).collect()
    }

    #[test]
    fn a_digest_lists_what_is_new_in_its_window_and_matches_its_topic() {
        let library = Library::new(vec![
            brief("old-storm", "Storm last week", "Rain."),
            brief("storm", "Storms ahead", "Wind and rain."),
            brief("vote", "Election day", "Polls open."),
            brief("late-storm", "Storm after the digest", "Hail."),
        ]);
        let new = seen(&[
            ("old-storm", 100),
            ("storm", 150),
            ("vote", 160),
            ("gone", 170),
            ("late-storm", 300),
        ]);
        let storms = digest("storm", 120, None);
        let everything = digest("", 0, Some(155));
        let contents = compose_from(&library, &[(&storms, 200), (&everything, 200)], &new);
        let ids = |c: &Contents| {
            c.items
                .iter()
                .map(|i| i.brief_id.clone())
                .collect::<Vec<_>>()
        };
        // Created at 120: the storm seen at 100 is not new, the one at 300 is for next time.
        assert_eq!(ids(&contents[0]), ["storm"]);
        assert_eq!((contents[0].since, contents[0].until), (119, 200));
        // Covered until 155 by the last digest: only the vote (the brief removed since is
        // left out).
        assert_eq!(ids(&contents[1]), ["vote"]);
        assert_eq!(contents[1].since, 155);
    }

    #[test]
    fn twenty_five_lines_newest_first_then_how_many_more() {
        let briefs: Vec<_> = (0..30)
            .map(|i| {
                let text = format!(
                    "id = \"b{i:02}\"\ntitle = \"Storm {i}\"\npublished = 2020-01-{:02}\nsummary = \"Rain.\"\n",
                    i + 1
                );
                crate::brief::parse(
                    std::path::Path::new("b.toml"),
                    text.as_bytes(),
                    crate::language::Language::English,
                )
                .unwrap()
            })
            .collect();
        let library = Library::new(briefs);
        let new: Vec<(String, i64)> = (0..30).map(|i| (format!("b{i:02}"), 10 + i)).collect();
        let everything = digest("", 0, None);
        let contents = compose_from(&library, &[(&everything, 100)], &new);
        assert_eq!(contents[0].items.len(), DIGEST_ITEMS);
        assert_eq!(contents[0].more, 5);
        assert_eq!(contents[0].items[0].published, "2020-01-30");
        assert_eq!(contents[0].items[24].published, "2020-01-06");
        let none = compose_from(&library, &[(&digest("election", 0, None), 100)], &new);
        assert!(none[0].is_empty());
        assert_eq!(none[0].more, 0);
    }

    #[test]
    fn matching_directly_and_by_reverse_search_agree() {
        let library = Library::new(vec![
            brief("hack", "Election hacking", "Hackers targeted the vote."),
            brief(
                "cyber",
                "A cyber unit",
                "Russia and the US talk of a cyber security unit.",
            ),
            brief("storm", "Storms ahead", "Wind and rain over the election."),
            brief("summit", "G20 summit", "Leaders met in Hamburg."),
        ]);
        let new = seen(&[("hack", 10), ("cyber", 11), ("storm", 12), ("summit", 13)]);
        let topics = [
            "",
            "election",
            "hacked elections",
            "\"cyber unit\"",
            "cyber unit",
            "the",
            "rain wind",
            "hamburg summit",
            "nothing here",
            "elektion",
        ];
        let digests: Vec<Digest> = topics.iter().map(|t| digest(t, 0, None)).collect();
        let due: Vec<(&Digest, i64)> = digests.iter().map(|d| (d, 100)).collect();
        let direct = compose_with(&library, &due, &new, true);
        let reverse = compose_with(&library, &due, &new, false);
        assert_eq!(direct, reverse);
        let ids = |c: &Contents| {
            c.items
                .iter()
                .map(|i| i.brief_id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&direct[1]).len(), 2, "election: {:?}", ids(&direct[1]));
        assert_eq!(ids(&direct[0]).len(), 4, "no topic: every brief");
        assert!(
            direct[5].is_empty(),
            "only a stop word: nothing, as /brief finds nothing"
        );
    }
}
