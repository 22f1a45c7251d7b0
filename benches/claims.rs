//! Delivery claims per second, on SQLite and on PostgreSQL: what the delivery worker does in
//! the database for each delivery, with one process and with two claiming against each other.
//!
//! 500 deliveries are queued over 20 channel follows; each claimer claims them 10 at a time
//! (`Store::claim`), and for each one renews its claim and records it sent
//! (`Store::renew_claim`, `Store::mark_sent`), as the worker does around each post, until
//! none is left. `one` is a single claimer; `two` is two claimers with their own owner ids
//! draining the same queue at once (what two bot processes sharing a database do). Each
//! iteration starts from the same 500 queued rows (reset untimed). Throughput is deliveries
//! per second.
//!
//! PostgreSQL is the server at `BRIEFBOT_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); a database is made for the run and dropped
//! after it. Without a server its half is skipped, saying so.
//!
//!     cargo bench --bench claims

use std::time::{Duration, Instant};

use briefbot::store::Store;
use briefbot::store::deliveries::queue;
use briefbot::store::follows::{Created, NewFollow, Target};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sqlx::{Connection, Executor};

const QUEUED: usize = 500;
const FOLLOWS: usize = 20;
const BATCH: usize = 10;
const LEASE: Duration = Duration::from_secs(60);

/// Fills a new store with `QUEUED` deliveries over `FOLLOWS` follows.
async fn fill(store: &Store) {
    let mut follows = Vec::new();
    for channel in 0..FOLLOWS as u64 {
        let new = NewFollow {
            target: Target::Channel {
                guild_id: 1 << 22,
                channel_id: 100 + channel,
            },
            creator_id: 2,
            topic_typed: String::new(),
            topic: String::new(),
            ping_role_id: None,
        };
        match store.create_follow(&new, 100).await.expect("a follow") {
            Created::New(follow) => follows.push(follow.id),
            other => panic!("{other:?}"),
        }
    }
    let mut tx = store.pool().begin().await.expect("a transaction");
    for i in 0..QUEUED {
        queue(store, &mut tx, follows[i % FOLLOWS], &format!("b{i}"), 0, 1)
            .await
            .expect("queued");
    }
    tx.commit().await.expect("committed");
}

/// Every delivery queued and unclaimed again.
async fn reset(store: &Store) {
    sqlx::query(
        "UPDATE deliveries SET state = 'queued', claimed_by = NULL, claim_until = NULL, \
         sent_at = NULL, message_id = NULL, attempts = 0",
    )
    .execute(store.pool())
    .await
    .expect("reset");
}

/// Claims, renews and records until nothing is left; how many this claimer took.
async fn drain(store: Store, owner: &'static str) -> usize {
    let mut taken = 0;
    loop {
        let claimed = store
            .claim(owner, None, LEASE, BATCH)
            .await
            .expect("a claim");
        if claimed.is_empty() {
            return taken;
        }
        for delivery in claimed {
            assert!(
                store
                    .renew_claim(&[delivery.id], owner, LEASE)
                    .await
                    .expect("renewed")
            );
            let recorded = store
                .mark_sent(&[delivery.id], owner, delivery.follow_id, 1)
                .await
                .expect("recorded");
            assert_eq!(recorded, 1);
            taken += 1;
        }
    }
}

fn bench_store(c: &mut Criterion, runtime: &tokio::runtime::Runtime, name: &str, store: &Store) {
    runtime.block_on(fill(store));
    let mut group = c.benchmark_group(format!("claims/{name}"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(QUEUED as u64));
    for claimers in [1, 2] {
        let id = BenchmarkId::from_parameter(if claimers == 1 { "one" } else { "two" });
        group.bench_function(id, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    runtime.block_on(reset(store));
                    let started = Instant::now();
                    let taken = runtime.block_on(async {
                        if claimers == 1 {
                            drain(store.clone(), "alone").await
                        } else {
                            let a = tokio::spawn(drain(store.clone(), "first"));
                            let b = tokio::spawn(drain(store.clone(), "second"));
                            a.await.expect("first") + b.await.expect("second")
                        }
                    });
                    total += started.elapsed();
                    assert_eq!(taken, QUEUED, "each delivery taken once");
                }
                total
            })
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("briefbot.db").display());
    let sqlite = runtime.block_on(Store::open(&url)).expect("SQLite");
    bench_store(c, &runtime, "sqlite", &sqlite);
    runtime.block_on(sqlite.close());

    sqlx::any::install_default_drivers();
    let admin_url = std::env::var("BRIEFBOT_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let name = format!("briefbot_bench_claims_{}", std::process::id());
    let created = runtime.block_on(async {
        let mut admin = sqlx::AnyConnection::connect(&admin_url).await?;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        admin.close().await
    });
    if let Err(error) = created {
        eprintln!("claims/postgres: skipped: no PostgreSQL at {admin_url} (see README): {error}");
        return;
    }
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base);
    let postgres = runtime
        .block_on(Store::open(&format!("{base}/{name}")))
        .expect("PostgreSQL");
    bench_store(c, &runtime, "postgres", &postgres);
    runtime.block_on(async {
        postgres.close().await;
        if let Ok(mut admin) = sqlx::AnyConnection::connect(&admin_url).await {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        }
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
