//! CPU work off the async threads: searching, drawing pages, autocompletion.
//!
//! The gateway, the heartbeats and every reply run on tokio's few worker threads. A search
//! that takes a while there holds up everything else on its thread, so answers are worked out
//! on tokio's blocking threads instead, at most a fixed number at once (by default one per
//! CPU core: more would only make each wait for a core). A command that cannot start within
//! its wait is told the bot is busy, rather than queueing past Discord's 3-second window.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

/// Runs CPU work on at most a fixed number of threads at once.
#[derive(Debug, Clone)]
pub struct Work {
    permits: Arc<Semaphore>,
    threads: usize,
}

/// No thread came free within the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the bot is busy")]
pub struct Busy;

impl Work {
    /// At most `threads` jobs at once; 0 means one per CPU core.
    pub fn new(threads: usize) -> Self {
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        Work {
            permits: Arc::new(Semaphore::new(threads)),
            threads,
        }
    }

    /// How many jobs may run at once.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `job` on a blocking thread once fewer than the bound are running, waiting at most
    /// `wait` for that; returns its result. A panic in `job` resumes here, as if it ran inline.
    pub async fn run<T: Send + 'static>(
        &self,
        wait: Duration,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let permit = tokio::time::timeout(wait, Arc::clone(&self.permits).acquire_owned())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        let running = tokio::task::spawn_blocking(move || {
            let result = job();
            drop(permit);
            result
        });
        match running.await {
            Ok(result) => Ok(result),
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn jobs_run_off_the_async_thread_and_never_more_than_the_bound_at_once() {
        let work = Work::new(2);
        let caller = std::thread::current().id();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..8).map(|_| {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            work.run(Duration::from_secs(60), move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
                std::thread::current().id()
            })
        });
        let threads = futures_util::future::join_all(jobs).await;
        assert!(
            threads
                .iter()
                .all(|t| t.as_ref().is_ok_and(|t| *t != caller))
        );
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_job_that_cannot_start_in_time_is_refused_without_running() {
        let work = Work::new(1);
        let (release, held) = std::sync::mpsc::channel::<()>();
        let holder = tokio::spawn({
            let work = work.clone();
            async move { work.run(Duration::from_secs(60), move || held.recv()).await }
        });
        while work.permits.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let ran = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&ran);
        let refused = work
            .run(Duration::from_millis(10), move || {
                counted.fetch_add(1, Ordering::SeqCst);
            })
            .await;
        assert_eq!(refused, Err(Busy));
        release.send(()).unwrap();
        assert!(holder.await.unwrap().is_ok());
        assert_eq!(ran.load(Ordering::SeqCst), 0);
        assert_eq!(work.permits.available_permits(), 1, "the permit came back");
    }
}
