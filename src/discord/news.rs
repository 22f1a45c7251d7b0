//! Bringing the news in the bot: the database, announcing what each reload (or `/brief-add`)
//! put in the library, and the worker task that sends the queued deliveries.
//!
//! Announcing takes one lock, so reloads are announced one after the other against one
//! [`FollowIndex`]; a command that changes the follows drops that index, and the next
//! announcement files the follows again. The worker wakes after each announcement that
//! queued something, and on a timer (for deliveries left for later: rate limits, a restart).

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio::sync::{Mutex, Notify};
use tracing::{info, warn};

use super::{embed, no_mentions, outbox::DiscordOutbox};
use crate::brief::BriefId;
use crate::deliver::announce::{announce, catch_up, load_follows};
use crate::deliver::matcher::FollowIndex;
use crate::deliver::shards::Coverage;
use crate::deliver::worker::{Settings, Worker};
use crate::library::Library;
use crate::store::deliveries::owner_id;
use crate::store::digests::DigestId;
use crate::store::follows::FollowsMark;
use crate::store::follows::{FollowId, Target};
use crate::store::{Store, StoreError};
use crate::watch::LiveLibrary;

/// How often the worker looks at the queue when nothing woke it.
const WORKER_PERIOD: Duration = Duration::from_secs(30);

/// The news side of the bot, shared by the watcher, the commands and the worker.
pub struct News {
    /// The database of follows and deliveries.
    pub store: Store,
    /// The follows filed for matching, with the follows table's [`FollowsMark`] when they
    /// were filed; `None`: file them again at the next announcement.
    index: Mutex<Option<(FollowIndex, FollowsMark)>>,
    wake: Notify,
    announce_updates: bool,
    /// Where pauses are reported besides the creator's DMs (`admin_channel_id`).
    admin_channel: Option<u64>,
}

impl News {
    /// The news side over `store`.
    pub fn new(store: Store, announce_updates: bool, admin_channel: Option<u64>) -> Self {
        News {
            store,
            index: Mutex::new(None),
            wake: Notify::new(),
            announce_updates,
            admin_channel,
        }
    }

    /// The bot was removed from a server: its follows are paused (their deliveries wait;
    /// `/follow` again resumes one once the bot is back).
    pub async fn removed_from(&self, guild_id: u64) {
        match self
            .store
            .pause_guild(guild_id, "the bot was removed from the server")
            .await
        {
            Ok(paused) => info!(guild = guild_id, paused, "removed from a server"),
            Err(error) => warn!(%error, guild = guild_id, "cannot pause a server's follows"),
        }
    }

    /// At start: records the briefs present the first time, afterwards queues what arrived
    /// while the bot was not running.
    pub async fn catch_up(&self, library: &Library) -> Result<(), StoreError> {
        let mut index = self.index.lock().await;
        let follows = self.filed(&mut index, library).await?;
        let done = catch_up(&self.store, library, follows, self.announce_updates).await?;
        info!(
            new = done.new,
            queued = done.queued,
            first_start = done.first_start,
            "caught up with the briefs folder"
        );
        drop(index);
        self.wake.notify_one();
        Ok(())
    }

    /// Queues deliveries for the briefs `put` in `library` by a reload or an add.
    pub async fn announce(&self, library: &Library, put: &[BriefId]) {
        if put.is_empty() {
            return;
        }
        let mut index = self.index.lock().await;
        let result = match self.filed(&mut index, library).await {
            Ok(follows) => {
                announce(&self.store, library, follows, put, self.announce_updates).await
            }
            Err(error) => Err(error),
        };
        drop(index);
        match result {
            Ok(done) => {
                if done.queued > 0 {
                    info!(
                        new = done.new,
                        queued = done.queued,
                        "new briefs queued for delivery"
                    );
                }
                // Even when another process sharing the database queued them (it saw the
                // briefs first), this process may be the one whose shards cover some.
                self.wake.notify_one();
            }
            // The briefs stay unseen, so the next start's catch-up announces them.
            Err(error) => warn!(%error, "cannot announce new briefs"),
        }
    }

    /// A follow was made, resumed or removed: file the follows again before the next match,
    /// and let the worker look (a resumed follow may have deliveries waiting).
    pub async fn follows_changed(&self) {
        *self.index.lock().await = None;
        self.wake.notify_one();
    }

    /// The follows filed for `library`, filing them if needed.
    ///
    /// Another process sharing the database may have made or removed follows since they were
    /// filed: the follows table's mark (one small query) says so, and they are filed again.
    /// Without it, a process that announced a brief first with its old filing would record
    /// the brief as seen and queue nothing for a follow made in the other process.
    async fn filed<'a>(
        &self,
        index: &'a mut Option<(FollowIndex, FollowsMark)>,
        library: &Library,
    ) -> Result<&'a FollowIndex, StoreError> {
        let mark = self.store.follows_mark().await?;
        if index
            .as_ref()
            .is_none_or(|(filed, filed_at)| !filed.fits(library) || *filed_at != mark)
        {
            // The mark is read before the follows: a follow made in between is filed now
            // and makes the next mark differ, so it is filed again then, never missed.
            *index = Some((load_follows(&self.store, library).await?, mark));
        }
        Ok(&index
            .get_or_insert_with(|| (FollowIndex::default(), mark))
            .0)
    }

    /// Sends queued deliveries until `stopping` turns true: when woken, and every
    /// [`WORKER_PERIOD`]. A paused follow's creator is told by direct message, once.
    pub async fn work(
        self: Arc<Self>,
        http: Arc<serenity::Http>,
        live: Arc<LiveLibrary>,
        settings: Settings,
        summary_chars: usize,
        coverage: Coverage,
        mut stopping: tokio::sync::watch::Receiver<bool>,
    ) {
        let outbox = DiscordOutbox::new(Arc::clone(&http), Arc::clone(&live), summary_chars);
        let owner = owner_id();
        info!(
            owner = %owner,
            coverage = %coverage,
            lease_secs = settings.lease.as_secs(),
            "sending the deliveries of this process's shards"
        );
        let mut worker = Worker::new(
            self.store.clone(),
            outbox,
            settings,
            owner,
            coverage.filter(),
        );
        // A claim another process left behind (it died) is free after the lease: look at
        // least that often.
        let period = WORKER_PERIOD.min(settings.lease.max(Duration::from_secs(1)));
        loop {
            if *stopping.borrow() {
                return;
            }
            match worker.run_once(&live.snapshot()).await {
                Ok(round) => {
                    if round.posts > 0
                        || round.failed > 0
                        || round.lost > 0
                        || !round.paused.is_empty()
                    {
                        info!(
                            posts = round.posts,
                            delivered = round.delivered,
                            failed = round.failed,
                            paused = round.paused.len(),
                            lost = round.lost,
                            "deliveries sent"
                        );
                    }
                    for (follow, reason) in round.paused {
                        self.tell_creator(&http, follow, &reason).await;
                    }
                }
                // The database is away (or failed): the deliveries wait in it, and the next
                // round tries again; sqlx's pool connects anew once the server is back.
                Err(error) => {
                    warn!(%error, "cannot send the queued deliveries; trying again later")
                }
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(period) => {}
                _ = stopping.changed() => return,
            }
        }
    }

    /// Tells a paused follow's creator why, by direct message.
    async fn tell_creator(&self, http: &serenity::Http, id: FollowId, reason: &str) {
        let follow = match self.store.follow(id).await {
            Ok(Some(follow)) => follow,
            Ok(None) => return,
            Err(error) => {
                warn!(%error, "cannot read a paused follow");
                return;
            }
        };
        warn!(follow = %id, reason, "follow paused");
        let topic = if follow.topic.is_empty() {
            "every new brief".to_owned()
        } else {
            format!("“{}”", follow.topic)
        };
        let again = match follow.target {
            Target::Channel { .. } => "/follow again in that channel",
            Target::Personal { .. } => "/follow-me again",
        };
        let text = format!(
            "Your follow of {topic} is paused: {reason}. Fix that, then use {again} to \
             resume it."
        );
        let place = match follow.target {
            Target::Channel { channel_id, .. } => format!("channel {channel_id}"),
            Target::Personal { user_id } => format!("the direct messages of user {user_id}"),
        };
        let notice = format!("A follow of {topic} in {place} is paused: {reason}.");
        self.tell(http, follow.creator_id, &text, &notice).await;
    }

    /// Tells a paused digest's creator why, by direct message (and the admin channel), as
    /// for a follow.
    pub async fn tell_digest_paused(&self, http: &serenity::Http, id: DigestId, reason: &str) {
        let digest = match self.store.digest(id).await {
            Ok(Some(digest)) => digest,
            Ok(None) => return,
            Err(error) => {
                warn!(%error, "cannot read a paused digest");
                return;
            }
        };
        warn!(digest = %id, reason, "digest paused");
        let topic = if digest.topic.is_empty() {
            "every new brief".to_owned()
        } else {
            format!("“{}”", digest.topic)
        };
        let text = format!(
            "Your digest of {topic} in channel {channel} is paused: {reason}. Fix that, then use \
             /digest again in that channel to resume it.",
            channel = digest.channel_id
        );
        let notice = format!(
            "A digest of {topic} in channel {} is paused: {reason}.",
            digest.channel_id
        );
        self.tell(http, digest.creator_id, &text, &notice).await;
    }

    /// Sends `text` to member `creator_id` by direct message, and `notice` to the admin
    /// channel when one is set; mentions nobody. Failures are logged.
    async fn tell(&self, http: &serenity::Http, creator_id: u64, text: &str, notice: &str) {
        let message = serenity::CreateMessage::new()
            .content(embed::content(text))
            .allowed_mentions(no_mentions());
        if let Some(channel) = self.admin_channel {
            let notice = serenity::CreateMessage::new()
                .content(embed::content(notice))
                .allowed_mentions(no_mentions());
            if let Err(error) = serenity::ChannelId::new(channel)
                .send_message(http, notice)
                .await
            {
                warn!(%error, "cannot post to the admin channel");
            }
        }
        let sent = match serenity::UserId::new(creator_id)
            .create_dm_channel(http)
            .await
        {
            Ok(channel) => channel.id.send_message(http, message).await.map(|_| ()),
            Err(error) => Err(error),
        };
        if let Err(error) = sent {
            warn!(%error, user = creator_id, "cannot tell the creator of a paused follow or digest");
        }
    }
}
