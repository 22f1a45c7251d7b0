//! A running `briefbot run` (the real binary) against the Discord double, for tests.
//! Include with `#[path = "support/bot.rs"] mod bot;`; the double is the `discord-double` crate.
#![allow(dead_code)] // each test crate uses its own part

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use discord_double::{DiscordDouble, Recorded};

pub const TOKEN: &str = "MTk4NjIyNDgzNDcxOTI1MjQ4.Gl3Yxk.secret-test-token-do-not-log";
/// How long a test waits for something to happen: patience, not a speed check (a passing test
/// goes on the moment it happens). Generous, because on a loaded 2-core machine eight debug
/// bot processes starting at once (tests/processes.rs) took more than 10 s.
pub const WAIT: Duration = Duration::from_secs(30);

/// A running `briefbot run` with its own briefs folder; killed when dropped.
pub struct Bot {
    pub child: Child,
    logs: Arc<Mutex<String>>,
    dir: tempfile::TempDir,
}

impl Bot {
    /// Starts the bot on `briefs` and waits until it is connected and has registered its
    /// commands.
    pub async fn start(
        double: &DiscordDouble,
        briefs: &[(&str, String)],
        discord_config: &str,
    ) -> Bot {
        Self::start_with_log(double, briefs, discord_config, "briefbot=info").await
    }

    pub async fn start_with_log(
        double: &DiscordDouble,
        briefs: &[(&str, String)],
        discord_config: &str,
        log: &str,
    ) -> Bot {
        Self::start_configured(double, briefs, "", discord_config, log).await
    }

    /// Starts the bot with `top_config` (keys outside `[discord]`) and `discord_config`.
    pub async fn start_configured(
        double: &DiscordDouble,
        briefs: &[(&str, String)],
        top_config: &str,
        discord_config: &str,
        log: &str,
    ) -> Bot {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("briefs")).unwrap();
        for (name, text) in briefs {
            std::fs::write(dir.path().join("briefs").join(name), text).unwrap();
        }
        std::fs::write(
            dir.path().join("config.toml"),
            format!(
                "{top_config}\n[discord]\nshards = 1\n{}{discord_config}\n",
                if discord_config.contains("cooldown_commands") {
                    ""
                } else {
                    "cooldown_commands = 0\n"
                }
            ),
        )
        .unwrap();
        let (child, logs) = spawn(dir.path(), double, log);
        let bot = Bot { child, logs, dir };
        assert!(
            double.wait_ready(WAIT).await,
            "the bot connected; logs:\n{}",
            bot.logs()
        );
        let registered = double
            .wait_for(|r| r.method == "PUT" && r.path.ends_with("/commands"), WAIT)
            .await;
        assert!(
            registered.is_some(),
            "the bot registered its commands; logs:\n{}",
            bot.logs()
        );
        // Logged when every list (global and per server) is registered.
        bot.wait_log("connected to Discord").await;
        bot
    }

    /// Kills the bot at once (SIGKILL, as `kill -9`: nothing is flushed or finished).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the bot again on the same folder and database, and waits until it is connected.
    pub async fn restart(&mut self, double: &DiscordDouble, log: &str) {
        let (child, logs) = spawn(self.dir.path(), double, log);
        self.child = child;
        self.logs = logs;
        self.wait_log("connected to Discord").await;
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// Waits until the logs hold `needle`.
    pub async fn wait_log(&self, needle: &str) -> String {
        let started = Instant::now();
        while started.elapsed() < WAIT {
            let logs = self.logs();
            if logs.contains(needle) {
                return logs;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("no {needle:?} in the logs:\n{}", self.logs());
    }

    pub fn briefs(&self) -> std::path::PathBuf {
        self.dir.path().join("briefs")
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `briefbot run` in `dir` against the double, collecting its logs.
fn spawn(dir: &std::path::Path, double: &DiscordDouble, log: &str) -> (Child, Arc<Mutex<String>>) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("briefbot"))
        .arg("run")
        .current_dir(dir)
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_API_URL", double.http_url())
        .env("RUST_LOG", log)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let logs = Arc::new(Mutex::new(String::new()));
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let logs = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let mut logs = logs.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        });
    }
    (child, logs)
}

/// Dispatches an interaction and returns its callback, whatever the double answered it (for
/// tests that make Discord fail the answer on purpose).
pub async fn interact_as_it_goes(double: &DiscordDouble, interaction: Value) -> Recorded {
    let id = interaction["id"].as_str().unwrap().to_owned();
    double.dispatch("INTERACTION_CREATE", interaction).await;
    double
        .wait_for(
            |r| r.is("POST", &format!("/api/v10/interactions/{id}/*/callback")),
            WAIT,
        )
        .await
        .expect("the interaction was answered")
}

/// Dispatches an interaction and returns its callback, asserting that the double accepted it.
/// Like Discord, the double refuses an answer that comes after the interaction's window (3 s),
/// so a handler that does slow work before answering or deferring fails here as it would on
/// Discord. The test keeps no stopwatch of its own: it would time the machine, not the bot.
pub async fn interact(double: &DiscordDouble, interaction: Value) -> Recorded {
    let callback = interact_as_it_goes(double, interaction).await;
    assert!(
        callback.status < 300,
        "Discord accepted the answer: {} {}",
        callback.status,
        callback.response
    );
    callback
}
