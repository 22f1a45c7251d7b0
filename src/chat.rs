//! `briefbot chat`: a local console speaking the same commands as the Discord bot, answered
//! as terminal text. It is the no-token way to try the bot, from a terminal or piped stdin.

use std::collections::HashSet;
use std::io::{self, BufRead, Write};
use std::ops::Deref;
use std::sync::Mutex;

use crate::answer::{self, AskOptions};
use crate::brief::BriefId;
use crate::deliver::matcher::FollowIndex;
use crate::deliver::topic::followed_topic;
use crate::library::Library;
use crate::store::follows::FollowId;
use crate::text;

/// How many briefs `/briefs` lists.
const LATEST: usize = 10;

/// How many quotes `/said` shows.
const SAID: usize = 5;

/// What the console says to `/help` (and at start in a terminal).
pub const HELP: &str = "\
Commands:
  /brief <topic>                 the best briefs for a topic (plain text works too)
  /quotes <name> [topic:<text>]  what a person said, newest first, optionally on a topic
  /said <words>                  who said it: quotes saying these words, best first
  /related <id>                  more like this: briefs sharing the most with a brief
  /briefs                        the latest briefs
  /follow <topic>                print new briefs on the topic here as they arrive
  /help                          this help
  /quit                          leave (or Ctrl-D)
Filters, in /brief and /said (a value with spaces in quotes):
  since:2017  since:2017-07  since:2017-07-09  until:2018 (inclusive)
  tag:russia  outlet:\"BBC News\"  speaker:putin  lang:de  order:newest
Examples:
  /brief election hacking
  /brief russia since:2017-07 tag:sanctions order:newest
  /brief outlet:\"BBC News\" until:2017
  /quotes putin
  /quotes Rex Tillerson topic: russia
  /said putin pressed twice
  /related trump-putin-cyber-unit";

/// One console command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command<'a> {
    Brief(&'a str),
    Quotes {
        speaker: &'a str,
        topic: Option<&'a str>,
    },
    Said(&'a str),
    Related(&'a str),
    Briefs,
    Follow(&'a str),
    Help,
    Quit,
    Nothing,
    Unknown(&'a str),
}

/// Reads one line of input as a command.
pub fn parse(line: &str) -> Command<'_> {
    let line = line.trim();
    if line.is_empty() {
        return Command::Nothing;
    }
    let Some(rest) = line.strip_prefix('/') else {
        return Command::Brief(line);
    };
    let (name, argument) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let argument = argument.trim();
    match name.to_lowercase().as_str() {
        "brief" | "ask" => {
            Command::Brief(argument.strip_prefix("topic:").unwrap_or(argument).trim())
        }
        "quotes" => {
            let argument = argument.strip_prefix("speaker:").unwrap_or(argument);
            let split = ["topic:", "about:"]
                .iter()
                .find_map(|marker| argument.find(marker).map(|i| (i, marker.len())));
            match split {
                Some((at, len)) => Command::Quotes {
                    speaker: argument[..at].trim(),
                    topic: Some(argument[at + len..].trim()).filter(|t| !t.is_empty()),
                },
                None => Command::Quotes {
                    speaker: argument.trim(),
                    topic: None,
                },
            }
        }
        "said" => Command::Said(argument.strip_prefix("text:").unwrap_or(argument).trim()),
        "related" | "more" => {
            Command::Related(argument.strip_prefix("id:").unwrap_or(argument).trim())
        }
        "briefs" | "latest" => Command::Briefs,
        "follow" => Command::Follow(argument.strip_prefix("topic:").unwrap_or(argument).trim()),
        "help" | "?" => Command::Help,
        "quit" | "exit" | "q" => Command::Quit,
        _ => Command::Unknown(name),
    }
}

/// The topics followed in a console session (kept in memory: the console needs no database).
#[derive(Debug, Default)]
pub struct ChatFollows {
    topics: Mutex<Vec<String>>,
    /// Every brief id seen in this session: a brief is new when its id is not here.
    seen: Mutex<HashSet<BriefId>>,
}

impl ChatFollows {
    /// Follows for a session that starts with `library`'s briefs (none of them new).
    pub fn new(library: &Library) -> Self {
        ChatFollows {
            topics: Mutex::new(Vec::new()),
            seen: Mutex::new(library.briefs().map(|b| b.id.clone()).collect()),
        }
    }

    fn follow(&self, topic: String) {
        let mut topics = self.topics.lock().unwrap_or_else(|e| e.into_inner());
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }

    /// The lines to print for briefs a reload `put` into `library`: each new brief that a
    /// followed topic matches, once.
    pub fn arrivals(&self, library: &Library, put: &[BriefId]) -> Vec<String> {
        let topics = self
            .topics
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let new: Vec<&BriefId> = put.iter().filter(|id| seen.insert((*id).clone())).collect();
        if topics.is_empty() || new.is_empty() {
            return Vec::new();
        }
        let index = FollowIndex::build(
            library,
            topics
                .iter()
                .enumerate()
                .map(|(i, t)| (FollowId(i as i64), t.clone())),
        );
        let mut lines = Vec::new();
        for id in new {
            let Some(brief) = library.get(id.as_str()) else {
                continue;
            };
            for follow in index.matches(library, id.as_str()) {
                let topic = usize::try_from(follow.0)
                    .ok()
                    .and_then(|i| topics.get(i))
                    .map_or("", String::as_str);
                let topic = if topic.is_empty() {
                    "everything"
                } else {
                    topic
                };
                lines.push(format!(
                    "New brief for /follow {topic}: {} ({}, {})",
                    brief.title, brief.published, brief.id
                ));
            }
        }
        lines
    }
}

/// Answers commands from `input` until it ends or says `/quit`.
pub fn run(
    library: &Library,
    options: AskOptions,
    input: impl BufRead,
    out: &mut impl Write,
    bold: bool,
    interactive: bool,
) -> io::Result<()> {
    session(|| library, None, options, input, out, bold, interactive)
}

/// [`run`] on a library kept in step with its folder: each command sees the briefs of the
/// moment, and `/follow` records topics in `follows` (whose arrivals the caller prints).
pub fn run_live<L: Deref<Target = Library>>(
    snapshot: impl Fn() -> L,
    follows: &ChatFollows,
    options: AskOptions,
    input: impl BufRead,
    out: &mut impl Write,
    bold: bool,
    interactive: bool,
) -> io::Result<()> {
    session(
        snapshot,
        Some(follows),
        options,
        input,
        out,
        bold,
        interactive,
    )
}

fn session<L: Deref<Target = Library>>(
    snapshot: impl Fn() -> L,
    follows: Option<&ChatFollows>,
    options: AskOptions,
    mut input: impl BufRead,
    out: &mut impl Write,
    bold: bool,
    interactive: bool,
) -> io::Result<()> {
    if interactive {
        let library = snapshot();
        writeln!(
            out,
            "briefbot chat: {} briefs loaded. Type /help for commands.",
            library.len()
        )?;
    }
    let style = text::Style { bold, more: "" };
    let mut buffer = Vec::new();
    loop {
        if interactive {
            write!(out, "> ")?;
            out.flush()?;
        }
        buffer.clear();
        if input.read_until(b'\n', &mut buffer)? == 0 {
            break;
        }
        // A line that is not UTF-8 is read as well as it can be, not fatal.
        let line = String::from_utf8_lossy(&buffer);
        let library = snapshot();
        let library = &*library;
        match parse(&line) {
            Command::Nothing => continue,
            Command::Quit => break,
            Command::Help => writeln!(out, "{HELP}")?,
            Command::Brief("") => {
                writeln!(out, "What about? For example: /brief election hacking")?
            }
            Command::Brief(topic) => {
                text::write_answer(&answer::ask(library, topic, options), style, out)?
            }
            Command::Quotes { speaker, topic } => {
                let answer = answer::quotes(library, speaker, topic, Some(10));
                text::write_quotes(&answer, style, out)?;
            }
            Command::Said(words) => {
                text::write_said(&answer::said(library, words, SAID), style, out)?
            }
            Command::Related("") => writeln!(
                out,
                "Which brief? Give its id, for example: /related trump-putin-cyber-unit (/briefs lists ids)"
            )?,
            Command::Related(id) => match answer::related(library, id, options) {
                Ok(answer) => text::write_related(&answer, style, out)?,
                Err(error) => writeln!(out, "Sorry: {error}")?,
            },
            Command::Briefs => {
                text::write_list(library.newest_first().into_iter().take(LATEST), out)?
            }
            Command::Follow(topic) => match (follows, followed_topic(library, topic)) {
                (None, _) => writeln!(out, "/follow works in `briefbot chat` only.")?,
                (Some(_), Err(error)) => writeln!(out, "Cannot follow that: {error}.")?,
                (Some(follows), Ok(followed)) => {
                    let what = if followed.topic.is_empty() {
                        "every new brief".to_owned()
                    } else {
                        format!("new briefs on \"{}\"", followed.topic)
                    };
                    follows.follow(followed.topic);
                    writeln!(
                        out,
                        "Following {what}: they are printed here as they arrive in the briefs folder."
                    )?
                }
            },
            Command::Unknown(name) => {
                writeln!(out, "Unknown command /{name}. Type /help for the commands.")?
            }
        }
        if !interactive {
            writeln!(out)?;
        }
        out.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::matcher::tests::brief;

    #[test]
    fn a_followed_topic_prints_each_new_matching_brief_once() {
        let before = Library::new(vec![brief("a", "Storm warning", "Rain.")]);
        let follows = ChatFollows::new(&before);
        let mut out = Vec::new();
        let library = Library::new(vec![
            brief("a", "Storm warning", "Rain."),
            brief("b", "Storms ahead", "Wind."),
            brief("c", "Election day", "Votes."),
        ]);
        run_live(
            || &library,
            &follows,
            AskOptions {
                limit: 3,
                quotes: 3,
                summary_chars: 400,
            },
            "/follow stroms\n".as_bytes(),
            &mut out,
            false,
            false,
        )
        .unwrap();
        let said = String::from_utf8(out).unwrap();
        assert!(
            said.starts_with("Following new briefs on \"storms\""),
            "{said}"
        );
        let put: Vec<BriefId> = ["a", "b", "c"]
            .iter()
            .map(|id| BriefId::parse(id).unwrap())
            .collect();
        assert_eq!(
            follows.arrivals(&library, &put),
            ["New brief for /follow storms: Storms ahead (2020-01-01, b)"]
        );
        assert!(follows.arrivals(&library, &put).is_empty(), "once");
    }

    #[test]
    fn commands_parse_like_the_discord_ones() {
        assert_eq!(
            parse("election hacking"),
            Command::Brief("election hacking")
        );
        assert_eq!(
            parse("/brief topic: cyber unit"),
            Command::Brief("cyber unit")
        );
        assert_eq!(
            parse("/quotes putin"),
            Command::Quotes {
                speaker: "putin",
                topic: None
            }
        );
        assert_eq!(
            parse("/quotes speaker:Rex Tillerson topic: russia"),
            Command::Quotes {
                speaker: "Rex Tillerson",
                topic: Some("russia")
            }
        );
        assert_eq!(parse("/said text: cyber unit"), Command::Said("cyber unit"));
        assert_eq!(parse("/said  alarm code "), Command::Said("alarm code"));
        assert_eq!(
            parse("/related id: cyber-unit"),
            Command::Related("cyber-unit")
        );
        assert_eq!(parse("/more cyber-unit"), Command::Related("cyber-unit"));
        assert_eq!(parse("/QUIT"), Command::Quit);
        assert_eq!(parse("/follow topic: storm"), Command::Follow("storm"));
        assert_eq!(parse("   "), Command::Nothing);
        assert_eq!(parse("/frobnicate x"), Command::Unknown("frobnicate"));
    }
}
