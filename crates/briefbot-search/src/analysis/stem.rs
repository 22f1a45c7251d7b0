//! Stemming: Snowball's stemmer for a language, so that inflections meet ("elections" and
//! "election" are "elect"). Numbers are left as they are: "2016" stays "2016".

use std::borrow::Cow;

use rust_stemmers::Stemmer;

use crate::language::Language;

/// Snowball's stemmer for one language.
pub struct Stem {
    stemmer: Stemmer,
}

impl std::fmt::Debug for Stem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stem").finish_non_exhaustive()
    }
}

impl Stem {
    /// The stemmer for `language`.
    pub fn new(language: Language) -> Self {
        Stem {
            stemmer: Stemmer::create(language.algorithm()),
        }
    }

    /// The stem of a (lower-case) word; a word with a digit is kept as it is.
    pub fn apply<'w>(&self, word: &'w str) -> Cow<'w, str> {
        if word.chars().any(|c| c.is_ascii_digit()) {
            Cow::Borrowed(word)
        } else {
            self.stemmer.stem(word)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_share_a_stem() {
        let english = Stem::new(Language::English);
        assert_eq!(english.apply("elections"), "elect");
        assert_eq!(english.apply("election"), "elect");
        assert_eq!(english.apply("hacked"), english.apply("hacking"));
    }

    #[test]
    fn numbers_are_not_stemmed() {
        let english = Stem::new(Language::English);
        assert_eq!(english.apply("2016s"), "2016s");
        assert_eq!(english.apply("1990s"), "1990s");
    }
}
