//! Date filters over 100,000 briefs: the allowed briefs taken from the library's sorted date
//! column (a binary search, then the range's briefs) against the peer that checks every
//! brief's date, in the same run, on two corpus shapes: corpusgen's (dates uniform over ten
//! years) and Wikinews copied to 100,000 (dates dense and uneven: many briefs a day; see
//! `bench/filters/scale-wikinews.py`).
//!
//! Per shape and per range (1%, 10% and 80% of the briefs, by date quantiles):
//! - `list/column` and `list/scan`: a query of filters only, the newest `LIMIT` briefs in the
//!   range: a slice of the newest-first column, against a scan of every brief's date and a
//!   selection of the newest among those in range;
//! - `words/column` and `words/scan`: words searched among the briefs in range (the engine's
//!   `search_within`), the allowed set made from the column or by the scan;
//! - `words/post-filter`: the other peer, searching every brief and dropping the hits out of
//!   range;
//! - `words/plain`: the same words with no filter, to read the others against;
//! - `ask`: the whole answer to "WORDS since:DAY until:DAY" (`answer::ask`).
//!
//! Corpora: `target/bench-corpus/100000` (corpusgen, see bench/README.md) and
//! `target/bench-corpus/wikinews-100000`; `BRIEFBOT_BENCH_CORPUS` moves the folder. A corpus
//! that is absent is skipped with the command that makes it.
//!
//! `cargo bench --bench filters` (add `-- wikinews` to run one shape).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use briefbot::answer::{self, AskOptions};
use briefbot::language::Language;
use briefbot::library::Library;
use briefbot::search::{DocSet, Scope, search, search_within};
use criterion::Criterion;

/// Briefs asked for, as `ask` asks by default.
const LIMIT: usize = 3;

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    let root = std::env::var_os("BRIEFBOT_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus"));
    for (shape, folder, make) in [
        (
            "generated",
            "100000",
            "cargo run --release -p corpusgen -- --briefs 100000 --seed 42 --out target/bench-corpus/100000",
        ),
        (
            "wikinews",
            "wikinews-100000",
            "bench/filters/scale-wikinews.py ../shared/corpus/wikinews target/bench-corpus/wikinews-100000 100000",
        ),
    ] {
        let dir = root.join(folder);
        if !dir.is_dir() {
            eprintln!(
                "skipping {shape}: no corpus in {}; make it with\n  {make}",
                dir.display()
            );
            continue;
        }
        let loaded = Library::load(&dir, Language::English).expect("the corpus loads");
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors.first());
        bench_shape(&mut criterion, shape, &loaded.library);
    }
    criterion.final_summary();
}

/// Two words of eight titles spread over the library: queries that find briefs at any date.
fn queries(library: &Library) -> Vec<String> {
    let briefs: Vec<_> = library.briefs().collect();
    (0..8)
        .map(|i| {
            let title = &briefs[briefs.len() * i / 8 + 1].title;
            let words: Vec<String> = briefbot::search::plain_words(title)
                .into_iter()
                .filter(|w| w.len() >= 5)
                .take(2)
                .collect();
            words.join(" ")
        })
        .collect()
}

fn bench_shape(criterion: &mut Criterion, shape: &str, library: &Library) {
    let index = library.index();
    let slots = index.doc_slots();
    let mut instants: Vec<i64> = library.briefs().map(|b| b.published.instant).collect();
    instants.sort_unstable();
    let at = |share: f64| instants[((instants.len() - 1) as f64 * share) as usize];
    let day = |instant: i64| {
        let days = instant.div_euclid(86_400);
        // The date of a day since 1970 (Howard Hinnant's civil_from_days).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        format!("{y:04}-{m:02}-{d:02}")
    };
    let queries = queries(library);
    eprintln!("{shape}: queries {queries:?}");
    let options = AskOptions {
        limit: LIMIT,
        quotes: 2,
        summary_chars: 400,
    };
    for (range, low, high) in [("1%", 0.50, 0.51), ("10%", 0.40, 0.50), ("80%", 0.10, 0.90)] {
        // Whole days, as a filter gives them.
        let from = at(low).div_euclid(86_400) * 86_400;
        let through = at(high).div_euclid(86_400) * 86_400 + 86_399;
        let filters = format!("since:{} until:{}", day(from), day(through));
        let allowed = library.published_between(from, through).len();
        eprintln!("{shape}/{range}: {filters}, {allowed} briefs in range");
        let scan = || -> Vec<u32> {
            library
                .briefs()
                .enumerate()
                .filter(|(_, b)| (from..=through).contains(&b.published.instant))
                .map(|(doc, _)| doc as u32)
                .collect()
        };
        assert_eq!(scan().len(), allowed, "the scan and the column agree");
        let mut group = criterion.benchmark_group(format!("{shape}/{range}"));
        group.bench_function("list/column", |b| {
            b.iter(|| {
                let docs = library.published_between(black_box(from), through);
                black_box(&docs[..LIMIT.min(docs.len())]);
            })
        });
        group.bench_function("list/scan", |b| {
            b.iter(|| {
                let mut docs: Vec<(i64, u32)> = library
                    .briefs()
                    .enumerate()
                    .filter(|(_, b)| (black_box(from)..=through).contains(&b.published.instant))
                    .map(|(doc, b)| (-b.published.instant, doc as u32))
                    .collect();
                if docs.len() > LIMIT {
                    docs.select_nth_unstable(LIMIT - 1);
                    docs.truncate(LIMIT);
                }
                docs.sort_unstable();
                black_box(docs);
            })
        });
        let mut turn = 0;
        let mut next = || {
            turn += 1;
            &queries[turn % queries.len()]
        };
        group.bench_function("words/column", |b| {
            b.iter(|| {
                let set = DocSet::of(
                    slots,
                    library.published_between(from, through).iter().copied(),
                );
                let scope = Scope {
                    within: Some(&set),
                    key: None,
                };
                black_box(search_within(index, next(), LIMIT, scope).hits);
            })
        });
        group.bench_function("words/scan", |b| {
            b.iter(|| {
                let set = DocSet::of(slots, scan());
                let scope = Scope {
                    within: Some(&set),
                    key: None,
                };
                black_box(search_within(index, next(), LIMIT, scope).hits);
            })
        });
        group.bench_function("words/post-filter", |b| {
            b.iter(|| {
                let outcome = search(index, next(), usize::MAX);
                let kept: Vec<_> = outcome
                    .hits
                    .into_iter()
                    .filter(|h| (from..=through).contains(&library.brief(h.doc).published.instant))
                    .take(LIMIT)
                    .collect();
                black_box(kept);
            })
        });
        group.bench_function("words/plain", |b| {
            b.iter(|| black_box(search(index, next(), LIMIT).hits))
        });
        group.bench_function("ask", |b| {
            b.iter(|| {
                let query = format!("{} {filters}", next());
                black_box(answer::ask(library, &query, options));
            })
        });
        group.finish();
    }
}
