//! Stop words: the words too common to search for ("the", "of"). They are marked, not
//! removed: they still take a position, so a phrase with a stop word inside it matches the
//! text it was typed from; they are neither indexed nor searched alone.
//!
//! English has Snowball's list; the other languages have none.

use std::sync::Arc;

use super::fold_word;
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

    /// The stop words of `language`: Snowball's English list for English, none for the
    /// others.
    pub fn default_for(language: Language) -> Self {
        match language {
            Language::English => StopWords::of(ENGLISH.iter().copied()),
            _ => StopWords::none(),
        }
    }

    /// These words, folded as the words of a text are.
    fn of<'w>(words: impl Iterator<Item = &'w str>) -> Self {
        let mut buffer = String::new();
        let mut folded: Vec<Box<str>> = words
            .filter_map(|word| fold_word(word, &mut buffer).map(Box::from))
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
}
