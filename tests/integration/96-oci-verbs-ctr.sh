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
. "$(dirname "$0")/../lib/oci_image.sh"
need_root
command -v containerd >/dev/null || skip "needs containerd"
command -v ctr >/dev/null || skip "needs ctr (containerd's client)"
command -v containerd-shim-runc-v2 >/dev/null || skip "needs containerd-shim-runc-v2"

D=$GB_TEST_ROOT/ctr
GBRUNC=$(dirname "$GLASSBOX")/glassbox-runc
NS=gbtest$$
R=$D/gbroot/$NS # glassbox-runc's --root: the shim gives --runc-root's dir/NAMESPACE
mkdir -p "$D"
chmod 711 "$GB_TEST_ROOT"
RUNC=$D/runc-logged
printf '#!/bin/sh\necho "$*" >> "%s/argv.log"\nexec "%s" "$@"\n' "$D" "$GBRUNC" > "$RUNC"
chmod 755 "$RUNC"
mkdir -p /run/containerd && mount -t tmpfs gbtest-ctr /run/containerd || skip "cannot mount a private tmpfs on /run/containerd"
cat > "$D/config.toml" <<EOF
version = 2
root = "$D/root"
state = "$D/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$D/containerd.sock"
[ttrpc]
  address = "$D/containerd.sock.ttrpc"
[debug]
  address = ""
EOF
ctr_() { timeout 120 ctr --address "$D/containerd.sock" --namespace "$NS" "$@"; }
run_() { ctr_ run --snapshotter native --runc-binary "$RUNC" --runc-root "$D/gbroot" "$@"; }
stop_containerd() {
    local pid
    pid=$(cat "$D/containerd.pid" 2>/dev/null) || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    rm -f "$D/containerd.pid"
}
left_procs() { # processes whose command line names our dirs or namespace (containerd, shims)
    local f
    for f in /proc/[0-9]*/cmdline; do grep -qsa -e "$D" -e "$NS" "$f" && echo "${f//[!0-9]/}"; done
}
cleanup_ctr() {
    if [ -e "$D/containerd.pid" ]; then
        for c in $(ctr_ task ls -q 2>/dev/null); do ctr_ task kill -s SIGKILL "$c" >/dev/null 2>&1; done
        sleep 0.5
        for c in $(ctr_ task ls -q 2>/dev/null); do ctr_ task rm -f "$c" >/dev/null 2>&1; done
        for c in $(ctr_ container ls -q 2>/dev/null); do ctr_ container rm "$c" >/dev/null 2>&1; done
    fi
    stop_containerd
    for p in $(left_procs); do kill -KILL "$p" 2>/dev/null; done
    gb_cleanup
}
trap cleanup_ctr EXIT

containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 &
echo $! > "$D/containerd.pid"
for _ in $(seq 100); do ctr_ version >/dev/null 2>&1 && break; sleep 0.2; done
ctr_ version >/dev/null 2>&1 || { tail -20 "$D/containerd.log"; skip "containerd did not start (log above)"; }
ok "containerd answers on its own socket"

oci_image_archive "$GB_SRC/build/share/glassbox/images/busybox/rootfs" docker.io/library/gbbusybox:oci "$D/image.tar"
ctr_ image import --snapshotter native "$D/image.tar" >"$D/err" 2>&1 || cat "$D/err"
IMG=docker.io/library/gbbusybox:oci
check "ctr image import of an OCI archive of the busybox rootfs" bash -c "ctr --address '$D/containerd.sock' --namespace $NS image ls -q | grep -qx '$IMG'"

run_ -d "$IMG" c1 sh -c 'sleep 300 & sleep 301; exit 0' >/dev/null
pid=$(ctr_ task ls | awk '$1 == "c1" {print $2}')
check "a detached task runs (PID ${pid:-none})" test -n "$pid" -a -d "/proc/${pid:-0}"
for _ in $(seq 50); do [ "$(pgrep -P "${pid:-1}" | wc -l)" -ge 2 ] && break; sleep 0.1; done
want=$(echo "$pid" $(pgrep -P "${pid:-1}") | tr ' ' '\n' | sort -n | tr '\n' ' ')
out=$(ctr_ task ps c1)
check "containerd's shim called glassbox-runc ps --format json" grep -q "ps --format json c1" "$D/argv.log"
assert_eq "ctr task ps: PID 1 and its two sleeps, as /proc shows them" "$want" \
    "$(tail -n +2 <<< "$out" | awk '{print $1}' | sort -n | tr '\n' ' ')"
ctr_ task kill -s SIGKILL c1
for _ in $(seq 50); do [ "$(ctr_ task ls | awk '$1 == "c1" {print $3}')" = STOPPED ] && break; sleep 0.1; done
ctr_ task rm c1 >/dev/null
ctr_ container rm c1
check "ctr task rm: its glassbox record is gone" test ! -e "$R/oci/c1"
stop_containerd
assert_eq "no containerd or shim of ours left" "" "$(left_procs)"
check "no cgroup of the container left" bash -c "! find /sys/fs/cgroup -maxdepth 3 -path '*glassbox*' -name 'c1' | grep -q ."
finish
