//! The delivery worker's [`Outbox`] on Discord: a post becomes a message from the bot in a
//! channel, or a direct message, with the embed `/brief` shows (or one summary embed for a
//! burst). Discord's refusals become [`SendError`]s, which the worker turns into pauses,
//! waits and retries.
//!
//! Mentions: none, except a follow's ping role, and then exactly that role (the message's
//! allowed mentions list it alone, so a brief's text can never ping anyone else).

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::{embed, no_mentions};
use crate::answer::{BriefAnswer, Marked, QuoteAnswer, crop};
use crate::brief::Brief;
use crate::deliver::worker::{Outbox, Post, PostBody, SendError, SummaryItem};
use crate::store::follows::Target;
use crate::watch::LiveLibrary;

/// How long a 429 waits when Discord's answer, as serenity reports it, does not say.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Posts through the bot's HTTP client.
pub struct DiscordOutbox {
    http: Arc<serenity::Http>,
    live: Arc<LiveLibrary>,
    summary_chars: usize,
}

impl DiscordOutbox {
    /// An outbox posting with `http`, drawing briefs from the library served at the time.
    pub fn new(http: Arc<serenity::Http>, live: Arc<LiveLibrary>, summary_chars: usize) -> Self {
        DiscordOutbox {
            http,
            live,
            summary_chars,
        }
    }

    /// The message for `post`, from the library as it is now.
    fn message(&self, post: &Post) -> Result<serenity::CreateMessage, SendError> {
        let mut message = serenity::CreateMessage::new();
        let mut content = Vec::new();
        if let Some(role) = post.ping_role_id {
            content.push(format!("<@&{role}>"));
            message = message.allowed_mentions(no_mentions().roles([serenity::RoleId::new(role)]));
        } else {
            message = message.allowed_mentions(no_mentions());
        }
        match &post.body {
            PostBody::Brief { brief_id, updated } => {
                let library = self.live.snapshot();
                let brief = library
                    .get(brief_id)
                    .ok_or_else(|| SendError::Other(format!("brief {brief_id} is gone")))?;
                if *updated {
                    content.push(embed::content(&format!("Updated: {}", brief.title)));
                }
                let shown = shown(brief, self.summary_chars);
                message = message.embed(embed::brief(&shown, 1, 1).to_serenity());
            }
            PostBody::Summary { items, more } => {
                message = message.embed(summary(items, *more).to_serenity());
            }
            PostBody::Digest {
                topic,
                items,
                more,
                since,
            } => {
                message = message.embed(embed::digest(topic, items, *more, *since).to_serenity());
            }
        }
        if !content.is_empty() {
            message = message.content(content.join(" "));
        }
        Ok(message)
    }
}

impl Outbox for DiscordOutbox {
    async fn send(&self, post: &Post) -> Result<u64, SendError> {
        let message = self.message(post)?;
        let channel = match post.target {
            Target::Channel { channel_id, .. } => serenity::ChannelId::new(channel_id),
            Target::Personal { user_id } => {
                serenity::UserId::new(user_id)
                    .create_dm_channel(&self.http)
                    .await
                    .map_err(|e| send_error(&e))?
                    .id
            }
        };
        let sent = channel
            .send_message(&self.http, message)
            .await
            .map_err(|e| send_error(&e))?;
        Ok(sent.id.get())
    }
}

/// A brief as `/brief` shows it, with nothing highlighted (no question was asked).
fn shown(brief: &Brief, summary_chars: usize) -> BriefAnswer {
    let text = brief.text();
    let unmarked = |text: &str| Marked {
        text: text.to_owned(),
        marks: Vec::new(),
    };
    BriefAnswer {
        id: brief.id.to_string(),
        title: unmarked(&brief.title),
        published: brief.published.to_string(),
        source: brief.source.clone(),
        outlet: brief.outlet.as_deref().map(str::to_owned),
        image: brief.image.clone(),
        tags: brief.tags.iter().map(ToString::to_string).collect(),
        score: 0.0,
        summary: text.summary().to_owned(),
        excerpt: crop(&unmarked(text.summary()), summary_chars),
        quotes: brief
            .quotes
            .iter()
            .enumerate()
            .map(|(at, q)| QuoteAnswer {
                speaker: unmarked(&q.speaker),
                role: q.role.as_deref().map(str::to_owned),
                text: unmarked(text.quote(at)),
                context: q.context.as_deref().map(str::to_owned),
            })
            .collect(),
    }
}

/// The one embed of a burst: title and date of each brief listed, then how many more.
pub fn summary(items: &[SummaryItem], more: usize) -> embed::Embed {
    let mut lines: Vec<String> = items
        .iter()
        .map(|item| format!("`{}` {}", item.published, embed::plain(&item.title)))
        .collect();
    if more > 0 {
        lines.push(format!("and {more} more"));
    }
    embed::Embed {
        title: format!("{} new briefs", items.len() + more),
        description: lines.join("\n"),
        ..embed::Embed::default()
    }
}

/// What a refusal from Discord means for the worker.
fn send_error(error: &serenity::Error) -> SendError {
    match error {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) => classify(
            response.status_code.as_u16(),
            response.error.code,
            &response.error.message,
        ),
        other => SendError::Other(other.to_string()),
    }
}

/// Discord's status and JSON error code to a [`SendError`]. 50007 comes with a 403, so it is
/// looked at first.
fn classify(status: u16, code: isize, message: &str) -> SendError {
    let why = format!("{message} ({code})");
    match (status, code) {
        (_, 50007) => SendError::DmRefused,
        (403, _) => SendError::Forbidden(why),
        (404, _) => SendError::NotFound(why),
        (429, _) => SendError::RateLimited {
            retry_after: DEFAULT_RETRY_AFTER,
        },
        (500..=599, _) => SendError::Server(format!("{status}: {why}")),
        _ => SendError::Other(format!("{status}: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::digest::DigestItem;

    #[test]
    fn discord_refusals_map_to_what_the_worker_does_with_them() {
        assert_eq!(
            classify(403, 50013, "Missing Permissions"),
            SendError::Forbidden("Missing Permissions (50013)".into())
        );
        assert_eq!(
            classify(403, 50001, "Missing Access"),
            SendError::Forbidden("Missing Access (50001)".into())
        );
        assert_eq!(
            classify(404, 10003, "Unknown Channel"),
            SendError::NotFound("Unknown Channel (10003)".into())
        );
        assert_eq!(
            classify(403, 50007, "Cannot send messages to this user"),
            SendError::DmRefused
        );
        assert_eq!(
            classify(429, 0, "You are being rate limited."),
            SendError::RateLimited {
                retry_after: DEFAULT_RETRY_AFTER
            }
        );
        assert!(matches!(
            classify(502, 0, "Bad Gateway"),
            SendError::Server(_)
        ));
        assert!(matches!(
            classify(400, 50035, "Invalid Form Body"),
            SendError::Other(_)
        ));
    }

    #[test]
    fn a_summary_lists_ten_then_says_how_many_more() {
        let items: Vec<SummaryItem> = (0..10)
            .map(|i| SummaryItem {
                brief_id: format!("b{i}"),
                title: format!("Storm *{i}*"),
                published: "2020-01-01".into(),
            })
            .collect();
        let embed = summary(&items, 10);
        assert_eq!(embed.title, "20 new briefs");
        let lines: Vec<&str> = embed.description.lines().collect();
        assert_eq!(lines.len(), 11);
        assert_eq!(lines[0], "`2020-01-01` Storm \\*0\\*");
        assert_eq!(lines[10], "and 10 more");
    }

    #[test]
    fn a_digest_lists_dated_linked_lines_escaped_and_counts_what_does_not_fit() {
        let item = |i: usize, title: &str, source: Option<&str>| DigestItem {
            brief_id: format!("b{i}"),
            title: title.to_owned(),
            published: "2020-03-01".into(),
            source: source.map(str::to_owned),
        };
        let items = [
            item(0, "Storms *ahead*", Some("https://news.example/a b")),
            item(1, "No source <@1>", None),
        ];
        let shown = embed::digest("[storms](https://evil.example)", &items, 3, 1_700_000_000);
        assert_eq!(
            shown.title,
            "Digest of “\\[storms\\](https\\://evil.example)”"
        );
        let lines: Vec<&str> = shown.description.lines().collect();
        assert_eq!(
            lines,
            [
                "New since <t:1700000000:f>:",
                "`2020-03-01` — [Storms \\*ahead\\*](https://news.example/a%20b)",
                "`2020-03-01` — No source \\<@1>",
                "and 3 more",
            ]
        );
        assert_eq!(shown.footer, "5 new briefs");
        // Twenty-five long titles do not fit 4,096 characters: the rest are counted, and no
        // line is cut through its link.
        let long: Vec<DigestItem> = (0..25)
            .map(|i| {
                item(
                    i,
                    &"word ".repeat(50),
                    Some("https://news.example/long-path"),
                )
            })
            .collect();
        let shown = embed::digest("", &long, 0, 1);
        let lines: Vec<&str> = shown.description.lines().collect();
        let listed = lines.len() - 2;
        assert!(listed < 25);
        assert_eq!(
            lines.last().copied(),
            Some(format!("and {} more", 25 - listed).as_str())
        );
        assert!(lines[1..=listed].iter().all(|l| l.ends_with("long-path)")));
        assert_eq!(shown.title, "Digest of the news");
        let empty = embed::digest("", &[], 0, 5);
        assert_eq!(empty.description, "Nothing new since <t:5:f>.");
        assert_eq!(empty.footer, "");
    }

    #[test]
    fn a_ping_allows_exactly_its_role() {
        let json = serde_json::to_value(no_mentions().roles([serenity::RoleId::new(77)])).unwrap();
        assert_eq!(json["parse"], serde_json::json!([]));
        assert_eq!(json["roles"], serde_json::json!(["77"]));
        assert!(
            json.get("users")
                .is_none_or(|u| u == &serde_json::json!([]))
        );
    }
}
