//! The languages a brief may be written in: those with a Snowball stemmer.

use std::fmt;
use std::str::FromStr;

use rust_stemmers::Algorithm;

/// A language with a Snowball stemmer, named by its ISO 639-1 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Arabic,
    Danish,
    Dutch,
    English,
    Finnish,
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

/// Every language, with its ISO 639-1 code.
const CODES: [(Language, &str); 18] = [
    (Language::Arabic, "ar"),
    (Language::Danish, "da"),
    (Language::Dutch, "nl"),
    (Language::English, "en"),
    (Language::Finnish, "fi"),
    (Language::French, "fr"),
    (Language::German, "de"),
    (Language::Greek, "el"),
    (Language::Hungarian, "hu"),
    (Language::Italian, "it"),
    (Language::Norwegian, "no"),
    (Language::Portuguese, "pt"),
    (Language::Romanian, "ro"),
    (Language::Russian, "ru"),
    (Language::Spanish, "es"),
    (Language::Swedish, "sv"),
    (Language::Tamil, "ta"),
    (Language::Turkish, "tr"),
];

impl Language {
    /// The ISO 639-1 code, as written in brief files.
    pub fn code(self) -> &'static str {
        CODES
            .iter()
            .find(|(language, _)| *language == self)
            .map_or("en", |(_, code)| code)
    }

    /// All supported codes, for error messages.
    pub fn all_codes() -> String {
        CODES
            .iter()
            .map(|(_, code)| *code)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(crate) fn algorithm(self) -> Algorithm {
        match self {
            Language::Arabic => Algorithm::Arabic,
            Language::Danish => Algorithm::Danish,
            Language::Dutch => Algorithm::Dutch,
            Language::English => Algorithm::English,
            Language::Finnish => Algorithm::Finnish,
            Language::French => Algorithm::French,
            Language::German => Algorithm::German,
            Language::Greek => Algorithm::Greek,
            Language::Hungarian => Algorithm::Hungarian,
            Language::Italian => Algorithm::Italian,
            Language::Norwegian => Algorithm::Norwegian,
            Language::Portuguese => Algorithm::Portuguese,
            Language::Romanian => Algorithm::Romanian,
            Language::Russian => Algorithm::Russian,
            Language::Spanish => Algorithm::Spanish,
            Language::Swedish => Algorithm::Swedish,
            Language::Tamil => Algorithm::Tamil,
            Language::Turkish => Algorithm::Turkish,
        }
    }

    /// Whether the language is written in Latin script, whose stemmers work best on words
    /// already folded to ASCII. The others are stemmed in their own script, then folded.
    pub(crate) fn is_latin_script(self) -> bool {
        !matches!(
            self,
            Language::Arabic | Language::Greek | Language::Russian | Language::Tamil
        )
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error for a code that names no Snowball language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{code}`; expected one of {}", Language::all_codes())]
pub struct UnknownLanguage {
    /// The code as written.
    pub code: String,
}

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        CODES
            .iter()
            .find(|(_, known)| *known == code)
            .map(|(language, _)| *language)
            .ok_or_else(|| UnknownLanguage {
                code: code.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for (language, code) in CODES {
            assert_eq!(code.parse::<Language>(), Ok(language));
            assert_eq!(language.code(), code);
        }
    }

    #[test]
    fn unknown_code_lists_the_known_ones() {
        let err = "xx".parse::<Language>().unwrap_err();
        assert!(err.to_string().contains("`xx`"));
        assert!(err.to_string().contains("en, fi"));
    }
}
