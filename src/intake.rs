//! Installing a brief into the library folder: validate fully, refuse a taken id unless
//! replacing, and write atomically so that no reader ever sees half a file.
//!
//! The write goes to a hidden temporary file in the briefs folder itself (the loader skips
//! names starting with `.`), is flushed to disk, then renamed over the target, and the folder
//! is flushed so the rename survives a crash. A crash at any point leaves the old file or the
//! new one, never a mix.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::brief::{self, BriefError, BriefId};
use crate::language::Language;
use crate::library::{self, LibraryError};

/// Why a brief was not installed. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("{}", join(.0))]
    Invalid(Vec<BriefError>),
    #[error("a brief with id `{id}` already exists ({}); use --replace to replace it", path.display())]
    Exists { id: BriefId, path: PathBuf },
    #[error("{} holds the brief `{other}`, so `{id}` cannot be stored there; rename that file to {other}.toml first", path.display())]
    Occupied {
        path: PathBuf,
        id: BriefId,
        other: BriefId,
    },
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("{}: cannot write: {source}", path.display())]
    Io {
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

/// A brief that was installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub id: BriefId,
    pub title: String,
    /// Where it now lives.
    pub path: PathBuf,
    /// The file that held the same id before, when one was replaced.
    pub replaced: Option<PathBuf>,
}

/// Validates `bytes` (read from `origin`, which names them in errors) and installs them in
/// `dir` as `<id>.toml`.
pub fn add(
    dir: &Path,
    origin: &Path,
    bytes: &[u8],
    default_language: Language,
    replace: bool,
) -> Result<Added, AddError> {
    let brief = brief::parse(origin, bytes, default_language).map_err(AddError::Invalid)?;
    let files = library::brief_files(dir)?;
    let target = dir.join(format!("{}.toml", brief.id));
    let (existing, occupant) = holders(&files, &brief.id, &target, default_language);
    if let Some(other) = occupant {
        return Err(AddError::Occupied {
            path: target,
            id: brief.id,
            other,
        });
    }
    let existing = existing.or_else(|| target.exists().then(|| target.clone()));
    if let Some(path) = &existing
        && !replace
    {
        return Err(AddError::Exists {
            id: brief.id,
            path: path.clone(),
        });
    }
    write_atomically(dir, &target, bytes, replace).map_err(|err| match err {
        WriteError::Exists => AddError::Exists {
            id: brief.id.clone(),
            path: target.clone(),
        },
        WriteError::Io(source) => AddError::Io {
            path: target.clone(),
            source,
        },
    })?;
    // The same id under another file name would now be a duplicate: the new file wins.
    if let Some(old) = existing.as_ref().filter(|old| **old != target) {
        std::fs::remove_file(old).map_err(|source| AddError::Io {
            path: old.clone(),
            source,
        })?;
    }
    Ok(Added {
        id: brief.id,
        title: brief.title,
        path: target,
        replaced: existing,
    })
}

/// Which file among `files` defines `id`, and which other id, if any, the file at `target`
/// holds (a brief stored under a name that is not its id).
fn holders(
    files: &[PathBuf],
    id: &BriefId,
    target: &Path,
    language: Language,
) -> (Option<PathBuf>, Option<BriefId>) {
    let (briefs, _) = library::parse_files(files, language);
    let defines = briefs.iter().find(|b| &b.id == id).map(|b| b.path.clone());
    let occupant = briefs
        .into_iter()
        .find(|b| b.path == target && &b.id != id)
        .map(|b| b.id);
    (defines, occupant)
}

enum WriteError {
    Exists,
    Io(std::io::Error),
}

/// Writes `bytes` to `target` through a temporary file in `dir`: write, fsync, rename,
/// fsync the folder. Without `overwrite`, fails with `Exists` if `target` appeared meanwhile.
fn write_atomically(
    dir: &Path,
    target: &Path,
    bytes: &[u8],
    overwrite: bool,
) -> Result<(), WriteError> {
    let mut file = tempfile::Builder::new()
        .prefix(".briefbot-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(WriteError::Io)?;
    file.write_all(bytes).map_err(WriteError::Io)?;
    file.as_file().sync_all().map_err(WriteError::Io)?;
    let persisted = if overwrite {
        file.persist(target).map(drop)
    } else {
        file.persist_noclobber(target).map(drop)
    };
    persisted.map_err(|err| {
        if err.error.kind() == std::io::ErrorKind::AlreadyExists {
            WriteError::Exists
        } else {
            WriteError::Io(err.error)
        }
    })?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(WriteError::Io)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRIEF: &str =
        "id = \"cyber-unit\"\ntitle = \"A\"\npublished = 2020-01-01\nsummary = \"S.\"\n";

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn installs_under_its_id_and_refuses_it_twice() {
        let dir = tempfile::tempdir().unwrap();
        let added = add(
            dir.path(),
            Path::new("new.toml"),
            BRIEF.as_bytes(),
            Language::English,
            false,
        )
        .unwrap();
        assert_eq!(added.path, dir.path().join("cyber-unit.toml"));
        assert_eq!(std::fs::read_to_string(&added.path).unwrap(), BRIEF);
        let err = add(
            dir.path(),
            Path::new("new.toml"),
            BRIEF.as_bytes(),
            Language::English,
            false,
        )
        .unwrap_err();
        assert!(matches!(err, AddError::Exists { .. }), "{err}");
        assert!(err.to_string().contains("--replace"));
        let changed = BRIEF.replace("title = \"A\"", "title = \"B\"");
        let added = add(
            dir.path(),
            Path::new("new.toml"),
            changed.as_bytes(),
            Language::English,
            true,
        )
        .unwrap();
        assert!(added.replaced.is_some());
        assert_eq!(std::fs::read_to_string(&added.path).unwrap(), changed);
        assert_eq!(
            files_in(dir.path()),
            ["cyber-unit.toml"],
            "no temporary file is left"
        );
    }

    #[test]
    fn an_id_defined_under_another_name_counts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("old-name.toml"), BRIEF).unwrap();
        let err = add(
            dir.path(),
            Path::new("new.toml"),
            BRIEF.as_bytes(),
            Language::English,
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("old-name.toml"), "{err}");
        add(
            dir.path(),
            Path::new("new.toml"),
            BRIEF.as_bytes(),
            Language::English,
            true,
        )
        .unwrap();
        assert_eq!(files_in(dir.path()), ["cyber-unit.toml"]);
    }

    #[test]
    fn a_file_named_for_the_id_but_holding_another_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let other = BRIEF.replace("cyber-unit", "cyber-unit-two");
        std::fs::write(dir.path().join("cyber-unit.toml"), &other).unwrap();
        for replace in [false, true] {
            let err = add(
                dir.path(),
                Path::new("new.toml"),
                BRIEF.as_bytes(),
                Language::English,
                replace,
            )
            .unwrap_err();
            assert!(matches!(err, AddError::Occupied { .. }), "{err}");
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join("cyber-unit.toml")).unwrap(),
            other
        );
    }

    #[test]
    fn invalid_brief_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let err = add(
            dir.path(),
            Path::new("new.toml"),
            b"title = 1",
            Language::English,
            false,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("new.toml:1:9:"), "{err}");
        assert!(files_in(dir.path()).is_empty());
    }
}
