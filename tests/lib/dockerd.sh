# A dockerd of the test's own (tests 97, 97-oci-docker-net, 98-oci-viz): Debian's dockerd in
# a network namespace of its own (loopback up, so a published port can listen on
# 127.0.0.1 there), with private --data-root, --exec-root, socket and containerd
# namespace, `--bridge=none` and no iptables: the host's Docker and network are untouched.
# Source after common.sh; D, SOCK, CGPARENT (the containers' parent cgroup) and docker_
# are set here.

command -v dockerd >/dev/null || skip "needs dockerd (Debian's docker.io)"
[ -x /usr/bin/docker ] || skip "needs Debian's docker client /usr/bin/docker"
command -v containerd >/dev/null || skip "needs containerd"
command -v unshare >/dev/null || skip "needs unshare (util-linux)"
command -v ip >/dev/null || skip "needs ip (iproute2)"

D=$GB_TEST_ROOT/docker
SOCK=$D/docker.sock
mkdir -p "$D"
chmod 711 "$GB_TEST_ROOT"
docker_() { /usr/bin/docker -H "unix://$SOCK" "$@"; }
stop_dockerd() { stop_by_pidfile "$D/dockerd.pid"; }
# The containers' cgroups go below a parent of this test's own (dockerd's default is a
# shared /docker), removed at exit.
CGPARENT=gbdocker$$
trap '[ -e "$D/dockerd.pid" ] && docker_ rm -f $(docker_ ps -aq) >/dev/null 2>&1; stop_dockerd; umount -R "$D/data" 2>/dev/null; umount -R "$D/exec" 2>/dev/null; rm_cgroup_parent "$CGPARENT"; gb_cleanup' EXIT

# start_dockerd NAME [ARGS...]: containerd namespaces NAME and NAMEp; ARGS go to dockerd
# (--add-runtime, --config-file...). Skips (77) when it does not answer.
start_dockerd() {
    local ns=$1
    shift
    unshare --net --fork --kill-child setsid sh -c 'ip link set lo up && exec "$0" "$@"' dockerd \
        --data-root "$D/data" --exec-root "$D/exec" -H "unix://$SOCK" --pidfile "$D/dockerd.pid" \
        --containerd-namespace "$ns" --containerd-plugins-namespace "${ns}p" \
        --bridge=none --iptables=false --ip-masq=false --ip6tables=false \
        --cgroup-parent "/$CGPARENT" "$@" >"$D/dockerd.log" 2>&1 &
    for _ in $(seq 150); do docker_ version >/dev/null 2>&1 && break; sleep 0.2; done
    docker_ version >/dev/null 2>&1 || { tail -20 "$D/dockerd.log"; skip "dockerd did not start (log above)"; }
    ok "dockerd answers on its own socket"
}

# The busybox rootfs as image gbbusybox:oci.
import_busybox() {
    tar -C "$GB_SRC/build/share/glassbox/images/busybox/rootfs" -c . | docker_ import - gbbusybox:oci >/dev/null
}

left_procs() { # processes whose command line names our dirs (dockerd, containerd, shims)
    local f
    for f in /proc/[0-9]*/cmdline; do grep -qsa -- "$D" "$f" && echo "${f//[!0-9]/}"; done
}
