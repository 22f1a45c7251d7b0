//! Matching one new brief against the follows (`deliver::matcher::FollowIndex::matches`), at
//! 1,000, 10,000 and 100,000 follows, for two shapes of follows:
//!
//! - `spread`: topics of one to three words drawn evenly from the library's vocabulary (a
//!   tenth of them quoted phrases), most matching nothing;
//! - `popular`: topics drawn by how often words occur, so that many follow the words the new
//!   brief holds, and the matches found grow with the follows.
//!
//! The library is 2,000 generated briefs of about 120 words over a vocabulary of 8,000 made-up
//! words (Zipf-like frequencies); the new brief is one more of them. At 100,000 follows a
//! short new brief (about 30 words) and a long one (about 570, near the size limit) are
//! matched too, since the cost grows with the brief's words.
//!
//!     cargo bench --bench follow_match

use std::path::Path;
use std::time::Duration;

use briefbot::deliver::matcher::FollowIndex;
use briefbot::language::Language;
use briefbot::library::Library;
use briefbot::store::follows::FollowId;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// A small deterministic generator (no dependency, same corpus every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A word index with Zipf-like frequencies: low indexes are common.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() as f64 + 1.0) / (1u64 << 31) as f64;
        ((n as f64).powf(u.min(1.0)) as usize)
            .saturating_sub(1)
            .min(n - 1)
    }
}

const VOCABULARY: usize = 8_000;

fn word(i: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mer", "tin", "sa", "vor", "du", "pel", "ri", "zan", "bo", "gul", "fe", "nix",
        "to", "wa",
    ];
    let mut w = String::new();
    let mut n = i + 16;
    while n > 0 {
        w.push_str(SYLLABLES[n % 16]);
        n /= 16;
    }
    w
}

fn text(rng: &mut Lcg, words: usize) -> String {
    (0..words)
        .map(|_| word(rng.zipf(VOCABULARY)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A brief of a title of 8 words and a summary of `words`.
fn brief(rng: &mut Lcg, id: &str, words: usize) -> briefbot::brief::Brief {
    let toml = format!(
        "id = \"{id}\"\ntitle = \"{}\"\npublished = 2020-01-01\nsummary = \"{}\"\n",
        text(rng, 8),
        text(rng, words)
    );
    briefbot::brief::parse(
        Path::new(&format!("{id}.toml")),
        toml.as_bytes(),
        Language::English,
    )
    .expect("a generated brief is valid")
}

fn follows(rng: &mut Lcg, n: usize, popular: bool) -> Vec<(FollowId, String)> {
    (0..n)
        .map(|i| {
            let words = 1 + rng.below(3);
            let topic: Vec<String> = (0..words)
                .map(|_| {
                    word(if popular {
                        rng.zipf(VOCABULARY)
                    } else {
                        rng.below(VOCABULARY)
                    })
                })
                .collect();
            let topic = topic.join(" ");
            let topic = if rng.below(10) == 0 {
                format!("\"{topic}\"")
            } else {
                topic
            };
            (FollowId(i as i64), topic)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut rng = Lcg(42);
    let mut briefs: Vec<_> = (0..2_000)
        .map(|i| brief(&mut rng, &format!("b{i}"), 110))
        .collect();
    briefs.push(brief(&mut rng, "new", 110));
    briefs.push(brief(&mut rng, "short", 22));
    briefs.push(brief(&mut rng, "long", 560));
    let library = Library::new(briefs);
    let mut group = c.benchmark_group("follow_match");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for shape in ["spread", "popular"] {
        for n in [1_000, 10_000, 100_000] {
            let index = FollowIndex::build(&library, follows(&mut rng, n, shape == "popular"));
            let matched = index.matches(&library, "new").len();
            eprintln!("{shape} {n}: the new brief matches {matched} follows");
            group.bench_with_input(BenchmarkId::new(shape, n), &index, |b, index| {
                b.iter(|| index.matches(&library, "new"))
            });
            if n == 100_000 {
                for length in ["short", "long"] {
                    let matched = index.matches(&library, length).len();
                    eprintln!("{shape}-{length} {n}: the {length} brief matches {matched} follows");
                    let id = BenchmarkId::new(format!("{shape}-{length}"), n);
                    group.bench_with_input(id, &index, |b, index| {
                        b.iter(|| index.matches(&library, length))
                    });
                }
            }
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
