//! `briefbot follows`: the follows and queued deliveries of the database, from the real
//! binary.

#[path = "support/cli.rs"]
mod support_cli;

use briefbot::store::Store;
use briefbot::store::follows::{Created, NewFollow, Target};
use support_cli::{briefbot, json_of, stderr_of, stdout_of};

/// A database beside a config file in `dir`, with a channel follow (paused) and a personal
/// one, and one delivery queued for the first.
async fn populate(dir: &std::path::Path) {
    let store = Store::open(&format!("sqlite://{}", dir.join("bot.db").display()))
        .await
        .unwrap();
    let channel = NewFollow {
        target: Target::Channel {
            guild_id: 1_100_000_000_000_000_001,
            channel_id: 1_200_000_000_000_000_002,
        },
        creator_id: 7,
        topic_typed: "electoin".into(),
        topic: "election".into(),
        ping_role_id: Some(9),
    };
    let Created::New(channel) = store.create_follow(&channel, 10).await.unwrap() else {
        panic!("a new follow")
    };
    let personal = NewFollow {
        target: Target::Personal { user_id: 5 },
        creator_id: 5,
        topic_typed: String::new(),
        topic: String::new(),
        ping_role_id: None,
    };
    store.create_follow(&personal, 10).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    briefbot::store::deliveries::queue(&store, &mut conn, channel.id, "storm-warning", 0, 0)
        .await
        .unwrap();
    drop(conn);
    store
        .pause_follow(
            channel.id,
            "missing permission or access: Missing Permissions",
        )
        .await
        .unwrap();
    store.close().await;
}

#[tokio::test]
async fn follows_lists_the_database_as_json_and_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "database_url = \"sqlite://bot.db\"\n",
    )
    .unwrap();
    populate(dir.path()).await;
    let json = json_of(briefbot(dir.path()).args(["follows", "--json"]));
    let follows = json["follows"].as_array().unwrap();
    assert_eq!(follows.len(), 2);
    assert_eq!(follows[0]["scope"], "channel");
    assert_eq!(follows[0]["channel_id"], "1200000000000000002");
    assert_eq!(follows[0]["topic"], "election");
    assert_eq!(follows[0]["topic_typed"], "electoin");
    assert_eq!(follows[0]["status"], "paused");
    assert_eq!(
        follows[0]["paused_reason"],
        "missing permission or access: Missing Permissions"
    );
    assert_eq!(follows[1]["scope"], "personal");
    assert_eq!(follows[1]["user_id"], "5");
    assert_eq!(follows[1]["status"], "active");
    let queued = json["queued"].as_array().unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["brief_id"], "storm-warning");
    assert_eq!(queued[0]["follow_id"], follows[0]["id"]);

    let text = stdout_of(briefbot(dir.path()).arg("follows"));
    assert!(
        text.contains("channel 1200000000000000002 (server 1100000000000000001): \"election\" (typed \"electoin\")"),
        "{text}"
    );
    assert!(
        text.contains("paused: missing permission or access"),
        "{text}"
    );
    assert!(text.contains("DM to user 5: every brief"), "{text}");
    assert!(
        text.contains("1 queued deliveries.\n  storm-warning for #1"),
        "{text}"
    );
}

#[test]
fn follows_without_a_database_lists_nothing_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout_of(briefbot(dir.path()).arg("follows"));
    assert_eq!(text, "No follows.\n0 queued deliveries.\n");
    assert!(!dir.path().join("briefbot.db").exists());
}

#[tokio::test]
async fn database_url_in_the_environment_wins_over_the_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "database_url = \"sqlite://other.db\"\n",
    )
    .unwrap();
    populate(dir.path()).await;
    let json = json_of(
        briefbot(dir.path())
            .env("DATABASE_URL", "sqlite://bot.db")
            .args(["follows", "--json"]),
    );
    assert_eq!(json["follows"].as_array().unwrap().len(), 2);
}

#[test]
fn a_file_that_is_not_a_database_is_named_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("briefbot.db"),
        "not a database at all, ".repeat(200),
    )
    .unwrap();
    let stderr = stderr_of(briefbot(dir.path()).arg("follows"), 1);
    assert!(
        stderr.contains("briefbot.db: this file is not a SQLite database"),
        "{stderr}"
    );
}
