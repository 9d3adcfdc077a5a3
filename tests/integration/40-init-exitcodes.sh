#!/bin/bash
# glassbox-init as a real PID 1 passes its child's fate through unchanged: every exit
# status 0..255 as it is, and death by any signal N as 128 + N (as sh reports it).
source "$(dirname "$0")/../lib/pid1ns.sh"

# Run "$@" under glassbox-init as PID 1 of a new pid namespace; print the exit code.
run_pid1() {
    unshare --fork --pid --mount-proc "$INIT" -- "$@"
    echo $?
}

bad=""
for code in $(seq 0 255); do
    got=$(run_pid1 sh -c "exit $code")
    [ "$got" = "$code" ] || bad="$bad $code->$got"
done
[ -z "$bad" ] && ok "exit codes 0..255 pass through unchanged (256 runs)" \
    || fail "exit codes changed:$bad"

# Signals whose default action ends a process: the child sends one to itself and dies
# of it. (CHLD, CONT, URG, WINCH are ignored by default; STOP, TSTP, TTIN, TTOU stop.)
# 32 and 33 are included: glibc keeps them for its threads, the kernel does not care.
bad=""; count=0
for sig in $(seq 1 64); do
    case $sig in 17|18|19|20|21|22|23|28) continue ;; esac
    got=$(run_pid1 sh -c "kill -$sig \$\$; sleep 5")
    count=$((count + 1))
    [ "$got" = $((128 + sig)) ] || bad="$bad $sig->$got"
done
[ -z "$bad" ] && ok "death by each of $count terminating signals N exits 128+N (SIGKILL: 137)" \
    || fail "signal deaths misreported (signal->exit):$bad"

# A command that cannot be run: 127 (not found) and 126 (not executable), as sh says.
got=$(run_pid1 /nonexistent/command 2>/dev/null)
[ "$got" = 127 ] && ok "a missing command exits 127" || fail "missing command: exit $got, expected 127"
touch "$TMP/not-executable"
got=$(run_pid1 "$TMP/not-executable" 2>/dev/null)
[ "$got" = 126 ] && ok "a non-executable command exits 126" || fail "non-executable: exit $got, expected 126"
got=$(unshare --fork --pid --mount-proc "$INIT" 2>/dev/null; echo $?)
[ "$got" = 2 ] && ok "no command: usage error, exit 2" || fail "no command: exit $got, expected 2"
finish
