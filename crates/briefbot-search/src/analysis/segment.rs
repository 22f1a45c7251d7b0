//! Segmentation: a text into its words, by Unicode's word boundaries (UAX #29). They keep
//! "Putin's" and "U.S" whole and split "cyber-security" into "cyber" and "security", which is
//! what makes the hyphenated form meet the spaced one. ASCII text takes a fast path that finds
//! the same words without the Unicode tables; so do the ASCII stretches between spaces of other
//! text.

use unicode_segmentation::UnicodeSegmentation;

/// Splits texts into words, each with its byte offset and its position (its place among the
/// text's words, stop words included).
#[derive(Debug, Clone, Copy, Default)]
pub struct Segmenter;

impl Segmenter {
    /// Calls `visit(word, start, position)` for every word of `text` as written (anything with
    /// a letter or digit between word boundaries), with its byte offset and word position.
    pub fn for_each_word<'t>(&self, text: &'t str, mut visit: impl FnMut(&'t str, usize, u32)) {
        if text.is_ascii() {
            ascii_words(text, visit);
            return;
        }
        // UAX #29 puts a word boundary on each side of ASCII white space (a combining mark
        // after a space joins the space, and makes no word), so the stretches between are
        // segmented one by one: those in ASCII by the fast path. One accented word or curly
        // quote used to send a whole summary through the Unicode tables (13% of a batch on
        // corpusgen's multilingual shape, perf).
        let mut position = 0u32;
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at].is_ascii_whitespace() {
                at += 1;
                continue;
            }
            let start = at;
            let mut ascii = true;
            while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
                ascii &= bytes[at].is_ascii();
                at += 1;
            }
            // Whole characters: ASCII white space is never part of a longer UTF-8 sequence.
            let stretch = &text[start..at];
            let mut each = |word: &'t str, offset: usize, _| {
                visit(word, start + offset, position);
                position = position.saturating_add(1);
            };
            if ascii {
                ascii_words(stretch, &mut each);
            } else {
                unicode_words(stretch, &mut each);
            }
        }
    }
}

/// Words by Unicode's word boundaries (UAX #29), keeping those with a letter or digit.
fn unicode_words<'t>(text: &'t str, mut visit: impl FnMut(&'t str, usize, u32)) {
    let mut position = 0u32;
    for (start, word) in text.split_word_bound_indices() {
        if !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        visit(word, start, position);
        position = position.saturating_add(1);
    }
}

/// The same words as [`unicode_words`] for ASCII text, without the Unicode tables: runs of
/// letters, digits and `_`, where one `:`, `.` or `'` may join two letters ("U.S", "can't") and
/// one `.`, `,`, `;` or `'` may join two digits ("3.5", "1,000").
fn ascii_words<'t>(text: &'t str, mut visit: impl FnMut(&'t str, usize, u32)) {
    let bytes = text.as_bytes();
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut position = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        if !word_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        loop {
            if i < bytes.len() && word_byte(bytes[i]) {
                i += 1;
                continue;
            }
            // A single joining character between two letters or two digits.
            if i + 1 < bytes.len() {
                let (before, mid, after) = (bytes[i - 1], bytes[i], bytes[i + 1]);
                let letters = before.is_ascii_alphabetic() && after.is_ascii_alphabetic();
                let digits = before.is_ascii_digit() && after.is_ascii_digit();
                if (letters && matches!(mid, b':' | b'.' | b'\''))
                    || (digits && matches!(mid, b'.' | b',' | b';' | b'\''))
                {
                    i += 2;
                    continue;
                }
            }
            break;
        }
        if bytes[start..i].iter().any(u8::is_ascii_alphanumeric) {
            visit(&text[start..i], start, position);
            position = position.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(&str, usize, u32)> {
        let mut words = Vec::new();
        Segmenter.for_each_word(text, |word, start, position| {
            words.push((word, start, position))
        });
        words
    }

    #[test]
    fn words_keep_their_offsets_and_positions() {
        assert_eq!(
            words("Putin's U.S. cyber-security, 3.5%"),
            [
                ("Putin's", 0, 0),
                ("U.S", 8, 1),
                ("cyber", 13, 2),
                ("security", 19, 3),
                ("3.5", 29, 4)
            ]
        );
        assert_eq!(
            words("Zelénskyy’s visit — 🎉 ok"),
            [("Zelénskyy’s", 0, 0), ("visit", 15, 1), ("ok", 30, 2)]
        );
    }

    #[test]
    fn the_ascii_fast_path_finds_the_unicode_words() {
        let texts = [
            "Putin's U.S. plan: cyber-security, 3.5% of 1,000 (a:b) can't won't rock'n'roll",
            "e.g. i.e. A.B.C. x_y __init__ 12:30 1;2 a'1 1'a 'quoted' -- ... 'tis",
            "hyphen-ated/slashed\\back `tick` ~tilde~ #tag @user $5.00 50% a.1 1.a a..b a''b",
            "  leading and trailing  ",
            "",
            "_",
            "_a_ 1_ _1",
        ];
        for text in texts {
            let mut fast = Vec::new();
            ascii_words(text, |w, start, position| fast.push((w, start, position)));
            let mut reference = Vec::new();
            unicode_words(text, |w, start, position| {
                reference.push((w, start, position))
            });
            assert_eq!(fast, reference, "{text:?}");
        }
    }

    proptest::proptest! {
        /// Any text, in stretches between ASCII spaces, gives the words the Unicode tables
        /// give it whole: the alphabet mixes what joins or splits words (apostrophes straight
        /// and curly, points, hyphens, digits), white space of every kind, accented and
        /// combining letters, joiners, emoji and CJK.
        #[test]
        fn stretches_between_spaces_give_the_words_of_the_whole(
            text in "[a-zA-Z0-9_.,;:'’ \t\n\r\x0C\\-éÉßüç\u{301}\u{200D}\u{00A0}\u{3000}🎉東京“”]{0,60}"
        ) {
            let mut split = Vec::new();
            Segmenter.for_each_word(&text, |w, start, position| split.push((w, start, position)));
            let mut whole = Vec::new();
            unicode_words(&text, |w, start, position| whole.push((w, start, position)));
            proptest::prop_assert_eq!(split, whole);
        }

        #[test]
        fn the_ascii_fast_path_agrees_on_any_ascii(text in "[a-zA-Z0-9_.,;:' \\-]{0,60}|[ -~]{0,60}") {
            let mut fast = Vec::new();
            ascii_words(&text, |w, start, position| fast.push((w, start, position)));
            let mut reference = Vec::new();
            unicode_words(&text, |w, start, position| reference.push((w, start, position)));
            proptest::prop_assert_eq!(fast, reference);
        }
    }
}
