//! The digest commands: `/digest`, `/digest-preview`, `/digests`, `/undigest`, and the task
//! that runs the digest worker. When a digest goes out and what it lists are decided in
//! [`crate::deliver`]; these check who asks and where (exactly as `/follow` does, with its
//! helpers), and word the answer. Every answer is ephemeral, mentions nobody, and escapes
//! what a user typed.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio::sync::Notify;
use tracing::{info, warn};

use super::follows::{channel_rights, in_thread_or_voice, member_can, reply};
use super::news::News;
use super::outbox::DiscordOutbox;
use super::{Context, Error, embed, no_mentions};
use crate::deliver::digest::compose;
use crate::deliver::digest_worker::{DigestWorker, SystemClock};
use crate::deliver::schedule::{Schedule, time_zone_choices};
use crate::deliver::topic::followed_topic;
use crate::store::digests::{Digest, DigestCreated, DigestId, NewDigest};
use crate::store::now;
use crate::watch::LiveLibrary;

/// Digests one server may have: each is composed at its time, so a server's managers cannot
/// make the bot do an unbounded amount of work.
pub const MAX_SERVER_DIGESTS: usize = 50;

/// Digests listed in one `/digests` answer at most (one message's 2000 characters).
const LISTED: usize = 15;

/// How often the digest worker looks when nothing woke it: a digest goes out at most this
/// late.
const DIGEST_PERIOD: Duration = Duration::from_secs(30);

/// Post a digest of the new briefs in a channel at a time of day (Manage Channels)
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_CHANNELS"
)]
pub async fn digest(
    ctx: Context<'_>,
    #[description = "Where to post the digest"]
    #[channel_types("Text", "News")]
    channel: serenity::ChannelId,
    #[description = "The time of day, HH:MM on a 24-hour clock, e.g. 08:00"]
    #[max_length = 5]
    time: String,
    #[description = "The time zone, e.g. Europe/Berlin (default: UTC)"]
    #[autocomplete = "autocomplete_time_zone"]
    #[max_length = 64]
    timezone: Option<String>,
    #[description = "daily (default), weekdays, or days such as mon,wed,fri"]
    #[max_length = 40]
    days: Option<String>,
    #[description = "What to list, e.g. election hacking (empty: every new brief)"]
    #[autocomplete = "super::commands::autocomplete_topic"]
    #[max_length = 300]
    topic: Option<String>,
) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else {
        return reply(ctx, "Use /digest in a server's channel.").await;
    };
    if !member_can(ctx, serenity::Permissions::MANAGE_CHANNELS).await {
        info!(user = %ctx.author().id, "digest refused: no Manage Channels");
        return reply(
            ctx,
            "Only members with Manage Channels can set up a channel's digest.",
        )
        .await;
    }
    if channel == ctx.channel_id() && in_thread_or_voice(ctx) {
        return reply(
            ctx,
            "Digests post in text or announcement channels: name one with channel:.",
        )
        .await;
    }
    if let Err(refusal) = channel_rights(ctx, guild, channel, "/digest", "set up its digest").await
    {
        return reply(ctx, &refusal).await;
    }
    let schedule = match Schedule::parse(
        &time,
        timezone.as_deref().unwrap_or("UTC"),
        days.as_deref().unwrap_or("daily"),
    ) {
        Ok(schedule) => schedule,
        Err(error) => {
            return reply(
                ctx,
                &format!(
                    "Cannot set up that digest: {}.",
                    embed::plain(&error.to_string())
                ),
            )
            .await;
        }
    };
    let followed = match followed_topic(&ctx.data().library(), topic.as_deref().unwrap_or("")) {
        Ok(followed) => followed,
        Err(error) => {
            return reply(
                ctx,
                &format!(
                    "Cannot set up that digest: {}.",
                    embed::plain(&error.to_string())
                ),
            )
            .await;
        }
    };
    let data = ctx.data();
    let store = &data.news.store;
    if store
        .find_digest(channel.get(), &followed.topic)
        .await?
        .is_none()
        && store.guild_digests(guild.get()).await?.len() >= MAX_SERVER_DIGESTS
    {
        return reply(
            ctx,
            &format!(
                "This server already has {MAX_SERVER_DIGESTS} digests, the most one server may. \
                 Use /undigest to drop one first."
            ),
        )
        .await;
    }
    let new = NewDigest {
        guild_id: guild.get(),
        channel_id: channel.get(),
        creator_id: ctx.author().id.get(),
        topic_typed: followed.typed.clone(),
        topic: followed.topic.clone(),
        time: schedule.time(),
        timezone: schedule.zone_name().to_owned(),
        days: schedule.days().to_string(),
    };
    let created = store.create_digest(&new, now()).await?;
    data.digest_wake.notify_one();
    let mut what = what_is_listed(&followed.topic);
    if !followed.corrections.is_empty() {
        what.push_str(&format!(" (you typed “{}”)", embed::plain(&followed.typed)));
    }
    let when = embed::plain(&schedule.to_string());
    let next = schedule
        .next_after(now())
        .map(|at| format!(" The next one: <t:{at}:F>."))
        .unwrap_or_default();
    let text = match created {
        DigestCreated::New(_) => format!("A digest of {what} in <#{channel}> at {when}.{next}"),
        DigestCreated::Updated { resumed: true, .. } => {
            format!("Resumed: the digest of {what} in <#{channel}>, now at {when}.{next}")
        }
        DigestCreated::Updated { .. } => {
            format!("Changed: the digest of {what} in <#{channel}> is now at {when}.{next}")
        }
    };
    reply(ctx, &text).await
}

/// Show privately what the next digest of a channel would list
#[poise::command(slash_command, guild_only, rename = "digest-preview")]
pub async fn digest_preview(
    ctx: Context<'_>,
    #[description = "The channel (default: this one)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::ChannelId>,
) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else {
        return reply(ctx, "Use /digest-preview in a server's channel.").await;
    };
    let channel = channel.unwrap_or_else(|| ctx.channel_id());
    let data = ctx.data();
    let digests: Vec<Digest> = data
        .news
        .store
        .guild_digests(guild.get())
        .await?
        .into_iter()
        .filter(|d| d.channel_id == channel.get())
        .collect();
    if digests.is_empty() {
        return reply(
            ctx,
            &format!("<#{channel}> has no digest. /digest sets one up."),
        )
        .await;
    }
    let at = now();
    let library = data.library();
    let windows: Vec<(&Digest, i64)> = digests.iter().take(10).map(|d| (d, at)).collect();
    let contents = compose(&data.news.store, &library, &windows).await?;
    let mut lines = Vec::new();
    let mut embeds = Vec::new();
    for (digest, contents) in digests.iter().zip(contents) {
        let next = Schedule::parse(&digest.time, &digest.timezone, &digest.days)
            .ok()
            .and_then(|s| s.next_after(at))
            .map_or_else(|| "no next time".to_owned(), |n| format!("<t:{n}:F>"));
        let mut line = format!(
            "The digest of {} goes out {next}",
            what_is_listed(&digest.topic)
        );
        if let Some(reason) = &digest.paused {
            line.push_str(&format!(" (**paused**: {})", embed::plain(reason)));
        }
        line.push_str(if contents.is_empty() {
            ": so far nothing is new for it."
        } else {
            ". So far it would list:"
        });
        lines.push(line);
        if !contents.is_empty() {
            embeds.push(
                embed::digest(
                    &digest.topic,
                    &contents.items,
                    contents.more,
                    contents.since,
                )
                .to_serenity(),
            );
        }
    }
    let mut answer = poise::CreateReply::default()
        .content(embed::truncate(&lines.join("\n"), 2000))
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    for embed in embeds {
        answer = answer.embed(embed);
    }
    ctx.send(answer).await?;
    Ok(())
}

/// List this server's digests
#[poise::command(slash_command, guild_only)]
pub async fn digests(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else {
        return reply(ctx, "Use /digests in a server's channel.").await;
    };
    let digests = ctx.data().news.store.guild_digests(guild.get()).await?;
    if digests.is_empty() {
        return reply(
            ctx,
            "This server has no digest. /digest posts the new briefs in a channel at a time of day.",
        )
        .await;
    }
    let mut lines: Vec<String> = digests.iter().take(LISTED).map(line).collect();
    if digests.len() > LISTED {
        lines.push(format!("and {} more", digests.len() - LISTED));
    }
    reply(ctx, &lines.join("\n")).await
}

/// Stop a digest (Manage Channels)
#[poise::command(slash_command, guild_only)]
pub async fn undigest(
    ctx: Context<'_>,
    #[description = "The digest to stop"]
    #[autocomplete = "autocomplete_digest"]
    digest: String,
) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else {
        return reply(ctx, "Use /undigest in a server's channel.").await;
    };
    let data = ctx.data();
    let wanted = digest.trim().parse::<i64>().ok().map(DigestId);
    let digests = data.news.store.guild_digests(guild.get()).await?;
    let Some(found) = digests.iter().find(|d| Some(d.id) == wanted) else {
        return reply(ctx, "No such digest here: choose one from the list.").await;
    };
    if !member_can(ctx, serenity::Permissions::MANAGE_CHANNELS).await {
        return reply(
            ctx,
            "Only members with Manage Channels can stop a channel's digest.",
        )
        .await;
    }
    data.news.store.remove_digest(found.id).await?;
    reply(
        ctx,
        &format!("Stopped: {}.", embed::plain(&describe(found))),
    )
    .await
}

async fn autocomplete_digest(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let Some(guild) = ctx.guild_id() else {
        return serenity::CreateAutocompleteResponse::new();
    };
    let Ok(digests) = ctx.data().news.store.guild_digests(guild.get()).await else {
        return serenity::CreateAutocompleteResponse::new();
    };
    let partial = partial.to_lowercase();
    let choices = digests
        .iter()
        .filter(|d| describe(d).to_lowercase().contains(&partial))
        .take(embed::limits::CHOICES)
        .map(|d| {
            serenity::AutocompleteChoice::new(
                embed::truncate(&describe(d), 100),
                d.id.0.to_string(),
            )
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// IANA time zone names for what was typed: prefix first, then substring, at most 25.
async fn autocomplete_time_zone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = time_zone_choices(partial, embed::limits::CHOICES)
        .into_iter()
        .map(|name| serenity::AutocompleteChoice::new(name, name))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// What a digest lists, for answers (escaped).
fn what_is_listed(topic: &str) -> String {
    if topic.is_empty() {
        "every new brief".to_owned()
    } else {
        format!("new briefs on “{}”", embed::plain(topic))
    }
}

/// A digest in a few words, for choices (plain text: Discord shows choices as typed).
fn describe(digest: &Digest) -> String {
    let topic = if digest.topic.is_empty() {
        "every new brief".to_owned()
    } else {
        format!("“{}”", digest.topic)
    };
    format!(
        "{topic} in channel {} at {} {}, {}",
        digest.channel_id, digest.time, digest.timezone, digest.days
    )
}

/// One line of `/digests`: topic, where, when, who made it, its last one, its status.
fn line(digest: &Digest) -> String {
    let last = match digest.last_occurrence {
        Some(at) => format!("last sent <t:{at}:R>"),
        None => "none sent yet".to_owned(),
    };
    let status = match &digest.paused {
        None => "active".to_owned(),
        Some(reason) => format!("**paused**: {}", embed::plain(reason)),
    };
    format!(
        "• {} in <#{}> at {} {}, {}, by <@{}>, {last}, {status}",
        what_is_listed(&digest.topic),
        digest.channel_id,
        digest.time,
        embed::plain(&digest.timezone),
        digest.days,
        digest.creator_id
    )
}

/// Runs the digest worker until `stopping` turns true: at once (a digest missed while the bot
/// was down goes out now, within the catch-up), when woken (a digest was set up), and every
/// [`DIGEST_PERIOD`].
pub async fn work(
    mut worker: DigestWorker<DiscordOutbox, SystemClock>,
    news: Arc<News>,
    http: Arc<serenity::Http>,
    live: Arc<LiveLibrary>,
    wake: Arc<Notify>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *stopping.borrow() {
            return;
        }
        match worker.run_once(&live.snapshot()).await {
            Ok(round) => {
                if round.posted + round.empty + round.skipped + round.failed > 0 {
                    info!(
                        posted = round.posted,
                        empty = round.empty,
                        skipped = round.skipped,
                        failed = round.failed,
                        "digests sent"
                    );
                }
                for (digest, reason) in round.paused {
                    news.tell_digest_paused(&http, digest, &reason).await;
                }
            }
            Err(error) => warn!(%error, "cannot send the digests"),
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(DIGEST_PERIOD) => {}
            _ = stopping.changed() => return,
        }
    }
}
