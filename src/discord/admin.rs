//! Admin commands: add a brief by uploading its file, remove one by id. Both are registered
//! with Manage Server as the default member permission, so others do not even see them, and
//! [`is_admin`] checks again on every call.

use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::{Context, Error, embed, say_ephemeral};
use crate::intake::{Actor, IntakeError};

/// Whether the caller may change the library: Manage Server or Administrator, or a role or
/// user listed in the config.
pub async fn is_admin(ctx: Context<'_>) -> Result<bool, Error> {
    let discord = &ctx.data().config.discord;
    if discord.admin_user_ids.contains(&ctx.author().id.get()) {
        return Ok(true);
    }
    let Some(member) = ctx.author_member().await else {
        return Ok(false);
    };
    let permitted = member
        .permissions
        .is_some_and(|p| p.manage_guild() || p.administrator());
    let listed_role = member
        .roles
        .iter()
        .any(|r| discord.admin_role_ids.contains(&r.get()));
    Ok(permitted || listed_role)
}

/// Add a brief from its .toml file (admins only)
#[poise::command(
    slash_command,
    rename = "brief-add",
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
        Ok(added) => format!(
            "{} {} ({}).",
            if added.replaced { "Replaced" } else { "Added" },
            added.title,
            added.id
        ),
        Err(error @ IntakeError::Exists { .. }) => {
            format!("{error}").replace("use --replace", "use replace:True")
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
