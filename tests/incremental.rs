//! A library changed brief by brief answers exactly as one built at once from the same briefs.
//!
//! [`Library::edit`] updates the index, the speakers and the topics in place of a rebuild (that
//! is what makes a changed file live again in milliseconds at 100,000 briefs). This property
//! runs random sequences of adds, replacements and removals over briefs that share words,
//! speakers, dates and aliases, and after each sequence compares every answer of the edited
//! library with those of a library built from scratch: searches (hits, scores as shown, order,
//! totals, corrections, highlights), quotes by speaker, autocompletion, and the newest list.

use std::path::Path;
use std::sync::Arc;

use briefbot::answer::{self, AskOptions};
use briefbot::brief::{self, Brief};
use briefbot::language::Language;
use briefbot::library::{Edit, Library};
use proptest::prelude::*;

/// Few words, so that briefs share terms and ties happen.
const WORDS: [&str; 24] = [
    "election",
    "elections",
    "hacking",
    "hacked",
    "cyber",
    "security",
    "unit",
    "storm",
    "flooding",
    "valley",
    "vote",
    "voters",
    "minister",
    "summit",
    "trade",
    "tariffs",
    "hoverboard",
    "hover",
    "board",
    "record",
    "2016",
    "2017",
    "market",
    "crash",
];
const SPEAKERS: [&str; 6] = [
    "Vladimir Putin",
    "vladimir  putin",
    "Rex Tillerson",
    "Lindsey Graham",
    "Graham Norton",
    "Jarosław Kaczyński",
];
const ROLES: [&str; 3] = ["President", "Senator", "Minister"];

/// What a generated brief is made of: indexes into the lists above.
#[derive(Debug, Clone)]
struct Spec {
    id: usize,
    day: u8,
    title: Vec<usize>,
    summary: Vec<usize>,
    tags: Vec<usize>,
    quotes: Vec<(usize, usize, Vec<usize>)>,
    alias: bool,
}

fn words(at: &[usize]) -> String {
    at.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ")
}

impl Spec {
    fn brief(&self) -> Brief {
        let mut text = format!(
            "id = \"b{}\"\ntitle = \"{}\"\npublished = 2020-01-{:02}\nsummary = \"{}.\"\n",
            self.id,
            words(&self.title),
            self.day,
            words(&self.summary)
        );
        let tags: Vec<String> = self
            .tags
            .iter()
            .map(|&t| format!("\"{}\"", WORDS[t]))
            .collect();
        text.push_str(&format!("tags = [{}]\n", tags.join(", ")));
        for (speaker, role, said) in &self.quotes {
            text.push_str(&format!(
                "[[quotes]]\nspeaker = \"{}\"\nrole = \"{}\"\ntext = \"{}\"\n",
                SPEAKERS[*speaker],
                ROLES[*role],
                words(said)
            ));
        }
        if self.alias {
            text.push_str("[aliases]\n\"Vladimir Putin\" = [\"VVP\"]\n");
        }
        let path = format!("b{}.toml", self.id);
        brief::parse(Path::new(&path), text.as_bytes(), Language::English)
            .expect("generated briefs are valid")
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    let word = 0..WORDS.len();
    (
        0usize..12,
        1u8..4,
        prop::collection::vec(word.clone(), 1..4),
        prop::collection::vec(word.clone(), 1..8),
        prop::collection::vec(word.clone(), 0..3),
        prop::collection::vec(
            (
                0..SPEAKERS.len(),
                0..ROLES.len(),
                prop::collection::vec(word, 1..5),
            ),
            0..3,
        ),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(id, day, title, summary, tags, quotes, alias)| Spec {
            id,
            day,
            title,
            summary,
            tags,
            quotes,
            alias,
        })
}

/// A step: put a brief (adding or replacing by id), or remove one by id.
#[derive(Debug, Clone)]
enum Step {
    Put(Spec),
    Remove(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => spec().prop_map(Step::Put),
        1 => (0usize..12).prop_map(Step::Remove),
    ]
}

/// Everything users can ask, answered as JSON and text.
fn answers(library: &Library) -> Vec<String> {
    let options = AskOptions {
        limit: 20,
        quotes: 3,
        summary_chars: 80,
    };
    let mut queries: Vec<String> = WORDS.iter().map(|w| w.to_string()).collect();
    queries.extend([
        "election hacking".into(),
        "\"cyber security\"".into(),
        "hoverboard".into(),
        "hover board".into(),
        "cybersecurity".into(),
        "electoins".into(),
        "flodding valley".into(),
        "minister trade tariffs".into(),
        "what's the latest news on the storm?".into(),
    ]);
    let mut out: Vec<String> = queries
        .iter()
        .map(|q| {
            serde_json::to_string(&answer::to_json(&answer::ask(library, q, options)))
                .expect("answers serialize")
        })
        .collect();
    for name in ["putin", "Graham", "Tilerson", "vvp", "kaczynski", "Zed"] {
        out.push(answer::quotes_json(&answer::quotes(library, name, None, Some(10))).to_string());
        out.push(
            answer::quotes_json(&answer::quotes(library, name, Some("election"), Some(10)))
                .to_string(),
        );
    }
    for typed in ["", "ele", "storm", "cyber sec", "hov"] {
        out.push(answer::topic_suggestions(library, typed, 25).join("|"));
    }
    let newest: Vec<&str> = library
        .newest_first()
        .iter()
        .map(|b| b.id.as_str())
        .collect();
    out.push(newest.join(","));
    out
}

fn ids(library: &Library) -> Vec<String> {
    let mut ids: Vec<String> = library.briefs().map(|b| b.id.to_string()).collect();
    ids.sort();
    ids
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn an_edited_library_answers_as_one_built_at_once(
        start in prop::collection::vec(spec(), 0..8),
        steps in prop::collection::vec(prop::collection::vec(step(), 1..4), 1..6),
    ) {
        // Distinct ids to start with, as a loaded library has.
        let mut seen = std::collections::HashSet::new();
        let start: Vec<Brief> = start
            .iter()
            .filter(|s| seen.insert(s.id))
            .map(Spec::brief)
            .collect();
        let mut library = Library::new(start);
        // Touch the topics so that edits carry them over instead of making them anew.
        let _ = answer::topic_suggestions(&library, "e", 5);
        for batch in &steps {
            let edits: Vec<Edit> = batch
                .iter()
                .map(|step| match step {
                    Step::Put(spec) => Edit::Put(Arc::new(spec.brief())),
                    Step::Remove(id) => Edit::Remove(
                        brief::BriefId::parse(&format!("b{id}")).expect("a valid id"),
                    ),
                })
                .collect();
            library = library.edit(&edits);
            // Built at once from the same briefs, in the edited library's order.
            let fresh = Library::from_shared(library.briefs().cloned().collect());
            prop_assert_eq!(ids(&library), ids(&fresh));
            let (edited, built) = (answers(&library), answers(&fresh));
            for (edited, built) in edited.iter().zip(&built) {
                prop_assert_eq!(edited, built);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Answers mark matches from the positions the index keeps; marking each text by
    /// analysing its words must find the very same marks.
    #[test]
    fn marks_from_positions_are_marks_from_the_text(
        specs in prop::collection::vec(spec(), 1..6),
        query in prop::collection::vec(0..WORDS.len(), 1..4),
        quoted in any::<bool>(),
    ) {
        let briefs: Vec<Brief> = specs.iter().map(Spec::brief).collect();
        let library = Library::new(briefs);
        let query = if quoted { format!("\"{}\"", words(&query)) } else { words(&query) };
        let outcome = briefbot::search::search(library.index(), &query, 10);
        for (doc, brief) in library.briefs().enumerate() {
            let from_positions = outcome
                .highlighter
                .find_in_document(library.index(), doc as u32, brief);
            let mut from_text = Vec::new();
            briefbot::library::for_each_field(brief, |_, text| {
                from_text.push(outcome.highlighter.find(library.index(), brief.language, text));
            });
            let from_positions: Vec<_> = from_positions.iter().cloned().collect();
            prop_assert_eq!(from_positions, from_text, "{}", query);
        }
    }
}

/// Asking `library` for the best `limit` answers to `query` gives the head of the whole
/// ranking, and the same total.
fn best_few_are_the_head(
    library: &Library,
    query: &str,
    limit: usize,
) -> Result<(), TestCaseError> {
    let all = briefbot::search::search(library.index(), query, usize::MAX);
    let few = briefbot::search::search(library.index(), query, limit);
    prop_assert_eq!(few.total, all.total);
    let head: Vec<_> = all.hits.iter().take(limit).cloned().collect();
    prop_assert_eq!(few.hits, head, "{}", query);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The ranking walks only the briefs that can make the best few, passes over runs of
    /// them by bounds, and works out side-by-side bonuses only for briefs they could lift:
    /// the best few must still be exactly the head of the whole ranking.
    #[test]
    fn the_best_few_are_the_head_of_the_whole_ranking(
        specs in prop::collection::vec(spec(), 1..12),
        query in prop::collection::vec(0..WORDS.len(), 1..5),
        limit in 1usize..4,
    ) {
        let mut seen = std::collections::HashSet::new();
        let briefs: Vec<Brief> = specs
            .iter()
            .filter(|s| seen.insert(s.id))
            .map(Spec::brief)
            .collect();
        let library = Library::new(briefs);
        best_few_are_the_head(&library, &words(&query), limit)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// The same in a library large enough that the common words' postings span many blocks,
    /// which the ranking passes over when their bounds show nothing in them can make the best
    /// few; and after edits, which move the average brief length the bounds were worked out
    /// with.
    #[test]
    fn the_best_few_are_the_head_of_the_whole_ranking_in_a_large_library(
        specs in prop::collection::vec(spec(), 520..800),
        edits in prop::collection::vec((0usize..700, spec(), prop::bool::ANY), 0..40),
        queries in prop::collection::vec(prop::collection::vec(0..WORDS.len(), 1..5), 8),
        limit in 1usize..6,
    ) {
        // "record" and "crash" are kept rare: their postings fit in one block, and are
        // bounded brief by brief.
        let rarely = |id: usize, spec: &Spec| {
            let keep = |w: &usize| id.is_multiple_of(41) || !matches!(WORDS[*w], "record" | "crash");
            let mut spec = spec.clone();
            spec.id = id;
            for text in [&mut spec.title, &mut spec.summary, &mut spec.tags] {
                text.retain(keep);
            }
            for (_, _, said) in &mut spec.quotes {
                said.retain(keep);
                said.push(2);
            }
            spec.title.push(0);
            spec.summary.push(1);
            spec.brief()
        };
        let briefs: Vec<Brief> = specs
            .iter()
            .enumerate()
            .map(|(id, spec)| rarely(id, spec))
            .collect();
        let built = Library::new(briefs);
        let edits: Vec<Edit> = edits
            .into_iter()
            .map(|(id, spec, remove)| {
                if remove {
                    Edit::Remove(brief::BriefId::parse(&format!("b{id}")).expect("a valid id"))
                } else {
                    Edit::Put(Arc::new(rarely(id, &spec)))
                }
            })
            .collect();
        let edited = built.edit(&edits);
        // "election" is in every title: alone, it is a single word held by hundreds.
        let queries: Vec<Vec<usize>> = queries.into_iter().chain([vec![0]]).collect();
        for library in [&built, &edited] {
            for query in &queries {
                best_few_are_the_head(library, &words(query), limit)?;
            }
        }
    }
}

#[test]
fn removing_and_re_adding_keeps_every_answer() {
    let spec = |id, title: Vec<usize>| Spec {
        id,
        day: 1,
        title,
        summary: vec![0, 1, 2],
        tags: vec![3],
        quotes: vec![(0, 0, vec![4, 5])],
        alias: true,
    };
    let a = Arc::new(spec(1, vec![0, 2]).brief());
    let b = Arc::new(spec(2, vec![7]).brief());
    let library = Library::from_shared(vec![Arc::clone(&a), Arc::clone(&b)]);
    let before = answers(&library);
    let removed = library.edit(&[Edit::Remove(a.id.clone())]);
    assert_eq!(removed.len(), 1);
    assert!(removed.get("b1").is_none());
    let hits = answer::ask(
        &removed,
        "hacking",
        AskOptions {
            limit: 5,
            quotes: 0,
            summary_chars: 50,
        },
    );
    assert!(
        hits.results.iter().all(|r| r.id != "b1"),
        "a removed brief is never found"
    );
    let back = removed.edit(&[Edit::Put(a)]);
    assert_eq!(back.len(), 2);
    // The brief comes back in a new doc slot: answers must not depend on slots.
    assert_eq!(
        answers(&back)[..answers(&back).len() - 1],
        before[..before.len() - 1]
    );
}

/// An edit copies only the speakers its briefs quote: the others are shared with the library
/// it came from. Copying them all took most of an edit on briefs of 20 quotes.
#[test]
fn an_edit_copies_only_the_speakers_it_quotes() {
    let spec = |id, speaker| Spec {
        id,
        day: 1,
        title: vec![0],
        summary: vec![1],
        tags: vec![],
        quotes: vec![(speaker, 0, vec![4])],
        alias: false,
    };
    let library = Library::from_shared(vec![
        Arc::new(spec(1, 0).brief()),
        Arc::new(spec(2, 2).brief()),
    ]);
    let changed = Spec {
        title: vec![9],
        ..spec(1, 0)
    };
    let edited = library.edit(&[Edit::Put(Arc::new(changed.brief()))]);
    let speaker = |library: &Library, name: &str| {
        let found = library.speakers().all().iter().find(|s| s.name == name);
        Arc::clone(found.expect("the speaker is quoted"))
    };
    assert!(Arc::ptr_eq(
        &speaker(&library, "Rex Tillerson"),
        &speaker(&edited, "Rex Tillerson")
    ));
    assert!(!Arc::ptr_eq(
        &speaker(&library, "Vladimir Putin"),
        &speaker(&edited, "Vladimir Putin")
    ));
    assert_eq!(speaker(&edited, "Vladimir Putin").quotes.len(), 1);
}
