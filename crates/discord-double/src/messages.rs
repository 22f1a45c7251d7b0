//! Interaction responses, follow-ups (webhooks) and the bot's messages: creating, editing,
//! deleting, as Discord stores them.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};

use crate::fixtures::{APPLICATION_ID, CHANNEL_ID, GUILD_ID, TestUser};
use crate::gateway::echo;
use crate::http::Reply;
use crate::objects::{id_of, parse_id, snowflake, timestamp_now};
use crate::record::{MultipartPart, Recorded};
use crate::state::{Inner, State};
use crate::validate::{form_error, form_error_owned, is_empty_message, validate_message};

pub(crate) fn callback(
    inner: &Inner,
    st: &mut State,
    req: &Recorded,
    id: Option<u64>,
    token: &str,
) -> Reply {
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

pub(crate) fn webhook(
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

pub(crate) fn edit_message(inner: &Inner, st: &mut State, mid: u64, req: &Recorded) -> Reply {
    if let Err(e) = validate_message(&req.body, !req.parts.is_empty(), false) {
        return e;
    }
    match merge_edit(inner, st, mid, &req.body, &req.parts) {
        Ok(message) => Reply::ok(message),
        Err(e) => e,
    }
}

pub(crate) fn delete_message(inner: &Inner, st: &mut State, mid: u64) -> Reply {
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
pub(crate) fn build_message(
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
        if st.is_guild_text_channel(channel_id) {
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

pub(crate) fn find_message(st: &State, id: u64) -> Option<&Value> {
    let id = id.to_string();
    st.messages.iter().find(|m| m["id"] == id)
}

fn find_message_mut(st: &mut State, id: u64) -> Option<&mut Value> {
    let id = id.to_string();
    st.messages.iter_mut().find(|m| m["id"] == id)
}
