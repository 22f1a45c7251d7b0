//! Asking for briefs: [`ask`] answers a query with the best briefs, their excerpts and key
//! quotes marked; [`select_briefs`] keeps only which briefs, for a face that shows one page
//! at a time; [`topic_suggestions`] offers topics while a user types.

use super::filters::{Filters, Order};
use super::notes::{Note, search_notes};
use super::{Answer, AskOptions, BriefAnswer, Marked, QuoteAnswer, crop};
use crate::library::{BriefFields, Library, Opened};
use crate::search::{FieldId, Highlighter, Scope, TextMarks, search, search_within};

/// Answers `query` from `library`.
pub fn ask(library: &Library, query: &str, options: AskOptions) -> Answer {
    ask_with(library, query, &Filters::default(), options)
}

/// [`ask`] with filters given apart from the query (a face's options), which narrow those
/// typed in it.
pub fn ask_with(library: &Library, query: &str, extra: &Filters, options: AskOptions) -> Answer {
    let selection = select_briefs_with(library, query, extra, options);
    let results = (0..selection.len())
        .filter_map(|place| selection.result(library, place))
        .collect();
    let mut answer = selection.answer;
    answer.results = results;
    answer
}

/// Which briefs an [`ask`] answer shows, best first, as places in the library they were
/// found in, without their texts: what an answer shown a page at a time keeps.
#[derive(Debug, Clone)]
pub struct BriefSelection {
    /// The answer without its results.
    pub answer: Answer,
    hits: Vec<(u32, f32)>,
    highlighter: Highlighter,
    options: AskOptions,
}

impl BriefSelection {
    /// How many briefs were found to show (at most the limit asked for).
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// The brief at `place` (0 is the best) as shown, from `library`, which must be the
    /// library it was found in (a doc id means nothing in another).
    pub fn result(&self, library: &Library, place: usize) -> Option<BriefAnswer> {
        let &(doc, score) = self.hits.get(place)?;
        Some(brief_answer(
            library,
            &self.highlighter,
            doc,
            score,
            self.options,
        ))
    }
}

/// The briefs [`ask`] would show, kept as places.
pub fn select_briefs(library: &Library, query: &str, options: AskOptions) -> BriefSelection {
    select_briefs_with(library, query, &Filters::default(), options)
}

/// The briefs [`ask_with`] would show, kept as places. Filters typed in `query` are taken
/// out of it and joined to `extra`; a filter that cannot be read is the whole answer.
pub fn select_briefs_with(
    library: &Library,
    query: &str,
    extra: &Filters,
    options: AskOptions,
) -> BriefSelection {
    let filters =
        Filters::take_from(query).and_then(|(filters, rest)| Ok((filters.with(extra)?, rest)));
    match filters {
        Ok((filters, _)) if filters.is_empty() => select_plain(library, query, options),
        Ok((filters, rest)) => select_filtered(library, query, &rest, &filters, options),
        Err(error) => {
            let outcome = search(library.index(), "", 0);
            BriefSelection {
                answer: Answer {
                    query: query.to_owned(),
                    results: Vec::new(),
                    total: 0,
                    suggestion: None,
                    notes: vec![Note::BadFilter(error)],
                },
                hits: Vec::new(),
                highlighter: outcome.highlighter,
                options,
            }
        }
    }
}

/// The briefs for a query with filters: its words searched among the briefs the filters
/// allow, in the order asked; with no word to search, the allowed briefs newest first.
fn select_filtered(
    library: &Library,
    query: &str,
    words: &str,
    filters: &Filters,
    options: AskOptions,
) -> BriefSelection {
    let index = library.index();
    let allowed = filters.allowed(library);
    let instant = |doc: u32| library.brief(doc).published.instant;
    let scope = Scope {
        within: allowed.docs.as_ref(),
        key: (filters.order() == Order::Newest).then_some(&instant as &dyn Fn(u32) -> i64),
    };
    let outcome = search_within(index, words, options.limit, scope);
    let mut notes = allowed.notes;
    let (hits, total) = if outcome.words.is_empty() {
        // Filters only: the briefs they allow, newest first.
        match &allowed.docs {
            None => {
                let all = library.published_between(i64::MIN, i64::MAX);
                let hits = all.iter().take(options.limit).map(|&doc| (doc, 0.0));
                (hits.collect(), all.len())
            }
            Some(set) => {
                let mut docs: Vec<u32> = set.iter().collect();
                let newest = |doc: &u32| index.recency(*doc);
                if docs.len() > options.limit && options.limit > 0 {
                    docs.select_nth_unstable_by_key(options.limit - 1, newest);
                }
                docs.truncate(options.limit);
                docs.sort_unstable_by_key(newest);
                (docs.into_iter().map(|doc| (doc, 0.0)).collect(), set.len())
            }
        }
    } else {
        notes.extend(search_notes(&outcome, words));
        let hits = outcome.hits.iter().map(|hit| (hit.doc, hit.score));
        (hits.collect(), outcome.total)
    };
    BriefSelection {
        answer: Answer {
            query: query.to_owned(),
            results: Vec::new(),
            total,
            suggestion: outcome.suggestion.clone(),
            notes,
        },
        hits,
        highlighter: outcome.highlighter,
        options,
    }
}

/// The briefs for a query without filters.
fn select_plain(library: &Library, query: &str, options: AskOptions) -> BriefSelection {
    let outcome = search(library.index(), query, options.limit);
    let answer = Answer {
        query: query.to_owned(),
        results: Vec::new(),
        total: outcome.total,
        suggestion: outcome.suggestion.clone(),
        notes: search_notes(&outcome, query),
    };
    BriefSelection {
        answer,
        hits: outcome
            .hits
            .iter()
            .map(|hit| (hit.doc, hit.score))
            .collect(),
        highlighter: outcome.highlighter,
        options,
    }
}

pub(super) fn brief_answer(
    library: &Library,
    highlighter: &Highlighter,
    doc: u32,
    score: f32,
    options: AskOptions,
) -> BriefAnswer {
    let brief = library.brief(doc);
    let opened = Opened::new(brief);
    let text = &opened.text;
    let fields = BriefFields::of(brief);
    let mut found = highlighter.find_in_document(library.index(), doc, &opened);
    let mut mark = |field: FieldId, text: &str| Marked {
        text: text.to_owned(),
        marks: found.take(field).ranges,
    };
    let title = mark(fields.title(), &brief.title);
    let summary = mark(fields.summary(), text.summary());
    // The quotes saying most of the query's words (in their speaker, role or text) first,
    // then in the brief's order; only those shown are copied out.
    let mut ranked: Vec<(u32, usize, TextMarks, TextMarks)> = brief
        .quotes
        .iter()
        .enumerate()
        .map(|(order, quote)| {
            let speaker = found.take(fields.speaker(order));
            let said = found.take(fields.quote(order));
            // Roles are not searched, so the index has no positions for them.
            let role_words = quote.role.as_deref().map_or(0, |role| {
                highlighter
                    .find(library.index(), brief.language, role)
                    .words
            });
            let matched = (speaker.words | said.words | role_words).count_ones();
            (matched, order, speaker, said)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.truncate(options.quotes);
    let quotes = ranked
        .into_iter()
        .map(|(_, order, speaker, said)| {
            let quote = &brief.quotes[order];
            QuoteAnswer {
                speaker: Marked {
                    text: quote.speaker.to_string(),
                    marks: speaker.ranges,
                },
                role: quote.role.as_deref().map(str::to_owned),
                text: Marked {
                    text: text.quote(order).to_owned(),
                    marks: said.ranges,
                },
                context: quote.context.as_deref().map(str::to_owned),
            }
        })
        .collect();
    BriefAnswer {
        id: brief.id.to_string(),
        title,
        published: brief.published.to_string(),
        source: brief.source.clone(),
        outlet: brief.outlet.as_deref().map(str::to_owned),
        image: brief.image.clone(),
        tags: brief.tags.iter().map(|tag| tag.to_string()).collect(),
        score,
        excerpt: crop(&summary, options.summary_chars),
        summary: text.summary().to_owned(),
        quotes,
    }
}

/// Topics to offer while a user types: brief titles and tags starting with what was typed,
/// then those with a word starting with its last word, then titles of briefs the search finds.
/// With nothing typed, the newest titles.
pub fn topic_suggestions(library: &Library, partial: &str, limit: usize) -> Vec<String> {
    use crate::search::plain_words;

    let typed = plain_words(partial);
    let mut out: Vec<String> = Vec::new();
    let push = |candidate: &str, out: &mut Vec<String>| {
        if out.len() < limit && !out.iter().any(|o| o.eq_ignore_ascii_case(candidate)) {
            out.push(candidate.to_owned());
        }
    };
    if typed.is_empty() {
        for brief in library.newest_first().into_iter().take(limit) {
            push(&brief.title, &mut out);
        }
        return out;
    }
    let joined = typed.join(" ");
    for topic in library.topics() {
        if out.len() == limit {
            return out;
        }
        if topic.folded.starts_with(&joined) {
            push(&topic.text, &mut out);
        }
    }
    if let Some((last, rest)) = typed.split_last() {
        for topic in library.topics() {
            if out.len() == limit {
                return out;
            }
            // A substring search first: most topics hold none of the typed words.
            if !topic.folded.contains(last.as_str())
                || !rest.iter().all(|r| topic.folded.contains(r.as_str()))
            {
                continue;
            }
            let mut words = topic.folded.split(' ');
            if words.any(|w| w.starts_with(last.as_str()))
                && rest.iter().all(|r| topic.folded.split(' ').any(|w| w == r))
            {
                push(&topic.text, &mut out);
            }
        }
    }
    if out.len() < limit {
        let outcome = search(library.index(), partial, limit);
        for hit in outcome.hits {
            push(&library.brief(hit.doc).title, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_suggested_by_prefix_then_by_word_then_by_search() {
        let brief = |id: &str, date: &str, title: &str, tags: &str| {
            let text = format!(
                "title = {title:?}\npublished = {date}\ntags = [{tags}]\nsummary = \"Hacking.\"\n"
            );
            crate::brief::parse(
                std::path::Path::new(&format!("{id}.toml")),
                text.as_bytes(),
                crate::language::Language::English,
            )
            .unwrap()
        };
        let library = Library::new(vec![
            brief("a", "2020-01-01", "Storm over the elections", "\"weather\""),
            brief(
                "b",
                "2021-01-01",
                "Election hacking report",
                "\"Elections\", \"cyber\"",
            ),
        ]);
        assert_eq!(
            topic_suggestions(&library, "Elec", 10),
            [
                "Elections",
                "Election hacking report",
                "Storm over the elections"
            ]
        );
        assert_eq!(topic_suggestions(&library, "elec", 1), ["Elections"]);
        assert_eq!(
            topic_suggestions(&library, "", 10),
            ["Election hacking report", "Storm over the elections"],
            "newest titles"
        );
        assert_eq!(
            topic_suggestions(&library, "hacked", 10),
            ["Election hacking report", "Storm over the elections"],
            "then what the search finds"
        );
    }
}
