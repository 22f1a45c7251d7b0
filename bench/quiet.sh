# Waiting for a quiet machine before a timed run, for bench/compare.sh, bench/scale.sh and
# bench/ab/ab.sh (sourced). The machine is shared: others' builds can double a figure.
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
