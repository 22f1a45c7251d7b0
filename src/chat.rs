//! `briefbot chat`: a local console speaking the same commands as the Discord bot, answered
//! as terminal text. It is the no-token way to try the bot, from a terminal or piped stdin.

use std::io::{self, BufRead, Write};

use crate::answer::{self, AskOptions};
use crate::library::Library;
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
  /briefs                        the latest briefs
  /help                          this help
  /quit                          leave (or Ctrl-D)
Examples:
  /brief election hacking
  /quotes putin
  /quotes Rex Tillerson topic: russia
  /said putin pressed twice";

/// One console command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command<'a> {
    Brief(&'a str),
    Quotes {
        speaker: &'a str,
        topic: Option<&'a str>,
    },
    Said(&'a str),
    Briefs,
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
        "briefs" | "latest" => Command::Briefs,
        "help" | "?" => Command::Help,
        "quit" | "exit" | "q" => Command::Quit,
        _ => Command::Unknown(name),
    }
}

/// Answers commands from `input` until it ends or says `/quit`.
pub fn run(
    library: &Library,
    options: AskOptions,
    mut input: impl BufRead,
    out: &mut impl Write,
    bold: bool,
    interactive: bool,
) -> io::Result<()> {
    if interactive {
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
            Command::Briefs => {
                text::write_list(library.newest_first().into_iter().take(LATEST), out)?
            }
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
        assert_eq!(parse("/QUIT"), Command::Quit);
        assert_eq!(parse("   "), Command::Nothing);
        assert_eq!(parse("/frobnicate x"), Command::Unknown("frobnicate"));
    }
}
