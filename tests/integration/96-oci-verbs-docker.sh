#!/usr/bin/env bash
# ps and update through the real client (issue 14, docs/oci.md): `docker top` and `docker
# update --memory/--pids-limit` on a container of glassbox-runc, with dockerd set up as in
# test 97 (its own network namespace and directories). The runtime Docker is given is a
# script that logs each argv and execs glassbox-runc, so the test sees that containerd's
# shim really called `ps --format json` and `update --resources -`.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
. "$(dirname "$0")/../lib/dockerd.sh"  # D, SOCK, docker_, start_dockerd, stop_dockerd
printf '#!/bin/sh\necho "$*" >> "%s/argv.log"\nexec "%s" "$@"\n' "$D" "$RUNC" > "$D/runc-logged"
chmod 755 "$D/runc-logged"
start_dockerd "gbtest$$" --add-runtime "glassbox=$D/runc-logged"
import_busybox

cid=$(docker_ run -d --runtime glassbox --network none --memory 64m --pids-limit 100 gbbusybox:oci \
    sh -c 'sleep 300 & sleep 301; exit 0')
pid=$(docker_ inspect -f '{{.State.Pid}}' "$cid")
check "a detached container runs (PID $pid)" test -d "/proc/$pid"
for _ in $(seq 50); do [ "$(pgrep -P "$pid" | wc -l)" -ge 2 ] && break; sleep 0.1; done
mem=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/$pid/cgroup)
pcg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' /proc/$pid/cgroup)
if [ -n "$mem" ]; then MEM=/sys/fs/cgroup/memory$mem/memory.limit_in_bytes; PIDS=/sys/fs/cgroup/pids$pcg/pids.max
else c=$(awk -F: '$1 == 0 {print $3}' /proc/$pid/cgroup); MEM=/sys/fs/cgroup$c/memory.max; PIDS=/sys/fs/cgroup$c/pids.max; fi

# docker top: dockerd asks containerd for the PIDs (the shim runs `ps --format json`), then
# runs ps itself and keeps those lines.
top=$(docker_ top "$cid" -o pid,comm 2>&1)
check "containerd's shim called glassbox-runc ps --format json" grep -q "ps --format json $cid" "$D/argv.log"
assert_eq "docker top: the container's PIDs, as the kernel lists them in its cgroup" \
    "$(echo "$pid" $(pgrep -P "$pid") | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
    "$(tail -n +2 <<< "$top" | awk '{print $1}' | sort -n | tr '\n' ' ')"
assert_eq "docker top: PID 1 is sh" sh "$(awk -v p="$pid" '$1 == p {print $2}' <<< "$top")"

# docker update: containerd's shim runs `update --resources -` with the JSON on stdin.
docker_ update --memory 48m --memory-swap 96m --pids-limit 50 "$cid" >/dev/null
assert_eq "docker update succeeds" 0 "$?"
check "containerd's shim called glassbox-runc update --resources -" grep -q "update --resources - $cid" "$D/argv.log"
assert_eq "--memory 48m lands in the kernel" 50331648 "$(cat "$MEM")"
assert_eq "--pids-limit 50 lands in the kernel" 50 "$(cat "$PIDS")"
R=$D/exec/runtime-runc/gbtest$$
gbid=$("$GLASSBOX" --root "$R" --data-root "$R/data" ps -aq | head -1)
assert_eq "glassbox inspect shows the new memory limit" 50331648 \
    "$("$GLASSBOX" --root "$R" --data-root "$R/data" inspect --json "$gbid" | jq -r .config.resources.memory)"
docker_ exec "$cid" dd if=/dev/zero of=/dev/shm/fill bs=1M count=24 2>/dev/null
if [ -n "$mem" ]; then # v1: the kernel refuses a limit below what it cannot reclaim
    docker_ update --memory 10m "$cid" >/dev/null 2>"$D/err"
    check "docker update below the container's usage fails" test $? -ne 0
    check "and Docker shows the kernel's reason from glassbox-runc" grep -q "Device or resource busy" "$D/err"
    assert_eq "the old limit stays" 50331648 "$(cat "$MEM")"
fi
docker_ rm -f "$cid" >/dev/null
for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
check "docker rm -f ends PID 1" test ! -d "/proc/$pid"
check "and its glassbox record is gone" test ! -e "$R/oci/$cid"
stop_dockerd
left_procs() {
    local f
    for f in /proc/[0-9]*/cmdline; do grep -qsa -- "$D" "$f" && echo "${f//[!0-9]/}"; done
}
assert_eq "no dockerd, containerd or shim of ours left" "" "$(left_procs)"
check "no mount of dockerd's dirs left" bash -c "! grep -q '$D' /proc/self/mountinfo"
check "no cgroup of the container left" bash -c "! find /sys/fs/cgroup -maxdepth 3 -name '${cid:0:12}*' | grep -q ."
finish
