#!/usr/bin/env bash
# glassbox-runc and the parts of the runtime-spec that runtime-tools' validation suite
# checks (docs/oci.md): each read back from the kernel (mountinfo, /proc/PID/cgroup,
# /proc/sys, device nodes), on a bundle of the busybox image, from a subreaper as in 96.
. "$(dirname "$0")/../lib/oci_subreaper.sh"  # re-run from a subreaper, as a shim would
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
oci_bundle "$B" '["sleep","300"]'
cp "$B/config.json" "$B/base.json"
holder=
cleanup_oci() { [ -n "$holder" ] && kill "$holder" 2>/dev/null; for c in m1 g1 g2 s1 s2 p1 u1 u2 d1 n1 c1 e1 f-oci-mounts f-mount-join f-sysctl; do runc_ delete --force $c >/dev/null 2>&1; done; gb_cleanup; }
trap cleanup_oci EXIT
# edit JQ: config.json = base.json with the jq filter JQ applied
# up ID: create and start; PID 1's host pid in $pid
up() {
    runc_ create --bundle "$B" --pid-file "$B/$1.pid" "$1" || return 1
    pid=$(cat "$B/$1.pid")
    runc_ start "$1"
}
# mountpoints PID: PID 1's mount points, in mountinfo's order (the order they were made)
mountpoints() { awk '{print $5}' "/proc/$1/mountinfo" | tr '\n' ' '; }

# 1. mounts in config.json's order (runtime-spec: "MUST mount entries in the listed order"):
# /sys first, then /dev/shm before /dev/pts, /proc last; glassbox run's own order would be
# /proc, /sys, /dev.
edit '.mounts = [.mounts[5], .mounts[1], .mounts[3], .mounts[2], .mounts[0], .mounts[7]]'
up m1
assert_eq "start with a reordered mounts list" 0 "$?"
assert_eq "mountinfo lists config.json's mounts in its order" \
    "/ /sys /dev /dev/shm /dev/pts /proc /mnt/data " \
    "$(mountpoints "$pid" | sed 's| /proc/[a-z/_-]*| |g; s| /sys/[a-z/_-]*| |g; s|  *| |g')"
assert_eq "/dev/shm has the source config.json names" shm "$(awk '$5 == "/dev/shm" {print $(NF-1)}' "/proc/$pid/mountinfo")"
assert_eq "/sys is read-only (options ro)" ro "$(awk '$5 == "/sys" {split($6, o, ","); print o[1]}' "/proc/$pid/mountinfo")"
check "the default devices are there: /dev/null is char 1:3" \
    test "$(stat -c '%F %t:%T' "/proc/$pid/root/dev/null")" = "character special file 1:3"
check "and /dev/ptmx links to pts/ptmx" test "$(readlink "/proc/$pid/root/dev/ptmx")" = pts/ptmx
runc_ delete --force m1
assert_eq "delete" 0 "$?"

# A mount target below a symlink of the root is resolved inside the root
# (RESOLVE_IN_ROOT): a link to a host path that the root lacks is refused, and the host's
# directory of that name gets nothing.
outside=$GB_TEST_ROOT/outside
mkdir -p "$outside"
ln -s "$outside" "$B/rootfs/escape"
edit '.mounts += [{"destination": "/escape/sub", "type": "tmpfs", "source": "tmpfs"}]'
runc_ create --bundle "$B" --pid-file "$B/x.pid" e1 2>/dev/null
check "a mount below a link to a host path is refused" test $? -ne 0
check "naming the mount point" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q /escape/sub"
check "the host's directory got nothing" test -z "$(ls -A "$outside")"
check "and no mount is on it" bash -c "! grep -q ' $outside' /proc/self/mountinfo"
check "nothing left of the refused create" bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1 2>/dev/null)\" ] && ! grep -q '$B' /proc/self/mountinfo"
rm "$B/rootfs/escape"

# 2. linux.cgroupsPath: the container's cgroup is where config.json says, with the limits
# of linux.resources there; delete removes it (and leaves the client's parent, as runc).
# cgroupfs form (/PARENT/ID), then systemd's slice:prefix:name in its cgroupfs place.
cgp=gbtest-oci-$$
pids_dir() { # the pids controller's dir of cgroup path $1 (v1 or cgroup2)
    if [ -d /sys/fs/cgroup/pids ]; then echo "/sys/fs/cgroup/pids/$1"; else echo "/sys/fs/cgroup/$1"; fi
}
edit ".linux.cgroupsPath = \"/$cgp/g1\" | .linux.resources.pids.limit = 33"
up g1
assert_eq "start with cgroupsPath /$cgp/g1" 0 "$?"
check "PID 1's cgroup (/proc/PID/cgroup) is /$cgp/g1" grep -q ":/$cgp/g1\$" "/proc/$pid/cgroup"
assert_eq "linux.resources.pids.limit is written there" 33 "$(cat "$(pids_dir "$cgp/g1")/pids.max")"
runc_ delete --force g1
check "delete removes the cgroup" test ! -d "$(pids_dir "$cgp/g1")"
# systemd nests slices by their dashes: gbtest-NNN.slice lives in gbtest.slice
slice=gbtest-$$.slice
edit ".linux.cgroupsPath = \"$slice:gbtest:g2\""
up g2
assert_eq "start with a systemd cgroupsPath" 0 "$?"
check "PID 1 is in gbtest.slice/$slice/gbtest-g2.scope" grep -q ":/gbtest.slice/$slice/gbtest-g2.scope\$" "/proc/$pid/cgroup"
runc_ delete --force g2
check "delete removes it" test ! -d "$(pids_dir "gbtest.slice/$slice/gbtest-g2.scope")"
for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    rmdir "$d$cgp" "$d/gbtest.slice/$slice" 2>/dev/null; rmdir "$d/gbtest.slice" 2>/dev/null
done
# linux.resources.cpu.cpus/mems: the v1 cpuset hierarchy (hybrid and v1 hosts)
if [ -f /sys/fs/cgroup/cpuset/cpuset.cpus ]; then
    edit ".linux.cgroupsPath = \"/$cgp/c1\" | .linux.resources.cpu = {\"cpus\": \"0\", \"mems\": \"0\"}"
    up c1
    assert_eq "start with cpu.cpus 0" 0 "$?"
    check "PID 1 is in cpuset:/$cgp/c1" grep -q ":cpuset:/$cgp/c1\$" "/proc/$pid/cgroup"
    assert_eq "cpuset.cpus there is 0" 0 "$(cat /sys/fs/cgroup/cpuset/$cgp/c1/cpuset.cpus)"
    assert_eq "the kernel lets PID 1 run on CPU 0 only" 0 "$(awk '/^Cpus_allowed_list/ {print $2}' /proc/$pid/status)"
    runc_ delete --force c1
    check "delete removes the cpuset dir" test ! -d "/sys/fs/cgroup/cpuset/$cgp/c1"
    rmdir "/sys/fs/cgroup/cpuset/$cgp" 2>/dev/null
    for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do rmdir "$d$cgp" 2>/dev/null; done
else
    echo "# no v1 cpuset hierarchy here: linux.resources.cpu.cpus not checked"
fi
edit '.linux.cgroupsPath = "/../etc"'
runc_ create --bundle "$B" --pid-file "$B/x.pid" g3 2>/dev/null
check "a cgroupsPath with .. is refused" test $? -ne 0
check "naming linux.cgroupsPath" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q linux.cgroupsPath"

# 3. linux.sysctl, written inside the container's namespaces before /proc/sys goes
# read-only; a host-wide key, or a net.* key with the host's network, is refused.
host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
want_fwd=$((1 - host_fwd))
edit ".linux.sysctl = {\"net.ipv4.ip_forward\": \"$want_fwd\", \"kernel.shmmni\": \"1234\"}"
up s1
assert_eq "start with linux.sysctl" 0 "$?"
assert_eq "net.ipv4.ip_forward in the container's network namespace" "$want_fwd" "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_forward)"
assert_eq "the host's is unchanged" "$host_fwd" "$(cat /proc/sys/net/ipv4/ip_forward)"
assert_eq "kernel.shmmni in its ipc namespace" 1234 "$(nsenter -t "$pid" -i cat /proc/sys/kernel/shmmni)"
check "and /proc/sys is read-only inside afterwards" bash -c "! nsenter -t $pid -m -n sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward' 2>/dev/null"
runc_ delete --force s1
edit '.linux.sysctl = {"kernel.panic": "5"}'
runc_ create --bundle "$B" --pid-file "$B/x.pid" s2 2>/dev/null
check "a host-wide sysctl (kernel.panic) is refused" test $? -ne 0
check "saying why" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q 'kernel.panic needs a namespace'"
edit '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))'
runc_ create --bundle "$B" --pid-file "$B/x.pid" s2 2>/dev/null
check "net.* with the host's network namespace is refused" test $? -ne 0

# 4. config.json's own maskedPaths and readonlyPaths replace glassbox's lists.
edit '.linux.maskedPaths = ["/proc/cpuinfo", "/etc/gbmasked", "/no/such/path"] | .linux.readonlyPaths = ["/tmp"]'
mkdir -p "$B/rootfs/etc/gbmasked" "$B/rootfs/tmp" && echo secret > "$B/rootfs/etc/gbmasked/f"
up p1
assert_eq "start with the config's lists (a missing path is skipped)" 0 "$?"
mi=/proc/$pid/mountinfo
assert_eq "/proc/cpuinfo is masked (a mount over it)" 1 "$(awk '$5 == "/proc/cpuinfo"' "$mi" | wc -l)"
check "and reads empty" test -z "$(nsenter -t "$pid" -m cat /proc/cpuinfo)"
check "/etc/gbmasked is covered by an empty tmpfs" test -z "$(ls "/proc/$pid/root/etc/gbmasked")"
check "/tmp is read-only" bash -c "awk '\$5 == \"/tmp\" {print \$6}' $mi | grep -q '^ro'"
assert_eq "glassbox's own mask of /proc/kcore is not applied" 0 "$(awk '$5 == "/proc/kcore"' "$mi" | wc -l)"
runc_ delete --force p1
check "nothing left: no record, no mount of the bundle" bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1 2>/dev/null)\" ] && ! grep -q '$B' /proc/self/mountinfo"

# 5. a non-root process.user keeps config.json's capabilities (runc does, through
# PR_SET_KEEPCAPS); the ambient set is what survives its exec. Without an ambient set
# (Docker's config for --user) it has none, as with runc.
caps='["CAP_CHOWN", "CAP_NET_BIND_SERVICE"]'
edit ".process.user = {\"uid\": 1000, \"gid\": 1000} | .process.capabilities = {\"bounding\": $caps, \"effective\": $caps, \"permitted\": $caps, \"inheritable\": $caps, \"ambient\": $caps}"
up u1
assert_eq "start as uid 1000" 0 "$?"
for _ in $(seq 50); do tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q '^sleep' && break; sleep 0.1; done
assert_eq "PID 1 runs as uid 1000" 1000 "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")"
assert_eq "its effective set is CAP_CHOWN and CAP_NET_BIND_SERVICE" 0000000000000401 "$(awk '/^CapEff/ {print $2}' "/proc/$pid/status")"
assert_eq "its ambient set too" 0000000000000401 "$(awk '/^CapAmb/ {print $2}' "/proc/$pid/status")"
runc_ delete --force u1
edit ".process.user = {\"uid\": 1000, \"gid\": 1000} | .process.capabilities = {\"bounding\": $caps, \"effective\": $caps, \"permitted\": $caps}"
up u2
for _ in $(seq 50); do tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q '^sleep' && break; sleep 0.1; done
assert_eq "without an ambient set, uid 1000 has no effective capability" 0000000000000000 "$(awk '/^CapEff/ {print $2}' "/proc/$pid/status")"
runc_ delete --force u2

# 6. linux.devices: mknod of each, with its type, numbers, mode and owner.
edit '.linux.devices = [{"path": "/dev/gbtest-null", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 7, "gid": 8},
                       {"path": "/dev/sub/gbtest-blk", "type": "b", "major": 7, "minor": 250, "fileMode": 384},
                       {"path": "/dev/gbtest-fifo", "type": "p"}]'
up d1
assert_eq "start with linux.devices" 0 "$?"
rt=/proc/$pid/root
assert_eq "/dev/gbtest-null: char 1:3, mode 0660 (432), owner 7:8" "character special file 1:3 660 7:8" \
    "$(stat -c '%F %t:%T %a %u:%g' "$rt/dev/gbtest-null")"
assert_eq "/dev/sub/gbtest-blk: block 7:250 (0xfa), mode 0600, in a new directory" "block special file 7:fa 600" \
    "$(stat -c '%F %t:%T %a' "$rt/dev/sub/gbtest-blk")"
assert_eq "/dev/gbtest-fifo: a fifo, mode 0666 by default" "fifo 666" "$(stat -c '%F %a' "$rt/dev/gbtest-fifo")"
assert_eq "the container's own /dev (tmpfs) holds them, not the bundle's rootfs" "" "$(ls "$B/rootfs/dev" | grep gbtest)"
runc_ delete --force d1
edit '.linux.devices = [{"path": "/dev/x", "type": "q"}]'
runc_ create --bundle "$B" --pid-file "$B/x.pid" d2 2>/dev/null
check "a device of an unknown type is refused" test $? -ne 0
check "naming linux.devices[].type" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q 'linux.devices\[\].type'"

# 7. a mount namespace by path (a pod's): PID 1 is in that very namespace, and the
# container's mounts were made there, not in a new one.
unshare -m --propagation private sleep 300 &
holder=$!
for _ in $(seq 50); do [ "$(readlink /proc/$holder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break; sleep 0.1; done
edit ".linux.namespaces |= map(if .type == \"mount\" then .path = \"/proc/$holder/ns/mnt\" else . end)"
up n1
assert_eq "start joining the mount namespace of pid $holder" 0 "$?"
assert_eq "PID 1's mount namespace is the holder's" "$(readlink /proc/$holder/ns/mnt)" "$(readlink /proc/$pid/ns/mnt)"
check "and config.json's /proc is mounted in it" awk '$5 == "/proc" && / - proc / {f=1} END {exit !f}' "/proc/$pid/mountinfo"
runc_ delete --force n1
# 8. a failure at each row only a bundle uses (GLASSBOX_FAIL_STEP, docs/engine.md) fails the
# create and leaves nothing: no record, no process, no mount, no cgroup.
# (A namespace of its own: the container above made the holder's root its rootfs.)
kill "$holder"; wait "$holder" 2>/dev/null
unshare -m --propagation private sleep 300 &
holder=$!
for _ in $(seq 50); do [ "$(readlink /proc/$holder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break; sleep 0.1; done
edit ".linux.namespaces |= map(if .type == \"mount\" then .path = \"/proc/$holder/ns/mnt\" else . end)
      | .linux.sysctl = {\"net.ipv4.ip_forward\": \"1\"} | .linux.cgroupsPath = \"/$cgp/f\" | .process.args = [\"sleep\", \"4$$\"]"
for step in oci-mounts mount-join sysctl; do
    out=$(GLASSBOX_FAIL_STEP=$step "$RUNC" --root "$R" create --bundle "$B" --pid-file "$B/x.pid" "f-$step" 2>&1)
    check "failure at step $step fails the create" test $? -ne 0
    assert_contains "naming the step" "injected failure at step $step" "$out"
    check "$step: no process left" bash -c "! pgrep -f '[s]leep 4$$' >/dev/null"
    check "$step: no record left" bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1 2>/dev/null)\" ]"
    check "$step: no mount of the bundle on the host" bash -c "! grep -q '$B' /proc/self/mountinfo"
    check "$step: no cgroup left" bash -c "! ls -d /sys/fs/cgroup/*/$cgp/f /sys/fs/cgroup/$cgp/f 2>/dev/null | grep -q ."
done
for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do rmdir "$d$cgp" 2>/dev/null; done
kill "$holder"; wait "$holder" 2>/dev/null; holder=
check "nothing left: no record, no mount of the bundle" bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1 2>/dev/null)\" ] && ! grep -q '$B' /proc/self/mountinfo"
finish
