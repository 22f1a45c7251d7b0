//! Speakers: every distinct person quoted in the library, and resolving the way people type
//! a name in chat ("putin", "President Putin", "Tilerson", "zelenskyy") to them.
//!
//! Names are compared as *keys*: their words folded to lower-case ASCII and run together, so
//! "Jarosław Kaczyński", "jaroslaw kaczynski" and "Jaroslaw  Kaczynski" are one speaker.
//! Resolution tries, in order, and stops at the first step that finds anyone:
//! 1. the whole name or an alias, exactly (after dropping titles such as "President");
//! 2. every typed word is one of the name's words ("putin", "rex tillerson", "lindsey");
//! 3. the same, forgiving typos (one edit in words of 5 to 8 letters, two from 9 letters).
//!
//! One speaker found is an answer; several are an honest list of candidates; none gives the
//! closest names as suggestions.

use std::collections::HashMap;
use std::sync::Arc;

use crate::brief::Brief;
use crate::search::{Change, Index, plain_words};

/// Words put before names that are not part of them.
const TITLES: [&str; 62] = [
    "ambassador",
    "archbishop",
    "attorney",
    "bishop",
    "cap",
    "capt",
    "captain",
    "cardinal",
    "ceo",
    "chair",
    "chairman",
    "chairwoman",
    "chancellor",
    "chief",
    "col",
    "colonel",
    "congressman",
    "congresswoman",
    "dame",
    "doctor",
    "dr",
    "father",
    "first",
    "former",
    "gen",
    "general",
    "gov",
    "governor",
    "judge",
    "justice",
    "king",
    "lady",
    "leader",
    "lord",
    "madam",
    "mayor",
    "minister",
    "miss",
    "mr",
    "mrs",
    "ms",
    "pm",
    "pope",
    "premier",
    "president",
    "prime",
    "prince",
    "princess",
    "prof",
    "professor",
    "queen",
    "rep",
    "representative",
    "rev",
    "reverend",
    "secretary",
    "sen",
    "senator",
    "sir",
    "speaker",
    "the",
    "vice",
];

/// A quote in the library: the brief (doc id) and the quote's place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteRef {
    pub doc: u32,
    pub quote: usize,
}

/// One person quoted in the library.
#[derive(Debug, Clone)]
pub struct Speaker {
    /// The name as most often written.
    pub name: String,
    /// Every role the name appears with, in first-seen order.
    pub roles: Vec<String>,
    /// Every quote, newest brief first.
    pub quotes: Vec<QuoteRef>,
    /// Aliases declared in briefs.
    pub aliases: Vec<String>,
    words: Vec<String>,
}

impl Speaker {
    /// Orders the quotes newest first, and makes the name and roles agree with them: the name
    /// as most often written (the oldest spelling on a tie), every role oldest first.
    fn settle<'a>(&mut self, brief: &dyn Fn(u32) -> &'a Brief, index: &Index) {
        self.quotes
            .sort_by(|a, b| index.tie_break(a.doc, b.doc).then(a.quote.cmp(&b.quote)));
        let mut spellings: Vec<(&str, usize)> = Vec::new();
        self.roles.clear();
        for at in self.quotes.iter().rev() {
            let quote = &brief(at.doc).quotes[at.quote];
            match spellings.iter_mut().find(|(s, _)| *s == &*quote.speaker) {
                Some((_, count)) => *count += 1,
                None => spellings.push((&quote.speaker, 1)),
            }
            if let Some(role) = quote.role.as_deref()
                && !self.roles.iter().any(|r| r == role)
            {
                self.roles.push(role.to_owned());
            }
        }
        let most = spellings.iter().map(|(_, c)| *c).max().unwrap_or(0);
        if let Some((name, _)) = spellings.iter().find(|(_, c)| *c == most) {
            self.name = (*name).to_owned();
        }
    }
}

/// How a typed name was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// One speaker: their index.
    Found(usize),
    /// Several speakers fit; most quoted first.
    Ambiguous(Vec<usize>),
    /// Nobody fits; the closest names, best first (possibly none).
    NotFound(Vec<usize>),
}

/// All speakers of a library.
///
/// Each speaker sits behind an `Arc`: a library edited brief by brief copies only the speakers
/// its briefs quote. Copying them all took most of an edit's time on briefs of 20 quotes (246
/// ms of a reload at 100,000 such briefs).
#[derive(Debug, Default, Clone)]
pub struct Speakers {
    speakers: Vec<Arc<Speaker>>,
    by_key: HashMap<String, usize>,
    by_alias: HashMap<String, usize>,
}

/// A speaker's key: the words of their name, folded and run together.
fn key_of(name: &str) -> (String, Vec<String>) {
    let words = plain_words(name);
    (words.concat(), words)
}

impl Speakers {
    /// Collects the speakers of `briefs`, whose doc ids in `index` are their positions.
    pub fn build<B: std::borrow::Borrow<Brief>>(briefs: &[B], index: &Index) -> Self {
        let mut speakers = Speakers::default();
        let mut touched = Vec::new();
        for (doc, brief) in briefs.iter().enumerate() {
            speakers.add_quotes(doc as u32, brief.borrow(), &mut touched);
        }
        let brief = |doc: u32| briefs[doc as usize].borrow();
        for speaker in &mut speakers.speakers {
            Arc::make_mut(speaker).settle(&brief, index);
        }
        speakers.link_aliases(briefs.iter().map(|b| b.borrow()));
        speakers
    }

    /// These speakers after the briefs at some docs changed: `changes` gives each such doc
    /// with its brief before and after; `brief` gives every brief after, `with_aliases` those
    /// that may declare aliases. Speakers left with no quote are dropped.
    pub fn update<'a>(
        &self,
        changes: &[Change<'_, Brief>],
        brief: &dyn Fn(u32) -> &'a Brief,
        with_aliases: impl Iterator<Item = &'a Brief>,
        index: &Index,
    ) -> Self {
        let mut speakers = self.clone();
        let mut touched: Vec<usize> = Vec::new();
        for change in changes {
            let Some(old) = change.old else { continue };
            for quote in &old.quotes {
                if let Some(&at) = speakers.by_key.get(&key_of(&quote.speaker).0) {
                    Arc::make_mut(&mut speakers.speakers[at])
                        .quotes
                        .retain(|q| q.doc != change.doc);
                    touched.push(at);
                }
            }
        }
        for change in changes {
            if let Some(new) = change.new {
                speakers.add_quotes(change.doc, new, &mut touched);
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for at in touched {
            Arc::make_mut(&mut speakers.speakers[at]).settle(brief, index);
        }
        if speakers.speakers.iter().any(|s| s.quotes.is_empty()) {
            speakers.speakers.retain(|s| !s.quotes.is_empty());
            speakers.by_key = speakers
                .speakers
                .iter()
                .enumerate()
                .map(|(at, s)| (s.words.concat(), at))
                .collect();
        }
        speakers.link_aliases(with_aliases);
        speakers
    }

    /// Files the quotes of the brief at `doc` under their speakers, unsorted; records which
    /// speakers got quotes.
    fn add_quotes(&mut self, doc: u32, brief: &Brief, touched: &mut Vec<usize>) {
        for (i, quote) in brief.quotes.iter().enumerate() {
            let (key, words) = key_of(&quote.speaker);
            if key.is_empty() {
                continue;
            }
            let next = self.speakers.len();
            let at = *self.by_key.entry(key).or_insert(next);
            if at == next {
                self.speakers.push(Arc::new(Speaker {
                    name: quote.speaker.to_string(),
                    roles: Vec::new(),
                    quotes: Vec::new(),
                    aliases: Vec::new(),
                    words,
                }));
            }
            Arc::make_mut(&mut self.speakers[at])
                .quotes
                .push(QuoteRef { doc, quote: i });
            touched.push(at);
        }
    }

    /// Aliases, from the briefs that declare them: when two briefs give one alias to different
    /// people, the brief first by id wins.
    fn link_aliases<'a>(&mut self, briefs: impl Iterator<Item = &'a Brief>) {
        let mut declaring: Vec<&Brief> = briefs.filter(|b| !b.aliases.is_empty()).collect();
        declaring.sort_by(|a, b| a.id.cmp(&b.id));
        self.by_alias.clear();
        // Only the speakers that had aliases are copied to clear them.
        for speaker in &mut self.speakers {
            if !speaker.aliases.is_empty() {
                Arc::make_mut(speaker).aliases.clear();
            }
        }
        for brief in declaring {
            for (name, aliases) in &brief.aliases {
                let Some(&at) = self.by_key.get(&key_of(name).0) else {
                    continue;
                };
                for alias in aliases {
                    let key = key_of(alias).0;
                    if key.is_empty() {
                        continue;
                    }
                    self.by_alias.entry(key).or_insert(at);
                    if !self.speakers[at].aliases.contains(alias) {
                        Arc::make_mut(&mut self.speakers[at])
                            .aliases
                            .push(alias.clone());
                    }
                }
            }
        }
    }

    /// Every speaker.
    pub fn all(&self) -> &[Arc<Speaker>] {
        &self.speakers
    }

    /// The speaker at an index given by `resolve`.
    pub fn get(&self, at: usize) -> &Speaker {
        &self.speakers[at]
    }

    /// Resolves a name as typed.
    pub fn resolve(&self, typed: &str) -> Resolution {
        let mut words = plain_words(typed);
        let whole = words.concat();
        if let Some(&at) = self
            .by_key
            .get(&whole)
            .or_else(|| self.by_alias.get(&whole))
        {
            return Resolution::Found(at);
        }
        while words.len() > 1 && TITLES.contains(&words[0].as_str()) {
            words.remove(0);
        }
        if words.is_empty() {
            return Resolution::NotFound(Vec::new());
        }
        let key = words.concat();
        if let Some(&at) = self.by_key.get(&key).or_else(|| self.by_alias.get(&key)) {
            return Resolution::Found(at);
        }
        for allowed_edits in [exact as fn(&str) -> usize, typo_budget] {
            let found: Vec<usize> = (0..self.speakers.len())
                .filter(|&at| covers(&self.speakers[at].words, &words, allowed_edits))
                .collect();
            match found.len() {
                0 => continue,
                1 => return Resolution::Found(found[0]),
                _ => return Resolution::Ambiguous(self.most_quoted_first(found)),
            }
        }
        Resolution::NotFound(self.closest(&words))
    }

    fn most_quoted_first(&self, mut found: Vec<usize>) -> Vec<usize> {
        found.sort_by(|&a, &b| {
            let (a, b) = (&self.speakers[a], &self.speakers[b]);
            b.quotes
                .len()
                .cmp(&a.quotes.len())
                .then_with(|| a.name.cmp(&b.name))
        });
        found
    }

    /// Up to five names nearest to the typed words, for "did you mean".
    fn closest(&self, words: &[String]) -> Vec<usize> {
        let typed = words.join(" ");
        let mut scored: Vec<(f64, usize)> = self
            .speakers
            .iter()
            .enumerate()
            .map(|(at, speaker)| {
                let whole = strsim::jaro_winkler(&typed, &speaker.words.join(" "));
                let best_word = words
                    .iter()
                    .flat_map(|w| {
                        speaker
                            .words
                            .iter()
                            .map(move |n| strsim::jaro_winkler(w, n))
                    })
                    .fold(0.0, f64::max);
                (whole.max(best_word), at)
            })
            .filter(|(score, _)| *score >= 0.75)
            .collect();
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.speakers[a.1].name.cmp(&self.speakers[b.1].name))
        });
        scored.into_iter().take(5).map(|(_, at)| at).collect()
    }

    /// Speaker names starting with (or having a word starting with) what was typed, for
    /// autocompletion: whole-name prefixes first, most quoted first.
    pub fn complete(&self, typed: &str, limit: usize) -> Vec<&Speaker> {
        let typed = plain_words(typed).join(" ");
        let mut found: Vec<(bool, &Speaker)> = self
            .speakers
            .iter()
            .filter_map(|s| {
                let joined = s.words.join(" ");
                if joined.starts_with(&typed) {
                    Some((true, &**s))
                } else if s.words.iter().any(|w| w.starts_with(&typed)) {
                    Some((false, &**s))
                } else {
                    None
                }
            })
            .collect();
        found.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.quotes.len().cmp(&a.1.quotes.len()))
                .then_with(|| a.1.name.cmp(&b.1.name))
        });
        found.into_iter().take(limit).map(|(_, s)| s).collect()
    }
}

fn exact(_: &str) -> usize {
    0
}

/// Edits forgiven in a typed word: one for 5 to 8 letters, two from 9, none below 5.
fn typo_budget(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Whether every typed word is one of the name's words, within the edit budget of the longer
/// of the two (a letter dropped from "Trump" leaves "trmp", which still counts as one typo).
/// Numbers must match exactly.
fn covers(name: &[String], typed: &[String], budget: fn(&str) -> usize) -> bool {
    typed.iter().all(|word| {
        let numeric = word.chars().any(|c| c.is_ascii_digit());
        name.iter().any(|n| {
            if n == word {
                return true;
            }
            let longer = if n.len() > word.len() { n } else { word };
            let allowed = if numeric { 0 } else { budget(longer) };
            allowed > 0 && strsim::osa_distance(n, word) <= allowed
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::parse;
    use crate::language::Language;
    use std::path::Path;

    fn brief(id: &str, date: &str, quotes: &[(&str, &str)], extra: &str) -> Brief {
        let mut text = format!("title = \"T\"\npublished = {date}\nsummary = \"S.\"\n");
        for (speaker, role) in quotes {
            text.push_str(&format!(
                "[[quotes]]\nspeaker = {speaker:?}\nrole = {role:?}\ntext = \"Words of {speaker}.\"\n"
            ));
        }
        text.push_str(extra);
        parse(
            Path::new(&format!("{id}.toml")),
            text.as_bytes(),
            Language::English,
        )
        .unwrap()
    }

    fn library() -> (Vec<Brief>, Speakers) {
        let briefs = vec![
            brief(
                "old",
                "2017-07-09",
                &[
                    ("Vladimir Putin", "Russian President"),
                    ("Lindsey Graham", "US Senator"),
                    ("Rex Tillerson", "Secretary of State"),
                ],
                "[aliases]\n\"Vladimir Putin\" = [\"VVP\"]\n",
            ),
            brief(
                "new",
                "2019-01-01",
                &[
                    ("vladimir  putin", "President of Russia"),
                    ("Jarosław Kaczyński", "PiS leader"),
                    ("Graham Norton", "Presenter"),
                ],
                "",
            ),
            brief(
                "other",
                "2018-01-01",
                &[
                    ("Boris Johnson", "PM"),
                    ("Boris Becker", "Player"),
                    ("Jo Johnson", "MP"),
                ],
                "",
            ),
        ];
        let index = Index::build(&briefs);
        let speakers = Speakers::build(&briefs, &index);
        (briefs, speakers)
    }

    fn name(speakers: &Speakers, typed: &str) -> String {
        match speakers.resolve(typed) {
            Resolution::Found(at) => speakers.get(at).name.clone(),
            other => panic!("{typed:?} resolved to {other:?}"),
        }
    }

    fn names(speakers: &Speakers, ats: &[usize]) -> Vec<String> {
        ats.iter()
            .map(|&at| speakers.get(at).name.clone())
            .collect()
    }

    #[test]
    fn spellings_that_differ_in_case_accents_or_spacing_are_one_speaker() {
        let (_, speakers) = library();
        let putin = speakers.resolve("Vladimir Putin");
        let Resolution::Found(at) = putin else {
            panic!("{putin:?}")
        };
        let putin = speakers.get(at);
        assert_eq!(putin.quotes.len(), 2);
        assert_eq!(putin.roles, ["Russian President", "President of Russia"]);
        assert_eq!(putin.quotes[0].doc, 1, "newest first");
    }

    #[test]
    fn names_resolve_the_way_people_type_them() {
        let (_, speakers) = library();
        assert_eq!(name(&speakers, "putin"), "Vladimir Putin", "surname");
        assert_eq!(
            name(&speakers, "Lindsey"),
            "Lindsey Graham",
            "unique given name"
        );
        assert_eq!(name(&speakers, "REX TILLERSON"), "Rex Tillerson", "case");
        assert_eq!(
            name(&speakers, "Kaczynski"),
            "Jarosław Kaczyński",
            "no accents"
        );
        assert_eq!(name(&speakers, "Tilerson"), "Rex Tillerson", "one typo");
        assert_eq!(
            name(&speakers, "Jaroslaw Kaczynksi"),
            "Jarosław Kaczyński",
            "typo in a long name"
        );
        assert_eq!(
            name(&speakers, "President Putin"),
            "Vladimir Putin",
            "title"
        );
        assert_eq!(name(&speakers, "Dr. Tillerson"), "Rex Tillerson", "Dr.");
        assert_eq!(name(&speakers, "Putin's"), "Vladimir Putin", "possessive");
        assert_eq!(name(&speakers, "vvp"), "Vladimir Putin", "alias");
    }

    #[test]
    fn a_shared_name_lists_the_candidates() {
        let (_, speakers) = library();
        let Resolution::Ambiguous(found) = speakers.resolve("Graham") else {
            panic!()
        };
        let mut found = names(&speakers, &found);
        found.sort();
        assert_eq!(found, ["Graham Norton", "Lindsey Graham"]);
        let Resolution::Ambiguous(found) = speakers.resolve("boris") else {
            panic!()
        };
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn an_exact_full_name_beats_a_partial_one() {
        let (_, speakers) = library();
        // "Jo Johnson" is also a part of nobody else, but "Johnson" alone is shared.
        assert_eq!(name(&speakers, "Jo Johnson"), "Jo Johnson");
        assert!(matches!(
            speakers.resolve("Johnson"),
            Resolution::Ambiguous(_)
        ));
        assert_eq!(name(&speakers, "Boris Johnson"), "Boris Johnson");
    }

    #[test]
    fn an_unknown_name_suggests_the_closest() {
        let (_, speakers) = library();
        let Resolution::NotFound(close) = speakers.resolve("Tillman") else {
            panic!()
        };
        assert_eq!(names(&speakers, &close)[0], "Rex Tillerson");
        assert_eq!(
            speakers.resolve("Zzyzx Qwv"),
            Resolution::NotFound(Vec::new())
        );
        assert_eq!(speakers.resolve("  "), Resolution::NotFound(Vec::new()));
    }

    #[test]
    fn completion_prefers_whole_name_prefixes() {
        let (_, speakers) = library();
        let names: Vec<_> = speakers
            .complete("bor", 5)
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["Boris Becker", "Boris Johnson"]);
        let names: Vec<_> = speakers
            .complete("john", 5)
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["Boris Johnson", "Jo Johnson"]);
    }
}
