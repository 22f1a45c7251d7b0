#!/usr/bin/env python3
"""scale-wikinews.py SRC OUT N: a corpus of N briefs shaped like Wikinews, for benchmarks.

Copies the briefs of SRC (the Wikinews corpus: real news, dates clustered over 2019-2020)
round after round until there are N, copy k of a brief getting the id suffix `-k` (the id cut to stay within 80 characters) and its
date moved k days later. Unlike corpusgen's dates (uniform over ten years), these are dense
and uneven: many briefs share a day. Deterministic: files are taken in sorted order.
"""
import datetime
import os
import re
import sys

src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out, exist_ok=True)
files = sorted(f for f in os.listdir(src) if f.endswith(".toml") and not f.startswith("_"))
texts = [open(os.path.join(src, f), encoding="utf-8").read() for f in files]
made = 0
k = 0
while made < n:
    for name, text in zip(files, texts):
        if made == n:
            break
        def move(m):
            day = datetime.date.fromisoformat(m.group(2)) + datetime.timedelta(days=k)
            return f"{m.group(1)}{day.isoformat()}"
        copy = re.sub(r'^(published\s*=\s*)(\d{4}-\d{2}-\d{2})', move, text, count=1, flags=re.M)
        copy = re.sub(r'^(id\s*=\s*")([^"]+)"', lambda m: f'{m.group(1)}{m.group(2)[:80 - len(f"-{k}")]}-{k}"', copy, count=1, flags=re.M)
        with open(os.path.join(out, f"{name[:-5]}-{k}.toml"), "w", encoding="utf-8") as f:
            f.write(copy)
        made += 1
    k += 1
