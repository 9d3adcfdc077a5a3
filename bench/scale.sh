#!/usr/bin/env bash
# Costs as the host fills up: with 0, 100 and 1000 detached containers already running,
# the median of each everyday command, and the memory (PSS) of one container's monitor.
# Nothing on the start, stop, exec or inspect path may read every container's state: the
# figures at 1000 should stay near those at 0 (the target is 1.3x); only `ps`, which
# lists them all, grows by design.
# Usage: bench/scale.sh [N...]   (as root; make first. 1000 containers take ~1-2 minutes
# to start and about as long to remove.)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
G="$PWD/$BUILD/bin/glassbox"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(0 100 1000)
[ "$(id -u)" -eq 0 ] || { echo "bench/scale.sh: run as root" >&2; exit 1; }
W=$(mktemp -d /var/tmp/gbscale.XXXXXX)
export GLASSBOX_ROOT=/run/gbscale.$$ GLASSBOX_DATA_ROOT=$W/data
cleanup() {
    "$G" ps -aq 2>/dev/null | xargs -r -n 50 "$G" rm -f >/dev/null 2>&1 || true
    rm -rf "$W" "$GLASSBOX_ROOT"
}
trap cleanup EXIT
REPS=${REPS:-15}

median_ms() { # command... -> median wall time in ms over REPS runs
    local i t0 t1 times=()
    for i in $(seq "$REPS"); do
        t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }

"$G" run --rm busybox true >/dev/null   # the image, once
running=0
printf '%-6s %10s %10s %10s %10s %10s %10s %10s %10s\n' running "run --rm" "run --rm -n" "run -d" exec inspect ps "stop+rm" "mon PSS kB"
for n in "${SIZES[@]}"; do
    while [ "$running" -lt "$n" ]; do
        "$G" run -d -q busybox sleep 100000 >/dev/null; running=$((running + 1))
    done
    "$G" run -d -q --name probe busybox sleep 100000 >/dev/null
    rr=$(median_ms "$G" run --rm busybox true)
    k=0; named() { k=$((k + 1)); "$G" run --rm --name "n$k" busybox true; }
    rn=$(median_ms named)
    j=0; detached() { j=$((j + 1)); "$G" run -d -q --name "d$j" busybox sleep 100000; }
    rd=$(median_ms detached)
    ex=$(median_ms "$G" exec probe true)
    in=$(median_ms "$G" inspect probe)
    ps=$(median_ms "$G" ps)
    s=0; stoprm() { s=$((s + 1)); "$G" stop -t 0 "d$s" && "$G" rm "d$s"; }
    sr=$(median_ms stoprm)
    pid=$("$G" inspect --json probe | jq -r .state.monitor)
    mon=$([ -n "$pid" ] && pss_kb "$pid" || echo "?")
    "$G" rm -f probe >/dev/null
    printf '%-6s %10s %10s %10s %10s %10s %10s %10s %10s\n' "$n" "$rr" "$rn" "$rd" "$ex" "$in" "$ps" "$sr" "$mon"
done
echo "(ms, median of $REPS; mon PSS: the monitor of one detached container)"
