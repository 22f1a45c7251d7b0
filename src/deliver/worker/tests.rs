use std::collections::VecDeque;
use std::sync::Mutex;

use super::*;
use crate::brief::BriefId;
use crate::deliver::announce::{announce, catch_up, load_follows};
use crate::deliver::matcher::tests::brief;
use crate::store::deliveries::{ShardFilter, State, owner_id};
use crate::store::follows::{Created, NewFollow};
use crate::store::testing::sqlite_in;

/// Discord's side, played: records every post and answers as scripted (then accepts).
#[derive(Default)]
struct FakeOutbox {
    posts: Mutex<Vec<(Instant, Post)>>,
    script: Mutex<VecDeque<Result<u64, SendError>>>,
}

impl FakeOutbox {
    fn scripted(answers: impl IntoIterator<Item = Result<u64, SendError>>) -> Self {
        FakeOutbox {
            script: Mutex::new(answers.into_iter().collect()),
            ..FakeOutbox::default()
        }
    }

    fn posts(&self) -> Vec<Post> {
        self.posts
            .lock()
            .unwrap()
            .iter()
            .map(|(_, p)| p.clone())
            .collect()
    }

    fn times(&self) -> Vec<Instant> {
        self.posts.lock().unwrap().iter().map(|(t, _)| *t).collect()
    }
}

impl Outbox for FakeOutbox {
    async fn send(&self, post: &Post) -> Result<u64, SendError> {
        let mut posts = self.posts.lock().unwrap();
        posts.push((Instant::now(), post.clone()));
        let accepted = 1_000 + posts.len() as u64;
        self.script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Ok(accepted))
    }
}

/// A worker of its own process, claiming every server's deliveries.
fn new_worker(store: Store, outbox: FakeOutbox, settings: Settings) -> Worker<FakeOutbox> {
    Worker::new(store, outbox, settings, owner_id(), None)
}

fn fast() -> Settings {
    Settings {
        burst: 5,
        per_second: 1000,
        max_tries: 3,
        backoff: Duration::from_millis(1),
        max_rate_limits: 5,
        lease: DEFAULT_LEASE,
    }
}

struct Scene {
    _dir: Option<tempfile::TempDir>,
    store: Store,
    library: Library,
    follow: FollowId,
}

/// A store with one follow of everything on `target`, and `n` new briefs queued for it.
async fn scene(target: Target, n: usize) -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_in(dir.path()).await;
    Scene {
        _dir: Some(dir),
        ..scene_on(store, target, n).await
    }
}

/// `store` with one follow of everything on `target`, and `n` new briefs queued for it.
async fn scene_on(store: Store, target: Target, n: usize) -> Scene {
    let new = NewFollow {
        target,
        creator_id: 7,
        topic_typed: String::new(),
        topic: String::new(),
        ping_role_id: Some(99),
    };
    let Created::New(follow) = store.create_follow(&new, 10).await.unwrap() else {
        panic!("a new follow")
    };
    let empty = Library::new(Vec::new());
    catch_up(
        &store,
        &empty,
        &load_follows(&store, &empty).await.unwrap(),
        false,
    )
    .await
    .unwrap();
    let briefs: Vec<_> = (0..n)
        .map(|i| brief(&format!("b{i:02}"), &format!("Story {i}"), "Text."))
        .collect();
    let library = Library::new(briefs);
    let ids: Vec<BriefId> = library.briefs().map(|b| b.id.clone()).collect();
    let follows = load_follows(&store, &library).await.unwrap();
    announce(&store, &library, &follows, &ids, false)
        .await
        .unwrap();
    Scene {
        _dir: None,
        store,
        library,
        follow: follow.id,
    }
}

const CHANNEL: Target = Target::Channel {
    guild_id: 1,
    channel_id: 2,
};

#[tokio::test]
async fn each_delivery_is_posted_once_with_its_message_id_recorded() {
    let s = scene(CHANNEL, 3).await;
    let mut worker = new_worker(s.store.clone(), FakeOutbox::default(), fast());
    let round = worker.run_once(&s.library).await.unwrap();
    assert_eq!((round.posts, round.delivered), (3, 3));
    let posts = worker.outbox().posts();
    assert!(
        posts
            .iter()
            .all(|p| p.target == CHANNEL && p.ping_role_id == Some(99))
    );
    assert_eq!(
        posts[0].body,
        PostBody::Brief {
            brief_id: "b00".into(),
            updated: false
        }
    );
    let sent = s.store.deliveries(Some(State::Sent)).await.unwrap();
    let ids: Vec<Option<u64>> = sent.iter().map(|d| d.message_id).collect();
    assert_eq!(ids, [Some(1001), Some(1002), Some(1003)]);
    // A restart: a new worker sends nothing again.
    let mut restarted = new_worker(s.store.clone(), FakeOutbox::default(), fast());
    assert_eq!(
        restarted.run_once(&s.library).await.unwrap(),
        Round::default()
    );
    assert!(restarted.outbox().posts().is_empty());
}

#[tokio::test]
async fn a_burst_becomes_one_summary() {
    let s = scene(CHANNEL, 20).await;
    let mut worker = new_worker(s.store.clone(), FakeOutbox::default(), fast());
    let round = worker.run_once(&s.library).await.unwrap();
    assert_eq!((round.posts, round.delivered), (1, 20));
    let posts = worker.outbox().posts();
    let [post] = &posts[..] else {
        panic!("one post: {posts:?}")
    };
    let PostBody::Summary { items, more } = &post.body else {
        panic!("a summary: {post:?}")
    };
    assert_eq!((items.len(), *more), (SUMMARY_ITEMS, 10));
    assert_eq!(items[0].title, "Story 0");
    assert_eq!(items[0].published, "2020-01-01");
    let sent = s.store.deliveries(Some(State::Sent)).await.unwrap();
    assert_eq!(sent.len(), 20);
    assert!(sent.iter().all(|d| d.message_id == Some(1001)));
}

#[tokio::test]
async fn at_the_burst_size_briefs_are_still_posted_one_by_one() {
    let s = scene(CHANNEL, 5).await;
    let mut worker = new_worker(s.store.clone(), FakeOutbox::default(), fast());
    assert_eq!(worker.run_once(&s.library).await.unwrap().posts, 5);
}

#[tokio::test]
async fn a_refused_post_pauses_the_follow_once_and_keeps_its_deliveries() {
    for (target, refusal, reason) in [
        (
            CHANNEL,
            SendError::Forbidden("Missing Permissions".into()),
            "missing permission or access: Missing Permissions",
        ),
        (
            CHANNEL,
            SendError::NotFound("Unknown Channel".into()),
            "the channel is gone: Unknown Channel",
        ),
        (
            Target::Personal { user_id: 5 },
            SendError::DmRefused,
            "direct messages from the bot are refused",
        ),
    ] {
        let s = scene(target, 3).await;
        let mut worker = new_worker(
            s.store.clone(),
            FakeOutbox::scripted([Err(refusal)]),
            fast(),
        );
        let round = worker.run_once(&s.library).await.unwrap();
        assert_eq!(round.paused, [(s.follow, reason.to_owned())]);
        assert_eq!(round.posts, 0);
        assert_eq!(
            worker.outbox().posts().len(),
            1,
            "no more tries after a refusal"
        );
        let follow = s.store.follow(s.follow).await.unwrap().unwrap();
        assert_eq!(follow.paused.as_deref(), Some(reason));
        // Paused: nothing is tried, and nobody is told twice.
        assert_eq!(worker.run_once(&s.library).await.unwrap(), Round::default());
        assert_eq!(
            s.store.deliveries(Some(State::Queued)).await.unwrap().len(),
            3
        );
        // Resumed: what waited is posted.
        s.store.resume_follow(s.follow).await.unwrap();
        assert_eq!(worker.run_once(&s.library).await.unwrap().delivered, 3);
    }
}

#[tokio::test]
async fn a_rate_limit_is_waited_out() {
    let s = scene(CHANNEL, 1).await;
    let outbox = FakeOutbox::scripted([Err(SendError::RateLimited {
        retry_after: Duration::from_millis(300),
    })]);
    let mut worker = new_worker(s.store.clone(), outbox, fast());
    let round = worker.run_once(&s.library).await.unwrap();
    assert_eq!(round.delivered, 1);
    let times = worker.outbox().times();
    assert_eq!(times.len(), 2);
    assert!(times[1] - times[0] >= Duration::from_millis(300));
}

#[tokio::test]
async fn server_errors_are_retried_then_given_up() {
    let s = scene(CHANNEL, 1).await;
    let outbox = FakeOutbox::scripted([Err(SendError::Server("502".into()))]);
    let mut worker = new_worker(s.store.clone(), outbox, fast());
    assert_eq!(worker.run_once(&s.library).await.unwrap().delivered, 1);

    let s = scene(CHANNEL, 1).await;
    let outbox = FakeOutbox::scripted((0..3).map(|_| Err(SendError::Server("503".into()))));
    let mut worker = new_worker(s.store.clone(), outbox, fast());
    let round = worker.run_once(&s.library).await.unwrap();
    assert_eq!((round.delivered, round.failed), (0, 1));
    assert_eq!(worker.outbox().posts().len(), 3, "max_tries");
    let [failed] = &s.store.deliveries(Some(State::Failed)).await.unwrap()[..] else {
        panic!("one failed delivery")
    };
    assert_eq!(failed.error.as_deref(), Some("server error 3 times: 503"));
}

#[tokio::test]
async fn posts_are_paced_over_all_targets() {
    let s = scene(CHANNEL, 4).await;
    // Another follow elsewhere: the pace is shared.
    let other = NewFollow {
        target: Target::Personal { user_id: 9 },
        creator_id: 9,
        topic_typed: String::new(),
        topic: String::new(),
        ping_role_id: None,
    };
    let Created::New(other) = s.store.create_follow(&other, 10).await.unwrap() else {
        panic!("a new follow")
    };
    let mut conn = s.store.pool().acquire().await.unwrap();
    for i in 0..4 {
        crate::store::deliveries::queue(&s.store, &mut conn, other.id, &format!("b{i:02}"), 0, 0)
            .await
            .unwrap();
    }
    drop(conn);
    let settings = Settings {
        per_second: 20,
        ..fast()
    };
    let mut worker = new_worker(s.store.clone(), FakeOutbox::default(), settings);
    assert_eq!(worker.run_once(&s.library).await.unwrap().posts, 8);
    let times = worker.outbox().times();
    let span = times[7] - times[0];
    // Seven intervals of 50 ms at least between the first post and the eighth.
    assert!(span >= Duration::from_millis(350), "{span:?}");
}

#[tokio::test]
async fn the_duplicate_window_a_post_accepted_but_not_recorded_is_posted_again() {
    let s = scene(CHANNEL, 1).await;
    let outbox = FakeOutbox::default();
    // The platform accepts the post, and the process dies before recording it.
    let queued = s.store.sendable(10).await.unwrap();
    let post = Post {
        target: CHANNEL,
        ping_role_id: Some(99),
        body: PostBody::Brief {
            brief_id: queued[0].brief_id.clone(),
            updated: false,
        },
    };
    outbox.send(&post).await.unwrap();
    // After the restart the delivery is still queued, so it is posted a second time.
    let mut worker = new_worker(s.store.clone(), outbox, fast());
    assert_eq!(worker.run_once(&s.library).await.unwrap().delivered, 1);
    let posts = worker.outbox().posts();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0], posts[1]);
}

#[tokio::test]
async fn a_brief_removed_before_its_post_is_not_posted() {
    let s = scene(CHANNEL, 2).await;
    let without = Library::new(vec![brief("b01", "Story 1", "Text.")]);
    let mut worker = new_worker(s.store.clone(), FakeOutbox::default(), fast());
    let round = worker.run_once(&without).await.unwrap();
    assert_eq!((round.delivered, round.failed), (1, 1));
}

#[tokio::test]
async fn a_worker_sends_only_for_the_servers_of_its_shards() {
    // Server 1 is on shard 0 of 2.
    let s = scene(CHANNEL, 3).await;
    let second = ShardFilter {
        total: 2,
        first: 1,
        last: 2,
        personal: false,
    };
    let mut other = Worker::new(
        s.store.clone(),
        FakeOutbox::default(),
        fast(),
        "second".into(),
        Some(second),
    );
    assert_eq!(other.run_once(&s.library).await.unwrap(), Round::default());
    assert!(other.outbox().posts().is_empty());
    let first = ShardFilter {
        total: 2,
        first: 0,
        last: 1,
        personal: true,
    };
    let mut worker = Worker::new(
        s.store.clone(),
        FakeOutbox::default(),
        fast(),
        "first".into(),
        Some(first),
    );
    assert_eq!(worker.run_once(&s.library).await.unwrap().delivered, 3);
}

/// Discord's side, while another process takes this one's claims: each post accepted makes
/// the claims of the other briefs queued pass to "thief".
struct ThiefOutbox {
    store: Store,
    posts: Mutex<Vec<Post>>,
}

impl Outbox for ThiefOutbox {
    async fn send(&self, post: &Post) -> Result<u64, SendError> {
        let PostBody::Brief { brief_id, .. } = &post.body else {
            panic!("one brief at a time here")
        };
        sqlx::query(
            "UPDATE deliveries SET claimed_by = 'thief' WHERE state = 'queued' AND brief_id <> $1",
        )
        .bind(brief_id)
        .execute(self.store.pool())
        .await
        .unwrap();
        let mut posts = self.posts.lock().unwrap();
        posts.push(post.clone());
        Ok(2_000 + posts.len() as u64)
    }
}

#[tokio::test]
async fn a_post_whose_claim_another_process_took_is_not_made() {
    let s = scene(CHANNEL, 3).await;
    let outbox = ThiefOutbox {
        store: s.store.clone(),
        posts: Mutex::new(Vec::new()),
    };
    let mut worker = Worker::new(s.store.clone(), outbox, fast(), "me".into(), None);
    let round = worker.run_once(&s.library).await.unwrap();
    assert_eq!((round.posts, round.delivered, round.lost), (1, 1, 1));
    assert_eq!(worker.outbox().posts.lock().unwrap().len(), 1);
    // The two left are the thief's, still queued: this worker's end of round left them be.
    let owners: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT state, claimed_by FROM deliveries ORDER BY id")
            .fetch_all(s.store.pool())
            .await
            .unwrap();
    assert_eq!(
        owners,
        [
            ("sent".to_owned(), None),
            ("queued".to_owned(), Some("thief".to_owned())),
            ("queued".to_owned(), Some("thief".to_owned())),
        ]
    );
}

#[tokio::test]
async fn the_worker_resumes_when_the_database_comes_back() {
    let Some(database) = crate::store::testing::PgDatabase::create().await else {
        return;
    };
    let store = Store::open(&database.url).await.unwrap();
    let s = scene_on(store, CHANNEL, 2).await;
    let mut worker = new_worker(s.store.clone(), FakeOutbox::default(), fast());
    database.set_reachable(false).await;
    let outage = worker.run_once(&s.library).await;
    assert!(outage.is_err(), "{outage:?}");
    assert!(worker.outbox().posts().is_empty());
    database.set_reachable(true).await;
    // The same worker, on the same pool: the deliveries waited, and go now.
    let round = worker.run_once(&s.library).await;
    s.store.close().await;
    database.drop_it().await;
    assert_eq!(round.unwrap().delivered, 2);
    assert_eq!(worker.outbox().posts().len(), 2);
}
