#!/bin/bash
# glassbox-init as a real PID 1 (unshare --pid): orphans that exit become zombies under
# a PID 1 that never calls wait(), and are reaped at once under glassbox-init. The same
# check is then shown to FAIL when reaping is turned off (GLASSBOX_INIT_NO_REAP=1).
source "$(dirname "$0")/../lib/pid1ns.sh"
N=5

# The check this test stands on: no process in state Z in the namespace of PID 1 $1,
# once the N orphans are known to have exited (log $2 lists what PID 1 reaped).
check_no_zombies() {
    local z
    z=$(zombies_in_ns_of "$1" | tr '\n' ' ')
    if [ -n "$z" ]; then
        echo "  zombies in the namespace: $z"
        return 1
    fi
    return 0
}

# 1. Without an init: `sh zombie-maker` becomes `sleep`, which never calls wait().
in_pidns sh "$DEMO/zombie-maker" $N sleep 30 >/dev/null
p1=$(pid1_of "$UPID") || { fail "no PID 1 appeared"; finish; }
n=$(count_zombies "$p1" 5 $N)
if [ "$n" -eq $N ]; then
    ok "without init: $n zombies pile up under PID 1 (sleep): $(zombies_in_ns_of "$p1" | tr '\n' ' ')"
else
    fail "without init: expected $N zombies, /proc shows $n"
fi
check_no_zombies "$p1" >/dev/null && fail "the zombie check passed although $n zombies exist"
kill -9 "$p1"; wait "$UPID" 2>/dev/null

# 2. With glassbox-init as PID 1: the orphans are re-parented to it and reaped.
in_pidns "$INIT" -v -- sh "$DEMO/zombie-maker" $N sleep 30 >/dev/null 2>"$TMP/init.log"
p1=$(pid1_of "$UPID") || { fail "no PID 1 appeared"; finish; }
for i in $(seq 100); do
    [ "$(grep -c 'reaped zombie' "$TMP/init.log")" -ge $N ] && break
    sleep 0.05
done
reaped=$(grep -c 'reaped zombie' "$TMP/init.log")
[ "$reaped" -eq $N ] && ok "with glassbox-init: it reaped $reaped orphans" \
    || fail "with glassbox-init: expected $N reaped, log says $reaped: $(cat "$TMP/init.log")"
if check_no_zombies "$p1"; then
    ok "with glassbox-init: no process in state Z in the namespace"
else
    fail "with glassbox-init: zombies remain"
fi
[ "$(cat "/proc/$p1/comm")" = glassbox-init ] && ok "PID 1 is glassbox-init (host pid $p1)" \
    || fail "PID 1 is $(cat "/proc/$p1/comm"), not glassbox-init"
kill -TERM "$p1"   # forwarded to sleep, which dies; glassbox-init exits 143
wait "$UPID"; rc=$?
[ "$rc" -eq 143 ] && ok "SIGTERM to glassbox-init ended the namespace: exit 143" \
    || fail "SIGTERM to glassbox-init: exit $rc, expected 143"

# 3. Negative control: reaping off. The same check must now report the zombies.
GLASSBOX_INIT_NO_REAP=1 in_pidns "$INIT" -- sh "$DEMO/zombie-maker" $N sleep 30 >/dev/null
p1=$(pid1_of "$UPID") || { fail "no PID 1 appeared"; finish; }
n=$(count_zombies "$p1" 5 $N)
if ! out=$(check_no_zombies "$p1"); then
    ok "negative control: with reaping off the zombie check fails ($n zombies)"
    echo "$out"
else
    fail "negative control: reaping off, yet the zombie check passed"
fi
[ "$n" -eq $N ] || fail "negative control: expected $N zombies, found $n"
kill -9 "$p1"; wait "$UPID" 2>/dev/null
finish
