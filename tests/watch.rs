//! The live library against a real folder: the watcher picks up files dropped, edited and
//! removed by anyone, a broken edit keeps the last good version, and queries never fail while
//! reloads happen.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use briefbot::answer::{AskOptions, ask};
use briefbot::config::DEFAULT_MAX_BRIEF_BYTES;
use briefbot::language::Language;
use briefbot::watch::LiveLibrary;

const OPTIONS: AskOptions = AskOptions {
    limit: 3,
    quotes: 3,
    summary_chars: 400,
};

fn brief(id: &str, title: &str) -> String {
    format!(
        "id = \"{id}\"\ntitle = \"{title}\"\npublished = 2020-01-01\nsummary = \"A report about {title}.\"\n"
    )
}

fn found(live: &LiveLibrary, query: &str) -> Vec<String> {
    ask(&live.snapshot(), query, OPTIONS)
        .results
        .into_iter()
        .map(|r| r.title.text)
        .collect()
}

/// How long a test waits for the watcher before it calls it stuck: a guard against hanging,
/// not a speed claim (how fast a change is served is measured by `cargo bench --bench reload`).
const STUCK: Duration = Duration::from_secs(30);

/// Polls `check` until it holds or `limit` passes; returns how long it took.
fn within(limit: Duration, mut check: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

fn open(dir: &Path) -> Arc<LiveLibrary> {
    Arc::new(
        LiveLibrary::open(dir, Language::English, DEFAULT_MAX_BRIEF_BYTES)
            .unwrap()
            .0,
    )
}

#[test]
fn the_watcher_serves_dropped_edited_and_removed_files_and_ignores_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("storm.toml"),
        brief("storm", "Storm hits coast"),
    )
    .unwrap();
    let live = open(dir.path());
    let reports = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&reports);
    let _watcher = live.watch(move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
    });
    let limit = STUCK;

    // Dropped in, in a subfolder too.
    std::fs::create_dir(dir.path().join("2020")).unwrap();
    std::fs::write(
        dir.path().join("2020/flood.toml"),
        brief("flood", "Flood in the valley"),
    )
    .unwrap();
    let took = within(limit, || found(&live, "flood") == ["Flood in the valley"]);
    assert!(took.is_some(), "a new file is served");

    // Edited.
    std::fs::write(
        dir.path().join("storm.toml"),
        brief("storm", "Storm weakens offshore"),
    )
    .unwrap();
    assert!(
        within(limit, || found(&live, "storm")
            == ["Storm weakens offshore"])
        .is_some()
    );

    // A broken edit keeps the last good version.
    let seen = reports.load(Ordering::SeqCst);
    std::fs::write(
        dir.path().join("storm.toml"),
        "title = \"Storm\"\nsumary = 1\n",
    )
    .unwrap();
    assert!(
        within(limit, || reports.load(Ordering::SeqCst) > seen).is_some(),
        "the watcher reloaded"
    );
    assert_eq!(found(&live, "storm"), ["Storm weakens offshore"]);

    // Removed.
    std::fs::remove_file(dir.path().join("2020/flood.toml")).unwrap();
    assert!(within(limit, || found(&live, "flood").is_empty()).is_some());

    // Files that are not briefs are ignored. That something did not happen is shown only
    // after something that came later did (issue 13: a fixed sleep let a slow watcher pass):
    // the watcher hands on events in order, so once a brief written after the draft is
    // served, the draft's events have been seen.
    std::fs::write(dir.path().join("notes.md"), "storm").unwrap();
    std::fs::write(
        dir.path().join("_draft.toml"),
        brief("draft", "Draft storm"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("later.toml"),
        brief("later", "Lighthouse relit"),
    )
    .unwrap();
    assert!(within(limit, || found(&live, "lighthouse") == ["Lighthouse relit"]).is_some());
    assert_eq!(found(&live, "draft"), Vec::<String>::new());
    assert!(live.snapshot().get("draft").is_none());
}

#[test]
fn queries_never_fail_while_a_hundred_reloads_happen() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..50 {
        std::fs::write(
            dir.path().join(format!("b{i}.toml")),
            brief(&format!("b{i}"), &format!("Harbour report {i}")),
        )
        .unwrap();
    }
    let live = open(dir.path());
    let stop = Arc::new(AtomicBool::new(false));
    let (queries, failures) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let askers: Vec<_> = (0..2)
        .map(|_| {
            let (live, stop) = (Arc::clone(&live), Arc::clone(&stop));
            let (queries, failures) = (Arc::clone(&queries), Arc::clone(&failures));
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let library = live.snapshot();
                    let answer = ask(&library, "harbour report", OPTIONS);
                    // Every snapshot is whole: 50 or 51 briefs, all of which match.
                    let count = library.len();
                    if answer.results.len() != 3
                        || answer.total != count
                        || !(50..=51).contains(&count)
                    {
                        failures.fetch_add(1, Ordering::SeqCst);
                    }
                    queries.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let extra = dir.path().join("extra.toml");
    for i in 0..100 {
        if i % 2 == 0 {
            std::fs::write(&extra, brief("extra", &format!("Harbour extra {i}"))).unwrap();
        } else {
            std::fs::remove_file(&extra).unwrap();
        }
        let report = live.reload().unwrap();
        assert_eq!(report.changed, 1);
    }
    stop.store(true, Ordering::SeqCst);
    for asker in askers {
        asker.join().unwrap();
    }
    assert!(queries.load(Ordering::SeqCst) > 0);
    assert_eq!(
        failures.load(Ordering::SeqCst),
        0,
        "of {} queries",
        queries.load(Ordering::SeqCst)
    );
}

#[test]
fn two_adds_of_the_same_id_at_once_one_wins_the_other_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let live = open(dir.path());
    let handles: Vec<_> = (0..2)
        .map(|n| {
            let live = Arc::clone(&live);
            std::thread::spawn(move || {
                live.add(
                    "upload.toml",
                    brief("same", &format!("Version {n}")).as_bytes(),
                    false,
                    &briefbot::intake::Actor::Discord(n),
                )
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let refused = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert!(refused.to_string().contains("already exists"), "{refused}");
    assert_eq!(live.snapshot().len(), 1);
}

#[test]
fn leftover_temporary_files_are_cleaned_at_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".briefbot-crash.tmp"), "title = \"half").unwrap();
    let _live = open(dir.path());
    assert!(!dir.path().join(".briefbot-crash.tmp").exists());
}

/// Issue 13: every start removed every temporary file, including the one another process
/// (`briefbot add` beside the bot) was about to rename into place. A writer holds the folder's
/// lock for as long as its temporary file lives; a start leaves the files alone while the
/// lock is held, and cleans them once their writer is gone.
#[test]
fn a_start_leaves_the_temporary_file_of_a_write_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let in_flight = dir.path().join(".briefbot-inflight.tmp");
    std::fs::write(&in_flight, brief("new", "Being written")).unwrap();
    let writer = briefbot::intake::FolderLock::acquire(dir.path()).unwrap();
    let _live = open(dir.path());
    assert!(in_flight.exists(), "the write in flight is left alone");
    drop(writer);
    let _live = open(dir.path());
    assert!(
        !in_flight.exists(),
        "once its writer is gone, it is a leftover"
    );
}

/// `watch = "poll"`: no change events at all, one look at the folder per round. A change, an
/// addition and a removal are each served after a round, and each round that changed
/// something is reported with what it put in the library.
#[test]
fn polling_serves_dropped_edited_and_removed_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("storm.toml"),
        brief("storm", "Storm hits coast"),
    )
    .unwrap();
    let live = open(dir.path());
    let put = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let recorded = Arc::clone(&put);
    let watcher = live.poll(Duration::from_millis(50), move |report| {
        let mut put = recorded.lock().unwrap();
        put.extend(report.put.iter().map(|id| id.to_string()));
    });

    // Dropped in, in a subfolder too.
    std::fs::create_dir(dir.path().join("2020")).unwrap();
    std::fs::write(
        dir.path().join("2020/flood.toml"),
        brief("flood", "Flood in the valley"),
    )
    .unwrap();
    assert!(
        within(STUCK, || found(&live, "flood") == ["Flood in the valley"]).is_some(),
        "a new file is served"
    );
    assert_eq!(*put.lock().unwrap(), ["flood"]);

    // Edited, to the same length: the modification time tells.
    std::fs::write(
        dir.path().join("storm.toml"),
        brief("storm", "Storm hits beach"),
    )
    .unwrap();
    assert!(within(STUCK, || found(&live, "storm") == ["Storm hits beach"]).is_some());

    // Removed.
    std::fs::remove_file(dir.path().join("2020/flood.toml")).unwrap();
    assert!(within(STUCK, || found(&live, "flood").is_empty()).is_some());
    assert_eq!(live.snapshot().len(), 1);

    // Once the watcher is dropped, nothing more is picked up.
    drop(watcher);
    std::thread::sleep(Duration::from_millis(200));
    std::fs::write(dir.path().join("rain.toml"), brief("rain", "Rain all week")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(found(&live, "rain").is_empty(), "polling stopped");
}

/// The config chooses polling: `watch_as` with `WatchMode::Poll` polls (here every second,
/// the shortest `poll_secs`).
#[test]
fn the_config_can_choose_polling() {
    let dir = tempfile::tempdir().unwrap();
    let live = open(dir.path());
    let _watcher = live
        .watch_as(briefbot::config::WatchMode::Poll { secs: 1 }, |_| {})
        .unwrap();
    std::fs::write(dir.path().join("rain.toml"), brief("rain", "Rain all week")).unwrap();
    assert!(within(STUCK, || found(&live, "rain") == ["Rain all week"]).is_some());
}
