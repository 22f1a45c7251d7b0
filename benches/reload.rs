//! "One changed file live again": how long after one brief file changes the running library
//! serves the new version, at 10k and 100k briefs. The library is opened on a copy of a
//! generated corpus (`target/bench-corpus/N`, see bench/README.md); one file is rewritten and
//! `LiveLibrary::reload_paths` (what the folder watcher calls with the paths it saw change,
//! after its debounce) is timed until the new version answers. Median of 9. For reference,
//! the full `LiveLibrary::reload` (list the folder, stat every file) is timed the same way.
//!
//!     cargo bench --bench reload                         # sizes 10000 (default)
//!     BRIEFBOT_BENCH_SIZES=10000,100000 cargo bench --bench reload

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use briefbot::answer::{AskOptions, ask};
use briefbot::config::DEFAULT_MAX_BRIEF_BYTES;
use briefbot::language::Language;
use briefbot::watch::{DEBOUNCE, LiveLibrary};

const ROUNDS: usize = 9;

fn copy_corpus(from: &Path, to: &Path) -> PathBuf {
    std::fs::create_dir_all(to).expect("a scratch folder");
    let mut first = None;
    for entry in std::fs::read_dir(from).expect("the corpus") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let target = to.join(path.file_name().expect("a name"));
            std::fs::copy(&path, &target).expect("a copy");
            first.get_or_insert(target);
        }
    }
    first.expect("a brief")
}

fn main() {
    let sizes = std::env::var("BRIEFBOT_BENCH_SIZES").unwrap_or_else(|_| "10000".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus");
    for size in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let corpus = root.join(size.to_string());
        if !corpus.is_dir() {
            eprintln!(
                "reload/{size}: skipped, no {} (see bench/README.md)",
                corpus.display()
            );
            continue;
        }
        let scratch = tempfile::tempdir().expect("a temporary folder");
        let changed = copy_corpus(&corpus, scratch.path());
        let original = std::fs::read_to_string(&changed).expect("the brief");
        let started = Instant::now();
        let (live, _) =
            LiveLibrary::open(scratch.path(), Language::English, DEFAULT_MAX_BRIEF_BYTES)
                .expect("opens");
        let open = started.elapsed();
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
            times.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            format!(
                "median {:.1} ms (min {:.1}, max {:.1})",
                ms(times[ROUNDS / 2]),
                ms(times[0]),
                ms(times[ROUNDS - 1])
            )
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
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "served in time"
                );
                std::thread::sleep(Duration::from_micros(200));
            }
            times.push(started.elapsed());
            std::thread::sleep(Duration::from_millis(100));
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "reload/{size}: open {:.0} ms; one changed file live again: by path {by_path}; \
             through the watcher (its debounce is {} ms): median {:.1} ms (min {:.1}, max {:.1}); \
             full folder rescan: {full}",
            ms(open),
            DEBOUNCE.as_millis(),
            ms(times[ROUNDS / 2]),
            ms(times[0]),
            ms(times[ROUNDS - 1]),
        );
    }
}
