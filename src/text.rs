//! Terminal text: answers written for people reading a terminal, shared by the command line
//! and the chat console. Matched words are bolded with ANSI codes when asked to.

use std::io::{self, Write};

use crate::answer::{
    Answer, BriefAnswer, Marked, QuotesAnswer, RelatedAnswer, SaidAnswer, SpeakerMatch,
    SpeakerQuote, attribution,
};
use crate::brief::Brief;

/// How to write for the reader at hand.
#[derive(Debug, Clone, Copy)]
pub struct Style<'a> {
    /// Matched words in terminal bold.
    pub bold: bool,
    /// Said after "N of M shown" to tell how to see more (e.g. "; --limit shows more").
    pub more: &'a str,
}

/// Text is wrapped to this many columns.
const WIDTH: usize = 80;
const BOLD: (&str, &str) = ("\x1b[1m", "\x1b[0m");

fn highlight(marked: &Marked, bold: bool) -> String {
    if bold {
        marked.render(BOLD.0, BOLD.1)
    } else {
        marked.text.clone()
    }
}

fn wrap(text: &str, indent: &str) -> String {
    textwrap::fill(
        text,
        textwrap::Options::new(WIDTH)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .initial_indent(indent)
            .subsequent_indent(indent),
    )
}

/// The answer as readable terminal text.
pub fn write_answer(answer: &Answer, style: Style<'_>, out: &mut impl Write) -> io::Result<()> {
    let bold = style.bold;
    if let Some(headline) = answer.showing() {
        writeln!(out, "{headline}")?;
    }
    for note in &answer.notes {
        writeln!(out, "{}", wrap(&note.to_string(), ""))?;
    }
    if answer.results.is_empty() {
        if let Some(headline) = answer.no_match() {
            writeln!(out, "{headline}")?;
        }
        return Ok(());
    }
    if answer.suggestion.is_some() || !answer.notes.is_empty() {
        writeln!(out)?;
    }
    for (i, result) in answer.results.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_brief(i + 1, result, bold, out)?;
    }
    if answer.total > answer.results.len() {
        writeln!(
            out,
            "\n({} of {} matching briefs shown{}.)",
            answer.results.len(),
            answer.total,
            style.more
        )?;
    }
    Ok(())
}

/// One brief of an answer, numbered.
fn write_brief(
    number: usize,
    result: &BriefAnswer,
    bold: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    let title = format!("{number}. {}", highlight(&result.title, bold));
    writeln!(
        out,
        "{}",
        textwrap::fill(
            &title,
            textwrap::Options::new(WIDTH)
                .word_splitter(textwrap::WordSplitter::NoHyphenation)
                .subsequent_indent("   ")
        )
    )?;
    let mut meta = vec![result.published.clone()];
    meta.extend(result.outlet.clone());
    meta.extend(result.source.clone());
    writeln!(out, "   {}", meta.join(" · "))?;
    if !result.tags.is_empty() {
        writeln!(out, "   tags: {}", result.tags.join(", "))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", wrap(&highlight(&result.excerpt, bold), "   "))?;
    for quote in &result.quotes {
        let by = attribution(
            &highlight(&quote.speaker, bold),
            quote.role.as_deref(),
            quote.context.as_deref(),
        );
        write_quote(&highlight(&quote.text, bold), &by, "   ", out)?;
    }
    Ok(())
}

/// Quotes of a speaker as readable terminal text.
pub fn write_quotes(
    answer: &QuotesAnswer,
    style: Style<'_>,
    out: &mut impl Write,
) -> io::Result<()> {
    let bold = style.bold;
    if let Some(headline) = answer.showing() {
        writeln!(out, "{headline}")?;
    }
    for note in &answer.notes {
        writeln!(out, "{}", wrap(&note.to_string(), ""))?;
    }
    if answer.matched == SpeakerMatch::Suggestions {
        return Ok(());
    }
    if answer.matched == SpeakerMatch::Found
        && let Some(speaker) = answer.candidates.first()
    {
        let mut heading = speaker.name.clone();
        if !speaker.roles.is_empty() {
            heading.push_str(&format!(" ({})", speaker.roles.join("; ")));
        }
        let about = answer
            .about
            .as_ref()
            .map_or(String::new(), |topic| format!(" about \"{topic}\""));
        let count = match answer.total {
            1 => "1 quote".to_owned(),
            n => format!("{n} quotes"),
        };
        writeln!(out, "{heading}: {count}{about}, newest first")?;
    }
    for quote in &answer.quotes {
        write_speaker_quote(quote, bold, out)?;
    }
    if answer.quotes.len() < answer.total {
        writeln!(
            out,
            "\n({} of {} quotes shown{}.)",
            answer.quotes.len(),
            answer.total,
            style.more
        )?;
    }
    Ok(())
}

/// One quote of a listing: the quote, who said it, and the brief, its date and link.
fn write_speaker_quote(quote: &SpeakerQuote, bold: bool, out: &mut impl Write) -> io::Result<()> {
    let by = attribution(
        &quote.speaker,
        quote.role.as_deref(),
        quote.context.as_deref(),
    );
    write_quote(&highlight(&quote.text, bold), &by, "  ", out)?;
    let from = format!("in \"{}\" ({})", quote.brief_title, quote.published);
    writeln!(out, "{}", wrap(&from, "    "))?;
    if let Some(source) = &quote.source {
        writeln!(out, "    {source}")?;
    }
    Ok(())
}

/// The quotes saying some words, best first, as readable terminal text.
pub fn write_said(answer: &SaidAnswer, style: Style<'_>, out: &mut impl Write) -> io::Result<()> {
    if let Some(headline) = answer.showing() {
        writeln!(out, "{headline}")?;
    }
    for note in &answer.notes {
        writeln!(out, "{}", wrap(&note.to_string(), ""))?;
    }
    for said in &answer.quotes {
        write_speaker_quote(&said.quote, style.bold, out)?;
    }
    if answer.quotes.len() < answer.total {
        writeln!(
            out,
            "\n({} of {} quotes shown{}.)",
            answer.quotes.len(),
            answer.total,
            style.more
        )?;
    }
    Ok(())
}

/// The briefs related to one, best first, each with what it shares, as readable terminal text.
pub fn write_related(
    answer: &RelatedAnswer,
    style: Style<'_>,
    out: &mut impl Write,
) -> io::Result<()> {
    if answer.results.is_empty() {
        let nothing = format!(
            "No other brief shares tags, people quoted or weighty words with \"{}\" ({}).",
            answer.title, answer.id
        );
        return writeln!(out, "{}", wrap(&nothing, ""));
    }
    let heading = format!("Briefs related to \"{}\" ({}):", answer.title, answer.id);
    writeln!(out, "{}\n", wrap(&heading, ""))?;
    for (i, related) in answer.results.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_brief(i + 1, &related.brief, style.bold, out)?;
        writeln!(out, "{}", wrap(&format!("why: {}", related.reason), "   "))?;
    }
    if answer.total > answer.results.len() {
        writeln!(
            out,
            "\n({} of {} related briefs shown{}.)",
            answer.results.len(),
            answer.total,
            style.more
        )?;
    }
    Ok(())
}

/// A blank line, the quote in quotation marks at `indent`, and its attribution below it,
/// two columns further in.
fn write_quote(text: &str, by: &str, indent: &str, out: &mut impl Write) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", wrap(&format!("“{text}”"), indent))?;
    writeln!(out, "{}", wrap(by, &format!("{indent}  ")))
}

/// Briefs, one line each: date, id, title.
pub fn write_list<'a>(
    briefs: impl IntoIterator<Item = &'a Brief>,
    out: &mut impl Write,
) -> io::Result<()> {
    for brief in briefs {
        writeln!(out, "{}  {}  {}", brief.published, brief.id, brief.title)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Note;

    fn written(answer: &Answer) -> String {
        let mut out = Vec::new();
        let style = Style {
            bold: false,
            more: "",
        };
        write_answer(answer, style, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn nothing(query: &str, suggestion: Option<&str>, notes: Vec<Note>) -> Answer {
        Answer {
            query: query.into(),
            results: Vec::new(),
            total: 0,
            suggestion: suggestion.map(str::to_owned),
            notes,
        }
    }

    #[test]
    fn an_answer_without_results_says_why_in_plain_quotes() {
        assert_eq!(
            written(&nothing("zyx", None, vec![])),
            "No brief matches \"zyx\".\n"
        );
        assert_eq!(
            written(&nothing(
                "electoin",
                Some("election"),
                vec![Note::Corrected {
                    typed: "electoin".into(),
                    corrected: "election".into()
                }]
            )),
            "Showing results for \"election\".\nNo brief contains \"electoin\"; searched for \"election\" instead.\n",
            "the notes say why: no headline of its own"
        );
    }
}
