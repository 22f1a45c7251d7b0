//! Date filters on a real news corpus: `since:` and `until:` return exactly the briefs a scan
//! of every brief's date finds, alone (newest first) and with words (the unfiltered ranking
//! with the others left out).
//!
//! The corpus is not part of the project: it is read from `$BRIEFBOT_CORPUS`, or from
//! `../shared/corpus/wikinews` beside the repository. Like `tests/corpus_quality.rs`, the test
//! is `#[ignore]`d (`cargo test --test corpus_filters -- --ignored`) and fails without a
//! corpus, saying where it looked.

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

/// The first and last second (UTC) of a day given as days since 1970.
fn day_span(days: i64) -> (i64, i64) {
    (days * 86_400, days * 86_400 + 86_399)
}

#[test]
#[ignore = "needs the Wikinews corpus: set BRIEFBOT_CORPUS or have ../shared/corpus/wikinews"]
fn date_ranges_return_exactly_the_briefs_a_scan_finds() {
    let loaded = Library::load(&corpus(), Language::English).expect("the corpus loads");
    let library = &loaded.library;
    let all = library.len();
    assert!(all > 100, "a corpus of {all} briefs is too small to tell");
    let options = AskOptions {
        limit: all,
        quotes: 0,
        summary_chars: 100,
    };
    // Every brief's date, as the scan reads it.
    let dated: Vec<(String, i64, String)> = library
        .briefs()
        .map(|b| {
            (
                b.id.to_string(),
                b.published.instant,
                b.published.to_string(),
            )
        })
        .collect();
    let days = |text: &str| -> i64 {
        let parts: Vec<i64> = text.split('-').map(|p| p.parse().unwrap()).collect();
        briefbot::brief::days_from_civil(parts[0], parts[1], parts[2])
    };
    // Ranges around dates that are in the corpus, and whole years and months.
    let mut dates: Vec<&str> = dated.iter().map(|(_, _, d)| d.as_str()).collect();
    dates.sort();
    let pick = |share: usize| dates[(dates.len() - 1) * share / 10];
    let mut ranges: Vec<(String, i64, i64)> = Vec::new();
    for (a, b) in [(1, 3), (2, 8), (5, 5), (0, 9), (9, 9)] {
        let (since, until) = (pick(a), pick(b));
        ranges.push((
            format!("since:{since} until:{until}"),
            day_span(days(since)).0,
            day_span(days(until)).1,
        ));
    }
    let month = &pick(4)[..7];
    let first = days(&format!("{month}-01"));
    let next = {
        let (y, m): (i64, i64) = (month[..4].parse().unwrap(), month[5..].parse().unwrap());
        if m == 12 {
            days(&format!("{}-01-01", y + 1))
        } else {
            days(&format!("{y}-{:02}-01", m + 1))
        }
    };
    ranges.push((format!("until:{month}"), i64::MIN, next * 86_400 - 1));
    ranges.push((format!("since:{month}"), first * 86_400, i64::MAX));
    let year = &pick(6)[..4];
    let y: i64 = year.parse().unwrap();
    ranges.push((
        format!("since:{year} until:{year}"),
        days(&format!("{y}-01-01")) * 86_400,
        days(&format!("{}-01-01", y + 1)) * 86_400 - 1,
    ));
    let mut checked = 0;
    for (filters, from, through) in &ranges {
        let mut expected: Vec<&(String, i64, String)> = dated
            .iter()
            .filter(|(_, instant, _)| from <= instant && instant <= through)
            .collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let expected: Vec<&str> = expected.iter().map(|(id, _, _)| id.as_str()).collect();
        let answer = ask(library, filters, options);
        let got: Vec<&str> = answer.results.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            got, expected,
            "{filters}: newest first, exactly those in range"
        );
        assert_eq!(answer.total, expected.len(), "{filters}");
        // With words: the unfiltered ranking, the briefs out of range left out.
        for words in ["election", "police said", "trump"] {
            let whole = ask(library, words, options);
            let kept: Vec<&str> = whole
                .results
                .iter()
                .map(|r| r.id.as_str())
                .filter(|id| expected.contains(id))
                .collect();
            let filtered = ask(library, &format!("{words} {filters}"), options);
            let got: Vec<&str> = filtered.results.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(got, kept, "{words} {filters}");
            assert_eq!(filtered.total, kept.len(), "{words} {filters}");
            checked += 1;
        }
    }
    assert!(checked > 20);
}
