//! The `deliveries` table: one row per (follow, brief, revision) to post, and its outcome.
//!
//! A row is queued in the transaction that records the brief as seen, so a crash can lose
//! neither; the unique key makes queueing twice a no-op. The worker sends queued rows and
//! records the message id. The one window for a duplicate: the platform accepted a message
//! and the process died before recording it; the row is still queued and is sent again.
//!
//! Several processes may share the database. A worker first *claims* the rows it will send
//! ([`Store::claim`]): one statement that marks them with its owner id and a lease end, so
//! that no other process takes them until the lease runs out (PostgreSQL: `FOR UPDATE SKIP
//! LOCKED`, so claimers never wait on each other; SQLite: one writer at a time). Recording
//! the outcome applies only to rows still claimed by that owner, and ends the claim: a
//! process whose lease ran out, and whose rows another process took, records nothing.

use std::time::Duration;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::follows::FollowId;
use super::{Conn, Store, StoreError, discord_id, now, sql_id};

/// A delivery's id in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeliveryId(pub i64);

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Queued,
    Sent,
    Failed,
}

impl State {
    /// As stored, and as `briefbot follows --json` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sent => "sent",
            State::Failed => "failed",
        }
    }
}

/// One brief (or one edit of it) for one follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub follow_id: FollowId,
    pub brief_id: String,
    /// 0: the brief is new; n: its n-th edit.
    pub revision: i64,
    pub state: State,
    /// Unix seconds.
    pub queued_at: i64,
    pub sent_at: Option<i64>,
    pub message_id: Option<u64>,
    pub attempts: i64,
    /// The last failure, if any.
    pub error: Option<String>,
}

/// Queues brief `brief_id` (revision `revision`) for a follow inside the caller's
/// transaction; `false` when it was queued before (nothing is queued twice).
pub async fn queue(
    store: &Store,
    conn: &mut Conn,
    follow_id: FollowId,
    brief_id: &str,
    revision: i64,
    at: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO deliveries (follow_id, brief_id, revision, state, queued_at) \
         VALUES ($1, $2, $3, 'queued', $4) ON CONFLICT DO NOTHING",
    )
    .bind(follow_id.0)
    .bind(brief_id)
    .bind(revision)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(|e| store.error(e))?;
    Ok(done.rows_affected() > 0)
}

/// The servers whose deliveries a claim may take, when several processes split Discord's
/// shards: those on shards `first..last` of `total` (shard = `(guild_id >> 22) % total`), and
/// the personal (direct message) follows when `personal`. `deliver::shards::Coverage` makes
/// it from the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardFilter {
    pub total: u32,
    pub first: u32,
    pub last: u32,
    pub personal: bool,
}

impl ShardFilter {
    /// The SQL condition on the follow `f` (numbers only: nothing here comes from a user).
    fn condition(self) -> String {
        let total = self.total.max(1);
        let shard = format!("((f.guild_id >> 22) % {total})");
        let guilds = format!(
            "(f.scope = 'channel' AND {shard} >= {} AND {shard} < {})",
            self.first, self.last
        );
        if self.personal {
            format!("({guilds} OR f.scope = 'personal')")
        } else {
            guilds
        }
    }
}

const COLUMNS: &str = "d.id, d.follow_id, d.brief_id, d.revision, d.state, d.queued_at, d.sent_at, \
                       d.message_id, d.attempts, d.error";

impl Store {
    fn delivery_from_row(&self, row: &AnyRow) -> Result<Delivery, StoreError> {
        let e = |err| self.error(err);
        let state: String = row.try_get("state").map_err(e)?;
        let state = match state.as_str() {
            "queued" => State::Queued,
            "sent" => State::Sent,
            "failed" => State::Failed,
            _ => {
                return Err(StoreError::Corrupt {
                    location: self.location().to_owned(),
                    column: "state",
                    value: state,
                });
            }
        };
        let message_id: Option<i64> = row.try_get("message_id").map_err(e)?;
        Ok(Delivery {
            id: DeliveryId(row.try_get("id").map_err(e)?),
            follow_id: FollowId(row.try_get("follow_id").map_err(e)?),
            brief_id: row.try_get("brief_id").map_err(e)?,
            revision: row.try_get("revision").map_err(e)?,
            state,
            queued_at: row.try_get("queued_at").map_err(e)?,
            sent_at: row.try_get("sent_at").map_err(e)?,
            message_id: message_id
                .map(|m| discord_id(self, "message_id", m))
                .transpose()?,
            attempts: row.try_get("attempts").map_err(e)?,
            error: row.try_get("error").map_err(e)?,
        })
    }

    /// Deliveries in `state` (all when `None`), oldest first.
    pub async fn deliveries(&self, state: Option<State>) -> Result<Vec<Delivery>, StoreError> {
        let sql = match state {
            Some(_) => {
                format!("SELECT {COLUMNS} FROM deliveries d WHERE d.state = $1 ORDER BY d.id")
            }
            None => format!("SELECT {COLUMNS} FROM deliveries d ORDER BY d.id"),
        };
        let mut query = sqlx::query(&sql);
        if let Some(state) = state {
            query = query.bind(state.as_str());
        }
        let rows = query
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        rows.iter().map(|row| self.delivery_from_row(row)).collect()
    }

    /// The queued deliveries of active follows, oldest first: what the worker sends next
    /// (a paused follow's stay queued until it is resumed).
    pub async fn sendable(&self, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM deliveries d JOIN follows f ON f.id = d.follow_id \
             WHERE d.state = 'queued' AND f.paused_reason IS NULL ORDER BY d.id LIMIT $1"
        );
        let rows = sqlx::query(&sql)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        rows.iter().map(|row| self.delivery_from_row(row)).collect()
    }

    /// Claims up to `limit` queued deliveries of active follows for `owner`, oldest first,
    /// until `lease` from now: rows nobody claimed, or whose claim ran out, of the servers
    /// `shards` covers (all when `None`). No two claimers get the same row while a claim
    /// lasts.
    pub async fn claim(
        &self,
        owner: &str,
        shards: Option<ShardFilter>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.claim_at(owner, shards, lease, limit, now()).await
    }

    /// [`Store::claim`] as if it were `at` (Unix seconds).
    pub async fn claim_at(
        &self,
        owner: &str,
        shards: Option<ShardFilter>,
        lease: Duration,
        limit: usize,
        at: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let until = at.saturating_add(i64::try_from(lease.as_secs()).unwrap_or(i64::MAX));
        let covered = shards.map_or_else(|| "TRUE".to_owned(), ShardFilter::condition);
        let pick = format!(
            "SELECT d.id FROM deliveries d JOIN follows f ON f.id = d.follow_id \
             WHERE d.state = 'queued' AND f.paused_reason IS NULL \
             AND (d.claim_until IS NULL OR d.claim_until < $3) AND {covered} \
             ORDER BY d.id LIMIT $4"
        );
        let returning = COLUMNS.replace("d.", "");
        let sql = match self.backend() {
            // Rows another claimer holds locked are skipped, not waited for; a row it claimed
            // and committed meanwhile is checked again after the lock and left out.
            super::Backend::Postgres => format!(
                "WITH picked AS MATERIALIZED ({pick} FOR UPDATE OF d SKIP LOCKED) \
                 UPDATE deliveries SET claimed_by = $1, claim_until = $2 \
                 WHERE id IN (SELECT id FROM picked) RETURNING {returning}"
            ),
            // SQLite takes the write lock when the statement starts: claimers go one by one.
            super::Backend::Sqlite => format!(
                "UPDATE deliveries SET claimed_by = $1, claim_until = $2 \
                 WHERE id IN ({pick}) RETURNING {returning}"
            ),
        };
        let rows = sqlx::query(&sql)
            .bind(owner)
            .bind(until)
            .bind(at)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        let mut claimed = rows
            .iter()
            .map(|row| self.delivery_from_row(row))
            .collect::<Result<Vec<_>, _>>()?;
        claimed.sort_by_key(|d| d.id);
        Ok(claimed)
    }

    /// Extends `owner`'s claim of these deliveries to `lease` from now, right before they are
    /// posted; `false` when any of them is no longer claimed by `owner` (its lease ran out and
    /// another process took it, or it was recorded): then post none of them.
    pub async fn renew_claim(
        &self,
        ids: &[DeliveryId],
        owner: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let at = now();
        let until = at.saturating_add(i64::try_from(lease.as_secs()).unwrap_or(i64::MAX));
        let mut tx = self.pool().begin().await.map_err(|e| self.error(e))?;
        let mut renewed = 0;
        for id in ids {
            let done = sqlx::query(
                "UPDATE deliveries SET claim_until = $1 \
                 WHERE id = $2 AND claimed_by = $3 AND state = 'queued'",
            )
            .bind(until)
            .bind(id.0)
            .bind(owner)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
            renewed += done.rows_affected();
        }
        if renewed == ids.len() as u64 {
            tx.commit().await.map_err(|e| self.error(e))?;
            Ok(true)
        } else {
            tx.rollback().await.map_err(|e| self.error(e))?;
            Ok(false)
        }
    }

    /// Ends `owner`'s claims of deliveries still queued (what a round took and left for
    /// later), so that any process may take them at once; how many were released.
    pub async fn release_claims(&self, owner: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE deliveries SET claimed_by = NULL, claim_until = NULL \
             WHERE claimed_by = $1 AND state = 'queued'",
        )
        .bind(owner)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        Ok(done.rows_affected())
    }

    /// Records that these deliveries went out as message `message_id` (one message can carry
    /// several: a summary), and that their follow posted; only those still claimed by
    /// `owner` are recorded, and their claim ends. How many were recorded: fewer than `ids`
    /// when `owner`'s lease ran out and another process took them.
    pub async fn mark_sent(
        &self,
        ids: &[DeliveryId],
        owner: &str,
        follow_id: FollowId,
        message_id: u64,
    ) -> Result<usize, StoreError> {
        let at = now();
        let message = sql_id("message id", message_id)?;
        let mut tx = self.pool().begin().await.map_err(|e| self.error(e))?;
        let mut recorded = 0;
        for id in ids {
            let done = sqlx::query(
                "UPDATE deliveries SET state = 'sent', sent_at = $1, message_id = $2, \
                 attempts = attempts + 1, error = NULL, claimed_by = NULL, claim_until = NULL \
                 WHERE id = $3 AND claimed_by = $4",
            )
            .bind(at)
            .bind(message)
            .bind(id.0)
            .bind(owner)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
            recorded += usize::try_from(done.rows_affected()).unwrap_or(0);
        }
        if recorded > 0 {
            sqlx::query("UPDATE follows SET last_posted_at = $1 WHERE id = $2")
                .bind(at)
                .bind(follow_id.0)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.error(e))?;
        }
        tx.commit().await.map_err(|e| self.error(e))?;
        Ok(recorded)
    }

    /// Records a failed attempt of deliveries `owner` claimed, and ends the claim. `give_up`:
    /// the deliveries are failed for good; otherwise they stay queued for another try. How
    /// many were recorded (rows no longer claimed by `owner` are left alone).
    pub async fn mark_attempt_failed(
        &self,
        ids: &[DeliveryId],
        owner: &str,
        error: &str,
        give_up: bool,
    ) -> Result<usize, StoreError> {
        let state = if give_up { "failed" } else { "queued" };
        let mut tx = self.pool().begin().await.map_err(|e| self.error(e))?;
        let mut recorded = 0;
        for id in ids {
            let done = sqlx::query(
                "UPDATE deliveries SET state = $1, attempts = attempts + 1, error = $2, \
                 claimed_by = NULL, claim_until = NULL WHERE id = $3 AND claimed_by = $4",
            )
            .bind(state)
            .bind(error)
            .bind(id.0)
            .bind(owner)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
            recorded += usize::try_from(done.rows_affected()).unwrap_or(0);
        }
        tx.commit().await.map_err(|e| self.error(e))?;
        Ok(recorded)
    }
}

/// An id for this process's claims, unique among the processes sharing a database:
/// `hostname-pid-random`.
pub fn owner_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned());
    // Not cryptographic: only tells apart two processes that got the same pid (in two
    // containers on one host, say).
    let random = std::collections::hash_map::RandomState::new();
    let noise = std::hash::BuildHasher::hash_one(
        &random,
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!("{host}-{}-{:08x}", std::process::id(), noise as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::follows::{Created, NewFollow, Target};
    use crate::store::testing::on_both;

    const LEASE: Duration = Duration::from_secs(60);

    async fn follow_on(store: &Store, target: Target) -> FollowId {
        let new = NewFollow {
            target,
            creator_id: 2,
            topic_typed: String::new(),
            topic: String::new(),
            ping_role_id: None,
        };
        match store.create_follow(&new, 10).await.unwrap() {
            Created::New(follow) => follow.id,
            other => panic!("{other:?}"),
        }
    }

    async fn follow(store: &Store, channel_id: u64) -> FollowId {
        follow_on(
            store,
            Target::Channel {
                guild_id: 1,
                channel_id,
            },
        )
        .await
    }

    /// Queues `n` briefs for `follow`.
    async fn queue_n(store: &Store, follow: FollowId, n: usize) {
        let mut tx = store.pool().begin().await.unwrap();
        for i in 0..n {
            queue(store, &mut tx, follow, &format!("b{i}"), 0, 1)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }

    fn ids(deliveries: &[Delivery]) -> Vec<DeliveryId> {
        deliveries.iter().map(|d| d.id).collect()
    }

    #[tokio::test]
    async fn a_delivery_is_queued_once_sent_once_and_paused_follows_wait() {
        on_both(|store| async move {
            let a = follow(&store, 1).await;
            let b = follow(&store, 2).await;
            let mut conn = store.pool().acquire().await.unwrap();
            assert!(queue(&store, &mut conn, a, "x", 0, 1).await.unwrap());
            assert!(!queue(&store, &mut conn, a, "x", 0, 2).await.unwrap());
            assert!(
                queue(&store, &mut conn, a, "x", 1, 3).await.unwrap(),
                "an edit"
            );
            assert!(queue(&store, &mut conn, b, "x", 0, 4).await.unwrap());
            drop(conn);
            assert_eq!(store.sendable(10).await.unwrap().len(), 3);
            store.pause_follow(b, "Unknown Channel").await.unwrap();
            let claimed = store.claim("me", None, LEASE, 10).await.unwrap();
            assert_eq!(claimed.len(), 2);
            assert!(claimed.iter().all(|d| d.follow_id == a));
            let recorded = store
                .mark_sent(&ids(&claimed), "me", a, 1_300_000_000_000_000_000)
                .await
                .unwrap();
            assert_eq!(recorded, 2);
            assert!(store.sendable(10).await.unwrap().is_empty());
            let sent = store.deliveries(Some(State::Sent)).await.unwrap();
            assert_eq!(sent.len(), 2);
            assert!(
                sent.iter()
                    .all(|d| d.message_id == Some(1_300_000_000_000_000_000) && d.attempts == 1)
            );
            assert!(
                store
                    .follow(a)
                    .await
                    .unwrap()
                    .unwrap()
                    .last_posted_at
                    .is_some()
            );
            store.resume_follow(b).await.unwrap();
            let claimed = store.claim("me", None, LEASE, 10).await.unwrap();
            let [waiting] = &claimed[..] else {
                panic!("one delivery waits for the resumed follow: {claimed:?}")
            };
            store
                .mark_attempt_failed(&[waiting.id], "me", "503", false)
                .await
                .unwrap();
            let retried = store.claim("me", None, LEASE, 10).await.unwrap();
            assert_eq!(retried.len(), 1, "a failed attempt ends the claim");
            assert_eq!(retried[0].attempts, 1);
            assert_eq!(retried[0].error.as_deref(), Some("503"));
            store
                .mark_attempt_failed(&[waiting.id], "me", "503", true)
                .await
                .unwrap();
            assert!(store.sendable(10).await.unwrap().is_empty());
            assert_eq!(
                store.deliveries(Some(State::Failed)).await.unwrap().len(),
                1
            );
            // Removing a follow removes its deliveries.
            store.remove_follow(a).await.unwrap();
            assert_eq!(store.deliveries(None).await.unwrap().len(), 1);
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_claimers_never_get_the_same_delivery() {
        on_both(|store| async move {
            let a = follow(&store, 1).await;
            queue_n(&store, a, 300).await;
            // Eight claimers, started together, each taking a few rows at a time until none
            // is left.
            let start = std::sync::Arc::new(tokio::sync::Barrier::new(8));
            let claimers: Vec<_> = (0..8)
                .map(|n| {
                    let store = store.clone();
                    let start = std::sync::Arc::clone(&start);
                    tokio::spawn(async move {
                        let owner = format!("claimer-{n}");
                        start.wait().await;
                        let mut mine = Vec::new();
                        loop {
                            let got = store.claim(&owner, None, LEASE, 7).await.unwrap();
                            if got.is_empty() {
                                return (owner, mine);
                            }
                            mine.extend(ids(&got));
                            tokio::task::yield_now().await;
                        }
                    })
                })
                .collect();
            let mut all = Vec::new();
            let mut claimers_with_rows = 0;
            for claimer in claimers {
                let (owner, mine) = claimer.await.unwrap();
                claimers_with_rows += usize::from(!mine.is_empty());
                // Each row is recorded as claimed by the one claimer that got it.
                assert_eq!(
                    store.mark_sent(&mine, &owner, a, 5).await.unwrap(),
                    mine.len()
                );
                all.extend(mine);
            }
            let claimed = all.len();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), claimed, "a delivery was claimed twice");
            assert_eq!(claimed, 300, "every delivery was claimed");
            assert!(claimers_with_rows >= 2, "the claimers ran concurrently");
            assert_eq!(
                store.deliveries(Some(State::Sent)).await.unwrap().len(),
                300
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_claim_that_ran_out_is_taken_again_and_its_old_owner_records_nothing() {
        on_both(|store| async move {
            let a = follow(&store, 1).await;
            queue_n(&store, a, 2).await;
            let at = now();
            let first = store.claim_at("old", None, LEASE, 10, at).await.unwrap();
            assert_eq!(first.len(), 2);
            // While the lease lasts, nobody else gets them.
            let during = at + 59;
            assert!(
                store
                    .claim_at("new", None, LEASE, 10, during)
                    .await
                    .unwrap()
                    .is_empty()
            );
            // After it, another process takes them.
            let after = at + 61;
            let second = store.claim_at("new", None, LEASE, 10, after).await.unwrap();
            assert_eq!(ids(&second), ids(&first));
            // The old owner's late outcome is refused, and changes nothing.
            assert_eq!(store.mark_sent(&ids(&first), "old", a, 7).await.unwrap(), 0);
            assert_eq!(
                store
                    .mark_attempt_failed(&ids(&first), "old", "late", true)
                    .await
                    .unwrap(),
                0
            );
            assert!(!store.renew_claim(&ids(&first), "old", LEASE).await.unwrap());
            assert_eq!(store.sendable(10).await.unwrap().len(), 2);
            assert!(
                store
                    .follow(a)
                    .await
                    .unwrap()
                    .unwrap()
                    .last_posted_at
                    .is_none()
            );
            // The new owner's is recorded.
            assert!(
                store
                    .renew_claim(&ids(&second), "new", LEASE)
                    .await
                    .unwrap()
            );
            assert_eq!(
                store.mark_sent(&ids(&second), "new", a, 8).await.unwrap(),
                2
            );
            let sent = store.deliveries(Some(State::Sent)).await.unwrap();
            assert!(sent.iter().all(|d| d.message_id == Some(8)), "{sent:?}");
        })
        .await;
    }

    #[tokio::test]
    async fn released_claims_are_free_at_once() {
        on_both(|store| async move {
            let a = follow(&store, 1).await;
            queue_n(&store, a, 3).await;
            assert_eq!(store.claim("me", None, LEASE, 10).await.unwrap().len(), 3);
            assert!(
                store
                    .claim("other", None, LEASE, 10)
                    .await
                    .unwrap()
                    .is_empty()
            );
            assert_eq!(store.release_claims("me").await.unwrap(), 3);
            assert_eq!(
                store.claim("other", None, LEASE, 10).await.unwrap().len(),
                3
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_claim_takes_only_the_servers_of_its_shards() {
        on_both(|store| async move {
            // Servers on shard 0 and 1 of 2, and one with a large id (shard 1 of 2).
            let on_0 = follow_on(
                &store,
                Target::Channel {
                    guild_id: 1000 << 22,
                    channel_id: 1,
                },
            )
            .await;
            let on_1 = follow_on(
                &store,
                Target::Channel {
                    guild_id: 1001 << 22,
                    channel_id: 2,
                },
            )
            .await;
            let big = follow_on(
                &store,
                Target::Channel {
                    guild_id: (1 << 62) | (1 << 22),
                    channel_id: 3,
                },
            )
            .await;
            let personal = follow_on(&store, Target::Personal { user_id: 9 }).await;
            for follow in [on_0, on_1, big, personal] {
                queue_n(&store, follow, 2).await;
            }
            let second = ShardFilter {
                total: 2,
                first: 1,
                last: 2,
                personal: false,
            };
            let got = store.claim("b", Some(second), LEASE, 100).await.unwrap();
            let follows: std::collections::BTreeSet<FollowId> =
                got.iter().map(|d| d.follow_id).collect();
            assert_eq!(follows, [on_1, big].into_iter().collect());
            assert_eq!(got.len(), 4);
            let first = ShardFilter {
                total: 2,
                first: 0,
                last: 1,
                personal: true,
            };
            let got = store.claim("a", Some(first), LEASE, 100).await.unwrap();
            let follows: std::collections::BTreeSet<FollowId> =
                got.iter().map(|d| d.follow_id).collect();
            assert_eq!(follows, [on_0, personal].into_iter().collect());
            // Nothing is left for either, even after their leases.
            let later = now() + 3600;
            for owner in ["a", "b"] {
                store.release_claims(owner).await.unwrap();
            }
            let none = ShardFilter {
                total: 4,
                first: 2,
                last: 3,
                personal: false,
            };
            // 1000 and 1001 are shards 0 and 1 of 4; (1 << 40) + 1 is shard 1 of 4.
            assert!(
                store
                    .claim_at("c", Some(none), LEASE, 100, later)
                    .await
                    .unwrap()
                    .is_empty()
            );
        })
        .await;
    }
}
