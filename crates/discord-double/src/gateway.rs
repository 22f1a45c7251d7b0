//! The gateway: a WebSocket server speaking Discord's protocol (HELLO, IDENTIFY, READY,
//! heartbeats, RESUME), honouring intents, and echoing the bot's own messages.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::handshake::server::{
    ErrorResponse, Request, Response as WsResponse,
};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::builders::check_event;
use crate::fixtures::{BOT_USER_ID, CHANNEL_ID, GUILD_ID, TestUser, intents};
use crate::objects::{guild_json, id_of, ready_json, snowflake};
use crate::record::GatewayFrame;
use crate::state::{Conn, Inner, Interaction, Out, Session, State};

fn owns_guild(shard: (u64, u64)) -> bool {
    shard.1 <= 1 || (GUILD_ID >> 22) % shard.1 == shard.0
}

/// The ready connection whose shard holds the test guild (the newest one).
pub(crate) fn target_conn(st: &State) -> Option<usize> {
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
pub(crate) fn live_conn(st: &State) -> Option<usize> {
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
pub(crate) fn deliver(st: &mut State, idx: usize, event: &str, mut payload: Value) -> Option<u64> {
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
pub(crate) async fn gateway_connection(inner: Arc<Inner>, stream: TcpStream) {
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
                let guild = guild_json(all_members, &st.added_channels);
                send(&mut st, "GUILD_CREATE", guild, true);
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
pub(crate) fn echo(inner: &Inner, st: &mut State, event: &str, message: &Value) {
    if !inner.echo_messages.load(Ordering::SeqCst)
        || message["flags"].as_u64().unwrap_or(0) & 64 != 0
    {
        return;
    }
    let Some(idx) = target_conn(st) else {
        return;
    };
    let in_guild = id_of(&message["channel_id"]).is_some_and(|c| st.is_guild_text_channel(c));
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
