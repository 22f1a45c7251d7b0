#!/usr/bin/env python3
"""wikinews-queries.py CORPUS COUNT SEED: COUNT queries drawn from the Wikinews briefs' own
words, one a line, for benchmarking on real text (see bench/compare.sh, SHAPE=wikinews).

Deterministic for a corpus and seed. The mix follows corpusgen's (bench/README.md): 1-4
words (35%, 35%, 20%, 10%), each a content word of a title or summary (drawn by how often it
occurs, so common words come up often), a word drawn uniformly from the distinct words
(mostly rare), or a quoted speaker's surname; 4% of queries are a quoted two- or three-word
phrase from a title. Nothing is printed but the queries: the corpus text stays where it is.
"""
import os
import random
import re
import sys
import tomllib

corpus, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
STOP = set("the and for that with from this have has was were are said will not but its "
           "his her their they been who which after about into over more than also".split())

running, titles, surnames = [], [], []
for name in sorted(os.listdir(corpus)):
    if not name.endswith(".toml") or name.startswith("_"):
        continue
    with open(os.path.join(corpus, name), "rb") as f:
        brief = tomllib.load(f)
    titles.append(brief["title"])
    for text in (brief["title"], brief.get("summary", "")):
        running.extend(w for w in WORD.findall(text) if w.lower() not in STOP)
    for quote in brief.get("quotes", []):
        parts = quote.get("speaker", "").split()
        if parts:
            surnames.append(parts[-1])
if not running:
    sys.exit(f"wikinews-queries.py: no briefs in {corpus}")
distinct = sorted(set(w.lower() for w in running))


def word():
    roll = rng.random()
    if roll < 0.70:
        return rng.choice(running).lower()
    if roll < 0.88 or not surnames:
        return rng.choice(distinct)
    return rng.choice(surnames)


for _ in range(count):
    if rng.random() < 0.04:
        words = WORD.findall(rng.choice(titles))
        if len(words) >= 2:
            n = min(len(words), rng.choice((2, 3)))
            start = rng.randrange(len(words) - n + 1)
            print('"' + " ".join(words[start:start + n]).lower() + '"')
            continue
    n = rng.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
    print(" ".join(word() for _ in range(n)))
