//! A per-user cooldown: at most N commands in any window of T seconds, so one member spamming
//! commands cannot starve the others. Autocomplete is not counted (it fires per keystroke).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Users remembered before idle ones are forgotten.
const PRUNE_AT: usize = 10_000;

/// Recent commands per user.
#[derive(Debug)]
pub struct Cooldown {
    limit: usize,
    window: Duration,
    recent: Mutex<HashMap<u64, VecDeque<Instant>>>,
}

/// A refused command: the user may try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("slow down: try again in {} s", .0.as_secs().max(1))]
pub struct SlowDown(pub Duration);

impl Cooldown {
    /// At most `limit` commands per `window` for each user; a limit of 0 turns it off.
    pub fn new(limit: usize, window: Duration) -> Self {
        Cooldown {
            limit,
            window,
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a command by `user` at `now`, or refuses it.
    pub fn check(&self, user: u64, now: Instant) -> Result<(), SlowDown> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if recent.len() > PRUNE_AT {
            let window = self.window;
            recent.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        let times = recent.entry(user).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= self.limit {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(SlowDown(
                self.window.saturating_sub(now.duration_since(oldest)),
            ));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_limit_per_window_per_user() {
        let cooldown = Cooldown::new(3, Duration::from_secs(10));
        let start = Instant::now();
        for i in 0..3 {
            assert!(cooldown.check(1, start + Duration::from_secs(i)).is_ok());
        }
        let refused = cooldown
            .check(1, start + Duration::from_secs(4))
            .unwrap_err();
        assert_eq!(refused, SlowDown(Duration::from_secs(6)));
        assert!(
            cooldown.check(2, start + Duration::from_secs(4)).is_ok(),
            "others are not affected"
        );
        assert!(
            cooldown.check(1, start + Duration::from_secs(10)).is_ok(),
            "the window moved on"
        );
    }

    #[test]
    fn zero_turns_it_off() {
        let cooldown = Cooldown::new(0, Duration::from_secs(10));
        let now = Instant::now();
        assert!((0..100).all(|_| cooldown.check(1, now).is_ok()));
    }
}
