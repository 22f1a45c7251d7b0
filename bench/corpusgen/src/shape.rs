//! Corpus shapes: how long briefs are, how many quotes they hold, how many people speak, and
//! in which languages. A benchmark that one shape flatters proves little, so the generator
//! makes several (`--shape`).

use std::ops::RangeInclusive;

use clap::ValueEnum;

use crate::languages::{ENGLISH, FRENCH, GERMAN, Language};

/// The shape of a generated corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shape {
    /// News briefs: summaries of 60-150 words, 1-6 quotes, 2,000 speakers, English.
    News,
    /// Two-sentence summaries and no quotes (the brief format allows none).
    Short,
    /// Summaries of 3,600-4,000 characters (the format's limit is 4,000), 20 quotes each,
    /// 5,000 speakers.
    Long,
    /// `news` in English, German and French, about a third each, `language` set on every
    /// brief.
    Multilingual,
}

/// How long a summary is.
pub enum Summary {
    /// Sentences of 8-24 words up to a number of words drawn from the range.
    Words(RangeInclusive<usize>),
    /// This many sentences of 8-24 words.
    Sentences(usize),
    /// Sentences of 8-24 words up to a number of characters drawn from the range; the last
    /// sentence is cut short rather than go over.
    Characters(RangeInclusive<usize>),
}

impl Shape {
    /// The name `--shape` takes and `_corpus.json` records.
    pub fn name(self) -> &'static str {
        match self {
            Shape::News => "news",
            Shape::Short => "short",
            Shape::Long => "long",
            Shape::Multilingual => "multilingual",
        }
    }

    /// How many quotes a brief holds.
    pub fn quotes(self) -> RangeInclusive<usize> {
        match self {
            Shape::News | Shape::Multilingual => 1..=6,
            Shape::Short => 0..=0,
            Shape::Long => 20..=20,
        }
    }

    /// Whether briefs quote anyone (and queries may then ask for a speaker).
    pub fn has_quotes(self) -> bool {
        *self.quotes().end() > 0
    }

    /// How long a summary is.
    pub fn summary(self) -> Summary {
        match self {
            Shape::News | Shape::Multilingual => Summary::Words(60..=150),
            Shape::Short => Summary::Sentences(2),
            // Starting 60 characters above 3,600: a summary stops when less room than that
            // is left for another sentence.
            Shape::Long => Summary::Characters(3_660..=4_000),
        }
    }

    /// How many distinct people are quoted.
    pub fn speakers(self) -> usize {
        match self {
            Shape::Long => 5_000,
            Shape::News | Shape::Short | Shape::Multilingual => 2_000,
        }
    }

    /// The languages briefs are written in; the first is English, whose names every
    /// language shares.
    pub fn languages(self) -> &'static [&'static Language] {
        match self {
            Shape::Multilingual => &[&ENGLISH, &GERMAN, &FRENCH],
            Shape::News | Shape::Short | Shape::Long => &[&ENGLISH],
        }
    }
}
