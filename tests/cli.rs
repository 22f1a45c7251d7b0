//! End-to-end tests of the `briefbot` binary: each test runs the real executable in a
//! temporary folder holding the brief files it wrote, and checks exit code, stdout and stderr.
//!
//! Commands run with the temporary folder as their working directory, so the repository's own
//! `config.toml` is never picked up by accident; tests about the shipped seed brief run in the
//! repository root on purpose. Fixture briefs are small invented texts.

use std::path::{Path, PathBuf};

#[path = "support/cli.rs"]
mod support_cli;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use support_cli::{briefbot, flat, json_of, repo, stderr_of, stdout_of};

/// A temporary folder with a `briefs/` folder in it.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        std::fs::create_dir(dir.path().join("briefs")).expect("create briefs/");
        Fixture { dir }
    }

    /// A fixture whose briefs folder holds `briefs`, as (file name, contents).
    fn with_briefs(briefs: &[(&str, &str)]) -> Self {
        let fixture = Fixture::new();
        for (name, text) in briefs {
            fixture.brief(name, text);
        }
        fixture
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` at `relative` (creating folders) and returns the full path.
    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Writes a file into `briefs/`.
    fn brief(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        self.write(&format!("briefs/{name}"), contents)
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap()
    }

    /// Every name in a folder, hidden ones included, sorted.
    fn listing(&self, relative: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path().join(relative))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// `briefbot` running in this fixture's folder.
    fn cmd(&self) -> Command {
        briefbot(self.path())
    }
}

/// The ids of an `ask --json` answer's results, in order.
fn result_ids(answer: &Value) -> Vec<&str> {
    answer["results"]
        .as_array()
        .expect("results is an array")
        .iter()
        .map(|r| r["id"].as_str().expect("id is a string"))
        .collect()
}

/// The seed brief's id.
const SEED: &str = "trump-putin-cyber-unit";

/// A valid brief using every optional key. Line numbers matter to the `check` tests:
/// 1 id, 2 title, 3 published, 4 source, 5 outlet, 6 tags, 7 summary.
const LIGHTHOUSE: &str = r#"id = "lighthouse-vote"
title = "Lighthouse keepers vote on night shifts"
published = 2017-03-01
source = "https://example.org/lighthouse"
outlet = "Harbour Gazette"
tags = ["harbours", "labour"]
summary = """
The keepers of the northern lighthouse held a ballot about night shifts. \
Most of them chose a rota of four nights on and four nights off.
"""

[[quotes]]
speaker = "Ada Quill"
role = "Head keeper"
text = "The lamp never sleeps, so neither do we."
context = "After the count"
"#;

/// A minimal valid brief, with its id on line 2.
fn minimal(id: &str, title: &str, published: &str, summary: &str) -> String {
    format!(
        "title = \"{title}\"\nid = \"{id}\"\npublished = {published}\nsummary = \"{summary}\"\n"
    )
}

/// Three briefs on harbours, with distinct dates (2017, 2019, 2018).
fn harbour_fixture() -> Fixture {
    Fixture::with_briefs(&[
        ("lighthouse-vote.toml", LIGHTHOUSE),
        (
            "harbour-budget.toml",
            &minimal(
                "harbour-budget",
                "Harbour budget approved",
                "2019-05-20",
                "The council approved the harbour budget, with money for a new lighthouse lamp.",
            ),
        ),
        (
            "ferry-strike.toml",
            &minimal(
                "ferry-strike",
                "Ferry crews strike",
                "2018-11-02",
                "Ferry crews stopped work for a day over pay.",
            ),
        ),
    ])
}

// ---------------------------------------------------------------------------------------------
// ask --json against the shipped seed brief

#[test]
fn ask_json_finds_the_seed_brief_by_topic() {
    let answer = json_of(repo().args(["ask", "--json", "hacking"]));
    assert_eq!(result_ids(&answer)[0], SEED);
}

#[test]
fn ask_json_has_the_documented_shape() {
    let answer = json_of(repo().args(["ask", "--json", "hacking"]));
    for key in ["query", "results", "suggestion"] {
        assert!(answer.get(key).is_some(), "no `{key}` in {answer:#}");
    }
    assert_eq!(answer["query"], "hacking");
    assert!(answer["suggestion"].is_null());
    let result = &answer["results"][0];
    for key in [
        "id",
        "title",
        "published",
        "source",
        "score",
        "summary",
        "quotes",
    ] {
        assert!(result.get(key).is_some(), "no `{key}` in {result:#}");
    }
    assert_eq!(result["published"], "2017-07-09");
    assert!(
        result["title"]
            .as_str()
            .unwrap()
            .contains("Cyber Security unit")
    );
    assert!(result["score"].as_f64().unwrap() > 0.0);
    assert!(result["summary"].as_str().unwrap().contains("hacking"));
    let quote = &result["quotes"][0];
    for key in ["speaker", "role", "text"] {
        assert!(
            quote[key].is_string(),
            "`{key}` is not a string in {quote:#}"
        );
    }
}

#[test]
fn ask_json_by_speaker_puts_that_speakers_quote_first() {
    let answer = json_of(repo().args(["ask", "--json", "Rubio"]));
    assert_eq!(result_ids(&answer), [SEED]);
    let quote = &answer["results"][0]["quotes"][0];
    assert_eq!(quote["speaker"], "Marco Rubio");
    assert_eq!(quote["role"], "Republican senator for Florida");
}

#[test]
fn ask_json_corrects_a_typo_and_says_so() {
    let answer = json_of(repo().args(["ask", "--json", "electoins"]));
    assert_eq!(answer["suggestion"], "elections");
    assert_eq!(result_ids(&answer), [SEED]);
}

// ---------------------------------------------------------------------------------------------
// ask: text output

#[test]
fn ask_text_shows_title_date_summary_and_quote_lines() {
    let out = stdout_of(repo().args(["ask", "Rubio"]));
    let text = flat(&out);
    assert!(
        text.contains("1. Trump: Putin and I will form 'impenetrable Cyber Security unit'"),
        "{out}"
    );
    assert!(text.contains("2017-07-09"), "{out}");
    assert!(
        text.contains("After their first face-to-face meeting, at the G20 summit in Hamburg"),
        "{out}"
    );
    assert!(text.contains("“Partnering with Putin"), "{out}");
    let by = out
        .lines()
        .map(str::trim_start)
        .find(|line| line.starts_with("— "))
        .unwrap_or_else(|| panic!("no quote line starting with \"— \":\n{out}"));
    assert_eq!(
        by,
        "— Marco Rubio, Republican senator for Florida (On Twitter)"
    );
}

/// Issue 17: the default `summary_chars` of 400 cut the seed brief's summary in the middle
/// of its fifth sentence ("Secretary of State Rex Tillerson said…").
#[test]
fn ask_text_shows_the_seed_summary_whole() {
    for query in ["Rubio", "mocked", "hacking"] {
        let out = stdout_of(repo().args(["ask", query]));
        let text = flat(&out);
        assert!(
            text.contains(
                "Secretary of State Rex Tillerson said both countries would explore a framework"
            ),
            "{out}"
        );
        assert!(
            text.contains("mocked the idea of teaming up with Russia to protect US elections."),
            "{out}"
        );
        assert!(!text.contains("Tillerson said…"), "{out}");
    }
}

#[test]
fn color_always_makes_matched_words_bold() {
    let out = stdout_of(repo().args(["--color", "always", "ask", "hacking"]));
    assert!(out.contains("\x1b[1mhacking\x1b[0m"), "{out:?}");
}

#[test]
fn output_that_is_not_a_terminal_has_no_escape_codes() {
    let out = stdout_of(repo().args(["ask", "hacking"]));
    assert!(out.contains("hacking"), "{out}");
    assert!(!out.contains('\x1b'), "{out:?}");
    let out = stdout_of(repo().args(["--color", "never", "ask", "hacking"]));
    assert!(!out.contains('\x1b'), "{out:?}");
}

// ---------------------------------------------------------------------------------------------
// ask: queries that find nothing, or are odd

#[test]
fn ask_with_no_match_exits_0_and_names_the_unknown_word() {
    let fixture = harbour_fixture();
    let out = stdout_of(fixture.cmd().args(["ask", "zeppelin"]));
    assert!(out.contains("zeppelin"), "{out}");
    let answer = json_of(fixture.cmd().args(["ask", "--json", "zeppelin"]));
    assert_eq!(answer["results"], serde_json::json!([]));
    assert!(answer["suggestion"].is_null());
    assert!(
        answer["notes"].to_string().contains("zeppelin"),
        "{answer:#}"
    );
}

#[test]
fn ask_with_only_stop_words_names_them() {
    let fixture = harbour_fixture();
    let out = flat(&stdout_of(fixture.cmd().args(["ask", "the of and"])));
    assert!(out.contains("the, of, and"), "{out}");
    assert!(out.contains("common words"), "{out}");
}

#[test]
fn ask_with_an_empty_query_says_so() {
    let fixture = harbour_fixture();
    let out = stdout_of(fixture.cmd().args(["ask", ""]));
    assert!(out.contains("empty"), "{out}");
    assert!(out.contains("for example"), "{out}");
}

#[test]
fn ask_with_a_20000_character_query_is_answered() {
    let fixture = harbour_fixture();
    let query = "lighthouse keepers ".repeat(20_000 / 19 + 1);
    assert!(query.len() >= 20_000);
    let out = fixture.cmd().args(["ask", &query]).assert().success();
    let out = flat(&String::from_utf8_lossy(&out.get_output().stdout));
    assert!(out.contains("The question was long"), "{out}");
    assert!(
        out.contains("Lighthouse keepers vote on night shifts"),
        "{out}"
    );
}

#[test]
fn ask_with_a_20000_character_word_does_not_panic() {
    let fixture = harbour_fixture();
    fixture
        .cmd()
        .args(["ask", &"a".repeat(20_000)])
        .assert()
        .success()
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn ask_with_a_20000_character_word_is_not_called_empty() {
    let fixture = harbour_fixture();
    fixture
        .cmd()
        .args(["ask", &"a".repeat(20_000)])
        .assert()
        .success()
        .stdout(predicate::str::contains("The question is empty").not());
}

#[test]
fn a_number_is_never_corrected_to_another_number() {
    let fixture = Fixture::with_briefs(&[(
        "budget-2017.toml",
        &minimal(
            "budget-2017",
            "Harbour budget",
            "2018-01-10",
            "The council set the budget for 2017.",
        ),
    )]);
    let found = json_of(fixture.cmd().args(["ask", "--json", "2017"]));
    assert_eq!(
        result_ids(&found),
        ["budget-2017"],
        "numbers are searchable"
    );
    let answer = json_of(fixture.cmd().args(["ask", "--json", "2016"]));
    assert_eq!(answer["results"], serde_json::json!([]));
    assert!(answer["suggestion"].is_null(), "{answer:#}");
}

#[test]
fn ask_limit_caps_the_results() {
    let fixture = harbour_fixture();
    let all = json_of(fixture.cmd().args(["ask", "--json", "lighthouse"]));
    assert_eq!(result_ids(&all).len(), 2, "{all:#}");
    let capped = json_of(
        fixture
            .cmd()
            .args(["ask", "--json", "--limit", "1", "lighthouse"]),
    );
    assert_eq!(result_ids(&capped), result_ids(&all)[..1]);
    assert_eq!(capped["total"], 2);
}

// ---------------------------------------------------------------------------------------------
// ask --batch

const BATCH: &str = "lighthouse\n\nferry strike\nzeppelin\n";
const BATCH_QUERIES: [&str; 4] = ["lighthouse", "", "ferry strike", "zeppelin"];

/// Parses one JSON object per line.
fn json_lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"))
        })
        .collect()
}

#[test]
fn batch_file_answers_one_json_line_per_query_in_order() {
    let fixture = harbour_fixture();
    fixture.write("queries.txt", BATCH);
    let answers = json_lines(&stdout_of(fixture.cmd().args([
        "ask",
        "--batch",
        "queries.txt",
    ])));
    let queries: Vec<_> = answers
        .iter()
        .map(|a| a["query"].as_str().unwrap())
        .collect();
    assert_eq!(queries, BATCH_QUERIES);
    assert_eq!(result_ids(&answers[0]).len(), 2);
    assert_eq!(result_ids(&answers[1]), Vec::<&str>::new());
    assert_eq!(result_ids(&answers[2]), ["ferry-strike"]);
    assert_eq!(result_ids(&answers[3]), Vec::<&str>::new());
}

#[test]
fn batch_from_stdin_matches_batch_from_a_file() {
    let fixture = harbour_fixture();
    fixture.write("queries.txt", BATCH);
    let from_file = stdout_of(fixture.cmd().args(["ask", "--batch", "queries.txt"]));
    let from_stdin = stdout_of(
        fixture
            .cmd()
            .args(["ask", "--batch", "-"])
            .write_stdin(BATCH),
    );
    assert_eq!(json_lines(&from_stdin).len(), BATCH_QUERIES.len());
    assert_eq!(from_stdin, from_file);
}

#[test]
fn batch_honours_limit() {
    let fixture = harbour_fixture();
    let out = stdout_of(
        fixture
            .cmd()
            .args(["ask", "--batch", "-", "--limit", "1"])
            .write_stdin("lighthouse\r\nharbour\n"),
    );
    let answers = json_lines(&out);
    assert_eq!(answers.len(), 2);
    assert_eq!(
        answers[0]["query"], "lighthouse",
        "a CRLF line ending is not part of the query"
    );
    for answer in &answers {
        assert_eq!(result_ids(answer).len(), 1, "{answer:#}");
    }
}

#[test]
fn batch_file_that_does_not_exist_fails() {
    let fixture = harbour_fixture();
    let err = stderr_of(fixture.cmd().args(["ask", "--batch", "nope.txt"]), 1);
    assert!(err.contains("nope.txt"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// list

#[test]
fn list_shows_every_brief_newest_first() {
    let out = stdout_of(harbour_fixture().cmd().arg("list"));
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "2019-05-20  harbour-budget  Harbour budget approved",
            "2018-11-02  ferry-strike  Ferry crews strike",
            "2017-03-01  lighthouse-vote  Lighthouse keepers vote on night shifts",
        ]
    );
}

#[test]
fn list_json_is_an_array_newest_first() {
    let list = json_of(harbour_fixture().cmd().args(["list", "--json"]));
    let items = list.as_array().expect("an array");
    let ids: Vec<_> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["harbour-budget", "ferry-strike", "lighthouse-vote"]);
    assert_eq!(items[2]["published"], "2017-03-01");
    assert_eq!(items[2]["title"], "Lighthouse keepers vote on night shifts");
    assert_eq!(items[2]["outlet"], "Harbour Gazette");
}

// ---------------------------------------------------------------------------------------------
// check

#[test]
fn check_accepts_a_valid_folder() {
    let fixture = harbour_fixture();
    let out = stdout_of(fixture.cmd().args(["check", "briefs"]));
    assert!(out.contains("3 brief files checked: all valid."), "{out}");
}

/// Writes `bytes` as `briefs/bad.toml` beside a good brief, runs `check` on the folder, and
/// expects exit 1 and a stderr line `briefs/bad.toml:<at>: ...` containing `what`.
fn assert_check_rejects(bytes: impl AsRef<[u8]>, at: &str, what: &str) {
    let fixture = Fixture::with_briefs(&[("lighthouse-vote.toml", LIGHTHOUSE)]);
    fixture.brief("bad.toml", bytes);
    let err = stderr_of(fixture.cmd().args(["check", "briefs"]), 1);
    let line = err
        .lines()
        .find(|line| line.starts_with("briefs/bad.toml:"))
        .unwrap_or_else(|| panic!("no line about briefs/bad.toml:\n{err}"));
    assert!(
        line.starts_with(&format!("briefs/bad.toml:{at}: ")),
        "expected {at}: {line}"
    );
    assert!(line.contains(what), "expected {what:?}: {line}");
    assert!(err.contains("1 valid, 1 with problems"), "{err}");
}

#[test]
fn check_locates_invalid_toml() {
    assert_check_rejects(
        LIGHTHOUSE.replace("\"Harbour Gazette\"", "Harbour Gazette"),
        "5:10",
        "must be quoted",
    );
}

#[test]
fn check_locates_an_unknown_key() {
    assert_check_rejects(
        LIGHTHOUSE.replace("summary =", "sumary ="),
        "7:1",
        "unknown key `sumary`",
    );
}

#[test]
fn check_names_a_missing_required_key() {
    assert_check_rejects(
        LIGHTHOUSE.replace("title = \"Lighthouse keepers vote on night shifts\"\n", ""),
        "1:1",
        "missing required key `title`",
    );
}

#[test]
fn check_locates_a_wrong_type() {
    assert_check_rejects(
        LIGHTHOUSE.replace("published = 2017-03-01", "published = \"yesterday\""),
        "3:13",
        "datetime",
    );
}

#[test]
fn check_measures_an_over_long_title() {
    let title = "t".repeat(300);
    assert_check_rejects(
        LIGHTHOUSE.replace("Lighthouse keepers vote on night shifts", &title),
        "2:9",
        "title is 300 characters long; expected at most 256",
    );
}

#[test]
fn check_rejects_bad_id_characters() {
    assert_check_rejects(
        LIGHTHOUSE.replace("\"lighthouse-vote\"", "\"Bad/Id\""),
        "1:6",
        "expected only a-z, 0-9 and -",
    );
}

#[test]
fn check_rejects_a_bad_url() {
    assert_check_rejects(
        LIGHTHOUSE.replace("\"https://example.org/lighthouse\"", "\"not a url\""),
        "4:10",
        "source `not a url` is not a valid URL",
    );
}

#[test]
fn check_rejects_an_unknown_language() {
    assert_check_rejects(
        LIGHTHOUSE.replace("outlet = \"Harbour Gazette\"", "language = \"xx\""),
        "5:12",
        "unknown language `xx`",
    );
}

#[test]
fn check_locates_bytes_that_are_not_utf8() {
    let mut bytes = b"id = \"bad\"\ntitle = \"caf".to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(b"\"\npublished = 2017-01-01\nsummary = \"s\"\n");
    assert_check_rejects(bytes, "2:13", "not valid UTF-8");
}

#[test]
fn check_rejects_an_empty_file() {
    assert_check_rejects("", "1:1", "the file is empty");
}

#[test]
fn check_names_both_files_of_a_duplicate_id() {
    let fixture = Fixture::with_briefs(&[
        (
            "a-first.toml",
            &minimal("same-id", "First", "2017-01-01", "One."),
        ),
        (
            "b-second.toml",
            &minimal("same-id", "Second", "2017-01-02", "Two."),
        ),
    ]);
    let err = stderr_of(fixture.cmd().args(["check", "briefs"]), 1);
    let line = err
        .lines()
        .find(|line| line.contains("duplicate id"))
        .unwrap_or_else(|| panic!("no duplicate id reported:\n{err}"));
    assert!(line.starts_with("briefs/b-second.toml:2:1: "), "{line}");
    assert!(line.contains("briefs/a-first.toml"), "{line}");
}

#[test]
fn check_reports_every_bad_file_and_exits_1() {
    let fixture = Fixture::with_briefs(&[("lighthouse-vote.toml", LIGHTHOUSE)]);
    fixture.brief("bad-one.toml", "title = ");
    fixture.brief("bad-two.toml", "");
    let err = stderr_of(fixture.cmd().args(["check", "briefs"]), 1);
    assert!(err.contains("briefs/bad-one.toml:1:9: "), "{err}");
    assert!(err.contains("briefs/bad-two.toml:1:1: "), "{err}");
    assert!(
        err.contains("3 brief files checked: 1 valid, 2 with problems"),
        "{err}"
    );
}

#[test]
fn check_of_a_single_file() {
    let fixture = Fixture::new();
    fixture.write("draft.toml", LIGHTHOUSE);
    stdout_of(fixture.cmd().args(["check", "draft.toml"]));
    fixture.write("draft.toml", LIGHTHOUSE.replace("summary =", "sumary ="));
    let err = stderr_of(fixture.cmd().args(["check", "draft.toml"]), 1);
    assert!(
        err.contains("draft.toml:7:1: unknown key `sumary`"),
        "{err}"
    );
}

/// "does not exist" or the system's "no such file or directory".
fn says_missing(err: &str) -> bool {
    let err = err.to_lowercase();
    err.contains("does not exist") || err.contains("no such file or directory")
}

#[test]
fn check_of_a_folder_that_does_not_exist_fails() {
    let fixture = Fixture::new();
    let err = stderr_of(fixture.cmd().args(["check", "no-such-folder"]), 1);
    assert!(err.contains("no-such-folder"), "{err}");
    assert!(says_missing(&err), "{err}");
}

#[test]
fn check_of_a_configured_folder_that_does_not_exist_fails() {
    let fixture = Fixture::new();
    let err = stderr_of(
        fixture.cmd().args(["--briefs", "no-such-folder", "check"]),
        1,
    );
    assert!(err.contains("no-such-folder"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn check_without_a_path_checks_the_configured_folder() {
    let fixture = Fixture::new();
    fixture.write("config.toml", "briefs_dir = \"library\"\n");
    fixture.write("library/lighthouse-vote.toml", LIGHTHOUSE);
    // The default folder holds a bad file, which must not be looked at.
    fixture.brief("bad.toml", "title = ");
    let out = stdout_of(fixture.cmd().arg("check"));
    assert!(out.contains("1 brief files checked: all valid."), "{out}");
    fixture.write("library/bad.toml", "title = ");
    let err = stderr_of(fixture.cmd().arg("check"), 1);
    assert!(err.contains("library/bad.toml:1:9: "), "{err}");
}

#[test]
fn check_skips_files_that_are_not_briefs() {
    let fixture = Fixture::with_briefs(&[("lighthouse-vote.toml", LIGHTHOUSE)]);
    for name in [
        "_notes.toml",
        ".hidden.toml",
        "_drafts/draft.toml",
        ".trash/old.toml",
        "readme.md",
        "lighthouse-vote.toml.bak",
    ] {
        fixture.brief(name, "this is [ not a brief");
    }
    let out = stdout_of(fixture.cmd().args(["check", "briefs"]));
    assert!(out.contains("1 brief files checked: all valid."), "{out}");
    let list = stdout_of(fixture.cmd().arg("list"));
    assert_eq!(list.lines().count(), 1, "{list}");
}

#[test]
fn a_bad_file_does_not_hide_the_good_ones() {
    let fixture = Fixture::with_briefs(&[("lighthouse-vote.toml", LIGHTHOUSE)]);
    fixture.brief("broken.toml", LIGHTHOUSE.replace("summary =", "sumary ="));
    let assert = fixture
        .cmd()
        .args(["ask", "--json", "lighthouse"])
        .assert()
        .success();
    let output = assert.get_output();
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result_ids(&answer), ["lighthouse-vote"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("warning"), "{err}");
    assert!(err.contains("briefs/broken.toml:7:1"), "{err}");
}

#[test]
fn ask_with_a_briefs_folder_that_does_not_exist_fails() {
    let fixture = Fixture::new();
    let err = stderr_of(
        fixture
            .cmd()
            .args(["--briefs", "no-such-folder", "ask", "x"]),
        1,
    );
    assert!(err.contains("no-such-folder"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// add

const FOG_HORN: &str = "id = \"fog-horn\"\ntitle = \"Fog horn repaired\"\npublished = 2019-01-01\nsummary = \"The fog horn sounds again.\"\n";

#[test]
fn add_installs_the_file_under_its_id() {
    let fixture = Fixture::new();
    fixture.write("incoming/new-brief.toml", FOG_HORN);
    let out = stdout_of(fixture.cmd().args(["add", "incoming/new-brief.toml"]));
    assert!(out.contains("Added"), "{out}");
    assert!(out.contains("fog-horn"), "{out}");
    assert_eq!(
        fixture.listing("briefs"),
        [".audit.log", ".briefbot.lock", "fog-horn.toml"],
        "no temporary file is left; the change is audited"
    );
    assert_eq!(fixture.read("briefs/fog-horn.toml"), FOG_HORN);
    let audit = fixture.read("briefs/.audit.log");
    assert!(audit.contains(" add id=fog-horn sha256="), "{audit}");
    let answer = json_of(fixture.cmd().args(["ask", "--json", "fog horn"]));
    assert_eq!(result_ids(&answer), ["fog-horn"]);
}

#[test]
fn add_refuses_an_existing_id_without_replace() {
    let fixture = Fixture::with_briefs(&[("fog-horn.toml", FOG_HORN)]);
    let changed = FOG_HORN.replace("repaired", "replaced");
    fixture.write("new.toml", &changed);
    let err = stderr_of(fixture.cmd().args(["add", "new.toml"]), 1);
    assert!(err.contains("fog-horn"), "{err}");
    assert!(err.contains("--replace"), "{err}");
    assert_eq!(
        fixture.listing("briefs"),
        [".briefbot.lock", "fog-horn.toml"]
    );
    assert_eq!(fixture.read("briefs/fog-horn.toml"), FOG_HORN);
}

#[test]
fn add_with_replace_replaces_the_brief() {
    let fixture = Fixture::with_briefs(&[("fog-horn.toml", FOG_HORN)]);
    let changed = FOG_HORN.replace("repaired", "replaced");
    fixture.write("new.toml", &changed);
    let out = stdout_of(fixture.cmd().args(["add", "--replace", "new.toml"]));
    assert!(out.contains("Replaced"), "{out}");
    assert_eq!(
        fixture.listing("briefs"),
        [".audit.log", ".briefbot.lock", ".trash", "fog-horn.toml"]
    );
    assert_eq!(fixture.read("briefs/fog-horn.toml"), changed);
    let trash = fixture.listing("briefs/.trash");
    assert_eq!(trash.len(), 1, "the replaced version is kept: {trash:?}");
    assert_eq!(
        fixture.read(&format!("briefs/.trash/{}", trash[0])),
        FOG_HORN
    );
}

/// Issue 13: when the new file was written but the old one could not be moved to the trash,
/// `add` said only that it could not write, as if nothing had changed, and audited nothing.
#[test]
fn add_whose_old_file_cannot_be_trashed_says_what_happened_and_exits_1() {
    let fixture = Fixture::with_briefs(&[("old-name.toml", FOG_HORN)]);
    // A file where the trash folder goes: permissions would not stop root.
    fixture.brief(".trash", "not a folder");
    let changed = FOG_HORN.replace("repaired", "replaced");
    fixture.write("new.toml", &changed);
    let output = fixture
        .cmd()
        .args(["add", "--replace", "new.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8(output.stdout).unwrap();
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        out.starts_with("Replaced \"Fog horn replaced\" (fog-horn) as "),
        "{out}"
    );
    // The log's warning comes first; the last line is the command's error.
    assert!(
        err.lines().last().is_some_and(|l| l.starts_with(
            "error: the old file old-name.toml could not be moved to the trash: \
             cannot make the folder .trash/: "
        )),
        "{err}"
    );
    assert!(
        err.contains("It still holds the id `fog-horn`, so it is now a duplicate of fog-horn.toml"),
        "{err}"
    );
    assert_eq!(fixture.read("briefs/fog-horn.toml"), changed);
    assert_eq!(fixture.read("briefs/old-name.toml"), FOG_HORN);
    let audit = fixture.read("briefs/.audit.log");
    assert!(audit.contains(" replace id=fog-horn "), "{audit}");
    assert!(
        audit.contains(" warning=\"the old file old-name.toml could not be moved"),
        "{audit}"
    );
}

#[test]
fn add_finds_an_id_stored_under_another_file_name() {
    let fixture = Fixture::with_briefs(&[("old-name.toml", FOG_HORN)]);
    fixture.write("new.toml", FOG_HORN);
    let err = stderr_of(fixture.cmd().args(["add", "new.toml"]), 1);
    assert!(err.contains("old-name.toml"), "{err}");
    assert_eq!(
        fixture.listing("briefs"),
        [".briefbot.lock", "old-name.toml"]
    );
    stdout_of(fixture.cmd().args(["add", "--replace", "new.toml"]));
    assert_eq!(
        fixture.listing("briefs"),
        [".audit.log", ".briefbot.lock", ".trash", "fog-horn.toml"],
        "the id is not left defined twice; the old file is in the trash"
    );
}

#[test]
fn add_replace_never_deletes_a_brief_with_another_id() {
    // briefs/fog.toml holds the brief `fog-horn`; the new brief's id is `fog`.
    let fixture = Fixture::with_briefs(&[("fog.toml", FOG_HORN)]);
    fixture.write(
        "new.toml",
        minimal("fog", "Fog over the bay", "2019-01-02", "Grey all day."),
    );
    fixture
        .cmd()
        .args(["add", "--replace", "new.toml"])
        .output()
        .expect("briefbot runs");
    let list = json_of(fixture.cmd().args(["list", "--json"]));
    let ids: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"fog-horn"),
        "brief `fog-horn` was lost: {ids:?}"
    );
}

#[test]
fn add_of_an_invalid_file_writes_nothing() {
    let fixture = Fixture::with_briefs(&[("lighthouse-vote.toml", LIGHTHOUSE)]);
    fixture.write("incoming.toml", FOG_HORN.replace("summary =", "sumary ="));
    let before = fixture.listing("briefs");
    let err = stderr_of(fixture.cmd().args(["add", "incoming.toml"]), 1);
    assert!(
        err.contains("incoming.toml:4:1: unknown key `sumary`"),
        "{err}"
    );
    assert_eq!(
        fixture.listing("briefs"),
        before,
        "nothing written, no temporary file left"
    );
}

#[test]
fn add_of_a_file_that_does_not_exist_fails() {
    let fixture = Fixture::new();
    let err = stderr_of(fixture.cmd().args(["add", "missing.toml"]), 1);
    assert!(err.contains("missing.toml"), "{err}");
    assert!(says_missing(&err), "{err}");
    assert!(fixture.listing("briefs").is_empty());
}

// ---------------------------------------------------------------------------------------------
// usage

#[test]
fn ask_without_a_query_is_a_usage_error() {
    Fixture::new().cmd().arg("ask").assert().code(2);
}

#[test]
fn ask_with_limit_0_is_a_usage_error() {
    let err = stderr_of(Fixture::new().cmd().args(["ask", "--limit", "0", "x"]), 2);
    assert!(err.contains("--limit"), "{err}");
}

#[test]
fn an_unknown_subcommand_is_a_usage_error() {
    let err = stderr_of(Fixture::new().cmd().arg("frobnicate"), 2);
    assert!(err.contains("frobnicate"), "{err}");
}

#[test]
fn help_lists_the_commands() {
    let out = stdout_of(Fixture::new().cmd().arg("--help"));
    for command in ["ask", "list", "check", "add"] {
        assert!(
            out.lines()
                .any(|line| line.trim_start().starts_with(&format!("{command} "))),
            "`{command}` is not listed:\n{out}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// config

#[test]
fn config_file_that_does_not_exist_fails() {
    let fixture = harbour_fixture();
    let err = stderr_of(fixture.cmd().args(["--config", "nope.toml", "list"]), 1);
    assert!(err.contains("nope.toml"), "{err}");
    assert!(err.contains("config"), "{err}");
}

#[test]
fn config_with_an_unknown_key_is_located() {
    let fixture = harbour_fixture();
    fixture.write(
        "config.toml",
        "briefs_dir = \"briefs\"\ncolour = \"blue\"\n",
    );
    let err = stderr_of(fixture.cmd().arg("list"), 1);
    assert!(err.contains("config.toml:2:1: "), "{err}");
    assert!(err.contains("unknown key `colour`"), "{err}");
}

#[test]
fn config_sets_the_briefs_folder_and_the_result_count() {
    let fixture = Fixture::new();
    fixture.write(
        "settings/config.toml",
        "briefs_dir = \"../library\"\nmax_results = 1\n",
    );
    fixture.write("library/lighthouse-vote.toml", LIGHTHOUSE);
    fixture.write(
        "library/harbour-budget.toml",
        minimal(
            "harbour-budget",
            "Harbour budget",
            "2019-05-20",
            "A new lighthouse lamp.",
        ),
    );
    let answer = json_of(fixture.cmd().args([
        "--config",
        "settings/config.toml",
        "ask",
        "--json",
        "lighthouse",
    ]));
    assert_eq!(result_ids(&answer).len(), 1, "{answer:#}");
    assert_eq!(answer["total"], 2);
}

// ---------------------------------------------------------------------------------------------
// remove, and what add refuses before validation

#[test]
fn remove_moves_the_file_to_the_trash_and_audits() {
    let fixture = Fixture::with_briefs(&[("fog-horn.toml", FOG_HORN)]);
    let out = stdout_of(fixture.cmd().args(["remove", "fog-horn"]));
    assert!(
        out.contains("Removed \"Fog horn repaired\" (fog-horn)"),
        "{out}"
    );
    assert_eq!(
        fixture.listing("briefs"),
        [".audit.log", ".briefbot.lock", ".trash"]
    );
    let trash = fixture.listing("briefs/.trash");
    assert_eq!(
        fixture.read(&format!("briefs/.trash/{}", trash[0])),
        FOG_HORN
    );
    assert!(
        fixture
            .read("briefs/.audit.log")
            .contains(" remove id=fog-horn ")
    );
    let answer = json_of(fixture.cmd().args(["ask", "--json", "fog horn"]));
    assert!(
        result_ids(&answer).is_empty(),
        "a trashed brief is not served"
    );
}

#[test]
fn remove_of_an_unknown_id_fails_and_changes_nothing() {
    let fixture = Fixture::with_briefs(&[("fog-horn.toml", FOG_HORN)]);
    let err = stderr_of(fixture.cmd().args(["remove", "../fog-horn"]), 1);
    assert!(err.contains("no brief has the id `../fog-horn`"), "{err}");
    assert_eq!(
        fixture.listing("briefs"),
        [".briefbot.lock", "fog-horn.toml"]
    );
}

#[test]
fn add_refuses_binary_and_oversized_files() {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.path().join("picture.toml"),
        b"\x89PNG\r\n\x1a\n\0\0\0",
    )
    .unwrap();
    let err = stderr_of(fixture.cmd().args(["add", "picture.toml"]), 1);
    assert!(err.contains("binary"), "{err}");
    fixture.write("config.toml", "max_brief_bytes = 64\n");
    fixture.write("big.toml", format!("{FOG_HORN}# {}\n", "x".repeat(100)));
    let err = stderr_of(fixture.cmd().args(["add", "big.toml"]), 1);
    assert!(err.contains("at most 64 bytes"), "{err}");
    assert!(fixture.listing("briefs").is_empty());
}

/// A child process killed when the test ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `briefbot add FILE` in the fixture, paused before its rename until `marker` is deleted.
fn paused_add(fixture: &Fixture, file: &str, marker: &Path) -> Running {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("briefbot"))
        .current_dir(fixture.path())
        .args(["add", file])
        .env_remove("RUST_LOG")
        .env("BRIEFBOT_TEST_PAUSE_BEFORE_RENAME", marker)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let started = std::time::Instant::now();
    while !marker.exists() {
        assert!(
            running.0.try_wait().unwrap().is_none(),
            "add ended before its rename"
        );
        assert!(
            started.elapsed().as_secs() < 60,
            "add never reached the rename"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    running
}

/// Issue 13: two processes change one folder (the bot, and `briefbot add` beside it). Every
/// start deleted every temporary file, so a second `add` deleted the first one's write in
/// flight, and that one failed. Now the second waits for the first (it says so), and both
/// land.
#[test]
fn a_second_add_waits_for_one_in_flight_and_both_land() {
    use std::io::BufRead;
    let fixture = Fixture::new();
    fixture.write("first.toml", FOG_HORN);
    fixture.write(
        "second.toml",
        minimal(
            "harbour-lamp",
            "Harbour lamp lit",
            "2019-02-01",
            "The lamp is lit.",
        ),
    );
    let marker = fixture.path().join("paused");
    let mut first = paused_add(&fixture, "first.toml", &marker);
    let in_flight: Vec<String> = fixture
        .listing("briefs")
        .into_iter()
        .filter(|n| n.starts_with(".briefbot-"))
        .collect();
    assert_eq!(in_flight.len(), 1, "the first add's write is in flight");
    let in_flight = fixture.path().join("briefs").join(&in_flight[0]);

    let mut second = std::process::Command::new(assert_cmd::cargo::cargo_bin("briefbot"))
        .current_dir(fixture.path())
        .args(["add", "second.toml"])
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = second.stderr.take().unwrap();
    let mut second = Running(second);
    let (lines, said) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    // The second add says it waits (a positive sign, not a pause that a slow machine
    // outlasts), or ends.
    let mut heard = Vec::new();
    while let Ok(line) = said.recv_timeout(std::time::Duration::from_secs(60)) {
        let waits = line.contains("waiting for another process");
        heard.push(line);
        if waits {
            break;
        }
    }
    assert!(in_flight.exists(), "the write in flight was left alone");
    assert!(
        heard
            .last()
            .is_some_and(|l| l.contains("waiting for another process")),
        "the second add said it waits: {heard:?}"
    );

    std::fs::remove_file(&marker).unwrap();
    assert!(first.0.wait().unwrap().success(), "the first add landed");
    assert!(second.0.wait().unwrap().success(), "the second add landed");
    assert_eq!(
        fixture.listing("briefs"),
        [
            ".audit.log",
            ".briefbot.lock",
            "fog-horn.toml",
            "harbour-lamp.toml"
        ]
    );
    let audit = fixture.read("briefs/.audit.log");
    let adds: Vec<&str> = audit.lines().filter_map(|l| l.split(' ').nth(2)).collect();
    assert_eq!(adds, ["id=fog-horn", "id=harbour-lamp"], "in turn: {audit}");
}

/// Issue: an `add` killed between the write and the rename must leave the old brief whole.
#[test]
fn add_killed_before_the_rename_leaves_the_old_brief_whole() {
    let fixture = Fixture::with_briefs(&[("fog-horn.toml", FOG_HORN)]);
    let changed = FOG_HORN.replace("repaired", "replaced");
    fixture.write("new.toml", &changed);
    let marker = fixture.path().join("paused");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("briefbot"))
        .current_dir(fixture.path())
        .args(["add", "--replace", "new.toml"])
        .env("BRIEFBOT_TEST_PAUSE_BEFORE_RENAME", &marker)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !marker.exists() {
        assert!(
            started.elapsed().as_secs() < 20,
            "add never reached the rename"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        fixture.read("briefs/fog-horn.toml"),
        FOG_HORN,
        "the old brief is whole"
    );
    let leftovers: Vec<String> = fixture
        .listing("briefs")
        .into_iter()
        .filter(|n| n.starts_with(".briefbot-"))
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "the killed write left its temporary file"
    );
    // The next change through the intake path cleans it up.
    stdout_of(fixture.cmd().args(["remove", "fog-horn"]));
    assert!(
        !fixture
            .listing("briefs")
            .iter()
            .any(|n| n.starts_with(".briefbot-"))
    );
}
