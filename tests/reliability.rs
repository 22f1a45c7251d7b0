//! Reliability of the real bot against the Discord double: load from many users, gateway
//! faults (closes, reconnect requests, invalid sessions, unacknowledged heartbeats), REST faults
//! (429, 500, a hung request), and shutdown with replies in flight.
//!
//! The load test checks that every interaction is answered once, not how fast: its latency
//! figures (dispatch to callback, p50/p99) are a benchmark, printed when it is run alone with
//! `cargo test --release --test reliability load -- --nocapture` (figures in BENCHMARKS.md).

#[path = "support/bot.rs"]
mod bot;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bot::{Bot, WAIT, interact};
use discord_double::{DiscordDouble, TestUser};
use serde_json::{Value, json};

/// A deterministic library of `n` briefs with varied words and speakers.
fn library(n: usize) -> Vec<(String, String)> {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mer", "tin", "sa", "vor", "el", "dun", "pri", "ga", "ston", "ri", "ba", "nel",
        "cor", "fi",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let words: Vec<String> = (0..2000)
        .map(|i| {
            let a = SYLLABLES[i % 16];
            let b = SYLLABLES[(i / 16) % 16];
            let c = SYLLABLES[(i / 256) % 16];
            format!("{a}{b}{c}")
        })
        .collect();
    let mut pick = |count: usize| {
        (0..count)
            .map(|_| {
                // Roughly Zipf: small indexes are much more frequent.
                let r = (next() % 1_000_000) as f64 / 1_000_000.0;
                words[((r * r * r) * words.len() as f64) as usize].clone()
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    (0..n)
        .map(|i| {
            let text = format!(
                "id = \"brief-{i}\"\ntitle = \"{}\"\npublished = 20{:02}-{:02}-{:02}\nsummary = \"{}.\"\n\n[[quotes]]\nspeaker = \"Speaker {}\"\ntext = \"{}.\"\n",
                pick(8),
                10 + i % 10,
                1 + i % 12,
                1 + i % 28,
                pick(80),
                i % 500,
                pick(20)
            );
            (format!("brief-{i}.toml"), text)
        })
        .collect()
}

fn user(n: u64) -> TestUser {
    TestUser {
        id: 300_000_000_000_000_000 + n,
        username: format!("reader_{n}"),
        ..TestUser::member()
    }
}

fn brief_command(double: &DiscordDouble, topic: &str, user: &TestUser) -> Value {
    double.interaction_command(
        "brief",
        json!([{"name": "topic", "type": 3, "value": topic}]),
        user,
    )
}

/// How long the load test waits for one answer before it calls the bot stuck.
const LOAD_GUARD: Duration = Duration::from_secs(120);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::test(flavor = "multi_thread")]
async fn load_two_thousand_interactions_from_fifty_users_are_each_answered_once() {
    let double = DiscordDouble::start().await;
    // Discord's 3 s window is not what this test is about: on a debug build sharing a slow
    // machine, 50 interactions at once can take longer to answer for reasons that are not the
    // bot's. The window is tested where it is the behaviour (`bot::interact`); the speed under
    // load is measured, in a release build, by this test's printed figures.
    double.set_interaction_deadline(LOAD_GUARD);
    let briefs = library(10_000);
    let briefs: Vec<(&str, String)> = briefs
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone()))
        .collect();
    let bot = Bot::start(&double, &briefs, "").await;
    let users: Vec<TestUser> = (0..50).map(user).collect();
    let topics = [
        "kalomer",
        "tinsavor",
        "eldunpri",
        "gaston ri",
        "kalo",
        "\"kalolo kaloka\"",
        "merkalo ba",
        "zzzz",
    ];
    let mut latencies = Vec::new();
    let mut sent: HashMap<String, Instant> = HashMap::new();
    for burst in 0..40 {
        let mut ids = Vec::new();
        for (i, user) in users.iter().enumerate() {
            let interaction = brief_command(&double, topics[(burst + i) % topics.len()], user);
            let id = interaction["id"].as_str().unwrap().to_owned();
            sent.insert(id.clone(), Instant::now());
            double.dispatch("INTERACTION_CREATE", interaction).await;
            ids.push(id);
        }
        for id in ids {
            let callback = double
                .wait_for(
                    |r| r.is("POST", &format!("/api/v10/interactions/{id}/*/callback")),
                    LOAD_GUARD,
                )
                .await
                .unwrap_or_else(|| panic!("interaction {id} was answered; logs:\n{}", bot.logs()));
            latencies.push(callback.received_at.duration_since(sent[&id]));
        }
    }
    let callbacks = double.callbacks();
    let mut per_interaction: HashMap<String, usize> = HashMap::new();
    for callback in &callbacks {
        let id = callback.path.split('/').nth(4).unwrap().to_owned();
        *per_interaction.entry(id).or_default() += 1;
    }
    assert_eq!(per_interaction.len(), 2000, "every interaction answered");
    assert!(
        per_interaction.values().all(|&n| n == 1),
        "none answered twice"
    );
    assert!(
        callbacks.iter().all(|c| c.status < 300),
        "every answer accepted (well formed)"
    );
    latencies.sort();
    println!(
        "load: 2000 interactions, 50 users, 10000 briefs: dispatch->callback p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().unwrap().as_secs_f64() * 1000.0
    );
}

async fn answered_after(double: &DiscordDouble, what: &str) {
    let callback = tokio::time::timeout(
        Duration::from_secs(30),
        interact(
            double,
            brief_command(double, "cyber", &double.member_user()),
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("no answer after {what}"));
    assert_eq!(callback.body["type"], 4, "after {what}");
}

const CYBER: &str =
    "title = \"Cyber unit\"\npublished = 2017-07-09\nsummary = \"A cyber security unit.\"\n";

/// Waits until the bot has connected to the gateway again after a fault.
async fn reconnected(double: &DiscordDouble, connections_before: usize) {
    let started = Instant::now();
    while double.gateway_connections().len() <= connections_before {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the bot reconnected"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(double.wait_ready(WAIT).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn gateway_faults_are_survived() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &[("cyber.toml", CYBER.into())], "").await;
    answered_after(&double, "start").await;

    for code in [1006, 4000] {
        let before = double.gateway_connections().len();
        assert!(double.close_gateway(code, "test fault").await);
        reconnected(&double, before).await;
        answered_after(&double, &format!("close {code}")).await;
    }

    let before = double.gateway_connections().len();
    assert!(double.send_reconnect().await);
    reconnected(&double, before).await;
    answered_after(&double, "op 7 Reconnect").await;

    let before = double.gateway_connections().len();
    assert!(double.send_invalid_session(false).await);
    reconnected(&double, before).await;
    answered_after(&double, "op 9 Invalid Session").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unacknowledged_heartbeats_make_the_bot_connect_again() {
    let double = DiscordDouble::start().await;
    double.set_heartbeat_interval(Duration::from_millis(500));
    let bot = Bot::start(&double, &[("cyber.toml", CYBER.into())], "").await;
    answered_after(&double, "start").await;
    let before = double.gateway_connections().len();
    double.set_heartbeat_ack(false);
    let started = Instant::now();
    while double.gateway_connections().len() <= before {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the bot noticed the silence; logs:\n{}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    double.set_heartbeat_ack(true);
    assert!(double.wait_ready(WAIT).await);
    answered_after(&double, "unacknowledged heartbeats").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_faults_are_logged_and_the_bot_goes_on() {
    let double = DiscordDouble::start().await;
    let bot = Bot::start(&double, &[("cyber.toml", CYBER.into())], "").await;
    let member = double.member_user();

    double.fail_next_callbacks_429(1, 0.2);
    let id = brief_command(&double, "cyber", &member);
    double.dispatch("INTERACTION_CREATE", id).await;
    bot.wait_log("command failed").await;
    answered_after(&double, "a 429").await;

    double.fail_next_callbacks_500(1);
    double
        .dispatch(
            "INTERACTION_CREATE",
            brief_command(&double, "cyber", &member),
        )
        .await;
    let started = Instant::now();
    while bot.logs().matches("command failed").count() < 2 {
        assert!(
            started.elapsed() < WAIT,
            "the 500 was logged:\n{}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    answered_after(&double, "a 500").await;

    double.hang_next_callbacks(1);
    double
        .dispatch(
            "INTERACTION_CREATE",
            brief_command(&double, "cyber", &member),
        )
        .await;
    answered_after(&double, "a hung request").await;
}

fn terminate(bot: &Bot) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &bot.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

async fn exit_code(bot: &mut Bot, limit: Duration) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Some(status) = bot.child.try_wait().unwrap() {
            return status.code();
        }
        assert!(
            started.elapsed() < limit,
            "the bot exited within {limit:?}; logs:\n{}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_replies_in_flight_finish_and_exits_0() {
    let double = DiscordDouble::start().await;
    let briefs: Vec<(String, String)> = (0..3)
        .map(|i| {
            (
                format!("c{i}.toml"),
                CYBER.replace("Cyber unit", &format!("Cyber unit {i}")),
            )
        })
        .collect();
    let briefs: Vec<(&str, String)> = briefs
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone()))
        .collect();
    let mut bot = Bot::start(&double, &briefs, "page_timeout_secs = 600").await;
    // A paged answer stays in flight, waiting for button presses.
    let first = interact(
        &double,
        brief_command(&double, "cyber", &double.member_user()),
    )
    .await;
    let token = first.path.rsplit('/').nth(1).unwrap().to_owned();
    assert!(first.body["data"]["components"].is_array());
    terminate(&bot);
    assert_eq!(exit_code(&mut bot, Duration::from_secs(10)).await, Some(0));
    let finished = double
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
    assert!(
        finished.is_some(),
        "the paged reply was finished (its buttons removed) before exit"
    );
    assert!(bot.logs().contains("stopped"), "{}", bot.logs());
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_waits_for_a_stuck_reply_only_as_long_as_the_grace() {
    let double = DiscordDouble::start().await;
    let mut bot = Bot::start(
        &double,
        &[("cyber.toml", CYBER.into())],
        "shutdown_grace_secs = 1",
    )
    .await;
    double.hang_next_callbacks(1);
    let stuck = brief_command(&double, "cyber", &double.member_user());
    let id = stuck["id"].as_str().unwrap().to_owned();
    double.dispatch("INTERACTION_CREATE", stuck).await;
    // The reply is in flight once its request hangs at the double (not after a fixed sleep,
    // which a slow machine outlasts).
    let hanging = double
        .wait_for(
            |r| r.is("POST", &format!("/api/v10/interactions/{id}/*/callback")),
            WAIT,
        )
        .await;
    assert!(
        hanging.is_some(),
        "the reply reached Discord and hangs there"
    );
    let started = Instant::now();
    terminate(&bot);
    assert_eq!(exit_code(&mut bot, Duration::from_secs(10)).await, Some(0));
    // The grace bounds the wait: this limit is the behaviour under test, with a wide margin
    // (the reply hangs forever; the grace is 1 s).
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        bot.logs().contains("stopped with replies still in flight"),
        "{}",
        bot.logs()
    );
}
