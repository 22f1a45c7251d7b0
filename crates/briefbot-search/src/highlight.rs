//! Highlighting: where, in a document's texts, the words and phrases a query matched are.

use std::ops::Range;

use super::fields::{Document, FieldId, Step, walk_fields};
use super::index::Index;
use super::matcher::{Matcher, Parts, PhraseKind};
use super::plan::Plan;
use super::postings::DocId;
use super::vocabulary::TermId;
use crate::language::Language;

/// Finds, in a text, the words and phrases a query matched.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    /// Term -> the query words it stands for (a query has few: a list is the fastest map).
    terms: Vec<(TermId, Vec<usize>)>,
    /// Phrases: for each part, its terms and its position; with the words it covers.
    phrases: Vec<(Parts<TermId>, Vec<usize>)>,
}

/// A word of a text being highlighted that the library holds.
struct Mark {
    term: TermId,
    start: usize,
    end: usize,
    position: u32,
}

impl Highlighter {
    /// A highlighter of these terms, each a word of its own (in this order; past the 32nd
    /// they share the last bit of [`TextMarks::words`]): to mark the words one document
    /// shares with another, which no typed query asked for.
    pub fn of_terms(terms: impl IntoIterator<Item = TermId>) -> Self {
        Highlighter {
            terms: terms
                .into_iter()
                .enumerate()
                .map(|(word, term)| (term, vec![word]))
                .collect(),
            phrases: Vec::new(),
        }
    }

    /// What to highlight in `text` (a text of a document of `index`, in `language`).
    pub fn find(&self, index: &Index, language: Language, text: &str) -> TextMarks {
        if self.terms.is_empty() && self.phrases.is_empty() {
            return TextMarks::default();
        }
        let mut ranges = Vec::new();
        let mut words = 0u32;
        // Only phrases need the words kept.
        let mut marks: Vec<Mark> = Vec::new();
        let mut buffer = String::new();
        index
            .analyzer(language)
            .for_each_word(text, |raw, start, position| {
                let Some(term) = index.text_term(language, raw, &mut buffer) else {
                    return;
                };
                let end = start + raw.len();
                if let Some((_, covered)) = self.terms.iter().find(|(t, _)| *t == term) {
                    ranges.push(start..end);
                    words |= mask(covered);
                }
                if !self.phrases.is_empty() {
                    marks.push(Mark {
                        term,
                        start,
                        end,
                        position,
                    });
                }
            });
        for (parts, covered) in &self.phrases {
            for span in phrase_spans(&marks, parts) {
                ranges.push(span);
                words |= mask(covered);
            }
        }
        TextMarks {
            ranges: merge_marks(text, ranges),
            words,
        }
    }
}

/// What to highlight in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextMarks {
    /// Byte ranges, merged and ascending.
    pub ranges: Vec<Range<usize>>,
    /// The query words they stand for, a bit per word (in query order).
    pub words: u32,
}

/// What to highlight in each field of a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMarks {
    /// In field order.
    fields: Vec<TextMarks>,
}

impl FieldMarks {
    /// The marks of `field` (none for a field the document does not have).
    pub fn get(&self, field: FieldId) -> &TextMarks {
        static NONE: TextMarks = TextMarks {
            ranges: Vec::new(),
            words: 0,
        };
        self.fields.get(field.0).unwrap_or(&NONE)
    }

    /// The marks of `field`, taken out (none the second time).
    pub fn take(&mut self, field: FieldId) -> TextMarks {
        self.fields
            .get_mut(field.0)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The marks of every field, in field order.
    pub fn iter(&self) -> impl Iterator<Item = &TextMarks> {
        self.fields.iter()
    }
}

impl Highlighter {
    /// The marks in every field of `brief` (the document at `doc` of `index`), in
    /// [`Document::fields`] order. The same marks as [`Highlighter::find`] gives each field's
    /// text, found from the positions the index keeps: no word is analysed.
    pub fn find_in_document<D: Document>(
        &self,
        index: &Index,
        doc: DocId,
        brief: &D,
    ) -> FieldMarks {
        // One slot per field, filled in as the fields are visited.
        let mut found: Vec<TextMarks> = Vec::new();
        if self.terms.is_empty() && self.phrases.is_empty() {
            brief.fields(&mut |_, _| found.push(TextMarks::default()));
            return FieldMarks { fields: found };
        }
        // Positions of matched words, with the query words they stand for.
        let mut words: Vec<(u32, u32)> = Vec::new();
        for (term, covered) in &self.terms {
            let bits = mask(covered);
            words.extend(
                index
                    .positions(*term, doc)
                    .iter()
                    .map(|&p| (u32::from(p), bits)),
            );
        }
        // Phrases found: the positions of their first and last words, and their query words.
        let mut phrases: Vec<(u32, u32, u32)> = Vec::new();
        for (parts, covered) in &self.phrases {
            let Some(((first_ids, first_offset), rest)) = parts.split_first() else {
                continue;
            };
            let holds = |ids: &[TermId], position: u32| {
                ids.iter().any(|&id| index.holds_at(id, doc, position))
            };
            for &id in first_ids {
                for position in index.positions(id, doc).iter().map(|&p| u32::from(p)) {
                    let Some(start) = position.checked_sub(*first_offset) else {
                        continue;
                    };
                    if rest.iter().all(|(ids, offset)| holds(ids, start + offset)) {
                        let last = rest.iter().map(|(_, o)| start + o).fold(position, u32::max);
                        phrases.push((position, last, mask(covered)));
                    }
                }
            }
        }
        words.sort_unstable();
        // Byte ranges of the words at phrase ends, as the walk meets them.
        let mut ends: Vec<(u32, FieldId, usize, usize)> = Vec::new();
        // Fields after the last marked word need no walk.
        let last = words
            .last()
            .map(|&(p, _)| p)
            .into_iter()
            .chain(phrases.iter().map(|&(_, last, _)| last))
            .max()
            .unwrap_or(0);
        let analyzer = index.analyzer(brief.language());
        // Phrases whose two ends have been met: marked, or found to span two fields.
        let mut resolved = vec![false; phrases.len()];
        let mut marks = TextMarks::default();
        // One walk of the fields: each field's marks are complete, and merged, at its end.
        walk_fields(analyzer, brief, last, |step| match step {
            Step::Word {
                field,
                raw,
                start,
                position,
                ..
            } => {
                let end = start + raw.len();
                let from = words.partition_point(|&(p, _)| p < position);
                for &(_, bits) in words[from..].iter().take_while(|&&(p, _)| p == position) {
                    marks.ranges.push(start..end);
                    marks.words |= bits;
                }
                if phrases
                    .iter()
                    .any(|&(first, last, _)| first == position || last == position)
                {
                    ends.push((position, field, start, end));
                }
            }
            Step::FieldEnd { field, text } => {
                for (&(first, last, bits), resolved) in phrases.iter().zip(&mut resolved) {
                    let at = |position: u32| ends.iter().find(|e| e.0 == position);
                    let (Some(&(_, first_field, start, _)), Some(&(_, last_field, _, end))) =
                        (at(first), at(last))
                    else {
                        continue;
                    };
                    if std::mem::replace(resolved, true) {
                        continue;
                    }
                    // Field gaps keep a phrase's words in one field; the check keeps a mark
                    // inside its text should a document be past the position limit
                    // (positions saturate).
                    if first_field == field && last_field == field && start < end {
                        marks.ranges.push(start..end);
                        marks.words |= bits;
                    }
                }
                let mut done = std::mem::take(&mut marks);
                done.ranges = merge_marks(text, done.ranges);
                found.push(done);
            }
        });
        FieldMarks { fields: found }
    }
}

/// Sorts ranges and merges those that overlap or are separated by white space only:
/// "election hacking" reads better bolded whole than word by word.
fn merge_marks(text: &str, mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last)
                if range.start <= last.end
                    || text[last.end..range.start].chars().all(char::is_whitespace) =>
            {
                last.end = last.end.max(range.end);
            }
            _ => merged.push(range),
        }
    }
    merged
}

fn mask(words: &[usize]) -> u32 {
    words.iter().fold(0, |m, &w| m | (1 << w.min(31)))
}

/// Byte spans of `marks` (the words of a text the library holds) where the phrase occurs.
fn phrase_spans(marks: &[Mark], parts: &[(Vec<TermId>, u32)]) -> Vec<Range<usize>> {
    let Some(((first_terms, first_offset), rest)) = parts.split_first() else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    for (i, mark) in marks.iter().enumerate() {
        if !first_terms.contains(&mark.term) {
            continue;
        }
        let Some(start) = mark.position.checked_sub(*first_offset) else {
            continue;
        };
        let mut end = mark.end;
        let all = rest.iter().all(|(terms, offset)| {
            marks[i..]
                .iter()
                .find(|m| m.position == start + offset)
                .filter(|m| terms.contains(&m.term))
                .map(|m| end = end.max(m.end))
                .is_some()
        });
        if all {
            spans.push(mark.start..end);
        }
    }
    spans
}

impl Highlighter {
    /// What to highlight for `plan`, searched with `matchers`: its plain words' terms and its
    /// phrases (quoted, and compounds split in two).
    pub(crate) fn new(plan: &Plan, matchers: &[Matcher]) -> Highlighter {
        let mut highlighter = Highlighter::default();
        let mut add_term = |term: TermId, words: &[usize]| match highlighter
            .terms
            .iter_mut()
            .find(|(t, _)| *t == term)
        {
            Some((_, covered)) => covered.extend_from_slice(words),
            None => highlighter.terms.push((term, words.to_vec())),
        };
        for (i, word) in plan.words.iter().enumerate() {
            if word.phrase.is_none() {
                for &term in &word.ids {
                    add_term(term, &[i]);
                }
            }
        }
        // A quoted phrase of one word is searched as that word.
        for matcher in matchers {
            if let Matcher::Terms { ids, cover } = matcher
                && cover.iter().any(|&i| plan.words[i].phrase.is_some())
            {
                for &term in ids {
                    add_term(term, cover);
                }
            }
        }
        for matcher in matchers {
            if let Matcher::Phrase { parts, cover, kind } = matcher {
                // Side-by-side pairs are already highlighted word by word.
                if *kind == PhraseKind::Adjacent {
                    continue;
                }
                highlighter.phrases.push((parts.clone(), cover.clone()));
            }
        }
        highlighter
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::MAX_PHRASE_SPAN;
    use crate::query::{Outcome, search};
    use crate::testing::{Fixture, brief};

    /// The marks `find_in_document` gives each field of the brief at `doc`, as text.
    fn marked_fields(f: &Fixture, outcome: &Outcome, doc: usize) -> Vec<Vec<String>> {
        let brief = &f.briefs[doc];
        let found = outcome
            .highlighter
            .find_in_document(&f.index, doc as DocId, brief);
        let mut texts = Vec::new();
        brief.fields(&mut |_, text| texts.push(text.to_owned()));
        texts
            .iter()
            .enumerate()
            .map(|(number, text)| {
                found
                    .get(FieldId(number))
                    .ranges
                    .iter()
                    .map(|r| {
                        text.get(r.clone())
                            .unwrap_or_else(|| panic!("{r:?} in {text:?}"))
                            .to_owned()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn no_phrase_reaches_from_one_field_into_the_next() {
        // "coast" ends the title and "rain" starts the summary: no run of stop words
        // between them in a quoted phrase bridges the gap between the two.
        let f = Fixture::new(vec![brief("s", "2020-01-01", "Storm hits coast", "Rain.")]);
        for stop_words in 0..200 {
            let query = format!("\"coast {}rain\"", "a ".repeat(stop_words));
            let phrase = query.trim_matches('"');
            let outcome = search(&f.index, &query, 10);
            if stop_words < MAX_PHRASE_SPAN as usize {
                assert_eq!(outcome.missing_phrases, [phrase], "{stop_words} stop words");
                assert!(outcome.hits.is_empty(), "{stop_words} stop words");
            } else {
                // Wider than a phrase may be: "rain" is searched on its own.
                assert_eq!(outcome.cut_phrases, [phrase], "{stop_words} stop words");
                assert_eq!(
                    marked_fields(&f, &outcome, 0),
                    [vec!["coast"], vec!["Rain"]],
                    "{stop_words} stop words"
                );
            }
        }
    }

    #[test]
    fn a_phrase_spans_up_to_its_limit_within_a_field() {
        for stop_words in [0, 1, 30, MAX_PHRASE_SPAN as usize - 1] {
            let summary = format!("Coast {}rain.", "a ".repeat(stop_words));
            let f = Fixture::new(vec![brief("s", "2020-01-01", "Storm", &summary)]);
            let query = format!("\"coast {}rain\"", "a ".repeat(stop_words));
            let outcome = search(&f.index, &query, 10);
            assert_eq!(outcome.hits.len(), 1, "{stop_words} stop words");
            assert!(outcome.missing_phrases.is_empty() && outcome.cut_phrases.is_empty());
            let whole = summary.trim_end_matches('.');
            assert_eq!(marked_fields(&f, &outcome, 0)[1], [whole]);
        }
    }

    #[test]
    fn a_phrase_led_by_stop_words_matches_at_the_start_of_a_field() {
        // The phrase's positions count from its first searched word, not from the quote.
        let f = Fixture::new(vec![brief("s", "2020-01-01", "Storm hits coast", "Rain.")]);
        for query in ["\"the storm hits\"", "\"a a a storm hits\""] {
            let outcome = search(&f.index, query, 10);
            assert_eq!(outcome.hits.len(), 1, "{query}");
            assert!(outcome.missing_phrases.is_empty(), "{query}");
            assert_eq!(marked_fields(&f, &outcome, 0)[0], ["Storm hits"], "{query}");
        }
        let outcome = search(&f.index, "\"the storm hits\"", 10);
        let text = "Storm hits the coast.";
        let marks = outcome.highlighter.find(&f.index, Language::English, text);
        assert_eq!(marks.ranges, [Range { start: 0, end: 10 }]);
    }

    #[test]
    fn a_quoted_single_word_is_highlighted() {
        let f = Fixture::new(vec![brief("s", "2020-01-01", "Storm hits coast", "Rain.")]);
        let outcome = search(&f.index, "\"coast\"", 10);
        assert_eq!(marked_fields(&f, &outcome, 0), [vec!["coast"], vec![]]);
    }

    #[test]
    fn highlights_cover_words_phrases_and_corrections() {
        let f = Fixture::new(vec![brief(
            "s",
            "2020-01-01",
            "Cyber security unit",
            "Elections were hacked.",
        )]);
        let text = "A cyber-security unit against hackers in elections.";
        let outcome = search(&f.index, "\"cyber security\" electoins", 10);
        let TextMarks { ranges, words } =
            outcome.highlighter.find(&f.index, Language::English, text);
        let marked: Vec<&str> = ranges.iter().map(|m| &text[m.clone()]).collect();
        assert_eq!(marked, ["cyber-security", "elections"]);
        assert_eq!(words, 0b111);
    }
}
