//! Fields: the searched texts of a brief, in the order they are laid out in one position
//! space, each with its weight, and the positions the index gives their words.

use super::analyze::Analyzer;
use crate::brief::Brief;

/// Positions left empty between two fields (or two quotes, or two tags).
pub(crate) const FIELD_GAP: u32 = 64;
/// The longest phrase that can be matched, in words.
pub const MAX_PHRASE_WORDS: usize = 32;

/// The parts of a brief that are searched, with their weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Tag,
    Summary,
    Speaker,
    Quote,
}

impl Field {
    /// How much a word in this field counts compared with a word in a quote.
    pub fn weight(self) -> f32 {
        f32::from(self.halves() as u16) / 2.0
    }

    /// [`Field::weight`] in halves, which makes it a whole number.
    pub(crate) fn halves(self) -> u32 {
        match self {
            Field::Title | Field::Tag => 6,
            Field::Summary | Field::Speaker => 3,
            Field::Quote => 2,
        }
    }
}

/// The searched texts of a brief, in position order.
pub fn fields(brief: &Brief) -> impl Iterator<Item = (Field, &str)> {
    std::iter::once((Field::Title, brief.title.as_str()))
        .chain(brief.tags.iter().map(|tag| (Field::Tag, &**tag)))
        .chain(std::iter::once((Field::Summary, brief.summary.as_str())))
        .chain(brief.quotes.iter().flat_map(|quote| {
            [
                (Field::Speaker, &*quote.speaker),
                (Field::Quote, quote.text.as_str()),
            ]
        }))
}

/// Calls `visit(field number, field, word, byte offset in the field, position)` for every
/// word of every searched field of `brief`, in [`fields`] order, with the word's position as
/// the index stores it: fields follow one another in one position space, `FIELD_GAP` apart.
pub fn for_each_field_word<'b>(
    analyzer: &Analyzer,
    brief: &'b Brief,
    visit: impl FnMut(usize, Field, &'b str, usize, u32),
) {
    for_each_field_word_through(analyzer, brief, u32::MAX, visit);
}

/// [`for_each_field_word`], stopping at the first field that starts after position `through`.
pub fn for_each_field_word_through<'b>(
    analyzer: &Analyzer,
    brief: &'b Brief,
    through: u32,
    mut visit: impl FnMut(usize, Field, &'b str, usize, u32),
) {
    let mut base = 0u32;
    for (number, (field, text)) in fields(brief).enumerate() {
        if base > through {
            break;
        }
        let mut last = 0;
        analyzer.for_each_word(text, |raw, start, position| {
            last = position;
            visit(number, field, raw, start, base.saturating_add(position));
        });
        base = base.saturating_add(last).saturating_add(FIELD_GAP);
    }
}

/// Where a word is in a brief, counting every word (stop words too), the fields one after
/// another, `FIELD_GAP` apart. The brief format's limits keep every position below
/// [`MAX_POSITION`], so two bytes hold one.
pub type Position = u16;

/// The largest position a valid brief can have: every field at its longest, one word per
/// character (CJK text is), plus the gaps between fields.
pub const MAX_POSITION: usize = {
    use crate::brief::*;
    let fields = 1 + MAX_TAGS + 1 + 2 * MAX_QUOTES;
    MAX_TITLE
        + MAX_TAGS * MAX_SHORT
        + MAX_SUMMARY
        + MAX_QUOTES * (MAX_SPEAKER + MAX_QUOTE)
        + fields * FIELD_GAP as usize
};
const _: () = assert!(MAX_POSITION < Position::MAX as usize);
