//! Answer quality on a real news corpus, queried the way chat users type: misspellings,
//! names without accents, possessives, compounds, whole questions, phrases and years.
//!
//! The corpus is not part of the project. It is read from `$BRIEFBOT_CORPUS`, or from
//! `../shared/corpus/wikinews` beside the repository; the test is skipped when neither exists.
//! Queries and the brief each should bring first are in `tests/data/wikinews_queries.tsv`.

use std::path::PathBuf;

use briefbot::answer::{AskOptions, ask};
use briefbot::language::Language;
use briefbot::library::Library;

fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("BRIEFBOT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/wikinews")
        });
    path.is_dir().then_some(path)
}

#[test]
fn the_right_brief_comes_first_for_chat_style_queries() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: no corpus (set BRIEFBOT_CORPUS to a folder of briefs)");
        return;
    };
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
