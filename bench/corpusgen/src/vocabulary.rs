//! The words text is made of, ranked for Zipf draws.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand_distr::{Distribution, Zipf};
use rand_pcg::Pcg64;

/// The most frequent words of English news prose, most frequent first: they take the top
/// Zipf ranks, so function words make up most of the text as they do in real prose.
const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "for",
    "on",
    "it",
    "said",
    "was",
    "with",
    "he",
    "as",
    "at",
    "by",
    "his",
    "be",
    "from",
    "have",
    "has",
    "are",
    "but",
    "not",
    "they",
    "this",
    "an",
    "were",
    "had",
    "who",
    "their",
    "will",
    "which",
    "been",
    "would",
    "its",
    "she",
    "after",
    "there",
    "we",
    "more",
    "new",
    "also",
    "one",
    "about",
    "than",
    "can",
    "other",
    "when",
    "her",
    "up",
    "all",
    "out",
    "two",
    "could",
    "into",
    "some",
    "last",
    "year",
    "over",
    "first",
    "people",
    "government",
    "years",
    "only",
    "time",
    "president",
    "state",
    "officials",
    "minister",
    "week",
    "country",
    "public",
    "may",
    "should",
    "what",
    "our",
    "told",
    "them",
    "against",
    "i",
    "you",
    "while",
    "no",
    "so",
    "if",
    "before",
    "during",
    "because",
    "three",
    "most",
    "police",
    "under",
    "between",
    "city",
    "many",
    "national",
    "former",
    "party",
    "election",
    "since",
    "those",
    "any",
    "just",
    "how",
    "now",
    "where",
    "him",
    "do",
    "did",
    "being",
    "percent",
    "million",
    "report",
    "security",
    "court",
    "house",
    "group",
    "company",
    "military",
    "support",
    "plan",
    "statement",
    "according",
    "world",
    "month",
    "day",
    "days",
    "law",
    "health",
    "economy",
    "vote",
    "leader",
    "talks",
    "deal",
    "foreign",
    "power",
    "director",
    "spokesman",
    "council",
];

/// Words longer than this are left out of the vocabulary (they are rare in news anyway).
const MAX_WORD: usize = 15;

/// All the words text can be made of.
pub struct Vocabulary {
    /// Lower-case words by Zipf rank: `COMMON` first, then the dictionary, shuffled.
    pub words: Vec<String>,
    /// Capitalised dictionary entries (places, names), shuffled: proper nouns and surnames.
    pub proper: Vec<String>,
    known: HashSet<String>,
    word_ranks: Ranked,
    proper_ranks: Ranked,
}

impl Vocabulary {
    /// Builds the vocabulary from a word list (one word a line).
    pub fn new(list: &str, rng: &mut Pcg64) -> Result<Self, String> {
        let mut seen: HashSet<&str> = COMMON.iter().copied().collect();
        let mut dictionary = Vec::new();
        let mut proper = Vec::new();
        for line in list.lines() {
            let word = line.trim();
            let Some(first) = word.chars().next() else {
                continue;
            };
            let letters = word.len() <= MAX_WORD && word.chars().all(|c| c.is_ascii_alphabetic());
            if !letters {
                continue;
            }
            if first.is_ascii_lowercase() && word.len() >= 2 {
                if seen.insert(word) && word.chars().all(|c| c.is_ascii_lowercase()) {
                    dictionary.push(word.to_owned());
                }
            } else if first.is_ascii_uppercase()
                && word.len() >= 3
                && word[1..].chars().all(|c| c.is_ascii_lowercase())
                && seen.insert(word)
            {
                proper.push(word.to_owned());
            }
        }
        if dictionary.len() < 5_000 || proper.len() < 2_000 {
            return Err(format!(
                "the word list has {} lower-case and {} capitalised words; expected a full English word list (at least 5000 and 2000)",
                dictionary.len(),
                proper.len()
            ));
        }
        dictionary.shuffle(rng);
        proper.shuffle(rng);
        let mut words: Vec<String> = COMMON.iter().map(|w| (*w).to_owned()).collect();
        words.extend(dictionary);
        Ok(Vocabulary {
            known: words.iter().cloned().collect(),
            word_ranks: Ranked::new(words.len(), 1.0),
            proper_ranks: Ranked::new(proper.len(), 1.0),
            words,
            proper,
        })
    }

    /// A word drawn with Zipf frequency.
    pub fn word(&self, rng: &mut Pcg64) -> &str {
        &self.words[self.word_ranks.sample(rng)]
    }

    /// A content word (not among the most common words), drawn with Zipf frequency over the
    /// words that follow `COMMON`: frequent topics are drawn often, most words seldom.
    pub fn content_word(&self, content: &Ranked, rng: &mut Pcg64) -> &str {
        &self.words[COMMON.len() + content.sample(rng)]
    }

    /// How many content words there are (for a `Ranked` over them).
    pub fn content_len(&self) -> usize {
        self.words.len() - COMMON.len()
    }

    /// Whether `word` is one of the lower-case words.
    pub fn contains(&self, word: &str) -> bool {
        self.known.contains(word)
    }

    /// A proper noun drawn with Zipf frequency.
    pub fn proper_noun(&self, rng: &mut Pcg64) -> &str {
        &self.proper[self.proper_ranks.sample(rng)]
    }
}

/// Zipf-distributed ranks 0..n.
pub struct Ranked {
    zipf: Zipf<f64>,
    n: usize,
}

impl Ranked {
    /// Ranks 0..n, rank k drawn with probability proportional to 1 / (k + 1)^exponent.
    pub fn new(n: usize, exponent: f64) -> Self {
        Ranked {
            zipf: Zipf::new(n as f64, exponent).expect("n >= 1 and exponent >= 0"),
            n,
        }
    }

    /// One rank.
    pub fn sample(&self, rng: &mut Pcg64) -> usize {
        (self.zipf.sample(rng) as usize).clamp(1, self.n) - 1
    }
}
