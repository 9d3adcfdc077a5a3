#!/usr/bin/env bash
# Exit codes pass through unchanged: 0..255, and 128+N for a process killed by signal N.
. "$(dirname "$0")/../lib/common.sh"
need_root

bad=""
for i in $(seq 0 255); do
    gb run --rm busybox sh -c "exit $i"
    got=$?
    [ "$got" -eq "$i" ] || bad+=" $i->$got"
done
if [ -z "$bad" ]; then ok "exit codes 0..255 pass through (256 containers)"; else not_ok "exit codes differ:$bad"; fi

# A PID 1 of a pid namespace cannot be killed from inside by a signal it has no handler
# for; with the host's PID namespace the shell is an ordinary process and dies of it.
# (not QUIT: the shell ignores it)
for sig in HUP INT ABRT USR1 SEGV USR2 TERM KILL; do
    n=$(kill -l "$sig")
    gb run --rm --pid host busybox sh -c "kill -$sig \$\$"
    assert_eq "killed by SIG$sig -> 128+$n" $((128 + n)) $?
done

# The same numbers in the recorded state.
id=$(gb run -d busybox sh -c 'exit 42')
for _ in $(seq 50); do [ "$(jq -r .state.status < <(gb inspect --json "$id"))" = stopped ] && break; sleep 0.1; done
assert_eq "a detached container's exit code is recorded" 42 "$(jq -r .state.exit_code < <(gb inspect --json "$id"))"
gb rm "$id" >/dev/null
assert_nothing_left "after the exit-code runs"
finish
