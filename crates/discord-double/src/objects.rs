//! Snowflakes, timestamps and the Discord objects the double sends on its own (READY, the
//! guild, the application, interactions).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::fixtures::{
    ADMIN_ROLE_ID, ADMIN_USER_ID, APPLICATION_ID, BOT_ROLE_ID, BOT_USER_ID, CATEGORY_ID,
    CHANNEL_ID, GUILD_ID, JOINED_AT, TestUser, perms,
};

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

pub(crate) fn bot_current_user_json() -> Value {
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

pub(crate) fn channel_json() -> Value {
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

/// One of the text channels a test added ([`crate::DiscordDouble::add_text_channels`]): like
/// [`channel_json`], in the same category, with its own id, name and position.
pub(crate) fn added_channel_json(id: u64, position: usize) -> Value {
    let mut channel = channel_json();
    channel["id"] = json!(id.to_string());
    channel["name"] = json!(format!("news-{position}"));
    channel["position"] = json!(position);
    channel["topic"] = json!("A channel a test added");
    channel
}

pub(crate) fn category_json() -> Value {
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

/// The guild of GUILD_CREATE, with its channels and `added` (the text channels a test added).
pub(crate) fn guild_json(all_members: bool, added: &BTreeSet<u64>) -> Value {
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
    let mut channels = vec![category_json(), channel_json()];
    channels.extend(
        added
            .iter()
            .enumerate()
            .map(|(n, id)| added_channel_json(*id, n + 1)),
    );
    // Split in two: one json! this big exceeds the default macro recursion limit.
    let create_extras = json!({
        "joined_at": JOINED_AT,
        "large": false,
        "unavailable": false,
        "lazy": true,
        "member_count": 3,
        "voice_states": [],
        "members": members,
        "channels": channels,
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

pub(crate) fn application_json() -> Value {
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

pub(crate) fn ready_json(
    ws_url: &str,
    session_id: &str,
    shard: (u64, u64),
    has_guild: bool,
) -> Value {
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

pub(crate) fn interaction_json(
    kind: u64,
    data: Value,
    user: &TestUser,
    message: Option<Value>,
) -> Value {
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

pub(crate) fn parse_id(s: &str) -> Option<u64> {
    s.parse().ok()
}

/// A snowflake written as a string (as Discord does) or a number.
pub(crate) fn id_of(v: &Value) -> Option<u64> {
    v.as_str().and_then(parse_id).or_else(|| v.as_u64())
}
