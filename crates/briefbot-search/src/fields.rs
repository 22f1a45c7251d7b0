//! Fields: what the engine indexes. A document is a language, a way to order ties and a list
//! of texts with weights; its fields are laid out one after another in one position space,
//! `FIELD_GAP` apart, and a field is known by its place in the list.

use std::sync::Arc;

use super::analysis::Analyzer;
use crate::language::Language;

/// The farthest apart two words of one phrase may be, in positions (stop words count). A
/// quoted phrase that spans more is cut to this span before it is looked for.
pub const MAX_PHRASE_SPAN: u32 = 63;
/// Positions left empty between two fields (or two quotes, or two tags). The last word of a
/// field and the first of the next are `FIELD_GAP` positions apart, more than any phrase
/// spans: so no phrase is ever found with one word in a field and another in the next.
pub(crate) const FIELD_GAP: u32 = MAX_PHRASE_SPAN + 1;
/// The longest phrase that can be matched, in words.
pub const MAX_PHRASE_WORDS: usize = 32;

/// How much a word of a field counts, in halves of a unit: a whole number, so that the
/// weighted frequencies the index keeps add up exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weight {
    halves: u8,
}

impl Weight {
    /// A weight of `halves` / 2.
    pub const fn from_halves(halves: u8) -> Self {
        Weight { halves }
    }

    /// How much a word of the field counts.
    pub fn value(self) -> f32 {
        f32::from(u16::from(self.halves)) / 2.0
    }

    /// [`Weight::value`] in halves, which makes it a whole number.
    pub(crate) fn halves(self) -> u32 {
        u32::from(self.halves)
    }
}

/// A field of a document: its place in [`Document::fields`] order, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldId(pub usize);

/// Something to index: texts with weights, in a language, ordered among equals by recency.
///
/// Implemented for references and `Arc`s of documents too, so that a slice of either can be
/// indexed as it is.
pub trait Document {
    /// The language of the texts: they are analysed in it.
    fn language(&self) -> Language;

    /// Calls `visit` with each searched text and its weight, in the order their words take
    /// positions. A field is known by its place in this order: its [`FieldId`]. A visitor, not
    /// an iterator of borrowed texts, so that a document may keep its texts compressed and
    /// unpack them once for the visit.
    fn fields(&self, visit: &mut dyn FnMut(Weight, &str));

    /// Orders documents of equal score: the lower, the earlier (for news, newest first).
    fn recency(&self) -> impl Ord + '_;
}

impl<D: Document + ?Sized> Document for &D {
    fn language(&self) -> Language {
        (**self).language()
    }

    fn fields(&self, visit: &mut dyn FnMut(Weight, &str)) {
        (**self).fields(visit)
    }

    fn recency(&self) -> impl Ord + '_ {
        (**self).recency()
    }
}

impl<D: Document + ?Sized> Document for Arc<D> {
    fn language(&self) -> Language {
        (**self).language()
    }

    fn fields(&self, visit: &mut dyn FnMut(Weight, &str)) {
        (**self).fields(visit)
    }

    fn recency(&self) -> impl Ord + '_ {
        (**self).recency()
    }
}

/// Calls `visit(field, weight, word, byte offset in the field, position)` for every
/// word of every field of `document`, in [`Document::fields`] order, with the word's position
/// as the index stores it: fields follow one another in one position space, `FIELD_GAP` apart.
pub fn for_each_field_word<D: Document>(
    analyzer: &Analyzer,
    document: &D,
    mut visit: impl FnMut(FieldId, Weight, &str, usize, u32),
) {
    walk_fields(analyzer, document, u32::MAX, |step| {
        if let Step::Word {
            field,
            weight,
            raw,
            start,
            position,
        } = step
        {
            visit(field, weight, raw, start, position);
        }
    });
}

/// What [`walk_fields`] meets.
pub(crate) enum Step<'t> {
    /// A word: as written, its byte offset in its field's text, and its position.
    Word {
        field: FieldId,
        weight: Weight,
        raw: &'t str,
        start: usize,
        position: u32,
    },
    /// The end of a field, with its whole text: after its words, or alone for a field past
    /// `through`, whose words are not read.
    FieldEnd { field: FieldId, text: &'t str },
}

/// Calls `visit` with every word of every field of `document` up to the first field that
/// starts after position `through`, then with the end of each field: one visit of the
/// document's fields, which a document with packed texts unpacks once.
pub(crate) fn walk_fields<D: Document>(
    analyzer: &Analyzer,
    document: &D,
    through: u32,
    mut visit: impl FnMut(Step<'_>),
) {
    let mut base = 0u32;
    let mut number = 0;
    document.fields(&mut |weight, text| {
        let field = FieldId(number);
        number += 1;
        if base <= through {
            let mut last = 0;
            analyzer.for_each_word(text, |raw, start, position| {
                last = position;
                visit(Step::Word {
                    field,
                    weight,
                    raw,
                    start,
                    position: base.saturating_add(position),
                });
            });
            base = base.saturating_add(last).saturating_add(FIELD_GAP);
        }
        visit(Step::FieldEnd { field, text });
    });
}

/// Where a word is in a document, counting every word (stop words too), the fields one after
/// another, `FIELD_GAP` apart. Two bytes hold one: positions past [`MAX_POSITION`] are all
/// kept as `Position::MAX`, so a document that long is still found by its later words, but
/// phrases and highlights there may be missed.
pub type Position = u16;

/// The last position kept exactly.
pub const MAX_POSITION: usize = Position::MAX as usize - 1;

/// The positions a document takes at most with `fields` fields of `words` words in all (one
/// word per character at most, as CJK text has): for a document format to check that its
/// limits keep every position at most [`MAX_POSITION`].
pub const fn positions_needed(fields: usize, words: usize) -> usize {
    words + fields * FIELD_GAP as usize
}
