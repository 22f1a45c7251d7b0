//! "More like this": the button under a `/brief` answer, and the answer to a press of it.
//!
//! The button carries the brief's id in its custom id (`related:<id>`), so it needs no live
//! answer behind it: it keeps working after the paging buttons are gone, and after a restart.
//! The custom id comes back from Discord as the presser sends it, so it is untrusted input: a
//! forged one is read as an id like any other (checked, then looked up), and one that names
//! no brief gets a private reply saying so. A press is answered privately (only the presser
//! sees the related briefs, so no press posts in the channel), counts against the presser's
//! cooldown like a command, and is worked out on the search threads.

use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::{info, warn};

use super::paging::{BUSY, WORK_WAIT};
use super::{Data, embed, no_mentions};
use crate::answer::{self, AskOptions};
use crate::brief::BriefId;

/// What starts the custom id of a "More like this" button; the brief's id follows.
pub const PREFIX: &str = "related:";

/// How many related briefs a press shows.
pub const SHOWN: usize = 5;

/// The "More like this" button for the brief `id`.
pub fn button(id: &str) -> serenity::CreateButton {
    serenity::CreateButton::new(format!("{PREFIX}{id}"))
        .label("More like this")
        .style(serenity::ButtonStyle::Secondary)
}

/// Whether a pressed component is a "More like this" button.
pub fn is_related(custom_id: &str) -> bool {
    custom_id.starts_with(PREFIX)
}

/// Answers a press of a "More like this" button, privately: the related briefs as embeds, or
/// why there are none.
pub async fn pressed(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
) -> Result<(), serenity::Error> {
    let started = Instant::now();
    let _in_flight = data.in_flight.start();
    let user = press.user.id;
    let custom_id = press.data.custom_id.clone();
    let reply = match data.cooldown.check(user.get(), started) {
        Err(slow) => text(&format!(
            "You are asking quickly: {slow}. Everyone gets a fair share of the bot."
        )),
        Ok(()) => answer(data, &custom_id).await,
    };
    press
        .create_response(ctx, serenity::CreateInteractionResponse::Message(reply))
        .await?;
    info!(
        command = "more-like-this",
        %user,
        latency_ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
        "command handled"
    );
    Ok(())
}

/// The private reply to a press of the button whose custom id is `custom_id`.
async fn answer(data: &Data, custom_id: &str) -> serenity::CreateInteractionResponseMessage {
    let Some(id) = custom_id
        .strip_prefix(PREFIX)
        .and_then(|id| BriefId::parse(id).ok())
    else {
        warn!(custom_id = %embed::choice(custom_id), "a More like this button with no brief id");
        return text("That button names no brief. Ask again with /brief.");
    };
    let library = data.library();
    let options = AskOptions {
        limit: SHOWN,
        quotes: 0,
        summary_chars: data.config.summary_chars.min(400),
    };
    let worked = data
        .work
        .run(WORK_WAIT, move || {
            answer::related(&library, id.as_str(), options).map(|answer| {
                let embeds = embed::related(&answer);
                (answer.title, embeds)
            })
        })
        .await;
    match worked {
        Err(super::work::Busy) => text(BUSY),
        Ok(Err(answer::RelatedError::NoSuchBrief { id, .. })) => text(&format!(
            "The brief `{id}` is not in the library (any more). Ask again with /brief."
        )),
        Ok(Ok((title, embeds))) if embeds.is_empty() => text(&format!(
            "No other brief shares tags, people quoted or weighty words with “{title}”."
        )),
        Ok(Ok((title, embeds))) => serenity::CreateInteractionResponseMessage::new()
            .content(embed::content(&format!("More like “{title}”:")))
            .embeds(embeds.iter().map(embed::Embed::to_serenity).collect())
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    }
}

/// A private reply of plain text.
fn text(text: &str) -> serenity::CreateInteractionResponseMessage {
    serenity::CreateInteractionResponseMessage::new()
        .content(embed::content(text))
        .ephemeral(true)
        .allowed_mentions(no_mentions())
}
