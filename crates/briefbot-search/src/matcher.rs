//! Matchers: the ways a query asks the index for briefs, each covering some query words.

use super::vocabulary::TermId;

/// What a phrase matcher stands for, which decides how much it scores and what it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhraseKind {
    /// A phrase the user quoted: it covers its words only where they stand together.
    Quoted,
    /// A run-together word split into two words the library holds ("cybersecurity" met as
    /// "cyber security").
    Compound,
    /// Two neighbouring query words side by side: a bonus on top of the words' own matches.
    Adjacent,
}

impl PhraseKind {
    /// How much more the phrase scores than its words would found apart.
    pub(crate) fn boost(self) -> f32 {
        match self {
            PhraseKind::Quoted => 1.5,
            PhraseKind::Compound => 1.0,
            PhraseKind::Adjacent => 1.25,
        }
    }
}

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
        kind: PhraseKind,
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
