#!/usr/bin/env bash
# Labs 13 and 14: each check passes, and FAILS under its negative control. ~4 s.
. "$(dirname "$0")/../lib/common.sh"
need_root

for lab in 13 14; do
    out=$(gb lab check $lab 2>&1); rc=$?
    assert_eq "lab $lab check passes on this host" 0 $rc
    [ $rc -eq 0 ] || echo "$out"
    out=$(gb lab check $lab --control 2>&1); rc=$?
    assert_eq "lab $lab check FAILS under its negative control" 1 $rc
    assert_contains "lab $lab under the control says what went wrong" "✗" "$out"
done
out=$(gb lab check 13 --control 2>&1)
assert_contains "lab 13 control: the zombies are reported" "zombies in the container" "$out"
out=$(gb lab check 14 --control 2>&1)
assert_contains "lab 14 control: the stop ended in 137" "exit code 137" "$out"

# A student's own containers, by name.
gb run -d --name "mine$$" busybox ignore-term >/dev/null
check "lab 14 sees that a student's PID 1 drops SIGTERM" bash -c "! $GLASSBOX lab check 14 --container mine$$ >/dev/null"
gb stop -t 0 "mine$$" >/dev/null
out=$(gb lab check 14 --container "mine$$" 2>&1)
assert_contains "lab 14 reads a stopped container's 137" "exited with 137" "$out"
gb rm -f "mine$$" >/dev/null
gb run -d --init --name "init$$" busybox zombie-maker 3 >/dev/null
sleep 0.5
check "lab 13 passes on a student's --init container" gb lab check 13 --container "init$$"
gb rm -f "init$$" >/dev/null
assert_nothing_left "after the lab checks"
finish
