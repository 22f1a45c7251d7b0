//! A topic to follow, as typed and as followed.
//!
//! Typos are corrected once, when the follow is made, exactly as `/brief` corrects them; the
//! corrected topic is stored and matched from then on (with no correction: a brief is never
//! matched through a guess). A topic with no word to search for (only stop words) would match
//! nothing, and is refused.

use crate::library::Library;
use crate::search::{MAX_QUERY_CHARS, search};

/// A topic ready to be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowedTopic {
    /// As typed (trimmed); empty: every brief.
    pub typed: String,
    /// As followed: with `/brief`'s corrections.
    pub topic: String,
    /// Each correction made, as (typed, corrected).
    pub corrections: Vec<(String, String)>,
}

/// Why a topic cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    #[error("\"{0}\" has no word to look for (only words like \"the\" or \"of\"); name the topic")]
    NoWords(String),
    #[error("the topic is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
}

/// Reads a topic the way `/brief` would, corrected against `library`.
pub fn followed_topic(library: &Library, typed: &str) -> Result<FollowedTopic, TopicError> {
    let typed = typed.trim();
    if typed.chars().count() > MAX_QUERY_CHARS {
        return Err(TopicError::TooLong);
    }
    if typed.is_empty() {
        return Ok(FollowedTopic {
            typed: String::new(),
            topic: String::new(),
            corrections: Vec::new(),
        });
    }
    let outcome = search(library.index(), typed, 1);
    if outcome.words.is_empty() {
        return Err(TopicError::NoWords(typed.to_owned()));
    }
    Ok(FollowedTopic {
        typed: typed.to_owned(),
        topic: outcome.suggestion.unwrap_or_else(|| typed.to_owned()),
        corrections: outcome
            .corrections
            .into_iter()
            .map(|c| (c.typed, c.corrected))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::matcher::tests::brief;

    #[test]
    fn a_typo_is_corrected_once_and_stop_words_alone_are_refused() {
        let library = Library::new(vec![brief("a", "Election hacking", "Servers hacked.")]);
        let topic = followed_topic(&library, "  electoin hacking ").unwrap();
        assert_eq!(topic.typed, "electoin hacking");
        assert_eq!(topic.topic, "election hacking");
        assert_eq!(
            topic.corrections,
            [("electoin".to_owned(), "election".to_owned())]
        );
        let exact = followed_topic(&library, "\"election hacking\"").unwrap();
        assert_eq!(exact.topic, "\"election hacking\"");
        assert!(exact.corrections.is_empty());
        assert_eq!(followed_topic(&library, "").unwrap().topic, "");
        assert_eq!(
            followed_topic(&library, "the of"),
            Err(TopicError::NoWords("the of".into()))
        );
        assert_eq!(
            followed_topic(&library, &"a".repeat(600)),
            Err(TopicError::TooLong)
        );
    }
}
