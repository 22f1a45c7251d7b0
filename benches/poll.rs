//! The polling watcher's cost per round (`watch = "poll"`): one look at a folder of 100,000
//! briefs where nothing changed, which is what almost every round is. A round is
//! `LiveLibrary::reload`: list the folder, one `stat` per file, compare size, modification time
//! and inode with what was read last.
//!
//! The peer, measured in the same run on the same files: the least any poller must do, a
//! plain `read_dir` of the folder and one `std::fs::metadata` per entry, nothing compared.
//!
//! The folder is the generated corpus `target/bench-corpus/N` (bench/README.md; seed 42):
//!
//!     cargo run -p corpusgen -- --briefs 100000 --seed 42 --out target/bench-corpus/100000
//!     cargo bench --bench poll                              # 100000 (default)
//!     BRIEFBOT_BENCH_SIZES=10000,100000 cargo bench --bench poll

use std::path::PathBuf;
use std::time::Duration;

use briefbot::config::DEFAULT_MAX_BRIEF_BYTES;
use briefbot::language::Language;
use briefbot::watch::LiveLibrary;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let sizes = std::env::var("BRIEFBOT_BENCH_SIZES").unwrap_or_else(|_| "100000".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus");
    let mut group = c.benchmark_group("poll_round");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    for size in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let corpus = root.join(size.to_string());
        if !corpus.is_dir() {
            eprintln!(
                "poll/{size}: skipped, no {} (see this file's header)",
                corpus.display()
            );
            continue;
        }
        let (live, errors) = LiveLibrary::open(&corpus, Language::English, DEFAULT_MAX_BRIEF_BYTES)
            .expect("the corpus opens");
        assert!(errors.is_empty(), "{errors:?}");
        let files = live.snapshot().len();
        assert_eq!(files, size, "every brief loaded");
        group.throughput(Throughput::Elements(files as u64));
        group.bench_with_input(BenchmarkId::new("reload", size), &live, |b, live| {
            b.iter(|| {
                let report = live.reload().expect("a round");
                assert_eq!(report.changed, 0);
                report
            })
        });
        group.bench_with_input(BenchmarkId::new("stat-loop", size), &corpus, |b, dir| {
            b.iter(|| {
                let mut bytes = 0u64;
                for entry in std::fs::read_dir(dir).expect("the folder") {
                    let path = entry.expect("an entry").path();
                    bytes += std::fs::metadata(&path).map_or(0, |m| m.len());
                }
                bytes
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
