//! Delivering the news: matching new briefs to follows, queueing their deliveries, and the
//! worker that sends them.
//!
//! Platform-neutral: a face (Discord, the console) supplies a [`worker::Outbox`] that
//! posts, and everything else (what is new, what matches, pacing, bursts, pauses) is
//! decided here.

pub mod announce;
pub mod digest;
pub mod digest_worker;
pub mod matcher;
pub mod schedule;
pub mod shards;
pub mod topic;
pub mod worker;
