#!/bin/bash
# Signals and PID 1 (unshare --pid): the kernel drops a signal sent to a namespace's init
# when that init has no handler for it, so `kill -TERM` does nothing to a PID 1 `sleep`.
# glassbox-init forwards every catchable signal (1..64 except SIGKILL and SIGSTOP) to its
# child, or with -g to the child's whole process group.
source "$(dirname "$0")/../lib/pid1ns.sh"

# 1. The problem: SIGTERM to a PID 1 without a handler is dropped; SIGKILL still works.
in_pidns sleep 30
p1=$(pid1_of "$UPID") || { fail "no PID 1 appeared"; finish; }
kill -TERM "$p1"; sleep 0.3
if [ -d "/proc/$p1" ] && [ "$(awk '/^State:/{print $2}' "/proc/$p1/status")" != Z ]; then
    ok "SIGTERM to PID 1 'sleep' (no handler) is ignored: still alive after 0.3 s"
else
    fail "SIGTERM to PID 1 'sleep' killed it; the kernel should have dropped it"
fi
# (unshare's own exit code is no witness here: it fails to re-raise SIGKILL on itself.)
kill -KILL "$p1"; wait "$UPID"
[ -d "/proc/$p1" ] && fail "SIGKILL from the host did not end PID 1" \
    || ok "SIGKILL from the host ends it (the kernel never drops SIGKILL from an ancestor namespace)"

# 2. The same `sleep` under glassbox-init: SIGTERM reaches it and ends it at once.
in_pidns "$INIT" -- sleep 30
p1=$(pid1_of "$UPID") || { fail "no PID 1 appeared"; finish; }
sleep 0.05
t0=$(date +%s%N); kill -TERM "$p1"; wait "$UPID"; rc=$?; t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$rc" -eq 143 ] && [ "$ms" -lt 10000 ] && ok "with glassbox-init: SIGTERM ends 'sleep' in $ms ms, exit 143" \
    || fail "with glassbox-init: exit $rc after $ms ms, expected 143 promptly"

# 3. Every catchable signal is forwarded. The child traps N and exits with status N;
#    32 and 33 cannot be trapped by a glibc shell, so there the child dies of them
#    (default action) and glassbox-init reports 128+N.
forward_one() {   # forward_one SIG: prints the exit code
    local sig=$1 ready="$TMP/ready.$1" body
    if [ "$sig" = 32 ] || [ "$sig" = 33 ]; then
        body="echo > $ready; exec sleep 30"
    else
        body="trap 'exit $sig' $sig; echo > $ready; sleep 30 & wait"
    fi
    in_pidns "$INIT" -- sh -c "$body"
    local p; p=$(pid1_of "$UPID") || { echo none; return; }
    wait_file "$ready" || { echo not-ready; return; }
    kill -s "$sig" "$p"
    wait "$UPID"
    echo $?
}
bad=""; count=0
for sig in $(seq 1 64); do
    case $sig in 9|19) continue ;; esac   # SIGKILL, SIGSTOP: no process can catch them
    want=$sig; { [ "$sig" = 32 ] || [ "$sig" = 33 ]; } && want=$((128 + sig))
    got=$(forward_one "$sig")
    count=$((count + 1))
    [ "$got" = "$want" ] || bad="$bad $sig->$got"
done
[ -z "$bad" ] && ok "all $count catchable signals forwarded to the child" \
    || fail "signals not forwarded as expected (signal->exit):$bad"

# 4. -g: the signal goes to the child's process group, so a grandchild gets it too.
group_test() {   # group_test [-g]: prints who got SIGUSR1
    rm -f "$TMP/got" "$TMP/ready.c" "$TMP/ready.gc"
    in_pidns "$INIT" "$@" -- sh -c "
        sh -c 'trap \"echo grandchild >> $TMP/got; exit 0\" USR1; echo > $TMP/ready.gc; sleep 30 & wait' &
        trap 'echo child >> $TMP/got' USR1
        echo > $TMP/ready.c
        sleep 30 & wait \$!
        sleep 0.3"
    local p; p=$(pid1_of "$UPID") || return
    wait_file "$TMP/ready.c"; wait_file "$TMP/ready.gc"
    kill -USR1 "$p"
    wait "$UPID"
    sort "$TMP/got" 2>/dev/null | tr '\n' ' '
}
got=$(group_test)
[ "$got" = "child " ] && ok "without -g: only the child gets the signal" \
    || fail "without -g: got by '$got', expected only the child"
got=$(group_test -g)
[ "$got" = "child grandchild " ] && ok "with -g: the child's whole process group gets it" \
    || fail "with -g: got by '$got', expected child and grandchild"
finish
