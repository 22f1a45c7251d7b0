//! The languages briefs are written in, and what differs between them: the commonest words
//! (which take the top Zipf ranks), which letters make a word, whether nouns are capitalised,
//! the word for "said", where a quote was said, how a query may inflect a word, and French
//! elision ("l'avion", not "le avion").
//!
//! Everything else is shared: the names of people and places (a German brief quotes the same
//! people, in the same places, as an English one), outlets and roles.

/// A language of the generated text.
pub struct Language {
    /// ISO 639-1 code, as the brief format's `language` key takes it.
    pub code: &'static str,
    /// Its name in English, for messages.
    pub name: &'static str,
    /// The Debian package whose word list is the default, for the error when it is missing.
    pub package: &'static str,
    /// The most frequent words, most frequent first.
    pub common: &'static [&'static str],
    /// Only ASCII letters make a word (English, whose list's few accented loan words are
    /// left out); otherwise any alphabetic character does.
    pub ascii_only: bool,
    /// Capitalised entries of the word list are ordinary words (German nouns), not names.
    pub nouns_capitalised: bool,
    /// What follows a speaker's name in "Alice Smith said ...".
    pub said: &'static str,
    /// Where a quote was said, before a place: "In an interview with Paris".
    pub contexts: &'static [&'static str],
    /// Endings a query adds to a word to ask for another form of it ("Regierung" ->
    /// "Regierungen"); English has spelling rules of its own instead (`queries.rs`).
    pub endings: &'static [&'static str],
    /// `le`, `la`, `de`... lose their vowel before a word starting with a vowel.
    pub elides: bool,
}

impl Language {
    /// Whether `c` may be part of a word of this language.
    pub fn is_letter(&self, c: char) -> bool {
        if self.ascii_only {
            c.is_ascii_alphabetic()
        } else {
            c.is_alphabetic()
        }
    }

    /// How many words the speaker's name and "said" take in a sentence.
    pub fn mention_words(&self) -> usize {
        2 + self.said.split(' ').count()
    }
}

/// English, the language of the `news`, `short` and `long` shapes.
pub const ENGLISH: Language = Language {
    code: "en",
    name: "English",
    package: "wamerican",
    common: ENGLISH_COMMON,
    ascii_only: true,
    nouns_capitalised: false,
    said: "said",
    contexts: &[
        "In an interview with",
        "At a press conference in",
        "Speaking to reporters in",
        "In a statement to",
        "On a visit to",
        "At a rally in",
    ],
    endings: &[],
    elides: false,
};

/// German.
pub const GERMAN: Language = Language {
    code: "de",
    name: "German",
    package: "wngerman",
    common: GERMAN_COMMON,
    ascii_only: false,
    nouns_capitalised: true,
    said: "sagte",
    contexts: &[
        "In einem Interview mit",
        "Auf einer Pressekonferenz in",
        "Vor Journalisten in",
        "In einer Erklärung gegenüber",
        "Bei einem Besuch in",
        "Auf einer Kundgebung in",
    ],
    endings: &[
        "e", "en", "er", "ern", "es", "n", "s", "st", "t", "te", "ten",
    ],
    elides: false,
};

/// French.
pub const FRENCH: Language = Language {
    code: "fr",
    name: "French",
    package: "wfrench",
    common: FRENCH_COMMON,
    ascii_only: false,
    nouns_capitalised: false,
    said: "a déclaré",
    contexts: &[
        "Dans un entretien avec",
        "Lors d'une conférence de presse à",
        "Devant des journalistes à",
        "Dans une déclaration à",
        "Lors d'une visite à",
        "Lors d'un meeting à",
    ],
    endings: &[
        "s", "e", "es", "x", "r", "er", "nt", "ent", "ée", "és", "ées", "ait", "ons", "ez",
    ],
    elides: true,
};

/// French elision: "le avion" is written "l'avion", "de Alger" "d'Alger", "que il" "qu'il".
/// Words followed by a comma or a full stop are left alone, and so is `h` (elided only
/// before a mute h, which a word list does not tell).
pub fn elide(text: &str) -> String {
    const ELIDED: &[&str] = &["le", "la", "de", "que", "ne", "se", "je", "me", "te"];
    let mut out = String::with_capacity(text.len());
    let mut words = text.split(' ').peekable();
    while let Some(word) = words.next() {
        out.push_str(word);
        let Some(next) = words.peek() else { break };
        let before_vowel = next
            .chars()
            .next()
            .is_some_and(|c| "aeiouéèêëàâîïôûAEIOUÉÈÊÀÂÎÔÛ".contains(c));
        if before_vowel && ELIDED.contains(&word.to_lowercase().as_str()) {
            out.pop();
            out.push('\'');
        } else {
            out.push(' ');
        }
    }
    out
}

/// `text` in ASCII, accents taken off ("Über" -> "Uber", "Straße" -> "Strasse", "œuvre" ->
/// "oeuvre"); other non-ASCII characters are dropped. ASCII text is returned unchanged.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        let folded = match lower {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'æ' => "ae",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'œ' => "oe",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            _ => "",
        };
        if c.is_uppercase() {
            let mut chars = folded.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(folded);
        }
    }
    out
}

/// The most frequent words of English news prose, most frequent first: they take the top
/// Zipf ranks, so function words make up most of the text as they do in real prose.
const ENGLISH_COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "for",
    "on",
    "it",
    "said",
    "was",
    "with",
    "he",
    "as",
    "at",
    "by",
    "his",
    "be",
    "from",
    "have",
    "has",
    "are",
    "but",
    "not",
    "they",
    "this",
    "an",
    "were",
    "had",
    "who",
    "their",
    "will",
    "which",
    "been",
    "would",
    "its",
    "she",
    "after",
    "there",
    "we",
    "more",
    "new",
    "also",
    "one",
    "about",
    "than",
    "can",
    "other",
    "when",
    "her",
    "up",
    "all",
    "out",
    "two",
    "could",
    "into",
    "some",
    "last",
    "year",
    "over",
    "first",
    "people",
    "government",
    "years",
    "only",
    "time",
    "president",
    "state",
    "officials",
    "minister",
    "week",
    "country",
    "public",
    "may",
    "should",
    "what",
    "our",
    "told",
    "them",
    "against",
    "i",
    "you",
    "while",
    "no",
    "so",
    "if",
    "before",
    "during",
    "because",
    "three",
    "most",
    "police",
    "under",
    "between",
    "city",
    "many",
    "national",
    "former",
    "party",
    "election",
    "since",
    "those",
    "any",
    "just",
    "how",
    "now",
    "where",
    "him",
    "do",
    "did",
    "being",
    "percent",
    "million",
    "report",
    "security",
    "court",
    "house",
    "group",
    "company",
    "military",
    "support",
    "plan",
    "statement",
    "according",
    "world",
    "month",
    "day",
    "days",
    "law",
    "health",
    "economy",
    "vote",
    "leader",
    "talks",
    "deal",
    "foreign",
    "power",
    "director",
    "spokesman",
    "council",
];

/// The most frequent words of German news prose, most frequent first, nouns capitalised as
/// German writes them.
const GERMAN_COMMON: &[&str] = &[
    "der",
    "die",
    "und",
    "in",
    "den",
    "von",
    "zu",
    "das",
    "mit",
    "sich",
    "des",
    "auf",
    "für",
    "ist",
    "im",
    "dem",
    "nicht",
    "ein",
    "eine",
    "als",
    "auch",
    "es",
    "an",
    "werden",
    "aus",
    "er",
    "hat",
    "dass",
    "sie",
    "nach",
    "wird",
    "bei",
    "einer",
    "um",
    "am",
    "sind",
    "noch",
    "wie",
    "einem",
    "über",
    "einen",
    "so",
    "zum",
    "war",
    "haben",
    "nur",
    "oder",
    "aber",
    "vor",
    "zur",
    "bis",
    "mehr",
    "durch",
    "man",
    "sein",
    "wurde",
    "sei",
    "Prozent",
    "hatte",
    "kann",
    "gegen",
    "vom",
    "können",
    "schon",
    "wenn",
    "habe",
    "seine",
    "Millionen",
    "ihre",
    "dann",
    "unter",
    "wir",
    "soll",
    "ich",
    "eines",
    "Jahr",
    "zwei",
    "Jahren",
    "diese",
    "dieser",
    "wieder",
    "keine",
    "Uhr",
    "seiner",
    "worden",
    "will",
    "zwischen",
    "immer",
    "was",
    "sagte",
    "Euro",
    "gibt",
    "alle",
    "sollen",
    "Regierung",
    "nun",
    "jetzt",
    "ihr",
    "seit",
    "Menschen",
    "damit",
    "Polizei",
    "Präsident",
    "ersten",
    "neue",
    "Stadt",
    "viele",
    "sehr",
    "weil",
    "bereits",
    "heute",
    "waren",
    "müssen",
    "drei",
    "Land",
    "Deutschland",
    "hier",
    "hatten",
    "Ende",
    "ihrer",
    "wurden",
    "beim",
    "Zeit",
    "ihren",
    "doch",
    "sowie",
    "etwa",
    "wo",
    "ob",
    "uns",
    "ganz",
    "Partei",
    "Minister",
    "Woche",
    "Kritik",
    "Frage",
    "Teil",
    "Sprecher",
    "letzten",
    "mehrere",
    "neuen",
    "Unternehmen",
    "Bundesregierung",
    "Angaben",
    "laut",
    "Wahl",
    "Gesetz",
    "Gericht",
    "Sicherheit",
];

/// The most frequent words of French news prose, most frequent first. `le`, `la`, `de`...
/// lose their vowel before a vowel when written (see [`elide`]).
const FRENCH_COMMON: &[&str] = &[
    "de",
    "la",
    "le",
    "et",
    "les",
    "des",
    "en",
    "un",
    "du",
    "une",
    "à",
    "est",
    "pour",
    "que",
    "qui",
    "dans",
    "a",
    "par",
    "au",
    "il",
    "sur",
    "pas",
    "plus",
    "ne",
    "ce",
    "se",
    "avec",
    "sont",
    "ont",
    "son",
    "été",
    "aux",
    "elle",
    "ou",
    "mais",
    "sa",
    "ses",
    "comme",
    "on",
    "leur",
    "nous",
    "y",
    "cette",
    "être",
    "fait",
    "ans",
    "deux",
    "selon",
    "président",
    "avait",
    "tout",
    "gouvernement",
    "pays",
    "après",
    "aussi",
    "entre",
    "contre",
    "ministre",
    "depuis",
    "leurs",
    "lors",
    "premier",
    "année",
    "millions",
    "police",
    "ville",
    "encore",
    "déjà",
    "sans",
    "sous",
    "très",
    "bien",
    "peut",
    "doit",
    "était",
    "sera",
    "ils",
    "je",
    "lui",
    "dont",
    "où",
    "quand",
    "si",
    "avoir",
    "faire",
    "dit",
    "déclaré",
    "semaine",
    "mois",
    "jour",
    "heures",
    "partie",
    "groupe",
    "politique",
    "national",
    "nationale",
    "public",
    "sécurité",
    "loi",
    "justice",
    "tribunal",
    "élection",
    "parti",
    "conseil",
    "directeur",
    "accord",
    "économie",
    "santé",
    "monde",
    "guerre",
    "pouvoir",
    "chef",
    "trois",
    "moins",
    "avant",
    "pendant",
    "chez",
    "fois",
    "autres",
    "autre",
    "même",
    "tous",
    "toutes",
    "ainsi",
    "alors",
    "car",
    "donc",
    "hier",
    "dernier",
    "dernière",
    "nouveau",
    "nouvelle",
    "grand",
    "grande",
    "première",
    "milliards",
    "euros",
    "cent",
    "État",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_are_distinct_words_of_their_language() {
        for language in [&ENGLISH, &GERMAN, &FRENCH] {
            let mut seen = std::collections::HashSet::new();
            for word in language.common {
                assert!(seen.insert(word), "{} twice in {}", word, language.code);
                assert!(word.chars().all(|c| language.is_letter(c)), "{word}");
            }
        }
    }

    #[test]
    fn french_elides_before_vowels_only() {
        assert_eq!(
            elide("Le avion de Alger que il a vu le homme de 2019"),
            "L'avion d'Alger qu'il a vu le homme de 2019"
        );
        assert_eq!(elide("de, avion. la école"), "de, avion. l'école");
    }

    #[test]
    fn folding_takes_accents_off() {
        assert_eq!(fold("Über Straße"), "Uber Strasse");
        assert_eq!(fold("l'État œuvre"), "l'Etat oeuvre");
        assert_eq!(fold("plain ascii: 42"), "plain ascii: 42");
    }
}
