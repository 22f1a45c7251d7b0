//! Any text as a question or a speaker's name, asked of the shipped brief: the answer,
//! shown through every face, within Discord's limits and never a panic.
#![no_main]

use std::sync::OnceLock;

use briefbot::answer::{self, AskOptions};
use briefbot::brief;
use briefbot::language::Language;
use briefbot::library::Library;
use briefbot_fuzz::faces;
use libfuzzer_sys::fuzz_target;

const BRIEF: &str = include_str!("../../briefs/trump-putin-cyber-unit.toml");

/// As the shipped config.toml asks.
const OPTIONS: AskOptions = AskOptions {
    limit: 3,
    quotes: 3,
    summary_chars: 400,
};

fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let parsed = brief::parse(
            std::path::Path::new("seed.toml"),
            BRIEF.as_bytes(),
            Language::English,
        );
        Library::new(parsed.into_iter().collect())
    })
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let answer = answer::ask(library(), &text, OPTIONS);
    faces::show_answer(&answer, OPTIONS);
    faces::show_quotes(&answer::quotes(library(), &text, Some(&text), Some(5)));
});
