//! Answer quality on a real news corpus, queried the way chat users type: misspellings,
//! names without accents, possessives, compounds, whole questions, phrases and years.
//!
//! The corpus is not part of the project. It is read from `$BRIEFBOT_CORPUS`, or from
//! `../shared/corpus/wikinews` beside the repository. So that no run reports "ok" for a test
//! that did nothing, these tests are `#[ignore]`d: a plain `cargo test` lists them as ignored,
//! `.ci/run` runs them when the corpus is there (`cargo test --test corpus_quality --
//! --ignored`), and run without a corpus they fail, saying where they looked.
//! Queries and the brief each should bring first are in `tests/data/wikinews_queries.tsv`.

use std::path::PathBuf;

use briefbot::answer::{AskOptions, ask};
use briefbot::language::Language;
use briefbot::library::Library;

fn corpus() -> PathBuf {
    let path = std::env::var_os("BRIEFBOT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/wikinews")
        });
    assert!(
        path.is_dir(),
        "no corpus at {}: set BRIEFBOT_CORPUS to the Wikinews corpus (a folder of briefs)",
        path.display()
    );
    path
}

#[test]
#[ignore = "needs the Wikinews corpus: set BRIEFBOT_CORPUS or have ../shared/corpus/wikinews"]
fn the_right_brief_comes_first_for_chat_style_queries() {
    let dir = corpus();
    let loaded = Library::load(&dir, Language::English).expect("the corpus loads");
    assert!(
        loaded.errors.is_empty(),
        "the corpus loads as it is: {:?}",
        loaded.errors
    );
    let table = include_str!("data/wikinews_queries.tsv");
    let options = AskOptions {
        limit: 3,
        quotes: 3,
        summary_chars: 400,
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let [kind, query, expected] = fields[..] else {
            panic!("bad line in the query table: {line:?}");
        };
        count += 1;
        let answer = ask(&loaded.library, query, options);
        let got: Vec<&str> = answer.results.iter().map(|r| r.id.as_str()).collect();
        if got.first() != Some(&expected) {
            failures.push(format!(
                "[{kind}] {query:?}: expected {expected}, got {got:?}"
            ));
        }
    }
    assert!(count >= 70, "the table holds {count} queries");
    assert!(
        failures.is_empty(),
        "{} of {count} queries failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every way people type a name, for every speaker of the corpus: full name, lower case,
/// without accents, surname, given name, a typo, a title in front. A name shared by several
/// speakers must give the honest list (with the speaker in it), never one of them.
#[test]
#[ignore = "needs the Wikinews corpus: set BRIEFBOT_CORPUS or have ../shared/corpus/wikinews"]
fn speaker_names_resolve_the_way_people_type_them() {
    use briefbot::search::plain_words;
    use briefbot::speakers::Resolution;

    let dir = corpus();
    let library = Library::load(&dir, Language::English)
        .expect("the corpus loads")
        .library;
    let speakers = library.speakers();
    assert!(
        speakers.all().len() >= 100,
        "{} speakers",
        speakers.all().len()
    );
    let holders = |word: &str| {
        speakers
            .all()
            .iter()
            .filter(|s| plain_words(&s.name).iter().any(|w| w == word))
            .count()
    };
    let mut failures = Vec::new();
    let mut tried = 0;
    let mut exact_only = 0;
    for speaker in speakers.all() {
        let words = plain_words(&speaker.name);
        let (Some(given), Some(surname)) = (words.first(), words.last()) else {
            continue;
        };
        let mut variants: Vec<(String, bool)> = vec![
            (speaker.name.clone(), true),
            (speaker.name.to_lowercase(), true),
            (words.join(" "), true),
            (format!("Dr. {}", speaker.name), true),
        ];
        if words.len() > 1 {
            variants.push((surname.clone(), holders(surname) == 1));
            variants.push((format!("President {surname}"), holders(surname) == 1));
            variants.push((given.clone(), holders(given) == 1));
        }
        if surname.len() >= 5 {
            // Drop a letter in the middle of the surname.
            let mut typo = surname.clone();
            typo.remove(surname.len() / 2);
            let typed = words[..words.len() - 1]
                .iter()
                .cloned()
                .chain([typo])
                .collect::<Vec<_>>();
            variants.push((typed.join(" "), words.len() > 1 || holders(surname) == 1));
        }
        for (typed, unique) in variants {
            tried += 1;
            if typed == speaker.name {
                exact_only += 1;
            }
            let ok = match speakers.resolve(&typed) {
                Resolution::Found(at) => speakers.get(at).name == speaker.name,
                Resolution::Ambiguous(list) => {
                    !unique && list.iter().any(|&at| speakers.get(at).name == speaker.name)
                }
                Resolution::NotFound(_) => false,
            };
            if !ok {
                failures.push(format!(
                    "{typed:?} for {:?}: {:?}",
                    speaker.name,
                    speakers.resolve(&typed)
                ));
            }
        }
    }
    eprintln!(
        "{tried} typed names: {} resolved right; an exact-full-name bot gets {exact_only}",
        tried - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {tried} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
