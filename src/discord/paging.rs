//! Answers with several pages: Previous / Next buttons that only the asker can press.
//!
//! A paged answer keeps what it needs to draw a page ([`Pages`]: the question, or which quotes
//! in which order), never the pages themselves: each page is drawn when it is shown, on the
//! [`Work`](super::work::Work) threads. Drawing from the library of the moment, rather than
//! from a snapshot kept since the question, means that no answer keeps an old library alive
//! across reloads (at 100,000 briefs every snapshot kept would be its own tens of MiB); the
//! price is that a page turned after a reload shows the library as it is then.
//!
//! How long an answer keeps its buttons is bounded too, and each bound removes them:
//! - `page_timeout_secs` without a press;
//! - `page_lifetime_secs` after the question, however often it is pressed: Discord's
//!   interaction token, which the last edit needs, expires 15 minutes after the question;
//! - more than `paged_answers_per_user` live for the asker, or `paged_answers_total` in all:
//!   the oldest goes ([`LivePages`]);
//! - shutdown.
//!
//! A reply that fails (to someone else's press, to the asker's) is logged, and the paging goes
//! on: one lost reply never takes the buttons from the asker.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use poise::futures_util::StreamExt;
use poise::serenity_prelude as serenity;
use tokio::sync::Notify;
use tracing::warn;

use super::embed::Embed;
use super::{Context, Error, no_mentions};
use crate::library::Library;

/// The longest a command or a press waits for a [`Work`](super::work::Work) thread: Discord
/// wants an answer within 3 s.
pub const WORK_WAIT: Duration = Duration::from_secs(2);

/// Said when no thread came free in time.
pub const BUSY: &str = "The bot is busy right now: please try again in a moment.";

/// One page of an answer.
#[derive(Debug, Clone)]
pub struct Page {
    /// Plain text above the embed (e.g. "Showing results for …").
    pub content: Option<String>,
    pub embed: Embed,
    /// The id of the brief shown, for a "More like this" button under it.
    pub related: Option<String>,
}

impl Page {
    /// The page as a reply, with its "More like this" button if it has one.
    fn reply(&self) -> poise::CreateReply {
        let mut reply = poise::CreateReply::default()
            .embed(self.embed.to_serenity())
            .allowed_mentions(no_mentions());
        if self.related.is_some() {
            reply = reply.components(buttons(None, self.related.as_deref()));
        }
        if let Some(content) = &self.content {
            reply = reply.content(super::embed::content(content));
        }
        reply
    }
}

/// A page drawn: which one (0-based) and how many there are now.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub page: Page,
    pub number: usize,
    pub count: usize,
}

/// What a paged answer keeps: enough to draw any of its pages from a library.
pub trait Pages: Send + 'static {
    /// Page `number` (0-based; past the end, the last) drawn from `library`, or, when there
    /// is nothing to show, what to tell the asker instead.
    fn draw(&mut self, library: &Arc<Library>, number: usize) -> Result<Drawn, String>;
}

/// The paged answers showing buttons now, oldest first, within a cap per user and in all.
#[derive(Debug)]
pub struct LivePages {
    per_user: usize,
    total: usize,
    live: Mutex<VecDeque<(u64, Arc<Slot>)>>,
}

#[derive(Debug, Default)]
struct Slot {
    ended: AtomicBool,
    notify: Notify,
}

impl Slot {
    fn end(&self) {
        self.ended.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
}

/// A live paged answer's place in [`LivePages`]; dropping it frees the place.
#[derive(Debug)]
pub struct Ticket {
    registry: Arc<LivePages>,
    slot: Arc<Slot>,
}

impl LivePages {
    /// At most `per_user` live answers for each user and `total` in all (both at least 1).
    pub fn new(per_user: usize, total: usize) -> Self {
        LivePages {
            per_user: per_user.max(1),
            total: total.max(1),
            live: Mutex::new(VecDeque::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(u64, Arc<Slot>)>> {
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts a new paged answer of `user`, ending their oldest beyond the cap per user, then
    /// the oldest of all beyond the total.
    pub fn open(self: &Arc<Self>, user: u64) -> Ticket {
        let slot = Arc::new(Slot::default());
        let mut live = self.lock();
        live.push_back((user, Arc::clone(&slot)));
        if live.iter().filter(|(u, _)| *u == user).count() > self.per_user
            && let Some(oldest) = live.iter().position(|(u, _)| *u == user)
            && let Some((_, ended)) = live.remove(oldest)
        {
            ended.end();
        }
        while live.len() > self.total {
            if let Some((_, ended)) = live.pop_front() {
                ended.end();
            }
        }
        Ticket {
            registry: Arc::clone(self),
            slot,
        }
    }

    /// How many paged answers are live.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Ticket {
    /// Whether a newer answer took this one's place.
    pub fn is_ended(&self) -> bool {
        self.slot.ended.load(Ordering::SeqCst)
    }

    /// Resolves when a newer answer takes this one's place.
    pub async fn ended(&self) {
        loop {
            let notified = self.slot.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_ended() {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.registry
            .lock()
            .retain(|(_, slot)| !Arc::ptr_eq(slot, &self.slot));
    }
}

/// The buttons under a page: Previous and Next when `paging` gives (the answer's prefix, the
/// page, the pages), then "More like this" when the page shows the brief `related`. No row
/// at all when there is no button.
fn buttons(
    paging: Option<(&str, usize, usize)>,
    related: Option<&str>,
) -> Vec<serenity::CreateActionRow> {
    let mut row = Vec::new();
    if let Some((prefix, page, pages)) = paging {
        row.push(
            serenity::CreateButton::new(format!("{prefix}:prev"))
                .label("Previous")
                .style(serenity::ButtonStyle::Secondary)
                .disabled(page == 0),
        );
        row.push(
            serenity::CreateButton::new(format!("{prefix}:next"))
                .label("Next")
                .style(serenity::ButtonStyle::Primary)
                .disabled(page + 1 >= pages),
        );
    }
    row.extend(related.map(super::related::button));
    if row.is_empty() {
        Vec::new()
    } else {
        vec![serenity::CreateActionRow::Buttons(row)]
    }
}

/// Draws page `number` of `pages` from the library of the moment, on a work thread.
async fn draw(
    ctx: Context<'_>,
    pages: &Arc<Mutex<Box<dyn Pages>>>,
    number: usize,
) -> Result<Result<Drawn, String>, super::work::Busy> {
    let library = ctx.data().library();
    let pages = Arc::clone(pages);
    ctx.data()
        .work
        .run(WORK_WAIT, move || {
            pages
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .draw(&library, number)
        })
        .await
}

/// Answers with the first page of `pages`; with more than one, lets the asker turn them with
/// buttons while the answer lives (see the module's documentation), then removes the buttons.
pub async fn answer(ctx: Context<'_>, pages: impl Pages) -> Result<(), Error> {
    let asked = tokio::time::Instant::now();
    let pages: Arc<Mutex<Box<dyn Pages>>> = Arc::new(Mutex::new(Box::new(pages)));
    let first = match draw(ctx, &pages, 0).await {
        Ok(Ok(first)) => first,
        Ok(Err(nothing)) => return super::say_ephemeral(ctx, &nothing).await,
        Err(super::work::Busy) => return super::say_ephemeral(ctx, BUSY).await,
    };
    if first.count <= 1 {
        ctx.send(first.page.reply()).await?;
        return Ok(());
    }
    let data = ctx.data();
    let ticket = data.live_pages.open(ctx.author().id.get());
    let prefix = ctx.id().to_string();
    // Listen for presses before the buttons exist, so that no press is missed.
    let filter_prefix = prefix.clone();
    let mut presses = Box::pin(
        serenity::collector::ComponentInteractionCollector::new(ctx)
            .filter(move |press| press.data.custom_id.starts_with(&filter_prefix))
            .stream(),
    );
    let mut related = first.page.related.clone();
    ctx.send(
        first
            .page
            .reply()
            .components(buttons(Some((&prefix, 0, first.count)), related.as_deref())),
    )
    .await?;
    let idle = Duration::from_secs(data.config.discord.page_timeout_secs);
    let end = asked + Duration::from_secs(data.config.discord.page_lifetime_secs);
    let asker = ctx.author().id;
    let mut current: usize = 0;
    let mut stopping = data.stopping.clone();
    loop {
        let until = (tokio::time::Instant::now() + idle).min(end);
        let press = tokio::select! {
            press = tokio::time::timeout_at(until, presses.next()) => press,
            () = ticket.ended() => break,
            _ = stopping.wait_for(|stop| *stop) => break,
        };
        let Ok(Some(press)) = press else {
            break;
        };
        if press.user.id != asker {
            let refuse = private(
                "Only the person who asked can turn these pages. Ask your own with /brief or /quotes.",
            );
            if let Err(error) = press.create_response(ctx, refuse).await {
                warn!(%error, "cannot tell someone else that the pages are not theirs");
            }
            continue;
        }
        let wanted = if press.data.custom_id.ends_with(":next") {
            current + 1
        } else {
            current.saturating_sub(1)
        };
        let mut gone = false;
        let mut shown = (current, related.clone());
        let response = match draw(ctx, &pages, wanted).await {
            Ok(Ok(drawn)) => {
                shown = (drawn.number, drawn.page.related.clone());
                let paging = Some((prefix.as_str(), drawn.number, drawn.count));
                let mut update = serenity::CreateInteractionResponseMessage::new()
                    .embed(drawn.page.embed.to_serenity())
                    .components(buttons(paging, drawn.page.related.as_deref()))
                    .allowed_mentions(no_mentions());
                if let Some(content) = &drawn.page.content {
                    update = update.content(super::embed::content(content));
                }
                serenity::CreateInteractionResponse::UpdateMessage(update)
            }
            // The library changed and the answer has nothing left to show.
            Ok(Err(nothing)) => {
                gone = true;
                private(&nothing)
            }
            Err(super::work::Busy) => private(BUSY),
        };
        match press.create_response(ctx, response).await {
            Ok(()) => (current, related) = shown,
            Err(error) => warn!(%error, "cannot turn the page"),
        }
        if gone {
            break;
        }
    }
    drop(ticket);
    remove_buttons(ctx, related.as_deref()).await;
    Ok(())
}

/// A reply to a press that only the one who pressed sees.
fn private(text: &str) -> serenity::CreateInteractionResponse {
    serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new()
            .content(super::embed::content(text))
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    )
}

/// Removes the paging buttons from the answer, leaving its page as it is, and its "More like
/// this" button (which needs no live answer) for the brief `related` it shows.
async fn remove_buttons(ctx: Context<'_>, related: Option<&str>) {
    // Paged answers answer slash commands only.
    let poise::Context::Application(app) = ctx else {
        return;
    };
    let edit = serenity::EditInteractionResponse::new().components(buttons(None, related));
    if let Err(error) = app.interaction.edit_response(ctx, edit).await {
        warn!(%error, "cannot remove the paging buttons");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_answer_past_their_cap_ends_their_oldest_only() {
        let live = Arc::new(LivePages::new(3, 100));
        let mine: Vec<Ticket> = (0..3).map(|_| live.open(1)).collect();
        let theirs = live.open(2);
        assert!(mine.iter().all(|t| !t.is_ended()));
        let fourth = live.open(1);
        assert!(mine[0].is_ended(), "the oldest of user 1 ended");
        assert!(!mine[1].is_ended() && !mine[2].is_ended() && !fourth.is_ended());
        assert!(!theirs.is_ended(), "user 2 is not affected");
        assert_eq!(live.len(), 4);
    }

    #[test]
    fn past_the_total_the_oldest_of_all_ends_and_a_closed_answer_frees_its_place() {
        let live = Arc::new(LivePages::new(3, 3));
        let first = live.open(1);
        let second = live.open(2);
        let third = live.open(3);
        drop(second);
        let fourth = live.open(4);
        assert!(
            !first.is_ended(),
            "the place the dropped answer freed was used"
        );
        let fifth = live.open(5);
        assert!(first.is_ended(), "the oldest of all ended");
        assert!(!third.is_ended() && !fourth.is_ended() && !fifth.is_ended());
        assert_eq!(live.len(), 3);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_answer_waiting_for_presses_hears_that_it_ended() {
        let live = Arc::new(LivePages::new(1, 10));
        let first = live.open(7);
        let waiting = tokio::spawn(async move { first.ended().await });
        tokio::task::yield_now().await;
        let _second = live.open(7);
        waiting.await.unwrap();
    }
}
