//! The `seen_briefs` table: every brief id ever served, when it was first seen, and what its
//! content was when last seen.
//!
//! This is what makes an announcement happen once: a brief is new when its id is not here,
//! however it arrived (a dropped file, an upload, `briefbot add`, a `git pull`), and
//! recording it is in the same transaction as queueing its deliveries. An edit changes the
//! content hash and counts a revision, which `announce_updates` may announce.

use sqlx::Row;

use super::{Conn, Store, StoreError};

/// What recording a brief found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Its id was never seen before.
    New,
    /// Seen before, with other content: this is its `n`-th edit.
    Edited { revision: i64 },
    /// Seen before, with the same content (a file touched, a reload replayed).
    Unchanged,
}

/// Records that brief `id` is served with content `hash` (as of `at`, Unix seconds), inside
/// the caller's transaction.
pub async fn record(
    store: &Store,
    conn: &mut Conn,
    id: &str,
    hash: &str,
    at: i64,
) -> Result<Seen, StoreError> {
    let known = sqlx::query("SELECT content_hash, revision FROM seen_briefs WHERE brief_id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| store.error(e))?;
    let Some(known) = known else {
        // Another process may record it between the look-up and the insert: then it is that
        // process's to announce.
        let done = sqlx::query(
            "INSERT INTO seen_briefs (brief_id, first_seen, content_hash, revision) \
             VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(at)
        .bind(hash)
        .execute(&mut *conn)
        .await
        .map_err(|e| store.error(e))?;
        return Ok(if done.rows_affected() > 0 {
            Seen::New
        } else {
            Seen::Unchanged
        });
    };
    let old_hash: String = known.try_get("content_hash").map_err(|e| store.error(e))?;
    let revision: i64 = known.try_get("revision").map_err(|e| store.error(e))?;
    if old_hash == hash {
        return Ok(Seen::Unchanged);
    }
    let done = sqlx::query(
        "UPDATE seen_briefs SET content_hash = $1, revision = revision + 1 \
         WHERE brief_id = $2 AND content_hash = $3",
    )
    .bind(hash)
    .bind(id)
    .bind(&old_hash)
    .execute(&mut *conn)
    .await
    .map_err(|e| store.error(e))?;
    Ok(if done.rows_affected() > 0 {
        Seen::Edited {
            revision: revision + 1,
        }
    } else {
        Seen::Unchanged
    })
}

/// Whether no brief was ever recorded (the first start with this database).
pub async fn is_empty(store: &Store, conn: &mut Conn) -> Result<bool, StoreError> {
    let any = sqlx::query("SELECT brief_id FROM seen_briefs LIMIT 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| store.error(e))?;
    Ok(any.is_none())
}

impl Store {
    /// The briefs first seen after `after` and at or before `until` (Unix seconds), with
    /// when: what is new in a digest's window.
    pub async fn first_seen_between(
        &self,
        after: i64,
        until: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT brief_id, first_seen FROM seen_briefs \
             WHERE first_seen > $1 AND first_seen <= $2 ORDER BY first_seen, brief_id",
        )
        .bind(after)
        .bind(until)
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("brief_id").map_err(|e| self.error(e))?,
                    row.try_get("first_seen").map_err(|e| self.error(e))?,
                ))
            })
            .collect()
    }

    /// How many brief ids were ever seen.
    pub async fn seen_count(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM seen_briefs")
            .fetch_one(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::on_both;

    #[tokio::test]
    async fn a_brief_is_new_once_and_edits_count_revisions() {
        on_both(|store| async move {
            let mut conn = store.pool().acquire().await.unwrap();
            assert!(is_empty(&store, &mut conn).await.unwrap());
            assert_eq!(
                record(&store, &mut conn, "a", "h1", 1).await.unwrap(),
                Seen::New
            );
            assert!(!is_empty(&store, &mut conn).await.unwrap());
            assert_eq!(
                record(&store, &mut conn, "a", "h1", 2).await.unwrap(),
                Seen::Unchanged
            );
            assert_eq!(
                record(&store, &mut conn, "a", "h2", 3).await.unwrap(),
                Seen::Edited { revision: 1 }
            );
            assert_eq!(
                record(&store, &mut conn, "a", "h3", 4).await.unwrap(),
                Seen::Edited { revision: 2 }
            );
            assert_eq!(
                record(&store, &mut conn, "a", "h3", 5).await.unwrap(),
                Seen::Unchanged
            );
            record(&store, &mut conn, "b", "h1", 10).await.unwrap();
            record(&store, &mut conn, "c", "h1", 20).await.unwrap();
            drop(conn);
            assert_eq!(store.seen_count().await.unwrap(), 3);
            // First seen, not last edited: "a" (edited at 3 to 5) was new at 1.
            assert_eq!(
                store.first_seen_between(1, 20).await.unwrap(),
                [("b".to_owned(), 10), ("c".to_owned(), 20)]
            );
            assert_eq!(
                store.first_seen_between(0, 10).await.unwrap(),
                [("a".to_owned(), 1), ("b".to_owned(), 10)]
            );
        })
        .await;
    }
}
