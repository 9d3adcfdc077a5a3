#!/usr/bin/env bash
# Stop + remove of containers whose PID 1 exits on SIGTERM, N = 1, 10, 50 at a time:
# glassbox side by side with runc, in one run. Prints ms per container and the ratio.
#   glassbox: `glassbox stop NAME` (signal, then wait on a pidfd) + `glassbox rm NAME`
#   runc:     `runc kill ID TERM`, wait until `runc state` says stopped (runc has no
#             stop: this is the loop a runc user or a shim writes), `runc delete ID`
# Usage: bench/stop.sh [N...]   (as root; needs runc, jq: make deps)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
G="$PWD/$BUILD/bin/glassbox"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1 10 50)
[ "$(id -u)" -eq 0 ] || { echo "bench/stop.sh: run as root" >&2; exit 1; }
for c in runc jq; do
    command -v $c >/dev/null || { echo "bench/stop.sh: needs $c (make deps)" >&2; exit 1; }
done
W=$(mktemp -d /var/tmp/gbstop.XXXXXX)
RROOT=/run/gbstop-runc.$$
export GLASSBOX_ROOT=/run/gbstop.$$ GLASSBOX_DATA_ROOT=$W/data
cleanup() {
    for id in $("$G" ps -aq 2>/dev/null); do "$G" rm -f "$id" >/dev/null 2>&1; done
    for id in $(runc --root "$RROOT" list -q 2>/dev/null); do
        runc --root "$RROOT" delete -f "$id" >/dev/null 2>&1
    done
    rm -rf "$W" "$RROOT" "$GLASSBOX_ROOT"
}
trap cleanup EXIT
now_ns() { date +%s%N; }

# The same program for both: a shell that exits 143 on SIGTERM (trap-term in the image).
"$G" run --rm busybox true   # import the image once, outside the measurement
mkdir -p "$W/bundle"
cp -a "$BUILD/share/glassbox/images/busybox/rootfs" "$W/bundle/rootfs"
(cd "$W/bundle" && runc spec && jq '.process.terminal = false
    | .process.args = ["/usr/local/bin/trap-term"] | .root.readonly = true' config.json > c.json &&
    mv c.json config.json)

# Wait until every PID 1 has its SIGTERM handler (bit 15 of SigCgt), so the stop is fair.
wait_handlers() {
    local pid
    for pid in "$@"; do
        for _ in $(seq 200); do
            (( 0x$(awk '/^SigCgt:/{print $2}' /proc/$pid/status) & 0x4000 )) && break
            sleep 0.01
        done
    done
}

bench_glassbox() {   # N -> ms per container
    local n=$1 i pids=() t0 t1
    for i in $(seq "$n"); do "$G" run -d -q --name "gs$i" busybox trap-term >/dev/null; done
    for i in $(seq "$n"); do pids+=("$("$G" inspect --json "gs$i" | jq -r .state.pid)"); done
    wait_handlers "${pids[@]}"
    t0=$(now_ns)
    for i in $(seq "$n"); do "$G" stop "gs$i" >/dev/null && "$G" rm "gs$i" >/dev/null; done
    t1=$(now_ns)
    awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.2f", (b - a) / 1e6 / n }'
}

bench_runc() {   # N -> ms per container
    local n=$1 i pids=() t0 t1
    for i in $(seq "$n"); do
        runc --root "$RROOT" run -d -b "$W/bundle" "rs$i" </dev/null >/dev/null 2>&1
    done
    for i in $(seq "$n"); do pids+=("$(runc --root "$RROOT" state "rs$i" | jq -r .pid)"); done
    wait_handlers "${pids[@]}"
    t0=$(now_ns)
    for i in $(seq "$n"); do
        runc --root "$RROOT" kill "rs$i" TERM
        until [ "$(runc --root "$RROOT" state "rs$i" | jq -r .status)" = stopped ]; do
            sleep 0.001
        done
        runc --root "$RROOT" delete "rs$i"
    done
    t1=$(now_ns)
    awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.2f", (b - a) / 1e6 / n }'
}

printf "%6s %16s %16s %10s\n" N "glassbox ms/ctr" "runc ms/ctr" "runc/gb"
for n in "${SIZES[@]}"; do
    g=$(bench_glassbox "$n")
    r=$(bench_runc "$n")
    printf "%6s %16s %16s %9sx\n" "$n" "$g" "$r" "$(awk -v r="$r" -v g="$g" 'BEGIN { printf "%.1f", r / g }')"
done
