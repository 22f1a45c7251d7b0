//! The fixed identities of the fake Discord world: ids, permission and intent bits, users.

use serde_json::{Value, json};

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
