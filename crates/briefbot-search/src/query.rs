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

use super::docset::DocSet;
use super::highlight::Highlighter;
use super::hit::Hit;
use super::index::Index;
use super::matcher::Matcher;
use super::phrase::PhraseWalk;
use super::plan::{Correction, Plan};
use super::postings::DocId;
use super::rank::{rank, rank_within};

/// Queries longer than this are cut (at a character boundary) before analysis.
pub const MAX_QUERY_CHARS: usize = 500;

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

/// Searches `index` for `query`; at most `limit` hits.
pub fn search(index: &Index, query: &str, limit: usize) -> Outcome {
    search_with(index, query, limit, true)
}

/// Which documents a search may return, and in what order.
#[derive(Clone, Copy, Default)]
pub struct Scope<'a> {
    /// Only these documents (a filter's); every document when `None`.
    pub within: Option<&'a DocSet>,
    /// Order by this key instead of the score: among documents covering as many words, the
    /// greatest key first (for news: the newest), equal keys by score. `None`: by score.
    pub key: Option<&'a dyn Fn(DocId) -> i64>,
}

impl std::fmt::Debug for Scope<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope")
            .field("within", &self.within.map(DocSet::len))
            .field("key", &self.key.is_some())
            .finish()
    }
}

/// [`search`] within `scope`: only the documents it allows count (in `total` too), in its
/// order. The work grows with the smaller of the allowed documents and the query's postings,
/// never with the size of the library; an empty scope is [`search`] itself.
pub fn search_within(index: &Index, query: &str, limit: usize, scope: Scope<'_>) -> Outcome {
    search_scoped(index, query, limit, true, scope)
}

/// [`search`] without typo correction: every word is looked for as typed. A standing query
/// (a followed topic, corrected once when it was made) is read this way.
pub fn search_uncorrected(index: &Index, query: &str, limit: usize) -> Outcome {
    search_with(index, query, limit, false)
}

/// `query` cut to [`MAX_QUERY_CHARS`], and whether it was.
fn cut(query: &str) -> (&str, bool) {
    match query.char_indices().nth(MAX_QUERY_CHARS) {
        Some((cut, _)) => (&query[..cut], true),
        None => (query, false),
    }
}

/// A query parsed once (cut, split into words and phrases, folded and stemmed), to ask
/// [`covers_every_word_prepared`] about many documents: a standing query is not parsed again
/// for each. Its terms' ids are looked up at each check, not kept: it stays right while the
/// index it was made with grows, as long as the index keeps the same languages.
#[derive(Debug, Clone)]
pub struct PreparedQuery {
    plan: Plan,
}

impl PreparedQuery {
    /// `query` parsed as [`search_uncorrected`] reads it, in the languages of `index`.
    pub fn new(index: &Index, query: &str) -> Self {
        let (query, _) = cut(query);
        let mut plan = Plan::parse(index, query);
        plan.bound_phrases();
        PreparedQuery { plan }
    }
}

/// Whether document `doc` covers every word of `query`, as [`search_uncorrected`] counts
/// covered words ([`Hit::covered`]): by the word's own terms, its phrase, its halves side by
/// side (a run-together compound), or its join with a neighbour. A query with no word to
/// search for covers nothing. The work is that of planning the query and looking `doc` up
/// in the postings of its words: it does not grow with the number of documents matched.
pub fn covers_every_word(index: &Index, query: &str, doc: u32) -> bool {
    covers_every_word_prepared(index, &PreparedQuery::new(index, query), doc)
}

/// [`covers_every_word`] for a query parsed beforehand: only the work that depends on the
/// index (term ids, compounds and joins it knows, postings) is done here.
pub fn covers_every_word_prepared(index: &Index, query: &PreparedQuery, doc: u32) -> bool {
    let plan = &query.plan;
    if plan.words.is_empty() {
        return false;
    }
    let matchers = plan.matchers(index);
    let mut covered = vec![false; plan.words.len()];
    for matcher in &matchers {
        if matcher.cover().iter().all(|&word| covered[word]) {
            continue;
        }
        let holds = match matcher {
            Matcher::Terms { ids, .. } => ids
                .iter()
                .any(|&id| index.docs(id).binary_search(&doc).is_ok()),
            Matcher::Phrase { parts, .. } => {
                PhraseWalk::new(index, parts).is_some_and(|mut walk| walk.score(doc).is_some())
            }
        };
        if holds {
            for &word in matcher.cover() {
                covered[word] = true;
            }
        }
    }
    covered.into_iter().all(|c| c)
}

/// The terms that can cover one word of a query in a document (see [`word_terms`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WordTerms {
    /// The word's own terms, one per language of the index (deduplicated).
    pub terms: Vec<String>,
    /// The terms of its joins with its plain neighbours ("e mail" is met by "email").
    pub joins: Vec<String>,
    /// The word is in a quoted phrase: holding its term is not enough, the phrase must be
    /// there.
    pub in_phrase: bool,
}

/// For each word of `query` (as [`search_uncorrected`] reads it, in order), the terms a
/// document covering it holds at least one of, in every language of `index`. A word met as a
/// run-together compound ("cybersecurity" by "cyber security") is met by two neighbouring
/// words whose join is one of its `terms`: a caller indexing documents by the joins of their
/// neighbouring words finds those too. A document holding one of each word's own `terms`,
/// for a query without phrases, covers every word. Empty when the query has no word.
pub fn word_terms(index: &Index, query: &str) -> Vec<WordTerms> {
    PreparedQuery::new(index, query).word_terms(index)
}

impl PreparedQuery {
    /// [`word_terms`] of the prepared query.
    pub fn word_terms(&self, index: &Index) -> Vec<WordTerms> {
        let plan = &self.plan;
        let joined = |a: &str, b: &str| -> Vec<String> {
            let join = format!("{a}{b}");
            index
                .analyzers()
                .iter()
                .filter_map(|analyzer| analyzer.analyse_word(&join))
                .map(|analysed| analysed.term)
                .collect()
        };
        let words = &plan.words;
        let plain_neighbours = |a: usize, b: usize| {
            words[a].phrase.is_none()
                && words[b].phrase.is_none()
                && words[b].position == words[a].position + 1
        };
        words
            .iter()
            .enumerate()
            .map(|(i, word)| {
                let mut joins = Vec::new();
                if i > 0 && plain_neighbours(i - 1, i) {
                    joins.extend(joined(&words[i - 1].folded, &word.folded));
                }
                if i + 1 < words.len() && plain_neighbours(i, i + 1) {
                    joins.extend(joined(&word.folded, &words[i + 1].folded));
                }
                joins.sort();
                joins.dedup();
                WordTerms {
                    terms: word.terms.clone(),
                    joins,
                    in_phrase: word.phrase.is_some(),
                }
            })
            .collect()
    }
}

fn search_with(index: &Index, query: &str, limit: usize, correct: bool) -> Outcome {
    search_scoped(index, query, limit, correct, Scope::default())
}

fn search_scoped(
    index: &Index,
    query: &str,
    limit: usize,
    correct: bool,
    scope: Scope<'_>,
) -> Outcome {
    let (query, mut truncated) = cut(query);
    let mut plan = Plan::parse(index, query);
    truncated |= plan.truncated;
    let cut_phrases = plan.bound_phrases();
    if correct {
        plan.correct(index);
    }
    let matchers = plan.matchers(index);
    let (hits, total) = if scope.within.is_none() && scope.key.is_none() {
        rank(index, plan.words.len(), &matchers, limit)
    } else {
        rank_within(
            index,
            plan.words.len(),
            &matchers,
            limit,
            scope.within,
            scope.key,
        )
    };
    let suggestion = (!plan.corrections.is_empty()).then(|| plan.suggestion(query));
    let missing_phrases = plan.missing_phrases(index, &matchers);
    let highlighter = Highlighter::new(&plan, &matchers);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hit::Hit;
    use crate::testing::{Fixture, brief};

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

    /// Briefs on storms, elections and hacking, some holding a phrase, dated a day apart.
    fn weather_and_politics() -> Fixture {
        let topics = [
            ("Storm report", "A storm hit the coast."),
            (
                "Election hacking",
                "Hackers and the election: cyber security.",
            ),
            (
                "Cyber-security unit",
                "A cyber-security unit was formed after the storm.",
            ),
            ("Election day", "Voters went out despite the storm."),
            ("Quiet day", "Nothing happened."),
        ];
        Fixture::new(
            (0..60)
                .map(|i| {
                    let (title, summary) = topics[i % topics.len()];
                    brief(
                        &format!("b{i:02}"),
                        &format!("2020-{:02}-{:02}", 1 + i / 28, 1 + i % 28),
                        title,
                        summary,
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn a_search_within_a_set_is_the_whole_ranking_with_only_the_set_kept() {
        let f = weather_and_politics();
        let sets = [
            DocSet::of(f.index.doc_slots(), (0..60).filter(|d| d % 3 == 0)),
            DocSet::of(f.index.doc_slots(), [7, 8, 41]),
            DocSet::of(f.index.doc_slots(), 0..60),
            DocSet::empty(f.index.doc_slots()),
        ];
        for query in [
            "storm",
            "election storm",
            "\"cyber security\"",
            "cybersecurity hacking",
            "nothing at all",
            "zebra",
        ] {
            let all = search(&f.index, query, usize::MAX);
            for set in &sets {
                let kept: Vec<Hit> = all
                    .hits
                    .iter()
                    .filter(|hit| set.contains(hit.doc))
                    .cloned()
                    .collect();
                for limit in [0, 1, 3, 100] {
                    let scope = Scope {
                        within: Some(set),
                        key: None,
                    };
                    let within = search_within(&f.index, query, limit, scope);
                    assert_eq!(within.total, kept.len(), "{query}");
                    assert_eq!(
                        within.hits,
                        kept[..limit.min(kept.len())],
                        "{query} within {} docs, limit {limit}",
                        set.len()
                    );
                }
            }
        }
    }

    #[test]
    fn a_key_orders_briefs_covering_as_many_words_greatest_first_equal_keys_by_score() {
        let f = weather_and_politics();
        // The key: the day of the month, so that briefs of one day in two months tie.
        let day =
            |doc: DocId| -> i64 { f.briefs[doc as usize].id[1..].parse::<i64>().unwrap() % 28 };
        let scope = Scope {
            within: None,
            key: Some(&day),
        };
        let all = search(&f.index, "election storm", usize::MAX);
        let newest = search_within(&f.index, "election storm", usize::MAX, scope);
        assert_eq!(newest.total, all.total);
        let mut expected = all.hits.clone();
        expected.sort_by(|a, b| {
            b.covered
                .cmp(&a.covered)
                .then(day(b.doc).cmp(&day(a.doc)))
                .then(b.score.total_cmp(&a.score))
                .then(f.index.tie_break(a.doc, b.doc))
        });
        assert_eq!(newest.hits, expected);
        let few = search_within(&f.index, "election storm", 4, scope);
        assert_eq!(few.hits, expected[..4]);
        // Both words are in "Election day" briefs (every fifth from b03): b53, day 25, is
        // the one of the latest day.
        assert_eq!(
            f.briefs[newest.hits[0].doc as usize].id, "b53",
            "both words, latest day first"
        );
    }

    #[test]
    fn long_queries_are_cut_not_fatal() {
        let f = Fixture::new(vec![brief("s", "2020-01-01", "Storm", "A storm.")]);
        let query = format!("storm {}", "word ".repeat(5000));
        let outcome = search(&f.index, &query, 10);
        assert!(outcome.truncated);
        assert_eq!(outcome.hits.len(), 1);
    }
}
