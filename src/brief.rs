//! `Brief` and `Quote`, and parsing one brief file into them with located errors.
//!
//! The format is `docs/brief-format.md` (version 1). Parsing is two steps: serde turns the
//! TOML into a raw struct whose fields keep their spans (unknown keys denied), then `validate`
//! checks every limit and collects the problems of the file, each with its line and column,
//! so an editor can fix a file in one pass.
//!
//! A hostile file costs work in proportion to its size, never more: lists are read only one
//! item past their limit (the rest are counted, not kept or checked), at most
//! [`MAX_PROBLEMS`] problems are listed per file (then how many more there are), and a byte
//! offset becomes a line and column through one index of the file ([`LineIndex`]) instead of
//! a scan of everything before it.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use toml::Spanned;
use toml::value::{Datetime, Offset};

use crate::language::Language;
use crate::prose::{Prose, Unpacked};

/// Longest id, in characters.
pub const MAX_ID: usize = 80;
/// Longest title: a Discord embed title.
pub const MAX_TITLE: usize = 256;
/// Longest summary: fits a Discord embed description with room to spare.
pub const MAX_SUMMARY: usize = 4000;
/// Longest speaker name.
pub const MAX_SPEAKER: usize = 100;
/// Longest quote text: a Discord embed field value is 1024.
pub const MAX_QUOTE: usize = 1000;
/// Longest role, outlet or tag (not fixed by the format; keeps a footer within Discord's 2048).
pub const MAX_SHORT: usize = 200;
/// Longest quote context.
pub const MAX_CONTEXT: usize = 500;
/// Most tags on one brief.
pub const MAX_TAGS: usize = 20;
/// Most aliases for one speaker, and most speakers with aliases in one brief.
pub const MAX_ALIASES: usize = 10;
/// Most quotes on one brief (a Discord embed holds 25 fields).
pub const MAX_QUOTES: usize = 25;
/// Longest URL.
pub const MAX_URL: usize = 2048;
/// Most problems listed for one file; past them, one more line says how many were left out.
pub const MAX_PROBLEMS: usize = 20;
/// Most keys and values (strings, numbers, dates, bare keys) a brief file may hold. A valid
/// brief holds a few hundred at most; parsing makes a node of each before any limit can be
/// checked, about 200 bytes apiece, so a file of four million empty tags took 845 MiB.
pub const MAX_TOML_ITEMS: usize = 4096;
/// Files shorter than this hold too few items to matter and are not counted first.
const COUNT_ITEMS_FROM: usize = 64 * 1024;

/// A brief's id: `[a-z0-9-]`, 1 to 80 characters. Valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BriefId(String);

impl BriefId {
    /// Checks `id` against the id rules; the error says what is wrong.
    pub fn parse(id: &str) -> Result<Self, String> {
        if id.is_empty() {
            return Err("id is empty; expected 1 to 80 characters from a-z, 0-9 and -".into());
        }
        let length = id.chars().count();
        if length > MAX_ID {
            return Err(format!(
                "id is {length} characters long; expected at most {MAX_ID}"
            ));
        }
        if let Some(bad) = id
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!(
                "id `{id}` contains {bad:?}; expected only a-z, 0-9 and -"
            ));
        }
        Ok(BriefId(id.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BriefId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// When an article was published: a date, or an offset date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// Year, month and day as written (for a date-time, in its own offset).
    pub year: u16,
    pub month: u8,
    pub day: u8,
    /// Seconds since 1970-01-01T00:00:00Z; a plain date counts as its midnight UTC.
    /// Orders briefs newest first.
    pub instant: i64,
}

impl Published {
    fn from_toml(datetime: &Datetime) -> Option<Self> {
        let date = datetime.date?;
        let seconds_into_day = match (datetime.time, datetime.offset) {
            (None, None) => 0,
            (Some(time), Some(offset)) => {
                let offset_minutes = match offset {
                    Offset::Z => 0,
                    Offset::Custom { minutes } => i64::from(minutes),
                };
                i64::from(time.hour) * 3600
                    + i64::from(time.minute) * 60
                    + i64::from(time.second.unwrap_or(0))
                    - offset_minutes * 60
            }
            // A local date-time or a bare time has no fixed instant.
            _ => return None,
        };
        let days = days_from_civil(
            i64::from(date.year),
            i64::from(date.month),
            i64::from(date.day),
        );
        Some(Published {
            year: date.year,
            month: date.month,
            day: date.day,
            instant: days * 86_400 + seconds_into_day,
        })
    }
}

impl fmt::Display for Published {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// One key quote of a brief. Its words are kept with the brief's summary, compressed: see
/// [`Brief::text`].
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub speaker: Arc<str>,
    pub role: Option<Arc<str>>,
    pub context: Option<Arc<str>>,
}

/// One news article, as an editor summarised it.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub id: BriefId,
    pub title: String,
    pub published: Published,
    pub source: Option<String>,
    pub outlet: Option<Arc<str>>,
    pub language: Language,
    pub image: Option<String>,
    pub tags: Vec<Arc<str>>,
    /// The summary, then the words of each quote in order: read them with [`Brief::text`].
    prose: Prose,
    /// In order of importance: the first is the key quote.
    pub quotes: Vec<Quote>,
    /// Other names people use for a speaker ("POTUS" for "Donald Trump"), by speaker name.
    /// An extension of the v1 format: `[aliases]` with `"Speaker Name" = ["Alias", ...]`.
    pub aliases: Vec<(String, Vec<String>)>,
    /// The file the brief was read from.
    pub path: PathBuf,
}

impl Brief {
    /// The summary and the words of the quotes, unpacked. Unpack once for all the texts a
    /// reply needs: each call decompresses them again.
    pub fn text(&self) -> Text<'_> {
        Text(self.prose.unpack())
    }
}

/// A brief's summary and quotes' words, unpacked: see [`Brief::text`].
#[derive(Debug)]
pub struct Text<'a>(Unpacked<'a>);

impl Text<'_> {
    /// The summary.
    pub fn summary(&self) -> &str {
        self.0.get(0)
    }

    /// The words of quote `quote` (counted from 0, as in [`Brief::quotes`]); empty if there
    /// is no such quote.
    pub fn quote(&self, quote: usize) -> &str {
        self.0.get(quote + 1)
    }
}

/// Where in a brief file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text`, the contents of `path`. For more than one
    /// location in the same text, make one [`LineIndex`] and ask it.
    pub fn at(path: &Path, text: &str, offset: usize) -> Self {
        LineIndex::new(text).locate(path, text, offset)
    }
}

/// Where the lines of a text start, and how many characters come before each block of
/// [`LineIndex::BLOCK`] bytes: a byte offset becomes a line (a binary search) and a column (a
/// count within one block, twice), however long the text or its lines are.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of each line's start; the first is 0.
    starts: Vec<usize>,
    /// Characters before each block, and after the last: one more entry than blocks.
    chars_before_block: Vec<usize>,
}

impl LineIndex {
    const BLOCK: usize = 4096;

    /// Indexes `text` in one pass.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let mut chars_before_block = Vec::with_capacity(text.len() / Self::BLOCK + 2);
        let mut chars = 0;
        chars_before_block.push(0);
        for block in text.as_bytes().chunks(Self::BLOCK) {
            chars += char_starts(block);
            chars_before_block.push(chars);
        }
        LineIndex {
            starts,
            chars_before_block,
        }
    }

    /// Characters that start before byte `offset` (at most `text.len()`) of `text`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / Self::BLOCK;
        self.chars_before_block[block] + char_starts(&text.as_bytes()[block * Self::BLOCK..offset])
    }

    /// The location of byte `offset` in `text` (the text indexed), the contents of `path`.
    pub fn locate(&self, path: &Path, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line - 1];
        Location {
            path: path.to_owned(),
            line,
            column: self.chars_before(text, offset) - self.chars_before(text, line_start) + 1,
        }
    }
}

/// How many characters start in `bytes` (UTF-8): every byte but continuation bytes.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// A problem with a brief file, located at file:line:col.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct BriefError {
    pub location: Location,
    /// What is wrong and what is expected.
    pub message: String,
}

impl BriefError {
    /// A problem with the file as a whole (unreadable, missing), placed at 1:1.
    pub fn whole_file(path: &Path, message: impl Into<String>) -> Self {
        BriefError {
            location: Location {
                path: path.to_owned(),
                line: 1,
                column: 1,
            },
            message: message.into(),
        }
    }
}

/// Turns byte offsets of one file's text into locations.
struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
    /// Made at the first problem: a valid file never needs it.
    index: OnceLock<LineIndex>,
}

impl<'a> Locator<'a> {
    fn new(path: &'a Path, text: &'a str) -> Self {
        Locator {
            path,
            text,
            index: OnceLock::new(),
        }
    }

    fn error(&self, span: &Range<usize>, message: impl Into<String>) -> BriefError {
        let index = self.index.get_or_init(|| LineIndex::new(self.text));
        BriefError {
            location: index.locate(self.path, self.text, span.start),
            message: message.into(),
        }
    }
}

/// An array read at most one item past its limit `MAX`: the items beyond are counted and
/// skipped, neither kept nor checked, so a file of a million tags costs no more to check
/// than one of 21.
#[derive(Debug)]
struct Capped<T, const MAX: usize> {
    /// At most `MAX + 1`: enough to point at the first item too many.
    items: Vec<T>,
    /// How many the file holds.
    count: usize,
}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for Capped<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items<T, const MAX: usize>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const MAX: usize> Visitor<'de> for Items<T, MAX> {
            type Value = Capped<T, MAX>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // As serde's own Vec does: no room wasted when the list is short.
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX + 1));
                let mut count = 0;
                loop {
                    if items.len() <= MAX {
                        match seq.next_element::<T>()? {
                            Some(item) => items.push(item),
                            None => break,
                        }
                    } else if seq.next_element::<IgnoredAny>()?.is_none() {
                        break;
                    }
                    count += 1;
                }
                Ok(Capped { items, count })
            }
        }
        deserializer.deserialize_seq(Items(PhantomData))
    }
}

/// A table read at most one entry past its limit `MAX`, like [`Capped`]; entries in the
/// file's order.
#[derive(Debug)]
struct CappedTable<V, const MAX: usize> {
    entries: Vec<(String, V)>,
    count: usize,
}

impl<'de, V: Deserialize<'de>, const MAX: usize> Deserialize<'de> for CappedTable<V, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<V, const MAX: usize>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>, const MAX: usize> Visitor<'de> for Entries<V, MAX> {
            type Value = CappedTable<V, MAX>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(MAX + 1));
                let mut count = 0;
                while let Some(key) = map.next_key::<String>()? {
                    if entries.len() <= MAX {
                        entries.push((key, map.next_value::<V>()?));
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                    count += 1;
                }
                Ok(CappedTable { entries, count })
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBrief {
    id: Option<Spanned<String>>,
    title: Spanned<String>,
    published: Spanned<Datetime>,
    source: Option<Spanned<String>>,
    outlet: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    image: Option<Spanned<String>>,
    #[serde(default)]
    tags: Option<Spanned<Capped<Spanned<String>, MAX_TAGS>>>,
    summary: Spanned<String>,
    #[serde(default)]
    quotes: Option<Spanned<Capped<Spanned<RawQuote>, MAX_QUOTES>>>,
    #[serde(default)]
    aliases: Option<CappedTable<Spanned<Capped<Spanned<String>, MAX_ALIASES>>, MAX_ALIASES>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuote {
    speaker: Spanned<String>,
    role: Option<Spanned<String>>,
    text: Spanned<String>,
    context: Option<Spanned<String>>,
}

/// Parses and validates one brief file's bytes. `path` names the file in errors and gives the
/// default id (its stem); `default_language` applies when the brief names none.
pub fn parse(
    path: &Path,
    bytes: &[u8],
    default_language: Language,
) -> Result<Brief, Vec<BriefError>> {
    parse_sharing(path, bytes, default_language, &mut Texts::default())
}

/// Texts that repeat from brief to brief (speakers, roles, quote contexts, outlets, tags):
/// briefs parsed with the same `Texts` share one copy of each. A library of 100,000 briefs
/// holds a million such texts, a few thousand of them distinct.
#[derive(Debug, Default)]
pub struct Texts(std::collections::HashSet<Arc<str>>);

impl Texts {
    /// `text` trimmed, as the copy kept here.
    fn share(&mut self, text: String) -> Arc<str> {
        let trimmed = text.trim();
        if let Some(shared) = self.0.get(trimmed) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(trimmed);
        self.0.insert(Arc::clone(&shared));
        shared
    }
}

/// [`parse`], sharing repeated texts with the briefs parsed before with `texts`.
pub fn parse_sharing(
    path: &Path,
    bytes: &[u8],
    default_language: Language,
    texts: &mut Texts,
) -> Result<Brief, Vec<BriefError>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = std::str::from_utf8(&bytes[..err.valid_up_to()]).unwrap_or_default();
            let locator = Locator::new(path, valid);
            return Err(vec![locator.error(
                &(valid.len()..valid.len()),
                "the file is not valid UTF-8; expected a UTF-8 text file",
            )]);
        }
    };
    let locator = Locator::new(path, text);
    if text.trim().is_empty() {
        return Err(vec![locator.error(
            &(0..0),
            "the file is empty; expected a brief with at least `title`, `published` and `summary`",
        )]);
    }
    if let Some(offset) = past_the_items(text) {
        return Err(vec![locator.error(
            &(offset..offset),
            format!(
                "the file holds more than {MAX_TOML_ITEMS} keys and values; a brief holds a few hundred at most (20 tags, 25 quotes, 10 speakers with 10 aliases)"
            ),
        )]);
    }
    let raw: RawBrief = toml::from_str(text).map_err(|err| {
        let span = err.span().unwrap_or(0..0);
        vec![locator.error(&span, describe_toml_error(err.message()))]
    })?;
    validate(raw, &locator, default_language, texts)
}

/// Where the first key or value past [`MAX_TOML_ITEMS`] starts, if a file holds that many:
/// a count of the lexer's tokens, which keeps nothing.
fn past_the_items(text: &str) -> Option<usize> {
    use toml_parser::lexer::TokenKind;
    if text.len() < COUNT_ITEMS_FROM {
        return None;
    }
    toml_parser::Source::new(text)
        .lex()
        .filter(|token| {
            matches!(
                token.kind(),
                TokenKind::Atom
                    | TokenKind::BasicString
                    | TokenKind::LiteralString
                    | TokenKind::MlBasicString
                    | TokenKind::MlLiteralString
            )
        })
        .nth(MAX_TOML_ITEMS)
        .map(|token| token.span().start())
}

/// Makes serde's wording read as "what is wrong; what is expected".
fn describe_toml_error(message: &str) -> String {
    let message = message.trim();
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return format!("missing required key `{field}`");
    }
    if message.starts_with("unknown field") {
        return message.replacen("unknown field", "unknown key", 1);
    }
    message.to_owned()
}

/// Collects every problem of a parsed file; returns the brief only when there are none.
fn validate(
    raw: RawBrief,
    at: &Locator<'_>,
    default_language: Language,
    texts: &mut Texts,
) -> Result<Brief, Vec<BriefError>> {
    let mut problems = Vec::new();
    let mut check = |field: &Spanned<String>, name: &str, max: usize| {
        check_length(field, name, max, at, &mut problems);
    };
    check(&raw.title, "title", MAX_TITLE);
    check(&raw.summary, "summary", MAX_SUMMARY);
    for (field, name) in [(&raw.outlet, "outlet")] {
        if let Some(field) = field {
            check(field, name, MAX_SHORT);
        }
    }
    let (tags, tag_count) = raw
        .tags
        .map(|t| {
            let t = t.into_inner();
            (t.items, t.count)
        })
        .unwrap_or_default();
    if tag_count > MAX_TAGS {
        problems.push(at.error(
            &tags[MAX_TAGS].span(),
            format!("{tag_count} tags; expected at most {MAX_TAGS}"),
        ));
    }
    for tag in &tags {
        check_length(tag, "tag", MAX_SHORT, at, &mut problems);
    }
    let (quotes, quote_count) = raw
        .quotes
        .map(|q| {
            let q = q.into_inner();
            (q.items, q.count)
        })
        .unwrap_or_default();
    if quote_count > MAX_QUOTES {
        problems.push(at.error(
            &quotes[MAX_QUOTES].span(),
            format!("{quote_count} quotes; expected at most {MAX_QUOTES}"),
        ));
    }
    for quote in &quotes {
        let quote = quote.get_ref();
        check_length(&quote.speaker, "speaker", MAX_SPEAKER, at, &mut problems);
        check_length(&quote.text, "quote text", MAX_QUOTE, at, &mut problems);
        if let Some(role) = &quote.role {
            check_length(role, "role", MAX_SHORT, at, &mut problems);
        }
        if let Some(context) = &quote.context {
            check_length(context, "context", MAX_CONTEXT, at, &mut problems);
        }
    }
    let (mut aliases, alias_speakers) = raw
        .aliases
        .map(|a| (a.entries, a.count))
        .unwrap_or_default();
    // In name order, as a library lists them.
    aliases.sort_by(|a, b| a.0.cmp(&b.0));
    if alias_speakers > MAX_ALIASES {
        problems.push(at.error(
            &(0..0),
            format!(
                "aliases are given for {alias_speakers} speakers; expected at most {MAX_ALIASES}"
            ),
        ));
    }
    for (name, list) in &aliases {
        let length = name.trim().chars().count();
        if length == 0 || length > MAX_SPEAKER {
            problems.push(at.error(
                &list.span(),
                format!("an [aliases] speaker name is {length} characters long; expected 1 to {MAX_SPEAKER}"),
            ));
        }
        if list.get_ref().count > MAX_ALIASES {
            problems.push(at.error(
                &list.span(),
                format!(
                    "{} aliases for {name}; expected at most {MAX_ALIASES}",
                    list.get_ref().count
                ),
            ));
        }
        for alias in &list.get_ref().items {
            check_length(alias, "alias", MAX_SPEAKER, at, &mut problems);
        }
    }

    let id = match &raw.id {
        Some(id) => BriefId::parse(id.get_ref()).map_err(|message| at.error(&id.span(), message)),
        None => {
            let stem = at
                .path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            BriefId::parse(stem).map_err(|message| {
                at.error(
                    &(0..0),
                    format!("no `id` key, and the file name cannot serve as one: {message}"),
                )
            })
        }
    };
    let published = Published::from_toml(raw.published.get_ref()).ok_or_else(|| {
        at.error(
            &raw.published.span(),
            "`published` has no date or no time zone; expected a date (2017-07-09) or an offset date-time (2017-07-09T14:30:00Z)",
        )
    });
    let language = match &raw.language {
        Some(code) => code
            .get_ref()
            .parse::<Language>()
            .map_err(|err| at.error(&code.span(), err.to_string())),
        None => Ok(default_language),
    };
    let source = raw
        .source
        .as_ref()
        .map(|url| check_url(url, "source", at))
        .transpose();
    let image = raw
        .image
        .as_ref()
        .map(|url| check_url(url, "image", at))
        .transpose();

    let (id, published, language, source, image) = match (id, published, language, source, image) {
        (Ok(id), Ok(published), Ok(language), Ok(source), Ok(image)) if problems.is_empty() => {
            (id, published, language, source, image)
        }
        (id, published, language, source, image) => {
            problems.extend(id.err());
            problems.extend(published.err());
            problems.extend(language.err());
            problems.extend(source.err());
            problems.extend(image.err());
            problems.sort_by_key(|p| (p.location.line, p.location.column));
            return Err(at_most_listed(problems));
        }
    };

    Ok(Brief {
        id,
        title: clean(raw.title.into_inner()),
        published,
        source,
        outlet: raw.outlet.map(|s| texts.share(s.into_inner())),
        language,
        image,
        tags: exact(
            tags.into_iter()
                .map(|t| texts.share(t.into_inner()))
                .collect(),
        ),
        prose: Prose::new(
            std::iter::once(raw.summary.get_ref().trim()).chain(
                quotes
                    .iter()
                    .map(|quote| quote.get_ref().text.get_ref().trim()),
            ),
        ),
        quotes: exact(
            quotes
                .into_iter()
                .map(|quote| {
                    let quote = quote.into_inner();
                    Quote {
                        speaker: texts.share(quote.speaker.into_inner()),
                        role: quote.role.map(|s| texts.share(s.into_inner())),
                        context: quote.context.map(|s| texts.share(s.into_inner())),
                    }
                })
                .collect(),
        ),
        aliases: exact(
            aliases
                .into_iter()
                .map(|(name, list)| {
                    let list = list
                        .into_inner()
                        .items
                        .into_iter()
                        .map(|a| clean(a.into_inner()))
                        .collect();
                    (clean(name), exact(list))
                })
                .collect(),
        ),
        path: at.path.to_owned(),
    })
}

/// The first [`MAX_PROBLEMS`] of a file's problems (in file order), then one more saying how
/// many are left out, placed at the first of them.
fn at_most_listed(mut problems: Vec<BriefError>) -> Vec<BriefError> {
    // Saying "and 1 more" would take the line the problem itself takes.
    if problems.len() <= MAX_PROBLEMS + 1 {
        return problems;
    }
    let more = problems.len() - MAX_PROBLEMS;
    problems.truncate(MAX_PROBLEMS + 1);
    if let Some(first_left_out) = problems.last_mut() {
        first_left_out.message = format!(
            "and {more} more problems from here on (only the first {MAX_PROBLEMS} of a file are listed)"
        );
    }
    problems
}

/// `list` without spare room. Collecting a `Vec` of parsed items into a `Vec` of smaller
/// ones reuses the first allocation, sized for the parsed items: the quotes of 100,000 briefs
/// kept 58 MB where they need 25 MB (heaptrack).
fn exact<T>(mut list: Vec<T>) -> Vec<T> {
    list.shrink_to_fit();
    list
}

/// Text fields are stored without the surrounding white space of multi-line TOML strings,
/// and without spare capacity (a library holds hundreds of thousands of them).
fn clean(text: String) -> String {
    let trimmed = text.trim();
    if trimmed.len() == text.len() {
        let mut text = text;
        text.shrink_to_fit();
        text
    } else {
        trimmed.to_owned()
    }
}

fn check_length(
    field: &Spanned<String>,
    name: &str,
    max: usize,
    at: &Locator<'_>,
    problems: &mut Vec<BriefError>,
) {
    let text = field.get_ref().trim();
    let length = text.chars().count();
    if length == 0 {
        problems.push(at.error(
            &field.span(),
            format!("{name} is empty; expected 1 to {max} characters"),
        ));
    } else if length > max {
        problems.push(at.error(
            &field.span(),
            format!("{name} is {length} characters long; expected at most {max}"),
        ));
    }
}

fn check_url(field: &Spanned<String>, name: &str, at: &Locator<'_>) -> Result<String, BriefError> {
    let text = field.get_ref().trim();
    let bad = |why: &str| {
        at.error(
            &field.span(),
            format!("{name} `{text}` is not a valid URL ({why}); expected an http(s) URL such as https://example.com/article"),
        )
    };
    if text.chars().count() > MAX_URL {
        return Err(bad("too long"));
    }
    // The URL parser would drop tabs and line breaks and encode spaces, so that what is
    // served differs from what was written; a URL has no white space.
    if let Some(space) = text.chars().find(|c| c.is_whitespace()) {
        return Err(bad(&format!("it contains white space, {space:?}")));
    }
    let url = url::Url::parse(text).map_err(|err| bad(&err.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    // Stored as the parser writes it: the host in lower case (and punycode), everything a URL
    // may not hold percent-encoded. That is what links are made of.
    let mut normalised = String::from(url);
    normalised.shrink_to_fit();
    if normalised.chars().count() > MAX_URL {
        return Err(bad("too long once percent-encoded"));
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"title = "Trump and Putin plan a cyber unit"
published = 2017-07-09
source = "https://example.com/a"
tags = ["cyber security", "russia"]
summary = """
Two leaders met. They agreed on a unit.
"""

[[quotes]]
speaker = "Marco Rubio"
role = "US Senator"
text = "Partnering with Putin is akin to partnering with Assad."
"#;

    fn parse_str(text: &str) -> Result<Brief, Vec<BriefError>> {
        parse(
            Path::new("briefs/sample.toml"),
            text.as_bytes(),
            Language::English,
        )
    }

    fn only_error(text: &str) -> BriefError {
        let errors = parse_str(text).expect_err("the brief should be rejected");
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().unwrap()
    }

    fn at(err: &BriefError) -> (usize, usize) {
        (err.location.line, err.location.column)
    }

    #[test]
    fn briefs_parsed_together_share_their_repeated_texts() {
        let mut texts = Texts::default();
        let other = GOOD.replace("\"Marco Rubio\"", "\"  Marco Rubio \"");
        let [a, b] = [GOOD, other.as_str()].map(|text| {
            parse_sharing(
                Path::new("a.toml"),
                text.as_bytes(),
                Language::English,
                &mut texts,
            )
            .unwrap()
        });
        assert_eq!(&*b.quotes[0].speaker, "Marco Rubio", "trimmed");
        assert!(Arc::ptr_eq(&a.quotes[0].speaker, &b.quotes[0].speaker));
        assert!(Arc::ptr_eq(&a.tags[1], &b.tags[1]));
        let alone = parse_str(GOOD).unwrap();
        assert!(!Arc::ptr_eq(&a.quotes[0].speaker, &alone.quotes[0].speaker));
    }

    #[test]
    fn parses_a_good_brief_with_defaults() {
        let brief = parse_str(GOOD).unwrap();
        assert_eq!(brief.id.as_str(), "sample");
        assert_eq!(
            brief.text().summary(),
            "Two leaders met. They agreed on a unit."
        );
        assert_eq!(brief.published.to_string(), "2017-07-09");
        assert_eq!(brief.language, Language::English);
        assert_eq!(brief.quotes[0].role.as_deref(), Some("US Senator"));
        assert_eq!(
            brief.tags,
            [Arc::from("cyber security"), Arc::from("russia")]
        );
    }

    /// A library holds hundreds of thousands of briefs: their lists are kept without room to
    /// grow, though parsing collects them from lists of larger parsed items.
    #[test]
    fn lists_keep_no_spare_room() {
        let aliases = "\n[aliases]\n\"Marco Rubio\" = [\"Rubio\", \"Senator Rubio\", \"MR\"]\n";
        let brief = parse_str(&format!("{GOOD}{aliases}")).unwrap();
        assert_eq!(brief.tags.capacity(), brief.tags.len());
        assert_eq!(brief.quotes.capacity(), brief.quotes.len());
        assert_eq!(brief.aliases.capacity(), brief.aliases.len());
        assert_eq!(brief.aliases[0].1.capacity(), 3);
        let source = brief.source.as_ref().unwrap();
        assert_eq!(source.capacity(), source.len());
    }

    #[test]
    fn unknown_key_is_located() {
        let err = only_error(&GOOD.replace("summary =", "sumary ="));
        assert_eq!(at(&err), (5, 1));
        assert!(
            err.message.contains("unknown key `sumary`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn unknown_key_in_a_quote_is_located() {
        let err = only_error(&format!("{GOOD}speeker = \"x\"\n"));
        assert_eq!(at(&err), (13, 1));
        assert!(err.message.contains("speeker"), "{}", err.message);
    }

    #[test]
    fn missing_key_is_named() {
        let err = only_error(&GOOD.replace("title = \"Trump and Putin plan a cyber unit\"\n", ""));
        assert!(
            err.message.contains("missing required key `title`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn wrong_type_is_located() {
        let err = only_error(&GOOD.replace("published = 2017-07-09", "published = \"yesterday\""));
        assert_eq!(at(&err), (2, 13));
        assert!(err.message.contains("date"), "{}", err.message);
    }

    #[test]
    fn invalid_toml_is_located() {
        let err = only_error(&GOOD.replace("tags = [", "tags = [[["));
        assert_eq!(at(&err), (5, 1));
        assert!(err.message.contains("expected `,`"), "{}", err.message);
    }

    #[test]
    fn over_long_title_is_located_and_measured() {
        let err = only_error(&GOOD.replace("Trump and Putin plan a cyber unit", &"é".repeat(257)));
        assert_eq!(at(&err), (1, 9));
        assert_eq!(
            err.message,
            "title is 257 characters long; expected at most 256"
        );
    }

    #[test]
    fn all_problems_are_reported_in_order() {
        let text = GOOD
            .replace(
                "title = \"Trump and Putin plan a cyber unit\"",
                "title = \"\"\nid = \"Bad_Id\"",
            )
            .replace("https://example.com/a", "ftp://example.com/a");
        let errors = parse_str(&text).unwrap_err();
        let messages: Vec<_> = errors.iter().map(|e| (at(e), e.message.as_str())).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(messages[0].0, (1, 9));
        assert!(
            messages[1].1.contains("`Bad_Id` contains 'B'"),
            "{messages:?}"
        );
        assert!(messages[2].1.contains("http or https"), "{messages:?}");
    }

    #[test]
    fn bad_url_and_language() {
        let errors = parse_str(&GOOD.replace(
            "source = \"https://example.com/a\"",
            "source = \"not a url\"\nlanguage = \"xx\"",
        ))
        .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(at(&errors[0]), (3, 10));
        assert!(errors[0].message.contains("not a valid URL"));
        assert_eq!(at(&errors[1]), (4, 12));
        assert!(errors[1].message.contains("unknown language `xx`"));
    }

    #[test]
    fn a_url_with_white_space_is_refused_where_it_is_written() {
        for space in [" ", "\\t", "\\n", "\\u00a0", "\\u2003", "\\u3000"] {
            let err = only_error(&GOOD.replace(
                "source = \"https://example.com/a\"",
                &format!("source = \"https://ex.com/a){space}[Verify](https://evil.example/\""),
            ));
            assert_eq!(at(&err), (3, 10), "{space}");
            assert!(err.message.contains("white space"), "{}", err.message);
        }
        let err = only_error(&GOOD.replace(
            "source = \"https://example.com/a\"",
            "source = \"https://example.com/a\"\nimage = \"https://ex.com/a b.png\"",
        ));
        assert_eq!(at(&err), (4, 9));
        assert!(
            err.message.starts_with(
                "image `https://ex.com/a b.png` is not a valid URL (it contains white space, ' ')"
            ),
            "{}",
            err.message
        );
    }

    #[test]
    fn urls_are_stored_normalised() {
        let brief = parse_str(&GOOD.replace(
            "source = \"https://example.com/a\"",
            "source = \"  HTTPS://Example.COM/a/../b/Fernández?q=\\\"x\\\"#frag  \"\nimage = \"https://ex.com\"",
        ))
        .unwrap();
        assert_eq!(
            brief.source.as_deref(),
            Some("https://example.com/b/Fern%C3%A1ndez?q=%22x%22#frag")
        );
        assert_eq!(brief.image.as_deref(), Some("https://ex.com/"));
        let plain = parse_str(GOOD).unwrap();
        assert_eq!(
            plain.source.as_deref(),
            Some("https://example.com/a"),
            "unchanged"
        );
        let long = format!("https://ex.com/{}", "é".repeat(MAX_URL - 20));
        let err = only_error(&GOOD.replace("https://example.com/a", &long));
        assert!(
            err.message.contains("too long once percent-encoded"),
            "{}",
            err.message
        );
    }

    #[test]
    fn local_date_time_is_refused() {
        let err = only_error(&GOOD.replace("2017-07-09", "2017-07-09T10:00:00"));
        assert!(err.message.contains("offset date-time"), "{}", err.message);
    }

    #[test]
    fn offset_date_time_orders_by_instant() {
        let early = parse_str(&GOOD.replace("2017-07-09", "2017-07-09T23:00:00+02:00")).unwrap();
        let late = parse_str(&GOOD.replace("2017-07-09", "2017-07-09T22:00:00Z")).unwrap();
        assert!(early.published.instant < late.published.instant);
        assert_eq!(early.published.to_string(), "2017-07-09");
    }

    #[test]
    fn empty_and_non_utf8_files() {
        let err = only_error("  \n");
        assert!(err.message.contains("empty"));
        let errors = parse(
            Path::new("x.toml"),
            b"title = \"a\"\nsummary = \"\xff\"",
            Language::English,
        )
        .unwrap_err();
        assert_eq!(at(&errors[0]), (2, 12));
        assert!(errors[0].message.contains("UTF-8"));
    }

    #[test]
    fn file_stem_that_is_no_id() {
        let errors = parse(
            Path::new("My Brief.toml"),
            GOOD.as_bytes(),
            Language::English,
        )
        .unwrap_err();
        assert!(
            errors[0].message.contains("file name"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn aliases_are_optional_and_checked() {
        let brief = parse_str(&format!(
            "{GOOD}\n[aliases]\n\"Donald Trump\" = [\"POTUS\"]\n"
        ))
        .unwrap();
        assert_eq!(
            brief.aliases,
            [("Donald Trump".to_owned(), vec!["POTUS".to_owned()])]
        );
        let err = only_error(&format!("{GOOD}\n[aliases]\n\"Donald Trump\" = [\"\"]\n"));
        assert_eq!(at(&err), (15, 19));
        assert!(err.message.contains("alias is empty"), "{}", err.message);
    }

    /// Line and column of every character boundary of `text`, counted char by char.
    fn locations_by_walking(text: &str) -> Vec<(usize, (usize, usize))> {
        let (mut line, mut column) = (1, 1);
        let mut out = Vec::new();
        for (at, c) in text.char_indices() {
            out.push((at, (line, column)));
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        out.push((text.len(), (line, column)));
        out
    }

    #[test]
    fn the_line_index_locates_every_offset_as_walking_the_text_does() {
        // Lines shorter and longer than the index's blocks, multi-byte characters across
        // block edges, CRLF, empty lines, no newline at the end.
        let text = [
            String::new(),
            "a".into(),
            "é€😀x\r".into(),
            "é".repeat(2500),
            "ab😀".repeat(1500),
            "\r".into(),
            "x".repeat(LineIndex::BLOCK - 1),
            "tail".into(),
        ]
        .join("\n");
        let index = LineIndex::new(&text);
        let path = Path::new("t.toml");
        for (offset, expected) in locations_by_walking(&text) {
            let at = index.locate(path, &text, offset);
            assert_eq!((at.line, at.column), expected, "offset {offset}");
        }
        let past = index.locate(path, &text, text.len() + 10);
        assert_eq!(
            past,
            index.locate(path, &text, text.len()),
            "clamped to the end"
        );
        assert_eq!(Location::at(path, "", 0), index.locate(path, "", 0));
    }

    #[test]
    fn four_thousand_empty_tags_are_read_one_past_the_limit_and_listed_twenty() {
        let tags = vec!["\"\""; 4000].join(", ");
        let text = GOOD.replace(
            "tags = [\"cyber security\", \"russia\"]",
            &format!("tags = [{tags}]"),
        );
        let errors = parse_str(&text).unwrap_err();
        // The tags checked are the first MAX_TAGS + 1, each empty; and there are too many.
        let found = MAX_TAGS + 1 + 1;
        assert_eq!(errors.len(), MAX_PROBLEMS + 1, "{:?}", errors.last());
        assert!(
            errors[..MAX_PROBLEMS]
                .iter()
                .all(|e| e.message == "tag is empty; expected 1 to 200 characters"),
            "{errors:?}"
        );
        assert_eq!(
            errors[MAX_PROBLEMS].message,
            format!(
                "and {} more problems from here on (only the first 20 of a file are listed)",
                found - MAX_PROBLEMS
            )
        );
        // The 21st tag starts 4 characters after the 20th.
        assert_eq!(
            errors[MAX_PROBLEMS].location.column,
            errors[MAX_PROBLEMS - 1].location.column + 4
        );
    }

    #[test]
    fn a_file_of_a_hundred_thousand_values_is_refused_before_parsing() {
        let tags = vec!["\"\""; 100_000].join(", ");
        let text = GOOD.replace(
            "tags = [\"cyber security\", \"russia\"]",
            &format!("tags = [{tags}]"),
        );
        let errors = parse_str(&text).unwrap_err();
        assert_eq!(errors.len(), 1, "{:?}", errors.last());
        assert!(
            errors[0]
                .message
                .starts_with("the file holds more than 4096 keys and values;"),
            "{}",
            errors[0].message
        );
        // title, its value, published, its date, source, its value, tags: then the tags.
        let before_tags = 7;
        let column = "tags = [".len() + 1 + 4 * (MAX_TOML_ITEMS - before_tags);
        assert_eq!(at(&errors[0]), (4, column), "at the first value too many");
    }

    #[test]
    fn every_list_of_a_hostile_file_stops_one_past_its_limit() {
        let mut text = GOOD.to_owned();
        for _ in 0..100 {
            text.push_str("\n[[quotes]]\nspeaker = \"\"\ntext = \"x\"\n");
        }
        text.push_str("\n[aliases]\n");
        for i in 0..100 {
            let aliases = vec!["\"\""; 100].join(", ");
            text.push_str(&format!("\"Speaker {i}\" = [{aliases}]\n"));
        }
        let errors = parse_str(&text).unwrap_err();
        assert_eq!(
            errors[0].message,
            "aliases are given for 100 speakers; expected at most 10"
        );
        // Too many alias speakers; of the 11 read, "100 aliases" and 11 empty ones each;
        // too many quotes; of the 26 read, 25 with an empty speaker.
        let found = 1 + (MAX_ALIASES + 1) * (1 + MAX_ALIASES + 1) + 1 + MAX_QUOTES;
        assert_eq!(errors.len(), MAX_PROBLEMS + 1);
        assert!(
            errors[MAX_PROBLEMS]
                .message
                .starts_with(&format!("and {} more problems", found - MAX_PROBLEMS)),
            "{}",
            errors[MAX_PROBLEMS].message
        );
    }

    #[test]
    fn epoch_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
