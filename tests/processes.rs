//! Several bot processes sharing one PostgreSQL: two real `briefbot run` processes against the
//! Discord double, each with its own token (so the double's record tells which one posted),
//! its own `shard_range` of `shards = 2`, the same briefs folder and the same database (a
//! fresh one per test, dropped after it).
//!
//! The double's guild is on shard 1 of 2, so with ranges `[0, 1)` and `[1, 2)` its follows
//! are the second process's and direct messages the first's.
//!
//! PostgreSQL is the server at `BRIEFBOT_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). When none answers the tests say
//! "skipped: no PostgreSQL at <url> (see README)", except under `CI=true`, where they fail.

#[path = "support/bot.rs"]
mod bot;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bot::{WAIT, interact};
use discord_double::{CHANNEL_ID, DiscordDouble, Fault, GUILD_ID, MEMBER_USER_ID, Recorded};
use serde_json::json;
use sqlx::{Connection, Executor};

const FIRST_TOKEN: &str = "MTk4NjIyNDgzNDcxOTI1MjQ4.Gl3Yxk.first-process-test-token";
const SECOND_TOKEN: &str = "MTk4NjIyNDgzNDcxOTI1MjQ5.Gl3Yxk.second-process-test-token";

/// Short, so that a claim left by a killed process is free within the test's patience.
const LEASE_SECS: u64 = 2;

/// Long enough for every worker to have run several rounds past a lease: a duplicate, if any,
/// would have been posted by then.
const SETTLE: Duration = Duration::from_secs(3 * LEASE_SECS + 2);

const CYBER: &str = r#"id = "cyber-unit"
title = "Trump and Putin plan a cyber security unit"
published = 2017-07-09
summary = "The two leaders agreed to form a unit against election hacking."
"#;

const STORM: &str = r#"id = "storm"
title = "Storms ahead"
published = 2020-03-01
summary = "Storms and rain all week."
"#;

/// A fresh database on the test server, dropped when the test ends.
struct Database {
    admin_url: String,
    name: String,
    url: String,
}

impl Database {
    /// `None` (after saying so) when no PostgreSQL answers outside CI; a failure under CI.
    async fn create() -> Option<Database> {
        sqlx::any::install_default_drivers();
        let admin_url = std::env::var("BRIEFBOT_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let mut admin = match sqlx::AnyConnection::connect(&admin_url).await {
            Ok(admin) => admin,
            Err(error) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
                panic!("no PostgreSQL at {admin_url}: {error} (CI must start it; see README)")
            }
            Err(error) => {
                eprintln!("skipped: no PostgreSQL at {admin_url} (see README): {error}");
                return None;
            }
        };
        let name = format!(
            "briefbot_procs_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() % 1_000_000_000)
        );
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|err| panic!("creating {name}: {err}"));
        let _ = admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        Some(Database {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // The processes are gone by now (they are dropped first); FORCE ends any stragglers.
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = sqlx::AnyConnection::connect(&admin_url).await.ok()?;
                let _ = admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await;
                admin.close().await.ok()
            })
        })
        .join();
    }
}

/// One `briefbot run`, its token and its logs; killed when dropped.
struct Process {
    child: Child,
    token: &'static str,
    logs: Arc<Mutex<String>>,
}

impl Process {
    /// Starts `briefbot run` in its own folder with this shard range, on the shared `briefs`
    /// folder and database, and waits until it is connected and its worker runs.
    async fn start(
        home: &Path,
        briefs: &Path,
        database: &Database,
        double: &DiscordDouble,
        token: &'static str,
        range: [u32; 2],
    ) -> Process {
        std::fs::create_dir_all(home).unwrap();
        std::fs::write(
            home.join("config.toml"),
            format!(
                "briefs_dir = {briefs:?}\ndatabase_url = {url:?}\nclaim_lease_secs = {LEASE_SECS}\n\
                 [discord]\nshards = 2\nshard_range = [{}, {}]\ncooldown_commands = 0\n",
                range[0],
                range[1],
                briefs = briefs.display().to_string(),
                url = database.url,
            ),
        )
        .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefbot"))
            .arg("run")
            .current_dir(home)
            .env("DISCORD_TOKEN", token)
            .env("DISCORD_API_URL", double.http_url())
            .env("RUST_LOG", "briefbot=info")
            .env_remove("DATABASE_URL")
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
        let process = Process { child, token, logs };
        process.wait_log("connected to Discord").await;
        process
            .wait_log("sending the deliveries of this process's shards")
            .await;
        process
    }

    fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    async fn wait_log(&self, needle: &str) {
        let started = Instant::now();
        while started.elapsed() < WAIT {
            if self.logs().contains(needle) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("no {needle:?} in the logs:\n{}", self.logs());
    }

    /// Whether the double's request came from this process.
    fn sent(&self, request: &Recorded) -> bool {
        request
            .authorization
            .as_deref()
            .is_some_and(|a| a.ends_with(self.token))
    }

    /// SIGKILL, as `kill -9`: nothing is finished or released.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The briefs folder both processes serve, and their homes, in one temporary folder.
struct Scene {
    dir: tempfile::TempDir,
    double: DiscordDouble,
}

impl Scene {
    async fn new() -> Scene {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("briefs")).unwrap();
        std::fs::write(dir.path().join("briefs/cyber-unit.toml"), CYBER).unwrap();
        Scene {
            dir,
            double: DiscordDouble::start().await,
        }
    }

    fn briefs(&self) -> PathBuf {
        self.dir.path().join("briefs")
    }

    async fn start(&self, database: &Database, token: &'static str, range: [u32; 2]) -> Process {
        let home = self.dir.path().join(if token == FIRST_TOKEN {
            "first"
        } else {
            "second"
        });
        Process::start(&home, &self.briefs(), database, &self.double, token, range).await
    }

    /// Drops a brief into the shared folder, written whole then renamed.
    fn drop_brief(&self, id: &str, text: &str) {
        let temporary = self.briefs().join(format!(".{id}.tmp"));
        std::fs::write(&temporary, text).unwrap();
        std::fs::rename(&temporary, self.briefs().join(format!("{id}.toml"))).unwrap();
    }

    /// `/follow topic:storms` in the guild's channel, by its admin.
    async fn follow_storms(&self) {
        let admin = self.double.admin_user();
        let options = json!([{"name": "topic", "type": 3, "value": "storms"}]);
        interact(
            &self.double,
            self.double.interaction_command("follow", options, &admin),
        )
        .await;
    }

    /// The posts of `channel` the double accepted.
    fn posts(&self, channel: u64) -> Vec<Recorded> {
        let path = format!("/api/v10/channels/{channel}/messages");
        self.double
            .requests()
            .into_iter()
            .filter(|r| r.is("POST", &path) && (200..300).contains(&r.status))
            .collect()
    }

    /// Waits for the first accepted post in `channel`, then long enough for a second one to
    /// have come; returns them all.
    async fn settled_posts(&self, channel: u64, processes: &[&Process]) -> Vec<Recorded> {
        let path = format!("/api/v10/channels/{channel}/messages");
        let first = self
            .double
            .wait_for(
                |r| r.is("POST", &path) && (200..300).contains(&r.status),
                WAIT,
            )
            .await;
        if first.is_none() {
            let logs: Vec<String> = processes.iter().map(|p| p.logs()).collect();
            panic!(
                "no post in channel {channel}; logs:\n{}",
                logs.join("\n---\n")
            );
        }
        tokio::time::sleep(SETTLE).await;
        self.posts(channel)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follow_is_delivered_once_by_the_process_whose_shards_cover_its_server() {
    let Some(database) = Database::create().await else {
        return;
    };
    let scene = Scene::new().await;
    assert_eq!((GUILD_ID >> 22) % 2, 1, "the double's guild is on shard 1");
    let first = scene.start(&database, FIRST_TOKEN, [0, 1]).await;
    let second = scene.start(&database, SECOND_TOKEN, [1, 2]).await;
    scene.follow_storms().await;
    scene.drop_brief("storm", STORM);
    let posts = scene.settled_posts(CHANNEL_ID, &[&first, &second]).await;
    let [post] = &posts[..] else {
        panic!(
            "one post, not {}; logs:\n{}\n{}",
            posts.len(),
            first.logs(),
            second.logs()
        )
    };
    assert_eq!(post.body["embeds"][0]["title"], "Storms ahead");
    assert!(second.sent(post), "posted by the process running shard 1");
    assert!(!first.sent(post));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_direct_message_follow_is_delivered_by_the_process_running_shard_0() {
    let Some(database) = Database::create().await else {
        return;
    };
    let scene = Scene::new().await;
    let first = scene.start(&database, FIRST_TOKEN, [0, 1]).await;
    let second = scene.start(&database, SECOND_TOKEN, [1, 2]).await;
    // The member follows from the guild: the second process takes the command.
    let member = scene.double.member_user();
    let options = json!([{"name": "topic", "type": 3, "value": "storms"}]);
    let made = interact(
        &scene.double,
        scene
            .double
            .interaction_command("follow-me", options, &member),
    )
    .await;
    assert!(
        made.body["data"]["content"]
            .as_str()
            .is_some_and(|c| c.contains("by direct message")),
        "{}",
        made.body
    );
    scene.drop_brief("storm", STORM);
    let opened = scene
        .double
        .wait_for(|r| r.is("POST", "/api/v10/users/@me/channels"), WAIT)
        .await
        .unwrap_or_else(|| {
            panic!(
                "a DM channel was opened; logs:\n{}\n{}",
                first.logs(),
                second.logs()
            )
        });
    assert_eq!(opened.body["recipient_id"], MEMBER_USER_ID.to_string());
    let dm = opened.response["id"]
        .as_str()
        .and_then(|id| id.parse::<u64>().ok())
        .expect("the DM channel's id");
    let posts = scene.settled_posts(dm, &[&first, &second]).await;
    let [post] = &posts[..] else {
        panic!(
            "one direct message, not {}; logs:\n{}\n{}",
            posts.len(),
            first.logs(),
            second.logs()
        )
    };
    assert!(first.sent(post), "sent by the process running shard 0");
    assert!(first.sent(&opened));
    assert!(scene.posts(CHANNEL_ID).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn overlapping_ranges_still_deliver_once() {
    let Some(database) = Database::create().await else {
        return;
    };
    let scene = Scene::new().await;
    let first = scene.start(&database, FIRST_TOKEN, [0, 2]).await;
    let second = scene.start(&database, SECOND_TOKEN, [0, 2]).await;
    scene.follow_storms().await;
    // Several briefs at once, so that both workers have something to race for.
    for i in 0..4 {
        scene.drop_brief(
            &format!("storm-{i}"),
            &STORM
                .replace("id = \"storm\"", &format!("id = \"storm-{i}\""))
                .replace("Storms ahead", &format!("Storms ahead {i}")),
        );
    }
    let started = Instant::now();
    while scene.posts(CHANNEL_ID).len() < 4 && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(SETTLE).await;
    let mut titles: Vec<String> = scene
        .posts(CHANNEL_ID)
        .iter()
        .map(|p| {
            p.body["embeds"][0]["title"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        (0..4)
            .map(|i| format!("Storms ahead {i}"))
            .collect::<Vec<_>>(),
        "each brief once; logs:\n{}\n{}",
        first.logs(),
        second.logs()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_claim_held_by_a_killed_process_is_delivered_once_by_the_other_after_the_lease() {
    let Some(database) = Database::create().await else {
        return;
    };
    let scene = Scene::new().await;
    // Both cover every shard; whichever claims the delivery first never hears back from
    // Discord about its post, and is killed while it waits.
    let mut processes = [
        scene.start(&database, FIRST_TOKEN, [0, 2]).await,
        scene.start(&database, SECOND_TOKEN, [0, 2]).await,
    ];
    scene.follow_storms().await;
    let path = format!("/api/v10/channels/{CHANNEL_ID}/messages");
    scene.double.fail_next("POST", &path, Fault::Hang, 1);
    scene.drop_brief("storm", STORM);
    let hung = scene
        .double
        .wait_for(|r| r.is("POST", &path) && r.status == 0, WAIT)
        .await
        .expect("a post left hanging");
    let killed = processes
        .iter()
        .position(|p| p.sent(&hung))
        .expect("the hanging post came from one of the processes");
    processes[killed].kill();
    let survivor = &processes[1 - killed];
    let posts = scene.settled_posts(CHANNEL_ID, &[survivor]).await;
    let [post] = &posts[..] else {
        panic!("one post, not {}; logs:\n{}", posts.len(), survivor.logs())
    };
    assert!(survivor.sent(post), "the other process posted");
    assert_eq!(post.body["embeds"][0]["title"], "Storms ahead");
    // Not before the killed process's lease ran out.
    assert!(
        post.received_at.duration_since(hung.received_at) >= Duration::from_secs(LEASE_SECS - 1),
        "posted {:?} after the hung one",
        post.received_at.duration_since(hung.received_at)
    );
}
