//! Brief files and a question from the fuzz input: the answer, shown through every face
//! (terminal text with and without colour, JSON, the chat console, Discord embeds and
//! autocomplete), within Discord's limits and never a panic. See `src/lib.rs` for the input.
#![no_main]

use briefbot::answer;
use briefbot_fuzz::{Input, faces};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let input = Input::new(bytes);
    let library = input.library();
    let question = input.question();
    let answer = answer::ask(&library, &question, input.options);
    faces::show_answer(&answer, input.options);
    faces::chat(&library, input.options, &[question.clone()]);
    faces::autocomplete(&library, &question);
    faces::show_library(&library);
});
