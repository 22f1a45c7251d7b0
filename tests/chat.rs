//! End-to-end tests of `briefbot chat`, the console speaking the Discord bot's commands: each
//! test pipes a session into the real binary's stdin and checks what it answered.
//!
//! Stdin is a pipe, not a terminal, so the console prints no banner and no prompt: stdout is
//! only the answers, each followed by a blank line. Most tests use the shipped seed brief (run
//! in the repository root); the others write small invented briefs into a temporary folder.

use std::path::Path;

use assert_cmd::Command;

/// `briefbot chat` running in `dir`, with no environment that would change its output.
fn chat_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("briefbot").expect("the briefbot binary is built");
    cmd.current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .env_remove("DISCORD_TOKEN")
        .arg("chat");
    cmd
}

/// The answers of a chat session fed `input`, on the shipped seed brief; expects exit 0.
fn session(input: impl Into<Vec<u8>>) -> String {
    session_in(Path::new(env!("CARGO_MANIFEST_DIR")), input)
}

/// The answers of a chat session fed `input`, run in `dir`; expects exit 0.
fn session_in(dir: &Path, input: impl Into<Vec<u8>>) -> String {
    let output = chat_in(dir)
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).expect("stdout is UTF-8")
}

/// The text with every run of white space made one space (answers are wrapped).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where `needle` starts in `haystack`; fails the test when it is absent.
fn position(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in:\n{haystack}"))
}

/// A temporary folder whose `briefs/` holds `briefs`, as (file name, contents).
fn fixture(briefs: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    std::fs::create_dir(dir.path().join("briefs")).expect("create briefs/");
    for (name, text) in briefs {
        std::fs::write(dir.path().join("briefs").join(name), text).expect("write a brief");
    }
    dir
}

/// An invented brief with one quote by `speaker`.
fn one_quote(id: &str, published: &str, speaker: &str, text: &str) -> (String, String) {
    (
        format!("{id}.toml"),
        format!(
            "title = \"Harbour notes {id}\"\npublished = {published}\nsummary = \"Notes from the harbour.\"\n\n[[quotes]]\nspeaker = \"{speaker}\"\nrole = \"Harbour master\"\ntext = \"{text}\"\n"
        ),
    )
}

const SEED_TITLE: &str = "Trump: Putin and I will form 'impenetrable Cyber Security unit'";
const PUTIN_SAID: &str =
    "There is no basis to think that Russia interfered in the election process.";
const TILLERSON_SAID: &str = "The President pressed President Putin on more than one occasion regarding Russian involvement.";
const TRUMP_SAID: &str = "I strongly pressed President Putin twice";
/// The `/briefs` line of the seed brief: date, id, title.
const SEED_LINE: &str = "2017-07-09  trump-putin-cyber-unit  Trump: Putin and I will form 'impenetrable Cyber Security unit'";

#[test]
fn brief_command_prints_the_best_brief_title() {
    let out = session("/brief election hacking\n");
    assert!(flat(&out).contains(&format!("1. {SEED_TITLE}")), "{out}");
    assert!(flat(&out).contains("2017-07-09"), "{out}");
}

#[test]
fn a_plain_line_works_like_brief() {
    let plain = session("election hacking\n");
    assert!(flat(&plain).contains(SEED_TITLE), "{plain}");
    assert_eq!(plain, session("/brief election hacking\n"));
}

#[test]
fn brief_with_a_topic_label_works_like_the_discord_option() {
    assert_eq!(
        session("/brief topic: election hacking\n"),
        session("/brief election hacking\n")
    );
}

#[test]
fn brief_without_a_topic_asks_for_one() {
    let out = session("/brief\n");
    assert!(out.contains("What about?"), "{out}");
    assert!(!out.contains(SEED_TITLE), "{out}");
}

#[test]
fn quotes_command_prints_the_speakers_quote_only() {
    let out = session("/quotes putin\n");
    let text = flat(&out);
    assert!(
        text.contains("Vladimir Putin (Russian President): 1 quote, newest first"),
        "{out}"
    );
    assert!(text.contains(&format!("“{PUTIN_SAID}")), "{out}");
    assert!(
        out.lines()
            .any(|line| line.trim() == "— Vladimir Putin, Russian President"),
        "{out}"
    );
    assert!(text.contains(SEED_TITLE), "{out}");
    assert!(!text.contains(TRUMP_SAID), "{out}");
    assert!(!text.contains(TILLERSON_SAID), "{out}");
}

#[test]
fn quotes_command_with_a_full_name_and_a_topic() {
    let out = session("/quotes Rex Tillerson topic: russia\n");
    let text = flat(&out);
    assert!(
        text.contains("Rex Tillerson (US Secretary of State): 1 quote about \"russia\""),
        "{out}"
    );
    assert!(text.contains(TILLERSON_SAID), "{out}");
    assert!(!text.contains(PUTIN_SAID), "{out}");
}

#[test]
fn quotes_command_with_a_topic_nobody_spoke_on_says_so() {
    let out = session("/quotes Rex Tillerson topic: zeppelin\n");
    assert!(
        flat(&out).contains("No quote by Rex Tillerson is about \"zeppelin\""),
        "{out}"
    );
    assert!(!out.contains('“'), "{out}");
}

#[test]
fn quotes_command_without_a_name_asks_for_one() {
    let out = session("/quotes\n");
    assert!(out.contains("Which speaker?"), "{out}");
    assert!(!out.contains('“'), "{out}");
}

#[test]
fn quotes_command_suggests_names_for_a_near_miss() {
    let out = session("/quotes Tillman\n");
    let text = flat(&out);
    assert!(text.contains("Did you mean"), "{out}");
    assert!(text.contains("Rex Tillerson"), "{out}");
    assert!(!out.contains('“'), "{out}");
}

#[test]
fn quotes_command_lists_both_candidates_of_a_shared_name() {
    let dir = fixture(&[
        one_quote("a", "2019-01-01", "Lindsey Graham", "Apples are dear."),
        one_quote("b", "2018-01-01", "Graham Norton", "The sofa is red."),
    ]);
    let out = session_in(dir.path(), "/quotes graham\n");
    let text = flat(&out);
    assert!(text.contains("could be 2 people"), "{out}");
    assert!(text.contains("Apples are dear."), "{out}");
    assert!(text.contains("The sofa is red."), "{out}");
}

#[test]
fn briefs_command_lists_the_brief() {
    let out = session("/briefs\n");
    assert!(out.lines().any(|line| line == SEED_LINE), "{out}");
}

#[test]
fn briefs_command_lists_newest_first() {
    let dir = fixture(&[
        one_quote("older", "2018-01-01", "Ada Quill", "Calm seas."),
        one_quote("newer", "2020-01-01", "Ada Quill", "Rough seas."),
    ]);
    let out = session_in(dir.path(), "/briefs\n");
    assert!(
        position(&out, "2020-01-01  newer") < position(&out, "2018-01-01  older"),
        "{out}"
    );
}

#[test]
fn help_lists_the_commands() {
    let out = session("/help\n");
    for command in ["/brief ", "/quotes ", "/briefs ", "/help", "/quit"] {
        assert!(
            out.lines()
                .any(|line| line.trim_start().starts_with(command)),
            "{command:?} is not listed:\n{out}"
        );
    }
}

#[test]
fn an_unknown_command_is_named_and_points_to_help() {
    let out = session("/frobnicate now\n");
    assert!(out.contains("Unknown command /frobnicate"), "{out}");
    assert!(out.contains("/help"), "{out}");
}

#[test]
fn quit_stops_reading() {
    let out = session("/quotes putin\n/quit\n/briefs\n/quotes tillerson\n");
    assert!(out.contains(PUTIN_SAID), "{out}");
    assert!(!out.contains(SEED_LINE), "answered after /quit:\n{out}");
    assert!(
        !out.contains(TILLERSON_SAID),
        "answered after /quit:\n{out}"
    );
}

#[test]
fn exit_also_stops_reading() {
    let out = session("/exit\n/briefs\n");
    assert_eq!(out, "");
}

#[test]
fn several_commands_are_all_answered_in_order() {
    let out = session("/quotes tillerson\n/help\n/briefs\n/quotes putin\n/frobnicate\n");
    let marks = [
        "Rex Tillerson (US Secretary of State): 1 quote",
        "Commands:",
        SEED_LINE,
        "Vladimir Putin (Russian President): 1 quote",
        "Unknown command /frobnicate",
    ];
    let positions: Vec<usize> = marks.iter().map(|mark| position(&out, mark)).collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "answers out of order ({positions:?}):\n{out}"
    );
}

#[test]
fn each_answer_ends_with_a_blank_line() {
    let out = session("/briefs\n/briefs\n");
    assert_eq!(out, format!("{SEED_LINE}\n\n{SEED_LINE}\n\n"));
}

#[test]
fn no_prompt_or_banner_when_stdin_is_not_a_terminal() {
    let out = session("/briefs\n");
    assert!(!out.contains("> "), "{out:?}");
    assert!(!out.contains("briefs loaded"), "{out:?}");
    assert!(out.starts_with(SEED_LINE), "{out:?}");
}

#[test]
fn empty_input_exits_0_with_no_output() {
    chat_in(Path::new(env!("CARGO_MANIFEST_DIR")))
        .write_stdin("")
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn end_of_input_exits_0_after_the_last_answer() {
    chat_in(Path::new(env!("CARGO_MANIFEST_DIR")))
        .write_stdin("/quotes putin\n/briefs\n")
        .assert()
        .code(0)
        .stderr("");
}

#[test]
fn a_last_line_without_a_newline_is_answered() {
    let out = session("/help\n/briefs");
    assert!(out.contains(SEED_LINE), "{out}");
}

#[test]
fn blank_lines_are_ignored() {
    assert_eq!(session("\n   \n/briefs\n\n"), format!("{SEED_LINE}\n\n"));
}

#[test]
fn windows_line_endings_and_upper_case_commands_work() {
    let out = session("/QUOTES putin\r\n/Briefs\r\n");
    assert!(out.contains(PUTIN_SAID), "{out}");
    assert!(out.lines().any(|line| line == SEED_LINE), "{out}");
}

#[test]
fn quotes_command_shows_at_most_ten_quotes_and_says_how_many_there_are() {
    let briefs: Vec<(String, String)> = (10..22)
        .map(|day| {
            one_quote(
                &format!("day-{day}"),
                &format!("2020-01-{day}"),
                "Ada Quill",
                &format!("Day {day} was calm."),
            )
        })
        .collect();
    let dir = fixture(&briefs);
    let out = session_in(dir.path(), "/quotes quill\n");
    assert_eq!(out.matches('“').count(), 10, "{out}");
    assert!(out.contains("Day 21 was calm."), "newest first:\n{out}");
    assert!(!out.contains("Day 11 was calm."), "{out}");
    assert!(flat(&out).contains("10 of 12 quotes shown"), "{out}");
}

#[test]
fn quotes_command_does_not_suggest_an_option_chat_lacks() {
    let briefs: Vec<(String, String)> = (10..22)
        .map(|day| {
            one_quote(
                &format!("day-{day}"),
                &format!("2020-01-{day}"),
                "Ada Quill",
                &format!("Day {day} was calm."),
            )
        })
        .collect();
    let dir = fixture(&briefs);
    let out = session_in(dir.path(), "/quotes quill\n");
    assert!(flat(&out).contains("10 of 12 quotes shown"), "{out}");
    assert!(!out.contains("--limit"), "{out}");
}

#[test]
fn a_line_that_is_not_utf8_does_not_end_the_session() {
    let output = chat_in(Path::new(env!("CARGO_MANIFEST_DIR")))
        .write_stdin(b"/brief \xff\xfe hacking\n/briefs\n".to_vec())
        .assert()
        .code(0)
        .get_output()
        .clone();
    let out = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let err = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert!(
        out.contains(SEED_LINE),
        "later commands are answered:\n{out}"
    );
    assert!(!err.contains("cannot write the output"), "{err}");
}

/// `/follow` in the console: a brief dropped into the folder while the session runs is
/// printed if it matches, and only then.
#[test]
fn follow_prints_matching_briefs_as_they_arrive() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    use std::sync::mpsc;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let briefs = dir.path().join("briefs");
    std::fs::create_dir(&briefs).unwrap();
    let write = |id: &str, title: &str| {
        std::fs::write(
            briefs.join(format!("{id}.toml")),
            format!("id = \"{id}\"\ntitle = \"{title}\"\npublished = 2020-01-01\nsummary = \"About {title}.\"\n"),
        )
        .unwrap();
    };
    write("old-storm", "Old storm");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("briefbot"))
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .env_remove("DISCORD_TOKEN")
        .arg("chat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (lines, received) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |prefix: &str| -> String {
        loop {
            let line = received
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("no line starting with {prefix:?}"));
            if line.starts_with(prefix) {
                return line;
            }
        }
    };
    writeln!(stdin, "/follow storms").unwrap();
    stdin.flush().unwrap();
    wait_for("Following new briefs on \"storms\"");
    write("election-day", "Election day");
    write("new-storm", "Storm warning for the coast");
    let arrived = wait_for("New brief for /follow");
    assert_eq!(
        arrived,
        "New brief for /follow storms: Storm warning for the coast (2020-01-01, new-storm)"
    );
    writeln!(stdin, "/quit").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let rest: Vec<String> = received.try_iter().collect();
    assert!(
        !rest
            .iter()
            .any(|l| l.contains("Election day") || l.contains("Old storm")),
        "{rest:?}"
    );
}
