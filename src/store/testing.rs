//! Running a store test on both backends: a SQLite file in a temporary folder, and a fresh
//! PostgreSQL database (created for the test and dropped after it).
//!
//! PostgreSQL is the server at `BRIEFBOT_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`; `BRIEFBOT_TEST_POSTGRES`, its old name, is
//! read too). When no server answers there, the PostgreSQL half says "skipped: no PostgreSQL
//! at <url> (see README)", and fails under `CI=true`; set the variable to `skip` to run
//! SQLite only on purpose (refused under `CI=true` as well).

use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor};

use super::Store;

/// Whether the tests run in CI, where skipping PostgreSQL is a failure.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci == "true")
}

/// The server the PostgreSQL half of the tests creates its databases on, or `None` to skip it.
fn postgres_admin_url() -> Option<String> {
    let url = ["BRIEFBOT_TEST_DATABASE_URL", "BRIEFBOT_TEST_POSTGRES"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    if url == "skip" {
        assert!(
            !in_ci(),
            "BRIEFBOT_TEST_DATABASE_URL=skip under CI=true: CI runs the PostgreSQL tests"
        );
        eprintln!("skipped: PostgreSQL (BRIEFBOT_TEST_DATABASE_URL=skip)");
        return None;
    }
    Some(url)
}

/// A SQLite store in `dir` (`briefbot.db`).
pub(crate) async fn sqlite_in(dir: &Path) -> Store {
    let path = dir.join("briefbot.db");
    Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap_or_else(|err| panic!("{err}"))
}

/// A database name no other test (in this or another process) uses at the same time.
fn fresh_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "briefbot_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh PostgreSQL database, dropped (with its connections) when [`PgDatabase::drop_it`]
/// is awaited.
pub(crate) struct PgDatabase {
    admin_url: String,
    name: String,
    /// The URL of the new database.
    pub(crate) url: String,
}

impl PgDatabase {
    /// Creates a database on the test server; `None` when PostgreSQL is skipped.
    pub(crate) async fn create() -> Option<PgDatabase> {
        let admin_url = postgres_admin_url()?;
        sqlx::any::install_default_drivers();
        let name = fresh_name();
        let mut admin = match sqlx::AnyConnection::connect(&admin_url).await {
            Ok(admin) => admin,
            Err(err) if in_ci() => {
                panic!("no PostgreSQL at {admin_url}: {err} (CI must start it; see README)")
            }
            Err(err) => {
                eprintln!("skipped: no PostgreSQL at {admin_url} (see README): {err}");
                return None;
            }
        };
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|err| panic!("creating {name}: {err}"));
        let _ = admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        Some(PgDatabase {
            admin_url,
            name,
            url,
        })
    }

    /// Makes the database refuse connections, and ends those it has (`false`), or accept them
    /// again (`true`): the database going away and coming back, for the processes using it.
    pub(crate) async fn set_reachable(&self, reachable: bool) {
        let mut admin = sqlx::AnyConnection::connect(&self.admin_url)
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", self.admin_url));
        admin
            .execute(
                format!(
                    "ALTER DATABASE {} WITH ALLOW_CONNECTIONS {reachable}",
                    self.name
                )
                .as_str(),
            )
            .await
            .unwrap_or_else(|err| panic!("ALTER DATABASE {}: {err}", self.name));
        if !reachable {
            admin
                .execute(
                    format!(
                        "SELECT pg_terminate_backend(pid)::TEXT FROM pg_stat_activity WHERE datname = '{}'",
                        self.name
                    )
                    .as_str(),
                )
                .await
                .unwrap_or_else(|err| panic!("ending the connections to {}: {err}", self.name));
        }
        let _ = admin.close().await;
    }

    /// Drops the database, closing whatever connections are left.
    pub(crate) async fn drop_it(self) {
        if let Ok(mut admin) = sqlx::AnyConnection::connect(&self.admin_url).await {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
                .await;
            let _ = admin.close().await;
        }
    }
}

/// Runs `test` with a new SQLite store, then with a new PostgreSQL store.
pub(crate) async fn on_both<F, Fut>(test: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
    let store = sqlite_in(dir.path()).await;
    test(store.clone()).await;
    store.close().await;
    if let Some(database) = PgDatabase::create().await {
        let store = Store::open(&database.url)
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        // A failed assertion must still drop the database: catch it, clean up, then fail.
        let outcome = {
            let store = store.clone();
            futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(test(store))).await
        };
        store.close().await;
        database.drop_it().await;
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }
}
