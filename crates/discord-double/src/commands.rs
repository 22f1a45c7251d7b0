//! Application commands, kept per scope (global and per guild) as Discord does.

use serde_json::{Value, json};

use crate::fixtures::APPLICATION_ID;
use crate::http::Reply;
use crate::objects::{id_of, snowflake};
use crate::validate::{FormErrors, form_error, form_error_owned};

/// Discord's bulk overwrite (`PUT .../commands`): the list replaces the whole stored list, so
/// a command left out is gone; one that keeps its name keeps its id.
pub(crate) fn put_commands(body: &Value, guild: Option<u64>, store: &mut Vec<Value>) -> Reply {
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

pub(crate) fn delete_command(id: Option<u64>, store: &mut Vec<Value>) -> Reply {
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

pub(crate) fn upsert_command(body: &Value, guild: Option<u64>, store: &mut Vec<Value>) -> Reply {
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
