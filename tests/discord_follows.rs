//! Following the news on Discord, end to end: the real bot (`briefbot run`, the real serenity
//! client, a real SQLite file in the test's folder) against the Discord double. A follow is
//! made with `/follow`, a brief file is dropped into the folder, and the post is looked for
//! in what the double received.

#[path = "support/bot.rs"]
mod bot;

use std::time::Duration;

use bot::{Bot, WAIT, interact};
use discord_double::{
    CHANNEL_ID, DiscordDouble, Fault, GUILD_ID, MEMBER_USER_ID, OTHER_CHANNEL_ID, Recorded,
    TestUser,
};
use serde_json::{Value, json};

const CYBER: &str = r#"id = "cyber-unit"
title = "Trump and Putin plan a cyber security unit"
published = 2017-07-09
summary = "The two leaders agreed to form a unit against election hacking."
"#;

/// A role of the double's guild that a follow may ping.
const NEWS_ROLE_ID: u64 = 1_180_000_000_000_000_040;

/// A brief file on `title`, with `summary`.
fn brief(id: &str, title: &str, summary: &str) -> String {
    format!("id = \"{id}\"\ntitle = \"{title}\"\npublished = 2020-03-01\nsummary = \"{summary}\"\n")
}

/// Drops a brief file into the bot's folder, written whole then renamed, as editors' tools do.
fn drop_brief(bot: &Bot, id: &str, text: &str) {
    let temporary = bot.briefs().join(format!(".{id}.tmp"));
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, bot.briefs().join(format!("{id}.toml"))).unwrap();
}

fn role_json(id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(), "name": name, "description": null, "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false, "icon": null, "unicode_emoji": null, "position": 1,
        "permissions": "0", "managed": false, "mentionable": true, "flags": 0,
    })
}

/// `/follow` with these options; `roles` and `channels` are what Discord resolves them to.
fn follow(
    double: &DiscordDouble,
    options: Value,
    user: &TestUser,
    roles: &[Value],
    channels: &[Value],
) -> Value {
    let mut interaction = double.interaction_command("follow", options, user);
    let mut resolved = json!({});
    if !roles.is_empty() {
        resolved["roles"] = roles
            .iter()
            .map(|r| (r["id"].as_str().unwrap().to_owned(), r.clone()))
            .collect();
    }
    if !channels.is_empty() {
        resolved["channels"] = channels
            .iter()
            .map(|c| (c["id"].as_str().unwrap().to_owned(), c.clone()))
            .collect();
    }
    interaction["data"]["resolved"] = resolved;
    interaction
}

fn topic(value: &str) -> Value {
    json!({"name": "topic", "type": 3, "value": value})
}

/// `user` runs `/follow topic:storms` in the double's channel: the follow most tests start from.
async fn follow_storms(double: &DiscordDouble, user: &TestUser) -> Recorded {
    interact(
        double,
        follow(double, json!([topic("storms")]), user, &[], &[]),
    )
    .await
}

fn content(callback: &Recorded) -> String {
    callback.body["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The messages Discord accepted from the bot in `channel` (not interaction answers).
fn posts(double: &DiscordDouble, channel: u64) -> Vec<Recorded> {
    double
        .requests()
        .into_iter()
        .filter(|r| {
            r.is("POST", &format!("/api/v10/channels/{channel}/messages"))
                && (200..300).contains(&r.status)
        })
        .collect()
}

async fn wait_post(double: &DiscordDouble, channel: u64) -> Recorded {
    let path = format!("/api/v10/channels/{channel}/messages");
    double
        .wait_for(|r| r.is("POST", &path), WAIT)
        .await
        .expect("the bot posted in the channel")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_matching_brief_is_posted_in_the_followed_channel_and_others_are_not() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    let answer = interact(
        &double,
        follow(
            &double,
            json!([topic("electoin hacking")]),
            &admin,
            &[],
            &[],
        ),
    )
    .await;
    assert_eq!(answer.body["data"]["flags"], 64, "ephemeral");
    let said = content(&answer);
    assert!(
        said.contains("Following new briefs on “election hacking”") && said.contains("electoin"),
        "the typo is corrected and the answer says what is followed: {said}"
    );
    assert!(
        std::path::Path::new(&bot.briefs())
            .parent()
            .unwrap()
            .join("briefbot.db")
            .is_file(),
        "the database is a real file beside the config"
    );
    drop_brief(
        &bot,
        "weather",
        &brief("weather", "Storms ahead", "Rain and wind all week."),
    );
    drop_brief(
        &bot,
        "hacked",
        &brief(
            "hacked",
            "Election servers hacked",
            "The election hacking inquiry widens.",
        ),
    );
    let post = wait_post(&double, CHANNEL_ID).await;
    assert_eq!(
        post.body["embeds"][0]["title"], "Election servers hacked",
        "the embed /brief shows: {}",
        post.body
    );
    assert_eq!(post.body["allowed_mentions"]["parse"], json!([]));
    assert!(
        post.body["allowed_mentions"]["roles"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
    // The brief that does not match: nothing, however long one waits for it.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        posts(&double, CHANNEL_ID).len(),
        1,
        "{:?}",
        posts(&double, CHANNEL_ID)
    );
    // /follows lists it, active.
    let listed = interact(
        &double,
        double.interaction_command("follows", Value::Null, &admin),
    )
    .await;
    let listed = content(&listed);
    assert!(
        listed.contains("“election hacking”") && listed.contains("active"),
        "{listed}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ping_mentions_exactly_its_role_and_everyone_is_refused() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    let everyone = role_json(GUILD_ID, "@everyone");
    let refused = interact(
        &double,
        follow(
            &double,
            json!([{"name": "ping", "type": 8, "value": GUILD_ID.to_string()}]),
            &admin,
            &[everyone],
            &[],
        ),
    )
    .await;
    assert!(
        content(&refused).contains("cannot ping @everyone"),
        "{}",
        content(&refused)
    );
    let news = role_json(NEWS_ROLE_ID, "news");
    let made = interact(
        &double,
        follow(
            &double,
            json!([{"name": "ping", "type": 8, "value": NEWS_ROLE_ID.to_string()}]),
            &admin,
            &[news],
            &[],
        ),
    )
    .await;
    assert!(
        content(&made).contains("Following every new brief"),
        "{}",
        content(&made)
    );
    drop_brief(
        &bot,
        "storm",
        &brief("storm", "Storms ahead", "Rain @everyone."),
    );
    let post = wait_post(&double, CHANNEL_ID).await;
    assert_eq!(
        post.body["allowed_mentions"],
        json!({
            "parse": [],
            "users": [],
            "roles": [NEWS_ROLE_ID.to_string()],
            "replied_user": false
        }),
        "exactly that role: {}",
        post.body
    );
    assert_eq!(post.body["content"], format!("<@&{NEWS_ROLE_ID}>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_without_manage_channels_is_refused_and_nothing_is_followed() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let member = double.member_user();
    let refused = interact(
        &double,
        follow(&double, json!([topic("storms")]), &member, &[], &[]),
    )
    .await;
    assert!(
        content(&refused).contains("Only members with Manage Channels"),
        "{}",
        content(&refused)
    );
    drop_brief(&bot, "storm", &brief("storm", "Storms ahead", "Rain."));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(posts(&double, CHANNEL_ID).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_channel_the_bot_cannot_see_is_refused_naming_the_permission() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    let hidden = json!({"id": OTHER_CHANNEL_ID.to_string(), "name": "secret", "type": 0, "permissions": "0"});
    let refused = interact(
        &double,
        follow(
            &double,
            json!([{"name": "channel", "type": 7, "value": OTHER_CHANNEL_ID.to_string()}]),
            &admin,
            &[],
            &[hidden],
        ),
    )
    .await;
    assert!(
        content(&refused).contains("I need the View Channel permission"),
        "{}",
        content(&refused)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_send_refused_with_403_pauses_the_follow_and_tells_its_creator() {
    let double = DiscordDouble::start().await;
    // The admin channel is the followed one here: the double has one guild channel, and the
    // refusal below is for one post only.
    let bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        &format!("admin_channel_id = {CHANNEL_ID}"),
    )
    .await;
    let admin = double.admin_user();
    follow_storms(&double, &admin).await;
    double.fail_next(
        "POST",
        &format!("/channels/{CHANNEL_ID}/messages"),
        Fault::Discord {
            status: 403,
            code: 50013,
            message: "Missing Permissions",
        },
        1,
    );
    drop_brief(&bot, "storm", &brief("storm", "Storms ahead", "Rain."));
    bot.wait_log("follow paused").await;
    // The creator is told by direct message.
    let opened = double
        .wait_for(|r| r.is("POST", "/api/v10/users/@me/channels"), WAIT)
        .await
        .expect("a DM channel was opened");
    assert_eq!(
        opened.body["recipient_id"],
        discord_double::ADMIN_USER_ID.to_string()
    );
    let told = double
        .wait_for(
            |r| {
                r.method == "POST"
                    && r.path.ends_with("/messages")
                    && !r.path.contains(&CHANNEL_ID.to_string())
            },
            WAIT,
        )
        .await
        .expect("the creator was told");
    let told = told.body["content"].as_str().unwrap_or_default().to_owned();
    assert!(
        told.contains("paused") && told.contains("Missing Permissions"),
        "{told}"
    );
    // And the admin channel, when one is set.
    let noticed = double
        .wait_for(
            |r| {
                r.is("POST", &format!("/api/v10/channels/{CHANNEL_ID}/messages"))
                    && r.body["content"]
                        .as_str()
                        .is_some_and(|c| c.starts_with("A follow of"))
            },
            WAIT,
        )
        .await
        .expect("the admin channel was told");
    assert!(
        noticed.body["content"]
            .as_str()
            .unwrap()
            .contains("Missing Permissions"),
        "{}",
        noticed.body
    );
    assert_eq!(noticed.body["allowed_mentions"]["parse"], json!([]));
    let listed = interact(
        &double,
        double.interaction_command("follows", Value::Null, &admin),
    )
    .await;
    let listed = content(&listed);
    assert!(
        listed.contains("paused") && listed.contains("Missing Permissions"),
        "{listed}"
    );
    // Following again in that channel resumes it.
    let resumed = follow_storms(&double, &admin).await;
    assert!(
        content(&resumed).starts_with("Resumed"),
        "{}",
        content(&resumed)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follow_me_delivery_arrives_by_direct_message() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let member = double.member_user();
    let made = interact(
        &double,
        double.interaction_command("follow-me", json!([topic("storms")]), &member),
    )
    .await;
    assert!(
        content(&made).contains("by direct message"),
        "{}",
        content(&made)
    );
    drop_brief(&bot, "storm", &brief("storm", "Storms ahead", "Rain."));
    let opened = double
        .wait_for(|r| r.is("POST", "/api/v10/users/@me/channels"), WAIT)
        .await
        .expect("a DM channel was opened");
    assert_eq!(opened.body["recipient_id"], MEMBER_USER_ID.to_string());
    let dm = opened.response["id"]
        .as_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    let post = wait_post(&double, dm).await;
    assert_eq!(post.body["embeds"][0]["title"], "Storms ahead");
}

#[tokio::test(flavor = "multi_thread")]
async fn removal_from_a_server_pauses_its_follows_but_an_outage_does_not() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    follow_storms(&double, &admin).await;
    double
        .dispatch(
            "GUILD_DELETE",
            json!({"id": GUILD_ID.to_string(), "unavailable": true}),
        )
        .await;
    let listed = interact(
        &double,
        double.interaction_command("follows", Value::Null, &admin),
    )
    .await;
    assert!(content(&listed).contains("active"), "{}", content(&listed));
    double
        .dispatch("GUILD_DELETE", json!({"id": GUILD_ID.to_string()}))
        .await;
    let logs = bot.wait_log("removed from a server").await;
    assert_eq!(
        logs.matches("removed from a server").count(),
        1,
        "the outage paused nothing: {logs}"
    );
    let listed = interact(
        &double,
        double.interaction_command("follows", Value::Null, &admin),
    )
    .await;
    assert!(
        content(&listed).contains("paused**: the bot was removed from the server"),
        "{}",
        content(&listed)
    );
}

#[test]
fn a_file_that_is_not_a_database_stops_the_start_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("briefs")).unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    std::fs::write(
        dir.path().join("briefbot.db"),
        "not a database, just text\n".repeat(100),
    )
    .unwrap();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("briefbot"))
        .arg("run")
        .current_dir(dir.path())
        .env("DISCORD_TOKEN", bot::TOKEN)
        // Nothing listens there: the bot must stop before it tries.
        .env("DISCORD_API_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("briefbot.db: this file is not a SQLite database"),
        "{stderr}"
    );
}

/// The successful posts in `channel` whose embed has `title`.
fn posts_titled(double: &DiscordDouble, channel: u64, title: &str) -> usize {
    posts(double, channel)
        .iter()
        .filter(|p| p.body["embeds"][0]["title"] == title)
        .count()
}

async fn wait_post_titled(double: &DiscordDouble, channel: u64, title: &str) -> Recorded {
    let path = format!("/api/v10/channels/{channel}/messages");
    double
        .wait_for(
            |r| {
                r.is("POST", &path)
                    && (200..300).contains(&r.status)
                    && r.body["embeds"][0]["title"] == title
            },
            WAIT,
        )
        .await
        .unwrap_or_else(|| panic!("a post titled {title}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_posts_nothing_twice_and_a_burst_from_while_stopped_is_one_summary() {
    let double = DiscordDouble::start().await;
    let mut bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    interact(&double, follow(&double, json!([]), &admin, &[], &[])).await;
    drop_brief(&bot, "storm", &brief("storm", "Storms ahead", "Rain."));
    wait_post_titled(&double, CHANNEL_ID, "Storms ahead").await;
    // Recorded as sent (a kill between Discord's answer and this is the duplicate window,
    // which the README states).
    bot.wait_log("deliveries sent").await;
    bot.kill();
    for i in 0..20 {
        let id = format!("flood-{i:02}");
        drop_brief(
            &bot,
            &id,
            &brief(&id, &format!("Flood report {i}"), "Water."),
        );
    }
    bot.restart(&double, "briefbot=info").await;
    let summary = wait_post_titled(&double, CHANNEL_ID, "20 new briefs").await;
    let listed = summary.body["embeds"][0]["description"].as_str().unwrap();
    assert_eq!(listed.lines().count(), 11, "{listed}");
    assert!(listed.ends_with("and 10 more"), "{listed}");
    // The worker has run since the start; nothing of before is posted again.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(posts_titled(&double, CHANNEL_ID, "Storms ahead"), 1);
    assert_eq!(
        posts(&double, CHANNEL_ID).len(),
        2,
        "one brief, one summary"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_cut_off_by_kill_9_is_sent_once_after_the_restart() {
    let double = DiscordDouble::start().await;
    // The killed process's claim of the delivery lasts its lease; the restarted one (a new
    // claim id) takes it after that. A short lease keeps the test short.
    let mut bot = Bot::start_configured(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        "claim_lease_secs = 2",
        "",
        "briefbot=info",
    )
    .await;
    let admin = double.admin_user();
    follow_storms(&double, &admin).await;
    // Discord never answers the first post: the bot is killed while waiting for it.
    let path = format!("/api/v10/channels/{CHANNEL_ID}/messages");
    double.fail_next("POST", &path, Fault::Hang, 1);
    drop_brief(&bot, "storm", &brief("storm", "Storms ahead", "Rain."));
    double
        .wait_for(|r| r.is("POST", &path), WAIT)
        .await
        .expect("the post was on its way");
    bot.kill();
    assert!(posts(&double, CHANNEL_ID).is_empty());
    bot.restart(&double, "briefbot=info").await;
    wait_post_titled(&double, CHANNEL_ID, "Storms ahead").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(posts_titled(&double, CHANNEL_ID, "Storms ahead"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_has_at_most_a_hundred_channel_follows() {
    use briefbot::store::Store;
    use briefbot::store::follows::{NewFollow, Target};
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let database = bot.briefs().parent().unwrap().join("briefbot.db");
    let store = Store::open(&format!("sqlite://{}", database.display()))
        .await
        .unwrap();
    for i in 0..100 {
        let new = NewFollow {
            target: Target::Channel {
                guild_id: GUILD_ID,
                channel_id: CHANNEL_ID,
            },
            creator_id: discord_double::ADMIN_USER_ID,
            topic_typed: format!("topic {i}"),
            topic: format!("topic {i}"),
            ping_role_id: None,
        };
        store.create_follow(&new, 10).await.unwrap();
    }
    store.close().await;
    let admin = double.admin_user();
    let refused = follow_storms(&double, &admin).await;
    assert!(
        content(&refused).contains("already has 100 follows"),
        "{}",
        content(&refused)
    );
    // An existing follow can still be resumed.
    let again = interact(
        &double,
        follow(&double, json!([topic("topic 7")]), &admin, &[], &[]),
    )
    .await;
    assert!(
        content(&again).contains("already follows"),
        "{}",
        content(&again)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_channel_where_the_bot_lost_send_messages_is_refused_up_front() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let mut channel = double.channel_json();
    channel["permission_overwrites"] = json!([{
        "id": discord_double::BOT_ROLE_ID.to_string(),
        "type": 0,
        "allow": "0",
        "deny": discord_double::perms::SEND_MESSAGES.to_string(),
    }]);
    double.dispatch("CHANNEL_UPDATE", channel).await;
    let admin = double.admin_user();
    let refused = async {
        // The update reaches the bot's cache on its own time: ask until it has.
        for _ in 0..50 {
            let answer = interact(&double, follow(&double, json!([]), &admin, &[], &[])).await;
            if content(&answer).contains("I need") {
                return content(&answer);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("never refused; logs:\n{}", bot.logs());
    }
    .await;
    assert!(
        refused.contains("I need the Send Messages permission there"),
        "{refused}"
    );
}

/// A one-file server standing in for Discord's CDN, which serves an attachment.
async fn cdn(name: &'static str, bytes: Vec<u8>) -> String {
    use axum::{Router, extract::Path as UrlPath, http::StatusCode};
    let app = Router::new().route(
        "/{name}",
        axum::routing::get(move |UrlPath(asked): UrlPath<String>| {
            let bytes = bytes.clone();
            async move {
                if asked == name {
                    (StatusCode::OK, bytes)
                } else {
                    (StatusCode::NOT_FOUND, Vec::new())
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_brief_added_with_brief_add_is_announced() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        &format!("admin_guild_ids = [{GUILD_ID}]"),
    )
    .await;
    let admin = double.admin_user();
    follow_storms(&double, &admin).await;
    let file = brief("storm", "Storms ahead", "Rain.").into_bytes();
    let size = file.len();
    let cdn = cdn("storm.toml", file).await;
    let attachment = discord_double::snowflake().to_string();
    let mut add = double.interaction_command(
        "brief-add",
        json!([{"name": "file", "type": 11, "value": attachment}]),
        &admin,
    );
    add["data"]["resolved"] = json!({"attachments": {attachment.clone(): {
        "id": attachment, "filename": "storm.toml", "size": size,
        "url": format!("{cdn}/storm.toml"), "proxy_url": format!("{cdn}/storm.toml"),
        "content_type": "application/toml"
    }}});
    interact(&double, add).await;
    let post = wait_post_titled(&double, CHANNEL_ID, "Storms ahead").await;
    assert_eq!(post.body["allowed_mentions"]["parse"], json!([]));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        posts_titled(&double, CHANNEL_ID, "Storms ahead"),
        1,
        "announced once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unfollow_offers_what_one_sees_and_stops_only_what_one_may() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    let member = double.member_user();
    follow_storms(&double, &admin).await;
    let offered = interact(
        &double,
        double.interaction_autocomplete("unfollow", "follow", "storm", &member),
    )
    .await;
    let choices = offered.body["data"]["choices"].as_array().unwrap().clone();
    assert_eq!(choices.len(), 1, "{choices:?}");
    assert!(choices[0]["name"].as_str().unwrap().contains("“storms”"));
    let id = choices[0]["value"].as_str().unwrap().to_owned();
    let unfollow = |user: &TestUser| {
        double.interaction_command(
            "unfollow",
            json!([{"name": "follow", "type": 3, "value": id}]),
            user,
        )
    };
    let refused = interact(&double, unfollow(&member)).await;
    assert!(
        content(&refused).contains("Only members with Manage Channels"),
        "{}",
        content(&refused)
    );
    let stopped = interact(&double, unfollow(&admin)).await;
    assert!(
        content(&stopped).starts_with("Stopped"),
        "{}",
        content(&stopped)
    );
    drop_brief(&bot, "storm", &brief("storm", "Storms ahead", "Rain."));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(posts(&double, CHANNEL_ID).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn follow_is_registered_for_channel_managers_with_its_options() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let commands = double.registered_commands(None);
    let find = |name: &str| {
        commands
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} registered"))
            .clone()
    };
    let follow = find("follow");
    assert_eq!(
        follow["default_member_permissions"], "16",
        "Manage Channels"
    );
    assert_eq!(follow["options"][0]["name"], "topic");
    assert_eq!(follow["options"][0]["autocomplete"], true);
    assert_eq!(follow["options"][1]["type"], 7, "a channel");
    assert_eq!(follow["options"][1]["channel_types"], json!([0, 5]));
    assert_eq!(follow["options"][2]["type"], 8, "a role");
    let follow_me = find("follow-me");
    assert!(
        follow_me["default_member_permissions"].is_null(),
        "any member"
    );
    assert_eq!(follow_me["options"][0]["required"], true);
    assert_eq!(find("unfollow")["options"][0]["autocomplete"], true);
    find("follows");
}

/// The one window for a duplicate, as the README states it: Discord accepted the post, and
/// the bot died before recording it. After the restart it is posted again, once.
#[tokio::test(flavor = "multi_thread")]
async fn the_duplicate_window_a_post_accepted_then_killed_is_posted_again_once() {
    let double = DiscordDouble::start().await;
    // The killed process's claim of the delivery lasts its lease; the restarted one (a new
    // claim id) takes it after that. A short lease keeps the test short.
    let mut bot = Bot::start_configured(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        "claim_lease_secs = 2",
        "",
        "briefbot=info",
    )
    .await;
    let admin = double.admin_user();
    follow_storms(&double, &admin).await;
    let path = format!("/api/v10/channels/{CHANNEL_ID}/messages");
    double.fail_next("POST", &path, Fault::AcceptThenHang, 1);
    drop_brief(&bot, "storm", &brief("storm", "Storms ahead", "Rain."));
    wait_post_titled(&double, CHANNEL_ID, "Storms ahead").await;
    bot.kill();
    bot.restart(&double, "briefbot=info").await;
    bot.wait_log("deliveries sent").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(posts_titled(&double, CHANNEL_ID, "Storms ahead"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn follow_from_a_thread_asks_for_a_text_channel() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    let mut asked = follow(&double, json!([topic("storms")]), &admin, &[], &[]);
    asked["channel"]["type"] = json!(11);
    asked["channel"]["thread_metadata"] = json!({
        "archived": false, "auto_archive_duration": 1440,
        "archive_timestamp": discord_double::timestamp_now(), "locked": false,
    });
    let refused = interact(&double, asked).await;
    assert!(
        content(&refused).contains("text or announcement channels"),
        "{}",
        content(&refused)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follow_naming_another_channel_posts_there_and_not_here() {
    let double = DiscordDouble::start().await;
    let news = double.add_text_channels(1)[0];
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    let named = json!({"id": news.to_string(), "name": "news-1", "type": 0, "permissions": admin.permissions.to_string()});
    let answer = interact(
        &double,
        follow(
            &double,
            json!([topic("election hacking"), {"name": "channel", "type": 7, "value": news.to_string()}]),
            &admin,
            &[],
            &[named],
        ),
    )
    .await;
    assert!(
        content(&answer).contains(&format!("in <#{news}>")),
        "the bot's permissions there are read from the cache: {}",
        content(&answer)
    );
    drop_brief(
        &bot,
        "hacked",
        &brief(
            "hacked",
            "Election servers hacked",
            "The election hacking inquiry widens.",
        ),
    );
    let post = wait_post(&double, news).await;
    assert_eq!(post.body["embeds"][0]["title"], "Election servers hacked");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(posts(&double, CHANNEL_ID).is_empty());
}

/// A member who manages this channel only: Manage Channels, as the interaction states it here.
fn channel_manager() -> TestUser {
    let mut user = TestUser::member();
    user.permissions |= 1 << 4; // MANAGE_CHANNELS
    user
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_of_this_channel_cannot_aim_a_follow_elsewhere_or_ping_an_unmentionable_role() {
    let double = DiscordDouble::start().await;
    let other = double.add_text_channels(1)[0];
    let _bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let manager = channel_manager();
    // Another channel: the member's permissions there come from the cache (the guild's
    // @everyone role), which does not give Manage Channels.
    let named = json!({"id": other.to_string(), "name": "news-1", "type": 0, "permissions": manager.permissions.to_string()});
    let elsewhere = interact(
        &double,
        follow(
            &double,
            json!([topic("storms"), {"name": "channel", "type": 7, "value": other.to_string()}]),
            &manager,
            &[],
            &[named],
        ),
    )
    .await;
    assert!(
        content(&elsewhere).contains(&format!(
            "You need Manage Channels and Send Messages in <#{other}>"
        )),
        "{}",
        content(&elsewhere)
    );
    // A role nobody may mention, and the manager may not mention every role.
    let mut hidden = role_json(NEWS_ROLE_ID, "moderators");
    hidden["mentionable"] = json!(false);
    let refused = interact(
        &double,
        follow(
            &double,
            json!([topic("storms"), {"name": "ping", "type": 8, "value": NEWS_ROLE_ID.to_string()}]),
            &manager,
            &[hidden],
            &[],
        ),
    )
    .await;
    assert!(
        content(&refused).contains("You cannot mention the role moderators yourself"),
        "{}",
        content(&refused)
    );
    // The same role, mentionable: the manager may ping it, here.
    let made = interact(
        &double,
        follow(
            &double,
            json!([topic("storms"), {"name": "ping", "type": 8, "value": NEWS_ROLE_ID.to_string()}]),
            &manager,
            &[role_json(NEWS_ROLE_ID, "moderators")],
            &[],
        ),
    )
    .await;
    assert!(
        content(&made).contains(&format!("in <#{CHANNEL_ID}>")),
        "{}",
        content(&made)
    );
}
