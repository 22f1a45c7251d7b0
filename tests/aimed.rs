//! Property tests that aim: the briefs and the questions are made from one small vocabulary,
//! so that questions really match, and from the shapes that break code: every Unicode white
//! space, combining marks, right-to-left text, emoji and ZWJ sequences, markdown and mention
//! syntax, long runs of stop words inside quoted phrases, phrases taken across the end of a
//! field, URLs up to the limit and fields at their maximum length. Each brief is written as
//! TOML and read back with `brief::parse`; each answer is shown through every face
//! (support/faces.rs) and checked against Discord's limits.
//!
//! Case counts: 256 per property by default (about 20 s in a debug build on two idle
//! cores); `PROPTEST_CASES` overrides it for a longer soak, e.g.
//! `PROPTEST_CASES=2000 cargo test --release --test aimed`.

#[path = "support/faces.rs"]
mod faces;

use std::path::Path;
use std::sync::Arc;

use briefbot::answer::{self, AskOptions};
use briefbot::brief::{self, Brief, MAX_QUOTE, MAX_SHORT, MAX_SPEAKER, MAX_SUMMARY, MAX_TITLE};
use briefbot::language::Language;
use briefbot::library::{Edit, Library};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

/// Words the briefs and the questions share.
const WORDS: &[&str] = &[
    "election",
    "elections",
    "hacking",
    "hacked",
    "cyber",
    "security",
    "unit",
    "storm",
    "coast",
    "Putin",
    "Putin's",
    "Trump",
    "Graham",
    "café",
    "naïve",
    "Zürich",
    "e\u{301}lection",
    "Москва",
    "выборы",
    "東京",
    "選挙",
    "שלום",
    "انتخابات",
    "2016",
    "3.5",
    "U.S.",
    "can't",
    "hover-board",
    "hoverboard",
];

/// Stop words: they take positions, so runs of them stretch phrases.
const STOP_WORDS: &[&str] = &["a", "the", "of", "and", "in", "to", "is"];

/// Every kind of white space, and other things found between words.
const SPACES: &[&str] = &[
    " ", " ", " ", "\u{a0}", "\u{1680}", "\u{2000}", "\u{2001}", "\u{2002}", "\u{2003}",
    "\u{2004}", "\u{2005}", "\u{2006}", "\u{2007}", "\u{2008}", "\u{2009}", "\u{200a}", "\u{2028}",
    "\u{2029}", "\u{202f}", "\u{205f}", "\u{3000}", "\u{feff}", "\t", "\n", "  ", ", ", ". ",
    " - ", "\u{200b}",
];

/// What is not a word: markdown, mentions, marks, emoji, direction controls.
const DECOR: &[&str] = &[
    "**",
    "*",
    "_",
    "`",
    "```",
    "~~",
    "||",
    "\\",
    "> ",
    "# ",
    "- ",
    "[Free Nitro](https://evil.example/)",
    "<@123456789012345678>",
    "<#1>",
    "@everyone",
    "@here",
    "\u{202e}",
    "\u{200f}",
    "\u{200d}",
    "\u{301}\u{302}",
    "😀",
    "👩\u{200d}👩\u{200d}👧\u{200d}👦",
    "🇺🇦",
    "\"",
    "“",
    "”",
    "'",
    "(",
    ")",
    "…",
];

/// Speakers' names, some sharing a word.
const NAMES: &[&str] = &[
    "Vladimir Putin",
    "Donald Trump",
    "Lindsey Graham",
    "Graham Norton",
    "José Ñúñez",
    "Владимир Путин",
    "李 明",
    "Mary-Jane O'Neil",
    "Ann Lee",
    "Lee Ann",
    "محمد",
];

/// Titles put before names.
const TITLES: &[&str] = &["President", "Mr.", "Dr", "Senator"];

fn config(default_cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = default_cases;
    }
    config
}

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(list)
}

/// A piece of text: a word (most often), a run of stop words, or decoration.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => pick(WORDS).prop_map(str::to_owned),
        3 => pick(STOP_WORDS).prop_map(str::to_owned),
        1 => (pick(STOP_WORDS), 1usize..120).prop_map(|(w, n)| vec![w; n].join(" ")),
        2 => (pick(DECOR), pick(WORDS)).prop_map(|(d, w)| format!("{d}{w}{d}")),
        1 => pick(DECOR).prop_map(str::to_owned),
        1 => pick(NAMES).prop_map(str::to_owned),
    ]
}

/// Text of at most `max` characters that starts with a word: short, or filled to `max`.
fn text(max: usize) -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec((piece(), pick(SPACES)), 0..24);
    (pick(WORDS), pieces, prop::bool::weighted(0.2)).prop_map(move |(first, pieces, fill)| {
        let mut text = first.to_owned();
        for (piece, space) in &pieces {
            text.push_str(space);
            text.push_str(piece);
        }
        if fill {
            // The same text again and again, to the limit.
            let unit = format!("{text} ");
            while text.chars().count() < max {
                text.push_str(&unit);
            }
        }
        text.chars().take(max).collect()
    })
}

/// A URL of up to the 2,048 characters a brief allows once stored (percent-encoded: an `é`
/// takes six).
fn url() -> impl Strategy<Value = String> {
    let length = prop_oneof![1usize..40, 1000usize..=2028];
    (length, "[a-zA-Z0-9_.()é-]{1,8}").prop_map(|(length, unit)| {
        let mut stored = 0;
        let path: String = unit
            .chars()
            .cycle()
            .take_while(|&c| {
                stored += if c.is_ascii() { 1 } else { 6 };
                stored <= length
            })
            .collect();
        format!("https://example.com/{path}")
    })
}

#[derive(Debug, Clone)]
struct Quote {
    speaker: String,
    role: Option<String>,
    text: String,
    context: Option<String>,
}

/// A brief as generated, before it is written as TOML.
#[derive(Debug, Clone)]
struct Generated {
    title: String,
    day: u8,
    language: &'static str,
    source: Option<String>,
    image: Option<String>,
    outlet: Option<String>,
    tags: Vec<String>,
    summary: String,
    quotes: Vec<Quote>,
    alias: Option<(&'static str, String)>,
}

fn speaker() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => pick(NAMES).prop_map(str::to_owned),
        1 => (pick(DECOR), pick(NAMES)).prop_map(|(d, n)| format!("{d}{n}")),
        1 => text(MAX_SPEAKER),
    ]
}

fn quote() -> impl Strategy<Value = Quote> {
    (
        speaker(),
        prop::option::of(text(MAX_SHORT)),
        text(MAX_QUOTE),
        prop::option::weighted(0.3, text(500)),
    )
        .prop_map(|(speaker, role, text, context)| Quote {
            speaker,
            role,
            text,
            context,
        })
}

fn generated() -> impl Strategy<Value = Generated> {
    let head = (
        text(MAX_TITLE),
        1u8..=28,
        prop::sample::select(&["en", "en", "en", "de", "ru", "fr"][..]),
        prop::option::of(url()),
        prop::option::weighted(0.2, url()),
        prop::option::of(text(MAX_SHORT)),
    );
    let body = (
        prop::collection::vec(text(MAX_SHORT), 0..=20),
        text(MAX_SUMMARY),
        prop::collection::vec(quote(), 0..=25),
        prop::option::weighted(0.3, (pick(NAMES), pick(WORDS).prop_map(str::to_owned))),
    );
    (head, body).prop_map(
        |((title, day, language, source, image, outlet), (tags, summary, quotes, alias))| {
            Generated {
                title,
                day,
                language,
                source,
                image,
                outlet,
                tags,
                summary,
                quotes,
                alias,
            }
        },
    )
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

impl Generated {
    fn toml(&self) -> String {
        let mut toml = format!(
            "title = {}\npublished = 2020-01-{:02}\nlanguage = \"{}\"\nsummary = {}\n",
            toml_string(&self.title),
            self.day,
            self.language,
            toml_string(&self.summary)
        );
        for (key, value) in [
            ("source", &self.source),
            ("image", &self.image),
            ("outlet", &self.outlet),
        ] {
            if let Some(value) = value {
                toml.push_str(&format!("{key} = {}\n", toml_string(value)));
            }
        }
        let tags: Vec<String> = self.tags.iter().map(|t| toml_string(t)).collect();
        toml.push_str(&format!("tags = [{}]\n", tags.join(", ")));
        for quote in &self.quotes {
            toml.push_str("[[quotes]]\n");
            toml.push_str(&format!("speaker = {}\n", toml_string(&quote.speaker)));
            toml.push_str(&format!("text = {}\n", toml_string(&quote.text)));
            for (key, value) in [("role", &quote.role), ("context", &quote.context)] {
                if let Some(value) = value {
                    toml.push_str(&format!("{key} = {}\n", toml_string(value)));
                }
            }
        }
        if let Some((name, alias)) = &self.alias {
            toml.push_str(&format!(
                "[aliases]\n{} = [{}]\n",
                toml_string(name),
                toml_string(alias)
            ));
        }
        toml
    }

    /// The searched texts, in the order the index lays them out.
    fn fields(&self) -> Vec<&str> {
        let mut fields = vec![self.title.as_str()];
        fields.extend(self.tags.iter().map(String::as_str));
        fields.push(&self.summary);
        for quote in &self.quotes {
            fields.push(&quote.speaker);
            fields.push(&quote.text);
        }
        fields
    }
}

/// Parses generated briefs (each must be valid) and builds their library, either at once or
/// with the last one added to a built library (the incremental path).
fn library(generated: &[Generated], incremental: bool) -> Library {
    let mut briefs: Vec<Arc<Brief>> = generated
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let toml = g.toml();
            let parsed = brief::parse(
                Path::new(&format!("b{i}.toml")),
                toml.as_bytes(),
                Language::English,
            );
            Arc::new(parsed.unwrap_or_else(|e| panic!("a generated brief is valid: {e:?}\n{toml}")))
        })
        .collect();
    match briefs.pop() {
        Some(last) if incremental => Library::from_shared(briefs).edit(&[Edit::Put(last)]),
        Some(last) => {
            briefs.push(last);
            Library::from_shared(briefs)
        }
        None => Library::new(Vec::new()),
    }
}

/// How to make a question from the briefs: indices are taken modulo what there is.
#[derive(Debug, Clone)]
enum Recipe {
    /// Words of the vocabulary.
    Words(Vec<&'static str>),
    /// Words of one field of a brief, quoted or not.
    Window {
        brief: usize,
        field: usize,
        start: usize,
        len: usize,
        quoted: bool,
    },
    /// A quoted phrase from the last words of a field to the first of the next, with a run
    /// of stop words between them.
    Across {
        brief: usize,
        field: usize,
        before: usize,
        after: usize,
        stop_words: usize,
    },
    /// Anything, with decoration.
    Text(String),
}

fn recipe() -> impl Strategy<Value = Recipe> {
    prop_oneof![
        2 => prop::collection::vec(pick(WORDS), 1..5).prop_map(Recipe::Words),
        3 => (any::<usize>(), any::<usize>(), any::<usize>(), 1usize..6, any::<bool>()).prop_map(
            |(brief, field, start, len, quoted)| Recipe::Window { brief, field, start, len, quoted }
        ),
        3 => (any::<usize>(), any::<usize>(), 0usize..4, 1usize..4, prop_oneof![0usize..8, 55usize..75, 0usize..300])
            .prop_map(|(brief, field, before, after, stop_words)| Recipe::Across {
                brief, field, before, after, stop_words
            }),
        1 => text(300).prop_map(Recipe::Text),
    ]
}

impl Recipe {
    fn question(&self, briefs: &[Generated]) -> String {
        let words = |text: &str| -> Vec<String> {
            text.split(char::is_whitespace)
                .filter(|w| !w.is_empty())
                .map(|w| w.replace(['"', '“', '”', '«', '»', '„'], ""))
                .collect()
        };
        match self {
            Recipe::Words(words) => words.join(" "),
            Recipe::Text(text) => text.clone(),
            Recipe::Window { .. } | Recipe::Across { .. } if briefs.is_empty() => String::new(),
            Recipe::Window {
                brief,
                field,
                start,
                len,
                quoted,
            } => {
                let fields = briefs[brief % briefs.len()].fields();
                let all = words(fields[field % fields.len()]);
                let start = start % all.len().max(1);
                let window = all[start.min(all.len())..(start + len).min(all.len())].join(" ");
                if *quoted {
                    format!("\"{window}\"")
                } else {
                    window
                }
            }
            Recipe::Across {
                brief,
                field,
                before,
                after,
                stop_words,
            } => {
                let fields = briefs[brief % briefs.len()].fields();
                let at = field % fields.len();
                let end = words(fields[at]);
                let next = fields.get(at + 1).map(|f| words(f)).unwrap_or_default();
                let mut phrase: Vec<String> = end[end.len().saturating_sub(*before)..].to_vec();
                phrase.extend(std::iter::repeat_n("a".to_owned(), *stop_words));
                phrase.extend(next.into_iter().take(*after));
                format!("\"{}\"", phrase.join(" "))
            }
        }
    }
}

/// A speaker's name as people type it.
#[derive(Debug, Clone)]
enum Typed {
    Whole(&'static str),
    LastWord(&'static str),
    Lower(&'static str),
    Upper(&'static str),
    Typo(&'static str, usize),
    Titled(&'static str, &'static str),
    Decorated(&'static str, &'static str),
    Text(String),
}

fn typed() -> impl Strategy<Value = Typed> {
    prop_oneof![
        pick(NAMES).prop_map(Typed::Whole),
        pick(NAMES).prop_map(Typed::LastWord),
        pick(NAMES).prop_map(Typed::Lower),
        pick(NAMES).prop_map(Typed::Upper),
        (pick(NAMES), any::<usize>()).prop_map(|(n, at)| Typed::Typo(n, at)),
        (pick(TITLES), pick(NAMES)).prop_map(|(t, n)| Typed::Titled(t, n)),
        (pick(DECOR), pick(NAMES)).prop_map(|(d, n)| Typed::Decorated(d, n)),
        text(120).prop_map(Typed::Text),
    ]
}

impl Typed {
    fn name(&self) -> String {
        match self {
            Typed::Whole(n) => (*n).to_owned(),
            Typed::LastWord(n) => n.split(' ').next_back().unwrap_or(n).to_owned(),
            Typed::Lower(n) => n.to_lowercase(),
            Typed::Upper(n) => n.to_uppercase(),
            Typed::Typo(n, at) => {
                let mut chars: Vec<char> = n.chars().collect();
                chars.remove(at % chars.len());
                chars.into_iter().collect()
            }
            Typed::Titled(t, n) => format!("{t} {n}"),
            Typed::Decorated(d, n) => format!("{d}{n}{d}"),
            Typed::Text(text) => text.clone(),
        }
    }
}

fn options() -> impl Strategy<Value = AskOptions> {
    (
        1usize..=10,
        0usize..=10,
        prop_oneof![80usize..200, 200usize..=4000],
    )
        .prop_map(|(limit, quotes, summary_chars)| AskOptions {
            limit,
            quotes,
            summary_chars,
        })
}

/// Briefs, questions about them and the shape of the answers.
type Case = (Vec<Generated>, Vec<Recipe>, AskOptions, bool);

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(generated(), 1..4),
        prop::collection::vec(recipe(), 1..8),
        options(),
        any::<bool>(),
    )
}

/// Asks every question of the case and shows every answer through every face.
fn ask_everywhere(case: &Case) -> Vec<answer::Answer> {
    let (generated, recipes, options, incremental) = case;
    let library = library(generated, *incremental);
    faces::show_library(&library);
    let questions: Vec<String> = recipes.iter().map(|r| r.question(generated)).collect();
    let answers = questions
        .iter()
        .map(|question| {
            let answer = answer::ask(&library, question, *options);
            faces::show_answer(&answer, *options);
            faces::autocomplete(&library, question);
            answer
        })
        .collect();
    faces::chat(&library, *options, &questions);
    answers
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn aimed_questions_are_answered_through_every_face(case in case()) {
        ask_everywhere(&case);
    }

    #[test]
    fn aimed_speakers_are_found_and_shown_through_every_face(
        generated in prop::collection::vec(generated(), 1..4),
        names in prop::collection::vec((typed(), prop::option::of(recipe()), prop::option::of(1usize..20)), 1..6),
        incremental in any::<bool>(),
    ) {
        let library = library(&generated, incremental);
        for (typed, about, limit) in &names {
            let name = typed.name();
            let about = about.as_ref().map(|r| r.question(&generated));
            let quotes = answer::quotes(&library, &name, about.as_deref(), *limit);
            prop_assert!(quotes.quotes.len() <= limit.unwrap_or(usize::MAX));
            faces::show_quotes(&quotes);
            faces::autocomplete(&library, &name);
        }
    }
}

/// The generators aim: most questions find briefs, quoted phrases are found and highlighted,
/// and phrases across field ends with long runs of stop words are made. (A generator that
/// made only noise would pass the properties above and prove little.)
#[test]
fn the_generators_aim() {
    let mut runner = TestRunner::deterministic();
    let (mut questions, mut answered, mut phrases_marked, mut long_runs) = (0, 0, 0, 0);
    for _ in 0..24 {
        let case = case().new_tree(&mut runner).expect("a case").current();
        let answers = ask_everywhere(&case);
        for (recipe, answer) in case.1.iter().zip(&answers) {
            questions += 1;
            answered += usize::from(!answer.results.is_empty());
            if let &Recipe::Across { stop_words, .. } = recipe {
                long_runs += usize::from(stop_words > 60);
            }
            // A mark holding a space is a phrase (or neighbouring words) highlighted whole.
            phrases_marked += usize::from(answer.results.iter().any(|r| {
                std::iter::once(&r.excerpt)
                    .chain(std::iter::once(&r.title))
                    .chain(r.quotes.iter().map(|q| &q.text))
                    .any(|m| {
                        m.marked_words()
                            .iter()
                            .any(|w| w.contains(char::is_whitespace))
                    })
            }));
        }
    }
    // Today: 92 of 104 answered, 35 with a phrase marked, 17 long runs.
    assert!(
        answered * 4 > questions * 3,
        "{answered} of {questions} questions answered"
    );
    assert!(
        phrases_marked * 5 > questions,
        "{phrases_marked} of {questions} with a phrase marked"
    );
    assert!(
        long_runs > 0,
        "no phrase across a field end with a long run of stop words"
    );
}
