//! Hostile input as property tests: any string as a query, a speaker name or a chat line, and
//! any bytes as a brief file, give an answer or a clear error, never a panic. (How long an
//! answer takes is measured by the benchmarks, not asserted here: a debug build on a busy
//! machine would fail for the wrong reason.) tests/aimed.rs builds briefs and questions that
//! match each other; this file throws noise.
//!
//! Case counts: `PROPTEST_CASES` overrides the default of 256 per property (CI uses the
//! default; a longer soak: `PROPTEST_CASES=20000 cargo test --release --test hostile_input`).

#[path = "support/faces.rs"]
mod faces;

use std::path::Path;
use std::sync::OnceLock;

use briefbot::answer::{self, AskOptions};
use briefbot::brief;
use briefbot::chat;
use briefbot::language::Language;
use briefbot::library::Library;
use proptest::prelude::*;

const OPTIONS: AskOptions = AskOptions {
    limit: 3,
    quotes: 3,
    summary_chars: 400,
};

fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("briefs");
        Library::load(&seed, Language::English)
            .expect("the shipped briefs load")
            .library
    })
}

/// Strings made of the troublesome parts of Unicode, and plain text.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\u{200d}".to_owned()),              // zero-width joiner
        Just("\u{200b}".to_owned()),              // zero-width space
        Just("\u{202e}".to_owned()),              // right-to-left override
        Just("\u{200f}".to_owned()),              // right-to-left mark
        Just("\u{301}\u{302}\u{303}".to_owned()), // combining marks alone
        Just("e\u{301}".to_owned()),
        Just("👩‍👩‍👧‍👦".to_owned()),
        Just("🇺🇦".to_owned()),
        Just("\"".to_owned()),
        Just("“".to_owned()),
        Just("'s".to_owned()),
        Just("-".to_owned()),
        Just("@everyone".to_owned()),
        Just("\0".to_owned()),
        Just("\u{7f}\u{1b}[1m".to_owned()),
        Just("ﷺ".to_owned()),
        Just("Ⅻ".to_owned()),
        Just("ǅ".to_owned()),
        Just("İ".to_owned()),
        Just("ß".to_owned()),
        "[a-z]{1,12}",
        "[0-9]{1,6}",
        "[[:punct:]]{1,8}",
        "\\PC{1,8}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.join(" "))
}

proptest! {
    #[test]
    fn any_query_gets_an_answer(query in hostile_text()) {
        let answer = answer::ask(library(), &query, OPTIONS);
        prop_assert!(answer.results.len() <= OPTIONS.limit);
        if answer.results.is_empty() {
            prop_assert!(!answer.notes.is_empty(), "no result and no reason for {:?}", query);
        }
        faces::show_answer(&answer, OPTIONS);
    }

    #[test]
    fn huge_queries_are_answered(word in "[a-zA-Z]{1,20}", repeat in 1usize..5000) {
        let query = vec![word; repeat].join(" ");
        let answer = answer::ask(library(), &query, OPTIONS);
        prop_assert!(answer.results.len() <= OPTIONS.limit);
    }

    #[test]
    fn any_speaker_name_gets_an_answer(name in hostile_text(), about in proptest::option::of(hostile_text())) {
        let answer = answer::quotes(library(), &name, about.as_deref(), Some(10));
        prop_assert!(answer.quotes.len() <= 10);
        if answer.quotes.is_empty() && answer.matched != answer::SpeakerMatch::Found {
            prop_assert!(!answer.notes.is_empty());
        }
        faces::show_quotes(&answer);
    }

    #[test]
    fn any_chat_line_is_answered(line in hostile_text()) {
        let mut out = Vec::new();
        let input = format!("{line}\n/help\n");
        chat::run(library(), OPTIONS, input.as_bytes(), &mut out, false, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        prop_assert!(text.contains("/quotes"), "the /help after it was answered");
    }

    #[test]
    fn any_bytes_as_a_brief_parse_or_fail_with_a_location(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        match brief::parse(Path::new("x.toml"), &bytes, Language::English) {
            Ok(parsed) => prop_assert!(!parsed.title.is_empty()),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in errors {
                    prop_assert!(error.location.line >= 1 && error.location.column >= 1);
                    prop_assert!(error.to_string().starts_with("x.toml:"));
                }
            }
        }
    }

    #[test]
    fn any_text_in_brief_fields_is_accepted_or_located(title in hostile_text(), summary in hostile_text(), speaker in hostile_text()) {
        let text = format!(
            "title = {}\npublished = 2020-01-01\nsummary = {}\n[[quotes]]\nspeaker = {}\ntext = \"x\"\n",
            toml_string(&title), toml_string(&summary), toml_string(&speaker)
        );
        match brief::parse(Path::new("x.toml"), text.as_bytes(), Language::English) {
            Ok(parsed) => {
                // A brief that loads can be indexed and asked about.
                let library = Library::new(vec![parsed]);
                let _ = answer::ask(&library, &title, OPTIONS);
                let _ = answer::quotes(&library, &speaker, None, None);
            }
            Err(errors) => prop_assert!(errors.iter().all(|e| e.location.line >= 1)),
        }
    }
}

/// A TOML basic string holding `s` exactly.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
