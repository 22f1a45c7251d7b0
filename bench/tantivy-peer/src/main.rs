//! tantivy-peer: briefbot's `ask --batch`, answered by tantivy instead, so that the two can be
//! timed side by side on the same briefs and the same queries.
//!
//! It reads the same brief files (every `*.toml` under the folder, skipping names that start
//! with `_` or `.`), parses them with toml + serde into the same fields, builds an in-RAM
//! tantivy index over title, tags, summary, quote texts and speaker names (lower-casing and
//! Snowball English stemming: tantivy's `en_stem` analyzer), and answers each query line with
//! BM25's top hits. Fields are boosted like briefbot's BM25F weights (title and tags 3,
//! summary and speakers 1.5, quotes 1) so that the answers can be compared.
//!
//! stdout: one JSON line per query, `{"query": ..., "ids": [...]}`, best first.
//! stderr: one JSON summary line with the phase timings and per-query latency percentiles.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use rayon::prelude::*;
use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing};
use tantivy::schema::{TextOptions, Value};
use tantivy::{Index, IndexWriter, TantivyDocument};

/// Answers a file of queries (one a line) from a folder of briefs, with tantivy.
#[derive(Debug, Parser)]
#[command(name = "tantivy-peer", version, about)]
struct Args {
    /// The folder of brief files
    #[arg(long, value_name = "DIR")]
    briefs: PathBuf,
    /// One query a line (- for stdin)
    #[arg(long, value_name = "FILE")]
    batch: PathBuf,
    /// Hits per query
    #[arg(long, default_value_t = 3)]
    limit: usize,
    /// Total memory budget of the index writer, in MB (split between its threads)
    #[arg(long, default_value_t = 100)]
    writer_mb: usize,
}

/// The fields of a brief file, as briefbot's format defines them (unknown keys are errors).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "every key of the format is parsed, as briefbot does"
)]
struct RawBrief {
    id: Option<String>,
    title: String,
    published: toml::value::Datetime,
    source: Option<String>,
    outlet: Option<String>,
    language: Option<String>,
    image: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    summary: String,
    #[serde(default)]
    quotes: Vec<RawQuote>,
    #[serde(default)]
    aliases: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "every key of the format is parsed, as briefbot does"
)]
struct RawQuote {
    speaker: String,
    role: Option<String>,
    text: String,
    context: Option<String>,
}

/// A parsed brief with its id resolved (default: the file stem).
struct Brief {
    id: String,
    raw: RawBrief,
}

struct Fields {
    id: Field,
    title: Field,
    tags: Field,
    summary: Field,
    speakers: Field,
    quotes: Field,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tantivy-peer: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();

    let files = brief_files(&args.briefs).map_err(|e| format!("{}: {e}", args.briefs.display()))?;
    let parsed: Vec<Result<Brief, String>> = files.par_iter().map(|path| parse(path)).collect();
    let mut briefs = Vec::with_capacity(parsed.len());
    let mut errors = 0usize;
    for result in parsed {
        match result {
            Ok(brief) => briefs.push(brief),
            Err(message) => {
                errors += 1;
                eprintln!("warning: {message} (this brief is left out)");
            }
        }
    }
    let load_parse = started.elapsed();

    let index_started = Instant::now();
    let (index, fields) = schema();
    let mut writer: IndexWriter = index
        .writer(args.writer_mb * 1_000_000)
        .map_err(|e| e.to_string())?;
    let brief_count = briefs.len();
    for brief in briefs {
        writer
            .add_document(document(&fields, &brief))
            .map_err(|e| e.to_string())?;
    }
    writer.commit().map_err(|e| e.to_string())?;
    writer.wait_merging_threads().map_err(|e| e.to_string())?;
    let reader = index.reader().map_err(|e| e.to_string())?;
    let searcher = reader.searcher();
    let segments = searcher.segment_readers().len();
    let index_time = index_started.elapsed();

    let mut parser = QueryParser::for_index(
        &index,
        vec![
            fields.title,
            fields.tags,
            fields.summary,
            fields.speakers,
            fields.quotes,
        ],
    );
    for (field, boost) in [
        (fields.title, 3.0),
        (fields.tags, 3.0),
        (fields.summary, 1.5),
        (fields.speakers, 1.5),
        (fields.quotes, 1.0),
    ] {
        parser.set_field_boost(field, boost);
    }

    let input: Box<dyn BufRead> = if args.batch.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.batch)
            .map_err(|e| format!("{}: {e}", args.batch.display()))?;
        Box::new(io::BufReader::new(file))
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let collector = TopDocs::with_limit(args.limit.max(1)).order_by_score();
    let mut latencies: Vec<Duration> = Vec::new();
    let queries_started = Instant::now();
    for line in input.lines() {
        let line = line.map_err(|e| format!("{}: {e}", args.batch.display()))?;
        let query_text = line.trim_end_matches('\r');
        let asked = Instant::now();
        // Lenient: a query the grammar rejects (a stray quote, a colon) is still answered.
        let (query, _problems) = parser.parse_query_lenient(query_text);
        let hits = searcher
            .search(&query, &collector)
            .map_err(|e| e.to_string())?;
        let mut ids = Vec::with_capacity(hits.len());
        for (_score, address) in hits {
            let doc: TantivyDocument = searcher.doc(address).map_err(|e| e.to_string())?;
            if let Some(id) = doc.get_first(fields.id).and_then(|v| v.as_str()) {
                ids.push(id.to_owned());
            }
        }
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({"query": query_text, "ids": ids}),
        )
        .map_err(|e| e.to_string())?;
        writeln!(out).map_err(|e| e.to_string())?;
        latencies.push(asked.elapsed());
    }
    out.flush().map_err(|e| e.to_string())?;
    let query_time = queries_started.elapsed();

    latencies.sort_unstable();
    let micros = |d: Duration| (d.as_secs_f64() * 1e6).round();
    let millis = |d: Duration| (d.as_secs_f64() * 1e4).round() / 10.0;
    let summary = serde_json::json!({
        "engine": "tantivy",
        "files": files.len(),
        "briefs": brief_count,
        "errors": errors,
        "segments": segments,
        "load_parse_ms": millis(load_parse),
        "index_ms": millis(index_time),
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

/// The schema, and an in-RAM index over it.
fn schema() -> (Index, Fields) {
    let mut builder = Schema::builder();
    // tantivy's `en_stem`: simple tokenizer, long-token removal, lower-casing, Snowball English.
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        title: builder.add_text_field("title", text.clone()),
        tags: builder.add_text_field("tags", text.clone()),
        summary: builder.add_text_field("summary", text.clone()),
        speakers: builder.add_text_field("speakers", text.clone()),
        quotes: builder.add_text_field("quotes", text),
    };
    (Index::create_in_ram(builder.build()), fields)
}

fn document(fields: &Fields, brief: &Brief) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &brief.id);
    doc.add_text(fields.title, &brief.raw.title);
    for tag in &brief.raw.tags {
        doc.add_text(fields.tags, tag);
    }
    doc.add_text(fields.summary, &brief.raw.summary);
    for quote in &brief.raw.quotes {
        doc.add_text(fields.speakers, &quote.speaker);
        doc.add_text(fields.quotes, &quote.text);
    }
    doc
}

fn parse(path: &Path) -> Result<Brief, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let raw: RawBrief = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let id = match &raw.id {
        Some(id) => id.clone(),
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    Ok(Brief { id, raw })
}

/// Every `*.toml` under `dir`, sorted, skipping files and folders whose names start with `_`
/// or `.` (briefbot's rule).
fn brief_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('_') || name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}
