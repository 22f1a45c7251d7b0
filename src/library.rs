//! A loaded library: an immutable snapshot of the briefs with their search index.
//!
//! Loading reads every brief file of a directory in parallel, keeps the good ones and reports
//! the bad ones; one bad file never stops the others. A change makes a new snapshot with
//! [`Library::edit`], which shares with the old one everything the change leaves alone: the
//! work is in proportion to the briefs changed, and the new snapshot answers exactly as one
//! loaded from scratch would (`tests/incremental.rs` checks this).
//!
//! A brief is a document of the search engine ([`Document`]): its searched texts ([`fields`]),
//! each weighted by what part of the brief it is ([`Field`]), newest first among equals;
//! [`BriefFields`] says which engine field holds which text, to read the highlights.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::brief::{self, Brief, BriefError, BriefId, Text};
use crate::facets::Facets;
use crate::language::Language;
use crate::search::{Change, Document, FieldId, Index, Weight};
use crate::speakers::Speakers;

/// Why a directory could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("{}: the briefs directory does not exist", .0.display())]
    Missing(PathBuf),
    #[error("{}: not a directory; expected the folder that holds the brief files", .0.display())]
    NotADirectory(PathBuf),
    #[error("{}: cannot read: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// The briefs of a library and the index over them.
///
/// Each brief has a *doc id* (its slot), which it keeps while it is served: a library made by
/// [`Library::edit`] shares with the one it came from everything the edit left alone.
#[derive(Debug)]
pub struct Library {
    /// Per doc id; `None` where a brief was removed. Shared with the live library's per-file
    /// state: an edit copies no brief.
    briefs: Vec<Option<Arc<Brief>>>,
    live: usize,
    /// Doc ids, newest brief first.
    newest: Vec<u32>,
    ids: IdMap,
    /// Titles and tags as autocompletion offers them, per doc, made at the first keystroke
    /// and carried over by edits.
    topics: OnceLock<Vec<Arc<[Topic]>>>,
    /// The first of each distinct topic (by folded text) in doc order, as (doc, place in the
    /// doc's topics): made at the first keystroke of each snapshot, a pass of hash lookups.
    distinct_topics: OnceLock<Vec<(u32, u32)>>,
    index: Index,
    speakers: Speakers,
    /// Tags, outlets and languages to their briefs, for filters: made at the first filter
    /// that needs them and carried over by edits.
    facets: OnceLock<Facets>,
}

/// Brief ids to doc ids: the map of the library first built, and what edits changed since.
#[derive(Debug, Clone, Default)]
struct IdMap {
    built: Arc<HashMap<BriefId, u32>>,
    /// `None`: removed.
    changed: HashMap<BriefId, Option<u32>>,
}

impl IdMap {
    fn get(&self, id: &BriefId) -> Option<u32> {
        match self.changed.get(id) {
            Some(doc) => *doc,
            None => self.built.get(id).copied(),
        }
    }
}

/// A change to make to a library.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Serve this brief, in place of the one with its id if any.
    Put(Arc<Brief>),
    /// Stop serving the brief with this id.
    Remove(BriefId),
}

/// A title or tag offered by autocompletion.
#[derive(Debug, Clone)]
pub struct Topic {
    /// As written in the brief.
    pub text: String,
    /// Its words folded and joined by single spaces.
    pub folded: String,
}

/// A library with the problems met while loading it.
#[derive(Debug)]
pub struct Loaded {
    pub library: Library,
    /// Bad files and duplicate ids, in file order. Their briefs are not in the library.
    pub errors: Vec<BriefError>,
    /// How many brief files were read.
    pub files: usize,
}

impl Library {
    /// Builds the index over `briefs`, which must have distinct ids.
    pub fn new(briefs: Vec<Brief>) -> Self {
        // Not `collect`: that would keep the allocation sized for the `Brief`s themselves
        // (256 bytes each) to hold the pointers.
        let mut shared = Vec::with_capacity(briefs.len());
        shared.extend(briefs.into_iter().map(Arc::new));
        Library::from_shared(shared)
    }

    /// Builds the index over shared briefs, which must have distinct ids.
    pub fn from_shared(briefs: Vec<Arc<Brief>>) -> Self {
        let index = Index::build(&briefs);
        let speakers = Speakers::build(&briefs, &index);
        let ids = briefs
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.clone(), i as u32))
            .collect();
        let mut newest: Vec<u32> = (0..briefs.len() as u32).collect();
        newest.sort_by(|&a, &b| index.tie_break(a, b));
        Library {
            newest,
            topics: OnceLock::new(),
            distinct_topics: OnceLock::new(),
            live: briefs.len(),
            briefs: briefs.into_iter().map(Some).collect(),
            ids: IdMap {
                built: Arc::new(ids),
                changed: HashMap::new(),
            },
            index,
            speakers,
            facets: OnceLock::new(),
        }
    }

    /// This library with `edits` made in order. It shares the index, the speakers and the
    /// briefs with this one wherever the edits leave them alone, so the work is in proportion
    /// to what changed, not to the size of the library (unless most of it changed, or a
    /// language came or went: then it is built anew).
    pub fn edit(&self, edits: &[Edit]) -> Library {
        let mut briefs = self.briefs.clone();
        let mut ids = self.ids.clone();
        // Per doc touched: the brief before the edits.
        let mut before: std::collections::BTreeMap<u32, Option<Arc<Brief>>> = Default::default();
        for edit in edits {
            let (id, brief) = match edit {
                Edit::Put(brief) => (&brief.id, Some(Arc::clone(brief))),
                Edit::Remove(id) => (id, None),
            };
            let doc = match ids.get(id) {
                Some(doc) => doc,
                None if brief.is_none() => continue,
                None => {
                    briefs.push(None);
                    (briefs.len() - 1) as u32
                }
            };
            let slot = &mut briefs[doc as usize];
            before.entry(doc).or_insert_with(|| slot.clone());
            ids.changed
                .insert(id.clone(), brief.is_some().then_some(doc));
            *slot = brief;
        }
        let live = briefs.iter().flatten().count();
        let holes = briefs.len() - live;
        if before.len() > live / 4 + 64 || holes > live / 4 + 64 {
            return Library::from_shared(briefs.into_iter().flatten().collect());
        }
        let brief_at = |doc: u32| -> &Brief {
            briefs[doc as usize]
                .as_deref()
                .expect("only live doc ids are asked for")
        };
        let newer = |a: u32, b: u32| {
            let (a, b) = (brief_at(a), brief_at(b));
            b.published
                .instant
                .cmp(&a.published.instant)
                .then_with(|| a.id.cmp(&b.id))
        };
        let mut newest = self.newest.clone();
        newest.retain(|doc| !before.contains_key(doc));
        for (&doc, _) in before
            .iter()
            .filter(|(doc, _)| briefs[**doc as usize].is_some())
        {
            let at = newest.partition_point(|&other| newer(other, doc).is_lt());
            newest.insert(at, doc);
        }
        let mut recency = vec![u32::MAX; briefs.len()];
        for (rank, &doc) in newest.iter().enumerate() {
            recency[doc as usize] = rank as u32;
        }
        // What the edits changed, brief by brief, borrowed from `briefs` until it moves below.
        let (index, speakers, topics, facets) = {
            let changes: Vec<Change<'_, Brief>> = before
                .iter()
                .map(|(&doc, old)| Change {
                    doc,
                    old: old.as_deref(),
                    new: briefs[doc as usize].as_deref(),
                })
                .collect();
            let Some(index) = self.index.update(&changes, recency) else {
                return Library::from_shared(briefs.into_iter().flatten().collect());
            };
            let speakers = self.speakers.update(
                &changes,
                &brief_at,
                briefs.iter().flatten().map(|b| &**b),
                &index,
            );
            let topics = OnceLock::new();
            if let Some(old) = self.topics.get() {
                let mut new = old.clone();
                new.resize_with(briefs.len(), || topics_of(None));
                for change in &changes {
                    new[change.doc as usize] = topics_of(change.new);
                }
                let _ = topics.set(new);
            }
            let facets = OnceLock::new();
            if let Some(old) = self.facets.get() {
                let _ = facets.set(old.update(&changes, &index));
            }
            (index, speakers, topics, facets)
        };
        Library {
            briefs,
            live,
            newest,
            ids,
            topics,
            distinct_topics: OnceLock::new(),
            index,
            speakers,
            facets,
        }
    }

    /// Loads every brief file under `dir`.
    pub fn load(dir: &Path, default_language: Language) -> Result<Loaded, LibraryError> {
        let files = brief_files(dir)?;
        let (briefs, errors) = parse_files(&files, default_language);
        Ok(Loaded {
            library: Library::new(briefs),
            errors,
            files: files.len(),
        })
    }

    /// All briefs, in doc order (the order of their files, for a library just loaded).
    pub fn briefs(&self) -> impl Iterator<Item = &Arc<Brief>> {
        self.briefs.iter().flatten()
    }

    /// How many briefs are served.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no brief is served.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// All briefs, newest first (then by id).
    pub fn newest_first(&self) -> Vec<&Brief> {
        self.newest.iter().map(|&doc| self.brief(doc)).collect()
    }

    /// The briefs at `places` of the newest-first order (those that exist).
    pub fn newest(&self, places: std::ops::Range<usize>) -> Vec<&Brief> {
        let end = places.end.min(self.newest.len());
        self.newest
            .get(places.start.min(end)..end)
            .unwrap_or_default()
            .iter()
            .map(|&doc| self.brief(doc))
            .collect()
    }

    /// The briefs published from `from` to `through` (seconds since 1970, both included),
    /// newest first (then by id): a slice of the newest-first order, found by binary search.
    pub fn published_between(&self, from: i64, through: i64) -> &[u32] {
        let instant = |doc: u32| self.brief(doc).published.instant;
        let start = self.newest.partition_point(|&doc| instant(doc) > through);
        let end = self.newest.partition_point(|&doc| instant(doc) >= from);
        self.newest.get(start..end.max(start)).unwrap_or_default()
    }

    /// Tags, outlets and languages to their briefs (made at the first call on a snapshot).
    pub fn facets(&self) -> &Facets {
        self.facets.get_or_init(|| {
            Facets::build(
                self.briefs
                    .iter()
                    .enumerate()
                    .filter_map(|(doc, b)| b.as_deref().map(|b| (doc as u32, b))),
                &self.index,
            )
        })
    }

    /// Every distinct title and tag (by folded words), tags first within a brief, briefs in
    /// doc order: the first brief holding a topic gives its spelling.
    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        let per_doc = self.topics.get_or_init(|| {
            use rayon::prelude::*;
            self.briefs
                .par_iter()
                .map(|b| topics_of(b.as_deref()))
                .collect()
        });
        let distinct = self.distinct_topics.get_or_init(|| {
            let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
            let mut distinct = Vec::new();
            for (doc, topics) in per_doc.iter().enumerate() {
                for (at, topic) in topics.iter().enumerate() {
                    if seen.insert(&topic.folded) {
                        distinct.push((doc as u32, at as u32));
                    }
                }
            }
            distinct
        });
        distinct
            .iter()
            .map(|&(doc, at)| &per_doc[doc as usize][at as usize])
    }

    /// The brief with this id.
    pub fn get(&self, id: &str) -> Option<&Brief> {
        let id = BriefId::parse(id).ok()?;
        self.ids.get(&id).map(|doc| self.brief(doc))
    }

    /// The doc id of the brief with this id.
    pub fn doc_id(&self, id: &str) -> Option<u32> {
        let id = BriefId::parse(id).ok()?;
        self.ids.get(&id)
    }

    /// The brief at a doc id of the index.
    pub fn brief(&self, doc: u32) -> &Brief {
        self.briefs[doc as usize]
            .as_deref()
            .expect("doc ids given out by the index and speakers are live")
    }

    /// Everyone quoted in the library.
    pub fn speakers(&self) -> &Speakers {
        &self.speakers
    }

    /// The search index.
    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// A brief's tags, then its title, as autocompletion offers them (none for an empty slot).
fn topics_of(brief: Option<&Brief>) -> Arc<[Topic]> {
    let Some(brief) = brief else {
        return Arc::from(Vec::new());
    };
    brief
        .tags
        .iter()
        .map(|tag| &**tag)
        .chain(std::iter::once(brief.title.as_str()))
        .map(|text| Topic {
            text: text.to_owned(),
            folded: crate::search::plain_words(text).join(" "),
        })
        .collect()
}

/// The parts of a brief that are searched, with their weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Tag,
    Summary,
    Speaker,
    Quote,
}

impl Field {
    /// How much a word in this field counts: three times as much in a title or a tag as in a
    /// quote, half as much again in a summary or a speaker's name.
    pub fn weight(self) -> Weight {
        match self {
            Field::Title | Field::Tag => Weight::from_halves(6),
            Field::Summary | Field::Speaker => Weight::from_halves(3),
            Field::Quote => Weight::from_halves(2),
        }
    }
}

/// Calls `visit` with each searched text of a brief, in position order, unpacking its
/// summary and quotes once.
pub fn for_each_field(brief: &Brief, visit: impl FnMut(Field, &str)) {
    for_each_field_in(brief, &brief.text(), visit);
}

/// [`for_each_field`], with the brief's text already unpacked.
fn for_each_field_in(brief: &Brief, text: &Text<'_>, mut visit: impl FnMut(Field, &str)) {
    visit(Field::Title, &brief.title);
    for tag in &brief.tags {
        visit(Field::Tag, tag);
    }
    visit(Field::Summary, text.summary());
    for (at, quote) in brief.quotes.iter().enumerate() {
        visit(Field::Speaker, &quote.speaker);
        visit(Field::Quote, text.quote(at));
    }
}

/// Which engine field holds each searched text of a brief: the places of its texts in
/// [`fields`] order (title, tags, summary, then each quote's speaker and text).
#[derive(Debug, Clone, Copy)]
pub struct BriefFields {
    tags: usize,
}

impl BriefFields {
    /// The fields of `brief`.
    pub fn of(brief: &Brief) -> Self {
        BriefFields {
            tags: brief.tags.len(),
        }
    }

    /// The title's field.
    pub fn title(self) -> FieldId {
        FieldId(0)
    }

    /// The field of tag `tag` (counted from 0).
    pub fn tag(self, tag: usize) -> FieldId {
        FieldId(1 + tag)
    }

    /// The summary's field.
    pub fn summary(self) -> FieldId {
        FieldId(1 + self.tags)
    }

    /// The field of quote `quote`'s speaker (quotes counted from 0).
    pub fn speaker(self, quote: usize) -> FieldId {
        FieldId(2 + self.tags + 2 * quote)
    }

    /// The field of quote `quote`'s text (quotes counted from 0).
    pub fn quote(self, quote: usize) -> FieldId {
        FieldId(3 + self.tags + 2 * quote)
    }
}

/// A brief as the engine indexes it: its searched texts in [`fields`] order, ties going to
/// the newest, then by id.
impl Document for Brief {
    fn language(&self) -> Language {
        self.language
    }

    fn fields(&self, visit: &mut dyn FnMut(Weight, &str)) {
        for_each_field(self, |field, text| visit(field.weight(), text));
    }

    fn recency(&self) -> impl Ord + '_ {
        (std::cmp::Reverse(self.published.instant), &self.id)
    }
}

/// A brief with its summary and quotes unpacked, for whatever reads them more than once: a
/// reply highlights the texts (through the engine), then shows them.
pub struct Opened<'a> {
    pub brief: &'a Brief,
    pub text: Text<'a>,
}

impl<'a> Opened<'a> {
    pub fn new(brief: &'a Brief) -> Self {
        Opened {
            brief,
            text: brief.text(),
        }
    }
}

impl Document for Opened<'_> {
    fn language(&self) -> Language {
        self.brief.language
    }

    fn fields(&self, visit: &mut dyn FnMut(Weight, &str)) {
        for_each_field_in(self.brief, &self.text, |field, text| {
            visit(field.weight(), text)
        });
    }

    fn recency(&self) -> impl Ord + '_ {
        Document::recency(self.brief)
    }
}

/// The brief format's limits keep every position in the engine's range: every field at its
/// longest, one word per character (CJK text is), plus the gaps between fields.
const _: () = {
    use crate::brief::*;
    let fields = 1 + MAX_TAGS + 1 + 2 * MAX_QUOTES;
    let words =
        MAX_TITLE + MAX_TAGS * MAX_SHORT + MAX_SUMMARY + MAX_QUOTES * (MAX_SPEAKER + MAX_QUOTE);
    assert!(crate::search::fields::positions_needed(fields, words) <= crate::search::MAX_POSITION);
};

/// Sorts `paths` in `Path`'s own order (component by component), for paths below one
/// folder as listing it gives them (no `.` components or doubled separators below it). They
/// are compared as bytes with the separator below every other byte, which orders them the
/// same way: `Path`'s comparison splits both paths into components at every step, which took
/// most of the time of listing 100,000 files.
pub fn sort_paths(paths: &mut [PathBuf]) {
    paths.sort_unstable_by(|a, b| path_order(a, b));
}

fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let rank = |bytes: &[u8]| {
        bytes.get(common).map(|&byte| match byte {
            _ if std::path::is_separator(char::from(byte)) => 0,
            _ => u16::from(byte) + 1,
        })
    };
    rank(a).cmp(&rank(b))
}

/// Whether a file or folder name is one the library skips: names starting with `_` (notes,
/// drafts) or `.` (temporary files, the trash, the audit log).
pub fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

/// The brief files under `dir`, sorted by path: every `*.toml`, skipping files and folders
/// whose names start with `_` or `.`.
pub fn brief_files(dir: &Path) -> Result<Vec<PathBuf>, LibraryError> {
    match std::fs::metadata(dir) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(LibraryError::Missing(dir.to_owned()));
        }
        Err(source) => {
            return Err(LibraryError::Io {
                path: dir.to_owned(),
                source,
            });
        }
        Ok(meta) if !meta.is_dir() => return Err(LibraryError::NotADirectory(dir.to_owned())),
        Ok(_) => {}
    }
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|source| LibraryError::Io {
            path: folder.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| LibraryError::Io {
                path: folder.clone(),
                source,
            })?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if is_hidden(&name) {
                continue;
            }
            let mut path = entry.path();
            // `join` leaves room to grow: 145 bytes a path where 50 are used.
            path.shrink_to_fit();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    sort_paths(&mut files);
    Ok(files)
}

/// Reads and parses `files` in parallel. Returns the good briefs and every problem; when two
/// files define the same id, the first (in the order given) is kept and the second reported.
pub fn parse_files(files: &[PathBuf], default_language: Language) -> (Vec<Brief>, Vec<BriefError>) {
    // Each of at most 16 runs of files shares its repeated texts (see `brief::Texts`) and
    // one read buffer.
    let parsed: Vec<Result<Brief, Vec<BriefError>>> = files
        .par_iter()
        .with_min_len(files.len().div_ceil(16).max(1))
        .map_init(
            || (brief::Texts::default(), Vec::new()),
            |(texts, bytes), path| {
                read_bounded_into(path, bytes)?;
                brief::parse_sharing(path, bytes, default_language, texts)
            },
        )
        .collect();
    let mut briefs: Vec<Brief> = Vec::with_capacity(parsed.len());
    let mut errors = Vec::new();
    let mut seen: HashMap<BriefId, PathBuf> = HashMap::new();
    for result in parsed {
        match result {
            Ok(brief) => match seen.get(&brief.id) {
                Some(first) => errors.push(duplicate_id(&brief, first)),
                None => {
                    seen.insert(brief.id.clone(), brief.path.clone());
                    briefs.push(brief);
                }
            },
            Err(problems) => errors.extend(problems),
        }
    }
    (briefs, errors)
}

/// No brief file is read past this size: a valid brief is at most a few tens of KiB (every
/// field is bounded), so this only keeps a stray huge file from costing memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a brief file, refusing one larger than [`MAX_FILE_BYTES`] without reading it all.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, Vec<BriefError>> {
    let mut bytes = Vec::new();
    read_bounded_into(path, &mut bytes)?;
    Ok(bytes)
}

/// Room for a typical brief file, so that reading one takes a single read and a last one
/// that finds its end (from an empty buffer, `read_to_end` probes and doubles its way up:
/// eight reads for a 2 KiB file).
const READ_AHEAD: usize = 16 * 1024;

/// [`read_bounded`] into `bytes` (cleared first), whose room is kept for the next file.
pub fn read_bounded_into(path: &Path, bytes: &mut Vec<u8>) -> Result<(), Vec<BriefError>> {
    use std::io::Read;
    let fail = |message: String| vec![BriefError::whole_file(path, message)];
    let file =
        std::fs::File::open(path).map_err(|err| fail(format!("cannot read the file: {err}")))?;
    bytes.clear();
    bytes.reserve(READ_AHEAD);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(bytes)
        .map_err(|err| fail(format!("cannot read the file: {err}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!(
            "the file is larger than {MAX_FILE_BYTES} bytes; a brief is a short text file"
        )));
    }
    Ok(())
}

/// The error for a brief whose id another file already defines; names both files.
pub fn duplicate_id(brief: &Brief, first: &Path) -> BriefError {
    let text = std::fs::read_to_string(&brief.path).unwrap_or_default();
    let (line, column) = id_location(&text);
    let mut error = BriefError::whole_file(
        &brief.path,
        format!(
            "duplicate id `{}`: {} already defines it; expected ids to be unique in the library",
            brief.id,
            first.display()
        ),
    );
    error.location.line = line;
    error.location.column = column;
    error
}

/// Where an `id = ...` line is, or 1:1 when the id comes from the file name.
fn id_location(text: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find(|(_, line)| {
            let line = line.trim_start();
            line.strip_prefix("id")
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or((1, 1), |(i, line)| {
            (i + 1, line.len() - line.trim_start().len() + 1)
        })
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #[test]
        fn paths_sort_as_path_orders_them(
            names in proptest::collection::vec(
                // Names as a listing gives them: never "." or "..".
                proptest::collection::vec("[a-b_!-][a-b._!-]{0,2}", 1..4),
                0..40,
            ),
        ) {
            let paths: Vec<std::path::PathBuf> = names
                .iter()
                .map(|parts| std::path::Path::new("briefs").join(parts.join("/")))
                .collect();
            let mut fast = paths.clone();
            super::sort_paths(&mut fast);
            let mut reference = paths;
            reference.sort();
            proptest::prop_assert_eq!(fast, reference);
        }
    }

    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const BRIEF: &str = "title = \"A\"\npublished = 2020-01-01\nsummary = \"S.\"\n";

    #[test]
    fn skips_what_is_not_a_brief() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", BRIEF);
        write(dir.path(), "sub/b.toml", BRIEF);
        write(dir.path(), "_notes.toml", "not toml at all [");
        write(dir.path(), ".trash/c.toml", BRIEF);
        write(dir.path(), "_drafts/d.toml", BRIEF);
        write(dir.path(), "readme.md", "# hi");
        let loaded = Library::load(dir.path(), Language::English).unwrap();
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let ids: Vec<_> = loaded.library.briefs().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn duplicate_ids_name_both_files_and_keep_the_first() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", BRIEF);
        write(
            dir.path(),
            "b.toml",
            &format!("title = \"B\"\n  id = \"a\"\n{}", &BRIEF[12..]),
        );
        let loaded = Library::load(dir.path(), Language::English).unwrap();
        assert_eq!(loaded.library.len(), 1);
        assert_eq!(loaded.library.briefs().next().unwrap().title, "A");
        let error = &loaded.errors[0];
        assert_eq!((error.location.line, error.location.column), (2, 3));
        assert!(error.location.path.ends_with("b.toml"));
        assert!(error.message.contains("a.toml"), "{}", error.message);
    }

    #[test]
    fn a_bad_file_does_not_stop_the_others() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", BRIEF);
        write(dir.path(), "b.toml", "title = ");
        let loaded = Library::load(dir.path(), Language::English).unwrap();
        assert_eq!(loaded.library.len(), 1);
        assert_eq!(loaded.errors.len(), 1);
        assert_eq!(loaded.files, 2);
    }

    #[test]
    fn a_huge_file_is_refused_without_being_read() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", BRIEF);
        let huge = std::fs::File::create(dir.path().join("huge.toml")).unwrap();
        huge.set_len(MAX_FILE_BYTES + 10).unwrap();
        let loaded = Library::load(dir.path(), Language::English).unwrap();
        assert_eq!(loaded.library.len(), 1);
        assert!(
            loaded.errors[0].message.contains("larger than"),
            "{:?}",
            loaded.errors
        );
    }

    #[test]
    fn brief_fields_name_the_engine_fields_of_each_text() {
        let text = "title = \"T\"\npublished = 2020-01-01\ntags = [\"a\", \"b\"]\nsummary = \"S.\"\n\
            [[quotes]]\nspeaker = \"P\"\ntext = \"Q.\"\n[[quotes]]\nspeaker = \"R\"\ntext = \"U.\"\n";
        let brief = brief::parse(Path::new("b.toml"), text.as_bytes(), Language::English).unwrap();
        let mut texts: Vec<String> = Vec::new();
        Document::fields(&brief, &mut |_, text| texts.push(text.to_owned()));
        let at = |field: FieldId| texts[field.0].as_str();
        let fields = BriefFields::of(&brief);
        assert_eq!(at(fields.title()), "T");
        assert_eq!([at(fields.tag(0)), at(fields.tag(1))], ["a", "b"]);
        assert_eq!(at(fields.summary()), "S.");
        assert_eq!([at(fields.speaker(0)), at(fields.quote(0))], ["P", "Q."]);
        assert_eq!([at(fields.speaker(1)), at(fields.quote(1))], ["R", "U."]);
        assert_eq!(texts.len(), 8);
    }

    #[test]
    fn missing_directory_is_an_error() {
        let err = Library::load(Path::new("/no/such/dir"), Language::English).unwrap_err();
        assert!(matches!(err, LibraryError::Missing(_)));
        assert!(err.to_string().contains("does not exist"));
    }
}
