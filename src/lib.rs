//! briefbot: news briefs you can ask about, from the terminal or from Discord.
//!
//! Editors keep one TOML *brief* per news article (title, date, summary, key quotes with
//! their speakers). briefbot loads a folder of them into an immutable [`library::Library`]
//! (the briefs plus an inverted index), and answers topic questions with the best briefs,
//! their summaries and the quotes that matter.
//!
//! How the parts fit (arrows point one way):
//!
//! ```text
//! faces:   cli (terminal, JSON), chat (console), text (terminal rendering),
//!          discord (slash commands, mentions, embeds; all serenity/poise types live there)
//!            |
//! answer:  answer   platform-neutral replies: results with match offsets to highlight, notes
//!                   and headlines as data that each face words its own way
//! deliver: deliver  new briefs matched to follows (a reverse search), queued, and posted by
//!          a worker through a face's outbox, paced, summarised, paused on refusal;
//!          digests at a local time of day, once per occurrence
//!            |
//! library: library  snapshot of briefs + search index + speaker index; an edit makes a
//!          new snapshot sharing all it leaves alone;
//!          watch keeps it in step with the folder (changed files only, atomic swaps);
//!          intake checks, installs atomically, trashes, audits
//! store:   store    the database (SQLite or PostgreSQL, migrated at start-up): follows,
//!          seen brief ids, deliveries, digests and their runs
//!            |
//! core:    search (the briefbot-search crate: analysis -> index -> query, and the
//!          languages), speakers (name resolution), facets (tags, outlets, languages to
//!          briefs), brief (parsing with located errors),
//!          config
//! ```
//!
//! Nothing below a face knows about the terminal or Discord: serenity and poise are named only
//! in `discord`, clap only in `cli` and the binary. tests/layers.rs holds the exact order of
//! the modules (within the library layer: library, then intake, then watch; config and
//! speakers apart, above brief) and fails on any `crate::` path that points up or sideways.

pub mod answer;
pub mod brief;
pub mod chat;
pub mod cli;
pub mod config;
pub mod deliver;
pub mod discord;
pub mod facets;
pub mod intake;
pub mod library;
pub mod prose;
pub mod speakers;
pub mod store;
pub mod text;
pub mod watch;

/// The search engine (the `briefbot-search` crate).
pub use briefbot_search as search;
/// The languages briefs may be written in (the engine's: each has a Snowball stemmer).
pub use briefbot_search::language;
