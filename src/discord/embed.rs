//! Answers turned into Discord embeds, within Discord's limits.
//!
//! An [`Embed`] is a plain description of an embed that is built and checked here, then
//! handed to serenity. Every text is escaped for Discord markdown (a brief's `*` or `_` is
//! shown, not interpreted), matched words are bold, and every length is cut at a character
//! boundary with "…". Discord counts lengths in UTF-16 code units, so that is what is counted.
//!
//! Nothing a user types or a brief holds can shape the bot's output: text from either goes
//! through [`plain`] (embeds) or [`content`] (message text), so it can make no masked link
//! (`[`, `]` are escaped, and a masked link needs `](`), no mention, channel, timestamp or
//! command pill (`<` is escaped), no heading, quote or code, and no link at all: the `:` of
//! `scheme://` is escaped, so a URL someone typed is shown as text, neither linked nor
//! previewed. The only links are a brief's own `source`, and where it goes into markdown it
//! passes through [`link_target`], which leaves it no character that could end the link.

use poise::serenity_prelude as serenity;

use crate::answer::{
    BriefAnswer, Candidate, Headline, Marked, Note, QuotesAnswer, RelatedAnswer, SaidAnswer,
    SpeakerMatch, SpeakerQuote, attribution,
};
use crate::brief::Brief;
use crate::deliver::digest::DigestItem;

/// Discord's limits on one embed and one message.
pub mod limits {
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 4096;
    pub const FIELDS: usize = 25;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FOOTER: usize = 2048;
    /// All the text of one embed together.
    pub const EMBED_TOTAL: usize = 6000;
    pub const EMBEDS_PER_MESSAGE: usize = 10;
    pub const CONTENT: usize = 2000;
    pub const CHOICES: usize = 25;
    pub const CHOICE: usize = 100;
}

/// The embed colour: a newsroom blue.
const COLOUR: u32 = 0x2b6cb0;

/// Key quotes shown on a brief's page.
pub const QUOTES_PER_BRIEF: usize = 3;
/// Quotes on one page of `/quotes`.
pub const QUOTES_PER_PAGE: usize = 3;
/// Briefs on one page of `/briefs`.
pub const BRIEFS_PER_PAGE: usize = 10;

/// A Discord embed, as plain data, always within the limits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Embed {
    pub title: String,
    pub url: Option<String>,
    pub description: String,
    /// (name, value)
    pub fields: Vec<(String, String)>,
    pub footer: String,
    pub thumbnail: Option<String>,
}

impl Embed {
    /// Cuts every part to its limit, then the description until the whole fits.
    fn within_limits(mut self) -> Self {
        self.title = truncate(&self.title, limits::TITLE);
        self.description = truncate(&self.description, limits::DESCRIPTION);
        self.fields.truncate(limits::FIELDS);
        for (name, value) in &mut self.fields {
            *name = truncate(name, limits::FIELD_NAME);
            *value = truncate(value, limits::FIELD_VALUE);
        }
        self.footer = truncate(&self.footer, limits::FOOTER);
        let others = self.total() - utf16_len(&self.description);
        if others + utf16_len(&self.description) > limits::EMBED_TOTAL {
            let room = limits::EMBED_TOTAL.saturating_sub(others);
            self.description = truncate(&self.description, room);
        }
        while self.total() > limits::EMBED_TOTAL && self.fields.pop().is_some() {}
        self
    }

    /// Adds `part` to the footer (after " · "), then fits the whole within the limits again,
    /// so that the addition never takes the embed past 6000.
    pub fn append_footer(mut self, part: &str) -> Self {
        if self.footer.is_empty() {
            self.footer = part.to_owned();
        } else {
            self.footer = format!("{} · {part}", self.footer);
        }
        self.within_limits()
    }

    /// All the text Discord counts towards the 6000 limit.
    pub fn total(&self) -> usize {
        utf16_len(&self.title)
            + utf16_len(&self.description)
            + utf16_len(&self.footer)
            + self
                .fields
                .iter()
                .map(|(n, v)| utf16_len(n) + utf16_len(v))
                .sum::<usize>()
    }

    /// The serenity builder for this embed.
    pub fn to_serenity(&self) -> serenity::CreateEmbed {
        let mut embed = serenity::CreateEmbed::new()
            .colour(COLOUR)
            .title(&self.title)
            .description(&self.description);
        if let Some(url) = &self.url {
            embed = embed.url(url);
        }
        for (name, value) in &self.fields {
            embed = embed.field(name, value, false);
        }
        if !self.footer.is_empty() {
            embed = embed.footer(serenity::CreateEmbedFooter::new(&self.footer));
        }
        if let Some(thumbnail) = &self.thumbnail {
            embed = embed.thumbnail(thumbnail);
        }
        embed
    }
}

/// One brief as an embed: title linked to the source, the summary with matches in bold, up
/// to three key quotes as fields, footer with outlet, date, tags and the page.
pub fn brief(result: &BriefAnswer, page: usize, pages: usize) -> Embed {
    let fields = result
        .quotes
        .iter()
        .take(QUOTES_PER_BRIEF)
        .map(|quote| {
            (
                by(&quote.speaker.text, quote.role.as_deref()),
                format!("“{}”", bold(&quote.text)),
            )
        })
        .collect();
    let mut footer: Vec<String> = Vec::new();
    footer.extend(result.outlet.clone());
    footer.push(result.published.clone());
    if !result.tags.is_empty() {
        footer.push(result.tags.join(", "));
    }
    if pages > 1 {
        footer.push(format!("brief {page} of {pages}"));
    }
    Embed {
        title: plain(&result.title.text),
        url: result.source.clone(),
        description: bold(&result.excerpt),
        fields,
        footer: footer.join(" · "),
        thumbnail: result.image.clone(),
    }
    .within_limits()
}

/// One page of a speaker's quotes.
pub fn quotes(answer: &QuotesAnswer, page: &[SpeakerQuote], number: usize, pages: usize) -> Embed {
    let title = match answer.matched {
        SpeakerMatch::Found => answer.candidates.first().map_or_else(
            || "Quotes".to_owned(),
            |c| format!("Quotes by {}", plain(&c.name)),
        ),
        SpeakerMatch::Ambiguous => {
            format!("Quotes by people called “{}”", plain(answer.speaker.trim()))
        }
        SpeakerMatch::Suggestions => "No such speaker".to_owned(),
    };
    let mut description = Vec::new();
    if answer.matched == SpeakerMatch::Found
        && let Some(candidate) = answer.candidates.first()
    {
        description.push(candidate_line(candidate));
    }
    description.extend(answer.notes.iter().map(|n| plain(&note(n))));
    if let Some(topic) = &answer.about {
        description.push(format!("About: {}", plain(topic)));
    }
    let fields = page
        .iter()
        .map(|quote| quote_field(quote, limits::FIELD_VALUE))
        .collect();
    let mut footer = format!("{} quotes, newest first", answer.total);
    if answer.about.is_some() {
        footer = format!("{} quotes on the topic, best first", answer.total);
    }
    if pages > 1 {
        footer.push_str(&format!(" · page {number} of {pages}"));
    }
    Embed {
        title,
        url: None,
        description: description.join("\n"),
        fields,
        footer,
        thumbnail: None,
    }
    .within_limits()
}

/// A digest: one line per brief ("date — title", linked to its source), newest first, then
/// how many more; or, when nothing was new, that nothing was. Lines that would take the
/// description past its limit are counted in "and N more" rather than cut through a link.
pub fn digest(topic: &str, items: &[DigestItem], more: usize, since: i64) -> Embed {
    let what = if topic.is_empty() {
        "the news".to_owned()
    } else {
        format!("“{}”", plain(topic))
    };
    let mut description = format!("New since <t:{since}:f>:");
    if items.is_empty() {
        description = format!("Nothing new since <t:{since}:f>.");
    }
    // Room for the last line, "and N more".
    let room = limits::DESCRIPTION - 40;
    let mut left_out = more;
    for (at, item) in items.iter().enumerate() {
        let title = plain(&item.title);
        let line = match &item.source {
            Some(url) => format!("\n`{}` — [{title}]({})", item.published, link_target(url)),
            None => format!("\n`{}` — {title}", item.published),
        };
        if utf16_len(&description) + utf16_len(&line) > room {
            left_out += items.len() - at;
            break;
        }
        description.push_str(&line);
    }
    if left_out > 0 {
        description.push_str(&format!("\nand {left_out} more"));
    }
    let count = items.len() + more;
    Embed {
        title: format!("Digest of {what}"),
        description,
        footer: match count {
            0 => String::new(),
            1 => "1 new brief".to_owned(),
            n => format!("{n} new briefs"),
        },
        ..Embed::default()
    }
    .within_limits()
}

/// A quote with its brief as a field, its value at most `room` long: named by the brief's
/// title and date, the quote with its matched words bold, who said it, and the brief's link.
fn quote_field(quote: &SpeakerQuote, room: usize) -> (String, String) {
    let room = room.min(limits::FIELD_VALUE);
    let value = format!(
        "“{}”\n{}",
        bold(&quote.text),
        by(&quote.speaker, quote.role.as_deref())
    );
    let name = format!("{} ({})", plain(&quote.brief_title), quote.published);
    // A link too long to leave the quote half the field is left out: cut, it would be a
    // broken link.
    let link = quote.source.as_deref().map(link_target).and_then(|url| {
        let left = room.checked_sub(utf16_len(&url) + 1)?;
        (left >= room / 2).then_some((url, left))
    });
    let value = match link {
        Some((url, left)) => format!("{}\n{url}", truncate(&value, left)),
        None => truncate(&value, room),
    };
    (name, value)
}

/// The quotes saying some words (`/said`), best first, in one embed: each a field as on a
/// page of `/quotes`, cut to share the embed's room.
pub fn said(answer: &SaidAnswer) -> Embed {
    let mut description: Vec<String> = Vec::new();
    if let Some(showing) = answer.showing() {
        description.push(plain(&headline(showing)));
    }
    description.extend(answer.notes.iter().map(|n| plain(&note(n))));
    let shown = answer.quotes.len().max(1);
    // What the title, description and footer leave, shared by the fields.
    let room = (limits::EMBED_TOTAL - limits::TITLE - 600 - 200) / shown;
    let fields = answer
        .quotes
        .iter()
        .map(|said| quote_field(&said.quote, room.saturating_sub(limits::FIELD_NAME)))
        .collect();
    let mut footer = match answer.total {
        1 => "1 quote says some of the words".to_owned(),
        n => format!("{n} quotes say some of the words, best first"),
    };
    if answer.total > answer.quotes.len() {
        footer.push_str(&format!(" · {} shown", answer.quotes.len()));
    }
    Embed {
        title: truncate(&format!("Who said “{}”?", plain(answer.query.trim())), 200),
        description: truncate(&description.join("\n"), 600),
        fields,
        footer,
        ..Embed::default()
    }
    .within_limits()
}

/// The briefs related to one ("More like this"), an embed each: the title linked to the
/// source, what it shares in italics, the summary cropped with the shared words bold, and
/// outlet, date and tags. All of them together stay within the 6000 a message may hold.
pub fn related(answer: &RelatedAnswer) -> Vec<Embed> {
    let count = answer.results.len().clamp(1, limits::EMBEDS_PER_MESSAGE);
    let room = limits::EMBED_TOTAL / count;
    answer
        .results
        .iter()
        .take(limits::EMBEDS_PER_MESSAGE)
        .map(|related| {
            let result = &related.brief;
            let mut footer: Vec<String> = Vec::new();
            footer.extend(result.outlet.clone());
            footer.push(result.published.clone());
            if !result.tags.is_empty() {
                footer.push(result.tags.join(", "));
            }
            let title = truncate(&plain(&result.title.text), limits::TITLE);
            let footer = truncate(&footer.join(" · "), 300);
            let reason = truncate(&plain(&related.reason.to_string()), 300);
            let left = room
                .saturating_sub(utf16_len(&title) + utf16_len(&footer) + utf16_len(&reason) + 4);
            Embed {
                title,
                url: result.source.clone(),
                description: format!("*{reason}*\n{}", truncate(&bold(&result.excerpt), left)),
                footer,
                thumbnail: result.image.clone(),
                ..Embed::default()
            }
            .within_limits()
        })
        .collect()
}

/// One page of the latest briefs.
pub fn brief_list(briefs: &[&Brief], number: usize, pages: usize, total: usize) -> Embed {
    let lines: Vec<String> = briefs
        .iter()
        .map(|b| {
            let title = plain(&b.title);
            match &b.source {
                Some(url) => format!("`{}` [{title}]({})", b.published, link_target(url)),
                None => format!("`{}` {title} (`{}`)", b.published, b.id),
            }
        })
        .collect();
    let mut footer = format!("{total} briefs, newest first");
    if pages > 1 {
        footer.push_str(&format!(" · page {number} of {pages}"));
    }
    Embed {
        title: "Latest briefs".into(),
        description: lines.join("\n"),
        footer,
        ..Embed::default()
    }
    .within_limits()
}

/// What the bot can do, with examples.
pub fn help() -> Embed {
    Embed {
        title: "briefbot: news briefs you can ask about".into(),
        description: "Ask about a topic and get the best briefs, with their summary and key quotes. \
            Words are matched by stem, accents and typos are forgiven, and \"double quotes\" \
            match a phrase."
            .into(),
        fields: vec![
            ("/brief topic:<text>".into(), "The best brief on a topic; buttons page through more.\nExample: `/brief topic:election hacking`".into()),
            ("/quotes speaker:<name> [topic:<text>]".into(), "What a person said, newest first, optionally on a topic.\nExample: `/quotes speaker:putin`".into()),
            ("/said text:<words> [limit]".into(), "Who said it: the quotes saying these words, best first, in any order or form.\nExample: `/said text:putin pressed twice`".into()),
            ("More like this".into(), "The button under a /brief answer: the briefs sharing the most with the one shown (tags, people quoted, words, outlet), shown only to you.".into()),
            ("Filters".into(), "Words of a topic, or `/brief` options: `since:2017` `since:2017-07` `since:2017-07-09`, `until:` (inclusive), `tag:russia`, `outlet:\"BBC News\"`, `speaker:putin`, `lang:de`, `order:newest`. Filters alone list the briefs they allow, newest first.\nExample: `/brief topic:russia since:2017-07 order:newest`".into()),
            ("/briefs".into(), "The latest briefs.".into()),
            ("@briefbot <question>".into(), "Mention the bot with a question, e.g. `@briefbot what about election hacking?`".into()),
        ],
        footer: "Only the person who asked can turn the pages of an answer.".into(),
        ..Embed::default()
    }
    .within_limits()
}

fn candidate_line(candidate: &Candidate) -> String {
    if candidate.roles.is_empty() {
        plain(&candidate.name)
    } else {
        format!(
            "{} — {}",
            plain(&candidate.name),
            plain(&candidate.roles.join("; "))
        )
    }
}

/// A quote's attribution, escaped; Discord shows no context.
fn by(speaker: &str, role: Option<&str>) -> String {
    attribution(&plain(speaker), role.map(plain).as_deref(), None)
}

/// How the bot words a headline, unescaped (it goes through [`content`]): in typographic
/// quotation marks, what the user typed without the white space around it.
pub fn headline(headline: Headline<'_>) -> String {
    match headline {
        Headline::ShowingResultsFor(query) => format!("Showing results for “{query}”."),
        Headline::ShowingQuotesAbout(topic) => format!("Showing quotes about “{topic}”."),
        Headline::NoBriefMatches(query) => format!("No brief matches “{}”.", query.trim()),
        Headline::NoQuotesFound(speaker) => format!("No quotes found for “{}”.", speaker.trim()),
    }
}

/// How the bot words a note, unescaped (it goes through [`plain`] or [`content`]): as
/// everywhere, but the quotes kept are what the buttons page through.
pub fn note(note: &Note) -> String {
    match note {
        Note::OnlySomeKept {
            kept,
            on_topic: true,
        } => format!("Only the best {kept} can be paged here; a narrower topic finds fewer."),
        Note::OnlySomeKept {
            kept,
            on_topic: false,
        } => format!("Only the newest {kept} can be paged here; add a topic to narrow them."),
        other => other.to_string(),
    }
}

/// What the bot says in place of an answer that shows nothing, unescaped: the headline when
/// there is one, else the notes, a line each.
pub fn nothing_shown(no_match: Option<Headline<'_>>, notes: &[Note]) -> String {
    match no_match {
        Some(said) => headline(said),
        None => notes.iter().map(note).collect::<Vec<_>>().join("\n"),
    }
}

/// Plain text as message content: escaped like [`plain`] (so it may quote what a user typed
/// or a file holds), at most 2000.
pub fn content(text: &str) -> String {
    truncate(&plain(text), limits::CONTENT)
}

/// A URL as the target of a markdown link, or on a line of its own: every character that
/// could end the link or start other markdown (white space, `(`, `)`, `<`, `>`, `\`, `"`,
/// `` ` ``, `{`, `}`, `|`, `^`) and anything outside ASCII is percent-encoded, so a URL can
/// never close its link and add another. A URL's meaning does not change: these characters
/// are not delimiters of the URL syntax (`(` and `)` are sub-delimiters that servers read
/// the same encoded). `[` and `]` are kept for IPv6 hosts; they cannot end a link target.
pub fn link_target(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        let unsafe_here = !c.is_ascii()
            || c.is_ascii_control()
            || c.is_whitespace()
            || matches!(
                c,
                '(' | ')' | '<' | '>' | '\\' | '"' | '`' | '{' | '}' | '|' | '^'
            );
        if unsafe_here {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// An autocomplete choice's label or value, at most 100.
pub fn choice(text: &str) -> String {
    truncate(text, limits::CHOICE)
}

fn defuse_mentions(text: &str) -> String {
    text.replace("@everyone", "@\u{200b}everyone")
        .replace("@here", "@\u{200b}here")
}

/// Escapes Discord markdown so the text shows as written: no formatting, no masked link, no
/// mention or other `<…>` pill, and no link from a `scheme://` typed in the text.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut line_start = true;
    for (at, c) in text.char_indices() {
        let special = matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '<')
            || (c == ':' && text[at + 1..].starts_with("//"))
            || (line_start && matches!(c, '>' | '#' | '-'));
        if special {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n' || (line_start && c == ' ');
    }
    defuse_mentions(&out)
}

/// Escaped text with the marked words in bold.
pub fn bold(marked: &Marked) -> String {
    marked.render_with("**", "**", |text, out| out.push_str(&plain(text)))
}

/// Length as Discord counts it.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Cuts `text` to at most `max` UTF-16 units, at a character boundary, ending with "…" when
/// cut. A cut never leaves a dangling `**` or `\`.
pub fn truncate(text: &str, max: usize) -> String {
    if utf16_len(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if used + c.len_utf16() > max - 1 {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    let mut kept = text[..end].to_owned();
    // An odd number of bold markers would make the rest of the text bold: drop the last one.
    if kept.matches("**").count() % 2 == 1
        && let Some(at) = kept.rfind("**")
    {
        kept.replace_range(at..at + 2, "");
        // "@**everyone" must not become a mention: a bold mark was all that kept it apart.
        if kept[..at].ends_with('@')
            && ["everyone", "here"]
                .iter()
                .any(|w| kept[at..].starts_with(w))
        {
            kept.insert(at, '\u{200b}');
        }
    }
    while kept.ends_with('\\') {
        kept.pop();
    }
    kept.push('…');
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::QuoteAnswer;

    fn marked(text: &str, marks: impl IntoIterator<Item = std::ops::Range<usize>>) -> Marked {
        Marked {
            text: text.into(),
            marks: marks.into_iter().collect(),
        }
    }

    fn result(title: &str, summary: &str, quotes: usize, quote_len: usize) -> BriefAnswer {
        BriefAnswer {
            id: "id".into(),
            title: marked(title, vec![]),
            published: "2017-07-09".into(),
            source: Some("https://example.com/a".into()),
            outlet: Some("Example News".into()),
            image: Some("https://example.com/a.png".into()),
            tags: vec!["cyber security".into(), "russia".into()],
            score: 1.0,
            summary: summary.into(),
            excerpt: marked(summary, vec![]),
            quotes: (0..quotes)
                .map(|i| QuoteAnswer {
                    speaker: marked(&format!("Speaker {i}"), vec![]),
                    role: Some("Role".into()),
                    text: marked(&"q".repeat(quote_len), vec![]),
                    context: None,
                })
                .collect(),
        }
    }

    #[test]
    fn headlines_are_worded_in_typographic_quotes_around_what_was_typed() {
        assert_eq!(
            headline(Headline::ShowingResultsFor("election hacking")),
            "Showing results for “election hacking”."
        );
        assert_eq!(
            headline(Headline::NoBriefMatches("  zyx ")),
            "No brief matches “zyx”."
        );
        assert_eq!(
            headline(Headline::NoQuotesFound(" ann ")),
            "No quotes found for “ann”."
        );
    }

    #[test]
    fn the_quotes_kept_are_what_the_buttons_page_through() {
        let kept = |on_topic| {
            note(&Note::OnlySomeKept {
                kept: 3000,
                on_topic,
            })
        };
        assert_eq!(
            kept(false),
            "Only the newest 3000 can be paged here; add a topic to narrow them."
        );
        assert_eq!(
            kept(true),
            "Only the best 3000 can be paged here; a narrower topic finds fewer."
        );
        let other = Note::NoPhrase {
            phrase: "a_b".into(),
        };
        assert_eq!(note(&other), other.to_string(), "worded as everywhere");
    }

    #[test]
    fn an_answer_that_shows_nothing_says_its_headline_or_its_notes() {
        let notes = [Note::EmptyQuery, Note::QueryTruncated];
        assert_eq!(
            nothing_shown(Some(Headline::NoBriefMatches("zyx")), &[]),
            "No brief matches “zyx”."
        );
        assert_eq!(
            nothing_shown(None, &notes),
            format!("{}\n{}", notes[0], notes[1])
        );
    }

    #[test]
    fn a_brief_becomes_an_embed_with_quote_fields() {
        let mut answer = result("Trump and Putin", "They met. Hacking was discussed.", 5, 20);
        answer.excerpt = marked("They met. Hacking was discussed.", Some(10..17));
        let embed = brief(&answer, 1, 4);
        assert_eq!(embed.title, "Trump and Putin");
        assert_eq!(embed.url.as_deref(), Some("https://example.com/a"));
        assert_eq!(embed.description, "They met. **Hacking** was discussed.");
        assert_eq!(embed.fields.len(), 3, "at most three key quotes");
        assert_eq!(embed.fields[0].0, "— Speaker 0, Role");
        assert!(embed.fields[0].1.starts_with('“'));
        assert_eq!(
            embed.footer,
            "Example News · 2017-07-09 · cyber security, russia · brief 1 of 4"
        );
        assert_eq!(
            embed.thumbnail.as_deref(),
            Some("https://example.com/a.png")
        );
    }

    #[test]
    fn an_oversized_brief_fits_every_limit() {
        let huge = "é".repeat(5000);
        let mut answer = result(&"T".repeat(400), &huge, 3, 3000);
        answer.tags = vec!["t".repeat(3000)];
        let embed = brief(&answer, 1, 1);
        assert!(utf16_len(&embed.title) <= limits::TITLE);
        assert!(utf16_len(&embed.description) <= limits::DESCRIPTION);
        assert!(embed.fields.iter().all(
            |(n, v)| utf16_len(n) <= limits::FIELD_NAME && utf16_len(v) <= limits::FIELD_VALUE
        ));
        assert!(utf16_len(&embed.footer) <= limits::FOOTER);
        assert!(embed.total() <= limits::EMBED_TOTAL, "{}", embed.total());
        assert!(embed.description.ends_with('…'));
    }

    #[test]
    fn markdown_and_mentions_are_made_harmless() {
        assert_eq!(plain("a*b_c `d` [x](y)"), "a\\*b\\_c \\`d\\` \\[x\\](y)");
        assert_eq!(plain("> quote\n# head"), "\\> quote\n\\# head");
        assert_eq!(
            plain("hi @everyone and @here"),
            "hi @\u{200b}everyone and @\u{200b}here"
        );
        assert_eq!(bold(&marked("a_b c", Some(0..3))), "**a\\_b** c");
    }

    /// The masked links Discord would find: an unescaped `[`, the next unescaped `]`, then
    /// `(`, and a target running to `)` without white space. Returns (text, target).
    fn masked_links(markdown: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = markdown.chars().collect();
        let escaped = |i: usize| {
            i > 0 && chars[..i].iter().rev().take_while(|c| **c == '\\').count() % 2 == 1
        };
        let mut links = Vec::new();
        for open in (0..chars.len()).filter(|&i| chars[i] == '[' && !escaped(i)) {
            let Some(close) = (open + 1..chars.len()).find(|&i| chars[i] == ']' && !escaped(i))
            else {
                continue;
            };
            if chars.get(close + 1) != Some(&'(') {
                continue;
            }
            let target: String = chars[close + 2..]
                .iter()
                .take_while(|c| **c != ')' && !c.is_whitespace())
                .collect();
            if chars.get(close + 2 + target.chars().count()) == Some(&')') {
                links.push((chars[open + 1..close].iter().collect(), target));
            }
        }
        links
    }

    /// Where a URL would be linked without markdown: a `scheme://` whose `:` is not escaped.
    fn raw_links(markdown: &str) -> usize {
        markdown
            .match_indices("://")
            .filter(|(at, _)| !markdown[..*at].ends_with('\\'))
            .count()
    }

    /// A source that tries to close its link and add another. It has no white space, so it
    /// passes validation; stored normalised, it still holds `)` and `](`.
    const HOSTILE_SOURCE: &str = "https://ex.com/a)[Verify](https://evil.example/";

    fn hostile_brief() -> Brief {
        let text = format!(
            "id = \"hostile\"\ntitle = \"Fog horn\"\npublished = 2019-01-01\nsource = \"{HOSTILE_SOURCE}\"\nsummary = \"S.\"\n"
        );
        crate::brief::parse(
            std::path::Path::new("hostile.toml"),
            text.as_bytes(),
            crate::language::Language::English,
        )
        .unwrap()
    }

    #[test]
    fn a_hostile_source_cannot_add_a_second_link_to_the_list() {
        let brief = hostile_brief();
        let stored = brief.source.clone().unwrap();
        assert!(
            stored.contains(")[Verify]("),
            "stored as the parser writes it: {stored}"
        );
        let list = brief_list(&[&brief], 1, 1, 1);
        let links = masked_links(&list.description);
        assert_eq!(
            links,
            [(
                "Fog horn".to_owned(),
                "https://ex.com/a%29[Verify]%28https://evil.example/".to_owned()
            )],
            "{}",
            list.description
        );
        // However Discord reads the brackets, the target runs to the end of the line.
        assert_eq!(
            list.description.matches("](").count(),
            1,
            "{}",
            list.description
        );
        assert!(list.description.ends_with("%28https://evil.example/)"));
    }

    #[test]
    fn a_hostile_source_cannot_add_a_link_to_a_quote() {
        let brief = hostile_brief();
        let quote = SpeakerQuote {
            speaker: "Marco Rubio".into(),
            role: None,
            text: marked("Words.", vec![]),
            context: None,
            brief_id: "hostile".into(),
            brief_title: "Fog horn".into(),
            published: "2019-01-01".into(),
            source: brief.source.clone(),
        };
        let answer = QuotesAnswer {
            speaker: "rubio".into(),
            about: None,
            matched: SpeakerMatch::Found,
            candidates: vec![],
            quotes: vec![quote.clone()],
            total: 1,
            suggestion: None,
            notes: vec![],
        };
        let page = quotes(&answer, &[quote], 1, 1);
        let value = &page.fields[0].1;
        assert!(masked_links(value).is_empty(), "{value}");
        let line = value.lines().last().unwrap();
        assert_eq!(line, "https://ex.com/a%29[Verify]%28https://evil.example/");
        assert!(
            !line.contains(['(', ')', ' ']),
            "one URL to the end of the line"
        );
    }

    #[test]
    fn link_targets_keep_nothing_that_ends_a_link() {
        assert_eq!(
            link_target("https://ex.com/a b)(c<d>\\e\"f`g{h}|^\u{a0}é"),
            "https://ex.com/a%20b%29%28c%3Cd%3E%5Ce%22f%60g%7Bh%7D%7C%5E%C2%A0%C3%A9"
        );
        assert_eq!(
            link_target("http://[::1]:8080/a_b~c?d=e&f#g"),
            "http://[::1]:8080/a_b~c?d=e&f#g"
        );
    }

    #[test]
    fn typed_text_makes_no_link_no_pill_and_no_markdown() {
        let typed = "electoins [Free Nitro](https://evil.example) <@123> <t:1:R> </brief-remove:9> <https://x.example>";
        for text in [
            plain(typed),
            content(&format!("Showing results for “{typed}”.")),
        ] {
            assert!(masked_links(&text).is_empty(), "{text}");
            assert_eq!(raw_links(&text), 0, "{text}");
            assert!(!text.contains(" <"), "every < is escaped: {text}");
        }
        assert_eq!(
            plain("[Free Nitro](https://evil.example)"),
            "\\[Free Nitro\\](https\\://evil.example)"
        );
        assert_eq!(plain("a: //b c:/d"), "a: //b c:/d");
        assert_eq!(content("key `sumary`"), "key \\`sumary\\`");
    }

    #[test]
    fn the_more_footer_keeps_an_embed_at_the_limit_within_6000() {
        let mut answer = result(&"T".repeat(300), &"s".repeat(4000), 3, 1000);
        answer.tags = vec!["t".repeat(1700)];
        let embed = brief(&answer, 1, 1);
        assert_eq!(
            embed.total(),
            limits::EMBED_TOTAL,
            "the embed is at the limit"
        );
        let more = embed.append_footer("4 more: /brief");
        assert!(more.total() <= limits::EMBED_TOTAL, "{}", more.total());
        assert!(
            more.footer.ends_with(" · 4 more: /brief"),
            "{}",
            more.footer
        );
        assert!(more.description.ends_with('…'));
        assert_eq!(
            Embed::default().append_footer("1 more").footer,
            "1 more",
            "no separator before the first part"
        );
    }

    #[test]
    fn truncation_counts_utf16_and_keeps_characters_whole() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        // "😀" is two UTF-16 units.
        assert_eq!(truncate("😀😀😀", 5), "😀😀…");
        assert_eq!(truncate("**bold** and **more**", 18), "**bold** and mo…");
        assert_eq!(truncate("ab\\*", 4), "ab\\*");
        assert_eq!(truncate("abc\\*def", 5), "abc…");
        assert_eq!(choice(&"x".repeat(300)).chars().count(), 100);
    }

    #[test]
    fn a_bold_mark_dropped_by_a_cut_joins_no_mention() {
        for (name, cut) in [
            ("everyone", "Rain @\u{200b}everyone ev…"),
            ("here", "Rain @\u{200b}here here h…"),
        ] {
            let text = format!("Rain @{name} {name} {name} now");
            let bolded = bold(&marked(&text, Some(6..text.len() - 4)));
            assert!(bolded.starts_with(&format!("Rain @**{name} ")), "{bolded}");
            assert_eq!(truncate(&bolded, 20), cut);
        }
    }

    #[test]
    fn a_bad_mark_is_not_bolded_and_not_fatal() {
        let backwards = std::ops::Range { start: 2, end: 1 };
        let bad = marked("a_b c", [0..3, backwards, 4..9]);
        let bolded = std::panic::catch_unwind(|| bold(&bad));
        if cfg!(debug_assertions) {
            // A debug build stops where a bug made the mark.
            let message = bolded.expect_err("a debug build stops on a bad mark");
            let message = message
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            assert!(message.starts_with("mark "), "{message}");
        } else {
            assert_eq!(bolded.expect("never a panic"), "**a\\_b** c");
        }
    }

    #[test]
    fn a_quote_link_is_whole_or_left_out() {
        let quote = |url: &str| {
            let answer = QuotesAnswer {
                speaker: "ann".into(),
                about: None,
                matched: SpeakerMatch::Found,
                candidates: vec![],
                quotes: vec![SpeakerQuote {
                    speaker: "Ann Lee".into(),
                    role: None,
                    text: marked(&"Rain again. ".repeat(90), []),
                    context: None,
                    brief_id: "w".into(),
                    brief_title: "Weather".into(),
                    published: "2020-01-01".into(),
                    source: Some(url.to_owned()),
                }],
                total: 1,
                suggestion: None,
                notes: vec![],
            };
            quotes(&answer, &answer.quotes, 1, 1).fields[0].1.clone()
        };
        // Sources are stored normalised (ASCII); anything else would be encoded first.
        for length in [30, 500, 511] {
            let url = format!("https://example.com/{}", "a".repeat(length - 20));
            let value = quote(&url);
            assert!(value.ends_with(&format!("…\n{url}")), "{value}");
            assert_eq!(utf16_len(&value), limits::FIELD_VALUE);
        }
        // 100 characters that each take six once encoded: 600 in the field.
        let encoded = format!("https://example.com/{}", "é".repeat(100));
        for url in [600, 1023, 1024, 2048]
            .map(|length| format!("https://example.com/{}", "a".repeat(length - 20)))
            .into_iter()
            .chain([encoded])
        {
            let value = quote(&url);
            assert!(!value.contains("https://"), "{value}");
            assert_eq!(utf16_len(&value), limits::FIELD_VALUE);
        }
    }

    #[test]
    fn the_serenity_embed_carries_everything() {
        let embed = brief(&result("Title", "Summary.", 1, 10), 1, 1).to_serenity();
        let json = serde_json::to_value(&embed).unwrap();
        assert_eq!(json["title"], "Title");
        assert_eq!(json["url"], "https://example.com/a");
        assert_eq!(json["fields"][0]["name"], "— Speaker 0, Role");
        assert_eq!(json["thumbnail"]["url"], "https://example.com/a.png");
    }
}
