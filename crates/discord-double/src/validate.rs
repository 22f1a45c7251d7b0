//! Discord's limits on a message (content, embeds, components, attachments), answered with
//! its "Invalid Form Body" errors.

use serde_json::{Map, Value, json};

use crate::http::Reply;

pub(crate) fn form_error(errors: Vec<(&str, &'static str, String)>) -> Reply {
    form_error_owned(
        errors
            .into_iter()
            .map(|(p, c, m)| (p.to_owned(), c, m))
            .collect(),
    )
}

/// `(dotted path, Discord error code, message)` items of an "Invalid Form Body" error.
pub(crate) type FormErrors = Vec<(String, &'static str, String)>;

/// Discord's 400 "Invalid Form Body" (code 50035) with nested `errors`.
pub(crate) fn form_error_owned(errors: FormErrors) -> Reply {
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
pub(crate) fn validate_message(body: &Value, has_files: bool, creating: bool) -> Result<(), Reply> {
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

pub(crate) fn is_empty_message(m: &Value) -> bool {
    let empty = |k: &str| m[k].as_array().is_none_or(Vec::is_empty);
    m["content"].as_str().unwrap_or_default().is_empty()
        && empty("embeds")
        && empty("attachments")
        && empty("components")
        && empty("sticker_ids")
        && m.get("poll").is_none_or(Value::is_null)
}
