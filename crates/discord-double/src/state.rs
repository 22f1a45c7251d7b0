//! The double's internal state, shared by the HTTP and gateway servers behind one mutex.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use crate::fixtures::CHANNEL_ID;
use crate::record::{Fault, GatewayFrame, Recorded};

pub(crate) enum Out {
    /// A text frame; `true` marks the connection ready once it is written.
    Text(String, bool),
    Close(u16, String),
}

pub(crate) struct Conn {
    pub(crate) id: usize,
    pub(crate) tx: mpsc::UnboundedSender<Out>,
    pub(crate) alive: bool,
    pub(crate) ready: bool,
    pub(crate) session: Option<String>,
}

pub(crate) struct Session {
    pub(crate) seq: u64,
    pub(crate) shard: (u64, u64),
    pub(crate) intents: u64,
    /// Dispatch frames sent in this session, replayed on RESUME.
    pub(crate) history: Vec<(u64, String)>,
    pub(crate) valid: bool,
}

pub(crate) struct Interaction {
    pub(crate) token: String,
    pub(crate) kind: u64,
    pub(crate) dispatched_at: Instant,
    pub(crate) acked: bool,
    /// For component interactions: the message the component is on.
    pub(crate) message_id: Option<u64>,
    pub(crate) name: Option<String>,
    pub(crate) user: Value,
    pub(crate) channel_id: u64,
}

pub(crate) struct FaultRule {
    pub(crate) method: String,
    pub(crate) path_contains: String,
    pub(crate) fault: Fault,
    pub(crate) remaining: usize,
}

#[derive(Default)]
pub(crate) struct State {
    pub(crate) requests: Vec<Recorded>,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) interactions: HashMap<u64, Interaction>,
    /// interaction token -> id of the original response message
    pub(crate) originals: HashMap<String, u64>,
    /// Every message known: the bot's (current version) and the ones dispatched from users.
    pub(crate) messages: Vec<Value>,
    pub(crate) global_commands: Vec<Value>,
    pub(crate) guild_commands: HashMap<u64, Vec<Value>>,
    /// The guild's text channels a test added besides [`CHANNEL_ID`], in the order added.
    pub(crate) added_channels: BTreeSet<u64>,
    /// DM channel id -> user id
    pub(crate) dm_channels: HashMap<u64, u64>,
    pub(crate) frames: Vec<GatewayFrame>,
    pub(crate) connection_uris: Vec<String>,
    pub(crate) conns: Vec<Conn>,
    pub(crate) sessions: HashMap<String, Session>,
    pub(crate) identifies: Vec<Value>,
    pub(crate) dispatched: Vec<(String, Value)>,
}

impl State {
    /// Whether `id` is one of the guild's text channels: [`CHANNEL_ID`] or one a test added.
    pub(crate) fn is_guild_text_channel(&self, id: u64) -> bool {
        id == CHANNEL_ID || self.added_channels.contains(&id)
    }
}

pub(crate) struct Inner {
    pub(crate) http_url: String,
    pub(crate) ws_url: String,
    pub(crate) state: Mutex<State>,
    /// Bumped whenever something a test may wait for happens.
    pub(crate) changed: watch::Sender<u64>,
    pub(crate) heartbeat_ack: AtomicBool,
    pub(crate) heartbeat_interval_ms: AtomicU64,
    pub(crate) interaction_deadline_ms: AtomicU64,
    pub(crate) token_lifetime_ms: AtomicU64,
    pub(crate) echo_messages: AtomicBool,
}

impl Inner {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

/// Waits until `check` finds something in the state, or `timeout` passes (then checks once more).
pub(crate) async fn wait_until<T>(
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
