#!/bin/bash
# --cpus 0.2: a busy loop gets about a fifth of a CPU over 2 s (wide band: the machine is
# shared), and the kernel counts throttled periods. A fifth, not a half: on a busy
# machine a loop may get less than half a CPU anyway, and is then never throttled.
# Takes ~2 s per layout.
. "$(dirname "$0")/../cgroup/lib.sh"

lay=$LAYOUT
n=$(cgname cpu)
cg "$lay" create "$n" --cpus 0.2 >/dev/null || { bad "create --cpus 0.2"; finish; }
check "quota read back: 20000 µs per 100000 µs" \
    grep -qx "cpu_quota_us=20000" <<<"$(cg "$lay" limits "$n")"
"$CGTOOL" spin 2 & CG_PIDS=$!
cg "$lay" attach "$n" "$CG_PIDS"
wait "$CG_PIDS"; CG_PIDS=
used=$(stat_of "$lay" "$n" cpu.usage_ns)
thr=$(stat_of "$lay" "$n" cpu.nr_throttled)
# the spin ran 2 s of wall time from its attach; usage should be ~0.4 s
pct=$((used / 20000000))
check "busy loop used ${pct}% of one CPU over 2 s (want 5..30)" test "$pct" -ge 5 -a "$pct" -le 30
check "the kernel throttled it ($thr periods)" test "${thr:-0}" -gt 0
err=$("$CGTOOL" create "$(cgname badcpu)" --cpus 0 2>&1)
check "--cpus 0 is a clear error ($err)" grep -q 'out of range' <<<"$err"
finish
