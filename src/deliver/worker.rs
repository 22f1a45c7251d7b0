//! The delivery worker: sends queued deliveries through an [`Outbox`] and records outcomes.
//!
//! - **Bursts**: more than `announce_burst` deliveries waiting for one follow go out as one
//!   summary post (titles and dates, up to [`SUMMARY_ITEMS`], then "and N more").
//! - **Pacing**: at most `announce_per_second` posts a second, over all channels and direct
//!   messages.
//! - **Failures are visible**: a post refused for good (missing permission or access, unknown
//!   channel, direct messages refused) pauses its follow with the reason, and the round
//!   reports it so that the face tells the creator (once: pausing a paused follow reports
//!   nothing). A rate limit waits its `retry_after`; a server error is retried with a bounded
//!   backoff, then the deliveries are marked failed.
//! - **Nothing twice**: a delivery is marked sent with the message id right after the post is
//!   accepted. The one window for a duplicate is between the two (the process dies after the
//!   platform accepted the post and before the database recorded it): that delivery is still
//!   queued at the next start and is posted again.
//! - **Several processes**: a round *claims* its deliveries in the database
//!   ([`Store::claim`]) for this process's shards only, with a lease. The claim is renewed
//!   right before each post, and a post whose claim was lost (the lease ran out and another
//!   process took it) is not made. What a round leaves for later is released at its end; a
//!   process that dies leaves its claims to be taken once the lease runs out.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tracing::warn;

use super::digest::DigestItem;
use crate::library::Library;
use crate::store::deliveries::{Delivery, DeliveryId, ShardFilter};
use crate::store::follows::{FollowId, Target};
use crate::store::{Store, StoreError};

/// Titles listed in a summary post at most.
pub const SUMMARY_ITEMS: usize = 10;

/// Deliveries taken from the queue per round.
const ROUND_SIZE: usize = 500;

/// How long a claim lasts unless renewed (`claim_lease_secs`).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// What to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub target: Target,
    /// The one role to mention, if the follow pings one.
    pub ping_role_id: Option<u64>,
    pub body: PostBody,
}

/// What a post says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostBody {
    /// One brief, as `/brief` shows it; `updated`: an edit of a brief announced before.
    Brief { brief_id: String, updated: bool },
    /// Many briefs at once: the first few, newest first, and how many more.
    Summary {
        items: Vec<SummaryItem>,
        more: usize,
    },
    /// A scheduled digest: the briefs on `topic` (empty: every brief) first seen after
    /// `since` (Unix seconds), newest first, and how many more; no item: nothing was new
    /// (posted only with `digest_empty = "say so"`).
    Digest {
        topic: String,
        items: Vec<DigestItem>,
        more: usize,
        since: i64,
    },
}

/// One line of a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    pub brief_id: String,
    pub title: String,
    /// As the brief gives it (`2017-07-09`).
    pub published: String,
}

/// Why a post was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// 403: the bot lacks a permission or access to the channel.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 404: the channel (or user) is gone.
    #[error("not found: {0}")]
    NotFound(String),
    /// 50007: the member does not accept direct messages from the bot.
    #[error("the member does not accept direct messages")]
    DmRefused,
    /// 429: wait this long.
    #[error("rate limited for {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// 5xx: the platform failed; worth another try.
    #[error("server error: {0}")]
    Server(String),
    #[error("{0}")]
    Other(String),
}

/// Where posts go: Discord in the bot, the terminal in `chat`, a fake in tests.
pub trait Outbox: Send + Sync {
    /// Posts `post`; the message id the platform gave it.
    fn send(&self, post: &Post) -> impl Future<Output = Result<u64, SendError>> + Send;
}

/// How the worker behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// More deliveries than this for one follow become one summary.
    pub burst: usize,
    /// Posts per second over all targets.
    pub per_second: usize,
    /// Tries of a post that meets server errors.
    pub max_tries: u32,
    /// The wait after the first server error; doubled after each.
    pub backoff: Duration,
    /// Rate limits waited out for one post before leaving it for the next round.
    pub max_rate_limits: u32,
    /// How long a claim of deliveries lasts: another process takes them after it.
    pub lease: Duration,
}

impl Settings {
    /// The settings of the config (`announce_burst`, `announce_per_second`).
    pub fn new(burst: usize, per_second: usize) -> Self {
        Settings {
            burst,
            per_second: per_second.max(1),
            max_tries: 4,
            backoff: Duration::from_secs(2),
            max_rate_limits: 5,
            lease: DEFAULT_LEASE,
        }
    }
}

/// What one round of the worker did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    /// Posts accepted.
    pub posts: usize,
    /// Deliveries those posts carried.
    pub delivered: usize,
    /// Follows paused in this round, with the reason: tell their creators.
    pub paused: Vec<(FollowId, String)>,
    /// Deliveries given up on.
    pub failed: usize,
    /// Deliveries not posted because another process took them (this one's lease ran out).
    pub lost: usize,
}

/// The worker: one per process that posts.
#[derive(Debug)]
pub struct Worker<O> {
    store: Store,
    outbox: O,
    settings: Settings,
    /// Who claims, in the database: unique among the processes sharing it.
    owner: String,
    /// The servers this process sends for (`None`: all).
    shards: Option<ShardFilter>,
    /// When the next post may go, by the pacing.
    next_slot: Instant,
}

impl<O: Outbox> Worker<O> {
    /// A worker posting through `outbox`, claiming as `owner` the deliveries of the servers
    /// `shards` covers (all when `None`).
    pub fn new(
        store: Store,
        outbox: O,
        settings: Settings,
        owner: String,
        shards: Option<ShardFilter>,
    ) -> Self {
        Worker {
            store,
            outbox,
            settings,
            owner,
            shards,
            next_slot: Instant::now(),
        }
    }

    /// Who this worker claims as.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The outbox (what a fake recorded, in tests).
    pub fn outbox(&self) -> &O {
        &self.outbox
    }

    /// Sends what is queued for active follows now; `library` gives summaries their titles.
    pub async fn run_once(&mut self, library: &Library) -> Result<Round, StoreError> {
        let result = self.round(library).await;
        // What the round took and did not finish (a paused follow, a post left for later, an
        // error) is free at once for the next round or another process.
        let released = self.store.release_claims(&self.owner).await;
        let round = result?;
        released?;
        Ok(round)
    }

    async fn round(&mut self, library: &Library) -> Result<Round, StoreError> {
        let mut round = Round::default();
        let queued = self
            .store
            .claim(&self.owner, self.shards, self.settings.lease, ROUND_SIZE)
            .await?;
        let mut by_follow: BTreeMap<FollowId, Vec<Delivery>> = BTreeMap::new();
        for delivery in queued {
            by_follow
                .entry(delivery.follow_id)
                .or_default()
                .push(delivery);
        }
        for (follow_id, deliveries) in by_follow {
            let Some(follow) = self.store.follow(follow_id).await? else {
                continue;
            };
            if follow.paused.is_some() {
                continue;
            }
            // A brief removed since it was queued is not posted.
            let (present, gone): (Vec<Delivery>, Vec<Delivery>) = deliveries
                .into_iter()
                .partition(|d| library.get(&d.brief_id).is_some());
            if !gone.is_empty() {
                let ids: Vec<DeliveryId> = gone.iter().map(|d| d.id).collect();
                self.store
                    .mark_attempt_failed(
                        &ids,
                        &self.owner,
                        "the brief was removed before it was posted",
                        true,
                    )
                    .await?;
                round.failed += ids.len();
            }
            let batches: Vec<(Vec<DeliveryId>, PostBody)> = if present.len() > self.settings.burst {
                vec![(
                    present.iter().map(|d| d.id).collect(),
                    summary(library, &present),
                )]
            } else {
                present
                    .iter()
                    .map(|d| {
                        (
                            vec![d.id],
                            PostBody::Brief {
                                brief_id: d.brief_id.clone(),
                                updated: d.revision > 0,
                            },
                        )
                    })
                    .collect()
            };
            for (ids, body) in batches {
                let post = Post {
                    target: follow.target,
                    ping_role_id: follow.ping_role_id,
                    body,
                };
                match self.deliver(&post, &ids).await {
                    Ok(message_id) => {
                        let recorded = self
                            .store
                            .mark_sent(&ids, &self.owner, follow_id, message_id)
                            .await?;
                        if recorded < ids.len() {
                            // Posted, but the lease ran out during the post and another
                            // process took some of them: it may post them again.
                            warn!(
                                follow = %follow_id,
                                message_id,
                                "a post went out after this process's claim ran out"
                            );
                        }
                        round.posts += 1;
                        round.delivered += ids.len();
                    }
                    Err(Outcome::Lost) => {
                        round.lost += ids.len();
                        break;
                    }
                    Err(Outcome::Pause(reason)) => {
                        self.store
                            .mark_attempt_failed(&ids, &self.owner, &reason, false)
                            .await?;
                        if self.store.pause_follow(follow_id, &reason).await? {
                            round.paused.push((follow_id, reason));
                        }
                        break;
                    }
                    Err(Outcome::GiveUp(error)) => {
                        self.store
                            .mark_attempt_failed(&ids, &self.owner, &error, true)
                            .await?;
                        round.failed += ids.len();
                    }
                    Err(Outcome::Later(error)) => {
                        self.store
                            .mark_attempt_failed(&ids, &self.owner, &error, false)
                            .await?;
                        break;
                    }
                    Err(Outcome::Store(error)) => return Err(error),
                }
            }
        }
        Ok(round)
    }

    /// Posts once the pacing allows, waiting out rate limits and retrying server errors.
    /// Right before each try, the claim of `ids` is renewed: a post whose claim was lost is
    /// not made.
    async fn deliver(&mut self, post: &Post, ids: &[DeliveryId]) -> Result<u64, Outcome> {
        let mut tries = 0;
        let mut rate_limits = 0;
        loop {
            self.pace().await;
            match self
                .store
                .renew_claim(ids, &self.owner, self.settings.lease)
                .await
            {
                Ok(true) => {}
                Ok(false) => return Err(Outcome::Lost),
                Err(error) => return Err(Outcome::Store(error)),
            }
            match self.outbox.send(post).await {
                Ok(id) => return Ok(id),
                Err(SendError::Forbidden(why)) => {
                    return Err(Outcome::Pause(format!(
                        "missing permission or access: {why}"
                    )));
                }
                Err(SendError::NotFound(why)) => {
                    return Err(Outcome::Pause(format!("the channel is gone: {why}")));
                }
                Err(SendError::DmRefused) => {
                    return Err(Outcome::Pause(
                        "direct messages from the bot are refused".into(),
                    ));
                }
                Err(SendError::RateLimited { retry_after }) => {
                    rate_limits += 1;
                    if rate_limits > self.settings.max_rate_limits {
                        return Err(Outcome::Later(format!(
                            "rate limited {rate_limits} times; left for the next round"
                        )));
                    }
                    // Every target waits: the limit may be the bot's, not the channel's.
                    self.next_slot = self.next_slot.max(Instant::now() + retry_after);
                }
                Err(SendError::Server(why)) => {
                    tries += 1;
                    if tries >= self.settings.max_tries {
                        return Err(Outcome::GiveUp(format!(
                            "server error {tries} times: {why}"
                        )));
                    }
                    tokio::time::sleep(self.settings.backoff * 2u32.pow(tries - 1)).await;
                }
                Err(SendError::Other(why)) => return Err(Outcome::GiveUp(why)),
            }
        }
    }

    /// Waits for the next free slot of the pacing, and takes it.
    async fn pace(&mut self) {
        tokio::time::sleep_until(self.next_slot).await;
        let interval =
            Duration::from_secs(1) / u32::try_from(self.settings.per_second).unwrap_or(1);
        self.next_slot = Instant::now().max(self.next_slot) + interval;
    }
}

/// What became of a post that was not accepted.
enum Outcome {
    /// Refused for good: pause the follow with this reason.
    Pause(String),
    /// Failed for good: mark the deliveries failed.
    GiveUp(String),
    /// Try again in a later round.
    Later(String),
    /// Another process claimed the deliveries meanwhile: leave them to it.
    Lost,
    /// The database failed: end the round.
    Store(StoreError),
}

/// The summary of many deliveries for one follow: newest briefs first.
fn summary(library: &Library, deliveries: &[Delivery]) -> PostBody {
    let mut briefs: Vec<_> = deliveries
        .iter()
        .filter_map(|d| library.get(&d.brief_id))
        .collect();
    briefs.sort_by(|a, b| {
        b.published
            .instant
            .cmp(&a.published.instant)
            .then(a.id.cmp(&b.id))
    });
    let more = briefs.len().saturating_sub(SUMMARY_ITEMS);
    PostBody::Summary {
        items: briefs
            .into_iter()
            .take(SUMMARY_ITEMS)
            .map(|b| SummaryItem {
                brief_id: b.id.to_string(),
                title: b.title.clone(),
                published: b.published.to_string(),
            })
            .collect(),
        more,
    }
}

#[cfg(test)]
mod tests;
