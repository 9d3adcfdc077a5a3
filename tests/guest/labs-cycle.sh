#!/usr/bin/env bash
# In the test guest: labs 07-10 and 21 (the device cgroup: on v2 an eBPF program) pass and
# their negative controls report the leak, and a container goes through run -d, stop, rm with its cgroup made and removed in cgroupfs.
. "$(dirname "$0")/../lib/common.sh"
need_root

out=$(gb check 07 08 09 10 21 2>&1)
rc=$?
check "labs 07-10 and 21 pass on this layout ($(tail -1 <<<"$out"))" test $rc -eq 0
echo "$out" | sed 's/^/    /'
check "lab 21 passed here, not skipped" grep -Eq '^21 device-cgroup +PASS' <<<"$out"
out21=$(gb lab check 21 2>&1)
if [ -d /sys/fs/cgroup/devices ]; then
    assert_contains "lab 21 names the v1 rules" "/devices.list holds" "$out21"
else # v2: no file, the program the kernel runs on every open
    assert_contains "lab 21 names the attached device program" "device program id" "$out21"
fi
echo "$out21" | sed 's/^/    /'
out=$(gb check --control 07 08 09 10 21 2>&1)
rc=$?
check "labs 07-10 and 21 controls see the leak ($(tail -1 <<<"$out"))" test $rc -eq 0
echo "$out" | sed 's/^/    /'

id=$(gb run -d -m 64m --pids-limit 32 --name cycle busybox sleep 300)
check "run -d started a container ($id)" test -n "$id"
dir=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "${id}*" | head -1)
check "its cgroup exists in cgroupfs ($dir)" test -n "$dir"
pid=$(gb inspect --json cycle | grep -o '"pid":[0-9][0-9]*' | head -1 | cut -d: -f2)
check "its PID 1 ($pid) is in that cgroup" grep -qx "$pid" "$dir/cgroup.procs"
if [ -f "$dir/memory.max" ]; then
    assert_eq "memory.max is 64m" 67108864 "$(cat "$dir/memory.max")"
else
    assert_eq "memory.limit_in_bytes is 64m" 67108864 \
        "$(cat /sys/fs/cgroup/memory/glassbox/"$id"*/memory.limit_in_bytes)"
fi
gb stop -t 1 cycle >/dev/null
check "inspect says stopped" grep -q '"stopped"' <<<"$(gb inspect --json cycle)"
gb rm cycle >/dev/null
check "rm left no cgroup" test -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "${id}*")"
assert_nothing_left "run/stop/rm" "$id"
finish
