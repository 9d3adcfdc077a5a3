#!/usr/bin/env bash
# podman drives glassbox-runc (issue 14, docs/oci.md): `podman --runtime glassbox-runc`,
# through conmon 2.1, with podman's own storage and state in the test's directory (never the
# host's /var/lib/containers). podman passes no --root to the runtime (nor does the
# `podman container cleanup` that conmon starts when a container exits), so glassbox-runc
# keeps its records in its default /run/glassbox-runc. The whole test runs in a mount and
# network namespace of its own: /run/glassbox-runc and podman's /run/containers are private
# tmpfs mounts there, and no network of the host is seen or touched. podman's default
# rlimits (1048576 open files and processes) need CAP_SYS_RESOURCE to raise, which CI and
# this host may lack (runc then fails alike): containers.conf asks for 1024.
if [ -z "${GB_98_PODMAN_INNER:-}" ]; then
    command -v unshare >/dev/null || { echo "SKIP: needs unshare (util-linux)" >&2; exit 77; }
    GB_98_PODMAN_INNER=1 exec unshare --mount --net --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
command -v podman >/dev/null || skip "needs podman (Debian's podman)"
command -v conmon >/dev/null || skip "needs conmon (podman's monitor)"

D=$GB_TEST_ROOT/podman
R=/run/glassbox-runc                       # glassbox-runc's default --root, as root
mkdir -p "$D/tmp" "$D/net"
for d in /run/containers "$R"; do
    mount -t tmpfs gbtest-podman "$d" 2>/dev/null || { mkdir -p "$d" && mount -t tmpfs gbtest-podman "$d"; } ||
        skip "cannot mount a private tmpfs on $d"
done
cat > "$D/storage.conf" <<EOF
[storage]
driver = "vfs"
runroot = "$D/runroot"
graphroot = "$D/root"
EOF
cat > "$D/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$D/events.log"
tmp_dir = "$D/tmp"
static_dir = "$D/root/libpod"
volume_path = "$D/volumes"
[network]
network_config_dir = "$D/net"
EOF
export CONTAINERS_STORAGE_CONF=$D/storage.conf CONTAINERS_CONF=$D/containers.conf
pm() {
    timeout 120 podman --root "$D/root" --runroot "$D/runroot" --storage-driver vfs \
        --cgroup-manager cgroupfs --events-backend file --tmpdir "$D/tmp" \
        --runtime "$RUNC" "$@"
}
left_procs() { # processes whose command line names our dirs (conmon, containers)
    local f
    for f in /proc/[0-9]*/cmdline; do grep -qsa -- "$D" "$f" && echo "${f//[!0-9]/}"; done
}
# podman's cgroupfs parent is a fixed libpod_parent/: removed at exit only when this test
# made it (a host's own podman may have it).
OWN_LIBPOD=1
for d in /sys/fs/cgroup/libpod_parent /sys/fs/cgroup/*/libpod_parent; do [ -d "$d" ] && OWN_LIBPOD=; done
cleanup_podman() {
    pm rm -af -t 0 >/dev/null 2>&1
    for p in $(left_procs); do kill -KILL "$p" 2>/dev/null; done
    [ -n "$OWN_LIBPOD" ] && rm_cgroup_parent libpod_parent
    gb_cleanup
}
trap cleanup_podman EXIT

tar -C "$GB_SRC/build/share/glassbox/images/busybox/rootfs" -c . | pm import - gbbusybox:oci >/dev/null 2>"$D/err"
pm image exists gbbusybox:oci || { cat "$D/err"; skip "podman import failed (its error above)"; }
ok "podman import of the busybox rootfs gives an image"

out=$(pm run --rm --network none gbbusybox:oci echo hi 2>&1)
assert_eq "podman run --runtime glassbox-runc echo hi prints hi" hi "$out"
pm run --rm --network none gbbusybox:oci sh -c 'exit 3' >/dev/null 2>&1
assert_eq "the exit code comes back through conmon" 3 "$?"
pm run --rm --network none gbbusybox:oci no-such-command >/dev/null 2>"$D/err"
assert_eq "a missing command exits 127 (podman matches runc's words)" 127 "$?"
check "and podman shows glassbox's error" grep -q "executable file not found" "$D/err"
out=$(pm run --rm --network none gbbusybox:oci sh -c 'echo $$; grep NoNewPrivs /proc/self/status' 2>&1)
assert_eq "the command is PID 1 of its own namespace" 1 "$(sed -n 1p <<<"$out")"
assert_eq "--user 1000:1000" 1000 "$(pm run --rm --network none --user 1000:1000 gbbusybox:oci id -u 2>&1)"
assert_eq "--group-add: process.user.additionalGids, set by setgroups" "1000 5 6" \
    "$(pm run --rm --network none --user 1000:1000 --group-add 5 --group-add 6 gbbusybox:oci id -G 2>&1)"
out=$(pm run --rm -t --network none gbbusybox:oci tty 2>&1 </dev/null | tr -d '\r')
assert_eq "-t: a pty of the container's devpts, through conmon's console socket" /dev/pts/0 "$out"

# Detached: conmon (a subreaper) is PID 1's parent; the limit lands in the kernel.
cid=$(pm run -d --network none --memory 64m gbbusybox:oci sleep 300)
pid=$(pm inspect -f '{{.State.Pid}}' "$cid")
check "podman inspect gives a live host PID ($pid)" test -d "/proc/${pid:-0}"
assert_eq "its parent is conmon, not glassbox" conmon "$(cat "/proc/$(awk '{print $4}' "/proc/$pid/stat")/comm")"
for ns in pid mnt uts ipc; do
    check "$ns namespace differs from ours" test "$(readlink "/proc/$pid/ns/$ns")" != "$(readlink /proc/self/ns/$ns)"
done
mem=$(grep -h memory /proc/$pid/cgroup | head -1 | cut -d: -f3)
lim=$(cat "/sys/fs/cgroup/memory$mem/memory.limit_in_bytes" 2>/dev/null || cat "/sys/fs/cgroup$mem/memory.max")
assert_eq "--memory 64m lands in the kernel" 67108864 "$lim"
assert_eq "process.rlimits (containers.conf's default_ulimits) in PID 1's limits" "1024 1024" \
    "$(awk '/^Max open files/ {print $4, $5}' /proc/$pid/limits)"
check "glassbox-runc keeps its record in its default root (podman gives none)" test -d "$R/oci/$cid"
check "glassbox ps lists podman's container" \
    bash -c "$GLASSBOX --root '$R' --data-root '$R/data' ps -a | grep -q '${cid:0:63}'"

out=$(pm exec "$cid" sh -c 'tr "\0" " " < /proc/1/cmdline; echo; grep NSpid /proc/self/status' 2>&1)
assert_eq "podman exec: beside PID 1 in its PID namespace" "sleep 300" "$(head -1 <<<"$out" | sed 's/ $//')"
pm exec "$cid" sh -c 'exit 5'
assert_eq "podman exec: the exit code" 5 "$?"
pm exec "$cid" no-such-command >/dev/null 2>&1
assert_eq "podman exec: a missing command exits 127" 127 "$?"
out=$(pm exec -t "$cid" sh -c 'tty; readlink /proc/self/fd/0; readlink /proc/1/fd/0' 2>&1 </dev/null | tr -d '\r')
assert_eq "podman exec -t: a pty of the container's own devpts (exec --tty --console-socket)" \
    /dev/pts/0 "$(sed -n 1p <<<"$out")"
assert_eq "podman exec -t: it is the command's stdin" /dev/pts/0 "$(sed -n 2p <<<"$out")"
check "podman exec -t: PID 1 (not a terminal) keeps its own stdin" test "$(sed -n 3p <<<"$out")" != /dev/pts/0
assert_contains "podman top: reads the container's processes" "sleep 300" "$(pm top "$cid" 2>&1)"
pm pause "$cid" >/dev/null
assert_eq "podman pause: the kernel's freezer holds PID 1" frozen "$(frozen "$pid")"
pm unpause "$cid" >/dev/null
assert_eq "podman unpause: thawed" "" "$(frozen "$pid")"
pm stop -t 1 "$cid" >/dev/null 2>&1
assert_eq "podman stop: SIGTERM ignored by sleep as PID 1, SIGKILL after the grace" 137 \
    "$(pm inspect -f '{{.State.ExitCode}}' "$cid")"
check "podman stop ended PID 1" test ! -d "/proc/$pid"
pm rm "$cid" >/dev/null
check "podman rm: its glassbox record is gone" test ! -e "$R/oci/$cid"
assert_eq "and its glassbox state" "" "$(ls -A "$R/containers")"
check "no cgroup of the container left" bash -c "! find /sys/fs/cgroup -maxdepth 3 -name '${cid:0:12}*' | grep -q ."

# --uidmap: a user namespace with config.json's linux.uidMappings (podman gives the layer to
# the mapped ids); the kernel's own uid_map of PID 1 says what glassbox wrote.
cid=$(pm run -d --network none --uidmap 0:100000:65536 --gidmap 0:100000:65536 gbbusybox:oci sleep 300 2>"$D/err")
pid=$(pm inspect -f '{{.State.Pid}}' "$cid" 2>/dev/null)
assert_eq "--uidmap: PID 1's uid_map, from the host" "0 100000 65536" \
    "$(awk '{print $1, $2, $3}' "/proc/${pid:-0}/uid_map" 2>/dev/null || cat "$D/err")"
assert_eq "--uidmap: its gid_map" "0 100000 65536" "$(awk '{print $1, $2, $3}' "/proc/${pid:-0}/gid_map" 2>/dev/null)"
check "--uidmap: a user namespace of its own" test "$(readlink "/proc/${pid:-0}/ns/user")" != "$(readlink /proc/self/ns/user)"
assert_eq "--uidmap: root inside is uid 100000 outside" 100000 "$(awk '/^Uid:/ {print $2}' "/proc/${pid:-0}/status" 2>/dev/null)"
assert_eq "--uidmap: and root inside" 0 "$(pm exec "$cid" id -u 2>&1)"
pm rm -f -t 0 "$cid" >/dev/null 2>&1
check "--uidmap: rm -f ends it" test ! -d "/proc/${pid:-0}"

# A bad config (here: no such user) fails at create with glassbox's error; nothing stays.
pm run --rm --network none --user nosuchuser gbbusybox:oci true >/dev/null 2>"$D/err"
check "a user the image lacks is refused" test $? -ne 0
assert_eq "and nothing of it is left in glassbox's root" "" "$(ls -A "$R/containers" "$R/oci" | grep -v ':$' | grep .)"
assert_eq "no podman container left" "" "$(pm ps -aq)"
assert_eq "no conmon or container process of ours left" "" "$(left_procs)"
finish
