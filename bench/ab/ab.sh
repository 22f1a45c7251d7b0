#!/usr/bin/env bash
# ab.sh ROUNDS DIR QUERIES OUT OLD OLD_TIMER NEW NEW_TIMER: two builds of briefbot alternated
# (the order flips each round) on the briefs in DIR: the whole `ask --batch QUERIES` (wall,
# peak RSS), the load alone (an empty query file) and briefbot-timer's per-query p50/p99 and
# in-process index build.
# Each run waits until the CPUs were 90% idle over a second (up to 5 minutes) and records the
# idle share it saw. One tab-separated line per run goes to OUT; summarize.py OUT gives the
# medians and ratios. KINDS ("batch load timer") picks the runs. Paths must be absolute.
set -euo pipefail
rounds=$1 dir=$2 queries=$3 out=$4
declare -A bin=([old]=$5 [new]=$7) timer=([old]=$6 [new]=$8)
work=$(mktemp -d)
: > "$work/empty.txt"
printf 'round\tbuild\tkind\twall_s\trss_kb\tp50_us\tp99_us\tindex_ms\tidle\n' > "$out"
# Up to 300 s for 90% idle, as before.
QUIET_IDLE=90 QUIET_WAIT=300
source "$(dirname "$0")/../timed.sh"
quiet() { wait_quiet 2> /dev/null; }
run() { # ROUND BUILD KIND COMMAND...
    local round=$1 build=$2 kind=$3 start end summary p50="" p99="" index=""
    shift 3
    quiet
    start=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$work/rss" "$@" > /dev/null 2> "$work/err"
    end=$EPOCHREALTIME
    summary=$(grep '^{' "$work/err" | tail -1 || true)
    if [[ -n $summary ]]; then
        p50=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["p50_us"])' "$summary")
        p99=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["p99_us"])' "$summary")
        index=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["index_ms"])' "$summary")
    fi
    printf '%s\t%s\t%s\t%.3f\t%s\t%s\t%s\t%s\t%s\n' "$round" "$build" "$kind" \
        "$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" "$(tail -1 "$work/rss")" \
        "$p50" "$p99" "$index" "$IDLE" | tee -a "$out"
}
cd "$work"
find "$dir" -name '*.toml' -exec cat {} + > /dev/null
kinds=" ${KINDS:-batch load timer} "
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then order="old new"; else order="new old"; fi
    for b in $order; do
        [[ $kinds == *" batch "* ]] || continue
        run "$r" "$b" batch "${bin[$b]}" --briefs "$dir" ask --batch "$queries" --limit 3
    done
    for b in $order; do
        [[ $kinds == *" load "* ]] || continue
        run "$r" "$b" load "${bin[$b]}" --briefs "$dir" ask --batch "$work/empty.txt" --limit 3
    done
    for b in $order; do
        [[ $kinds == *" timer "* ]] || continue
        run "$r" "$b" timer "${timer[$b]}" --briefs "$dir" --batch "$queries" --limit 3
    done
done
