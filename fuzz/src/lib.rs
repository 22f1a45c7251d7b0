//! What the fuzz targets share: the input format that lets the fuzzer write several brief
//! files and a question in one input, and the faces every answer is shown through.
//!
//! An input is `control question (0xFF brief-file)*`: two control bytes choose the answer's
//! shape, the question runs to the first 0xFF, and each 0xFF starts a brief file. For the
//! `speakers` target, a 0xFE in the question separates the name from the topic. Neither
//! byte occurs in UTF-8, so real briefs and questions (as `seeds.py` writes them) pass
//! through whole.

use std::path::Path;
use std::sync::Arc;

use briefbot::answer::AskOptions;
use briefbot::brief;
use briefbot::language::Language;
use briefbot::library::{Edit, Library};

#[path = "../../tests/support/faces.rs"]
pub mod faces;

/// Starts each brief file.
pub const BRIEF: u8 = 0xFF;
/// Separates a speaker's name from the topic.
pub const ABOUT: u8 = 0xFE;

/// One decoded fuzz input.
pub struct Input<'a> {
    pub options: AskOptions,
    /// Whether the last brief is added to a built library (the incremental path) rather
    /// than built with the others.
    pub edit: bool,
    pub question: &'a [u8],
    pub briefs: Vec<&'a [u8]>,
}

impl<'a> Input<'a> {
    /// Reads `bytes` as an input; any bytes are one.
    pub fn new(bytes: &'a [u8]) -> Self {
        let (control, rest) = bytes.split_at(bytes.len().min(2));
        let byte = |i: usize| control.get(i).copied().unwrap_or(0);
        let mut parts = rest.split(|&b| b == BRIEF);
        let question = parts.next().unwrap_or_default();
        Input {
            options: AskOptions {
                limit: 1 + usize::from(byte(0) % 10),
                quotes: usize::from(byte(0) / 10 % 4),
                // The range config.toml allows.
                summary_chars: 80 + usize::from(byte(1)) * 15,
            },
            edit: byte(1) % 2 == 1,
            question,
            briefs: parts.collect(),
        }
    }

    /// The question as text.
    pub fn question(&self) -> String {
        String::from_utf8_lossy(self.question).into_owned()
    }

    /// The question as a speaker's name and an optional topic.
    pub fn name_and_topic(&self) -> (String, Option<String>) {
        let mut parts = self.question.splitn(2, |&b| b == ABOUT);
        let name = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
        let topic = parts
            .next()
            .map(|t| String::from_utf8_lossy(t).into_owned());
        (name, topic)
    }

    /// The library of the brief files that parse (the first of each id).
    pub fn library(&self) -> Library {
        let mut briefs: Vec<Arc<brief::Brief>> = Vec::new();
        for (i, bytes) in self.briefs.iter().enumerate() {
            let path = format!("fuzz-{i}.toml");
            if let Ok(parsed) = brief::parse(Path::new(&path), bytes, Language::English)
                && !briefs.iter().any(|b| b.id == parsed.id)
            {
                briefs.push(Arc::new(parsed));
            }
        }
        match briefs.pop() {
            Some(last) if self.edit => Library::from_shared(briefs).edit(&[Edit::Put(last)]),
            Some(last) => {
                briefs.push(last);
                Library::from_shared(briefs)
            }
            None => Library::new(Vec::new()),
        }
    }
}
