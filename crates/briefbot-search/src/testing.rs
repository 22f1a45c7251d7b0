//! What the search tests share: news briefs made of a title and a summary, weighted as
//! briefbot weighs them, and a library of them to query.

use std::cmp::Reverse;

use super::fields::{Document, Weight};
use super::index::Index;
use super::query::search;
use crate::language::Language;

/// A brief of the tests: an id, a date (ISO 8601, so that its text sorts as it should), a
/// title and a summary, in English unless told otherwise.
#[derive(Debug, Clone)]
pub(crate) struct Brief {
    pub(crate) id: String,
    date: String,
    title: String,
    summary: String,
    language: Language,
}

impl Brief {
    /// This brief, written in `language`.
    pub(crate) fn in_language(self, language: Language) -> Self {
        Brief { language, ..self }
    }
}

/// A title's word counts three times a quote's, a summary's one and a half times.
const TITLE: Weight = Weight::from_halves(6);
const SUMMARY: Weight = Weight::from_halves(3);

impl Document for Brief {
    fn language(&self) -> Language {
        self.language
    }

    fn fields(&self, visit: &mut dyn FnMut(Weight, &str)) {
        visit(TITLE, &self.title);
        visit(SUMMARY, &self.summary);
    }

    /// Newest first, then by id.
    fn recency(&self) -> impl Ord + '_ {
        (Reverse(self.date.as_str()), self.id.as_str())
    }
}

pub(crate) fn brief(id: &str, date: &str, title: &str, summary: &str) -> Brief {
    Brief {
        id: id.to_owned(),
        date: date.to_owned(),
        title: title.to_owned(),
        summary: summary.to_owned(),
        language: Language::English,
    }
}

pub(crate) struct Fixture {
    pub(crate) briefs: Vec<Brief>,
    pub(crate) index: Index,
}

impl Fixture {
    pub(crate) fn new(briefs: Vec<Brief>) -> Self {
        let index = Index::build(&briefs);
        Fixture { briefs, index }
    }

    pub(crate) fn ids(&self, query: &str) -> Vec<&str> {
        search(&self.index, query, 10)
            .hits
            .iter()
            .map(|hit| self.briefs[hit.doc as usize].id.as_str())
            .collect()
    }

    /// The ids of the best `limit` for `query`, checked to be the head of the whole
    /// ranking (scores included) with the same total, however the ranking got them.
    pub(crate) fn best_few(&self, query: &str, limit: usize) -> Vec<&str> {
        let all = search(&self.index, query, usize::MAX);
        let few = search(&self.index, query, limit);
        assert_eq!(few.total, all.total, "{query}");
        assert_eq!(few.hits, all.hits[..limit], "{query}");
        few.hits
            .iter()
            .map(|hit| self.briefs[hit.doc as usize].id.as_str())
            .collect()
    }
}
