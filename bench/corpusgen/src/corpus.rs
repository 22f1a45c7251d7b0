//! Generating one brief and writing it in the brief format (`BRIEF_FORMAT.md`, v1).

use std::fmt::Write as _;

use rand::RngExt;
use rand_pcg::Pcg64;

use crate::languages::{Language, elide, fold};
use crate::people::{self, Speaker, capitalise};
use crate::shape::{Shape, Summary};
use crate::vocabulary::{Ranked, Vocabulary};

/// Distinct tags in the corpus, per language.
const TAGS: usize = 600;
/// Distinct outlets.
const OUTLETS: usize = 60;
/// The corpus spans ten years from this day (days since 1970-01-01 of 2015-01-01).
const FIRST_DAY: i64 = 16_436;
const DAYS: i64 = 3_653;
/// The brief format's limits, in characters (`src/brief.rs`).
const MAX_TITLE: usize = 256;
const MAX_SUMMARY: usize = 4_000;
const MAX_QUOTE: usize = 1_000;
/// A summary cut to a length in characters takes no new sentence when less room than this is
/// left: enough for a speaker's name, "said", a word and the full stop.
const SENTENCE_ROOM: usize = 60;
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

/// One generated brief.
pub struct Brief {
    pub id: String,
    pub title: String,
    /// Year, month, day.
    pub published: (i64, u32, u32),
    pub source: String,
    pub outlet: String,
    /// The `language` key, written only in a corpus of several languages.
    pub language: Option<&'static str>,
    /// Which of the generator's languages the brief is written in.
    pub prose: usize,
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

/// What one language's text is drawn from.
pub struct Prose {
    pub language: &'static Language,
    pub vocabulary: Vocabulary,
    tags: Vec<String>,
}

/// Everything briefs are drawn from.
pub struct Generator {
    pub shape: Shape,
    /// One per language of the shape, English first.
    pub prose: Vec<Prose>,
    pub speakers: Vec<Speaker>,
    pub speaker_ranks: Ranked,
    tag_ranks: Ranked,
    outlets: Vec<String>,
    outlet_ranks: Ranked,
}

impl Generator {
    /// Draws the speakers, English tags and outlets of a corpus, then the vocabulary and tags
    /// of each other language of the shape from its word list in `others` (in the order of
    /// `Shape::languages`, English left out).
    pub fn new(
        shape: Shape,
        english: Vocabulary,
        others: &[String],
        rng: &mut Pcg64,
    ) -> Result<Self, String> {
        let speakers = people::speakers(&english, shape.speakers(), rng);
        let english_tags = tags(&english, rng);
        let outlets = (0..OUTLETS)
            .map(|_| {
                format!(
                    "{} {}",
                    english.proper_noun(rng),
                    MASTHEADS[rng.random_range(0..MASTHEADS.len())]
                )
            })
            .collect();
        let others = shape.languages()[1..]
            .iter()
            .zip(others)
            .map(|(language, list)| {
                let vocabulary = Vocabulary::sharing_names(list, language, &english, rng)?;
                let tags = tags(&vocabulary, rng);
                Ok(Prose {
                    language,
                    vocabulary,
                    tags,
                })
            })
            .collect::<Result<Vec<Prose>, String>>()?;
        let mut prose = vec![Prose {
            language: shape.languages()[0],
            vocabulary: english,
            tags: english_tags,
        }];
        prose.extend(others);
        Ok(Generator {
            shape,
            speaker_ranks: Ranked::new(speakers.len(), 1.0),
            tag_ranks: Ranked::new(TAGS, 1.0),
            outlet_ranks: Ranked::new(OUTLETS, 1.0),
            prose,
            speakers,
            outlets,
        })
    }

    /// The `number`th brief of a corpus of `total`.
    pub fn brief(&self, number: usize, total: usize, rng: &mut Pcg64) -> Brief {
        let index = if self.prose.len() > 1 {
            rng.random_range(0..self.prose.len())
        } else {
            0
        };
        let prose = &self.prose[index];
        let quotes = self.shape.quotes();
        let quote_count = if quotes.start() == quotes.end() {
            *quotes.start()
        } else {
            rng.random_range(quotes)
        };
        let quoted: Vec<&Speaker> = (0..quote_count)
            .map(|_| &self.speakers[self.speaker_ranks.sample(rng)])
            .collect();

        let title_words = rng.random_range(6..=14);
        let mut title = String::new();
        if !quoted.is_empty() && rng.random_bool(0.25) {
            // News titles often lead with who spoke: "Putin: ...".
            title.push_str(&quoted[0].last);
            title.push_str(": ");
            self.words(prose, title_words - 1, rng, &mut title);
        } else {
            self.words(prose, title_words, rng, &mut title);
        }
        let title = finish(prose, capitalise(&title));
        assert!(title.chars().count() <= MAX_TITLE, "titles fit the format");

        let summary = self.summary(prose, &quoted, rng);
        assert!(
            summary.chars().count() <= MAX_SUMMARY,
            "summaries fit the format"
        );

        let tag_count = rng.random_range(0..=5);
        let mut tags: Vec<String> = Vec::with_capacity(tag_count);
        for _ in 0..tag_count {
            let tag = &prose.tags[self.tag_ranks.sample(rng)];
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
                self.words(prose, first, rng, &mut text);
                text = capitalise(&text);
                text.push('.');
                if first < length {
                    text.push(' ');
                    let start = text.len();
                    self.words(prose, length - first, rng, &mut text);
                    capitalise_at(&mut text, start);
                    text.push('.');
                }
                let text = finish(prose, text);
                assert!(text.chars().count() <= MAX_QUOTE, "quotes fit the format");
                let role = rng.random_bool(0.9).then(|| speaker.role.clone());
                let contexts = prose.language.contexts;
                let context = rng.random_bool(0.3).then(|| {
                    format!(
                        "{} {}",
                        contexts[rng.random_range(0..contexts.len())],
                        prose.vocabulary.proper_noun(rng)
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
        let id = id(&fold(&title), number, total);
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
            language: (self.prose.len() > 1).then_some(prose.language.code),
            prose: index,
            tags,
            summary,
            quotes,
        }
    }

    /// A summary as long as the shape says, naming one of the `quoted` people (when there
    /// are any) in one sentence, as news summaries do.
    fn summary(&self, prose: &Prose, quoted: &[&Speaker], rng: &mut Pcg64) -> String {
        let mut summary = String::new();
        let mut mentioned = false;
        match self.shape.summary() {
            Summary::Words(words) => {
                let mut left = rng.random_range(words);
                while left > 0 {
                    let length = rng.random_range(8..=24usize).min(left);
                    let length = if left - length < 4 { left } else { length };
                    if !summary.is_empty() {
                        summary.push(' ');
                    }
                    let speaker = mention(quoted, &mut mentioned, rng);
                    summary.push_str(&self.sentence(prose, length, speaker, usize::MAX, rng));
                    left -= length;
                }
            }
            Summary::Sentences(count) => {
                for _ in 0..count {
                    let length = rng.random_range(8..=24usize);
                    if !summary.is_empty() {
                        summary.push(' ');
                    }
                    let speaker = mention(quoted, &mut mentioned, rng);
                    summary.push_str(&self.sentence(prose, length, speaker, usize::MAX, rng));
                }
            }
            Summary::Characters(characters) => {
                let target = rng.random_range(characters);
                let mut length = 0;
                while target.saturating_sub(length) > SENTENCE_ROOM {
                    if !summary.is_empty() {
                        summary.push(' ');
                        length += 1;
                    }
                    let words = rng.random_range(8..=24usize);
                    let speaker = mention(quoted, &mut mentioned, rng);
                    let sentence = self.sentence(prose, words, speaker, target - length, rng);
                    length += sentence.chars().count();
                    summary.push_str(&sentence);
                }
            }
        }
        finish(prose, summary)
    }

    /// A sentence of `count` words, the first capitalised, ending in a full stop, at most
    /// `limit` characters long (fewer words then). With a speaker, it starts "Name said".
    fn sentence(
        &self,
        prose: &Prose,
        count: usize,
        speaker: Option<&Speaker>,
        limit: usize,
        rng: &mut Pcg64,
    ) -> String {
        let mut sentence = String::new();
        let count = match speaker {
            Some(speaker) => {
                let _ = write!(sentence, "{} {} ", speaker.name(), prose.language.said);
                count.saturating_sub(prose.language.mention_words()).max(1)
            }
            None => count,
        };
        let mut length = sentence.chars().count();
        let mut word = String::new();
        for i in 0..count {
            word.clear();
            self.word(prose, i == 0, rng, &mut word);
            let word_length = word.chars().count();
            if length.saturating_add(word_length + 1) > limit {
                break;
            }
            length += word_length;
            sentence.push_str(&word);
        }
        capitalise_at(&mut sentence, 0);
        sentence.push('.');
        sentence
    }

    /// Appends `count` words of running text: mostly Zipf words, some proper nouns and
    /// numbers, an occasional comma.
    fn words(&self, prose: &Prose, count: usize, rng: &mut Pcg64, out: &mut String) {
        for i in 0..count {
            self.word(prose, i == 0, rng, out);
        }
    }

    /// Appends one word of running text, after a space (and sometimes a comma) unless it is
    /// the `first`.
    fn word(&self, prose: &Prose, first: bool, rng: &mut Pcg64, out: &mut String) {
        if !first {
            if rng.random_bool(0.06) {
                out.push(',');
            }
            out.push(' ');
        }
        let roll: f64 = rng.random();
        if roll < 0.04 {
            out.push_str(prose.vocabulary.proper_noun(rng));
        } else if roll < 0.047 {
            let number = if rng.random_bool(0.5) {
                rng.random_range(1990..=2026)
            } else {
                rng.random_range(2..=500)
            };
            let _ = write!(out, "{number}");
        } else {
            out.push_str(prose.vocabulary.word(rng));
        }
    }
}

/// `TAGS` topics: moderately frequent words, alone or in pairs ("cyber security").
fn tags(vocabulary: &Vocabulary, rng: &mut Pcg64) -> Vec<String> {
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
    tags
}

/// The speaker a sentence names, if it names one: at most one sentence of a summary does,
/// each with a 60% chance until one has.
fn mention<'a>(
    quoted: &[&'a Speaker],
    mentioned: &mut bool,
    rng: &mut Pcg64,
) -> Option<&'a Speaker> {
    if quoted.is_empty() || *mentioned || !rng.random_bool(0.6) {
        return None;
    }
    *mentioned = true;
    Some(quoted[rng.random_range(0..quoted.len())])
}

/// Text as the language writes it (French elision).
fn finish(prose: &Prose, text: String) -> String {
    if prose.language.elides {
        elide(&text)
    } else {
        text
    }
}

/// Upper-cases the letter at byte `at` of `text`, if it is a lower-case one.
fn capitalise_at(text: &mut String, at: usize) {
    if let Some(c) = text[at..].chars().next()
        && c.is_lowercase()
    {
        text.replace_range(at..at + c.len_utf8(), &c.to_uppercase().to_string());
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
        if let Some(language) = self.language {
            let _ = writeln!(out, "language = {}", quoted(language));
        }
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

    /// A word list of `count` distinct made-up words of 4 to 15 letters from `letters` (20
    /// or more), in lower case but for the first letter from `capitalised` on.
    fn word_list(letters: &[char], count: usize, capitalised: usize) -> String {
        let mut list = String::new();
        for n in 0..count {
            // n in base letters.len(), padded to 4 + n % 12 digits: its first four tell n.
            let mut word = String::new();
            let mut rest = n;
            for _ in 0..4 + n % 12 {
                word.push(letters[rest % letters.len()]);
                rest /= letters.len();
            }
            if n >= capitalised {
                word = capitalise(&word);
            }
            list.push_str(&word);
            list.push('\n');
        }
        list
    }

    fn generator(shape: Shape) -> (Generator, Pcg64) {
        use rand::SeedableRng;
        let ascii: Vec<char> = ('a'..='z').collect();
        let mut rng = Pcg64::seed_from_u64(1);
        let english = Vocabulary::english(&word_list(&ascii, 12_000, 8_000), &mut rng)
            .expect("a large enough list");
        let german: Vec<char> = "abdeghiklmnorstuäöüß".chars().collect();
        let french: Vec<char> = "abcdeilmnorstuéèàçœ".chars().collect();
        let others = [
            word_list(&german, 12_000, 8_000),
            word_list(&french, 12_000, 12_000),
        ];
        let generator =
            Generator::new(shape, english, &others, &mut rng).expect("large enough lists");
        (generator, rng)
    }

    #[test]
    fn every_shape_fits_the_brief_format() {
        for shape in [Shape::News, Shape::Short, Shape::Long, Shape::Multilingual] {
            let (generator, mut rng) = generator(shape);
            let mut languages = std::collections::HashMap::new();
            for number in 0..300 {
                let brief = generator.brief(number, 300, &mut rng);
                let summary = brief.summary.chars().count();
                assert!(brief.title.chars().count() <= MAX_TITLE);
                assert!((1..=MAX_SUMMARY).contains(&summary));
                assert!(brief.quotes.len() <= 25);
                assert!(shape.quotes().contains(&brief.quotes.len()));
                for quote in &brief.quotes {
                    assert!(quote.text.chars().count() <= MAX_QUOTE);
                }
                match shape {
                    Shape::Short => assert_eq!(brief.summary.matches('.').count(), 2),
                    Shape::Long => assert!(summary >= 3_600, "{summary} characters"),
                    Shape::News | Shape::Multilingual => {}
                }
                *languages.entry(brief.language).or_insert(0) += 1;
            }
            if shape == Shape::Multilingual {
                for code in ["en", "de", "fr"] {
                    let count = languages.get(&Some(code)).copied().unwrap_or(0);
                    assert!((70..=130).contains(&count), "{count} briefs in {code}");
                }
            } else {
                assert_eq!(languages.get(&None), Some(&300));
            }
        }
    }

    #[test]
    fn every_shape_has_queries() {
        for shape in [Shape::News, Shape::Short, Shape::Long, Shape::Multilingual] {
            let (generator, mut rng) = generator(shape);
            let mut titles = vec![Vec::new(); generator.prose.len()];
            for number in 0..100 {
                let brief = generator.brief(number, 100, &mut rng);
                titles[brief.prose].push(brief.title);
            }
            let queries = crate::queries::generate(&generator, &titles, 500, &mut rng);
            assert_eq!(queries.len(), 500);
            assert!(queries.iter().all(|query| !query.trim().is_empty()));
            let accented = queries.iter().filter(|query| !query.is_ascii()).count();
            assert_eq!(accented > 0, shape == Shape::Multilingual);
        }
    }

    #[test]
    fn long_briefs_quote_five_thousand_people() {
        let (generator, _) = generator(Shape::Long);
        assert_eq!(generator.speakers.len(), 5_000);
    }
}
