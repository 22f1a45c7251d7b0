//! Brief files and a speaker's name (with a topic after a 0xFE byte) from the fuzz input:
//! the speaker resolved and their quotes shown through every face, within Discord's limits
//! and never a panic. See `src/lib.rs` for the input.
#![no_main]

use briefbot::answer;
use briefbot_fuzz::{Input, faces};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let input = Input::new(bytes);
    let library = input.library();
    let (name, topic) = input.name_and_topic();
    let limit = Some(input.options.limit);
    let quotes = answer::quotes(&library, &name, topic.as_deref(), limit);
    assert!(quotes.quotes.len() <= input.options.limit);
    faces::show_quotes(&quotes);
    faces::show_quotes(&answer::quotes(&library, &name, None, None));
    faces::autocomplete(&library, &name);
    let line = match &topic {
        Some(topic) => format!("/quotes {name} topic: {topic}"),
        None => format!("/quotes {name}"),
    };
    faces::chat(&library, input.options, &[line]);
});
