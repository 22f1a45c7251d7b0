//! The platform-neutral reply: what to say about a query, with the byte ranges of matched
//! words so that each face (terminal, JSON, Discord) can highlight them its own way.

use std::ops::Range;

use serde_json::{Value, json};

use crate::brief::Brief;
use crate::library::{BriefFields, Library};
use crate::search::{FieldId, Highlighter, Outcome, TextMarks, search};
use crate::speakers::{QuoteRef, Resolution};

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

/// A text with ranges to highlight (byte ranges, ascending, on character boundaries).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Marked {
    pub text: String,
    pub marks: Vec<Range<usize>>,
}

impl Marked {
    /// Renders the text with each mark wrapped in `open` and `close`.
    pub fn render(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + self.marks.len() * 8);
        let mut last = 0;
        for mark in self.valid_marks() {
            out.push_str(&self.text[last..mark.start]);
            out.push_str(open);
            out.push_str(&self.text[mark.clone()]);
            out.push_str(close);
            last = mark.end;
        }
        out.push_str(&self.text[last..]);
        out
    }

    /// The marked words themselves.
    pub fn marked_words(&self) -> Vec<&str> {
        self.valid_marks().map(|m| &self.text[m]).collect()
    }

    /// The marks that can be shown: each one not empty, inside the text, on character
    /// boundaries and after the one before. The answer layer makes only such marks; should
    /// a bug make another, a debug build stops on it and a release build leaves it out
    /// rather than panic in front of a user.
    pub fn valid_marks(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let mut last = 0;
        self.marks.iter().filter_map(move |mark| {
            let fits = self.fits(mark, last);
            debug_assert!(fits, "mark {mark:?} after {last} in {:?}", self.text);
            fits.then(|| {
                last = mark.end;
                mark.clone()
            })
        })
    }

    /// Whether `mark`, coming after a mark that ends at `last`, can be shown.
    fn fits(&self, mark: &Range<usize>, last: usize) -> bool {
        last <= mark.start
            && mark.start < mark.end
            && self.text.is_char_boundary(mark.start)
            && self.text.is_char_boundary(mark.end)
    }
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
    pub notes: Vec<String>,
}

/// Answers `query` from `library`.
pub fn ask(library: &Library, query: &str, options: AskOptions) -> Answer {
    let selection = select_briefs(library, query, options);
    let results = (0..selection.len())
        .filter_map(|place| selection.result(library, place))
        .collect();
    let mut answer = selection.answer;
    answer.results = results;
    answer
}

/// Which briefs an [`ask`] answer shows, best first, as places in the library they were
/// found in, without their texts: what an answer shown a page at a time keeps.
#[derive(Debug, Clone)]
pub struct BriefSelection {
    /// The answer without its results.
    pub answer: Answer,
    hits: Vec<(u32, f32)>,
    highlighter: Highlighter,
    options: AskOptions,
}

impl BriefSelection {
    /// How many briefs were found to show (at most the limit asked for).
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// The brief at `place` (0 is the best) as shown, from `library`, which must be the
    /// library it was found in (a doc id means nothing in another).
    pub fn result(&self, library: &Library, place: usize) -> Option<BriefAnswer> {
        let &(doc, score) = self.hits.get(place)?;
        Some(brief_answer(
            library,
            &self.highlighter,
            doc,
            score,
            self.options,
        ))
    }
}

/// The briefs [`ask`] would show, kept as places.
pub fn select_briefs(library: &Library, query: &str, options: AskOptions) -> BriefSelection {
    let outcome = search(library.index(), query, options.limit);
    let answer = Answer {
        query: query.to_owned(),
        results: Vec::new(),
        total: outcome.total,
        suggestion: outcome.suggestion.clone(),
        notes: notes(&outcome, query),
    };
    BriefSelection {
        answer,
        hits: outcome
            .hits
            .iter()
            .map(|hit| (hit.doc, hit.score))
            .collect(),
        highlighter: outcome.highlighter,
        options,
    }
}

fn brief_answer(
    library: &Library,
    highlighter: &Highlighter,
    doc: u32,
    score: f32,
    options: AskOptions,
) -> BriefAnswer {
    let brief = library.brief(doc);
    let fields = BriefFields::of(brief);
    let mut found = highlighter.find_in_document(library.index(), doc, brief);
    let mut mark = |field: FieldId, text: &str| {
        let TextMarks { ranges, words } = found.take(field);
        (
            Marked {
                text: text.to_owned(),
                marks: ranges,
            },
            words,
        )
    };
    let (title, _) = mark(fields.title(), &brief.title);
    let (summary, _) = mark(fields.summary(), &brief.summary);
    let mut quotes: Vec<(u32, usize, QuoteAnswer)> = Vec::with_capacity(brief.quotes.len());
    for (order, quote) in brief.quotes.iter().enumerate() {
        let (speaker, speaker_words) = mark(fields.speaker(order), &quote.speaker);
        let (text, text_words) = mark(fields.quote(order), &quote.text);
        // Roles are not searched, so the index has no positions for them.
        let role_words = quote.role.as_deref().map_or(0, |role| {
            highlighter
                .find(library.index(), brief.language, role)
                .words
        });
        let matched = (speaker_words | text_words | role_words).count_ones();
        quotes.push((
            matched,
            order,
            QuoteAnswer {
                speaker,
                role: quote.role.as_deref().map(str::to_owned),
                text,
                context: quote.context.as_deref().map(str::to_owned),
            },
        ));
    }
    quotes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    BriefAnswer {
        id: brief.id.to_string(),
        title,
        published: brief.published.to_string(),
        source: brief.source.clone(),
        outlet: brief.outlet.as_deref().map(str::to_owned),
        image: brief.image.clone(),
        tags: brief.tags.iter().map(|tag| tag.to_string()).collect(),
        score,
        excerpt: crop(&summary, options.summary_chars),
        summary: brief.summary.clone(),
        quotes: quotes
            .into_iter()
            .take(options.quotes)
            .map(|(_, _, q)| q)
            .collect(),
    }
}

/// What to tell the user besides the results.
fn notes(outcome: &Outcome, query: &str) -> Vec<String> {
    let mut notes = Vec::new();
    let list = |words: &[String]| words.join(", ");
    if outcome.words.is_empty() {
        if outcome.stop_words.is_empty() && outcome.filler.is_empty() {
            notes.push(if query.trim().is_empty() {
                "The question is empty: ask about a topic, for example `election hacking`.".into()
            } else {
                "Nothing in the question can be searched: a word needs letters or digits and at most 64 characters. Ask about a topic, for example `election hacking`.".into()
            });
        } else {
            let mut ignored = outcome.stop_words.clone();
            ignored.extend(outcome.filler.iter().cloned());
            notes.push(format!(
                "Only common words were asked ({}), and they are not searched: add a topic, for example `election hacking`.",
                list(&ignored)
            ));
        }
        return notes;
    }
    for correction in &outcome.corrections {
        notes.push(format!(
            "No brief contains \"{}\"; searched for \"{}\" instead.",
            correction.typed, correction.corrected
        ));
    }
    if !outcome.unknown.is_empty() {
        notes.push(format!(
            "No brief contains {}: {}.",
            if outcome.unknown.len() == 1 {
                "this word"
            } else {
                "these words"
            },
            list(&outcome.unknown)
        ));
    }
    if !outcome.unchecked.is_empty() {
        notes.push(format!(
            "Typos are looked for in at most {} words of a question; not in: {}.",
            crate::search::MAX_TYPO_SEARCHES,
            list(&outcome.unchecked)
        ));
    }
    for phrase in &outcome.missing_phrases {
        notes.push(format!("No brief contains the phrase \"{phrase}\"."));
    }
    for phrase in &outcome.cut_phrases {
        notes.push(format!(
            "The phrase \"{phrase}\" is too long to match whole: its words more than {} words after its first were searched on their own.",
            crate::search::MAX_PHRASE_SPAN
        ));
    }
    if outcome.hits.is_empty() && !outcome.stop_words.is_empty() {
        notes.push(format!(
            "Common words were ignored: {}.",
            list(&outcome.stop_words)
        ));
    }
    if outcome.truncated {
        notes.push(format!(
            "The question was long: only its first {} characters and {} words were searched.",
            crate::search::MAX_QUERY_CHARS,
            crate::search::MAX_QUERY_WORDS
        ));
    }
    notes
}

/// Crops a marked text to about `max_chars` characters around its first mark, at word
/// boundaries, with "…" where text was cut.
pub fn crop(marked: &Marked, max_chars: usize) -> Marked {
    let text = &marked.text;
    if text.chars().count() <= max_chars {
        return marked.clone();
    }
    // Start at the beginning when the first match is shown from there anyway.
    let first = marked.valid_marks().next().map_or(0, |m| m.start);
    if text[..first].chars().count() < max_chars * 2 / 3 {
        return cut_at(marked, 0, max_chars);
    }
    // Start a little before the first match, at a sentence start if one is near.
    let lead = max_chars / 4;
    let mut start = text[..first]
        .char_indices()
        .rev()
        .nth(lead)
        .map_or(0, |(i, _)| i);
    if let Some(sentence) = text[start..first].find(". ") {
        start += sentence + 2;
    } else if start > 0 {
        start = text[start..first]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(start, |(i, c)| start + i + c.len_utf8());
    }
    cut_at(marked, start, max_chars)
}

/// Keeps about `max_chars` characters of `marked` from byte `start`, ending at a word boundary.
fn cut_at(marked: &Marked, start: usize, max_chars: usize) -> Marked {
    let text = &marked.text;
    let mut end = text[start..]
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| start + i);
    if end < text.len() {
        end = text[start..end]
            .rfind(char::is_whitespace)
            .map_or(end, |i| start + i);
    }
    let body = text[start..end].trim_end_matches(|c: char| c.is_whitespace() || c == ',');
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if start + body.len() < text.len() {
        "…"
    } else {
        ""
    };
    let shift = prefix.len();
    let marks = marked
        .valid_marks()
        .filter(|m| m.start >= start && m.end <= start + body.len())
        .map(|m| m.start - start + shift..m.end - start + shift)
        .collect();
    Marked {
        text: format!("{prefix}{body}{suffix}"),
        marks,
    }
}

/// The JSON of `INTERFACES.md` (`ask --json`), extended with `total`, `notes` and, per
/// result, `outlet`, `tags`, `image` and each quote's `context`. Borrowed from the answer and
/// written field by field, in this order: no JSON tree is built.
pub fn to_json(answer: &Answer) -> AnswerJson<'_> {
    AnswerJson {
        query: &answer.query,
        results: answer
            .results
            .iter()
            .map(|r| ResultJson {
                id: &r.id,
                title: &r.title.text,
                published: &r.published,
                source: r.source.as_deref(),
                outlet: r.outlet.as_deref(),
                image: r.image.as_deref(),
                tags: &r.tags,
                score: (f64::from(r.score) * 100.0).round() / 100.0,
                summary: &r.summary,
                quotes: r
                    .quotes
                    .iter()
                    .map(|q| QuoteJson {
                        speaker: &q.speaker.text,
                        role: q.role.as_deref(),
                        text: &q.text.text,
                        context: q.context.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
        total: answer.total,
        suggestion: answer.suggestion.as_deref(),
        notes: &answer.notes,
    }
}

/// An answer as `ask --json` writes it: see [`to_json`].
#[derive(Debug, serde::Serialize)]
pub struct AnswerJson<'a> {
    query: &'a str,
    results: Vec<ResultJson<'a>>,
    total: usize,
    suggestion: Option<&'a str>,
    notes: &'a [String],
}

#[derive(Debug, serde::Serialize)]
struct ResultJson<'a> {
    id: &'a str,
    title: &'a str,
    published: &'a str,
    source: Option<&'a str>,
    outlet: Option<&'a str>,
    image: Option<&'a str>,
    tags: &'a [String],
    /// Rounded to two decimals.
    score: f64,
    summary: &'a str,
    quotes: Vec<QuoteJson<'a>>,
}

#[derive(Debug, serde::Serialize)]
struct QuoteJson<'a> {
    speaker: &'a str,
    role: Option<&'a str>,
    text: &'a str,
    context: Option<&'a str>,
}

/// A brief as a line of `list --json`.
pub fn brief_json(brief: &Brief) -> Value {
    json!({
        "id": brief.id.as_str(),
        "published": brief.published.to_string(),
        "title": brief.title,
        "outlet": brief.outlet.as_deref(),
        "path": brief.path.display().to_string(),
    })
}

/// Topics to offer while a user types: brief titles and tags starting with what was typed,
/// then those with a word starting with its last word, then titles of briefs the search finds.
/// With nothing typed, the newest titles.
pub fn topic_suggestions(library: &Library, partial: &str, limit: usize) -> Vec<String> {
    use crate::search::plain_words;

    let typed = plain_words(partial);
    let mut out: Vec<String> = Vec::new();
    let push = |candidate: &str, out: &mut Vec<String>| {
        if out.len() < limit && !out.iter().any(|o| o.eq_ignore_ascii_case(candidate)) {
            out.push(candidate.to_owned());
        }
    };
    if typed.is_empty() {
        for brief in library.newest_first().into_iter().take(limit) {
            push(&brief.title, &mut out);
        }
        return out;
    }
    let joined = typed.join(" ");
    for topic in library.topics() {
        if out.len() == limit {
            return out;
        }
        if topic.folded.starts_with(&joined) {
            push(&topic.text, &mut out);
        }
    }
    if let Some((last, rest)) = typed.split_last() {
        for topic in library.topics() {
            if out.len() == limit {
                return out;
            }
            // A substring search first: most topics hold none of the typed words.
            if !topic.folded.contains(last.as_str())
                || !rest.iter().all(|r| topic.folded.contains(r.as_str()))
            {
                continue;
            }
            let mut words = topic.folded.split(' ');
            if words.any(|w| w.starts_with(last.as_str()))
                && rest.iter().all(|r| topic.folded.split(' ').any(|w| w == r))
            {
                push(&topic.text, &mut out);
            }
        }
    }
    if out.len() < limit {
        let outcome = search(library.index(), partial, limit);
        for hit in outcome.hits {
            push(&library.brief(hit.doc).title, &mut out);
        }
    }
    out
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
    pub notes: Vec<String>,
}

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
                let marks = self
                    .highlighter
                    .as_ref()
                    .map(|highlighter| {
                        let brief = library.brief(at.doc);
                        highlighter
                            .find_in_document(library.index(), at.doc, brief)
                            .take(BriefFields::of(brief).quote(at.quote))
                            .ranges
                    })
                    .unwrap_or_default();
                speaker_quote(library, at, marks)
            })
            .collect()
    }
}

/// The quotes [`quotes`] would list, keeping the first `keep` of them.
pub fn select_quotes(
    library: &Library,
    typed: &str,
    about: Option<&str>,
    keep: usize,
) -> QuoteSelection {
    let (answer, mut chosen, highlighter) = choose_quotes(library, typed, about);
    chosen.truncate(keep);
    QuoteSelection {
        answer,
        kept: chosen.into_iter().map(|(at, _)| at).collect(),
        highlighter,
    }
}

/// One quote as listed, with the matches in its text.
fn speaker_quote(library: &Library, at: QuoteRef, marks: Vec<Range<usize>>) -> SpeakerQuote {
    let brief = library.brief(at.doc);
    let quote = &brief.quotes[at.quote];
    SpeakerQuote {
        speaker: quote.speaker.to_string(),
        role: quote.role.as_deref().map(str::to_owned),
        text: Marked {
            text: quote.text.clone(),
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
    let mut notes = Vec::new();
    let names = |c: &[Candidate]| {
        c.iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match matched {
        SpeakerMatch::Found => {}
        SpeakerMatch::Ambiguous => notes.push(format!(
            "\"{}\" could be {} people: {}. Their quotes are grouped by person; ask with the full name for one.",
            typed.trim(),
            candidates.len(),
            names(&candidates)
        )),
        SpeakerMatch::Suggestions if typed.trim().is_empty() => {
            notes.push("Which speaker? Give a name, for example `putin`.".into());
        }
        SpeakerMatch::Suggestions => {
            let mut note = format!("No one called \"{}\" is quoted in the briefs.", typed.trim());
            if !candidates.is_empty() {
                note.push_str(&format!(" Did you mean: {}?", names(&candidates)));
            }
            notes.push(note);
        }
    }
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
            let brief_scores: std::collections::HashMap<u32, f32> =
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
                notes.push(format!(
                    "No quote by {} is about \"{topic}\".",
                    names(&candidates)
                ));
            }
            notes.extend(
                self::notes(&outcome, topic)
                    .into_iter()
                    .filter(|n| !n.starts_with("Only common")),
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

/// The JSON of `INTERFACES.md` (`quotes --json`), extended with `match` (`found`,
/// `ambiguous`, or `suggestions` when `candidates` are only did-you-mean names), `about`,
/// `total`, `suggestion`, `notes` and, per quote, `context` and `source`.
pub fn quotes_json(answer: &QuotesAnswer) -> Value {
    json!({
        "speaker": answer.speaker,
        "candidates": answer.candidates.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        "quotes": answer.quotes.iter().map(|q| json!({
            "speaker": q.speaker,
            "role": q.role,
            "text": q.text.text,
            "context": q.context,
            "brief_id": q.brief_id,
            "brief_title": q.brief_title,
            "published": q.published,
            "source": q.source,
        })).collect::<Vec<_>>(),
        "match": answer.matched.as_str(),
        "about": answer.about,
        "total": answer.total,
        "suggestion": answer.suggestion,
        "notes": answer.notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_wraps_marks() {
        let marked = Marked {
            text: "Putin and Trump".into(),
            marks: vec![0..5, 10..15],
        };
        assert_eq!(marked.render("**", "**"), "**Putin** and **Trump**");
        assert_eq!(marked.marked_words(), ["Putin", "Trump"]);
    }

    #[test]
    fn crop_centres_on_the_first_match_and_keeps_marks() {
        let text = format!(
            "{} The unit will stop hacking. {}",
            "Filler words here. ".repeat(20),
            "More text. ".repeat(20)
        );
        let start = text.find("hacking").unwrap();
        let marked = Marked {
            marks: std::iter::once(start..start + 7).collect(),
            text,
        };
        let cropped = crop(&marked, 120);
        assert!(
            cropped.text.starts_with('…') && cropped.text.ends_with('…'),
            "{}",
            cropped.text
        );
        assert!(cropped.text.chars().count() <= 122);
        assert_eq!(cropped.marked_words(), ["hacking"]);
    }

    #[test]
    fn topics_are_suggested_by_prefix_then_by_word_then_by_search() {
        let brief = |id: &str, date: &str, title: &str, tags: &str| {
            let text = format!(
                "title = {title:?}\npublished = {date}\ntags = [{tags}]\nsummary = \"Hacking.\"\n"
            );
            crate::brief::parse(
                std::path::Path::new(&format!("{id}.toml")),
                text.as_bytes(),
                crate::language::Language::English,
            )
            .unwrap()
        };
        let library = Library::new(vec![
            brief("a", "2020-01-01", "Storm over the elections", "\"weather\""),
            brief(
                "b",
                "2021-01-01",
                "Election hacking report",
                "\"Elections\", \"cyber\"",
            ),
        ]);
        assert_eq!(
            topic_suggestions(&library, "Elec", 10),
            [
                "Elections",
                "Election hacking report",
                "Storm over the elections"
            ]
        );
        assert_eq!(topic_suggestions(&library, "elec", 1), ["Elections"]);
        assert_eq!(
            topic_suggestions(&library, "", 10),
            ["Election hacking report", "Storm over the elections"],
            "newest titles"
        );
        assert_eq!(
            topic_suggestions(&library, "hacked", 10),
            ["Election hacking report", "Storm over the elections"],
            "then what the search finds"
        );
    }

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

    #[test]
    fn crop_steps_over_wide_white_space_by_whole_characters() {
        // Two-, three- and four-byte white space before the match, where the crop starts.
        for space in ['\u{a0}', '\u{2003}', '\u{3000}', '\u{2028}', '\u{1680}'] {
            let text = format!(
                "{}hacking {}",
                format!("storm{space}").repeat(100),
                "rain ".repeat(50)
            );
            let start = text.find("hacking").unwrap();
            let marked = Marked {
                marks: std::iter::once(start..start + 7).collect(),
                text,
            };
            for max_chars in [50, 100, 200, 400] {
                let cropped = crop(&marked, max_chars);
                assert_eq!(cropped.marked_words(), ["hacking"], "{space:?} {max_chars}");
                assert!(cropped.text.starts_with('…'));
            }
        }
    }

    /// A bad mark stops a debug build where it is used, and is left out by a release build.
    fn rendered_despite(marks: Vec<Range<usize>>, render: fn(&Marked) -> String) -> String {
        let marked = Marked {
            text: "Putin é Trump".into(),
            marks,
        };
        let rendered = std::panic::catch_unwind(|| render(&marked));
        if cfg!(debug_assertions) {
            let message = rendered.expect_err("a debug build stops on a bad mark");
            let message = message
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            assert!(message.starts_with("mark "), "{message}");
            String::new()
        } else {
            rendered.expect("a release build never panics on a bad mark")
        }
    }

    #[test]
    fn a_bad_mark_is_left_out_not_fatal() {
        let render = |m: &Marked| m.render("[", "]");
        let backwards = Range { start: 9, end: 7 };
        for bad in [backwards, 7..8, 14..20, 0..0] {
            let rendered = rendered_despite(vec![0..5, bad.clone()], render);
            if !cfg!(debug_assertions) {
                assert_eq!(rendered, "[Putin] é Trump", "{bad:?}");
            }
        }
        let rendered = rendered_despite(vec![9..14, 0..5], render);
        if !cfg!(debug_assertions) {
            assert_eq!(rendered, "Putin é [Trump]");
        }
    }

    #[test]
    fn short_text_is_not_cropped() {
        let marked = Marked {
            text: "Short.".into(),
            marks: vec![],
        };
        assert_eq!(crop(&marked, 100), marked);
    }
}
