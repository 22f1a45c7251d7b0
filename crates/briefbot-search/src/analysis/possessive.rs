//! Possessives: "Putin's" is indexed as "Putin", whatever the apostrophe ("'", "’" or "ʼ"),
//! so that "Putin's plan" meets "Putin".

/// Drops a word's possessive "'s" (unless it is all there is).
#[derive(Debug, Clone, Copy, Default)]
pub struct Possessive;

/// The possessive endings, after lower-casing.
const ENDINGS: [&str; 3] = ["'s", "\u{2019}s", "\u{2bc}s"];

impl Possessive {
    /// `lower` (a lower-cased word) without its possessive ending.
    pub fn apply<'w>(&self, lower: &'w str) -> &'w str {
        ENDINGS
            .iter()
            .find_map(|ending| lower.strip_suffix(ending))
            .filter(|rest| !rest.is_empty())
            .unwrap_or(lower)
    }

    /// The same for a word of ASCII letters in any case, as bytes.
    pub fn apply_ascii<'w>(&self, word: &'w [u8]) -> &'w [u8] {
        match word.len().checked_sub(2) {
            Some(cut)
                if cut > 0 && word[cut] == b'\'' && word[cut + 1].eq_ignore_ascii_case(&b's') =>
            {
                &word[..cut]
            }
            _ => word,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_possessive_goes_whatever_the_apostrophe() {
        assert_eq!(Possessive.apply("putin's"), "putin");
        assert_eq!(Possessive.apply("putin\u{2019}s"), "putin");
        assert_eq!(Possessive.apply("putin\u{2bc}s"), "putin");
        assert_eq!(Possessive.apply_ascii(b"PUTIN'S"), b"PUTIN");
    }

    #[test]
    fn words_ending_in_s_and_a_lone_ending_stay() {
        for word in ["boss", "'s", "its", "s"] {
            assert_eq!(Possessive.apply(word), word);
            assert_eq!(Possessive.apply_ascii(word.as_bytes()), word.as_bytes());
        }
        assert_eq!(Possessive.apply("rock'n'roll"), "rock'n'roll");
    }
}
