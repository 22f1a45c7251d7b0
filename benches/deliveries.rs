//! Delivering one new brief to many followed channels: the real `briefbot run` against the
//! local Discord double (the `discord-double` crate) with a real SQLite file, N channel follows
//! of one topic in N text channels of the double's guild, then one brief on that topic dropped
//! into the folder. Measured: the time from the drop to the first and to the N-th post the
//! double received, deliveries per second overall, and the most posts in any 1-second window
//! (which pacing holds to `announce_per_second`).
//!
//! ```sh
//! cargo bench --bench deliveries                      # the bot built from this tree
//! BRIEFBOT_BIN=/path/to/other/briefbot cargo bench --bench deliveries   # another build
//! BRIEFBOT_DELIVERY_RUNS=5:1000,40:1000 cargo bench --bench deliveries  # pace:channels,...
//! ```
//!
//! By default 200 channels at the default pace of 5 a second (1,000 would take over three
//! minutes) and 1,000 at 40 a second, the most the config allows.
//!
//! The follows are written into the database through `briefbot::store` before the bot starts,
//! not made with `/follow`: one server may have at most 100 channel follows
//! (`discord::follows::MAX_SERVER_FOLLOWS`), and the double has one guild. What is measured,
//! matching and the paced posting, is the same either way. The figures are printed, not
//! asserted: a benchmark, not a test.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use briefbot::store::Store;
use briefbot::store::follows::{NewFollow, Target};
use discord_double::{ADMIN_USER_ID, DiscordDouble, GUILD_ID};

const TOKEN: &str = "MTk4NjIyNDgzNDcxOTI1MjQ4.Gl3Yxk.bench-token-not-a-secret";

/// The topic every channel follows, and a brief on it.
const TOPIC: &str = "election hacking";
const MATCHING: &str = r#"id = "hacked"
title = "Election servers hacked"
published = 2020-03-01
summary = "The election hacking inquiry widens."
"#;
/// In the folder from the start, so that the library is not empty; it matches nothing.
const UNRELATED: &str = r#"id = "weather"
title = "Storms ahead"
published = 2020-02-01
summary = "Rain and wind all week."
"#;

/// Kills the bot when a run ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What one run measured.
struct Figures {
    per_second: usize,
    channels: usize,
    posted: usize,
    first: Duration,
    last: Duration,
    max_in_a_second: usize,
}

/// The most of `times` (sorted) that fall in any window of one second.
fn max_in_window(times: &[Duration], window: Duration) -> usize {
    let mut start = 0;
    let mut most = 0;
    for (end, at) in times.iter().enumerate() {
        while *at - times[start] >= window {
            start += 1;
        }
        most = most.max(end + 1 - start);
    }
    most
}

/// The follows, written before the bot starts.
async fn seed(database: &Path, channels: &[u64]) {
    let store = Store::open(&format!("sqlite://{}", database.display()))
        .await
        .expect("the database");
    for channel in channels {
        let new = NewFollow {
            target: Target::Channel {
                guild_id: GUILD_ID,
                channel_id: *channel,
            },
            creator_id: ADMIN_USER_ID,
            topic_typed: TOPIC.to_owned(),
            topic: TOPIC.to_owned(),
            ping_role_id: None,
        };
        store.create_follow(&new, 10).await.expect("a follow");
    }
    store.close().await;
}

async fn run(binary: &Path, per_second: usize, channels: usize) -> Figures {
    let double = DiscordDouble::start().await;
    let ids = double.add_text_channels(channels);
    let dir = tempfile::tempdir().expect("temporary folder");
    let briefs = dir.path().join("briefs");
    std::fs::create_dir(&briefs).expect("briefs folder");
    std::fs::write(briefs.join("weather.toml"), UNRELATED).expect("a brief");
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "announce_per_second = {per_second}\n[discord]\nshards = 1\ncooldown_commands = 0\n"
        ),
    )
    .expect("config");
    seed(&dir.path().join("briefbot.db"), &ids).await;
    let log = std::fs::File::create(dir.path().join("bot.log")).expect("log file");
    let _bot = Running(
        Command::new(binary)
            .arg("run")
            .current_dir(dir.path())
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_API_URL", double.http_url())
            .env("RUST_LOG", "briefbot=warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display())),
    );
    let wait = Duration::from_secs(120);
    assert!(double.wait_ready(wait).await, "the bot connected");
    double
        .wait_for(|r| r.method == "PUT" && r.path.ends_with("/commands"), wait)
        .await
        .expect("the bot registered its commands");
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Written beside the folder and renamed in, so that the bot never reads half a file.
    let staged = dir.path().join("hacked.toml");
    std::fs::write(&staged, MATCHING).expect("the brief");
    let dropped = Instant::now();
    std::fs::rename(&staged, briefs.join("hacked.toml")).expect("the drop");

    let added: std::collections::HashSet<String> = ids
        .iter()
        .map(|id| format!("/api/v10/channels/{id}/messages"))
        .collect();
    let posts = || {
        double
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.status == 200 && added.contains(&r.path))
            .map(|r| r.received_at.duration_since(dropped))
            .collect::<Vec<_>>()
    };
    // Polled seldom: each look copies every request under the double's lock, which would
    // hold up the posts being measured (their times are the double's, not the poll's).
    // Three times the paced duration, and a minute for the start.
    let deadline = dropped + Duration::from_secs((3 * channels / per_second) as u64 + 60);
    let mut times = posts();
    while times.len() < channels && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(2)).await;
        times = posts();
    }
    // A moment more: any post beyond one per channel would show here.
    tokio::time::sleep(Duration::from_secs(1)).await;
    times = posts();
    times.sort();
    Figures {
        per_second,
        channels,
        posted: times.len(),
        first: times.first().copied().unwrap_or_default(),
        last: times.last().copied().unwrap_or_default(),
        max_in_a_second: max_in_window(&times, Duration::from_secs(1)),
    }
}

/// `pace:channels` pairs, e.g. `5:200,40:1000`.
fn runs() -> Vec<(usize, usize)> {
    let spec = std::env::var("BRIEFBOT_DELIVERY_RUNS").unwrap_or_else(|_| "5:200,40:1000".into());
    spec.split(',')
        .filter_map(|pair| {
            let (pace, channels) = pair.trim().split_once(':')?;
            Some((pace.parse().ok()?, channels.parse().ok()?))
        })
        .collect()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let binary = std::env::var_os("BRIEFBOT_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_briefbot")),
        PathBuf::from,
    );
    // The bot runs in its own folder: a relative path must not be read from there.
    let binary = std::path::absolute(&binary).expect("the binary's path");
    println!("binary: {}", binary.display());
    println!(
        "{:>6} {:>8} {:>7} {:>10} {:>10} {:>9} {:>10} {:>6}",
        "pace/s", "channels", "posted", "first (s)", "last (s)", "posts/s", "max in 1s", "held"
    );
    for (per_second, channels) in runs() {
        let f = run(&binary, per_second, channels).await;
        let rate = f.posted as f64 / f.last.as_secs_f64().max(f64::EPSILON);
        // +1 for a window that catches both edges of the pacing's one-second steps.
        let held = f.max_in_a_second <= f.per_second + 1;
        println!(
            "{:>6} {:>8} {:>7} {:>10.2} {:>10.2} {:>9.2} {:>10} {:>6}",
            f.per_second,
            f.channels,
            f.posted,
            f.first.as_secs_f64(),
            f.last.as_secs_f64(),
            rate,
            f.max_in_a_second,
            if held { "yes" } else { "NO" }
        );
    }
}
