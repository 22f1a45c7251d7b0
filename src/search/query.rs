//! Queries: from what a user typed to ranked briefs.
//!
//! A query is a list of *words* (stop words and chat filler dropped) and double-quoted
//! *phrases*. Each word can be met by several *matchers*: its own term, a typo correction when
//! it matches nothing, its halves as a phrase when it is a run-together compound
//! ("cybersecurity" meets "cyber security"), its join with the next word ("e mail" meets
//! "email"), and the two words side by side (a proximity bonus). A brief's rank is decided
//! first by how many of the query's words it covers, then by the BM25F score (each word taking
//! the best matcher that covers it), then newest first, then by id.
//!
//! Only the best few are wanted, so ranking avoids scoring every brief found. Briefs covering
//! more words rank first: when enough briefs holding the rarest words cover many words, only
//! they are walked, tier by tier, each tier starting from the best of the one before (see
//! `covering_most_words`); when a very common word is alone in most briefs, the briefs
//! holding the other words are ranked first, and their best is the bar the briefs holding
//! only the common word must beat (see `beside_the_commonest`). The walk (`best_of_seeded`)
//! keeps the best so far and passes over runs of briefs that cannot beat them, by bounds kept
//! per block of each term's postings (as tantivy's block-max WAND does), and reads a phrase's
//! positions only where its words' scores could lift a brief into the best. Property tests
//! check that the best few are always exactly the head of the whole ranking.

use std::collections::HashMap;
use std::ops::Range;

use super::analyze::{AnalysedWord, Analyzer, is_stop_word};
use super::index::{
    BLOCK, Block, DocId, Index, LengthBucket, MAX_PHRASE_SPAN, MAX_PHRASE_WORDS, TermId, seek,
};
use crate::brief::Brief;
use crate::language::Language;

/// Queries longer than this are cut (at a character boundary) before analysis.
pub const MAX_QUERY_CHARS: usize = 500;
/// Words beyond this many are ignored.
pub const MAX_QUERY_WORDS: usize = 16;
/// Unknown words looked up for a typo in one query, at most: each lookup reads the library's
/// words of nearby lengths, so a query of 16 gibberish words would cost 16 of them.
pub const MAX_TYPO_SEARCHES: usize = 4;
/// Two query words found side by side score this much more than found apart.
const PROXIMITY_BOOST: f32 = 1.25;
/// A quoted phrase found scores this much more than its words would.
const PHRASE_BOOST: f32 = 1.5;

/// Words people put in chat questions that say nothing about the topic. They are dropped
/// when the query has other words ("what's the latest news on brexit" is "brexit").
const FILLER_WORDS: [&str; 24] = [
    "anything",
    "article",
    "articles",
    "brief",
    "briefs",
    "find",
    "give",
    "happen",
    "happened",
    "happening",
    "hey",
    "hi",
    "info",
    "information",
    "know",
    "latest",
    "news",
    "please",
    "said",
    "say",
    "says",
    "show",
    "tell",
    "thanks",
];

/// One word of a query.
#[derive(Debug, Clone)]
struct QueryWord {
    /// As typed, and where, in the (possibly cut) query.
    typed: String,
    span: Range<usize>,
    /// Folded, and stemmed in each language of the library.
    folded: String,
    terms: Vec<String>,
    ids: Vec<TermId>,
    /// Which quoted phrase the word belongs to, and its position in it.
    phrase: Option<(usize, u32)>,
    /// Its position in the query text (for adjacency).
    position: u32,
}

/// The words of a phrase: each with its alternative terms and its position in the phrase.
type Parts<T> = Vec<(Vec<T>, u32)>;

/// A way for briefs to match some of the query's words.
#[derive(Debug)]
enum Matcher {
    /// Any of these terms; covers the listed words.
    Terms { ids: Vec<TermId>, cover: Vec<usize> },
    /// These terms at these relative positions; covers the listed words.
    Phrase {
        parts: Parts<TermId>,
        cover: Vec<usize>,
        boost: f32,
    },
}

impl Matcher {
    /// The query words this matcher covers.
    fn cover(&self) -> &[usize] {
        match self {
            Matcher::Terms { cover, .. } | Matcher::Phrase { cover, .. } => cover,
        }
    }
}

/// A word that was corrected before searching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub typed: String,
    pub corrected: String,
}

/// One matching brief.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: DocId,
    pub score: f32,
    /// How many of the query's words the brief covers.
    pub covered: usize,
}

/// Everything a search found out, for the answer layer to present.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Best first; at most the requested limit.
    pub hits: Vec<Hit>,
    /// How many briefs matched in all.
    pub total: usize,
    /// The words searched for (after dropping stop words and filler).
    pub words: Vec<String>,
    /// Words replaced by a near word from the library.
    pub corrections: Vec<Correction>,
    /// The query as answered, when a correction was made.
    pub suggestion: Option<String>,
    /// Words no brief holds, even after correction.
    pub unknown: Vec<String>,
    /// Unknown words not looked up for a typo, past [`MAX_TYPO_SEARCHES`] (also in `unknown`).
    pub unchecked: Vec<String>,
    /// Stop words that were ignored.
    pub stop_words: Vec<String>,
    /// Chat filler that was ignored.
    pub filler: Vec<String>,
    /// Quoted phrases that no brief holds (although their words may occur apart).
    pub missing_phrases: Vec<String>,
    /// Quoted phrases spanning more than [`MAX_PHRASE_SPAN`] positions: only their words
    /// within that span of the first were looked for as a phrase, the others on their own.
    pub cut_phrases: Vec<String>,
    /// The query was cut to `MAX_QUERY_CHARS`, or words beyond `MAX_QUERY_WORDS` dropped.
    pub truncated: bool,
    /// What to highlight in the briefs shown.
    pub highlighter: Highlighter,
}

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
    /// Byte ranges of `text` (a text of a brief of `index`, in `language`) to highlight, merged
    /// and ascending, and which query words they stand for (a bit per word).
    pub fn find(&self, index: &Index, language: Language, text: &str) -> (Vec<Range<usize>>, u32) {
        if self.terms.is_empty() && self.phrases.is_empty() {
            return (Vec::new(), 0);
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
        (merge_marks(text, ranges), words)
    }
}

/// The marks in one text: byte ranges, merged and ascending, and the query words they stand
/// for (a bit per word).
pub type TextMarks = (Vec<Range<usize>>, u32);

impl Highlighter {
    /// The marks in every searched field of `brief` (the brief at `doc` of `index`), in
    /// [`fields`](super::index::fields) order. The same marks as [`Highlighter::find`] gives
    /// each field's text, found from the positions the index keeps: no word is analysed.
    pub fn find_in_brief(&self, index: &Index, doc: DocId, brief: &Brief) -> Vec<TextMarks> {
        let fields = super::index::fields(brief).count();
        let mut found: Vec<TextMarks> = vec![(Vec::new(), 0); fields];
        if self.terms.is_empty() && self.phrases.is_empty() {
            return found;
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
        let mut ends: Vec<(u32, usize, usize, usize)> = Vec::new();
        // Fields after the last marked word need no walk.
        let last = words
            .last()
            .map(|&(p, _)| p)
            .into_iter()
            .chain(phrases.iter().map(|&(_, last, _)| last))
            .max()
            .unwrap_or(0);
        let analyzer = index.analyzer(brief.language);
        let visit = |number: usize, _, raw: &str, start: usize, position: u32| {
            let end = start + raw.len();
            let from = words.partition_point(|&(p, _)| p < position);
            for &(_, bits) in words[from..].iter().take_while(|&&(p, _)| p == position) {
                found[number].0.push(start..end);
                found[number].1 |= bits;
            }
            if phrases
                .iter()
                .any(|&(first, last, _)| first == position || last == position)
            {
                ends.push((position, number, start, end));
            }
        };
        super::index::for_each_field_word_through(analyzer, brief, last, visit);
        for (first, last, bits) in phrases {
            let at = |position: u32| ends.iter().find(|e| e.0 == position);
            // Field gaps keep a phrase's words in one field; the check keeps a mark inside
            // its text should a brief be past the format's limits (positions saturate).
            if let (Some(&(_, number, start, _)), Some(&(_, last_number, _, end))) =
                (at(first), at(last))
                && number == last_number
                && start < end
            {
                found[number].0.push(start..end);
                found[number].1 |= bits;
            }
        }
        for (number, (_, text)) in super::index::fields(brief).enumerate() {
            let ranges = std::mem::take(&mut found[number].0);
            found[number].0 = merge_marks(text, ranges);
        }
        found
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

/// Searches `index` for `query`; at most `limit` hits.
pub fn search(index: &Index, query: &str, limit: usize) -> Outcome {
    let mut truncated = false;
    let query = match query.char_indices().nth(MAX_QUERY_CHARS) {
        Some((cut, _)) => {
            truncated = true;
            &query[..cut]
        }
        None => query,
    };
    let mut plan = Plan::parse(index, query);
    truncated |= plan.truncated;
    let cut_phrases = plan.bound_phrases();
    plan.correct(index);
    let matchers = plan.matchers(index);
    let (hits, total) = rank(index, &plan.words, &matchers, limit);
    let suggestion = (!plan.corrections.is_empty()).then(|| plan.suggestion(query));
    let missing_phrases = plan.missing_phrases(index, &matchers);
    let highlighter = plan.highlighter(&matchers);
    Outcome {
        hits,
        total,
        words: plan.words.iter().map(|w| w.typed.clone()).collect(),
        corrections: plan.corrections,
        suggestion,
        unknown: plan
            .words
            .iter()
            .filter(|w| w.ids.is_empty())
            .map(|w| w.typed.clone())
            .collect(),
        unchecked: plan.unchecked,
        stop_words: plan.stop_words,
        filler: plan.filler,
        missing_phrases,
        cut_phrases,
        truncated,
        highlighter,
    }
}

/// A query taken apart, before and after correction.
struct Plan {
    words: Vec<QueryWord>,
    /// Each quoted phrase as typed.
    phrases: Vec<String>,
    stop_words: Vec<String>,
    filler: Vec<String>,
    corrections: Vec<Correction>,
    /// Words left unknown without a typo search, past [`MAX_TYPO_SEARCHES`].
    unchecked: Vec<String>,
    truncated: bool,
}

fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}'
    )
}

/// Analyses a word in every language of the library: its folded form, its distinct terms,
/// and whether any language counts it as a stop word.
fn analyse_everywhere(analyzers: &[Analyzer], word: &str) -> Option<(String, Vec<String>, bool)> {
    let mut folded = None;
    let mut terms: Vec<String> = Vec::new();
    let mut stop = false;
    for analyzer in analyzers {
        let AnalysedWord {
            term,
            word,
            stop: s,
        } = analyzer.analyse_word(word)?;
        stop |= s;
        if !terms.contains(&term) {
            terms.push(term);
        }
        folded.get_or_insert(word);
    }
    folded.map(|f| (f, terms, stop))
}

impl Plan {
    fn parse(index: &Index, query: &str) -> Self {
        let analyzers = index.analyzers();
        let mut plan = Plan {
            words: Vec::new(),
            phrases: Vec::new(),
            stop_words: Vec::new(),
            filler: Vec::new(),
            corrections: Vec::new(),
            unchecked: Vec::new(),
            truncated: false,
        };
        // Split on quote marks: odd segments are phrases. An unclosed quote opens no phrase.
        let mut segments: Vec<(Range<usize>, bool)> = Vec::new();
        let mut start = 0;
        let mut in_phrase = false;
        for (i, c) in query.char_indices().filter(|(_, c)| is_quote_mark(*c)) {
            segments.push((start..i, in_phrase));
            in_phrase = !in_phrase;
            start = i + c.len_utf8();
        }
        if in_phrase {
            // The last quote was never closed: its text is plain words.
            segments.push((start..query.len(), false));
        } else {
            segments.push((start..query.len(), false));
        }
        let mut position = 0u32;
        let mut plain: Vec<QueryWord> = Vec::new();
        for (range, is_phrase) in segments {
            let text = &query[range.clone()];
            let phrase_index = plan.phrases.len();
            let mut phrase_words = 0;
            for token in analyzers[0].tokens(text) {
                let Some((folded, terms, stop)) =
                    analyse_everywhere(analyzers, &text[token.start..token.end])
                else {
                    continue;
                };
                let typed = text[token.start..token.end].to_owned();
                let word_position = position + token.position;
                if stop {
                    plan.stop_words.push(typed);
                    continue;
                }
                let word = QueryWord {
                    typed,
                    span: range.start + token.start..range.start + token.end,
                    folded,
                    terms,
                    ids: Vec::new(),
                    phrase: is_phrase.then_some((phrase_index, token.position)),
                    position: word_position,
                };
                if is_phrase {
                    phrase_words += 1;
                    plan.words.push(word);
                } else {
                    plain.push(word);
                }
            }
            position += analyzers[0]
                .tokens(text)
                .last()
                .map_or(0, |t| t.position + 2);
            if is_phrase && phrase_words > 0 {
                plan.phrases.push(text.trim().to_owned());
            }
        }
        // Filler goes only when something else is left to search for.
        let has_content = !plan.words.is_empty()
            || plain
                .iter()
                .any(|w| !FILLER_WORDS.contains(&w.folded.as_str()));
        for word in plain {
            if has_content && FILLER_WORDS.contains(&word.folded.as_str()) {
                plan.filler.push(word.typed);
            } else {
                plan.words.push(word);
            }
        }
        plan.words.sort_by_key(|w| w.position);
        if plan.words.len() > MAX_QUERY_WORDS {
            plan.words.truncate(MAX_QUERY_WORDS);
            plan.truncated = true;
        }
        for word in &mut plan.words {
            word.ids = word.terms.iter().filter_map(|t| index.term_id(t)).collect();
        }
        plan
    }

    /// Counts each quoted phrase's positions from its first searched word, and cuts it to
    /// [`MAX_PHRASE_SPAN`]: its words farther than that from the first are searched on their
    /// own. Field gaps are wider than that span, so no phrase reaches from one field of a
    /// brief into the next, however many stop words it holds. Returns the phrases cut.
    fn bound_phrases(&mut self) -> Vec<String> {
        let mut cut: Vec<String> = Vec::new();
        // Words are in query order: a phrase's first word comes before its others.
        let mut firsts: Vec<(usize, u32)> = Vec::new();
        for word in &mut self.words {
            let Some((phrase, offset)) = word.phrase else {
                continue;
            };
            let first = match firsts.iter().find(|(p, _)| *p == phrase) {
                Some(&(_, first)) => first,
                None => {
                    firsts.push((phrase, offset));
                    offset
                }
            };
            let from_first = offset.saturating_sub(first);
            if from_first <= MAX_PHRASE_SPAN {
                word.phrase = Some((phrase, from_first));
            } else {
                word.phrase = None;
                if let Some(text) = self.phrases.get(phrase)
                    && !cut.contains(text)
                {
                    cut.push(text.clone());
                }
            }
        }
        cut
    }

    /// Replaces each word that matches nothing by its nearest word in the library, unless it
    /// is a number or a run-together compound of known words; at most [`MAX_TYPO_SEARCHES`]
    /// words are looked up, the first ones.
    fn correct(&mut self, index: &Index) {
        let joinable: Vec<bool> = (0..self.words.len())
            .map(|i| {
                let joins = |a: &QueryWord, b: &QueryWord| {
                    a.phrase.is_none()
                        && b.phrase.is_none()
                        && b.position == a.position + 1
                        && index.word_frequency(&format!("{}{}", a.folded, b.folded)) > 0
                };
                (i > 0 && joins(&self.words[i - 1], &self.words[i]))
                    || self
                        .words
                        .get(i + 1)
                        .is_some_and(|next| joins(&self.words[i], next))
            })
            .collect();
        let mut searches = 0;
        for (word, joinable) in self.words.iter_mut().zip(joinable) {
            // A run-together or split compound is not a typo: "hover board" is "hoverboard".
            if !word.ids.is_empty()
                || joinable
                || word.folded.chars().any(|c| c.is_ascii_digit())
                || !may_have_typo(&word.folded)
                || (word.phrase.is_none() && split_compound(index, &word.folded).is_some())
            {
                continue;
            }
            if searches == MAX_TYPO_SEARCHES {
                self.unchecked.push(word.typed.clone());
                continue;
            }
            searches += 1;
            let Some(corrected) = nearest_word(index, &word.folded) else {
                continue;
            };
            let Some((folded, terms, _)) = analyse_everywhere(index.analyzers(), &corrected) else {
                continue;
            };
            let ids: Vec<TermId> = terms.iter().filter_map(|t| index.term_id(t)).collect();
            if ids.is_empty() {
                continue;
            }
            self.corrections.push(Correction {
                typed: word.typed.clone(),
                corrected: corrected.clone(),
            });
            word.folded = folded;
            word.terms = terms;
            word.ids = ids;
            word.typed = corrected;
        }
    }

    /// The query with each correction put in place of the typed word.
    fn suggestion(&self, query: &str) -> String {
        let mut suggestion = String::with_capacity(query.len());
        let mut last = 0;
        let mut corrected: Vec<&QueryWord> = self
            .words
            .iter()
            .filter(|w| self.corrections.iter().any(|c| c.corrected == w.typed))
            .collect();
        corrected.sort_by_key(|w| w.span.start);
        for word in corrected {
            suggestion.push_str(&query[last..word.span.start]);
            suggestion.push_str(&word.typed);
            last = word.span.end;
        }
        suggestion.push_str(&query[last..]);
        suggestion.trim().to_owned()
    }

    fn matchers(&self, index: &Index) -> Vec<Matcher> {
        let mut matchers = Vec::new();
        let mut phrase_parts: HashMap<usize, (Parts<TermId>, Vec<usize>)> = HashMap::new();
        for (i, word) in self.words.iter().enumerate() {
            match word.phrase {
                Some((phrase, offset)) => {
                    let entry = phrase_parts.entry(phrase).or_default();
                    entry.0.push((word.ids.clone(), offset));
                    entry.1.push(i);
                }
                None => {
                    matchers.push(Matcher::Terms {
                        ids: word.ids.clone(),
                        cover: vec![i],
                    });
                    if let Some((left, right)) = split_compound(index, &word.folded) {
                        let parts = [left, right].map(|half| {
                            analyse_everywhere(index.analyzers(), &half)
                                .map(|(_, terms, _)| {
                                    terms.iter().filter_map(|t| index.term_id(t)).collect()
                                })
                                .unwrap_or_default()
                        });
                        let [left, right] = parts;
                        matchers.push(Matcher::Phrase {
                            parts: vec![(left, 0), (right, 1)],
                            cover: vec![i],
                            boost: 1.0,
                        });
                    }
                }
            }
        }
        let mut phrases: Vec<_> = phrase_parts.into_iter().collect();
        phrases.sort_by_key(|(phrase, _)| *phrase);
        for (_, (parts, cover)) in phrases {
            let parts = parts.into_iter().take(MAX_PHRASE_WORDS).collect::<Vec<_>>();
            if parts.len() == 1 {
                matchers.push(Matcher::Terms {
                    ids: parts[0].0.clone(),
                    cover,
                });
            } else {
                matchers.push(Matcher::Phrase {
                    parts,
                    cover,
                    boost: PHRASE_BOOST,
                });
            }
        }
        // Neighbouring plain words: side by side, or written as one word.
        for (i, pair) in self.words.windows(2).enumerate() {
            let (a, b) = (&pair[0], &pair[1]);
            if a.phrase.is_some() || b.phrase.is_some() || b.position != a.position + 1 {
                continue;
            }
            matchers.push(Matcher::Phrase {
                parts: vec![(a.ids.clone(), 0), (b.ids.clone(), 1)],
                cover: vec![i, i + 1],
                boost: PROXIMITY_BOOST,
            });
            let joined = format!("{}{}", a.folded, b.folded);
            if index.word_frequency(&joined) > 0
                && let Some((_, terms, _)) = analyse_everywhere(index.analyzers(), &joined)
            {
                matchers.push(Matcher::Terms {
                    ids: terms.iter().filter_map(|t| index.term_id(t)).collect(),
                    cover: vec![i, i + 1],
                });
            }
        }
        matchers
    }

    /// The quoted phrases that matched no brief.
    fn missing_phrases(&self, index: &Index, matchers: &[Matcher]) -> Vec<String> {
        let mut missing = Vec::new();
        for (phrase, text) in self.phrases.iter().enumerate() {
            let cover: Vec<usize> = self
                .words
                .iter()
                .enumerate()
                .filter(|(_, w)| w.phrase.is_some_and(|(p, _)| p == phrase))
                .map(|(i, _)| i)
                .collect();
            let found = matchers.iter().any(|m| match m {
                Matcher::Phrase {
                    parts, cover: c, ..
                } if *c == cover => {
                    let mut any = false;
                    match_phrase(index, parts, |_, _| any = true);
                    any
                }
                Matcher::Terms { ids, cover: c } if *c == cover => {
                    ids.iter().any(|&t| !index.docs(t).is_empty())
                }
                _ => false,
            });
            if !found {
                missing.push(text.clone());
            }
        }
        missing
    }

    fn highlighter(&self, matchers: &[Matcher]) -> Highlighter {
        let mut highlighter = Highlighter::default();
        let mut add_term = |term: TermId, words: &[usize]| match highlighter
            .terms
            .iter_mut()
            .find(|(t, _)| *t == term)
        {
            Some((_, covered)) => covered.extend_from_slice(words),
            None => highlighter.terms.push((term, words.to_vec())),
        };
        for (i, word) in self.words.iter().enumerate() {
            if word.phrase.is_none() {
                for &term in &word.ids {
                    add_term(term, &[i]);
                }
            }
        }
        // A quoted phrase of one word is searched as that word.
        for matcher in matchers {
            if let Matcher::Terms { ids, cover } = matcher
                && cover.iter().any(|&i| self.words[i].phrase.is_some())
            {
                for &term in ids {
                    add_term(term, cover);
                }
            }
        }
        for matcher in matchers {
            if let Matcher::Phrase {
                parts,
                cover,
                boost,
            } = matcher
            {
                // Proximity pairs are already highlighted word by word.
                if *boost == PROXIMITY_BOOST {
                    continue;
                }
                highlighter.phrases.push((parts.clone(), cover.clone()));
            }
        }
        highlighter
    }
}

/// Whether a typo search may correct `word`: only words of 5 letters or more are.
fn may_have_typo(word: &str) -> bool {
    word.chars().nth(4).is_some()
}

/// The nearest word in the library within the allowed number of edits: one for words of 5 to
/// 8 letters, two for longer ones, none for shorter ones. Ties go to the word more briefs hold.
fn nearest_word(index: &Index, word: &str) -> Option<String> {
    let length = word.chars().count();
    let allowed = match length {
        0..=4 => return None,
        5..=8 => 1,
        _ => 2,
    };
    let mut nearest = Nearest {
        index,
        word,
        typed: word.chars().collect(),
        mask: letter_mask(word),
        allowed,
        best: None,
        candidate_chars: Vec::new(),
    };
    // Nearest lengths first: once a close word is found, farther lengths cannot beat it.
    let lengths = (0..=allowed).flat_map(|d| [length - d, length + d]).skip(1);
    for candidate_length in lengths {
        if candidate_length.abs_diff(length) > nearest.limit() {
            continue;
        }
        for bucket in index.buckets_of_length(candidate_length) {
            // Once a word one edit away is found, only words one edit away can beat it.
            match one_edit_ends(word, nearest.limit(), candidate_length) {
                Some((head, tail)) => {
                    for at in bucket.starting_or_ending(head, tail) {
                        if nearest.close_letters(bucket.masks()[at]) {
                            nearest.consider(bucket, at);
                        }
                    }
                }
                None => {
                    for (at, &mask) in bucket.masks().iter().enumerate() {
                        if nearest.close_letters(mask) {
                            nearest.consider(bucket, at);
                        }
                    }
                }
            }
        }
    }
    nearest
        .best
        .map(|(_, _, word)| String::from_utf8_lossy(word).into_owned())
}

/// The search for the word nearest a typed one: the typed word, and the best so far.
struct Nearest<'i> {
    index: &'i Index,
    word: &'i str,
    typed: Vec<char>,
    mask: u64,
    allowed: usize,
    /// (edits, how many briefs hold it, its letters): the lowest wins.
    best: Option<(usize, std::cmp::Reverse<u32>, &'i [u8])>,
    candidate_chars: Vec<char>,
}

impl<'i> Nearest<'i> {
    /// The most edits a word may be away and still beat the best so far.
    fn limit(&self) -> usize {
        self.best.map_or(self.allowed, |best| best.0)
    }

    /// Each edit takes away at most one letter and brings at most one: a cheap test first,
    /// on the letters each word has that the other lacks.
    fn close_letters(&self, mask: u64) -> bool {
        let limit = self.limit();
        at_most(self.mask & !mask, limit) && at_most(mask & !self.mask, limit)
    }

    /// Takes the word at `at` of `bucket` as the best if it is near enough and nearer.
    fn consider(&mut self, bucket: &'i LengthBucket, at: usize) {
        let limit = self.limit();
        let (id, candidate) = bucket.word(at);
        let distance = if self.word.is_ascii() {
            osa_within(self.word.as_bytes(), candidate, limit)
        } else {
            self.candidate_chars.clear();
            self.candidate_chars
                .extend(candidate.iter().map(|&b| char::from(b)));
            osa_within(&self.typed, &self.candidate_chars, limit)
        };
        let Some(distance) = distance else {
            return;
        };
        let frequency = self.index.word_count(id);
        if distance == 0 || frequency == 0 {
            return;
        }
        let key = (distance, std::cmp::Reverse(frequency), candidate);
        if self.best.is_none_or(|best| key < best) {
            self.best = Some(key);
        }
    }
}

/// For a typed word `t` of five letters or more, what a word `c` of `length` letters one edit
/// away from it must start with or end with. Either the edit is from the third letter on, and
/// `c` starts with `t`'s first two letters, or it is in the first three letters, and the rest
/// of `t` ends `c`:
/// - same length (a letter replaced or two swapped, at the latest the 2nd and 3rd): `t` from
///   its 4th letter;
/// - `c` a letter shorter (the 1st or 2nd letter of `t` dropped): `t` from its 3rd letter;
/// - `c` a letter longer (a letter put before the 1st or 2nd letter of `t`): `t` from its 2nd.
///
/// `None` when more than one edit is allowed or the word is not plain ASCII: then every word
/// is looked at.
fn one_edit_ends(typed: &str, edits: usize, length: usize) -> Option<(&[u8], &[u8])> {
    let bytes = typed.as_bytes();
    if edits != 1 || !typed.is_ascii() || bytes.len() < 5 {
        return None;
    }
    let tail = match length.cmp(&bytes.len()) {
        std::cmp::Ordering::Equal => &bytes[3..],
        std::cmp::Ordering::Less => &bytes[2..],
        std::cmp::Ordering::Greater => &bytes[1..],
    };
    Some((&bytes[..2], tail))
}

/// Whether at most `n` bits of `bits` are set (clearing the lowest set bit `n` times; no
/// population count, which the baseline x86-64 target lacks as one instruction).
fn at_most(bits: u64, n: usize) -> bool {
    let mut rest = bits;
    for _ in 0..n {
        rest &= rest.wrapping_sub(1);
    }
    rest == 0
}

/// A word's letters as a set with a little of their counts: bit `i` for letter `i` (a-z;
/// digits and others share bit 26) present once or more, bit `32 + i` for letter `i` present
/// twice or more. One edit takes at most one bit away and brings at most one: a deletion
/// lowers one count, an insertion raises one, a substitution does both, a transposition
/// neither.
pub(crate) fn letter_mask(word: &str) -> u64 {
    const LETTERS: u64 = (1 << 26) - 1;
    let (mut once, mut twice) = (0u64, 0u64);
    for b in word.bytes() {
        let bit = match b {
            b'a'..=b'z' => 1 << (b - b'a'),
            _ => 1 << 26,
        };
        twice |= once & bit & LETTERS;
        once |= bit;
    }
    once | twice << 32
}

/// Optimal string alignment distance (edits, with adjacent transpositions) between `a` and
/// `b`, or `None` as soon as it must exceed `limit`.
#[cfg(test)]
fn bounded_osa(a: &[char], b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    osa_within(a, &b, limit)
}

/// The longest word compared without allocating (vocabulary words are at most 64 bytes).
const STACK_WORD: usize = 66;

/// [`bounded_osa`] on any letters: bytes for ASCII words (what the vocabulary holds), without
/// allocating for words of up to 65 letters.
fn osa_within<T: PartialEq + Copy>(a: &[T], b: &[T], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    if width > STACK_WORD {
        let mut rows = vec![0usize; 3 * width];
        return osa_rows(a, b, limit, &mut rows);
    }
    let mut rows = [0usize; 3 * STACK_WORD];
    osa_rows(a, b, limit, &mut rows[..3 * width])
}

/// The OSA dynamic programme over three rows (two back, previous, current) laid end to end,
/// computed only in the band of cells within `limit` of the diagonal: a cell outside it is
/// more than `limit` edits away, so it is held at `limit + 1`, as is every value past it.
fn osa_rows<T: PartialEq + Copy>(
    a: &[T],
    b: &[T],
    limit: usize,
    rows: &mut [usize],
) -> Option<usize> {
    let width = b.len() + 1;
    let cap = limit + 1;
    let (mut two_back, rest) = rows.split_at_mut(width);
    let (mut previous, mut current) = rest.split_at_mut(width);
    for (j, cell) in previous.iter_mut().enumerate() {
        *cell = j.min(cap);
    }
    for i in 1..=a.len() {
        let low = i.saturating_sub(limit).max(1);
        let high = (i + limit).min(width - 1);
        current[0] = i.min(cap);
        if low >= 2 {
            current[low - 1] = cap;
        }
        let mut row_min = if low == 1 { current[0] } else { cap };
        for j in low..=high {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(two_back[j - 2] + 1);
            }
            current[j] = value.min(cap);
            row_min = row_min.min(current[j]);
        }
        if high + 1 < width {
            current[high + 1] = cap;
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut two_back, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[width - 1];
    (distance <= limit).then_some(distance)
}

/// Splits a run-together word into two words the library holds ("cybersecurity" into "cyber"
/// and "security"), preferring the split whose rarer half is most common.
fn split_compound(index: &Index, word: &str) -> Option<(String, String)> {
    const MIN_HALF: usize = 2;
    if !word.is_ascii() || word.len() < 2 * MIN_HALF + 1 || word.chars().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    let frequency = |half: &str| {
        if index
            .analyzers()
            .iter()
            .any(|a| is_stop_word(a.language(), half))
        {
            0
        } else {
            index.word_frequency(half)
        }
    };
    (MIN_HALF..=word.len() - MIN_HALF)
        .filter_map(|cut| {
            let (left, right) = word.split_at(cut);
            let weakest = frequency(left).min(frequency(right));
            (weakest > 0).then_some((weakest, cut))
        })
        .max()
        .map(|(_, cut)| (word[..cut].to_owned(), word[cut..].to_owned()))
}

/// Calls `visit(doc, score)` for every brief holding the phrase.
fn match_phrase(index: &Index, parts: &[(Vec<TermId>, u32)], mut visit: impl FnMut(DocId, f32)) {
    let Some(mut walk) = PhraseWalk::new(index, parts) else {
        return;
    };
    let candidates = walk.candidates();
    for &doc in candidates.iter() {
        if let Some(score) = walk.score(doc) {
            visit(doc, score);
        }
    }
}

/// A phrase looked for in briefs taken in ascending order: its words' postings are walked
/// once, galloping, whatever the number of briefs asked about.
struct PhraseWalk<'a> {
    index: &'a Index,
    parts: &'a [(Vec<TermId>, u32)],
    /// The part with the fewest briefs: its positions are tried first.
    driver: usize,
    /// Per part, per term: how far its briefs have been walked, and whether the brief last
    /// asked about is where the walk stopped.
    cursors: Vec<Vec<(usize, bool)>>,
    /// Each part's terms' weights, worked out once.
    idfs: Vec<Vec<f32>>,
}

impl<'a> PhraseWalk<'a> {
    /// `None` when some part has no term: no brief holds the phrase.
    fn new(index: &'a Index, parts: &'a [(Vec<TermId>, u32)]) -> Option<Self> {
        if parts.is_empty() || parts.iter().any(|(ids, _)| ids.is_empty()) {
            return None;
        }
        debug_assert!(
            parts
                .iter()
                .all(|(_, offset)| offset.saturating_sub(parts[0].1) <= MAX_PHRASE_SPAN),
            "a phrase wider than a field gap could match across fields"
        );
        let df = |ids: &[TermId]| ids.iter().map(|&id| index.docs(id).len()).sum::<usize>();
        let driver = (0..parts.len())
            .min_by_key(|&i| df(&parts[i].0))
            .unwrap_or(0);
        Some(PhraseWalk {
            index,
            parts,
            driver,
            cursors: parts
                .iter()
                .map(|(ids, _)| vec![(0, false); ids.len()])
                .collect(),
            idfs: parts
                .iter()
                .map(|(ids, _)| ids.iter().map(|&id| index.idf(id)).collect())
                .collect(),
        })
    }

    /// The briefs of the rarest part, ascending: every brief holding the phrase is one.
    fn candidates(&self) -> std::borrow::Cow<'a, [DocId]> {
        let index = self.index;
        match self.parts[self.driver].0[..] {
            [id] => std::borrow::Cow::Borrowed(index.docs(id)),
            ref ids => {
                let mut docs: Vec<DocId> = ids
                    .iter()
                    .flat_map(|&id| index.docs(id).iter().copied())
                    .collect();
                docs.sort_unstable();
                docs.dedup();
                std::borrow::Cow::Owned(docs)
            }
        }
    }

    /// The phrase's score in `doc`, if `doc` holds it. Briefs must be asked about in
    /// ascending order.
    fn score(&mut self, doc: DocId) -> Option<f32> {
        let (index, parts, driver) = (self.index, self.parts, self.driver);
        // A brief missing a word of the phrase is passed over before any position is read.
        for ((ids, _), cursors) in parts.iter().zip(&mut self.cursors) {
            let mut any = false;
            for (&id, (cursor, here)) in ids.iter().zip(cursors.iter_mut()) {
                *here = index.seek(id, cursor, doc);
                any |= *here;
            }
            if !any {
                return None;
            }
        }
        // Positions and scores are read at the walk's slots: no search per lookup.
        let cursors = &self.cursors;
        let holds = |part: usize, position: u32| {
            let Ok(position) = super::index::Position::try_from(position) else {
                return false;
            };
            parts[part]
                .0
                .iter()
                .zip(&cursors[part])
                .any(|(&id, &(slot, here))| {
                    here && index
                        .positions_at(id, slot)
                        .binary_search(&position)
                        .is_ok()
                })
        };
        let (driver_ids, driver_offset) = &parts[driver];
        let found = driver_ids
            .iter()
            .zip(&cursors[driver])
            .filter(|(_, (_, here))| *here)
            .any(|(&id, &(slot, _))| {
                index.positions_at(id, slot).iter().any(|&p| {
                    u32::from(p)
                        .checked_sub(*driver_offset)
                        .is_some_and(|start| {
                            parts
                                .iter()
                                .enumerate()
                                .all(|(i, (_, offset))| i == driver || holds(i, start + offset))
                        })
                })
            });
        found.then(|| {
            parts
                .iter()
                .zip(cursors)
                .zip(&self.idfs)
                .map(|(((ids, _), cursors), idfs)| {
                    ids.iter()
                        .zip(cursors)
                        .zip(idfs)
                        .filter(|((_, (_, here)), _)| *here)
                        .map(|((&id, &(slot, _)), &idf)| index.score_at(id, idf, slot))
                        .fold(0.0, f32::max)
                })
                .sum()
        })
    }
}

/// Briefs rank first by how many query words they cover, so when at least `limit` briefs
/// cover `c` words, the best `limit` are among them. Tries `c` from every word down to two,
/// and returns the best `limit` of the first tier where they all cover `c` words, or `None`
/// when scoring them all is simpler: a quoted phrase in the query, a single word, or too few
/// briefs cover two words.
///
/// A brief covers a word when a matcher covering the word finds it, and then it holds a term
/// [`may_cover`] lists for the word. So a brief covering `c` of the words holds one of any
/// `words - c + 1` of them: only the briefs holding the rarest are walked.
fn covering_most_words(
    index: &Index,
    words: usize,
    matchers: &[Matcher],
    limit: usize,
) -> Option<Vec<Hit>> {
    if limit == 0 || words < 2 || matchers.iter().any(is_quoted) {
        return None;
    }
    let may = may_cover(index, words, matchers);
    // The last tier walked and its best: the next tier holds all its briefs.
    let mut walked: Vec<DocId> = Vec::new();
    let mut best: Vec<Hit> = Vec::new();
    for covering in (2..=may.len()).rev() {
        let rarest = &may[..may.len() - covering + 1];
        if rarest.iter().map(|word| word.held).sum::<usize>() < limit {
            continue;
        }
        // First the briefs that may cover enough words (cheap: no scores), and only if
        // there are enough of them, the best of them.
        let mut docs = docs_holding(index, rarest.iter().flat_map(|word| &word.terms)).into_owned();
        let mut cursors: Vec<Vec<usize>> = may.iter().map(|w| vec![0; w.terms.len()]).collect();
        docs.retain(|&doc| {
            let mut covered = 0;
            for (word, cursors) in may.iter().zip(&mut cursors) {
                let mut here = false;
                for (&id, cursor) in word.terms.iter().zip(cursors.iter_mut()) {
                    here |= index.seek(id, cursor, doc);
                }
                covered += usize::from(here);
            }
            covered >= covering
        });
        if docs.len() < limit {
            continue;
        }
        // A brief may hold a term listed for a word and not cover it (the first half of a
        // compound without the second), so the best may cover fewer words than the tier:
        // then the next tier is walked, starting from this one's best. Its briefs are passed
        // over there: each was scored, or passed over for a bar that the best only raise.
        let seed = Seed {
            hits: std::mem::take(&mut best),
            taken: &walked,
        };
        let hits = best_of_seeded(index, words, matchers, &docs, limit, seed);
        if hits.len() >= limit && hits[limit - 1].covered >= covering {
            return Some(hits);
        }
        best = hits;
        walked = docs;
    }
    None
}

/// The briefs holding any of `terms`, ascending: borrowed when there is one term.
fn docs_holding<'a>(
    index: &'a Index,
    terms: impl IntoIterator<Item = &'a TermId>,
) -> std::borrow::Cow<'a, [DocId]> {
    let mut terms = terms.into_iter().peekable();
    let Some(&first) = terms.next() else {
        return std::borrow::Cow::Borrowed(&[]);
    };
    if terms.peek().is_none() {
        return index.docs(first).into();
    }
    let mut docs = index.docs(first).to_vec();
    let mut merged = Vec::new();
    for &id in terms {
        merge_into(&mut merged, &docs, index.docs(id));
        std::mem::swap(&mut docs, &mut merged);
    }
    docs.into()
}

/// Sets `out` to the docs in `a` or `b` (each ascending, without repeats), ascending.
fn merge_into(out: &mut Vec<DocId>, a: &[DocId], b: &[DocId]) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// How many briefs any matcher finds (side-by-side pairs find only briefs their words' terms
/// find).
fn found_by_any(index: &Index, matchers: &[Matcher]) -> usize {
    let mut lists: Vec<&[DocId]> = Vec::new();
    let mut phrased: Vec<DocId> = Vec::new();
    for matcher in matchers {
        match matcher {
            Matcher::Terms { ids, .. } => lists.extend(ids.iter().map(|&id| index.docs(id))),
            Matcher::Phrase { boost, .. } if *boost == PROXIMITY_BOOST => {}
            Matcher::Phrase { parts, .. } => {
                match_phrase(index, parts, |doc, _| phrased.push(doc));
            }
        }
    }
    lists.push(&phrased);
    union_size(index.doc_slots(), lists)
}

/// Whether a matcher is a quoted phrase (which covers its words only where they stand
/// together).
fn is_quoted(matcher: &Matcher) -> bool {
    matches!(matcher, Matcher::Phrase { boost, .. } if *boost == PHRASE_BOOST)
}

/// A query word with the terms a brief may cover it by.
struct MayCover {
    word: usize,
    terms: Vec<TermId>,
    /// How many briefs hold the terms, counting a brief once per term.
    held: usize,
}

/// Per query word that some term may cover, the word and those terms, rarest word first (by
/// how many briefs hold its terms). A brief covers a word only if it holds one of its terms
/// here: the word's own terms, a join's term, or the first half of a run-together compound
/// (two words side by side only score more: they need the words' own terms).
fn may_cover(index: &Index, words: usize, matchers: &[Matcher]) -> Vec<MayCover> {
    let mut may: Vec<Vec<TermId>> = vec![Vec::new(); words];
    for matcher in matchers {
        match matcher {
            Matcher::Terms { ids, cover } => {
                for &word in cover {
                    may[word].extend(ids);
                }
            }
            Matcher::Phrase { boost, .. } if *boost == PROXIMITY_BOOST => {}
            Matcher::Phrase { parts, cover, .. } => {
                for &word in cover {
                    may[word].extend(parts.first().map_or(&[][..], |p| &p.0[..]));
                }
            }
        }
    }
    // A word no term covers is covered by no brief: only the others count.
    let mut may: Vec<MayCover> = may
        .into_iter()
        .enumerate()
        .filter(|(_, terms)| !terms.is_empty())
        .map(|(word, mut terms)| {
            terms.sort_unstable();
            terms.dedup();
            let held = terms.iter().map(|&id| index.docs(id).len()).sum();
            MayCover { word, terms, held }
        })
        .collect();
    may.sort_by_key(|word| word.held);
    may
}

/// When too few briefs cover two query words for the tiers to settle the best: first the best
/// among the briefs holding any word but the commonest; then the briefs holding only the
/// commonest word, each of which covers one word and scores by that word's own matchers
/// alone, walked with the best so far as the bar to beat, so that runs of them whose bounds
/// fall short of it are passed over.
fn beside_the_commonest(
    index: &Index,
    words: usize,
    matchers: &[Matcher],
    limit: usize,
) -> Option<(Vec<Hit>, usize)> {
    if limit == 0 || words < 2 || matchers.iter().any(is_quoted) {
        return None;
    }
    let may = may_cover(index, words, matchers);
    let (commonest, rarer) = may.split_last()?;
    let pooled: usize = rarer.iter().map(|word| word.held).sum();
    // Worth it only when the commonest word's briefs far outnumber the others'.
    if rarer.is_empty() || pooled < limit || commonest.held < 8 * pooled {
        return None;
    }
    let pool = docs_holding(index, rarer.iter().flat_map(|word| &word.terms));
    if pool.len() < limit {
        return None;
    }
    let hits = best_of(index, words, matchers, &pool, limit);
    if hits.get(limit - 1)?.covered >= 2 {
        return Some((hits, found_by_any(index, matchers)));
    }
    // A brief outside the pool holds no term of the other words, so only matchers covering
    // the commonest word alone can find it (a join or a side-by-side pair needs another
    // word's terms too); a phrase among them needs its first part, one of the word's terms.
    let alone: Vec<&Matcher> = matchers
        .iter()
        .filter(|matcher| matcher.cover() == [commonest.word])
        .collect();
    let others = docs_holding(index, &commonest.terms);
    let seed = Seed { hits, taken: &pool };
    let hits = best_of_seeded(index, words, &alone, &others, limit, seed);
    Some((hits, found_by_any(index, matchers)))
}

/// How many docs below `slots` are in any of `lists` (each ascending). The longest list is
/// counted whole and, when the others are much shorter, only the docs it lacks are looked up
/// in it: a very common word costs no walk of its docs.
fn union_size(slots: usize, mut lists: Vec<&[DocId]>) -> usize {
    let Some(longest) = (0..lists.len()).max_by_key(|&i| lists[i].len()) else {
        return 0;
    };
    let longest = lists.swap_remove(longest);
    let others: usize = lists.iter().map(|list| list.len()).sum();
    if others.saturating_mul(16) <= longest.len() {
        let mut rest = lists.concat();
        rest.sort_unstable();
        rest.dedup();
        let mut cursor = 0;
        let lacking = rest
            .iter()
            .filter(|&&doc| !seek(longest, &mut cursor, doc))
            .count();
        return longest.len() + lacking;
    }
    let mut seen = vec![0u64; slots.div_ceil(64)];
    let mut total = 0;
    for &doc in lists.iter().flat_map(|list| list.iter()).chain(longest) {
        let (at, bit) = (doc as usize / 64, 1u64 << (doc % 64));
        total += usize::from(seen[at] & bit == 0);
        seen[at] |= bit;
    }
    total
}

/// Per-query accumulators, kept from one query to the next on each thread, so that a query
/// allocates nothing in proportion to the size of the library.
#[derive(Default)]
struct Scratch {
    /// Per brief: its row in `best`, or `u32::MAX` when untouched.
    slot: Vec<u32>,
    /// The briefs touched, in the order of their rows.
    docs: Vec<DocId>,
    /// Row per touched brief: the best score it earned for each query word.
    best: Vec<f32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Scores every brief any matcher finds: one hit each.
fn score(index: &Index, words: usize, matchers: &[Matcher]) -> Vec<Hit> {
    // For each query word, the best score each brief earns for it.
    let width = words.max(1);
    SCRATCH.with_borrow_mut(|scratch| {
        let Scratch { slot, docs, best } = scratch;
        if slot.len() < index.doc_slots() {
            slot.resize(index.doc_slots(), u32::MAX);
        }
        let mut credit = |cover: &[usize], doc: DocId, score: f32| {
            let share = score / cover.len() as f32;
            let row = &mut slot[doc as usize];
            if *row == u32::MAX {
                *row = docs.len() as u32;
                docs.push(doc);
                best.resize(best.len() + width, 0.0);
            }
            let base = *row as usize * width;
            for &word in cover {
                let cell = &mut best[base + word];
                *cell = cell.max(share);
            }
        };
        for matcher in matchers {
            match matcher {
                Matcher::Terms { ids, cover } => {
                    for &id in ids {
                        index.score_term(id, |doc, score| credit(cover, doc, score));
                    }
                }
                Matcher::Phrase {
                    parts,
                    cover,
                    boost,
                } => {
                    match_phrase(index, parts, |doc, score| credit(cover, doc, score * boost));
                }
            }
        }
        let hits = docs
            .iter()
            .zip(best.chunks(width))
            .map(|(&doc, row)| {
                let (covered, score) = earned(row);
                Hit {
                    doc,
                    covered,
                    score,
                }
            })
            .collect();
        for &doc in docs.iter() {
            slot[doc as usize] = u32::MAX;
        }
        docs.clear();
        best.clear();
        hits
    })
}

/// A query term walked over briefs in ascending order, with the bounds of its blocks.
struct Lane<'a> {
    term: TermId,
    docs: &'a [DocId],
    idf: f32,
    blocks: std::borrow::Cow<'a, [Block]>,
    /// Turns a block into a bound: see [`Index::block_bound`].
    scale: f32,
    /// The block of the brief last asked about, and where the walk of `docs` stopped.
    block: usize,
    cursor: usize,
}

impl<'a> Lane<'a> {
    fn new(index: &'a Index, term: TermId) -> Self {
        let idf = index.idf(term);
        let (blocks, scale) = index.bounds(term, idf);
        Lane {
            term,
            docs: index.docs(term),
            idf,
            blocks,
            scale,
            block: 0,
            cursor: 0,
        }
    }

    /// The bound on the term's score in `doc` and the briefs after it up to the returned
    /// brief; `None` past the term's last brief. A term in one block only (a rare one) is
    /// bounded brief by brief: 0 up to its next brief.
    fn bound(&mut self, doc: DocId) -> Option<(f32, DocId)> {
        while self.blocks.get(self.block).is_some_and(|b| b.last < doc) {
            self.block += 1;
        }
        let block = self.blocks.get(self.block)?;
        let bound = block.bound(self.scale);
        if self.blocks.len() > 1 {
            Some((bound, block.last))
        } else if seek(self.docs, &mut self.cursor, doc) {
            Some((bound, doc))
        } else {
            // The walk stopped at the next brief holding the term, which follows `doc`.
            let next = self.docs.get(self.cursor).copied().unwrap_or(DocId::MAX);
            Some((0.0, next - 1))
        }
    }

    /// The term's score in `doc`, if `doc` holds it.
    fn score(&mut self, index: &Index, doc: DocId) -> Option<f32> {
        index
            .seek(self.term, &mut self.cursor, doc)
            .then(|| index.score_at(self.term, self.idf, self.cursor))
    }
}

/// A matcher walked over briefs in ascending order.
enum Walk<'a> {
    Terms {
        lanes: Vec<Lane<'a>>,
        cover: &'a [usize],
    },
    Phrase {
        /// `None` when no brief can hold the phrase.
        walk: Option<PhraseWalk<'a>>,
        /// Per part, its terms: for the bounds.
        parts: Vec<Vec<Lane<'a>>>,
        cover: &'a [usize],
        boost: f32,
    },
}

impl<'a> Walk<'a> {
    fn new(index: &'a Index, matcher: &'a Matcher) -> Self {
        match matcher {
            Matcher::Terms { ids, cover } => Walk::Terms {
                lanes: ids.iter().map(|&id| Lane::new(index, id)).collect(),
                cover,
            },
            Matcher::Phrase {
                parts,
                cover,
                boost,
            } => Walk::Phrase {
                walk: PhraseWalk::new(index, parts),
                parts: parts
                    .iter()
                    .map(|(ids, _)| ids.iter().map(|&id| Lane::new(index, id)).collect())
                    .collect(),
                cover,
                boost: *boost,
            },
        }
    }

    /// The words this matcher covers.
    fn cover(&self) -> &'a [usize] {
        match self {
            Walk::Terms { cover, .. } | Walk::Phrase { cover, .. } => cover,
        }
    }

    /// No brief from `doc` up to the returned brief scores more than the returned bound
    /// here (0: none is found).
    fn bound(&mut self, doc: DocId) -> (f32, DocId) {
        // The highest bound among `lanes`, and the end of the run it holds for.
        let best = |lanes: &mut [Lane<'_>]| {
            lanes
                .iter_mut()
                .filter_map(|lane| lane.bound(doc))
                .fold((0f32, DocId::MAX), |(bound, end), (b, last)| {
                    (bound.max(b), end.min(last))
                })
        };
        match self {
            Walk::Terms { lanes, .. } => best(lanes),
            Walk::Phrase { parts, boost, .. } => {
                let mut sum = 0.0;
                let mut end = DocId::MAX;
                for lanes in parts.iter_mut() {
                    let (bound, last) = best(lanes);
                    if bound == 0.0 {
                        // Some word of the phrase is in no brief from here on.
                        return (0.0, end.min(last));
                    }
                    sum += bound;
                    end = end.min(last);
                }
                (sum * *boost, end)
            }
        }
    }

    /// What this phrase would score in `doc` if its words stood together there: its words'
    /// scores, boosted (0 when a word is missing). A terms matcher's is 0.
    /// `known` gives the scores in `doc` of terms already looked up.
    fn ceiling(&mut self, index: &Index, doc: DocId, known: &[(TermId, Option<f32>)]) -> f32 {
        let Walk::Phrase { parts, boost, .. } = self else {
            return 0.0;
        };
        let mut sum = 0.0;
        for lanes in parts.iter_mut() {
            let best = lanes
                .iter_mut()
                .filter_map(
                    |lane| match known.iter().find(|(term, _)| *term == lane.term) {
                        Some(&(_, score)) => score,
                        None => lane.score(index, doc),
                    },
                )
                .reduce(f32::max);
            match best {
                Some(best) => sum += best,
                None => return 0.0,
            }
        }
        sum * *boost
    }

    /// This matcher's score in `doc`, if it finds `doc`. A terms matcher adds each of its
    /// terms' scores to `known`.
    fn score(
        &mut self,
        index: &Index,
        doc: DocId,
        known: &mut Vec<(TermId, Option<f32>)>,
    ) -> Option<f32> {
        match self {
            Walk::Terms { lanes, .. } => lanes
                .iter_mut()
                .filter_map(|lane| {
                    let score = lane.score(index, doc);
                    known.push((lane.term, score));
                    score
                })
                .reduce(f32::max),
            Walk::Phrase { walk, boost, .. } => {
                walk.as_mut().and_then(|w| w.score(doc)).map(|s| s * *boost)
            }
        }
    }
}

/// Credits each of the words in `cover` with its share of `score`, where that is more than
/// the word has earned in `row` so far.
fn credit(row: &mut [f32], cover: &[usize], score: f32) {
    let share = score / cover.len() as f32;
    for &word in cover {
        row[word] = row[word].max(share);
    }
}

/// How many words a row of per-word scores covers, and its score: the sum of what each word
/// earned, in word order.
fn earned(row: &[f32]) -> (usize, f32) {
    let earned = row.iter().filter(|&&score| score > 0.0);
    (earned.clone().count(), earned.sum())
}

/// Whether a brief covering `covered` words for `score` at most ranks below `worst`: it
/// cannot take its place (an equal one might, newer).
fn falls_short(covered: usize, score: f32, worst: &Hit) -> bool {
    covered < worst.covered || (covered == worst.covered && score < worst.score)
}

/// A hit ordered as the ranking orders them: the greater, the better.
struct Ranked {
    hit: Hit,
    recency: u32,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.hit
            .covered
            .cmp(&other.hit.covered)
            .then(self.hit.score.total_cmp(&other.hit.score))
            .then(other.recency.cmp(&self.recency))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ranked {}

/// The best `limit` hits among `docs` (ascending), best first: what scoring every one of them
/// and ranking them would give. Once `limit` hits are in hand, a run of briefs is passed over
/// whole when the bounds of its terms' blocks show that none of it can beat the worst of them.
fn best_of(
    index: &Index,
    words: usize,
    matchers: &[Matcher],
    docs: &[DocId],
    limit: usize,
) -> Vec<Hit> {
    best_of_seeded(index, words, matchers, docs, limit, Seed::default())
}

/// What [`best_of_seeded`] starts from, and which briefs it keeps.
#[derive(Default)]
struct Seed<'a> {
    /// Hits already ranked: the best so far.
    hits: Vec<Hit>,
    /// The briefs already walked (ascending), the hits' among them: passed over if met again.
    taken: &'a [DocId],
}

/// The best `limit` hits among `seed.hits` and those of `docs` (ascending) not taken, best
/// first: [`best_of`] with the seed's hits as the best so far, so that the bar they set
/// passes over runs of `docs` from the start.
fn best_of_seeded<M: std::borrow::Borrow<Matcher>>(
    index: &Index,
    words: usize,
    matchers: &[M],
    docs: &[DocId],
    limit: usize,
    seed: Seed<'_>,
) -> Vec<Hit> {
    use std::cmp::Reverse;
    let width = words.max(1);
    // The terms' walks, then the phrases'.
    let mut walks: Vec<Walk<'_>> = matchers
        .iter()
        .map(|m| Walk::new(index, m.borrow()))
        .collect();
    walks.sort_by_key(|walk| matches!(walk, Walk::Phrase { .. }));
    let split = walks.partition_point(|walk| matches!(walk, Walk::Terms { .. }));
    // Per word, what the brief at hand would earn if its phrases' words stood together.
    let mut best_case = vec![0f32; width];
    // The scores in the brief at hand of the terms looked up so far.
    let mut known: Vec<(TermId, Option<f32>)> = Vec::new();
    let mut top: std::collections::BinaryHeap<Reverse<Ranked>> =
        std::collections::BinaryHeap::with_capacity(limit.min(docs.len() + seed.hits.len()) + 1);
    let keep = |top: &mut std::collections::BinaryHeap<Reverse<Ranked>>, hit: Hit| {
        let ranked = Ranked {
            recency: index.recency(hit.doc),
            hit,
        };
        if top.len() < limit {
            top.push(Reverse(ranked));
        } else if top.peek().is_some_and(|Reverse(worst)| ranked > *worst) {
            top.pop();
            top.push(Reverse(ranked));
        }
    };
    for hit in seed.hits {
        keep(&mut top, hit);
    }
    let mut taken = 0;
    let mut row = vec![0f32; width];
    // The bound worked out last: (words it may cover, score ceiling, last brief it holds for).
    let mut bound: Option<(usize, f32, DocId)> = None;
    let mut at = 0;
    while let Some(&doc) = docs.get(at) {
        if top.len() >= limit
            && let Some(Reverse(worst)) = top.peek()
        {
            let (covered, ceiling, end) = match bound {
                Some(bound) if doc <= bound.2 => bound,
                _ => {
                    row.fill(0.0);
                    let mut end = DocId::MAX;
                    for walk in &mut walks {
                        let (ceiling, last) = walk.bound(doc);
                        end = end.min(last);
                        credit(&mut row, walk.cover(), ceiling);
                    }
                    let (covered, ceiling) = earned(&row);
                    bound = Some((covered, ceiling, end));
                    (covered, ceiling, end)
                }
            };
            if falls_short(covered, ceiling, &worst.hit) {
                at += docs[at..].partition_point(|&d| d <= end);
                continue;
            }
        }
        if seek(seed.taken, &mut taken, doc) {
            at += 1;
            continue;
        }
        // Terms first: they are cheap to score, and with them a phrase's score is known but
        // for whether its words stand together, which is dear to check.
        row.fill(0.0);
        let mut found = false;
        let (terms, phrases) = walks.split_at_mut(split);
        known.clear();
        for walk in terms.iter_mut() {
            if let Some(score) = walk.score(index, doc, &mut known) {
                found = true;
                credit(&mut row, walk.cover(), score);
            }
        }
        if top.len() >= limit
            && let Some(Reverse(worst)) = top.peek()
        {
            best_case.clone_from(&row);
            for walk in phrases.iter_mut() {
                let score = walk.ceiling(index, doc, &known);
                if score > 0.0 {
                    credit(&mut best_case, walk.cover(), score);
                }
            }
            let (covered, score) = earned(&best_case);
            if falls_short(covered, score, &worst.hit) {
                at += 1;
                continue;
            }
        }
        for walk in phrases.iter_mut() {
            if let Some(score) = walk.score(index, doc, &mut known) {
                found = true;
                credit(&mut row, walk.cover(), score);
            }
        }
        if found {
            let (covered, score) = earned(&row);
            keep(
                &mut top,
                Hit {
                    doc,
                    covered,
                    score,
                },
            );
        }
        at += 1;
    }
    top.into_sorted_vec()
        .into_iter()
        .map(|Reverse(ranked)| ranked.hit)
        .collect()
}

/// Scores every brief any matcher finds and keeps the best `limit`.
fn rank(
    index: &Index,
    words: &[QueryWord],
    matchers: &[Matcher],
    limit: usize,
) -> (Vec<Hit>, usize) {
    // When enough briefs may cover most words, the best are among them: only they are walked
    // (and if fewer than `limit` of them do cover that many, the next way is tried).
    let width = words.len();
    let shortcut = covering_most_words(index, width, matchers, limit)
        .map(|hits| (hits, found_by_any(index, matchers)));
    // One term alone: its briefs are all there is to walk. Below a few blocks of them,
    // scoring them all costs less than setting up the walk.
    let single = || match matchers {
        [Matcher::Terms { ids, .. }]
            if ids.len() == 1 && limit > 0 && index.docs(ids[0]).len() > 4 * BLOCK =>
        {
            let docs = index.docs(ids[0]);
            Some((best_of(index, width, matchers, docs, limit), docs.len()))
        }
        _ => None,
    };
    let beside = || beside_the_commonest(index, width, matchers, limit);
    let (mut hits, total) = shortcut.or_else(beside).or_else(single).unwrap_or_else(|| {
        let hits = score(index, width, matchers);
        let total = hits.len();
        (hits, total)
    });
    let order = |a: &Hit, b: &Hit| {
        b.covered
            .cmp(&a.covered)
            .then(b.score.total_cmp(&a.score))
            .then_with(|| index.tie_break(a.doc, b.doc))
    };
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by(limit - 1, order);
        hits.truncate(limit);
    }
    hits.sort_by(order);
    hits.truncate(limit);
    (hits, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::{Brief, parse};
    use crate::language::Language;
    use std::path::Path;

    fn brief(id: &str, date: &str, title: &str, summary: &str) -> Brief {
        let text = format!("title = {title:?}\npublished = {date}\nsummary = {summary:?}\n");
        parse(
            Path::new(&format!("{id}.toml")),
            text.as_bytes(),
            Language::English,
        )
        .unwrap()
    }

    struct Fixture {
        briefs: Vec<Brief>,
        index: Index,
    }

    impl Fixture {
        fn new(briefs: Vec<Brief>) -> Self {
            let index = Index::build(&briefs);
            Fixture { briefs, index }
        }

        fn ids(&self, query: &str) -> Vec<&str> {
            search(&self.index, query, 10)
                .hits
                .iter()
                .map(|hit| self.briefs[hit.doc as usize].id.as_str())
                .collect()
        }

        /// The ids of the best `limit` for `query`, checked to be the head of the whole
        /// ranking (scores included) with the same total, however the ranking got them.
        fn best_few(&self, query: &str, limit: usize) -> Vec<&str> {
            let all = search(&self.index, query, usize::MAX);
            let few = search(&self.index, query, limit);
            assert_eq!(few.total, all.total, "{query}");
            assert_eq!(few.hits, all.hits[..limit], "{query}");
            few.hits
                .iter()
                .map(|hit| self.briefs[hit.doc as usize].id.as_str())
                .collect()
        }
    }

    /// `briefs` among many briefs about the weather, and `zebras` briefs that mention a zebra
    /// once in a long summary (so that "zebra", rare, scores little).
    fn among_the_weather(briefs: impl IntoIterator<Item = Brief>, zebras: usize) -> Fixture {
        let filler = "quiet ".repeat(300);
        let mut all: Vec<Brief> = (0..150)
            .map(|i| brief(&format!("f{i}"), "2020-01-01", "Weather report", "Nothing."))
            .collect();
        all.extend(briefs);
        all.extend((0..zebras).map(|i| {
            let summary = format!("A zebra. {filler}");
            brief(&format!("z{i}"), "2020-01-01", "Notes", &summary)
        }));
        Fixture::new(all)
    }

    #[test]
    fn a_brief_about_the_query_beats_one_that_mentions_it_once() {
        let f = Fixture::new(vec![
            brief(
                "mention",
                "2020-01-02",
                "Weather report",
                "Rain all week. One aside on hacking, then more rain and wind and clouds.",
            ),
            brief(
                "about",
                "2020-01-01",
                "Hacking of the election",
                "Hackers hacked the election servers; the hacking went on.",
            ),
        ]);
        assert_eq!(f.ids("hacking"), ["about", "mention"]);
    }

    #[test]
    fn covering_more_query_words_ranks_higher() {
        let f = Fixture::new(vec![
            brief(
                "one",
                "2020-01-01",
                "Election election election",
                "Election news.",
            ),
            brief(
                "both",
                "2019-01-01",
                "Storm",
                "An election during a hacking scare.",
            ),
        ]);
        assert_eq!(f.ids("election hacking"), ["both", "one"]);
    }

    #[test]
    fn a_quoted_phrase_matches_only_as_a_phrase() {
        let f = Fixture::new(vec![
            brief(
                "apart",
                "2020-01-02",
                "Security for the cyber age",
                "Security matters in cyber space.",
            ),
            brief(
                "phrase",
                "2020-01-01",
                "New unit",
                "A cyber-security unit was formed.",
            ),
        ]);
        assert_eq!(f.ids("\"cyber security\""), ["phrase"]);
        let both = f.ids("cyber security");
        assert_eq!(both.len(), 2);
        assert_eq!(both[0], "apart", "title words outweigh adjacency");
    }

    #[test]
    fn the_title_outweighs_the_summary() {
        let f = Fixture::new(vec![
            brief("summary", "2020-01-02", "Report", "Flooding in the valley."),
            brief("title", "2020-01-01", "Flooding", "Water in the valley."),
        ]);
        assert_eq!(f.ids("flooding"), ["title", "summary"]);
    }

    #[test]
    fn ties_break_newest_first_then_by_id() {
        let f = Fixture::new(vec![
            brief("b-old", "2019-01-01", "Storm", "Storm."),
            brief("b-new", "2020-01-01", "Storm", "Storm."),
            brief("a-new", "2020-01-01", "Storm", "Storm."),
        ]);
        assert_eq!(f.ids("storm"), ["a-new", "b-new", "b-old"]);
    }

    #[test]
    fn a_word_that_matches_nothing_is_corrected() {
        let f = Fixture::new(vec![brief(
            "e",
            "2020-01-01",
            "Elections in Ohio",
            "Voting.",
        )]);
        let outcome = search(&f.index, "ohio electoins", 10);
        assert_eq!(outcome.hits.len(), 1);
        assert_eq!(outcome.hits[0].covered, 2);
        assert_eq!(outcome.suggestion.as_deref(), Some("ohio elections"));
        assert_eq!(
            outcome.corrections,
            [Correction {
                typed: "electoins".into(),
                corrected: "elections".into()
            }]
        );
    }

    #[test]
    fn at_most_four_unknown_words_of_a_query_are_looked_up_for_a_typo() {
        let f = Fixture::new(vec![brief(
            "w",
            "2020-01-01",
            "Thunder lightning rainfall hailstorm blizzard tornado",
            "Weather.",
        )]);
        // Six words one edit from a word of the library, and a short one never looked up.
        let outcome = search(
            &f.index,
            "thundr lightnin rainfll hailstrm blizard tornad xq",
            10,
        );
        let corrected: Vec<&str> = outcome
            .corrections
            .iter()
            .map(|c| c.corrected.as_str())
            .collect();
        assert_eq!(
            corrected,
            ["thunder", "lightning", "rainfall", "hailstorm"],
            "the first four, in the query's order"
        );
        assert_eq!(outcome.unchecked, ["blizard", "tornad"]);
        assert_eq!(outcome.unknown, ["blizard", "tornad", "xq"]);
        assert_eq!(
            outcome.hits.len(),
            1,
            "the corrected words still find the brief"
        );
    }

    #[test]
    fn edits_allowed_grow_with_length_and_never_touch_numbers() {
        let f = Fixture::new(vec![brief(
            "e",
            "2017-01-01",
            "The 2017 infrastructure vote",
            "Votes.",
        )]);
        assert!(search(&f.index, "2016", 10).hits.is_empty());
        assert_eq!(search(&f.index, "2016", 10).suggestion, None);
        assert_eq!(f.ids("infrastrcture"), ["e"], "one edit in a long word");
        assert_eq!(
            f.ids("infrstrcture"),
            ["e"],
            "two edits in a word of 9+ letters"
        );
        assert!(f.ids("vots").is_empty(), "no correction under 5 letters");
    }

    /// [`nearest_word`] the slow way: every word of the lengths within reach, with the
    /// reference edit distance.
    fn nearest_by_scan(index: &Index, typed: &str) -> Option<String> {
        let allowed = match typed.len() {
            0..=4 => return None,
            5..=8 => 1,
            _ => 2,
        };
        let mut best: Option<(usize, std::cmp::Reverse<u32>, Vec<u8>)> = None;
        for length in typed.len() - allowed..=typed.len() + allowed {
            for bucket in index.buckets_of_length(length) {
                for at in 0..bucket.masks().len() {
                    let (id, letters) = bucket.word(at);
                    let distance = strsim::osa_distance(typed, &String::from_utf8_lossy(letters));
                    let frequency = index.word_count(id);
                    if distance == 0 || distance > allowed || frequency == 0 {
                        continue;
                    }
                    let key = (distance, std::cmp::Reverse(frequency), letters.to_vec());
                    if best.as_ref().is_none_or(|best| key < *best) {
                        best = Some(key);
                    }
                }
            }
        }
        best.map(|(_, _, word)| String::from_utf8_lossy(&word).into_owned())
    }

    #[test]
    fn bounded_distance_matches_the_reference() {
        let words = [
            "election",
            "elections",
            "electoin",
            "tillerson",
            "tilerson",
            "abc",
            "acb",
            "",
            "xyz",
        ];
        for a in words {
            for b in words {
                let reference = strsim::osa_distance(a, b);
                let chars: Vec<char> = a.chars().collect();
                assert_eq!(bounded_osa(&chars, b, 9), Some(reference), "{a} {b}");
                let bounded = bounded_osa(&chars, b, 1);
                assert_eq!(bounded, (reference <= 1).then_some(reference), "{a} {b}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn bounded_distance_agrees_with_the_reference_on_any_words(
            a in "[abc]{0,9}",
            b in "[abc]{0,9}",
            limit in 0usize..4,
        ) {
            let reference = strsim::osa_distance(&a, &b);
            let chars: Vec<char> = a.chars().collect();
            proptest::prop_assert_eq!(
                bounded_osa(&chars, &b, limit),
                (reference <= limit).then_some(reference)
            );
        }

        #[test]
        fn the_nearest_word_is_the_one_a_scan_of_every_word_finds(
            // Small alphabets, so that near words abound: four letters for the words of up to
            // eight letters (one edit allowed), two for the longer ones (two edits allowed,
            // one edit once a word one edit away is found).
            words in proptest::collection::vec(
                proptest::prop_oneof!["[abcd]{3,10}", "[ab]{8,11}"],
                10..60,
            ),
            typed in proptest::collection::vec(
                proptest::prop_oneof!["[abcd]{5,10}", "[ab]{9,10}"],
                1..8,
            ),
        ) {
            // One brief per word, each also holding a word further on, so that words are
            // held by different numbers of briefs.
            let briefs: Vec<Brief> = words
                .iter()
                .enumerate()
                .map(|(i, word)| {
                    let other = &words[(i * 7 + 3) % words.len()];
                    brief(&format!("b{i}"), "2020-01-01", word, other)
                })
                .collect();
            let f = Fixture::new(briefs);
            for typed in &typed {
                proptest::prop_assert_eq!(
                    nearest_word(&f.index, typed),
                    nearest_by_scan(&f.index, typed),
                    "{}",
                    typed
                );
            }
        }

        #[test]
        fn a_word_one_edit_from_its_start_is_found_as_a_scan_finds_it(
            words in proptest::collection::vec("[abcd]{4,11}", 10..60),
            edits in proptest::collection::vec(
                (0usize..60, 0usize..4, 0usize..3, proptest::char::range('a', 'd')),
                1..8,
            ),
        ) {
            // The edits the ends of a word are needed for: in its first three letters.
            let briefs: Vec<Brief> = words
                .iter()
                .enumerate()
                .map(|(i, word)| brief(&format!("b{i}"), "2020-01-01", word, "Other."))
                .collect();
            let f = Fixture::new(briefs);
            for (which, kind, at, letter) in edits {
                let mut typed: Vec<char> = words[which % words.len()].chars().collect();
                match kind {
                    0 => typed[at] = letter,
                    1 => typed.swap(at, at + 1),
                    2 => typed.insert(at, letter),
                    _ => {
                        typed.remove(at);
                    }
                }
                let typed: String = typed.into_iter().collect();
                proptest::prop_assert_eq!(
                    nearest_word(&f.index, &typed),
                    nearest_by_scan(&f.index, &typed),
                    "{}",
                    typed
                );
            }
        }

        #[test]
        fn union_size_counts_every_doc_once(
            long in proptest::collection::btree_set(0u32..4000, 0..600),
            short in proptest::collection::vec(
                proptest::collection::btree_set(0u32..4000, 0..40),
                0..4,
            ),
        ) {
            let lists: Vec<Vec<DocId>> = std::iter::once(&long)
                .chain(&short)
                .map(|set| set.iter().copied().collect())
                .collect();
            let reference: std::collections::BTreeSet<DocId> =
                lists.iter().flatten().copied().collect();
            let borrowed: Vec<&[DocId]> = lists.iter().map(Vec::as_slice).collect();
            proptest::prop_assert_eq!(union_size(4000, borrowed), reference.len());
        }

        #[test]
        fn merging_two_lists_gives_their_union_in_order(
            a in proptest::collection::btree_set(0u32..300, 0..80),
            b in proptest::collection::btree_set(0u32..300, 0..80),
        ) {
            let (a, b): (Vec<DocId>, Vec<DocId>) =
                (a.into_iter().collect(), b.into_iter().collect());
            let mut merged = vec![7];
            merge_into(&mut merged, &a, &b);
            let mut reference = [a, b].concat();
            reference.sort_unstable();
            reference.dedup();
            proptest::prop_assert_eq!(merged, reference);
        }
    }

    #[test]
    fn scoring_only_briefs_covering_every_word_loses_nothing() {
        // "a" covers "hoverboard" only as a split compound, and ranks first; "d" is found
        // only through the compound. The best two and the total must be what scoring every
        // brief gives.
        let f = Fixture::new(vec![
            brief(
                "a",
                "2020-01-01",
                "Hover board record",
                "Hover board record, a record.",
            ),
            brief("b", "2020-01-01", "Hoverboard record", "Other."),
            brief("c", "2020-01-01", "Hoverboard record", "Other."),
            brief("d", "2020-01-01", "Hover board", "Other."),
            brief("e", "2020-01-01", "Record", "Other."),
        ]);
        assert_eq!(search(&f.index, "hoverboard record", usize::MAX).total, 5);
        assert_eq!(f.best_few("hoverboard record", 2)[0], "a");
    }

    #[test]
    fn a_tier_whose_briefs_cover_fewer_words_hands_its_best_to_the_next() {
        // "b", "c" and "d" hold "hover" without "board": they may cover all three words but
        // cover two. Of the briefs that may cover three, only "a" does, so the next tier is
        // walked, past the briefs already scored: "a" must stay first.
        let mut briefs = vec![brief("a", "2020-01-01", "Hoverboard zebra yak", "Other.")];
        briefs.extend(
            ["b", "c", "d"]
                .map(|id| brief(id, "2020-01-01", "Hover zebra yak", "Other words here.")),
        );
        briefs.extend(["e", "f", "g"].map(|id| brief(id, "2020-01-01", "Zebra yak", "Short.")));
        // "board" is a word of the library: "hoverboard" splits into "hover board".
        briefs.push(brief("h", "2020-01-01", "Board", "Other."));
        let f = Fixture::new(briefs);
        assert_eq!(f.best_few("hoverboard zebra yak", 3), ["a", "e", "f"]);
    }

    #[test]
    fn briefs_holding_only_the_commonest_word_are_walked_past_those_already_ranked() {
        // Two briefs hold both words and score most for "storm" too; the others holding
        // "zebra" bury it in long summaries, so the third best holds only "storm". The two
        // are among the "storm" briefs walked for it: they must not come back as others.
        let both = (0..2).map(|i| {
            brief(
                &format!("zs{i}"),
                "2020-01-01",
                "Storm storm storm",
                "A zebra.",
            )
        });
        let storms =
            (0..50).map(|i| brief(&format!("s{i}"), "2020-01-01", "Storm report", "Short."));
        let f = among_the_weather(both.chain(storms), 3);
        let ids = f.best_few("zebra storm", 3);
        assert!(
            ids[0].starts_with("zs") && ids[1].starts_with("zs"),
            "{ids:?}"
        );
        assert!(ids[2].starts_with('s'), "{ids:?}");
    }

    #[test]
    fn briefs_beside_the_commonest_word_are_kept_only_when_nothing_else_can_beat_them() {
        // No brief holds both words. "zebra" is rare but only in long summaries; "storm" is
        // eight times as common and in short titles, where it scores more: the best three are
        // "storm" briefs, which the briefs holding "zebra" must not be taken for.
        let storms = (0..40).map(|i| {
            brief(
                &format!("s{i}"),
                "2020-01-01",
                "Storm storm storm",
                "Short.",
            )
        });
        let f = among_the_weather(storms, 5);
        assert!(f.best_few("zebra storm", 3)[0].starts_with('s'));
        // Against "weather", in most briefs and worth little, the briefs holding "zebra" win:
        // the bar they set passes over the blocks of briefs holding only "weather".
        assert!(f.best_few("zebra weather", 3)[0].starts_with('z'));
    }

    #[test]
    fn run_together_and_split_compounds_meet() {
        let f = Fixture::new(vec![
            brief("spaced", "2020-01-01", "Cyber security unit", "Formed."),
            brief("joined", "2020-01-01", "Hoverboard record", "Crossed."),
        ]);
        assert_eq!(f.ids("cybersecurity"), ["spaced"]);
        assert_eq!(f.ids("hover board"), ["joined"]);
        assert_eq!(search(&f.index, "hover board", 10).suggestion, None);
    }

    #[test]
    fn chat_questions_drop_filler_and_stop_words() {
        let f = Fixture::new(vec![
            brief(
                "news",
                "2020-01-02",
                "News of the day",
                "Latest news, what happened.",
            ),
            brief("storm", "2020-01-01", "Storm hits coast", "A storm."),
        ]);
        let outcome = search(&f.index, "what's the latest news on the storm?", 10);
        assert_eq!(outcome.words, ["storm"]);
        assert_eq!(f.ids("what's the latest news on the storm?"), ["storm"]);
        assert_eq!(f.ids("news"), ["news"], "filler alone is searched");
    }

    #[test]
    fn nothing_to_search_is_explained() {
        let f = Fixture::new(vec![brief("s", "2020-01-01", "Storm", "A storm.")]);
        let outcome = search(&f.index, "the of and", 10);
        assert!(outcome.hits.is_empty() && outcome.words.is_empty());
        assert_eq!(outcome.stop_words, ["the", "of", "and"]);
        let outcome = search(&f.index, "zzyzx storm", 10);
        assert_eq!(outcome.unknown, ["zzyzx"]);
        let outcome = search(&f.index, "\"storm coast\"", 10);
        assert_eq!(outcome.missing_phrases, ["storm coast"]);
    }

    #[test]
    fn long_queries_are_cut_not_fatal() {
        let f = Fixture::new(vec![brief("s", "2020-01-01", "Storm", "A storm.")]);
        let query = format!("storm {}", "word ".repeat(5000));
        let outcome = search(&f.index, &query, 10);
        assert!(outcome.truncated);
        assert_eq!(outcome.hits.len(), 1);
    }

    /// The marks `find_in_brief` gives each field of the brief at `doc`, as text.
    fn marked_fields<'f>(f: &'f Fixture, outcome: &Outcome, doc: usize) -> Vec<Vec<&'f str>> {
        let brief = &f.briefs[doc];
        let found = outcome
            .highlighter
            .find_in_brief(&f.index, doc as DocId, brief);
        super::super::index::fields(brief)
            .zip(found)
            .map(|((_, text), (ranges, _))| {
                ranges
                    .into_iter()
                    .map(|r| {
                        text.get(r.clone())
                            .unwrap_or_else(|| panic!("{r:?} in {text:?}"))
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
        let (marks, _) = outcome.highlighter.find(&f.index, Language::English, text);
        assert_eq!(marks, [Range { start: 0, end: 10 }]);
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
        let (marks, words) = outcome.highlighter.find(&f.index, Language::English, text);
        let marked: Vec<&str> = marks.iter().map(|m| &text[m.clone()]).collect();
        assert_eq!(marked, ["cyber-security", "elections"]);
        assert_eq!(words, 0b111);
    }
}
