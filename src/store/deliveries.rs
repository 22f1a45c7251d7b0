//! The `deliveries` table: one row per (follow, brief, revision) to post, and its outcome.
//!
//! A row is queued in the transaction that records the brief as seen, so a crash can lose
//! neither; the unique key makes queueing twice a no-op. The worker sends queued rows and
//! records the message id. The one window for a duplicate: the platform accepted a message
//! and the process died before recording it; the row is still queued and is sent again.

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

    /// Records that these deliveries went out as message `message_id` (one message can carry
    /// several: a summary), and that their follow posted.
    pub async fn mark_sent(
        &self,
        ids: &[DeliveryId],
        follow_id: FollowId,
        message_id: u64,
    ) -> Result<(), StoreError> {
        let at = now();
        let message = sql_id("message id", message_id)?;
        let mut tx = self.pool().begin().await.map_err(|e| self.error(e))?;
        for id in ids {
            sqlx::query(
                "UPDATE deliveries SET state = 'sent', sent_at = $1, message_id = $2, \
                 attempts = attempts + 1, error = NULL WHERE id = $3",
            )
            .bind(at)
            .bind(message)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
        }
        sqlx::query("UPDATE follows SET last_posted_at = $1 WHERE id = $2")
            .bind(at)
            .bind(follow_id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
        tx.commit().await.map_err(|e| self.error(e))
    }

    /// Records a failed attempt. `give_up`: the deliveries are failed for good; otherwise
    /// they stay queued for another try.
    pub async fn mark_attempt_failed(
        &self,
        ids: &[DeliveryId],
        error: &str,
        give_up: bool,
    ) -> Result<(), StoreError> {
        let state = if give_up { "failed" } else { "queued" };
        let mut tx = self.pool().begin().await.map_err(|e| self.error(e))?;
        for id in ids {
            sqlx::query(
                "UPDATE deliveries SET state = $1, attempts = attempts + 1, error = $2 \
                 WHERE id = $3",
            )
            .bind(state)
            .bind(error)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
        }
        tx.commit().await.map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::follows::{Created, NewFollow, Target};
    use crate::store::testing::on_both;

    async fn follow(store: &Store, channel_id: u64) -> FollowId {
        let new = NewFollow {
            target: Target::Channel {
                guild_id: 1,
                channel_id,
            },
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
            let sendable = store.sendable(10).await.unwrap();
            assert_eq!(sendable.len(), 2);
            assert!(sendable.iter().all(|d| d.follow_id == a));
            let ids: Vec<DeliveryId> = sendable.iter().map(|d| d.id).collect();
            store
                .mark_sent(&ids, a, 1_300_000_000_000_000_000)
                .await
                .unwrap();
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
            let sendable = store.sendable(10).await.unwrap();
            let [waiting] = &sendable[..] else {
                panic!("one delivery waits for the resumed follow")
            };
            store
                .mark_attempt_failed(&[waiting.id], "503", false)
                .await
                .unwrap();
            let retried = store.sendable(10).await.unwrap();
            assert_eq!(retried[0].attempts, 1);
            assert_eq!(retried[0].error.as_deref(), Some("503"));
            store
                .mark_attempt_failed(&[waiting.id], "503", true)
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
}
