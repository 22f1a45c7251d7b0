//! A local test double of Discord for integration tests: the HTTP API (axum) and the gateway
//! (a tokio-tungstenite WebSocket server), both on 127.0.0.1 on random free ports.
//!
//! # How a test includes it
//!
//! Each test crate that needs it includes the file as a module:
//!
//! ```ignore
//! #[path = "support/discord_double.rs"]
//! mod discord_double;
//! use discord_double::DiscordDouble;
//! ```
//!
//! (`tests/support/` has no `mod.rs`, so cargo does not build it as a test crate of its own.)
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

// This file is included by several test crates and each uses only part of it; without this every
// crate would warn about the helpers it does not call.
#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State as AxumState};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use poise::serenity_prelude as serenity;
use serde_json::{Map, Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::handshake::server::{
    ErrorResponse, Request, Response as WsResponse,
};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

// ---------------------------------------------------------------------------------------------
// Fixed identities of the fake Discord world.
// ---------------------------------------------------------------------------------------------

/// The one guild the bot is in.
pub const GUILD_ID: u64 = 1_180_000_000_000_000_001;
/// The guild's text channel where interactions and messages happen.
pub const CHANNEL_ID: u64 = 1_180_000_000_000_000_002;
/// The category holding [`CHANNEL_ID`].
pub const CATEGORY_ID: u64 = 1_180_000_000_000_000_003;
/// A guild the bot is not in. Its members can still send the bot's commands (Discord delivers
/// the interactions of an app a server added with only `applications.commands`, and a stale
/// command list can send a command that is no longer registered there); registering or
/// listing commands in it fails with 403 Missing Access, as on Discord.
/// Its id is below [`GUILD_ID`], so code that goes through guilds in id order meets it first.
pub const OTHER_GUILD_ID: u64 = 1_179_999_999_999_999_001;
/// A text channel of [`OTHER_GUILD_ID`].
pub const OTHER_CHANNEL_ID: u64 = 1_179_999_999_999_999_002;
/// The bot's user id. Deliberately different from [`APPLICATION_ID`] (on Discord they are often
/// equal), so code that mixes them up fails here.
pub const BOT_USER_ID: u64 = 1_180_000_000_000_000_010;
/// The application id (serenity learns it only from READY's `application.id`).
pub const APPLICATION_ID: u64 = 1_180_000_000_000_000_011;
/// A normal member with the @everyone permissions only.
pub const MEMBER_USER_ID: u64 = 1_180_000_000_000_000_020;
/// An administrator (also the guild owner).
pub const ADMIN_USER_ID: u64 = 1_180_000_000_000_000_021;
/// The bot's managed role.
pub const BOT_ROLE_ID: u64 = 1_180_000_000_000_000_030;
/// The admins' role (ADMINISTRATOR | MANAGE_GUILD).
pub const ADMIN_ROLE_ID: u64 = 1_180_000_000_000_000_031;
/// When every member joined the guild.
pub const JOINED_AT: &str = "2024-03-01T12:00:00.000000+00:00";

/// Discord permission bits used by the double.
pub mod perms {
    pub const CREATE_INSTANT_INVITE: u64 = 1 << 0;
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const ADD_REACTIONS: u64 = 1 << 6;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const MANAGE_MESSAGES: u64 = 1 << 13;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const USE_EXTERNAL_EMOJIS: u64 = 1 << 18;
    pub const CHANGE_NICKNAME: u64 = 1 << 26;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
    /// What the @everyone role (id = guild id) grants.
    pub const EVERYONE: u64 = CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | SEND_MESSAGES_IN_THREADS;
    /// What the bot's managed role adds.
    pub const BOT_ROLE: u64 = MANAGE_MESSAGES;
    /// Every permission bit Discord currently defines (what it reports for administrators).
    pub const ALL: u64 = (1 << 51) - 1;
}

/// Gateway intent bits the double looks at.
pub mod intents {
    pub const GUILDS: u64 = 1 << 0;
    pub const GUILD_MEMBERS: u64 = 1 << 1;
    pub const GUILD_MESSAGES: u64 = 1 << 9;
    pub const DIRECT_MESSAGES: u64 = 1 << 12;
    pub const MESSAGE_CONTENT: u64 = 1 << 15;
}

/// A user of the fake guild.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: u64,
    pub username: String,
    pub global_name: Option<String>,
    pub discriminator: String,
    pub bot: bool,
    /// Role ids besides @everyone.
    pub roles: Vec<u64>,
    /// The member's computed permissions in the guild (what interactions carry).
    pub permissions: u64,
}

impl TestUser {
    pub fn bot() -> TestUser {
        TestUser {
            id: BOT_USER_ID,
            username: "Briefbot".into(),
            global_name: None,
            discriminator: "4821".into(),
            bot: true,
            roles: vec![BOT_ROLE_ID],
            permissions: perms::EVERYONE | perms::BOT_ROLE,
        }
    }

    pub fn member() -> TestUser {
        TestUser {
            id: MEMBER_USER_ID,
            username: "news_reader".into(),
            global_name: Some("News Reader".into()),
            discriminator: "0".into(),
            bot: false,
            roles: vec![],
            permissions: perms::EVERYONE,
        }
    }

    pub fn admin() -> TestUser {
        TestUser {
            id: ADMIN_USER_ID,
            username: "desk_editor".into(),
            global_name: Some("Desk Editor".into()),
            discriminator: "0".into(),
            bot: false,
            roles: vec![ADMIN_ROLE_ID],
            permissions: perms::ALL,
        }
    }

    /// `<@id>`, as typed in a message that mentions this user.
    pub fn mention(&self) -> String {
        format!("<@{}>", self.id)
    }

    /// The Discord user object.
    pub fn user_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": self.discriminator,
            "avatar": null,
            "bot": self.bot,
            "system": false,
            "public_flags": 0,
            "flags": 0,
            "banner": null,
            "accent_color": null,
            "avatar_decoration_data": null,
            "primary_guild": null,
            "collectibles": null,
            "clan": null,
        })
    }

    /// The guild member object without `user` (as in MESSAGE_CREATE's `member` and mentions).
    pub fn partial_member_json(&self) -> Value {
        json!({
            "roles": self.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
            "nick": null,
            "avatar": null,
            "banner": null,
            "joined_at": JOINED_AT,
            "premium_since": null,
            "deaf": false,
            "mute": false,
            "flags": 0,
            "pending": false,
            "communication_disabled_until": null,
            "unusual_dm_activity_until": null,
        })
    }

    /// The full guild member object (as in GUILD_CREATE).
    pub fn member_json(&self) -> Value {
        let mut member = self.partial_member_json();
        member["user"] = self.user_json();
        member
    }

    /// The member object of an interaction: the full member plus `permissions`.
    pub fn interaction_member_json(&self) -> Value {
        let mut member = self.member_json();
        member["permissions"] = json!(self.permissions.to_string());
        member
    }
}

// ---------------------------------------------------------------------------------------------
// What the double records.
// ---------------------------------------------------------------------------------------------

/// One HTTP request the double received, with what it answered.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// 0-based position among all requests.
    pub index: usize,
    pub method: String,
    /// The path without the query, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    /// The JSON body (for multipart requests: the `payload_json` part); `Null` if none or not JSON.
    pub body: Value,
    pub raw_body: Vec<u8>,
    /// The parts of a `multipart/form-data` body (files are `files[N]`).
    pub parts: Vec<MultipartPart>,
    /// The status the double answered; 0 while it is hanging on purpose ([`Fault::Hang`]).
    pub status: u16,
    /// The JSON the double answered (`Null` for 204 or a hang).
    pub response: Value,
    pub received_at: Instant,
}

impl Recorded {
    /// Whether the request is `method` on `pattern`, where a `*` segment matches any one segment:
    /// `r.is("POST", "/api/v10/interactions/*/*/callback")`.
    pub fn is(&self, method: &str, pattern: &str) -> bool {
        if !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let want: Vec<&str> = pattern.trim_matches('/').split('/').collect();
        let got: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| *w == "*" || w == g)
    }

    /// The uploaded files: `(filename, bytes)`.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        self.parts
            .iter()
            .filter_map(|p| p.filename.clone().map(|f| (f, p.data.clone())))
            .collect()
    }
}

#[derive(Clone, Debug)]
pub struct MultipartPart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// One frame the bot sent over the gateway.
#[derive(Clone, Debug)]
pub struct GatewayFrame {
    /// 1-based number of the WebSocket connection it came on.
    pub connection: usize,
    /// The opcode; `None` for a close frame or something that is not JSON.
    pub op: Option<u64>,
    pub d: Value,
    /// The text; for a close frame `close <code> <reason>`.
    pub raw: String,
    pub received_at: Instant,
}

/// A fault to inject into the next matching HTTP requests.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer this status with a Discord-style JSON error.
    Status(u16),
    /// Answer 429 with `retry_after` (seconds) like Discord's rate limiter.
    RateLimited { retry_after: f64, global: bool },
    /// Never answer.
    Hang,
}

// ---------------------------------------------------------------------------------------------
// Internal state.
// ---------------------------------------------------------------------------------------------

enum Out {
    /// A text frame; `true` marks the connection ready once it is written.
    Text(String, bool),
    Close(u16, String),
}

struct Conn {
    id: usize,
    tx: mpsc::UnboundedSender<Out>,
    alive: bool,
    ready: bool,
    session: Option<String>,
}

struct Session {
    seq: u64,
    shard: (u64, u64),
    intents: u64,
    /// Dispatch frames sent in this session, replayed on RESUME.
    history: Vec<(u64, String)>,
    valid: bool,
}

struct Interaction {
    token: String,
    kind: u64,
    dispatched_at: Instant,
    acked: bool,
    /// For component interactions: the message the component is on.
    message_id: Option<u64>,
    name: Option<String>,
    user: Value,
    channel_id: u64,
}

struct FaultRule {
    method: String,
    path_contains: String,
    fault: Fault,
    remaining: usize,
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    faults: Vec<FaultRule>,
    interactions: HashMap<u64, Interaction>,
    /// interaction token -> id of the original response message
    originals: HashMap<String, u64>,
    /// Every message known: the bot's (current version) and the ones dispatched from users.
    messages: Vec<Value>,
    global_commands: Vec<Value>,
    guild_commands: HashMap<u64, Vec<Value>>,
    /// DM channel id -> user id
    dm_channels: HashMap<u64, u64>,
    frames: Vec<GatewayFrame>,
    connection_uris: Vec<String>,
    conns: Vec<Conn>,
    sessions: HashMap<String, Session>,
    identifies: Vec<Value>,
    dispatched: Vec<(String, Value)>,
}

struct Inner {
    http_url: String,
    ws_url: String,
    state: Mutex<State>,
    /// Bumped whenever something a test may wait for happens.
    changed: watch::Sender<u64>,
    heartbeat_ack: AtomicBool,
    heartbeat_interval_ms: AtomicU64,
    interaction_deadline_ms: AtomicU64,
    token_lifetime_ms: AtomicU64,
    echo_messages: AtomicBool,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

/// The running double. Dropping it stops its servers.
pub struct DiscordDouble {
    inner: Arc<Inner>,
    http_addr: SocketAddr,
    ws_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for DiscordDouble {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn wait_until<T>(
    inner: &Inner,
    timeout: Duration,
    mut check: impl FnMut(&State) -> Option<T>,
) -> Option<T> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut rx = inner.changed.subscribe();
    loop {
        rx.borrow_and_update();
        if let Some(found) = check(&inner.lock()) {
            return Some(found);
        }
        match tokio::time::timeout_at(deadline, rx.changed()).await {
            Ok(Ok(())) => {}
            _ => return check(&inner.lock()),
        }
    }
}

impl DiscordDouble {
    /// Starts the HTTP API and the gateway on 127.0.0.1, on random free ports.
    pub async fn start() -> DiscordDouble {
        let http_listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind HTTP port");
        let ws_listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway port");
        let http_addr = http_listener.local_addr().expect("HTTP address");
        let ws_addr = ws_listener.local_addr().expect("gateway address");
        let inner = Arc::new(Inner {
            http_url: format!("http://{http_addr}"),
            ws_url: format!("ws://{ws_addr}"),
            state: Mutex::new(State::default()),
            changed: watch::channel(0).0,
            heartbeat_ack: AtomicBool::new(true),
            heartbeat_interval_ms: AtomicU64::new(41_250),
            interaction_deadline_ms: AtomicU64::new(3_000),
            token_lifetime_ms: AtomicU64::new(15 * 60 * 1000),
            echo_messages: AtomicBool::new(true),
        });
        let app = axum::Router::new()
            .fallback(handle_http)
            .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
            .with_state(Arc::clone(&inner));
        let http_task = tokio::spawn(async move {
            let _ = axum::serve(http_listener, app).await;
        });
        let gateway_inner = Arc::clone(&inner);
        let ws_task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = ws_listener.accept().await else {
                    continue;
                };
                tokio::spawn(gateway_connection(Arc::clone(&gateway_inner), stream));
            }
        });
        DiscordDouble {
            inner,
            http_addr,
            ws_addr,
            tasks: vec![http_task, ws_task],
        }
    }

    // ---- addresses and identities ----------------------------------------------------------

    /// `http://127.0.0.1:PORT`: what goes into `HttpBuilder::proxy` / `DISCORD_API_URL`.
    pub fn http_url(&self) -> String {
        self.inner.http_url.clone()
    }

    /// `http://127.0.0.1:PORT/api/v10`.
    pub fn api_base(&self) -> String {
        format!("{}/api/v10", self.inner.http_url)
    }

    /// `ws://127.0.0.1:PORT`: what `GET /gateway` answers.
    pub fn ws_url(&self) -> String {
        self.inner.ws_url.clone()
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    pub fn ws_addr(&self) -> SocketAddr {
        self.ws_addr
    }

    pub fn bot_user_id(&self) -> u64 {
        BOT_USER_ID
    }

    pub fn application_id(&self) -> u64 {
        APPLICATION_ID
    }

    pub fn guild_id(&self) -> u64 {
        GUILD_ID
    }

    pub fn channel_id(&self) -> u64 {
        CHANNEL_ID
    }

    pub fn bot_user(&self) -> TestUser {
        TestUser::bot()
    }

    pub fn member_user(&self) -> TestUser {
        TestUser::member()
    }

    pub fn admin_user(&self) -> TestUser {
        TestUser::admin()
    }

    /// A serenity `Http` pointed at the double (proxy + ratelimiter disabled, see module docs).
    pub fn serenity_http(&self, token: &str) -> serenity::Http {
        serenity::HttpBuilder::new(token)
            .proxy(self.http_url())
            .ratelimiter_disabled(true)
            .build()
    }

    // ---- HTTP recording --------------------------------------------------------------------

    /// Every HTTP request so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().requests.clone()
    }

    /// Requests the double had no route for (answered 404 `{"code": 0}`).
    pub fn unmatched_requests(&self) -> Vec<Recorded> {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| r.status == 404 && r.response["code"] == 0)
            .cloned()
            .collect()
    }

    /// Interaction callback requests (`POST /interactions/{id}/{token}/callback`).
    pub fn callbacks(&self) -> Vec<Recorded> {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| r.is("POST", "/api/v10/interactions/*/*/callback"))
            .cloned()
            .collect()
    }

    /// Waits for the first request (old or new) that satisfies `pred`.
    pub async fn wait_for(
        &self,
        pred: impl Fn(&Recorded) -> bool,
        timeout: Duration,
    ) -> Option<Recorded> {
        wait_until(&self.inner, timeout, |st| {
            st.requests.iter().find(|r| pred(r)).cloned()
        })
        .await
    }

    /// Waits for a request after the first `after` requests (`after = requests().len()` taken
    /// before the action) that satisfies `pred`.
    pub async fn wait_for_new(
        &self,
        after: usize,
        pred: impl Fn(&Recorded) -> bool,
        timeout: Duration,
    ) -> Option<Recorded> {
        wait_until(&self.inner, timeout, |st| {
            st.requests.iter().skip(after).find(|r| pred(r)).cloned()
        })
        .await
    }

    /// Every message known, in creation order and in its current version: the bot's (channel
    /// messages, interaction responses, follow-ups) and the users' dispatched MESSAGE_CREATEs.
    pub fn messages(&self) -> Vec<Value> {
        self.inner.lock().messages.clone()
    }

    /// The messages the bot created, in order.
    pub fn bot_messages(&self) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| id_of(&m["author"]["id"]) == Some(BOT_USER_ID))
            .collect()
    }

    pub fn message(&self, id: u64) -> Option<Value> {
        let id = id.to_string();
        self.inner
            .lock()
            .messages
            .iter()
            .find(|m| m["id"] == id)
            .cloned()
    }

    /// The original response message of the interaction with this token, if it was created.
    pub fn original_response(&self, interaction_token: &str) -> Option<Value> {
        let st = self.inner.lock();
        let id = st.originals.get(interaction_token)?.to_string();
        st.messages.iter().find(|m| m["id"] == id).cloned()
    }

    /// Waits until the original response of this interaction exists (and is not a "thinking..."
    /// placeholder) and returns it.
    pub async fn wait_original_response(
        &self,
        interaction_token: &str,
        timeout: Duration,
    ) -> Option<Value> {
        wait_until(&self.inner, timeout, |st| {
            let id = st.originals.get(interaction_token)?.to_string();
            st.messages
                .iter()
                .find(|m| m["id"] == id && m["flags"].as_u64().unwrap_or(0) & 128 == 0)
                .cloned()
        })
        .await
    }

    /// The commands the bot registered, globally (`None`) or in a guild, as the double stored them.
    pub fn registered_commands(&self, guild: Option<u64>) -> Vec<Value> {
        let st = self.inner.lock();
        match guild {
            None => st.global_commands.clone(),
            Some(g) => st.guild_commands.get(&g).cloned().unwrap_or_default(),
        }
    }

    // ---- HTTP fault knobs ------------------------------------------------------------------

    /// Makes the next `times` requests whose method is `method` ("" for any) and whose path
    /// contains `path_contains` fail with `fault`. Rules are matched in the order they were added.
    pub fn fail_next(&self, method: &str, path_contains: &str, fault: Fault, times: usize) {
        self.inner.lock().faults.push(FaultRule {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            fault,
            remaining: times,
        });
    }

    /// The next `n` interaction callbacks answer 429 with this `retry_after`.
    pub fn fail_next_callbacks_429(&self, n: usize, retry_after_secs: f64) {
        self.fail_next(
            "POST",
            "/callback",
            Fault::RateLimited {
                retry_after: retry_after_secs,
                global: false,
            },
            n,
        );
    }

    /// The next `n` interaction callbacks answer 500.
    pub fn fail_next_callbacks_500(&self, n: usize) {
        self.fail_next("POST", "/callback", Fault::Status(500), n);
    }

    /// The next `n` interaction callbacks never get an answer.
    pub fn hang_next_callbacks(&self, n: usize) {
        self.fail_next("POST", "/callback", Fault::Hang, n);
    }

    /// How long after its dispatch an interaction can still be answered (Discord: 3 s).
    pub fn set_interaction_deadline(&self, deadline: Duration) {
        self.inner
            .interaction_deadline_ms
            .store(deadline.as_millis() as u64, Ordering::SeqCst);
    }

    /// How long after its dispatch an interaction's token still works for follow-ups and edits
    /// of its response (Discord: 15 minutes; then 401 "Invalid Webhook Token").
    pub fn set_interaction_token_lifetime(&self, lifetime: Duration) {
        self.inner
            .token_lifetime_ms
            .store(lifetime.as_millis() as u64, Ordering::SeqCst);
    }

    /// Whether messages the bot creates/edits/deletes over HTTP are echoed back over the gateway
    /// as MESSAGE_CREATE/UPDATE/DELETE (default true, like Discord).
    pub fn set_echo_bot_messages(&self, echo: bool) {
        self.inner.echo_messages.store(echo, Ordering::SeqCst);
    }

    // ---- gateway ---------------------------------------------------------------------------

    /// Waits (up to 10 s, else panics) for the first IDENTIFY and returns its `d`
    /// (`token`, `intents`, `shard`, `properties`, `compress`, `presence`, ...).
    pub async fn identified(&self) -> Value {
        wait_until(&self.inner, Duration::from_secs(10), |st| {
            st.identifies.first().cloned()
        })
        .await
        .expect("the bot did not IDENTIFY on the Discord double's gateway within 10 s")
    }

    /// Every IDENTIFY payload (`d`) so far.
    pub fn identifies(&self) -> Vec<Value> {
        self.inner.lock().identifies.clone()
    }

    /// Waits until a connection owning the test guild has a live session: READY and GUILD_CREATE
    /// (or RESUMED) were written to the socket. Handlers run asynchronously in the bot, so a test
    /// that needs the bot to have *processed* them should wait on the bot's own signal.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        wait_until(&self.inner, timeout, |st| target_conn(st).map(|_| ()))
            .await
            .is_some()
    }

    /// Every frame the bot sent over the gateway.
    pub fn gateway_frames(&self) -> Vec<GatewayFrame> {
        self.inner.lock().frames.clone()
    }

    /// Waits for the first gateway frame (old or new) from the bot that satisfies `pred`.
    pub async fn wait_gateway(
        &self,
        pred: impl Fn(&GatewayFrame) -> bool,
        timeout: Duration,
    ) -> Option<GatewayFrame> {
        wait_until(&self.inner, timeout, |st| {
            st.frames.iter().find(|f| pred(f)).cloned()
        })
        .await
    }

    /// The request URI of each gateway connection so far (e.g. `/?v=10`).
    pub fn gateway_connections(&self) -> Vec<String> {
        self.inner.lock().connection_uris.clone()
    }

    /// Every dispatch sent to the bot: `(event name, payload)`.
    pub fn dispatched(&self) -> Vec<(String, Value)> {
        self.inner.lock().dispatched.clone()
    }

    /// Sends a dispatch (op 0) to the bot, after checking with serenity's own types that serenity
    /// will understand it (panics with serde's message otherwise). Waits up to 10 s for a ready
    /// session (panics if none). Applies Discord's intent rules: returns `None` if Discord would
    /// not deliver it to a bot with the identified intents, else the sequence number `s`.
    pub async fn dispatch(&self, event: &str, payload: Value) -> Option<u64> {
        if let Err(why) = check_event(event, &payload) {
            panic!(
                "Discord double: serenity would not understand this {event}: {why}\npayload: {payload:#}"
            );
        }
        self.dispatch_unchecked(event, payload).await
    }

    /// [`Self::dispatch`] without the serenity check (to send deliberately broken payloads).
    pub async fn dispatch_unchecked(&self, event: &str, payload: Value) -> Option<u64> {
        if !self.wait_ready(Duration::from_secs(10)).await {
            panic!(
                "Discord double: no ready gateway session to dispatch {event} to (did the bot connect?)"
            );
        }
        let mut st = self.inner.lock();
        let idx = target_conn(&st).expect("ready connection");
        let seq = deliver(&mut st, idx, event, payload);
        drop(st);
        self.inner.bump();
        seq
    }

    /// Closes the gateway connection of the guild's session with this close code.
    /// Returns false if there is no live connection.
    pub async fn close_gateway(&self, code: u16, reason: &str) -> bool {
        let sent = self.send_out(Out::Close(code, reason.to_owned()));
        self.unready_live_conn();
        sent
    }

    /// Sends op 7 Reconnect (serenity then resumes on a new connection).
    pub async fn send_reconnect(&self) -> bool {
        self.unready_live_conn();
        self.send_out(Out::Text(
            json!({"op": 7, "d": null, "s": null, "t": null}).to_string(),
            false,
        ))
    }

    /// After op 7 / op 9 / close the bot must come back on a new connection: stop treating the
    /// current one as a target, so `wait_ready` waits for the new session (or resume).
    fn unready_live_conn(&self) {
        let mut st = self.inner.lock();
        if let Some(idx) = live_conn(&st) {
            st.conns[idx].ready = false;
        }
    }

    /// Sends op 9 Invalid Session. When not resumable the session is forgotten, so a RESUME is
    /// refused and the bot must IDENTIFY again (serenity waits 5 s between IDENTIFYs).
    pub async fn send_invalid_session(&self, resumable: bool) -> bool {
        if !resumable {
            let mut st = self.inner.lock();
            if let Some(idx) = live_conn(&st)
                && let Some(sid) = st.conns[idx].session.clone()
                && let Some(session) = st.sessions.get_mut(&sid)
            {
                session.valid = false;
            }
        }
        self.unready_live_conn();
        self.send_out(Out::Text(
            json!({"op": 9, "d": resumable, "s": null, "t": null}).to_string(),
            false,
        ))
    }

    /// Sends any frame as is.
    pub async fn send_gateway_raw(&self, frame: Value) -> bool {
        self.send_out(Out::Text(frame.to_string(), false))
    }

    /// Whether heartbeats (op 1) are answered with op 11 (default true).
    pub fn set_heartbeat_ack(&self, ack: bool) {
        self.inner.heartbeat_ack.store(ack, Ordering::SeqCst);
    }

    /// The `heartbeat_interval` of the next HELLOs (default 41.25 s).
    pub fn set_heartbeat_interval(&self, interval: Duration) {
        self.inner
            .heartbeat_interval_ms
            .store(interval.as_millis() as u64, Ordering::SeqCst);
    }

    fn send_out(&self, out: Out) -> bool {
        let st = self.inner.lock();
        match live_conn(&st) {
            Some(idx) => st.conns[idx].tx.send(out).is_ok(),
            None => false,
        }
    }

    // ---- payload builders ------------------------------------------------------------------

    /// The guild object of GUILD_CREATE (all members; the double drops the others itself when the
    /// bot lacks GUILD_MEMBERS).
    pub fn guild_json(&self) -> Value {
        guild_json(true)
    }

    /// The guild text channel object.
    pub fn channel_json(&self) -> Value {
        channel_json()
    }

    /// An INTERACTION_CREATE of type 2 (slash command) in the guild channel. `options` is
    /// Discord's option array, e.g. `json!([{"name": "topic", "type": 3, "value": "elections"}])`
    /// (`Value::Null` for none). The command id is the registered one when the bot registered a
    /// command of that name. Read `["id"]` and `["token"]` to match the callback.
    pub fn interaction_command(&self, name: &str, options: Value, user: &TestUser) -> Value {
        let options = if options.is_null() {
            json!([])
        } else {
            options
        };
        let mut data =
            json!({"id": self.command_id(name), "name": name, "type": 1, "options": options});
        if self
            .inner
            .lock()
            .guild_commands
            .get(&GUILD_ID)
            .is_some_and(|c| c.iter().any(|c| c["name"] == name))
        {
            data["guild_id"] = json!(GUILD_ID.to_string());
        }
        interaction_json(2, data, user, None)
    }

    /// `interaction` (from [`Self::interaction_command`] and the like) as sent from a text
    /// channel of [`OTHER_GUILD_ID`], by the same member with the same permissions there.
    pub fn in_other_guild(&self, mut interaction: Value) -> Value {
        let other = OTHER_GUILD_ID.to_string();
        interaction["guild_id"] = json!(other);
        interaction["channel_id"] = json!(OTHER_CHANNEL_ID.to_string());
        interaction["channel"]["id"] = json!(OTHER_CHANNEL_ID.to_string());
        interaction["channel"]["guild_id"] = json!(other);
        interaction["channel"]["parent_id"] = Value::Null;
        interaction["authorizing_integration_owners"] = json!({"0": other});
        if interaction["data"].get("guild_id").is_some() {
            interaction["data"]["guild_id"] = json!(other);
        }
        interaction
    }

    /// `interaction` as sent from the user's DM with the bot: no guild and no member, the
    /// user instead, and the DM channel (which the double then knows, as if the bot had opened
    /// it).
    pub fn in_dm(&self, mut interaction: Value) -> Value {
        let user = interaction["member"]["user"].clone();
        let user_id = id_of(&user["id"]).expect("an interaction from a member");
        let channel = {
            let mut st = self.inner.lock();
            match st.dm_channels.iter().find(|(_, u)| **u == user_id) {
                Some((c, _)) => *c,
                None => {
                    let c = snowflake();
                    st.dm_channels.insert(c, user_id);
                    c
                }
            }
        };
        let Some(map) = interaction.as_object_mut() else {
            return interaction;
        };
        for key in ["guild_id", "member", "guild_locale"] {
            map.remove(key);
        }
        if let Some(data) = map.get_mut("data").and_then(Value::as_object_mut) {
            data.remove("guild_id");
        }
        map.insert("user".into(), user.clone());
        map.insert("channel_id".into(), json!(channel.to_string()));
        map.insert(
            "channel".into(),
            json!({"id": channel.to_string(), "type": 1, "last_message_id": null, "flags": 0,
                   "recipients": [user]}),
        );
        // 1 is BOT_DM; an app installed to a guild and used in a DM is owned by guild "0".
        map.insert("context".into(), json!(1));
        map.insert("authorizing_integration_owners".into(), json!({"0": "0"}));
        interaction
    }

    /// An INTERACTION_CREATE of type 4 (autocomplete): the user is typing `partial` into the
    /// string option `focused_option` of command `name`.
    pub fn interaction_autocomplete(
        &self,
        name: &str,
        focused_option: &str,
        partial: &str,
        user: &TestUser,
    ) -> Value {
        let data = json!({
            "id": self.command_id(name),
            "name": name,
            "type": 1,
            "options": [{"name": focused_option, "type": 3, "value": partial, "focused": true}],
        });
        interaction_json(4, data, user, None)
    }

    /// An INTERACTION_CREATE of type 3: `user` pressed the button `custom_id` on `message` (a
    /// full message object, e.g. from [`Self::original_response`] or [`Self::bot_messages`]).
    /// For a select menu set `["data"]["component_type"]` and `["data"]["values"]`.
    pub fn interaction_component(
        &self,
        custom_id: &str,
        message: &Value,
        user: &TestUser,
    ) -> Value {
        let data = json!({"custom_id": custom_id, "component_type": 2});
        interaction_json(3, data, user, Some(message.clone()))
    }

    /// A MESSAGE_CREATE from `author` in the guild channel, e.g.
    /// `message_create(&format!("{} what about election hacking?", bot.mention()), &member, &[&bot])`.
    pub fn message_create(
        &self,
        content: &str,
        author: &TestUser,
        mentions: &[&TestUser],
    ) -> Value {
        let mentions: Vec<Value> = mentions
            .iter()
            .map(|u| {
                let mut user = u.user_json();
                user["member"] = u.partial_member_json();
                user
            })
            .collect();
        json!({
            "id": snowflake().to_string(),
            "channel_id": CHANNEL_ID.to_string(),
            "guild_id": GUILD_ID.to_string(),
            "author": author.user_json(),
            "member": author.partial_member_json(),
            "content": content,
            "timestamp": timestamp_now(),
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": mentions,
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": false,
            "type": 0,
            "flags": 0,
            "nonce": snowflake().to_string(),
        })
    }

    fn command_id(&self, name: &str) -> String {
        let st = self.inner.lock();
        st.guild_commands
            .get(&GUILD_ID)
            .into_iter()
            .flatten()
            .chain(st.global_commands.iter())
            .find(|c| c["name"] == name)
            .and_then(|c| c["id"].as_str().map(str::to_owned))
            .unwrap_or_else(|| snowflake().to_string())
    }
}

/// Checks with serenity's own types that serenity will understand this dispatch; the error says
/// which field is wrong. (serenity itself turns a payload it cannot read into `Event::Unknown`
/// and only logs it at debug level.)
pub fn check_event(event: &str, payload: &Value) -> Result<(), String> {
    fn typed<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, String> {
        serde_json::from_value(v.clone()).map_err(|e| e.to_string())
    }
    match event {
        "READY" => drop(typed::<serenity::Ready>(payload)?),
        "GUILD_CREATE" => {
            let guild = typed::<serenity::Guild>(payload)?;
            let sent = payload["channels"].as_array().map_or(0, Vec::len);
            if guild.channels.len() != sent {
                return Err(format!(
                    "serenity kept {} of the {sent} channels (it skips channels it cannot read, logging only a warning)",
                    guild.channels.len()
                ));
            }
        }
        "INTERACTION_CREATE" => drop(typed::<serenity::Interaction>(payload)?),
        "MESSAGE_CREATE" => drop(typed::<serenity::Message>(payload)?),
        _ => {}
    }
    let frame = json!({"op": 0, "s": 1, "t": event, "d": payload});
    match serde_json::from_value::<serenity::GatewayEvent>(frame) {
        Ok(serenity::GatewayEvent::Dispatch(_, serenity::Event::Unknown(_))) => Err(format!(
            "serenity would deliver this as Event::Unknown (unknown event name, or a payload its {event} type cannot read)"
        )),
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Ids and time.
// ---------------------------------------------------------------------------------------------

const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
static SNOWFLAKE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new unique snowflake with the current time in it.
pub fn snowflake() -> u64 {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64;
    let increment = SNOWFLAKE_COUNTER.fetch_add(1, Ordering::Relaxed) & 0x3F_FFFF;
    ((ms.saturating_sub(DISCORD_EPOCH_MS)) << 22) | (1 << 17) | increment
}

/// The current time as Discord writes it: `2024-03-01T12:00:00.123456+00:00`.
pub fn timestamp_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_micros()
    )
}

fn interaction_token(id: u64) -> String {
    let mut h: u64 = id ^ 0x9E37_79B9_7F4A_7C15;
    let mut out = format!("aW50ZXJhY3Rpb246{id}");
    for _ in 0..6 {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
        out.push_str(&format!("{h:016x}"));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Discord objects.
// ---------------------------------------------------------------------------------------------

fn bot_current_user_json() -> Value {
    let mut user = TestUser::bot().user_json();
    let extra = json!({
        "verified": true,
        "mfa_enabled": true,
        "email": null,
        "locale": "en-US",
        "premium_type": 0,
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        user[k] = v.clone();
    }
    user
}

fn role_json(id: u64, name: &str, permissions: u64, position: u64, managed: bool) -> Value {
    let mut role = json!({
        "id": id.to_string(),
        "name": name,
        "description": null,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": managed,
        "mentionable": false,
        "flags": 0,
    });
    if managed {
        role["tags"] = json!({"bot_id": BOT_USER_ID.to_string()});
    }
    role
}

fn channel_json() -> Value {
    json!({
        "id": CHANNEL_ID.to_string(),
        "type": 0,
        "guild_id": GUILD_ID.to_string(),
        "name": "news-briefs",
        "position": 0,
        "permission_overwrites": [],
        "parent_id": CATEGORY_ID.to_string(),
        "topic": "Ask the bot for news briefs",
        "nsfw": false,
        "last_message_id": null,
        "last_pin_timestamp": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    })
}

fn category_json() -> Value {
    json!({
        "id": CATEGORY_ID.to_string(),
        "type": 4,
        "guild_id": GUILD_ID.to_string(),
        "name": "Text Channels",
        "position": 0,
        "permission_overwrites": [],
        "parent_id": null,
        "nsfw": false,
        "flags": 0,
    })
}

fn guild_json(all_members: bool) -> Value {
    let members: Vec<Value> = if all_members {
        vec![
            TestUser::bot().member_json(),
            TestUser::member().member_json(),
            TestUser::admin().member_json(),
        ]
    } else {
        vec![TestUser::bot().member_json()]
    };
    let mut guild = json!({
        "id": GUILD_ID.to_string(),
        "name": "Briefbot Test Newsroom",
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": ADMIN_USER_ID.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [
            role_json(GUILD_ID, "@everyone", perms::EVERYONE, 0, false),
            role_json(BOT_ROLE_ID, "Briefbot", perms::BOT_ROLE, 1, true),
            role_json(
                ADMIN_ROLE_ID,
                "Editors",
                perms::ADMINISTRATOR | perms::MANAGE_GUILD,
                2,
                false,
            ),
        ],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": CHANNEL_ID.to_string(),
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500_000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "nsfw": false,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
    });
    // Split in two: one json! this big exceeds the default macro recursion limit.
    let create_extras = json!({
        "joined_at": JOINED_AT,
        "large": false,
        "unavailable": false,
        "lazy": true,
        "member_count": 3,
        "voice_states": [],
        "members": members,
        "channels": [category_json(), channel_json()],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        "application_command_counts": {},
    });
    for (k, v) in create_extras.as_object().into_iter().flatten() {
        guild[k] = v.clone();
    }
    guild
}

fn application_json() -> Value {
    let install = json!({
        "scopes": ["bot", "applications.commands"],
        "permissions": perms::EVERYONE.to_string(),
    });
    json!({
        "id": APPLICATION_ID.to_string(),
        "name": "Briefbot",
        "icon": null,
        "description": "News briefs for the newsroom (test double)",
        "summary": "",
        "type": null,
        "bot": TestUser::bot().user_json(),
        "bot_public": false,
        "bot_require_code_grant": false,
        "terms_of_service_url": null,
        "privacy_policy_url": null,
        "owner": TestUser::admin().user_json(),
        "verify_key": "c0ffee00".repeat(8),
        "team": null,
        "guild_id": null,
        "flags": 8_912_896,
        "tags": ["news"],
        "rpc_origins": [],
        "install_params": install,
        "integration_types_config": {"0": {"oauth2_install_params": install}},
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "is_monetized": false,
        "hook": true,
    })
}

fn ready_json(ws_url: &str, session_id: &str, shard: (u64, u64), has_guild: bool) -> Value {
    let guilds = if has_guild {
        json!([{"id": GUILD_ID.to_string(), "unavailable": true}])
    } else {
        json!([])
    };
    json!({
        "v": 10,
        "user": bot_current_user_json(),
        "guilds": guilds,
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": ws_url,
        "shard": [shard.0, shard.1],
        "application": {"id": APPLICATION_ID.to_string(), "flags": 8_912_896},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "user_settings": {},
        "geo_ordered_rtc_regions": ["rotterdam", "frankfurt"],
        "_trace": ["[\"gateway-double\",{\"micros\":1}]"],
    })
}

fn interaction_json(kind: u64, data: Value, user: &TestUser, message: Option<Value>) -> Value {
    let id = snowflake();
    let mut channel = channel_json();
    channel["permissions"] = json!(user.permissions.to_string());
    let mut interaction = json!({
        "id": id.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "data": data,
        "guild_id": GUILD_ID.to_string(),
        "channel_id": CHANNEL_ID.to_string(),
        "channel": channel,
        "member": user.interaction_member_json(),
        "token": interaction_token(id),
        "version": 1,
        "app_permissions": (perms::EVERYONE | perms::BOT_ROLE).to_string(),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "entitlement_sku_ids": [],
        "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
        "context": 0,
        "attachment_size_limit": 10_485_760,
    });
    if let Some(message) = message {
        interaction["message"] = message;
    }
    interaction
}

// ---------------------------------------------------------------------------------------------
// Gateway.
// ---------------------------------------------------------------------------------------------

fn owns_guild(shard: (u64, u64)) -> bool {
    shard.1 <= 1 || (GUILD_ID >> 22) % shard.1 == shard.0
}

/// The ready connection whose shard holds the test guild (the newest one).
fn target_conn(st: &State) -> Option<usize> {
    st.conns.iter().rposition(|c| {
        c.alive
            && c.ready
            && c.session
                .as_ref()
                .and_then(|s| st.sessions.get(s))
                .is_some_and(|s| owns_guild(s.shard))
    })
}

/// The connection control frames go to: the guild's ready one, else the newest live one.
fn live_conn(st: &State) -> Option<usize> {
    target_conn(st).or_else(|| st.conns.iter().rposition(|c| c.alive))
}

/// Applies Discord's intent rules to a dispatch; `false` means Discord would not send it.
fn apply_intents(intents: u64, event: &str, payload: &mut Value) -> bool {
    if !event.starts_with("MESSAGE_")
        || event.starts_with("MESSAGE_REACTION")
        || event.starts_with("MESSAGE_POLL")
    {
        return true;
    }
    let in_guild = payload.get("guild_id").is_some_and(|g| !g.is_null());
    let needed = if in_guild {
        intents::GUILD_MESSAGES
    } else {
        intents::DIRECT_MESSAGES
    };
    if intents & needed == 0 {
        eprintln!(
            "[discord double] not delivering {event}: the bot did not ask for the intent it needs"
        );
        return false;
    }
    let bot = BOT_USER_ID.to_string();
    let from_bot = payload["author"]["id"] == bot;
    let mentions_bot = payload["mentions"]
        .as_array()
        .is_some_and(|m| m.iter().any(|u| u["id"] == bot));
    if in_guild && intents & intents::MESSAGE_CONTENT == 0 && !from_bot && !mentions_bot {
        for (field, empty) in [
            ("content", json!("")),
            ("embeds", json!([])),
            ("attachments", json!([])),
            ("components", json!([])),
        ] {
            if payload.get(field).is_some() {
                payload[field] = empty;
            }
        }
        if let Some(map) = payload.as_object_mut() {
            map.remove("poll");
        }
    }
    true
}

/// Sends a dispatch on connection `idx` (which must have a session); records what must be.
fn deliver(st: &mut State, idx: usize, event: &str, mut payload: Value) -> Option<u64> {
    let sid = st.conns[idx].session.clone()?;
    let intents = st.sessions.get(&sid)?.intents;
    if !apply_intents(intents, event, &mut payload) {
        return None;
    }
    if event == "INTERACTION_CREATE"
        && let Some(id) = payload["id"].as_str().and_then(|s| s.parse::<u64>().ok())
    {
        let user = if payload["member"]["user"].is_object() {
            payload["member"]["user"].clone()
        } else {
            payload["user"].clone()
        };
        st.interactions.insert(
            id,
            Interaction {
                token: payload["token"].as_str().unwrap_or_default().to_owned(),
                kind: payload["type"].as_u64().unwrap_or(0),
                dispatched_at: Instant::now(),
                acked: false,
                message_id: payload["message"]["id"]
                    .as_str()
                    .and_then(|s| s.parse().ok()),
                name: payload["data"]["name"].as_str().map(str::to_owned),
                user,
                channel_id: payload["channel_id"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(CHANNEL_ID),
            },
        );
    }
    if event == "MESSAGE_CREATE" && !st.messages.iter().any(|m| m["id"] == payload["id"]) {
        let mut stored = payload.clone();
        if let Some(map) = stored.as_object_mut() {
            map.remove("member");
            map.remove("nonce");
        }
        st.messages.push(stored);
    }
    let session = st.sessions.get_mut(&sid)?;
    session.seq += 1;
    let seq = session.seq;
    let frame = json!({"op": 0, "t": event, "s": seq, "d": payload}).to_string();
    session.history.push((seq, frame.clone()));
    st.dispatched.push((event.to_owned(), payload));
    let _ = st.conns[idx].tx.send(Out::Text(frame, false));
    Some(seq)
}

// tungstenite's handshake callback type is what it is.
#[allow(clippy::result_large_err)]
async fn gateway_connection(inner: Arc<Inner>, stream: TcpStream) {
    let mut uri = String::new();
    let callback = |req: &Request, resp: WsResponse| -> Result<WsResponse, ErrorResponse> {
        uri = req.uri().to_string();
        Ok(resp)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Out>();
    let conn_id = {
        let mut st = inner.lock();
        st.connection_uris.push(uri);
        let id = st.connection_uris.len();
        st.conns.push(Conn {
            id,
            tx: tx.clone(),
            alive: true,
            ready: false,
            session: None,
        });
        id
    };
    inner.bump();
    let hello = json!({
        "op": 10,
        "d": {
            "heartbeat_interval": inner.heartbeat_interval_ms.load(Ordering::SeqCst),
            "_trace": ["[\"gateway-double\"]"],
        },
        "s": null,
        "t": null,
    });
    if sink.send(WsMessage::Text(hello.to_string())).await.is_ok() {
        loop {
            tokio::select! {
                incoming = source.next() => match incoming {
                    Some(Ok(WsMessage::Text(text))) => on_client_frame(&inner, conn_id, &text),
                    Some(Ok(WsMessage::Binary(bytes))) => {
                        on_client_frame(&inner, conn_id, &String::from_utf8_lossy(&bytes));
                    }
                    Some(Ok(WsMessage::Close(frame))) => {
                        let raw = match frame {
                            Some(f) => format!("close {} {}", u16::from(f.code), f.reason),
                            None => "close".to_owned(),
                        };
                        record_frame(&inner, conn_id, None, Value::Null, raw);
                        let _ = sink.close().await;
                        break;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => break,
                },
                out = rx.recv() => match out {
                    Some(Out::Text(text, marks_ready)) => {
                        if sink.send(WsMessage::Text(text)).await.is_err() {
                            break;
                        }
                        if marks_ready {
                            let mut st = inner.lock();
                            if let Some(c) = st.conns.iter_mut().find(|c| c.id == conn_id) {
                                c.ready = true;
                            }
                            drop(st);
                            inner.bump();
                        }
                    }
                    Some(Out::Close(code, reason)) => {
                        {
                            let mut st = inner.lock();
                            if let Some(c) = st.conns.iter_mut().find(|c| c.id == conn_id) {
                                c.ready = false;
                            }
                        }
                        let frame = CloseFrame {
                            code: CloseCode::from(code),
                            reason: Cow::Owned(reason),
                        };
                        let _ = sink.send(WsMessage::Close(Some(frame))).await;
                        // Let the client read the close frame and answer it before dropping TCP.
                        let _ = tokio::time::timeout(Duration::from_secs(3), async {
                            while let Some(Ok(_)) = source.next().await {}
                        })
                        .await;
                        break;
                    }
                    None => break,
                },
            }
        }
    }
    {
        let mut st = inner.lock();
        if let Some(c) = st.conns.iter_mut().find(|c| c.id == conn_id) {
            c.alive = false;
            c.ready = false;
        }
    }
    inner.bump();
}

fn record_frame(inner: &Inner, connection: usize, op: Option<u64>, d: Value, raw: String) {
    inner.lock().frames.push(GatewayFrame {
        connection,
        op,
        d,
        raw,
        received_at: Instant::now(),
    });
    inner.bump();
}

fn on_client_frame(inner: &Inner, conn_id: usize, text: &str) {
    let frame: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let op = frame["op"].as_u64();
    record_frame(inner, conn_id, op, frame["d"].clone(), text.to_owned());
    let mut st = inner.lock();
    let Some(idx) = st.conns.iter().position(|c| c.id == conn_id) else {
        return;
    };
    let tx = st.conns[idx].tx.clone();
    match op {
        Some(1) if inner.heartbeat_ack.load(Ordering::SeqCst) => {
            let _ = tx.send(Out::Text(
                json!({"op": 11, "d": null, "s": null, "t": null}).to_string(),
                false,
            ));
        }
        Some(2) => {
            let d = frame["d"].clone();
            let shard = (
                d["shard"][0].as_u64().unwrap_or(0),
                d["shard"][1].as_u64().unwrap_or(1).max(1),
            );
            let intents = d["intents"].as_u64().unwrap_or(0);
            st.identifies.push(d);
            let session_id = format!("{:032x}", snowflake() as u128 * 0x9E37_79B9_7F4A_7C15);
            st.sessions.insert(
                session_id.clone(),
                Session {
                    seq: 0,
                    shard,
                    intents,
                    history: Vec::new(),
                    valid: true,
                },
            );
            st.conns[idx].session = Some(session_id.clone());
            let has_guild = owns_guild(shard);
            let send = |st: &mut State, event: &str, payload: Value, marks_ready: bool| {
                let session = st.sessions.get_mut(&session_id).expect("session just made");
                session.seq += 1;
                let frame =
                    json!({"op": 0, "t": event, "s": session.seq, "d": payload}).to_string();
                session.history.push((session.seq, frame.clone()));
                st.dispatched.push((event.to_owned(), payload));
                let _ = tx.send(Out::Text(frame, marks_ready));
            };
            send(
                &mut st,
                "READY",
                ready_json(&inner.ws_url, &session_id, shard, has_guild),
                !has_guild,
            );
            if has_guild {
                let all_members = intents & intents::GUILD_MEMBERS != 0;
                send(&mut st, "GUILD_CREATE", guild_json(all_members), true);
            }
        }
        Some(6) => {
            let sid = frame["d"]["session_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let their_seq = frame["d"]["seq"].as_u64().unwrap_or(0);
            match st.sessions.get_mut(&sid) {
                Some(session) if session.valid => {
                    for (seq, old) in &session.history {
                        if *seq > their_seq {
                            let _ = tx.send(Out::Text(old.clone(), false));
                        }
                    }
                    session.seq += 1;
                    let resumed = json!({
                        "op": 0,
                        "t": "RESUMED",
                        "s": session.seq,
                        "d": {"_trace": ["[\"gateway-double\"]"]},
                    });
                    session.history.push((session.seq, resumed.to_string()));
                    let _ = tx.send(Out::Text(resumed.to_string(), true));
                    for other in st
                        .conns
                        .iter_mut()
                        .filter(|c| c.session.as_deref() == Some(sid.as_str()))
                    {
                        other.ready = false;
                    }
                    st.conns[idx].session = Some(sid);
                }
                _ => {
                    let _ = tx.send(Out::Text(
                        json!({"op": 9, "d": false, "s": null, "t": null}).to_string(),
                        false,
                    ));
                }
            }
        }
        _ => {}
    }
}

/// Echoes a message the bot created/edited/deleted over HTTP back over the gateway.
fn echo(inner: &Inner, st: &mut State, event: &str, message: &Value) {
    if !inner.echo_messages.load(Ordering::SeqCst)
        || message["flags"].as_u64().unwrap_or(0) & 64 != 0
    {
        return;
    }
    let Some(idx) = target_conn(st) else {
        return;
    };
    let in_guild = id_of(&message["channel_id"]) == Some(CHANNEL_ID);
    let payload = if event == "MESSAGE_DELETE" {
        let mut p = json!({"id": message["id"], "channel_id": message["channel_id"]});
        if in_guild {
            p["guild_id"] = json!(GUILD_ID.to_string());
        }
        p
    } else {
        let mut p = message.clone();
        if in_guild {
            p["guild_id"] = json!(GUILD_ID.to_string());
            p["member"] = TestUser::bot().partial_member_json();
        }
        p
    };
    if let Err(why) = check_event(event, &payload) {
        eprintln!("[discord double] echoed {event} would not deserialize in serenity: {why}");
    }
    deliver(st, idx, event, payload);
}

// ---------------------------------------------------------------------------------------------
// HTTP.
// ---------------------------------------------------------------------------------------------

struct Reply {
    status: u16,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }
    fn ok(body: Value) -> Reply {
        Reply::json(200, body)
    }
    fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }
    fn error(status: u16, code: u64, message: &str) -> Reply {
        Reply::json(status, json!({"message": message, "code": code}))
    }
    fn not_found() -> Reply {
        Reply::error(404, 0, "404: Not Found")
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn handle_http(
    AxumState(inner): AxumState<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = header_str(&headers, header::CONTENT_TYPE);
    let parts = match &content_type {
        Some(ct) if ct.starts_with("multipart/form-data") => parse_multipart(ct, &body),
        _ => Vec::new(),
    };
    let json_body = match parts.iter().find(|p| p.name == "payload_json") {
        Some(p) => serde_json::from_slice(&p.data).unwrap_or(Value::Null),
        None => serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let mut record = Recorded {
        index: 0,
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        authorization: header_str(&headers, header::AUTHORIZATION),
        content_type,
        body: json_body,
        raw_body: body.to_vec(),
        parts,
        status: 0,
        response: Value::Null,
        received_at: Instant::now(),
    };

    let fault = {
        let mut st = inner.lock();
        let rule = st.faults.iter_mut().find(|f| {
            f.remaining > 0
                && (f.method.is_empty() || f.method.eq_ignore_ascii_case(method.as_str()))
                && record.path.contains(&f.path_contains)
        });
        rule.map(|r| {
            r.remaining -= 1;
            r.fault.clone()
        })
    };
    let reply = match fault {
        Some(Fault::Hang) => {
            {
                let mut st = inner.lock();
                record.index = st.requests.len();
                st.requests.push(record.clone());
            }
            inner.bump();
            std::future::pending::<Reply>().await
        }
        Some(Fault::Status(status)) => {
            let message = format!("{status}: injected by the Discord double");
            Reply::error(status, 0, &message)
        }
        Some(Fault::RateLimited {
            retry_after,
            global,
        }) => {
            let mut reply = Reply::json(
                429,
                json!({
                    "message": "You are being rate limited.",
                    "retry_after": retry_after,
                    "global": global,
                }),
            );
            reply.headers = vec![
                ("retry-after", format!("{}", retry_after.ceil() as u64)),
                ("x-ratelimit-limit", "5".into()),
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset-after", format!("{retry_after:.3}")),
                ("x-ratelimit-bucket", "double-bucket".into()),
                (
                    "x-ratelimit-scope",
                    if global { "global" } else { "user" }.into(),
                ),
            ];
            if global {
                reply.headers.push(("x-ratelimit-global", "true".into()));
            }
            reply
        }
        None => {
            let mut st = inner.lock();
            route(&inner, &mut st, &record)
        }
    };

    record.status = reply.status;
    record.response = reply.body.clone().unwrap_or(Value::Null);
    {
        let mut st = inner.lock();
        record.index = st.requests.len();
        st.requests.push(record);
    }
    inner.bump();

    let mut builder = Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        builder = builder.header(*name, value);
    }
    let body = match reply.body {
        Some(v) => {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    builder.body(body).expect("valid response")
}

fn parse_id(s: &str) -> Option<u64> {
    s.parse().ok()
}

/// A snowflake written as a string (as Discord does) or a number.
fn id_of(v: &Value) -> Option<u64> {
    v.as_str().and_then(parse_id).or_else(|| v.as_u64())
}

fn route(inner: &Inner, st: &mut State, req: &Recorded) -> Reply {
    let Some(rest) = req.path.strip_prefix("/api/v10/") else {
        return Reply::not_found();
    };
    let segs: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let body = &req.body;
    let app = APPLICATION_ID.to_string();
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", ["gateway"]) => Reply::ok(json!({"url": inner.ws_url})),
        ("GET", ["gateway", "bot"]) => Reply::ok(json!({
            "url": inner.ws_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14_400_000,
                "max_concurrency": 1,
            },
        })),
        ("GET", ["oauth2", "applications", "@me"]) => Reply::ok(application_json()),
        ("GET", ["users", "@me"]) => Reply::ok(bot_current_user_json()),
        ("GET", ["users", id]) => match known_user(parse_id(id)) {
            Some(u) => Reply::ok(u.user_json()),
            None => Reply::error(404, 10013, "Unknown User"),
        },
        ("POST", ["users", "@me", "channels"]) => {
            let Some(user) = known_user(body["recipient_id"].as_str().and_then(parse_id)) else {
                return Reply::error(400, 50035, "Invalid Form Body");
            };
            let channel_id = match st.dm_channels.iter().find(|(_, u)| **u == user.id) {
                Some((c, _)) => *c,
                None => {
                    let c = snowflake();
                    st.dm_channels.insert(c, user.id);
                    c
                }
            };
            Reply::ok(json!({
                "id": channel_id.to_string(), "type": 1, "last_message_id": null, "flags": 0,
                "recipients": [user.user_json()],
            }))
        }
        (_, ["applications", a, ..]) if *a != app => Reply::error(403, 50001, "Missing Access"),
        ("PUT", ["applications", _, "commands"]) => {
            put_commands(body, None, &mut st.global_commands)
        }
        ("PUT", ["applications", _, "guilds", g, "commands"]) => {
            let Some(guild) = parse_id(g).filter(|g| *g == GUILD_ID) else {
                return Reply::error(403, 50001, "Missing Access");
            };
            put_commands(
                body,
                Some(guild),
                st.guild_commands.entry(guild).or_default(),
            )
        }
        ("GET", ["applications", _, "commands"]) => Reply::ok(json!(st.global_commands)),
        ("GET", ["applications", _, "guilds", g, "commands"]) => {
            match parse_id(g).filter(|g| *g == GUILD_ID) {
                Some(guild) => Reply::ok(json!(
                    st.guild_commands.get(&guild).cloned().unwrap_or_default()
                )),
                None => Reply::error(403, 50001, "Missing Access"),
            }
        }
        ("DELETE", ["applications", _, "commands", c]) => {
            delete_command(parse_id(c), &mut st.global_commands)
        }
        ("DELETE", ["applications", _, "guilds", g, "commands", c]) => {
            match parse_id(g).filter(|g| *g == GUILD_ID) {
                Some(guild) => {
                    delete_command(parse_id(c), st.guild_commands.entry(guild).or_default())
                }
                None => Reply::error(403, 50001, "Missing Access"),
            }
        }
        ("POST", ["applications", _, "commands"]) => {
            upsert_command(body, None, &mut st.global_commands)
        }
        ("POST", ["applications", _, "guilds", g, "commands"]) => {
            match parse_id(g).filter(|g| *g == GUILD_ID) {
                Some(guild) => upsert_command(
                    body,
                    Some(guild),
                    st.guild_commands.entry(guild).or_default(),
                ),
                None => Reply::error(403, 50001, "Missing Access"),
            }
        }
        ("POST", ["interactions", id, token, "callback"]) => {
            callback(inner, st, req, parse_id(id), token)
        }
        (method, ["webhooks", a, token, rest @ ..]) => {
            if *a != app {
                return Reply::error(404, 10015, "Unknown Webhook");
            }
            webhook(inner, st, req, method, token, rest)
        }
        ("GET", ["channels", ch]) => match parse_id(ch) {
            Some(CHANNEL_ID) => Reply::ok(channel_json()),
            Some(CATEGORY_ID) => Reply::ok(category_json()),
            Some(c) if st.dm_channels.contains_key(&c) => {
                let user = known_user(st.dm_channels.get(&c).copied()).expect("known DM user");
                Reply::ok(json!({
                    "id": c.to_string(),
                    "type": 1,
                    "last_message_id": null,
                    "flags": 0,
                    "recipients": [user.user_json()],
                }))
            }
            _ => Reply::error(404, 10003, "Unknown Channel"),
        },
        ("POST", ["channels", ch, "messages"]) => {
            let Some(channel) =
                parse_id(ch).filter(|c| *c == CHANNEL_ID || st.dm_channels.contains_key(c))
            else {
                return Reply::error(404, 10003, "Unknown Channel");
            };
            if let Err(e) = validate_message(body, !req.parts.is_empty(), true) {
                return e;
            }
            let message = build_message(inner, st, channel, body, &req.parts, None, false);
            st.messages.push(message.clone());
            echo(inner, st, "MESSAGE_CREATE", &message);
            Reply::ok(message)
        }
        (method, ["channels", ch, "messages", mid]) => {
            let (Some(channel), Some(mid)) = (parse_id(ch), parse_id(mid)) else {
                return Reply::error(404, 10008, "Unknown Message");
            };
            let exists = st
                .messages
                .iter()
                .any(|m| id_of(&m["id"]) == Some(mid) && id_of(&m["channel_id"]) == Some(channel));
            if !exists {
                return Reply::error(404, 10008, "Unknown Message");
            }
            match method {
                "GET" => Reply::ok(find_message(st, mid).cloned().unwrap_or_default()),
                "PATCH" => edit_message(inner, st, mid, req),
                "DELETE" => delete_message(inner, st, mid),
                _ => Reply::error(405, 0, "405: Method Not Allowed"),
            }
        }
        ("POST", ["channels", _, "typing"]) => Reply::no_content(),
        ("PUT" | "DELETE", ["channels", _, "messages", _, "reactions", _, "@me"]) => {
            Reply::no_content()
        }
        ("GET", ["guilds", g, "members", u]) => match (parse_id(g), known_user(parse_id(u))) {
            (Some(GUILD_ID), Some(user)) => {
                let mut member = user.member_json();
                member["guild_id"] = json!(GUILD_ID.to_string());
                Reply::ok(member)
            }
            (Some(GUILD_ID), None) => Reply::error(404, 10007, "Unknown Member"),
            _ => Reply::error(404, 10004, "Unknown Guild"),
        },
        _ => Reply::not_found(),
    }
}

fn known_user(id: Option<u64>) -> Option<TestUser> {
    [TestUser::bot(), TestUser::member(), TestUser::admin()]
        .into_iter()
        .find(|u| Some(u.id) == id)
}

fn find_message(st: &State, id: u64) -> Option<&Value> {
    let id = id.to_string();
    st.messages.iter().find(|m| m["id"] == id)
}

fn find_message_mut(st: &mut State, id: u64) -> Option<&mut Value> {
    let id = id.to_string();
    st.messages.iter_mut().find(|m| m["id"] == id)
}

fn callback(inner: &Inner, st: &mut State, req: &Recorded, id: Option<u64>, token: &str) -> Reply {
    let deadline = Duration::from_millis(inner.interaction_deadline_ms.load(Ordering::SeqCst));
    let Some(interaction) = id
        .and_then(|id| st.interactions.get(&id))
        .filter(|i| i.token == token)
    else {
        return Reply::error(404, 10062, "Unknown interaction");
    };
    if interaction.dispatched_at.elapsed() > deadline {
        return Reply::error(404, 10062, "Unknown interaction");
    }
    if interaction.acked {
        return Reply::error(400, 40060, "Interaction has already been acknowledged.");
    }
    let kind = interaction.kind;
    let body = &req.body;
    let Some(response_type) = body["type"].as_u64() else {
        return form_error(vec![(
            "type",
            "BASE_TYPE_REQUIRED",
            "This field is required".into(),
        )]);
    };
    let allowed = match kind {
        4 => response_type == 8,
        3 | 5 => matches!(response_type, 4 | 5 | 6 | 7 | 9),
        2 => matches!(response_type, 4 | 5 | 9),
        _ => response_type == 1,
    };
    if !allowed {
        return form_error(vec![(
            "type",
            "INTERACTION_RESPONSE_TYPE_INVALID",
            format!(
                "Interaction response type {response_type} is invalid for an interaction of type {kind}"
            ),
        )]);
    }
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let id = id.expect("checked above");
    match response_type {
        4 => {
            if let Err(e) = validate_message(&data, !req.parts.is_empty(), true) {
                return e;
            }
            let message = build_message(inner, st, CHANNEL_ID, &data, &req.parts, Some(id), false);
            st.originals.insert(
                token.to_owned(),
                message["id"].as_str().and_then(parse_id).unwrap_or(0),
            );
            st.messages.push(message.clone());
            echo(inner, st, "MESSAGE_CREATE", &message);
        }
        5 => {
            let mut placeholder = data.clone();
            let flags = placeholder["flags"].as_u64().unwrap_or(0) | 128;
            if !placeholder.is_object() {
                placeholder = json!({});
            }
            placeholder["flags"] = json!(flags);
            let message = build_message(inner, st, CHANNEL_ID, &placeholder, &[], Some(id), false);
            st.originals.insert(
                token.to_owned(),
                message["id"].as_str().and_then(parse_id).unwrap_or(0),
            );
            st.messages.push(message);
        }
        7 => {
            if let Err(e) = validate_message(&data, !req.parts.is_empty(), false) {
                return e;
            }
            let target = st.interactions.get(&id).and_then(|i| i.message_id);
            if let Some(mid) = target
                && find_message(st, mid).is_some()
            {
                let updated = merge_edit(inner, st, mid, &data, &req.parts);
                if let Err(e) = updated {
                    return e;
                }
            }
        }
        8 => {
            let choices = data["choices"].as_array().cloned().unwrap_or_default();
            let mut errors = Vec::new();
            if choices.len() > 25 {
                errors.push((
                    "data.choices".to_owned(),
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 25 or fewer in length.".to_owned(),
                ));
            }
            for (i, choice) in choices.iter().enumerate() {
                let name = choice["name"].as_str().unwrap_or_default().chars().count();
                if !(1..=100).contains(&name) {
                    errors.push((
                        format!("data.choices.{i}.name"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 100 in length.".to_owned(),
                    ));
                }
                if let Some(v) = choice["value"].as_str()
                    && v.chars().count() > 100
                {
                    errors.push((
                        format!("data.choices.{i}.value"),
                        "BASE_TYPE_MAX_LENGTH",
                        "Must be 100 or fewer in length.".to_owned(),
                    ));
                }
            }
            if !errors.is_empty() {
                return form_error_owned(errors);
            }
        }
        _ => {}
    }
    if let Some(i) = st.interactions.get_mut(&id) {
        i.acked = true;
    }
    Reply::no_content()
}

fn webhook(
    inner: &Inner,
    st: &mut State,
    req: &Recorded,
    method: &str,
    token: &str,
    rest: &[&str],
) -> Reply {
    let lifetime = Duration::from_millis(inner.token_lifetime_ms.load(Ordering::SeqCst));
    let Some((&id, acked)) = st
        .interactions
        .iter()
        .find(|(_, i)| i.token == token && i.dispatched_at.elapsed() <= lifetime)
        .map(|(id, i)| (id, i.acked))
    else {
        return Reply::error(401, 50027, "Invalid Webhook Token");
    };
    if !acked {
        return Reply::error(404, 10015, "Unknown Webhook");
    }
    match (method, rest) {
        ("POST", []) => {
            if let Err(e) = validate_message(&req.body, !req.parts.is_empty(), true) {
                return e;
            }
            let message =
                build_message(inner, st, CHANNEL_ID, &req.body, &req.parts, Some(id), true);
            st.messages.push(message.clone());
            echo(inner, st, "MESSAGE_CREATE", &message);
            Reply::ok(message)
        }
        (_, ["messages", which]) => {
            let mid = if *which == "@original" {
                st.originals.get(token).copied()
            } else {
                parse_id(which)
            };
            let Some(mid) = mid.filter(|m| find_message(st, *m).is_some()) else {
                return Reply::error(404, 10008, "Unknown Message");
            };
            match method {
                "GET" => Reply::ok(find_message(st, mid).cloned().unwrap_or_default()),
                "PATCH" => edit_message(inner, st, mid, req),
                "DELETE" => {
                    let reply = delete_message(inner, st, mid);
                    st.originals.retain(|_, m| *m != mid);
                    reply
                }
                _ => Reply::error(405, 0, "405: Method Not Allowed"),
            }
        }
        _ => Reply::not_found(),
    }
}

fn edit_message(inner: &Inner, st: &mut State, mid: u64, req: &Recorded) -> Reply {
    if let Err(e) = validate_message(&req.body, !req.parts.is_empty(), false) {
        return e;
    }
    match merge_edit(inner, st, mid, &req.body, &req.parts) {
        Ok(message) => Reply::ok(message),
        Err(e) => e,
    }
}

fn delete_message(inner: &Inner, st: &mut State, mid: u64) -> Reply {
    let Some(pos) = st
        .messages
        .iter()
        .position(|m| id_of(&m["id"]) == Some(mid))
    else {
        return Reply::error(404, 10008, "Unknown Message");
    };
    let message = st.messages.remove(pos);
    echo(inner, st, "MESSAGE_DELETE", &message);
    Reply::no_content()
}

/// Applies an edit body to a stored message; returns the new version.
fn merge_edit(
    inner: &Inner,
    st: &mut State,
    mid: u64,
    body: &Value,
    parts: &[MultipartPart],
) -> Result<Value, Reply> {
    let http_url = inner.http_url.clone();
    let message =
        find_message_mut(st, mid).ok_or_else(|| Reply::error(404, 10008, "Unknown Message"))?;
    let mut updated = message.clone();
    if let Some(content) = body.get("content") {
        updated["content"] = json!(content.as_str().unwrap_or_default());
    }
    if let Some(embeds) = body.get("embeds") {
        updated["embeds"] = normalize_embeds(embeds);
    }
    if let Some(components) = body.get("components") {
        updated["components"] = if components.is_null() {
            json!([])
        } else {
            components.clone()
        };
    }
    let flags = updated["flags"].as_u64().unwrap_or(0) & !128;
    updated["flags"] = json!(match body.get("flags").and_then(Value::as_u64) {
        Some(new) => (flags & 64) | (new & !64),
        None => flags,
    });
    if body.get("attachments").is_some() || !parts.is_empty() {
        let keep: Vec<String> = body["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["id"].as_str().map(str::to_owned))
            .collect();
        let mut attachments: Vec<Value> = updated["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| {
                a["id"]
                    .as_str()
                    .is_some_and(|id| keep.iter().any(|k| k == id))
            })
            .cloned()
            .collect();
        attachments.extend(new_attachments(&http_url, body, parts));
        updated["attachments"] = json!(attachments);
    }
    updated["edited_timestamp"] = json!(timestamp_now());
    if is_empty_message(&updated) {
        return Err(Reply::error(400, 50006, "Cannot send an empty message"));
    }
    *message = updated.clone();
    echo(inner, st, "MESSAGE_UPDATE", &updated);
    Ok(updated)
}

fn is_empty_message(m: &Value) -> bool {
    let empty = |k: &str| m[k].as_array().is_none_or(Vec::is_empty);
    m["content"].as_str().unwrap_or_default().is_empty()
        && empty("embeds")
        && empty("attachments")
        && empty("components")
        && empty("sticker_ids")
        && m.get("poll").is_none_or(Value::is_null)
}

fn normalize_embeds(embeds: &Value) -> Value {
    let list = embeds.as_array().cloned().unwrap_or_default();
    Value::Array(
        list.into_iter()
            .map(|mut e| {
                if e.get("type").is_none() {
                    e["type"] = json!("rich");
                }
                if let Some(fields) = e.get_mut("fields").and_then(Value::as_array_mut) {
                    for f in fields {
                        if f.get("inline").is_none() {
                            f["inline"] = json!(false);
                        }
                    }
                }
                e
            })
            .collect(),
    )
}

fn new_attachments(http_url: &str, body: &Value, parts: &[MultipartPart]) -> Vec<Value> {
    let described: Vec<&Value> = body["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let mut out = Vec::new();
    for part in parts.iter().filter(|p| p.name.starts_with("files[")) {
        let index = part.name.trim_start_matches("files[").trim_end_matches(']');
        let described = described.iter().find(|a| {
            a["id"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| a["id"].as_u64().map(|n| n.to_string()))
                .as_deref()
                == Some(index)
        });
        let filename = described
            .and_then(|a| a["filename"].as_str().map(str::to_owned))
            .or_else(|| part.filename.clone())
            .unwrap_or_else(|| "file".to_owned());
        let id = snowflake();
        let url = format!("{http_url}/attachments/{CHANNEL_ID}/{id}/{filename}");
        out.push(json!({
            "id": id.to_string(),
            "filename": filename,
            "description": described.and_then(|a| a.get("description").cloned()),
            "content_type": part.content_type,
            "size": part.data.len(),
            "url": url,
            "proxy_url": url,
        }));
    }
    out
}

/// Builds the message object Discord would create for a bot message.
fn build_message(
    inner: &Inner,
    st: &State,
    channel_id: u64,
    body: &Value,
    parts: &[MultipartPart],
    interaction: Option<u64>,
    followup: bool,
) -> Value {
    let mut message = json!({
        "id": snowflake().to_string(),
        "channel_id": channel_id.to_string(),
        "author": TestUser::bot().user_json(),
        "content": body["content"].as_str().unwrap_or_default(),
        "timestamp": timestamp_now(),
        "edited_timestamp": null,
        "tts": body["tts"].as_bool().unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": new_attachments(&inner.http_url, body, parts),
        "embeds": normalize_embeds(&body["embeds"]),
        "components": body.get("components").filter(|c| !c.is_null()).cloned().unwrap_or(json!([])),
        "pinned": false,
        "type": 0,
        "flags": body["flags"].as_u64().unwrap_or(0),
    });
    if let Some(reference) = body.get("message_reference").filter(|r| r.is_object()) {
        let mut reference = reference.clone();
        if reference.get("channel_id").is_none_or(Value::is_null) {
            reference["channel_id"] = json!(channel_id.to_string());
        }
        if channel_id == CHANNEL_ID {
            reference["guild_id"] = json!(GUILD_ID.to_string());
        }
        let referenced = reference["message_id"]
            .as_str()
            .and_then(parse_id)
            .and_then(|id| find_message(st, id))
            .cloned();
        message["type"] = json!(19);
        message["message_reference"] = reference;
        message["referenced_message"] = referenced.unwrap_or(Value::Null);
    }
    if let Some(id) = interaction
        && let Some(i) = st.interactions.get(&id)
    {
        message["webhook_id"] = json!(APPLICATION_ID.to_string());
        message["application_id"] = json!(APPLICATION_ID.to_string());
        message["channel_id"] = json!(i.channel_id.to_string());
        let mut metadata = json!({
            "id": id.to_string(),
            "type": i.kind,
            "user": i.user,
            "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
        });
        if let Some(name) = &i.name {
            metadata["name"] = json!(name);
        }
        if let Some(mid) = i.message_id {
            metadata["interacted_message_id"] = json!(mid.to_string());
        }
        if followup {
            if let Some(original) = st.originals.get(&i.token) {
                metadata["original_response_message_id"] = json!(original.to_string());
            }
        } else if i.kind == 2 {
            message["type"] = json!(20);
        }
        message["interaction_metadata"] = metadata;
        let mut legacy = json!({"id": id.to_string(), "type": i.kind, "user": i.user});
        legacy["name"] = json!(i.name.clone().unwrap_or_default());
        message["interaction"] = legacy;
    }
    message
}

fn form_error(errors: Vec<(&str, &'static str, String)>) -> Reply {
    form_error_owned(
        errors
            .into_iter()
            .map(|(p, c, m)| (p.to_owned(), c, m))
            .collect(),
    )
}

/// `(dotted path, Discord error code, message)` items of an "Invalid Form Body" error.
type FormErrors = Vec<(String, &'static str, String)>;

/// Discord's 400 "Invalid Form Body" (code 50035) with nested `errors`.
fn form_error_owned(errors: FormErrors) -> Reply {
    let mut root = Map::new();
    for (path, code, message) in errors {
        let mut node = &mut root;
        for part in path.split('.') {
            node = node
                .entry(part)
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("object");
        }
        node.entry("_errors")
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .expect("array")
            .push(json!({"code": code, "message": message}));
    }
    Reply::json(
        400,
        json!({"message": "Invalid Form Body", "code": 50035, "errors": root}),
    )
}

/// Discord's limits for a message body (create or edit).
fn validate_message(body: &Value, has_files: bool, creating: bool) -> Result<(), Reply> {
    let mut errors: FormErrors = Vec::new();
    let len = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let max = |errors: &mut FormErrors, path: String, v: &Value, limit: usize| {
        if len(v) > limit {
            errors.push((
                path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {limit} or fewer in length."),
            ));
        }
    };
    max(&mut errors, "content".into(), &body["content"], 2000);
    let embeds = body["embeds"].as_array().cloned().unwrap_or_default();
    if embeds.len() > 10 {
        errors.push((
            "embeds".into(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 10 or fewer in length.".into(),
        ));
    }
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        max(&mut errors, format!("embeds.{i}.title"), &e["title"], 256);
        max(
            &mut errors,
            format!("embeds.{i}.description"),
            &e["description"],
            4096,
        );
        max(
            &mut errors,
            format!("embeds.{i}.footer.text"),
            &e["footer"]["text"],
            2048,
        );
        max(
            &mut errors,
            format!("embeds.{i}.author.name"),
            &e["author"]["name"],
            256,
        );
        total += len(&e["title"])
            + len(&e["description"])
            + len(&e["footer"]["text"])
            + len(&e["author"]["name"]);
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        if fields.len() > 25 {
            errors.push((
                format!("embeds.{i}.fields"),
                "BASE_TYPE_MAX_LENGTH",
                "Must be 25 or fewer in length.".into(),
            ));
        }
        for (j, f) in fields.iter().enumerate() {
            for (key, limit) in [("name", 256), ("value", 1024)] {
                if len(&f[key]) == 0 {
                    errors.push((
                        format!("embeds.{i}.fields.{j}.{key}"),
                        "BASE_TYPE_REQUIRED",
                        "This field is required".into(),
                    ));
                }
                max(
                    &mut errors,
                    format!("embeds.{i}.fields.{j}.{key}"),
                    &f[key],
                    limit,
                );
            }
            total += len(&f["name"]) + len(&f["value"]);
        }
    }
    if total > 6000 {
        errors.push((
            "embeds".into(),
            "MAX_EMBED_SIZE_EXCEEDED",
            "Embed size exceeds maximum size of 6000".into(),
        ));
    }
    let rows = body["components"].as_array().cloned().unwrap_or_default();
    if rows.len() > 5 {
        errors.push((
            "components".into(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 5 or fewer in length.".into(),
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        let items = row["components"].as_array().cloned().unwrap_or_default();
        if row["type"] != 1 || items.is_empty() || items.len() > 5 {
            errors.push((
                format!("components.{i}"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "An action row needs 1 to 5 components".into(),
            ));
        }
        for (j, c) in items.iter().enumerate() {
            max(
                &mut errors,
                format!("components.{i}.components.{j}.custom_id"),
                &c["custom_id"],
                100,
            );
            max(
                &mut errors,
                format!("components.{i}.components.{j}.label"),
                &c["label"],
                80,
            );
            let is_link = c["style"] == 5;
            if c["type"] == 2 && !is_link && c["style"] != 6 && len(&c["custom_id"]) == 0 {
                errors.push((
                    format!("components.{i}.components.{j}.custom_id"),
                    "BASE_TYPE_REQUIRED",
                    "This field is required".into(),
                ));
            }
            if c["type"] == 2 && is_link && len(&c["url"]) == 0 {
                errors.push((
                    format!("components.{i}.components.{j}.url"),
                    "BASE_TYPE_REQUIRED",
                    "This field is required".into(),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(form_error_owned(errors));
    }
    if creating
        && !has_files
        && is_empty_message(&json!({
            "content": body["content"], "embeds": body["embeds"], "attachments": body["attachments"],
            "components": body["components"], "sticker_ids": body["sticker_ids"], "poll": body["poll"],
        }))
    {
        return Err(Reply::error(400, 50006, "Cannot send an empty message"));
    }
    Ok(())
}

/// Discord's bulk overwrite (`PUT .../commands`): the list replaces the whole stored list, so
/// a command left out is gone; one that keeps its name keeps its id.
fn put_commands(body: &Value, guild: Option<u64>, store: &mut Vec<Value>) -> Reply {
    let Some(list) = body.as_array() else {
        return form_error(vec![("_", "BASE_TYPE_ARRAY", "Must be an array".into())]);
    };
    let mut errors = Vec::new();
    if list.len() > 100 {
        errors.push((
            "_".to_owned(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 100 or fewer in length.".to_owned(),
        ));
    }
    for (i, c) in list.iter().enumerate() {
        errors.extend(validate_command(c, &i.to_string()));
        if list
            .iter()
            .take(i)
            .any(|o| o["name"] == c["name"] && o["type"] == c["type"])
        {
            errors.push((
                format!("{i}.name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique".to_owned(),
            ));
        }
    }
    if !errors.is_empty() {
        return form_error_owned(errors);
    }
    let old = std::mem::take(store);
    for c in list {
        let id = old
            .iter()
            .find(|o| o["name"] == c["name"])
            .map(|o| o["id"].clone());
        store.push(command_object(c, guild, id));
    }
    Reply::ok(json!(store))
}

fn delete_command(id: Option<u64>, store: &mut Vec<Value>) -> Reply {
    match store
        .iter()
        .position(|c| id.is_some() && id_of(&c["id"]) == id)
    {
        Some(at) => {
            store.remove(at);
            Reply::no_content()
        }
        None => Reply::error(404, 10063, "Unknown application command"),
    }
}

fn upsert_command(body: &Value, guild: Option<u64>, store: &mut Vec<Value>) -> Reply {
    let errors = validate_command(body, "");
    if !errors.is_empty() {
        return form_error_owned(errors);
    }
    let existing = store.iter().position(|o| o["name"] == body["name"]);
    let id = existing.map(|i| store[i]["id"].clone());
    let command = command_object(body, guild, id);
    match existing {
        Some(i) => {
            store[i] = command.clone();
            Reply::ok(command)
        }
        None => {
            store.push(command.clone());
            Reply::json(201, command)
        }
    }
}

fn validate_command(c: &Value, at: &str) -> FormErrors {
    let path = |field: &str| {
        if at.is_empty() {
            field.to_owned()
        } else {
            format!("{at}.{field}")
        }
    };
    let mut errors = Vec::new();
    let kind = c["type"].as_u64().unwrap_or(1);
    let name = c["name"].as_str().unwrap_or_default();
    let valid_name = |n: &str| {
        (1..=32).contains(&n.chars().count())
            && n.chars()
                .all(|ch| ch == '-' || ch == '_' || ch.is_alphanumeric())
            && n.to_lowercase() == n
    };
    if kind == 1 && !valid_name(name) {
        errors.push((
            path("name"),
            "APPLICATION_COMMAND_INVALID_NAME",
            format!("Command name is invalid: {name:?}"),
        ));
    }
    let description = c["description"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .count();
    if kind == 1 && !(1..=100).contains(&description) {
        errors.push((
            path("description"),
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.".to_owned(),
        ));
    }
    fn check_options(options: &Value, at: String, errors: &mut FormErrors) {
        let list = options.as_array().cloned().unwrap_or_default();
        if list.len() > 25 {
            errors.push((
                at.clone(),
                "BASE_TYPE_MAX_LENGTH",
                "Must be 25 or fewer in length.".to_owned(),
            ));
        }
        let mut seen_optional = false;
        for (i, o) in list.iter().enumerate() {
            let name = o["name"].as_str().unwrap_or_default();
            if !(1..=32).contains(&name.chars().count()) || name.to_lowercase() != name {
                errors.push((
                    format!("{at}.{i}.name"),
                    "APPLICATION_COMMAND_INVALID_NAME",
                    format!("Option name is invalid: {name:?}"),
                ));
            }
            if !(1..=100).contains(
                &o["description"]
                    .as_str()
                    .unwrap_or_default()
                    .chars()
                    .count(),
            ) {
                errors.push((
                    format!("{at}.{i}.description"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.".to_owned(),
                ));
            }
            let required = o["required"].as_bool().unwrap_or(false);
            if required && seen_optional {
                errors.push((
                    format!("{at}.{i}.required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options".to_owned(),
                ));
            }
            seen_optional |= !required;
            if o["choices"].as_array().is_some_and(|c| c.len() > 25) {
                errors.push((
                    format!("{at}.{i}.choices"),
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 25 or fewer in length.".to_owned(),
                ));
            }
            if o.get("options").is_some() {
                check_options(&o["options"], format!("{at}.{i}.options"), errors);
            }
        }
    }
    check_options(&c["options"], path("options"), &mut errors);
    errors
}

fn command_object(c: &Value, guild: Option<u64>, id: Option<Value>) -> Value {
    let mut command = c.clone();
    let defaults = json!({
        "type": 1,
        "description": "",
        "options": [],
        "default_member_permissions": null,
        "dm_permission": true,
        "nsfw": false,
        "integration_types": [0],
        "contexts": null,
        "name_localizations": null,
        "description_localizations": null,
    });
    for (k, v) in defaults.as_object().into_iter().flatten() {
        if command.get(k).is_none() {
            command[k] = v.clone();
        }
    }
    command["id"] = id.unwrap_or_else(|| json!(snowflake().to_string()));
    command["application_id"] = json!(APPLICATION_ID.to_string());
    command["version"] = json!(snowflake().to_string());
    if let Some(g) = guild {
        command["guild_id"] = json!(g.to_string());
    }
    command
}

fn find_bytes(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// A small `multipart/form-data` parser (axum's `multipart` feature is not enabled).
fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<MultipartPart> {
    let Some(boundary) = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .next()
    else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut pos = match find_bytes(body, &delimiter, 0) {
        Some(p) => p + delimiter.len(),
        None => return parts,
    };
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        let start = pos
            + if body[pos..].starts_with(b"\r\n") {
                2
            } else {
                0
            };
        let Some(next) = find_bytes(body, &delimiter, start) else {
            break;
        };
        let chunk = &body[start..next];
        let chunk = chunk.strip_suffix(b"\r\n").unwrap_or(chunk);
        if let Some(split) = find_bytes(chunk, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&chunk[..split]).to_string();
            let data = chunk[split + 4..].to_vec();
            let mut part = MultipartPart {
                name: String::new(),
                filename: None,
                content_type: None,
                data,
            };
            for line in head.lines() {
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("content-disposition:") {
                    for attr in line.split(';').skip(1) {
                        let attr = attr.trim();
                        if let Some(v) = attr.strip_prefix("name=") {
                            part.name = v.trim_matches('"').to_owned();
                        } else if let Some(v) = attr.strip_prefix("filename=") {
                            part.filename = Some(v.trim_matches('"').to_owned());
                        }
                    }
                } else if lower.starts_with("content-type:") {
                    part.content_type = Some(line["content-type:".len()..].trim().to_owned());
                }
            }
            parts.push(part);
        }
        pos = next + delimiter.len();
    }
    parts
}
