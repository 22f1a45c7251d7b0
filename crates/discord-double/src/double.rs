//! [`DiscordDouble`]: starting it, and what a test reads from it or changes in it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use poise::serenity_prelude as serenity;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::builders::check_event;
use crate::fixtures::{APPLICATION_ID, BOT_USER_ID, CHANNEL_ID, GUILD_ID, TestUser};
use crate::gateway::{deliver, gateway_connection, live_conn, target_conn};
use crate::http::handle_http;
use crate::objects::id_of;
use crate::record::{Fault, GatewayFrame, Recorded};
use crate::state::{FaultRule, Inner, Out, State, wait_until};

/// The id of the first text channel [`DiscordDouble::add_text_channels`] adds; the next ones
/// follow it. Far below the snowflakes the double makes for messages and DM channels.
const ADDED_CHANNELS_FROM: u64 = 1_180_000_000_001_000_000;

/// The running double. Dropping it stops its servers.
pub struct DiscordDouble {
    pub(crate) inner: Arc<Inner>,
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

    /// Adds `n` text channels to the guild, beside [`CHANNEL_ID`] and in its category, and
    /// returns their ids in order. Each accepts the bot's messages as that one does and is in
    /// the GUILD_CREATE the double sends (with no overwrites: the bot may post there). Add them
    /// before the bot connects: a bot already connected learns of them only at its next
    /// GUILD_CREATE.
    pub fn add_text_channels(&self, n: usize) -> Vec<u64> {
        let mut st = self.inner.lock();
        let first = ADDED_CHANNELS_FROM + st.added_channels.len() as u64;
        let ids: Vec<u64> = (first..first + n as u64).collect();
        st.added_channels.extend(&ids);
        ids
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
}
