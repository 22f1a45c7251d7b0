//! A local test double of Discord for integration tests: the HTTP API (axum) and the gateway
//! (a tokio-tungstenite WebSocket server), both on 127.0.0.1 on random free ports.
//!
//! # How a test uses it
//!
//! It is a dev-dependency of the briefbot package (`discord-double`, a workspace crate that is
//! never published), built once for all the test binaries and benchmarks that need it:
//!
//! ```no_run
//! # async fn a_test() {
//! use discord_double::DiscordDouble;
//! let double = DiscordDouble::start().await;
//! // Point the bot at it: DISCORD_API_URL=double.http_url(), then dispatch and record.
//! # drop(double);
//! # }
//! ```
//!
//! # Where things are
//!
//! [`DiscordDouble`] (double.rs) is what a test holds: it starts the servers, records, injects
//! faults and drives the gateway; builders.rs makes the payloads a test dispatches. Behind it,
//! http.rs routes requests to messages.rs (interaction responses, follow-ups, messages),
//! commands.rs and validate.rs (Discord's limits); gateway.rs is the WebSocket side; objects.rs
//! the Discord objects the double sends of its own accord; state.rs what they share.
//!
//! # How the bot reaches it
//!
//! * HTTP: `serenity::HttpBuilder::new(token).proxy(double.http_url()).ratelimiter_disabled(true)`
//!   (or [`DiscordDouble::serenity_http`]). **The `ratelimiter_disabled(true)` is required**:
//!   serenity 0.12.5's `Ratelimiter::perform` builds every request with `proxy = None`, so with the
//!   default ratelimiter the proxy is silently ignored and requests go to the real discord.com.
//! * Gateway: serenity asks `GET /api/v10/gateway` (or `/gateway/bot` when autosharding) and
//!   connects to the `ws://` URL it gets, adding `?v=10`. serenity 0.12.5 asks for no transport
//!   compression (no `compress=zlib-stream`); it sets `"compress": true` in IDENTIFY (payload
//!   compression) but accepts plain text frames, which is what this double sends.
//!
//! # What it checks
//!
//! [`DiscordDouble::dispatch`] deserializes every payload with serenity's own types before sending
//! it and panics with serde's error message if serenity would not understand it (serenity itself
//! would silently turn it into `Event::Unknown`). Use [`DiscordDouble::dispatch_unchecked`] to send
//! a deliberately broken payload. The HTTP side enforces Discord's main limits (2000-character
//! content, embed limits, empty messages, interaction acknowledged twice or after 3 s) with
//! Discord's error codes, so a bot that would fail against Discord fails here too.
//!
//! Commands are kept per scope, global and per guild, as Discord does: a bulk overwrite replaces
//! that scope's whole list, and registering, listing or deleting commands in a guild the bot is
//! not in ([`OTHER_GUILD_ID`]) fails with 403 Missing Access.
//!
//! Gateway intents are honoured like Discord does: without GUILD_MESSAGES no guild MESSAGE_CREATE
//! is delivered, and without the privileged MESSAGE_CONTENT intent a guild message that does not
//! mention the bot arrives with empty content. Messages the bot creates over HTTP are echoed back as
//! MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE (not ephemeral ones), as Discord does.

mod builders;
mod commands;
mod double;
mod fixtures;
mod gateway;
mod http;
mod messages;
mod multipart;
mod objects;
mod record;
mod state;
mod validate;

pub use builders::check_event;
pub use double::DiscordDouble;
pub use fixtures::{
    ADMIN_ROLE_ID, ADMIN_USER_ID, APPLICATION_ID, BOT_ROLE_ID, BOT_USER_ID, CATEGORY_ID,
    CHANNEL_ID, GUILD_ID, JOINED_AT, MEMBER_USER_ID, OTHER_CHANNEL_ID, OTHER_GUILD_ID, TestUser,
    intents, perms,
};
pub use objects::{snowflake, timestamp_now};
pub use record::{Fault, GatewayFrame, MultipartPart, Recorded};
