//! Folding: a word to lower-case ASCII, transliterating what is not Latin, so that accents and
//! scripts typed or not meet: "Zelénskyy" is "zelenskyy", "Kaczyński" is "kaczynski",
//! "Jarosław" is "jaroslaw", "выборы" is "vybory".

/// Folds a word to lower-case ASCII letters and digits (deunicode's transliteration).
#[derive(Debug, Clone, Copy, Default)]
pub struct AsciiFold;

impl AsciiFold {
    /// `word` (with only letters, digits and the marks [`Punctuation`](super::punctuation)
    /// keeps) folded.
    pub fn apply(&self, word: &str) -> String {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_other_scripts_fold_to_ascii() {
        assert_eq!(AsciiFold.apply("zelénskyy"), "zelenskyy");
        assert_eq!(AsciiFold.apply("kaczyński"), "kaczynski");
        assert_eq!(AsciiFold.apply("jarosław"), "jaroslaw");
        assert_eq!(AsciiFold.apply("выборы"), "vybory");
        assert_eq!(AsciiFold.apply("Straße"), "strasse");
    }

    #[test]
    fn what_has_no_letters_folds_to_nothing() {
        assert_eq!(AsciiFold.apply("—«»"), "");
        assert_eq!(AsciiFold.apply("3.5"), "3.5");
    }
}
