"""Medians (min-max) of an ab.sh run, old and new, the ratio of the medians, and the median of
the ratios of the two runs of each round (paired): summarize.py RUNS.tsv"""
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
def values(build, kind, key):
    v = (number(r.get(key)) for r in rows if r['build'] == build and r['kind'] == kind)
    return [x for x in v if x is not None]
def paired(kind, key):
    rounds = {}
    for r in rows:
        if r['kind'] == kind and number(r.get(key)) is not None:
            rounds.setdefault(r['round'], {})[r['build']] = number(r[key])
    ratios = [v['new'] / v['old'] for v in rounds.values() if len(v) == 2 and v['old']]
    return statistics.median(ratios), sum(x < 1 for x in ratios), len(ratios)
def med(build, kind, key):
    v = values(build, kind, key)
    return statistics.median(v), min(v), max(v), len(v)
print("| figure | old | new | new / old | paired: median, rounds new was lower |\n|---|---|---|---|---|")
for kind, key, label, unit, scale in [
    ('batch', 'wall_s', 'whole `ask --batch`, wall', 's', 1),
    ('load', 'wall_s', 'load + index (empty query file), wall', 's', 1),
    ('timer', 'p50_us', 'per-query p50 (briefbot-timer)', 'µs', 1),
    ('timer', 'p99_us', 'per-query p99 (briefbot-timer)', 'µs', 1),
    ('timer', 'index_ms', 'index build, in process (briefbot-timer)', 'ms', 1),
    ('batch', 'rss_kb', 'peak RSS, batch run', 'MiB', 1/1024),
]:
    if not values('old', kind, key) or not values('new', kind, key):
        continue
    o = med('old', kind, key); n = med('new', kind, key)
    f = lambda m: f"{m[0]*scale:.3g} {unit} ({m[1]*scale:.3g}-{m[2]*scale:.3g})"
    ratio, lower, count = paired(kind, key)
    print(f"| {label} | {f(o)} | {f(n)} | {n[0]/o[0]:.3f} | {ratio:.3f}, {lower} of {count} |")
print(f"\n{len(rows)} runs; lowest idle share before a run: {min(int(r['idle']) for r in rows)}%")
