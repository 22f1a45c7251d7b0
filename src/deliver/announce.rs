//! New briefs to queued deliveries, in one transaction.
//!
//! A brief is *new* when its id was never seen, however it arrived. Announcing records the
//! briefs as seen and queues one delivery per matching follow in the same transaction, so a
//! crash loses neither and a replay (a restart, a reload seen twice, two processes) queues
//! nothing twice: the seen table says the brief is not new any more, and the deliveries'
//! unique key refuses a second row. An edited brief is announced again only with
//! `announce_updates`, once per edit (its content hash changes, its revision counts).
//!
//! At the very first start, the briefs already there are recorded as seen and none is
//! announced; at every later start, [`catch_up`] announces the briefs that arrived while the
//! bot was not running.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::brief::{Brief, BriefId};
use crate::library::Library;
use crate::store::seen::{self, Seen};
use crate::store::{Store, StoreError, deliveries, now};

use super::matcher::FollowIndex;

/// What an announcement did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Announced {
    /// Briefs seen for the first time.
    pub new: usize,
    /// Briefs seen before, with new content.
    pub edited: usize,
    /// Deliveries queued.
    pub queued: usize,
    /// The first start with this database: everything was recorded, nothing announced.
    pub first_start: bool,
}

/// The key under which the first start is remembered.
const INITIALISED: &str = "seen_initialised";

/// What a brief says, as a hash: an edit changes it, a file merely touched or moved does not.
pub fn content_hash(brief: &Brief) -> String {
    let text = brief.text();
    let content = json!({
        "title": brief.title,
        "published": brief.published.to_string(),
        "summary": text.summary(),
        "source": brief.source,
        "outlet": brief.outlet.as_deref(),
        "language": brief.language.to_string(),
        "image": brief.image,
        "tags": brief.tags.iter().map(|t| &**t).collect::<Vec<_>>(),
        "quotes": brief.quotes.iter().enumerate().map(|(at, q)| json!({
            "speaker": &*q.speaker,
            "role": q.role.as_deref(),
            "text": text.quote(at),
            "context": q.context.as_deref(),
        })).collect::<Vec<_>>(),
    });
    let digest = Sha256::digest(content.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Records the briefs `changed` (ids a reload put in `library`) as seen and queues a
/// delivery for each follow of `follows` that a new one matches (and, with
/// `announce_updates`, that an edited one matches).
pub async fn announce(
    store: &Store,
    library: &Library,
    follows: &FollowIndex,
    changed: &[BriefId],
    announce_updates: bool,
) -> Result<Announced, StoreError> {
    let mut tx = store.pool().begin().await.map_err(|e| store.error(e))?;
    let at = now();
    let mut announced = Announced::default();
    for id in changed {
        let Some(brief) = library.get(id.as_str()) else {
            continue;
        };
        let revision =
            match seen::record(store, &mut tx, id.as_str(), &content_hash(brief), at).await? {
                Seen::New => {
                    announced.new += 1;
                    0
                }
                Seen::Edited { revision } => {
                    announced.edited += 1;
                    if !announce_updates {
                        continue;
                    }
                    revision
                }
                Seen::Unchanged => continue,
            };
        for follow in follows.matches(library, id.as_str()) {
            if deliveries::queue(store, &mut tx, follow, id.as_str(), revision, at).await? {
                announced.queued += 1;
            }
        }
    }
    tx.commit().await.map_err(|e| store.error(e))?;
    Ok(announced)
}

/// At start-up: the first time, records every brief of `library` as seen and announces
/// none; afterwards, announces what changed while the bot was not running.
pub async fn catch_up(
    store: &Store,
    library: &Library,
    follows: &FollowIndex,
    announce_updates: bool,
) -> Result<Announced, StoreError> {
    let ids: Vec<BriefId> = library.briefs().map(|b| b.id.clone()).collect();
    let initialised = sqlx::query("SELECT value FROM store_meta WHERE key = $1")
        .bind(INITIALISED)
        .fetch_optional(store.pool())
        .await
        .map_err(|e| store.error(e))?
        .is_some();
    if initialised {
        return announce(store, library, follows, &ids, announce_updates).await;
    }
    let mut tx = store.pool().begin().await.map_err(|e| store.error(e))?;
    let at = now();
    let mut announced = Announced {
        first_start: true,
        ..Announced::default()
    };
    for brief in library.briefs() {
        if seen::record(store, &mut tx, brief.id.as_str(), &content_hash(brief), at).await?
            == Seen::New
        {
            announced.new += 1;
        }
    }
    sqlx::query("INSERT INTO store_meta (key, value) VALUES ($1, '1') ON CONFLICT DO NOTHING")
        .bind(INITIALISED)
        .execute(&mut *tx)
        .await
        .map_err(|e| store.error(e))?;
    tx.commit().await.map_err(|e| store.error(e))?;
    Ok(announced)
}

/// Files every follow of the store for matching against `library`.
pub async fn load_follows(store: &Store, library: &Library) -> Result<FollowIndex, StoreError> {
    let follows = store.follows().await?;
    Ok(FollowIndex::build(
        library,
        follows.into_iter().map(|f| (f.id, f.topic)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::matcher::tests::brief;
    use crate::store::deliveries::State;
    use crate::store::follows::{Created, FollowId, NewFollow, Target};
    use crate::store::testing::on_both;

    async fn follow(store: &Store, channel_id: u64, topic: &str) -> FollowId {
        let new = NewFollow {
            target: Target::Channel {
                guild_id: 1,
                channel_id,
            },
            creator_id: 2,
            topic_typed: topic.to_owned(),
            topic: topic.to_owned(),
            ping_role_id: None,
        };
        match store.create_follow(&new, 10).await.unwrap() {
            Created::New(follow) => follow.id,
            other => panic!("{other:?}"),
        }
    }

    fn ids(list: &[&str]) -> Vec<BriefId> {
        list.iter().map(|id| BriefId::parse(id).unwrap()).collect()
    }

    async fn queued(store: &Store) -> Vec<(i64, String, i64)> {
        store
            .deliveries(Some(State::Queued))
            .await
            .unwrap()
            .into_iter()
            .map(|d| (d.follow_id.0, d.brief_id, d.revision))
            .collect()
    }

    #[tokio::test]
    async fn the_first_start_records_everything_and_announces_nothing() {
        on_both(|store| async move {
            follow(&store, 1, "").await;
            let library = Library::new(vec![
                brief("a", "Storm", "Rain."),
                brief("b", "Flood", "Water."),
            ]);
            let index = load_follows(&store, &library).await.unwrap();
            let first = catch_up(&store, &library, &index, false).await.unwrap();
            assert_eq!(
                first,
                Announced {
                    new: 2,
                    first_start: true,
                    ..Announced::default()
                }
            );
            assert!(queued(&store).await.is_empty());
            assert_eq!(store.seen_count().await.unwrap(), 2);
            // A restart with the same briefs: nothing new.
            let again = catch_up(&store, &library, &index, false).await.unwrap();
            assert_eq!(again, Announced::default());
        })
        .await;
    }

    #[tokio::test]
    async fn a_new_brief_is_queued_once_for_each_matching_follow_whatever_is_replayed() {
        on_both(|store| async move {
            let everything = follow(&store, 1, "").await;
            let storms = follow(&store, 2, "storm").await;
            follow(&store, 3, "election").await;
            let before = Library::new(vec![brief("a", "Storm", "Rain.")]);
            let index = load_follows(&store, &before).await.unwrap();
            catch_up(&store, &before, &index, false).await.unwrap();
            let after = Library::new(vec![
                brief("a", "Storm", "Rain."),
                brief("b", "Storms ahead", "Wind."),
            ]);
            let done = announce(&store, &after, &index, &ids(&["b"]), false)
                .await
                .unwrap();
            assert_eq!((done.new, done.queued), (1, 2));
            let expected = vec![
                (everything.0, "b".to_owned(), 0),
                (storms.0, "b".to_owned(), 0),
            ];
            assert_eq!(queued(&store).await, expected);
            // The same reload seen again, a restart's catch-up, a brief touched: nothing more.
            let replay = announce(&store, &after, &index, &ids(&["a", "b"]), false)
                .await
                .unwrap();
            assert_eq!(replay, Announced::default());
            let index = load_follows(&store, &after).await.unwrap();
            let restart = catch_up(&store, &after, &index, true).await.unwrap();
            assert_eq!(restart, Announced::default());
            assert_eq!(queued(&store).await, expected);
        })
        .await;
    }

    #[tokio::test]
    async fn briefs_that_arrived_while_stopped_are_announced_at_start() {
        on_both(|store| async move {
            let everything = follow(&store, 1, "").await;
            let empty = Library::new(Vec::new());
            let index = load_follows(&store, &empty).await.unwrap();
            // The first start, with no brief yet.
            assert!(
                catch_up(&store, &empty, &index, false)
                    .await
                    .unwrap()
                    .first_start
            );
            let later = Library::new(vec![brief("a", "Storm", "Rain.")]);
            let index = load_follows(&store, &later).await.unwrap();
            let start = catch_up(&store, &later, &index, false).await.unwrap();
            assert!(!start.first_start);
            assert_eq!(queued(&store).await, [(everything.0, "a".to_owned(), 0)]);
        })
        .await;
    }

    #[tokio::test]
    async fn an_edited_brief_is_announced_only_with_announce_updates() {
        on_both(|store| async move {
            let everything = follow(&store, 1, "").await;
            let original = Library::new(vec![brief("a", "Storm", "Rain.")]);
            let index = load_follows(&store, &original).await.unwrap();
            catch_up(&store, &original, &index, false).await.unwrap();
            let edited = Library::new(vec![brief("a", "Storm", "Rain and wind.")]);
            let quiet = announce(&store, &edited, &index, &ids(&["a"]), false)
                .await
                .unwrap();
            assert_eq!((quiet.edited, quiet.queued), (1, 0));
            assert!(queued(&store).await.is_empty());
            let edited_again = Library::new(vec![brief("a", "Storm", "Rain, wind, hail.")]);
            let loud = announce(&store, &edited_again, &index, &ids(&["a"]), true)
                .await
                .unwrap();
            assert_eq!((loud.edited, loud.queued), (1, 1));
            assert_eq!(queued(&store).await, [(everything.0, "a".to_owned(), 2)]);
            // The same version again is no edit.
            let same = announce(&store, &edited_again, &index, &ids(&["a"]), true)
                .await
                .unwrap();
            assert_eq!(same, Announced::default());
        })
        .await;
    }
}
