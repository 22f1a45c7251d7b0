//! The digest worker: each round, the digests whose time has come go out, once each.
//!
//! A round looks at every active digest of the servers this process covers
//! ([`Coverage::covers_guild`]) and finds its latest occurrence at or before now:
//! - already sent, skipped, or held by a live claim (one query for the whole round): nothing;
//! - later than `digest_catch_up` (the bot was down at the time): recorded as skipped, and
//!   logged; its briefs go in the next digest;
//! - otherwise: claimed in the database, posted through the [`Outbox`], and marked sent with
//!   the message id. Two processes (or two rounds) racing for it: the claim lets one in.
//!
//! An occurrence before the digest was set up is never due. Time comes from a [`Clock`], so
//! that the tests move it instead of waiting for it. A post refused for good (missing
//! permission, unknown channel) pauses the digest; any other failure gives the claim back, and
//! the next round tries again while the catch-up window lasts.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::time::Instant;
use tracing::{info, warn};

use super::digest::compose;
use super::schedule::Schedule;
use super::shards::Coverage;
use super::worker::{Outbox, Post, PostBody, SendError};
use crate::config::DigestEmpty;
use crate::library::Library;
use crate::store::digests::{Digest, DigestId};
use crate::store::follows::Target;
use crate::store::{Store, StoreError};

/// How long a claim holds before another process may take the occurrence over: far more than
/// one post takes, rate limits included.
pub const LEASE_SECS: i64 = 300;

/// Where the time comes from.
pub trait Clock: Send + Sync {
    /// Now, in Unix seconds.
    fn now(&self) -> i64;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        crate::store::now()
    }
}

/// A clock that stands still until moved (tests, benchmarks).
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock showing `now` (Unix seconds).
    pub fn at(now: i64) -> Self {
        ManualClock(Arc::new(AtomicI64::new(now)))
    }

    /// Sets the time.
    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// How the digest worker behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestSettings {
    /// What a digest with nothing new does.
    pub empty: DigestEmpty,
    /// How late (seconds) a missed occurrence may still go out.
    pub catch_up: i64,
    /// Posts per second at most.
    pub per_second: usize,
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestRound {
    /// Digests posted.
    pub posted: usize,
    /// Digests with nothing new, not posted (`digest_empty = "skip"`).
    pub empty: usize,
    /// Occurrences skipped: missed by more than the catch-up window.
    pub skipped: usize,
    /// Occurrences another process (or round) had in hand.
    pub taken: usize,
    /// Digests paused in this round, with the reason.
    pub paused: Vec<(DigestId, String)>,
    /// Posts that failed for now (tried again next round).
    pub failed: usize,
}

/// The digest worker of one process.
pub struct DigestWorker<O, C> {
    store: Store,
    outbox: O,
    clock: C,
    coverage: Coverage,
    settings: DigestSettings,
    /// This process, in the claims it makes.
    me: String,
    next_slot: Instant,
}

impl<O: Outbox, C: Clock> DigestWorker<O, C> {
    /// A worker for the digests of the servers `coverage` covers.
    pub fn new(
        store: Store,
        outbox: O,
        clock: C,
        coverage: Coverage,
        settings: DigestSettings,
    ) -> Self {
        // Several workers of one process (the tests) are told apart by a count.
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let made = MADE.fetch_add(1, Ordering::Relaxed);
        DigestWorker {
            store,
            outbox,
            clock,
            coverage,
            settings,
            me: format!("pid {} worker {made} ({nanos})", std::process::id()),
            next_slot: Instant::now(),
        }
    }

    /// The outbox (what a fake recorded, in tests).
    pub fn outbox(&self) -> &O {
        &self.outbox
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// The digests of `digests` due now, with the occurrence each is due for.
    fn due(&self, digests: Vec<Digest>, now: i64) -> Vec<(Digest, Schedule, i64)> {
        digests
            .into_iter()
            .filter(|d| self.coverage.covers_guild(d.guild_id))
            .filter_map(|d| {
                let schedule = match Schedule::parse(&d.time, &d.timezone, &d.days) {
                    Ok(schedule) => schedule,
                    Err(error) => {
                        warn!(digest = %d.id, %error, "a stored digest has a schedule that cannot be read");
                        return None;
                    }
                };
                let occurrence = schedule.previous_at_or_before(now)?;
                let done = d.last_occurrence.is_some_and(|last| last >= occurrence);
                (occurrence > d.created_at && !done).then_some((d, schedule, occurrence))
            })
            .collect()
    }

    /// One round: every digest due now goes out (or is skipped), once.
    pub async fn run_once(&mut self, library: &Library) -> Result<DigestRound, StoreError> {
        let mut round = DigestRound::default();
        let now = self.clock.now();
        let mut due = self.due(self.store.active_digests().await?, now);
        let Some(oldest) = due.iter().map(|&(_, _, occurrence)| occurrence).min() else {
            return Ok(round);
        };
        let settled: HashSet<(DigestId, i64)> = self
            .store
            .settled_digest_runs(oldest, now)
            .await?
            .into_iter()
            .collect();
        due.retain(|(d, _, occurrence)| !settled.contains(&(d.id, *occurrence)));
        let (late, on_time): (Vec<_>, Vec<_>) = due
            .into_iter()
            .partition(|&(_, _, occurrence)| now - occurrence > self.settings.catch_up);
        for (digest, schedule, occurrence) in late {
            if self
                .store
                .mark_digest_skipped(digest.id, occurrence, now)
                .await?
            {
                info!(
                    digest = %digest.id,
                    occurrence,
                    local = %schedule.local(occurrence),
                    late_secs = now - occurrence,
                    "digest skipped: missed by more than digest_catch_up"
                );
                round.skipped += 1;
            }
        }
        // Times are whole seconds: the window ends with the last whole second, and the next
        // starts there, so that a brief seen during this second is in the next digest.
        let until = now - 1;
        let windows: Vec<(&Digest, i64)> = on_time.iter().map(|(d, _, _)| (d, until)).collect();
        let contents = compose(&self.store, library, &windows).await?;
        for ((digest, _, occurrence), contents) in on_time.iter().zip(contents) {
            let (id, occurrence) = (digest.id, *occurrence);
            let say_nothing = contents.is_empty() && self.settings.empty == DigestEmpty::Skip;
            if !self
                .store
                .claim_digest(id, occurrence, &self.me, now, now + LEASE_SECS)
                .await?
            {
                round.taken += 1;
                continue;
            }
            if say_nothing {
                self.store
                    .mark_digest_sent(id, occurrence, &self.me, None, until)
                    .await?;
                round.empty += 1;
                continue;
            }
            let post = Post {
                target: Target::Channel {
                    guild_id: digest.guild_id,
                    channel_id: digest.channel_id,
                },
                ping_role_id: None,
                body: PostBody::Digest {
                    topic: digest.topic.clone(),
                    items: contents.items,
                    more: contents.more,
                    since: contents.since,
                },
            };
            self.pace().await;
            match self.outbox.send(&post).await {
                Ok(message_id) => {
                    self.store
                        .mark_digest_sent(id, occurrence, &self.me, Some(message_id), until)
                        .await?;
                    round.posted += 1;
                }
                Err(error @ (SendError::Forbidden(_) | SendError::NotFound(_))) => {
                    self.store.release_digest(id, occurrence, &self.me).await?;
                    let reason = match error {
                        SendError::NotFound(why) => format!("the channel is gone: {why}"),
                        other => format!("missing permission or access: {other}"),
                    };
                    if self.store.pause_digest(id, &reason).await? {
                        round.paused.push((id, reason));
                    }
                }
                Err(error) => {
                    warn!(digest = %id, %error, "a digest could not be posted; trying again next round");
                    self.store.release_digest(id, occurrence, &self.me).await?;
                    if let SendError::RateLimited { retry_after } = error {
                        self.next_slot = self.next_slot.max(Instant::now() + retry_after);
                    }
                    round.failed += 1;
                }
            }
        }
        Ok(round)
    }

    /// Waits for the next free slot of the pacing, and takes it.
    async fn pace(&mut self) {
        tokio::time::sleep_until(self.next_slot).await;
        let interval =
            Duration::from_secs(1) / u32::try_from(self.settings.per_second.max(1)).unwrap_or(1);
        self.next_slot = Instant::now().max(self.next_slot) + interval;
    }
}

#[cfg(test)]
mod tests;
