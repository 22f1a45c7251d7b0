//! corpusgen: a deterministic synthetic corpus of briefs, and a query set, for benchmarking
//! briefbot (and its tantivy peer) at sizes no editor will write by hand.
//!
//! The text is made of real English words drawn with Zipf frequencies: a short embedded
//! list of the most common English words takes the top ranks (so stop words dominate as in
//! real prose), and the rest of the ranks go, in a seeded shuffle, to the lower-case words of
//! a dictionary word list (`/usr/share/dict/words` from Debian's `wamerican` by default).
//! Capitalised dictionary entries become proper nouns (places, surnames).
//!
//! Same seed, same word list, same binary: byte-identical files. Everything is drawn from one
//! PCG64 stream for the corpus and a second one for the queries, so asking for queries never
//! changes the briefs.

mod corpus;
mod people;
mod queries;
mod vocabulary;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use rand::SeedableRng;
use rand_pcg::Pcg64;

use crate::corpus::Generator;
use crate::vocabulary::Vocabulary;

/// Writes N synthetic briefs (`<id>.toml`) and optionally a query file.
#[derive(Debug, Parser)]
#[command(name = "corpusgen", version, about)]
struct Args {
    /// How many briefs to write
    #[arg(long, value_name = "N")]
    briefs: usize,
    /// Seed of the random streams: the same seed writes the same files
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Folder to write the briefs into (created; its old *.toml files are removed first)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Also write this many queries, one a line, to FILE
    #[arg(long, value_name = "FILE")]
    queries: Option<PathBuf>,
    /// How many queries to write with --queries
    #[arg(long, default_value_t = 10_000)]
    query_count: usize,
    /// The English word list (one word a line), e.g. from `apt-get install wamerican`
    #[arg(long, default_value = "/usr/share/dict/words", value_name = "FILE")]
    words: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("corpusgen: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let list = std::fs::read_to_string(&args.words).map_err(|err| {
        format!(
            "{}: {err}; install an English word list (`apt-get install wamerican`) or pass --words FILE",
            args.words.display()
        )
    })?;
    let mut rng = Pcg64::seed_from_u64(args.seed);
    let vocabulary = Vocabulary::new(&list, &mut rng)?;
    let generator = Generator::new(vocabulary, &mut rng);

    prepare_out_dir(&args.out)?;
    let mut titles = Vec::with_capacity(args.briefs);
    let mut bytes = 0usize;
    for number in 0..args.briefs {
        let brief = generator.brief(number, args.briefs, &mut rng);
        let text = brief.to_toml();
        bytes += text.len();
        let path = args.out.join(format!("{}.toml", brief.id));
        std::fs::write(&path, text).map_err(|err| format!("{}: {err}", path.display()))?;
        titles.push(brief.title);
    }
    write_marker(args, &list, bytes)?;
    eprintln!(
        "corpusgen: {} briefs ({:.1} MB) in {} ({:.1}s)",
        args.briefs,
        bytes as f64 / 1e6,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );

    if let Some(path) = &args.queries {
        // A stream of its own, so that the corpus does not depend on whether queries are asked.
        let mut rng = Pcg64::seed_from_u64(args.seed ^ 0x9e37_79b9_7f4a_7c15);
        let queries = queries::generate(&generator, &titles, args.query_count, &mut rng);
        let mut text = queries.join("\n");
        text.push('\n');
        std::fs::write(path, text).map_err(|err| format!("{}: {err}", path.display()))?;
        eprintln!("corpusgen: {} queries in {}", queries.len(), path.display());
    }
    Ok(())
}

/// Creates `dir`, removing the briefs (and marker) an earlier run left there, so that a
/// smaller corpus never keeps files of a bigger one.
fn prepare_out_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    let entries = std::fs::read_dir(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|err| err.to_string())?.path();
        let generated = path.extension().is_some_and(|e| e == "toml")
            || path.file_name().is_some_and(|n| n == MARKER);
        if generated && path.is_file() {
            std::fs::remove_file(&path).map_err(|err| format!("{}: {err}", path.display()))?;
        }
    }
    Ok(())
}

/// The file recording how a corpus was made. Its name starts with `_`, so briefbot (and the
/// tantivy peer) skip it.
const MARKER: &str = "_corpus.json";

fn write_marker(args: &Args, list: &str, bytes: usize) -> Result<(), String> {
    let marker = format!(
        "{{\"generator\": \"corpusgen {}\", \"briefs\": {}, \"seed\": {}, \"words\": \"{}\", \"word_list_fnv1a\": \"{:016x}\", \"bytes\": {}}}\n",
        env!("CARGO_PKG_VERSION"),
        args.briefs,
        args.seed,
        args.words.display(),
        fnv1a(list.as_bytes()),
        bytes
    );
    let path = args.out.join(MARKER);
    std::fs::write(&path, marker).map_err(|err| format!("{}: {err}", path.display()))
}

/// FNV-1a, to record which word list a corpus was made from.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
