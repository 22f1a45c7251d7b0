//! `/said text:<words> [limit]`: who said a line a person half remembers. The answer is
//! [`answer::said`]'s (stems, accents, typos, phrases, any word order; only quote texts are
//! searched), worked out on the search threads and shown in one embed: the quotes best first,
//! each with its speaker, role, brief title, date and link, the matched words bold.

use super::paging::{BUSY, WORK_WAIT};
use super::{Context, Error, embed, no_mentions, say_ephemeral};
use crate::answer;

/// Quotes shown when no limit is given.
const DEFAULT_SHOWN: u8 = 5;

/// Who said it: the quotes saying these words, best first
#[poise::command(slash_command)]
pub async fn said(
    ctx: Context<'_>,
    #[description = "Words of the quote as you remember them, e.g. putin pressed twice"]
    #[max_length = 300]
    text: String,
    #[description = "How many quotes to show (1 to 10, 5 by default)"]
    #[min = 1]
    #[max = 10]
    limit: Option<u8>,
) -> Result<(), Error> {
    let limit = usize::from(limit.unwrap_or(DEFAULT_SHOWN).clamp(1, 10));
    let library = ctx.data().library();
    let worked = ctx
        .data()
        .work
        .run(WORK_WAIT, move || answer::said(&library, &text, limit))
        .await;
    let Ok(answer) = worked else {
        return say_ephemeral(ctx, BUSY).await;
    };
    if answer.quotes.is_empty() {
        let said: Vec<String> = answer.notes.iter().map(embed::note).collect();
        return say_ephemeral(ctx, &said.join("\n")).await;
    }
    let reply = poise::CreateReply::default()
        .embed(embed::said(&answer).to_serenity())
        .allowed_mentions(no_mentions());
    ctx.send(reply).await?;
    Ok(())
}
