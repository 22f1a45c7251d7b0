//! "Who said it?": [`said`] finds the quotes whose text holds words a person half remembers,
//! with the analysis of `ask` (stems, accents, typos, phrases, any word order).
//!
//! It asks the engine, not every quote: the briefs are searched for the words as `ask`
//! searches them, and the highlighter then says, from the positions the index keeps, which
//! words each quote text of the best [`CANDIDATE_BRIEFS`] briefs holds (the quote texts are
//! fields of their brief, `BriefFields::quote`). The engine ranks first the briefs that hold
//! the most of the words, so a brief whose quote holds them all is among the first walked;
//! the work is the engine's search plus at most [`CANDIDATE_BRIEFS`] briefs' highlights,
//! whatever the size of the library.

use super::filters::Filters;
use super::notes::{Note, search_notes};
use super::quotes::speaker_quote;
use super::{Headline, SpeakerQuote};
use crate::library::{BriefFields, Library};
use crate::search::{Scope, TextMarks, search_within};
use crate::speakers::QuoteRef;

/// How many of the best briefs for the words have their quotes looked at.
pub const CANDIDATE_BRIEFS: usize = 1000;

/// A quote that says some of the words, with how well it matches.
#[derive(Debug, Clone, PartialEq)]
pub struct SaidQuote {
    /// The quote, its matched words marked.
    pub quote: SpeakerQuote,
    /// How many of the asked words the quote says, plus, below one, how well its brief
    /// matches them beside the best brief (half the best brief's score is 0.5).
    pub score: f32,
}

/// The reply to "who said …?".
#[derive(Debug, Clone, PartialEq)]
pub struct SaidAnswer {
    /// The words as asked.
    pub query: String,
    /// Best first.
    pub quotes: Vec<SaidQuote>,
    /// How many quotes say some of the words (`quotes` holds the best of them).
    pub total: usize,
    /// The corrected words that were searched, when a word was corrected.
    pub suggestion: Option<String>,
    pub notes: Vec<Note>,
}

impl SaidAnswer {
    /// What to say above the quotes: that they are for corrected words.
    pub fn showing(&self) -> Option<Headline<'_>> {
        self.suggestion.as_deref().map(Headline::ShowingResultsFor)
    }
}

/// The quotes saying `words`, best first, at most `limit` of them. Filters among the words
/// (`since:2017`, `speaker:putin`, `tag:russia`) keep only the quotes of the briefs they
/// allow, and with `speaker:` only that person's quotes.
pub fn said(library: &Library, words: &str, limit: usize) -> SaidAnswer {
    let asked = words;
    let (filters, rest) = match Filters::take_from(words) {
        Ok(taken) => taken,
        Err(error) => {
            return SaidAnswer {
                query: words.to_owned(),
                quotes: Vec::new(),
                total: 0,
                suggestion: None,
                notes: vec![Note::BadFilter(error)],
            };
        }
    };
    let allowed = filters.narrows().then(|| filters.allowed(library));
    let scope = Scope {
        within: allowed.as_ref().and_then(|a| a.docs.as_ref()),
        key: None,
    };
    let outcome = search_within(library.index(), &rest, CANDIDATE_BRIEFS, scope);
    // With `speaker:`, that person's quotes, sorted to be looked up.
    let by: Option<Vec<(u32, usize)>> =
        allowed
            .as_ref()
            .and_then(|a| a.quotes.as_ref())
            .map(|quotes| {
                let mut by: Vec<(u32, usize)> = quotes.iter().map(|q| (q.doc, q.quote)).collect();
                by.sort_unstable();
                by
            });
    let words = rest.as_str();
    let mut notes: Vec<Note> = allowed.iter().flat_map(|a| a.notes.clone()).collect();
    notes.extend(
        search_notes(&outcome, words)
            .into_iter()
            .map(|note| match note {
                Note::EmptyQuery => Note::NoQuoteWords,
                other => other,
            }),
    );
    let best = outcome.hits.first().map_or(0.0, |hit| hit.score);
    let mut found: Vec<Found> = Vec::new();
    for (place, hit) in outcome.hits.iter().enumerate() {
        let brief = library.brief(hit.doc);
        let fields = BriefFields::of(brief);
        let mut marks = outcome
            .highlighter
            .find_in_document(library.index(), hit.doc, brief);
        let brief_share = if best > 0.0 { hit.score / best } else { 0.0 };
        for quote in 0..brief.quotes.len() {
            let TextMarks { ranges, words } = marks.take(fields.quote(quote));
            let at = QuoteRef {
                doc: hit.doc,
                quote,
            };
            if words == 0
                || by
                    .as_ref()
                    .is_some_and(|by| by.binary_search(&(at.doc, at.quote)).is_err())
            {
                continue;
            }
            found.push(Found {
                score: words.count_ones() as f32 + 0.5 * brief_share.min(1.0),
                place,
                at,
                ranges,
            });
        }
    }
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.place.cmp(&b.place))
            .then(a.at.quote.cmp(&b.at.quote))
    });
    if found.is_empty() && !outcome.words.is_empty() {
        notes.push(Note::NoQuoteSays {
            words: words.trim().to_owned(),
        });
    }
    let total = found.len();
    found.truncate(limit);
    SaidAnswer {
        query: asked.to_owned(),
        quotes: found
            .into_iter()
            .map(|found| SaidQuote {
                quote: speaker_quote(library, found.at, found.ranges),
                score: found.score,
            })
            .collect(),
        total,
        suggestion: outcome.suggestion,
        notes,
    }
}

/// A quote saying some of the words, with what orders it.
struct Found {
    score: f32,
    /// Its brief's place among the hits.
    place: usize,
    at: QuoteRef,
    /// The words in its text.
    ranges: Vec<std::ops::Range<usize>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> Library {
        let brief = |id: &str, date: &str, title: &str, quotes: &[(&str, &str)]| {
            let mut text =
                format!("title = {title:?}\npublished = {date}\nsummary = \"A summary.\"\n");
            for (speaker, said) in quotes {
                text.push_str(&format!(
                    "\n[[quotes]]\nspeaker = {speaker:?}\nrole = \"Mayor\"\ntext = {said:?}\n"
                ));
            }
            crate::brief::parse(
                std::path::Path::new(&format!("{id}.toml")),
                text.as_bytes(),
                crate::language::Language::English,
            )
            .unwrap()
        };
        Library::new(vec![
            brief(
                "harbour",
                "2020-01-01",
                "Harbour storm closes the ferries",
                &[
                    ("Ann Lee", "The storm will pass by Friday, we hope."),
                    (
                        "Bo Chen",
                        "Our ferries are never cancelled lightly; the harbour wall held.",
                    ),
                ],
            ),
            brief(
                "ferries",
                "2021-01-01",
                "Ferries return after the storm",
                &[("Cy Day", "Ferries sail again. The storm is gone.")],
            ),
        ])
    }

    #[test]
    fn a_half_remembered_line_finds_its_quote_first() {
        let library = library();
        for typed in [
            "harbour wall ferries",
            "ferry cancel harbor",
            "HARBOUR walls canceled",
            "\"harbour wall\"",
        ] {
            let answer = said(&library, typed, 5);
            let first = &answer.quotes[0].quote;
            assert_eq!(first.speaker, "Bo Chen", "{typed}");
            assert_eq!(first.brief_id, "harbour", "{typed}");
            assert!(!first.text.marks.is_empty(), "{typed}");
        }
    }

    #[test]
    fn quotes_are_ranked_by_the_words_they_say_and_only_quotes_count() {
        let library = library();
        let answer = said(&library, "storm friday", 5);
        let speakers: Vec<&str> = answer
            .quotes
            .iter()
            .map(|q| q.quote.speaker.as_str())
            .collect();
        assert_eq!(speakers, ["Ann Lee", "Cy Day"], "Bo Chen says neither word");
        assert_eq!(answer.total, 2);
        assert!(answer.quotes[0].score > answer.quotes[1].score);
        assert_eq!(
            answer.quotes[0].quote.text.marked_words(),
            ["storm", "Friday"]
        );
        let limited = said(&library, "storm friday", 1);
        assert_eq!(limited.quotes.len(), 1);
        assert_eq!(limited.total, 2);
    }

    #[test]
    fn words_only_in_titles_or_summaries_find_no_quote_and_say_so() {
        let library = library();
        let answer = said(&library, "return", 5);
        assert!(answer.quotes.is_empty());
        assert_eq!(
            answer.notes,
            [Note::NoQuoteSays {
                words: "return".into()
            }]
        );
    }

    #[test]
    fn empty_words_ask_for_words() {
        let answer = said(&library(), "  ", 5);
        assert!(answer.quotes.is_empty());
        assert_eq!(answer.notes, [Note::NoQuoteWords]);
    }
}
