#!/usr/bin/env bash
# In the test guest (v2 only or v1 only): an ordinary user with a cgroup subtree delegated
# by `glassbox classroom setup` runs rootless containers with limits. The limit is in the
# kernel (memory.max on v2, memory.limit_in_bytes on v1), a container above it is
# OOM-killed, lab 07 passes for the student, and teardown leaves nothing. On v2 the
# student's shell is first put into glassbox.class/NAME/session by root, as a login
# manager would: v2 moves a process only within a subtree its user owns.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/student.sh"
guest_student gbstudent 2000
mem_dir() { if [ -n "$V2" ]; then echo "$CG/glassbox.class/$U"; else echo "$CG/memory/glassbox.class/$U"; fi; }

out=$(gb classroom setup --students "$T/students" --memory 256m --pids 300 2>&1)
check "classroom setup ($out)" test $? -eq 0
d=$(mem_dir)
assert_eq "the student owns $d" "$N" "$(stat -c %u "$d")"
if [ -n "$V2" ]; then
    assert_eq "memory.max of the subtree" 268435456 "$(cat "$d/memory.max")"
    assert_eq "controllers enabled down to it" "cpu memory pids" \
        "$(tr ' ' '\n' <"$CG/glassbox.class/cgroup.subtree_control" | grep -E '^(cpu|memory|pids)$' | sort | tr '\n' ' ' | sed 's/ $//')"
else
    assert_eq "memory.limit_in_bytes of the subtree" 268435456 "$(cat "$d/memory.limit_in_bytes")"
fi

id=$(as_student run -d -m 64m --name lim busybox sleep 300 2>&1)
check "a rootless run -d -m 64m starts ($id)" test $? -eq 0
c=$(find "$d" -maxdepth 2 -type d -name "${id:0:12}*" | head -1)
check "its cgroup is below the delegated subtree ($c)" test -n "$c"
if [ -n "$V2" ]; then
    assert_eq "memory.max is in the kernel" 67108864 "$(cat "$c/memory.max" 2>/dev/null)"
else
    assert_eq "memory.limit_in_bytes is in the kernel" 67108864 "$(cat "$c/memory.limit_in_bytes" 2>/dev/null)"
fi
pid=$(as_student inspect --json lim | jq .state.pid)
check "its PID 1 ($pid) is in that cgroup" grep -qx "$pid" "$c/cgroup.procs"
as_student rm -f lim >/dev/null
check "rm removes its cgroup" test ! -e "$c"

as_student run --rm -m 32m busybox dd if=/dev/zero of=/dev/null bs=64M count=1 >/dev/null 2>&1
assert_eq "a 64 MB buffer under -m 32m is OOM-killed (exit)" 137 "$?"
out=$(as_student lab check 7 2>&1)
assert_eq "lab 07 passes for the student" PASS "$(tail -1 <<<"$out")"
[ "$(tail -1 <<<"$out")" = PASS ] || sed 's/^/    /' <<<"$out" # what it saw, when it did not pass

out=$(gb classroom teardown 2>&1)
check "classroom teardown ($out)" test $? -eq 0
check "no glassbox.class left" bash -c "! ls -d $CG/glassbox.class $CG/*/glassbox.class 2>/dev/null | grep -q ."
finish
