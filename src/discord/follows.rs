//! The follow commands: `/follow`, `/follow-me`, `/unfollow`, `/follows`. What is matched,
//! queued and sent is decided in [`crate::deliver`]; these only check who asks and where,
//! and word the answer. Every answer is ephemeral, mentions nobody, and escapes what a user
//! typed.

use poise::serenity_prelude as serenity;
use tracing::info;

use super::{Context, Error, embed, no_mentions};
use crate::deliver::topic::{FollowedTopic, followed_topic};
use crate::store::follows::{Created, Follow, FollowId, NewFollow, Target};

/// What the bot needs in a channel to post the news there, with the names Discord shows.
const NEEDED: [(serenity::Permissions, &str); 3] = [
    (serenity::Permissions::VIEW_CHANNEL, "View Channel"),
    (serenity::Permissions::SEND_MESSAGES, "Send Messages"),
    (serenity::Permissions::EMBED_LINKS, "Embed Links"),
];

/// Follows listed in one `/follows` answer at most (one message's 2000 characters).
const LISTED: usize = 15;

/// Channel follows one server may have: each is matched against every new brief and held in
/// memory, so a server's managers cannot make the bot hold an unbounded number.
pub const MAX_SERVER_FOLLOWS: usize = 100;

/// Post every new brief on a topic in a channel (Manage Channels)
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_CHANNELS"
)]
pub async fn follow(
    ctx: Context<'_>,
    #[description = "What to follow, e.g. election hacking (empty: every new brief)"]
    #[autocomplete = "super::commands::autocomplete_topic"]
    #[max_length = 300]
    topic: Option<String>,
    #[description = "Where to post (default: this channel)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::ChannelId>,
    #[description = "A role to mention with each post"] ping: Option<serenity::Role>,
) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else {
        return reply(ctx, "Use /follow in a server's channel.").await;
    };
    // Discord hides the command from members without the permission, but a server can change
    // that: the permission is checked here on every call.
    if !member_can(ctx, serenity::Permissions::MANAGE_CHANNELS).await {
        info!(user = %ctx.author().id, "follow refused: no Manage Channels");
        return reply(
            ctx,
            "Only members with Manage Channels can make a channel follow the news. \
             Use /follow-me to get the news by direct message.",
        )
        .await;
    }
    if let Some(role) = &ping
        && (role.id.get() == guild.get() || role.name == "@everyone" || role.name == "@here")
    {
        return reply(
            ctx,
            "A follow cannot ping @everyone or @here: choose a role, or no ping.",
        )
        .await;
    }
    if channel.is_none() && in_thread_or_voice(ctx) {
        return reply(
            ctx,
            "Follows post in text or announcement channels: use /follow in one, or name one \
             with channel:.",
        )
        .await;
    }
    let channel = channel.unwrap_or_else(|| ctx.channel_id());
    let theirs =
        match channel_rights(ctx, guild, channel, "/follow", "make it follow the news").await {
            Ok(theirs) => theirs,
            Err(refusal) => return reply(ctx, &refusal).await,
        };
    if let Some(role) = &ping
        && !role.mentionable
        && !(theirs.administrator() || theirs.contains(serenity::Permissions::MENTION_EVERYONE))
    {
        return reply(
            ctx,
            &format!(
                "You cannot mention the role {} yourself, so a follow cannot ping it.",
                embed::plain(&role.name)
            ),
        )
        .await;
    }
    let Some(followed) = topic_or_refusal(ctx, topic.as_deref().unwrap_or_default()).await? else {
        return Ok(());
    };
    let new = NewFollow {
        target: Target::Channel {
            guild_id: guild.get(),
            channel_id: channel.get(),
        },
        creator_id: ctx.author().id.get(),
        topic_typed: followed.typed.clone(),
        topic: followed.topic.clone(),
        ping_role_id: ping.as_ref().map(|r| r.id.get()),
    };
    let data = ctx.data();
    let store = &data.news.store;
    if store.find_follow(&new.target, &new.topic).await?.is_none() {
        let made = store
            .visible_follows(Some(guild.get()), ctx.author().id.get())
            .await?
            .iter()
            .filter(|f| matches!(f.target, Target::Channel { .. }))
            .count();
        if made >= MAX_SERVER_FOLLOWS {
            return reply(
                ctx,
                &format!(
                    "This server already has {MAX_SERVER_FOLLOWS} follows, the most one server \
                     may. Use /unfollow to drop one first."
                ),
            )
            .await;
        }
    }
    let created = store
        .create_follow(&new, data.config.max_personal_follows)
        .await?;
    data.news.follows_changed().await;
    let what = what_is_followed(&followed);
    let mut text = match created {
        Created::New(_) => format!("Following {what} in <#{channel}>."),
        Created::Existing { resumed: true, .. } => {
            format!("Resumed: following {what} in <#{channel}> again.")
        }
        Created::Existing { .. } => format!("<#{channel}> already follows {what}."),
        Created::LimitReached { limit } => format!("The limit of {limit} follows is reached."),
    };
    if let Some(role) = &ping {
        text.push_str(&format!(
            " Each post mentions the role {}.",
            embed::plain(&role.name)
        ));
    }
    reply(ctx, &text).await
}

/// Get every new brief on a topic by direct message
#[poise::command(slash_command, rename = "follow-me")]
pub async fn follow_me(
    ctx: Context<'_>,
    #[description = "What to follow, e.g. election hacking"]
    #[autocomplete = "super::commands::autocomplete_topic"]
    #[max_length = 300]
    topic: String,
) -> Result<(), Error> {
    let Some(followed) = topic_or_refusal(ctx, &topic).await? else {
        return Ok(());
    };
    let user = ctx.author().id.get();
    let new = NewFollow {
        target: Target::Personal { user_id: user },
        creator_id: user,
        topic_typed: followed.typed.clone(),
        topic: followed.topic.clone(),
        ping_role_id: None,
    };
    let data = ctx.data();
    let created = data
        .news
        .store
        .create_follow(&new, data.config.max_personal_follows)
        .await?;
    data.news.follows_changed().await;
    let what = what_is_followed(&followed);
    let text = match created {
        Created::New(_) => format!("Following {what}: new briefs come to you by direct message."),
        Created::Existing { resumed: true, .. } => {
            format!("Resumed: following {what} by direct message again.")
        }
        Created::Existing { .. } => format!("You already follow {what}."),
        Created::LimitReached { limit } => format!(
            "You already follow {limit} topics, the most one member may. \
             Use /unfollow to drop one first."
        ),
    };
    reply(ctx, &text).await
}

/// Stop a follow
#[poise::command(slash_command)]
pub async fn unfollow(
    ctx: Context<'_>,
    #[description = "The follow to stop"]
    #[autocomplete = "autocomplete_follow"]
    follow: String,
) -> Result<(), Error> {
    let data = ctx.data();
    let wanted = follow.trim().parse::<i64>().ok().map(FollowId);
    let visible = visible(ctx).await?;
    let Some(found) = visible.iter().find(|f| Some(f.id) == wanted) else {
        return reply(ctx, "No such follow here: choose one from the list.").await;
    };
    if !may_remove(ctx, found).await {
        return reply(
            ctx,
            "Only members with Manage Channels can stop a channel's follow.",
        )
        .await;
    }
    data.news.store.remove_follow(found.id).await?;
    data.news.follows_changed().await;
    reply(ctx, &format!("Stopped: {}.", describe(found))).await
}

/// List this server's follows and your own
#[poise::command(slash_command)]
pub async fn follows(ctx: Context<'_>) -> Result<(), Error> {
    let visible = visible(ctx).await?;
    if visible.is_empty() {
        return reply(
            ctx,
            "Nothing is followed here. /follow posts new briefs in a channel, /follow-me sends \
             them to you.",
        )
        .await;
    }
    let mut lines: Vec<String> = visible.iter().take(LISTED).map(line).collect();
    if visible.len() > LISTED {
        lines.push(format!("and {} more", visible.len() - LISTED));
    }
    reply(ctx, &lines.join("\n")).await
}

/// The follows the asker may see: the server's, and their own.
async fn visible(ctx: Context<'_>) -> Result<Vec<Follow>, Error> {
    Ok(ctx
        .data()
        .news
        .store
        .visible_follows(
            ctx.guild_id().map(serenity::GuildId::get),
            ctx.author().id.get(),
        )
        .await?)
}

/// Whether the asker may remove `follow`: their own personal follow, or a channel follow of
/// this server when they manage channels.
async fn may_remove(ctx: Context<'_>, follow: &Follow) -> bool {
    match follow.target {
        Target::Personal { user_id } => user_id == ctx.author().id.get(),
        Target::Channel { guild_id, .. } => {
            ctx.guild_id().is_some_and(|g| g.get() == guild_id)
                && member_can(ctx, serenity::Permissions::MANAGE_CHANNELS).await
        }
    }
}

async fn autocomplete_follow(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let Ok(visible) = visible(ctx).await else {
        return serenity::CreateAutocompleteResponse::new();
    };
    let partial = partial.to_lowercase();
    let choices = visible
        .iter()
        .filter(|f| describe(f).to_lowercase().contains(&partial))
        .take(embed::limits::CHOICES)
        .map(|f| {
            serenity::AutocompleteChoice::new(
                embed::truncate(&describe(f), 100),
                f.id.0.to_string(),
            )
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// A follow in a few words, for choices (plain text: Discord shows choices as typed).
fn describe(follow: &Follow) -> String {
    let topic = if follow.topic.is_empty() {
        "every new brief".to_owned()
    } else {
        format!("“{}”", follow.topic)
    };
    match follow.target {
        Target::Channel { channel_id, .. } => format!("{topic} in channel {channel_id}"),
        Target::Personal { .. } => format!("{topic} by direct message"),
    }
}

/// One line of `/follows`: topic, where, who made it, when it last posted, its status.
fn line(follow: &Follow) -> String {
    let topic = if follow.topic.is_empty() {
        "every new brief".to_owned()
    } else {
        format!("“{}”", embed::plain(&follow.topic))
    };
    let place = match follow.target {
        Target::Channel { channel_id, .. } => format!("<#{channel_id}>"),
        Target::Personal { .. } => "your direct messages".to_owned(),
    };
    let posted = match follow.last_posted_at {
        Some(at) => format!("last posted <t:{at}:R>"),
        None => "nothing posted yet".to_owned(),
    };
    let status = match &follow.paused {
        None => "active".to_owned(),
        Some(reason) => format!("**paused**: {}", embed::plain(reason)),
    };
    format!(
        "• {topic} in {place}, by <@{}>, {posted}, {status}",
        follow.creator_id
    )
}

/// What a follow follows, for answers (escaped).
fn what_is_followed(followed: &FollowedTopic) -> String {
    if followed.topic.is_empty() {
        return "every new brief".to_owned();
    }
    let mut text = format!("new briefs on “{}”", embed::plain(&followed.topic));
    if !followed.corrections.is_empty() {
        text.push_str(&format!(" (you typed “{}”)", embed::plain(&followed.typed)));
    }
    text
}

/// The topic as followed, or `None` after telling the asker why it cannot be followed.
async fn topic_or_refusal(ctx: Context<'_>, typed: &str) -> Result<Option<FollowedTopic>, Error> {
    match followed_topic(&ctx.data().library(), typed) {
        Ok(followed) => Ok(Some(followed)),
        Err(error) => {
            reply(
                ctx,
                &format!("Cannot follow that: {}.", embed::plain(&error.to_string())),
            )
            .await?;
            Ok(None)
        }
    }
}

/// Whether the asker has `permission` (or is an administrator) where they asked.
pub(super) async fn member_can(ctx: Context<'_>, permission: serenity::Permissions) -> bool {
    ctx.author_member()
        .await
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.contains(permission) || p.administrator())
}

/// The member's permissions in `channel`: as the interaction states them for the channel the
/// command came from, else from the cache (the member's roles and the channel's overwrites).
pub(super) async fn member_permissions_in(
    ctx: Context<'_>,
    guild: serenity::GuildId,
    channel: serenity::ChannelId,
) -> Option<serenity::Permissions> {
    let member = ctx.author_member().await?;
    if channel == ctx.channel_id() {
        return member.permissions;
    }
    let guild = ctx.cache().guild(guild)?;
    let target = guild.channels.get(&channel)?;
    Some(guild.user_permissions_in(target, &member))
}

/// Whether the command came from a thread or a voice channel's chat (the `channel` option
/// offers only text and announcement channels; the channel asked from must be one too).
pub(super) fn in_thread_or_voice(ctx: Context<'_>) -> bool {
    let poise::Context::Application(app) = ctx else {
        return false;
    };
    app.interaction.channel.as_ref().is_some_and(|c| {
        !matches!(
            c.kind,
            serenity::ChannelType::Text | serenity::ChannelType::News
        )
    })
}

/// Whether `channel` may be made to post: the bot can post there, and the member has Manage
/// Channels and Send Messages there (or is an administrator). The interaction states the
/// member's permissions in the channel asked from only, so a command naming another channel
/// must not let them post where they may not. `command` and `purpose` word the refusal
/// (`/follow`, "make it follow the news"). The member's permissions in `channel`, or the
/// refusal to reply.
pub(super) async fn channel_rights(
    ctx: Context<'_>,
    guild: serenity::GuildId,
    channel: serenity::ChannelId,
    command: &str,
    purpose: &str,
) -> Result<serenity::Permissions, String> {
    if let Err(missing) = bot_can_post(ctx, guild, channel) {
        return Err(format!(
            "I cannot post in <#{channel}>: I need the {missing} permission there."
        ));
    }
    let Some(theirs) = member_permissions_in(ctx, guild, channel).await else {
        return Err(format!(
            "I cannot check your permissions in <#{channel}>: use {command} there."
        ));
    };
    if !(theirs.administrator()
        || theirs.contains(
            serenity::Permissions::MANAGE_CHANNELS | serenity::Permissions::SEND_MESSAGES,
        ))
    {
        return Err(format!(
            "You need Manage Channels and Send Messages in <#{channel}> to {purpose}."
        ));
    }
    Ok(theirs)
}

/// Checks that the bot may post the news in `channel`; the first permission it lacks, if any.
pub(super) fn bot_can_post(
    ctx: Context<'_>,
    guild: serenity::GuildId,
    channel: serenity::ChannelId,
) -> Result<(), &'static str> {
    let permissions = bot_permissions(ctx, guild, channel).unwrap_or_default();
    match NEEDED.iter().find(|(p, _)| !permissions.contains(*p)) {
        Some((_, name)) => Err(name),
        None => Ok(()),
    }
}

/// The bot's permissions in `channel`: from the cache (roles and the channel's overwrites),
/// or, for the channel the command came from, as the interaction states them.
fn bot_permissions(
    ctx: Context<'_>,
    guild: serenity::GuildId,
    channel: serenity::ChannelId,
) -> Option<serenity::Permissions> {
    let from_cache = {
        let me = ctx.cache().current_user().id;
        ctx.cache().guild(guild).and_then(|guild| {
            let target = guild.channels.get(&channel)?;
            let member = guild.members.get(&me)?;
            Some(guild.user_permissions_in(target, member))
        })
    };
    if from_cache.is_some() {
        return from_cache;
    }
    match ctx {
        poise::Context::Application(app) if app.interaction.channel_id == channel => {
            app.interaction.app_permissions
        }
        _ => None,
    }
}

/// An ephemeral answer whose text is escaped already (it may hold channel and role pills).
pub(super) async fn reply(ctx: Context<'_>, text: &str) -> Result<(), Error> {
    let reply = poise::CreateReply::default()
        .content(embed::truncate(text, 2000))
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    ctx.send(reply).await?;
    Ok(())
}
