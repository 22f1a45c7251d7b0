//! Payloads a test dispatches (interactions, messages, the guild), and the check that serenity
//! will understand them.

use poise::serenity_prelude as serenity;
use serde_json::{Value, json};

use crate::double::DiscordDouble;
use crate::fixtures::{CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID, OTHER_GUILD_ID, TestUser};
use crate::objects::{channel_json, guild_json, id_of, interaction_json, snowflake, timestamp_now};

impl DiscordDouble {
    /// The guild object of GUILD_CREATE (all members; the double drops the others itself when the
    /// bot lacks GUILD_MEMBERS).
    pub fn guild_json(&self) -> Value {
        guild_json(true, &self.inner.lock().added_channels)
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
