//! Filters: words of the form `name:value` in a query (`since:2017-07`, `until:2018`,
//! `tag:russia`, `outlet:"BBC News"`, `speaker:putin`, `lang:de`, `order:newest`), taken out
//! of it before its words are searched, and the briefs they allow.
//!
//! [`Filters::take_from`] splits a query into its filters and the text left to search; a word
//! with a colon whose name is not a filter's (`10:30`, `re:invent`) stays a word, and nothing
//! inside a quoted phrase is a filter. A value is quoted when it has spaces. Each filter
//! narrows the others: `tag:russia tag:g20` allows the briefs holding both tags.
//!
//! [`Filters::allowed`] turns them into the set of briefs they allow, without looking at
//! every brief: a date range is a binary search in the library's newest-first column, a tag,
//! an outlet or a language one lookup in the library's facets, a speaker their quotes.
//! Dates are days of UTC, as a brief's `published` instant counts them.

use std::fmt;

use crate::brief::days_from_civil;
use crate::language::Language;
use crate::library::Library;
use crate::search::DocSet;
use crate::speakers::{QuoteRef, Resolution};

use super::notes::Note;

/// The filter names, as typed (any case).
pub const NAMES: [&str; 7] = [
    "since", "until", "tag", "outlet", "speaker", "lang", "order",
];

/// How the briefs of an answer are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first (among briefs covering as many words), equal dates by relevance.
    Newest,
}

/// A day, month or year as typed, and the seconds it spans (UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub typed: String,
    /// Its first second.
    pub start: i64,
    /// Its last second.
    pub end: i64,
}

/// One filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Published in this period or later.
    Since(Period),
    /// Published in this period or earlier.
    Until(Period),
    /// Holding this tag.
    Tag(String),
    /// From this outlet.
    Outlet(String),
    /// Quoting this person.
    Speaker(String),
    /// Written in this language.
    Lang(Language),
    /// Listed in this order.
    Order(Order),
}

/// A filter whose value cannot be read: names the filter and the forms it accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("{name}: expected a date such as 2017, 2017-07 or 2017-07-09, not \"{value}\"")]
    Date { name: &'static str, value: String },
    #[error(
        "lang: expected a language code such as en, de or fr (one of {}), not \"{value}\"",
        Language::all_codes()
    )]
    Lang { value: String },
    #[error("order: expected relevance or newest, not \"{value}\"")]
    Order { value: String },
    #[error("{name}: expected a value, for example {example}")]
    Empty {
        name: &'static str,
        example: &'static str,
    },
    #[error("since:{since} is after until:{until}: no date is in between")]
    Backwards { since: String, until: String },
}

/// The filters of a query (and of a face's options), in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub list: Vec<Filter>,
}

/// An example of each filter, for the error of an empty value.
fn example(name: &str) -> &'static str {
    match name {
        "since" => "since:2017-07",
        "until" => "until:2018",
        "tag" => "tag:russia",
        "outlet" => "outlet:\"BBC News\"",
        "speaker" => "speaker:putin",
        "lang" => "lang:de",
        _ => "order:newest",
    }
}

/// `value` read as a year, a month or a day.
fn period(name: &'static str, value: &str) -> Result<Period, FilterError> {
    let bad = || FilterError::Date {
        name,
        value: value.to_owned(),
    };
    let parts: Vec<&str> = value.split('-').collect();
    let number = |text: &str, digits: usize| -> Option<i64> {
        (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    let year = parts.first().and_then(|y| number(y, 4)).ok_or_else(bad)?;
    let month = match parts.get(1) {
        Some(m) => Some(
            number(m, 2)
                .filter(|m| (1..=12).contains(m))
                .ok_or_else(bad)?,
        ),
        None => None,
    };
    let days_in = |month: i64| {
        days_from_civil(year + month / 12, month % 12 + 1, 1) - days_from_civil(year, month, 1)
    };
    let day = match (parts.get(2), month) {
        (Some(d), Some(m)) => Some(
            number(d, 2)
                .filter(|d| (1..=days_in(m)).contains(d))
                .ok_or_else(bad)?,
        ),
        _ => None,
    };
    if parts.len() > 3 {
        return Err(bad());
    }
    let (first, last) = match (month, day) {
        (Some(m), Some(d)) => {
            let at = days_from_civil(year, m, d);
            (at, at)
        }
        (Some(m), None) => (
            days_from_civil(year, m, 1),
            days_from_civil(year, m, 1) + days_in(m) - 1,
        ),
        _ => (
            days_from_civil(year, 1, 1),
            days_from_civil(year + 1, 1, 1) - 1,
        ),
    };
    Ok(Period {
        typed: value.to_owned(),
        start: first * 86_400,
        end: last * 86_400 + 86_399,
    })
}

impl Filter {
    /// The filter `name` (any case) with `value`; `Ok(None)` when no filter has that name.
    pub fn parse(name: &str, value: &str) -> Result<Option<Filter>, FilterError> {
        let Some(&name) = NAMES.iter().find(|n| n.eq_ignore_ascii_case(name)) else {
            return Ok(None);
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(FilterError::Empty {
                name,
                example: example(name),
            });
        }
        let filter =
            match name {
                "since" => Filter::Since(period(name, value)?),
                "until" => Filter::Until(period(name, value)?),
                "tag" => Filter::Tag(value.to_owned()),
                "outlet" => Filter::Outlet(value.to_owned()),
                "speaker" => Filter::Speaker(value.to_owned()),
                "lang" => Filter::Lang(value.to_ascii_lowercase().parse().map_err(|_| {
                    FilterError::Lang {
                        value: value.to_owned(),
                    }
                })?),
                _ => match value.to_ascii_lowercase().as_str() {
                    "newest" => Filter::Order(Order::Newest),
                    "relevance" => Filter::Order(Order::Relevance),
                    _ => {
                        return Err(FilterError::Order {
                            value: value.to_owned(),
                        });
                    }
                },
            };
        Ok(Some(filter))
    }
}

impl Filters {
    /// The filters of `query` and the text left to search (filters taken out, the rest as
    /// typed), or the first filter whose value cannot be read.
    pub fn take_from(query: &str) -> Result<(Filters, String), FilterError> {
        let mut filters = Filters::default();
        let mut rest = String::with_capacity(query.len());
        let mut in_phrase = false;
        let mut at = 0;
        while at < query.len() {
            let tail = &query[at..];
            let word_start = at == 0 || query[..at].ends_with(char::is_whitespace);
            if !in_phrase
                && word_start
                && let Some((name, after)) = tail.split_once(':')
                && !name.is_empty()
                && !name.contains(char::is_whitespace)
                && !name.contains('"')
                && NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
            {
                let (value, used) = match after.strip_prefix('"') {
                    Some(quoted) => match quoted.find('"') {
                        Some(end) => (&quoted[..end], name.len() + 1 + end + 2),
                        None => (quoted, tail.len()),
                    },
                    None => {
                        let end = after.find(char::is_whitespace).unwrap_or(after.len());
                        (&after[..end], name.len() + 1 + end)
                    }
                };
                if let Some(filter) = Filter::parse(name, value)? {
                    filters.list.push(filter);
                }
                at += used;
                continue;
            }
            let Some(c) = tail.chars().next() else {
                break;
            };
            if c == '"' {
                in_phrase = !in_phrase;
            }
            rest.push(c);
            at += c.len_utf8();
        }
        filters.check()?;
        Ok((filters, rest))
    }

    /// These filters and `more`'s (a face's options), all of them narrowing.
    pub fn with(mut self, more: &Filters) -> Result<Filters, FilterError> {
        self.list.extend(more.list.iter().cloned());
        self.check()?;
        Ok(self)
    }

    /// A range that ends before it starts is an error.
    fn check(&self) -> Result<(), FilterError> {
        let (since, until) = (self.since(), self.until());
        if let (Some(since), Some(until)) = (since, until)
            && since.start > until.end
        {
            return Err(FilterError::Backwards {
                since: since.typed.clone(),
                until: until.typed.clone(),
            });
        }
        Ok(())
    }

    /// The latest `since:`.
    fn since(&self) -> Option<&Period> {
        self.list
            .iter()
            .filter_map(|f| match f {
                Filter::Since(p) => Some(p),
                _ => None,
            })
            .max_by_key(|p| p.start)
    }

    /// The earliest `until:`.
    fn until(&self) -> Option<&Period> {
        self.list
            .iter()
            .filter_map(|f| match f {
                Filter::Until(p) => Some(p),
                _ => None,
            })
            .min_by_key(|p| p.end)
    }

    /// Whether there is no filter.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether some filter narrows the briefs (`order:` does not).
    pub fn narrows(&self) -> bool {
        self.list.iter().any(|f| !matches!(f, Filter::Order(_)))
    }

    /// The order asked for (the last `order:`), relevance by default.
    pub fn order(&self) -> Order {
        self.list
            .iter()
            .rev()
            .find_map(|f| match f {
                Filter::Order(order) => Some(*order),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The briefs of `library` these filters allow (`None`: every brief), with what to tell
    /// the user (a speaker who fits several people, or nobody).
    pub fn allowed(&self, library: &Library) -> Allowed {
        let slots = library.index().doc_slots();
        let mut set: Option<DocSet> = None;
        let mut notes = Vec::new();
        let mut quotes: Option<Vec<QuoteRef>> = None;
        let narrow = |set: &mut Option<DocSet>, docs: DocSet| match set {
            Some(set) => set.intersect(&docs),
            None => *set = Some(docs),
        };
        let (since, until) = (self.since(), self.until());
        if since.is_some() || until.is_some() {
            let from = since.map_or(i64::MIN, |p| p.start);
            let through = until.map_or(i64::MAX, |p| p.end);
            let docs = library.published_between(from, through);
            narrow(&mut set, DocSet::of(slots, docs.iter().copied()));
        }
        for filter in &self.list {
            let docs = match filter {
                Filter::Tag(tag) => {
                    DocSet::of(slots, library.facets().tagged(library.index(), tag))
                }
                Filter::Outlet(outlet) => {
                    DocSet::of(slots, library.facets().from_outlet(library.index(), outlet))
                }
                Filter::Lang(language) => DocSet::of(
                    slots,
                    library.facets().in_language(*language).iter().copied(),
                ),
                Filter::Speaker(typed) => {
                    let speakers = library.speakers();
                    let found = match speakers.resolve(typed) {
                        Resolution::Found(at) => vec![at],
                        Resolution::Ambiguous(ats) => {
                            notes.push(Note::SpeakerFilterAmbiguous {
                                typed: typed.clone(),
                                candidates: ats
                                    .iter()
                                    .map(|&at| speakers.get(at).name.clone())
                                    .collect(),
                            });
                            ats
                        }
                        Resolution::NotFound(close) => {
                            notes.push(Note::NoSuchSpeaker {
                                typed: typed.clone(),
                                suggestions: close
                                    .iter()
                                    .map(|&at| speakers.get(at).name.clone())
                                    .collect(),
                            });
                            Vec::new()
                        }
                    };
                    let said: Vec<QuoteRef> = found
                        .iter()
                        .flat_map(|&at| speakers.get(at).quotes.iter().copied())
                        .collect();
                    let docs = DocSet::of(slots, said.iter().map(|q| q.doc));
                    quotes = Some(match quotes.take() {
                        None => said,
                        Some(before) => before.into_iter().filter(|q| said.contains(q)).collect(),
                    });
                    docs
                }
                Filter::Since(_) | Filter::Until(_) | Filter::Order(_) => continue,
            };
            narrow(&mut set, docs);
        }
        Allowed {
            docs: set,
            quotes,
            notes,
        }
    }
}

/// What filters allow.
#[derive(Debug, Clone)]
pub struct Allowed {
    /// The briefs; `None`: every brief.
    pub docs: Option<DocSet>,
    /// With `speaker:`, the quotes of the speakers named (those of all, for several).
    pub quotes: Option<Vec<QuoteRef>>,
    /// What to tell the user about how the filters were read.
    pub notes: Vec<Note>,
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |v: &str| {
            if v.contains(char::is_whitespace) {
                format!("\"{v}\"")
            } else {
                v.to_owned()
            }
        };
        match self {
            Filter::Since(p) => write!(f, "since:{}", p.typed),
            Filter::Until(p) => write!(f, "until:{}", p.typed),
            Filter::Tag(v) => write!(f, "tag:{}", quoted(v)),
            Filter::Outlet(v) => write!(f, "outlet:{}", quoted(v)),
            Filter::Speaker(v) => write!(f, "speaker:{}", quoted(v)),
            Filter::Lang(l) => write!(f, "lang:{}", l.code()),
            Filter::Order(Order::Newest) => write!(f, "order:newest"),
            Filter::Order(Order::Relevance) => write!(f, "order:relevance"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(query: &str) -> (Vec<String>, String) {
        let (filters, rest) = Filters::take_from(query).unwrap();
        (filters.list.iter().map(|f| f.to_string()).collect(), rest)
    }

    #[test]
    fn filters_are_taken_out_and_other_words_with_a_colon_stay() {
        assert_eq!(
            take("russia since:2017 TAG:G20 outlet:\"BBC News\" sanctions"),
            (
                vec![
                    "since:2017".to_owned(),
                    "tag:G20".to_owned(),
                    "outlet:\"BBC News\"".to_owned()
                ],
                "russia    sanctions".to_owned()
            )
        );
        assert_eq!(
            take("meeting at 10:30"),
            (vec![], "meeting at 10:30".to_owned())
        );
        assert_eq!(
            take("re:invent keynote"),
            (vec![], "re:invent keynote".to_owned())
        );
        assert_eq!(
            take("\"since:2017 was\" lang:de"),
            (vec!["lang:de".to_owned()], "\"since:2017 was\" ".to_owned()),
            "nothing in a phrase is a filter"
        );
        assert_eq!(
            take("nosince:2017 order:newest"),
            (vec!["order:newest".to_owned()], "nosince:2017 ".to_owned())
        );
        assert_eq!(
            take("speaker:\"Rex Tillerson"),
            (vec!["speaker:\"Rex Tillerson\"".to_owned()], String::new()),
            "an unclosed quote runs to the end"
        );
    }

    #[test]
    fn dates_span_their_year_month_or_day() {
        let p = period("since", "2017").unwrap();
        assert_eq!((p.start, p.end), (1_483_228_800, 1_514_764_799));
        let p = period("until", "2016-02").unwrap();
        assert_eq!(p.end - p.start + 1, 29 * 86_400, "a leap February");
        let p = period("until", "2017-07-09").unwrap();
        assert_eq!((p.start, p.end), (1_499_558_400, 1_499_644_799));
    }

    #[test]
    fn a_bad_value_names_the_filter_and_the_forms_it_takes() {
        let error = |q: &str| Filters::take_from(q).unwrap_err().to_string();
        for bad in [
            "17",
            "2017-13",
            "2017-02-30",
            "2017-7",
            "yesterday",
            "2017-01-01-01",
        ] {
            assert_eq!(
                error(&format!("since:{bad}")),
                format!(
                    "since: expected a date such as 2017, 2017-07 or 2017-07-09, not \"{bad}\""
                )
            );
        }
        assert!(error("until:x").starts_with("until: expected a date such as 2017"));
        assert!(
            error("lang:xx").starts_with("lang: expected a language code such as en, de or fr")
        );
        assert_eq!(
            error("order:oldest"),
            "order: expected relevance or newest, not \"oldest\""
        );
        assert_eq!(
            error("tag: russia"),
            "tag: expected a value, for example tag:russia"
        );
        assert_eq!(
            error("since:2018 until:2017"),
            "since:2018 is after until:2017: no date is in between"
        );
    }
}
