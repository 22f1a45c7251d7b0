//! The HTTP API: recording each request, injected faults, and routing to the handlers.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::commands::{delete_command, put_commands, upsert_command};
use crate::fixtures::{APPLICATION_ID, CATEGORY_ID, CHANNEL_ID, GUILD_ID, TestUser};
use crate::gateway::echo;
use crate::messages::{
    build_message, callback, delete_message, edit_message, find_message, webhook,
};
use crate::multipart::parse_multipart;
use crate::objects::{
    added_channel_json, application_json, bot_current_user_json, category_json, channel_json,
    id_of, parse_id, snowflake,
};
use crate::record::{Fault, Recorded};
use crate::state::{Inner, State};
use crate::validate::validate_message;

pub(crate) struct Reply {
    status: u16,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub(crate) fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }
    pub(crate) fn ok(body: Value) -> Reply {
        Reply::json(200, body)
    }
    pub(crate) fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }
    pub(crate) fn error(status: u16, code: u64, message: &str) -> Reply {
        Reply::json(status, json!({"message": message, "code": code}))
    }
    pub(crate) fn not_found() -> Reply {
        Reply::error(404, 0, "404: Not Found")
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

pub(crate) async fn handle_http(
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
        Some(Fault::AcceptThenHang) => {
            {
                let mut st = inner.lock();
                let reply = route(&inner, &mut st, &record);
                record.status = reply.status;
                record.response = reply.body.unwrap_or(Value::Null);
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
        Some(Fault::Discord {
            status,
            code,
            message,
        }) => Reply::error(status, code, message),
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
            Some(c) if st.added_channels.contains(&c) => {
                let position = st.added_channels.range(..c).count() + 1;
                Reply::ok(added_channel_json(c, position))
            }
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
            let Some(channel) = parse_id(ch)
                .filter(|c| st.is_guild_text_channel(*c) || st.dm_channels.contains_key(c))
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
