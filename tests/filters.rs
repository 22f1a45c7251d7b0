//! End-to-end tests of the filters (`since:`, `until:`, `tag:`, `outlet:`, `speaker:`,
//! `lang:`, `order:newest`, `ask --newest`) through the real binary: `ask`, `said` and the
//! chat's `/brief` and `/said`. Each filter, each bad value (exit 1 with a message naming the
//! filter and its forms), and words with a colon that are not filters.
//!
//! The tests run in a temporary folder, so the repository's `config.toml` is never used.

#[path = "support/cli.rs"]
mod support_cli;

use std::path::Path;

use serde_json::Value;
use support_cli::{briefbot, flat, stderr_of, stdout_of};

/// Five briefs: four on a storm (one in German), one calm; dates, tags and outlets differ.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let briefs = dir.path().join("briefs");
    std::fs::create_dir(&briefs).expect("create briefs/");
    let write = |name: &str, text: &str| std::fs::write(briefs.join(name), text).unwrap();
    write(
        "storm-a.toml",
        r#"title = "Storm closes the harbour"
published = 2016-12-31
outlet = "BBC News"
tags = ["Weather", "Elections"]
summary = "A storm closed the harbour before the vote."

[[quotes]]
speaker = "Ann Lee"
role = "Mayor"
text = "The storm will pass by Friday."
"#,
    );
    write(
        "storm-b.toml",
        r#"title = "Storm floods the valley and the harbour"
published = 2017-07-01
outlet = "The Guardian"
tags = ["weather"]
summary = "The storm flooded the valley. A storm storm storm report."

[[quotes]]
speaker = "Bo Chen"
role = "Harbour master"
text = "No storm like it in years."
"#,
    );
    write(
        "storm-c.toml",
        r#"title = "After the storm, the count"
published = 2017-07-31T23:00:00Z
outlet = "BBC News"
tags = ["élection"]
summary = "The storm delayed the count."

[[quotes]]
speaker = "Ann Lee"
role = "Mayor"
text = "The storm cost us a day of counting."

[[quotes]]
speaker = "Bo Chen"
role = "Harbour master"
text = "The storm is over."
"#,
    );
    write(
        "sturm-d.toml",
        r#"title = "Sturm über Hamburg"
published = 2017-08-01
language = "de"
outlet = "Der Spiegel"
tags = ["Wetter"]
summary = "Ein Sturm traf die Stadt."
"#,
    );
    write(
        "calm-e.toml",
        r#"title = "A calm spring, the keynote at 10:30"
published = 2018-03-03
outlet = "BBC News"
tags = ["Weather"]
summary = "The re:invent keynote starts at 10:30 under clear skies."
"#,
    );
    dir
}

/// `ask --json QUERY` (plus `args`) in `dir`: the ids of the results, in order.
fn ask_ids(dir: &Path, query: &str, args: &[&str]) -> Vec<String> {
    let answer = ask_json(dir, query, args);
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

fn ask_json(dir: &Path, query: &str, args: &[&str]) -> Value {
    let output = briefbot(dir)
        .args(["ask", "--json", "--limit", "10"])
        .args(args)
        .arg("--")
        .arg(query)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).expect("JSON")
}

#[test]
fn since_and_until_keep_the_briefs_of_their_year_month_or_day_inclusive() {
    let dir = fixture();
    let mut ids = ask_ids(dir.path(), "storm since:2017", &[]);
    ids.sort();
    assert_eq!(ids, ["storm-b", "storm-c"]);
    let mut ids = ask_ids(dir.path(), "storm until:2017-07", &[]);
    ids.sort();
    assert_eq!(
        ids,
        ["storm-a", "storm-b", "storm-c"],
        "until:2017-07 holds all of July, its last evening too"
    );
    assert_eq!(
        ask_ids(dir.path(), "storm since:2017-07-09", &[]),
        ["storm-c"]
    );
    assert_eq!(
        ask_ids(dir.path(), "storm since:2017-07-01 until:2017-07-01", &[]),
        ["storm-b"]
    );
    assert!(ask_ids(dir.path(), "storm since:2019", &[]).is_empty());
    let answer = ask_json(dir.path(), "storm since:2017", &[]);
    assert_eq!(
        answer["total"], 2,
        "the total counts only what the filter allows"
    );
}

#[test]
fn a_query_of_filters_only_lists_the_briefs_newest_first() {
    let dir = fixture();
    assert_eq!(
        ask_ids(dir.path(), "tag:weather", &[]),
        ["calm-e", "storm-b", "storm-a"],
        "case aside"
    );
    assert_eq!(
        ask_ids(dir.path(), "tag:ELECTION", &[]),
        ["storm-c", "storm-a"],
        "stems and accents: Elections, élection"
    );
    assert_eq!(
        ask_ids(dir.path(), "outlet:\"BBC News\"", &[]),
        ["calm-e", "storm-c", "storm-a"]
    );
    assert!(
        ask_ids(dir.path(), "outlet:bbc", &[]).is_empty(),
        "a whole outlet"
    );
    assert_eq!(
        ask_ids(dir.path(), "speaker:lee", &[]),
        ["storm-c", "storm-a"]
    );
    assert_eq!(ask_ids(dir.path(), "lang:de", &[]), ["sturm-d"]);
    assert_eq!(
        ask_ids(dir.path(), "since:2017-08", &[]),
        ["calm-e", "sturm-d"]
    );
    assert_eq!(
        ask_ids(
            dir.path(),
            "tag:weather outlet:\"bbc news\" until:2017",
            &[]
        ),
        ["storm-a"],
        "filters narrow each other"
    );
    let answer = ask_json(dir.path(), "tag:weather", &[]);
    assert_eq!(answer["total"], 3);
    assert_eq!(answer["notes"], serde_json::json!([]));
}

#[test]
fn a_speaker_nobody_is_says_so() {
    let dir = fixture();
    let answer = ask_json(dir.path(), "storm speaker:zzyzx", &[]);
    assert_eq!(answer["results"], serde_json::json!([]));
    let notes = answer["notes"].to_string();
    assert!(notes.contains("No one called \\\"zzyzx\\\""), "{notes}");
}

#[test]
fn order_newest_and_ask_newest_list_by_date() {
    let dir = fixture();
    let relevance = ask_ids(dir.path(), "storm", &[]);
    assert_eq!(
        relevance[0], "storm-b",
        "the storm storm storm brief is the best match"
    );
    let newest = ["storm-c", "storm-b", "storm-a"];
    assert_eq!(ask_ids(dir.path(), "storm order:newest", &[]), newest);
    assert_eq!(ask_ids(dir.path(), "storm", &["--newest"]), newest);
    assert_eq!(ask_ids(dir.path(), "order:newest storm", &[]), newest);
    assert_eq!(
        ask_ids(dir.path(), "storm order:relevance", &[]),
        relevance,
        "order:relevance is the default"
    );
    let help = stdout_of(briefbot(dir.path()).args(["ask", "--help"]));
    assert!(help.contains("--newest"), "{help}");
    assert!(help.contains("since:2017-07"), "{help}");
}

#[test]
fn words_with_a_colon_that_are_no_filter_are_searched_as_words() {
    let dir = fixture();
    assert_eq!(ask_ids(dir.path(), "10:30", &[]), ["calm-e"]);
    assert_eq!(ask_ids(dir.path(), "re:invent", &[]), ["calm-e"]);
    assert_eq!(
        ask_ids(dir.path(), "keynote weather:calm", &[]),
        ["calm-e"],
        "an unknown name is a word"
    );
}

#[test]
fn a_bad_value_names_the_filter_and_its_forms_with_exit_code_1() {
    let dir = fixture();
    let date = "expected a date such as 2017, 2017-07 or 2017-07-09";
    for (query, message) in [
        ("storm since:17", format!("since: {date}, not \"17\"")),
        (
            "storm since:2017-13",
            format!("since: {date}, not \"2017-13\""),
        ),
        (
            "until:2017-02-30 storm",
            format!("until: {date}, not \"2017-02-30\""),
        ),
        (
            "until:yesterday",
            format!("until: {date}, not \"yesterday\""),
        ),
        (
            "storm lang:xx",
            "lang: expected a language code such as en, de or fr".to_owned(),
        ),
        (
            "storm order:oldest",
            "order: expected relevance or newest, not \"oldest\"".to_owned(),
        ),
        (
            "storm tag:",
            "tag: expected a value, for example tag:russia".to_owned(),
        ),
        (
            "since:2018 until:2017",
            "since:2018 is after until:2017".to_owned(),
        ),
    ] {
        let stderr = stderr_of(briefbot(dir.path()).args(["ask", "--", query]), 1);
        assert!(flat(&stderr).contains(&message), "{query}: {stderr}");
        let output = briefbot(dir.path())
            .args(["ask", "--json", "--", query])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let answer: Value = serde_json::from_slice(&output).expect("JSON");
        assert!(
            answer["notes"][0].as_str().unwrap().contains(&message),
            "{query}: {answer}"
        );
        assert_eq!(answer["results"], serde_json::json!([]));
    }
}

#[test]
fn said_takes_filters_too() {
    let dir = fixture();
    let said = |words: &str| -> Vec<(String, String)> {
        let output = briefbot(dir.path())
            .args(["said", "--json", "--limit", "10", "--", words])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let answer: Value = serde_json::from_slice(&output).expect("JSON");
        answer["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                (
                    q["speaker"].as_str().unwrap().to_owned(),
                    q["brief_id"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let all = said("storm");
    assert_eq!(all.len(), 4, "{all:?}");
    let mut lee = said("storm speaker:lee");
    lee.sort();
    assert_eq!(
        lee,
        [
            ("Ann Lee".to_owned(), "storm-a".to_owned()),
            ("Ann Lee".to_owned(), "storm-c".to_owned())
        ],
        "only her quotes, not Bo Chen's beside hers"
    );
    let since = said("storm since:2017");
    assert!(
        since.len() == 3 && since.iter().all(|(_, id)| id != "storm-a"),
        "{since:?}"
    );
    let stderr = stderr_of(
        briefbot(dir.path()).args(["said", "--", "storm since:soon"]),
        1,
    );
    assert!(
        stderr.contains("since: expected a date such as 2017, 2017-07 or 2017-07-09"),
        "{stderr}"
    );
}

#[test]
fn chat_brief_and_said_take_filters_and_help_lists_them() {
    let dir = fixture();
    let out = stdout_of(
        briefbot(dir.path())
            .args(["--color", "never", "chat"])
            .write_stdin(
                "/brief storm since:2017-07-09\n/brief tag:weather until:2016\n/brief storm lang:xx\n/said storm speaker:bo until:2017-07-15\n/help\n",
            ),
    );
    let out = flat(&out);
    assert!(out.contains("After the storm, the count"), "{out}");
    assert!(
        !out.contains("flooded the valley"),
        "storm-b is before 2017-07-09: {out}"
    );
    assert!(out.contains("Storm closes the harbour"), "{out}");
    assert!(
        out.contains("lang: expected a language code such as en, de or fr"),
        "{out}"
    );
    assert!(out.contains("No storm like it in years."), "{out}");
    assert!(
        !out.contains("in \"After the storm, the count\""),
        "/said until:2017-07-15 leaves out Bo Chen's later quote: {out}"
    );
    assert!(
        out.contains("since:2017-07-09"),
        "/help lists the filters: {out}"
    );
    assert!(out.contains("order:newest"), "{out}");
}
