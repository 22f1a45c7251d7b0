#!/usr/bin/env bash
# How briefbot grows from 1k to 1M generated briefs (see bench/README.md, "Scale").
#
# For each size N in SIZES: generates the corpus when missing (target/bench-corpus/N for the
# `news` shape, target/bench-corpus/<shape>-N for another, with 10000 queries; seed 42), warms
# the page cache with it, then measures with the release binaries in BIN:
#   startup  `briefbot --briefs DIR ask "<first query>" --limit 3`: a whole process (load,
#            index, one answer), wall time and peak RSS; ROUNDS runs
#   batch    `briefbot --briefs DIR ask --batch QUERIES --limit 3`: peak RSS (and wall); 1 run
#   timer    `briefbot-timer --briefs DIR --batch QUERIES --limit 3`: per-query p50 and p99
#            (its stderr JSON); ROUNDS runs
#   reload   `cargo bench --bench reload` on DIR (a hard-linked scratch copy, see the bench's
#            header): one changed file live again, by path and through the watcher; skipped
#            with SKIP_RELOAD=1. It measures the source tree the script runs in, not BIN.
# Each run is one line of OUT/runs-N.tsv, the reload bench's JSON line is OUT/reload-N.json,
# and bench/scale_summary.py folds them into OUT/results.jsonl (one line per size, medians
# over rounds) and prints the Markdown table. Running again for some sizes replaces those
# sizes' files only, so 100k and 1M can be run apart from 1k and 10k into the same OUT.
#
# Environment: SIZES ("1000 10000 100000 1000000"), SHAPE (news; another shape is passed to
# corpusgen as --shape), ROUNDS (3), ROUNDS_1M (1: rounds at a million briefs and more), SEED
# (42), QUERIES (10000), BIN (target/release), CORPUS (target/bench-corpus), OUT
# (target/bench-results/scale-<shape>), SKIP_RELOAD (1: no reload bench), QUIET_IDLE (90)
# and QUIET_WAIT (600): as in compare.sh, each timed run waits (up to QUIET_WAIT seconds)
# until the CPUs were at least QUIET_IDLE% idle over a second, and records the idle share.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1000 10000 100000 1000000"}
SHAPE=${SHAPE:-news}
ROUNDS=${ROUNDS:-3}
ROUNDS_1M=${ROUNDS_1M:-1}
SEED=${SEED:-42}
QUERIES=${QUERIES:-10000}
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${BIN:-$TARGET/release}
CORPUS=${CORPUS:-$TARGET/bench-corpus}
OUT=${OUT:-$TARGET/bench-results/scale-$SHAPE}
QUIET_IDLE=${QUIET_IDLE:-90}
QUIET_WAIT=${QUIET_WAIT:-600}

for tool in /usr/bin/time "$BIN/briefbot" "$BIN/briefbot-timer" "$BIN/corpusgen"; do
    if [[ ! -x $tool ]]; then
        echo "scale.sh: $tool is missing (see bench/README.md, Prerequisites and step 1)" >&2
        exit 1
    fi
done
mkdir -p "$OUT" "$CORPUS"

if [[ ${SKIP_RELOAD:-} != 1 ]]; then
    # Built before any timing, so that the compiler does not run beside a measurement.
    cargo bench --bench reload --no-run
fi

source bench/timed.sh

# One timed run: measure KIND ROUND STDOUT_FILE COMMAND...; appends a line to $RUNS.
# Wall time from bash's clock around the process; peak RSS from /usr/bin/time; p50, p99 and
# the in-process load time from the JSON summary briefbot-timer prints as its last stderr line.
measure() {
    local kind=$1 round=$2 stdout=$3
    shift 3
    timed_run "scale.sh: $kind at $n briefs" "$stdout" "$@"
    local p50 p99 load
    read -r p50 p99 load < <(python3 -c '
import json, sys
s = json.loads(sys.argv[1]) if sys.argv[1] else {}
get = lambda k: "-" if s.get(k) is None else str(s[k])
load = s["load_parse_ms"] + s["index_ms"] if "index_ms" in s else None
print(get("p50_us"), get("p99_us"), "-" if load is None else f"{load:.1f}")
' "$SUMMARY")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$kind" "$round" "$WALL" "$RSS" "$p50" "$p99" "$load" "$IDLE" >> "$RUNS"
    printf '  %-8s %s  %8ss  %9s KB  idle %3s%%%s\n' "$kind" "$round" "$WALL" "$RSS" "$IDLE" \
        "$([[ $p99 != - ]] && echo "  p50 $p50 us, p99 $p99 us")"
}

# Whether DIR holds the corpus asked for: its marker says N briefs, this seed and (when it
# records one) this shape, and the query file has QUERIES lines.
corpus_ready() {
    local dir=$1 queries=$2 n=$3
    [[ -f $dir/_corpus.json && -f $queries ]] || return 1
    [[ $(wc -l < "$queries") -eq $QUERIES ]] || return 1
    python3 -c '
import json, sys
marker = json.load(open(sys.argv[1]))
n, seed, shape = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ok = marker.get("briefs") == n and marker.get("seed") == seed and marker.get("shape", shape) == shape
sys.exit(0 if ok else 1)
' "$dir/_corpus.json" "$n" "$SEED" "$SHAPE"
}

for n in $SIZES; do
    if [[ $SHAPE == news ]]; then name=$n; shape_args=(); else name=$SHAPE-$n; shape_args=(--shape "$SHAPE"); fi
    dir=$CORPUS/$name
    queries=$CORPUS/$name.queries.txt
    generated_s=-
    if ! corpus_ready "$dir" "$queries" "$n"; then
        echo "== generating $name"
        start=$EPOCHREALTIME
        "$BIN/corpusgen" --briefs "$n" --seed "$SEED" "${shape_args[@]}" --out "$dir" \
            --queries "$queries" --query-count "$QUERIES"
        generated_s=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
    fi
    rounds=$ROUNDS
    [[ $n -ge 1000000 ]] && rounds=$ROUNDS_1M
    echo "== $name: $rounds round(s)"
    # Warm the page cache, so that the first run does not pay for the disk.
    find "$dir" -name '*.toml' -exec cat {} + > /dev/null
    RUNS=$OUT/runs-$n.tsv
    printf 'kind\tround\twall_s\trss_kb\tp50_us\tp99_us\tload_ms\tidle_before\n' > "$RUNS"
    rm -f "$OUT/reload-$n.json"
    # The corpus on disk: bytes of the brief files, and blocks allocated (du).
    text_bytes=$(find "$dir" -name '*.toml' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    disk_kb=$(du -sk "$dir" | cut -f1)
    first=$(head -1 "$queries")
    cat > "$OUT/meta-$n.json" <<EOF
{"shape": "$SHAPE", "briefs": $n, "seed": $SEED, "queries": $QUERIES, "rounds": $rounds, "date": "$(date -u +%FT%TZ)", "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)", "bin": "$BIN", "corpus": "$dir", "text_bytes": $text_bytes, "disk_kb": $disk_kb, "generated_s": "$generated_s", "nproc": $(nproc), "memory": "$(free -h | awk '/^Mem:/ {print $2}')"}
EOF
    for ((round = 1; round <= rounds; round++)); do
        measure startup "$round" /dev/null "$BIN/briefbot" --briefs "$dir" ask "$first" --limit 3
    done
    measure batch 1 /dev/null "$BIN/briefbot" --briefs "$dir" ask --batch "$queries" --limit 3
    for ((round = 1; round <= rounds; round++)); do
        measure timer "$round" /dev/null \
            "$BIN/briefbot-timer" --briefs "$dir" --batch "$queries" --limit 3
    done
    if [[ ${SKIP_RELOAD:-} != 1 ]]; then
        wait_quiet
        start=$EPOCHREALTIME
        if BRIEFBOT_BENCH_CORPORA=$(realpath "$dir") cargo bench --bench reload \
            > "$OUT/reload.tmp" 2> "$OUT/stderr.tmp"; then
            wall=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f", b - a}')
            printf 'reload\t1\t%s\t-\t-\t-\t-\t%s\n' "$wall" "$IDLE" >> "$RUNS"
            echo "  reload   1  ${wall}s (the whole bench)  idle $IDLE%"
            grep '^reload/' "$OUT/reload.tmp" | sed 's/^/    /'
            grep '^{"bench":"reload"' "$OUT/reload.tmp" | tail -1 > "$OUT/reload-$n.json"
        else
            echo "scale.sh: the reload bench failed at $name (its figures are left out):" >&2
            tail -5 "$OUT/stderr.tmp" >&2
        fi
    fi
    python3 bench/scale_summary.py "$OUT" > /dev/null
done
rm -f "$OUT/rss.tmp" "$OUT/stderr.tmp" "$OUT/reload.tmp"

python3 bench/scale_summary.py "$OUT" | tee "$OUT/table.md"
echo "results: $OUT/results.jsonl (plot: python3 bench/plot_scale.py $OUT)"
