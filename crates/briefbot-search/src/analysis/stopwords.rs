//! Stop words: the words too common to search for ("the", "of"). They are marked, not
//! removed: they still take a position, so a phrase with a stop word inside it matches the
//! text it was typed from; they are neither indexed nor searched alone.
//!
//! Snowball ships a list for most of its languages. English uses its list by default; the
//! others are there to opt in to ([`Analyzer::with_stop_words`](super::Analyzer::with_stop_words)),
//! not on by default, because a query is analysed in every language of the library and a word
//! any of them calls a stop word is dropped: in a library of English and German briefs,
//! German's list would drop the English "war", "man" and "will", and Italian's the English
//! "come". Turning a language's list on also changes what its briefs answer.

use std::sync::Arc;

use super::fold::AsciiFold;
use super::lowercase::LowerCase;
use super::possessive::Possessive;
use super::punctuation::Punctuation;
use crate::language::Language;

/// A language's stop words, folded the way words are ("don't" is "dont", "für" is "fur").
#[derive(Debug, Clone, Default)]
pub struct StopWords {
    /// Sorted, for binary search.
    words: Arc<[Box<str>]>,
    /// The longest word's length in bytes: longer words need no search.
    longest: usize,
}

impl StopWords {
    /// No stop words.
    pub fn none() -> Self {
        StopWords::default()
    }

    /// Snowball's list for `language`, folded; none for a language Snowball has no list for
    /// (Arabic, Greek, Romanian, Tamil, Turkish).
    pub fn snowball(language: Language) -> Self {
        let list = match language {
            Language::English => return StopWords::of(ENGLISH.iter().copied()),
            Language::Danish => include_str!("stopwords/danish.txt"),
            Language::Dutch => include_str!("stopwords/dutch.txt"),
            Language::Finnish => include_str!("stopwords/finnish.txt"),
            Language::French => include_str!("stopwords/french.txt"),
            Language::German => include_str!("stopwords/german.txt"),
            Language::Hungarian => include_str!("stopwords/hungarian.txt"),
            Language::Italian => include_str!("stopwords/italian.txt"),
            Language::Norwegian => include_str!("stopwords/norwegian.txt"),
            Language::Portuguese => include_str!("stopwords/portuguese.txt"),
            Language::Russian => include_str!("stopwords/russian.txt"),
            Language::Spanish => include_str!("stopwords/spanish.txt"),
            Language::Swedish => include_str!("stopwords/swedish.txt"),
            Language::Arabic
            | Language::Greek
            | Language::Romanian
            | Language::Tamil
            | Language::Turkish => "",
        };
        // Snowball's format: words, with `|` starting a comment.
        let words = list
            .lines()
            .filter_map(|line| line.split('|').next())
            .flat_map(str::split_whitespace);
        StopWords::of(words)
    }

    /// The stop words a language has unless told otherwise: Snowball's English list for
    /// English, none for the others (see the module's documentation for why).
    pub fn default_for(language: Language) -> Self {
        match language {
            Language::English => StopWords::snowball(Language::English),
            _ => StopWords::none(),
        }
    }

    /// These words, folded as the words of a text are.
    fn of<'w>(words: impl Iterator<Item = &'w str>) -> Self {
        let mut folded: Vec<Box<str>> = words
            .map(|word| {
                AsciiFold.apply(&Punctuation.apply(Possessive.apply(&LowerCase.apply(word))))
            })
            .filter(|word| !word.is_empty())
            .map(String::into_boxed_str)
            .collect();
        folded.sort_unstable();
        folded.dedup();
        let longest = folded.iter().map(|word| word.len()).max().unwrap_or(0);
        StopWords {
            words: folded.into(),
            longest,
        }
    }

    /// Whether `folded` (a word as [`fold_word`](super::fold_word) gives it) is a stop word.
    pub fn contains(&self, folded: &str) -> bool {
        folded.len() <= self.longest
            && self
                .words
                .binary_search_by(|word| (**word).cmp(folded))
                .is_ok()
    }
}

/// Snowball's English stop list, folded the way words are ("don't" is "dont"). "us" is not
/// in it, so "US election" keeps its "US"; it is sorted for binary search.
const ENGLISH: [&str; 155] = [
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "arent",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "cannot",
    "cant",
    "could",
    "couldnt",
    "did",
    "didnt",
    "do",
    "does",
    "doesnt",
    "doing",
    "dont",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadnt",
    "has",
    "hasnt",
    "have",
    "havent",
    "having",
    "he",
    "hed",
    "hell",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "id",
    "if",
    "ill",
    "im",
    "in",
    "into",
    "is",
    "isnt",
    "it",
    "its",
    "itself",
    "ive",
    "me",
    "more",
    "most",
    "mustnt",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shant",
    "she",
    "shed",
    "shell",
    "should",
    "shouldnt",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "theyd",
    "theyll",
    "theyre",
    "theyve",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "wasnt",
    "we",
    "wed",
    "were",
    "werent",
    "weve",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "with",
    "wont",
    "would",
    "wouldnt",
    "you",
    "youd",
    "youll",
    "your",
    "youre",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_list_is_sorted_and_folded() {
        assert!(ENGLISH.windows(2).all(|w| w[0] < w[1]));
        let folded = StopWords::of(ENGLISH.iter().copied());
        assert_eq!(folded.words.len(), ENGLISH.len());
        assert!(folded.words.iter().zip(ENGLISH).all(|(a, b)| **a == *b));
    }

    #[test]
    fn english_stop_words_are_common_words_only() {
        let english = StopWords::default_for(Language::English);
        for word in ["the", "of", "dont", "themselves"] {
            assert!(english.contains(word), "{word}");
        }
        for word in ["us", "war", "election", "", "themselvesx"] {
            assert!(!english.contains(word), "{word}");
        }
    }

    #[test]
    fn other_lists_are_folded_and_only_on_when_asked() {
        let german = StopWords::snowball(Language::German);
        for word in ["der", "und", "fur", "dass", "war"] {
            assert!(german.contains(word), "{word}");
        }
        assert!(!german.contains("für"), "lists hold folded words");
        assert!(!StopWords::default_for(Language::German).contains("der"));
        let russian = StopWords::snowball(Language::Russian);
        assert!(russian.contains("i") && russian.contains("ne"));
    }

    #[test]
    fn every_language_with_a_snowball_list_has_one() {
        for (language, expected) in [
            (Language::Danish, "og"),
            (Language::Dutch, "het"),
            (Language::Finnish, "olla"),
            (Language::French, "les"),
            (Language::Hungarian, "hogy"),
            (Language::Italian, "della"),
            (Language::Norwegian, "ikke"),
            (Language::Portuguese, "uma"),
            (Language::Spanish, "para"),
            (Language::Swedish, "och"),
        ] {
            assert!(
                StopWords::snowball(language).contains(expected),
                "{language}"
            );
        }
        assert!(!StopWords::snowball(Language::Greek).contains("kai"));
    }
}
