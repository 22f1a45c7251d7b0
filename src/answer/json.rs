//! The JSON faces of the answers, as `INTERFACES.md` promises them: [`to_json`]
//! (`ask --json`, `ask --batch`), [`quotes_json`] (`quotes --json`), [`brief_json`]
//! (`list --json`), [`said_json`] (`said --json`), [`related_json`] (`related --json`). A note
//! is written as its neutral wording.

use serde_json::{Value, json};

use super::{Answer, BriefAnswer, Note, QuotesAnswer, RelatedAnswer, SaidAnswer, SpeakerQuote};
use crate::brief::Brief;

/// The JSON of `INTERFACES.md` (`ask --json`), extended with `total`, `notes` and, per
/// result, `outlet`, `tags`, `image` and each quote's `context`. Borrowed from the answer and
/// written field by field, in this order: no JSON tree is built.
pub fn to_json(answer: &Answer) -> AnswerJson<'_> {
    AnswerJson {
        query: &answer.query,
        results: answer.results.iter().map(result_json).collect(),
        total: answer.total,
        suggestion: answer.suggestion.as_deref(),
        notes: &answer.notes,
    }
}

/// A result as `ask --json` lists it.
fn result_json(r: &BriefAnswer) -> ResultJson<'_> {
    ResultJson {
        id: &r.id,
        title: &r.title.text,
        published: &r.published,
        source: r.source.as_deref(),
        outlet: r.outlet.as_deref(),
        image: r.image.as_deref(),
        tags: &r.tags,
        score: (f64::from(r.score) * 100.0).round() / 100.0,
        summary: &r.summary,
        quotes: r
            .quotes
            .iter()
            .map(|q| QuoteJson {
                speaker: &q.speaker.text,
                role: q.role.as_deref(),
                text: &q.text.text,
                context: q.context.as_deref(),
            })
            .collect(),
    }
}

/// An answer as `ask --json` writes it: see [`to_json`].
#[derive(Debug, serde::Serialize)]
pub struct AnswerJson<'a> {
    query: &'a str,
    results: Vec<ResultJson<'a>>,
    total: usize,
    suggestion: Option<&'a str>,
    notes: &'a [Note],
}

#[derive(Debug, serde::Serialize)]
struct ResultJson<'a> {
    id: &'a str,
    title: &'a str,
    published: &'a str,
    source: Option<&'a str>,
    outlet: Option<&'a str>,
    image: Option<&'a str>,
    tags: &'a [String],
    /// Rounded to two decimals.
    score: f64,
    summary: &'a str,
    quotes: Vec<QuoteJson<'a>>,
}

#[derive(Debug, serde::Serialize)]
struct QuoteJson<'a> {
    speaker: &'a str,
    role: Option<&'a str>,
    text: &'a str,
    context: Option<&'a str>,
}

/// A brief as a line of `list --json`.
pub fn brief_json(brief: &Brief) -> Value {
    json!({
        "id": brief.id.as_str(),
        "published": brief.published.to_string(),
        "title": brief.title,
        "outlet": brief.outlet.as_deref(),
        "path": brief.path.display().to_string(),
    })
}

/// The JSON of `INTERFACES.md` (`quotes --json`), extended with `match` (`found`,
/// `ambiguous`, or `suggestions` when `candidates` are only did-you-mean names), `about`,
/// `total`, `suggestion`, `notes` and, per quote, `context` and `source`.
pub fn quotes_json(answer: &QuotesAnswer) -> Value {
    json!({
        "speaker": answer.speaker,
        "candidates": answer.candidates.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        "quotes": answer.quotes.iter().map(quote_json).collect::<Vec<_>>(),
        "match": answer.matched.as_str(),
        "about": answer.about,
        "total": answer.total,
        "suggestion": answer.suggestion,
        "notes": answer.notes,
    })
}

/// A quote as `quotes --json` lists it.
fn quote_json(quote: &SpeakerQuote) -> Value {
    json!({
        "speaker": quote.speaker,
        "role": quote.role,
        "text": quote.text.text,
        "context": quote.context,
        "brief_id": quote.brief_id,
        "brief_title": quote.brief_title,
        "published": quote.published,
        "source": quote.source,
    })
}

/// `said --json`: `query`, `quotes` (the quote objects of `quotes --json`, best first, each
/// with its `score` rounded to two decimals), `total`, `suggestion` and `notes`.
pub fn said_json(answer: &SaidAnswer) -> Value {
    json!({
        "query": answer.query,
        "quotes": answer.quotes.iter().map(|said| {
            let mut quote = quote_json(&said.quote);
            quote["score"] = json!((f64::from(said.score) * 100.0).round() / 100.0);
            quote
        }).collect::<Vec<_>>(),
        "total": answer.total,
        "suggestion": answer.suggestion,
        "notes": answer.notes,
    })
}

/// `related --json`: the brief asked about (`id`, `title`), `results` (the result objects of
/// `ask --json`, best first, each with its `reason` in words and what it `shares`: `tags`,
/// `speakers`, `outlet` or null, `words`) and `total`.
pub fn related_json(answer: &RelatedAnswer) -> Value {
    let results: Vec<Value> = answer
        .results
        .iter()
        .map(|related| {
            let mut result =
                serde_json::to_value(result_json(&related.brief)).unwrap_or_else(|_| json!({}));
            let reason = &related.reason;
            result["reason"] = json!(reason.to_string());
            result["shares"] = json!({
                "tags": reason.tags,
                "speakers": reason.speakers,
                "outlet": reason.outlet,
                "words": reason.words,
            });
            result
        })
        .collect();
    json!({
        "id": answer.id,
        "title": answer.title,
        "results": results,
        "total": answer.total,
    })
}
