//! The database: follows, the briefs seen so far, the deliveries queued for follows, and
//! digests with the occurrences they sent.
//!
//! SQLite in a file by default (`briefbot.db` beside the config), PostgreSQL when several
//! processes share the work. One [`Store`] speaks to either through sqlx's `Any` driver, so
//! every query is written once, in SQL both understand (`$1` parameters, `RETURNING`,
//! `ON CONFLICT ... DO NOTHING`, integers for ids and times). Nothing needs a database at
//! build time: queries are plain `sqlx::query`, checked by the tests on both backends.
//!
//! The schema is versioned: the migrations under `migrations/<backend>/` are compiled into the
//! binary and applied at start-up. A database that has a migration this binary does not know
//! (written by a newer briefbot) is refused rather than used half-understood.
//!
//! The briefs themselves stay in their TOML files; the database holds only what the files
//! cannot: who follows what, which brief ids were ever seen, and each delivery's outcome.

pub mod deliveries;
pub mod digests;
pub mod follows;
pub mod seen;
#[cfg(test)]
pub(crate) mod testing;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{MigrateError, Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

/// How long a SQLite write waits for another writer (another process, say `briefbot follows`
/// while the bot runs) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The migrations of each backend, in order: (version, description, SQL).
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "follows",
        include_str!("migrations/sqlite/0001_follows.sql"),
    ),
    (
        2,
        "claims",
        include_str!("migrations/sqlite/0002_claims.sql"),
    ),
    (
        3,
        "digests",
        include_str!("migrations/sqlite/0003_digests.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "follows",
        include_str!("migrations/postgres/0001_follows.sql"),
    ),
    (
        2,
        "claims",
        include_str!("migrations/postgres/0002_claims.sql"),
    ),
    (
        3,
        "digests",
        include_str!("migrations/postgres/0003_digests.sql"),
    ),
];

/// Which database a [`Store`] speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database, opened and migrated.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Where the data is, for messages: the SQLite file, or the PostgreSQL URL without its
    /// password.
    location: String,
}

/// A database that cannot be used, or an operation on it that failed. Each names where the
/// database is, so that the person running the bot knows which file to look at.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{url}: not a database URL briefbot knows; expected sqlite://FILE or postgres://USER@HOST/DB"
    )]
    UnknownUrl { url: String },
    #[error("{}: the folder for the database does not exist; create it, or set database_url", .path.display())]
    NoFolder { path: PathBuf },
    #[error("{}: this file is not a SQLite database; move it away, or point database_url at another file", .path.display())]
    NotADatabase { path: PathBuf },
    #[error("{}: cannot write the database: the file or its folder is read-only (briefbot writes the file and its -wal and -shm files beside it): {detail}", .path.display())]
    ReadOnly { path: PathBuf, detail: String },
    #[error("{location}: the disk is full; free some space and start again: {detail}")]
    DiskFull { location: String, detail: String },
    #[error(
        "{location}: the database has migration {version}, which this briefbot does not know: a newer briefbot wrote it. Run that version, or restore a backup made before it"
    )]
    NewerDatabase { location: String, version: i64 },
    #[error(
        "{location}: migration {version} in the database differs from the one in this briefbot; restore a backup, or start from a new database"
    )]
    ChangedMigration { location: String, version: i64 },
    #[error(
        "{location}: migration {version} was interrupted and left the database half-changed; restore a backup"
    )]
    Dirty { location: String, version: i64 },
    #[error("{location}: cannot open the database: {source}")]
    Open {
        location: String,
        source: sqlx::Error,
    },
    #[error("{location}: cannot migrate the database: {source}")]
    Migrate {
        location: String,
        source: MigrateError,
    },
    #[error("{location}: {source}")]
    Query {
        location: String,
        source: sqlx::Error,
    },
    #[error("{location}: the database holds {value} in {column}, which is not valid")]
    Corrupt {
        location: String,
        column: &'static str,
        value: String,
    },
    #[error("{what} {value} is too large to store")]
    OutOfRange { what: &'static str, value: u64 },
}

impl Store {
    /// Opens the database at `url` (`sqlite://FILE`, created when missing, or `postgres://...`)
    /// and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let location = without_password(url);
            let pool = AnyPoolOptions::new()
                .max_connections(8)
                .connect(url)
                .await
                .map_err(|source| StoreError::Open {
                    location: location.clone(),
                    source,
                })?;
            let store = Store {
                pool,
                backend: Backend::Postgres,
                location,
            };
            let mut conn = store.pool.acquire().await.map_err(|e| store.error(e))?;
            migrate(&mut conn, POSTGRES_MIGRATIONS, &store.location).await?;
            drop(conn);
            return Ok(store);
        }
        let Some((path, query)) = sqlite_path(url) else {
            return Err(StoreError::UnknownUrl {
                url: without_password(url),
            });
        };
        if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty())
            && !folder.is_dir()
        {
            return Err(StoreError::NoFolder { path });
        }
        let location = path.display().to_string();
        let mut options = query.map(str::to_owned).unwrap_or_default();
        if !options.split('&').any(|o| o.starts_with("mode=")) {
            if !options.is_empty() {
                options.push('&');
            }
            options.push_str("mode=rwc");
        }
        let connect_url = format!("sqlite://{}?{options}", encode_path(&path));
        // One connection first, on its own: a pool retries failed connections until it
        // times out, which would hide why (not a database, read-only, disk full).
        let mut first = AnyConnection::connect(&connect_url)
            .await
            .map_err(|source| sqlite_error(&path, source))?;
        sqlite_pragmas(&mut first)
            .await
            .map_err(|source| sqlite_error(&path, source))?;
        let migrated = migrate(&mut first, SQLITE_MIGRATIONS, &location).await;
        let _ = first.close().await;
        migrated.map_err(|err| match err {
            StoreError::Migrate {
                source: MigrateError::Execute(source),
                ..
            } => sqlite_error(&path, source),
            other => other,
        })?;
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(BUSY_TIMEOUT * 2)
            .after_connect(|conn, _| Box::pin(sqlite_pragmas(conn)))
            .connect(&connect_url)
            .await
            .map_err(|source| sqlite_error(&path, source))?;
        let store = Store {
            pool,
            backend: Backend::Sqlite,
            location,
        };
        Ok(store)
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where the data is (the SQLite file, or the PostgreSQL URL without its password).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The connection pool, for transactions that span tables.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes every connection (SQLite then folds its write-ahead log into the file).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A failed query, with where the database is; a full disk or a read-only file says so.
    pub(crate) fn error(&self, source: sqlx::Error) -> StoreError {
        match classify(&source) {
            Some(Problem::Full) => StoreError::DiskFull {
                location: self.location.clone(),
                detail: source.to_string(),
            },
            Some(Problem::ReadOnly) if self.backend == Backend::Sqlite => StoreError::ReadOnly {
                path: PathBuf::from(&self.location),
                detail: source.to_string(),
            },
            _ => StoreError::Query {
                location: self.location.clone(),
                source,
            },
        }
    }

    /// Whether the store can still be reached (a quick query).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await.map_err(|e| self.error(e))?;
        conn.ping().await.map_err(|e| self.error(e))
    }
}

/// What every SQLite connection sets first.
async fn sqlite_pragmas(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    conn.execute(format!("PRAGMA busy_timeout = {}", BUSY_TIMEOUT.as_millis()).as_str())
        .await?;
    // WAL lets the worker write while `briefbot follows` or a backup reads.
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    Ok(())
}

/// Applies the migrations the database lacks; refuses one with migrations this binary does
/// not know.
async fn migrate(
    conn: &mut AnyConnection,
    migrations: &'static [(i64, &'static str, &'static str)],
    location: &str,
) -> Result<(), StoreError> {
    let location = location.to_owned();
    let migrator = Migrator::new(Embedded(migrations))
        .await
        .map_err(|source| StoreError::Migrate {
            location: location.clone(),
            source,
        })?;
    migrator.run(conn).await.map_err(|source| match source {
        MigrateError::VersionMissing(version) => StoreError::NewerDatabase { location, version },
        MigrateError::VersionMismatch(version) => {
            StoreError::ChangedMigration { location, version }
        }
        MigrateError::Dirty(version) => StoreError::Dirty { location, version },
        source => StoreError::Migrate { location, source },
    })
}

/// The migrations compiled into the binary, for sqlx's migrator.
#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<Vec<Migration>, Box<dyn std::error::Error + Send + Sync>>,
                > + Send
                + 's,
        >,
    > {
        let migrations = self
            .0
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                )
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

/// What kind of trouble a database error is, where it is one the user can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    NotADatabase,
    ReadOnly,
    Full,
}

fn classify(error: &sqlx::Error) -> Option<Problem> {
    let sqlx::Error::Database(db) = error else {
        return None;
    };
    let code = db.code()?;
    // SQLite reports extended result codes: the primary code is the low byte.
    if let Ok(extended) = code.parse::<i32>() {
        return match extended & 0xff {
            26 => Some(Problem::NotADatabase),
            // SQLITE_READONLY, SQLITE_CANTOPEN (cannot create the file or its journal),
            // SQLITE_PERM.
            8 | 14 | 3 => Some(Problem::ReadOnly),
            13 => Some(Problem::Full),
            _ => None,
        };
    }
    // PostgreSQL's SQLSTATEs: disk_full, read_only_sql_transaction.
    match &*code {
        "53100" => Some(Problem::Full),
        "25006" => Some(Problem::ReadOnly),
        _ => None,
    }
}

/// A SQLite error at start-up, as what the user can do about it.
fn sqlite_error(path: &Path, source: sqlx::Error) -> StoreError {
    let detail = source.to_string();
    match classify(&source) {
        Some(Problem::NotADatabase) => StoreError::NotADatabase {
            path: path.to_owned(),
        },
        Some(Problem::ReadOnly) => StoreError::ReadOnly {
            path: path.to_owned(),
            detail,
        },
        Some(Problem::Full) => StoreError::DiskFull {
            location: path.display().to_string(),
            detail,
        },
        None => StoreError::Open {
            location: path.display().to_string(),
            source,
        },
    }
}

/// The file of a SQLite URL (`None` for other databases).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    sqlite_path(url).map(|(path, _)| path)
}

/// The file and the options of a SQLite URL (`sqlite://FILE?OPTIONS`, `sqlite:FILE`).
fn sqlite_path(url: &str) -> Option<(PathBuf, Option<&str>)> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    (!path.is_empty()).then(|| (PathBuf::from(path), query))
}

/// A path as the path of a URL: sqlx decodes `%XX`, and `?` and `#` would end the path.
fn encode_path(path: &Path) -> String {
    let mut encoded = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '?' => encoded.push_str("%3F"),
            '#' => encoded.push_str("%23"),
            c => encoded.push(c),
        }
    }
    encoded
}

/// A URL fit for messages and logs: without its password.
fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                // Cannot fail for URLs that have a password (they have a host).
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => url.split('@').next_back().unwrap_or(url).to_owned(),
    }
}

/// Seconds since the Unix epoch, as stored.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A Discord id as stored (ids are below 2^63).
pub(crate) fn sql_id(what: &'static str, value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange { what, value })
}

/// A stored Discord id back.
pub(crate) fn discord_id(
    store: &Store,
    column: &'static str,
    value: i64,
) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        location: store.location.clone(),
        column,
        value: value.to_string(),
    })
}

/// A connection, inside a transaction or not, for the tables' functions that take part in
/// one.
pub type Conn = AnyConnection;

#[cfg(test)]
mod tests {
    use super::testing::{on_both, sqlite_in};
    use super::*;

    #[tokio::test]
    async fn opens_and_migrates_twice_on_both_backends() {
        on_both(|store| async move {
            store.ping().await.unwrap();
            // Applying the migrations again is a no-op.
            let url = match store.backend() {
                Backend::Sqlite => format!("sqlite://{}", store.location()),
                Backend::Postgres => return,
            };
            Store::open(&url).await.unwrap().close().await;
        })
        .await;
    }

    #[tokio::test]
    async fn the_database_file_is_created_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_in(dir.path()).await;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        assert!(dir.path().join("briefbot.db").is_file());
    }

    #[tokio::test]
    async fn a_file_that_is_not_a_database_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("briefbot.db");
        std::fs::write(&path, "briefs_dir = \"briefs\"\n".repeat(100)).unwrap();
        let err = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "{}: this file is not a SQLite database",
                path.display()
            )),
            "{message}"
        );
    }

    #[tokio::test]
    async fn a_database_from_a_newer_briefbot_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_in(dir.path()).await;
        // What a newer briefbot's migration 99 would leave in sqlx's table.
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99, 'from the future', TRUE, X'00', 0)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        store.close().await;
        let path = dir.path().join("briefbot.db");
        let err = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NewerDatabase { version: 99, .. }),
            "{err:?}"
        );
        assert!(err.to_string().starts_with(&path.display().to_string()));
    }

    #[tokio::test]
    async fn a_missing_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder/briefbot.db");
        let err = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NoFolder { .. }), "{err:?}");
        assert!(err.to_string().contains("no-such-folder"));
    }

    /// A folder nobody may write in, root included (the tests may run as root, for whom
    /// permission bits are no obstacle): `chattr +i` where it is allowed. `None` when neither
    /// bits nor attributes stop this process.
    fn read_only_folder(dir: &Path) -> Option<ReadOnly> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).ok()?;
        let guard = ReadOnly(dir.to_owned());
        if std::fs::write(dir.join("probe"), "x").is_err() {
            return Some(guard);
        }
        std::fs::remove_file(dir.join("probe")).ok()?;
        let chattr = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .ok()?;
        (chattr.success() && std::fs::write(dir.join("probe"), "x").is_err()).then_some(guard)
    }

    /// Makes the folder writable again when dropped, so that it can be removed.
    struct ReadOnly(PathBuf);

    impl Drop for ReadOnly {
        fn drop(&mut self) {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
        }
    }

    #[tokio::test]
    async fn a_read_only_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("data");
        std::fs::create_dir(&folder).unwrap();
        let Some(_guard) = read_only_folder(&folder) else {
            eprintln!("skipped: cannot make a folder read-only for this user");
            return;
        };
        let path = folder.join("briefbot.db");
        let err = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with(&format!("{}: cannot write the database", path.display())),
            "{err}"
        );
    }

    #[tokio::test]
    async fn an_existing_database_in_a_folder_made_read_only_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("data");
        std::fs::create_dir(&folder).unwrap();
        sqlite_in(&folder).await.close().await;
        let Some(_guard) = read_only_folder(&folder) else {
            eprintln!("skipped: cannot make a folder read-only for this user");
            return;
        };
        let path = folder.join("briefbot.db");
        let err = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
    }

    /// A real full disk: a 64 KiB tmpfs, filled. Needs the right to mount (root in a
    /// container that allows it); skipped otherwise.
    #[tokio::test]
    async fn a_full_disk_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("skipped: cannot mount a small tmpfs here");
            return;
        }
        struct Unmount(PathBuf);
        impl Drop for Unmount {
            fn drop(&mut self) {
                let _ = std::process::Command::new("umount").arg(&self.0).status();
            }
        }
        let _unmount = Unmount(dir.path().to_owned());
        // Leave a few bytes: enough to create the file, not to write the schema.
        let filler = vec![0u8; 4096];
        let mut file = std::fs::File::create(dir.path().join("filler")).unwrap();
        while std::io::Write::write_all(&mut file, &filler).is_ok() {}
        drop(file);
        let path = dir.path().join("briefbot.db");
        let err = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with(&format!("{}: the disk is full", path.display())),
            "{err}"
        );
    }

    #[test]
    fn urls_are_read_and_passwords_kept_out_of_messages() {
        assert_eq!(
            sqlite_path("sqlite:///srv/bot/briefbot.db?mode=rw"),
            Some((PathBuf::from("/srv/bot/briefbot.db"), Some("mode=rw")))
        );
        assert_eq!(
            sqlite_path("sqlite:briefbot.db"),
            Some((PathBuf::from("briefbot.db"), None))
        );
        assert_eq!(sqlite_path("mysql://x"), None);
        assert_eq!(
            without_password("postgres://bot:secret@db.example/briefbot"),
            "postgres://bot:***@db.example/briefbot"
        );
        assert_eq!(encode_path(Path::new("/a%b?c")), "/a%25b%3Fc");
    }
}
