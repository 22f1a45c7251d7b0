//! The real bot (`briefbot run`, the real serenity client) against a local double of Discord
//! (the `discord-double` crate): registration, slash commands, autocomplete, paging,
//! mentions, limits, mentions never pinging, admin uploads, and the token staying secret.

#[path = "support/bot.rs"]
mod bot;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bot::{Bot, TOKEN, WAIT, interact};
use discord_double::{
    ADMIN_USER_ID, APPLICATION_ID, DiscordDouble, GUILD_ID, MEMBER_USER_ID, OTHER_GUILD_ID,
    TestUser, perms,
};
use poise::serenity_prelude as serenity;
use serde_json::{Value, json};

const CYBER: &str = r#"id = "cyber-unit"
title = "Trump and Putin plan a cyber security unit"
published = 2017-07-09
source = "https://example.com/cyber"
outlet = "Example News"
tags = ["cyber security", "election hacking"]
summary = "The two leaders agreed to form a unit against election hacking. Critics laughed."

[[quotes]]
speaker = "Marco Rubio"
role = "US Senator"
text = "Partnering with Putin on a cyber security unit is akin to partnering with Assad."

[[quotes]]
speaker = "Vladimir Putin"
role = "Russian President"
text = "There is no basis to think that Russia interfered in the election process."
"#;

fn numbered(i: usize) -> String {
    format!(
        "id = \"election-{i}\"\ntitle = \"Election hacking report {i}\"\npublished = 2019-01-{:02}\nsummary = \"Part {i} of a series on election hacking.\"\n",
        i % 28 + 1
    )
}

fn command(double: &DiscordDouble, name: &str, options: Value, user: &TestUser) -> Value {
    double.interaction_command(name, options, user)
}

fn assert_no_mentions(body: &Value) {
    let mentions = &body["allowed_mentions"];
    assert_eq!(mentions["parse"], json!([]), "allowed mentions: {body}");
    assert!(mentions["users"].as_array().is_none_or(Vec::is_empty));
    assert!(mentions["roles"].as_array().is_none_or(Vec::is_empty));
}

/// The admin servers of a test: the double's guild.
fn admin_guild() -> String {
    format!("admin_guild_ids = [{GUILD_ID}]")
}

/// The public commands, in the order they are registered.
const PUBLIC: [&str; 13] = [
    "brief",
    "quotes",
    "said",
    "briefs",
    "help",
    "follow",
    "follow-me",
    "unfollow",
    "follows",
    "digest",
    "digest-preview",
    "digests",
    "undigest",
];

fn names(commands: &[Value]) -> Vec<&str> {
    commands.iter().filter_map(|c| c["name"].as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_are_registered_with_their_options_and_descriptions() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        &admin_guild(),
    )
    .await;
    let mut commands = double.registered_commands(None);
    commands.extend(double.registered_commands(Some(GUILD_ID)));
    let names = names(&commands);
    for name in [
        "brief",
        "quotes",
        "briefs",
        "help",
        "brief-add",
        "brief-remove",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let find = |name: &str| commands.iter().find(|c| c["name"] == name).unwrap().clone();
    let brief = find("brief");
    assert_eq!(
        brief["description"],
        "Find the best news briefs about a topic"
    );
    assert_eq!(brief["options"][0]["name"], "topic");
    assert_ne!(
        brief["options"][0]["required"], true,
        "filter options alone are a question"
    );
    assert_eq!(brief["options"][0]["autocomplete"], true);
    let quotes = find("quotes");
    assert_eq!(quotes["options"][0]["name"], "speaker");
    assert_eq!(quotes["options"][0]["autocomplete"], true);
    assert_eq!(quotes["options"][1]["name"], "topic");
    assert_ne!(quotes["options"][1]["required"], true);
    let add = find("brief-add");
    assert_eq!(add["default_member_permissions"], "32", "Manage Server");
    assert_eq!(add["options"][0]["type"], 11, "an attachment");
}

#[tokio::test(flavor = "multi_thread")]
async fn brief_answers_with_an_embed_in_time_and_mentions_nobody() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let member = double.member_user();
    let callback = interact(
        &double,
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "hacked elections"}]),
            &member,
        ),
    )
    .await;
    let body = &callback.body;
    assert_eq!(body["type"], 4, "a message");
    let embed = &body["data"]["embeds"][0];
    assert_eq!(embed["title"], "Trump and Putin plan a cyber security unit");
    assert_eq!(embed["url"], "https://example.com/cyber");
    assert!(
        embed["description"]
            .as_str()
            .unwrap()
            .contains("against **election hacking**."),
        "{embed}"
    );
    assert_eq!(
        embed["fields"][0]["name"], "— Vladimir Putin, Russian President",
        "the quote about elections first"
    );
    assert!(
        embed["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("Example News · 2017-07-09")
    );
    assert_no_mentions(&body["data"]);
    let logs = bot.wait_log("command handled").await;
    assert!(
        logs.contains("latency_ms") && logs.contains("brief"),
        "{logs}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_match_is_a_short_private_answer_with_the_suggestion() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let member = double.member_user();
    let callback = interact(
        &double,
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "zzyzx"}]),
            &member,
        ),
    )
    .await;
    assert_eq!(callback.body["data"]["flags"], 64, "ephemeral");
    assert!(
        callback.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("zzyzx")
    );
    let callback = interact(
        &double,
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "electoins"}]),
            &member,
        ),
    )
    .await;
    let content = callback.body["data"]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(
        content.contains("Showing results for “election”"),
        "{}",
        callback.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn autocomplete_offers_at_most_25_choices_of_at_most_100_characters() {
    let double = DiscordDouble::start().await;
    let mut briefs: Vec<(String, String)> = (0..40)
        .map(|i| (format!("election-{i}.toml"), numbered(i)))
        .collect();
    briefs.push((
        "long.toml".into(),
        format!(
            "title = \"Election {}\"\npublished = 2020-01-01\nsummary = \"S.\"\n",
            "x".repeat(200)
        ),
    ));
    let briefs: Vec<(&str, String)> = briefs
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone()))
        .collect();
    let _bot = Bot::start(&double, &briefs, "").await;
    let member = double.member_user();
    let callback = interact(
        &double,
        double.interaction_autocomplete("brief", "topic", "elec", &member),
    )
    .await;
    assert_eq!(callback.body["type"], 8, "autocomplete result");
    let choices = callback.body["data"]["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 25);
    for choice in choices {
        assert!(choice["name"].as_str().unwrap().chars().count() <= 100);
        assert!(choice["value"].as_str().unwrap().chars().count() <= 100);
    }
    let callback = interact(
        &double,
        double.interaction_autocomplete("quotes", "speaker", "zzz", &member),
    )
    .await;
    assert_eq!(callback.body["data"]["choices"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn quotes_lists_a_speakers_quotes_and_autocompletes_speakers() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let member = double.member_user();
    let callback = interact(
        &double,
        command(
            &double,
            "quotes",
            json!([{"name": "speaker", "type": 3, "value": "President Putin"}]),
            &member,
        ),
    )
    .await;
    let embed = &callback.body["data"]["embeds"][0];
    assert_eq!(embed["title"], "Quotes by Vladimir Putin");
    let value = embed["fields"][0]["value"].as_str().unwrap();
    assert!(
        value.contains("no basis to think")
            && value.contains("— Vladimir Putin, Russian President"),
        "{value}"
    );
    assert_no_mentions(&callback.body["data"]);
    let callback = interact(
        &double,
        double.interaction_autocomplete("quotes", "speaker", "mar", &member),
    )
    .await;
    assert_eq!(callback.body["data"]["choices"][0]["value"], "Marco Rubio");
}

#[tokio::test(flavor = "multi_thread")]
async fn buttons_page_through_briefs_for_the_asker_only_and_expire() {
    let double = DiscordDouble::start().await;
    let briefs: Vec<(String, String)> = (0..3)
        .map(|i| (format!("election-{i}.toml"), numbered(i)))
        .collect();
    let briefs: Vec<(&str, String)> = briefs
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone()))
        .collect();
    let _bot = Bot::start(&double, &briefs, "page_timeout_secs = 3").await;
    let member = double.member_user();
    let first = interact(
        &double,
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "election hacking"}]),
            &member,
        ),
    )
    .await;
    let token = first.path.rsplit('/').nth(1).unwrap().to_owned();
    let buttons = &first.body["data"]["components"][0]["components"];
    assert_eq!(buttons[0]["label"], "Previous");
    assert_eq!(buttons[0]["disabled"], true);
    let next_id = buttons[1]["custom_id"].as_str().unwrap().to_owned();
    assert!(
        first.body["data"]["embeds"][0]["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("brief 1 of 3")
    );
    let message = double
        .wait_original_response(&token, WAIT)
        .await
        .expect("the answer exists");

    // Someone else presses Next: told privately, the page does not move.
    let other = double.admin_user();
    let refused = interact(
        &double,
        double.interaction_component(&next_id, &message, &other),
    )
    .await;
    assert_eq!(refused.body["type"], 4);
    assert_eq!(refused.body["data"]["flags"], 64);
    assert!(
        refused.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Only the person who asked")
    );

    // The asker presses Next: the message is updated to page 2.
    let turned = interact(
        &double,
        double.interaction_component(&next_id, &message, &member),
    )
    .await;
    assert_eq!(turned.body["type"], 7, "update message");
    assert!(
        turned.body["data"]["embeds"][0]["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("brief 2 of 3")
    );
    assert_eq!(
        turned.body["data"]["components"][0]["components"][0]["disabled"],
        false
    );
    assert_no_mentions(&turned.body["data"]);

    // Unused, the buttons expire and are removed.
    let expired = double
        .wait_for(
            |r| {
                // The paging buttons go; "More like this" stays.
                r.method == "PATCH"
                    && r.path.contains(&token)
                    && r.body["components"].is_array()
                    && !r.body["components"].to_string().contains(":next")
            },
            WAIT,
        )
        .await;
    assert!(expired.is_some(), "the buttons were removed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_is_answered_like_brief_in_a_reply() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let member = double.member_user();
    let bot_user = double.bot_user();
    let message = double.message_create(
        &format!("{} what about election hacking?", bot_user.mention()),
        &member,
        &[&bot_user],
    );
    let message_id = message["id"].as_str().unwrap().to_owned();
    double.dispatch("MESSAGE_CREATE", message).await;
    let reply = double
        .wait_for(
            |r| {
                r.is(
                    "POST",
                    &format!("/api/v10/channels/{}/messages", double.channel_id()),
                )
            },
            WAIT,
        )
        .await
        .expect("the bot replied");
    assert_eq!(
        reply.body["message_reference"]["message_id"],
        message_id.as_str()
    );
    assert_eq!(
        reply.body["embeds"][0]["title"],
        "Trump and Putin plan a cyber security unit"
    );
    assert_no_mentions(&reply.body);
    assert_eq!(reply.body["allowed_mentions"]["replied_user"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_brief_fits_discords_limits_and_everyone_is_never_pinged() {
    let double = DiscordDouble::start().await;
    let quote = format!("@everyone {}", "ü".repeat(990));
    let huge = format!(
        "title = \"@everyone {}\"\npublished = 2020-01-01\ntags = [\"{}\"]\nsummary = \"@here *bold* {}\"\n{}",
        "T".repeat(240),
        "t".repeat(190),
        "é".repeat(3900),
        (0..25).map(|i| format!("[[quotes]]\nspeaker = \"Speaker {i} @everyone\"\nrole = \"{}\"\ntext = \"{quote}\"\n", "r".repeat(190))).collect::<String>()
    );
    let _bot = Bot::start(&double, &[("huge.toml", huge)], "").await;
    let member = double.member_user();
    let callback = interact(
        &double,
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "everyone"}]),
            &member,
        ),
    )
    .await;
    let embed = &callback.body["data"]["embeds"][0];
    let len = |v: &Value| v.as_str().map_or(0, |s| s.encode_utf16().count());
    assert!(len(&embed["title"]) <= 256);
    assert!(len(&embed["description"]) <= 4096);
    let fields = embed["fields"].as_array().unwrap();
    assert!(fields.len() <= 25);
    let mut total =
        len(&embed["title"]) + len(&embed["description"]) + len(&embed["footer"]["text"]);
    for field in fields {
        assert!(len(&field["name"]) <= 256 && len(&field["value"]) <= 1024);
        total += len(&field["name"]) + len(&field["value"]);
    }
    assert!(total <= 6000, "{total}");
    assert!(
        !embed["description"].as_str().unwrap().contains("@here"),
        "defused"
    );
    assert_no_mentions(&callback.body["data"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn help_and_briefs_answer() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let member = double.member_user();
    let help = interact(&double, command(&double, "help", Value::Null, &member)).await;
    let fields = help.body["data"]["embeds"][0]["fields"].to_string();
    assert!(
        fields.contains("/brief") && fields.contains("/quotes"),
        "{fields}"
    );
    let briefs = interact(&double, command(&double, "briefs", Value::Null, &member)).await;
    let description = briefs.body["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap();
    assert!(
        description.contains("Trump and Putin plan a cyber security unit"),
        "{description}"
    );
}

/// A small file server standing in for Discord's CDN, which serves attachments.
async fn cdn(files: Vec<(&'static str, Vec<u8>)>) -> String {
    use axum::{Router, extract::Path as UrlPath, http::StatusCode};
    let files = Arc::new(files);
    let app = Router::new().route(
        "/{name}",
        axum::routing::get(move |UrlPath(name): UrlPath<String>| {
            let files = Arc::clone(&files);
            async move {
                if name == "hang.toml" {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                }
                match files.iter().find(|(n, _)| *n == name) {
                    Some((_, bytes)) => (StatusCode::OK, bytes.clone()),
                    None => (StatusCode::NOT_FOUND, Vec::new()),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

fn upload(
    double: &DiscordDouble,
    cdn: &str,
    name: &str,
    size: usize,
    replace: bool,
    user: &TestUser,
) -> Value {
    let attachment_id = discord_double::snowflake().to_string();
    let mut options = vec![json!({"name": "file", "type": 11, "value": attachment_id})];
    if replace {
        options.push(json!({"name": "replace", "type": 5, "value": true}));
    }
    let mut interaction = double.interaction_command("brief-add", json!(options), user);
    interaction["data"]["resolved"] = json!({"attachments": {attachment_id.clone(): {
        "id": attachment_id, "filename": name, "size": size,
        "url": format!("{cdn}/{name}"), "proxy_url": format!("{cdn}/{name}"),
        "content_type": "application/toml"
    }}});
    interaction
}

/// The text of an admin command's deferred, private answer.
async fn admin_answer(double: &DiscordDouble, interaction: Value) -> String {
    let token = interaction["token"].as_str().unwrap().to_owned();
    let deferred = interact(double, interaction).await;
    if deferred.body["type"] == 4 {
        return deferred.body["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
    }
    assert_eq!(deferred.body["type"], 5, "deferred");
    assert_eq!(deferred.body["data"]["flags"], 64, "privately");
    let edit = double
        .wait_for(
            |r| {
                matches!(r.method.as_str(), "PATCH" | "POST")
                    && r.path.starts_with("/api/v10/webhooks/")
                    && r.path.contains(&token)
                    && r.body["content"].is_string()
            },
            Duration::from_secs(30),
        )
        .await
        .expect("the deferred answer came");
    assert_no_mentions(&edit.body);
    edit.body["content"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_add_replace_and_remove_briefs_through_discord() {
    let double = DiscordDouble::start().await;
    let fog = "id = \"fog-horn\"\ntitle = \"Fog horn repaired\"\npublished = 2019-01-01\nsummary = \"The fog horn sounds again.\"\n";
    let fog2 = fog.replace("repaired", "replaced");
    let cdn = cdn(vec![
        ("fog.toml", fog.as_bytes().to_vec()),
        ("fog2.toml", fog2.as_bytes().to_vec()),
        ("bad.toml", b"title = \"x\"\nsumary = 1\n".to_vec()),
        ("binary.toml", b"\x89PNG\0\0\0".to_vec()),
        (
            "evil.toml",
            fog.replace("fog-horn", "../../etc").into_bytes(),
        ),
    ])
    .await;
    let bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        &format!("download_timeout_secs = 1\n{}", admin_guild()),
    )
    .await;
    let admin = double.admin_user();
    let member = double.member_user();

    let text = admin_answer(
        &double,
        upload(&double, &cdn, "fog.toml", fog.len(), false, &admin),
    )
    .await;
    assert_eq!(text, "Added Fog horn repaired (fog-horn).");
    assert_eq!(
        std::fs::read_to_string(bot.briefs().join("fog-horn.toml")).unwrap(),
        fog
    );
    let found = interact(
        &double,
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "fog horn"}]),
            &member,
        ),
    )
    .await;
    assert_eq!(
        found.body["data"]["embeds"][0]["title"], "Fog horn repaired",
        "served at once"
    );

    let text = admin_answer(
        &double,
        upload(&double, &cdn, "fog2.toml", fog2.len(), false, &admin),
    )
    .await;
    assert!(
        text.contains("already exists") && text.contains("replace:True"),
        "{text}"
    );
    let text = admin_answer(
        &double,
        upload(&double, &cdn, "fog2.toml", fog2.len(), true, &admin),
    )
    .await;
    assert_eq!(text, "Replaced Fog horn replaced (fog-horn).");

    // Each upload that must be refused, with what the admin is told.
    let refusals = [
        // Quoted file content is escaped, so that a file cannot shape the answer.
        ("bad.toml", 20, "bad.toml:2:1: unknown key \\`sumary\\`"),
        ("binary.toml", 7, "binary"),
        ("evil.toml", fog.len(), "id \\`../../etc\\` contains '.'"),
        ("huge.toml", 10_000_000, "at most 262144 bytes"),
        (
            "missing.toml",
            10,
            "Could not download missing.toml: HTTP status client error (404 Not Found)",
        ),
        ("hang.toml", 10, "Could not download hang.toml"),
    ];
    for (name, size, expected) in refusals {
        let text = admin_answer(&double, upload(&double, &cdn, name, size, false, &admin)).await;
        assert!(text.contains(expected), "{name}: {text}");
    }

    // A member without Manage Server is refused, and nothing changes.
    let refused = interact(
        &double,
        upload(&double, &cdn, "fog.toml", fog.len(), true, &member),
    )
    .await;
    let content = refused.body["data"]["content"].as_str().unwrap_or_default();
    assert!(content.contains("Only admins"), "{}", refused.body);

    let remove = double.interaction_command(
        "brief-remove",
        json!([{"name": "id", "type": 3, "value": "fog-horn"}]),
        &admin,
    );
    let text = admin_answer(&double, remove).await;
    assert!(
        text.starts_with("Removed Fog horn replaced (fog-horn)."),
        "{text}"
    );
    assert!(!bot.briefs().join("fog-horn.toml").exists());
    let trash = std::fs::read_dir(bot.briefs().join(".trash"))
        .unwrap()
        .count();
    assert_eq!(trash, 2, "the replaced and the removed versions are kept");
    let audit = std::fs::read_to_string(bot.briefs().join(".audit.log")).unwrap();
    assert!(
        audit.contains(&format!(
            "add id=fog-horn sha256={} by=discord:{ADMIN_USER_ID}",
            sha256_hex(fog.as_bytes())
        )),
        "{audit}"
    );
    assert!(
        audit.contains("replace id=fog-horn") && audit.contains("remove id=fog-horn"),
        "{audit}"
    );
    assert_eq!(
        std::fs::read_dir(bot.briefs())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp"))
            .count(),
        0
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    briefbot::intake::sha256(bytes)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_dropped_in_the_folder_is_served_and_a_broken_one_reported() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        &format!("admin_channel_id = {}", double.channel_id()),
    )
    .await;
    let member = double.member_user();
    std::fs::write(bot.briefs().join("election-1.toml"), numbered(1)).unwrap();
    let started = Instant::now();
    loop {
        let answer = interact(
            &double,
            command(
                &double,
                "brief",
                json!([{"name": "topic", "type": 3, "value": "series"}]),
                &member,
            ),
        )
        .await;
        if answer.body["data"]["embeds"][0]["title"] == "Election hacking report 1" {
            break;
        }
        // A guard against hanging, not a speed claim: `cargo bench --bench reload` measures it.
        assert!(started.elapsed() < Duration::from_secs(30), "served");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    std::fs::write(bot.briefs().join("cyber-unit.toml"), "title = \"broken\"\n").unwrap();
    let report = double
        .wait_for(
            |r| {
                r.is(
                    "POST",
                    &format!("/api/v10/channels/{}/messages", double.channel_id()),
                )
            },
            WAIT,
        )
        .await
        .expect("the admin channel was told");
    let content = report.body["content"].as_str().unwrap();
    assert!(
        content.contains("cyber-unit.toml:1:1: missing required key \\`published\\`"),
        "{content}"
    );
    assert_no_mentions(&report.body);
    let still = interact(
        &double,
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "cyber unit"}]),
            &member,
        ),
    )
    .await;
    assert_eq!(
        still.body["data"]["embeds"][0]["title"], "Trump and Putin plan a cyber security unit",
        "the last good version"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_never_appears_in_any_log() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start_with_log(&double, &[("cyber-unit.toml", CYBER.into())], "", "trace").await;
    let member = double.member_user();
    interact(
        &double,
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "cyber"}]),
            &member,
        ),
    )
    .await;
    let identify = double.identified().await;
    assert_eq!(
        identify["token"],
        format!("Bot {TOKEN}"),
        "the token did reach Discord"
    );
    let logs = bot.logs();
    assert!(logs.len() > 1000, "trace logging was on");
    assert!(
        !logs.contains("secret-test-token"),
        "the token leaked into the logs"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_who_asks_too_fast_is_told_to_slow_down_and_others_are_not_affected() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        "cooldown_commands = 2\ncooldown_secs = 60",
    )
    .await;
    let (member, admin) = (double.member_user(), double.admin_user());
    let ask = |user: &TestUser| {
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "cyber"}]),
            user,
        )
    };
    for _ in 0..2 {
        let answer = interact(&double, ask(&member)).await;
        assert!(answer.body["data"]["embeds"][0]["title"].is_string());
    }
    let refused = interact(&double, ask(&member)).await;
    assert_eq!(refused.body["data"]["flags"], 64, "privately");
    assert!(
        refused.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("slow down: try again in"),
        "{}",
        refused.body
    );
    let autocomplete = interact(
        &double,
        double.interaction_autocomplete("brief", "topic", "cy", &member),
    )
    .await;
    assert_eq!(
        autocomplete.body["type"], 8,
        "autocomplete is not rate limited"
    );
    let other = interact(&double, ask(&admin)).await;
    assert!(
        other.body["data"]["embeds"][0]["title"].is_string(),
        "another user is served"
    );
}

#[test]
fn run_without_a_token_says_so_in_one_line_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(assert_cmd::cargo::cargo_bin("briefbot"))
        .arg("run")
        .current_dir(dir.path())
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("DISCORD_TOKEN is not set"), "{stderr}");
    assert!(
        Path::new(dir.path()).read_dir().unwrap().next().is_none(),
        "nothing written"
    );
}

/// What an older version left behind: its commands registered globally, admin ones included.
async fn register_old_global_commands(double: &DiscordDouble, names: &[&str]) {
    let http = double.serenity_http(TOKEN);
    http.set_application_id(serenity::ApplicationId::new(APPLICATION_ID));
    let old = names
        .iter()
        .map(|name| serenity::CreateCommand::new(*name).description("An older version's"))
        .collect();
    serenity::Command::set_global_commands(&http, old)
        .await
        .expect("registered");
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_commands_are_registered_in_the_admin_guild_only_and_old_global_ones_removed() {
    let double = DiscordDouble::start().await;
    register_old_global_commands(&double, &["brief", "brief-add", "brief-remove"]).await;
    let _bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        &admin_guild(),
    )
    .await;
    assert_eq!(
        names(&double.registered_commands(None)),
        PUBLIC,
        "the global list is replaced: no admin command in it"
    );
    assert_eq!(
        names(&double.registered_commands(Some(GUILD_ID))),
        ["brief-add", "brief-remove"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn with_guild_ids_old_global_admin_commands_are_deleted_and_the_rest_left() {
    let double = DiscordDouble::start().await;
    register_old_global_commands(&double, &["brief", "brief-add", "brief-remove"]).await;
    let bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        &format!("guild_ids = [{GUILD_ID}]\n{}", admin_guild()),
    )
    .await;
    assert_eq!(
        names(&double.registered_commands(None)),
        ["brief"],
        "only the admin commands are deleted from the global list"
    );
    assert_eq!(
        names(&double.registered_commands(Some(GUILD_ID))),
        [
            "brief",
            "quotes",
            "said",
            "briefs",
            "help",
            "follow",
            "follow-me",
            "unfollow",
            "follows",
            "digest",
            "digest-preview",
            "digests",
            "undigest",
            "brief-add",
            "brief-remove"
        ],
        "a server in both lists gets both sets in one list"
    );
    assert!(
        bot.logs()
            .contains("removed the global registration of an admin command"),
        "{}",
        bot.logs()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_guild_the_bot_is_not_in_only_warns_and_the_bot_serves_on() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        &format!("admin_guild_ids = [{OTHER_GUILD_ID}, {GUILD_ID}]"),
    )
    .await;
    let logs = bot.logs();
    let warning = logs
        .lines()
        .find(|l| l.contains("WARN") && l.contains(&OTHER_GUILD_ID.to_string()))
        .unwrap_or_else(|| panic!("a warning names the server:\n{logs}"));
    assert!(warning.contains("cannot register"), "{warning}");
    assert_eq!(
        names(&double.registered_commands(Some(GUILD_ID))),
        ["brief-add", "brief-remove"],
        "the next server is registered all the same"
    );
    let answer = interact(
        &double,
        command(
            &double,
            "brief",
            json!([{"name": "topic", "type": 3, "value": "cyber"}]),
            &double.member_user(),
        ),
    )
    .await;
    assert_eq!(
        answer.body["data"]["embeds"][0]["title"],
        "Trump and Putin plan a cyber security unit"
    );
}

/// A `/brief-remove` of `id` by `user`.
fn remove(double: &DiscordDouble, id: &str, user: &TestUser) -> Value {
    double.interaction_command(
        "brief-remove",
        json!([{"name": "id", "type": 3, "value": id}]),
        user,
    )
}

/// Sends a refused admin command and returns what the caller was told.
async fn refused(double: &DiscordDouble, interaction: Value) -> String {
    let answer = interact(double, interaction).await;
    assert_eq!(answer.body["type"], 4, "answered at once: {}", answer.body);
    assert_eq!(answer.body["data"]["flags"], 64, "privately");
    answer.body["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn without_admin_guilds_no_admin_command_is_registered_or_obeyed() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    assert_eq!(names(&double.registered_commands(None)), PUBLIC);
    assert!(double.registered_commands(Some(GUILD_ID)).is_empty());
    let logs = bot.logs();
    let said: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("admin_guild_ids"))
        .collect();
    assert_eq!(said.len(), 1, "one line: {logs}");
    assert!(
        said[0].contains("/brief-add and /brief-remove are not registered")
            && said[0].contains("briefbot add"),
        "{}",
        said[0]
    );
    // A command sent anyway (a stale client) is refused.
    let text = refused(&double, remove(&double, "cyber-unit", &double.admin_user())).await;
    assert!(text.contains("Only admins"), "{text}");
    assert!(bot.briefs().join("cyber-unit.toml").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_of_another_guild_is_refused_and_in_the_admin_guild_removes_after_deferring() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(
        &double,
        &[("cyber-unit.toml", CYBER.into())],
        &admin_guild(),
    )
    .await;
    let manager = TestUser {
        permissions: perms::EVERYONE | perms::MANAGE_GUILD,
        ..double.member_user()
    };

    let text = refused(
        &double,
        double.in_other_guild(remove(&double, "cyber-unit", &manager)),
    )
    .await;
    assert!(text.contains("Only admins"), "{text}");
    assert!(
        bot.briefs().join("cyber-unit.toml").exists(),
        "nothing removed"
    );
    assert!(!bot.briefs().join(".trash").exists());

    let interaction = remove(&double, "cyber-unit", &manager);
    let token = interaction["token"].as_str().unwrap().to_owned();
    let deferred = interact(&double, interaction).await;
    assert_eq!(deferred.body["type"], 5, "deferred: {}", deferred.body);
    assert_eq!(deferred.body["data"]["flags"], 64, "privately");
    let answer = double
        .wait_for(
            |r| {
                r.path.starts_with("/api/v10/webhooks/")
                    && r.path.contains(&token)
                    && r.body["content"].is_string()
            },
            WAIT,
        )
        .await
        .expect("the answer came");
    assert!(
        answer.index > deferred.index,
        "the deferral comes before the answer"
    );
    let content = answer.body["content"].as_str().unwrap();
    assert!(
        content.starts_with("Removed Trump and Putin plan a cyber security unit (cyber-unit)."),
        "{content}"
    );
    assert!(!bot.briefs().join("cyber-unit.toml").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listed_admin_user_is_refused_in_a_dm_and_in_another_guild() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(
        &double,
        &[
            ("cyber-unit.toml", CYBER.into()),
            ("election-1.toml", numbered(1)),
        ],
        &format!("{}\nadmin_user_ids = [{MEMBER_USER_ID}]", admin_guild()),
    )
    .await;
    // A member without Manage Server, listed in admin_user_ids.
    let editor = double.member_user();
    let from_dm = refused(
        &double,
        double.in_dm(remove(&double, "cyber-unit", &editor)),
    )
    .await;
    assert!(!from_dm.starts_with("Removed"), "{from_dm}");
    let elsewhere = refused(
        &double,
        double.in_other_guild(remove(&double, "cyber-unit", &editor)),
    )
    .await;
    assert!(elsewhere.contains("Only admins"), "{elsewhere}");
    assert!(
        bot.briefs().join("cyber-unit.toml").exists(),
        "nothing removed"
    );

    // In the admin guild, the same user may.
    let text = admin_answer(&double, remove(&double, "election-1", &editor)).await;
    assert!(text.starts_with("Removed"), "{text}");
    assert!(!bot.briefs().join("election-1.toml").exists());
}

/// The masked links Discord would find in `markdown`: an unescaped `[`, the next unescaped
/// `]`, then `(` and a target running to `)` without white space.
fn masked_links(markdown: &str) -> Vec<String> {
    let chars: Vec<char> = markdown.chars().collect();
    let escaped = |i: usize| chars[..i].iter().rev().take_while(|c| **c == '\\').count() % 2 == 1;
    let mut links = Vec::new();
    for open in (0..chars.len()).filter(|&i| chars[i] == '[' && !escaped(i)) {
        let Some(close) = (open + 1..chars.len()).find(|&i| chars[i] == ']' && !escaped(i)) else {
            continue;
        };
        let target: String = chars[close + 1..]
            .iter()
            .skip(1)
            .take_while(|c| **c != ')' && !c.is_whitespace())
            .collect();
        if chars.get(close + 1) == Some(&'(')
            && chars.get(close + 2 + target.chars().count()) == Some(&')')
        {
            links.push(
                chars[open..=close + 2 + target.chars().count()]
                    .iter()
                    .collect(),
            );
        }
    }
    links
}

/// Asserts that `text`, which quotes a masked link someone typed, shows it as text: no masked
/// link, and no `https://` Discord would link.
fn assert_shown_as_text(text: &str) {
    assert!(text.contains("Free Nitro"), "the words are quoted: {text}");
    assert_eq!(masked_links(text), Vec::<String>::new(), "{text}");
    assert!(!text.contains("https://"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_masked_links_are_shown_as_text_in_mention_replies_and_answers() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let member = double.member_user();
    let bot_user = double.bot_user();
    let nitro = "[Free Nitro](https://evil.example)";
    let posted = format!("/api/v10/channels/{}/messages", double.channel_id());

    // Matched after a correction: "Showing results for …" quotes the corrected question.
    // Not matched: the notes quote the phrase.
    for question in [format!("{nitro} electoins"), format!("\"{nitro}\"")] {
        let before = double.requests().len();
        let message = double.message_create(
            &format!("{} {question}", bot_user.mention()),
            &member,
            &[&bot_user],
        );
        double.dispatch("MESSAGE_CREATE", message).await;
        let reply = double
            .wait_for_new(before, |r| r.is("POST", &posted), WAIT)
            .await
            .expect("the bot replied");
        assert_eq!(reply.status, 200, "{}", reply.response);
        assert_shown_as_text(reply.body["content"].as_str().unwrap_or_default());
    }

    for (name, option, value) in [
        ("brief", "topic", format!("\"{nitro}\"")),
        ("quotes", "speaker", nitro.to_owned()),
    ] {
        let answer = interact(
            &double,
            command(
                &double,
                name,
                json!([{"name": option, "type": 3, "value": value}]),
                &member,
            ),
        )
        .await;
        assert_shown_as_text(answer.body["data"]["content"].as_str().unwrap_or_default());
    }
}

/// A brief whose embed, cut to fit, is exactly 6000: long title, three long quotes, a long
/// footer of tags, and a summary that is cut to the room left.
fn at_the_limit(id: &str) -> String {
    let tags: Vec<String> = (0..9)
        .map(|i| format!("\"{}{i}\"", "x".repeat(179)))
        .collect();
    let quotes: String = (0..3)
        .map(|i| {
            format!(
                "[[quotes]]\nspeaker = \"{}{i}\"\nrole = \"{}\"\ntext = \"{}\"\n",
                "S".repeat(99),
                "r".repeat(200),
                "q".repeat(1000)
            )
        })
        .collect();
    format!(
        "id = \"{id}\"\ntitle = \"Zeppelin {}\"\npublished = 2020-01-01\ntags = [{}]\nsummary = \"{}\"\n{quotes}",
        "T".repeat(240),
        tags.join(", "),
        "lorem ".repeat(300).trim()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_reply_with_more_briefs_stays_within_6000() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(
        &double,
        &[
            ("zeppelin-1.toml", at_the_limit("zeppelin-1")),
            ("zeppelin-2.toml", at_the_limit("zeppelin-2")),
        ],
        "",
    )
    .await;
    let member = double.member_user();
    let bot_user = double.bot_user();
    let message = double.message_create(
        &format!("{} zeppelin", bot_user.mention()),
        &member,
        &[&bot_user],
    );
    double.dispatch("MESSAGE_CREATE", message).await;
    let reply = double
        .wait_for(
            |r| {
                r.is(
                    "POST",
                    &format!("/api/v10/channels/{}/messages", double.channel_id()),
                )
            },
            WAIT,
        )
        .await
        .expect("the bot replied");
    assert_eq!(reply.status, 200, "Discord took it: {}", reply.response);
    let embed = &reply.body["embeds"][0];
    let len = |v: &Value| v.as_str().map_or(0, |s| s.encode_utf16().count());
    let total = len(&embed["title"])
        + len(&embed["description"])
        + len(&embed["footer"]["text"])
        + embed["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| len(&f["name"]) + len(&f["value"]))
            .sum::<usize>();
    assert_eq!(total, 6000, "cut to the limit, the footer included");
    assert!(
        embed["footer"]["text"]
            .as_str()
            .unwrap()
            .ends_with(" · 1 more: /brief"),
        "{embed}"
    );
}

#[test]
fn run_refuses_a_discord_api_url_that_would_carry_the_token_in_clear() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let double = runtime.block_on(DiscordDouble::start());
    // 0.0.0.0 reaches this machine's listeners on Linux, so without the check the token would
    // reach the double; it is no loopback address, though, and so is refused.
    let unencrypted = format!("http://0.0.0.0:{}", double.http_addr().port());
    for (api, why) in [
        (unencrypted.as_str(), "http:// to 0.0.0.0"),
        ("http://discord.example", "http:// to discord.example"),
        ("ftp://127.0.0.1", "its scheme is ftp:"),
        ("discord.com", "not a valid URL"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("briefbot"))
            .arg("run")
            .current_dir(dir.path())
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_API_URL", api)
            .env("RUST_LOG", "trace")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("{api}: the bot ran instead of refusing");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{api}: {stderr}");
        assert!(
            stderr.contains("DISCORD_API_URL is refused") && stderr.contains(why),
            "{api}: {stderr}"
        );
        assert!(!stderr.contains("secret-test-token"), "{api}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&output.stdout).contains("secret-test-token"),
            "{api}"
        );
    }
    assert!(
        double.requests().is_empty(),
        "no request was made: {:?}",
        double.requests()
    );
}
