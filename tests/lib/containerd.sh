# A containerd of the test's own (tests 98-oci-ctr, 96-oci-verbs-ctr): its own root, state
# and socket, no CRI plugin, in the mount and network namespace the test re-executed itself
# in (/run/containerd is a private tmpfs there, so nothing of the host's containerd is seen
# or touched). Source after common.sh with RUNC set (the runtime binary the shim is given);
# sets D, NS (the containerd namespace, also the cgroup parent of its tasks), R
# (glassbox-runc's --root: the shim gives --runc-root's dir/NAMESPACE), ctr_, run_ and IMG
# (the busybox rootfs imported from an OCI archive). At exit the tasks, containers,
# containerd, the shims and the task cgroups' parent are removed.
command -v containerd >/dev/null || skip "needs containerd"
command -v ctr >/dev/null || skip "needs ctr (containerd's client)"
command -v containerd-shim-runc-v2 >/dev/null || skip "needs containerd-shim-runc-v2"
. "$(dirname "${BASH_SOURCE[0]}")/oci_image.sh"

D=$GB_TEST_ROOT/ctr
NS=gbtest$$
R=$D/gbroot/$NS
mkdir -p "$D"
chmod 711 "$GB_TEST_ROOT"
mkdir -p /run/containerd && mount -t tmpfs gbtest-ctr /run/containerd || skip "cannot mount a private tmpfs on /run/containerd"
cat > "$D/config.toml" <<TOML
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
TOML
ctr_() { timeout 120 ctr --address "$D/containerd.sock" --namespace "$NS" "$@"; }
run_() { ctr_ run --snapshotter native --runc-binary "$RUNC" --runc-root "$D/gbroot" "$@"; }
stop_containerd() { stop_by_pidfile "$D/containerd.pid"; }
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
    rm_cgroup_parent "$NS" # containerd's /NAMESPACE/ID: the shim leaves the parent
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
