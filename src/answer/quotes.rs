//! Asking what a person said: [`quotes`] resolves the typed name to speakers and lists
//! their quotes, newest first or, with a topic, those about it best first;
//! [`select_quotes`] keeps only which quotes, for a face that shows one page at a time.

use std::collections::HashMap;
use std::ops::Range;

use super::notes::{Note, search_notes};
use super::{Candidate, Marked, QuotesAnswer, SpeakerMatch, SpeakerQuote};
use crate::library::{BriefFields, Library, Opened};
use crate::search::{Highlighter, TextMarks, search};
use crate::speakers::{QuoteRef, Resolution};

/// Every quote by the speaker `typed` names, optionally only those about `about`.
pub fn quotes(
    library: &Library,
    typed: &str,
    about: Option<&str>,
    limit: Option<usize>,
) -> QuotesAnswer {
    let (mut answer, mut chosen, _) = choose_quotes(library, typed, about);
    chosen.truncate(limit.unwrap_or(usize::MAX));
    answer.quotes = chosen
        .into_iter()
        .map(|(at, marks)| speaker_quote(library, at, marks))
        .collect();
    answer
}

/// Which quotes a [`quotes`] answer lists, in order, as places in the library they were
/// chosen from, without their texts: what an answer shown a page at a time keeps.
#[derive(Debug, Clone)]
pub struct QuoteSelection {
    /// The answer without its quotes; `total` counts every quote chosen, kept or not.
    pub answer: QuotesAnswer,
    kept: Vec<QuoteRef>,
    /// What the topic matched, to mark it in the quotes when they are shown.
    highlighter: Option<Highlighter>,
}

impl QuoteSelection {
    /// How many quotes were kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// The kept quotes at `range` (those that exist), from `library`, which must be the
    /// library they were chosen from (a doc id means nothing in another).
    pub fn quotes(&self, library: &Library, range: Range<usize>) -> Vec<SpeakerQuote> {
        let end = range.end.min(self.kept.len());
        self.kept[range.start.min(end)..end]
            .iter()
            .map(|&at| {
                let opened = Opened::new(library.brief(at.doc));
                let marks = self
                    .highlighter
                    .as_ref()
                    .map(|highlighter| {
                        highlighter
                            .find_in_document(library.index(), at.doc, &opened)
                            .take(BriefFields::of(opened.brief).quote(at.quote))
                            .ranges
                    })
                    .unwrap_or_default();
                quote_of(&opened, at, marks)
            })
            .collect()
    }
}

/// The quotes [`quotes`] would list, keeping the first `keep` of them; a note says so when
/// there were more.
pub fn select_quotes(
    library: &Library,
    typed: &str,
    about: Option<&str>,
    keep: usize,
) -> QuoteSelection {
    let (mut answer, mut chosen, highlighter) = choose_quotes(library, typed, about);
    chosen.truncate(keep);
    if answer.total > chosen.len() {
        answer.notes.push(Note::OnlySomeKept {
            kept: chosen.len(),
            on_topic: answer.about.is_some(),
        });
    }
    QuoteSelection {
        answer,
        kept: chosen.into_iter().map(|(at, _)| at).collect(),
        highlighter,
    }
}

/// One quote as listed, with the matches in its text.
pub(super) fn speaker_quote(
    library: &Library,
    at: QuoteRef,
    marks: Vec<Range<usize>>,
) -> SpeakerQuote {
    quote_of(&Opened::new(library.brief(at.doc)), at, marks)
}

/// [`speaker_quote`], its brief already opened.
fn quote_of(opened: &Opened<'_>, at: QuoteRef, marks: Vec<Range<usize>>) -> SpeakerQuote {
    let brief = opened.brief;
    let quote = &brief.quotes[at.quote];
    SpeakerQuote {
        speaker: quote.speaker.to_string(),
        role: quote.role.as_deref().map(str::to_owned),
        text: Marked {
            text: opened.text.quote(at.quote).to_owned(),
            marks,
        },
        context: quote.context.as_deref().map(str::to_owned),
        brief_id: brief.id.to_string(),
        brief_title: brief.title.clone(),
        published: brief.published.to_string(),
        source: brief.source.clone(),
    }
}

/// The answer to a `quotes` request without its quotes, which quotes it lists in order (with
/// the topic's matches in each text), and what the topic matched.
type Chosen = (
    QuotesAnswer,
    Vec<(QuoteRef, Vec<Range<usize>>)>,
    Option<Highlighter>,
);

/// Works out a `quotes` request: see [`Chosen`].
fn choose_quotes(library: &Library, typed: &str, about: Option<&str>) -> Chosen {
    let speakers = library.speakers();
    let (matched, found) = match speakers.resolve(typed) {
        Resolution::Found(at) => (SpeakerMatch::Found, vec![at]),
        Resolution::Ambiguous(ats) => (SpeakerMatch::Ambiguous, ats),
        Resolution::NotFound(close) => (SpeakerMatch::Suggestions, close),
    };
    let candidates: Vec<Candidate> = found
        .iter()
        .map(|&at| {
            let speaker = speakers.get(at);
            Candidate {
                name: speaker.name.clone(),
                roles: speaker.roles.clone(),
                quotes: speaker.quotes.len(),
            }
        })
        .collect();
    let names = || {
        candidates
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    let mut notes = match matched {
        SpeakerMatch::Found => Vec::new(),
        SpeakerMatch::Ambiguous => vec![Note::AmbiguousSpeaker {
            typed: typed.trim().to_owned(),
            candidates: names(),
        }],
        SpeakerMatch::Suggestions if typed.trim().is_empty() => vec![Note::NoSpeakerGiven],
        SpeakerMatch::Suggestions => vec![Note::NoSuchSpeaker {
            typed: typed.trim().to_owned(),
            suggestions: names(),
        }],
    };
    let quoted: Vec<_> = if matched == SpeakerMatch::Suggestions {
        Vec::new()
    } else {
        // Each quote with its candidate's place, to keep the candidates' quotes grouped.
        found
            .iter()
            .enumerate()
            .flat_map(|(group, &at)| speakers.get(at).quotes.iter().map(move |&q| (group, q)))
            .collect()
    };
    let topic = about.map(str::trim).filter(|t| !t.is_empty());
    let mut suggestion = None;
    let mut highlighter = None;
    let chosen: Vec<(QuoteRef, Vec<Range<usize>>)> = match topic {
        None => quoted
            .into_iter()
            .map(|(_, quote)| (quote, Vec::new()))
            .collect(),
        Some(topic) => {
            let outcome = search(library.index(), topic, library.len());
            suggestion = outcome.suggestion.clone();
            let brief_scores: HashMap<u32, f32> =
                outcome.hits.iter().map(|h| (h.doc, h.score)).collect();
            let mut ranked = Vec::new();
            for (order, (group, quote)) in quoted.into_iter().enumerate() {
                let brief = library.brief(quote.doc);
                let TextMarks {
                    ranges: marks,
                    words,
                } = outcome
                    .highlighter
                    .find_in_document(library.index(), quote.doc, brief)
                    .take(BriefFields::of(brief).quote(quote.quote));
                let brief_score = brief_scores.get(&quote.doc).copied();
                if words == 0 && brief_score.is_none() {
                    continue;
                }
                ranked.push(OnTopic {
                    group,
                    words: words.count_ones(),
                    brief_score: brief_score.unwrap_or(0.0),
                    order,
                    quote,
                    marks,
                });
            }
            // Grouped by candidate; within a group, quotes saying the topic first, then
            // quotes from briefs about it, then newest.
            ranked.sort_by(|a, b| {
                a.group
                    .cmp(&b.group)
                    .then(b.words.cmp(&a.words))
                    .then(b.brief_score.total_cmp(&a.brief_score))
                    .then(a.order.cmp(&b.order))
            });
            if ranked.is_empty() && matched != SpeakerMatch::Suggestions {
                notes.push(Note::NoQuoteOnTopic {
                    speakers: names(),
                    topic: topic.to_owned(),
                });
            }
            notes.extend(
                // The speaker is asked about, so common words alone are no empty request.
                search_notes(&outcome, topic)
                    .into_iter()
                    .filter(|note| !matches!(note, Note::OnlyCommonWords { .. })),
            );
            highlighter = Some(outcome.highlighter);
            ranked
                .into_iter()
                .map(|on_topic| (on_topic.quote, on_topic.marks))
                .collect()
        }
    };
    let answer = QuotesAnswer {
        speaker: typed.to_owned(),
        about: topic.map(str::to_owned),
        matched,
        candidates,
        quotes: Vec::new(),
        total: chosen.len(),
        suggestion,
        notes,
    };
    (answer, chosen, highlighter)
}

/// A quote of the speaker asked about that is on the topic, with what orders it.
struct OnTopic {
    /// Its speaker's place among the candidates.
    group: usize,
    /// How many of the topic's words it says.
    words: u32,
    /// Its brief's score for the topic (0 when the brief is not among the hits).
    brief_score: f32,
    /// Its place among the candidates' quotes, newest first within each.
    order: usize,
    quote: QuoteRef,
    /// The topic's words in its text.
    marks: Vec<Range<usize>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_shows_any_range_of_the_quotes_as_the_whole_answer_does() {
        let library = Library::new(
            (0..12)
                .map(|i| {
                    let about = if i % 3 == 0 { "the storm" } else { "taxes" };
                    let text = format!(
                        "title = \"Brief {i}\"\npublished = 2020-01-{:02}\nsummary = \"About {about}.\"\n\n[[quotes]]\nspeaker = \"Ada Lovelace\"\ntext = \"Quote {i} on {about}.\"\n",
                        i + 1
                    );
                    crate::brief::parse(
                        std::path::Path::new(&format!("b{i}.toml")),
                        text.as_bytes(),
                        crate::language::Language::English,
                    )
                    .unwrap()
                })
                .collect(),
        );
        for topic in [None, Some("storm")] {
            let whole = quotes(&library, "lovelace", topic, None);
            let selection = select_quotes(&library, "lovelace", topic, 3);
            assert_eq!(selection.answer.total, whole.total);
            assert_eq!(selection.len(), 3.min(whole.total), "kept only 3");
            assert!(selection.answer.quotes.is_empty(), "no texts kept");
            assert_eq!(selection.quotes(&library, 1..3), whole.quotes[1..3]);
            assert_eq!(
                selection.quotes(&library, 2..9).len(),
                1,
                "clamped to what is kept"
            );
        }
        let storm = select_quotes(&library, "lovelace", Some("storm"), 10);
        assert_eq!(storm.len(), 4);
        assert_eq!(
            storm.quotes(&library, 0..1)[0].text.marked_words(),
            ["storm"],
            "the topic is marked in the text"
        );
    }
}
