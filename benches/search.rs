//! Criterion benchmarks of briefbot's library API on generated corpora: loading + indexing
//! throughput, and the latency of single-word, multi-word, phrase and typo queries, of a whole
//! answer, of speaker-name resolution and of topic autocompletion.
//!
//! The corpora are made by `bench/corpusgen` into `target/bench-corpus/<N>` (see
//! bench/README.md). Sizes 1000 and 10000 run by default; set `BRIEFBOT_BENCH_SIZES` to choose
//! (for example `BRIEFBOT_BENCH_SIZES=1000,10000,100000`): 100k takes minutes to load ten times.
//! A size whose corpus is absent is skipped, with the command that generates it.
//!
//! The queries are picked from the loaded library itself (its most and least frequent words,
//! phrases from titles, its most quoted speakers), so they mean the same at every size. Each
//! benchmark cycles through eight such queries: the time reported is per query.
//!
//! `N/worst/*` sets the most expensive queries one user can type (16 unknown long words, each
//! a typo search; the 16 commonest words; a 16-word phrase of them) against a plain three-word
//! query in the same run, so that their ratio to it can be read whatever the machine's load.
//!
//! `cargo bench --bench search` (add `-- <filter>` to run some, e.g. `-- 10000/query`).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use briefbot::answer::{self, AskOptions};
use briefbot::language::Language;
use briefbot::library::Library;
use briefbot::search::search;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput, measurement::WallTime};

/// Queries per benchmark: the routine cycles through them.
const PICKS: usize = 8;
/// Hits asked for, as `ask --batch` asks by default.
const LIMIT: usize = 3;

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    let root = corpus_root();
    for size in sizes() {
        let dir = root.join(size.to_string());
        if !dir.join("_corpus.json").is_file() {
            eprintln!(
                "skipping {size} briefs: no corpus in {}; generate it with\n  cargo run --release -p corpusgen -- --briefs {size} --seed 42 --out {} --queries {}.queries.txt",
                dir.display(),
                dir.display(),
                dir.display()
            );
            continue;
        }
        bench_load(&mut criterion, size, &dir);
        let loaded = Library::load(&dir, Language::English).expect("the corpus loads");
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors.first());
        let library = loaded.library;
        let picks = Picks::new(&library);
        picks.describe(size);
        bench_queries(&mut criterion, size, &library, &picks);
        bench_worst(&mut criterion, size, &library, &picks);
    }
    criterion.final_summary();
}

/// Where the generated corpora are: `BRIEFBOT_BENCH_CORPUS`, or `target/bench-corpus`.
fn corpus_root() -> PathBuf {
    std::env::var_os("BRIEFBOT_BENCH_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus"),
        PathBuf::from,
    )
}

/// The corpus sizes to run: `BRIEFBOT_BENCH_SIZES` (comma-separated), or 1000 and 10000.
fn sizes() -> Vec<usize> {
    match std::env::var("BRIEFBOT_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .map(|s| {
                s.trim()
                    .parse()
                    .expect("BRIEFBOT_BENCH_SIZES: numbers, comma-separated")
            })
            .collect(),
        Err(_) => vec![1_000, 10_000],
    }
}

/// Loading reads, parses and indexes the whole folder: a few samples, each one load.
fn bench_load(criterion: &mut Criterion, size: usize, dir: &Path) {
    let mut group = criterion.benchmark_group(format!("{size}/load"));
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(size as u64));
    group.bench_function("load_and_index", |b| {
        b.iter(|| Library::load(black_box(dir), Language::English).expect("loads"));
    });
    group.finish();
}

fn bench_queries(criterion: &mut Criterion, size: usize, library: &Library, picks: &Picks) {
    let index = library.index();
    let mut group = criterion.benchmark_group(format!("{size}/query"));
    cycle(&mut group, "single_word_frequent", &picks.frequent, |q| {
        search(index, q, LIMIT).hits.len()
    });
    cycle(&mut group, "single_word_mid", &picks.mid, |q| {
        search(index, q, LIMIT).hits.len()
    });
    cycle(&mut group, "single_word_rare", &picks.rare, |q| {
        search(index, q, LIMIT).hits.len()
    });
    cycle(&mut group, "multi_word", &picks.multi, |q| {
        search(index, q, LIMIT).hits.len()
    });
    cycle(&mut group, "phrase", &picks.phrases, |q| {
        search(index, q, LIMIT).hits.len()
    });
    cycle(&mut group, "typo", &picks.typos, |q| {
        search(index, q, LIMIT).hits.len()
    });
    let options = AskOptions {
        limit: LIMIT,
        quotes: 3,
        summary_chars: 400,
    };
    cycle(&mut group, "ask_multi_word", &picks.multi, |q| {
        serde_json::to_string(&answer::to_json(&answer::ask(library, q, options)))
            .map_or(0, |json| json.len())
    });
    group.finish();

    let speakers = library.speakers();
    let mut group = criterion.benchmark_group(format!("{size}/speaker"));
    cycle(&mut group, "resolve_full_name", &picks.speakers, |q| {
        format!("{:?}", speakers.resolve(q)).len()
    });
    cycle(&mut group, "resolve_surname", &picks.surnames, |q| {
        format!("{:?}", speakers.resolve(q)).len()
    });
    cycle(&mut group, "resolve_typo", &picks.speaker_typos, |q| {
        format!("{:?}", speakers.resolve(q)).len()
    });
    group.finish();

    let mut group = criterion.benchmark_group(format!("{size}/autocomplete"));
    for (name, prefixes) in [
        ("prefix_1_letter", &picks.prefixes[0]),
        ("prefix_3_letters", &picks.prefixes[1]),
        ("prefix_word_and_2_letters", &picks.prefixes[2]),
    ] {
        cycle(&mut group, name, prefixes, |q| {
            answer::topic_suggestions(library, q, 25).len()
        });
    }
    group.finish();
}

/// The costliest queries against a plain one, each as a whole `/brief` answer (ten results).
fn bench_worst(criterion: &mut Criterion, size: usize, library: &Library, picks: &Picks) {
    let options = AskOptions {
        limit: 10,
        quotes: 3,
        summary_chars: 400,
    };
    let mut group = criterion.benchmark_group(format!("{size}/worst"));
    let ask = |q: &str| answer::ask(library, q, options).results.len();
    cycle(&mut group, "plain_three_words", &picks.multi, ask);
    cycle(&mut group, "gibberish_16_words", &picks.gibberish, ask);
    cycle(&mut group, "commonest_16_words", &picks.commonest, ask);
    cycle(&mut group, "phrase_of_commonest", &picks.common_phrase, ask);
    group.finish();
}

/// Benchmarks `run` over `queries`, one query per iteration, in turn.
fn cycle(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    queries: &[String],
    mut run: impl FnMut(&str) -> usize,
) {
    if queries.is_empty() {
        eprintln!("skipping {name}: the corpus offers no such query");
        return;
    }
    let mut next = 0;
    group.bench_function(name, |b| {
        b.iter(|| {
            next = (next + 1) % queries.len();
            black_box(run(black_box(&queries[next])))
        });
    });
}

/// Queries picked from the library, `PICKS` of each kind.
struct Picks {
    frequent: Vec<String>,
    mid: Vec<String>,
    rare: Vec<String>,
    multi: Vec<String>,
    phrases: Vec<String>,
    typos: Vec<String>,
    speakers: Vec<String>,
    surnames: Vec<String>,
    speaker_typos: Vec<String>,
    /// One letter; three letters; a whole word then two letters of the next.
    prefixes: [Vec<String>; 3],
    /// 16 words of 12 common letters that the library does not hold: 16 typo searches.
    gibberish: Vec<String>,
    /// The 16 commonest words; and those words as one quoted phrase.
    commonest: Vec<String>,
    common_phrase: Vec<String>,
}

impl Picks {
    fn new(library: &Library) -> Self {
        let index = library.index();
        let english = index.analyzer(Language::English);
        // Every indexed word (not a stop word, no digits), most briefs first.
        let mut words: Vec<(u32, &str)> = (3..=15)
            .flat_map(|length| index.buckets_of_length(length))
            .flat_map(|bucket| (0..bucket.masks().len()).map(|at| bucket.word(at).0))
            .map(|id| (index.word_count(id), index.word_text(id)))
            .filter(|&(count, word)| {
                count > 0
                    && word.chars().all(|c| c.is_ascii_lowercase())
                    && !english.is_stop_word(word)
            })
            .collect();
        words.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let take = |from: usize| -> Vec<String> {
            words
                .iter()
                .skip(from.min(words.len().saturating_sub(PICKS)))
                .take(PICKS)
                .map(|(_, w)| (*w).to_owned())
                .collect()
        };
        let frequent = take(0);
        let mid = take(words.len() / 20);
        let rare: Vec<String> = words
            .iter()
            .rev()
            .filter(|(_, w)| w.len() >= 6)
            .take(PICKS)
            .map(|(_, w)| (*w).to_owned())
            .collect();
        let multi = (0..PICKS.min(frequent.len()).min(mid.len()).min(rare.len()))
            .map(|i| format!("{} {} {}", frequent[i], mid[i], rare[i]))
            .collect();
        let typos = words
            .iter()
            .filter(|(_, w)| w.len() >= 7)
            .take(PICKS)
            .map(|(_, w)| swap_two_letters(w))
            .collect();

        let step = (library.len() / PICKS).max(1);
        let phrases = library
            .briefs()
            .step_by(step)
            .filter_map(|brief| {
                let title: Vec<String> = brief
                    .title
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase)
                    .collect();
                title
                    .windows(2)
                    .find(|pair| pair.iter().all(|w| !english.is_stop_word(w)))
                    .map(|pair| format!("\"{} {}\"", pair[0], pair[1]))
            })
            .take(PICKS)
            .collect();

        let mut quoted: Vec<(usize, &str)> = library
            .speakers()
            .all()
            .iter()
            .map(|s| (s.quotes.len(), s.name.as_str()))
            .collect();
        quoted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let speakers: Vec<String> = quoted
            .iter()
            .take(PICKS)
            .map(|(_, n)| (*n).to_owned())
            .collect();
        let surnames: Vec<String> = speakers
            .iter()
            .filter_map(|n| n.split_whitespace().last())
            .map(str::to_lowercase)
            .collect();
        let speaker_typos = surnames
            .iter()
            .filter(|s| s.len() >= 5)
            .map(|s| swap_two_letters(s))
            .collect();

        let prefixes = [
            frequent.iter().map(|w| w[..1].to_owned()).collect(),
            frequent.iter().map(|w| w[..3].to_owned()).collect(),
            frequent
                .iter()
                .zip(mid.iter())
                .map(|(a, b)| format!("{a} {}", &b[..2]))
                .collect(),
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut letter = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            b"etaoinshrdlucm"[(seed % 14) as usize] as char
        };
        let gibberish = (0..PICKS)
            .map(|_| {
                let mut unknown = Vec::new();
                while unknown.len() < 16 {
                    let word: String = (0..12).map(|_| letter()).collect();
                    if index.word_frequency(&word) == 0 {
                        unknown.push(word);
                    }
                }
                unknown.join(" ")
            })
            .collect();
        let common: Vec<&str> = words.iter().take(16 + PICKS).map(|(_, w)| *w).collect();
        let commonest: Vec<String> = (0..PICKS.min(common.len().saturating_sub(15)))
            .map(|i| common[i..i + 16].join(" "))
            .collect();
        let common_phrase = commonest.iter().map(|q| format!("\"{q}\"")).collect();
        Picks {
            gibberish,
            commonest,
            common_phrase,
            frequent,
            mid,
            rare,
            multi,
            phrases,
            typos,
            speakers,
            surnames,
            speaker_typos,
            prefixes,
        }
    }
}

impl Picks {
    /// Says on stderr which queries were picked, so that results can be read against them.
    fn describe(&self, size: usize) {
        eprintln!("{size} briefs, queries picked:");
        for (kind, queries) in [
            ("frequent", &self.frequent),
            ("mid", &self.mid),
            ("rare", &self.rare),
            ("multi", &self.multi),
            ("phrases", &self.phrases),
            ("typos", &self.typos),
            ("speakers", &self.speakers),
            ("surnames", &self.surnames),
            ("speaker typos", &self.speaker_typos),
            ("gibberish", &self.gibberish),
            ("commonest", &self.commonest),
        ] {
            eprintln!("  {kind}: {queries:?}");
        }
    }
}

/// The word with two neighbouring letters swapped (the third and fourth, or the second and
/// third when those are the same): a typo one edit away.
fn swap_two_letters(word: &str) -> String {
    let mut letters: Vec<char> = word.chars().collect();
    if letters.len() >= 4 {
        let at = if letters[2] == letters[3] { 1 } else { 2 };
        letters.swap(at, at + 1);
    }
    letters.into_iter().collect()
}
