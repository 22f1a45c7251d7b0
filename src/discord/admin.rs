//! Admin commands: add a brief by uploading its file, remove one by id.
//!
//! The library is shared by every server the bot is in, so the right to change it belongs to
//! the editorial team's servers (`[discord] admin_guild_ids`), not to whoever manages some
//! server the bot was invited to. The commands are registered in those servers only (see
//! [`super::registration`]), with Manage Server as their default member permission, so others
//! do not even see them; and [`is_admin`] checks again on every call, because a registration
//! is not a proof: one left by an older version, or a stale client, can still send a command.
//!
//! Not from a DM, not even for `admin_user_ids`: a DM has no server, so it is outside the
//! boundary that the admin servers draw. The commands are guild commands of the admin servers,
//! so Discord offers them in no DM, and [`is_admin`] refuses any call that does not come from
//! an admin server.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use tracing::info;

use super::{Context, Error, embed, say_ephemeral};
use crate::config::DiscordConfig;
use crate::intake::{Actor, IntakeError};

/// The `category` of the admin commands: what registration keeps out of the public list.
const CATEGORY: &str = "admin";

/// Whether `command` is one of the admin commands.
pub fn is_admin_command<U, E>(command: &poise::Command<U, E>) -> bool {
    command.category.as_deref() == Some(CATEGORY)
}

/// What the admin check knows of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The server the call came from; none in a DM.
    pub guild: Option<u64>,
    pub user: u64,
    /// Manage Server or Administrator in that server.
    pub manages: bool,
    /// The caller's roles in that server.
    pub roles: Vec<u64>,
}

/// Whether `caller` may change the library: the call comes from an admin server, and there
/// the caller has Manage Server or Administrator, or a role or user id listed in the config.
pub fn may_change_library(discord: &DiscordConfig, caller: &Caller) -> bool {
    let in_admin_guild = caller
        .guild
        .is_some_and(|guild| discord.admin_guild_ids.contains(&guild));
    in_admin_guild
        && (caller.manages
            || discord.admin_user_ids.contains(&caller.user)
            || caller
                .roles
                .iter()
                .any(|role| discord.admin_role_ids.contains(role)))
}

/// The check of both admin commands: [`may_change_library`] for the author of this call.
pub async fn is_admin(ctx: Context<'_>) -> Result<bool, Error> {
    let member = ctx.author_member().await;
    let caller = Caller {
        guild: ctx.guild_id().map(serenity::GuildId::get),
        user: ctx.author().id.get(),
        manages: member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.manage_guild() || p.administrator()),
        roles: member
            .as_ref()
            .map(|m| m.roles.iter().map(|r| r.get()).collect())
            .unwrap_or_default(),
    };
    let allowed = may_change_library(&ctx.data().config.discord, &caller);
    if !allowed {
        info!(
            command = %ctx.command().qualified_name,
            user = caller.user,
            guild = caller.guild,
            "admin command refused"
        );
    }
    Ok(allowed)
}

/// Add a brief from its .toml file (admins only)
#[poise::command(
    slash_command,
    rename = "brief-add",
    category = "admin",
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "is_admin"
)]
pub async fn brief_add(
    ctx: Context<'_>,
    #[description = "The brief file (.toml)"] file: serenity::Attachment,
    #[description = "Replace the brief that has the same id"] replace: Option<bool>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let max = ctx.data().config.max_brief_bytes;
    let origin = file.filename.clone();
    if file.size as usize > max {
        let error = IntakeError::TooLarge {
            origin,
            size: file.size as usize,
            max,
        };
        return say_ephemeral(ctx, &error.to_string()).await;
    }
    let timeout = Duration::from_secs(ctx.data().config.discord.download_timeout_secs);
    let bytes = match download(&file.url, max, timeout).await {
        Ok(bytes) => bytes,
        Err(why) => {
            return say_ephemeral(
                ctx,
                &format!("Could not download {origin}: {why}. Nothing was changed."),
            )
            .await;
        }
    };
    let live = ctx.data().live.clone();
    let actor = Actor::Discord(ctx.author().id.get());
    let replace = replace.unwrap_or(false);
    let result =
        tokio::task::spawn_blocking(move || live.add(&origin, &bytes, replace, &actor)).await?;
    let text = match result {
        // "Added …" or "Replaced …", and what was left behind if the old file could not be
        // kept in the trash.
        Ok(added) => {
            // The watcher sees the file too, but finds it read already: announce it here.
            let data = ctx.data();
            data.news.announce(&data.library(), &added.put).await;
            added.to_string()
        }
        Err(error @ IntakeError::Exists { .. }) => {
            format!("{error}; use replace:True to replace it")
        }
        Err(error) => format!("Nothing was added:\n{error}"),
    };
    say_ephemeral(ctx, &text).await
}

/// Fetches an attachment as its URL gives it (Discord's CDN, not the API), with a timeout,
/// a status check, and the size limit enforced while reading.
async fn download(url: &str, max: usize, timeout: Duration) -> Result<Vec<u8>, String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let fetch = async {
        let mut response = client
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.without_url().to_string())?;
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| e.without_url().to_string())?
        {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > max {
                return Err(format!("it is larger than {max} bytes"));
            }
        }
        Ok(bytes)
    };
    tokio::time::timeout(timeout, fetch)
        .await
        .map_err(|_| format!("it took longer than {} s", timeout.as_secs()))?
}

/// Remove a brief; its file is kept in the trash (admins only)
#[poise::command(
    slash_command,
    rename = "brief-remove",
    category = "admin",
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "is_admin"
)]
pub async fn brief_remove(
    ctx: Context<'_>,
    #[description = "The brief's id"]
    #[autocomplete = "autocomplete_id"]
    #[max_length = 80]
    id: String,
) -> Result<(), Error> {
    // Removing waits for the library's lock, which a full rescan can hold for seconds:
    // acknowledge first, within Discord's 3 s.
    ctx.defer_ephemeral().await?;
    let live = ctx.data().live.clone();
    let actor = Actor::Discord(ctx.author().id.get());
    let wanted = id.trim().to_owned();
    let result = tokio::task::spawn_blocking(move || live.remove(&wanted, &actor)).await?;
    let text = match result {
        Ok(removed) => format!(
            "Removed {} ({}). The file is kept in the trash: {}",
            removed.title,
            removed.id,
            removed
                .trashed
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ),
        Err(error) => format!("Nothing was removed: {error}."),
    };
    say_ephemeral(ctx, &text).await
}

/// Brief ids starting with (or titles containing) what was typed.
async fn autocomplete_id(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let library = ctx.data().library();
    let typed = partial.trim().to_lowercase();
    let mut choices: Vec<serenity::AutocompleteChoice> = Vec::new();
    for brief in library.newest_first() {
        if choices.len() == embed::limits::CHOICES {
            break;
        }
        if brief.id.as_str().starts_with(&typed) || brief.title.to_lowercase().contains(&typed) {
            let label = embed::choice(&format!("{} — {}", brief.id, brief.title));
            choices.push(serenity::AutocompleteChoice::new(
                label,
                brief.id.to_string(),
            ));
        }
    }
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN_GUILD: u64 = 100;
    const OTHER_GUILD: u64 = 200;
    const EDITOR: u64 = 7;
    const EDITORS_ROLE: u64 = 70;

    fn discord() -> DiscordConfig {
        DiscordConfig {
            admin_guild_ids: vec![ADMIN_GUILD],
            admin_user_ids: vec![EDITOR],
            admin_role_ids: vec![EDITORS_ROLE],
            ..DiscordConfig::default()
        }
    }

    fn caller(guild: Option<u64>, user: u64, manages: bool, roles: &[u64]) -> Caller {
        Caller {
            guild,
            user,
            manages,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn in_the_admin_guild_the_usual_rules_apply() {
        let d = discord();
        assert!(may_change_library(
            &d,
            &caller(Some(ADMIN_GUILD), 1, true, &[])
        ));
        assert!(may_change_library(
            &d,
            &caller(Some(ADMIN_GUILD), EDITOR, false, &[])
        ));
        assert!(may_change_library(
            &d,
            &caller(Some(ADMIN_GUILD), 1, false, &[EDITORS_ROLE])
        ));
        assert!(!may_change_library(
            &d,
            &caller(Some(ADMIN_GUILD), 1, false, &[71])
        ));
    }

    #[test]
    fn outside_the_admin_guilds_and_in_dms_everyone_is_refused() {
        let d = discord();
        for guild in [Some(OTHER_GUILD), None] {
            assert!(!may_change_library(&d, &caller(guild, 1, true, &[])));
            assert!(!may_change_library(
                &d,
                &caller(guild, EDITOR, true, &[EDITORS_ROLE])
            ));
        }
        let no_admin_guild = DiscordConfig {
            admin_guild_ids: vec![],
            ..discord()
        };
        assert!(!may_change_library(
            &no_admin_guild,
            &caller(Some(ADMIN_GUILD), EDITOR, true, &[EDITORS_ROLE])
        ));
    }
}
