//! A query set: what people type, from one word to four, against the generated corpus.
//!
//! Each query word is one of: a frequent content word, any word as it occurs in text (stop
//! words included), a rare word, an inflected form of a corpus word (plural, -ing, -ed; in
//! German and French another ending), a speaker's surname (or full name; only when briefs
//! quote anyone), a proper noun, or a word with a typo. A few queries are a quoted phrase
//! taken from a title. In a corpus of several languages each query is in one of them, drawn
//! as evenly as the briefs' languages are; German and French words are typed in lower case
//! half the time and without their accents a fifth of the time, as people type.

use rand::RngExt;
use rand_pcg::Pcg64;

use crate::corpus::{Generator, Prose};
use crate::languages::fold;
use crate::vocabulary::{Ranked, Vocabulary};

/// `count` queries; `titles` holds the titles of the briefs of each of the generator's
/// languages.
pub fn generate(
    generator: &Generator,
    titles: &[Vec<String>],
    count: usize,
    rng: &mut Pcg64,
) -> Vec<String> {
    // Topics: content words, Zipf-drawn with a flatter head than running text, so that the
    // query set is varied but still asks about frequent words most.
    let topics: Vec<Ranked> = generator
        .prose
        .iter()
        .map(|prose| Ranked::new(prose.vocabulary.content_len(), 0.8))
        .collect();
    (0..count)
        .map(|_| {
            let index = if generator.prose.len() > 1 {
                rng.random_range(0..generator.prose.len())
            } else {
                0
            };
            let titles = &titles[index];
            if !titles.is_empty() && rng.random_bool(0.04) {
                return title_phrase(&titles[rng.random_range(0..titles.len())], rng);
            }
            let length = match rng.random_range(0..100) {
                0..35 => 1,
                35..70 => 2,
                70..90 => 3,
                _ => 4,
            };
            let prose = &generator.prose[index];
            let words: Vec<String> = (0..length)
                .map(|_| query_word(generator, prose, &topics[index], rng))
                .collect();
            words.join(" ")
        })
        .collect()
}

fn query_word(generator: &Generator, prose: &Prose, topics: &Ranked, rng: &mut Pcg64) -> String {
    let vocabulary = &prose.vocabulary;
    let kind = if generator.shape.has_quotes() {
        rng.random_range(0..100)
    } else {
        // No speakers to ask for: the other kinds keep their proportions.
        let kind = rng.random_range(0..88);
        if kind < 73 { kind } else { kind + 12 }
    };
    let word = match kind {
        0..33 => vocabulary.content_word(topics, rng).to_owned(),
        33..43 => vocabulary.word(rng).to_owned(),
        43..58 => vocabulary.words[rng.random_range(0..vocabulary.words.len())].clone(),
        58..73 => {
            if prose.language.endings.is_empty() {
                inflected_word(vocabulary, topics, rng)
            } else {
                other_form(vocabulary, prose.language.endings, topics, rng)
            }
        }
        73..85 => {
            let speaker = &generator.speakers[generator.speaker_ranks.sample(rng)];
            let surname = if rng.random_bool(0.5) {
                speaker.last.to_lowercase()
            } else {
                speaker.last.clone()
            };
            if rng.random_bool(0.2) {
                format!("{} {surname}", speaker.first)
            } else {
                surname
            }
        }
        85..94 => vocabulary.proper_noun(rng).to_lowercase(),
        _ => typo(&long_word(vocabulary, topics, rng), rng),
    };
    // Names are typed as they are in any language; the language's own words vary.
    let names = (73..94).contains(&kind);
    if prose.language.ascii_only || names {
        word
    } else {
        typed(word, rng)
    }
}

/// A word as people type it in a search box: in lower case half the time (German nouns
/// are capitalised in text), without accents a fifth of the time.
fn typed(word: String, rng: &mut Pcg64) -> String {
    let word = if word.chars().any(char::is_uppercase) && rng.random_bool(0.5) {
        word.to_lowercase()
    } else {
        word
    };
    if !word.is_ascii() && rng.random_bool(0.2) {
        fold(&word)
    } else {
        word
    }
}

/// A content word of five letters or more (typos are corrected only in such words).
fn long_word(vocabulary: &Vocabulary, topics: &Ranked, rng: &mut Pcg64) -> String {
    loop {
        let word = vocabulary.content_word(topics, rng);
        if word.chars().count() >= 5 {
            return word.to_owned();
        }
    }
}

/// A plural, -ing or -ed form of a content word, spelt by the usual English rules and found
/// in the dictionary (so it is a real word the corpus may hold in another form).
fn inflected_word(vocabulary: &Vocabulary, topics: &Ranked, rng: &mut Pcg64) -> String {
    for _ in 0..50 {
        let base = vocabulary.content_word(topics, rng);
        if base.len() < 3
            || ["s", "ed", "ing", "ly"]
                .iter()
                .any(|end| base.ends_with(end))
        {
            continue;
        }
        let forms: Vec<String> = inflections(base)
            .into_iter()
            .filter(|form| vocabulary.contains(form))
            .collect();
        if !forms.is_empty() {
            return forms[rng.random_range(0..forms.len())].clone();
        }
    }
    inflections(vocabulary.content_word(topics, rng)).swap_remove(0)
}

/// Another form of a content word of a language without English's spelling rules: the word
/// with one of `endings` ("Regierung" -> "Regierungen", "politique" -> "politiques"), found
/// in the word list.
fn other_form(
    vocabulary: &Vocabulary,
    endings: &[&str],
    topics: &Ranked,
    rng: &mut Pcg64,
) -> String {
    let forms = |base: &str| -> Vec<String> {
        endings
            .iter()
            .map(|end| format!("{base}{end}"))
            .filter(|form| vocabulary.contains(form))
            .collect()
    };
    for _ in 0..50 {
        let base = vocabulary.content_word(topics, rng);
        if base.chars().count() < 3 {
            continue;
        }
        let forms = forms(base);
        if !forms.is_empty() {
            return forms[rng.random_range(0..forms.len())].clone();
        }
    }
    format!("{}{}", vocabulary.content_word(topics, rng), endings[0])
}

/// The plural, -ing and -ed forms of `word`, by the usual English spelling rules.
fn inflections(word: &str) -> Vec<String> {
    let bytes = word.as_bytes();
    let last = bytes[bytes.len() - 1];
    let consonant_y =
        last == b'y' && bytes.len() >= 2 && !b"aeiou".contains(&bytes[bytes.len() - 2]);
    let stem = &word[..word.len() - 1];
    let plural = if ["s", "x", "sh", "ch", "z"]
        .iter()
        .any(|end| word.ends_with(end))
    {
        format!("{word}es")
    } else if consonant_y {
        format!("{stem}ies")
    } else {
        format!("{word}s")
    };
    let progressive = if last == b'e' && word.len() > 2 && !word.ends_with("ee") {
        format!("{stem}ing")
    } else {
        format!("{word}ing")
    };
    let past = if last == b'e' {
        format!("{word}d")
    } else if consonant_y {
        format!("{stem}ied")
    } else {
        format!("{word}ed")
    };
    vec![plural, progressive, past]
}

/// `word` with one slip of the keyboard: two letters swapped, one dropped, one doubled, or
/// one replaced. The first letter is kept, as it usually is.
fn typo(word: &str, rng: &mut Pcg64) -> String {
    let mut letters: Vec<char> = word.chars().collect();
    let at = rng.random_range(1..letters.len() - 1);
    match rng.random_range(0..4) {
        0 => letters.swap(at, at + 1),
        1 => {
            letters.remove(at);
        }
        2 => letters.insert(at, letters[at]),
        _ => {
            let replacement = char::from(b'a' + rng.random_range(0..26u8));
            letters[at] = if replacement == letters[at] {
                char::from(b'a' + (replacement as u8 - b'a' + 1) % 26)
            } else {
                replacement
            };
        }
    }
    letters.into_iter().collect()
}

/// Two or three neighbouring words of a title, quoted (the title's punctuation left out:
/// the colon after a name, commas).
fn title_phrase(title: &str, rng: &mut Pcg64) -> String {
    let words: Vec<&str> = title
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let length = rng.random_range(2..=3).min(words.len());
    let start = rng.random_range(0..=words.len() - length);
    format!(
        "\"{}\"",
        words[start..start + length].join(" ").to_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn inflections_follow_spelling_rules() {
        assert_eq!(inflections("vote"), ["votes", "voting", "voted"]);
        assert_eq!(inflections("party"), ["parties", "partying", "partied"]);
        assert_eq!(inflections("tax"), ["taxes", "taxing", "taxed"]);
        assert_eq!(inflections("agree"), ["agrees", "agreeing", "agreed"]);
    }

    #[test]
    fn typos_are_one_edit_away_and_keep_the_first_letter() {
        let mut rng = Pcg64::seed_from_u64(2);
        for _ in 0..100 {
            let typed = typo("election", &mut rng);
            assert_ne!(typed, "election");
            assert!(typed.starts_with('e'));
            assert!(typed.len().abs_diff(8) <= 1);
        }
    }
}
