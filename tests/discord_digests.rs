//! Digests on Discord, end to end: the real bot (`briefbot run`, the real serenity client, a
//! real SQLite file in the test's folder) against the Discord double. `/digest` sets one up,
//! `/digests`, `/digest-preview` and `/undigest` answer privately, and the digest worker
//! posts a digest whose time has come. No test waits for a clock time: the digest posted is
//! one whose time passed minutes ago, within the catch-up window.

#[path = "support/bot.rs"]
mod bot;

use std::time::Duration;

use bot::{Bot, WAIT, interact};
use briefbot::store::Store;
use discord_double::{ADMIN_USER_ID, CHANNEL_ID, DiscordDouble, Fault, Recorded, TestUser};
use serde_json::{Value, json};

const CYBER: &str = r#"id = "cyber-unit"
title = "Trump and Putin plan a cyber security unit"
published = 2017-07-09
summary = "The two leaders agreed to form a unit against election hacking."
"#;

fn content(callback: &Recorded) -> String {
    callback.body["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn option(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// `/digest` in the double's channel, naming it, with `more` options.
fn digest(double: &DiscordDouble, user: &TestUser, more: &[Value]) -> Value {
    let mut options = vec![json!({"name": "channel", "type": 7, "value": CHANNEL_ID.to_string()})];
    options.extend(more.iter().cloned());
    let mut interaction = double.interaction_command("digest", Value::Array(options), user);
    interaction["data"]["resolved"] = json!({"channels": {CHANNEL_ID.to_string(): {
        "id": CHANNEL_ID.to_string(), "name": "general", "type": 0,
        "permissions": user.permissions.to_string(),
    }}});
    interaction
}

async fn command(double: &DiscordDouble, name: &str, user: &TestUser) -> String {
    content(&interact(double, double.interaction_command(name, Value::Null, user)).await)
}

/// Drops a brief file into the bot's folder, written whole then renamed.
fn drop_brief(bot: &Bot, id: &str, title: &str) {
    let text = format!(
        "id = \"{id}\"\ntitle = \"{title}\"\npublished = 2020-03-01\nsource = \"https://news.example/{id}\"\nsummary = \"Rain and wind all week.\"\n"
    );
    let temporary = bot.briefs().join(format!(".{id}.tmp"));
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, bot.briefs().join(format!("{id}.toml"))).unwrap();
}

/// The bot's database, opened beside it (SQLite allows both at once).
async fn database(bot: &Bot) -> Store {
    let path = bot.briefs().parent().unwrap().join("briefbot.db");
    Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
}

/// Waits until the bot has recorded `n` briefs as seen.
async fn wait_seen(store: &Store, n: u64) {
    let started = std::time::Instant::now();
    while store.seen_count().await.unwrap() < n {
        assert!(started.elapsed() < WAIT, "the bot saw the new brief");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The messages Discord accepted from the bot in the channel (not interaction answers).
fn posts(double: &DiscordDouble) -> Vec<Recorded> {
    double
        .requests()
        .into_iter()
        .filter(|r| {
            r.is("POST", &format!("/api/v10/channels/{CHANNEL_ID}/messages"))
                && (200..300).contains(&r.status)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_digest_is_set_up_listed_previewed_and_stopped() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    let made = interact(
        &double,
        digest(
            &double,
            &admin,
            &[
                option("time", "8:00"),
                option("timezone", "europe/berlin"),
                option("days", "weekdays"),
                option("topic", "storms"),
            ],
        ),
    )
    .await;
    assert_eq!(made.body["data"]["flags"], 64, "ephemeral");
    assert_eq!(made.body["data"]["allowed_mentions"]["parse"], json!([]));
    let said = content(&made);
    assert!(
        said.starts_with("A digest of new briefs on “storms” in <#")
            && said.contains("at 08:00 Europe/Berlin, weekdays. The next one: <t:"),
        "{said}"
    );
    // Asking again changes the schedule of the same digest.
    let changed = content(
        &interact(
            &double,
            digest(
                &double,
                &admin,
                &[
                    option("time", "18:30"),
                    option("days", "mon,fri"),
                    option("topic", "storms"),
                ],
            ),
        )
        .await,
    );
    assert!(
        changed.starts_with("Changed:") && changed.contains("at 18:30 UTC, mon,fri"),
        "{changed}"
    );
    let listed = command(&double, "digests", &double.member_user()).await;
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(
        listed.contains("“storms”")
            && listed.contains("18:30 UTC, mon,fri")
            && listed.contains("active"),
        "{listed}"
    );
    // The preview: nothing yet; then the new brief on the topic, privately.
    let empty = interact(
        &double,
        double.interaction_command("digest-preview", Value::Null, &admin),
    )
    .await;
    assert_eq!(empty.body["data"]["flags"], 64);
    assert!(
        content(&empty).contains("so far nothing is new"),
        "{}",
        content(&empty)
    );
    let store = database(&bot).await;
    drop_brief(&bot, "storm", "Storms ahead");
    drop_brief(&bot, "vote", "Election day");
    wait_seen(&store, 3).await;
    let preview = interact(
        &double,
        double.interaction_command("digest-preview", Value::Null, &admin),
    )
    .await;
    assert_eq!(preview.body["data"]["flags"], 64);
    let embed = &preview.body["data"]["embeds"][0];
    assert_eq!(embed["title"], "Digest of “storms”", "{}", preview.body);
    let lines: Vec<&str> = embed["description"].as_str().unwrap().lines().collect();
    assert_eq!(
        lines[1..],
        ["`2020-03-01` — [Storms ahead](https://news.example/storm)"],
        "{lines:?}"
    );
    assert!(posts(&double).is_empty(), "a preview posts nothing");
    // /undigest offers it, and stops it for a manager only.
    let offered = interact(
        &double,
        double.interaction_autocomplete("undigest", "digest", "storm", &admin),
    )
    .await;
    let choices = offered.body["data"]["choices"].as_array().unwrap().clone();
    assert_eq!(choices.len(), 1, "{choices:?}");
    let id = choices[0]["value"].as_str().unwrap().to_owned();
    let undigest = |user: &TestUser| {
        double.interaction_command("undigest", json!([option("digest", &id)]), user)
    };
    let refused = content(&interact(&double, undigest(&double.member_user())).await);
    assert!(
        refused.contains("Only members with Manage Channels"),
        "{refused}"
    );
    let stopped = content(&interact(&double, undigest(&admin)).await);
    assert!(stopped.starts_with("Stopped: “storms”"), "{stopped}");
    assert!(
        command(&double, "digests", &admin)
            .await
            .contains("no digest")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_digest_is_refused_as_a_follow_is_and_bad_fields_are_named() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let member = double.member_user();
    let refused = content(
        &interact(
            &double,
            digest(&double, &member, &[option("time", "08:00")]),
        )
        .await,
    );
    assert!(
        refused.starts_with("Only members with Manage Channels"),
        "{refused}"
    );
    let admin = double.admin_user();
    for (options, expected) in [
        (
            vec![option("time", "8am")],
            "Cannot set up that digest: time: expected HH:MM such as 08:00, not \"8am\".",
        ),
        (
            vec![option("time", "08:00"), option("timezone", "Mars/Base")],
            "Cannot set up that digest: timezone: unknown time zone \"Mars/Base\"; expected an IANA name such as Europe/Berlin.",
        ),
        (
            vec![option("time", "08:00"), option("days", "someday")],
            "Cannot set up that digest: days: expected daily, weekdays, or days such as mon,wed,fri, not \"someday\".",
        ),
        (
            vec![option("time", "08:00"), option("topic", "the of")],
            "Cannot set up that digest: \"the of\" has no word to look for",
        ),
    ] {
        let said = content(&interact(&double, digest(&double, &admin, &options)).await);
        assert!(said.starts_with(expected), "{said}");
    }
    let store = database(&bot).await;
    assert!(store.digests().await.unwrap().is_empty());
    // The time zone is offered from the IANA names, at most 25.
    let offered = interact(
        &double,
        double.interaction_autocomplete("digest", "timezone", "berl", &admin),
    )
    .await;
    assert_eq!(
        offered.body["data"]["choices"],
        json!([{"name": "Europe/Berlin", "value": "Europe/Berlin"}])
    );
    let many = interact(
        &double,
        double.interaction_autocomplete("digest", "timezone", "america/", &admin),
    )
    .await;
    assert_eq!(many.body["data"]["choices"].as_array().unwrap().len(), 25);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_digest_whose_time_has_come_is_posted_once_by_the_worker() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    // Ten minutes ago, UTC: within the two hours of catch-up, but before the digest was made,
    // so not due yet.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let earlier = (now - 600) % 86_400;
    let time = format!("{:02}:{:02}", earlier / 3600, earlier % 3600 / 60);
    let options = [option("time", &time)];
    let made = content(&interact(&double, digest(&double, &admin, &options)).await);
    assert!(made.starts_with("A digest of every new brief"), "{made}");
    let store = database(&bot).await;
    drop_brief(&bot, "storm", "Storms ahead");
    wait_seen(&store, 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        posts(&double).is_empty(),
        "made after its time today: not due"
    );
    // As if it had been set up yesterday: today's time has come, ten minutes ago.
    // (And the brief there from the start, seen long before.)
    sqlx::query("UPDATE digests SET created_at = created_at - 86400")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query(
        "UPDATE seen_briefs SET first_seen = first_seen - 172800 WHERE brief_id = 'cyber-unit'",
    )
    .execute(store.pool())
    .await
    .unwrap();
    // A digest lists what was seen up to the last whole second before it is made: the storm,
    // seen in this very second, would be in the next one. Seen a minute ago, it is in this.
    sqlx::query("UPDATE seen_briefs SET first_seen = first_seen - 60 WHERE brief_id = 'storm'")
        .execute(store.pool())
        .await
        .unwrap();
    // Asking again wakes the worker (as a restart or its 30-second tick would).
    interact(&double, digest(&double, &admin, &options)).await;
    let post = double
        .wait_for(
            |r| r.is("POST", &format!("/api/v10/channels/{CHANNEL_ID}/messages")),
            WAIT,
        )
        .await
        .unwrap_or_else(|| panic!("the digest was posted; logs:\n{}", bot.logs()));
    let embed = &post.body["embeds"][0];
    assert_eq!(embed["title"], "Digest of the news", "{}", post.body);
    let lines: Vec<&str> = embed["description"].as_str().unwrap().lines().collect();
    assert!(lines[0].starts_with("New since <t:"), "{lines:?}");
    assert_eq!(
        lines[1..],
        ["`2020-03-01` — [Storms ahead](https://news.example/storm)"]
    );
    assert_eq!(post.body["allowed_mentions"]["parse"], json!([]));
    // The worker records the occurrence as sent just after the post: wait for that before
    // the restart, or a slow machine restarts it in between (the occurrence is then held by
    // its claim until the lease ends, which is another test's subject).
    let started = std::time::Instant::now();
    while store.digests().await.unwrap()[0].last_occurrence.is_none() {
        assert!(started.elapsed() < WAIT, "the digest was recorded as sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Woken again, and restarted: never twice for one occurrence.
    interact(&double, digest(&double, &admin, &options)).await;
    let mut bot = bot;
    bot.kill();
    bot.restart(&double, "briefbot=info").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(posts(&double).len(), 1, "{:?}", posts(&double));
    let digests = store.digests().await.unwrap();
    assert!(digests[0].last_occurrence.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_digest_refused_for_good_is_paused_and_its_creator_told() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber-unit.toml", CYBER.into())], "").await;
    let admin = double.admin_user();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let earlier = (now - 600) % 86_400;
    let time = format!("{:02}:{:02}", earlier / 3600, earlier % 3600 / 60);
    let options = [option("time", &time)];
    interact(&double, digest(&double, &admin, &options)).await;
    let store = database(&bot).await;
    drop_brief(&bot, "storm", "Storms ahead");
    wait_seen(&store, 2).await;
    // Set up yesterday: today's time came ten minutes ago, and the storm, seen a minute ago,
    // is new since.
    sqlx::query("UPDATE digests SET created_at = created_at - 86400")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE seen_briefs SET first_seen = first_seen - 60 WHERE brief_id = 'storm'")
        .execute(store.pool())
        .await
        .unwrap();
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
    // Asking again wakes the worker.
    interact(&double, digest(&double, &admin, &options)).await;
    let opened = double
        .wait_for(|r| r.is("POST", "/api/v10/users/@me/channels"), WAIT)
        .await
        .unwrap_or_else(|| panic!("a DM channel was opened; logs:\n{}", bot.logs()));
    assert_eq!(opened.body["recipient_id"], ADMIN_USER_ID.to_string());
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
    let text = told.body["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("digest") && text.contains("paused") && text.contains("Missing Permissions"),
        "{text}"
    );
    assert_eq!(told.body["allowed_mentions"]["parse"], json!([]));
    let digests = store.digests().await.unwrap();
    assert!(
        digests[0]
            .paused
            .as_deref()
            .is_some_and(|r| r.contains("Missing Permissions")),
        "{digests:?}"
    );
}
