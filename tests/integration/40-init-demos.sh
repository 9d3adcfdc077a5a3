#!/bin/bash
# The demo programs of the busybox image (images/busybox/files, docs/demo-programs.md)
# behave as documented when they are PID 1, with and without glassbox-init.
source "$(dirname "$0")/../lib/pid1ns.sh"
[ -x "$IMAGE_ROOT/bin/busybox" ] || skip "busybox image not built: run make"

# stop_after SECS: SIGTERM to PID 1 of the last in_image, then SIGKILL after SECS (a
# grace period). Sets rc (PID 1's exit code as its parent sees it) and ms (time taken).
stop_after() {
    local secs=$1 p t0 t1 i
    rc=none ms=0
    p=$(pid1_of "$UPID") || return
    sleep 0.3   # let the script install its trap
    t0=$(date +%s%N)
    kill -TERM "$p"
    for i in $(seq $((secs * 100))); do
        [ -d "/proc/$p" ] && [ "$(awk '/^State:/{print $2}' "/proc/$p/status" 2>/dev/null)" != Z ] || break
        sleep 0.01
    done
    [ -d "/proc/$p" ] && kill -KILL "$p"   # the grace period is over
    wait "$UPID"; rc=$?
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
}
# unshare --fork reports a PID 1 killed by SIGKILL as exit 1 (it fails to re-raise it).
killed() { [ "$1" = 137 ] || [ "$1" = 1 ]; }

in_image ignore-term >/dev/null
stop_after 1
killed "$rc" && [ "$ms" -ge 1000 ] && ok "ignore-term as PID 1: SIGTERM ignored, SIGKILL after the 1 s grace ($ms ms)" \
    || fail "ignore-term as PID 1: exit $rc after $ms ms, expected a kill after >= 1000 ms"

INIT_FLAGS="--" in_image ignore-term >/dev/null
stop_after 1
[ "$rc" = 143 ] && [ "$ms" -lt 1000 ] && ok "ignore-term under glassbox-init: 143 in $ms ms" \
    || fail "ignore-term under glassbox-init: exit $rc after $ms ms, expected 143 before the 1 s grace"

in_image trap-term >/dev/null
stop_after 1
[ "$rc" = 143 ] && [ "$ms" -lt 1000 ] && ok "trap-term as PID 1: 143 in $ms ms" \
    || fail "trap-term as PID 1: exit $rc after $ms ms, expected 143 before the 1 s grace"

in_image slow-shutdown 1 >/dev/null
stop_after 3
[ "$rc" = 143 ] && [ "$ms" -ge 1000 ] && [ "$ms" -lt 3000 ] \
    && ok "slow-shutdown 1 with a 3 s grace: cleans up, 143 after $ms ms" \
    || fail "slow-shutdown 1: exit $rc after $ms ms, expected 143 after 1 s, before the 3 s grace"

in_image entry-no-exec >/dev/null
stop_after 1
killed "$rc" && ok "entry-no-exec as PID 1: the shell swallows SIGTERM, killed after the grace" \
    || fail "entry-no-exec as PID 1: exit $rc after $ms ms, expected SIGKILL"

INIT_FLAGS="-g --" in_image entry-no-exec >/dev/null
stop_after 1
[ "$rc" = 143 ] && [ "$ms" -lt 1000 ] && ok "entry-no-exec under glassbox-init -g: 143 in $ms ms" \
    || fail "entry-no-exec under glassbox-init -g: exit $rc after $ms ms, expected 143"

in_image zombie-maker 4 >/dev/null
p1=$(pid1_of "$UPID")
n=$(count_zombies "$p1" 5 4)
[ "$n" = 4 ] && ok "zombie-maker 4 as PID 1: 4 zombies" || fail "zombie-maker 4: $n zombies, expected 4"
kill -KILL "$p1"; wait "$UPID"

INIT_FLAGS="-v --" in_image zombie-maker 4 >/dev/null 2>"$TMP/log"
p1=$(pid1_of "$UPID")
for i in $(seq 100); do [ "$(grep -c reaped "$TMP/log")" -ge 4 ] && break; sleep 0.05; done
n=$(zombies_in_ns_of "$p1" | wc -l)
[ "$n" = 0 ] && [ "$(grep -c reaped "$TMP/log")" = 4 ] && ok "zombie-maker 4 under glassbox-init: 4 reaped, 0 left" \
    || fail "zombie-maker 4 under glassbox-init: $n zombies left; log: $(cat "$TMP/log")"
kill -KILL "$p1"; wait "$UPID"

in_image show-signals >"$TMP/show" 2>&1
p1=$(pid1_of "$UPID"); sleep 0.3
kill -USR1 "$p1"; sleep 0.1; kill -HUP "$p1"; sleep 0.1; kill -TERM "$p1"; wait "$UPID"; rc=$?
grep -q 'got SIGUSR1' "$TMP/show" && grep -q 'got SIGHUP' "$TMP/show" && [ "$rc" = 143 ] \
    && ok "show-signals reports USR1 and HUP, exits 143 on TERM" \
    || fail "show-signals: exit $rc, output: $(cat "$TMP/show")"
finish
