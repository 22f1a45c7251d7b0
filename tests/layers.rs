//! The layer rules of src/lib.rs, enforced: arrows point one way (faces -> answer -> library ->
//! speakers -> brief/config -> the engine), only the Discord face touches serenity or poise, only
//! the command line touches clap, and the engine crate depends on none of the product's world.
//!
//! The check reads the sources as text: every `crate::module` path (also inside
//! `use crate::{a, b}` groups) in a file of src/ is an edge from that file's module, comments
//! left out. It is a plain scan rather than a parser on purpose: no macro or cfg can hide a
//! path from it, and what it reports names the file and the edge.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The modules of src/, bottom layer first. A module may use its own submodules and modules of
/// lower layers, nothing else. A new module fails the test until it is placed here.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "engine (the briefbot-search crate)",
        &["search", "language"],
    ),
    ("compressed text", &["prose"]),
    ("brief", &["brief"]),
    (
        "config, speakers and facets",
        &["config", "speakers", "facets"],
    ),
    ("store (the database)", &["store"]),
    ("library snapshot", &["library"]),
    ("intake", &["intake"]),
    ("watch", &["watch"]),
    ("answer", &["answer"]),
    ("deliver", &["deliver"]),
    ("terminal rendering", &["text"]),
    ("faces", &["chat", "discord"]),
    ("command line", &["cli"]),
];

/// Edges the layers alone would allow but the design does not, with the reason.
const FORBIDDEN: &[(&str, &str, &str)] = &[(
    "discord",
    "text",
    "terminal rendering; each face renders the answer its own way",
)];

/// External crates only some places of src/ may name: (crate, the places, why).
const CONFINED: &[(&str, &[&str], &str)] = &[
    (
        "serenity",
        &["src/discord/"],
        "all Discord types live in src/discord",
    ),
    (
        "poise",
        &["src/discord/"],
        "all Discord types live in src/discord",
    ),
    (
        "clap",
        &["src/cli.rs", "src/main.rs"],
        "argument parsing is the command line's",
    ),
];

/// What the engine crate must not depend on: it knows nothing of briefs, Discord, tokio or the
/// terminal.
const ENGINE_MUST_NOT_DEPEND_ON: &[&str] = &["briefbot", "tokio", "serenity", "poise", "clap"];

#[test]
fn modules_use_only_lower_layers() {
    let problems: Vec<String> = sources()
        .iter()
        .flat_map(|(path, text)| layer_problems(path, text))
        .collect();
    assert!(
        problems.is_empty(),
        "layer rules broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn discord_and_clap_types_stay_in_their_faces() {
    let problems: Vec<String> = sources()
        .iter()
        .flat_map(|(path, text)| confinement_problems(path, text))
        .collect();
    assert!(
        problems.is_empty(),
        "layer rules broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_engine_depends_on_nothing_of_the_product() {
    let manifest = root().join("crates/briefbot-search/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("the engine's Cargo.toml is readable");
    let table: toml::Table = text.parse().expect("the engine's Cargo.toml is TOML");
    let mut problems = Vec::new();
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(deps) = table.get(section).and_then(toml::Value::as_table) else {
            continue;
        };
        for name in deps.keys() {
            if ENGINE_MUST_NOT_DEPEND_ON.contains(&name.as_str()) {
                problems.push(format!(
                    "crates/briefbot-search/Cargo.toml: [{section}] names `{name}`; the engine \
                     knows nothing of briefs, Discord, tokio or the terminal"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layer rules broken:\n{}",
        problems.join("\n")
    );
}

// The checks themselves must be able to fail: each is shown a source that breaks its rule.

#[test]
fn an_upward_import_is_reported_with_file_and_edge() {
    let problems = layer_problems("src/config.rs", "use crate::intake::MAX;\nfn f() {}\n");
    assert_eq!(
        problems,
        [
            "src/config.rs: `config` (layer config, speakers and facets) uses `intake` (layer intake), \
          which is above it"
        ]
    );
}

#[test]
fn grouped_and_multi_line_imports_are_seen() {
    let source = "use crate::{\n    brief::Brief,\n    answer::{self, Answer},\n};\n";
    let problems = layer_problems("src/library.rs", source);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("uses `answer`"), "{problems:?}");
}

#[test]
fn same_layer_forbidden_and_unknown_edges_are_reported() {
    assert_eq!(
        layer_problems("src/chat.rs", "crate::discord::run();").len(),
        1
    );
    assert_eq!(
        layer_problems("src/discord/embed.rs", "use crate::text::Style;").len(),
        1
    );
    let unknown = layer_problems("src/unplaced/mod.rs", "use crate::brief::Brief;");
    assert!(
        unknown[0].contains("`unplaced` is not placed in LAYERS"),
        "{unknown:?}"
    );
}

#[test]
fn comments_submodules_and_lower_layers_pass() {
    let source = "//! See [`crate::cli`].\nuse crate::brief::Brief; // not crate::answer\n\
                  use crate::answer::x;\nlet s = \"crate::\";\n";
    assert_eq!(
        layer_problems("src/answer/notes.rs", source),
        Vec::<String>::new()
    );
    assert_eq!(
        layer_problems("src/lib.rs", "pub mod cli;"),
        Vec::<String>::new()
    );
}

#[test]
fn confined_crates_are_reported_outside_their_places() {
    assert_eq!(
        confinement_problems("src/answer.rs", "use poise::serenity_prelude as serenity;"),
        [
            "src/answer.rs: names `poise`, which only src/discord/ may: all Discord types live in \
          src/discord"
        ]
    );
    assert_eq!(
        confinement_problems("src/watch.rs", "#[derive(clap::Parser)]").len(),
        1
    );
    assert!(confinement_problems("src/discord/mod.rs", "use poise::Command;").is_empty());
    assert!(confinement_problems("src/brief.rs", "// serenity::Embed is not ours").is_empty());
}

/// The root of the package.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under src/, as (`src/…` with `/` separators, text), in path order.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).expect("src/ is readable");
        for entry in entries {
            let path = entry.expect("src/ is readable").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                out.push(path);
            }
        }
    }
    let root = root();
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    files.sort();
    assert!(files.len() > 10, "src/ should hold the crate's modules");
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a source file is readable");
            let relative = path.strip_prefix(&root).expect("under the root");
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (name, text)
        })
        .collect()
}

/// The module a file of src/ belongs to (`src/discord/admin.rs` -> `discord`); `None` for the
/// crate root and the binary, which only declare modules and call the command line.
fn module_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("src/")?;
    let first = rest.split('/').next()?;
    let module = first.strip_suffix(".rs").unwrap_or(first);
    (module != "lib" && module != "main").then_some(module)
}

/// The layer a module is placed in, as (position, name).
fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    LAYERS
        .iter()
        .enumerate()
        .find(|(_, (_, modules))| modules.contains(&module))
        .map(|(i, (name, _))| (i, *name))
}

/// What breaks the layer rules in one file of src/.
fn layer_problems(path: &str, text: &str) -> Vec<String> {
    let Some(module) = module_of(path) else {
        return Vec::new();
    };
    let Some((from_layer, from_name)) = layer_of(module) else {
        return vec![format!(
            "{path}: module `{module}` is not placed in LAYERS (tests/layers.rs); place it \
             in its layer"
        )];
    };
    let mut problems = Vec::new();
    for target in crate_paths(&code_of(text)) {
        if target == module {
            continue;
        }
        let Some((to_layer, to_name)) = layer_of(&target) else {
            problems.push(format!(
                "{path}: `{module}` uses `crate::{target}`, which is not a module placed in \
                 LAYERS (tests/layers.rs)"
            ));
            continue;
        };
        if to_layer > from_layer {
            problems.push(format!(
                "{path}: `{module}` (layer {from_name}) uses `{target}` (layer {to_name}), \
                 which is above it"
            ));
        } else if to_layer == from_layer {
            problems.push(format!(
                "{path}: `{module}` uses `{target}`, of its own layer ({from_name}); \
                 modules of one layer stay apart"
            ));
        } else if let Some((_, _, why)) = FORBIDDEN
            .iter()
            .find(|(from, to, _)| *from == module && *to == target)
        {
            problems.push(format!("{path}: `{module}` uses `{target}`: {why}"));
        }
    }
    problems
}

/// What names a confined crate outside its places in one file of src/.
fn confinement_problems(path: &str, text: &str) -> Vec<String> {
    let code = code_of(text);
    CONFINED
        .iter()
        .filter(|(_, places, _)| !places.iter().any(|place| path.starts_with(place)))
        .filter(|(krate, _, _)| names_path_root(&code, krate))
        .map(|(krate, places, why)| {
            format!(
                "{path}: names `{krate}`, which only {} may: {why}",
                places.join(" and ")
            )
        })
        .collect()
}

/// The text of the code: line comments (and doc comments) removed, and string literals blanked
/// line by line, so that neither counts as a use. (A string spanning lines is read as code
/// after its first line: a false alarm at worst, never a use hidden.)
fn code_of(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut previous = ' ';
        for c in line.chars() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
                code.push(' ');
                continue;
            }
            if c == '/' && previous == '/' {
                code.pop();
                break;
            }
            // `'"'` and `'\"'` are characters, not the start of a string.
            if c == '"' && previous != '\'' && previous != '\\' {
                in_string = true;
            }
            code.push(c);
            previous = c;
        }
        code.push('\n');
    }
    code
}

/// Whether `name::` appears in the code as the start of a path.
fn names_path_root(code: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    code.match_indices(&needle)
        .any(|(at, _)| !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// The modules named right after `crate::` in the code, including each item of a
/// `crate::{…}` group.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, needle) in code.match_indices("crate::") {
        let before = &code[..at];
        if before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = code[at + needle.len()..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            for item in top_level_items(group) {
                let name = leading_identifier(item);
                if !name.is_empty() && name != "self" {
                    found.insert(name.to_string());
                }
            }
        } else {
            let name = leading_identifier(rest);
            if !name.is_empty() {
                found.insert(name.to_string());
            }
        }
    }
    found
}

/// The comma-separated items of a `{…}` group whose opening brace is already consumed.
fn top_level_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

/// The identifier a path segment starts with, after white space.
fn leading_identifier(text: &str) -> &str {
    let text = text.trim_start();
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}
