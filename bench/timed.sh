# Timed runs for bench/compare.sh and bench/scale.sh, and the wait for a quiet machine that
# bench/ab/ab.sh shares (sourced). The machine is shared: others' builds can double a figure.
#
# Settings, read when called: QUIET_IDLE (90), the idle share wanted, and QUIET_WAIT (600), the
# most seconds to wait before measuring anyway.

# Percentage of CPU time spent idle over the next second (all CPUs), from /proc/stat.
idle_percent() {
    local total1 idle1 total2 idle2
    read -r total1 idle1 < <(awk '/^cpu / {t = 0; for (k = 2; k <= NF; k++) t += $k; print t, $5 + $6}' /proc/stat)
    sleep 1
    read -r total2 idle2 < <(awk '/^cpu / {t = 0; for (k = 2; k <= NF; k++) t += $k; print t, $5 + $6}' /proc/stat)
    echo $((100 * (idle2 - idle1) / (total2 - total1 + 1)))
}

# Waits until the machine is quiet; sets IDLE to the last reading.
wait_quiet() {
    local waited=0
    while IDLE=$(idle_percent); ((IDLE < ${QUIET_IDLE:-90})); do
        if ((waited >= ${QUIET_WAIT:-600})); then
            echo "  (still only $IDLE% idle after ${waited}s: measuring anyway)" >&2
            return
        fi
        ((waited == 0)) && echo "  (machine busy, $IDLE% idle: waiting)" >&2
        sleep 4
        waited=$((waited + 5))
    done
}

# One timed run: timed_run LABEL STDOUT_FILE COMMAND... waits for a quiet machine, runs COMMAND
# with its stdout in STDOUT_FILE, and sets WALL (seconds, bash's clock around the process), RSS
# (peak KB, /usr/bin/time) and SUMMARY (the last JSON line of its stderr, or empty: tantivy-peer
# and briefbot-timer print one). A failure prints LABEL and the end of stderr, and exits.
# Scratch files go in $OUT.
timed_run() {
    local label=$1 stdout=$2 start end status=0
    shift 2
    wait_quiet
    start=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$OUT/rss.tmp" "$@" > "$stdout" 2> "$OUT/stderr.tmp" || status=$?
    end=$EPOCHREALTIME
    if [[ $status -ne 0 ]]; then
        echo "$label failed ($status): $*" >&2
        tail -5 "$OUT/stderr.tmp" >&2
        exit 1
    fi
    WALL=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}')
    RSS=$(tail -1 "$OUT/rss.tmp")
    SUMMARY=$(grep '^{' "$OUT/stderr.tmp" | tail -1 || true)
}
