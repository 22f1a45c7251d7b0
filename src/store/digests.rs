//! The `digests` and `digest_runs` tables: which channels get a digest of the news, when, and
//! which occurrences went out.
//!
//! A channel has one digest per topic: asking again changes its schedule (and resumes it if it
//! was paused) instead of making a second one. The schedule is kept as its three typed fields
//! and read by [`crate::deliver::schedule`].
//!
//! **Once per occurrence.** An occurrence is taken in hand by inserting its row in
//! `digest_runs` as `claimed`: the primary key lets one process in and turns every other away,
//! on SQLite and PostgreSQL alike. The holder posts, then marks the row `sent` with the
//! message id. A holder that dies leaves the row `claimed` until `claim_until`; after that
//! one atomic `UPDATE ... WHERE claim_until < now` lets exactly one other process take it
//! over. An occurrence missed for longer than the catch-up window is recorded `skipped`.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, discord_id, sql_id};

/// A digest's id in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DigestId(pub i64);

impl std::fmt::Display for DigestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A digest to create (the schedule's fields already checked by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDigest {
    pub guild_id: u64,
    pub channel_id: u64,
    pub creator_id: u64,
    /// The topic as typed.
    pub topic_typed: String,
    /// The topic as matched (corrected); empty: every new brief.
    pub topic: String,
    /// `HH:MM`.
    pub time: String,
    /// An IANA name.
    pub timezone: String,
    /// `daily`, `weekdays`, or days such as `mon,wed,fri`.
    pub days: String,
}

/// A digest as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub id: DigestId,
    pub guild_id: u64,
    pub channel_id: u64,
    pub creator_id: u64,
    pub topic_typed: String,
    /// Empty: every new brief.
    pub topic: String,
    pub time: String,
    pub timezone: String,
    pub days: String,
    /// Unix seconds.
    pub created_at: i64,
    /// The occurrence of the last digest sent.
    pub last_occurrence: Option<i64>,
    /// The end of the window the last digest sent covered.
    pub covered_until: Option<i64>,
    /// Why posting stopped; `None`: active.
    pub paused: Option<String>,
}

impl Digest {
    /// Where the next digest's window starts (the briefs first seen after it are new): the
    /// end of the last one's, or, for the first, the second before the creation (times are
    /// whole seconds: a brief seen in the very second the digest was made is new to it).
    pub fn window_start(&self) -> i64 {
        self.covered_until.unwrap_or(self.created_at - 1)
    }
}

/// What [`Store::create_digest`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestCreated {
    /// A new digest.
    New(Digest),
    /// The channel already had a digest on the topic: that one, with the schedule given now,
    /// resumed if it was paused.
    Updated { digest: Digest, resumed: bool },
}

/// Where an occurrence stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    /// Taken in hand by `by` until `until`.
    Claimed { by: String, until: i64 },
    /// Posted (`Some` message id) or found empty and not posted (`None`).
    Sent { message_id: Option<u64> },
    /// Missed for longer than the catch-up window.
    Skipped,
}

const COLUMNS: &str = "id, guild_id, channel_id, creator_id, topic_typed, topic, time, timezone, \
                       days, created_at, last_occurrence, covered_until, paused_reason";

impl Store {
    fn digest_from_row(&self, row: &AnyRow) -> Result<Digest, StoreError> {
        let get = |column: &'static str| -> Result<i64, StoreError> {
            row.try_get(column).map_err(|e| self.error(e))
        };
        let text = |column: &'static str| -> Result<String, StoreError> {
            row.try_get(column).map_err(|e| self.error(e))
        };
        let optional = |column: &'static str| -> Result<Option<i64>, StoreError> {
            row.try_get(column).map_err(|e| self.error(e))
        };
        Ok(Digest {
            id: DigestId(get("id")?),
            guild_id: discord_id(self, "guild_id", get("guild_id")?)?,
            channel_id: discord_id(self, "channel_id", get("channel_id")?)?,
            creator_id: discord_id(self, "creator_id", get("creator_id")?)?,
            topic_typed: text("topic_typed")?,
            topic: text("topic")?,
            time: text("time")?,
            timezone: text("timezone")?,
            days: text("days")?,
            created_at: get("created_at")?,
            last_occurrence: optional("last_occurrence")?,
            covered_until: optional("covered_until")?,
            paused: row.try_get("paused_reason").map_err(|e| self.error(e))?,
        })
    }

    async fn digests_where(&self, clause: &str, ids: &[i64]) -> Result<Vec<Digest>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM digests {clause} ORDER BY id");
        let mut query = sqlx::query(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        rows.iter().map(|row| self.digest_from_row(row)).collect()
    }

    /// Makes a digest (created at `at`, Unix seconds), or gives the channel's digest on that
    /// topic the schedule of `new` and resumes it.
    pub async fn create_digest(
        &self,
        new: &NewDigest,
        at: i64,
    ) -> Result<DigestCreated, StoreError> {
        let channel = sql_id("channel id", new.channel_id)?;
        if let Some(existing) = self.find_digest(new.channel_id, &new.topic).await? {
            sqlx::query(
                "UPDATE digests SET time = $1, timezone = $2, days = $3, paused_reason = NULL \
                 WHERE id = $4",
            )
            .bind(&new.time)
            .bind(&new.timezone)
            .bind(&new.days)
            .bind(existing.id.0)
            .execute(self.pool())
            .await
            .map_err(|e| self.error(e))?;
            let resumed = existing.paused.is_some();
            let digest = self.digest(existing.id).await?.unwrap_or(existing);
            return Ok(DigestCreated::Updated { digest, resumed });
        }
        let sql = format!(
            "INSERT INTO digests (guild_id, channel_id, creator_id, topic_typed, topic, time, \
             timezone, days, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT DO NOTHING RETURNING {COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(sql_id("guild id", new.guild_id)?)
            .bind(channel)
            .bind(sql_id("user id", new.creator_id)?)
            .bind(&new.topic_typed)
            .bind(&new.topic)
            .bind(&new.time)
            .bind(&new.timezone)
            .bind(&new.days)
            .bind(at)
            .fetch_optional(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        match row {
            Some(row) => Ok(DigestCreated::New(self.digest_from_row(&row)?)),
            // Made by someone else since the look-up above.
            None => match self.find_digest(new.channel_id, &new.topic).await? {
                Some(digest) => Ok(DigestCreated::Updated {
                    digest,
                    resumed: false,
                }),
                None => Err(StoreError::Corrupt {
                    location: self.location().to_owned(),
                    column: "digests",
                    value: "a digest that conflicts and cannot be found".into(),
                }),
            },
        }
    }

    /// The digest `channel_id` has on `topic`, if any.
    pub async fn find_digest(
        &self,
        channel_id: u64,
        topic: &str,
    ) -> Result<Option<Digest>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM digests WHERE channel_id = $1 AND topic = $2");
        let row = sqlx::query(&sql)
            .bind(sql_id("channel id", channel_id)?)
            .bind(topic)
            .fetch_optional(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        row.map(|row| self.digest_from_row(&row)).transpose()
    }

    /// One digest.
    pub async fn digest(&self, id: DigestId) -> Result<Option<Digest>, StoreError> {
        Ok(self
            .digests_where("WHERE id = $1", &[id.0])
            .await?
            .into_iter()
            .next())
    }

    /// Every digest, oldest first.
    pub async fn digests(&self) -> Result<Vec<Digest>, StoreError> {
        self.digests_where("", &[]).await
    }

    /// The digests that post (not paused), oldest first.
    pub async fn active_digests(&self) -> Result<Vec<Digest>, StoreError> {
        self.digests_where("WHERE paused_reason IS NULL", &[]).await
    }

    /// The digests of a server: what its members see.
    pub async fn guild_digests(&self, guild_id: u64) -> Result<Vec<Digest>, StoreError> {
        self.digests_where("WHERE guild_id = $1", &[sql_id("guild id", guild_id)?])
            .await
    }

    /// Deletes a digest and its runs; whether it existed.
    pub async fn remove_digest(&self, id: DigestId) -> Result<bool, StoreError> {
        let mut tx = self.pool().begin().await.map_err(|e| self.error(e))?;
        sqlx::query("DELETE FROM digest_runs WHERE digest_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
        let done = sqlx::query("DELETE FROM digests WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
        tx.commit().await.map_err(|e| self.error(e))?;
        Ok(done.rows_affected() > 0)
    }

    /// Pauses a digest with the reason; `true` only when it was active.
    pub async fn pause_digest(&self, id: DigestId, reason: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE digests SET paused_reason = $1 WHERE id = $2 AND paused_reason IS NULL",
        )
        .bind(reason)
        .bind(id.0)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        Ok(done.rows_affected() > 0)
    }

    /// Takes occurrence `occurrence` of digest `id` in hand for `by` until `until`, as of
    /// `now`: a new claim, or one whose holder let `claim_until` pass. `false`: another
    /// process has it, or it is done.
    pub async fn claim_digest(
        &self,
        id: DigestId,
        occurrence: i64,
        by: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO digest_runs (digest_id, occurrence, state, claimed_by, claim_until) \
             VALUES ($1, $2, 'claimed', $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(id.0)
        .bind(occurrence)
        .bind(by)
        .bind(until)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        if inserted.rows_affected() > 0 {
            return Ok(true);
        }
        let taken_over = sqlx::query(
            "UPDATE digest_runs SET claimed_by = $1, claim_until = $2 \
             WHERE digest_id = $3 AND occurrence = $4 AND state = 'claimed' AND claim_until < $5",
        )
        .bind(by)
        .bind(until)
        .bind(id.0)
        .bind(occurrence)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        Ok(taken_over.rows_affected() > 0)
    }

    /// Records that `by`'s claim on the occurrence went out (`message_id`: what was posted;
    /// `None`: an empty digest, not posted), covering the briefs first seen up to
    /// `covered_until`. `false` when `by` no longer held the claim.
    pub async fn mark_digest_sent(
        &self,
        id: DigestId,
        occurrence: i64,
        by: &str,
        message_id: Option<u64>,
        covered_until: i64,
    ) -> Result<bool, StoreError> {
        let message = message_id.map(|m| sql_id("message id", m)).transpose()?;
        let mut tx = self.pool().begin().await.map_err(|e| self.error(e))?;
        let done = sqlx::query(
            "UPDATE digest_runs SET state = 'sent', message_id = $1 \
             WHERE digest_id = $2 AND occurrence = $3 AND state = 'claimed' AND claimed_by = $4",
        )
        .bind(message)
        .bind(id.0)
        .bind(occurrence)
        .bind(by)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.error(e))?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE digests SET last_occurrence = $1, covered_until = $2 \
             WHERE id = $3 AND (last_occurrence IS NULL OR last_occurrence < $1)",
        )
        .bind(occurrence)
        .bind(covered_until)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.error(e))?;
        tx.commit().await.map_err(|e| self.error(e))?;
        Ok(true)
    }

    /// Records an occurrence as skipped (missed for longer than the catch-up window), as of
    /// `now`: unless it was done, or is held by a live claim. Whether it was recorded now.
    pub async fn mark_digest_skipped(
        &self,
        id: DigestId,
        occurrence: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO digest_runs (digest_id, occurrence, state) VALUES ($1, $2, 'skipped') \
             ON CONFLICT DO NOTHING",
        )
        .bind(id.0)
        .bind(occurrence)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        if inserted.rows_affected() > 0 {
            return Ok(true);
        }
        let abandoned = sqlx::query(
            "UPDATE digest_runs SET state = 'skipped' \
             WHERE digest_id = $1 AND occurrence = $2 AND state = 'claimed' AND claim_until < $3",
        )
        .bind(id.0)
        .bind(occurrence)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        Ok(abandoned.rows_affected() > 0)
    }

    /// Gives up `by`'s claim, so that the occurrence may be tried again (the post failed for
    /// now). Whether there was such a claim.
    pub async fn release_digest(
        &self,
        id: DigestId,
        occurrence: i64,
        by: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM digest_runs \
             WHERE digest_id = $1 AND occurrence = $2 AND state = 'claimed' AND claimed_by = $3",
        )
        .bind(id.0)
        .bind(occurrence)
        .bind(by)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        Ok(done.rows_affected() > 0)
    }

    /// Where an occurrence stands; `None`: nobody took it in hand yet.
    pub async fn digest_run(
        &self,
        id: DigestId,
        occurrence: i64,
    ) -> Result<Option<RunState>, StoreError> {
        let row = sqlx::query(
            "SELECT state, claimed_by, claim_until, message_id FROM digest_runs \
             WHERE digest_id = $1 AND occurrence = $2",
        )
        .bind(id.0)
        .bind(occurrence)
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let state: String = row.try_get("state").map_err(|e| self.error(e))?;
        Ok(Some(match state.as_str() {
            "claimed" => RunState::Claimed {
                by: row
                    .try_get::<Option<String>, _>("claimed_by")
                    .map_err(|e| self.error(e))?
                    .unwrap_or_default(),
                until: row
                    .try_get::<Option<i64>, _>("claim_until")
                    .map_err(|e| self.error(e))?
                    .unwrap_or(0),
            },
            "sent" => RunState::Sent {
                message_id: row
                    .try_get::<Option<i64>, _>("message_id")
                    .map_err(|e| self.error(e))?
                    .map(|m| discord_id(self, "message_id", m))
                    .transpose()?,
            },
            "skipped" => RunState::Skipped,
            _ => {
                return Err(StoreError::Corrupt {
                    location: self.location().to_owned(),
                    column: "digest_runs.state",
                    value: state,
                });
            }
        }))
    }

    /// The occurrences at or after `since` that need nothing more as of `now`: done (sent or
    /// skipped), or held by a live claim. One query for a whole round.
    pub async fn settled_digest_runs(
        &self,
        since: i64,
        now: i64,
    ) -> Result<Vec<(DigestId, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT digest_id, occurrence FROM digest_runs \
             WHERE occurrence >= $1 AND (state <> 'claimed' OR claim_until >= $2)",
        )
        .bind(since)
        .bind(now)
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        rows.iter()
            .map(|row| {
                Ok((
                    DigestId(row.try_get("digest_id").map_err(|e| self.error(e))?),
                    row.try_get("occurrence").map_err(|e| self.error(e))?,
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::on_both;

    pub(crate) fn new_digest(channel_id: u64, topic: &str) -> NewDigest {
        NewDigest {
            guild_id: 10,
            channel_id,
            creator_id: 7,
            topic_typed: topic.to_owned(),
            topic: topic.to_owned(),
            time: "08:00".into(),
            timezone: "Europe/Berlin".into(),
            days: "daily".into(),
        }
    }

    async fn made(store: &Store, new: &NewDigest, at: i64) -> Digest {
        match store.create_digest(new, at).await.unwrap() {
            DigestCreated::New(digest) => digest,
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_digest_is_made_once_per_channel_and_topic_and_asking_again_reschedules_it() {
        on_both(|store| async move {
            let first = made(&store, &new_digest(1, "storms"), 1_000).await;
            assert_eq!(first.created_at, 1_000);
            assert_eq!(first.window_start(), 999);
            assert!(
                store
                    .pause_digest(first.id, "Missing Access")
                    .await
                    .unwrap()
            );
            assert!(
                !store.pause_digest(first.id, "again").await.unwrap(),
                "once"
            );
            assert!(store.active_digests().await.unwrap().is_empty());
            let mut again = new_digest(1, "storms");
            again.time = "18:30".into();
            again.days = "weekdays".into();
            let DigestCreated::Updated { digest, resumed } =
                store.create_digest(&again, 2_000).await.unwrap()
            else {
                panic!("expected the same digest")
            };
            assert!(resumed);
            assert_eq!(digest.id, first.id);
            assert_eq!(
                (digest.time.as_str(), digest.days.as_str()),
                ("18:30", "weekdays")
            );
            assert_eq!(digest.created_at, 1_000, "still new since it was set up");
            assert_eq!(digest.paused, None);
            // Another topic, another channel, another server: other digests.
            made(&store, &new_digest(1, ""), 1).await;
            made(&store, &new_digest(2, "storms"), 1).await;
            let mut elsewhere = new_digest(3, "storms");
            elsewhere.guild_id = 11;
            made(&store, &elsewhere, 1).await;
            assert_eq!(store.digests().await.unwrap().len(), 4);
            assert_eq!(store.guild_digests(10).await.unwrap().len(), 3);
            assert_eq!(store.guild_digests(11).await.unwrap().len(), 1);
            assert_eq!(
                store.find_digest(1, "storms").await.unwrap().map(|d| d.id),
                Some(first.id)
            );
            assert!(store.remove_digest(first.id).await.unwrap());
            assert!(!store.remove_digest(first.id).await.unwrap());
            assert_eq!(store.find_digest(1, "storms").await.unwrap(), None);
        })
        .await;
    }

    #[tokio::test]
    async fn an_occurrence_is_claimed_by_one_and_taken_over_only_after_the_lease() {
        on_both(|store| async move {
            let digest = made(&store, &new_digest(1, ""), 0).await;
            let id = digest.id;
            assert!(store.claim_digest(id, 100, "a", 150, 450).await.unwrap());
            assert!(!store.claim_digest(id, 100, "b", 160, 460).await.unwrap());
            assert_eq!(
                store.digest_run(id, 100).await.unwrap(),
                Some(RunState::Claimed {
                    by: "a".into(),
                    until: 450
                })
            );
            assert_eq!(
                store.settled_digest_runs(100, 200).await.unwrap(),
                [(id, 100)]
            );
            // "a" dies; after its lease, "b" takes over, and "a"'s late mark is refused.
            assert_eq!(store.settled_digest_runs(100, 451).await.unwrap(), []);
            assert!(store.claim_digest(id, 100, "b", 451, 751).await.unwrap());
            assert!(!store.claim_digest(id, 100, "c", 452, 752).await.unwrap());
            assert!(
                !store
                    .mark_digest_sent(id, 100, "a", Some(5), 120)
                    .await
                    .unwrap()
            );
            assert!(
                store
                    .mark_digest_sent(id, 100, "b", Some(6), 451)
                    .await
                    .unwrap()
            );
            assert_eq!(
                store.digest_run(id, 100).await.unwrap(),
                Some(RunState::Sent {
                    message_id: Some(6)
                })
            );
            let after = store.digest(id).await.unwrap().unwrap();
            assert_eq!(
                (after.last_occurrence, after.window_start()),
                (Some(100), 451)
            );
            // Done: nobody claims it again, even after any lease.
            assert!(
                !store
                    .claim_digest(id, 100, "c", 10_000, 10_300)
                    .await
                    .unwrap()
            );
            assert!(!store.mark_digest_skipped(id, 100, 10_000).await.unwrap());
        })
        .await;
    }

    #[tokio::test]
    async fn a_missed_occurrence_is_skipped_and_a_failed_post_released() {
        on_both(|store| async move {
            let id = made(&store, &new_digest(1, ""), 0).await.id;
            assert!(store.mark_digest_skipped(id, 100, 9_000).await.unwrap());
            assert!(!store.mark_digest_skipped(id, 100, 9_001).await.unwrap());
            assert_eq!(
                store.digest_run(id, 100).await.unwrap(),
                Some(RunState::Skipped)
            );
            assert!(
                !store
                    .claim_digest(id, 100, "a", 9_002, 9_300)
                    .await
                    .unwrap()
            );
            // A skip leaves the window where it was: the next digest lists those briefs.
            assert_eq!(store.digest(id).await.unwrap().unwrap().window_start(), -1);
            // A live claim is not skipped; an abandoned one is.
            assert!(store.claim_digest(id, 200, "a", 200, 500).await.unwrap());
            assert!(!store.mark_digest_skipped(id, 200, 300).await.unwrap());
            assert!(store.mark_digest_skipped(id, 200, 501).await.unwrap());
            // Released, an occurrence can be claimed again.
            assert!(store.claim_digest(id, 300, "a", 300, 600).await.unwrap());
            assert!(!store.release_digest(id, 300, "b").await.unwrap());
            assert!(store.release_digest(id, 300, "a").await.unwrap());
            assert_eq!(store.digest_run(id, 300).await.unwrap(), None);
            assert!(store.claim_digest(id, 300, "b", 301, 600).await.unwrap());
            // An empty digest is sent without a message.
            assert!(
                store
                    .mark_digest_sent(id, 300, "b", None, 301)
                    .await
                    .unwrap()
            );
            assert_eq!(
                store.digest_run(id, 300).await.unwrap(),
                Some(RunState::Sent { message_id: None })
            );
            // Removing the digest removes its runs.
            assert!(store.remove_digest(id).await.unwrap());
            assert_eq!(store.digest_run(id, 300).await.unwrap(), None);
        })
        .await;
    }

    #[tokio::test]
    async fn racing_claims_let_exactly_one_in() {
        on_both(|store| async move {
            let id = made(&store, &new_digest(1, ""), 0).await.id;
            let claims = (0..8).map(|n| {
                let store = store.clone();
                async move {
                    store
                        .claim_digest(id, 100, &format!("p{n}"), 150, 450)
                        .await
                        .unwrap()
                }
            });
            let won = futures_util::future::join_all(claims).await;
            assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
        })
        .await;
    }
}
