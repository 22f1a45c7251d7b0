//! Memory of the running bot while many paged answers are live: the real `briefbot run`
//! against the local Discord double (the `discord-double` crate) on a generated corpus,
//! then 200 `/briefs` from 20 users (10 each, in rounds of one per user), and the bot process's
//! resident memory read from `/proc/<pid>/status` (VmRSS now, VmHWM its peak).
//!
//! ```sh
//! cargo build --release -p corpusgen
//! ./target/release/corpusgen --briefs 100000 --seed 42 --out target/bench-corpus/100000
//! cargo bench --bench bot_memory                      # the bot built from this tree
//! BRIEFBOT_BIN=/path/to/other/briefbot cargo bench --bench bot_memory   # another build
//! ```
//!
//! `BRIEFBOT_MEMORY_BRIEFS` picks the corpus size (default 100000; the corpus is read from
//! `target/bench-corpus/<N>` or `$BRIEFBOT_BENCH_CORPUS/<N>`). The figures are printed, not
//! asserted: a benchmark, not a test. The double answers every interaction however late (its
//! 3-second window is lifted here), so that a slow bot is measured rather than refused.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use discord_double::{DiscordDouble, TestUser};
use serde_json::json;

const USERS: u64 = 20;
const PER_USER: usize = 10;
const TOKEN: &str = "MTk4NjIyNDgzNDcxOTI1MjQ4.Gl3Yxk.bench-token-not-a-secret";

/// Kills the bot when the benchmark ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// (VmRSS, VmHWM) of a process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn corpus(size: usize) -> PathBuf {
    let root = std::env::var_os("BRIEFBOT_BENCH_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus"),
        PathBuf::from,
    );
    root.join(size.to_string())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let size: usize = std::env::var("BRIEFBOT_MEMORY_BRIEFS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let briefs = corpus(size);
    if !briefs.join("_corpus.json").is_file() {
        eprintln!(
            "no corpus in {}; generate it with\n  cargo run --release -p corpusgen -- --briefs {size} --seed 42 --out {}",
            briefs.display(),
            briefs.display()
        );
        return;
    }
    let binary = std::env::var_os("BRIEFBOT_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_briefbot")),
        PathBuf::from,
    );
    let double = DiscordDouble::start().await;
    double.set_interaction_deadline(Duration::from_secs(3600));
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "briefs_dir = {:?}\n[discord]\nshards = 1\ncooldown_commands = 0\n",
            briefs.display().to_string()
        ),
    )
    .expect("config");
    let log = std::fs::File::create(dir.path().join("bot.log")).expect("log file");
    let started = Instant::now();
    let bot = Running(
        Command::new(&binary)
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
    let pid = bot.0.id();
    let wait = Duration::from_secs(600);
    assert!(double.wait_ready(wait).await, "the bot connected");
    double
        .wait_for(|r| r.method == "PUT" && r.path.ends_with("/commands"), wait)
        .await
        .expect("the bot registered its commands");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ready = started.elapsed();
    let (idle_rss, idle_hwm) = memory(pid);

    let users: Vec<TestUser> = (0..USERS)
        .map(|n| TestUser {
            id: 310_000_000_000_000_000 + n,
            username: format!("bench_{n}"),
            ..TestUser::member()
        })
        .collect();
    let mut latencies = Vec::new();
    let sending = Instant::now();
    for _round in 0..PER_USER {
        let mut sent = Vec::new();
        for user in &users {
            let interaction = double.interaction_command("briefs", json!([]), user);
            let id = interaction["id"].as_str().expect("id").to_owned();
            sent.push((id, Instant::now()));
            double.dispatch("INTERACTION_CREATE", interaction).await;
        }
        for (id, at) in sent {
            let callback = double
                .wait_for(
                    |r| r.is("POST", &format!("/api/v10/interactions/{id}/*/callback")),
                    wait,
                )
                .await
                .expect("every /briefs is answered");
            latencies.push(callback.received_at.duration_since(at));
        }
    }
    let sent_in = sending.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (rss, hwm) = memory(pid);
    latencies.sort();
    let with_buttons = double
        .bot_messages()
        .iter()
        .filter(|m| m["components"].as_array().is_some_and(|c| !c.is_empty()))
        .count();
    println!("binary: {}", binary.display());
    println!("briefs: {size}; ready after {:.1} s", ready.as_secs_f64());
    println!("idle:  VmRSS {idle_rss:.0} MiB, VmHWM {idle_hwm:.0} MiB");
    println!(
        "after {} /briefs from {USERS} users ({:.1} s): VmRSS {rss:.0} MiB, VmHWM {hwm:.0} MiB; grew {:.0} MiB",
        latencies.len(),
        sent_in.as_secs_f64(),
        rss - idle_rss
    );
    println!(
        "answers still showing buttons: {with_buttons}; dispatch to callback p50 {:.0} ms, p99 {:.0} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0
    );
    drop(bot);
}
