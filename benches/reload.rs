//! "One changed file live again": how long after one brief file changes the running library
//! serves the new version, from 10k to a million briefs. The library is opened on a scratch
//! copy of a generated corpus (see bench/README.md); one file is rewritten and
//! `LiveLibrary::reload_paths` (what the folder watcher calls with the paths it saw change,
//! after its debounce) is timed until the new version answers. Median of 9. For reference,
//! the whole way through the folder watcher and the full `LiveLibrary::reload` (list the
//! folder, stat every file) are timed the same way.
//!
//!     cargo bench --bench reload                         # target/bench-corpus/10000
//!     BRIEFBOT_BENCH_SIZES=10000,100000 cargo bench --bench reload
//!     BRIEFBOT_BENCH_CORPORA=/path/a,/path/b cargo bench --bench reload   # any folders
//!
//! `BRIEFBOT_BENCH_CORPORA` (folders, comma-separated) replaces the sizes when set; bench/
//! scale.sh uses it. Each corpus gives one human line (`reload/<name>: ...`) and one JSON line
//! (`{"bench": "reload", ...}`, the medians in milliseconds) for scripts.
//!
//! The scratch copy is made of hard links, beside the corpus (a hard link cannot cross file
//! systems), except for the one file the bench rewrites, which is a real copy: writing through
//! a link would change the corpus itself. At 10k briefs `cp -al` takes 0.13 s and `cp -r`
//! 0.67 s: at a million, about 13 s against more than a minute and 4 GB written per run. The
//! corpus is never opened for writing, so a bench killed halfway leaves it intact (only a
//! `.reload-scratch-*` folder beside it), which opening it in place and restoring the changed
//! file at the end would not. Where links are refused, every file is copied.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use briefbot::answer::{AskOptions, ask};
use briefbot::config::DEFAULT_MAX_BRIEF_BYTES;
use briefbot::language::Language;
use briefbot::watch::{DEBOUNCE, LiveLibrary};

const ROUNDS: usize = 9;

/// How long the watcher may take to serve a change before the bench gives up. It only stops a
/// hang: a reload that does work in proportion to the library takes seconds at a million.
const SERVED_WITHIN: Duration = Duration::from_secs(60);

/// Fills `to` with the corpus's brief files: hard links, but a real copy of the first brief,
/// the one the bench rewrites, which is returned (`None`: the folder holds no brief).
fn scratch_copy(from: &Path, to: &Path) -> Option<PathBuf> {
    let mut changed = None;
    let mut link = true;
    for entry in std::fs::read_dir(from).expect("the corpus") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let target = to.join(path.file_name().expect("a name"));
        if changed.is_none() {
            std::fs::copy(&path, &target).expect("a copy");
            changed = Some(target);
            continue;
        }
        if link && std::fs::hard_link(&path, &target).is_err() {
            eprintln!("reload: cannot hard-link into {}: copying", to.display());
            link = false;
        }
        if !link {
            std::fs::copy(&path, &target).expect("a copy");
        }
    }
    changed
}

/// The folders to measure, with the name each is reported under.
fn corpora() -> Vec<(String, PathBuf)> {
    if let Ok(list) = std::env::var("BRIEFBOT_BENCH_CORPORA") {
        return list
            .split(',')
            .map(str::trim)
            .filter(|dir| !dir.is_empty())
            .map(|dir| {
                let path = PathBuf::from(dir);
                let name = path
                    .file_name()
                    .map_or_else(|| dir.to_owned(), |n| n.to_string_lossy().into_owned());
                (name, path)
            })
            .collect();
    }
    let sizes = std::env::var("BRIEFBOT_BENCH_SIZES").unwrap_or_else(|_| "10000".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus");
    sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
        .map(|size| (size.to_string(), root.join(size.to_string())))
        .collect()
}

/// Median, min and max of `times`, in milliseconds.
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(mut times: Vec<Duration>) -> Spread {
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        Spread {
            median: ms(times[times.len() / 2]),
            min: ms(times[0]),
            max: ms(times[times.len() - 1]),
        }
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "median {:.1} ms (min {:.1}, max {:.1})",
            self.median, self.min, self.max
        )
    }
}

/// This process's peak resident memory so far (Linux's `VmHWM`), in KiB: at a million briefs
/// the bench holds the library and, during a reload, the next snapshot beside it.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    for (name, corpus) in corpora() {
        if !corpus.is_dir() {
            eprintln!(
                "reload/{name}: skipped, no {} (see bench/README.md)",
                corpus.display()
            );
            continue;
        }
        let beside = corpus.parent().unwrap_or(Path::new("."));
        let scratch = tempfile::Builder::new()
            .prefix(".reload-scratch-")
            .tempdir_in(beside)
            .expect("a scratch folder beside the corpus");
        let started = Instant::now();
        let Some(changed) = scratch_copy(&corpus, scratch.path()) else {
            eprintln!(
                "reload/{name}: skipped, no brief file in {}",
                corpus.display()
            );
            continue;
        };
        let copy = started.elapsed();
        let original = std::fs::read_to_string(&changed).expect("the brief");
        let started = Instant::now();
        let (live, _) =
            LiveLibrary::open(scratch.path(), Language::English, DEFAULT_MAX_BRIEF_BYTES)
                .expect("opens");
        let open = started.elapsed();
        let briefs = live.snapshot().len();
        let options = AskOptions {
            limit: 1,
            quotes: 0,
            summary_chars: 200,
        };
        let mut round = 0;
        let mut time = |reload: &dyn Fn() -> usize| {
            let mut times: Vec<Duration> = Vec::new();
            for _ in 0..ROUNDS {
                round += 1;
                let marker = format!("zqxreload{round}");
                let text = original.replacen("title = \"", &format!("title = \"{marker} "), 1);
                let started = Instant::now();
                std::fs::write(&changed, text).expect("a write");
                let changes = reload();
                let answer = ask(&live.snapshot(), &marker, options);
                times.push(started.elapsed());
                assert_eq!(changes, 1);
                assert_eq!(answer.results.len(), 1, "the new version answers");
            }
            Spread::of(times)
        };
        let by_path = time(&|| live.reload_paths(std::slice::from_ref(&changed)).changed);
        let full = time(&|| live.reload().expect("reloads").changed);
        // The whole way, as a server lives it: the file is written, the folder watcher sees
        // it, waits out its debounce and reloads; timed until a query finds the new version.
        let live = std::sync::Arc::new(live);
        let _watcher = live.watch(|_| {}).expect("watches");
        std::thread::sleep(Duration::from_millis(200));
        let mut times: Vec<Duration> = Vec::new();
        for round in 0..ROUNDS {
            let marker = format!("zqxwatched{round}");
            let text = original.replacen("title = \"", &format!("title = \"{marker} "), 1);
            let started = Instant::now();
            std::fs::write(&changed, text).expect("a write");
            while ask(&live.snapshot(), &marker, options).results.is_empty() {
                assert!(started.elapsed() < SERVED_WITHIN, "served in time");
                std::thread::sleep(Duration::from_micros(200));
            }
            times.push(started.elapsed());
            std::thread::sleep(Duration::from_millis(100));
        }
        let watcher = Spread::of(times);
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "reload/{name}: {briefs} briefs, scratch copy {:.0} ms, open {:.0} ms; one changed \
             file live again: by path {by_path}; through the watcher (its debounce is {} ms): \
             {watcher}; full folder rescan: {full}",
            ms(copy),
            ms(open),
            DEBOUNCE.as_millis(),
        );
        let line = serde_json::json!({
            "bench": "reload",
            "corpus": corpus.display().to_string(),
            "briefs": briefs,
            "copy_ms": (ms(copy) * 10.0).round() / 10.0,
            "open_ms": (ms(open) * 10.0).round() / 10.0,
            "debounce_ms": DEBOUNCE.as_millis(),
            "by_path_ms": (by_path.median * 100.0).round() / 100.0,
            "watcher_ms": (watcher.median * 100.0).round() / 100.0,
            "full_ms": (full.median * 100.0).round() / 100.0,
            "peak_rss_kb": peak_rss_kb(),
        });
        println!("{line}");
    }
}
