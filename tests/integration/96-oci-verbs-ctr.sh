#!/usr/bin/env bash
# `ctr task ps` through containerd's runc v2 shim on a task of glassbox-runc (issue 14,
# docs/oci.md), with containerd set up as in test 98-oci-ctr (its own root, state, socket,
# mount and network namespace). The runc binary containerd is given is a script that logs
# each argv and execs glassbox-runc, so the test sees the shim call `ps --format json`.
if [ -z "${GB_96_CTR_INNER:-}" ]; then
    command -v unshare >/dev/null || { echo "SKIP: needs unshare (util-linux)" >&2; exit 77; }
    GB_96_CTR_INNER=1 exec unshare --mount --net --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
GBRUNC=$(dirname "$GLASSBOX")/glassbox-runc
T96=$GB_TEST_ROOT/ctr-runc
mkdir -p "$T96"
RUNC=$T96/runc-logged
printf '#!/bin/sh\necho "$*" >> "%s/argv.log"\nexec "%s" "$@"\n' "$T96" "$GBRUNC" > "$RUNC"
chmod 755 "$RUNC"
. "$(dirname "$0")/../lib/containerd.sh"
check "ctr image import of an OCI archive of the busybox rootfs" bash -c "ctr --address '$D/containerd.sock' --namespace $NS image ls -q | grep -qx '$IMG'"

run_ -d "$IMG" c1 sh -c 'sleep 300 & sleep 301; exit 0' >/dev/null
pid=$(ctr_ task ls | awk '$1 == "c1" {print $2}')
check "a detached task runs (PID ${pid:-none})" test -n "$pid" -a -d "/proc/${pid:-0}"
for _ in $(seq 50); do [ "$(pgrep -P "${pid:-1}" | wc -l)" -ge 2 ] && break; sleep 0.1; done
want=$(echo "$pid" $(pgrep -P "${pid:-1}") | tr ' ' '\n' | sort -n | tr '\n' ' ')
out=$(ctr_ task ps c1)
check "containerd's shim called glassbox-runc ps --format json" grep -q "ps --format json c1" "$T96/argv.log"
assert_eq "ctr task ps: PID 1 and its two sleeps, as /proc shows them" "$want" \
    "$(tail -n +2 <<< "$out" | awk '{print $1}' | sort -n | tr '\n' ' ')"
ctr_ task kill -s SIGKILL c1
for _ in $(seq 50); do [ "$(ctr_ task ls | awk '$1 == "c1" {print $3}')" = STOPPED ] && break; sleep 0.1; done
ctr_ task rm c1 >/dev/null
ctr_ container rm c1
check "ctr task rm: its glassbox record is gone" test ! -e "$R/oci/c1"
stop_containerd
assert_eq "no containerd or shim of ours left" "" "$(left_procs)"
# the task's cgroup is containerd's /NAMESPACE/ID: glassbox-runc removes ID, the parent is
# containerd's (as with runc), which this test made and removes
check "no cgroup of the container left ($NS/c1)" bash -c "! find /sys/fs/cgroup -maxdepth 3 -path '*/$NS/c1' | grep -q ."
rm_cgroup_parent "$NS"
check "nor containerd's parent cgroup $NS" bash -c "! find /sys/fs/cgroup -maxdepth 2 -name '$NS' | grep -q ."
finish
