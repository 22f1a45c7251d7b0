//! What the search tests share: briefs made from a title and a summary, and a library of them
//! to query.

use std::path::Path;

use super::index::Index;
use super::query::search;
use crate::brief::{Brief, parse};
use crate::language::Language;

pub(crate) fn brief(id: &str, date: &str, title: &str, summary: &str) -> Brief {
    let text = format!("title = {title:?}\npublished = {date}\nsummary = {summary:?}\n");
    parse(
        Path::new(&format!("{id}.toml")),
        text.as_bytes(),
        Language::English,
    )
    .unwrap()
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
