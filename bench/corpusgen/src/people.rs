//! The people quoted in the corpus: generated first + last names, with roles.

use std::collections::HashSet;

use rand::RngExt;
use rand_pcg::Pcg64;

use crate::vocabulary::{Ranked, Vocabulary};

/// How many distinct surnames people share, per 20 people: some surnames belong to two or
/// more people, as "Johnson" does in the news, so that a surname alone is sometimes ambiguous
/// (1,700 surnames for 2,000 people).
const SURNAMES_PER_20: usize = 17;

/// Given names, a mix of the countries news comes from.
const FIRST_NAMES: &[&str] = &[
    "Aaron",
    "Abdul",
    "Adam",
    "Adriana",
    "Ahmed",
    "Aisha",
    "Akira",
    "Alan",
    "Alexei",
    "Alice",
    "Amara",
    "Amy",
    "Ana",
    "Andrea",
    "Andrew",
    "Angela",
    "Anna",
    "Anthony",
    "Antonio",
    "Arjun",
    "Barbara",
    "Ben",
    "Bernard",
    "Boris",
    "Brian",
    "Carlos",
    "Carmen",
    "Catherine",
    "Chen",
    "Chris",
    "Claire",
    "Daniel",
    "David",
    "Deborah",
    "Diego",
    "Dmitry",
    "Elena",
    "Elizabeth",
    "Emily",
    "Emma",
    "Eric",
    "Fatima",
    "Felipe",
    "Fiona",
    "Francis",
    "Gabriel",
    "George",
    "Grace",
    "Hannah",
    "Hans",
    "Hassan",
    "Helen",
    "Hiroshi",
    "Ibrahim",
    "Igor",
    "Ingrid",
    "Isabel",
    "Ivan",
    "Jacob",
    "James",
    "Jane",
    "Javier",
    "Jean",
    "Jennifer",
    "Jessica",
    "Joan",
    "John",
    "Jonathan",
    "Jorge",
    "Joseph",
    "Julia",
    "Karen",
    "Karim",
    "Kate",
    "Kenji",
    "Kevin",
    "Lars",
    "Laura",
    "Leila",
    "Li",
    "Linda",
    "Lucas",
    "Luis",
    "Maria",
    "Mark",
    "Martin",
    "Mary",
    "Mei",
    "Michael",
    "Miguel",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Natalia",
    "Nicholas",
    "Nina",
    "Olga",
    "Omar",
    "Pablo",
    "Patricia",
    "Paul",
    "Pedro",
    "Peter",
    "Priya",
    "Rachel",
    "Rahul",
    "Rebecca",
    "Richard",
    "Robert",
    "Rosa",
    "Samuel",
    "Sarah",
    "Sergei",
    "Sofia",
    "Stephen",
    "Susan",
    "Tariq",
    "Thomas",
    "Tom",
    "Valentina",
    "Victor",
    "Viktor",
    "William",
    "Yuki",
    "Yusuf",
    "Zainab",
];

/// Kinds of organisation a role can name.
const BODIES: &[&str] = &[
    "Corp",
    "Group",
    "Bank",
    "Institute",
    "University",
    "Foundation",
    "Agency",
    "Party",
    "Union",
    "Council",
    "Holdings",
    "Partners",
];

/// One person quoted in the corpus.
pub struct Speaker {
    pub first: String,
    pub last: String,
    /// The role the briefs give them, when they give one.
    pub role: String,
}

impl Speaker {
    /// First and last name.
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

/// Generates `count` people with distinct full names.
pub fn speakers(vocabulary: &Vocabulary, count: usize, rng: &mut Pcg64) -> Vec<Speaker> {
    let surnames: Vec<&String> = vocabulary
        .proper
        .iter()
        .filter(|w| (4..=12).contains(&w.len()))
        .take(count * SURNAMES_PER_20 / 20)
        .collect();
    let topics = Ranked::new(vocabulary.content_len().min(5_000), 0.8);
    let mut names = HashSet::new();
    let mut people = Vec::with_capacity(count);
    while people.len() < count {
        let last = if people.len() < surnames.len() {
            surnames[people.len()].clone()
        } else {
            surnames[rng.random_range(0..surnames.len())].clone()
        };
        let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())].to_owned();
        if !names.insert(format!("{first} {last}")) {
            continue;
        }
        let role = role(vocabulary, &topics, rng);
        people.push(Speaker { first, last, role });
    }
    people
}

fn role(vocabulary: &Vocabulary, topics: &Ranked, rng: &mut Pcg64) -> String {
    let place = vocabulary.proper_noun(rng).to_owned();
    let topic = capitalise(vocabulary.content_word(topics, rng));
    let body = BODIES[rng.random_range(0..BODIES.len())];
    match rng.random_range(0..14) {
        0 => format!("{place} President"),
        1 => format!("Prime Minister of {place}"),
        2 => format!("Minister of {topic}"),
        3 => format!("Secretary of {topic}"),
        4 => format!("Senator for {place}"),
        5 => format!("Governor of {place}"),
        6 => format!("Mayor of {place}"),
        7 => format!("Chief executive of {place} {body}"),
        8 => format!("Professor of {topic} at {place} University"),
        9 => format!("Spokesperson for the {place} {body}"),
        10 => format!("Analyst at {place} {body}"),
        11 => format!("Member of Parliament for {place}"),
        12 => format!("Head of {topic} at the {place} {body}"),
        _ => "Union leader".to_owned(),
    }
}

/// The word with its first letter in upper case.
pub fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
