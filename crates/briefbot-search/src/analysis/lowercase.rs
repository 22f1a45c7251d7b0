//! Lower-casing, by Unicode's full case mapping.

/// Lower-cases a word: "PUTIN" is "putin", "ÉLYSÉE" is "élysée".
#[derive(Debug, Clone, Copy, Default)]
pub struct LowerCase;

impl LowerCase {
    /// `word` in lower case.
    pub fn apply(&self, word: &str) -> String {
        word.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_is_lower_cased() {
        assert_eq!(LowerCase.apply("PUTIN"), "putin");
        assert_eq!(LowerCase.apply("ÉLYSÉE"), "élysée");
        assert_eq!(LowerCase.apply("ВЫБОРЫ"), "выборы");
        assert_eq!(LowerCase.apply("U.S"), "u.s");
    }
}
