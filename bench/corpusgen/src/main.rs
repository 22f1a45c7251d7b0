//! corpusgen: a deterministic synthetic corpus of briefs, and a query set, for benchmarking
//! briefbot (and its tantivy peer) at sizes no editor will write by hand.
//!
//! The text is made of real English words drawn with Zipf frequencies: a short embedded
//! list of the most common English words takes the top ranks (so stop words dominate as in
//! real prose), and the rest of the ranks go, in a seeded shuffle, to the lower-case words of
//! a dictionary word list (`/usr/share/dict/words` from Debian's `wamerican` by default).
//! Capitalised dictionary entries become proper nouns (places, surnames).
//!
//! `--shape` picks the corpus's shape (`shape.rs`): `news` (the default), `short`, `long`,
//! or `multilingual`, whose German and French briefs are made the same way from Debian's
//! `wngerman` and `wfrench` word lists and embedded lists of those languages' commonest
//! words (`languages.rs`).
//!
//! Same seed, same word lists, same binary: byte-identical files. Everything is drawn from one
//! PCG64 stream for the corpus and a second one for the queries, so asking for queries never
//! changes the briefs. A shape only adds draws where it differs from `news`, so `news` makes
//! the corpus it made before shapes existed.

mod corpus;
mod languages;
mod people;
mod queries;
mod shape;
mod vocabulary;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use rand::SeedableRng;
use rand_pcg::Pcg64;

use crate::corpus::Generator;
use crate::languages::Language;
use crate::shape::Shape;
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
    /// The shape of the corpus: how long briefs are, how many quotes, in which languages
    #[arg(long, value_enum, default_value_t = Shape::News)]
    shape: Shape,
    /// The English word list (one word a line), e.g. from `apt-get install wamerican`
    #[arg(long, default_value = "/usr/share/dict/words", value_name = "FILE")]
    words: PathBuf,
    /// The German word list, for `--shape multilingual` (`apt-get install wngerman`)
    #[arg(long, default_value = "/usr/share/dict/ngerman", value_name = "FILE")]
    words_de: PathBuf,
    /// The French word list, for `--shape multilingual` (`apt-get install wfrench`)
    #[arg(long, default_value = "/usr/share/dict/french", value_name = "FILE")]
    words_fr: PathBuf,
}

impl Args {
    /// The word list of `language`, and the option that names it.
    fn word_list(&self, language: &Language) -> (&Path, &'static str) {
        match language.code {
            "de" => (&self.words_de, "--words-de"),
            "fr" => (&self.words_fr, "--words-fr"),
            _ => (&self.words, "--words"),
        }
    }
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
    // One list a language, English first.
    let lists = args
        .shape
        .languages()
        .iter()
        .map(|language| read_word_list(args, language))
        .collect::<Result<Vec<String>, String>>()?;
    let mut rng = Pcg64::seed_from_u64(args.seed);
    let vocabulary = Vocabulary::english(&lists[0], &mut rng)?;
    let generator = Generator::new(args.shape, vocabulary, &lists[1..], &mut rng)?;

    prepare_out_dir(&args.out)?;
    // The titles of each language's briefs, for the queries of that language.
    let mut titles = vec![Vec::new(); generator.prose.len()];
    let mut bytes = 0usize;
    for number in 0..args.briefs {
        let brief = generator.brief(number, args.briefs, &mut rng);
        let text = brief.to_toml();
        bytes += text.len();
        let path = args.out.join(format!("{}.toml", brief.id));
        std::fs::write(&path, text).map_err(|err| format!("{}: {err}", path.display()))?;
        titles[brief.prose].push(brief.title);
    }
    write_marker(args, &lists, bytes)?;
    eprintln!(
        "corpusgen: {} {} briefs ({:.1} MB) in {} ({:.1}s)",
        args.briefs,
        args.shape.name(),
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

/// The word list of `language`, or an error that says which package provides it.
fn read_word_list(args: &Args, language: &Language) -> Result<String, String> {
    let (path, option) = args.word_list(language);
    std::fs::read_to_string(path).map_err(|err| {
        format!(
            "{}: {err}; install the {} word list (`apt-get install {}`) or pass {option} FILE",
            path.display(),
            language.name,
            language.package
        )
    })
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

fn write_marker(args: &Args, lists: &[String], bytes: usize) -> Result<(), String> {
    let mut marker = format!(
        "{{\"generator\": \"corpusgen {}\", \"shape\": \"{}\", \"briefs\": {}, \"seed\": {}",
        env!("CARGO_PKG_VERSION"),
        args.shape.name(),
        args.briefs,
        args.seed,
    );
    for (language, list) in args.shape.languages().iter().zip(lists) {
        // English's keys keep the names they had before there were other languages.
        let suffix = if language.code == "en" {
            String::new()
        } else {
            format!("_{}", language.code)
        };
        let _ = write!(
            marker,
            ", \"words{suffix}\": {}, \"word_list{suffix}_fnv1a\": \"{:016x}\"",
            json_string(&args.word_list(language).0.display().to_string()),
            fnv1a(list.as_bytes())
        );
    }
    let _ = writeln!(marker, ", \"bytes\": {bytes}}}");
    let path = args.out.join(MARKER);
    std::fs::write(&path, marker).map_err(|err| format!("{}: {err}", path.display()))
}

/// `text` as a JSON string.
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// FNV-1a, to record which word list a corpus was made from.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
