//! End-to-end tests of `briefbot quotes`: finding what a named person said, through the real
//! binary. They pin the `quotes --json` contract of `INTERFACES.md` (speaker, candidates,
//! quotes with brief id, title and date) and its extensions (`match`, `total`, `about`), the
//! ways a name may be typed, and the order quotes come in.
//!
//! Each test runs in a temporary folder holding the brief files it wrote, so the repository's
//! `config.toml` is never picked up by accident; the seed-brief tests run in the repository
//! root on purpose. Fixture briefs are small invented texts.

use std::path::PathBuf;

#[path = "support/cli.rs"]
mod support_cli;

use assert_cmd::Command;
use serde_json::Value;
use support_cli::{briefbot, flat, json_of, repo, stderr_of, stdout_of};

/// A temporary folder with a `briefs/` folder in it.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// A fixture whose briefs folder holds `briefs`, as (file name, contents).
    fn with_briefs(briefs: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        std::fs::create_dir(dir.path().join("briefs")).expect("create briefs/");
        let fixture = Fixture { dir };
        for (name, text) in briefs {
            fixture.brief(name, text);
        }
        fixture
    }

    /// Writes a file into `briefs/` and returns its full path.
    fn brief(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join("briefs").join(name);
        std::fs::write(&path, contents).expect("write a brief");
        path
    }

    /// `briefbot` running in this fixture's folder.
    fn cmd(&self) -> Command {
        briefbot(self.dir.path())
    }
}

/// A TOML basic string holding `text` (JSON string escapes are valid TOML ones).
fn toml_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// A brief file with quotes given as (speaker, role, text); `extra` is appended verbatim.
fn brief(
    id: &str,
    title: &str,
    published: &str,
    summary: &str,
    quotes: &[(&str, &str, &str)],
    extra: &str,
) -> String {
    let mut text = format!(
        "id = {}\ntitle = {}\npublished = {published}\nsummary = {}\n",
        toml_string(id),
        toml_string(title),
        toml_string(summary)
    );
    for (speaker, role, said) in quotes {
        text.push_str(&format!(
            "\n[[quotes]]\nspeaker = {}\nrole = {}\ntext = {}\n",
            toml_string(speaker),
            toml_string(role),
            toml_string(said)
        ));
    }
    text.push_str(extra);
    text
}

/// `quotes <args...> --json` in `fixture` (or the repository root when `None`).
fn quotes_json(fixture: Option<&Fixture>, args: &[&str]) -> Value {
    let mut cmd = fixture.map_or_else(repo, Fixture::cmd);
    cmd.arg("quotes").args(args).arg("--json");
    json_of(&mut cmd)
}

/// The string values of `key` in every quote of a `quotes --json` answer, in order.
fn field<'a>(answer: &'a Value, key: &str) -> Vec<&'a str> {
    answer["quotes"]
        .as_array()
        .unwrap_or_else(|| panic!("quotes is not an array in {answer:#}"))
        .iter()
        .map(|q| {
            q[key]
                .as_str()
                .unwrap_or_else(|| panic!("`{key}` is not a string in {q:#}"))
        })
        .collect()
}

/// The candidates of a `quotes --json` answer.
fn candidates(answer: &Value) -> Vec<&str> {
    answer["candidates"]
        .as_array()
        .unwrap_or_else(|| panic!("candidates is not an array in {answer:#}"))
        .iter()
        .map(|c| c.as_str().expect("a candidate is a string"))
        .collect()
}

/// Asserts `typed` resolves to exactly `speaker`, with every quote of theirs and no other.
fn assert_found(fixture: &Fixture, typed: &str, speaker: &str, quotes: usize) {
    let answer = quotes_json(Some(fixture), &[typed]);
    assert_eq!(answer["match"], "found", "{typed:?}: {answer:#}");
    assert_eq!(candidates(&answer), [speaker], "{typed:?}: {answer:#}");
    assert_eq!(
        field(&answer, "speaker"),
        vec![speaker; quotes],
        "{typed:?}: {answer:#}"
    );
    assert_eq!(answer["total"], quotes, "{typed:?}: {answer:#}");
}

// ---------------------------------------------------------------------------------------------
// The shipped seed brief

/// The seed brief's id and title.
const SEED: &str = "trump-putin-cyber-unit";
const SEED_TITLE: &str = "Trump: Putin and I will form 'impenetrable Cyber Security unit'";

#[test]
fn seed_quotes_putin_json_has_only_putins_quotes_in_the_documented_shape() {
    let answer = quotes_json(None, &["putin"]);
    assert_eq!(answer["speaker"], "putin");
    assert_eq!(candidates(&answer), ["Vladimir Putin"]);
    assert_eq!(answer["match"], "found");
    let quotes = answer["quotes"].as_array().expect("quotes is an array");
    assert!(!quotes.is_empty(), "{answer:#}");
    for quote in quotes {
        assert_eq!(quote["speaker"], "Vladimir Putin", "{quote:#}");
        for key in [
            "speaker",
            "role",
            "text",
            "brief_id",
            "brief_title",
            "published",
        ] {
            assert!(
                quote[key].is_string(),
                "`{key}` is not a string in {quote:#}"
            );
        }
        assert_eq!(quote["role"], "Russian President");
        assert_eq!(quote["brief_id"], SEED);
        assert_eq!(quote["brief_title"], SEED_TITLE);
        assert_eq!(quote["published"], "2017-07-09");
    }
    assert!(
        field(&answer, "text")[0].starts_with("There is no basis to think that Russia interfered"),
        "{answer:#}"
    );
}

#[test]
fn seed_quotes_tillerson_has_only_tillersons_quote() {
    let answer = quotes_json(None, &["tillerson"]);
    assert_eq!(candidates(&answer), ["Rex Tillerson"]);
    assert_eq!(answer["match"], "found");
    assert_eq!(field(&answer, "speaker"), ["Rex Tillerson"]);
    assert!(
        field(&answer, "text")[0].starts_with("The President pressed President Putin"),
        "{answer:#}"
    );
}

#[test]
fn seed_quotes_putin_text_shows_quote_speaker_role_and_brief_title() {
    let out = stdout_of(repo().args(["quotes", "putin"]));
    let text = flat(&out);
    assert!(
        text.contains(
            "“There is no basis to think that Russia interfered in the election process."
        ),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|line| line.trim() == "— Vladimir Putin, Russian President"),
        "no line \"— Vladimir Putin, Russian President\":\n{out}"
    );
    assert!(text.contains(SEED_TITLE), "{out}");
    assert!(text.contains("2017-07-09"), "{out}");
    assert!(!text.contains("Donald Trump"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// Resolving a name as typed

const SENATE: (&str, &str) = (
    "senate-hearing.toml",
    r#"id = "senate-hearing"
title = "Senate hearing on orchard subsidies"
published = 2019-03-01
summary = "Senators questioned growers about apple subsidies."

[[quotes]]
speaker = "Lindsey Graham"
role = "US Senator"
text = "Apples should not cost more than oranges."

[[quotes]]
speaker = "Rex Tillerson"
role = "Former Secretary of State"
text = "Orchards are a matter of patience."

[[quotes]]
speaker = "Vladimir Putin"
role = "Russian President"
text = "Our pears are the finest in the world."
"#,
);

const WARSAW: (&str, &str) = (
    "warsaw-bridge.toml",
    r#"id = "warsaw-bridge"
title = "A new bridge for Warsaw"
published = 2018-09-12
summary = "The city will build a footbridge over the river."

[[quotes]]
speaker = "Jarosław Kaczyński"
role = "Party leader"
text = "The bridge will be finished before winter."

[[quotes]]
speaker = "Dr. Ada Quill"
role = "Engineer"
text = "The steel arrives in March."
"#,
);

const BY_ELECTION: (&str, &str) = (
    "by-election.toml",
    r#"id = "by-election"
title = "Brothers on the ballot"
published = 2017-02-01
summary = "Two brothers stood in neighbouring seats."

[[quotes]]
speaker = "Boris Johnson"
role = "Candidate"
text = "My brother is the clever one."

[[quotes]]
speaker = "Jo Johnson"
role = "Candidate"
text = "My brother is the loud one."

[[quotes]]
speaker = "Boris Johnson"
role = "Candidate"
text = "We both like buses."

[[quotes]]
speaker = "Lindsey Graham"
role = "US Senator"
text = "I watched the count from abroad."
"#,
);

const CHAT_SHOW: (&str, &str) = (
    "chat-show.toml",
    r#"id = "chat-show"
title = "Chat show returns for a new season"
published = 2018-06-01
summary = "The Friday night chat show is back."

[[quotes]]
speaker = "Graham Norton"
role = "Presenter"
text = "Welcome back to the red sofa."
"#,
);

const PANTO: (&str, &str) = (
    "panto.toml",
    r#"id = "panto"
title = "Pantomime season opens"
published = 2016-12-01
summary = "Theatres opened their pantomimes."

[[quotes]]
speaker = "Graham Norton"
role = "Presenter"
text = "Oh no it isn't."
"#,
);

/// Everyone: two Grahams, two Johnsons, and people with accents and titles.
fn people() -> Fixture {
    Fixture::with_briefs(&[SENATE, WARSAW, BY_ELECTION, CHAT_SHOW, PANTO])
}

/// Only one Graham (Lindsey).
fn one_graham() -> Fixture {
    Fixture::with_briefs(&[SENATE, WARSAW, BY_ELECTION])
}

#[test]
fn a_surname_alone_finds_the_speaker() {
    let fixture = people();
    assert_found(&fixture, "putin", "Vladimir Putin", 1);
    assert_found(&fixture, "Tillerson", "Rex Tillerson", 1);
}

#[test]
fn a_unique_given_name_finds_the_speaker() {
    let fixture = people();
    assert_found(&fixture, "Lindsey", "Lindsey Graham", 2);
    assert_found(&fixture, "rex", "Rex Tillerson", 1);
}

#[test]
fn a_full_name_finds_the_speaker() {
    let fixture = people();
    assert_found(&fixture, "Rex Tillerson", "Rex Tillerson", 1);
    assert_found(&fixture, "Lindsey Graham", "Lindsey Graham", 2);
}

#[test]
fn a_name_in_several_arguments_is_one_name() {
    let answer = quotes_json(Some(&people()), &["Rex", "Tillerson"]);
    assert_eq!(answer["speaker"], "Rex Tillerson");
    assert_eq!(candidates(&answer), ["Rex Tillerson"]);
}

#[test]
fn a_name_in_any_case_finds_the_speaker() {
    let fixture = people();
    assert_found(&fixture, "REX TILLERSON", "Rex Tillerson", 1);
    assert_found(&fixture, "vLaDiMiR pUtIn", "Vladimir Putin", 1);
    assert_found(&fixture, "GRAHAM NORTON", "Graham Norton", 2);
}

#[test]
fn a_name_without_its_accents_finds_the_speaker() {
    let fixture = people();
    assert_found(&fixture, "kaczynski", "Jarosław Kaczyński", 1);
    assert_found(&fixture, "Jaroslaw Kaczynski", "Jarosław Kaczyński", 1);
    assert_found(&fixture, "KACZYŃSKI", "Jarosław Kaczyński", 1);
}

#[test]
fn a_name_with_one_typo_finds_the_speaker() {
    let fixture = people();
    assert_found(&fixture, "Tilerson", "Rex Tillerson", 1);
    assert_found(&fixture, "Rex Tilerson", "Rex Tillerson", 1);
}

#[test]
fn a_title_before_the_name_is_ignored() {
    let fixture = one_graham();
    assert_found(&fixture, "President Putin", "Vladimir Putin", 1);
    assert_found(&fixture, "Senator Graham", "Lindsey Graham", 2);
    assert_found(&fixture, "Dr. Tillerson", "Rex Tillerson", 1);
    assert_found(&fixture, "Secretary Tillerson", "Rex Tillerson", 1);
}

#[test]
fn a_title_that_is_part_of_the_speakers_name_still_finds_them() {
    let fixture = people();
    assert_found(&fixture, "Dr. Ada Quill", "Dr. Ada Quill", 1);
    assert_found(&fixture, "Dr Quill", "Dr. Ada Quill", 1);
    assert_found(&fixture, "quill", "Dr. Ada Quill", 1);
}

#[test]
fn a_shared_name_is_ambiguous_and_lists_both_candidates() {
    let fixture = people();
    let answer = quotes_json(Some(&fixture), &["Graham"]);
    assert_eq!(answer["match"], "ambiguous", "{answer:#}");
    let mut found = candidates(&answer);
    found.sort_unstable();
    assert_eq!(found, ["Graham Norton", "Lindsey Graham"]);
    assert_eq!(answer["total"], 4, "{answer:#}");
    let out = stdout_of(fixture.cmd().args(["quotes", "Graham"]));
    let text = flat(&out);
    assert!(text.contains("Graham Norton"), "{out}");
    assert!(text.contains("Lindsey Graham"), "{out}");
}

#[test]
fn ambiguous_quotes_are_grouped_by_candidate_in_candidate_order() {
    // By date alone the quotes would alternate: Lindsey 2019, Norton 2018, Lindsey 2017,
    // Norton 2016.
    let answer = quotes_json(Some(&people()), &["graham"]);
    let found = candidates(&answer);
    assert_eq!(found.len(), 2, "{answer:#}");
    assert_eq!(
        field(&answer, "speaker"),
        [found[0], found[0], found[1], found[1]],
        "{answer:#}"
    );
    let dates = field(&answer, "published");
    assert!(
        dates[0] > dates[1] && dates[2] > dates[3],
        "each group newest first: {answer:#}"
    );
}

#[test]
fn an_exact_full_name_beats_a_partial_match() {
    let fixture = people();
    let answer = quotes_json(Some(&fixture), &["Jo Johnson"]);
    assert_eq!(answer["match"], "found", "{answer:#}");
    assert_eq!(candidates(&answer), ["Jo Johnson"]);
    assert_eq!(field(&answer, "text"), ["My brother is the loud one."]);
    let answer = quotes_json(Some(&fixture), &["Johnson"]);
    assert_eq!(answer["match"], "ambiguous", "{answer:#}");
    assert_eq!(
        candidates(&answer),
        ["Boris Johnson", "Jo Johnson"],
        "most quoted first"
    );
}

#[test]
fn an_unknown_name_exits_0_with_no_quotes() {
    let fixture = people();
    let answer = quotes_json(Some(&fixture), &["Zzyzx"]);
    assert_eq!(answer["speaker"], "Zzyzx");
    assert_eq!(answer["match"], "suggestions", "{answer:#}");
    assert_eq!(answer["quotes"], serde_json::json!([]));
    assert_eq!(answer["total"], 0);
    assert!(candidates(&answer).is_empty(), "{answer:#}");
    let out = stdout_of(fixture.cmd().args(["quotes", "Zzyzx"]));
    assert!(flat(&out).contains("No one called \"Zzyzx\""), "{out}");
    assert!(!out.contains('“'), "no quote is shown:\n{out}");
}

#[test]
fn a_near_miss_suggests_the_closest_names() {
    let fixture = people();
    let answer = quotes_json(Some(&fixture), &["Tillman"]);
    assert_eq!(answer["match"], "suggestions", "{answer:#}");
    assert_eq!(answer["quotes"], serde_json::json!([]));
    assert!(candidates(&answer).contains(&"Rex Tillerson"), "{answer:#}");
    let out = stdout_of(fixture.cmd().args(["quotes", "Tillman"]));
    let text = flat(&out);
    assert!(text.contains("Did you mean"), "{out}");
    assert!(text.contains("Rex Tillerson"), "{out}");
    assert!(!out.contains('“'), "no quote is shown:\n{out}");
}

// ---------------------------------------------------------------------------------------------
// One speaker spelled differently in different briefs

#[test]
fn spellings_that_differ_in_case_or_spacing_are_one_candidate() {
    let fixture = Fixture::with_briefs(&[
        SENATE,
        (
            "gas-deal.toml",
            &brief(
                "gas-deal",
                "Gas deal signed",
                "2020-02-02",
                "A pipeline deal was signed.",
                &[(
                    "vladimir  putin",
                    "President of Russia",
                    "The gas will flow.",
                )],
                "",
            ),
        ),
        (
            "grain-deal.toml",
            &brief(
                "grain-deal",
                "Grain deal signed",
                "2015-05-05",
                "A grain deal was signed.",
                &[(
                    "Vladimir Putin",
                    "Russian President",
                    "The grain will ship.",
                )],
                "",
            ),
        ),
    ]);
    let answer = quotes_json(Some(&fixture), &["putin"]);
    assert_eq!(answer["match"], "found", "{answer:#}");
    assert_eq!(
        candidates(&answer),
        ["Vladimir Putin"],
        "the usual spelling"
    );
    assert_eq!(
        field(&answer, "brief_id"),
        ["gas-deal", "senate-hearing", "grain-deal"]
    );
    assert_eq!(
        field(&answer, "speaker"),
        ["vladimir  putin", "Vladimir Putin", "Vladimir Putin"],
        "each quote keeps its own spelling"
    );
}

// ---------------------------------------------------------------------------------------------
// Order, topic and limit

/// Ada Quill, quoted in four briefs whose file names are not in date order.
fn harbour() -> Fixture {
    Fixture::with_briefs(&[
        (
            "lamp-row.toml",
            &brief(
                "lamp-row",
                "Harbour lamp row deepens",
                "2021-04-01",
                "The lighthouse lamp failed again, and the council blamed the harbour master.",
                &[(
                    "Ada Quill",
                    "Harbour master",
                    "We asked for new ropes months ago.",
                )],
                "",
            ),
        ),
        (
            "ferry-fares.toml",
            &brief(
                "ferry-fares",
                "Ferry fares rise",
                "2019-09-15",
                "Ferry tickets will cost more from May.",
                &[
                    (
                        "Ada Quill",
                        "Harbour master",
                        "Without the lighthouse, no ferry could dock here at night.",
                    ),
                    (
                        "Tom Reed",
                        "Ferry captain",
                        "Fares had not changed in ten years.",
                    ),
                ],
                "",
            ),
        ),
        (
            "bakery-opens.toml",
            &brief(
                "bakery-opens",
                "A bakery opens on the quay",
                "2020-01-10",
                "Fresh bread on the quay every morning.",
                &[(
                    "Ada Quill",
                    "Harbour master",
                    "Good bread brings people to the harbour.",
                )],
                "",
            ),
        ),
        (
            "port-computers.toml",
            &brief(
                "port-computers",
                "Port computers down",
                "2018-05-05",
                "The booking system of the port went offline for two days.",
                &[(
                    "Ada Quill",
                    "Harbour master",
                    "Someone has been hacking our booking system.",
                )],
                "",
            ),
        ),
    ])
}

#[test]
fn quotes_come_newest_first_across_briefs() {
    let answer = quotes_json(Some(&harbour()), &["quill"]);
    assert_eq!(
        field(&answer, "brief_id"),
        ["lamp-row", "bakery-opens", "ferry-fares", "port-computers"]
    );
    assert_eq!(
        field(&answer, "published"),
        ["2021-04-01", "2020-01-10", "2019-09-15", "2018-05-05"]
    );
    assert_eq!(field(&answer, "brief_title")[0], "Harbour lamp row deepens");
    assert_eq!(answer["total"], 4);
    assert!(answer["about"].is_null());
}

#[test]
fn dates_with_time_zones_order_by_the_instant() {
    // 23:00 at UTC-5 on the 1st is 04:00 UTC on the 2nd: later than 01:00 UTC on the 2nd.
    let fixture = Fixture::with_briefs(&[
        (
            "early.toml",
            &brief(
                "early",
                "Early edition",
                "2020-01-02T01:00:00Z",
                "Morning news.",
                &[("Ada Quill", "Harbour master", "Good morning.")],
                "",
            ),
        ),
        (
            "late.toml",
            &brief(
                "late",
                "Late edition",
                "2020-01-01T23:00:00-05:00",
                "Evening news.",
                &[("Ada Quill", "Harbour master", "Good night.")],
                "",
            ),
        ),
    ]);
    let answer = quotes_json(Some(&fixture), &["quill"]);
    assert_eq!(field(&answer, "brief_id"), ["late", "early"]);
}

#[test]
fn about_keeps_only_quotes_on_the_topic_own_words_first() {
    // lamp-row is newer and its brief is about the lighthouse, but only the ferry-fares quote
    // itself mentions it; bakery-opens and port-computers are not about it at all.
    let answer = quotes_json(Some(&harbour()), &["quill", "--about", "lighthouse"]);
    assert_eq!(answer["match"], "found");
    assert_eq!(answer["about"], "lighthouse");
    assert_eq!(
        field(&answer, "brief_id"),
        ["ferry-fares", "lamp-row"],
        "{answer:#}"
    );
    assert_eq!(answer["total"], 2);
}

#[test]
fn about_text_output_names_the_topic() {
    let out = stdout_of(
        harbour()
            .cmd()
            .args(["quotes", "quill", "--about", "lighthouse"]),
    );
    let text = flat(&out);
    assert!(
        text.contains("Ada Quill (Harbour master): 2 quotes about \"lighthouse\""),
        "{out}"
    );
    let ferry = text
        .find("Without the lighthouse")
        .expect("the ferry quote");
    let ropes = text
        .find("We asked for new ropes")
        .expect("the lamp-row quote");
    assert!(ferry < ropes, "{out}");
    assert!(!text.contains("Good bread"), "{out}");
}

#[test]
fn about_matches_other_forms_of_a_word() {
    let answer = quotes_json(Some(&harbour()), &["quill", "--about", "hacked"]);
    assert_eq!(field(&answer, "brief_id"), ["port-computers"], "{answer:#}");
    assert_eq!(
        field(&answer, "text"),
        ["Someone has been hacking our booking system."]
    );
}

#[test]
fn about_with_an_unknown_word_finds_nothing_and_says_so() {
    let fixture = harbour();
    let answer = quotes_json(Some(&fixture), &["quill", "--about", "zeppelin"]);
    assert_eq!(answer["quotes"], serde_json::json!([]));
    assert_eq!(answer["total"], 0);
    assert_eq!(answer["match"], "found");
    let out = stdout_of(
        fixture
            .cmd()
            .args(["quotes", "quill", "--about", "zeppelin"]),
    );
    assert!(
        flat(&out).contains("No quote by Ada Quill is about \"zeppelin\""),
        "{out}"
    );
}

#[test]
fn about_a_topic_the_speaker_never_spoke_on_says_so() {
    // "bread" is in the library, but not in anything Tom Reed said or in his brief.
    let fixture = harbour();
    let answer = quotes_json(Some(&fixture), &["reed", "--about", "bread"]);
    assert_eq!(candidates(&answer), ["Tom Reed"]);
    assert_eq!(answer["quotes"], serde_json::json!([]));
    let out = stdout_of(fixture.cmd().args(["quotes", "reed", "--about", "bread"]));
    assert!(
        flat(&out).contains("No quote by Tom Reed is about \"bread\""),
        "{out}"
    );
}

#[test]
fn limit_caps_the_quotes_and_total_counts_them_all() {
    let fixture = harbour();
    let answer = quotes_json(Some(&fixture), &["quill", "--limit", "1"]);
    assert_eq!(field(&answer, "brief_id"), ["lamp-row"], "the newest");
    assert_eq!(answer["total"], 4);
    let out = stdout_of(fixture.cmd().args(["quotes", "quill", "--limit", "1"]));
    let text = flat(&out);
    assert!(text.contains("4 quotes"), "{out}");
    assert!(text.contains("(1 of 4 quotes shown"), "{out}");
    assert_eq!(out.matches('“').count(), 1, "{out}");
}

// ---------------------------------------------------------------------------------------------
// Aliases

/// A brief declaring "POTUS" for Donald Trump, and an older one without any aliases.
fn with_aliases() -> Fixture {
    Fixture::with_briefs(&[
        (
            "trade-summit.toml",
            &brief(
                "trade-summit",
                "Trade summit ends early",
                "2018-06-09",
                "Leaders left the summit without a statement.",
                &[(
                    "Donald Trump",
                    "US President",
                    "We will talk about tariffs later.",
                )],
                "\n[aliases]\n\"Donald Trump\" = [\"POTUS\"]\n",
            ),
        ),
        (
            "campaign-rally.toml",
            &brief(
                "campaign-rally",
                "A rally in a stadium",
                "2016-10-01",
                "The candidate spoke to a full stadium.",
                &[("Donald Trump", "Candidate", "What a crowd.")],
                "",
            ),
        ),
    ])
}

#[test]
fn an_alias_finds_the_speaker_in_every_brief() {
    let answer = quotes_json(Some(&with_aliases()), &["potus"]);
    assert_eq!(answer["match"], "found", "{answer:#}");
    assert_eq!(candidates(&answer), ["Donald Trump"]);
    assert_eq!(
        field(&answer, "brief_id"),
        ["trade-summit", "campaign-rally"]
    );
}

#[test]
fn a_brief_without_aliases_still_loads() {
    let fixture = with_aliases();
    let out = stdout_of(fixture.cmd().args(["check", "briefs"]));
    assert!(out.contains("2 brief files checked: all valid."), "{out}");
    let answer = quotes_json(Some(&fixture), &["trump"]);
    assert_eq!(
        field(&answer, "brief_id"),
        ["trade-summit", "campaign-rally"]
    );
}

#[test]
fn an_empty_alias_is_located_by_check() {
    let fixture = with_aliases();
    // Line 1 title, 2 published, 3 summary, 4 blank, 5 [aliases], 6 the aliases.
    fixture.brief(
        "bad.toml",
        "title = \"Bad aliases\"\npublished = 2020-01-01\nsummary = \"S.\"\n\n[aliases]\n\"Donald Trump\" = [\"POTUS\", \"\"]\n",
    );
    let err = stderr_of(fixture.cmd().args(["check", "briefs"]), 1);
    let line = err
        .lines()
        .find(|line| line.starts_with("briefs/bad.toml:"))
        .unwrap_or_else(|| panic!("no line about briefs/bad.toml:\n{err}"));
    assert!(line.starts_with("briefs/bad.toml:6:28: "), "{line}");
    assert!(line.contains("alias is empty"), "{line}");
}

// ---------------------------------------------------------------------------------------------
// Usage

#[test]
fn quotes_without_a_name_is_a_usage_error() {
    let err = stderr_of(repo().arg("quotes"), 2);
    assert!(err.contains("SPEAKER"), "{err}");
}

#[test]
fn quotes_with_limit_0_is_a_usage_error() {
    let err = stderr_of(repo().args(["quotes", "putin", "--limit", "0"]), 2);
    assert!(err.contains("--limit"), "{err}");
}

#[test]
fn ambiguous_quotes_about_a_topic_are_still_grouped_as_the_note_says() {
    // Graham Norton is quoted twice (first candidate): once in a brief about apples without
    // saying it, once saying it; Lindsey Graham says it once. Ranked by relevance alone,
    // Lindsey's quote lands between Norton's two.
    let fixture = Fixture::with_briefs(&[
        (
            "hearing.toml",
            &brief(
                "hearing",
                "Senate hearing",
                "2019-03-01",
                "Senators questioned growers.",
                &[
                    (
                        "Lindsey Graham",
                        "US Senator",
                        "Apples should not cost more.",
                    ),
                    ("Graham Norton", "Presenter", "I like apples."),
                ],
                "",
            ),
        ),
        (
            "chat-show.toml",
            &brief(
                "chat-show",
                "Chat show",
                "2018-03-01",
                "The chat show is back with apples.",
                &[("Graham Norton", "Presenter", "The sofa is red.")],
                "",
            ),
        ),
    ]);
    let answer = quotes_json(Some(&fixture), &["graham", "--about", "apples"]);
    assert_eq!(answer["match"], "ambiguous", "{answer:#}");
    assert!(
        answer["notes"].to_string().contains("grouped by person"),
        "{answer:#}"
    );
    let found = candidates(&answer);
    assert_eq!(
        found,
        ["Graham Norton", "Lindsey Graham"],
        "most quoted first"
    );
    assert_eq!(
        field(&answer, "speaker"),
        [found[0], found[0], found[1]],
        "{answer:#}"
    );
}
