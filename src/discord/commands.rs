//! The slash commands: plain async functions over the shared [`Data`]. They ask the answer
//! layer and hand the reply to [`embed`] and [`paging`]; nothing here searches.

use poise::serenity_prelude as serenity;

use super::paging::{Page, paginate};
use super::{Context, Error, embed};
use crate::answer::{self, AskOptions};

/// Briefs one `/brief` answer pages through.
const BRIEF_PAGES: usize = 10;

/// Find the best news briefs about a topic
#[poise::command(slash_command)]
pub async fn brief(
    ctx: Context<'_>,
    #[description = "What to look for, e.g. election hacking"]
    #[autocomplete = "autocomplete_topic"]
    #[max_length = 300]
    topic: String,
) -> Result<(), Error> {
    let library = ctx.data().library();
    let config = &ctx.data().config;
    let options = AskOptions {
        limit: BRIEF_PAGES,
        quotes: embed::QUOTES_PER_BRIEF,
        summary_chars: config.summary_chars,
    };
    let answer = answer::ask(&library, &topic, options);
    if answer.results.is_empty() {
        let mut text = answer.notes.join("\n");
        if text.is_empty() {
            text = format!("No brief matches “{}”.", topic.trim());
        }
        return super::say_ephemeral(ctx, &text).await;
    }
    let content = answer
        .suggestion
        .as_ref()
        .map(|s| format!("Showing results for “{s}”."));
    let pages = answer.results.len();
    let pages: Vec<Page> = answer
        .results
        .iter()
        .enumerate()
        .map(|(i, result)| Page {
            content: content.clone(),
            embed: embed::brief(result, i + 1, pages),
        })
        .collect();
    paginate(ctx, pages).await
}

/// What a person said, newest first
#[poise::command(slash_command)]
pub async fn quotes(
    ctx: Context<'_>,
    #[description = "Who: full name, surname, or given name"]
    #[autocomplete = "autocomplete_speaker"]
    #[max_length = 100]
    speaker: String,
    #[description = "Only quotes about this topic"]
    #[max_length = 300]
    topic: Option<String>,
) -> Result<(), Error> {
    let library = ctx.data().library();
    let answer = answer::quotes(&library, &speaker, topic.as_deref(), None);
    if answer.quotes.is_empty() {
        let mut text = answer.notes.join("\n");
        if text.is_empty() {
            text = format!("No quotes found for “{}”.", speaker.trim());
        }
        return super::say_ephemeral(ctx, &text).await;
    }
    let pages = pages_of(
        &answer.quotes,
        embed::QUOTES_PER_PAGE,
        |chunk, page, pages| embed::quotes(&answer, chunk, page, pages),
    );
    paginate(ctx, pages).await
}

/// The latest news briefs
#[poise::command(slash_command)]
pub async fn briefs(ctx: Context<'_>) -> Result<(), Error> {
    let library = ctx.data().library();
    let newest = library.newest_first();
    if newest.is_empty() {
        return super::say_ephemeral(ctx, "The library has no briefs yet.").await;
    }
    let pages = pages_of(&newest, embed::BRIEFS_PER_PAGE, |chunk, page, pages| {
        embed::brief_list(chunk, page, pages, newest.len())
    });
    paginate(ctx, pages).await
}

/// Pages of `per_page` items each, made by `embed(items, page, pages)` (1-based).
fn pages_of<T>(
    items: &[T],
    per_page: usize,
    embed: impl Fn(&[T], usize, usize) -> embed::Embed,
) -> Vec<Page> {
    let chunks: Vec<&[T]> = items.chunks(per_page).collect();
    let count = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| Page {
            content: None,
            embed: embed(chunk, i + 1, count),
        })
        .collect()
}

/// What briefbot can do, with examples
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let reply = poise::CreateReply::default()
        .embed(embed::help().to_serenity())
        .ephemeral(true)
        .allowed_mentions(super::no_mentions());
    ctx.send(reply).await?;
    Ok(())
}

/// Topic suggestions from brief titles and tags.
async fn autocomplete_topic(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let library = ctx.data().library();
    let choices = answer::topic_suggestions(&library, partial, embed::limits::CHOICES)
        .into_iter()
        .map(|topic| {
            let topic = embed::choice(&topic);
            serenity::AutocompleteChoice::new(topic.clone(), topic)
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Speaker suggestions from everyone quoted.
async fn autocomplete_speaker(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let library = ctx.data().library();
    let choices = library
        .speakers()
        .complete(partial, embed::limits::CHOICES)
        .into_iter()
        .map(|speaker| {
            let name = embed::choice(&speaker.name);
            serenity::AutocompleteChoice::new(name.clone(), name)
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}
