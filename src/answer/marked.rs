//! [`Marked`]: a text with the byte ranges of its matched words, rendered with the marks
//! wrapped the way a face wants them (terminal bold, Discord `**`), and [`crop`], which cuts
//! a long text to whole sentences around its first mark.

use std::ops::Range;

/// A text with ranges to highlight (byte ranges, ascending, on character boundaries).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Marked {
    pub text: String,
    pub marks: Vec<Range<usize>>,
}

impl Marked {
    /// Renders the text with each mark wrapped in `open` and `close`.
    pub fn render(&self, open: &str, close: &str) -> String {
        self.render_with(open, close, |text, out| out.push_str(text))
    }

    /// Renders the text with each mark wrapped in `open` and `close`, each piece of the text
    /// (between marks, and inside each) written by `write`, which may escape it: the one
    /// renderer of marked text, whatever a face's markup.
    pub fn render_with(
        &self,
        open: &str,
        close: &str,
        write: impl Fn(&str, &mut String),
    ) -> String {
        let mut out = String::with_capacity(self.text.len() + self.marks.len() * 8);
        let mut last = 0;
        for mark in self.valid_marks() {
            write(&self.text[last..mark.start], &mut out);
            out.push_str(open);
            write(&self.text[mark.clone()], &mut out);
            out.push_str(close);
            last = mark.end;
        }
        write(&self.text[last..], &mut out);
        out
    }

    /// The marked words themselves.
    pub fn marked_words(&self) -> Vec<&str> {
        self.valid_marks().map(|m| &self.text[m]).collect()
    }

    /// The marks that can be shown: each one not empty, inside the text, on character
    /// boundaries and after the one before. The answer layer makes only such marks; should
    /// a bug make another, a debug build stops on it and a release build leaves it out
    /// rather than panic in front of a user.
    pub fn valid_marks(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let mut last = 0;
        self.marks.iter().filter_map(move |mark| {
            let fits = self.fits(mark, last);
            debug_assert!(fits, "mark {mark:?} after {last} in {:?}", self.text);
            fits.then(|| {
                last = mark.end;
                mark.clone()
            })
        })
    }

    /// Whether `mark`, coming after a mark that ends at `last`, can be shown.
    fn fits(&self, mark: &Range<usize>, last: usize) -> bool {
        last <= mark.start
            && mark.start < mark.end
            && self.text.is_char_boundary(mark.start)
            && self.text.is_char_boundary(mark.end)
    }
}

/// Crops a marked text to about `max_chars` characters around its first mark, with "…"
/// where text was cut; a text that fits is kept whole.
///
/// The crop is whole sentences: the one holding the first mark, with those after it and then
/// those before it while they fit, or from the beginning when the first mark is shown from
/// there anyway. Only a sentence too long on its own (or a text with no sentence end) is cut
/// at word boundaries.
///
/// The sentences are found from the start only as far as the crop reaches: a summary of 4,000
/// characters is not read to its end for an excerpt of 400.
pub fn crop(marked: &Marked, max_chars: usize) -> Marked {
    let text = &marked.text;
    if text.chars().nth(max_chars).is_none() {
        return marked.clone();
    }
    let first = marked.valid_marks().next().map_or(0, |m| m.start);
    let mut found = Sentences::new(text);
    let mut sentences: Vec<Range<usize>> = Vec::new();
    let anchor = loop {
        let Some(sentence) = found.next() else {
            return crop_words(marked, max_chars);
        };
        let holds_first = first < sentence.end;
        sentences.push(sentence);
        if holds_first {
            break sentences.len() - 1;
        }
    };
    let chars = |sentences: &[Range<usize>], from: usize, to: usize| {
        text[sentences[from].start..sentences[to].end]
            .chars()
            .count()
    };
    if chars(&sentences, anchor, anchor) > max_chars {
        return crop_words(marked, max_chars);
    }
    let (mut from, mut to) = if chars(&sentences, 0, anchor) <= max_chars {
        (0, anchor)
    } else {
        (anchor, anchor)
    };
    loop {
        if to + 1 == sentences.len() {
            match found.next() {
                Some(sentence) => sentences.push(sentence),
                None => break,
            }
        }
        if chars(&sentences, from, to + 1) > max_chars {
            break;
        }
        to += 1;
    }
    while from > 0 && chars(&sentences, from - 1, to) <= max_chars {
        from -= 1;
    }
    keep(marked, sentences[from].start..sentences[to].end)
}

/// The byte ranges of the sentences of a text, in order, without the white space between
/// them.
///
/// A sentence ends at `.`, `!`, `?` or `…` (then any closing quotes or brackets) followed by
/// white space of any kind and a word that does not start in lower case ("e.g. this" goes on),
/// or at a full-width `。`, `！` or `？`. The last sentence runs to the end of the text.
struct Sentences<'t> {
    text: &'t str,
    chars: std::iter::Peekable<std::str::CharIndices<'t>>,
    /// Where the sentence being read started.
    start: Option<usize>,
}

impl<'t> Sentences<'t> {
    fn new(text: &'t str) -> Self {
        Sentences {
            text,
            chars: text.char_indices().peekable(),
            start: None,
        }
    }
}

impl Iterator for Sentences<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        while let Some((i, c)) = self.chars.next() {
            if c.is_whitespace() {
                continue;
            }
            let from = *self.start.get_or_insert(i);
            let mut end = i + c.len_utf8();
            let ends = match c {
                '。' | '！' | '？' => true,
                '.' | '!' | '?' | '…' => {
                    while let Some(&(j, closer)) = self.chars.peek() {
                        if !matches!(closer, '"' | '\'' | '”' | '’' | '»' | ')' | ']') {
                            break;
                        }
                        end = j + closer.len_utf8();
                        self.chars.next();
                    }
                    let rest = &self.text[end..];
                    let next = rest.trim_start();
                    next.len() < rest.len() && !next.starts_with(char::is_lowercase)
                }
                _ => false,
            };
            if ends {
                self.start = None;
                return Some(from..end);
            }
        }
        let from = self.start.take()?;
        Some(from..self.text.trim_end().len())
    }
}

/// Crops to about `max_chars` characters around the first mark at word boundaries, for a
/// text whose sentences are too long to keep whole.
fn crop_words(marked: &Marked, max_chars: usize) -> Marked {
    let text = &marked.text;
    // Start at the beginning when the first match is shown from there anyway.
    let first = marked.valid_marks().next().map_or(0, |m| m.start);
    if text[..first].chars().count() < max_chars * 2 / 3 {
        return cut_at(marked, 0, max_chars);
    }
    // Start a little before the first match, at a sentence start if one is near.
    let lead = max_chars / 4;
    let mut start = text[..first]
        .char_indices()
        .rev()
        .nth(lead)
        .map_or(0, |(i, _)| i);
    if let Some(sentence) = text[start..first].find(". ") {
        start += sentence + 2;
    } else if start > 0 {
        start = text[start..first]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(start, |(i, c)| start + i + c.len_utf8());
    }
    cut_at(marked, start, max_chars)
}

/// Keeps about `max_chars` characters of `marked` from byte `start`, ending at a word boundary.
fn cut_at(marked: &Marked, start: usize, max_chars: usize) -> Marked {
    let text = &marked.text;
    let mut end = text[start..]
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| start + i);
    if end < text.len() {
        end = text[start..end]
            .rfind(char::is_whitespace)
            .map_or(end, |i| start + i);
    }
    let body = text[start..end].trim_end_matches(|c: char| c.is_whitespace() || c == ',');
    keep(marked, start..start + body.len())
}

/// The part `range` of `marked` (on character boundaries) with its marks, and "…" on each side
/// where text was left out.
fn keep(marked: &Marked, range: Range<usize>) -> Marked {
    let text = &marked.text;
    let prefix = if text[..range.start].trim().is_empty() {
        ""
    } else {
        "…"
    };
    let suffix = if text[range.end..].trim().is_empty() {
        ""
    } else {
        "…"
    };
    let shift = prefix.len();
    let marks = marked
        .valid_marks()
        .filter(|m| m.start >= range.start && m.end <= range.end)
        .map(|m| m.start - range.start + shift..m.end - range.start + shift)
        .collect();
    Marked {
        text: format!("{prefix}{}{suffix}", &text[range]),
        marks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_wraps_marks() {
        let marked = Marked {
            text: "Putin and Trump".into(),
            marks: vec![0..5, 10..15],
        };
        assert_eq!(marked.render("**", "**"), "**Putin** and **Trump**");
        assert_eq!(marked.marked_words(), ["Putin", "Trump"]);
    }

    #[test]
    fn crop_centres_on_the_first_match_and_keeps_marks() {
        let text = format!(
            "{} The unit will stop hacking. {}",
            "Filler words here. ".repeat(20),
            "More text. ".repeat(20)
        );
        let start = text.find("hacking").unwrap();
        let marked = Marked {
            marks: std::iter::once(start..start + 7).collect(),
            text,
        };
        let cropped = crop(&marked, 120);
        assert!(
            cropped.text.starts_with('…') && cropped.text.ends_with('…'),
            "{}",
            cropped.text
        );
        assert!(cropped.text.chars().count() <= 122);
        assert_eq!(cropped.marked_words(), ["hacking"]);
    }

    #[test]
    fn crop_steps_over_wide_white_space_by_whole_characters() {
        // Two-, three- and four-byte white space before the match, where the crop starts.
        for space in ['\u{a0}', '\u{2003}', '\u{3000}', '\u{2028}', '\u{1680}'] {
            let text = format!(
                "{}hacking {}",
                format!("storm{space}").repeat(100),
                "rain ".repeat(50)
            );
            let start = text.find("hacking").unwrap();
            let marked = Marked {
                marks: std::iter::once(start..start + 7).collect(),
                text,
            };
            for max_chars in [50, 100, 200, 400] {
                let cropped = crop(&marked, max_chars);
                assert_eq!(cropped.marked_words(), ["hacking"], "{space:?} {max_chars}");
                assert!(cropped.text.starts_with('…'));
            }
        }
    }

    /// A bad mark stops a debug build where it is used, and is left out by a release build.
    fn rendered_despite(marks: Vec<Range<usize>>, render: fn(&Marked) -> String) -> String {
        let marked = Marked {
            text: "Putin é Trump".into(),
            marks,
        };
        let rendered = std::panic::catch_unwind(|| render(&marked));
        if cfg!(debug_assertions) {
            let message = rendered.expect_err("a debug build stops on a bad mark");
            let message = message
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            assert!(message.starts_with("mark "), "{message}");
            String::new()
        } else {
            rendered.expect("a release build never panics on a bad mark")
        }
    }

    #[test]
    fn a_bad_mark_is_left_out_not_fatal() {
        let render = |m: &Marked| m.render("[", "]");
        let backwards = Range { start: 9, end: 7 };
        for bad in [backwards, 7..8, 14..20, 0..0] {
            let rendered = rendered_despite(vec![0..5, bad.clone()], render);
            if !cfg!(debug_assertions) {
                assert_eq!(rendered, "[Putin] é Trump", "{bad:?}");
            }
        }
        let rendered = rendered_despite(vec![9..14, 0..5], render);
        if !cfg!(debug_assertions) {
            assert_eq!(rendered, "Putin é [Trump]");
        }
    }

    fn marked_at(text: String, word: &str) -> Marked {
        let start = text.find(word).unwrap();
        Marked {
            marks: std::iter::once(start..start + word.len()).collect(),
            text,
        }
    }

    #[test]
    fn a_long_text_is_cropped_to_whole_sentences_around_the_match() {
        let text = format!(
            "{}The unit will stop hacking. {}",
            "Filler words are here. ".repeat(20),
            "More text follows. ".repeat(20)
        );
        let cropped = crop(&marked_at(text, "hacking"), 120);
        assert!(
            cropped
                .text
                .starts_with("…The unit will stop hacking. More text follows."),
            "{}",
            cropped.text
        );
        assert!(
            cropped.text.ends_with("More text follows.…"),
            "{}",
            cropped.text
        );
        assert!(cropped.text.chars().count() <= 122);
        assert_eq!(cropped.marked_words(), ["hacking"]);
    }

    #[test]
    fn a_match_near_the_start_is_cropped_from_the_start_at_a_sentence_end() {
        let text = format!("Hacking was found. {}", "More text follows. ".repeat(20));
        let cropped = crop(&marked_at(text, "Hacking"), 60);
        assert_eq!(
            cropped.text,
            "Hacking was found. More text follows. More text follows.…"
        );
        assert_eq!(cropped.marked_words(), ["Hacking"]);
    }

    #[test]
    fn sentences_end_at_any_white_space_and_not_before_a_lower_case_word() {
        // No-break, em and ideographic spaces between sentences; "e.g. a" goes on.
        let text =
            "Storms came, e.g. a gale.\u{a0}Rain fell.\u{2003}Hacking was found.\u{3000}The end.";
        assert_eq!(
            Sentences::new(text).map(|r| &text[r]).collect::<Vec<_>>(),
            [
                "Storms came, e.g. a gale.",
                "Rain fell.",
                "Hacking was found.",
                "The end."
            ]
        );
        let cropped = crop(&marked_at(text.to_owned(), "Hacking"), 40);
        assert_eq!(
            cropped.text,
            "…Rain fell.\u{2003}Hacking was found.\u{3000}The end."
        );
        assert_eq!(cropped.marked_words(), ["Hacking"]);
    }

    #[test]
    fn multi_byte_sentences_are_cropped_on_character_boundaries() {
        let text = format!(
            "{}Der Änderung folgte „Hacking“ überall! {}",
            "Größere Stürme zogen über Köln. ".repeat(10),
            "東京で雨が降った。".repeat(20)
        );
        for max_chars in [40, 80, 120] {
            let cropped = crop(&marked_at(text.clone(), "Hacking"), max_chars);
            assert!(
                cropped
                    .text
                    .starts_with("…Der Änderung folgte „Hacking“ überall!"),
                "{max_chars}: {}",
                cropped.text
            );
            assert!(
                cropped.text.ends_with("überall!…") || cropped.text.ends_with("。…"),
                "{}",
                cropped.text
            );
            assert!(cropped.text.chars().count() <= max_chars + 2);
            assert_eq!(cropped.marked_words(), ["Hacking"]);
        }
    }

    #[test]
    fn a_text_with_no_sentence_end_is_cropped_at_words() {
        let text = format!("{}hacking {}", "storm ".repeat(100), "rain ".repeat(100));
        let cropped = crop(&marked_at(text, "hacking"), 100);
        assert!(cropped.text.starts_with("…storm"), "{}", cropped.text);
        assert!(cropped.text.ends_with("rain…"), "{}", cropped.text);
        assert!(cropped.text.chars().count() <= 102);
        assert_eq!(cropped.marked_words(), ["hacking"]);
    }

    #[test]
    fn a_sentence_too_long_alone_is_cropped_at_words() {
        let text = format!(
            "Short one. {}hacking {}. Another.",
            "storm ".repeat(100),
            "rain ".repeat(100)
        );
        let cropped = crop(&marked_at(text, "hacking"), 100);
        assert!(cropped.text.starts_with('…') && cropped.text.ends_with('…'));
        assert_eq!(cropped.marked_words(), ["hacking"]);
    }

    #[test]
    fn the_seed_summary_is_shown_whole_by_default() {
        let brief = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/briefs/trump-putin-cyber-unit.toml"
        ))
        .unwrap();
        let brief = crate::brief::parse(
            std::path::Path::new("seed.toml"),
            brief.as_bytes(),
            crate::language::Language::English,
        )
        .unwrap();
        let whole = marked_at(brief.text().summary().to_owned(), "Tillerson");
        let cropped = crop(&whole, crate::config::Config::default().summary_chars);
        assert_eq!(cropped, whole);
        assert!(cropped.text.ends_with("to protect US elections."));
    }

    #[test]
    fn short_text_is_not_cropped() {
        let marked = Marked {
            text: "Short.".into(),
            marks: vec![],
        };
        assert_eq!(crop(&marked, 100), marked);
    }
}
