//! Punctuation inside words: apostrophes and dots go ("don't" is "dont", "U.S" is "us"), but a
//! dot or a comma between two digits stays ("3.5", "1,000").

/// Keeps a word's letters and digits, and the dots and commas between two digits.
#[derive(Debug, Clone, Copy, Default)]
pub struct Punctuation;

impl Punctuation {
    /// Whether `c`, between `before` and `after` in a word, is kept.
    pub fn keeps(before: Option<char>, c: char, after: Option<char>) -> bool {
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        c.is_alphanumeric() || ((c == '.' || c == ',') && digit(before) && digit(after))
    }

    /// `word` with only what it keeps.
    pub fn apply(&self, word: &str) -> String {
        let chars: Vec<char> = word.chars().collect();
        let mut kept = String::with_capacity(word.len());
        for (i, &c) in chars.iter().enumerate() {
            let before = i.checked_sub(1).map(|i| chars[i]);
            if Self::keeps(before, c, chars.get(i + 1).copied()) {
                kept.push(c);
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_and_dots_go() {
        assert_eq!(Punctuation.apply("don't"), "dont");
        assert_eq!(Punctuation.apply("u.s"), "us");
        assert_eq!(Punctuation.apply("rock'n'roll"), "rocknroll");
        assert_eq!(Punctuation.apply("x_y"), "xy");
    }

    #[test]
    fn numbers_keep_their_points_and_separators() {
        assert_eq!(Punctuation.apply("3.5"), "3.5");
        assert_eq!(Punctuation.apply("1,000"), "1,000");
        assert_eq!(Punctuation.apply("12:30"), "1230");
        assert_eq!(Punctuation.apply("a.1"), "a1");
    }
}
