#!/usr/bin/env bash
# briefbot vs tantivy, side by side, on generated corpora (see bench/README.md).
#
# For each size N: generates target/bench-corpus/N (once; seed 42) and N.queries.txt (10000
# queries), then runs, round after round, the two engines alternately:
#   batch  whole `ask --batch` process on the queries: wall time, peak RSS (/usr/bin/time %M);
#          tantivy-peer's own summary gives its per-query p50/p99
#   empty  the same with an empty query file: process start + load + parse + index, wall
#   timer  briefbot only: bench/briefbot-timer, the same `ask --batch` path through the library
#          API with a clock around each query (its stdout is byte-identical to the CLI's): per-
#          query p50/p99, and in-process load/parse/index times
# and prints the table of ratios briefbot/tantivy (medians over rounds).
#
# SHAPE picks the corpus: a corpusgen shape (`news`, the default, in target/bench-corpus/N;
# `short`, `long`, `multilingual` in target/bench-corpus/SHAPE-N) or `wikinews`: the real
# Wikinews briefs of WIKINEWS (a folder) copied up to N by bench/filters/scale-wikinews.py,
# with queries drawn from their own words by bench/wikinews-queries.py.
#
# Environment: SIZES ("10000 100000"), ROUNDS (3, for sizes under 100000), ROUNDS_100K (1: a
# briefbot batch run at 100k takes minutes), SEED (42), QUERIES (10000), CORPUS
# (target/bench-corpus), OUT (target/bench-results/<UTC time>), SKIP_BUILD (set: use the
# binaries already built), QUIET_IDLE (90) and QUIET_WAIT (600): the machine is shared, so
# before each run the script waits (up to QUIET_WAIT seconds) until the CPUs were at least
# QUIET_IDLE% idle over a second; the idle share seen is recorded with each run.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 100000"}
ROUNDS=${ROUNDS:-3}
ROUNDS_100K=${ROUNDS_100K:-1}
SEED=${SEED:-42}
QUERIES=${QUERIES:-10000}
TARGET=${CARGO_TARGET_DIR:-target}
CORPUS=${CORPUS:-$TARGET/bench-corpus}
OUT=${OUT:-$TARGET/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
BIN=$TARGET/release
QUIET_IDLE=${QUIET_IDLE:-90}
QUIET_WAIT=${QUIET_WAIT:-600}
SHAPE=${SHAPE:-news}
if [[ $SHAPE == wikinews && ! -d ${WIKINEWS:-} ]]; then
    echo "compare.sh: SHAPE=wikinews needs WIKINEWS=/path/to/corpus/wikinews" >&2
    exit 1
fi

if [[ ! -x /usr/bin/time ]]; then
    echo "compare.sh: /usr/bin/time is missing (apt-get install time)" >&2
    exit 1
fi
if [[ ! -s /usr/share/dict/words ]]; then
    echo "compare.sh: /usr/share/dict/words is missing (apt-get install wamerican)" >&2
    exit 1
fi

if [[ -z ${SKIP_BUILD:-} ]]; then
    cargo build --release -p briefbot -p corpusgen -p tantivy-peer -p briefbot-timer
fi
mkdir -p "$OUT" "$CORPUS"
: > "$CORPUS/empty.txt"
RESULTS=$OUT/runs.tsv
printf 'size\tround\tengine\tkind\twall_s\trss_kb\tp50_us\tp99_us\tload_parse_ms\tindex_ms\tidle_before\n' > "$RESULTS"
{
    echo "date: $(date -u +%FT%TZ)"
    echo "commit: $(git rev-parse HEAD 2>/dev/null || cat BASELINE_COMMIT 2>/dev/null || echo unknown)"
    echo "dirty: $(git status --porcelain -- src Cargo.toml 2>/dev/null | wc -l) changed paths under src/ and Cargo.toml"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
    echo "shape: $SHAPE; sizes: $SIZES; rounds: $ROUNDS (100k: $ROUNDS_100K); seed: $SEED; queries: $QUERIES"
} > "$OUT/machine.txt"

source bench/timed.sh

# One timed run: measure SIZE ROUND ENGINE KIND STDOUT_FILE COMMAND...
# Wall time from bash's clock around the process; peak RSS from /usr/bin/time. The JSON
# summary that tantivy-peer and briefbot-timer print as their last stderr line fills the rest.
measure() {
    local size=$1 round=$2 engine=$3 kind=$4 stdout=$5
    shift 5
    timed_run "compare.sh: $engine $kind at $size" "$stdout" "$@"
    python3 - "$size" "$round" "$engine" "$kind" "$WALL" "$RSS" "$SUMMARY" "$IDLE" >> "$RESULTS" <<'EOF'
import json, sys
size, round_, engine, kind, wall, rss, summary, idle = sys.argv[1:]
s = json.loads(summary) if summary else {}
def get(key):
    value = s.get(key)
    return "" if value is None else str(value)
print("\t".join([size, round_, engine, kind, wall, rss,
                 get("p50_us"), get("p99_us"), get("load_parse_ms"), get("index_ms"), idle]))
EOF
    printf '  %-8s %-6s %8.2fs  %8s KB  idle %3s%% %s\n' "$engine" "$kind" "$WALL" "$RSS" "$IDLE" \
        "$(tail -1 "$RESULTS" | cut -f7,8 | awk -F'\t' '$2 != "" {print "p50 " $1 " us, p99 " $2 " us"}')"
}

for n in $SIZES; do
    name=$n
    [[ $SHAPE != news ]] && name=$SHAPE-$n
    dir=$CORPUS/$name
    queries=$CORPUS/$name.queries.txt
    if [[ $SHAPE == wikinews ]]; then
        if [[ $(find "$dir" -name '*.toml' 2>/dev/null | wc -l) -ne $n ]]; then
            rm -rf "$dir"
            python3 bench/filters/scale-wikinews.py "$WIKINEWS" "$dir" "$n"
        fi
        if [[ $(wc -l < "$queries" 2>/dev/null || echo 0) -ne $QUERIES ]]; then
            python3 bench/wikinews-queries.py "$WIKINEWS" "$QUERIES" "$SEED" > "$queries"
        fi
    elif ! grep -q "\"briefs\": $n, \"seed\": $SEED," "$dir/_corpus.json" 2>/dev/null \
        || [[ $(wc -l < "$queries" 2>/dev/null || echo 0) -ne $QUERIES ]]; then
        shape_flag=()
        [[ $SHAPE != news ]] && shape_flag=(--shape "$SHAPE")
        "$BIN/corpusgen" --briefs "$n" --seed "$SEED" "${shape_flag[@]}" --out "$dir" \
            --queries "$queries" --query-count "$QUERIES"
    fi
    rounds=$ROUNDS
    [[ $n -ge 100000 ]] && rounds=$ROUNDS_100K
    echo "== $n briefs, $rounds round(s)"
    # Warm the page cache, so that the first run does not pay for the disk.
    find "$dir" -name '*.toml' -exec cat {} + > /dev/null
    for ((round = 1; round <= rounds; round++)); do
        echo " round $round"
        # The first round keeps the answers, for comparing them.
        answers_bb=/dev/null answers_tv=/dev/null
        if [[ $round -eq 1 ]]; then
            answers_bb=$OUT/answers-$n-briefbot.jsonl
            answers_tv=$OUT/answers-$n-tantivy.jsonl
        fi
        # Alternate which engine goes first.
        if ((round % 2)); then order="briefbot tantivy"; else order="tantivy briefbot"; fi
        for engine in $order; do
            if [[ $engine == briefbot ]]; then
                measure "$n" "$round" briefbot batch "$answers_bb" \
                    "$BIN/briefbot" --briefs "$dir" ask --batch "$queries" --limit 3
            else
                measure "$n" "$round" tantivy batch "$answers_tv" \
                    "$BIN/tantivy-peer" --briefs "$dir" --batch "$queries" --limit 3
            fi
        done
        for engine in $order; do
            if [[ $engine == briefbot ]]; then
                measure "$n" "$round" briefbot empty /dev/null \
                    "$BIN/briefbot" --briefs "$dir" ask --batch "$CORPUS/empty.txt" --limit 3
            else
                measure "$n" "$round" tantivy empty /dev/null \
                    "$BIN/tantivy-peer" --briefs "$dir" --batch "$CORPUS/empty.txt" --limit 3
            fi
        done
        measure "$n" "$round" briefbot timer /dev/null \
            "$BIN/briefbot-timer" --briefs "$dir" --batch "$queries" --limit 3
    done
done
rm -f "$OUT/rss.tmp" "$OUT/stderr.tmp"

python3 bench/summarize.py "$OUT" | tee "$OUT/summary.md"
echo "raw runs: $RESULTS"
