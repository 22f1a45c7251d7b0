//! "More like this": [`related`] finds the briefs that share the most with one brief (its
//! weightiest words, its tags, its speakers and its outlet), each with a short [`Reason`].
//!
//! It asks the index, never every brief. The brief's words (its speakers' names aside) are
//! weighed by the engine (`search::terms_of`: how often the brief says each, in which field,
//! times how rare it is),
//! and the weightiest [`WORDS`], with every word of its tags, become a weighted query whose
//! postings give the candidates (`search::more_like_this`); a word held by more than
//! [`COMMON_SHARE`] of the library says too little to ask about. The briefs quoting the same
//! people come from the speakers' own lists of quotes. A candidate's score is its query score
//! beside the brief's own (so 1 is "says what the brief says"), plus a bonus for each tag and
//! each speaker shared, and for the outlet when it sets the brief apart (fewer than half of
//! the candidates share it). Ties go to the newest brief, then by id; the brief itself is
//! never listed.

use std::fmt;

use rustc_hash::FxHashMap;

use super::AskOptions;
use super::BriefAnswer;
use super::briefs::brief_answer;
use crate::brief::Brief;
use crate::library::{self, Field, Library};
use crate::search::{self, DocTerm, Document, Highlighter, MAX_LIKE_TERMS, Weight};
use crate::speakers::Resolution;

/// How many of the brief's weightiest words are asked about (its tags' words come on top).
pub const WORDS: usize = 25;

/// A word held by more than this share of the briefs is not asked about (in a library of more
/// than [`SMALL_LIBRARY`] briefs): it is in too many to tell them apart.
pub const COMMON_SHARE: f32 = 0.25;

/// Below this many briefs, every word is asked about.
const SMALL_LIBRARY: usize = 40;

/// What a shared tag adds to a score (a brief saying just what this one says scores 1).
const TAG_BONUS: f32 = 0.5;
/// What a shared speaker adds.
const SPEAKER_BONUS: f32 = 0.4;
/// What the same outlet adds, when fewer than half of the candidates share it.
const OUTLET_BONUS: f32 = 0.15;

/// How many shared words a reason names at most.
const REASON_WORDS: usize = 3;

/// Why a brief is listed as related: what it shares with the brief asked about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reason {
    /// Tags both carry, as the brief asked about writes them.
    pub tags: Vec<String>,
    /// People both quote, as the brief asked about names them.
    pub speakers: Vec<String>,
    /// The outlet, when both come from it and few of the others do.
    pub outlet: Option<String>,
    /// The weightiest words both hold, folded (lower case, no accents).
    pub words: Vec<String>,
}

impl fmt::Display for Reason {
    /// "shares tags russia, g20; quotes Vladimir Putin", "shares words hacking, election;
    /// same outlet BBC News": tags and speakers when there are any, else the words.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        let plural = |n: usize, one: &str, many: &str| if n == 1 { one } else { many }.to_owned();
        if !self.tags.is_empty() {
            let what = plural(self.tags.len(), "tag", "tags");
            parts.push(format!("shares {what} {}", self.tags.join(", ")));
        }
        if !self.speakers.is_empty() {
            parts.push(format!("quotes {}", self.speakers.join(", ")));
        }
        if parts.is_empty() && !self.words.is_empty() {
            let what = plural(self.words.len(), "word", "words");
            parts.push(format!("shares {what} {}", self.words.join(", ")));
        }
        if let Some(outlet) = &self.outlet {
            parts.push(format!("same outlet {outlet}"));
        }
        f.write_str(&parts.join("; "))
    }
}

/// A related brief as shown, with why it is related.
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedBrief {
    /// The brief, the words it shares marked.
    pub brief: BriefAnswer,
    pub reason: Reason,
}

/// The reply to "more like this brief".
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedAnswer {
    /// The brief asked about.
    pub id: String,
    pub title: String,
    /// Best first, at most the limit asked for.
    pub results: Vec<RelatedBrief>,
    /// How many briefs share something with it (`results` holds the best of them).
    pub total: usize,
}

/// Why there is no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelatedError {
    /// No brief has this id; `close` are the ids of briefs whose words are closest to it.
    #[error("no brief has the id `{id}`{}", did_you_mean(close))]
    NoSuchBrief { id: String, close: Vec<String> },
}

fn did_you_mean(close: &[String]) -> String {
    if close.is_empty() {
        return String::new();
    }
    let ids: Vec<String> = close.iter().map(|id| format!("`{id}`")).collect();
    format!("; did you mean {}?", ids.join(" or "))
}

/// The briefs sharing the most with the brief `id`, best first, at most `options.limit`,
/// shown as `ask` shows its results (the shared words marked).
pub fn related(
    library: &Library,
    id: &str,
    options: AskOptions,
) -> Result<RelatedAnswer, RelatedError> {
    let Some(doc) = library.doc_id(id) else {
        return Err(no_such_brief(library, id));
    };
    let brief = library.brief(doc);
    let index = library.index();
    let asked = asked_terms(library, brief);
    let pairs: Vec<(u32, f32)> = asked.terms.iter().map(|t| (t.term, t.boost)).collect();
    let mut candidates: FxHashMap<u32, Candidate> = FxHashMap::default();
    let mut own = 0.0f32;
    for similar in search::more_like_this(index, &pairs) {
        if similar.doc == doc {
            own = similar.score;
            continue;
        }
        candidates.insert(
            similar.doc,
            Candidate {
                text: similar.score,
                shared: similar.shared,
                speakers: 0,
            },
        );
    }
    let speakers = speakers_of(library, brief);
    for (bit, (_, docs)) in speakers.iter().enumerate() {
        for &other in docs {
            if other != doc {
                candidates.entry(other).or_default().speakers |= 1 << bit;
            }
        }
    }
    let outlet = brief
        .outlet
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let same_outlet = |other: &Brief| {
        outlet.is_some_and(|o| {
            other
                .outlet
                .as_deref()
                .is_some_and(|x| x.trim().eq_ignore_ascii_case(o))
        })
    };
    let sharing_outlet = candidates
        .keys()
        .filter(|&&other| same_outlet(library.brief(other)))
        .count();
    let outlet_tells = sharing_outlet * 2 < candidates.len();
    let own = if own > 0.0 { own } else { 1.0 };
    let mut scored: Vec<(f32, u32, Reason)> = candidates
        .into_iter()
        .map(|(other, candidate)| {
            let other_brief = library.brief(other);
            let reason = Reason {
                tags: asked.shared_tags(brief, other_brief, candidate.shared),
                speakers: speakers
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| candidate.speakers & (1 << bit) != 0)
                    .map(|(_, (name, _))| name.clone())
                    .collect(),
                outlet: (outlet_tells && same_outlet(other_brief))
                    .then(|| outlet.unwrap_or_default().to_owned()),
                words: asked.shared_words(candidate.shared),
            };
            let score = candidate.text / own
                + TAG_BONUS * reason.tags.len() as f32
                + SPEAKER_BONUS * reason.speakers.len() as f32
                + if reason.outlet.is_some() {
                    OUTLET_BONUS
                } else {
                    0.0
                };
            (score, other, reason)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(index.tie_break(a.1, b.1)));
    let total = scored.len();
    scored.truncate(options.limit);
    let highlighter = Highlighter::of_terms(asked.terms.iter().map(|t| t.term).take(32));
    let results = scored
        .into_iter()
        .map(|(score, other, reason)| RelatedBrief {
            brief: brief_answer(library, &highlighter, other, score, options),
            reason,
        })
        .collect();
    Ok(RelatedAnswer {
        id: brief.id.to_string(),
        title: brief.title.clone(),
        results,
        total,
    })
}

/// What a candidate shares, before it is scored.
#[derive(Debug, Default, Clone, Copy)]
struct Candidate {
    /// Its score for the asked terms.
    text: f32,
    /// Which asked terms it holds (bits of [`Asked::terms`]).
    shared: u64,
    /// Which of the brief's speakers it quotes (bits of [`speakers_of`]).
    speakers: u32,
}

/// A term asked about.
struct AskedTerm {
    term: u32,
    boost: f32,
    word: String,
}

/// The terms asked about, and which of them each tag of the brief holds.
struct Asked {
    terms: Vec<AskedTerm>,
    /// Per tag of the brief, in order: its folded words, and the bits of its asked terms.
    tags: Vec<(String, u64)>,
}

impl Asked {
    /// The tags of `brief` that `other` carries too (matched by folded words), where the
    /// candidate holds every asked term of the tag.
    fn shared_tags(&self, brief: &Brief, other: &Brief, shared: u64) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        let mut folded_other: Option<Vec<String>> = None;
        for ((folded, bits), tag) in self.tags.iter().zip(&brief.tags) {
            if folded.is_empty() || shared & bits != *bits {
                continue;
            }
            let others = folded_other.get_or_insert_with(|| {
                other
                    .tags
                    .iter()
                    .map(|t| search::plain_words(t).join(" "))
                    .collect()
            });
            if others.contains(folded) && !found.iter().any(|f| f == &**tag) {
                found.push(tag.to_string());
            }
        }
        found
    }

    /// The weightiest words in `shared` (those asked for a tag alone last), at most
    /// [`REASON_WORDS`].
    fn shared_words(&self, shared: u64) -> Vec<String> {
        self.terms
            .iter()
            .enumerate()
            .filter(|(bit, _)| shared & (1 << bit) != 0)
            .take(REASON_WORDS)
            .map(|(_, t)| t.word.clone())
            .collect()
    }
}

/// The terms of `brief` to ask about: its [`WORDS`] weightiest that some other brief holds
/// and not too many do, then the words of its tags, each boosted by its weight beside the
/// weightiest's.
fn asked_terms(library: &Library, brief: &Brief) -> Asked {
    let index = library.index();
    let all = search::terms_of(index, &WithoutSpeakers(brief));
    let common = if library.len() > SMALL_LIBRARY {
        (library.len() as f32 * COMMON_SHARE) as usize
    } else {
        usize::MAX
    };
    let useful = |t: &&DocTerm| t.docs >= 2 && t.docs <= common;
    let mut terms: Vec<AskedTerm> = all
        .iter()
        .filter(useful)
        .take(WORDS)
        .map(|t| AskedTerm {
            term: t.term,
            boost: t.weight,
            word: t.word.clone(),
        })
        .collect();
    let mut tags = Vec::with_capacity(brief.tags.len());
    let mut buffer = String::new();
    for tag in &brief.tags {
        let mut raw_words: Vec<&str> = Vec::new();
        index
            .analyzer(brief.language)
            .for_each_word(tag, |raw, _, _| raw_words.push(raw));
        let mut bits = 0u64;
        for raw in raw_words {
            let Some(term) = index.text_term(brief.language, raw, &mut buffer) else {
                continue;
            };
            let at = match terms.iter().position(|t| t.term == term) {
                Some(at) => Some(at),
                None if terms.len() < MAX_LIKE_TERMS => {
                    // A tag's word is asked about even when common: a tag is chosen.
                    all.iter().find(|t| t.term == term && t.docs >= 2).map(|t| {
                        terms.push(AskedTerm {
                            term,
                            boost: t.weight,
                            word: t.word.clone(),
                        });
                        terms.len() - 1
                    })
                }
                None => None,
            };
            if let Some(at) = at {
                bits |= 1 << at;
            }
        }
        tags.push((search::plain_words(tag).join(" "), bits));
    }
    let top = terms.iter().map(|t| t.boost).fold(0.0f32, f32::max);
    if top > 0.0 {
        for term in &mut terms {
            term.boost /= top;
        }
    }
    Asked { terms, tags }
}

/// A brief's searched texts but its speakers' names: the people quoted count as speakers
/// shared, not again as words (a name written once per quote would outweigh the rest).
struct WithoutSpeakers<'a>(&'a Brief);

impl Document for WithoutSpeakers<'_> {
    fn language(&self) -> crate::language::Language {
        self.0.language
    }

    fn fields(&self, visit: &mut dyn FnMut(Weight, &str)) {
        library::for_each_field(self.0, |field, text| {
            if field != Field::Speaker {
                visit(field.weight(), text);
            }
        });
    }

    fn recency(&self) -> impl Ord + '_ {
        self.0.recency()
    }
}

/// The distinct people `brief` quotes (as it names them, at most 32), each with the briefs
/// quoting them, from the speakers' own lists.
fn speakers_of(library: &Library, brief: &Brief) -> Vec<(String, Vec<u32>)> {
    let speakers = library.speakers();
    let mut found: Vec<(usize, String)> = Vec::new();
    for quote in &brief.quotes {
        if let Resolution::Found(at) = speakers.resolve(&quote.speaker)
            && !found.iter().any(|(seen, _)| *seen == at)
            && found.len() < 32
        {
            found.push((at, quote.speaker.to_string()));
        }
    }
    found
        .into_iter()
        .map(|(at, name)| {
            let mut docs: Vec<u32> = speakers.get(at).quotes.iter().map(|q| q.doc).collect();
            docs.dedup();
            (name, docs)
        })
        .collect()
}

/// The error for an id no brief has, with the ids of the briefs that its words find best.
fn no_such_brief(library: &Library, id: &str) -> RelatedError {
    let words = id.replace(['-', '_'], " ");
    let close = search::search(library.index(), &words, 3)
        .hits
        .iter()
        .map(|hit| library.brief(hit.doc).id.to_string())
        .collect();
    RelatedError::NoSuchBrief {
        id: id.to_owned(),
        close,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A brief: id, date, outlet, tags, title, summary and (speaker, quote) pairs.
    fn brief(
        id: &str,
        date: &str,
        outlet: &str,
        tags: &[&str],
        title: &str,
        summary: &str,
        quotes: &[(&str, &str)],
    ) -> Brief {
        let tags: Vec<String> = tags.iter().map(|t| format!("{t:?}")).collect();
        let mut text = format!(
            "title = {title:?}\npublished = {date}\noutlet = {outlet:?}\ntags = [{}]\nsummary = {summary:?}\n",
            tags.join(", ")
        );
        for (speaker, said) in quotes {
            text.push_str(&format!(
                "\n[[quotes]]\nspeaker = {speaker:?}\ntext = {said:?}\n"
            ));
        }
        crate::brief::parse(
            std::path::Path::new(&format!("{id}.toml")),
            text.as_bytes(),
            crate::language::Language::English,
        )
        .unwrap()
    }

    fn library() -> Library {
        Library::new(vec![
            brief(
                "g20-summit",
                "2017-07-08",
                "BBC News",
                &["Russia", "G20"],
                "Trump and Putin meet at the G20 summit in Hamburg",
                "The leaders discussed election hacking and Syria.",
                &[("Vladimir Putin", "We had a long talk about hacking.")],
            ),
            brief(
                "putin-denies",
                "2017-06-01",
                "Example Times",
                &["russia", "g20"],
                "Kremlin answers critics",
                "A statement from Moscow.",
                &[("Vladimir Putin", "There is no basis for this.")],
            ),
            brief(
                "hacking-words",
                "2017-07-09",
                "Example Times",
                &["cyber"],
                "Election hacking inquiry at the summit",
                "Hamburg summit talk of election hacking and Syria went on.",
                &[],
            ),
            brief(
                "bbc-weather",
                "2017-07-01",
                "BBC News",
                &["weather"],
                "Hamburg rain after the summit",
                "Rain fell on Hamburg.",
                &[],
            ),
            brief(
                "ferries",
                "2017-07-02",
                "Example Times",
                &["ferries"],
                "Ferries sail again",
                "The harbour reopened.",
                &[],
            ),
            brief(
                "more-ferries",
                "2017-07-03",
                "Example Times",
                &["ferries"],
                "Ferries cancelled",
                "The harbour closed.",
                &[],
            ),
        ])
    }

    fn options(limit: usize) -> AskOptions {
        AskOptions {
            limit,
            quotes: 3,
            summary_chars: 400,
        }
    }

    fn ids(answer: &RelatedAnswer) -> Vec<&str> {
        answer.results.iter().map(|r| r.brief.id.as_str()).collect()
    }

    #[test]
    fn shared_tags_and_speakers_rank_first_and_the_brief_itself_never() {
        let library = library();
        let answer = related(&library, "g20-summit", options(10)).unwrap();
        assert_eq!(answer.id, "g20-summit");
        assert_eq!(
            ids(&answer)[..2],
            ["putin-denies", "hacking-words"],
            "tags and a speaker beat many words: {answer:#?}"
        );
        assert!(!ids(&answer).contains(&"g20-summit"));
        assert!(!ids(&answer).contains(&"ferries"), "shares nothing");
        assert_eq!(answer.total, answer.results.len());
        let scores: Vec<f32> = answer.results.iter().map(|r| r.brief.score).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    }

    #[test]
    fn each_result_says_what_it_shares() {
        let library = library();
        let answer = related(&library, "g20-summit", options(10)).unwrap();
        let reason = |id: &str| {
            let found = answer.results.iter().find(|r| r.brief.id == id).unwrap();
            found.reason.to_string()
        };
        assert_eq!(
            reason("putin-denies"),
            "shares tags Russia, G20; quotes Vladimir Putin"
        );
        let words = reason("hacking-words");
        assert!(words.starts_with("shares words "), "{words}");
        assert!(words.contains("hacking"), "{words}");
        assert_eq!(
            answer
                .results
                .iter()
                .find(|r| r.brief.id == "bbc-weather")
                .unwrap()
                .reason
                .outlet
                .as_deref(),
            Some("BBC News"),
            "one of three candidates shares the outlet: it tells"
        );
        assert!(reason("bbc-weather").ends_with("; same outlet BBC News"));
        let shared = &answer.results[1].brief;
        assert!(
            !shared.title.marks.is_empty(),
            "shared words are marked: {shared:?}"
        );
    }

    #[test]
    fn an_outlet_most_candidates_share_tells_nothing() {
        let library = library();
        let answer = related(&library, "ferries", options(10)).unwrap();
        assert_eq!(ids(&answer), ["more-ferries"]);
        assert_eq!(answer.results[0].reason.to_string(), "shares tag ferries");
    }

    #[test]
    fn the_order_is_the_same_every_time_and_ties_go_to_the_newest() {
        let library = Library::new(vec![
            brief("a", "2020-01-01", "X", &[], "Storm", "Rain.", &[]),
            brief("b", "2020-01-02", "X", &[], "Storm", "Rain.", &[]),
            brief("c", "2020-01-03", "X", &[], "Storm", "Rain.", &[]),
            brief("d", "2020-01-02", "X", &[], "Storm", "Rain.", &[]),
        ]);
        let answer = related(&library, "a", options(10)).unwrap();
        assert_eq!(ids(&answer), ["c", "b", "d"]);
        assert_eq!(related(&library, "a", options(2)).unwrap().total, 3);
        assert_eq!(
            ids(&related(&library, "a", options(2)).unwrap()),
            ["c", "b"]
        );
    }

    #[test]
    fn an_unknown_id_is_an_error_naming_it_with_close_ids() {
        let library = library();
        let error = related(&library, "feries", options(3)).unwrap_err();
        let RelatedError::NoSuchBrief { id, close } = &error;
        assert_eq!(id, "feries");
        assert!(close.contains(&"ferries".to_owned()), "{close:?}");
        assert!(
            error
                .to_string()
                .starts_with("no brief has the id `feries`; did you mean `"),
            "{error}"
        );
        let garbage = related(&library, "<@1> ../../etc", options(3)).unwrap_err();
        assert!(
            garbage
                .to_string()
                .starts_with("no brief has the id `<@1> ../../etc`")
        );
    }
}
