#!/usr/bin/env bash
# The real client (issue 14, docs/oci.md): Debian's dockerd, in a network namespace of its
# own with private directories, given glassbox-runc with --add-runtime; `docker run
# --runtime glassbox` must print, return the exit code, and leave nothing behind.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
. "$(dirname "$0")/../lib/dockerd.sh"  # D, SOCK, docker_, start_dockerd, stop_dockerd

start_dockerd "gbtest$$" --add-runtime "glassbox=$RUNC"

tar -C "$GB_SRC/build/share/glassbox/images/busybox/rootfs" -c . | docker_ import - gbbusybox:oci >/dev/null
check "docker import of the busybox rootfs gives an image" bash -c "/usr/bin/docker -H unix://$SOCK image inspect gbbusybox:oci >/dev/null"

out=$(docker_ run --rm --runtime glassbox --network none gbbusybox:oci echo hi 2>&1)
assert_eq "docker run --runtime glassbox echo hi prints hi" hi "$out"
docker_ run --rm --runtime glassbox --network none gbbusybox:oci sh -c 'exit 3' >/dev/null 2>&1
assert_eq "the exit code comes back through the shim" 3 "$?"
out=$(docker_ run --rm --runtime glassbox --network none gbbusybox:oci sh -c 'echo $$; hostname; cat /proc/self/status | grep NoNewPrivs' 2>&1)
assert_eq "the command is PID 1 of its own namespace" 1 "$(sed -n 1p <<<"$out")"
docker_ run --rm --runtime glassbox --network none gbbusybox:oci no-such-command >/dev/null 2>"$D/err"
assert_eq "a missing command exits 127" 127 "$?"
check "and Docker shows glassbox's error, not 'unable to retrieve OCI runtime error'" \
    grep -q "executable file not found" "$D/err"

assert_eq "--user 1000:1000" 1000 "$(docker_ run --rm --runtime glassbox --network none --user 1000:1000 gbbusybox:oci id -u 2>&1)"
out=$(docker_ run --rm -t --runtime glassbox --network none gbbusybox:oci tty 2>&1 </dev/null | tr -d '\r')
assert_eq "-t: a pty of the container's own devpts, through --console-socket" /dev/pts/0 "$out"

# A detached one: its PID 1 is the shim's child, in a cgroup of ours with Docker's limit.
cid=$(docker_ run -d --runtime glassbox --network none --memory 64m --pids-limit 50 gbbusybox:oci sleep 300)
pid=$(docker_ inspect -f '{{.State.Pid}}' "$cid")
check "docker inspect gives a live host PID ($pid)" test -d "/proc/$pid"
ppid_comm=$(cat "/proc/$(awk '{print $4}' "/proc/$pid/stat")/comm")
assert_eq "its parent is containerd's shim, not glassbox" containerd-shim "$ppid_comm"
for ns in pid mnt uts ipc; do
    check "$ns namespace differs from the host's" test "$(readlink "/proc/$pid/ns/$ns")" != "$(readlink /proc/self/ns/$ns)"
done
mem=$(grep -h memory /proc/$pid/cgroup | head -1 | cut -d: -f3)
lim=$(cat "/sys/fs/cgroup/memory$mem/memory.limit_in_bytes" 2>/dev/null || cat "/sys/fs/cgroup$mem/memory.max")
assert_eq "--memory 64m lands in the kernel" 67108864 "$lim"
pcg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' /proc/$pid/cgroup)
pmax=$(cat "/sys/fs/cgroup/pids$pcg/pids.max" 2>/dev/null || cat "/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' /proc/$pid/cgroup)/pids.max")
assert_eq "--pids-limit 50 lands in the kernel" 50 "$pmax"
out=$(docker_ run --rm --runtime glassbox --network none --read-only gbbusybox:oci \
    sh -c 'touch /x 2>&1; grep " / " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1')
assert_contains "--read-only: the root refuses a write" "Read-only file system" "$out"
assert_eq "--read-only: / is mounted ro" ro "$(tail -1 <<<"$out")"
# containerd's shim gives --root EXEC_ROOT/runtime-runc/NAMESPACE: glassbox's state is there.
R=$D/exec/runtime-runc/gbtest$$
check "glassbox-runc keeps its record under the shim's --root" test -d "$R/oci/$cid"
check "glassbox ps lists Docker's container" \
    bash -c "$GLASSBOX --root '$R' --data-root '$R/data' ps -a | grep -q '${cid:0:63}'"
out=$(docker_ exec "$cid" sh -c 'tr "\0" " " < /proc/1/cmdline; grep NSpid /proc/self/status' 2>&1)
assert_eq "docker exec: runs beside PID 1 in its PID namespace" "sleep 300" "$(head -1 <<<"$out" | sed 's/ *NSpid.*//; s/ $//')"
nspid=$(grep -oE 'NSpid:\s+[0-9]+$' <<<"$out" | grep -oE '[0-9]+$')
check "docker exec: a PID of the container's own namespace (NSpid inside: ${nspid:-none})" \
    test -n "$nspid" -a "${nspid:-0}" -gt 1 -a "${nspid:-999}" -lt 50
docker_ exec "$cid" sh -c 'exit 5'
assert_eq "docker exec: the exit code" 5 "$?"
docker_ exec "$cid" no-such-command >/dev/null 2>"$D/err"
assert_eq "docker exec: a missing command exits 126 or 127" yes "$(case $? in 126|127) echo yes;; *) echo no;; esac)"
docker_ pause "$cid" >/dev/null
assert_eq "docker pause: the kernel's freezer holds PID 1" frozen "$(frozen "$pid")"
docker_ unpause "$cid" >/dev/null
assert_eq "docker unpause: thawed" "" "$(frozen "$pid")"
docker_ stop -t 1 "$cid" >/dev/null
assert_eq "docker stop: SIGTERM is ignored by sleep as PID 1, SIGKILL after the grace" 137 \
    "$(docker_ inspect -f '{{.State.ExitCode}}' "$cid")"
docker_ rm -f "$cid" >/dev/null
for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
check "docker rm -f ends PID 1" test ! -d "/proc/$pid"
check "and its glassbox record is gone" test ! -e "$R/oci/$cid"
check "and its glassbox state" bash -c "[ -z \"\$(ls -A '$R/containers')\" ]"

stop_dockerd
check "dockerd stopped" test ! -e "$D/dockerd.pid"
check "no mount of dockerd's dirs left" bash -c "! grep -q '$D' /proc/self/mountinfo"
assert_eq "no dockerd, containerd or shim of ours left" "" "$(left_procs)"
check "no cgroup of Docker's containers left" bash -c "! find /sys/fs/cgroup -maxdepth 3 -name '${cid:0:12}*' | grep -q ."
finish
