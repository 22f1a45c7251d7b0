#!/usr/bin/env python3
"""Summarises a bench/compare.sh run: medians over rounds, ratios briefbot/tantivy against the
issue's targets, absolute figures, and how often the two engines agree on the answers.

Usage: python3 bench/summarize.py OUT_DIR   (the folder compare.sh wrote runs.tsv into)
"""

import csv
import json
import statistics
import sys
from pathlib import Path

# (figure, how it is measured, {size: target ratio}).
FIGURES = [
    ("whole `ask --batch` process, wall", "batch wall_s", {10000: 0.5, 100000: 0.35}),
    # Issue 18 sets no load target at 10k; the old 0.5 is kept as a guide.
    ("load + index, wall", "empty wall_s", {10000: 0.5, 100000: 0.35}),
    ("per-query p99", "p99_us", {10000: 0.5, 100000: 0.5}),
    # Issue 18: half tantivy's memory (it was 0.75 in the first performance issue).
    ("peak RSS", "batch rss_kb", {10000: 0.5, 100000: 0.5}),
]


def load(out):
    rows = list(csv.DictReader(open(out / "runs.tsv"), delimiter="\t"))
    return rows


def median(rows, size, engine, kind, column):
    values = [
        float(r[column])
        for r in rows
        if int(r["size"]) == size and r["engine"] == engine and r["kind"] == kind and r[column]
    ]
    return (statistics.median(values), len(values)) if values else (None, 0)


def figure_values(rows, size, measure):
    """briefbot's and tantivy's medians for one figure at one size."""
    if measure == "p99_us":
        bb = median(rows, size, "briefbot", "timer", "p99_us")
        tv = median(rows, size, "tantivy", "batch", "p99_us")
    else:
        kind, column = measure.split()
        bb = median(rows, size, "briefbot", kind, column)
        tv = median(rows, size, "tantivy", kind, column)
    return bb[0], tv[0], min(bb[1], tv[1])


def unit(measure, value):
    if value is None:
        return "n/a"
    if measure.endswith("wall_s"):
        return f"{value:.2f} s"
    if measure == "p99_us":
        return f"{value / 1000:.2f} ms" if value >= 1000 else f"{value:.0f} µs"
    return f"{value / 1024:.0f} MiB"


def agreement(out, size):
    bb_path = out / f"answers-{size}-briefbot.jsonl"
    tv_path = out / f"answers-{size}-tantivy.jsonl"
    if not bb_path.exists() or not tv_path.exists():
        return None
    bb = [json.loads(line) for line in open(bb_path)]
    tv = [json.loads(line) for line in open(tv_path)]
    both = top1 = both_empty = overlap = 0
    for a, b in zip(bb, tv):
        a_ids = [r["id"] for r in a["results"]]
        b_ids = b["ids"]
        if not a_ids and not b_ids:
            both_empty += 1
            continue
        if a_ids and b_ids:
            both += 1
            top1 += a_ids[0] == b_ids[0]
            overlap += len(set(a_ids) & set(b_ids)) / max(len(a_ids), len(b_ids))
    return {
        "queries": len(bb),
        "both_answered": both,
        "top1_agree": top1,
        "both_empty": both_empty,
        "mean_top3_overlap": overlap / both if both else 0.0,
    }


def main():
    out = Path(sys.argv[1])
    rows = load(out)
    sizes = sorted({int(r["size"]) for r in rows})
    print(f"## briefbot / tantivy ({out.name})\n")
    machine = out / "machine.txt"
    if machine.exists():
        print("```\n" + machine.read_text().strip() + "\n```\n")

    header = "| figure | " + " | ".join(f"{s // 1000}k briefs: ratio (target) | met?" for s in sizes)
    print(header + " |")
    print("|---|" + "---|---|" * len(sizes))
    for name, measure, targets in FIGURES:
        cells = []
        for size in sizes:
            bb, tv, rounds = figure_values(rows, size, measure)
            target = targets.get(size)
            if bb is None or tv is None or not tv:
                cells += ["n/a", ""]
                continue
            ratio = bb / tv
            met = "yes" if target is not None and ratio <= target else "no"
            shown = f"**{ratio:.2f}** (<= {target})" if target else f"**{ratio:.2f}**"
            cells += [shown, met]
        print(f"| {name} | " + " | ".join(cells) + " |")
    reload_targets = {10000: "<= 50 ms", 100000: "<= 100 ms"}
    print(
        "| one changed file live again (reload) | "
        + " | ".join(
            f"absolute, no peer: `cargo bench --bench reload` ({reload_targets.get(s, '')}) | "
            for s in sizes
        )
        + "|"
    )

    print("\nAbsolute medians (rounds in brackets):\n")
    print("| figure | size | briefbot | tantivy |")
    print("|---|---|---|---|")
    for name, measure, _ in FIGURES:
        for size in sizes:
            bb, tv, rounds = figure_values(rows, size, measure)
            print(f"| {name} | {size} | {unit(measure, bb)} | {unit(measure, tv)} [{rounds}] |")
    for size in sizes:
        p50_bb = median(rows, size, "briefbot", "timer", "p50_us")[0]
        p50_tv = median(rows, size, "tantivy", "batch", "p50_us")[0]
        print(f"| per-query p50 | {size} | {unit('p99_us', p50_bb)} | {unit('p99_us', p50_tv)} |")
        rss_bb = median(rows, size, "briefbot", "empty", "rss_kb")[0]
        rss_tv = median(rows, size, "tantivy", "empty", "rss_kb")[0]
        print(f"| peak RSS, empty query file | {size} | {unit('rss', rss_bb)} | {unit('rss', rss_tv)} |")
        lp_bb = median(rows, size, "briefbot", "timer", "load_parse_ms")[0]
        ix_bb = median(rows, size, "briefbot", "timer", "index_ms")[0]
        lp_tv = median(rows, size, "tantivy", "batch", "load_parse_ms")[0]
        ix_tv = median(rows, size, "tantivy", "batch", "index_ms")[0]
        fmt = lambda v: "n/a" if v is None else f"{v:.0f} ms"
        print(f"| in-process list + read + parse | {size} | {fmt(lp_bb)} | {fmt(lp_tv)} |")
        print(f"| in-process index build | {size} | {fmt(ix_bb)} | {fmt(ix_tv)} |")

    busy = [r for r in rows if r.get("idle_before") and int(r["idle_before"]) < 90]
    if busy:
        print(
            f"\n{len(busy)} of {len(rows)} runs started while the CPUs were under 90% idle "
            "(another process was busy): "
            + ", ".join(f"{r['size']}/{r['round']}/{r['engine']}/{r['kind']} ({r['idle_before']}%)" for r in busy)
        )

    print("\nAnswers (first round; informational):\n")
    for size in sizes:
        a = agreement(out, size)
        if not a:
            continue
        share = a["top1_agree"] / a["both_answered"] if a["both_answered"] else 0.0
        print(
            f"- {size} briefs: of {a['queries']} queries, both engines answered {a['both_answered']}; "
            f"top-1 agrees on {a['top1_agree']} of those ({share:.1%}); mean top-3 overlap "
            f"{a['mean_top3_overlap']:.1%}; both empty on {a['both_empty']}."
        )


if __name__ == "__main__":
    main()
