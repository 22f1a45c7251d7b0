//! A digest round at scale, on SQLite, with a peer measured in the same run:
//!
//! - `many-digests`: composing one due round of 10,000 digests (topics of one to three words
//!   drawn evenly from the vocabulary, a tenth quoted, a tenth empty: every brief) over the
//!   200 briefs new since the last round, in a library of 2,200 generated briefs
//!   (`deliver::digest::compose`: one read of the new briefs, the digests' topics filed, each
//!   new brief matched by reverse search). Peer: the follows matcher doing the same work for
//!   announcements, 10,000 follows of the same topics filed and matched against the same 200
//!   briefs.
//! - `many-briefs`: one digest on a topic over 10,000 briefs all new in its window. Peer: the
//!   same topic asked with `/brief` (the engine's search of the same library).
//! - `round`: a whole round of the digest worker for 1,000 due digests, claims and marks
//!   written to the database (each a transaction, synced), posts into a null outbox. Peer:
//!   composing the same 1,000 digests alone.
//!
//!     cargo bench --bench digest_round

use std::path::Path;
use std::time::{Duration, Instant};

use briefbot::config::DigestEmpty;
use briefbot::deliver::digest::compose;
use briefbot::deliver::digest_worker::{DigestSettings, DigestWorker, ManualClock};
use briefbot::deliver::matcher::FollowIndex;
use briefbot::deliver::shards::Coverage;
use briefbot::deliver::worker::{Outbox, Post, SendError};
use briefbot::language::Language;
use briefbot::library::Library;
use briefbot::store::digests::Digest;
use briefbot::store::follows::FollowId;
use briefbot::store::{Store, seen};
use criterion::{Criterion, criterion_group, criterion_main};

/// A small deterministic generator (no dependency, same corpus every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A word index with Zipf-like frequencies: low indexes are common.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() as f64 + 1.0) / (1u64 << 31) as f64;
        ((n as f64).powf(u.min(1.0)) as usize)
            .saturating_sub(1)
            .min(n - 1)
    }
}

const VOCABULARY: usize = 8_000;

fn word(i: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mer", "tin", "sa", "vor", "du", "pel", "ri", "zan", "bo", "gul", "fe", "nix",
        "to", "wa",
    ];
    let mut w = String::new();
    let mut n = i + 16;
    while n > 0 {
        w.push_str(SYLLABLES[n % 16]);
        n /= 16;
    }
    w
}

fn text(rng: &mut Lcg, words: usize) -> String {
    (0..words)
        .map(|_| word(rng.zipf(VOCABULARY)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn brief(rng: &mut Lcg, id: &str, words: usize) -> briefbot::brief::Brief {
    let toml = format!(
        "id = \"{id}\"\ntitle = \"{}\"\npublished = 2020-01-{:02}\nsummary = \"{}\"\n",
        text(rng, 8),
        1 + rng.below(28),
        text(rng, words)
    );
    briefbot::brief::parse(
        Path::new(&format!("{id}.toml")),
        toml.as_bytes(),
        Language::English,
    )
    .expect("a generated brief is valid")
}

fn topic(rng: &mut Lcg) -> String {
    if rng.below(10) == 0 {
        return String::new();
    }
    let words: Vec<String> = (0..1 + rng.below(3))
        .map(|_| word(rng.below(VOCABULARY)))
        .collect();
    let topic = words.join(" ");
    if rng.below(10) == 0 {
        format!("\"{topic}\"")
    } else {
        topic
    }
}

/// 08:00 UTC on a day in 2026: the digests' time; they were made the day before.
const DUE: i64 = 1_777_708_800;
const MADE: i64 = DUE - 86_400;

/// A SQLite store in `dir` with `topics` as daily 08:00 UTC digests made at [`MADE`], and
/// `new` first seen in the day since (the rest of `library` before).
async fn scene(dir: &Path, library: &Library, topics: &[String], new: &[String]) -> Store {
    let store = Store::open(&format!("sqlite://{}", dir.join("briefbot.db").display()))
        .await
        .expect("a store");
    let mut tx = store.pool().begin().await.expect("a transaction");
    for (i, topic) in topics.iter().enumerate() {
        sqlx::query(
            "INSERT INTO digests (guild_id, channel_id, creator_id, topic_typed, topic, time, \
             timezone, days, created_at) VALUES (1, $1, 2, $2, $2, '08:00', 'UTC', 'daily', $3)",
        )
        .bind(1_000 + i as i64)
        .bind(topic)
        .bind(MADE)
        .execute(&mut *tx)
        .await
        .expect("a digest");
    }
    for (i, brief) in library.briefs().enumerate() {
        let id = brief.id.as_str();
        let at = if new.iter().any(|n| n == id) {
            MADE + 100 + i as i64
        } else {
            MADE - 1_000
        };
        seen::record(&store, &mut tx, id, "hash", at)
            .await
            .expect("seen");
    }
    tx.commit().await.expect("committed");
    store
}

struct NullOutbox;

impl Outbox for NullOutbox {
    async fn send(&self, _post: &Post) -> Result<u64, SendError> {
        Ok(1)
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut rng = Lcg(42);
    let mut group = c.benchmark_group("digest_round");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);

    // Many digests, a round's new briefs.
    let briefs: Vec<_> = (0..2_200)
        .map(|i| brief(&mut rng, &format!("b{i}"), 110))
        .collect();
    let new: Vec<String> = (2_000..2_200).map(|i| format!("b{i}")).collect();
    let library = Library::new(briefs);
    let topics: Vec<String> = (0..10_000).map(|_| topic(&mut rng)).collect();
    let dir = tempfile::tempdir().expect("a folder");
    let store = runtime.block_on(scene(dir.path(), &library, &topics, &new));
    let digests: Vec<Digest> = runtime.block_on(store.digests()).expect("digests");
    let windows: Vec<(&Digest, i64)> = digests.iter().map(|d| (d, DUE)).collect();
    let listed: usize = runtime
        .block_on(compose(&store, &library, &windows))
        .expect("composed")
        .iter()
        .map(|c| c.items.len() + c.more)
        .sum();
    eprintln!("many-digests: 10,000 digests list {listed} briefs in all");
    group.bench_function("many-digests/compose 10k digests x 200 new", |b| {
        b.iter(|| runtime.block_on(compose(&store, &library, &windows)))
    });
    group.bench_function("many-digests/peer: match 10k follows x 200 new", |b| {
        b.iter(|| {
            let index = FollowIndex::build(
                &library,
                topics
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (FollowId(i as i64), t.clone())),
            );
            new.iter()
                .map(|id| index.matches(&library, id).len())
                .sum::<usize>()
        })
    });

    // A whole round of 1,000 due digests, with its writes.
    let small_dir = tempfile::tempdir().expect("a folder");
    let small = runtime.block_on(scene(small_dir.path(), &library, &topics[..1_000], &new));
    let small_digests: Vec<Digest> = runtime.block_on(small.digests()).expect("digests");
    let small_windows: Vec<(&Digest, i64)> = small_digests.iter().map(|d| (d, DUE)).collect();
    let settings = DigestSettings {
        empty: DigestEmpty::Skip,
        catch_up: 7_200,
        per_second: 1_000_000_000,
    };
    group.bench_function("round/1k digests, claims and marks written", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                runtime.block_on(async {
                    sqlx::query("DELETE FROM digest_runs")
                        .execute(small.pool())
                        .await
                        .expect("reset");
                    sqlx::query("UPDATE digests SET last_occurrence = NULL, covered_until = NULL")
                        .execute(small.pool())
                        .await
                        .expect("reset");
                });
                let mut worker = DigestWorker::new(
                    small.clone(),
                    NullOutbox,
                    ManualClock::at(DUE + 30),
                    Coverage::All,
                    settings,
                );
                let started = Instant::now();
                let round = runtime
                    .block_on(worker.run_once(&library))
                    .expect("a round");
                spent += started.elapsed();
                assert_eq!(round.posted + round.empty, 1_000);
            }
            spent
        })
    });
    group.bench_function("round/peer: compose the same 1k alone", |b| {
        b.iter(|| runtime.block_on(compose(&small, &library, &small_windows)))
    });

    // One digest, many new briefs.
    let many: Vec<_> = (0..10_000)
        .map(|i| brief(&mut rng, &format!("m{i}"), 110))
        .collect();
    let many_library = Library::new(many);
    let all_new: Vec<String> = (0..10_000).map(|i| format!("m{i}")).collect();
    // A topic of two common words: it matches a good share of the briefs.
    let wanted = format!("{} {}", word(3), word(7));
    let one_dir = tempfile::tempdir().expect("a folder");
    let one = runtime.block_on(scene(
        one_dir.path(),
        &many_library,
        std::slice::from_ref(&wanted),
        &all_new,
    ));
    let one_digest = runtime.block_on(one.digests()).expect("digests");
    let one_window = [(&one_digest[0], DUE)];
    let contents = runtime
        .block_on(compose(&one, &many_library, &one_window))
        .expect("composed");
    eprintln!(
        "many-briefs: the digest on {wanted:?} lists {} of 10,000 new briefs",
        contents[0].items.len() + contents[0].more
    );
    group.bench_function("many-briefs/compose 1 digest x 10k new", |b| {
        b.iter(|| runtime.block_on(compose(&one, &many_library, &one_window)))
    });
    group.bench_function("many-briefs/peer: /brief search of the topic", |b| {
        b.iter(|| briefbot::search::search(many_library.index(), &wanted, 10))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
