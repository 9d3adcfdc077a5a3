#!/bin/bash
# cgroups through the engine: limits flags (bad values create nothing), OOMKilled + 137
# in inspect, a fork bomb stopped by --pids-limit, pause/resume with the paused state,
# stats, exec inside the cgroup, resource.sample/oom.kill events, and after rm (also
# rm -f of a running container) no cgroup dir of the container in any hierarchy. ~6 s.
. "$(dirname "$0")/../lib/common.sh"
need_root
[ -e /sys/fs/cgroup/memory/cgroup.procs ] || [ -e /sys/fs/cgroup/cgroup.controllers ] ||
    skip "no cgroup filesystem with controllers at /sys/fs/cgroup"
n=cg$$
ev=$GB_TEST_ROOT/events.jsonl

out=$(gb run --rm -m 12XB busybox true 2>&1); rc=$?
check "-m 12XB refused ($rc)" test "$rc" -ne 0
assert_contains "the error names the value" '"12XB"' "$out"
out=$(gb run --rm --memory-swap 1g busybox true 2>&1)
assert_contains "--memory-swap without -m is refused" "needs -m" "$out"
assert_nothing_left "after refused flags"

out=$(gb run --name "$n-oom" --events "$ev" --sample-interval 0.2 -m 16m busybox \
      sh -c 'x=$(head -c 64000000 /dev/zero | tr "\0" a); echo survived' 2>&1); rc=$?
assert_eq "an allocation past -m 16m ends in 137" 137 "$rc"
insp=$(gb inspect --json "$n-oom")
assert_contains "inspect says oom_killed" '"oom_killed":true' "$insp"
check "the event stream has an oom.kill event" grep -q '"type":"oom.kill"' "$ev"
check "process.exit says oom_killed" grep -q '"oom_killed":true' "$ev"
id=$(gb ps -aq --no-trunc 2>/dev/null | head -1); id=$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' <<<"$insp" | head -1)
gb rm "$n-oom" >/dev/null
assert_nothing_left "after rm of the OOM-killed container" "$id"

out=$(gb run --rm -m 64m busybox sh -c 'x=$(head -c 8000000 /dev/zero | tr "\0" a); echo survived' 2>&1)
assert_contains "8 MB under -m 64m survives" survived "$out"

out=$(gb run --rm --pids-limit 8 busybox sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done 2>&1; wait' 2>&1)
assert_contains "a fork bomb hits pids.max" "Resource temporarily unavailable" "$out"

gb run -d --name "$n" --cpus 0.5 -m 64m --pids-limit 30 --events "$ev" --sample-interval 0.2 \
    busybox sh -c 'while :; do :; done' >/dev/null
id=$(gb inspect --json "$n" | sed -n 's/^{"id":"\([0-9a-f]*\)".*/\1/p')
insp=$(gb inspect --json "$n")
assert_contains "inspect shows the memory limit read back" '"memory":67108864' "$insp"
assert_contains "inspect shows the cpu quota read back" '"cpu_quota_us":50000' "$insp"
assert_contains "inspect shows cgroup paths" "glassbox/$id" "$insp"
gb exec "$n" sleep 2 & ex=$!
sleep 0.5
cur=$(gb stats --no-stream --json "$n" | sed -n 's/.*"pids":{"current":\([0-9]*\).*/\1/p')
wait $ex
check "exec runs inside the container's cgroup (pids.current $cur while it runs)" test "${cur:-0}" -ge 2
check "pause" gb pause "$n"
assert_contains "ps says paused" paused "$(gb ps)"
s=$(gb stats --no-stream --json "$n")
assert_contains "stats says frozen" '"freezer":"frozen"' "$s"
assert_contains "stats shows 0% CPU while frozen" '"cpu_percent":0.00' "$s"
check "resume" gb resume "$n"
assert_contains "ps says running again" running "$(gb ps)"
s=$(gb stats --no-stream "$n")
pct=$(awk -v n="$n" '$1 == n {print int($2)}' <<<"$s")
check "stats: CPU % near the 0.5 quota ($pct%)" test "${pct:-0}" -ge 10 -a "${pct:-0}" -le 65
check "resource.sample events in the stream" grep -q '"type":"resource.sample"' "$ev"
check "a dir per hierarchy exists while it runs" test -n "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$id")"
gb rm -f "$n" >/dev/null
assert_nothing_left "after rm -f of a running container" "$id"
finish
