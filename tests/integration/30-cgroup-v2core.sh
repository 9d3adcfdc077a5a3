#!/bin/bash
# cgroup v2 core files on the real cgroup2 mount (on this hybrid host it has no
# controllers): cgroup.procs, cgroup.freeze + cgroup.events, cgroup.kill, rmdir.
# The controller files of v2 are tested on a fake tree (tests/unit/test_cgroup.c).
. "$(dirname "$0")/../cgroup/lib.sh"

case $LAYOUT in
    v2) U=$CGROOT ;;
    hybrid) U=$CGROOT/unified ;;
    *) skip "no cgroup2 mount on this host (layout $LAYOUT)" ;;
esac
v2() { "$CGTOOL" --root "$U" "$@"; }
check "detect on $U says v2" grep -qx "layout=v2" <<<"$(v2 detect)"
n=$(cgname v2core)
D=$U/glassbox/$n
check "create" v2 create "$n"
"$CGTOOL" spin 30 & CG_PIDS=$!
check "attach via cgroup.procs" v2 attach "$n" "$CG_PIDS"
check "cgroup.procs lists it" grep -qx "$CG_PIDS" "$D/cgroup.procs"
check "cgroup.events: populated 1" grep -qx "populated 1" "$D/cgroup.events"
check "freeze (cgroup.freeze, wait for frozen 1)" v2 freeze "$n" 2000
check "cgroup.events: frozen 1" grep -qx "frozen 1" "$D/cgroup.events"
a=$(v2 stats "$n" | sed -n 's/^cpu.usage_ns=//p'); sleep 0.4
b=$(v2 stats "$n" | sed -n 's/^cpu.usage_ns=//p')
check "frozen: cpu.stat usage does not move ($((b - a)) ns)" test $((b - a)) -lt 5000000
check "thaw" v2 thaw "$n"
check "cgroup.events: frozen 0" grep -qx "frozen 0" "$D/cgroup.events"
check "kill (cgroup.kill, wait for populated 0)" v2 kill "$n"
wait "$CG_PIDS"; rc=$?; CG_PIDS=
check "the process died of SIGKILL (status $rc)" test "$rc" -eq 137
check "cgroup.events: populated 0" grep -qx "populated 0" "$D/cgroup.events"
check "destroy" v2 destroy "$n"
check "the dir is gone" test ! -e "$D"
err=$(v2 create "$(cgname v2mem)" -m 64m 2>&1)
if grep -qw memory "$U/cgroup.controllers"; then
    ok "memory controller present on this v2 mount: limit accepted"
else
    check "a memory limit without the memory controller is a clear error" grep -q "needs the memory controller" <<<"$err"
fi
finish
