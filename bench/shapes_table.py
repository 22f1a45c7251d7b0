#!/usr/bin/env python3
"""shapes_table.py OUT_DIR...: one table of briefbot/tantivy ratios over several compare.sh
runs, one per corpus shape (SHAPE=... bench/compare.sh), as BENCHMARKS.md shows them.

Each OUT_DIR is a folder compare.sh wrote (runs.tsv, machine.txt); its shape is read from
machine.txt. Ratios are of medians over rounds, as bench/summarize.py computes them; the
absolute peak RSS of both engines is given beside its ratio.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from summarize import FIGURES, figure_values, load  # noqa: E402


def shape_of(out):
    for line in (out / "machine.txt").read_text().splitlines():
        if line.startswith("shape:"):
            return line.split(":", 1)[1].split(";")[0].strip()
    return out.name


def main():
    outs = [Path(arg) for arg in sys.argv[1:]]
    names = [name for name, _, _ in FIGURES]
    print("| shape | briefs | " + " | ".join(names) + " | peak RSS: briefbot / tantivy |")
    print("|---|---|" + "---|" * len(names) + "---|")
    for out in outs:
        rows = load(out)
        sizes = sorted({int(r["size"]) for r in rows})
        for size in sizes:
            cells = []
            for _, measure, targets in FIGURES:
                bb, tv, _ = figure_values(rows, size, measure)
                if bb is None or not tv:
                    cells.append("n/a")
                    continue
                ratio = bb / tv
                target = targets.get(size)
                mark = " ✓" if target is not None and ratio <= target else ""
                cells.append(f"{ratio:.2f}{mark}")
            bb, tv, _ = figure_values(rows, size, "batch rss_kb")
            rss = f"{bb / 1024:.0f} / {tv / 1024:.0f} MiB" if bb and tv else "n/a"
            print(f"| {shape_of(out)} | {size:,} | " + " | ".join(cells) + f" | {rss} |")


if __name__ == "__main__":
    main()
