//! The library being served, kept in step with the briefs folder.
//!
//! [`LiveLibrary`] holds the current [`Library`] snapshot behind an atomic pointer: a query
//! takes the snapshot of the moment and keeps it for its whole life, so it never waits on a
//! reload, never fails during one, and always sees one consistent library. A reload re-reads
//! only the files whose size, modification time or inode changed (the folder watcher names
//! them; a full reload looks at every file's stamp), edits the snapshot for the briefs they
//! hold ([`Library::edit`]) and swaps the new one in. A file that no longer validates is reported, and its last good version stays
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
use crate::config::WatchMode;
use crate::intake::{self, Action, Actor, FolderLock, IntakeError};
use crate::language::Language;
use crate::library::{self, Edit, Library, LibraryError};

/// How long the watcher lets a burst of file events settle before reloading. Short, because a
/// reload costs little: a file caught half-written fails to parse, keeps its last good version
/// served, and is read again at its next event.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

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

/// A file read again: its path, its stamp when read, and what it holds (`None`: it is gone).
type Parsed = (
    PathBuf,
    Option<Stamp>,
    Option<Result<Brief, Vec<BriefError>>>,
);

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
    /// The ids of the briefs this reload put in the library: new ones, and new versions of
    /// ones served before (what announcing new briefs looks at).
    pub put: Vec<BriefId>,
    /// How long reading and indexing took.
    pub elapsed: Duration,
}

/// A brief that was added or replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub id: BriefId,
    pub title: String,
    pub path: PathBuf,
    /// Set when a brief with the same id was replaced; its old file is in the trash (unless
    /// `left_behind` says otherwise).
    pub replaced: bool,
    pub audit: String,
    /// Set when the new file was written but the old one could not be moved to the trash.
    pub left_behind: Option<LeftBehind>,
    /// The ids the add put in the library (as [`ReloadReport::put`]): what to announce.
    pub put: Vec<BriefId>,
}

/// The answer to whoever added the brief: "Added <title> (<id>).", and what went wrong, if
/// anything did.
impl std::fmt::Display for Added {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = if self.replaced { "Replaced" } else { "Added" };
        write!(f, "{verb} {} ({}).", self.title, self.id)?;
        if let Some(left) = &self.left_behind {
            write!(f, " But {left}")?;
        }
        Ok(())
    }
}

/// The old file of a replaced brief, left where it was because it could not be moved to the
/// trash after the new file was written. Paths are relative to the briefs folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftBehind {
    pub path: PathBuf,
    /// Why it could not be moved.
    pub error: String,
    pub id: BriefId,
    /// The new file, which holds the id too.
    pub new: PathBuf,
    /// The file serving the id now: of two files holding an id, the first by path.
    pub served: Option<PathBuf>,
}

impl std::fmt::Display for LeftBehind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (old, new) = (self.path.display(), self.new.display());
        write!(
            f,
            "the old file {old} could not be moved to the trash: {}. It still holds the id `{}`, \
             so it is now a duplicate of {new}",
            self.error, self.id
        )?;
        match &self.served {
            Some(served) if *served == self.path => write!(
                f,
                ", and {old} (the first by name) is the one served until it is moved away or \
                 deleted."
            ),
            Some(served) => write!(
                f,
                ", and {} (the first by name) is the one served; move {old} away or delete it.",
                served.display()
            ),
            None => write!(f, "; move {old} away or delete it."),
        }
    }
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
    /// `dir` made absolute, and with symbolic links resolved (when it exists).
    absolute_dir: PathBuf,
    canonical_dir: PathBuf,
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
    /// Loads the folder (removing temporary files a crash left behind first, unless another
    /// process is changing the folder). Returns the library and the problems met.
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
        let absolute_dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
        let live = LiveLibrary {
            dir: dir.to_owned(),
            canonical_dir: dir.canonicalize().unwrap_or_else(|_| absolute_dir.clone()),
            absolute_dir,
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

    /// `path` as the folder listing spells it (under `dir` as configured), whether it is
    /// given that way, absolute, or with symbolic links resolved (as watchers report paths).
    fn local(&self, path: &Path) -> Option<PathBuf> {
        [&self.dir, &self.absolute_dir, &self.canonical_dir]
            .into_iter()
            .find_map(|dir| path.strip_prefix(dir).ok())
            .map(|relative| self.dir.join(relative))
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<PathBuf, FileState>> {
        // A panic while holding the lock leaves the map as it was before that reload began,
        // which is still a consistent state to continue from.
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Re-reads what changed in the folder and swaps in a new snapshot if anything did. This
    /// lists the whole folder and looks at every file's stamp; when the changed files are
    /// known, [`LiveLibrary::reload_paths`] is the cheaper way.
    pub fn reload(&self) -> Result<ReloadReport, LibraryError> {
        let started = Instant::now();
        let paths = library::brief_files(&self.dir)?;
        let present: std::collections::HashSet<&PathBuf> = paths.iter().collect();
        let mut candidates: Vec<PathBuf> = self
            .lock()
            .keys()
            .filter(|path| !present.contains(path))
            .cloned()
            .collect();
        candidates.extend(paths.iter().cloned());
        let mut report = self.apply(candidates);
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// Re-reads these paths (files that were created, changed or removed, as the folder
    /// watcher reports them) and swaps in a new snapshot if any brief changed. Paths that are
    /// not brief files are skipped. The work is in proportion to the paths given, not to the
    /// size of the library.
    pub fn reload_paths(&self, paths: &[PathBuf]) -> ReloadReport {
        let started = Instant::now();
        let candidates = paths
            .iter()
            .filter_map(|path| self.local(path))
            .filter(|path| is_brief_path(&self.dir, path))
            .collect();
        let mut report = self.apply(candidates);
        report.elapsed = started.elapsed();
        report
    }

    /// Brings the served library in step with `candidates` (paths that may have changed),
    /// reading and parsing them without the lock: adds, removes and other reloads wait only
    /// for the swap, never for a file being read (a big or slow one takes what it takes).
    fn apply(&self, candidates: Vec<PathBuf>) -> ReloadReport {
        let changed = Self::changed(&self.lock(), candidates);
        let mut parsed = self.parse(changed);
        let mut files = self.lock();
        // Between the parse and the lock, another change may have read a file already, or
        // the file may have changed again: then what was read here is not applied (the
        // change that came since brings its own event). In place: at a first load this holds
        // every brief.
        parsed.retain(|(path, stamp, _)| {
            let now = Stamp::of(path);
            let known = files.get(path);
            now == *stamp
                && !known.is_some_and(|state| state.stamp == now && now.is_some())
                && (now.is_some() || known.is_some())
        });
        self.apply_parsed_locked(&mut files, parsed)
    }

    /// The paths among `candidates` whose stamp is not the one last read, with their stamp
    /// now (`None`: gone), in path order.
    fn changed(
        files: &BTreeMap<PathBuf, FileState>,
        mut candidates: Vec<PathBuf>,
    ) -> Vec<(PathBuf, Option<Stamp>)> {
        library::sort_paths(&mut candidates);
        candidates.dedup();
        let mut changed = Vec::new();
        for path in candidates {
            let stamp = Stamp::of(&path);
            let known = files.get(&path);
            let same = known.is_some_and(|state| state.stamp == stamp && stamp.is_some());
            if !same && (stamp.is_some() || known.is_some()) {
                changed.push((path, stamp));
            }
        }
        changed
    }

    /// Reads and parses the changed files, in parallel (most reloads touch one).
    fn parse(&self, changed: Vec<(PathBuf, Option<Stamp>)>) -> Vec<Parsed> {
        use rayon::prelude::*;
        changed
            .into_par_iter()
            .map(|(path, stamp)| {
                let result = stamp.map(|_| {
                    library::read_bounded(&path)
                        .and_then(|bytes| brief::parse(&path, &bytes, self.language))
                });
                (path, stamp, result)
            })
            .collect()
    }

    /// [`LiveLibrary::apply`] with the lock already held (adds and removes, which must see
    /// their own files applied before they go on).
    fn apply_locked(
        &self,
        files: &mut BTreeMap<PathBuf, FileState>,
        candidates: Vec<PathBuf>,
    ) -> ReloadReport {
        let changed = Self::changed(files, candidates);
        let parsed = self.parse(changed);
        self.apply_parsed_locked(files, parsed)
    }

    /// Serves what `parsed` holds (files read again, in path order) and swaps the snapshot.
    fn apply_parsed_locked(
        &self,
        files: &mut BTreeMap<PathBuf, FileState>,
        parsed: Vec<Parsed>,
    ) -> ReloadReport {
        let mut report = ReloadReport::default();
        let snapshot = self.current.load_full();
        if parsed.is_empty() {
            report.briefs = snapshot.len();
            return report;
        }
        // What each touched id is served by after these files, in path order: the first
        // file (by path) holding an id wins it; a later one is reported as a duplicate.
        let mut pending: std::collections::HashMap<BriefId, Option<Arc<Brief>>> =
            std::collections::HashMap::new();
        let served = |pending: &std::collections::HashMap<BriefId, Option<Arc<Brief>>>,
                      id: &BriefId|
         -> Option<PathBuf> {
            match pending.get(id) {
                Some(brief) => brief.as_ref().map(|b| b.path.clone()),
                None => snapshot.get(id.as_str()).map(|b| b.path.clone()),
            }
        };
        for (path, stamp, result) in parsed {
            report.changed += 1;
            let before = files.get(&path).and_then(|state| state.good.clone());
            let after = match result {
                None => {
                    files.remove(&path);
                    None
                }
                Some(Ok(brief)) => {
                    let brief = Arc::new(brief);
                    files.insert(
                        path.clone(),
                        FileState {
                            stamp,
                            good: Some(Arc::clone(&brief)),
                        },
                    );
                    Some(brief)
                }
                Some(Err(problems)) => {
                    if before.is_some() {
                        warn!(
                            "{} is broken; its last good version stays served",
                            path.display()
                        );
                    }
                    report.errors.extend(problems);
                    let state = files.entry(path.clone()).or_insert(FileState {
                        stamp: None,
                        good: None,
                    });
                    state.stamp = stamp;
                    continue;
                }
            };
            // The id this file held, if it served it and now holds another or is gone: the
            // next file holding that id (by path) takes over, if any.
            if let Some(old) = &before
                && after.as_ref().is_none_or(|new| new.id != old.id)
                && served(&pending, &old.id).as_ref() == Some(&path)
            {
                let heir = files
                    .values()
                    .filter_map(|state| state.good.as_ref())
                    .find(|b| b.id == old.id)
                    .cloned();
                pending.insert(old.id.clone(), heir);
            }
            let Some(new) = after else { continue };
            match served(&pending, &new.id) {
                Some(holder) if holder < path => {
                    report.errors.push(library::duplicate_id(&new, &holder));
                }
                Some(holder) => {
                    // A file earlier by path takes the id over: the one serving it now is
                    // the duplicate.
                    if holder != path
                        && let Some(loser) = files.get(&holder).and_then(|s| s.good.as_ref())
                    {
                        report.errors.push(library::duplicate_id(loser, &path));
                    }
                    pending.insert(new.id.clone(), Some(new));
                }
                None => {
                    pending.insert(new.id.clone(), Some(new));
                }
            }
        }
        let mut edits: Vec<(Option<PathBuf>, Edit)> = pending
            .into_iter()
            .filter_map(|(id, brief)| match brief {
                Some(brief) => {
                    let unchanged = snapshot
                        .get(id.as_str())
                        .is_some_and(|b| std::ptr::eq(b, &*brief));
                    (!unchanged).then(|| (Some(brief.path.clone()), Edit::Put(brief)))
                }
                None => snapshot
                    .get(id.as_str())
                    .is_some()
                    .then_some((None, Edit::Remove(id))),
            })
            .collect();
        // Removals first, then new briefs in path order: a library loaded at once and one
        // loaded file by file give their briefs the same order.
        edits.sort_by(|a, b| a.0.cmp(&b.0));
        let edits: Vec<Edit> = edits.into_iter().map(|(_, edit)| edit).collect();
        report.put = edits
            .iter()
            .filter_map(|edit| match edit {
                Edit::Put(brief) => Some(brief.id.clone()),
                Edit::Remove(_) => None,
            })
            .collect();
        let library = if edits.is_empty() {
            snapshot
        } else {
            Arc::new(snapshot.edit(&edits))
        };
        report.briefs = library.len();
        self.current.store(library);
        report
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
        // Other processes changing the folder take turns with this one. Their lock is taken
        // before this library's own, so reloads here never wait on another process.
        let held = FolderLock::acquire(&self.dir)?;
        let mut files = self.lock();
        let target = intake::target(&self.dir, &brief.id);
        // Catch up with the files involved first, so the checks below see what is there now.
        let mut involved = vec![target.clone()];
        involved.extend(
            self.current
                .load()
                .get(brief.id.as_str())
                .map(|b| b.path.clone()),
        );
        self.apply_locked(&mut files, involved);
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
        // Nothing is lost: every file overwritten or removed is kept in the trash first. That
        // includes the target whatever it holds (the version served, a broken file, a
        // duplicate of the id served from another file). The new file is written before the
        // old one is touched, so a failed write changes nothing.
        if replace && std::fs::symlink_metadata(&target).is_ok() {
            intake::copy_to_trash(&self.dir, &target, &brief.id)?;
        }
        intake::write_atomically(&self.dir, &held, &target, &brief.id, bytes, replace)?;
        // The change is made: from here on, a failure is reported with it, not instead of it.
        let not_trashed = existing
            .as_ref()
            .filter(|old| **old != target)
            .and_then(
                |old| match intake::move_to_trash(&self.dir, old, &brief.id) {
                    Ok(_) => None,
                    Err(IntakeError::Trash { source, .. }) => {
                        Some((old.clone(), source.to_string()))
                    }
                    Err(other) => Some((old.clone(), other.to_string())),
                },
            );
        let mut involved = vec![target.clone()];
        involved.extend(existing.clone());
        let report = self.apply_locked(&mut files, involved);
        for error in &report.errors {
            warn!("{error}");
        }
        let relative = |path: &Path| path.strip_prefix(&self.dir).unwrap_or(path).to_owned();
        let left_behind = not_trashed.map(|(old, error)| LeftBehind {
            path: relative(&old),
            error,
            id: brief.id.clone(),
            new: relative(&target),
            served: self
                .current
                .load()
                .get(brief.id.as_str())
                .map(|b| relative(&b.path)),
        });
        let warning = left_behind.as_ref().map(ToString::to_string);
        if let Some(warning) = &warning {
            warn!("{warning}");
        }
        let action = if existing.is_some() {
            Action::Replace
        } else {
            Action::Add
        };
        let audit = intake::audit(
            &self.dir,
            action,
            &brief.id,
            bytes,
            actor,
            warning.as_deref(),
        );
        Ok(Added {
            id: brief.id,
            title: brief.title,
            path: target,
            replaced: existing.is_some(),
            audit,
            left_behind,
            put: report.put,
        })
    }

    /// Moves a brief's file to the trash and stops serving it.
    pub fn remove(&self, id: &str, actor: &Actor) -> Result<Removed, IntakeError> {
        let _held = FolderLock::acquire(&self.dir)?;
        let mut files = self.lock();
        if let Some(brief) = self.current.load().get(id) {
            // Catch up with its file first: it may have changed since.
            self.apply_locked(&mut files, vec![brief.path.clone()]);
        }
        let snapshot = self.current.load_full();
        let brief = snapshot
            .get(id)
            .ok_or_else(|| IntakeError::NoSuchBrief(id.to_owned()))?;
        let bytes = std::fs::read(&brief.path).unwrap_or_default();
        let trashed = intake::move_to_trash(&self.dir, &brief.path, &brief.id)?;
        let audit = intake::audit(&self.dir, Action::Remove, &brief.id, &bytes, actor, None);
        self.apply_locked(&mut files, vec![brief.path.clone()]);
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
                    // Changed files are re-read by name; anything else (a folder moved or
                    // removed, events lost) makes the whole folder be looked at again.
                    let paths: Vec<PathBuf> = events
                        .iter()
                        .flat_map(|e| e.paths.iter().cloned())
                        .collect();
                    let rescan = events.iter().any(|e| e.need_rescan())
                        || paths
                            .iter()
                            .any(|p| live.local(p).is_none_or(|p| needs_rescan(&live.dir, &p)));
                    let result = if rescan {
                        live.reload()
                    } else {
                        Ok(live.reload_paths(&paths))
                    };
                    reported(result, &on_report);
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
            _watching: Watching::Events {
                _debouncer: Box::new(debouncer),
            },
        })
    }

    /// Looks at the folder every `every` and reloads what changed, calling `on_report` after
    /// each look that changed something or met errors. One look lists the folder and takes one
    /// `stat` per file (size, modification time, inode); only changed files are read. For
    /// folders whose changes bring no events: network filesystems (NFS, SMB) changed from
    /// another machine. Polling lasts as long as the returned [`Watcher`] lives.
    pub fn poll(
        self: &Arc<Self>,
        every: Duration,
        on_report: impl Fn(&ReloadReport) + Send + 'static,
    ) -> Watcher {
        let live = Arc::clone(self);
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("briefs-poll".into())
            .spawn(move || {
                // Ends when the Watcher (and so `stop`) is dropped.
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(every)
                {
                    let result = live.reload();
                    if result
                        .as_ref()
                        .map_or(true, |r| r.changed > 0 || !r.errors.is_empty())
                    {
                        reported(result, &on_report);
                    }
                }
            });
        if let Err(error) = spawned {
            warn!(%error, "cannot start polling the briefs folder");
        }
        Watcher {
            _watching: Watching::Poll { _stop: stop },
        }
    }

    /// Watches the folder as the config says: by events ([`LiveLibrary::watch`]) or by
    /// polling ([`LiveLibrary::poll`]).
    pub fn watch_as(
        self: &Arc<Self>,
        mode: WatchMode,
        on_report: impl Fn(&ReloadReport) + Send + 'static,
    ) -> Result<Watcher, notify::Error> {
        match mode {
            WatchMode::Events => self.watch(on_report),
            WatchMode::Poll { secs } => Ok(self.poll(Duration::from_secs(secs), on_report)),
        }
    }
}

/// Logs what a reload did and hands it to `on_report`.
fn reported(result: Result<ReloadReport, LibraryError>, on_report: &impl Fn(&ReloadReport)) {
    match result {
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

/// Whether `path` is where a brief file of `dir` can be: a `*.toml` under it, with no part
/// of its path below `dir` starting with `_` or `.` (as [`library::brief_files`] lists them).
fn is_brief_path(dir: &Path, path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
        && path.strip_prefix(dir).is_ok_and(|relative| {
            relative
                .components()
                .all(|c| !library::is_hidden(&c.as_os_str().to_string_lossy()))
        })
}

/// Whether an event on `path` may have changed brief files other than `path` itself: a
/// folder below `dir`, or something that is gone and was not a brief file (perhaps a folder).
fn needs_rescan(dir: &Path, path: &Path) -> bool {
    if ignored(path) || path == dir || path.extension().is_some_and(|e| e == "toml") {
        return false;
    }
    path.is_dir() || !path.exists()
}

/// Paths whose changes never matter: hidden or underscore names (temporary files, the trash,
/// the audit log, notes).
fn ignored(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(library::is_hidden)
        || path.components().any(|c| c.as_os_str() == intake::TRASH)
}

/// Keeps the folder watched while it lives.
pub struct Watcher {
    _watching: Watching,
}

/// What keeps a folder watched: the event watcher, or the polling thread's stop signal.
enum Watching {
    Events {
        _debouncer: Box<
            notify_debouncer_full::Debouncer<
                notify::RecommendedWatcher,
                notify_debouncer_full::RecommendedCache,
            >,
        >,
    },
    Poll {
        _stop: std::sync::mpsc::Sender<()>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_MAX_BRIEF_BYTES;

    fn brief(id: &str, title: &str) -> String {
        format!(
            "id = \"{id}\"\ntitle = \"{title}\"\npublished = 2020-01-01\nsummary = \"About {title}.\"\n"
        )
    }

    fn titles(live: &LiveLibrary) -> Vec<String> {
        live.snapshot().briefs().map(|b| b.title.clone()).collect()
    }

    fn open(dir: &Path) -> LiveLibrary {
        LiveLibrary::open(dir, Language::English, DEFAULT_MAX_BRIEF_BYTES)
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
    fn a_reload_names_the_briefs_it_put_in_the_library() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), brief("a", "Storm")).unwrap();
        let live = open(dir.path());
        std::fs::write(dir.path().join("b.toml"), brief("b", "Flood")).unwrap();
        std::fs::write(dir.path().join("a.toml"), brief("a", "Storm, again")).unwrap();
        let mut put: Vec<String> = live
            .reload()
            .unwrap()
            .put
            .iter()
            .map(ToString::to_string)
            .collect();
        put.sort();
        assert_eq!(put, ["a", "b"]);
        std::fs::remove_file(dir.path().join("b.toml")).unwrap();
        std::fs::write(dir.path().join("broken.toml"), "title = ").unwrap();
        assert!(
            live.reload().unwrap().put.is_empty(),
            "removals and broken files put nothing"
        );
    }

    /// Served briefs as (id, file name, title), sorted.
    fn served(library: &Library) -> Vec<(String, String, String)> {
        let mut served: Vec<_> = library
            .briefs()
            .map(|b| {
                let name = b.path.file_name().unwrap().to_string_lossy().into_owned();
                (b.id.to_string(), name, b.title.clone())
            })
            .collect();
        served.sort();
        served
    }

    #[test]
    fn reloading_by_path_serves_what_loading_the_folder_would() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::write(path("b.toml"), brief("x", "From b")).unwrap();
        let live = open(dir.path());
        let fresh = || {
            served(
                &Library::load(dir.path(), Language::English)
                    .unwrap()
                    .library,
            )
        };
        let reload = |names: &[&str]| {
            let paths: Vec<PathBuf> = names.iter().map(|n| path(n)).collect();
            let report = live.reload_paths(&paths);
            assert_eq!(served(&live.snapshot()), fresh(), "after {names:?}");
            report
        };
        // A file earlier by path takes the id over; the later one is the duplicate.
        std::fs::write(path("a.toml"), brief("x", "From a")).unwrap();
        let report = reload(&["a.toml"]);
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        assert!(report.errors[0].location.path.ends_with("b.toml"));
        // The id's file is removed: the next file holding it serves it.
        std::fs::remove_file(path("a.toml")).unwrap();
        reload(&["a.toml"]);
        assert_eq!(live.snapshot().get("x").unwrap().title, "From b");
        // A file changes its id: the old id goes, the new one comes.
        std::fs::write(path("b.toml"), brief("y", "Now y")).unwrap();
        reload(&["b.toml"]);
        assert!(live.snapshot().get("x").is_none());
        // Paths that are not brief files are skipped; a later duplicate is reported.
        std::fs::write(path("_draft.toml"), brief("z", "Draft")).unwrap();
        std::fs::write(path("c.toml"), brief("y", "Also y")).unwrap();
        let report = reload(&["_draft.toml", "c.toml", "notes.md"]);
        assert_eq!(report.changed, 1);
        assert!(report.errors[0].message.contains("duplicate id `y`"));
        // Nothing changed: nothing is read.
        assert_eq!(reload(&["b.toml", "c.toml"]).changed, 0);
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

    /// The contents of every file in the trash, sorted.
    fn trashed(dir: &Path) -> Vec<String> {
        let mut kept: Vec<String> = std::fs::read_dir(dir.join(intake::TRASH))
            .map(|entries| {
                entries
                    .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        kept.sort();
        kept
    }

    /// Issue 13: when `a.toml` served id `x` and `x.toml` also existed (broken, or a duplicate
    /// of `x`), a replace overwrote `x.toml` and kept only `a.toml` in the trash.
    #[test]
    fn a_replace_keeps_every_file_it_overwrites_or_removes_in_the_trash() {
        let duplicate = brief("x", "Duplicate in x");
        for (case, in_target) in [("broken", "title = \"Half"), ("duplicate", &duplicate)] {
            let dir = tempfile::tempdir().unwrap();
            let served = brief("x", "Served from a");
            std::fs::write(dir.path().join("a.toml"), &served).unwrap();
            std::fs::write(dir.path().join("x.toml"), in_target).unwrap();
            let live = open(dir.path());
            assert_eq!(titles(&live), ["Served from a"], "{case}");
            let new = brief("x", "New");
            let added = live
                .add("up.toml", new.as_bytes(), true, &Actor::Watcher)
                .unwrap();
            assert!(added.replaced, "{case}");
            assert_eq!(titles(&live), ["New"], "{case}");
            assert!(!dir.path().join("a.toml").exists(), "{case}");
            assert_eq!(
                std::fs::read_to_string(dir.path().join("x.toml")).unwrap(),
                new
            );
            let mut both = vec![served, in_target.to_owned()];
            both.sort();
            assert_eq!(trashed(dir.path()), both, "{case}: both old files kept");
        }
    }

    /// Issue 13: when the new file was written but the old one could not be moved to the
    /// trash, the add failed as if nothing had happened, and nothing was audited. (The trash is
    /// made unusable by a file in its place: permissions do not stop root.)
    #[test]
    fn a_replace_whose_old_file_cannot_be_trashed_says_what_happened() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), brief("x", "Old in a")).unwrap();
        std::fs::write(dir.path().join(intake::TRASH), "not a folder").unwrap();
        let live = open(dir.path());
        let new = brief("x", "New");
        let added = live
            .add("up.toml", new.as_bytes(), true, &Actor::Local("ed".into()))
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("x.toml")).unwrap(),
            new,
            "the new file was written"
        );
        let left = added
            .left_behind
            .as_ref()
            .expect("the old file is reported");
        assert_eq!(left.path, Path::new("a.toml"));
        assert_eq!(left.served.as_deref(), Some(Path::new("a.toml")));
        assert_eq!(titles(&live), ["Old in a"], "a.toml comes first by name");
        let said = added.to_string();
        assert!(
            said.starts_with(
                "Replaced New (x). But the old file a.toml could not be moved to the trash: "
            ),
            "{said}"
        );
        assert!(
            said.ends_with(
                "It still holds the id `x`, so it is now a duplicate of x.toml, and a.toml \
                 (the first by name) is the one served until it is moved away or deleted."
            ),
            "{said}"
        );
        let audit = std::fs::read_to_string(dir.path().join(intake::AUDIT_LOG)).unwrap();
        let line = audit.lines().last().unwrap();
        assert!(line.contains(" replace id=x "), "{line}");
        assert!(
            line.ends_with(&format!(" warning={:?}", left.to_string())),
            "{line}"
        );

        // Before the write, a failure changes nothing: x.toml cannot be kept, so it stays.
        let err = live
            .add(
                "up.toml",
                brief("x", "Newer").as_bytes(),
                true,
                &Actor::Watcher,
            )
            .unwrap_err();
        assert!(err.to_string().contains("x.toml"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("x.toml")).unwrap(),
            new
        );
    }

    /// Issue 13: a file being read (a huge one, or here a pipe that ends only when the test
    /// says so) holds up no other change: a remove goes through meanwhile.
    #[cfg(unix)]
    #[test]
    fn a_file_being_read_holds_up_no_other_change() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), brief("a", "Storm")).unwrap();
        let live = Arc::new(open(dir.path()));
        let slow = dir.path().join("slow.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&slow)
            .status()
            .unwrap();
        assert!(made.success());
        let reading = std::thread::spawn({
            let (live, slow) = (Arc::clone(&live), slow.clone());
            move || live.reload_paths(&[slow])
        });
        // Opening the writing end waits for the reload to open the reading end: from here
        // on, the reload is reading, and stays so until the writing end is closed.
        let mut writer = std::fs::OpenOptions::new().write(true).open(&slow).unwrap();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn({
            let live = Arc::clone(&live);
            move || {
                let removed = live.remove("a", &Actor::Local("test".into()));
                let _ = done.send(removed.map(|r| r.id.to_string()));
            }
        });
        // Not a speed limit: with the lock held while reading, the remove never finishes
        // before the pipe is closed; this only keeps that failure from hanging the test.
        let removed = finished.recv_timeout(Duration::from_secs(60));
        writer.write_all(brief("slow", "Slow").as_bytes()).unwrap();
        drop(writer);
        reading.join().unwrap();
        let removed = removed.expect("the remove finished while the pipe was being read");
        assert_eq!(removed.unwrap(), "a");
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
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [intake::AUDIT_LOG, intake::LOCK, "ok.toml"],
            "only ok.toml, the audit log and the lock"
        );
        assert!(
            dir.path().join("ok.toml").exists(),
            "the name comes from the id, never the upload"
        );
    }
}
