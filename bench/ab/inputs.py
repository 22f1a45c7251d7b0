"""Queries and speaker requests for checking that two builds answer alike, from a folder of briefs.

inputs.py DIR QUERIES SPEAKERS N_SPEAKERS SEED
Queries: per brief (seeded sample), its title, two title words, one word, a quoted phrase,
a typo, a chat question; plus edge cases. Speakers: the most quoted names, their surnames,
lower-case first names, a typo, each alone and with --about a word of their quotes.
"""
import collections, glob, os, random, re, sys, tomllib
d, qpath, spath, nspk, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
briefs = []
for f in sorted(glob.glob(os.path.join(d, '*.toml'))):
    if os.path.basename(f).startswith('_'): continue
    with open(f, 'rb') as fh:
        try: briefs.append(tomllib.load(fh))
        except Exception: pass
def words(t): return re.findall(r"[A-Za-zÀ-ÿ0-9']+", t)
def typo(w):
    if len(w) < 6: return w
    i = rng.randrange(1, len(w) - 2)
    return w[:i] + w[i+1] + w[i] + w[i+2:]
queries = []
sample = briefs if len(briefs) <= 300 else rng.sample(briefs, 300)
for b in sample:
    ws = words(b['title'])
    queries.append(b['title'])
    if len(ws) >= 2:
        i = rng.randrange(len(ws) - 1)
        queries.append(f"{ws[i]} {ws[i+1]}")
        queries.append(f'"{ws[i]} {ws[i+1]}"')
    if ws:
        w = rng.choice(ws)
        queries.append(w)
        long = [x for x in ws if len(x) >= 7]
        if long: queries.append(typo(rng.choice(long).lower()))
        queries.append(f"what's the latest news on {w.lower()}?")
    for tag in b.get('tags', [])[:1]:
        queries.append(tag)
queries += ["", "the of and", "cybersecurity", "hover board", "e mail", '"unclosed quote', "x" * 600,
            "zzyzx", "2016", "Putin's", "U.S. election", "rock'n'roll 3.5 1,000"]
with open(qpath, 'w') as f:
    for q in queries: f.write(q.replace('\n', ' ') + '\n')
names = collections.Counter()
said = collections.defaultdict(list)
for b in briefs:
    for q in b.get('quotes', []):
        names[q['speaker']] += 1
        said[q['speaker']].extend(w.lower() for w in words(q['text']) if len(w) >= 5)
reqs = []
for name, _ in names.most_common(nspk):
    parts = name.split()
    forms = [name, parts[-1], parts[0].lower(), typo(name)]
    about = rng.choice(said[name]) if said[name] else 'election'
    for form in forms:
        reqs.append((form, ''))
    reqs.append((name, about))
    reqs.append((parts[-1], about))
    reqs.append((name, 'election hacking'))
reqs += [("nobody at all", ''), ("president", ''), ("", 'x')]
with open(spath, 'w') as f:
    for s, a in reqs: f.write(f"{s}\t{a}\n")
print(len(queries), "queries,", len(reqs), "speaker requests", file=sys.stderr)
