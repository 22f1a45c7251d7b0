//! Every face an answer is shown through (terminal text with and without colour, JSON, the
//! chat console, Discord embeds, pages, message content and autocomplete), with what each
//! makes checked against Discord's limits. Shared by the property tests, the regression
//! tests and the fuzz targets: include with `#[path = "support/faces.rs"] mod faces;`.
#![allow(dead_code)] // each test crate uses its own part

use briefbot::answer::{self, Answer, AskOptions, Marked, QuotesAnswer};
use briefbot::chat;
use briefbot::discord::embed::{self, Embed, limits, utf16_len};
use briefbot::library::Library;
use briefbot::text;

/// Shows `answer` (asked with `options`) through every face.
pub fn show_answer(answer: &Answer, options: AskOptions) {
    assert!(answer.results.len() <= options.limit);
    for result in &answer.results {
        check_marks(&result.title);
        check_marks(&result.excerpt);
        // Cropped to the limit, plus a "…" at each end.
        assert!(
            result.excerpt.text.chars().count() <= options.summary_chars + 2,
            "excerpt of {} characters for a limit of {}",
            result.excerpt.text.chars().count(),
            options.summary_chars
        );
        assert!(result.quotes.len() <= options.quotes);
        for quote in &result.quotes {
            check_marks(&quote.speaker);
            check_marks(&quote.text);
        }
    }
    for bold in [true, false] {
        let style = text::Style { bold, more: "" };
        let mut out = Vec::new();
        text::write_answer(answer, style, &mut out).expect("writing to memory");
        assert!(String::from_utf8(out).is_ok());
    }
    serde_json::to_string(&answer::to_json(answer)).expect("an answer is JSON");
    // `/brief`: one page per brief; the @-mention reply: the first brief alone.
    let pages = answer.results.len();
    for (i, result) in answer.results.iter().enumerate() {
        check_embed(&embed::brief(result, i + 1, pages));
        check_embed(&embed::brief(result, 1, 1));
    }
    check_content(&embed::content(&embed::nothing_shown(
        answer.no_match(),
        &answer.notes,
    )));
    if let Some(headline) = answer.showing() {
        check_content(&embed::content(&embed::headline(headline)));
    }
}

/// Shows a speaker's quotes through every face.
pub fn show_quotes(answer: &QuotesAnswer) {
    for quote in &answer.quotes {
        check_marks(&quote.text);
    }
    for bold in [true, false] {
        let style = text::Style { bold, more: "" };
        let mut out = Vec::new();
        text::write_quotes(answer, style, &mut out).expect("writing to memory");
        assert!(String::from_utf8(out).is_ok());
    }
    serde_json::to_string(&answer::quotes_json(answer)).expect("quotes are JSON");
    let pages: Vec<_> = answer.quotes.chunks(embed::QUOTES_PER_PAGE).collect();
    for (i, page) in pages.iter().enumerate() {
        check_embed(&embed::quotes(answer, page, i + 1, pages.len()));
    }
    check_content(&embed::content(&embed::nothing_shown(
        answer.no_match(),
        &answer.notes,
    )));
}

/// Shows what does not depend on a question: `/briefs` pages and `/help`.
pub fn show_library(library: &Library) {
    let newest = library.newest_first();
    let pages: Vec<_> = newest.chunks(embed::BRIEFS_PER_PAGE).collect();
    for (i, page) in pages.iter().enumerate() {
        check_embed(&embed::brief_list(page, i + 1, pages.len(), newest.len()));
    }
    check_embed(&embed::help());
}

/// Autocompletion of a topic and of a speaker, as the slash commands offer it.
pub fn autocomplete(library: &Library, partial: &str) {
    for topic in answer::topic_suggestions(library, partial, limits::CHOICES) {
        check_choice(&embed::choice(&topic));
    }
    for speaker in library.speakers().complete(partial, limits::CHOICES) {
        check_choice(&embed::choice(&speaker.name));
    }
}

/// The chat console answering `lines`, in colour (the text without colour is the same but
/// for the marks, and `show_answer` writes it).
pub fn chat(library: &Library, options: AskOptions, lines: &[String]) {
    let mut input = lines.join("\n");
    input.push_str("\n/briefs\n/help\n");
    let mut out = Vec::new();
    chat::run(library, options, input.as_bytes(), &mut out, true, false)
        .expect("writing to memory");
    let out = String::from_utf8(out).expect("the console writes UTF-8");
    assert!(out.contains("/quotes"), "the /help at the end was answered");
}

/// The marks of a text are inside it, on character boundaries, ascending and apart.
pub fn check_marks(marked: &Marked) {
    let mut last = 0;
    for mark in &marked.marks {
        assert!(
            last <= mark.start
                && mark.start < mark.end
                && marked.text.is_char_boundary(mark.start)
                && marked.text.is_char_boundary(mark.end),
            "bad mark {mark:?} in {:?} (marks {:?})",
            marked.text,
            marked.marks
        );
        last = mark.end;
    }
}

/// Every limit Discord sets on an embed (in UTF-16 units), and nothing it would refuse.
pub fn check_embed(embed: &Embed) {
    let within = |what: &str, text: &str, max: usize| {
        assert!(
            utf16_len(text) <= max,
            "{what} of {} UTF-16 units (limit {max}): {text:?}",
            utf16_len(text)
        );
    };
    within("title", &embed.title, limits::TITLE);
    within("description", &embed.description, limits::DESCRIPTION);
    assert!(
        embed.fields.len() <= limits::FIELDS,
        "{} fields",
        embed.fields.len()
    );
    for (name, value) in &embed.fields {
        within("field name", name, limits::FIELD_NAME);
        within("field value", value, limits::FIELD_VALUE);
        assert!(
            !name.trim().is_empty() && !value.trim().is_empty(),
            "an empty field"
        );
    }
    within("footer", &embed.footer, limits::FOOTER);
    assert!(
        embed.total() <= limits::EMBED_TOTAL,
        "embed of {}",
        embed.total()
    );
    // Footers show no markdown and no mentions: only the other texts are escaped.
    for text in [&embed.title, &embed.description]
        .into_iter()
        .chain(embed.fields.iter().flat_map(|(n, v)| [n, v]))
    {
        for word in shown_words(text) {
            assert!(
                !word.contains("@everyone") && !word.contains("@here"),
                "a live mass mention in {text:?}"
            );
        }
    }
    // What is sent: serenity's builder, as JSON.
    serde_json::to_string(&embed.to_serenity()).expect("an embed is JSON");
}

/// The words of an embed's text that show as text: without link targets (`[title](url)`)
/// and bare links, which carry a brief's URLs as the brief gives them (a URL may hold
/// "@everyone"; a link does not show it as a mention, and embeds never ping).
fn shown_words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .map(|word| word.find("](http").map_or(word, |at| &word[..at]))
        .filter(|word| !word.starts_with("http:") && !word.starts_with("https:"))
}

/// A message's plain content.
pub fn check_content(content: &str) {
    assert!(
        utf16_len(content) <= limits::CONTENT,
        "content of {}",
        utf16_len(content)
    );
    assert!(!content.contains("@everyone") && !content.contains("@here"));
}

/// An autocomplete choice.
pub fn check_choice(choice: &str) {
    assert!(
        utf16_len(choice) <= limits::CHOICE,
        "choice of {}",
        utf16_len(choice)
    );
}
