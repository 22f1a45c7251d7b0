//! Proves that the Discord double (this crate) works with the real serenity client (through
//! poise's re-export) and with a poise framework: every event a test dispatches must reach
//! serenity's handler within 5 s, because serenity silently drops a payload it cannot
//! deserialize.

use std::sync::{Mutex, Once};
use std::time::Duration;

use discord_double::{
    APPLICATION_ID, BOT_USER_ID, CHANNEL_ID, DiscordDouble, GUILD_ID, MEMBER_USER_ID,
    OTHER_CHANNEL_ID, OTHER_GUILD_ID, check_event, perms,
};
use poise::serenity_prelude as serenity;
use serde_json::json;
use tokio::sync::mpsc;

mod client;
mod deadline;
mod framework;
mod payloads;

const WAIT: Duration = Duration::from_secs(5);

/// What serenity logs when it drops or mangles something the double sent: these messages are at
/// debug/warn level, so a test would not see them without this.
const SILENT_FAILURES: [&str; 5] = [
    "An unknown event was received",
    "Err deserializing",
    "skipping guild channel",
    "Sequence off",
    "Unhandled error",
];

/// Marks the payload `a_broken_payload_is_dropped_silently_and_caught` breaks on purpose.
const BROKEN_MARKER: &str = "deliberately-broken";

/// serenity's log lines that match [`SILENT_FAILURES`], from every test of this binary.
static SILENTLY_FAILED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Installs (once per test binary) a global tracing subscriber that collects serenity's log lines
/// matching [`SILENT_FAILURES`] into [`SILENTLY_FAILED`], whatever RUST_LOG says.
fn catch_silent_failures() {
    use tracing_subscriber::layer::SubscriberExt;
    struct Catch;
    struct Text(String);
    impl tracing::field::Visit for Text {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!("{}={value:?} ", field.name()));
        }
    }
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Catch {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _ctx: tracing_subscriber::layer::Context<'_, S>,
        ) {
            if !event.metadata().target().starts_with("serenity") {
                return;
            }
            let mut text = Text(String::new());
            event.record(&mut text);
            if SILENT_FAILURES.iter().any(|p| text.0.contains(p)) {
                SILENTLY_FAILED
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(text.0);
            }
        }
    }
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Catch));
    });
}

fn assert_no_silent_failures() {
    let seen: Vec<String> = SILENTLY_FAILED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|line| !line.contains(BROKEN_MARKER))
        .cloned()
        .collect();
    assert!(
        seen.is_empty(),
        "serenity dropped or mangled something the double sent: {seen:#?}"
    );
}

#[derive(Debug)]
enum Seen {
    Ready(Box<serenity::Ready>),
    GuildCreate {
        guild_id: u64,
        channel_in_cache: bool,
        bot_member_in_cache: bool,
    },
    Interaction(Box<serenity::Interaction>, Result<(), String>),
    Message(Box<serenity::Message>, Option<Result<u64, String>>),
}

struct Handler {
    tx: mpsc::UnboundedSender<Seen>,
}

#[serenity::async_trait]
impl serenity::EventHandler for Handler {
    async fn ready(&self, _ctx: serenity::Context, ready: serenity::Ready) {
        let _ = self.tx.send(Seen::Ready(Box::new(ready)));
    }

    async fn guild_create(
        &self,
        ctx: serenity::Context,
        guild: serenity::Guild,
        _is_new: Option<bool>,
    ) {
        let (channel_in_cache, bot_member_in_cache) = ctx
            .cache
            .guild(guild.id)
            .map(|g| {
                (
                    g.channels
                        .contains_key(&serenity::ChannelId::new(CHANNEL_ID)),
                    g.members.contains_key(&serenity::UserId::new(BOT_USER_ID)),
                )
            })
            .unwrap_or_default();
        let _ = self.tx.send(Seen::GuildCreate {
            guild_id: guild.id.get(),
            channel_in_cache,
            bot_member_in_cache,
        });
    }

    async fn interaction_create(&self, ctx: serenity::Context, interaction: serenity::Interaction) {
        let result = match &interaction {
            serenity::Interaction::Command(command) => {
                let embed = serenity::CreateEmbed::new()
                    .title("Election hacking")
                    .description("What is known so far, in three points.")
                    .field("Sources", "3 briefs", true);
                let button = serenity::CreateButton::new("brief:more").label("More");
                let message = serenity::CreateInteractionResponseMessage::new()
                    .embed(embed)
                    .components(vec![serenity::CreateActionRow::Buttons(vec![button])]);
                command
                    .create_response(
                        &ctx.http,
                        serenity::CreateInteractionResponse::Message(message),
                    )
                    .await
            }
            serenity::Interaction::Autocomplete(autocomplete) => {
                let choices = serenity::CreateAutocompleteResponse::new()
                    .add_string_choice("Election hacking", "election hacking")
                    .add_string_choice("Elections in Europe", "elections in europe");
                autocomplete
                    .create_response(
                        &ctx.http,
                        serenity::CreateInteractionResponse::Autocomplete(choices),
                    )
                    .await
            }
            serenity::Interaction::Component(component) => {
                component
                    .create_response(&ctx.http, serenity::CreateInteractionResponse::Acknowledge)
                    .await
            }
            _ => Ok(()),
        };
        let _ = self.tx.send(Seen::Interaction(
            Box::new(interaction),
            result.map_err(|e| describe(&e)),
        ));
    }

    async fn message(&self, ctx: serenity::Context, message: serenity::Message) {
        let me = ctx.cache.current_user().id;
        let reply = if !message.author.bot && message.mentions_user_id(me) {
            Some(
                message
                    .reply(&ctx, "Here is the brief.")
                    .await
                    .map(|m| m.id.get())
                    .map_err(|e| e.to_string()),
            )
        } else {
            None
        };
        let _ = self.tx.send(Seen::Message(Box::new(message), reply));
    }
}

/// What the handler reported, with the events a test skipped so far (handlers run concurrently,
/// so events may arrive in another order than dispatched).
struct Events {
    rx: mpsc::UnboundedReceiver<Seen>,
    backlog: std::collections::VecDeque<Seen>,
}

/// The first event (skipped earlier or new) for which `pick` returns `Ok`; `pick` hands back the
/// others, which stay for later calls. Fails the test if none arrives within 5 s.
async fn next_seen<T>(
    events: &mut Events,
    what: &str,
    mut pick: impl FnMut(Seen) -> Result<T, Seen>,
) -> T {
    for _ in 0..events.backlog.len() {
        let seen = events.backlog.pop_front().expect("backlog item");
        match pick(seen) {
            Ok(found) => return found,
            Err(other) => events.backlog.push_back(other),
        }
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, events.rx.recv()).await {
            Ok(Some(seen)) => match pick(seen) {
                Ok(found) => return found,
                Err(other) => events.backlog.push_back(other),
            },
            Ok(None) => panic!("the handler went away while waiting for {what}"),
            Err(_) => panic!(
                "{what} did not reach serenity's handler within 5 s (serenity drops a payload it cannot read)"
            ),
        }
    }
}

async fn next_interaction(
    events: &mut Events,
    id: &str,
) -> (serenity::Interaction, Result<(), String>) {
    next_seen(
        events,
        &format!("INTERACTION_CREATE {id}"),
        |seen| match seen {
            Seen::Interaction(i, result) if i.id().to_string() == id => Ok((*i, result)),
            other => Err(other),
        },
    )
    .await
}

/// `status <HTTP status> code <Discord code>: <message>` for an HTTP error, else the error.
fn describe(err: &serenity::Error) -> String {
    match discord_error_code(err) {
        Some((status, code)) => format!("status {status} code {code}: {err}"),
        None => err.to_string(),
    }
}

fn discord_error_code(err: &serenity::Error) -> Option<(u16, isize)> {
    match err {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) => {
            Some((response.status_code.as_u16(), response.error.code))
        }
        _ => None,
    }
}
