//! Matchers: the ways a query asks the index for briefs, each covering some query words.

use super::vocabulary::TermId;

/// Two query words found side by side score this much more than found apart.
pub(crate) const PROXIMITY_BOOST: f32 = 1.25;
/// A quoted phrase found scores this much more than its words would.
pub(crate) const PHRASE_BOOST: f32 = 1.5;

/// The words of a phrase: each with its alternative terms and its position in the phrase.
pub(crate) type Parts<T> = Vec<(Vec<T>, u32)>;

/// A way for briefs to match some of the query's words.
#[derive(Debug)]
pub(crate) enum Matcher {
    /// Any of these terms; covers the listed words.
    Terms { ids: Vec<TermId>, cover: Vec<usize> },
    /// These terms at these relative positions; covers the listed words.
    Phrase {
        parts: Parts<TermId>,
        cover: Vec<usize>,
        boost: f32,
    },
}

impl Matcher {
    /// The query words this matcher covers.
    pub(crate) fn cover(&self) -> &[usize] {
        match self {
            Matcher::Terms { cover, .. } | Matcher::Phrase { cover, .. } => cover,
        }
    }
}
