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

use super::notes::{Note, search_notes};
use super::quotes::speaker_quote;
use super::{Headline, SpeakerQuote};
use crate::library::{BriefFields, Library};
use crate::search::{TextMarks, search};
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

/// The quotes saying `words`, best first, at most `limit` of them.
pub fn said(library: &Library, words: &str, limit: usize) -> SaidAnswer {
    let outcome = search(library.index(), words, CANDIDATE_BRIEFS);
    let mut notes: Vec<Note> = search_notes(&outcome, words)
        .into_iter()
        .map(|note| match note {
            Note::EmptyQuery => Note::NoQuoteWords,
            other => other,
        })
        .collect();
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
            if words == 0 {
                continue;
            }
            found.push(Found {
                score: words.count_ones() as f32 + 0.5 * brief_share.min(1.0),
                place,
                at: QuoteRef {
                    doc: hit.doc,
                    quote,
                },
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
        query: words.to_owned(),
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
