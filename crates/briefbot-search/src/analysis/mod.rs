//! Text analysis: text in, terms out. One chain of small filters serves indexing and queries,
//! so a word always meets itself:
//!
//! 1. [`segment`]: the text into words (Unicode word boundaries), each with its byte range,
//!    so that matches can be highlighted, and its position.
//! 2. [`lowercase`], then [`possessive`] ("Putin's" is "putin"), then [`punctuation`]
//!    ("don't" is "dont", "U.S" is "us", "3.5" stays).
//! 3. [`fold`]: to ASCII with transliteration ("Zelénskyy" is "zelenskyy").
//! 4. [`stopwords`]: marked, not removed, so that they still take a position.
//! 5. [`stem`]: Snowball stemming in the document's language. Latin-script languages are
//!    folded first (their stemmers then see the same letters whatever accents were typed); the
//!    others are stemmed in their own script and folded afterwards.
//!
//! [`fold_word`] runs steps 2 and 3 on one word without allocating for ASCII words, for the
//! highlighter, which folds every word of the texts it marks; a property test holds it to the
//! chain.

pub mod fold;
pub mod lowercase;
pub mod possessive;
pub mod punctuation;
pub mod segment;
pub mod stem;
pub mod stopwords;

use fold::AsciiFold;
use lowercase::LowerCase;
use possessive::Possessive;
use punctuation::Punctuation;
use segment::Segmenter;
use stem::Stem;
pub use stopwords::StopWords;

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

/// The analysis chain for one language.
pub struct Analyzer {
    language: Language,
    stem: Stem,
    stop_words: StopWords,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("language", &self.language)
            .finish()
    }
}

impl Analyzer {
    /// The chain for `language`, with its default stop words (see [`StopWords::default_for`]).
    pub fn new(language: Language) -> Self {
        Analyzer::with_stop_words(language, StopWords::default_for(language))
    }

    /// The chain for `language`, marking `stop_words`.
    pub fn with_stop_words(language: Language, stop_words: StopWords) -> Self {
        Analyzer {
            language,
            stem: Stem::new(language),
            stop_words,
        }
    }

    /// Calls `visit(word, start, position)` for every word of `text` as written (anything with
    /// a letter or digit between word boundaries), with its byte offset and word position.
    pub fn for_each_word<'t>(&self, text: &'t str, visit: impl FnMut(&'t str, usize, u32)) {
        Segmenter.for_each_word(text, visit);
    }

    /// The language this analyzer stems for.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Whether a folded word (as [`fold_word`] gives it) is one of this chain's stop words.
    pub fn is_stop_word(&self, folded: &str) -> bool {
        self.stop_words.contains(folded)
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
        let folded = AsciiFold.apply(&normal);
        if folded.is_empty() || folded.len() > MAX_WORD_BYTES {
            return None;
        }
        let stop = self.stop_words.contains(&folded);
        let term = if self.language.is_latin_script() {
            self.stem.apply(&folded).into_owned()
        } else {
            AsciiFold.apply(&self.stem.apply(&normal))
        };
        Some(AnalysedWord {
            term,
            word: folded,
            stop,
        })
    }

    /// The term [`Analyzer::analyse_word`] gives a word, from the word folded (as
    /// [`fold_word`] gives it), without normalising and folding it again; `None` when this
    /// language stems before folding (the word as written must then be analysed).
    pub fn folded_term<'w>(&self, folded: &'w str) -> Option<std::borrow::Cow<'w, str>> {
        self.language
            .is_latin_script()
            .then(|| self.stem.apply(folded))
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
    use unicode_segmentation::UnicodeSegmentation;
    text.unicode_words()
        .map(|word| AsciiFold.apply(&normalize(word)))
        .filter(|word| !word.is_empty())
        .collect()
}

/// A word as written, normalised and folded (what [`AnalysedWord::word`] holds) into `buffer`,
/// without allocating for ASCII words; `None` when it folds to nothing or is too long to index.
pub fn fold_word<'b>(word: &str, buffer: &'b mut String) -> Option<&'b str> {
    buffer.clear();
    if word.is_ascii() {
        let kept = Possessive.apply_ascii(word.as_bytes());
        for (i, &b) in kept.iter().enumerate() {
            let before = i.checked_sub(1).map(|i| char::from(kept[i]));
            let after = kept.get(i + 1).map(|&b| char::from(b));
            if Punctuation::keeps(before, char::from(b), after) {
                buffer.push(char::from(b.to_ascii_lowercase()));
            }
        }
    } else {
        buffer.push_str(&AsciiFold.apply(&normalize(word)));
    }
    (!buffer.is_empty() && buffer.len() <= MAX_WORD_BYTES).then_some(buffer.as_str())
}

/// A word lower-cased, without its possessive, with only the punctuation it keeps.
fn normalize(word: &str) -> String {
    Punctuation.apply(Possessive.apply(&LowerCase.apply(word)))
}

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
        fn a_folded_word_has_the_term_of_the_word_as_written(word in "\\PC{0,12}|[a-zA-Z0-9'.,_]{0,12}") {
            for language in [Language::English, Language::French, Language::Russian] {
                let analyzer = Analyzer::new(language);
                let mut buffer = String::new();
                let term = fold_word(&word, &mut buffer).map(|f| analyzer.folded_term(f));
                match (analyzer.analyse_word(&word), term) {
                    (Some(analysed), Some(Some(term))) => {
                        proptest::prop_assert_eq!(analysed.term, term.into_owned());
                    }
                    (Some(_), Some(None)) => proptest::prop_assert_eq!(language, Language::Russian),
                    (None, None) => {}
                    (analysed, _) => proptest::prop_assert!(false, "{:?}: {:?}", word, analysed),
                }
            }
        }

        #[test]
        fn fold_word_folds_as_the_pipeline_does(word in "\\PC{0,12}|[a-zA-Z0-9'.,_]{0,12}") {
            let mut buffer = String::new();
            let expected = Analyzer::new(Language::English).analyse_word(&word).map(|a| a.word);
            proptest::prop_assert_eq!(fold_word(&word, &mut buffer).map(str::to_owned), expected);
        }
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
    fn other_scripts_are_stemmed_then_folded() {
        let russian = Analyzer::new(Language::Russian);
        let a = russian.tokens("выборы");
        let b = russian.tokens("выборов");
        assert_eq!(a[0].term, b[0].term);
        assert!(a[0].term.is_ascii());
    }

    #[test]
    fn a_language_marks_the_stop_words_it_is_given() {
        let text = "le président et la France";
        let stops = |analyzer: &Analyzer| -> Vec<bool> {
            analyzer.tokens(text).iter().map(|t| t.stop).collect()
        };
        let plain = Analyzer::new(Language::French);
        assert_eq!(stops(&plain), [false; 5]);
        let with =
            Analyzer::with_stop_words(Language::French, StopWords::snowball(Language::French));
        assert_eq!(stops(&with), [true, false, true, true, false]);
    }
}
