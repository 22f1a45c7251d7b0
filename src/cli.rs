//! The command-line face: arguments in, text or JSON out. It only translates; the answers
//! come from the library and the answer layer.

use std::io::{self, BufRead, IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::answer::{self, AskOptions};
use crate::chat;
use crate::config::{Config, ConfigError};
use crate::discord::{self, StartError};
use crate::intake::{Actor, IntakeError};
use crate::library::{self, Library, LibraryError};
use crate::text;
use crate::watch::LiveLibrary;

/// Ask news briefs about a topic, from the terminal or from Discord.
#[derive(Debug, Parser)]
#[command(name = "briefbot", version, about, max_term_width = 100)]
pub struct Cli {
    /// Config file [default: ./config.toml; built-in defaults when it is absent]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Briefs directory, overriding the config's `briefs_dir`
    #[arg(long, global = true, value_name = "DIR")]
    pub briefs: Option<PathBuf>,
    /// Highlight matches in bold: auto (when writing to a terminal), always or never
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,
    #[command(subcommand)]
    pub command: Command,
}

/// When to use terminal bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Best briefs for a topic, with summary and key quotes
    #[command(
        after_help = "Filters, words of the query: since:2017 since:2017-07 since:2017-07-09 until:2018 (inclusive), tag:russia, outlet:\"BBC News\", speaker:putin, lang:de, order:newest. A query of filters only lists the briefs they allow, newest first.\n\nExamples:\n  briefbot ask election hacking\n  briefbot ask --json '\"cyber security\" russia'\n  briefbot ask russia since:2017-07 until:2017-12 tag:sanctions\n  briefbot ask --newest north korea\n  briefbot ask --batch queries.txt > answers.jsonl"
    )]
    Ask(AskArgs),
    /// Quotes by a named speaker, newest first
    #[command(
        after_help = "Names are forgiving: surname or given name alone, any case, no accents, a typo, a title.\n\nExamples:\n  briefbot quotes putin\n  briefbot quotes \"Rex Tillerson\" --about russia\n  briefbot quotes --json graham"
    )]
    Quotes(QuotesArgs),
    /// Who said it: the quotes saying these words, best first
    #[command(
        after_help = "Words are forgiving like `ask`: any order, other forms of a word, a typo, any case, no accents; \"quoted phrases\" match as phrases. Only quote texts are searched. The filters of `ask` work here too (since:2017, speaker:putin, tag:russia).\n\nExamples:\n  briefbot said putin pressed twice\n  briefbot said --json dumbest idea heard\n  briefbot said --limit 3 '\"alarm code\"'"
    )]
    Said(SaidArgs),
    /// More like this: the briefs sharing the most with one brief, and what they share
    #[command(
        after_help = "Briefs are found by the brief's weightiest words, its tags, the people it quotes and its outlet; each result says what it shares (\"shares tags russia, g20; quotes Vladimir Putin\"). The brief itself is never listed. An unknown id exits 1, naming close ids.\n\nExamples:\n  briefbot related trump-putin-cyber-unit\n  briefbot related --json --limit 10 trump-putin-cyber-unit"
    )]
    Related(RelatedArgs),
    /// Every brief: date, id, title (newest first)
    List {
        /// One JSON array instead of text
        #[arg(long)]
        json: bool,
    },
    /// Validate brief files or directories; exit 1 if any is invalid
    Check {
        /// Files or directories [default: the configured briefs directory]
        paths: Vec<PathBuf>,
    },
    /// Validate a brief, then install it into the briefs directory atomically
    Add {
        /// The brief file to install (it is stored as <id>.toml)
        file: PathBuf,
        /// Replace the brief that has the same id (the old file is kept in .trash/)
        #[arg(long)]
        replace: bool,
    },
    /// Remove a brief: its file is moved to the briefs directory's .trash/, never deleted
    Remove {
        /// The brief's id
        id: String,
    },
    /// Follows and queued deliveries, from the database (`database_url`)
    Follows {
        /// One JSON object instead of text
        #[arg(long)]
        json: bool,
    },
    /// Local console speaking the same commands as the Discord bot (/brief, /quotes, /help)
    Chat,
    /// Connect to Discord as a bot (token from the DISCORD_TOKEN environment variable)
    Run,
}

#[derive(Debug, Args)]
pub struct QuotesArgs {
    /// The speaker: full name, surname, given name, with or without accents or title
    #[arg(required = true, value_name = "SPEAKER")]
    pub speaker: Vec<String>,
    /// Only quotes about this topic, best match first
    #[arg(long, value_name = "TOPIC")]
    pub about: Option<String>,
    /// Most quotes to show [default: all]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub limit: Option<u16>,
    /// Answer in JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SaidArgs {
    /// Words of the quote as you remember them: any order, "quoted phrases"
    #[arg(required = true, value_name = "WORDS")]
    pub words: Vec<String>,
    /// Most quotes to show
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub limit: u16,
    /// Answer in JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RelatedArgs {
    /// The brief's id (as `briefbot list` shows it)
    #[arg(value_name = "ID")]
    pub id: String,
    /// Most briefs to show
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub limit: u16,
    /// Answer in JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// What to look for: words, "quoted phrases", or a whole question
    #[arg(
        required_unless_present = "batch",
        conflicts_with = "batch",
        value_name = "QUERY"
    )]
    pub query: Vec<String>,
    /// Most briefs to show [default: config `max_results`, 3]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub limit: Option<u16>,
    /// Answer in JSON
    #[arg(long)]
    pub json: bool,
    /// Newest first (among briefs matching as many words) instead of best match first; the
    /// same as order:newest in the query
    #[arg(long)]
    pub newest: bool,
    /// Answer one query per line of FILE (- for stdin), one JSON object per line
    #[arg(long, value_name = "FILE")]
    pub batch: Option<PathBuf>,
}

/// A failure the user must hear about; the process exits 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("{}", intake_message(.0))]
    Intake(#[from] IntakeError),
    #[error(transparent)]
    Discord(#[from] StartError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Related(#[from] answer::RelatedError),
    #[error("{}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{}: the file or directory does not exist", .0.display())]
    NoSuchPath(PathBuf),
    #[error("{0}")]
    Invalid(String),
    #[error("cannot write the output: {0}")]
    Output(#[from] io::Error),
}

/// An intake error as the command line words it: how to replace a brief that exists.
fn intake_message(error: &IntakeError) -> String {
    match error {
        IntakeError::Exists { .. } => format!("{error}; use --replace to replace it"),
        other => other.to_string(),
    }
}

/// Runs a parsed command line; `Ok` carries the exit code.
pub fn run(cli: Cli) -> Result<u8, CliError> {
    let config = load_config(&cli)?;
    let bold = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    match cli.command {
        Command::Chat => chat_live(&config, bold),
        command => run_buffered(&config, command, bold),
    }
}

/// Runs a command that writes its output at once, through one buffer holding stdout.
fn run_buffered(config: &Config, command: Command, bold: bool) -> Result<u8, CliError> {
    let stdout = io::stdout();
    // Batches write megabytes: a larger buffer makes fewer writes.
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let code = match command {
        Command::Ask(args) => ask(config, &args, bold, &mut out)?,
        Command::Quotes(args) => quotes(config, &args, bold, &mut out)?,
        Command::Said(args) => said(config, &args, bold, &mut out)?,
        Command::Related(args) => related(config, &args, bold, &mut out)?,
        Command::List { json } => list(config, json, &mut out)?,
        Command::Follows { json } => follows(config, json, &mut out)?,
        // `run` gives chat its own writer; this arm only keeps the match whole.
        Command::Chat => chat_live(config, bold)?,
        Command::Run => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(discord::run(config.clone()))?;
            0
        }
        Command::Check { paths } => check(config, &paths, &mut out)?,
        Command::Add { file, replace } => add(config, &file, replace, &mut out)?,
        Command::Remove { id } => remove(config, &id, &mut out)?,
    };
    out.flush()?;
    Ok(code)
}

/// `briefbot chat`: the console on the briefs folder as it changes, printing the new briefs
/// that `/follow`ed topics match as they arrive. Output is written a line at a time (not
/// held locked), so that arrivals, printed from the folder watcher's thread, take their turn.
fn chat_live(config: &Config, bold: bool) -> Result<u8, CliError> {
    let (live, errors) =
        LiveLibrary::open(&config.briefs_dir, config.language, config.max_brief_bytes)?;
    for error in &errors {
        eprintln!("warning: {error} (this brief is left out)");
    }
    let live = std::sync::Arc::new(live);
    let follows = std::sync::Arc::new(chat::ChatFollows::new(&live.snapshot()));
    let watcher = {
        let (live, follows) = (
            std::sync::Arc::clone(&live),
            std::sync::Arc::clone(&follows),
        );
        live.clone().watch_as(config.watch, move |report| {
            let lines = follows.arrivals(&live.snapshot(), &report.put);
            if !lines.is_empty() {
                let mut text = lines.join("\n");
                text.push('\n');
                // Nowhere to report a closed terminal: the session ends with its input.
                let _ = io::stdout().lock().write_all(text.as_bytes());
            }
        })
    };
    // Without watching, the console still answers; only arrivals are not printed.
    let _watcher = match watcher {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            eprintln!(
                "warning: cannot watch {}: {error}",
                config.briefs_dir.display()
            );
            None
        }
    };
    let stdin = io::stdin();
    let interactive = stdin.is_terminal();
    chat::run_live(
        || live.snapshot(),
        &follows,
        ask_options(config, None),
        stdin.lock(),
        &mut io::stdout(),
        bold,
        interactive,
    )?;
    Ok(0)
}

fn load_config(cli: &Cli) -> Result<Config, CliError> {
    let mut config = match &cli.config {
        Some(path) => Config::load(path, true)?,
        None => Config::load(Path::new("config.toml"), false)?,
    };
    if let Some(dir) = &cli.briefs {
        config.briefs_dir = dir.clone();
    }
    // The environment wins over the file (INTERFACES.md); a relative SQLite file in it is
    // relative to the working folder, as any path given on the command line.
    if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        config.database_url = url;
    }
    Ok(config)
}

/// Loads the library, telling stderr about files that were left out.
///
/// The library is never dropped: the process ends when the command does, and freeing a large
/// library's allocations one by one would only hold up the exit (about a tenth of a second at
/// 100,000 briefs); the system takes the memory back at once.
fn load_library(config: &Config) -> Result<ManuallyDrop<Library>, CliError> {
    let loaded = Library::load(&config.briefs_dir, config.language)?;
    for error in &loaded.errors {
        eprintln!("warning: {error} (this brief is left out)");
    }
    Ok(ManuallyDrop::new(loaded.library))
}

fn ask(config: &Config, args: &AskArgs, bold: bool, out: &mut impl Write) -> Result<u8, CliError> {
    let library = load_library(config)?;
    let options = ask_options(config, args.limit);
    let mut extra = answer::Filters::default();
    if args.newest {
        extra
            .list
            .push(answer::Filter::Order(answer::Order::Newest));
    }
    if let Some(batch) = &args.batch {
        let reader: Box<dyn BufRead> = if batch.as_os_str() == "-" {
            Box::new(io::stdin().lock())
        } else {
            let file = std::fs::File::open(batch).map_err(|source| CliError::Read {
                path: batch.clone(),
                source,
            })?;
            Box::new(io::BufReader::new(file))
        };
        for (number, line) in reader.lines().enumerate() {
            let line = line.map_err(|source| CliError::Read {
                path: PathBuf::from(format!("{}:{}", batch.display(), number + 1)),
                source,
            })?;
            let answer = answer::ask_with(&library, line.trim_end_matches('\r'), &extra, options);
            serde_json::to_writer(&mut *out, &answer::to_json(&answer)).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        return Ok(0);
    }
    let query = args.query.join(" ");
    let answer = answer::ask_with(&library, &query, &extra, options);
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &answer::to_json(&answer))
            .map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        bad_filter(&answer.notes)?;
        text::write_answer(&answer, cli_style(bold), out)?;
    }
    Ok(filter_code(&answer.notes))
}

/// A filter that cannot be read is an error: its message on stderr, exit code 1.
fn bad_filter(notes: &[answer::Note]) -> Result<(), CliError> {
    match notes
        .iter()
        .find(|n| matches!(n, answer::Note::BadFilter(_)))
    {
        Some(answer::Note::BadFilter(error)) => Err(CliError::Invalid(error.to_string())),
        _ => Ok(()),
    }
}

/// 1 when a filter could not be read (the JSON answer says which), else 0.
fn filter_code(notes: &[answer::Note]) -> u8 {
    u8::from(
        notes
            .iter()
            .any(|n| matches!(n, answer::Note::BadFilter(_))),
    )
}

fn cli_style(bold: bool) -> text::Style<'static> {
    text::Style {
        bold,
        more: "; --limit shows more",
    }
}

fn ask_options(config: &Config, limit: Option<u16>) -> AskOptions {
    AskOptions {
        limit: limit.map_or(config.max_results, usize::from),
        quotes: config.max_quotes,
        summary_chars: config.summary_chars,
    }
}

fn quotes(
    config: &Config,
    args: &QuotesArgs,
    bold: bool,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    let library = load_library(config)?;
    let speaker = args.speaker.join(" ");
    let answer = answer::quotes(
        &library,
        &speaker,
        args.about.as_deref(),
        args.limit.map(usize::from),
    );
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &answer::quotes_json(&answer))
            .map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        text::write_quotes(&answer, cli_style(bold), out)?;
    }
    Ok(0)
}

fn said(
    config: &Config,
    args: &SaidArgs,
    bold: bool,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    let library = load_library(config)?;
    let answer = answer::said(&library, &args.words.join(" "), usize::from(args.limit));
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &answer::said_json(&answer))
            .map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        bad_filter(&answer.notes)?;
        text::write_said(&answer, cli_style(bold), out)?;
    }
    Ok(filter_code(&answer.notes))
}

fn related(
    config: &Config,
    args: &RelatedArgs,
    bold: bool,
    out: &mut impl Write,
) -> Result<u8, CliError> {
    let library = load_library(config)?;
    let options = ask_options(config, Some(args.limit));
    let answer = answer::related(&library, &args.id, options)?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &answer::related_json(&answer))
            .map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        text::write_related(&answer, cli_style(bold), out)?;
    }
    Ok(0)
}

fn list(config: &Config, json: bool, out: &mut impl Write) -> Result<u8, CliError> {
    let library = load_library(config)?;
    let briefs = library.newest_first();
    if json {
        let items: Vec<_> = briefs.iter().map(|b| answer::brief_json(b)).collect();
        serde_json::to_writer_pretty(&mut *out, &items).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        text::write_list(briefs, out)?;
    }
    Ok(0)
}

/// `briefbot follows`: what the bot delivers, read from the database. A SQLite file that
/// does not exist yet holds nothing, and is not created by looking.
fn follows(config: &Config, json: bool, out: &mut impl Write) -> Result<u8, CliError> {
    use crate::store::deliveries::{Delivery, State};
    use crate::store::follows::{Follow, Target};
    let url = &config.database_url;
    let (follows, queued): (Vec<Follow>, Vec<Delivery>) =
        if crate::store::sqlite_file(url).is_some_and(|path| !path.exists()) {
            (Vec::new(), Vec::new())
        } else {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let store = crate::store::Store::open(url).await?;
                let lists = (
                    store.follows().await?,
                    store.deliveries(Some(State::Queued)).await?,
                );
                store.close().await;
                Ok::<_, crate::store::StoreError>(lists)
            })?
        };
    let time = intake_time;
    if json {
        let follows: Vec<serde_json::Value> = follows
            .iter()
            .map(|f| {
                let (scope, guild, channel, user) = match f.target {
                    Target::Channel {
                        guild_id,
                        channel_id,
                    } => ("channel", Some(guild_id), Some(channel_id), None),
                    Target::Personal { user_id } => ("personal", None, None, Some(user_id)),
                };
                // Discord ids as strings: they do not fit a JSON reader's doubles.
                let id = |v: Option<u64>| v.map(|v| v.to_string());
                serde_json::json!({
                    "id": f.id.0,
                    "scope": scope,
                    "guild_id": id(guild),
                    "channel_id": id(channel),
                    "user_id": id(user),
                    "creator_id": f.creator_id.to_string(),
                    "topic": f.topic,
                    "topic_typed": f.topic_typed,
                    "ping_role_id": id(f.ping_role_id),
                    "created_at": time(f.created_at),
                    "last_posted_at": f.last_posted_at.map(time),
                    "status": if f.paused.is_some() { "paused" } else { "active" },
                    "paused_reason": f.paused,
                })
            })
            .collect();
        let queued: Vec<serde_json::Value> = queued
            .iter()
            .map(|d| {
                serde_json::json!({
                    "id": d.id.0,
                    "follow_id": d.follow_id.0,
                    "brief_id": d.brief_id,
                    "update": d.revision > 0,
                    "queued_at": time(d.queued_at),
                    "attempts": d.attempts,
                    "error": d.error,
                })
            })
            .collect();
        let value = serde_json::json!({ "follows": follows, "queued": queued });
        serde_json::to_writer_pretty(&mut *out, &value).map_err(io::Error::from)?;
        writeln!(out)?;
        return Ok(0);
    }
    if follows.is_empty() {
        writeln!(out, "No follows.")?;
    }
    for f in &follows {
        let target = match f.target {
            Target::Channel {
                guild_id,
                channel_id,
            } => format!("channel {channel_id} (server {guild_id})"),
            Target::Personal { user_id } => format!("DM to user {user_id}"),
        };
        let topic = if f.topic.is_empty() {
            "every brief".to_owned()
        } else if f.topic == f.topic_typed {
            format!("\"{}\"", f.topic)
        } else {
            format!("\"{}\" (typed \"{}\")", f.topic, f.topic_typed)
        };
        let status = match &f.paused {
            Some(reason) => format!("paused: {reason}"),
            None => "active".to_owned(),
        };
        let posted = f.last_posted_at.map_or("never".to_owned(), time);
        writeln!(
            out,
            "#{} {target}: {topic}, by user {}, last posted {posted}, {status}",
            f.id, f.creator_id
        )?;
    }
    writeln!(out, "{} queued deliveries.", queued.len())?;
    for d in &queued {
        let kind = if d.revision > 0 { " (update)" } else { "" };
        let error = d
            .error
            .as_ref()
            .map_or(String::new(), |e| format!(", last error: {e}"));
        writeln!(
            out,
            "  {} for #{}{kind}, queued {}{error}",
            d.brief_id,
            d.follow_id,
            time(d.queued_at)
        )?;
    }
    Ok(0)
}

/// A stored time (Unix seconds) as the audit log writes times.
fn intake_time(secs: i64) -> String {
    let time =
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(secs).unwrap_or(0));
    crate::intake::timestamp(time)
}

fn check(config: &Config, paths: &[PathBuf], out: &mut impl Write) -> Result<u8, CliError> {
    let default = [config.briefs_dir.clone()];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            files.extend(library::brief_files(path)?);
        } else if path.exists() {
            files.push(path.clone());
        } else if path == &config.briefs_dir {
            return Err(LibraryError::Missing(path.clone()).into());
        } else {
            return Err(CliError::NoSuchPath(path.clone()));
        }
    }
    let (briefs, errors) = library::parse_files(&files, config.language);
    for error in &errors {
        eprintln!("{error}");
    }
    let bad_files = {
        let mut bad: Vec<_> = errors.iter().map(|e| &e.location.path).collect();
        bad.sort();
        bad.dedup();
        bad.len()
    };
    if errors.is_empty() {
        writeln!(out, "{} brief files checked: all valid.", files.len())?;
        Ok(0)
    } else {
        eprintln!(
            "{} brief files checked: {} valid, {} with problems ({} problems).",
            files.len(),
            briefs.len(),
            bad_files,
            errors.len()
        );
        Ok(1)
    }
}

fn open_live(config: &Config) -> Result<LiveLibrary, CliError> {
    let (live, errors) =
        LiveLibrary::open(&config.briefs_dir, config.language, config.max_brief_bytes)?;
    for error in &errors {
        eprintln!("warning: {error} (this brief is left out)");
    }
    Ok(live)
}

fn add(config: &Config, file: &Path, replace: bool, out: &mut impl Write) -> Result<u8, CliError> {
    let bytes = std::fs::read(file).map_err(|source| CliError::Read {
        path: file.to_owned(),
        source,
    })?;
    let live = open_live(config)?;
    let origin = file.display().to_string();
    let added = live.add(&origin, &bytes, replace, &Actor::local())?;
    let verb = if added.replaced { "Replaced" } else { "Added" };
    writeln!(
        out,
        "{verb} \"{}\" ({}) as {}",
        added.title,
        added.id,
        added.path.display()
    )?;
    match &added.left_behind {
        None => Ok(0),
        Some(left) => {
            // The brief was added, but the folder needs a hand: say so, and fail the command.
            eprintln!("error: {left}");
            Ok(1)
        }
    }
}

fn remove(config: &Config, id: &str, out: &mut impl Write) -> Result<u8, CliError> {
    let live = open_live(config)?;
    let removed = live.remove(id, &Actor::local())?;
    writeln!(
        out,
        "Removed \"{}\" ({}); the file is kept as {}",
        removed.title,
        removed.id,
        removed.trashed.display()
    )?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_brief_is_replaced_with_the_flag() {
        let exists = IntakeError::Exists {
            id: crate::brief::BriefId::parse("storm").unwrap(),
            path: PathBuf::from("briefs/storm.toml"),
        };
        assert_eq!(
            CliError::from(exists).to_string(),
            "a brief with id `storm` already exists (briefs/storm.toml); use --replace to replace it"
        );
        let missing = CliError::from(IntakeError::NoSuchBrief("storm".into()));
        assert_eq!(missing.to_string(), "no brief has the id `storm`");
    }
}
