//! Generating one brief and writing it in the brief format (`BRIEF_FORMAT.md`, v1).

use std::fmt::Write as _;

use rand::RngExt;
use rand_pcg::Pcg64;

use crate::people::{self, Speaker, capitalise};
use crate::vocabulary::{Ranked, Vocabulary};

/// Distinct tags in the corpus.
const TAGS: usize = 600;
/// Distinct outlets.
const OUTLETS: usize = 60;
/// The corpus spans ten years from this day (days since 1970-01-01 of 2015-01-01).
const FIRST_DAY: i64 = 16_436;
const DAYS: i64 = 3_653;
/// Kinds of publication an outlet name ends with.
const MASTHEADS: &[&str] = &[
    "Times",
    "Post",
    "Herald",
    "News",
    "Daily",
    "Journal",
    "Tribune",
    "Gazette",
    "Wire",
    "Observer",
    "Chronicle",
    "Record",
];
/// Where a quote was said.
const CONTEXTS: &[&str] = &[
    "In an interview with",
    "At a press conference in",
    "Speaking to reporters in",
    "In a statement to",
    "On a visit to",
    "At a rally in",
];

/// One generated brief.
pub struct Brief {
    pub id: String,
    pub title: String,
    /// Year, month, day.
    pub published: (i64, u32, u32),
    pub source: String,
    pub outlet: String,
    pub tags: Vec<String>,
    pub summary: String,
    pub quotes: Vec<Quote>,
}

/// One quote of a generated brief.
pub struct Quote {
    pub speaker: String,
    pub role: Option<String>,
    pub text: String,
    pub context: Option<String>,
}

/// Everything briefs are drawn from.
pub struct Generator {
    pub vocabulary: Vocabulary,
    pub speakers: Vec<Speaker>,
    pub speaker_ranks: Ranked,
    tags: Vec<String>,
    tag_ranks: Ranked,
    outlets: Vec<String>,
    outlet_ranks: Ranked,
}

impl Generator {
    /// Draws the speakers, tags and outlets of a corpus.
    pub fn new(vocabulary: Vocabulary, rng: &mut Pcg64) -> Self {
        let speakers = people::speakers(&vocabulary, rng);
        // Tags are topics: moderately frequent words, alone or in pairs ("cyber security").
        let topic_ranks = Ranked::new(vocabulary.content_len().min(3_000), 0.5);
        let mut tags: Vec<String> = Vec::with_capacity(TAGS);
        while tags.len() < TAGS {
            let mut tag = vocabulary.content_word(&topic_ranks, rng).to_owned();
            if rng.random_bool(0.4) {
                tag.push(' ');
                tag.push_str(vocabulary.content_word(&topic_ranks, rng));
            }
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let outlets = (0..OUTLETS)
            .map(|_| {
                format!(
                    "{} {}",
                    vocabulary.proper_noun(rng),
                    MASTHEADS[rng.random_range(0..MASTHEADS.len())]
                )
            })
            .collect();
        Generator {
            speaker_ranks: Ranked::new(speakers.len(), 1.0),
            tag_ranks: Ranked::new(TAGS, 1.0),
            outlet_ranks: Ranked::new(OUTLETS, 1.0),
            vocabulary,
            speakers,
            tags,
            outlets,
        }
    }

    /// The `number`th brief of a corpus of `total`.
    pub fn brief(&self, number: usize, total: usize, rng: &mut Pcg64) -> Brief {
        let quote_count = rng.random_range(1..=6);
        let quoted: Vec<&Speaker> = (0..quote_count)
            .map(|_| &self.speakers[self.speaker_ranks.sample(rng)])
            .collect();

        let title_words = rng.random_range(6..=14);
        let mut title = String::new();
        if rng.random_bool(0.25) {
            // News titles often lead with who spoke: "Putin: ...".
            title.push_str(&quoted[0].last);
            title.push_str(": ");
            self.words(title_words - 1, rng, &mut title);
        } else {
            self.words(title_words, rng, &mut title);
        }
        let title = capitalise(&title);

        let mut summary = String::new();
        let mut left = rng.random_range(60..=150usize);
        let mut mentioned = false;
        while left > 0 {
            let length = rng.random_range(8..=24usize).min(left);
            let length = if left - length < 4 { left } else { length };
            if !summary.is_empty() {
                summary.push(' ');
            }
            let start = summary.len();
            if !mentioned && rng.random_bool(0.6) {
                // Summaries name the people they quote.
                mentioned = true;
                let speaker = quoted[rng.random_range(0..quoted.len())];
                let _ = write!(summary, "{} said ", speaker.name());
                self.words(length.saturating_sub(3).max(1), rng, &mut summary);
            } else {
                self.words(length, rng, &mut summary);
            }
            capitalise_at(&mut summary, start);
            summary.push('.');
            left -= length;
        }
        assert!(summary.len() <= 4000, "summaries must fit the brief format");

        let tag_count = rng.random_range(0..=5);
        let mut tags: Vec<String> = Vec::with_capacity(tag_count);
        for _ in 0..tag_count {
            let tag = &self.tags[self.tag_ranks.sample(rng)];
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }

        let quotes = quoted
            .iter()
            .map(|speaker| {
                let length = rng.random_range(10..=40usize);
                let mut text = String::new();
                let first = if length > 20 { length / 2 } else { length };
                self.words(first, rng, &mut text);
                text = capitalise(&text);
                text.push('.');
                if first < length {
                    text.push(' ');
                    let start = text.len();
                    self.words(length - first, rng, &mut text);
                    capitalise_at(&mut text, start);
                    text.push('.');
                }
                let role = rng.random_bool(0.9).then(|| speaker.role.clone());
                let context = rng.random_bool(0.3).then(|| {
                    format!(
                        "{} {}",
                        CONTEXTS[rng.random_range(0..CONTEXTS.len())],
                        self.vocabulary.proper_noun(rng)
                    )
                });
                Quote {
                    speaker: speaker.name(),
                    role,
                    text,
                    context,
                }
            })
            .collect();

        let day = FIRST_DAY + rng.random_range(0..DAYS);
        let published = civil_from_days(day);
        let id = id(&title, number, total);
        let outlet = self.outlets[self.outlet_ranks.sample(rng)].clone();
        let source = format!(
            "https://news.example.com/{}/{:02}/{id}",
            published.0, published.1
        );
        Brief {
            id,
            title,
            published,
            source,
            outlet,
            tags,
            summary,
            quotes,
        }
    }

    /// Appends `count` words of running text: mostly Zipf words, some proper nouns and
    /// numbers, an occasional comma.
    fn words(&self, count: usize, rng: &mut Pcg64, out: &mut String) {
        for i in 0..count {
            if i > 0 {
                if rng.random_bool(0.06) {
                    out.push(',');
                }
                out.push(' ');
            }
            let roll: f64 = rng.random();
            if roll < 0.04 {
                out.push_str(self.vocabulary.proper_noun(rng));
            } else if roll < 0.047 {
                let number = if rng.random_bool(0.5) {
                    rng.random_range(1990..=2026)
                } else {
                    rng.random_range(2..=500)
                };
                let _ = write!(out, "{number}");
            } else {
                out.push_str(self.vocabulary.word(rng));
            }
        }
    }
}

/// Upper-cases the ASCII letter at byte `at` of `text`, if it is one.
fn capitalise_at(text: &mut String, at: usize) {
    if let Some(c) = text[at..].chars().next()
        && c.is_ascii_lowercase()
    {
        text.replace_range(at..at + 1, &c.to_ascii_uppercase().to_string());
    }
}

/// A unique id: the title's first words as a slug, then the brief's number.
fn id(title: &str, number: usize, total: usize) -> String {
    let mut slug = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
    {
        if slug.len() + word.len() > 56 {
            break;
        }
        slug.push_str(&word.to_ascii_lowercase());
        slug.push('-');
    }
    let width = total.saturating_sub(1).max(1).to_string().len();
    format!("{slug}{number:0width$}")
}

/// Year, month and day of a day number (days since 1970-01-01); Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Brief {
    /// The brief as a file in the brief format.
    pub fn to_toml(&self) -> String {
        let mut out = String::with_capacity(2048);
        let (year, month, day) = self.published;
        let _ = writeln!(out, "id = {}", quoted(&self.id));
        let _ = writeln!(out, "title = {}", quoted(&self.title));
        let _ = writeln!(out, "published = {year:04}-{month:02}-{day:02}");
        let _ = writeln!(out, "source = {}", quoted(&self.source));
        let _ = writeln!(out, "outlet = {}", quoted(&self.outlet));
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|t| quoted(t)).collect();
            let _ = writeln!(out, "tags = [{}]", tags.join(", "));
        }
        let _ = writeln!(out, "summary = {}", quoted(&self.summary));
        for quote in &self.quotes {
            out.push_str("\n[[quotes]]\n");
            let _ = writeln!(out, "speaker = {}", quoted(&quote.speaker));
            if let Some(role) = &quote.role {
                let _ = writeln!(out, "role = {}", quoted(role));
            }
            let _ = writeln!(out, "text = {}", quoted(&quote.text));
            if let Some(context) = &quote.context {
                let _ = writeln!(out, "context = {}", quoted(context));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_map_to_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(FIRST_DAY), (2015, 1, 1));
        assert_eq!(civil_from_days(FIRST_DAY + DAYS - 1), (2024, 12, 31));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn ids_are_slugs_with_a_unique_number() {
        assert_eq!(
            id("Putin: the cyber unit", 7, 10_000),
            "putin-the-cyber-unit-0007"
        );
        assert!(id(&"word ".repeat(40), 99_999, 100_000).len() <= 80);
    }
}
