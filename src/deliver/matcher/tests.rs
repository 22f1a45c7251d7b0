use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::search::search_uncorrected;

pub(crate) fn brief_toml(id: &str, title: &str, summary: &str) -> String {
    format!(
        "id = \"{id}\"\ntitle = {}\npublished = 2020-01-01\nsummary = {}\n",
        toml::Value::String(title.to_owned()),
        toml::Value::String(summary.to_owned())
    )
}

pub(crate) fn brief(id: &str, title: &str, summary: &str) -> Brief {
    let text = brief_toml(id, title, summary);
    crate::brief::parse(
        Path::new(&format!("{id}.toml")),
        text.as_bytes(),
        Language::English,
    )
    .unwrap_or_else(|errors| panic!("{errors:?}"))
}

fn follows(topics: &[&str]) -> Vec<(FollowId, String)> {
    topics
        .iter()
        .enumerate()
        .map(|(i, t)| (FollowId(i as i64 + 1), (*t).to_owned()))
        .collect()
}

/// What `/brief` says: the brief is found with every word of the topic covered.
fn search_covers(library: &Library, topic: &str, id: &str) -> bool {
    let outcome = search_uncorrected(library.index(), topic, library.len().max(1));
    let doc = library.doc_id(id);
    !outcome.words.is_empty()
        && outcome
            .hits
            .iter()
            .any(|hit| Some(hit.doc) == doc && hit.covered == outcome.words.len())
}

#[test]
fn a_brief_matches_the_follows_whose_every_word_it_covers() {
    let library = Library::new(vec![
        brief(
            "hack",
            "Putin's cyber-security unit",
            "Zelénskyy says the elections were hacked by email.",
        ),
        brief("storm", "Storm in the valley", "Rain all week."),
    ]);
    let topics = follows(&[
        "election hacking",   // 1: stems
        "putin zelenskyy",    // 2: possessive, accents
        "\"cyber security\"", // 3: a phrase
        "cybersecurity",      // 4: a compound met as two words
        "\"security cyber\"", // 5: the phrase the other way round
        "election storm",     // 6: one word missing
        "",                   // 7: everything
        "the of",             // 8: only stop words: nothing
        "e mail",             // 9: two words met as one
    ]);
    let index = FollowIndex::build(&library, topics.clone());
    let ids = |id| {
        index
            .matches(&library, id)
            .into_iter()
            .map(|f| f.0)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("hack"), [1, 2, 3, 4, 7, 9]);
    assert_eq!(ids("storm"), [7]);
    // As `/brief` sees it.
    for (id, topic) in &topics {
        let matched = index.matches(&library, "hack").contains(id);
        let found = topic.is_empty() || search_covers(&library, topic, "hack");
        assert_eq!(matched, found, "{topic}");
    }
    assert_eq!(ids("no-such-brief"), Vec::<i64>::new());
}

#[test]
fn follows_are_filed_under_their_rarest_word() {
    let mut briefs: Vec<Brief> = (0..20)
        .map(|i| brief(&format!("common-{i}"), "Election news", "An election."))
        .collect();
    briefs.push(brief("rare", "Election in Zanzibar", "Zanzibar votes."));
    let library = Library::new(briefs);
    let index = FollowIndex::build(&library, follows(&["election zanzibar"]));
    let filed_under = |term: &str| {
        index
            .terms
            .get(term)
            .is_some_and(|&t| !index.by_term[t as usize].is_empty())
    };
    assert!(filed_under("zanzibar"));
    assert!(!filed_under("elect"));
    assert_eq!(index.matches(&library, "rare"), [FollowId(1)]);
    assert!(index.matches(&library, "common-1").is_empty());
}

/// Words of the briefs in the property test: accents, possessives, hyphens, compounds and
/// their halves, joins, stop words, filler, stems of one another.
const WORDS: &[&str] = &[
    "Putin's",
    "Putin",
    "Zelénskyy",
    "Zelenskyy",
    "cyber",
    "security",
    "cybersecurity",
    "cyber-security",
    "e",
    "mail",
    "email",
    "elections",
    "election",
    "elected",
    "hover",
    "board",
    "hoverboard",
    "Müller",
    "naïve",
    "the",
    "of",
    "news",
    "latest",
    "U.S.",
    "3.5",
    "don't",
    "Kyiv",
    "Kiev",
    "storm",
    "storms",
];

/// What can stand between words: odd whitespace and punctuation included.
const SEPARATORS: &[&str] = &[" ", "  ", "\t", "\u{a0}", ", ", " - ", "\n", "\u{2009}"];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec((0..WORDS.len(), 0..SEPARATORS.len()), 1..12).prop_map(|words| {
        let mut text = String::new();
        for (word, separator) in words {
            if !text.is_empty() {
                text.push_str(SEPARATORS[separator]);
            }
            text.push_str(WORDS[word]);
        }
        text
    })
}

/// A topic made from a brief's own words (a run of them, some in a phrase, with their case,
/// accents and possessives changed), or from the shared vocabulary.
fn topic(texts: Vec<String>) -> impl Strategy<Value = String> {
    let words: Vec<String> = texts
        .iter()
        .flat_map(|t| t.split(|c: char| c.is_whitespace() || c == ','))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let n = words.len().max(1);
    (
        0..n,
        1..4usize,
        prop::bool::ANY,
        0..4u8,
        0..SEPARATORS.len(),
        prop::option::of(0..WORDS.len()),
    )
        .prop_map(move |(start, len, quoted, shape, separator, extra)| {
            let mut run: Vec<String> = words
                .iter()
                .skip(start)
                .take(len)
                .map(|w| match shape {
                    1 => w.to_uppercase(),
                    2 => format!("{w}'s"),
                    3 => crate::search::plain_words(w).join(""),
                    _ => w.clone(),
                })
                .collect();
            if let Some(extra) = extra {
                run.push(WORDS[extra].to_owned());
            }
            let joined = run.join(SEPARATORS[separator]);
            if quoted {
                format!("\"{joined}\"")
            } else {
                joined
            }
        })
}

fn library_and_topic() -> impl Strategy<Value = (Vec<(String, String)>, String)> {
    prop::collection::vec((text(), text()), 1..5).prop_flat_map(|briefs| {
        let texts: Vec<String> = briefs
            .iter()
            .flat_map(|(title, summary)| [title.clone(), summary.clone()])
            .collect();
        (Just(briefs), topic(texts))
    })
}

/// Several topics over the same briefs, so that follows share terms and lists.
fn library_and_topics() -> impl Strategy<Value = (Vec<(String, String)>, Vec<String>)> {
    prop::collection::vec((text(), text()), 1..5).prop_flat_map(|briefs| {
        let texts: Vec<String> = briefs
            .iter()
            .flat_map(|(title, summary)| [title.clone(), summary.clone()])
            .collect();
        let topics = prop::collection::vec(topic(texts), 1..8);
        (Just(briefs), topics)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A brief matches a follow exactly when `/brief` with that topic (uncorrected) finds it
    /// with every word covered.
    #[test]
    fn matching_agrees_with_search((briefs, topic) in library_and_topic()) {
        let library = Library::new(
            briefs
                .iter()
                .enumerate()
                .map(|(i, (title, summary))| brief(&format!("b{i}"), title, summary))
                .collect(),
        );
        let index = FollowIndex::build(&library, follows(&[&topic]));
        for (i, brief) in briefs.iter().enumerate() {
            let id = format!("b{i}");
            let matched = index.matches(&library, &id) == [FollowId(1)];
            // A follow without a topic follows everything.
            let expected = topic.trim().is_empty() || search_covers(&library, &topic, &id);
            prop_assert_eq!(
                matched,
                expected,
                "topic {:?} and brief {:?}",
                topic,
                brief
            );
        }
    }

    /// Filed together, each follow is matched as if it were alone.
    #[test]
    fn follows_filed_together_match_as_search((briefs, topics) in library_and_topics()) {
        let library = Library::new(
            briefs
                .iter()
                .enumerate()
                .map(|(i, (title, summary))| brief(&format!("b{i}"), title, summary))
                .collect(),
        );
        let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
        let filed = follows(&topics);
        let index = FollowIndex::build(&library, filed.clone());
        for i in 0..briefs.len() {
            let id = format!("b{i}");
            let expected: Vec<FollowId> = filed
                .iter()
                .filter(|(_, topic)| topic.trim().is_empty() || search_covers(&library, topic, &id))
                .map(|(follow, _)| *follow)
                .collect();
            prop_assert_eq!(index.matches(&library, &id), expected, "topics {:?}", topics);
        }
    }
}
