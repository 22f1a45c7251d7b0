//! briefbot-timer: briefbot's `ask --batch` path, through the library API, with each phase and
//! each query timed. briefbot's CLI prints no timings (and src/ is not to be touched for a
//! benchmark), so this is where per-query latency comes from.
//!
//! It does what `briefbot ask --batch FILE` does (config from `--config`, or `./config.toml`
//! when present, else the defaults; `Library::load`; per line `answer::ask`, `answer::to_json`,
//! one JSON line out), so its stdout is byte-identical to the CLI's; only the clock reads are
//! added. Loading is done in its three steps (list files, read + parse, `Library::new`) so
//! that each is timed; together they are exactly `Library::load`.
//!
//! stderr: one JSON summary line, with the same keys as tantivy-peer's.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use briefbot::answer::{self, AskOptions};
use briefbot::config::Config;
use briefbot::library::{self, Library};

/// Usage: briefbot-timer [--config FILE] --briefs DIR --batch FILE [--limit N]
/// [--latencies FILE]
struct Args {
    config: Option<PathBuf>,
    /// Where to write each query's latency (microseconds, tab, query), slowest first.
    latencies: Option<PathBuf>,
    briefs: PathBuf,
    batch: PathBuf,
    limit: Option<usize>,
}

const USAGE: &str = "usage: briefbot-timer [--config FILE] --briefs DIR --batch FILE [--limit N] [--latencies FILE]";

fn parse_args() -> Result<Args, String> {
    let mut config = None;
    let mut briefs = None;
    let mut batch = None;
    let mut limit = None;
    let mut latencies = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{} needs a value; {USAGE}", flag.to_string_lossy()))
        };
        match flag.to_str() {
            Some("--config") => config = Some(PathBuf::from(value()?)),
            Some("--briefs") => briefs = Some(PathBuf::from(value()?)),
            Some("--batch") => batch = Some(PathBuf::from(value()?)),
            Some("--latencies") => latencies = Some(PathBuf::from(value()?)),
            Some("--limit") => {
                let text = value()?;
                limit = Some(
                    text.to_string_lossy()
                        .parse()
                        .map_err(|_| format!("--limit expects a number; {USAGE}"))?,
                );
            }
            _ => return Err(format!("unexpected {}; {USAGE}", flag.to_string_lossy())),
        }
    }
    Ok(Args {
        config,
        latencies,
        briefs: briefs.ok_or(USAGE)?,
        batch: batch.ok_or(USAGE)?,
        limit,
    })
}

fn main() -> ExitCode {
    match parse_args().and_then(|args| run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("briefbot-timer: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let config = match &args.config {
        Some(path) => Config::load(path, true),
        None => Config::load(Path::new("config.toml"), false),
    }
    .map_err(|e| e.to_string())?;

    let files = library::brief_files(&args.briefs).map_err(|e| e.to_string())?;
    let listed = started.elapsed();
    let (briefs, errors) = library::parse_files(&files, config.language);
    for error in &errors {
        eprintln!("warning: {error} (this brief is left out)");
    }
    let parsed = started.elapsed();
    let brief_count = briefs.len();
    let library = Library::new(briefs);
    let built = started.elapsed();

    let options = AskOptions {
        limit: args.limit.unwrap_or(config.max_results),
        quotes: config.max_quotes,
        summary_chars: config.summary_chars,
    };
    let input: Box<dyn BufRead> = if args.batch.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.batch)
            .map_err(|e| format!("{}: {e}", args.batch.display()))?;
        Box::new(io::BufReader::new(file))
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut latencies: Vec<Duration> = Vec::new();
    let mut asked_queries: Vec<String> = Vec::new();
    let queries_started = Instant::now();
    for line in input.lines() {
        let line = line.map_err(|e| format!("{}: {e}", args.batch.display()))?;
        let asked = Instant::now();
        let answer = answer::ask(&library, line.trim_end_matches('\r'), options);
        serde_json::to_writer(&mut out, &answer::to_json(&answer)).map_err(|e| e.to_string())?;
        writeln!(out).map_err(|e| e.to_string())?;
        latencies.push(asked.elapsed());
        if args.latencies.is_some() {
            asked_queries.push(line);
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    let query_time = queries_started.elapsed();
    if let Some(path) = &args.latencies {
        let mut slowest: Vec<(Duration, &String)> =
            latencies.iter().copied().zip(&asked_queries).collect();
        slowest.sort_by_key(|entry| std::cmp::Reverse(entry.0));
        let text: String = slowest
            .iter()
            .map(|(took, query)| format!("{}\t{query}\n", took.as_micros()))
            .collect();
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }

    latencies.sort_unstable();
    let micros = |d: Duration| (d.as_secs_f64() * 1e6).round();
    let millis = |d: Duration| (d.as_secs_f64() * 1e4).round() / 10.0;
    let summary = serde_json::json!({
        "engine": "briefbot",
        "files": files.len(),
        "briefs": brief_count,
        "errors": errors.len(),
        "list_ms": millis(listed),
        "parse_ms": millis(parsed - listed),
        "build_ms": millis(built - parsed),
        "load_parse_ms": millis(parsed),
        "index_ms": millis(built - parsed),
        "queries": latencies.len(),
        "query_total_ms": millis(query_time),
        "p50_us": percentile(&latencies, 50.0).map(micros),
        "p99_us": percentile(&latencies, 99.0).map(micros),
        "max_us": latencies.last().copied().map(micros),
        "wall_ms": millis(started.elapsed()),
    });
    eprintln!("{summary}");
    Ok(())
}

/// The `p`th percentile of sorted `values` (nearest rank).
fn percentile(values: &[Duration], p: f64) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    Some(values[rank.clamp(1, values.len()) - 1])
}
