//! The `follows` table: who follows which topic, delivered where.
//!
//! A follow is posted either in a server's channel or to one member by direct message. Its
//! topic is kept twice: as typed, for showing back, and as followed (typos corrected once,
//! when the follow was made), which is what new briefs are matched against. A channel (or a
//! member) follows a topic once: following it again resumes a paused follow instead of
//! making a second one.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, discord_id, now, sql_id};

/// A follow's id in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FollowId(pub i64);

impl std::fmt::Display for FollowId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a follow's briefs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Posted in a channel of a server.
    Channel { guild_id: u64, channel_id: u64 },
    /// Sent to a member by direct message.
    Personal { user_id: u64 },
}

/// What a process's filing of the follows was made from: how many follows there were and
/// the highest id. Ids only grow (an identity column, SQLite's AUTOINCREMENT) and a follow's
/// topic never changes, so any follow made since raises `top` and any removed alone lowers
/// `count`: an equal mark means the same follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowsMark {
    pub count: i64,
    pub top: i64,
}

/// A follow to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFollow {
    pub target: Target,
    pub creator_id: u64,
    /// The topic as typed.
    pub topic_typed: String,
    /// The topic as followed (corrected); empty: every brief.
    pub topic: String,
    /// The one role mentioned with each post (channel follows only).
    pub ping_role_id: Option<u64>,
}

/// A follow as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    pub id: FollowId,
    pub target: Target,
    pub creator_id: u64,
    pub topic_typed: String,
    /// Empty: every brief.
    pub topic: String,
    pub ping_role_id: Option<u64>,
    /// Unix seconds.
    pub created_at: i64,
    pub last_posted_at: Option<i64>,
    /// Why delivery stopped; `None`: active.
    pub paused: Option<String>,
}

/// What [`Store::create_follow`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// A new follow.
    New(Follow),
    /// The same target already followed the topic: that follow, resumed if it was paused
    /// (and with the ping given now).
    Existing { follow: Follow, resumed: bool },
    /// The member already has this many personal follows.
    LimitReached { limit: usize },
}

const COLUMNS: &str = "id, scope, guild_id, channel_id, user_id, creator_id, topic_typed, topic, \
                       ping_role_id, created_at, last_posted_at, paused_reason";

impl Store {
    fn follow_from_row(&self, row: &AnyRow) -> Result<Follow, StoreError> {
        let get_id = |column: &'static str| -> Result<Option<u64>, StoreError> {
            let value: Option<i64> = row.try_get(column).map_err(|e| self.error(e))?;
            value.map(|v| discord_id(self, column, v)).transpose()
        };
        let required = |column: &'static str| -> Result<u64, StoreError> {
            get_id(column)?.ok_or_else(|| StoreError::Corrupt {
                location: self.location().to_owned(),
                column,
                value: "NULL".into(),
            })
        };
        let scope: String = row.try_get("scope").map_err(|e| self.error(e))?;
        let target = match scope.as_str() {
            "channel" => Target::Channel {
                guild_id: required("guild_id")?,
                channel_id: required("channel_id")?,
            },
            "personal" => Target::Personal {
                user_id: required("user_id")?,
            },
            _ => {
                return Err(StoreError::Corrupt {
                    location: self.location().to_owned(),
                    column: "scope",
                    value: scope,
                });
            }
        };
        Ok(Follow {
            id: FollowId(row.try_get("id").map_err(|e| self.error(e))?),
            target,
            creator_id: required("creator_id")?,
            topic_typed: row.try_get("topic_typed").map_err(|e| self.error(e))?,
            topic: row.try_get("topic").map_err(|e| self.error(e))?,
            ping_role_id: get_id("ping_role_id")?,
            created_at: row.try_get("created_at").map_err(|e| self.error(e))?,
            last_posted_at: row.try_get("last_posted_at").map_err(|e| self.error(e))?,
            paused: row.try_get("paused_reason").map_err(|e| self.error(e))?,
        })
    }

    async fn follows_where(&self, clause: &str, ids: &[i64]) -> Result<Vec<Follow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM follows {clause} ORDER BY id");
        let mut query = sqlx::query(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        rows.iter().map(|row| self.follow_from_row(row)).collect()
    }

    /// Makes a follow, or finds the one the target already has for that topic and resumes it.
    /// `personal_limit` caps a member's personal follows.
    pub async fn create_follow(
        &self,
        new: &NewFollow,
        personal_limit: usize,
    ) -> Result<Created, StoreError> {
        let (scope, guild, channel, user) = match new.target {
            Target::Channel {
                guild_id,
                channel_id,
            } => (
                "channel",
                Some(sql_id("guild id", guild_id)?),
                Some(sql_id("channel id", channel_id)?),
                None,
            ),
            Target::Personal { user_id } => {
                ("personal", None, None, Some(sql_id("user id", user_id)?))
            }
        };
        if let Some(existing) = self.find_follow(&new.target, &new.topic).await? {
            let resumed = existing.paused.is_some();
            let ping = new.ping_role_id.map(|r| sql_id("role id", r)).transpose()?;
            sqlx::query("UPDATE follows SET paused_reason = NULL, ping_role_id = $1 WHERE id = $2")
                .bind(ping)
                .bind(existing.id.0)
                .execute(self.pool())
                .await
                .map_err(|e| self.error(e))?;
            let follow = self.follow(existing.id).await?.unwrap_or(Follow {
                paused: None,
                ..existing
            });
            return Ok(Created::Existing { follow, resumed });
        }
        if let Target::Personal { user_id } = new.target
            && self.personal_follows(user_id).await? >= personal_limit
        {
            return Ok(Created::LimitReached {
                limit: personal_limit,
            });
        }
        let sql = format!(
            "INSERT INTO follows (scope, guild_id, channel_id, user_id, creator_id, topic_typed, \
             topic, ping_role_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT DO NOTHING RETURNING {COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(scope)
            .bind(guild)
            .bind(channel)
            .bind(user)
            .bind(sql_id("user id", new.creator_id)?)
            .bind(&new.topic_typed)
            .bind(&new.topic)
            .bind(new.ping_role_id.map(|r| sql_id("role id", r)).transpose()?)
            .bind(now())
            .fetch_optional(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        match row {
            Some(row) => Ok(Created::New(self.follow_from_row(&row)?)),
            // Made by someone else since the look-up above.
            None => match self.find_follow(&new.target, &new.topic).await? {
                Some(follow) => Ok(Created::Existing {
                    follow,
                    resumed: false,
                }),
                None => Err(StoreError::Corrupt {
                    location: self.location().to_owned(),
                    column: "follows",
                    value: "a follow that conflicts and cannot be found".into(),
                }),
            },
        }
    }

    /// The follow `target` has for `topic`, if any.
    pub async fn find_follow(
        &self,
        target: &Target,
        topic: &str,
    ) -> Result<Option<Follow>, StoreError> {
        let (clause, id) = match *target {
            Target::Channel { channel_id, .. } => (
                "WHERE scope = 'channel' AND channel_id = $1 AND topic = $2",
                sql_id("channel id", channel_id)?,
            ),
            Target::Personal { user_id } => (
                "WHERE scope = 'personal' AND user_id = $1 AND topic = $2",
                sql_id("user id", user_id)?,
            ),
        };
        let sql = format!("SELECT {COLUMNS} FROM follows {clause}");
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(topic)
            .fetch_optional(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        row.map(|row| self.follow_from_row(&row)).transpose()
    }

    /// One follow.
    pub async fn follow(&self, id: FollowId) -> Result<Option<Follow>, StoreError> {
        Ok(self
            .follows_where("WHERE id = $1", &[id.0])
            .await?
            .into_iter()
            .next())
    }

    /// Every follow, oldest first.
    pub async fn follows(&self) -> Result<Vec<Follow>, StoreError> {
        self.follows_where("", &[]).await
    }

    /// The follows a member sees in a server: the server's, and their own personal ones.
    pub async fn visible_follows(
        &self,
        guild_id: Option<u64>,
        user_id: u64,
    ) -> Result<Vec<Follow>, StoreError> {
        let user = sql_id("user id", user_id)?;
        match guild_id {
            Some(guild) => {
                self.follows_where(
                    "WHERE guild_id = $1 OR (scope = 'personal' AND user_id = $2)",
                    &[sql_id("guild id", guild)?, user],
                )
                .await
            }
            None => {
                self.follows_where("WHERE scope = 'personal' AND user_id = $1", &[user])
                    .await
            }
        }
    }

    /// How many personal follows a member has.
    pub async fn personal_follows(&self, user_id: u64) -> Result<usize, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM follows WHERE scope = 'personal' AND user_id = $1",
        )
        .bind(sql_id("user id", user_id)?)
        .fetch_one(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// The follows table's [`FollowsMark`]: it differs after any follow was made or removed,
    /// by this process or another sharing the database.
    pub async fn follows_mark(&self) -> Result<FollowsMark, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top FROM follows")
            .fetch_one(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        let e = |e| self.error(e);
        Ok(FollowsMark {
            count: row.try_get("n").map_err(e)?,
            top: row.try_get("top").map_err(e)?,
        })
    }

    /// Deletes a follow and its deliveries; whether it existed.
    pub async fn remove_follow(&self, id: FollowId) -> Result<bool, StoreError> {
        // Deliveries first: PostgreSQL's cascade needs no help, SQLite's needs foreign keys
        // on for every connection, and this does not depend on either.
        let mut tx = self.pool().begin().await.map_err(|e| self.error(e))?;
        sqlx::query("DELETE FROM deliveries WHERE follow_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
        let done = sqlx::query("DELETE FROM follows WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
        tx.commit().await.map_err(|e| self.error(e))?;
        Ok(done.rows_affected() > 0)
    }

    /// Pauses a follow with the reason; `true` only when it was active (so that its creator
    /// is told once).
    pub async fn pause_follow(&self, id: FollowId, reason: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE follows SET paused_reason = $1 WHERE id = $2 AND paused_reason IS NULL",
        )
        .bind(reason)
        .bind(id.0)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        Ok(done.rows_affected() > 0)
    }

    /// Resumes a paused follow; whether it was paused.
    pub async fn resume_follow(&self, id: FollowId) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE follows SET paused_reason = NULL WHERE id = $1 AND paused_reason IS NOT NULL",
        )
        .bind(id.0)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        Ok(done.rows_affected() > 0)
    }

    /// Pauses every active follow of a server (the bot was removed from it); how many.
    pub async fn pause_guild(&self, guild_id: u64, reason: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE follows SET paused_reason = $1 WHERE guild_id = $2 AND paused_reason IS NULL",
        )
        .bind(reason)
        .bind(sql_id("guild id", guild_id)?)
        .execute(self.pool())
        .await
        .map_err(|e| self.error(e))?;
        Ok(done.rows_affected())
    }

    /// Records that a follow posted just now.
    pub async fn mark_posted(&self, id: FollowId) -> Result<(), StoreError> {
        sqlx::query("UPDATE follows SET last_posted_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id.0)
            .execute(self.pool())
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::on_both;

    pub(crate) fn channel_follow(channel_id: u64, topic: &str) -> NewFollow {
        NewFollow {
            target: Target::Channel {
                guild_id: 10,
                channel_id,
            },
            creator_id: 7,
            topic_typed: topic.to_owned(),
            topic: topic.to_owned(),
            ping_role_id: None,
        }
    }

    #[tokio::test]
    async fn a_follow_is_made_once_per_target_and_topic_and_refollowing_resumes_it() {
        on_both(|store| async move {
            let Created::New(first) = store
                .create_follow(&channel_follow(1, "election"), 10)
                .await
                .unwrap()
            else {
                panic!("expected a new follow")
            };
            assert_eq!(first.topic, "election");
            assert_eq!(first.paused, None);
            assert!(store.pause_follow(first.id, "Missing Permissions").await.unwrap());
            assert!(!store.pause_follow(first.id, "again").await.unwrap(), "told once");
            let paused = store.follow(first.id).await.unwrap().unwrap();
            assert_eq!(paused.paused.as_deref(), Some("Missing Permissions"));
            let again = store
                .create_follow(&channel_follow(1, "election"), 10)
                .await
                .unwrap();
            assert!(
                matches!(&again, Created::Existing { follow, resumed: true } if follow.id == first.id && follow.paused.is_none()),
                "{again:?}"
            );
            // Another channel, or another topic, is another follow.
            assert!(matches!(
                store.create_follow(&channel_follow(2, "election"), 10).await.unwrap(),
                Created::New(_)
            ));
            assert!(matches!(
                store.create_follow(&channel_follow(1, ""), 10).await.unwrap(),
                Created::New(_)
            ));
            assert_eq!(store.follows().await.unwrap().len(), 3);
            assert!(store.remove_follow(first.id).await.unwrap());
            assert!(!store.remove_follow(first.id).await.unwrap());
            assert_eq!(store.follows().await.unwrap().len(), 2);
        })
        .await;
    }

    #[tokio::test]
    async fn the_mark_changes_with_every_follow_made_or_removed_and_only_then() {
        on_both(|store| async move {
            let new = |created: Created| match created {
                Created::New(follow) => follow.id,
                other => panic!("expected a new follow, got {other:?}"),
            };
            let empty = store.follows_mark().await.unwrap();
            let a = new(store
                .create_follow(&channel_follow(1, "a"), 10)
                .await
                .unwrap());
            let one = store.follows_mark().await.unwrap();
            assert_ne!(one, empty);
            let b = new(store
                .create_follow(&channel_follow(1, "b"), 10)
                .await
                .unwrap());
            let two = store.follows_mark().await.unwrap();
            // Pausing, resuming and following again change no topic: the same mark.
            store.pause_follow(a, "gone").await.unwrap();
            store
                .create_follow(&channel_follow(1, "a"), 10)
                .await
                .unwrap();
            assert_eq!(store.follows_mark().await.unwrap(), two);
            // One removed and one made: as many follows as before, but another mark.
            store.remove_follow(a).await.unwrap();
            new(store
                .create_follow(&channel_follow(1, "c"), 10)
                .await
                .unwrap());
            let swapped = store.follows_mark().await.unwrap();
            assert_eq!(swapped.count, two.count);
            assert_ne!(swapped, two);
            // The newest removed: the count tells.
            store.remove_follow(b).await.unwrap();
            assert_ne!(store.follows_mark().await.unwrap(), swapped);
        })
        .await;
    }

    #[tokio::test]
    async fn personal_follows_are_capped_and_seen_only_by_their_owner() {
        on_both(|store| async move {
            let personal = |user_id, topic: &str| NewFollow {
                target: Target::Personal { user_id },
                creator_id: user_id,
                topic_typed: topic.to_owned(),
                topic: topic.to_owned(),
                ping_role_id: None,
            };
            for topic in ["a", "b"] {
                assert!(matches!(
                    store.create_follow(&personal(5, topic), 2).await.unwrap(),
                    Created::New(_)
                ));
            }
            assert_eq!(
                store.create_follow(&personal(5, "c"), 2).await.unwrap(),
                Created::LimitReached { limit: 2 }
            );
            // Following a topic one already follows is not a new follow, even at the cap.
            assert!(matches!(
                store.create_follow(&personal(5, "a"), 2).await.unwrap(),
                Created::Existing { .. }
            ));
            store
                .create_follow(&channel_follow(3, "x"), 2)
                .await
                .unwrap();
            assert_eq!(store.visible_follows(Some(10), 5).await.unwrap().len(), 3);
            assert_eq!(store.visible_follows(Some(10), 6).await.unwrap().len(), 1);
            assert_eq!(store.visible_follows(None, 5).await.unwrap().len(), 2);
            assert_eq!(store.visible_follows(Some(11), 6).await.unwrap().len(), 0);
        })
        .await;
    }

    #[tokio::test]
    async fn removing_the_bot_from_a_server_pauses_its_follows() {
        on_both(|store| async move {
            store
                .create_follow(&channel_follow(1, "a"), 10)
                .await
                .unwrap();
            store
                .create_follow(&channel_follow(2, "b"), 10)
                .await
                .unwrap();
            assert_eq!(
                store
                    .pause_guild(10, "removed from the server")
                    .await
                    .unwrap(),
                2
            );
            assert_eq!(store.pause_guild(10, "again").await.unwrap(), 0);
            assert!(
                store
                    .follows()
                    .await
                    .unwrap()
                    .iter()
                    .all(|f| f.paused.as_deref() == Some("removed from the server"))
            );
        })
        .await;
    }

    #[tokio::test]
    async fn large_discord_ids_round_trip_and_too_large_ones_are_refused() {
        on_both(|store| async move {
            let mut new = channel_follow(1_234_567_890_123_456_789, "a");
            new.ping_role_id = Some(987_654_321_098_765_432);
            let Created::New(follow) = store.create_follow(&new, 10).await.unwrap() else {
                panic!("expected a new follow")
            };
            assert_eq!(follow.target, new.target);
            assert_eq!(follow.ping_role_id, new.ping_role_id);
            let too_large = channel_follow(u64::MAX, "a");
            assert!(matches!(
                store.create_follow(&too_large, 10).await,
                Err(StoreError::OutOfRange { .. })
            ));
        })
        .await;
    }
}
