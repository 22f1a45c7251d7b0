//! End-to-end tests of `briefbot related` and the chat's `/related`: the briefs sharing the
//! most with one, through the real binary. They pin the `related --json` shape of
//! `docs/json.md` (`id`, `title`, `results` as `ask --json` lists them plus `reason` and
//! `shares`, `total`), the order (shared tags and speakers first), that the brief itself is
//! never listed, and the error for an unknown id (exit 1, naming it and close ids).

#[path = "support/cli.rs"]
mod support_cli;

use serde_json::Value;
use support_cli::{briefbot, flat, json_of, stderr_of, stdout_of};

/// A temporary folder whose `briefs/` holds: the G20 meeting; a brief sharing its tags and
/// its speaker; one sharing only words; one sharing the outlet and a word; and one sharing
/// nothing.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let briefs = dir.path().join("briefs");
    std::fs::create_dir(&briefs).expect("create briefs/");
    let write = |name: &str, text: &str| {
        std::fs::write(briefs.join(format!("{name}.toml")), text).expect("write a brief")
    };
    write(
        "g20-summit",
        r#"title = "Trump and Putin meet at the G20 summit in Hamburg"
published = 2017-07-08
outlet = "BBC News"
source = "https://example.com/g20"
tags = ["Russia", "G20"]
summary = "The leaders discussed election hacking and Syria for two hours."

[[quotes]]
speaker = "Vladimir Putin"
role = "Russian President"
text = "We had a long talk about hacking."
"#,
    );
    write(
        "kremlin",
        r#"title = "Kremlin answers critics"
published = 2017-06-01
outlet = "Example Times"
tags = ["russia", "g20"]
summary = "A statement from Moscow."

[[quotes]]
speaker = "Vladimir Putin"
role = "Russian President"
text = "There is no basis for this."
"#,
    );
    write(
        "hacking-inquiry",
        r#"title = "Election hacking inquiry after the Hamburg summit"
published = 2017-07-09
outlet = "Example Times"
summary = "Talk of election hacking and Syria went on after the summit."
"#,
    );
    write(
        "hamburg-rain",
        r#"title = "Rain in Hamburg after the summit"
published = 2017-07-01
outlet = "BBC News"
summary = "Rain fell on the city."
"#,
    );
    write(
        "ferries",
        r#"title = "Ferries sail again"
published = 2017-07-02
outlet = "Example Times"
summary = "The harbour reopened."
"#,
    );
    dir
}

fn ids(answer: &Value) -> Vec<&str> {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

#[test]
fn related_json_has_the_documented_shape_and_order() {
    let dir = fixture();
    let answer = json_of(briefbot(dir.path()).args(["related", "g20-summit", "--json"]));
    let keys: Vec<&str> = answer
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["id", "title", "results", "total"]);
    assert_eq!(answer["id"], "g20-summit");
    assert_eq!(
        answer["title"],
        "Trump and Putin meet at the G20 summit in Hamburg"
    );
    assert_eq!(
        ids(&answer),
        ["kremlin", "hacking-inquiry", "hamburg-rain"],
        "tags and speaker first, then words; never itself, never the ferries: {answer}"
    );
    assert_eq!(answer["total"], 3);
    let first = &answer["results"][0];
    assert_eq!(
        first["reason"],
        "shares tags Russia, G20; quotes Vladimir Putin"
    );
    assert_eq!(
        first["shares"]["tags"],
        serde_json::json!(["Russia", "G20"])
    );
    assert_eq!(
        first["shares"]["speakers"],
        serde_json::json!(["Vladimir Putin"])
    );
    assert_eq!(first["shares"]["outlet"], Value::Null);
    let words = answer["results"][1]["reason"].as_str().unwrap();
    assert!(words.starts_with("shares words "), "{words}");
    assert!(words.contains("hacking"), "{words}");
    assert!(
        answer["results"][2]["reason"]
            .as_str()
            .unwrap()
            .ends_with("; same outlet BBC News"),
        "{answer}"
    );
    // The result objects are those of `ask --json`, plus the reason and what is shared.
    let asked = json_of(briefbot(dir.path()).args(["ask", "kremlin", "critics", "--json"]));
    let mut ask_keys: Vec<String> = asked["results"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    ask_keys.extend(["reason".to_owned(), "shares".to_owned()]);
    let related_keys: Vec<String> = first.as_object().unwrap().keys().cloned().collect();
    assert_eq!(related_keys, ask_keys);
    let scores: Vec<f64> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn related_text_lists_the_briefs_with_why_and_the_limit() {
    let dir = fixture();
    let text = stdout_of(briefbot(dir.path()).args(["related", "g20-summit", "--limit", "1"]));
    let shown = flat(&text);
    assert!(
        shown.starts_with(
            "Briefs related to \"Trump and Putin meet at the G20 summit in Hamburg\" (g20-summit):"
        ),
        "{text}"
    );
    assert!(shown.contains("1. Kremlin answers critics"), "{text}");
    assert!(
        shown.contains("why: shares tags Russia, G20; quotes Vladimir Putin"),
        "{text}"
    );
    assert!(!shown.contains("2. "), "{text}");
    assert!(
        shown.ends_with("(1 of 3 related briefs shown; --limit shows more.)"),
        "{text}"
    );
    let nothing = stdout_of(briefbot(dir.path()).args(["related", "ferries"]));
    assert_eq!(
        flat(&nothing),
        "No other brief shares tags, people quoted or weighty words with \"Ferries sail again\" (ferries)."
    );
}

#[test]
fn an_unknown_id_exits_1_naming_it_and_close_ids() {
    let dir = fixture();
    let stderr = stderr_of(briefbot(dir.path()).args(["related", "kremlinn"]), 1);
    assert_eq!(
        stderr.trim(),
        "error: no brief has the id `kremlinn`; did you mean `kremlin`?"
    );
    let stderr = stderr_of(
        briefbot(dir.path()).args(["related", "zzz-nothing", "--json"]),
        1,
    );
    assert_eq!(stderr.trim(), "error: no brief has the id `zzz-nothing`");
    let usage = stderr_of(briefbot(dir.path()).args(["related"]), 2);
    assert!(usage.contains("<ID>"), "{usage}");
}

#[test]
fn chat_related_answers_like_the_command_line() {
    let dir = fixture();
    let output = briefbot(dir.path())
        .arg("chat")
        .write_stdin("/related g20-summit\n/related nope\n/related\n/help\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = flat(&String::from_utf8(output).unwrap());
    assert!(text.contains("1. Kremlin answers critics"), "{text}");
    assert!(
        text.contains("why: shares tags Russia, G20; quotes Vladimir Putin"),
        "{text}"
    );
    assert!(text.contains("Sorry: no brief has the id `nope`"), "{text}");
    assert!(text.contains("Which brief? Give its id"), "{text}");
    assert!(text.contains("/related <id>"), "/help lists it: {text}");
}
