#!/usr/bin/env python3
"""Builds the fuzz targets' seed corpus from real brief files.

    python3 fuzz/seeds.py briefs /work/shared/corpus/wikinews

writes fuzz/corpus/<target>/ for brief_parser, query, answer and speakers: the brief files
themselves, and questions and speakers' names made from the briefs' own words (titles, tags,
quoted phrases from summaries, names as people type them), with the briefs they come from,
in the input format of fuzz/src/lib.rs. Seeds hold the briefs' text: fuzz/corpus/ is not
committed (fuzz/.gitignore).
"""

import random
import sys
import tomllib
from pathlib import Path

BRIEF = b"\xff"
ABOUT = b"\xfe"
OUT = Path(__file__).resolve().parent / "corpus"


def briefs_in(paths):
    for path in paths:
        path = Path(path)
        files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
        for file in files:
            if file.name.startswith(("_", ".")):
                continue
            raw = file.read_bytes()
            try:
                yield raw, tomllib.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError):
                yield raw, None


def questions(brief, rng):
    """Questions that really match the brief: its title, a tag, a phrase of its summary."""
    out = [brief["title"]]
    out += brief.get("tags", [])[:2]
    words = brief["summary"].split()
    if len(words) > 4:
        at = rng.randrange(len(words) - 3)
        out.append('"' + " ".join(words[at : at + rng.randint(2, 4)]) + '"')
        out.append(" ".join(rng.sample(words, 3)))
    return out


def names(brief, rng):
    """Speakers' names as people type them: whole, surname, lower case, with a typo."""
    out = []
    for quote in brief.get("quotes", [])[:3]:
        name = quote["speaker"]
        out.append(name)
        last = name.split()[-1]
        out.append(last.lower())
        if len(last) > 5:
            at = rng.randrange(len(last) - 1)
            out.append(last[:at] + last[at + 1 :])
    return out


def write(target, number, data):
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"seed-{number:05}").write_bytes(data)


def main(paths):
    rng = random.Random(13)
    briefs = list(briefs_in(paths))
    parsed = [(raw, b) for raw, b in briefs if b]
    counts = dict.fromkeys(["brief_parser", "query", "answer", "speakers"], 0)

    def seed(target, data):
        write(target, counts[target], data)
        counts[target] += 1

    for raw, _ in briefs:
        seed("brief_parser", raw)
    for i, (raw, brief) in enumerate(parsed):
        others = [r for r, _ in rng.sample(parsed, min(3, len(parsed)))]
        library = BRIEF + BRIEF.join([raw] + others)
        control = bytes([rng.randrange(256), rng.randrange(256)])
        for question in questions(brief, rng):
            text = question.encode("utf-8")
            seed("query", text)
            seed("answer", control + text + library)
        for name in names(brief, rng):
            topic = rng.choice(questions(brief, rng)).encode("utf-8")
            seed("speakers", control + name.encode("utf-8") + library)
            seed("speakers", control + name.encode("utf-8") + ABOUT + topic + library)
    for target, count in counts.items():
        print(f"{target}: {count} seeds in {OUT / target}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
