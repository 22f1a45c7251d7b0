//! The platform-neutral reply: what to say about a query, with the byte ranges of matched
//! words so that each face (terminal, JSON, Discord) can highlight them its own way.
//!
//! This file holds the model; the work is split by concern: [`briefs`] (asking for briefs),
//! [`quotes`](mod@quotes) (asking what a person said), [`said`](mod@said) (asking who said
//! some words), [`related`](mod@related) (the briefs sharing the most with one brief),
//! [`filters`] (`since:`, `tag:` and the other filter words of a query, and the
//! briefs they allow), [`notes`] (what an answer says besides its
//! results, as data), [`marked`] (marked text and excerpts), [`json`] (the JSON faces). A
//! face renders the model and never re-decides what to say: which headline or note to show
//! is decided here, only the wording and the escaping are the face's.

mod briefs;
mod filters;
mod json;
mod marked;
mod notes;
mod quotes;
mod related;
mod said;

pub use briefs::{
    BriefSelection, ask, ask_with, select_briefs, select_briefs_with, topic_suggestions,
};
pub use filters::{Filter, FilterError, Filters, Order};
pub use json::{AnswerJson, brief_json, quotes_json, related_json, said_json, to_json};
pub use marked::{Marked, crop};
pub use notes::{Headline, Note};
pub use quotes::{QuoteSelection, quotes, select_quotes};
pub use related::{Reason, RelatedAnswer, RelatedBrief, RelatedError, related};
pub use said::{CANDIDATE_BRIEFS, SaidAnswer, SaidQuote, said};

/// How an answer is shaped.
#[derive(Debug, Clone, Copy)]
pub struct AskOptions {
    /// Most briefs in the answer.
    pub limit: usize,
    /// Most key quotes per brief.
    pub quotes: usize,
    /// Summaries longer than this (characters) are cropped around the matches.
    pub summary_chars: usize,
}

/// One key quote as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteAnswer {
    pub speaker: Marked,
    pub role: Option<String>,
    pub text: Marked,
    pub context: Option<String>,
}

/// One brief as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefAnswer {
    pub id: String,
    pub title: Marked,
    pub published: String,
    pub source: Option<String>,
    pub outlet: Option<String>,
    pub image: Option<String>,
    pub tags: Vec<String>,
    pub score: f32,
    /// The whole summary.
    pub summary: String,
    /// The summary cropped around the matches, for display.
    pub excerpt: Marked,
    /// Key quotes: those matching the query first, then in the brief's order.
    pub quotes: Vec<QuoteAnswer>,
}

/// The reply to a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub query: String,
    pub results: Vec<BriefAnswer>,
    /// How many briefs matched in all (`results` holds the best of them).
    pub total: usize,
    /// The corrected query that was answered, when a word was corrected.
    pub suggestion: Option<String>,
    /// What the user should know: why nothing matched, what was ignored or corrected.
    pub notes: Vec<Note>,
}

impl Answer {
    /// What to say above the results: that they are for a corrected query.
    pub fn showing(&self) -> Option<Headline<'_>> {
        self.suggestion.as_deref().map(Headline::ShowingResultsFor)
    }

    /// What to say in place of results when none is shown and no note says why.
    pub fn no_match(&self) -> Option<Headline<'_>> {
        self.notes
            .is_empty()
            .then_some(Headline::NoBriefMatches(&self.query))
    }
}

/// How a typed speaker name was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakerMatch {
    /// One speaker.
    Found,
    /// Several speakers fit: `candidates` lists them, their quotes are grouped in that order.
    Ambiguous,
    /// Nobody fits: `candidates` are the closest names, as suggestions.
    Suggestions,
}

impl SpeakerMatch {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerMatch::Found => "found",
            SpeakerMatch::Ambiguous => "ambiguous",
            SpeakerMatch::Suggestions => "suggestions",
        }
    }
}

/// A speaker the request resolved to (or, when nobody was found, a suggestion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    pub roles: Vec<String>,
    /// How many quotes of theirs the library holds.
    pub quotes: usize,
}

/// A quote with the brief it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerQuote {
    pub speaker: String,
    pub role: Option<String>,
    pub text: Marked,
    pub context: Option<String>,
    pub brief_id: String,
    pub brief_title: String,
    pub published: String,
    pub source: Option<String>,
}

/// The reply to "what did this person say?".
#[derive(Debug, Clone, PartialEq)]
pub struct QuotesAnswer {
    /// The name as asked.
    pub speaker: String,
    pub about: Option<String>,
    pub matched: SpeakerMatch,
    pub candidates: Vec<Candidate>,
    /// Newest first (grouped by candidate when ambiguous); with `about`, the quotes on the
    /// topic, best first.
    pub quotes: Vec<SpeakerQuote>,
    /// Quotes there were before `limit`.
    pub total: usize,
    /// The corrected topic, when a word of `about` was corrected.
    pub suggestion: Option<String>,
    pub notes: Vec<Note>,
}

impl QuotesAnswer {
    /// What to say above the quotes: that they are about a corrected topic.
    pub fn showing(&self) -> Option<Headline<'_>> {
        self.suggestion.as_deref().map(Headline::ShowingQuotesAbout)
    }

    /// What to say in place of quotes when none is shown and no note says why.
    pub fn no_match(&self) -> Option<Headline<'_>> {
        self.notes
            .is_empty()
            .then_some(Headline::NoQuotesFound(&self.speaker))
    }
}

/// "— Speaker, role (context)": how a quote is attributed, from its parts as a face has
/// made them (escaped, highlighted); a face that shows no context passes none.
pub fn attribution(speaker: &str, role: Option<&str>, context: Option<&str>) -> String {
    let mut by = format!("— {speaker}");
    if let Some(role) = role {
        by.push_str(", ");
        by.push_str(role);
    }
    if let Some(context) = context {
        by.push_str(&format!(" ({context})"));
    }
    by
}
