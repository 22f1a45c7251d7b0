//! The slash commands: plain async functions over the shared [`Data`](super::Data). Each says
//! what its answer keeps ([`Pages`]) and how a page of it is drawn; [`paging`] shows the
//! pages, and every search runs on the [`Work`](super::work::Work) threads.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use poise::serenity_prelude as serenity;

use super::paging::{self, Drawn, Page, Pages};
use super::{Context, Error, embed};
use crate::answer::{
    self, AskOptions, BriefSelection, Filter, FilterError, Filters, QuoteSelection,
};
use crate::library::Library;

/// Briefs one `/brief` answer pages through.
const BRIEF_PAGES: usize = 10;

/// Quotes one `/quotes` answer keeps to page through: a thousand pages, about as many as one
/// can press through before the answer ends, in 48 KB (the quotes' places, not their texts).
const PAGED_QUOTES: usize = 3000;

/// The longest an autocompletion waits for a work thread before answering with nothing.
const AUTOCOMPLETE_WAIT: Duration = Duration::from_secs(1);

/// How `/brief` lists the briefs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub enum BriefOrder {
    #[name = "relevance"]
    Relevance,
    #[name = "newest"]
    Newest,
}

/// Find the best news briefs about a topic
#[poise::command(slash_command)]
#[allow(clippy::too_many_arguments)] // one per option of the command
pub async fn brief(
    ctx: Context<'_>,
    #[description = "What to look for, e.g. election hacking (filters such as since:2017 work too)"]
    #[autocomplete = "autocomplete_topic"]
    #[max_length = 300]
    topic: Option<String>,
    #[description = "Only briefs published on or after: 2017, 2017-07 or 2017-07-09"]
    #[max_length = 20]
    since: Option<String>,
    #[description = "Only briefs published on or before (inclusive): 2017, 2017-07 or 2017-07-09"]
    #[max_length = 20]
    until: Option<String>,
    #[description = "Only briefs with this tag"]
    #[autocomplete = "autocomplete_tag"]
    #[max_length = 100]
    tag: Option<String>,
    #[description = "Only briefs from this outlet"]
    #[autocomplete = "autocomplete_outlet"]
    #[max_length = 100]
    outlet: Option<String>,
    #[description = "Best match first (relevance, the default) or newest first"] order: Option<
        BriefOrder,
    >,
) -> Result<(), Error> {
    let order = order.map(|order| match order {
        BriefOrder::Relevance => "relevance",
        BriefOrder::Newest => "newest",
    });
    let options = [
        ("since", since.as_deref()),
        ("until", until.as_deref()),
        ("tag", tag.as_deref()),
        ("outlet", outlet.as_deref()),
        ("order", order),
    ];
    let pages = BriefPages {
        topic: topic.unwrap_or_default(),
        filters: option_filters(&options),
        summary_chars: ctx.data().config.summary_chars,
        chosen: None,
    };
    paging::answer(ctx, pages).await
}

/// The filters `/brief`'s options give (name, value if given), or the first that cannot be
/// read.
fn option_filters(options: &[(&str, Option<&str>)]) -> Result<Filters, FilterError> {
    let mut filters = Filters::default();
    for &(name, value) in options {
        if let Some(value) = value
            && let Some(filter) = Filter::parse(name, value)?
        {
            filters.list.push(filter);
        }
    }
    Ok(filters)
}

/// `/brief`: the question, and which briefs it found, as places in the library they were
/// found in; a page is one of them, drawn when shown. After a reload the question is asked
/// again of the new library (see [`chosen_from`]).
struct BriefPages {
    topic: String,
    /// The options' filters, which narrow those typed in the topic.
    filters: Result<Filters, FilterError>,
    summary_chars: usize,
    chosen: Option<(Weak<Library>, BriefSelection)>,
}

impl Pages for BriefPages {
    fn draw(&mut self, library: &Arc<Library>, number: usize) -> Result<Drawn, String> {
        let filters = match &self.filters {
            Ok(filters) => filters,
            Err(error) => {
                return Err(embed::nothing_shown(
                    None,
                    &[answer::Note::BadFilter(error.clone())],
                ));
            }
        };
        let options = brief_options(BRIEF_PAGES, self.summary_chars);
        let topic = &self.topic;
        let selection = chosen_from(&mut self.chosen, library, || {
            answer::select_briefs_with(library, topic, filters, options)
        });
        brief_page(selection, library, number)
    }
}

/// How a `/brief` answer (or a mention's) is shaped.
fn brief_options(limit: usize, summary_chars: usize) -> AskOptions {
    AskOptions {
        limit,
        quotes: embed::QUOTES_PER_BRIEF,
        summary_chars,
    }
}

/// Page `number` (or the last) of the briefs in `selection`, made from `library`: the brief,
/// and above it that the results are for a corrected query; or, when there is no brief to
/// show, what to say instead.
fn brief_page(
    selection: &BriefSelection,
    library: &Library,
    number: usize,
) -> Result<Drawn, String> {
    let count = selection.len();
    let Some(result) = count
        .checked_sub(1)
        .and_then(|last| selection.result(library, number.min(last)))
    else {
        return Err(embed::nothing_shown(
            selection.answer.no_match(),
            &selection.answer.notes,
        ));
    };
    let number = number.min(count - 1);
    Ok(Drawn {
        page: Page {
            content: selection.answer.showing().map(embed::headline),
            embed: embed::brief(&result, number + 1, count),
            related: Some(result.id.clone()),
        },
        number,
        count,
    })
}

/// The answer to a mention of the bot: the first page of `/brief` for `question`, as one
/// message, its footer telling how many more `/brief` would page through; or what to say
/// when there is no brief to show.
pub(super) fn mention_answer(
    library: &Library,
    question: &str,
    summary_chars: usize,
) -> Result<Page, String> {
    let selection = answer::select_briefs(library, question, brief_options(1, summary_chars));
    let mut page = brief_page(&selection, library, 0)?.page;
    let total = selection.answer.total;
    if total > 1 {
        page.embed = page
            .embed
            .append_footer(&format!("{} more: /brief", total - 1));
    }
    Ok(page)
}

/// The selection in `chosen` if it was made from `library`, else one made now with `choose`.
/// A selection points at its library only weakly, so no answer keeps an old library alive
/// across reloads; while the weak pointer lives, that library's place in memory is not
/// reused, so the same place means the same library.
fn chosen_from<'a, T>(
    chosen: &'a mut Option<(Weak<Library>, T)>,
    library: &Arc<Library>,
    choose: impl FnOnce() -> T,
) -> &'a T {
    if chosen
        .as_ref()
        .is_some_and(|(from, _)| !std::ptr::eq(from.as_ptr(), Arc::as_ptr(library)))
    {
        *chosen = None;
    }
    &chosen
        .get_or_insert_with(|| (Arc::downgrade(library), choose()))
        .1
}

/// What a person said, newest first
#[poise::command(slash_command)]
pub async fn quotes(
    ctx: Context<'_>,
    #[description = "Who: full name, surname, or given name"]
    #[autocomplete = "autocomplete_speaker"]
    #[max_length = 100]
    speaker: String,
    #[description = "Only quotes about this topic"]
    #[max_length = 300]
    topic: Option<String>,
) -> Result<(), Error> {
    let pages = QuotePages {
        speaker,
        topic,
        chosen: None,
    };
    paging::answer(ctx, pages).await
}

/// `/quotes`: which quotes, in order, as places in the library they were chosen from (chosen
/// again after a reload: see [`chosen_from`]).
struct QuotePages {
    speaker: String,
    topic: Option<String>,
    chosen: Option<(Weak<Library>, QuoteSelection)>,
}

impl Pages for QuotePages {
    fn draw(&mut self, library: &Arc<Library>, number: usize) -> Result<Drawn, String> {
        let (speaker, topic) = (&self.speaker, self.topic.as_deref());
        let selection = chosen_from(&mut self.chosen, library, || {
            answer::select_quotes(library, speaker, topic, PAGED_QUOTES)
        });
        if selection.is_empty() {
            return Err(embed::nothing_shown(
                selection.answer.no_match(),
                &selection.answer.notes,
            ));
        }
        let count = selection.len().div_ceil(embed::QUOTES_PER_PAGE);
        let number = number.min(count - 1);
        let start = number * embed::QUOTES_PER_PAGE;
        let shown = selection.quotes(
            library,
            start..(start + embed::QUOTES_PER_PAGE).min(selection.len()),
        );
        Ok(Drawn {
            page: Page {
                content: None,
                embed: embed::quotes(&selection.answer, &shown, number + 1, count),
                related: None,
            },
            number,
            count,
        })
    }
}

/// The latest news briefs
#[poise::command(slash_command)]
pub async fn briefs(ctx: Context<'_>) -> Result<(), Error> {
    paging::answer(ctx, LatestPages).await
}

/// `/briefs`: nothing to keep; a page is a slice of the library's newest-first order.
struct LatestPages;

impl Pages for LatestPages {
    fn draw(&mut self, library: &Arc<Library>, number: usize) -> Result<Drawn, String> {
        if library.is_empty() {
            return Err("The library has no briefs yet.".into());
        }
        let count = library.len().div_ceil(embed::BRIEFS_PER_PAGE);
        let number = number.min(count - 1);
        let start = number * embed::BRIEFS_PER_PAGE;
        let briefs = library.newest(start..start + embed::BRIEFS_PER_PAGE);
        Ok(Drawn {
            page: Page {
                content: None,
                embed: embed::brief_list(&briefs, number + 1, count, library.len()),
                related: None,
            },
            number,
            count,
        })
    }
}

/// What briefbot can do, with examples
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let reply = poise::CreateReply::default()
        .embed(embed::help().to_serenity())
        .ephemeral(true)
        .allowed_mentions(super::no_mentions());
    ctx.send(reply).await?;
    Ok(())
}

/// Works out autocompletion choices on a work thread, unless the user has used up their
/// autocompletions for this second or no thread comes free in time: then no choices, at no
/// cost. Autocompletion fires at every keystroke, so it is not counted by the cooldown.
async fn complete(
    ctx: Context<'_>,
    choices: impl FnOnce(&Library) -> Vec<String> + Send + 'static,
) -> serenity::CreateAutocompleteResponse {
    let data = ctx.data();
    let mut names = Vec::new();
    if data
        .autocomplete
        .check(ctx.author().id.get(), Instant::now())
        .is_ok()
    {
        let library = data.library();
        names = data
            .work
            .run(AUTOCOMPLETE_WAIT, move || choices(&library))
            .await
            .unwrap_or_default();
    }
    let choices = names
        .iter()
        .map(|name| {
            let name = embed::choice(name);
            serenity::AutocompleteChoice::new(name.clone(), name)
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Topic suggestions from brief titles and tags.
pub(super) async fn autocomplete_topic(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let partial = partial.to_owned();
    complete(ctx, move |library| {
        answer::topic_suggestions(library, &partial, embed::limits::CHOICES)
    })
    .await
}

/// The names among `names` (with how many briefs each has) that what was typed starts, then
/// those it is in, case and accents aside; most briefs first, at most `limit`.
fn names_like<'a>(
    names: impl Iterator<Item = (&'a str, usize)>,
    partial: &str,
    limit: usize,
) -> Vec<String> {
    let typed = crate::search::plain_words(partial).join(" ");
    let mut found: Vec<(bool, usize, &str)> = names
        .filter_map(|(name, briefs)| {
            let folded = crate::search::plain_words(name).join(" ");
            if folded.starts_with(&typed) {
                Some((true, briefs, name))
            } else {
                folded.contains(&typed).then_some((false, briefs, name))
            }
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
    found
        .into_iter()
        .take(limit)
        .map(|(_, _, name)| name.to_owned())
        .collect()
}

/// Tag suggestions from the library's tags.
async fn autocomplete_tag(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let partial = partial.to_owned();
    complete(ctx, move |library| {
        names_like(library.facets().tags(), &partial, embed::limits::CHOICES)
    })
    .await
}

/// Outlet suggestions from the library's outlets.
async fn autocomplete_outlet(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let partial = partial.to_owned();
    complete(ctx, move |library| {
        names_like(library.facets().outlets(), &partial, embed::limits::CHOICES)
    })
    .await
}

/// Speaker suggestions from everyone quoted.
async fn autocomplete_speaker(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let partial = partial.to_owned();
    complete(ctx, move |library| {
        library
            .speakers()
            .complete(&partial, embed::limits::CHOICES)
            .into_iter()
            .map(|speaker| speaker.name.clone())
            .collect()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` briefs, one a day, each quoting Ada Lovelace once.
    fn library(n: usize) -> Arc<Library> {
        Arc::new(Library::new(
            (0..n)
                .map(|i| {
                    let text = format!(
                        "title = \"Report {i}\"\npublished = {}\nsummary = \"About storms.\"\n\n[[quotes]]\nspeaker = \"Ada Lovelace\"\ntext = \"Remark {i}.\"\n",
                        // Days from 2000-01-01, as a date TOML reads.
                        format_args!("{:04}-{:02}-{:02}", 2000 + i / 336, 1 + i / 28 % 12, 1 + i % 28)
                    );
                    crate::brief::parse(
                        std::path::Path::new(&format!("r{i}.toml")),
                        text.as_bytes(),
                        crate::language::Language::English,
                    )
                    .unwrap()
                })
                .collect(),
        ))
    }

    fn quote_pages() -> QuotePages {
        QuotePages {
            speaker: "lovelace".into(),
            topic: None,
            chosen: None,
        }
    }

    #[test]
    fn a_quotes_answer_keeps_at_most_a_thousand_pages_and_says_so() {
        let library = library(PAGED_QUOTES + 5);
        let mut pages = quote_pages();
        let last = pages.draw(&library, usize::MAX).unwrap();
        assert_eq!(last.count, PAGED_QUOTES / embed::QUOTES_PER_PAGE);
        assert_eq!(last.number, last.count - 1, "past the end: the last page");
        assert!(
            last.page
                .embed
                .description
                .contains("Only the newest 3000 can be paged here"),
            "{}",
            last.page.embed.description
        );
        assert!(
            last.page
                .embed
                .footer
                .starts_with("3005 quotes, newest first")
        );
    }

    #[test]
    fn a_paged_answer_chooses_again_from_a_new_library_and_keeps_no_old_one() {
        let (old, new) = (library(7), library(8));
        let mut pages = quote_pages();
        assert!(
            pages
                .draw(&old, 0)
                .unwrap()
                .page
                .embed
                .footer
                .starts_with("7 quotes")
        );
        let turned = pages.draw(&new, 1).unwrap();
        assert!(turned.page.embed.footer.starts_with("8 quotes"));
        assert_eq!(
            Arc::strong_count(&old),
            1,
            "no answer keeps the old library"
        );
    }
}
