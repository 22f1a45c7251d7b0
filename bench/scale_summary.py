#!/usr/bin/env python3
"""Folds a bench/scale.sh run into one line per size, and prints the Markdown table.

Usage: scale_summary.py OUT

Reads OUT/meta-N.json (the corpus and the machine), OUT/runs-N.tsv (one line per timed
process) and OUT/reload-N.json (the reload bench's JSON line, when it ran) for every size N
found, writes OUT/results.jsonl (one JSON object per size, smallest first: medians over the
rounds) and prints the table on stdout. bench/plot_scale.py reads results.jsonl.

Fields of a results line (times are medians over rounds):
  shape, briefs, rounds, date, commit   what was measured, when, at which commit
  startup_s, startup_rss_kb             `ask "<first query>"`: whole process wall, peak RSS
  batch_s, batch_rss_kb                 `ask --batch` of the 10000 queries: wall, peak RSS
  rss_bytes_per_brief                   startup_rss_kb * 1024 / briefs
  text_bytes_per_brief                  bytes of the brief files / briefs
  disk_bytes_per_brief                  blocks the corpus folder takes (du) / briefs
  p50_us, p99_us, load_ms               briefbot-timer: per-query latency, in-process load
  reload_path_ms, reload_watcher_ms,    the reload bench: reload_paths, the whole way through
  reload_full_ms, reload_open_ms        the watcher, a full rescan, and opening the library
  reload_rss_kb                         the reload bench's peak RSS (library + next snapshot)
  reload_bench_s                        how long the whole reload bench took
  idle_min                              the least idle share (%) seen before a timed run
"""

import csv
import json
import statistics
import sys
from pathlib import Path


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def number(text):
    return None if text in ("", "-") else float(text)


def fold(out: Path, n: int) -> dict:
    """One size's results line from its meta, runs and reload files."""
    meta = json.loads((out / f"meta-{n}.json").read_text())
    with open(out / f"runs-{n}.tsv", newline="") as file:
        runs = list(csv.DictReader(file, delimiter="\t"))

    def of(kind, column):
        return median(number(r[column]) for r in runs if r["kind"] == kind)

    reload_file = out / f"reload-{n}.json"
    reload = json.loads(reload_file.read_text()) if reload_file.exists() else {}
    startup_rss = of("startup", "rss_kb")
    per_brief = lambda value: None if value is None else round(value / n, 1)
    return {
        "shape": meta["shape"],
        "briefs": n,
        "rounds": meta["rounds"],
        "date": meta["date"],
        "commit": meta["commit"],
        "startup_s": of("startup", "wall_s"),
        "startup_rss_kb": startup_rss,
        "batch_s": of("batch", "wall_s"),
        "batch_rss_kb": of("batch", "rss_kb"),
        "rss_bytes_per_brief": per_brief(None if startup_rss is None else startup_rss * 1024),
        "text_bytes_per_brief": per_brief(meta["text_bytes"]),
        "disk_bytes_per_brief": per_brief(meta["disk_kb"] * 1024),
        "p50_us": of("timer", "p50_us"),
        "p99_us": of("timer", "p99_us"),
        "load_ms": of("timer", "load_ms"),
        "reload_path_ms": reload.get("by_path_ms"),
        "reload_watcher_ms": reload.get("watcher_ms"),
        "reload_full_ms": reload.get("full_ms"),
        "reload_open_ms": reload.get("open_ms"),
        "reload_rss_kb": reload.get("peak_rss_kb"),
        "reload_bench_s": of("reload", "wall_s"),
        "idle_min": min((int(r["idle_before"]) for r in runs), default=None),
    }


def seconds(value):
    if value is None:
        return "–"
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def millis(value):
    if value is None:
        return "–"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"


def micros(value):
    if value is None:
        return "–"
    return f"{value / 1000:.2f} ms" if value >= 1000 else f"{value:.0f} µs"


def mib(kb):
    return "–" if kb is None else f"{kb / 1024:,.0f} MiB"


def size_bytes(value):
    if value is None:
        return "–"
    return f"{value / 1024:.1f} KiB" if value >= 10240 else f"{value:,.0f} B"


def table(results) -> str:
    lines = [
        "| briefs | start-up to first answer | peak RSS, start-up | peak RSS, `ask --batch` "
        "| RSS per brief | corpus per brief (text / disk) | p50 | p99 "
        "| reload by path | reload via watcher |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['briefs']:,} | {seconds(r['startup_s'])} | {mib(r['startup_rss_kb'])} "
            f"| {mib(r['batch_rss_kb'])} | {size_bytes(r['rss_bytes_per_brief'])} "
            f"| {size_bytes(r['text_bytes_per_brief'])} / {size_bytes(r['disk_bytes_per_brief'])} "
            f"| {micros(r['p50_us'])} | {micros(r['p99_us'])} "
            f"| {millis(r['reload_path_ms'])} | {millis(r['reload_watcher_ms'])} |"
        )
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    sizes = sorted(int(p.stem.split("-", 1)[1]) for p in out.glob("meta-*.json"))
    sizes = [n for n in sizes if (out / f"runs-{n}.tsv").exists()]
    results = [fold(out, n) for n in sizes]
    with open(out / "results.jsonl", "w") as file:
        for r in results:
            file.write(json.dumps(r) + "\n")
    if results:
        first = results[0]
        print(f"shape `{first['shape']}`, commit {first['commit']}, medians of "
              f"{'/'.join(str(r['rounds']) for r in results)} rounds\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
