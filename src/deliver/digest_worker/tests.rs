//! The digest worker against a real store (SQLite and PostgreSQL), a fake outbox and a
//! clock moved by hand: no test waits for a clock time.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::*;
use crate::deliver::matcher::tests::brief;
use crate::store::digests::{DigestCreated, NewDigest, RunState};
use crate::store::seen;
use crate::store::testing::on_both;

/// Discord's side, played: records every post and answers as scripted (then accepts).
#[derive(Default)]
struct FakeOutbox {
    posts: Mutex<Vec<Post>>,
    script: Mutex<VecDeque<SendError>>,
}

impl FakeOutbox {
    fn posts(&self) -> Vec<Post> {
        self.posts.lock().unwrap().clone()
    }
}

impl Outbox for &FakeOutbox {
    async fn send(&self, post: &Post) -> Result<u64, SendError> {
        if let Some(error) = self.script.lock().unwrap().pop_front() {
            return Err(error);
        }
        let mut posts = self.posts.lock().unwrap();
        posts.push(post.clone());
        Ok(1_000 + posts.len() as u64)
    }
}

/// Unix seconds of a UTC date and time.
fn utc(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().unwrap().as_second()
}

const GUILD: u64 = 10;

fn settings(empty: DigestEmpty) -> DigestSettings {
    DigestSettings {
        empty,
        catch_up: 2 * 3600,
        per_second: 1000,
    }
}

async fn digest_at(
    store: &Store,
    topic: &str,
    time: &str,
    zone: &str,
    days: &str,
    at: i64,
) -> DigestId {
    // Each digest of a test in a channel of its own.
    static CHANNEL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(20);
    let new = NewDigest {
        guild_id: GUILD,
        channel_id: CHANNEL.fetch_add(1, Ordering::Relaxed),
        creator_id: 7,
        topic_typed: topic.into(),
        topic: topic.into(),
        time: time.into(),
        timezone: zone.into(),
        days: days.into(),
    };
    match store.create_digest(&new, at).await.unwrap() {
        DigestCreated::New(d) => d.id,
        other => panic!("{other:?}"),
    }
}

/// Records brief `id` as first seen at `at`.
async fn seen_at(store: &Store, id: &str, at: i64) {
    let mut conn = store.pool().acquire().await.unwrap();
    seen::record(store, &mut conn, id, "hash", at)
        .await
        .unwrap();
}

fn library() -> Library {
    Library::new(vec![
        brief("storm-1", "Storm one", "Rain."),
        brief("storm-2", "Storm two", "Wind."),
        brief("vote", "Election day", "Polls open."),
    ])
}

fn worker<'a>(
    store: &Store,
    outbox: &'a FakeOutbox,
    clock: &ManualClock,
    empty: DigestEmpty,
) -> DigestWorker<&'a FakeOutbox, ManualClock> {
    DigestWorker::new(
        store.clone(),
        outbox,
        clock.clone(),
        Coverage::All,
        settings(empty),
    )
}

fn listed(post: &Post) -> Vec<String> {
    match &post.body {
        PostBody::Digest { items, .. } => items.iter().map(|i| i.brief_id.clone()).collect(),
        other => panic!("not a digest: {other:?}"),
    }
}

#[tokio::test]
async fn a_digest_goes_out_at_its_time_once_with_what_is_new_since_the_last() {
    on_both(|store| async move {
        let library = library();
        let id = digest_at(&store, "storm", "08:00", "UTC", "daily", utc("2026-05-01T12:00:00Z")).await;
        seen_at(&store, "storm-1", utc("2026-05-01T11:00:00Z")).await; // before: not new
        seen_at(&store, "storm-2", utc("2026-05-01T18:00:00Z")).await;
        seen_at(&store, "vote", utc("2026-05-01T19:00:00Z")).await; // another topic
        let outbox = FakeOutbox::default();
        let clock = ManualClock::at(utc("2026-05-02T07:59:59Z"));
        let mut worker = worker(&store, &outbox, &clock, DigestEmpty::Skip);
        assert_eq!(worker.run_once(&library).await.unwrap(), DigestRound::default(), "not yet");
        assert!(outbox.posts().is_empty());
        clock.set(utc("2026-05-02T08:00:00Z"));
        let round = worker.run_once(&library).await.unwrap();
        assert_eq!(round.posted, 1, "{round:?}");
        let posts = outbox.posts();
        assert_eq!(listed(&posts[0]), ["storm-2"]);
        assert!(matches!(posts[0].target, Target::Channel { guild_id: GUILD, .. }));
        assert!(matches!(&posts[0].body, PostBody::Digest { topic, since, .. } if topic == "storm" && *since == utc("2026-05-01T11:59:59Z")));
        assert_eq!(
            store.digest_run(id, utc("2026-05-02T08:00:00Z")).await.unwrap(),
            Some(RunState::Sent { message_id: Some(1_001) })
        );
        // The same moment again, and later that day: nothing more.
        for later in ["2026-05-02T08:00:00Z", "2026-05-02T09:00:00Z", "2026-05-03T07:59:00Z"] {
            clock.set(utc(later));
            assert_eq!(worker.run_once(&library).await.unwrap(), DigestRound::default(), "{later}");
        }
        assert_eq!(outbox.posts().len(), 1);
        // The next day: only what was first seen since the first digest was made.
        seen_at(&store, "storm-1-again", utc("2026-05-02T10:00:00Z")).await;
        let library = Library::new(vec![
            brief("storm-1", "Storm one", "Rain."),
            brief("storm-2", "Storm two", "Wind."),
            brief("storm-1-again", "Storm three", "Hail."),
        ]);
        clock.set(utc("2026-05-03T08:00:30Z"));
        assert_eq!(worker.run_once(&library).await.unwrap().posted, 1);
        assert_eq!(listed(&outbox.posts()[1]), ["storm-1-again"]);
    })
    .await;
}

#[tokio::test]
async fn a_missed_digest_goes_out_within_the_catch_up_and_is_skipped_past_it() {
    on_both(|store| async move {
        let library = library();
        let id = digest_at(
            &store,
            "",
            "08:00",
            "UTC",
            "daily",
            utc("2026-05-01T12:00:00Z"),
        )
        .await;
        seen_at(&store, "storm-1", utc("2026-05-01T13:00:00Z")).await;
        let outbox = FakeOutbox::default();
        // Back at 09:59:59 after a night down: within two hours, it goes out once.
        let clock = ManualClock::at(utc("2026-05-02T09:59:59Z"));
        let mut worker = worker(&store, &outbox, &clock, DigestEmpty::Skip);
        assert_eq!(worker.run_once(&library).await.unwrap().posted, 1);
        assert_eq!(listed(&outbox.posts()[0]), ["storm-1"]);
        // Down again over the next 08:00, back at 10:00:01: skipped, logged, not posted.
        seen_at(&store, "storm-2", utc("2026-05-02T12:00:00Z")).await;
        clock.set(utc("2026-05-03T10:00:01Z"));
        let round = worker.run_once(&library).await.unwrap();
        assert_eq!((round.posted, round.skipped), (0, 1), "{round:?}");
        assert_eq!(
            store
                .digest_run(id, utc("2026-05-03T08:00:00Z"))
                .await
                .unwrap(),
            Some(RunState::Skipped)
        );
        assert_eq!(
            worker.run_once(&library).await.unwrap(),
            DigestRound::default()
        );
        // What the skipped digest would have listed goes in the next one.
        seen_at(&store, "vote", utc("2026-05-03T12:00:00Z")).await;
        clock.set(utc("2026-05-04T08:00:00Z"));
        assert_eq!(worker.run_once(&library).await.unwrap().posted, 1);
        // (Same publication date: by id.)
        assert_eq!(listed(&outbox.posts()[1]), ["storm-2", "vote"]);
    })
    .await;
}

/// Checks one zone's two changes for a digest at `time`: `times` are the UTC instants a
/// round runs at, `expected` how many posts there are after each.
async fn rounds(store: &Store, zone: &str, time: &str, created: &str, times: &[(&str, usize)]) {
    let library = library();
    digest_at(store, "", time, zone, "daily", utc(created)).await;
    let outbox = FakeOutbox::default();
    let clock = ManualClock::at(utc(created));
    let mut worker = worker(store, &outbox, &clock, DigestEmpty::SaySo);
    for (at, posts) in times {
        clock.set(utc(at));
        worker.run_once(&library).await.unwrap();
        assert_eq!(
            outbox.posts().len(),
            *posts,
            "{zone} {time} after a round at {at}"
        );
    }
}

#[tokio::test]
async fn the_skipped_hour_sends_once_just_after_the_jump_in_berlin_and_new_york() {
    on_both(|store| async move {
        // Berlin 2026-03-29: 02:00 CET -> 03:00 CEST. 02:30 goes out at 03:30 CEST (01:30 UTC).
        rounds(
            &store,
            "Europe/Berlin",
            "02:30",
            "2026-03-28T12:00:00Z",
            &[
                ("2026-03-29T00:59:00Z", 0), // 01:59 CET
                ("2026-03-29T01:29:59Z", 0), // 03:29:59 CEST
                ("2026-03-29T01:30:00Z", 1),
                ("2026-03-29T02:30:00Z", 1),
                ("2026-03-30T00:30:00Z", 2), // 02:30 CEST the next night
            ],
        )
        .await;
        // New York 2026-03-08: 02:00 EST -> 03:00 EDT. 02:30 goes out at 03:30 EDT (07:30 UTC).
        rounds(
            &store,
            "America/New_York",
            "02:30",
            "2026-03-07T12:00:00Z",
            &[
                ("2026-03-08T07:29:00Z", 0),
                ("2026-03-08T07:30:00Z", 1),
                ("2026-03-08T08:30:00Z", 1),
                ("2026-03-09T06:30:00Z", 2),
            ],
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_doubled_hour_sends_once_at_the_earlier_in_berlin_and_new_york() {
    on_both(|store| async move {
        // Berlin 2026-10-25: 03:00 CEST -> 02:00 CET; 02:30 is 00:30 UTC, then 01:30 UTC.
        rounds(
            &store,
            "Europe/Berlin",
            "02:30",
            "2026-10-24T12:00:00Z",
            &[
                ("2026-10-25T00:30:00Z", 1),
                ("2026-10-25T01:30:00Z", 1),
                ("2026-10-25T01:45:00Z", 1),
                ("2026-10-26T01:30:00Z", 2),
            ],
        )
        .await;
        // New York 2026-11-01: 02:00 EDT -> 01:00 EST; 01:30 is 05:30 UTC, then 06:30 UTC.
        rounds(
            &store,
            "America/New_York",
            "01:30",
            "2026-10-31T12:00:00Z",
            &[
                ("2026-11-01T05:30:00Z", 1),
                ("2026-11-01T06:30:00Z", 1),
                ("2026-11-02T06:30:00Z", 2),
            ],
        )
        .await;
        // 08:00 stays 08:00 local across the change: 06:00 UTC in summer, 07:00 in winter.
        rounds(
            &store,
            "Europe/Berlin",
            "08:00",
            "2026-10-24T12:00:00Z",
            &[("2026-10-25T06:00:00Z", 0), ("2026-10-25T07:00:00Z", 1)],
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn two_workers_racing_for_one_occurrence_post_it_once() {
    on_both(|store| async move {
        let library = library();
        digest_at(
            &store,
            "",
            "08:00",
            "UTC",
            "weekdays",
            utc("2026-05-01T12:00:00Z"),
        )
        .await;
        seen_at(&store, "vote", utc("2026-05-01T13:00:00Z")).await;
        let (first, second) = (FakeOutbox::default(), FakeOutbox::default());
        // Friday 2026-05-01 was the creation; the weekend has no digest; Monday 05-04 has.
        let clock = ManualClock::at(utc("2026-05-03T08:00:00Z"));
        let mut a = worker(&store, &first, &clock, DigestEmpty::Skip);
        let mut b = worker(&store, &second, &clock, DigestEmpty::Skip);
        assert_eq!(
            a.run_once(&library).await.unwrap(),
            DigestRound::default(),
            "Sunday"
        );
        clock.set(utc("2026-05-04T08:00:05Z"));
        let (ra, rb) = tokio::join!(a.run_once(&library), b.run_once(&library));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.posted + rb.posted, 1, "{ra:?} {rb:?}");
        // The other found it claimed, or already done.
        assert!(ra.taken + rb.taken <= 1, "{ra:?} {rb:?}");
        assert_eq!(first.posts().len() + second.posts().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn an_empty_digest_is_skipped_or_said_as_configured() {
    on_both(|store| async move {
        let library = library();
        let id = digest_at(
            &store,
            "election",
            "08:00",
            "UTC",
            "daily",
            utc("2026-05-01T12:00:00Z"),
        )
        .await;
        let outbox = FakeOutbox::default();
        let clock = ManualClock::at(utc("2026-05-02T08:00:00Z"));
        let round = worker(&store, &outbox, &clock, DigestEmpty::Skip)
            .run_once(&library)
            .await
            .unwrap();
        assert_eq!((round.posted, round.empty), (0, 1));
        assert!(outbox.posts().is_empty());
        assert_eq!(
            store
                .digest_run(id, utc("2026-05-02T08:00:00Z"))
                .await
                .unwrap(),
            Some(RunState::Sent { message_id: None })
        );
        clock.set(utc("2026-05-03T08:00:00Z"));
        let round = worker(&store, &outbox, &clock, DigestEmpty::SaySo)
            .run_once(&library)
            .await
            .unwrap();
        assert_eq!(round.posted, 1);
        assert!(listed(&outbox.posts()[0]).is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_refused_post_pauses_the_digest_and_other_servers_are_left_to_their_process() {
    on_both(|store| async move {
        let library = library();
        let id = digest_at(
            &store,
            "",
            "08:00",
            "UTC",
            "daily",
            utc("2026-05-01T12:00:00Z"),
        )
        .await;
        seen_at(&store, "vote", utc("2026-05-01T13:00:00Z")).await;
        let clock = ManualClock::at(utc("2026-05-02T08:00:00Z"));
        // A process whose shards do not hold the server: nothing.
        let outbox = FakeOutbox::default();
        let elsewhere = Coverage::Range {
            total: 2,
            first: 1,
            last: 2,
        };
        assert!(!elsewhere.covers_guild(GUILD));
        let mut other = DigestWorker::new(
            store.clone(),
            &outbox,
            clock.clone(),
            elsewhere,
            settings(DigestEmpty::SaySo),
        );
        assert_eq!(
            other.run_once(&library).await.unwrap(),
            DigestRound::default()
        );
        // A server error: tried again next round.
        outbox
            .script
            .lock()
            .unwrap()
            .push_back(SendError::Server("502".into()));
        let mut worker = worker(&store, &outbox, &clock, DigestEmpty::Skip);
        assert_eq!(worker.run_once(&library).await.unwrap().failed, 1);
        assert_eq!(
            store
                .digest_run(id, utc("2026-05-02T08:00:00Z"))
                .await
                .unwrap(),
            None
        );
        // Missing access: paused, and not tried again.
        outbox
            .script
            .lock()
            .unwrap()
            .push_back(SendError::Forbidden("Missing Access (50001)".into()));
        let round = worker.run_once(&library).await.unwrap();
        assert_eq!(round.paused.len(), 1, "{round:?}");
        assert!(round.paused[0].1.contains("Missing Access"));
        assert!(store.digest(id).await.unwrap().unwrap().paused.is_some());
        assert_eq!(
            worker.run_once(&library).await.unwrap(),
            DigestRound::default()
        );
        assert!(outbox.posts().is_empty());
    })
    .await;
}
