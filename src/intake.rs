//! Changing the briefs folder safely: the checks every new brief passes, the atomic write,
//! the move to the trash, and the audit trail. The watcher, `briefbot add` / `remove` and
//! Discord's `/brief-add` / `/brief-remove` all come through here (via [`crate::watch`]).
//!
//! A write goes to a hidden temporary file in the briefs folder itself (the loader skips names
//! starting with `.`), is flushed to disk, renamed over the target, and the folder is flushed so
//! the rename survives a crash. A crash at any point leaves the old file or the new one, never a
//! mix.
//!
//! Several processes may change one folder (the bot, and `briefbot add` on the same server):
//! they take turns through a [`FolderLock`], an exclusive lock on `.briefbot.lock` in the
//! folder, held for each whole add or remove. Temporary files are only written under that
//! lock, and gone when it is released; so a process that holds the lock knows that every
//! temporary file it sees was left by a writer that died (the system releases a dead
//! process's lock). That is the rule for cleaning up: at start, temporary files are removed if
//! the lock is free at once, and left for a later start if someone is writing.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::brief::{self, Brief, BriefError, BriefId};
use crate::language::Language;
use crate::library::LibraryError;

/// Temporary files are named `.briefbot-*.tmp`.
const TEMP_PREFIX: &str = ".briefbot-";
const TEMP_SUFFIX: &str = ".tmp";
/// Removed briefs go here, inside the briefs folder.
pub const TRASH: &str = ".trash";
/// The file locked while a process changes the briefs folder, inside it.
pub const LOCK: &str = ".briefbot.lock";
/// The audit trail, inside the briefs folder.
pub const AUDIT_LOG: &str = ".audit.log";

/// Why a brief was not installed or removed. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("{}", join(.0))]
    Invalid(Vec<BriefError>),
    #[error(
        "{origin}: the file is {size} bytes; briefs may be at most {max} bytes (config `max_brief_bytes`)"
    )]
    TooLarge {
        origin: String,
        size: usize,
        max: usize,
    },
    #[error("{origin}: this is a binary file, not a TOML text file")]
    Binary { origin: String },
    /// Each face says how to replace it (`--replace`, `replace:True`).
    #[error("a brief with id `{id}` already exists ({})", path.display())]
    Exists { id: BriefId, path: PathBuf },
    #[error("{} holds the brief `{other}`, so `{id}` cannot be stored there; rename that file to {other}.toml first", path.display())]
    Occupied {
        path: PathBuf,
        id: BriefId,
        other: BriefId,
    },
    #[error("no brief has the id `{0}`")]
    NoSuchBrief(String),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("{}: cannot write: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot keep it in the trash: {source}", path.display())]
    Trash {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn join(errors: &[BriefError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Who asked for a change, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A Discord user, by id.
    Discord(u64),
    /// Someone at the server's command line (the login name, when known).
    Local(String),
    /// The folder watcher (a file changed on disk).
    Watcher,
}

impl Actor {
    /// The local user running this process.
    pub fn local() -> Self {
        Actor::Local(
            std::env::var("USER")
                .or_else(|_| std::env::var("LOGNAME"))
                .unwrap_or_else(|_| "unknown".into()),
        )
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Discord(id) => write!(f, "discord:{id}"),
            Actor::Local(name) => write!(f, "local:{name}"),
            Actor::Watcher => f.write_str("watcher"),
        }
    }
}

/// Checks a would-be brief: size, text, then the full brief validation. `origin` names the
/// upload in errors (an attachment's name, a path); it is never used as a path.
pub fn check(
    origin: &str,
    bytes: &[u8],
    max_bytes: usize,
    language: Language,
) -> Result<Brief, IntakeError> {
    if bytes.len() > max_bytes {
        return Err(IntakeError::TooLarge {
            origin: origin.to_owned(),
            size: bytes.len(),
            max: max_bytes,
        });
    }
    if bytes.contains(&0) {
        return Err(IntakeError::Binary {
            origin: origin.to_owned(),
        });
    }
    brief::parse(Path::new(origin), bytes, language).map_err(IntakeError::Invalid)
}

/// The right to change a briefs folder, held by one process (and one caller in it) at a time:
/// an exclusive `flock` on its `.briefbot.lock`, released when this is dropped or the process
/// ends, however it ends.
#[derive(Debug)]
pub struct FolderLock {
    _file: std::fs::File,
}

impl FolderLock {
    /// Waits until the folder is free, saying in the log when another process holds it.
    pub fn acquire(dir: &Path) -> Result<FolderLock, IntakeError> {
        let path = dir.join(LOCK);
        let io = |source| IntakeError::Io {
            path: path.clone(),
            source,
        };
        let file = Self::open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                tracing::warn!(
                    "waiting for another process to finish changing {} (it holds {})",
                    dir.display(),
                    path.display()
                );
                file.lock().map_err(io)?;
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(io(error)),
        }
        Ok(FolderLock { _file: file })
    }

    /// The lock if it is free at once; `None` if another holder has it.
    pub fn try_acquire(dir: &Path) -> std::io::Result<Option<FolderLock>> {
        let file = Self::open(&dir.join(LOCK))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FolderLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(error)) => Err(error),
        }
    }

    fn open(path: &Path) -> std::io::Result<std::fs::File> {
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
    }
}

/// Where a brief with this id is stored: the file name comes from the id alone.
pub fn target(dir: &Path, id: &BriefId) -> PathBuf {
    dir.join(format!("{id}.toml"))
}

/// Writes `bytes` to `target` (in `dir`) atomically. Without `overwrite`, fails with
/// `Exists` if `target` exists, even if it appeared a moment ago. The caller holds `dir`'s
/// lock, so that no other process takes the temporary file for a leftover
/// ([`clean_leftovers`]).
pub fn write_atomically(
    dir: &Path,
    _held: &FolderLock,
    target: &Path,
    id: &BriefId,
    bytes: &[u8],
    overwrite: bool,
) -> Result<(), IntakeError> {
    let io = |source| IntakeError::Io {
        path: target.to_owned(),
        source,
    };
    let mut file = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.as_file().sync_all().map_err(io)?;
    pause_before_rename_for_tests();
    let persisted = if overwrite {
        file.persist(target).map(drop)
    } else {
        file.persist_noclobber(target).map(drop)
    };
    persisted.map_err(|err| {
        if err.error.kind() == std::io::ErrorKind::AlreadyExists {
            IntakeError::Exists {
                id: id.clone(),
                path: target.to_owned(),
            }
        } else {
            io(err.error)
        }
    })?;
    sync_dir(dir).map_err(io)
}

/// A seam for tests of the real binary: when `BRIEFBOT_TEST_PAUSE_BEFORE_RENAME` names a file
/// that does not exist, create it and wait, between the write and the rename, until it is
/// deleted (60 s at most). A test can then kill the process there, or start another one, and
/// see what the folder holds. It is in every build, so that `cargo test --release` tests the
/// binary it ships; all it can do is make a write wait, and it says so in the log.
fn pause_before_rename_for_tests() {
    const MOST: std::time::Duration = std::time::Duration::from_secs(60);
    let Some(marker) = std::env::var_os("BRIEFBOT_TEST_PAUSE_BEFORE_RENAME") else {
        return;
    };
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&marker)
        .and_then(|mut file| file.write_all(b"written, not yet renamed"));
    if created.is_err() {
        return;
    }
    tracing::warn!("BRIEFBOT_TEST_PAUSE_BEFORE_RENAME is set: pausing a write (a test seam)");
    let started = std::time::Instant::now();
    while Path::new(&marker).exists() && started.elapsed() < MOST {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Gives the file at `path` a new name in `dir/.trash/`, named with the id and the time,
/// and returns it; the file stays at `path` too. The name is taken exclusively, so nothing
/// already in the trash is ever replaced or written through (not even a link someone left
/// there): a hard link where the file system allows one (the same file, nothing copied),
/// else a copy into a file created new.
fn keep_in_trash(dir: &Path, path: &Path, id: &BriefId) -> std::io::Result<PathBuf> {
    let trash = dir.join(TRASH);
    std::fs::create_dir_all(&trash).map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot make the folder {TRASH}/: {e}"))
    })?;
    let stamp = timestamp(SystemTime::now()).replace([':', '-'], "");
    let mut linkable = true;
    let mut destination = trash.join(format!("{id}-{stamp}.toml"));
    let mut n = 1;
    loop {
        let kept = if linkable {
            std::fs::hard_link(path, &destination).or_else(|error| {
                if error.kind() == std::io::ErrorKind::AlreadyExists {
                    return Err(error);
                }
                // No hard links here (some file systems, or a file of another user under
                // `protected_hardlinks`): copy instead.
                linkable = false;
                copy_new(path, &destination)
            })
        } else {
            copy_new(path, &destination)
        };
        match kept {
            Ok(()) => return Ok(destination),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                n += 1;
                destination = trash.join(format!("{id}-{stamp}-{n}.toml"));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Copies `from` into `to`, which must not exist yet (not even as a link), and flushes it.
fn copy_new(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = std::fs::File::open(from)?;
    let mut copy = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)?;
    let copied = std::io::copy(&mut source, &mut copy).and_then(|_| copy.sync_all());
    if copied.is_err() {
        let _ = std::fs::remove_file(to);
    }
    copied
}

/// Moves a brief's file into `dir/.trash/`, named with the id and the time, so a slip can be
/// undone by moving it back.
pub fn move_to_trash(dir: &Path, path: &Path, id: &BriefId) -> Result<PathBuf, IntakeError> {
    let io = |source| IntakeError::Trash {
        path: path.to_owned(),
        source,
    };
    let destination = keep_in_trash(dir, path, id).map_err(io)?;
    if let Err(error) = std::fs::remove_file(path) {
        // The file stays where it was: the trash need not keep a second name for it.
        let _ = std::fs::remove_file(&destination);
        return Err(io(error));
    }
    sync_dir(&dir.join(TRASH)).map_err(io)?;
    sync_dir(path.parent().unwrap_or(dir)).map_err(io)?;
    Ok(destination)
}

/// Keeps a brief's file in `dir/.trash/` before it is overwritten. Writes replace the file
/// (a new one renamed over it), never change it in place, so a hard link keeps the old version.
pub fn copy_to_trash(dir: &Path, path: &Path, id: &BriefId) -> Result<PathBuf, IntakeError> {
    let io = |source| IntakeError::Trash {
        path: path.to_owned(),
        source,
    };
    let destination = keep_in_trash(dir, path, id).map_err(io)?;
    sync_dir(&dir.join(TRASH)).map_err(io)?;
    Ok(destination)
}

/// Removes the temporary files that writers which died left in `dir`; returns how many. They
/// are removed only when `dir`'s lock is free at once, which makes them all leftovers (see the
/// module's documentation); while another process is writing, they are left for later. A
/// folder with no temporary file is not touched.
pub fn clean_leftovers(dir: &Path) -> usize {
    if temporary_files(dir).is_empty() {
        return 0;
    }
    let Ok(Some(_held)) = FolderLock::try_acquire(dir) else {
        return 0;
    };
    temporary_files(dir)
        .into_iter()
        .filter(|path| std::fs::remove_file(path).is_ok())
        .count()
}

fn temporary_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
        })
        .map(|e| e.path())
        .collect()
}

/// What a change did, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Replace,
    Remove,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Add => "add",
            Action::Replace => "replace",
            Action::Remove => "remove",
        })
    }
}

/// Records a change: a line in `dir/.audit.log` and in the log. Returns the line. A `warning`
/// (what went wrong in a change that was made) ends the line, quoted and escaped so that it
/// stays one line.
pub fn audit(
    dir: &Path,
    action: Action,
    id: &BriefId,
    bytes: &[u8],
    actor: &Actor,
    warning: Option<&str>,
) -> String {
    let mut line = format!(
        "{} {action} id={id} sha256={} by={actor}",
        timestamp(SystemTime::now()),
        sha256(bytes)
    );
    if let Some(warning) = warning {
        line.push_str(&format!(" warning={warning:?}"));
    }
    tracing::info!(target: "briefbot::audit", "{line}");
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(AUDIT_LOG))
        .and_then(|mut file| writeln!(file, "{line}").and_then(|()| file.sync_data()));
    if let Err(error) = written {
        tracing::warn!(%error, "cannot write the audit log in {}", dir.display());
    }
    line
}

/// Hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a moment.
pub fn timestamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const BRIEF: &str =
        "id = \"cyber-unit\"\ntitle = \"A\"\npublished = 2020-01-01\nsummary = \"S.\"\n";

    #[test]
    fn checks_size_binary_and_validity() {
        let ok = check("new.toml", BRIEF.as_bytes(), 1024, Language::English).unwrap();
        assert_eq!(ok.id.as_str(), "cyber-unit");
        let err = check("big.toml", BRIEF.as_bytes(), 10, Language::English).unwrap_err();
        assert!(err.to_string().contains("at most 10 bytes"), "{err}");
        let err = check("x.png", b"\x89PNG\0\0", 1024, Language::English).unwrap_err();
        assert!(err.to_string().contains("binary"), "{err}");
        let err = check("bad.toml", b"title = 1", 1024, Language::English).unwrap_err();
        assert!(err.to_string().starts_with("bad.toml:1:9:"), "{err}");
    }

    #[test]
    fn writes_atomically_and_never_clobbers_without_leave() {
        let dir = tempfile::tempdir().unwrap();
        let id = BriefId::parse("a").unwrap();
        let path = target(dir.path(), &id);
        let held = FolderLock::acquire(dir.path()).unwrap();
        write_atomically(dir.path(), &held, &path, &id, b"one", false).unwrap();
        let err = write_atomically(dir.path(), &held, &path, &id, b"two", false).unwrap_err();
        assert!(matches!(err, IntakeError::Exists { .. }));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomically(dir.path(), &held, &path, &id, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [LOCK, "a.toml"], "no temporary file left");
    }

    #[test]
    fn trash_keeps_the_file_and_leftovers_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let id = BriefId::parse("a").unwrap();
        let path = target(dir.path(), &id);
        std::fs::write(&path, "x").unwrap();
        let moved = move_to_trash(dir.path(), &path, &id).unwrap();
        assert!(!path.exists());
        assert_eq!(std::fs::read_to_string(&moved).unwrap(), "x");
        assert!(moved.starts_with(dir.path().join(TRASH)));
        std::fs::write(dir.path().join(".briefbot-abc.tmp"), "half").unwrap();
        std::fs::write(dir.path().join(".other.tmp"), "not ours").unwrap();
        assert_eq!(clean_leftovers(dir.path()), 1);
        assert!(dir.path().join(".other.tmp").exists());
    }

    /// Issue 13: trash names were checked with `exists()` and then renamed or copied into
    /// place, which replaces whatever took the name meanwhile. A dangling symbolic link, which
    /// `exists()` calls absent, shows it every time: a move replaced the link, a copy wrote
    /// through it, outside the trash.
    #[cfg(unix)]
    #[test]
    fn an_entry_already_in_the_trash_is_never_replaced_or_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let trash = dir.path().join(TRASH);
        std::fs::create_dir(&trash).unwrap();
        let outside = dir.path().join("outside");
        // Every name the next few seconds can choose is taken: the first by a dangling link,
        // the second by an older version.
        let now = SystemTime::now();
        let mut taken = Vec::new();
        for id in ["a", "b"] {
            for second in 0..10 {
                let stamp = timestamp(now + Duration::from_secs(second)).replace([':', '-'], "");
                let link = trash.join(format!("{id}-{stamp}.toml"));
                std::os::unix::fs::symlink(&outside, &link).unwrap();
                let older = trash.join(format!("{id}-{stamp}-2.toml"));
                std::fs::write(&older, "older").unwrap();
                taken.push((link, older));
            }
        }
        let (a, b) = (BriefId::parse("a").unwrap(), BriefId::parse("b").unwrap());
        let path = target(dir.path(), &a);
        std::fs::write(&path, "moved").unwrap();
        let moved = move_to_trash(dir.path(), &path, &a).unwrap();
        let path = target(dir.path(), &b);
        std::fs::write(&path, "kept").unwrap();
        let copied = copy_to_trash(dir.path(), &path, &b).unwrap();
        assert_eq!(std::fs::read_to_string(&moved).unwrap(), "moved");
        assert_eq!(std::fs::read_to_string(&copied).unwrap(), "kept");
        assert!(!outside.exists(), "nothing was written through a link");
        for (link, older) in &taken {
            let meta = std::fs::symlink_metadata(link).unwrap();
            assert!(
                meta.file_type().is_symlink(),
                "{} was replaced",
                link.display()
            );
            assert_eq!(std::fs::read_to_string(older).unwrap(), "older");
        }
    }

    /// Where hard links fail, the copy is as careful: it never writes through a link.
    #[cfg(unix)]
    #[test]
    fn a_copy_into_the_trash_takes_its_name_exclusively() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to, outside) = (
            dir.path().join("a.toml"),
            dir.path().join("taken"),
            dir.path().join("outside"),
        );
        std::fs::write(&from, "new").unwrap();
        std::os::unix::fs::symlink(&outside, &to).unwrap();
        let err = copy_new(&from, &to).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert!(!outside.exists());
        let free = dir.path().join("free");
        copy_new(&from, &free).unwrap();
        assert_eq!(std::fs::read_to_string(free).unwrap(), "new");
    }

    #[test]
    fn audit_lines_say_who_when_what_and_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        let id = BriefId::parse("a").unwrap();
        let line = audit(
            dir.path(),
            Action::Add,
            &id,
            b"abc",
            &Actor::Discord(42),
            None,
        );
        assert!(line.ends_with(" add id=a sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad by=discord:42"), "{line}");
        let log = std::fs::read_to_string(dir.path().join(AUDIT_LOG)).unwrap();
        assert_eq!(log.trim_end(), line);
    }

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(timestamp(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_499_558_400 + 3661);
        assert_eq!(timestamp(t), "2017-07-09T01:01:01Z");
    }
}
