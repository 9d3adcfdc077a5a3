#!/usr/bin/env bash
# glassbox-runc ps, update and run (issue 14, docs/oci.md), each read back from the kernel:
# ps against the container's cgroup.procs and /proc; update against cgroupfs and `glassbox
# inspect --json`, a value the kernel refuses keeping the old one; run's exit codes, its
# signal forwarding, --detach, --keep, --preserve-fds, and nothing left after it.
# As the shim is, this test is a child subreaper (see 96-oci-cli.sh).
. "$(dirname "$0")/../lib/oci_subreaper.sh"  # re-run from a subreaper, as a shim would
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
need_cmd jq
need_cmd ps
LOG=$GB_TEST_ROOT/log.json
# PID 1 fills 24 MiB of /dev/shm (tmpfs: charged to the cgroup, and with no swap the
# kernel cannot take it back), then two sleeps: one child, one in the foreground (not
# the last command, which busybox sh would exec in its own place).
oci_bundle "$B" '["sh","-c","dd if=/dev/zero of=/dev/shm/fill bs=1M count=24 2>/dev/null; sleep 300 & sleep 301; exit 0"]'
jq --arg ev "$B/events.jsonl" '.annotations["org.glassbox.events"] = $ev' "$B/config.json" > "$B/c2.json"
mv "$B/c2.json" "$B/config.json"
gbr() { "$GLASSBOX" --root "$R" --data-root "$R/data" "$@"; }
last_error() { tail -1 "$LOG" | jq -r .msg; }
set_args() { jq --argjson a "$1" '.process.args = $a' "$B/config.json" > "$B/c2.json" && mv "$B/c2.json" "$B/config.json"; }
cleanup_oci() {
    for id in u1 r1 r2 r3 r4 r5 r6 r7 r8; do runc_ delete --force "$id" >/dev/null 2>&1; done
    gb_cleanup
}
trap cleanup_oci EXIT

# ------------------------------------------------------------------ ps
runc_ create --bundle "$B" --pid-file "$B/init.pid" u1 && runc_ start u1
assert_eq "create + start u1" 0 "$?"
pid=$(cat "$B/init.pid")
for _ in $(seq 100); do [ "$(pgrep -c -P "$pid" sleep)" -ge 1 ] && [ -n "$(pgrep -P "$pid" -x dd || true)" ] || break; sleep 0.1; done
for _ in $(seq 100); do [ "$(pgrep -P "$pid" | wc -l)" -ge 2 ] && break; sleep 0.1; done
memcg=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/$pid/cgroup)
pidscg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' /proc/$pid/cgroup)
if [ -n "$memcg" ]; then V1=1; CG=/sys/fs/cgroup/memory$memcg; PCG=/sys/fs/cgroup/pids$pidscg
else V1=""; CG=/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' /proc/$pid/cgroup); PCG=$CG; fi
procs=$(sort -n "$PCG/cgroup.procs" | tr '\n' ' ')
json=$(runc_ ps --format json u1)
check "ps --format json is a JSON array of numbers" bash -c "jq -e 'type == \"array\" and all(type == \"number\")' <<< '$json' >/dev/null"
assert_eq "ps json: exactly the PIDs of the container's cgroup.procs" "$procs" "$(jq -r '.[]' <<< "$json" | sort -n | tr '\n' ' ')"
assert_eq "three processes: PID 1 (sh) and its two sleeps" 3 "$(jq length <<< "$json")"
check "PID 1 of the pid file among them" bash -c "jq -e 'index($pid) != null' <<< '$json' >/dev/null"
for p in $(pgrep -P "$pid"); do
    check "PID 1's child $p (from /proc) is listed" bash -c "jq -e 'index($p) != null' <<< '$json' >/dev/null"
done
check "a process outside (this shell) is not" bash -c "jq -e 'index($$) == null' <<< '$json' >/dev/null"
table=$(runc_ ps u1)
assert_eq "ps (table, ps -ef): the header" PID "$(head -1 <<< "$table" | awk '{print $2}')"
assert_eq "ps table: one line per PID of the container" "$procs" "$(tail -n +2 <<< "$table" | awk '{print $2}' | sort -n | tr '\n' ' ')"
table=$(runc_ ps u1 -o pid,comm)
assert_eq "ps u1 -o pid,comm: ps's own arguments pass through" "$pid sh" "$(awk -v p="$pid" '$1 == p {print $1, $2}' <<< "$table")"
assert_eq "ps -o pid,comm: the sleeps" "sleep sleep" "$(tail -n +2 <<< "$table" | awk '$2 == "sleep" {print $2}' | tr '\n' ' ' | sed 's/ $//')"
runc_ ps --format json nosuch 2>/dev/null
check "ps of an unknown id fails" test $? -ne 0
assert_contains "with runc's words" "does not exist" "$(last_error)"

# ------------------------------------------------------------------ update
inspect() { gbr inspect --json "$(gbr ps -aq | head -1)"; }
if [ -n "$V1" ]; then memfile=memory.limit_in_bytes; else memfile=memory.max; fi
assert_eq "before: config.json's memory limit in the kernel" 67108864 "$(cat "$CG/$memfile")"
runc_ update --memory 48m u1
assert_eq "update --memory 48m" 0 "$?"
assert_eq "the kernel's memory limit is 48 MiB" 50331648 "$(cat "$CG/$memfile")"
assert_eq "glassbox inspect: config.resources.memory" 50331648 "$(inspect | jq -r .config.resources.memory)"
assert_eq "glassbox inspect: the limit read back from cgroupfs" 50331648 "$(inspect | jq -r .observed.cgroup.limits.memory)"
runc_ update --pids-limit 32 u1
assert_eq "update --pids-limit 32: pids.max" 32 "$(cat "$PCG/pids.max")"
assert_eq "and inspect's pids_limit" 32 "$(inspect | jq -r .config.resources.pids_limit)"
runc_ update --cpu-quota 50000 --cpu-period 100000 --cpu-shares 512 u1
assert_eq "update of the CPU flags" 0 "$?"
if [ -n "$V1" ]; then
    CPU=/sys/fs/cgroup/cpu$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $3}' /proc/$pid/cgroup)
    assert_eq "cpu.cfs_quota_us" 50000 "$(cat "$CPU/cpu.cfs_quota_us")"
    assert_eq "cpu.cfs_period_us" 100000 "$(cat "$CPU/cpu.cfs_period_us")"
    assert_eq "cpu.shares" 512 "$(cat "$CPU/cpu.shares")"
else
    assert_eq "cpu.max" "50000 100000" "$(cat "$CG/cpu.max")"
    assert_eq "cpu.weight (shares 512 converted)" 20 "$(cat "$CG/cpu.weight")"
fi
assert_eq "inspect: cpu_quota_us" 50000 "$(inspect | jq -r .config.resources.cpu_quota_us)"
runc_ update --cpu-quota 500 --cpu-period 200000 u1 2>/dev/null
check "a CPU quota below the kernel's 1 ms minimum is refused" test $? -ne 0
assert_contains "with the kernel's reason" "Invalid argument" "$(last_error)"
if [ -n "$V1" ]; then
    assert_eq "the period written before the refused quota is put back" 100000 "$(cat "$CPU/cpu.cfs_period_us")"
    assert_eq "the quota stays" 50000 "$(cat "$CPU/cpu.cfs_quota_us")"
else
    assert_eq "cpu.max stays" "50000 100000" "$(cat "$CG/cpu.max")"
fi
assert_eq "inspect: cpu_quota_us unchanged" 50000 "$(inspect | jq -r .config.resources.cpu_quota_us)"
# What docker update --memory sends through containerd: runc's --resources JSON on stdin,
# zeros meaning "leave it".
echo '{"memory":{"limit":41943040},"cpu":{"shares":0,"quota":0,"period":0,"cpus":"","mems":""},"pids":{"limit":20},"blockIO":{}}' |
    runc_ update --resources - u1
assert_eq "update --resources - (Docker's JSON on stdin)" 0 "$?"
assert_eq "memory from the JSON" 41943040 "$(cat "$CG/$memfile")"
assert_eq "pids from the JSON" 20 "$(cat "$PCG/pids.max")"
[ -n "$V1" ] && assert_eq "zeros left the CPU quota as it was" 50000 "$(cat "$CPU/cpu.cfs_quota_us")"
if [ -n "$V1" ] && [ -f "$CG/memory.memsw.limit_in_bytes" ]; then
    # memory.limit_in_bytes may never exceed memsw: raising both writes memsw first.
    runc_ update --memory 100m --memory-swap 200m u1
    assert_eq "raising memory above the old memory+swap" 0 "$?"
    assert_eq "memory.limit_in_bytes" 104857600 "$(cat "$CG/memory.limit_in_bytes")"
    assert_eq "memory.memsw.limit_in_bytes" 209715200 "$(cat "$CG/memory.memsw.limit_in_bytes")"
    runc_ update --memory 40m --memory-swap 40m u1
    assert_eq "and lowering both again" 41943040 "$(cat "$CG/memory.memsw.limit_in_bytes")"
fi
usage=$(cat "$CG/memory.usage_in_bytes" 2>/dev/null || cat "$CG/memory.current")
check "the 24 MiB of tmpfs are charged to the container ($usage bytes)" test "$usage" -gt 20000000
if [ -z "$V1" ]; then # v2 takes a limit below the usage (then OOM-kills): runc's check
    echo '{"memory":{"limit":10485760,"checkBeforeUpdate":true}}' | runc_ update --resources - u1 2>/dev/null
    check "v2: checkBeforeUpdate refuses a memory limit below the usage" test $? -ne 0
    assert_contains "saying so" "below the container's usage" "$(last_error)"
    assert_eq "and the old limit stays in the kernel" 41943040 "$(cat "$CG/$memfile")"
fi
if [ -n "$V1" ]; then
    runc_ update --memory 10m u1 2>/dev/null
    rc=$?
    check "a memory limit below what the kernel can reclaim is refused" test "$rc" -ne 0
    assert_contains "with the kernel's reason" "Device or resource busy" "$(last_error)"
    assert_eq "and the old limit stays in the kernel" 41943040 "$(cat "$CG/$memfile")"
    assert_eq "and in inspect" 41943040 "$(inspect | jq -r .config.resources.memory)"
    check "PID 1 still runs" test -d "/proc/$pid"
    if [ -f "$CG/memory.memsw.limit_in_bytes" ]; then
        runc_ update --memory 10m --memory-swap 300m u1 2>/dev/null
        check "refused after memory+swap was raised first" test $? -ne 0
        assert_eq "memory+swap is put back too" 41943040 "$(cat "$CG/memory.memsw.limit_in_bytes")"
        runc_ update --memory 200m --memory-swap -1 u1
        assert_eq "--memory-swap -1 with a memory above the old memory+swap" 209715200 "$(cat "$CG/memory.limit_in_bytes")"
        runc_ update --memory 40m --memory-swap 40m u1
    fi
fi
echo '{"memory":{"limit":"64m"}}' | runc_ update --resources - u1 2>/dev/null
check "a resources JSON of the wrong type is refused" test $? -ne 0
assert_contains "naming the JSON path" "memory.limit" "$(last_error)"
assert_eq "nothing changed" 41943040 "$(cat "$CG/$memfile")"
runc_ update --blkio-weight 300 u1 2>/dev/null
check "--blkio-weight is refused (no blkio controller in glassbox's cgroups)" test $? -ne 0
runc_ update --memory 64m nosuch 2>/dev/null
check "update of an unknown id fails" test $? -ne 0
runc_ kill u1 KILL
for _ in $(seq 50); do [ "$(runc_ state u1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
runc_ update --memory 64m u1 2>/dev/null
check "update of a stopped container fails" test $? -ne 0
assert_eq "with runc's words" "container not running" "$(last_error)"
runc_ ps --format json u1 > "$GB_TEST_ROOT/ps.out"
assert_eq "ps of a stopped container: no PIDs (as runc)" 0 "$(jq length "$GB_TEST_ROOT/ps.out")"
runc_ delete u1
assert_eq "oci.request events name ps and update (docs/events.md)" "create start ps update" \
    "$(jq -r 'select(.type == "oci.request" and .verb != "state" and .verb != "kill" and .verb != "delete") | .verb' "$B/events.jsonl" | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//')"

# ------------------------------------------------------------------ run
cgname=""
set_args '["sh","-c","exit 3"]'
runc_ run --bundle "$B" r1
assert_eq "run waits and exits with the container's code" 3 "$?"
check "run deleted it (as runc without --keep): no record" bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1)\" ]"
set_args '["true"]'
runc_ run --bundle "$B" --no-pivot --no-new-keyring r2
assert_eq "run with --no-pivot --no-new-keyring: exit 0" 0 "$?"
set_args '["sleep","300"]'
"$RUNC" --root "$R" --log "$LOG" --log-format json run --bundle "$B" --pid-file "$B/r3.pid" r3 &
runner=$!
for _ in $(seq 100); do [ -s "$B/r3.pid" ] && [ "$(runc_ state r3 2>/dev/null | jq -r .status)" = running ] && break; sleep 0.1; done
r3pid=$(cat "$B/r3.pid")
assert_eq "PID 1 of run is run's own child" "$runner" "$(awk '{print $4}' /proc/$r3pid/stat)"
r3cg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ || $1 == 0 {print $3}' /proc/$r3pid/cgroup | head -1)
runc_ kill r3 KILL
wait "$runner"
assert_eq "SIGKILL of PID 1: run exits 137 (128 + 9)" 137 "$?"
check "no process left" test ! -d "/proc/$r3pid"
check "no record left" bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1)\" ]"
check "no cgroup left" bash -c "! find /sys/fs/cgroup -maxdepth 4 -path '*$(basename "$r3cg")' | grep -q ."
check "no mount left" bash -c "! grep -q '$B' /proc/self/mountinfo"
# PID 1 of a PID namespace gets only the signals it has a handler for: this one has.
set_args '["sh","-c","trap \"exit 7\" TERM; echo ready > /tmp/ready; while :; do sleep 0.1; done"]'
"$RUNC" --root "$R" --log "$LOG" --log-format json run --bundle "$B" r4 &
runner=$!
for _ in $(seq 100); do [ -f "$B/rootfs/tmp/ready" ] && break; sleep 0.1; done
kill -TERM "$runner"
wait "$runner"
assert_eq "SIGTERM to run is passed on to PID 1 (its trap exits 7)" 7 "$?"
rm -f "$B/rootfs/tmp/ready"
set_args '["sleep","300"]'
timeout 20 "$RUNC" --root "$R" --log "$LOG" --log-format json run -d --bundle "$B" --pid-file "$B/r5.pid" r5
assert_eq "run --detach returns once started" 0 "$?"
assert_eq "and the container runs" running "$(runc_ state r5 | jq -r .status)"
assert_eq "its PID 1 left to us, the subreaper" "$$" "$(awk '{print $4}' "/proc/$(cat "$B/r5.pid")/stat")"
runc_ delete --force r5
set_args '["sh","-c","exit 3"]'
runc_ run --keep --bundle "$B" r6
assert_eq "run --keep: the exit code" 3 "$?"
assert_eq "and the container stays, stopped" stopped "$(runc_ state r6 | jq -r .status)"
runc_ delete r6
# --preserve-fds N: the caller's fds 3..3+N-1 reach PID 1, and no other.
echo three > "$GB_TEST_ROOT/fd3"
echo four > "$GB_TEST_ROOT/fd4"
set_args '["sh","-c","cat <&3; cat <&4; [ -e /proc/1/fd/5 ] && echo fd5 || echo no-fd5"]'
out=$(runc_ run --preserve-fds 2 --bundle "$B" r7 3< "$GB_TEST_ROOT/fd3" 4< "$GB_TEST_ROOT/fd4" 5< "$GB_TEST_ROOT/fd4")
assert_eq "--preserve-fds 2: fds 3 and 4 reach PID 1, fd 5 does not" "three four no-fd5" "$(echo $out)"
set_args '["sh","-c","[ -e /proc/1/fd/3 ] && echo fd3 || echo no-fd3"]'
out=$(runc_ run --bundle "$B" r8 3< "$GB_TEST_ROOT/fd3")
assert_eq "without --preserve-fds fd 3 is closed in PID 1" no-fd3 "$out"
runc_ run --preserve-fds 2 --bundle "$B" r8 3<&- 4<&- 2>/dev/null
check "--preserve-fds with fds the caller has not open is refused" test $? -ne 0
assert_contains "naming the fd" "fd 3 is not open" "$(last_error)"
runc_ create --preserve-fds 1 --bundle "$B" r8 3< "$GB_TEST_ROOT/fd3"
pid8=$(runc_ state r8 | jq -r .pid)
check "create --preserve-fds 1: PID 1 holds fd 3 (the file)" bash -c "[ \"\$(readlink /proc/$pid8/fd/3)\" = '$GB_TEST_ROOT/fd3' ]"
runc_ delete --force r8
set_args '["no-such-command"]'
runc_ run --bundle "$B" r1 2>/dev/null
check "run of a missing command fails" test $? -ne 0
assert_contains "with runc's words" "executable file not found" "$(last_error)"
check "run left nothing: no record" bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1)\" ]"
check "no mount" bash -c "! grep -q '$B' /proc/self/mountinfo"
check "the help lists the new verbs" bash -c "'$RUNC' --help | grep -q 'ps \[--format' && '$RUNC' --help | grep -q '  update' && '$RUNC' --help | grep -q '  run'"
finish
