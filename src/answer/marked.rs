//! [`Marked`]: a text with the byte ranges of its matched words, rendered with the marks
//! wrapped the way a face wants them (terminal bold, Discord `**`), and [`crop`], which cuts
//! a long text to an excerpt around its first mark.

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

/// Crops a marked text to about `max_chars` characters around its first mark, at word
/// boundaries, with "…" where text was cut.
pub fn crop(marked: &Marked, max_chars: usize) -> Marked {
    let text = &marked.text;
    if text.chars().count() <= max_chars {
        return marked.clone();
    }
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
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if start + body.len() < text.len() {
        "…"
    } else {
        ""
    };
    let shift = prefix.len();
    let marks = marked
        .valid_marks()
        .filter(|m| m.start >= start && m.end <= start + body.len())
        .map(|m| m.start - start + shift..m.end - start + shift)
        .collect();
    Marked {
        text: format!("{prefix}{body}{suffix}"),
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

    #[test]
    fn short_text_is_not_cropped() {
        let marked = Marked {
            text: "Short.".into(),
            marks: vec![],
        };
        assert_eq!(crop(&marked, 100), marked);
    }
}
