//! Facets: the briefs holding each tag, each outlet and each language, as sorted doc ids, so
//! that a filter (`tag:russia`, `outlet:"BBC News"`, `lang:de`) finds its briefs by one
//! lookup, never by looking at every brief.
//!
//! A tag or outlet is keyed by its words as the engine analyses them in its brief's language
//! (folded, stemmed, stop words left out unless it has nothing else), so a filter value
//! matches a whole tag the way a query word matches a word: "Elections", "élection" and
//! "election" are one tag. A snapshot's facets are made at the first filter that needs them
//! and carried over by edits, brief by brief.

use std::collections::HashMap;
use std::sync::Arc;

use crate::brief::Brief;
use crate::language::Language;
use crate::search::{Analyzer, Change, Index};

/// The briefs holding one tag (or outlet), and its spelling.
#[derive(Debug, Clone)]
pub struct Posting {
    /// As first written in a brief holding it.
    pub name: Arc<str>,
    /// Doc ids, ascending.
    pub docs: Vec<u32>,
}

type Postings = HashMap<String, Arc<Posting>>;

/// Tags, outlets and languages to the briefs holding them.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    tags: Postings,
    outlets: Postings,
    languages: HashMap<Language, Arc<Vec<u32>>>,
}

/// The key of a tag or outlet written in `analyzer`'s language: its terms, the language's code
/// first (a German tag is stemmed as German). `None` when it has no word.
fn key_of(analyzer: &Analyzer, text: &str) -> Option<String> {
    let tokens = analyzer.tokens(text);
    let content: Vec<&str> = tokens
        .iter()
        .filter(|t| !t.stop)
        .map(|t| t.term.as_str())
        .collect();
    let terms: Vec<&str> = if content.is_empty() {
        tokens.iter().map(|t| t.term.as_str()).collect()
    } else {
        content
    };
    (!terms.is_empty()).then(|| format!("{}:{}", analyzer.language().code(), terms.join(" ")))
}

/// Adds `doc` to the posting of `name` under `key`, keeping its docs sorted.
fn add(postings: &mut Postings, key: String, name: &Arc<str>, doc: u32) {
    let posting = postings.entry(key).or_insert_with(|| {
        Arc::new(Posting {
            name: Arc::clone(name),
            docs: Vec::new(),
        })
    });
    let posting = Arc::make_mut(posting);
    if let Err(at) = posting.docs.binary_search(&doc) {
        posting.docs.insert(at, doc);
    }
}

/// Takes `doc` out of the posting under `key`, dropping a posting left empty.
fn take(postings: &mut Postings, key: &str, doc: u32) {
    let Some(posting) = postings.get_mut(key) else {
        return;
    };
    let posting = Arc::make_mut(posting);
    if let Ok(at) = posting.docs.binary_search(&doc) {
        posting.docs.remove(at);
    }
    if posting.docs.is_empty() {
        postings.remove(key);
    }
}

impl Facets {
    /// The facets of `briefs` (each with its doc id), keyed as `index` analyses their texts.
    pub fn build<'a>(briefs: impl Iterator<Item = (u32, &'a Brief)>, index: &Index) -> Self {
        let mut facets = Facets::default();
        for (doc, brief) in briefs {
            facets.put(doc, brief, index);
        }
        facets
    }

    /// These facets after `changes` (each doc with its brief before and after).
    pub fn update(&self, changes: &[Change<'_, Brief>], index: &Index) -> Self {
        let mut facets = self.clone();
        for change in changes {
            if let Some(old) = change.old {
                facets.remove(change.doc, old, index);
            }
            if let Some(new) = change.new {
                facets.put(change.doc, new, index);
            }
        }
        facets
    }

    fn put(&mut self, doc: u32, brief: &Brief, index: &Index) {
        let analyzer = index.analyzer(brief.language);
        for tag in &brief.tags {
            if let Some(key) = key_of(analyzer, tag) {
                add(&mut self.tags, key, tag, doc);
            }
        }
        if let Some(outlet) = &brief.outlet
            && let Some(key) = key_of(analyzer, outlet)
        {
            add(&mut self.outlets, key, outlet, doc);
        }
        let docs = Arc::make_mut(self.languages.entry(brief.language).or_default());
        if let Err(at) = docs.binary_search(&doc) {
            docs.insert(at, doc);
        }
    }

    fn remove(&mut self, doc: u32, brief: &Brief, index: &Index) {
        let analyzer = index.analyzer(brief.language);
        for tag in &brief.tags {
            if let Some(key) = key_of(analyzer, tag) {
                take(&mut self.tags, &key, doc);
            }
        }
        if let Some(outlet) = &brief.outlet
            && let Some(key) = key_of(analyzer, outlet)
        {
            take(&mut self.outlets, &key, doc);
        }
        if let Some(docs) = self.languages.get_mut(&brief.language) {
            let docs = Arc::make_mut(docs);
            if let Ok(at) = docs.binary_search(&doc) {
                docs.remove(at);
            }
        }
    }

    /// The briefs holding the tag `typed` names (analysed in each language of `index`),
    /// ascending.
    pub fn tagged(&self, index: &Index, typed: &str) -> Vec<u32> {
        lookup(&self.tags, index, typed)
    }

    /// The briefs from the outlet `typed` names, ascending.
    pub fn from_outlet(&self, index: &Index, typed: &str) -> Vec<u32> {
        lookup(&self.outlets, index, typed)
    }

    /// The briefs written in `language`, ascending.
    pub fn in_language(&self, language: Language) -> &[u32] {
        self.languages.get(&language).map_or(&[], |docs| &docs[..])
    }

    /// Every tag, as first written, with how many briefs hold it.
    pub fn tags(&self) -> impl Iterator<Item = (&str, usize)> {
        self.tags.values().map(|p| (&*p.name, p.docs.len()))
    }

    /// Every outlet, as first written, with how many briefs it wrote.
    pub fn outlets(&self) -> impl Iterator<Item = (&str, usize)> {
        self.outlets.values().map(|p| (&*p.name, p.docs.len()))
    }
}

/// The docs under the key of `typed` in any language of `index`, ascending.
fn lookup(postings: &Postings, index: &Index, typed: &str) -> Vec<u32> {
    let mut docs: Vec<u32> = Vec::new();
    for analyzer in index.analyzers() {
        if let Some(posting) = key_of(analyzer, typed).and_then(|key| postings.get(&key)) {
            docs.extend(&posting.docs);
        }
    }
    docs.sort_unstable();
    docs.dedup();
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief(id: &str, language: &str, tags: &str, outlet: &str) -> Brief {
        let text = format!(
            "title = \"T\"\npublished = 2020-01-01\nlanguage = \"{language}\"\ntags = [{tags}]\noutlet = \"{outlet}\"\nsummary = \"S.\"\n"
        );
        crate::brief::parse(
            std::path::Path::new(&format!("{id}.toml")),
            text.as_bytes(),
            Language::English,
        )
        .unwrap()
    }

    #[test]
    fn tags_match_like_words_and_edits_keep_the_postings_right() {
        let briefs = [
            brief("a", "en", "\"Elections\", \"Russia\"", "BBC News"),
            brief("b", "en", "\"élection\"", "The Guardian"),
            brief("c", "de", "\"Wahlen\"", "Der Spiegel"),
        ];
        let index = Index::build(&briefs);
        let facets = Facets::build(
            briefs.iter().enumerate().map(|(d, b)| (d as u32, b)),
            &index,
        );
        assert_eq!(facets.tagged(&index, "election"), [0, 1]);
        assert_eq!(facets.tagged(&index, "RUSSIA"), [0]);
        assert_eq!(facets.tagged(&index, "wahl"), [2], "German stems");
        assert!(
            facets.tagged(&index, "elections russia").is_empty(),
            "one tag"
        );
        assert_eq!(facets.from_outlet(&index, "bbc news"), [0]);
        assert_eq!(facets.from_outlet(&index, "guardian"), [1]);
        assert_eq!(facets.in_language(Language::German), [2]);
        let changed = brief("b", "en", "\"Russia\"", "BBC News");
        let after = facets.update(
            &[Change {
                doc: 1,
                old: Some(&briefs[1]),
                new: Some(&changed),
            }],
            &index,
        );
        assert_eq!(after.tagged(&index, "russia"), [0, 1]);
        assert_eq!(after.tagged(&index, "election"), [0]);
        assert!(after.from_outlet(&index, "guardian").is_empty());
        assert!(after.outlets().all(|(name, _)| name != "The Guardian"));
        assert_eq!(
            facets.tagged(&index, "election"),
            [0, 1],
            "the old is intact"
        );
    }
}
