//! The Discord face: start-up, slash commands, mention replies. Every Discord type lives
//! under this module; answers come from [`crate::answer`] like everywhere else.
//!
//! poise dispatches the slash commands ([`commands`]); free-text mentions ("@briefbot what
//! about election hacking?") are handled in [`on_event`], because poise's own mention-prefix
//! handling would treat the first word as a command name; so are presses of "More like this"
//! ([`related`]), which outlive the answer they sit under. The bot needs no privileged intent:
//! Discord delivers the content of messages that mention it.
//!
//! Every process runs the delivery worker ([`news::News::work`]) for its own shards: with a
//! `shard_range`, the follows of the servers on those shards, and the personal (DM) follows
//! when the range starts at shard 0 ([`crate::deliver::shards::Coverage`]). Processes that
//! share a database claim each delivery there before sending it, so overlapping ranges never
//! send one twice (README, "Running several processes").

pub mod admin;
pub mod api_url;
pub mod commands;
pub mod cooldown;
pub mod digests;
pub mod embed;
pub mod follows;
pub mod news;
pub mod outbox;
pub mod paging;
pub mod registration;
pub mod related;
pub mod said;
pub mod work;

use std::sync::Arc;
use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::{info, warn};

use crate::config::{Config, Shards};
use crate::deliver::digest_worker::{DigestSettings, DigestWorker, SystemClock};
use crate::deliver::shards::Coverage;
use crate::deliver::worker::Settings;
use crate::library::{Library, LibraryError};
use crate::store::{Store, StoreError};
use crate::watch::{LiveLibrary, ReloadReport};

/// The error commands return; poise logs it and tells the user something went wrong.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// What every command receives.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// State shared by all commands.
pub struct Data {
    /// The served library, kept in step with the briefs folder.
    pub live: Arc<LiveLibrary>,
    pub config: Config,
    pub cooldown: cooldown::Cooldown,
    /// Replies being worked on, so that shutdown can let them finish.
    pub in_flight: Arc<InFlight>,
    /// Becomes true when the bot is shutting down: paging stops waiting for presses.
    pub stopping: tokio::sync::watch::Receiver<bool>,
    /// Where answers are worked out: off the async threads, a bounded number at once.
    pub work: work::Work,
    /// The paged answers showing buttons, within their caps.
    pub live_pages: Arc<paging::LivePages>,
    /// Autocompletions per user per second.
    pub autocomplete: cooldown::Cooldown,
    /// Follows, announcements and their deliveries.
    pub news: Arc<news::News>,
    /// Wakes the digest worker (a digest was set up or changed).
    pub digest_wake: Arc<tokio::sync::Notify>,
}

/// Counts replies in flight.
#[derive(Debug, Default)]
pub struct InFlight {
    count: std::sync::atomic::AtomicUsize,
    idle: tokio::sync::Notify,
}

/// Held while a reply is in flight.
#[derive(Debug)]
pub struct InFlightGuard(Arc<InFlight>);

impl InFlight {
    /// Marks one reply in flight until the guard is dropped.
    pub fn start(self: &Arc<Self>) -> InFlightGuard {
        self.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        InFlightGuard(Arc::clone(self))
    }

    /// Waits until no reply is in flight, or `limit` passes; returns how many were left.
    pub async fn drain(&self, limit: std::time::Duration) -> usize {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let idle = self.idle.notified();
            let count = self.count.load(std::sync::atomic::Ordering::SeqCst);
            if count == 0 {
                return 0;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                return self.count.load(std::sync::atomic::Ordering::SeqCst);
            }
        }
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        if self
            .0
            .count
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst)
            == 1
        {
            self.0.idle.notify_waiters();
        }
    }
}

/// What a command carries while it runs: when it started, and its place in flight.
struct Invocation {
    started: Instant,
    _in_flight: InFlightGuard,
}

impl Data {
    /// The library as it is now: a consistent snapshot for the whole command.
    pub fn library(&self) -> Arc<Library> {
        self.live.snapshot()
    }
}

/// Why the bot could not run.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "DISCORD_TOKEN is not set: put the bot token from the Discord developer portal in that \
         environment variable (see README.md, \"Running the bot\")"
    )]
    MissingToken,
    #[error(transparent)]
    ApiUrl(#[from] api_url::Refused),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("the database: {0}")]
    Store(#[from] StoreError),
    #[error("cannot watch the briefs folder: {0}")]
    Watch(#[from] notify_debouncer_full::notify::Error),
    #[error("Discord: {0}")]
    Discord(Box<serenity::Error>),
}

impl From<serenity::Error> for StartError {
    fn from(error: serenity::Error) -> Self {
        StartError::Discord(Box::new(error))
    }
}

/// Allowed mentions for every message: nobody, ever.
pub fn no_mentions() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
        .everyone(false)
        .all_users(false)
        .all_roles(false)
        .replied_user(false)
}

/// Makes the current snapshot's autocompletion topics and its facets (tags and outlets, for
/// filters and their autocompletion), if they are not made yet.
fn warm_topics(live: &LiveLibrary) {
    let snapshot = live.snapshot();
    let _ = snapshot.topics().next();
    let _ = snapshot.facets();
}

/// Connects to Discord and serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), StartError> {
    let token = std::env::var("DISCORD_TOKEN")
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or(StartError::MissingToken)?;
    let api = std::env::var("DISCORD_API_URL")
        .ok()
        .map(|api| api.trim().to_owned())
        .filter(|api| !api.is_empty());
    if let Some(api) = &api {
        api_url::check(api)?;
    }
    let (live, errors) =
        LiveLibrary::open(&config.briefs_dir, config.language, config.max_brief_bytes)?;
    for error in &errors {
        warn!("{error} (this brief is left out)");
    }
    info!(
        briefs = live.snapshot().len(),
        dir = %config.briefs_dir.display(),
        "library loaded"
    );
    let live = Arc::new(live);
    // The database before Discord: a bot that cannot remember what it announced must not
    // start (it would announce again, or miss briefs).
    let store = Store::open(&config.database_url).await?;
    info!(database = %store.location(), "database opened");
    let news = Arc::new(news::News::new(
        store,
        config.announce_updates,
        config.discord.admin_channel_id,
    ));
    news.catch_up(&live.snapshot()).await?;
    // Autocompletion's topics are made at the first keystroke; make them now instead, off the
    // async threads, so that no keystroke waits (about 150 ms at 100,000 briefs).
    tokio::task::spawn_blocking({
        let live = Arc::clone(&live);
        move || warm_topics(&live)
    });
    let admin_channel = config.discord.admin_channel_id;

    let mut http = serenity::HttpBuilder::new(&token).default_allowed_mentions(no_mentions());
    if let Some(api) = &api {
        info!(%api, "using a Discord API other than discord.com");
        // serenity sends requests through the proxy only with its own rate limiter off; the
        // proxy (or test double) is then the one that limits.
        http = http
            .proxy(api.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let http = http.build();

    let shards = config.discord.shards;
    let shard_range = config.discord.shard_range;
    let served = Arc::clone(&live);
    let in_flight = Arc::new(InFlight::default());
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let cooldown = cooldown::Cooldown::new(
        config.discord.cooldown_commands,
        std::time::Duration::from_secs(config.discord.cooldown_secs),
    );
    let grace = std::time::Duration::from_secs(config.discord.shutdown_grace_secs);
    let work = work::Work::new(config.discord.search_threads);
    info!(
        threads = work.threads(),
        "answers are worked out on their own threads"
    );
    let live_pages = Arc::new(paging::LivePages::new(
        config.discord.paged_answers_per_user,
        config.discord.paged_answers_total,
    ));
    let autocomplete = cooldown::Cooldown::new(
        config.discord.autocomplete_per_second,
        std::time::Duration::from_secs(1),
    );
    let data_in_flight = Arc::clone(&in_flight);
    let data_news = Arc::clone(&news);
    let settings = Settings {
        lease: std::time::Duration::from_secs(config.claim_lease_secs),
        ..Settings::new(config.announce_burst, config.announce_per_second)
    };
    let config_discord = config.discord.clone();
    let watch_mode = config.watch;
    let summary_chars = config.summary_chars;
    let worker_stopping = stopping.clone();
    let digest_stopping = stopping.clone();
    let digest_wake = Arc::new(tokio::sync::Notify::new());
    let data_digest_wake = Arc::clone(&digest_wake);
    let coverage = Coverage::of(&config.discord);
    let digest_settings = DigestSettings {
        empty: config.digest_empty,
        catch_up: i64::try_from(config.digest_catch_up.as_secs()).unwrap_or(i64::MAX),
        per_second: config.announce_per_second,
    };
    let framework = poise::Framework::builder()
        .options(options())
        .initialize_owners(false)
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                registration::register(&ctx.http, &framework.options().commands, &config.discord)
                    .await?;
                info!(user = %ready.user.name, "connected to Discord");
                Ok(Data {
                    live: served,
                    config,
                    cooldown,
                    in_flight: data_in_flight,
                    stopping,
                    work,
                    live_pages,
                    autocomplete,
                    news: data_news,
                    digest_wake: data_digest_wake,
                })
            })
        })
        .build();

    let intents = serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::DIRECT_MESSAGES;
    let mut client = serenity::ClientBuilder::new_with_http(http, intents)
        .framework(framework)
        .await?;

    // Watch the folder; report broken briefs in the admin channel when one is set.
    let http = Arc::clone(&client.http);
    let runtime = tokio::runtime::Handle::current();
    let watched = Arc::clone(&live);
    let announcing = Arc::clone(&news);
    if let crate::config::WatchMode::Poll { secs } = watch_mode {
        info!(every_secs = secs, "the briefs folder is polled");
    }
    let _watcher = live.watch_as(watch_mode, move |report| {
        if !report.put.is_empty() {
            let news = Arc::clone(&announcing);
            let live = Arc::clone(&watched);
            let put = report.put.clone();
            runtime.spawn(async move { news.announce(&live.snapshot(), &put).await });
        }
        if report.changed > 0 {
            // An edit carries the topics over but lists the distinct ones anew (about 25 ms
            // at 100,000 briefs): do that here, not at the next keystroke.
            warm_topics(&watched);
        }
        if let Some(channel) = admin_channel
            && !report.errors.is_empty()
        {
            let http = Arc::clone(&http);
            let message = serenity::CreateMessage::new()
                .content(embed::content(&admin_report(report)))
                .allowed_mentions(no_mentions());
            runtime.spawn(async move {
                if let Err(error) = serenity::ChannelId::new(channel)
                    .send_message(&http, message)
                    .await
                {
                    warn!(%error, "cannot post to the admin channel");
                }
            });
        }
    })?;
    // A brief written between the first load and the watcher's start brings no event: look
    // once more now that the watcher runs, so that it is served and announced.
    tokio::spawn({
        let live = Arc::clone(&live);
        let news = Arc::clone(&news);
        async move {
            let reloading = Arc::clone(&live);
            match tokio::task::spawn_blocking(move || reloading.reload()).await {
                Ok(Ok(report)) => news.announce(&live.snapshot(), &report.put).await,
                Ok(Err(error)) => warn!(%error, "cannot reload the briefs"),
                Err(error) => warn!(%error, "the reload after start failed"),
            }
        }
    });

    // Every process announces (the seen table makes each brief announced once) and sends
    // the deliveries of its own shards' servers (claims in the database make each sent
    // once, even when two processes' ranges overlap by mistake).
    tokio::spawn(Arc::clone(&news).work(
        Arc::clone(&client.http),
        Arc::clone(&live),
        settings,
        summary_chars,
        Coverage::of(&config_discord),
        worker_stopping,
    ));

    // Digests go out from the process whose shards cover their server; the claim in the
    // database makes each occurrence go out once even where ranges overlap.
    let digest_worker = DigestWorker::new(
        news.store.clone(),
        outbox::DiscordOutbox::new(Arc::clone(&client.http), Arc::clone(&live), summary_chars),
        SystemClock,
        coverage,
        digest_settings,
    );
    tokio::spawn(digests::work(
        digest_worker,
        Arc::clone(&news),
        Arc::clone(&client.http),
        Arc::clone(&live),
        digest_wake,
        digest_stopping,
    ));

    let manager = client.shard_manager.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        info!("shutting down: no new commands; replies in flight may finish");
        let _ = stop.send(true);
        manager.shutdown_all().await;
    });

    match (shards, shard_range) {
        (Shards::Auto, _) => client.start_autosharded().await?,
        (Shards::Count(total), None) => client.start_shards(total).await?,
        (Shards::Count(total), Some((first, last))) => {
            client.start_shard_range(first..last, total).await?;
        }
    }
    let left = in_flight.drain(grace).await;
    if left > 0 {
        warn!(replies = left, "stopped with replies still in flight");
    } else {
        info!("stopped");
    }
    Ok(())
}

/// The admin channel's message about briefs that failed to load.
fn admin_report(report: &ReloadReport) -> String {
    let mut text = String::from(
        "Some brief files have problems (their last good version, if any, is still served):",
    );
    for error in &report.errors {
        text.push_str(&format!("\n• {error}"));
    }
    text
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// The framework's options: commands, logging hooks, no mentions, no prefix commands.
fn options() -> poise::FrameworkOptions<Data, Error> {
    poise::FrameworkOptions {
        commands: vec![
            commands::brief(),
            commands::quotes(),
            said::said(),
            commands::briefs(),
            commands::help(),
            admin::brief_add(),
            admin::brief_remove(),
            follows::follow(),
            follows::follow_me(),
            follows::unfollow(),
            follows::follows(),
            digests::digest(),
            digests::digest_preview(),
            digests::digests(),
            digests::undigest(),
        ],
        allowed_mentions: Some(no_mentions()),
        prefix_options: poise::PrefixFrameworkOptions {
            prefix: None,
            mention_as_prefix: false,
            ..Default::default()
        },
        command_check: Some(|ctx| Box::pin(check_cooldown(ctx))),
        pre_command: |ctx| {
            Box::pin(async move {
                let invocation = Invocation {
                    started: Instant::now(),
                    _in_flight: ctx.data().in_flight.start(),
                };
                ctx.set_invocation_data(invocation).await;
            })
        },
        post_command: |ctx| {
            Box::pin(async move {
                let started = ctx.invocation_data::<Invocation>().await.map(|i| i.started);
                let millis = started.map_or(0.0, |t| t.elapsed().as_secs_f64() * 1000.0);
                info!(
                    command = %ctx.command().qualified_name,
                    user = %ctx.author().id,
                    latency_ms = format!("{millis:.1}"),
                    "command handled"
                );
            })
        },
        on_error: |error| Box::pin(on_error(error)),
        event_handler: |framework, event| Box::pin(on_event(framework, event)),
        ..Default::default()
    }
}

/// Refuses a command when its user has used up their share for now. Autocomplete is free.
async fn check_cooldown(ctx: Context<'_>) -> Result<bool, Error> {
    if let poise::Context::Application(app) = ctx
        && app.interaction_type == poise::CommandInteractionType::Autocomplete
    {
        return Ok(true);
    }
    ctx.data()
        .cooldown
        .check(ctx.author().id.get(), Instant::now())?;
    Ok(true)
}

async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::CommandCheckFailed {
            ctx,
            error: Some(error),
            ..
        } if error.is::<cooldown::SlowDown>() => {
            info!(command = %ctx.command().qualified_name, user = %ctx.author().id, "cooldown");
            let text =
                format!("You are asking quickly: {error}. Everyone gets a fair share of the bot.");
            let _ = say_ephemeral(ctx, &text).await;
        }
        poise::FrameworkError::CommandCheckFailed { ctx, .. } => {
            let _ = say_ephemeral(ctx, "Only admins can do that, and only in the editorial team's server: there, members with Manage Server, or the roles and users listed in the bot's config.").await;
        }
        poise::FrameworkError::Command { error, ctx, .. } => {
            warn!(command = %ctx.command().qualified_name, %error, "command failed");
            let _ = say_ephemeral(
                ctx,
                "Sorry, something went wrong answering that. Please try again.",
            )
            .await;
        }
        other => {
            if let Err(error) = poise::builtins::on_error(other).await {
                warn!(%error, "while handling an error");
            }
        }
    }
}

/// A short answer only the asker sees.
pub async fn say_ephemeral(ctx: Context<'_>, text: &str) -> Result<(), Error> {
    let reply = poise::CreateReply::default()
        .content(embed::content(text))
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    ctx.send(reply).await?;
    Ok(())
}

/// Answers messages that mention the bot, like `/brief`, in a reply.
async fn on_event(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let new_message = match event {
        serenity::FullEvent::Message { new_message } => new_message,
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(press),
        } if related::is_related(&press.data.custom_id) => {
            let context = framework.serenity_context;
            return Ok(related::pressed(context, framework.user_data, press).await?);
        }
        // An outage also sends GUILD_DELETE, marked unavailable; only a removal pauses.
        serenity::FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
            framework
                .user_data
                .news
                .removed_from(incomplete.id.get())
                .await;
            return Ok(());
        }
        _ => return Ok(()),
    };
    let bot = framework.bot_id();
    if new_message.author.bot || !new_message.mentions.iter().any(|u| u.id == bot) {
        return Ok(());
    }
    let started = Instant::now();
    let data = framework.user_data;
    let _in_flight = data.in_flight.start();
    let question = strip_mentions(&new_message.content, bot);
    // Mentions cannot be answered privately, so a spammer's extra mentions go unanswered.
    if data
        .cooldown
        .check(new_message.author.id.get(), started)
        .is_err()
    {
        info!(command = "mention", user = %new_message.author.id, "cooldown");
        return Ok(());
    }
    let library = data.library();
    let mut message = serenity::CreateMessage::new()
        .reference_message(new_message)
        .allowed_mentions(no_mentions());
    if question.trim().is_empty() {
        message = message.embed(embed::help().to_serenity());
    } else {
        let summary_chars = data.config.summary_chars;
        let answer = data
            .work
            .run(paging::WORK_WAIT, move || {
                commands::mention_answer(&library, &question, summary_chars)
            })
            .await;
        let Ok(answer) = answer else {
            info!(command = "mention", user = %new_message.author.id, "busy");
            return Ok(());
        };
        match answer {
            Ok(page) => {
                message = message.embed(page.embed.to_serenity());
                if let Some(content) = page.content {
                    message = message.content(embed::content(&content));
                }
            }
            Err(nothing) => message = message.content(embed::content(&nothing)),
        }
    }
    new_message
        .channel_id
        .send_message(&framework.serenity_context.http, message)
        .await?;
    info!(
        command = "mention",
        user = %new_message.author.id,
        latency_ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
        "command handled"
    );
    Ok(())
}

/// The text of a message without mentions of the bot (`<@id>` and `<@!id>`).
fn strip_mentions(content: &str, bot: serenity::UserId) -> String {
    content
        .replace(&format!("<@{bot}>"), " ")
        .replace(&format!("<@!{bot}>"), " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_of_the_bot_are_removed_from_the_question() {
        let bot = serenity::UserId::new(42);
        assert_eq!(
            strip_mentions("<@42> what about  election hacking?", bot),
            "what about election hacking?"
        );
        assert_eq!(strip_mentions("hey <@!42>", bot), "hey");
        assert_eq!(strip_mentions("<@7> hi", bot), "<@7> hi");
    }

    #[test]
    fn allowed_mentions_allow_nobody() {
        let json = serde_json::to_value(no_mentions()).unwrap();
        assert_eq!(json["parse"], serde_json::json!([]));
        assert_eq!(json["replied_user"], false);
    }
}
