//! Answers with several pages: Previous / Next buttons that only the asker can press, and
//! that are removed when they expire.

use std::time::Duration;

use poise::futures_util::StreamExt;
use poise::serenity_prelude as serenity;

use super::embed::Embed;
use super::{Context, Error, no_mentions};

/// One page of an answer.
#[derive(Debug, Clone)]
pub struct Page {
    /// Plain text above the embed (e.g. "Showing results for …").
    pub content: Option<String>,
    pub embed: Embed,
}

impl Page {
    fn reply(&self) -> poise::CreateReply {
        let mut reply = poise::CreateReply::default()
            .embed(self.embed.to_serenity())
            .allowed_mentions(no_mentions());
        if let Some(content) = &self.content {
            reply = reply.content(super::embed::content(content));
        }
        reply
    }
}

fn buttons(prefix: &str, page: usize, pages: usize) -> Vec<serenity::CreateActionRow> {
    vec![serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(format!("{prefix}:prev"))
            .label("Previous")
            .style(serenity::ButtonStyle::Secondary)
            .disabled(page == 0),
        serenity::CreateButton::new(format!("{prefix}:next"))
            .label("Next")
            .style(serenity::ButtonStyle::Primary)
            .disabled(page + 1 >= pages),
    ])]
}

/// Sends the first page; with more than one, lets the asker page with buttons until they go
/// unused for the configured time, then removes the buttons.
pub async fn paginate(ctx: Context<'_>, pages: Vec<Page>) -> Result<(), Error> {
    let Some(first) = pages.first() else {
        return Ok(());
    };
    if pages.len() == 1 {
        ctx.send(first.reply()).await?;
        return Ok(());
    }
    let prefix = ctx.id().to_string();
    // Listen for presses before the buttons exist, so that no press is missed.
    let filter_prefix = prefix.clone();
    let mut presses = Box::pin(
        serenity::collector::ComponentInteractionCollector::new(ctx)
            .filter(move |press| press.data.custom_id.starts_with(&filter_prefix))
            .stream(),
    );
    let handle = ctx
        .send(first.reply().components(buttons(&prefix, 0, pages.len())))
        .await?;
    let timeout = Duration::from_secs(ctx.data().config.discord.page_timeout_secs);
    let asker = ctx.author().id;
    let mut current = 0;
    let mut stopping = ctx.data().stopping.clone();
    // The buttons expire after `timeout` without a press, or when the bot shuts down.
    loop {
        let press = tokio::select! {
            press = tokio::time::timeout(timeout, presses.next()) => press,
            _ = stopping.wait_for(|stop| *stop) => break,
        };
        let Ok(Some(press)) = press else {
            break;
        };
        if press.user.id != asker {
            let refuse = serenity::CreateInteractionResponseMessage::new()
                .content("Only the person who asked can turn these pages. Ask your own with /brief or /quotes.")
                .ephemeral(true)
                .allowed_mentions(no_mentions());
            press
                .create_response(ctx, serenity::CreateInteractionResponse::Message(refuse))
                .await?;
            continue;
        }
        if press.data.custom_id.ends_with(":next") {
            current = (current + 1).min(pages.len() - 1);
        } else {
            current = current.saturating_sub(1);
        }
        let page = &pages[current];
        let mut update = serenity::CreateInteractionResponseMessage::new()
            .embed(page.embed.to_serenity())
            .components(buttons(&prefix, current, pages.len()))
            .allowed_mentions(no_mentions());
        if let Some(content) = &page.content {
            update = update.content(super::embed::content(content));
        }
        press
            .create_response(
                ctx,
                serenity::CreateInteractionResponse::UpdateMessage(update),
            )
            .await?;
    }
    // Expired: the page stays, the buttons go.
    handle
        .edit(ctx, pages[current].reply().components(Vec::new()))
        .await?;
    Ok(())
}
