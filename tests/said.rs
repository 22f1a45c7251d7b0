//! End-to-end tests of `briefbot said` and the chat's `/said`: who said a line a person half
//! remembers, through the real binary. They pin the `said --json` shape of `docs/json.md`
//! (`query`, `quotes` as `quotes --json` lists them plus `score`, `total`, `notes`) and the
//! ways a line may be misremembered: word order, inflection, typos, case.
//!
//! The tests on invented quotes run in a temporary folder, so the repository's `config.toml`
//! is never picked up; those on the seed brief run in the repository root on purpose.

#[path = "support/cli.rs"]
mod support_cli;

use serde_json::Value;
use support_cli::{briefbot, flat, json_of, repo, stderr_of, stdout_of};

/// A temporary folder whose `briefs/` holds two briefs with quotes sharing words.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let briefs = dir.path().join("briefs");
    std::fs::create_dir(&briefs).expect("create briefs/");
    std::fs::write(
        briefs.join("harbour.toml"),
        r#"title = "Harbour storm closes the ferries"
published = 2020-01-01
source = "https://example.com/harbour"
summary = "A storm closed the harbour. The wall held."

[[quotes]]
speaker = "Ann Lee"
role = "Mayor of Portsea"
text = "The storm will pass by Friday, we hope."

[[quotes]]
speaker = "Bo Chen"
role = "Harbour master"
text = "Our ferries are never cancelled lightly; the harbour wall held through the night."
context = "At the quay"
"#,
    )
    .unwrap();
    std::fs::write(
        briefs.join("ferries.toml"),
        r#"title = "Ferries return after the storm"
published = 2021-03-04
summary = "Ferries sail again. Nobody cancelled the night ferry."

[[quotes]]
speaker = "Cy Day"
role = "Ferry captain"
text = "We sail again tonight. The harbour wall is being repaired."
"#,
    )
    .unwrap();
    dir
}

fn first_speaker(answer: &Value) -> &str {
    answer["quotes"][0]["speaker"].as_str().unwrap_or("(none)")
}

#[test]
fn a_half_remembered_line_finds_the_right_quote_first() {
    let dir = fixture();
    for typed in [
        // Other word order, other inflection, a typo, other case.
        &["night", "cancelled", "harbour"][..],
        &["cancel", "ferry", "nights"],
        &["harbour", "cancellled", "nigth"],
        &["HARBOUR", "Night", "CANCELLED"],
        &["\"harbour wall held\""],
    ] {
        let answer = json_of(briefbot(dir.path()).arg("said").args(typed).arg("--json"));
        assert_eq!(first_speaker(&answer), "Bo Chen", "{typed:?}: {answer}");
    }
}

#[test]
fn said_json_has_the_documented_shape() {
    let dir = fixture();
    let answer = json_of(briefbot(dir.path()).args(["said", "harbour", "wall", "--json"]));
    let keys: Vec<&str> = answer
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["query", "quotes", "total", "suggestion", "notes"]);
    assert_eq!(answer["query"], "harbour wall");
    assert_eq!(answer["total"], 2, "{answer}");
    assert_eq!(answer["notes"], Value::Array(vec![]));
    let first = &answer["quotes"][0];
    assert_eq!(first["speaker"], "Bo Chen", "{answer}");
    assert_eq!(first["role"], "Harbour master");
    assert_eq!(first["context"], "At the quay");
    assert_eq!(first["brief_id"], "harbour");
    assert_eq!(first["brief_title"], "Harbour storm closes the ferries");
    assert_eq!(first["published"], "2020-01-01");
    assert_eq!(first["source"], "https://example.com/harbour");
    assert!(
        first["text"]
            .as_str()
            .unwrap()
            .starts_with("Our ferries are never")
    );
    let second = &answer["quotes"][1];
    assert_eq!(second["speaker"], "Cy Day");
    assert_eq!(second["source"], Value::Null);
    assert!(
        first["score"].as_f64().unwrap() >= second["score"].as_f64().unwrap(),
        "best first: {answer}"
    );
    let quote_keys = |q: &Value| {
        let mut keys: Vec<String> = q.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let listed = json_of(briefbot(dir.path()).args(["quotes", "bo chen", "--json"]));
    let mut with_score = quote_keys(&listed["quotes"][0]);
    with_score.push("score".into());
    with_score.sort();
    assert_eq!(
        quote_keys(first),
        with_score,
        "a quote of `quotes --json`, plus score"
    );
}

#[test]
fn said_limit_keeps_the_best_and_total_counts_all() {
    let dir = fixture();
    let answer = json_of(briefbot(dir.path()).args(["said", "harbour", "--limit", "1", "--json"]));
    assert_eq!(answer["quotes"].as_array().unwrap().len(), 1);
    assert_eq!(answer["total"], 2);
    let text = stdout_of(briefbot(dir.path()).args(["said", "harbour", "--limit", "1"]));
    assert!(
        flat(&text).contains("(1 of 2 quotes shown; --limit shows more.)"),
        "{text}"
    );
}

#[test]
fn said_text_shows_speaker_role_brief_date_and_link() {
    let dir = fixture();
    let out = stdout_of(briefbot(dir.path()).args(["said", "cancelled", "ferries"]));
    let text = flat(&out);
    assert!(
        text.contains("“Our ferries are never cancelled lightly;"),
        "{out}"
    );
    assert!(
        text.contains("— Bo Chen, Harbour master (At the quay)"),
        "{out}"
    );
    assert!(
        text.contains("in \"Harbour storm closes the ferries\" (2020-01-01)"),
        "{out}"
    );
    assert!(text.contains("https://example.com/harbour"), "{out}");
    assert!(!out.contains('\x1b'), "{out:?}");
    let bold = stdout_of(briefbot(dir.path()).args(["--color", "always", "said", "cancelled"]));
    assert!(bold.contains("\x1b[1mcancelled\x1b[0m"), "{bold:?}");
}

#[test]
fn said_only_searches_quote_texts() {
    let dir = fixture();
    // "return" is in a title, "Portsea" in a role, "Nobody" in a summary: no quote says them.
    for word in ["return", "portsea", "nobody"] {
        let answer = json_of(briefbot(dir.path()).args(["said", word, "--json"]));
        assert_eq!(answer["quotes"], Value::Array(vec![]), "{word}: {answer}");
        assert_eq!(answer["total"], 0);
    }
}

#[test]
fn said_with_no_match_says_so_and_exits_0() {
    let dir = fixture();
    let out = stdout_of(briefbot(dir.path()).args(["said", "zeppelin"]));
    assert!(out.contains("No quote says \"zeppelin\"."), "{out}");
    let answer = json_of(briefbot(dir.path()).args(["said", "return", "--json"]));
    assert_eq!(
        answer["notes"],
        serde_json::json!(["No quote says \"return\"."])
    );
}

#[test]
fn said_with_empty_words_asks_for_some() {
    let dir = fixture();
    let out = stdout_of(briefbot(dir.path()).args(["said", "  "]));
    assert!(
        flat(&out).contains("Which words? Type some words of the quote"),
        "{out}"
    );
    let err = stderr_of(briefbot(dir.path()).arg("said"), 2);
    assert!(err.contains("<WORDS>"), "{err}");
}

#[test]
fn said_finds_the_seed_quotes_in_any_order() {
    let answer = json_of(repo().args(["said", "twice", "Putin", "pressed", "--json"]));
    assert_eq!(first_speaker(&answer), "Donald Trump", "{answer}");
    let answer = json_of(repo().args(["said", "dumbst", "idea", "--json"]));
    assert_eq!(first_speaker(&answer), "Lindsey Graham", "{answer}");
    assert_eq!(answer["suggestion"], "dumbest idea");
}

#[test]
fn chat_said_answers_and_help_lists_it() {
    let out = stdout_of(
        repo()
            .arg("chat")
            .write_stdin("/help\n/said alarm code burglar\n/said\n"),
    );
    let text = flat(&out);
    assert!(text.contains("/said <words>"), "{out}");
    assert!(
        text.contains("“Giving the alarm code to the gas who just burglarized your home.”"),
        "{out}"
    );
    assert!(
        text.contains("— Eric Swalwell, Democratic representative"),
        "{out}"
    );
    assert!(text.contains("Which words?"), "{out}");
}
