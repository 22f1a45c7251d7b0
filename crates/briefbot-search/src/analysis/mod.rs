//! Text analysis: text in, terms out. One pipeline serves indexing and queries, so a word
//! always meets itself.
//!
//! 1. Unicode word segmentation (UAX #29). It keeps "Putin's" and "U.S" whole and splits
//!    "cyber-security" into "cyber" and "security", which is what makes the hyphenated form
//!    meet the spaced one.
//! 2. Normalisation of each word: lower-case, possessive "'s" dropped ("Putin's" is "putin"),
//!    other apostrophes and inner dots dropped ("don't" is "dont", "U.S" is "us").
//! 3. Folding to ASCII with transliteration (deunicode): "Zelénskyy" is "zelenskyy",
//!    "Kaczyński" is "kaczynski", "Jarosław" is "jaroslaw".
//! 4. Stop words are marked, not removed: they still take a position, so a phrase with a
//!    stop word inside it matches the text it was typed from.
//! 5. Snowball stemming in the brief's language. Latin-script languages are folded first
//!    (their stemmers then see the same letters whatever accents were typed); the others are
//!    stemmed in their own script and folded afterwards.
//!
//! Every token keeps its byte range in the original text, so matches can be highlighted.

use std::borrow::Cow;

use rust_stemmers::Stemmer;
use unicode_segmentation::UnicodeSegmentation;

use crate::language::Language;

/// Words longer than this (in bytes, after folding) are not indexed: they are noise such as
/// base64 or a run of one letter, and would only bloat the vocabulary.
const MAX_WORD_BYTES: usize = 64;

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The stemmed term, as stored in the index.
    pub term: String,
    /// The word folded but not stemmed: what typo correction compares and suggests.
    pub word: String,
    /// Byte range of the word in the analysed text.
    pub start: usize,
    pub end: usize,
    /// Word position in the text, counting stop words too.
    pub position: u32,
    /// A stop word: kept for positions, never indexed or searched alone.
    pub stop: bool,
}

/// The analysis pipeline for one language.
pub struct Analyzer {
    language: Language,
    stemmer: Stemmer,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("language", &self.language)
            .finish()
    }
}

impl Analyzer {
    /// The pipeline for `language`.
    pub fn new(language: Language) -> Self {
        Analyzer {
            language,
            stemmer: Stemmer::create(language.algorithm()),
        }
    }

    /// Calls `visit(word, start, position)` for every word of `text` as written (anything with
    /// a letter or digit between word boundaries), with its byte offset and word position.
    pub fn for_each_word<'t>(&self, text: &'t str, visit: impl FnMut(&'t str, usize, u32)) {
        if text.is_ascii() {
            ascii_words(text, visit);
        } else {
            unicode_words(text, visit);
        }
    }

    /// The language this analyzer stems for.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Every word of `text`, stop words included (marked).
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        self.for_each_token(text, |token| tokens.push(token));
        tokens
    }

    /// Calls `visit` with every word of `text`, stop words included (marked).
    pub fn for_each_token(&self, text: &str, mut visit: impl FnMut(Token)) {
        self.for_each_word(text, |word, start, position| {
            if let Some(analysed) = self.analyse_word(word) {
                visit(Token {
                    term: analysed.term,
                    word: analysed.word,
                    start,
                    end: start + word.len(),
                    position,
                    stop: analysed.stop,
                });
            }
        });
    }

    /// The term a single word (as a user typed it) is indexed under, with its folded form;
    /// `None` for a word that folds to nothing or is too long to index.
    pub fn analyse_word(&self, word: &str) -> Option<AnalysedWord> {
        let normal = normalize(word);
        let folded = fold(&normal);
        if folded.is_empty() || folded.len() > MAX_WORD_BYTES {
            return None;
        }
        let stop = is_stop_word(self.language, &folded);
        let term = if self.language.is_latin_script() {
            self.stem(&folded).into_owned()
        } else {
            fold(&self.stem(&normal))
        };
        Some(AnalysedWord {
            term,
            word: folded,
            stop,
        })
    }

    /// The stem of a word; words with digits are kept as they are ("2016" stays "2016").
    fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        if word.chars().any(|c| c.is_ascii_digit()) {
            Cow::Borrowed(word)
        } else {
            self.stemmer.stem(word)
        }
    }
}

/// Words by Unicode's word boundaries (UAX #29), keeping those with a letter or digit.
fn unicode_words<'t>(text: &'t str, mut visit: impl FnMut(&'t str, usize, u32)) {
    let mut position = 0u32;
    for (start, word) in text.split_word_bound_indices() {
        if !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        visit(word, start, position);
        position = position.saturating_add(1);
    }
}

/// The same words as [`unicode_words`] for ASCII text, without the Unicode tables: runs of
/// letters, digits and `_`, where one `:`, `.` or `'` may join two letters ("U.S", "can't") and
/// one `.`, `,`, `;` or `'` may join two digits ("3.5", "1,000").
fn ascii_words<'t>(text: &'t str, mut visit: impl FnMut(&'t str, usize, u32)) {
    let bytes = text.as_bytes();
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut position = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        if !word_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        loop {
            if i < bytes.len() && word_byte(bytes[i]) {
                i += 1;
                continue;
            }
            // A single joining character between two letters or two digits.
            if i + 1 < bytes.len() {
                let (before, mid, after) = (bytes[i - 1], bytes[i], bytes[i + 1]);
                let letters = before.is_ascii_alphabetic() && after.is_ascii_alphabetic();
                let digits = before.is_ascii_digit() && after.is_ascii_digit();
                if (letters && matches!(mid, b':' | b'.' | b'\''))
                    || (digits && matches!(mid, b'.' | b',' | b';' | b'\''))
                {
                    i += 2;
                    continue;
                }
            }
            break;
        }
        if bytes[start..i].iter().any(u8::is_ascii_alphanumeric) {
            visit(&text[start..i], start, position);
            position = position.saturating_add(1);
        }
    }
}

/// A word after analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysedWord {
    pub term: String,
    pub word: String,
    pub stop: bool,
}

/// The folded words of a name or short text, without stemming or stop words:
/// "Jarosław Kaczyński" is ["jaroslaw", "kaczynski"], "Salat-Baroux" is ["salat", "baroux"].
pub fn plain_words(text: &str) -> Vec<String> {
    text.unicode_words()
        .map(|word| fold(&normalize(word)))
        .filter(|word| !word.is_empty())
        .collect()
}

/// A word as written, normalised and folded (what [`AnalysedWord::word`] holds) into `buffer`,
/// without allocating for ASCII words; `None` when it folds to nothing or is too long to index.
pub fn fold_word<'b>(word: &str, buffer: &'b mut String) -> Option<&'b str> {
    buffer.clear();
    if word.is_ascii() {
        let bytes = word.as_bytes();
        // The possessive "'s" goes, unless it is all there is.
        let kept = match bytes.len().checked_sub(2) {
            Some(cut)
                if cut > 0 && bytes[cut] == b'\'' && bytes[cut + 1].eq_ignore_ascii_case(&b's') =>
            {
                &bytes[..cut]
            }
            _ => bytes,
        };
        for (i, &b) in kept.iter().enumerate() {
            let between_digits = i > 0
                && kept[i - 1].is_ascii_digit()
                && kept.get(i + 1).is_some_and(u8::is_ascii_digit);
            if b.is_ascii_alphanumeric() || ((b == b'.' || b == b',') && between_digits) {
                buffer.push(b.to_ascii_lowercase() as char);
            }
        }
    } else {
        buffer.push_str(&fold(&normalize(word)));
    }
    (!buffer.is_empty() && buffer.len() <= MAX_WORD_BYTES).then_some(buffer.as_str())
}

/// Lower-cases a word and drops possessives, apostrophes and dots between letters.
fn normalize(word: &str) -> String {
    let lower = word.to_lowercase();
    let without_possessive = ["'s", "\u{2019}s", "\u{2bc}s"]
        .iter()
        .find_map(|suffix| lower.strip_suffix(suffix))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&lower);
    let chars: Vec<char> = without_possessive.chars().collect();
    let mut normal = String::with_capacity(without_possessive.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_alphanumeric() || ((c == '.' || c == ',') && between_digits) {
            normal.push(c);
        }
    }
    normal
}

/// Folds a normalised word to lower-case ASCII, transliterating what is not Latin.
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let mut folded = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
        } else if let Some(ascii) = deunicode::deunicode_char(c) {
            folded.extend(
                ascii
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            );
        }
    }
    folded
}

/// Whether a folded word is a stop word of `language`.
pub fn is_stop_word(language: Language, folded: &str) -> bool {
    match language {
        Language::English => {
            folded.len() <= 10 && ENGLISH_STOP_WORDS.binary_search(&folded).is_ok()
        }
        _ => false,
    }
}

/// Snowball's English stop list, folded the way words are ("don't" is "dont"). "us" is not
/// in it, so "US election" keeps its "US"; it is sorted for binary search.
const ENGLISH_STOP_WORDS: [&str; 155] = [
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

    fn terms(text: &str) -> Vec<String> {
        Analyzer::new(Language::English)
            .tokens(text)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.term)
            .collect()
    }

    fn assert_same_terms(a: &str, b: &str) {
        assert_eq!(terms(a), terms(b), "{a:?} and {b:?} should analyse alike");
    }

    proptest::proptest! {
        #[test]
        fn fold_word_folds_as_the_pipeline_does(word in "\\PC{0,12}|[a-zA-Z0-9'.,_]{0,12}") {
            let mut buffer = String::new();
            let expected = Analyzer::new(Language::English).analyse_word(&word).map(|a| a.word);
            proptest::prop_assert_eq!(fold_word(&word, &mut buffer).map(str::to_owned), expected);
        }
    }

    #[test]
    fn stop_list_is_sorted_for_binary_search() {
        assert!(ENGLISH_STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn inflections_meet() {
        assert_same_terms("hacked elections", "hacking election");
        assert_same_terms("meddling", "meddled");
        assert_eq!(terms("elections hacked"), ["elect", "hack"]);
    }

    #[test]
    fn accents_and_transliteration_fold() {
        assert_same_terms("Zelénskyy", "Zelenskyy");
        assert_same_terms("Kaczyński", "kaczynski");
        assert_same_terms("Jarosław", "Jaroslaw");
        assert_same_terms("Fernández", "FERNANDEZ");
    }

    #[test]
    fn possessives_drop() {
        assert_same_terms("Putin's", "Putin");
        assert_same_terms("Putin\u{2019}s plan", "putin plan");
    }

    #[test]
    fn hyphens_split() {
        assert_same_terms("cyber-security", "cyber security");
    }

    #[test]
    fn stop_words_keep_positions() {
        let tokens = Analyzer::new(Language::English).tokens("Secretary of State");
        let kept: Vec<_> = tokens
            .iter()
            .filter(|t| !t.stop)
            .map(|t| t.position)
            .collect();
        assert_eq!(kept, [0, 2]);
        assert!(tokens[1].stop);
        assert_eq!(terms("the US and the UK"), ["us", "uk"]);
    }

    #[test]
    fn numbers_are_not_stemmed_and_keep_their_dots() {
        assert_eq!(
            terms("2016 elections, 3.5 percent"),
            ["2016", "elect", "3.5", "percent"]
        );
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Zelénskyy's visit";
        let tokens = Analyzer::new(Language::English).tokens(text);
        assert_eq!(&text[tokens[0].start..tokens[0].end], "Zelénskyy's");
        assert_eq!(tokens[0].word, "zelenskyy");
        assert_eq!(&text[tokens[1].start..tokens[1].end], "visit");
    }

    #[test]
    fn punctuation_emoji_and_huge_words_make_no_terms() {
        assert!(terms("... !!! 🎉 --").is_empty());
        assert!(terms(&"a".repeat(500)).is_empty());
    }

    #[test]
    fn the_ascii_fast_path_finds_the_unicode_words() {
        let texts = [
            "Putin's U.S. plan: cyber-security, 3.5% of 1,000 (a:b) can't won't rock'n'roll",
            "e.g. i.e. A.B.C. x_y __init__ 12:30 1;2 a'1 1'a 'quoted' -- ... 'tis",
            "hyphen-ated/slashed\\back `tick` ~tilde~ #tag @user $5.00 50% a.1 1.a a..b a''b",
            "  leading and trailing  ",
            "",
            "_",
            "_a_ 1_ _1",
        ];
        for text in texts {
            let mut fast = Vec::new();
            ascii_words(text, |w, start, position| fast.push((w, start, position)));
            let mut reference = Vec::new();
            unicode_words(text, |w, start, position| {
                reference.push((w, start, position))
            });
            assert_eq!(fast, reference, "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_fast_path_agrees_on_any_ascii(text in "[a-zA-Z0-9_.,;:' \\-]{0,60}|[ -~]{0,60}") {
            let mut fast = Vec::new();
            ascii_words(&text, |w, start, position| fast.push((w, start, position)));
            let mut reference = Vec::new();
            unicode_words(&text, |w, start, position| reference.push((w, start, position)));
            proptest::prop_assert_eq!(fast, reference);
        }
    }

    #[test]
    fn other_scripts_are_stemmed_then_folded() {
        let russian = Analyzer::new(Language::Russian);
        let a = russian.tokens("выборы");
        let b = russian.tokens("выборов");
        assert_eq!(a[0].term, b[0].term);
        assert!(a[0].term.is_ascii());
    }
}
