//! The words text is made of, ranked for Zipf draws.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand_distr::{Distribution, Zipf};
use rand_pcg::Pcg64;

use crate::languages::{ENGLISH, Language};

/// Words longer than this, in characters, are left out of the vocabulary (they are rare in
/// news anyway, and it keeps the longest title within the brief format's 256 characters).
pub const MAX_WORD: usize = 15;

/// All the words text can be made of.
pub struct Vocabulary {
    /// Words by Zipf rank: the language's common words first, then the dictionary, shuffled.
    /// Lower-case, but for German nouns.
    pub words: Vec<String>,
    /// Capitalised dictionary entries (places, names), shuffled: proper nouns and surnames.
    /// Other languages share English's.
    pub proper: Vec<String>,
    /// How many of `words` are the language's common words.
    common: usize,
    known: HashSet<String>,
    word_ranks: Ranked,
    proper_ranks: Ranked,
}

/// A word list's entries that can be words of running text.
struct Entries<'a> {
    /// Lower-case words (and German nouns), in the list's order.
    words: Vec<&'a str>,
    /// Capitalised words, for a language whose nouns are not capitalised: names.
    proper: Vec<&'a str>,
}

impl Vocabulary {
    /// The English vocabulary, from an English word list (one word a line): lower-case words
    /// for running text, capitalised ones for names.
    pub fn english(list: &str, rng: &mut Pcg64) -> Result<Self, String> {
        let Entries {
            mut words,
            mut proper,
        } = entries(list, &ENGLISH);
        if words.len() < 5_000 || proper.len() < 2_000 {
            return Err(format!(
                "the word list has {} lower-case and {} capitalised words; expected a full English word list (at least 5000 and 2000)",
                words.len(),
                proper.len()
            ));
        }
        words.shuffle(rng);
        proper.shuffle(rng);
        let words: Vec<String> = ENGLISH
            .common
            .iter()
            .chain(&words)
            .map(|w| (*w).to_owned())
            .collect();
        let proper: Vec<String> = proper.into_iter().map(str::to_owned).collect();
        Ok(Vocabulary {
            known: words.iter().cloned().collect(),
            word_ranks: Ranked::new(words.len(), 1.0),
            proper_ranks: Ranked::new(proper.len(), 1.0),
            common: ENGLISH.common.len(),
            words,
            proper,
        })
    }

    /// The vocabulary of another language, from its word list, with the names of `names`.
    /// It takes as many dictionary words as `names` has, in a seeded shuffle, so that two
    /// languages differ by their words, not by the size of their word lists (Debian's German
    /// and French lists hold every inflected form, five times as many entries as English).
    pub fn sharing_names(
        list: &str,
        language: &Language,
        names: &Vocabulary,
        rng: &mut Pcg64,
    ) -> Result<Self, String> {
        let mut dictionary = entries(list, language).words;
        if dictionary.len() < 5_000 {
            return Err(format!(
                "the {} word list has {} usable words; expected a full one (at least 5000), such as Debian's `{}`",
                language.name,
                dictionary.len(),
                language.package
            ));
        }
        dictionary.shuffle(rng);
        // Every form is known (a query's inflected form is a real word), whether drawn or not.
        let known = language
            .common
            .iter()
            .chain(&dictionary)
            .map(|w| (*w).to_owned())
            .collect();
        dictionary.truncate(names.content_len());
        let words: Vec<String> = language
            .common
            .iter()
            .chain(&dictionary)
            .map(|w| (*w).to_owned())
            .collect();
        Ok(Vocabulary {
            known,
            word_ranks: Ranked::new(words.len(), 1.0),
            proper_ranks: Ranked::new(names.proper.len(), 1.0),
            common: language.common.len(),
            words,
            proper: names.proper.clone(),
        })
    }

    /// A word drawn with Zipf frequency.
    pub fn word(&self, rng: &mut Pcg64) -> &str {
        &self.words[self.word_ranks.sample(rng)]
    }

    /// A content word (not among the most common words), drawn with Zipf frequency over the
    /// words that follow them: frequent topics are drawn often, most words seldom.
    pub fn content_word(&self, content: &Ranked, rng: &mut Pcg64) -> &str {
        &self.words[self.common + content.sample(rng)]
    }

    /// How many content words there are (for a `Ranked` over them).
    pub fn content_len(&self) -> usize {
        self.words.len() - self.common
    }

    /// Whether `word` is one of the words of the language's word list.
    pub fn contains(&self, word: &str) -> bool {
        self.known.contains(word)
    }

    /// A proper noun drawn with Zipf frequency.
    pub fn proper_noun(&self, rng: &mut Pcg64) -> &str {
        &self.proper[self.proper_ranks.sample(rng)]
    }
}

/// The entries of `list` made only of the language's letters, at most `MAX_WORD` long,
/// either all lower-case (two letters or more) or capitalised (three or more), and not
/// among the language's common words; each once.
fn entries<'a>(list: &'a str, language: &Language) -> Entries<'a> {
    let mut seen: HashSet<&str> = language.common.iter().copied().collect();
    let mut words = Vec::new();
    let mut proper = Vec::new();
    for line in list.lines() {
        let word = line.trim();
        let Some(first) = word.chars().next() else {
            continue;
        };
        let length = word.chars().count();
        if length > MAX_WORD || !word.chars().all(|c| language.is_letter(c)) {
            continue;
        }
        let rest_lower = word.chars().skip(1).all(char::is_lowercase);
        if first.is_lowercase() && length >= 2 {
            if seen.insert(word) && rest_lower {
                words.push(word);
            }
        } else if first.is_uppercase() && length >= 3 && rest_lower && seen.insert(word) {
            if language.nouns_capitalised {
                words.push(word);
            } else {
                proper.push(word);
            }
        }
    }
    Entries { words, proper }
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
