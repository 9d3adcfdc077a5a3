#!/usr/bin/env bash
# containerd drives glassbox-runc (issue 14, docs/oci.md): `ctr run --runc-binary`, through
# containerd's runc v2 shim, as a Kubernetes node's RuntimeClass would. A containerd of the
# test's own (root, state, socket, no CRI plugin) in a mount and network namespace of its
# own: /run/containerd is a private tmpfs there, so nothing of the host's containerd is
# seen or touched; the image is an OCI archive of the busybox rootfs (`ctr image import`).
if [ -z "${GB_98_CTR_INNER:-}" ]; then
    command -v unshare >/dev/null || { echo "SKIP: needs unshare (util-linux)" >&2; exit 77; }
    GB_98_CTR_INNER=1 exec unshare --mount --net --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
. "$(dirname "$0")/../lib/containerd.sh"
check "ctr image import of an OCI archive of the busybox rootfs" bash -c "ctr --address '$D/containerd.sock' --namespace $NS image ls -q | grep -qx '$IMG'"

out=$(run_ --rm "$IMG" t1 echo hi 2>&1)
assert_eq "ctr run --runc-binary glassbox-runc: echo hi prints hi" hi "$out"
run_ --rm "$IMG" t2 sh -c 'exit 3' >/dev/null 2>&1
assert_eq "the exit code comes back through containerd's shim" 3 "$?"
out=$(run_ --rm "$IMG" t3 sh -c 'echo $$; cat /proc/self/uid_map | wc -l' 2>&1)
assert_eq "the command is PID 1 of its own namespace" 1 "$(sed -n 1p <<<"$out")"
run_ --rm "$IMG" t4 no-such-command >/dev/null 2>"$D/err"
check "a missing command fails" test $? -ne 0
check "and ctr shows glassbox's error" grep -q "executable file not found" "$D/err"
check "and nothing of it stays in glassbox's root" bash -c "[ -z \"\$(ls -A '$R/oci' 2>/dev/null)\" ]"

if command -v script >/dev/null; then # ctr -t wants a terminal of its own: script(1) gives one
    out=$(script -qec "ctr --address '$D/containerd.sock' --namespace $NS run --snapshotter native --runc-binary '$RUNC' --runc-root '$D/gbroot' -t --rm $IMG t5 tty" /dev/null </dev/null | grep -o '/dev/pts/[0-9]*')
    assert_eq "-t: a pty of the container's devpts, through the shim's console socket" /dev/pts/0 "$out"
fi

# Detached: containerd's shim (a subreaper) is PID 1's parent; the limit is in the kernel.
run_ -d --memory-limit 67108864 "$IMG" c1 sleep 300 >/dev/null
pid=$(ctr_ task ls | awk '$1 == "c1" {print $2}')
check "ctr task ls gives a live host PID (${pid:-none})" test -n "$pid" -a -d "/proc/${pid:-0}"
assert_eq "its parent is containerd's shim, not glassbox" containerd-shim "$(cat "/proc/$(awk '{print $4}' "/proc/$pid/stat")/comm")"
assert_eq "ctr task ls: RUNNING" RUNNING "$(ctr_ task ls | awk '$1 == "c1" {print $3}')"
for ns in pid mnt uts ipc net; do
    check "$ns namespace differs from ours" test "$(readlink "/proc/$pid/ns/$ns")" != "$(readlink /proc/self/ns/$ns)"
done
mem=$(grep -h memory /proc/$pid/cgroup | head -1 | cut -d: -f3)
lim=$(cat "/sys/fs/cgroup/memory$mem/memory.limit_in_bytes" 2>/dev/null || cat "/sys/fs/cgroup$mem/memory.max")
assert_eq "--memory-limit lands in the kernel" 67108864 "$lim"
check "glassbox-runc keeps its record under --runc-root/NAMESPACE" test -d "$R/oci/c1"
check "glassbox ps lists containerd's container" \
    bash -c "$GLASSBOX --root '$R' --data-root '$R/data' ps -a | grep -q c1"

out=$(ctr_ task exec --exec-id e1 c1 sh -c 'tr "\0" " " < /proc/1/cmdline; echo; grep NSpid /proc/self/status' 2>&1)
assert_eq "ctr task exec: beside PID 1 in its PID namespace" "sleep 300" "$(head -1 <<<"$out" | sed 's/ $//')"
ctr_ task exec --exec-id e2 c1 sh -c 'exit 5' >/dev/null 2>&1
assert_eq "ctr task exec: the exit code" 5 "$?"
ctr_ task pause c1
assert_eq "ctr task pause: the kernel's freezer holds PID 1" frozen "$(frozen "$pid")"
ctr_ task resume c1
assert_eq "ctr task resume: thawed" "" "$(frozen "$pid")"
ctr_ task kill -s SIGKILL c1
for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
check "ctr task kill -s SIGKILL ends PID 1" test ! -d "/proc/$pid"
for _ in $(seq 50); do [ "$(ctr_ task ls | awk '$1 == "c1" {print $3}')" = STOPPED ] && break; sleep 0.1; done
assert_eq "ctr task ls: STOPPED (the shim reaped it)" STOPPED "$(ctr_ task ls | awk '$1 == "c1" {print $3}')"
ctr_ task rm c1 >/dev/null
ctr_ container rm c1
check "ctr task rm: its glassbox record is gone" test ! -e "$R/oci/c1"
assert_eq "and its glassbox state" "" "$(ls -A "$R/containers")"

stop_containerd
check "containerd stopped" test ! -e "$D/containerd.pid"
assert_eq "no containerd or shim of ours left" "" "$(left_procs)"
# the task's cgroup is containerd's /NAMESPACE/ID: glassbox-runc removes ID, the parent is
# containerd's (as with runc), which this test made and removes
check "no cgroup of the container left ($NS/c1)" bash -c "! find /sys/fs/cgroup -maxdepth 3 -path '*/$NS/c1' | grep -q ."
rm_cgroup_parent "$NS"
check "nor containerd's parent cgroup $NS" bash -c "! find /sys/fs/cgroup -maxdepth 2 -name '$NS' | grep -q ."
finish
