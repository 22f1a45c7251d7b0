#!/usr/bin/env python3
"""Plots how briefbot grows with the number of briefs, from bench/scale.sh results.

Usage: plot_scale.py [--out FILE.png] RESULTS...

RESULTS are scale.sh output folders (their results.jsonl) or results.jsonl files, one per
corpus shape; each shape is one colour. The PNG (default target/bench-results/scale.png) has
one log-log panel per figure against the number of briefs N: start-up to the first answer,
peak RSS, RSS per brief, per-query p50 and p99, and one changed file live again. Each panel
has a dotted reference line through its first point with the slope of linear growth (slope 1;
in the RSS-per-brief panel, where linear total memory is a flat line, slope 0): a curve that
stays under it grows linearly or better.

On stdout: each figure's fitted log-log slope between consecutive sizes (1: linear, 0: flat,
0.5: as the square root of N) and the memory each brief added between consecutive sizes
(the RSS difference over the brief difference, free of the fixed cost that dominates at 1k).

Needs matplotlib (`pip install matplotlib`).
"""

import argparse
import json
import math
import sys
from pathlib import Path

# (key in results.jsonl, panel title, unit label, scale from the stored unit, slope of linear
# growth, extra series drawn dashed in the same panel: (key, label)).
PANELS = [
    ("startup_s", "Start-up to the first answer", "seconds", 1.0, 1, None),
    ("batch_rss_kb", "Peak RSS", "MiB", 1 / 1024, 1, ("startup_rss_kb", "start-up run")),
    ("rss_bytes_per_brief", "Peak RSS per brief (start-up run)", "bytes", 1.0, 0, None),
    ("p50_us", "Per-query p50", "µs", 1.0, 1, None),
    ("p99_us", "Per-query p99", "µs", 1.0, 1, None),
    ("reload_watcher_ms", "One changed file live again", "ms", 1.0, 1,
     ("reload_path_ms", "reload_paths alone")),
]
MAIN_LABELS = {"batch_rss_kb": "ask --batch run", "reload_watcher_ms": "through the watcher"}


def load(paths):
    """{shape: [results line, ...] by size} from folders or results.jsonl files."""
    shapes = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            path = path / "results.jsonl"
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                shapes.setdefault(row["shape"], []).append(row)
    for rows in shapes.values():
        rows.sort(key=lambda r: r["briefs"])
    return shapes


def points(rows, key, scale):
    return [(r["briefs"], r[key] * scale) for r in rows if r.get(key) is not None]


def slopes(pts):
    """The log-log slope between each pair of consecutive points."""
    return [
        (n1, n2, math.log(y2 / y1) / math.log(n2 / n1))
        for (n1, y1), (n2, y2) in zip(pts, pts[1:])
        if y1 > 0 and y2 > 0
    ]


def print_slopes(shapes):
    for shape, rows in shapes.items():
        print(f"shape {shape}: log-log slope between consecutive sizes (1 = linear)")
        keys = []
        for key, title, _, _, _, extra in PANELS:
            keys.append((key, f"{title}, {MAIN_LABELS[key]}" if key in MAIN_LABELS else title))
            if extra:
                keys.append((extra[0], f"{title}, {extra[1]}"))
        for key, title in keys:
            fitted = slopes(points(rows, key, 1.0))
            if fitted:
                text = ", ".join(f"{n1:,}->{n2:,}: {s:+.2f}" for n1, n2, s in fitted)
                print(f"  {title:<48} {text}")
        marginal = [
            f"{r1['briefs']:,}->{r2['briefs']:,}: "
            f"{(r2[k] - r1[k]) * 1024 / (r2['briefs'] - r1['briefs']):,.0f} B"
            for r1, r2 in zip(rows, rows[1:])
            for k in ["startup_rss_kb"]
            if r1.get(k) is not None and r2.get(k) is not None
        ]
        if marginal:
            print(f"  {'RSS added per brief (start-up run)':<48} {', '.join(marginal)}")


def plot(shapes, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator

    def count(n, _pos=None):
        for div, suffix in ((1e6, "M"), (1e3, "k")):
            if n >= div:
                return f"{n / div:g}{suffix}"
        return f"{n:g}"

    def value(y, _pos=None):
        return f"{y:,.0f}" if y >= 1000 else f"{y:g}"

    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5), constrained_layout=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    all_sizes = sorted({r["briefs"] for rows in shapes.values() for r in rows})
    for ax, (key, title, unit, scale, linear, extra) in zip(axes.flat, PANELS):
        reference = None
        drawn = []
        for colour, (shape, rows) in zip(colours, shapes.items()):
            series = [(key, MAIN_LABELS.get(key), "-", "o")]
            if extra:
                series.append((extra[0], extra[1], "--", "s"))
            for series_key, what, style, marker in series:
                pts = points(rows, series_key, scale)
                if not pts:
                    continue
                drawn.extend(y for _, y in pts)
                label = ", ".join(part for part in (shape, what) if part)
                fitted = slopes(pts)
                if fitted:
                    label += f" (last step: slope {fitted[-1][2]:.2f})"
                ax.plot(*zip(*pts), style, marker=marker, color=colour, label=label)
                # Values where the lines are not: a rising main series' below right of its
                # points (the reference line leaves the first one upwards), a flat or falling
                # one's above right, the extra series' above left.
                if style != "-":
                    offset, align = (-4, 5), "right"
                else:
                    offset, align = ((4, -12) if linear else (4, 5)), "left"
                for n, y in pts:
                    ax.annotate(value(float(f"{y:.3g}")), (n, y), textcoords="offset points",
                                xytext=offset, ha=align, fontsize=7, color=colour)
                if reference is None:
                    reference = pts[0]
        if not drawn:
            ax.set_visible(False)
            continue
        # The axes fit the data, not the reference line, which may run off the top: its
        # slope is what a reader compares with.
        ax.set_xlim(all_sizes[0] / 2.2, all_sizes[-1] * 3.5)
        ax.set_ylim(min(drawn) / 1.5, max(drawn) * 1.8)
        if reference is not None and len(all_sizes) > 1:
            n0, y0 = reference
            xs = [all_sizes[0], all_sizes[-1]]
            ax.plot(xs, [y0 * (x / n0) ** linear for x in xs], ":", color="grey",
                    label="linear growth" + (" (flat per brief)" if linear == 0 else " (slope 1)"))
            ax.set_ylim(min(drawn) / 1.5, max(drawn) * 1.8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("briefs (N)")
        ax.set_ylabel(unit)
        ax.set_xticks(all_sizes)
        ax.xaxis.set_major_formatter(FuncFormatter(count))
        ax.xaxis.set_minor_locator(LogLocator(subs="auto"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
        # Label minor ticks too: a panel may span less than one decade.
        ax.yaxis.set_major_formatter(FuncFormatter(value))
        ax.yaxis.set_minor_formatter(FuncFormatter(
            lambda y, _pos: value(y) if str(f"{y:.0e}")[0] in "25" else ""))
        ax.grid(True, which="major", alpha=0.4)
        ax.grid(True, which="minor", alpha=0.15)
        ax.legend(fontsize=8, loc="best")
    shape_names = ", ".join(shapes)
    commits = sorted({r["commit"] for rows in shapes.values() for r in rows})
    fig.suptitle(f"briefbot from {count(all_sizes[0])} to {count(all_sizes[-1])} briefs "
                 f"(corpus shape: {shape_names}; commit {', '.join(commits)}); log-log axes")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"plot: {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", help="scale.sh OUT folders or results.jsonl files")
    parser.add_argument("--out", type=Path, default=Path("target/bench-results/scale.png"))
    args = parser.parse_args()
    shapes = load(args.results)
    if not shapes:
        print("plot_scale.py: no results", file=sys.stderr)
        return 1
    print_slopes(shapes)
    try:
        plot(shapes, args.out)
    except ImportError:
        print("plot_scale.py: matplotlib is missing (pip install matplotlib)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
