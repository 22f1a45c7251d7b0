//! Criterion benchmark of "More like this" (`answer::related`) against its peer in the same
//! run: a plain `ask` of the brief's title, the question a person would type to find more on
//! it. Both answer with five briefs shown as `ask` shows them (summary cropped, key quotes
//! marked), so the ratio is the price of asking with the brief's weightiest words, tags and
//! speakers instead of its title.
//!
//! Corpora: the generated ones in `target/bench-corpus/<N>` (see bench/README.md; sizes from
//! `BRIEFBOT_BENCH_SIZES`, 10000 by default) and the Wikinews corpus (`BRIEFBOT_CORPUS`, or
//! `../shared/corpus/wikinews`), each skipped with a note when absent. Each benchmark cycles
//! through eight briefs spread over the library's newest-first order: the time is per brief.
//!
//! `cargo bench --bench related` (add `-- <filter>`, e.g. `-- wikinews`).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use briefbot::answer::{self, AskOptions};
use briefbot::language::Language;
use briefbot::library::Library;
use criterion::Criterion;

/// Briefs each benchmark cycles through.
const PICKS: usize = 8;

const OPTIONS: AskOptions = AskOptions {
    limit: 5,
    quotes: 3,
    summary_chars: 400,
};

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    let root = std::env::var_os("BRIEFBOT_BENCH_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus"),
        PathBuf::from,
    );
    let sizes = std::env::var("BRIEFBOT_BENCH_SIZES").unwrap_or_else(|_| "10000".into());
    let mut corpora: Vec<(String, PathBuf)> = sizes
        .split(',')
        .map(|size| (size.trim().to_owned(), root.join(size.trim())))
        .collect();
    let wikinews = std::env::var_os("BRIEFBOT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/wikinews"),
        PathBuf::from,
    );
    corpora.push(("wikinews".into(), wikinews));
    for (name, dir) in corpora {
        if !dir.is_dir() {
            eprintln!(
                "skipping {name}: no corpus in {} (see bench/README.md)",
                dir.display()
            );
            continue;
        }
        let loaded = Library::load(&dir, Language::English).expect("the corpus loads");
        let library = loaded.library;
        let newest = library.newest_first();
        let picks: Vec<(String, String)> = (0..PICKS)
            .map(|i| newest[i * newest.len() / PICKS])
            .map(|b| (b.id.to_string(), b.title.clone()))
            .collect();
        let mut group = criterion.benchmark_group(format!("{name}/more-like-this"));
        let mut at = 0;
        group.bench_function("related", |b| {
            b.iter(|| {
                at = (at + 1) % PICKS;
                black_box(answer::related(&library, &picks[at].0, OPTIONS).ok())
            })
        });
        group.bench_function("ask-title", |b| {
            b.iter(|| {
                at = (at + 1) % PICKS;
                black_box(answer::ask(&library, &picks[at].1, OPTIONS))
            })
        });
        group.finish();
    }
    criterion.final_summary();
}
