//! What an answer says besides its results: [`Note`]s (why nothing matched, what was ignored
//! or corrected) and [`Headline`]s (the results are for a corrected query; nothing matched),
//! as data. Their neutral English wording is here, in `Display`: what the terminal and the
//! JSON print. A face that words one differently (Discord's quotation marks, its paging)
//! matches on the variant, never on the words.

use std::fmt;

use crate::search::{
    MAX_PHRASE_SPAN, MAX_QUERY_CHARS, MAX_QUERY_WORDS, MAX_TYPO_SEARCHES, Outcome,
};

/// Something the user should know about an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The question is empty (or white space).
    EmptyQuery,
    /// The question has no word that can be searched (no letters or digits, or too long).
    NothingSearchable,
    /// The question held only common words (and filler), which are not searched.
    OnlyCommonWords { words: Vec<String> },
    /// A word no brief holds was searched as a close one that some do.
    Corrected { typed: String, corrected: String },
    /// Words no brief holds, with nothing close enough to search instead.
    UnknownWords { words: Vec<String> },
    /// Words not looked at for typos: a question gets only so many typo searches.
    TyposNotChecked { words: Vec<String> },
    /// A quoted phrase no brief holds.
    NoPhrase { phrase: String },
    /// A quoted phrase too long to match whole: its far words were searched on their own.
    PhraseCut { phrase: String },
    /// Nothing matched, and these common words were not searched.
    CommonWordsIgnored { words: Vec<String> },
    /// The question was cut to the length that is searched.
    QueryTruncated,
    /// The speaker's name fits several people; their quotes are grouped by person.
    AmbiguousSpeaker {
        typed: String,
        candidates: Vec<String>,
    },
    /// No speaker name was given.
    NoSpeakerGiven,
    /// Nobody of that name is quoted; `suggestions` are the closest names.
    NoSuchSpeaker {
        typed: String,
        suggestions: Vec<String>,
    },
    /// None of the speakers' quotes is about the topic.
    NoQuoteOnTopic {
        speakers: Vec<String>,
        topic: String,
    },
    /// No words were given to find a quote by.
    NoQuoteWords,
    /// No quote says any of these words.
    NoQuoteSays { words: String },
    /// Only the first `kept` quotes of the answer were kept (the newest, or with a topic the
    /// best): a narrower request finds fewer.
    OnlySomeKept { kept: usize, on_topic: bool },
    /// A filter's value cannot be read (`since:yesterday`): nothing was searched.
    BadFilter(super::filters::FilterError),
    /// A `speaker:` filter fits several people: briefs quoting any of them are shown.
    SpeakerFilterAmbiguous {
        typed: String,
        candidates: Vec<String>,
    },
}

/// The example topic every "ask about a topic" note gives.
const EXAMPLE: &str = "`election hacking`";

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |words: &[String]| words.join(", ");
        match self {
            Note::EmptyQuery => write!(
                f,
                "The question is empty: ask about a topic, for example {EXAMPLE}."
            ),
            Note::NothingSearchable => write!(
                f,
                "Nothing in the question can be searched: a word needs letters or digits and at most 64 characters. Ask about a topic, for example {EXAMPLE}."
            ),
            Note::OnlyCommonWords { words } => write!(
                f,
                "Only common words were asked ({}), and they are not searched: add a topic, for example {EXAMPLE}.",
                list(words)
            ),
            Note::Corrected { typed, corrected } => write!(
                f,
                "No brief contains \"{typed}\"; searched for \"{corrected}\" instead."
            ),
            Note::UnknownWords { words } => write!(
                f,
                "No brief contains {}: {}.",
                if words.len() == 1 {
                    "this word"
                } else {
                    "these words"
                },
                list(words)
            ),
            Note::TyposNotChecked { words } => write!(
                f,
                "Typos are looked for in at most {MAX_TYPO_SEARCHES} words of a question; not in: {}.",
                list(words)
            ),
            Note::NoPhrase { phrase } => write!(f, "No brief contains the phrase \"{phrase}\"."),
            Note::PhraseCut { phrase } => write!(
                f,
                "The phrase \"{phrase}\" is too long to match whole: its words more than {MAX_PHRASE_SPAN} words after its first were searched on their own."
            ),
            Note::CommonWordsIgnored { words } => {
                write!(f, "Common words were ignored: {}.", list(words))
            }
            Note::QueryTruncated => write!(
                f,
                "The question was long: only its first {MAX_QUERY_CHARS} characters and {MAX_QUERY_WORDS} words were searched."
            ),
            Note::AmbiguousSpeaker { typed, candidates } => write!(
                f,
                "\"{typed}\" could be {} people: {}. Their quotes are grouped by person; ask with the full name for one.",
                candidates.len(),
                list(candidates)
            ),
            Note::NoSpeakerGiven => write!(f, "Which speaker? Give a name, for example `putin`."),
            Note::NoSuchSpeaker { typed, suggestions } => {
                write!(f, "No one called \"{typed}\" is quoted in the briefs.")?;
                if !suggestions.is_empty() {
                    write!(f, " Did you mean: {}?", list(suggestions))?;
                }
                Ok(())
            }
            Note::NoQuoteOnTopic { speakers, topic } => {
                write!(f, "No quote by {} is about \"{topic}\".", list(speakers))
            }
            Note::NoQuoteWords => write!(
                f,
                "Which words? Type some words of the quote, in any order, for example `putin pressed twice`."
            ),
            Note::NoQuoteSays { words } => write!(f, "No quote says \"{words}\"."),
            Note::BadFilter(error) => write!(f, "{error}."),
            Note::SpeakerFilterAmbiguous { typed, candidates } => write!(
                f,
                "speaker:\"{typed}\" could be {} people: {}. Briefs quoting any of them are shown; give the full name for one.",
                candidates.len(),
                list(candidates)
            ),
            Note::OnlySomeKept { kept, on_topic } => {
                if *on_topic {
                    write!(
                        f,
                        "Only the best {kept} are kept; a narrower topic finds fewer."
                    )
                } else {
                    write!(
                        f,
                        "Only the newest {kept} are kept; add a topic to narrow them."
                    )
                }
            }
        }
    }
}

/// In JSON a note is its neutral wording.
impl serde::Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What an answer says above its results, or in their place when there are none and no
/// note says why. Each face words it (and escapes what the user typed) its own way;
/// `Display` is the neutral wording, the terminal's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headline<'a> {
    /// The briefs shown are for this corrected query.
    ShowingResultsFor(&'a str),
    /// The quotes shown are about this corrected topic.
    ShowingQuotesAbout(&'a str),
    /// No brief matches the query (as asked).
    NoBriefMatches(&'a str),
    /// No quote was found for the speaker (as asked).
    NoQuotesFound(&'a str),
}

impl fmt::Display for Headline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Headline::ShowingResultsFor(query) => write!(f, "Showing results for \"{query}\"."),
            Headline::ShowingQuotesAbout(topic) => write!(f, "Showing quotes about \"{topic}\"."),
            Headline::NoBriefMatches(query) => write!(f, "No brief matches \"{query}\"."),
            Headline::NoQuotesFound(speaker) => write!(f, "No quotes found for \"{speaker}\"."),
        }
    }
}

/// What to tell the user about a search for `query` besides its results.
pub(super) fn search_notes(outcome: &Outcome, query: &str) -> Vec<Note> {
    if outcome.words.is_empty() {
        let note = if !outcome.stop_words.is_empty() || !outcome.filler.is_empty() {
            let mut words = outcome.stop_words.clone();
            words.extend(outcome.filler.iter().cloned());
            Note::OnlyCommonWords { words }
        } else if query.trim().is_empty() {
            Note::EmptyQuery
        } else {
            Note::NothingSearchable
        };
        return vec![note];
    }
    let mut notes: Vec<Note> = outcome
        .corrections
        .iter()
        .map(|correction| Note::Corrected {
            typed: correction.typed.clone(),
            corrected: correction.corrected.clone(),
        })
        .collect();
    if !outcome.unknown.is_empty() {
        notes.push(Note::UnknownWords {
            words: outcome.unknown.clone(),
        });
    }
    if !outcome.unchecked.is_empty() {
        notes.push(Note::TyposNotChecked {
            words: outcome.unchecked.clone(),
        });
    }
    notes.extend(outcome.missing_phrases.iter().map(|phrase| Note::NoPhrase {
        phrase: phrase.clone(),
    }));
    notes.extend(outcome.cut_phrases.iter().map(|phrase| Note::PhraseCut {
        phrase: phrase.clone(),
    }));
    if outcome.hits.is_empty() && !outcome.stop_words.is_empty() {
        notes.push(Note::CommonWordsIgnored {
            words: outcome.stop_words.clone(),
        });
    }
    if outcome.truncated {
        notes.push(Note::QueryTruncated);
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn notes_with_lists_say_one_word_or_several() {
        assert_eq!(
            Note::UnknownWords {
                words: words(&["zyx"])
            }
            .to_string(),
            "No brief contains this word: zyx."
        );
        assert_eq!(
            Note::UnknownWords {
                words: words(&["zyx", "qwv"])
            }
            .to_string(),
            "No brief contains these words: zyx, qwv."
        );
        assert_eq!(
            Note::OnlyCommonWords {
                words: words(&["the", "of"])
            }
            .to_string(),
            "Only common words were asked (the, of), and they are not searched: add a topic, for example `election hacking`."
        );
    }

    #[test]
    fn a_speaker_nobody_is_called_gets_suggestions_only_when_there_are_some() {
        let note = |suggestions: &[&str]| {
            Note::NoSuchSpeaker {
                typed: "putn".into(),
                suggestions: words(suggestions),
            }
            .to_string()
        };
        assert_eq!(note(&[]), "No one called \"putn\" is quoted in the briefs.");
        assert_eq!(
            note(&["Vladimir Putin", "Lyudmila Putina"]),
            "No one called \"putn\" is quoted in the briefs. Did you mean: Vladimir Putin, Lyudmila Putina?"
        );
    }

    #[test]
    fn in_json_a_note_is_its_wording() {
        let note = Note::NoPhrase {
            phrase: "cyber \"unit\"".into(),
        };
        assert_eq!(
            serde_json::to_value(&note).unwrap(),
            serde_json::Value::String(note.to_string())
        );
        assert_eq!(
            note.to_string(),
            "No brief contains the phrase \"cyber \"unit\"\"."
        );
    }

    #[test]
    fn headlines_quote_what_was_asked_as_asked() {
        assert_eq!(
            Headline::ShowingResultsFor("election hacking").to_string(),
            "Showing results for \"election hacking\"."
        );
        assert_eq!(
            Headline::NoBriefMatches(" zyx ").to_string(),
            "No brief matches \" zyx \"."
        );
    }
}
