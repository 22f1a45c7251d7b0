//! The library being served, kept in step with the briefs folder.
//!
//! [`LiveLibrary`] holds the current [`Library`] snapshot behind an atomic pointer: a query
//! takes the snapshot of the moment and keeps it for its whole life, so it never waits on a
//! reload, never fails during one, and always sees one consistent library. A reload re-reads
//! only the files whose size, modification time or inode changed, builds a new snapshot and
//! swaps it in. A file that no longer validates is reported, and its last good version stays
//! served. Changes made through [`LiveLibrary::add`] and [`LiveLibrary::remove`] are serialised
//! with reloads and visible as soon as they return; changes made by anyone else (an editor, scp,
//! git pull, `briefbot add` in another process) are picked up by [`LiveLibrary::watch`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use notify_debouncer_full::notify::{self, RecursiveMode};
use tracing::{info, warn};

use crate::brief::{self, Brief, BriefError, BriefId};
use crate::intake::{self, Action, Actor, IntakeError};
use crate::language::Language;
use crate::library::{self, Library, LibraryError};

/// How long the watcher lets a burst of file events settle before reloading.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// What identifies a version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        Some(Stamp {
            modified: meta.modified().ok(),
            len: meta.len(),
            inode,
        })
    }
}

/// A file read again: its path, its stamp when read, and what it holds.
type Parsed = (PathBuf, Option<Stamp>, Result<Brief, Vec<BriefError>>);

/// One brief file as last read.
#[derive(Debug)]
struct FileState {
    stamp: Option<Stamp>,
    /// The last version that validated, still served while the file is broken.
    good: Option<Arc<Brief>>,
}

/// The outcome of a reload.
#[derive(Debug, Default)]
pub struct ReloadReport {
    /// Files added, changed or removed since the last reload.
    pub changed: usize,
    /// Problems in the files that changed (bad files, duplicate ids).
    pub errors: Vec<BriefError>,
    /// Briefs served now.
    pub briefs: usize,
    /// How long reading and indexing took.
    pub elapsed: Duration,
}

/// A brief that was added or replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub id: BriefId,
    pub title: String,
    pub path: PathBuf,
    /// Set when a brief with the same id was replaced; its old file is in the trash.
    pub replaced: bool,
    pub audit: String,
}

/// A brief that was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub id: BriefId,
    pub title: String,
    /// Where the file went, in the trash.
    pub trashed: PathBuf,
    pub audit: String,
}

/// The served library and the folder it comes from.
pub struct LiveLibrary {
    dir: PathBuf,
    language: Language,
    max_bytes: usize,
    current: ArcSwap<Library>,
    /// Per-file state, in path order. Its lock also serialises reloads and changes.
    files: Mutex<BTreeMap<PathBuf, FileState>>,
}

impl std::fmt::Debug for LiveLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveLibrary")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl LiveLibrary {
    /// Loads the folder (removing temporary files a crash left behind first). Returns the
    /// library and the problems met.
    pub fn open(
        dir: &Path,
        language: Language,
        max_bytes: usize,
    ) -> Result<(Self, Vec<BriefError>), LibraryError> {
        // A missing folder is reported by the first reload; cleaning it is then a no-op.
        let cleaned = intake::clean_leftovers(dir);
        if cleaned > 0 {
            info!(
                files = cleaned,
                "removed temporary files left by an interrupted write"
            );
        }
        let live = LiveLibrary {
            dir: dir.to_owned(),
            language,
            max_bytes,
            current: ArcSwap::from_pointee(Library::new(Vec::new())),
            files: Mutex::new(BTreeMap::new()),
        };
        let report = live.reload()?;
        Ok((live, report.errors))
    }

    /// The library as it is now. Keep it for the whole of one answer.
    pub fn snapshot(&self) -> Arc<Library> {
        self.current.load_full()
    }

    /// The briefs folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<PathBuf, FileState>> {
        // A panic while holding the lock leaves the map as it was before that reload began,
        // which is still a consistent state to continue from.
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Re-reads what changed in the folder and swaps in a new snapshot if anything did.
    pub fn reload(&self) -> Result<ReloadReport, LibraryError> {
        let mut files = self.lock();
        self.reload_locked(&mut files)
    }

    fn reload_locked(
        &self,
        files: &mut BTreeMap<PathBuf, FileState>,
    ) -> Result<ReloadReport, LibraryError> {
        let started = Instant::now();
        let paths = library::brief_files(&self.dir)?;
        let mut report = ReloadReport::default();
        let mut changed_paths = Vec::new();
        for path in &paths {
            let stamp = Stamp::of(path);
            if files
                .get(path)
                .is_some_and(|state| state.stamp == stamp && stamp.is_some())
            {
                continue;
            }
            changed_paths.push(path.clone());
        }
        // Parse the changed files in parallel; most reloads touch one.
        let parsed: Vec<Parsed> = {
            use rayon::prelude::*;
            changed_paths
                .par_iter()
                .map(|path| {
                    let stamp = Stamp::of(path);
                    let result = library::read_bounded(path)
                        .and_then(|bytes| brief::parse(path, &bytes, self.language));
                    (path.clone(), stamp, result)
                })
                .collect()
        };
        for (path, stamp, result) in parsed {
            report.changed += 1;
            let state = files.entry(path).or_insert(FileState {
                stamp: None,
                good: None,
            });
            state.stamp = stamp;
            match result {
                Ok(brief) => state.good = Some(Arc::new(brief)),
                Err(problems) => {
                    if state.good.is_some() {
                        warn!(
                            "{} is broken; its last good version stays served",
                            problems[0].location.path.display()
                        );
                    }
                    report.errors.extend(problems);
                }
            }
        }
        let before = files.len();
        let present: std::collections::HashSet<&PathBuf> = paths.iter().collect();
        files.retain(|path, _| present.contains(path));
        report.changed += before - files.len();
        if report.changed == 0 && !files.is_empty() {
            report.briefs = self.current.load().briefs().len();
            return Ok(report);
        }
        // First file (by path) wins an id; a later duplicate is reported if it just changed.
        let mut seen: std::collections::HashMap<&BriefId, &Path> = std::collections::HashMap::new();
        let mut briefs = Vec::with_capacity(files.len());
        for (path, state) in files.iter() {
            let Some(brief) = &state.good else { continue };
            match seen.get(&brief.id) {
                Some(first) => {
                    if changed_paths.contains(path) {
                        report.errors.push(library::duplicate_id(brief, first));
                    }
                }
                None => {
                    seen.insert(&brief.id, path);
                    briefs.push(Arc::clone(brief));
                }
            }
        }
        report.briefs = briefs.len();
        self.current.store(Arc::new(Library::from_shared(briefs)));
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// Validates and installs a brief (`origin` names it in messages, never as a path), then
    /// serves it. Refuses an id that exists unless `replace`; a replaced file goes to the trash.
    pub fn add(
        &self,
        origin: &str,
        bytes: &[u8],
        replace: bool,
        actor: &Actor,
    ) -> Result<Added, IntakeError> {
        let brief = intake::check(origin, bytes, self.max_bytes, self.language)?;
        let mut files = self.lock();
        // Catch up with the folder first, so the checks below see what is there now.
        self.reload_locked(&mut files)?;
        let target = intake::target(&self.dir, &brief.id);
        if let Some(other) = files
            .get(&target)
            .and_then(|s| s.good.as_ref())
            .filter(|b| b.id != brief.id)
        {
            return Err(IntakeError::Occupied {
                path: target,
                id: brief.id,
                other: other.id.clone(),
            });
        }
        let existing = self
            .current
            .load()
            .get(brief.id.as_str())
            .map(|b| b.path.clone())
            .or_else(|| target.exists().then(|| target.clone()));
        if let Some(path) = &existing
            && !replace
        {
            return Err(IntakeError::Exists {
                id: brief.id,
                path: path.clone(),
            });
        }
        // Nothing is lost: the version being replaced is kept in the trash. The new file is
        // written before the old one is touched, so a failed write changes nothing.
        if existing.as_ref() == Some(&target) && target.exists() {
            intake::copy_to_trash(&self.dir, &target, &brief.id)?;
        }
        intake::write_atomically(&self.dir, &target, &brief.id, bytes, replace)?;
        if let Some(old) = existing.as_ref().filter(|old| **old != target) {
            intake::move_to_trash(&self.dir, old, &brief.id)?;
        }
        let action = if existing.is_some() {
            Action::Replace
        } else {
            Action::Add
        };
        let audit = intake::audit(&self.dir, action, &brief.id, bytes, actor);
        let report = self.reload_locked(&mut files)?;
        for error in &report.errors {
            warn!("{error}");
        }
        Ok(Added {
            id: brief.id,
            title: brief.title,
            path: target,
            replaced: existing.is_some(),
            audit,
        })
    }

    /// Moves a brief's file to the trash and stops serving it.
    pub fn remove(&self, id: &str, actor: &Actor) -> Result<Removed, IntakeError> {
        let mut files = self.lock();
        self.reload_locked(&mut files)?;
        let snapshot = self.current.load_full();
        let brief = snapshot
            .get(id)
            .ok_or_else(|| IntakeError::NoSuchBrief(id.to_owned()))?;
        let bytes = std::fs::read(&brief.path).unwrap_or_default();
        let trashed = intake::move_to_trash(&self.dir, &brief.path, &brief.id)?;
        let audit = intake::audit(&self.dir, Action::Remove, &brief.id, &bytes, actor);
        self.reload_locked(&mut files)?;
        Ok(Removed {
            id: brief.id.clone(),
            title: brief.title.clone(),
            trashed,
            audit,
        })
    }

    /// Watches the folder and reloads after every change, calling `on_report` with what
    /// happened. Watching lasts as long as the returned [`Watcher`] lives.
    pub fn watch(
        self: &Arc<Self>,
        on_report: impl Fn(&ReloadReport) + Send + 'static,
    ) -> Result<Watcher, notify::Error> {
        let live = Arc::clone(self);
        let mut debouncer = notify_debouncer_full::new_debouncer(
            DEBOUNCE,
            None,
            move |result: notify_debouncer_full::DebounceEventResult| match result {
                Ok(events) => {
                    if events.iter().all(|e| e.paths.iter().all(|p| ignored(p))) {
                        return;
                    }
                    match live.reload() {
                        Ok(report) => {
                            if report.changed > 0 {
                                info!(
                                    changed = report.changed,
                                    briefs = report.briefs,
                                    ms = report.elapsed.as_millis() as u64,
                                    "briefs reloaded"
                                );
                            }
                            for error in &report.errors {
                                warn!("{error}");
                            }
                            on_report(&report);
                        }
                        Err(error) => warn!(%error, "cannot reload the briefs"),
                    }
                }
                Err(errors) => {
                    for error in errors {
                        warn!(%error, "watching the briefs folder");
                    }
                }
            },
        )?;
        debouncer.watch(&self.dir, RecursiveMode::Recursive)?;
        Ok(Watcher {
            _debouncer: debouncer,
        })
    }
}

/// Paths whose changes never matter: hidden or underscore names (temporary files, the trash,
/// the audit log, notes).
fn ignored(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.starts_with('_'))
        || path.components().any(|c| c.as_os_str() == intake::TRASH)
}

/// Keeps the folder watched while it lives.
pub struct Watcher {
    _debouncer: notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief(id: &str, title: &str) -> String {
        format!(
            "id = \"{id}\"\ntitle = \"{title}\"\npublished = 2020-01-01\nsummary = \"About {title}.\"\n"
        )
    }

    fn titles(live: &LiveLibrary) -> Vec<String> {
        live.snapshot()
            .briefs()
            .iter()
            .map(|b| b.title.clone())
            .collect()
    }

    fn open(dir: &Path) -> LiveLibrary {
        LiveLibrary::open(dir, Language::English, intake::DEFAULT_MAX_BYTES)
            .unwrap()
            .0
    }

    #[test]
    fn reload_reads_only_what_changed_and_keeps_the_last_good_version() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), brief("a", "Storm")).unwrap();
        std::fs::write(dir.path().join("b.toml"), brief("b", "Flood")).unwrap();
        let live = open(dir.path());
        assert_eq!(titles(&live), ["Storm", "Flood"]);
        assert_eq!(live.reload().unwrap().changed, 0);

        std::fs::write(dir.path().join("a.toml"), "title = ").unwrap();
        let report = live.reload().unwrap();
        assert_eq!(report.changed, 1);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(
            titles(&live),
            ["Storm", "Flood"],
            "the broken file's last good version stays"
        );

        std::fs::remove_file(dir.path().join("b.toml")).unwrap();
        live.reload().unwrap();
        assert_eq!(titles(&live), ["Storm"]);
    }

    #[test]
    fn add_replace_and_remove_go_through_one_path() {
        let dir = tempfile::tempdir().unwrap();
        let live = open(dir.path());
        let actor = Actor::Local("test".into());
        let added = live
            .add(
                "upload.toml",
                brief("storm", "Storm").as_bytes(),
                false,
                &actor,
            )
            .unwrap();
        assert_eq!(added.path, dir.path().join("storm.toml"));
        assert_eq!(titles(&live), ["Storm"], "served at once");
        let err = live
            .add(
                "upload.toml",
                brief("storm", "Storm 2").as_bytes(),
                false,
                &actor,
            )
            .unwrap_err();
        assert!(matches!(err, IntakeError::Exists { .. }), "{err}");
        let replaced = live
            .add(
                "upload.toml",
                brief("storm", "Storm 2").as_bytes(),
                true,
                &actor,
            )
            .unwrap();
        assert!(replaced.replaced);
        assert_eq!(titles(&live), ["Storm 2"]);
        let removed = live.remove("storm", &actor).unwrap();
        assert!(titles(&live).is_empty());
        assert!(removed.trashed.exists());
        let trash: Vec<_> = std::fs::read_dir(dir.path().join(intake::TRASH))
            .unwrap()
            .collect();
        assert_eq!(
            trash.len(),
            2,
            "the replaced and the removed versions are both kept"
        );
        let audit = std::fs::read_to_string(dir.path().join(intake::AUDIT_LOG)).unwrap();
        let actions: Vec<&str> = audit
            .lines()
            .map(|l| l.split(' ').nth(1).unwrap())
            .collect();
        assert_eq!(actions, ["add", "replace", "remove"]);
        assert!(matches!(
            live.remove("storm", &actor),
            Err(IntakeError::NoSuchBrief(_))
        ));
    }

    #[test]
    fn a_failed_add_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let live = open(dir.path());
        let actor = Actor::Watcher;
        assert!(live.add("x.toml", b"title = 1", false, &actor).is_err());
        assert!(
            live.add(
                "../../etc/passwd",
                brief("ok", "Fine").as_bytes(),
                false,
                &actor
            )
            .is_ok()
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "only ok.toml and the audit log: {names:?}");
        assert!(
            dir.path().join("ok.toml").exists(),
            "the name comes from the id, never the upload"
        );
    }
}
