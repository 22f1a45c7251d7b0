//! Any text as a query against a small index: an outcome, never a panic, and highlights that
//! fall inside their fields, on character boundaries.
#![no_main]

use std::sync::OnceLock;

use briefbot_search::language::Language;
use briefbot_search::{Document, FieldId, Index, Weight, search};
use libfuzzer_sys::fuzz_target;

/// A title, a summary and a quote, weighted as briefbot weighs them.
struct Doc([&'static str; 3]);

const WEIGHTS: [Weight; 3] = [
    Weight::from_halves(6),
    Weight::from_halves(3),
    Weight::from_halves(2),
];

impl Document for Doc {
    fn language(&self) -> Language {
        Language::English
    }

    fn fields(&self, visit: &mut dyn FnMut(Weight, &str)) {
        for (weight, text) in WEIGHTS.into_iter().zip(self.0) {
            visit(weight, text);
        }
    }

    fn recency(&self) -> impl Ord + '_ {
        self.0[0]
    }
}

const DOCS: [Doc; 3] = [
    Doc([
        "Trump: Putin and I will form 'impenetrable Cyber Security unit'",
        "Trump and Putin agreed on a cyber-security unit against election hacking.",
        "Partnering with Putin on a Cyber Security Unit is akin to partnering with Assad.",
    ]),
    Doc([
        "Hoverboard record in Zürich",
        "Jarosław Kaczyński said the 3.5% vote of 1,000 people was rock'n'roll.",
        "Выборы are elections; the U.S. and the UK's election hackers.",
    ]),
    Doc(["Hover board", "A cyber attack.", "Of the of the of the"]),
];

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| Index::build(&DOCS))
}

fuzz_target!(|bytes: &[u8]| {
    let query = String::from_utf8_lossy(bytes);
    let index = index();
    let outcome = search(index, &query, 3);
    assert!(outcome.hits.len() <= 3 && outcome.total >= outcome.hits.len());
    for hit in &outcome.hits {
        let doc = &DOCS[hit.doc as usize];
        let marks = outcome.highlighter.find_in_document(index, hit.doc, doc);
        for (field, text) in doc.0.iter().enumerate() {
            for range in &marks.get(FieldId(field)).ranges {
                assert!(range.start < range.end && range.end <= text.len());
                assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
            }
        }
    }
});
