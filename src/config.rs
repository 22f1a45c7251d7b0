//! `config.toml`: where the briefs are and how answers are shaped, with defaults for all.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::brief::Location;
use crate::language::Language;

/// The settings, after defaults and validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Folder holding the brief files. Relative paths in the file are relative to the
    /// config file's folder.
    pub briefs_dir: PathBuf,
    /// Language of briefs that do not name theirs.
    pub language: Language,
    /// Briefs per answer, unless asked otherwise.
    pub max_results: usize,
    /// Key quotes shown per brief.
    pub max_quotes: usize,
    /// Summaries longer than this many characters are cropped at sentence boundaries around
    /// the matches; shorter ones are shown whole. 1,200 keeps every usual summary (two to six
    /// sentences) whole and fits a Discord embed's 4,096 characters with room for its marks.
    pub summary_chars: usize,
    /// Largest brief file accepted by `add` and uploads, in bytes.
    pub max_brief_bytes: usize,
    /// The Discord bot's settings.
    pub discord: DiscordConfig,
    /// Where follows and deliveries are kept: `sqlite://FILE` (a relative file is relative to
    /// the config file's folder) or `postgres://...`. `DATABASE_URL` overrides it.
    pub database_url: String,
    /// Post "Updated: ..." when a brief already announced is edited.
    pub announce_updates: bool,
    /// More briefs than this waiting at once for one follow are posted as one summary.
    pub announce_burst: usize,
    /// Posts per second, over all channels and direct messages.
    pub announce_per_second: usize,
    /// Personal (direct message) follows each member may have.
    pub max_personal_follows: usize,
    /// How long a process's claim of deliveries lasts before another process sharing the
    /// database may take them (it is renewed before each post).
    pub claim_lease_secs: u64,
    /// How changes to the briefs folder are noticed.
    pub watch: WatchMode,
    /// What a digest with nothing new does.
    pub digest_empty: DigestEmpty,
    /// A digest missed (the bot was down at its time) goes out on return if it is at most
    /// this late; past that, that occurrence is skipped.
    pub digest_catch_up: std::time::Duration,
}

/// `digest_empty`: what a digest with no new brief does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestEmpty {
    /// Posts nothing (the default).
    Skip,
    /// Posts that nothing is new.
    SaySo,
}

/// Default `digest_catch_up`: two hours.
pub const DEFAULT_DIGEST_CATCH_UP: std::time::Duration = std::time::Duration::from_secs(2 * 3600);

/// The bounds of `digest_catch_up`: above the digest worker's tick, at most a week.
const DIGEST_CATCH_UP_RANGE: std::ops::RangeInclusive<u64> = 60..=7 * 24 * 3600;

/// Reads a duration written with units, as `2h`, `90m`, `1h30m`, `45s` or `1d`.
fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        let n: u64 = number.parse().ok()?;
        number.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    // A number without its unit at the end is not a duration.
    number
        .is_empty()
        .then_some(std::time::Duration::from_secs(total))
}

/// How the briefs folder is watched (`watch` in config.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// The operating system's change events (inotify and the like): instant, but they do
    /// not cross machines on network filesystems (NFS, SMB).
    Events,
    /// Every this many seconds (`poll_secs`), one `stat` per file: works on any filesystem.
    Poll { secs: u64 },
}

/// Default `poll_secs`.
pub const DEFAULT_POLL_SECS: u64 = 5;

/// How many gateway shards the bot runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shards {
    /// As many as Discord recommends (`/gateway/bot`).
    Auto,
    /// This many in all.
    Count(u32),
}

/// `[discord]` in config.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordConfig {
    /// Register the commands in these guilds only (instant, for testing); empty: globally.
    pub guild_ids: Vec<u64>,
    /// The editorial team's servers: the only ones where the admin commands are registered
    /// and obeyed. Empty: no admin commands at all (briefs come as files or by the CLI).
    pub admin_guild_ids: Vec<u64>,
    pub shards: Shards,
    /// Run only shards `first..last` of `shards` (several processes split the work).
    pub shard_range: Option<(u32, u32)>,
    /// Paging buttons stop working (and are removed) after this long unused.
    pub page_timeout_secs: u64,
    /// Besides members with Manage Server or Administrator, these roles may add and remove
    /// briefs...
    pub admin_role_ids: Vec<u64>,
    /// ...and these users.
    pub admin_user_ids: Vec<u64>,
    /// Where to report briefs that fail to load (a channel id); none: only the log.
    pub admin_channel_id: Option<u64>,
    /// The longest an upload's download may take.
    pub download_timeout_secs: u64,
    /// Each user may run this many commands per `cooldown_secs` (0: no limit).
    pub cooldown_commands: usize,
    pub cooldown_secs: u64,
    /// On shutdown, replies in flight get this long to finish.
    pub shutdown_grace_secs: u64,
    /// A paged answer's buttons go this long after the question, however often pressed.
    pub page_lifetime_secs: u64,
    /// Paged answers each user may have live; a newer one ends their oldest.
    pub paged_answers_per_user: usize,
    /// Paged answers live in all; past this the oldest ends.
    pub paged_answers_total: usize,
    /// Autocompletions worked out per user per second; past this, no choices are offered.
    pub autocomplete_per_second: usize,
    /// Answers worked out at once (searches, pages, autocompletion); 0: one per CPU core.
    pub search_threads: usize,
}

/// The longest a paged answer may keep its buttons, in seconds: removing them is an edit of
/// the answer, which Discord allows for 15 minutes after the question.
pub const MAX_PAGE_SECS: u64 = 840;

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            guild_ids: Vec::new(),
            admin_guild_ids: Vec::new(),
            shards: Shards::Auto,
            shard_range: None,
            page_timeout_secs: 600,
            admin_role_ids: Vec::new(),
            admin_user_ids: Vec::new(),
            admin_channel_id: None,
            download_timeout_secs: 15,
            cooldown_commands: 5,
            cooldown_secs: 10,
            shutdown_grace_secs: 10,
            page_lifetime_secs: MAX_PAGE_SECS,
            paged_answers_per_user: 3,
            paged_answers_total: 500,
            autocomplete_per_second: 5,
            search_threads: 0,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            briefs_dir: PathBuf::from("briefs"),
            language: Language::English,
            max_results: 3,
            max_quotes: 3,
            summary_chars: 1200,
            max_brief_bytes: DEFAULT_MAX_BRIEF_BYTES,
            discord: DiscordConfig::default(),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            announce_updates: false,
            announce_burst: 5,
            announce_per_second: 5,
            max_personal_follows: 10,
            digest_empty: DigestEmpty::Skip,
            digest_catch_up: DEFAULT_DIGEST_CATCH_UP,
            claim_lease_secs: 60,
            watch: WatchMode::Events,
        }
    }
}

/// The database when the config names none: a SQLite file beside the config.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://briefbot.db";

/// `url` with a relative SQLite file made relative to `base` (the config file's folder);
/// `None` when it is neither a SQLite nor a PostgreSQL URL.
fn resolve_database_url(url: &str, base: &Path) -> Option<String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Some(url.to_owned());
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or(rest);
    if file.is_empty() {
        return None;
    }
    if Path::new(file).is_absolute() || file.starts_with(':') || base.as_os_str().is_empty() {
        return Some(format!("sqlite://{rest}"));
    }
    Some(format!("sqlite://{}", base.join(rest).display()))
}

/// The most briefs one answer may hold.
pub const MAX_RESULTS: usize = 25;

/// Default `max_brief_bytes`: far above any real brief, far below harm.
pub const DEFAULT_MAX_BRIEF_BYTES: usize = 256 * 1024;

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read the config file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{location}: {message}")]
    Invalid { location: Location, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    briefs_dir: Option<toml::Spanned<PathBuf>>,
    language: Option<toml::Spanned<String>>,
    max_results: Option<toml::Spanned<usize>>,
    max_quotes: Option<toml::Spanned<usize>>,
    summary_chars: Option<toml::Spanned<usize>>,
    max_brief_bytes: Option<toml::Spanned<usize>>,
    database_url: Option<toml::Spanned<String>>,
    announce_updates: Option<bool>,
    announce_burst: Option<toml::Spanned<usize>>,
    announce_per_second: Option<toml::Spanned<usize>>,
    max_personal_follows: Option<toml::Spanned<usize>>,
    digest_empty: Option<toml::Spanned<String>>,
    digest_catch_up: Option<toml::Spanned<String>>,
    claim_lease_secs: Option<toml::Spanned<u64>>,
    watch: Option<toml::Spanned<String>>,
    poll_secs: Option<toml::Spanned<u64>>,
    discord: Option<RawDiscord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiscord {
    guild_ids: Option<Vec<toml::Spanned<u64>>>,
    admin_guild_ids: Option<Vec<toml::Spanned<u64>>>,
    shards: Option<toml::Spanned<RawShards>>,
    shard_range: Option<toml::Spanned<[u32; 2]>>,
    page_timeout_secs: Option<toml::Spanned<u64>>,
    admin_role_ids: Option<Vec<toml::Spanned<u64>>>,
    admin_user_ids: Option<Vec<toml::Spanned<u64>>>,
    admin_channel_id: Option<toml::Spanned<u64>>,
    download_timeout_secs: Option<toml::Spanned<u64>>,
    cooldown_commands: Option<toml::Spanned<usize>>,
    cooldown_secs: Option<toml::Spanned<u64>>,
    shutdown_grace_secs: Option<toml::Spanned<u64>>,
    page_lifetime_secs: Option<toml::Spanned<u64>>,
    paged_answers_per_user: Option<toml::Spanned<usize>>,
    paged_answers_total: Option<toml::Spanned<usize>>,
    autocomplete_per_second: Option<toml::Spanned<usize>>,
    search_threads: Option<toml::Spanned<usize>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawShards {
    Count(u32),
    Word(String),
}

impl Config {
    /// Reads the config at `path`. When `required` is false a missing file means the
    /// defaults (so the tool works from any folder); a file that exists must be valid.
    pub fn load(path: &Path, required: bool) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Config::default());
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let base = path.parent().unwrap_or(Path::new(""));
        Config::parse(path, &text, base)
    }

    /// Parses config text; `base` is the folder relative paths start from.
    pub fn parse(path: &Path, text: &str, base: &Path) -> Result<Config, ConfigError> {
        let invalid = |offset: usize, message: String| ConfigError::Invalid {
            location: Location::at(path, text, offset),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|err| {
            let offset = err.span().map_or(0, |s| s.start);
            invalid(offset, err.message().trim().replacen("field", "key", 1))
        })?;
        let mut config = Config::default();
        if let Some(dir) = raw.briefs_dir {
            let span = dir.span();
            let dir = dir.into_inner();
            if dir.as_os_str().is_empty() {
                return Err(invalid(
                    span.start,
                    "briefs_dir is empty; expected a folder path".into(),
                ));
            }
            config.briefs_dir = base.join(dir);
        } else {
            config.briefs_dir = base.join(&config.briefs_dir);
        }
        if let Some(code) = raw.language {
            config.language =
                code.get_ref()
                    .parse()
                    .map_err(|err: crate::language::UnknownLanguage| {
                        invalid(code.span().start, err.to_string())
                    })?;
        }
        let bounded = |value: Option<toml::Spanned<usize>>,
                       name: &str,
                       range: std::ops::RangeInclusive<usize>,
                       slot: &mut usize| {
            if let Some(value) = value {
                let n = *value.get_ref();
                if !range.contains(&n) {
                    return Err(invalid(
                        value.span().start,
                        format!(
                            "{name} is {n}; expected {} to {}",
                            range.start(),
                            range.end()
                        ),
                    ));
                }
                *slot = n;
            }
            Ok(())
        };
        bounded(
            raw.max_results,
            "max_results",
            1..=MAX_RESULTS,
            &mut config.max_results,
        )?;
        bounded(raw.max_quotes, "max_quotes", 0..=10, &mut config.max_quotes)?;
        bounded(
            raw.summary_chars,
            "summary_chars",
            80..=4000,
            &mut config.summary_chars,
        )?;
        bounded(
            raw.max_brief_bytes,
            "max_brief_bytes",
            64..=16 * 1024 * 1024,
            &mut config.max_brief_bytes,
        )?;
        let database_url = raw
            .database_url
            .unwrap_or_else(|| toml::Spanned::new(0..0, DEFAULT_DATABASE_URL.to_owned()));
        config.database_url = resolve_database_url(database_url.get_ref(), base).ok_or_else(|| {
            invalid(
                database_url.span().start,
                format!(
                    "database_url is `{}`; expected sqlite://FILE or postgres://USER@HOST/DATABASE",
                    database_url.get_ref()
                ),
            )
        })?;
        if let Some(updates) = raw.announce_updates {
            config.announce_updates = updates;
        }
        bounded(
            raw.announce_burst,
            "announce_burst",
            1..=100,
            &mut config.announce_burst,
        )?;
        // Discord allows about 50 requests a second per bot; announcements leave room for
        // answers.
        bounded(
            raw.announce_per_second,
            "announce_per_second",
            1..=40,
            &mut config.announce_per_second,
        )?;
        bounded(
            raw.max_personal_follows,
            "max_personal_follows",
            0..=100,
            &mut config.max_personal_follows,
        )?;
        if let Some(empty) = raw.digest_empty {
            config.digest_empty = match empty.get_ref().as_str() {
                "skip" => DigestEmpty::Skip,
                "say so" => DigestEmpty::SaySo,
                other => {
                    return Err(invalid(
                        empty.span().start,
                        format!("digest_empty is `{other}`; expected \"skip\" or \"say so\""),
                    ));
                }
            };
        }
        if let Some(catch_up) = raw.digest_catch_up {
            config.digest_catch_up = parse_duration(catch_up.get_ref())
                .filter(|d| DIGEST_CATCH_UP_RANGE.contains(&d.as_secs()))
                .ok_or_else(|| {
                    invalid(
                        catch_up.span().start,
                        format!(
                            "digest_catch_up is `{}`; expected a duration from 1m to 7d such as \"2h\", \"90m\" or \"1h30m\"",
                            catch_up.get_ref()
                        ),
                    )
                })?;
        }
        if let Some(lease) = raw.claim_lease_secs {
            let secs = *lease.get_ref();
            if !(1..=3600).contains(&secs) {
                return Err(invalid(
                    lease.span().start,
                    format!("claim_lease_secs is {secs}; expected 1 to 3600"),
                ));
            }
            config.claim_lease_secs = secs;
        }
        let poll_secs = match raw.poll_secs {
            Some(secs) if !(1..=3600).contains(secs.get_ref()) => {
                return Err(invalid(
                    secs.span().start,
                    format!("poll_secs is {}; expected 1 to 3600", secs.get_ref()),
                ));
            }
            Some(secs) => Some(secs),
            None => None,
        };
        match raw.watch.as_ref().map(|w| (w.get_ref().as_str(), w.span())) {
            None | Some(("events", _)) => {
                if let Some(secs) = &poll_secs {
                    return Err(invalid(
                        secs.span().start,
                        "poll_secs is set but watch is not \"poll\"; add watch = \"poll\", or remove poll_secs".into(),
                    ));
                }
            }
            Some(("poll", _)) => {
                config.watch = WatchMode::Poll {
                    secs: poll_secs.map_or(DEFAULT_POLL_SECS, |s| *s.get_ref()),
                };
            }
            Some((other, span)) => {
                return Err(invalid(
                    span.start,
                    format!("watch is `{other}`; expected \"events\" or \"poll\""),
                ));
            }
        }
        if let Some(discord) = raw.discord {
            // Discord ids are never 0, and serenity panics on one.
            let id = |value: toml::Spanned<u64>, name: &str| match *value.get_ref() {
                0 => Err(invalid(
                    value.span().start,
                    format!("{name} holds 0; expected a Discord id (Copy ID in developer mode)"),
                )),
                id => Ok(id),
            };
            let ids = |values: Option<Vec<toml::Spanned<u64>>>, name: &str| {
                values
                    .unwrap_or_default()
                    .into_iter()
                    .map(|value| id(value, name))
                    .collect::<Result<Vec<u64>, ConfigError>>()
            };
            config.discord.guild_ids = ids(discord.guild_ids, "guild_ids")?;
            config.discord.admin_guild_ids = ids(discord.admin_guild_ids, "admin_guild_ids")?;
            config.discord.admin_role_ids = ids(discord.admin_role_ids, "admin_role_ids")?;
            config.discord.admin_user_ids = ids(discord.admin_user_ids, "admin_user_ids")?;
            config.discord.admin_channel_id = discord
                .admin_channel_id
                .map(|value| id(value, "admin_channel_id"))
                .transpose()?;
            if let Some(shards) = discord.shards {
                let span = shards.span();
                config.discord.shards = match shards.into_inner() {
                    RawShards::Word(word) if word == "auto" => Shards::Auto,
                    RawShards::Count(n) if n >= 1 => Shards::Count(n),
                    _ => {
                        return Err(invalid(
                            span.start,
                            "shards must be \"auto\" or a number of shards (1 or more)".into(),
                        ));
                    }
                };
            }
            if let Some(range) = discord.shard_range {
                let [first, last] = *range.get_ref();
                let fits = match config.discord.shards {
                    Shards::Count(total) => first < last && last <= total,
                    Shards::Auto => false,
                };
                if !fits {
                    return Err(invalid(
                        range.span().start,
                        "shard_range is [first, last): it needs a number of `shards`, and first < last <= shards".into(),
                    ));
                }
                config.discord.shard_range = Some((first, last));
            }
            let seconds = |value: Option<toml::Spanned<u64>>,
                           name: &str,
                           range: std::ops::RangeInclusive<u64>,
                           slot: &mut u64| {
                if let Some(value) = value {
                    let secs = *value.get_ref();
                    if !range.contains(&secs) {
                        return Err(invalid(
                            value.span().start,
                            format!(
                                "{name} is {secs}; expected {} to {}",
                                range.start(),
                                range.end()
                            ),
                        ));
                    }
                    *slot = secs;
                }
                Ok(())
            };
            let d = &mut config.discord;
            seconds(
                discord.download_timeout_secs,
                "download_timeout_secs",
                1..=300,
                &mut d.download_timeout_secs,
            )?;
            let token_expires = |error: ConfigError| match error {
                ConfigError::Invalid { location, message } => ConfigError::Invalid {
                    location,
                    message: format!(
                        "{message}: the buttons are removed by an edit of the answer, which Discord allows for 15 minutes after the question"
                    ),
                },
                other => other,
            };
            seconds(
                discord.page_timeout_secs,
                "page_timeout_secs",
                1..=MAX_PAGE_SECS,
                &mut d.page_timeout_secs,
            )
            .map_err(token_expires)?;
            seconds(
                discord.page_lifetime_secs,
                "page_lifetime_secs",
                1..=MAX_PAGE_SECS,
                &mut d.page_lifetime_secs,
            )
            .map_err(token_expires)?;
            seconds(
                discord.cooldown_secs,
                "cooldown_secs",
                1..=3600,
                &mut d.cooldown_secs,
            )?;
            seconds(
                discord.shutdown_grace_secs,
                "shutdown_grace_secs",
                0..=300,
                &mut d.shutdown_grace_secs,
            )?;
            bounded(
                discord.cooldown_commands,
                "cooldown_commands",
                0..=1000,
                &mut d.cooldown_commands,
            )?;
            bounded(
                discord.paged_answers_per_user,
                "paged_answers_per_user",
                1..=25,
                &mut d.paged_answers_per_user,
            )?;
            bounded(
                discord.paged_answers_total,
                "paged_answers_total",
                1..=100_000,
                &mut d.paged_answers_total,
            )?;
            bounded(
                discord.autocomplete_per_second,
                "autocomplete_per_second",
                1..=100,
                &mut d.autocomplete_per_second,
            )?;
            bounded(
                discord.search_threads,
                "search_threads",
                0..=256,
                &mut d.search_threads,
            )?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("config.toml"), text, Path::new("/srv/bot"))
    }

    #[test]
    fn defaults_and_relative_dir() {
        let config = parse("").unwrap();
        assert_eq!(config.briefs_dir, Path::new("/srv/bot/briefs"));
        assert_eq!(config.max_results, 3);
        let config = parse("briefs_dir = \"/data/briefs\"\nmax_quotes = 1").unwrap();
        assert_eq!(config.briefs_dir, Path::new("/data/briefs"));
        assert_eq!(config.max_quotes, 1);
    }

    #[test]
    fn errors_are_located() {
        let err = parse("language = \"en\"\nmax_results = 0\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "config.toml:2:15: max_results is 0; expected 1 to 25");
        let err = parse("langauge = \"en\"").unwrap_err().to_string();
        assert!(
            err.starts_with("config.toml:1:1: unknown key `langauge`"),
            "{err}"
        );
        let err = parse("language = \"zz\"").unwrap_err().to_string();
        assert!(err.contains("unknown language `zz`"), "{err}");
    }

    #[test]
    fn discord_table() {
        let config = parse("[discord]\nguild_ids = [1, 2]\nshards = 4\nshard_range = [0, 2]\npage_timeout_secs = 5\n").unwrap();
        assert_eq!(config.discord.guild_ids, [1, 2]);
        assert_eq!(config.discord.shards, Shards::Count(4));
        assert_eq!(config.discord.shard_range, Some((0, 2)));
        assert_eq!(config.discord.page_timeout_secs, 5);
        assert_eq!(parse("").unwrap().discord.shards, Shards::Auto);
        let err = parse("[discord]\nshards = \"many\"")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("config.toml:2:10: shards must be"), "{err}");
        let err = parse("[discord]\nshard_range = [0, 2]")
            .unwrap_err()
            .to_string();
        assert!(err.contains("shard_range"), "{err}");
    }

    #[test]
    fn admin_guilds_are_read_and_ids_are_never_0() {
        assert!(parse("").unwrap().discord.admin_guild_ids.is_empty());
        let config = parse("[discord]\nadmin_guild_ids = [7, 8]\n").unwrap();
        assert_eq!(config.discord.admin_guild_ids, [7, 8]);
        let err = parse("[discord]\nadmin_guild_ids = [7, 0]\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "config.toml:2:23: admin_guild_ids holds 0; expected a Discord id (Copy ID in developer mode)"
        );
        let err = parse("[discord]\nadmin_channel_id = 0\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config.toml:2:20: admin_channel_id holds 0"),
            "{err}"
        );
        let err = parse("[discord]\nadmin_guild_ids = \"7\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("config.toml:2:19:"), "{err}");
    }

    #[test]
    fn paging_must_end_before_discord_stops_allowing_edits() {
        let config =
            parse("[discord]\npage_timeout_secs = 840\npage_lifetime_secs = 60\n").unwrap();
        assert_eq!(config.discord.page_timeout_secs, 840);
        assert_eq!(config.discord.page_lifetime_secs, 60);
        assert_eq!(parse("").unwrap().discord.page_lifetime_secs, 840);
        for key in ["page_timeout_secs", "page_lifetime_secs"] {
            let err = parse(&format!("[discord]\n{key} = 900\n"))
                .unwrap_err()
                .to_string();
            assert_eq!(
                err,
                format!(
                    "config.toml:2:{}: {key} is 900; expected 1 to 840: the buttons are removed by an edit of the answer, which Discord allows for 15 minutes after the question",
                    key.len() + 4
                )
            );
        }
    }

    #[test]
    fn answer_bounds_are_checked() {
        let config = parse(
            "[discord]\npaged_answers_per_user = 1\npaged_answers_total = 10\nautocomplete_per_second = 2\nsearch_threads = 3\n",
        )
        .unwrap();
        assert_eq!(config.discord.paged_answers_per_user, 1);
        assert_eq!(config.discord.paged_answers_total, 10);
        assert_eq!(config.discord.autocomplete_per_second, 2);
        assert_eq!(config.discord.search_threads, 3);
        for (key, bad) in [
            ("paged_answers_per_user", 0),
            ("paged_answers_total", 0),
            ("autocomplete_per_second", 0),
            ("search_threads", 1000),
        ] {
            let err = parse(&format!("[discord]\n{key} = {bad}\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(&format!("{key} is {bad}; expected")), "{err}");
        }
    }

    #[test]
    fn the_database_is_beside_the_config_and_announcing_is_bounded() {
        let config = parse("").unwrap();
        assert_eq!(config.database_url, "sqlite:///srv/bot/briefbot.db");
        assert!(!config.announce_updates);
        assert_eq!(
            (
                config.announce_burst,
                config.announce_per_second,
                config.max_personal_follows
            ),
            (5, 5, 10)
        );
        let config =
            parse("database_url = \"sqlite://data/x.db?mode=rw\"\nannounce_updates = true\n")
                .unwrap();
        assert_eq!(config.database_url, "sqlite:///srv/bot/data/x.db?mode=rw");
        assert!(config.announce_updates);
        let config = parse("database_url = \"sqlite:///var/x.db\"").unwrap();
        assert_eq!(config.database_url, "sqlite:///var/x.db");
        let url = "postgres://bot@127.0.0.1/briefbot";
        assert_eq!(
            parse(&format!("database_url = \"{url}\""))
                .unwrap()
                .database_url,
            url
        );
        let err = parse("\ndatabase_url = \"mysql://x\"")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "config.toml:2:16: database_url is `mysql://x`; expected sqlite://FILE or postgres://USER@HOST/DATABASE"
        );
        let err = parse("announce_per_second = 0").unwrap_err().to_string();
        assert!(
            err.contains("announce_per_second is 0; expected 1 to 40"),
            "{err}"
        );
        let err = parse("announce_burst = 1000").unwrap_err().to_string();
        assert!(err.contains("announce_burst is 1000"), "{err}");
    }

    #[test]
    fn digests_skip_when_empty_and_catch_up_two_hours_by_default() {
        let config = parse("").unwrap();
        assert_eq!(config.digest_empty, DigestEmpty::Skip);
        assert_eq!(config.digest_catch_up, DEFAULT_DIGEST_CATCH_UP);
        let config = parse("digest_empty = \"say so\"\ndigest_catch_up = \"1h30m\"\n").unwrap();
        assert_eq!(config.digest_empty, DigestEmpty::SaySo);
        assert_eq!(config.digest_catch_up.as_secs(), 5400);
        for (text, secs) in [("90m", 5400), ("1d", 86_400), ("60s", 60), ("7d", 604_800)] {
            let config = parse(&format!("digest_catch_up = \"{text}\"")).unwrap();
            assert_eq!(config.digest_catch_up.as_secs(), secs, "{text}");
        }
        let err = parse("\ndigest_empty = \"post\"").unwrap_err().to_string();
        assert_eq!(
            err,
            "config.toml:2:16: digest_empty is `post`; expected \"skip\" or \"say so\""
        );
        for bad in ["2", "2 hours", "h", "30s", "8d", "", "1h-5m"] {
            let err = parse(&format!("\ndigest_catch_up = \"{bad}\""))
                .unwrap_err()
                .to_string();
            assert_eq!(
                err,
                format!(
                    "config.toml:2:19: digest_catch_up is `{bad}`; expected a duration from 1m to 7d such as \"2h\", \"90m\" or \"1h30m\""
                )
            );
        }
        let err = parse("digest_catch_up = 7200").unwrap_err().to_string();
        assert!(err.starts_with("config.toml:1:19:"), "{err}");
    }

    #[test]
    fn the_folder_is_watched_by_events_or_by_polling() {
        assert_eq!(parse("").unwrap().watch, WatchMode::Events);
        assert_eq!(
            parse("watch = \"events\"").unwrap().watch,
            WatchMode::Events
        );
        assert_eq!(
            parse("watch = \"poll\"").unwrap().watch,
            WatchMode::Poll { secs: 5 }
        );
        assert_eq!(
            parse("watch = \"poll\"\npoll_secs = 30").unwrap().watch,
            WatchMode::Poll { secs: 30 }
        );
        let err = parse("\nwatch = \"inotify\"").unwrap_err().to_string();
        assert_eq!(
            err,
            "config.toml:2:9: watch is `inotify`; expected \"events\" or \"poll\""
        );
        let err = parse("watch = \"poll\"\npoll_secs = 0")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "config.toml:2:13: poll_secs is 0; expected 1 to 3600");
        let err = parse("poll_secs = 10").unwrap_err().to_string();
        assert!(
            err.starts_with("config.toml:1:13: poll_secs is set but watch is not \"poll\""),
            "{err}"
        );
        let err = parse("watch = 5").unwrap_err().to_string();
        assert!(err.starts_with("config.toml:1:9:"), "{err}");
    }

    #[test]
    fn the_claim_lease_is_bounded() {
        assert_eq!(parse("").unwrap().claim_lease_secs, 60);
        assert_eq!(parse("claim_lease_secs = 5").unwrap().claim_lease_secs, 5);
        let err = parse("claim_lease_secs = 0").unwrap_err().to_string();
        assert_eq!(
            err,
            "config.toml:1:20: claim_lease_secs is 0; expected 1 to 3600"
        );
    }

    #[test]
    fn missing_file_gives_defaults_unless_required() {
        let path = Path::new("/no/such/config.toml");
        assert!(Config::load(path, false).is_ok());
        assert!(Config::load(path, true).is_err());
    }
}
