#!/usr/bin/env bash
# Labs 01 and 02: each check passes, and fails under its negative control.
. "$(dirname "$0")/../lib/common.sh"
need_root

for lab in 1 2; do
    out=$(gb lab check $lab 2>&1); rc=$?
    assert_eq "lab $lab check passes on this host" 0 $rc
    [ $rc -eq 0 ] || echo "$out"
    out=$(gb lab check $lab --control 2>&1); rc=$?
    assert_eq "lab $lab check FAILS under its negative control" 1 $rc
    assert_contains "lab $lab under the control says what leaked" "✗" "$out"
done
# A student's own container, by name.
gb run -d --name mine busybox sleep 300 >/dev/null
check "lab 02 checks a named container" gb lab check 2 --container mine
gb rm -f mine >/dev/null
gb run -d --name shared --pid host busybox sleep 300 >/dev/null
check "lab 02 sees the leak of a student's --pid host container" bash -c "! $GLASSBOX lab check 2 --container shared >/dev/null"
gb rm -f shared >/dev/null
out=$(gb lab check 99 2>&1)
assert_contains "an unknown lab is a clear error" "no lab '99'" "$out"
assert_nothing_left "after the lab checks"
finish
