#!/bin/bash
# The freezer on the real host: frozen processes use no CPU and the kernel says
# frozen; thawed, they run again. Hybrid freezes through cgroup.freeze on its cgroup2
# side, v1 through freezer.state. ~1.5 s per layout.
. "$(dirname "$0")/../cgroup/lib.sh"

for lay in $LAYOUTS; do
    n=$(cgname "frz-$lay")
    cg "$lay" create "$n" >/dev/null || { bad "$lay: create"; continue; }
    "$CGTOOL" spin 30 & CG_PIDS=$!
    cg "$lay" attach "$n" "$CG_PIDS"
    sleep 0.3
    check "$lay: freeze returns once the kernel confirms" cg "$lay" freeze "$n" 2000
    check "$lay: the cgroup reports frozen" test "$(stat_of "$lay" "$n" freezer)" = frozen
    a=$(stat_of "$lay" "$n" cpu.usage_ns); sleep 0.5; b=$(stat_of "$lay" "$n" cpu.usage_ns)
    check "$lay: frozen: no CPU time in 0.5 s ($((b - a)) ns)" test $((b - a)) -lt 5000000
    st=$(cut -d' ' -f3 "/proc/$CG_PIDS/stat")
    check "$lay: frozen task is not running (state $st)" test "$st" != R
    check "$lay: thaw" cg "$lay" thaw "$n"
    check "$lay: the cgroup reports thawed" test "$(stat_of "$lay" "$n" freezer)" = thawed
    a=$(stat_of "$lay" "$n" cpu.usage_ns); sleep 0.5; b=$(stat_of "$lay" "$n" cpu.usage_ns)
    check "$lay: thawed: CPU time again ($((b - a)) ns in 0.5 s)" test $((b - a)) -gt 20000000
    check "$lay: destroy kills and removes" cg "$lay" destroy "$n"
    wait "$CG_PIDS"; rc=$?; CG_PIDS=
    check "$lay: the process died of SIGKILL (status $rc)" test "$rc" -eq 137
    check "$lay: no cgroup dir left" test -z "$(dirs_of "$n")"
done
finish
