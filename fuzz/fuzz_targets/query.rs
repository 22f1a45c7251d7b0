//! Any text as a query or a speaker name against a small library: an answer, never a panic.
#![no_main]

use std::sync::OnceLock;

use briefbot::answer::{self, AskOptions};
use briefbot::brief;
use briefbot::language::Language;
use briefbot::library::Library;
use libfuzzer_sys::fuzz_target;

const BRIEF: &str = r#"
title = "Trump: Putin and I will form 'impenetrable Cyber Security unit'"
published = 2017-07-09
tags = ["cyber security", "election hacking"]
summary = "Trump and Putin agreed on a cyber-security unit against election hacking."
[[quotes]]
speaker = "Marco Rubio"
text = "Partnering with Putin on a Cyber Security Unit is akin to partnering with Assad."
"#;

fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let parsed = brief::parse(std::path::Path::new("seed.toml"), BRIEF.as_bytes(), Language::English);
        Library::new(parsed.into_iter().collect())
    })
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let options = AskOptions { limit: 3, quotes: 3, summary_chars: 400 };
    let answer = answer::ask(library(), &text, options);
    assert!(answer.results.len() <= 3);
    let _ = answer::quotes(library(), &text, Some(&text), Some(5));
});
