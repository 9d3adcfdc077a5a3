#!/usr/bin/env bash
# glassbox-runc and the namespace parts of config.json (docs/oci.md), each read back from
# the kernel: linux.rootfsPropagation (the optional fields of the root's line in PID 1's
# mountinfo, what propagates in and what never propagates out to the host), a user
# namespace joined by path (PID 1's ns/user is the holder's, its uid on the host follows
# the holder's map, its other namespaces are owned by it), and a config without a mount
# namespace refused with the reason. On a bundle of the busybox image, from a subreaper.
. "$(dirname "$0")/../lib/oci_subreaper.sh"  # re-run from a subreaper, as a shim would
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
need_cmd jq
need_cmd nsenter
# The bundle lives on a tmpfs of the test's own, made shared on the host: a peer group
# the container's root can be a slave of (this host's own mounts may all be private).
S=$GB_TEST_ROOT/shared
B=$S/bundle
mkdir -p "$S"
mount -t tmpfs "gbshared$$" "$S" && mount --make-shared "$S" || skip "cannot mount a shared tmpfs"
oci_bundle "$B" '["sleep","300"]'
cp "$B/config.json" "$B/base.json"
holder=
cleanup_ns() {
    for c in p1 p2 p3 p4 p5 p6 u1 u2 u3 u4 m1; do runc_ delete --force $c >/dev/null 2>&1; done
    [ -n "$holder" ] && kill "$holder" 2>/dev/null
    umount -R "$S" 2>/dev/null
    gb_cleanup
}
trap cleanup_ns EXIT
up() { # ID: create and start; PID 1's host pid in $pid
    runc_ create --bundle "$B" --pid-file "$B/$1.pid" "$1" || return 1
    pid=$(cat "$B/$1.pid")
    runc_ start "$1"
}
# optional fields (7th column on) of the root's line in PID 1's mountinfo, up to " - "
root_fields() { awk '$5 == "/" { for (i = 7; $i != "-"; i++) printf "%s ", $i; print "" }' "/proc/$1/mountinfo"; }
last_error() { tail -1 "$B/log.json" | jq -r .msg; }
host_peer=$(awk -v m="$S" '$5 == m { for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) print substr($i, 8) }' /proc/self/mountinfo)
check "the test's tmpfs is shared on the host (shared:$host_peer)" test -n "$host_peer"
# The host's mounts this test could reach (other tests may mount elsewhere meanwhile):
# the shared tmpfs, anything below it, and the names of the tmpfs mounted below.
ours() { grep -E " $S[ /]|gb(prop|out|in)$$ " /proc/self/mountinfo; }
host_mounts_before=$(ours)

# 1. rshared: the root and its submounts are shared, in peer groups of their own (no host
# mount is a member), so mounts made inside never reach the host.
edit '.linux.rootfsPropagation = "rshared" | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]'
up p1
assert_eq "start with rootfsPropagation rshared" 0 "$?"
peer=$(root_fields "$pid" | grep -o 'shared:[0-9]*' | cut -d: -f2)
check "the root's mountinfo line says shared:N ($(root_fields "$pid"))" test -n "$peer"
check "its peer group $peer has no member on the host" \
    bash -c "! grep -q ' shared:$peer ' /proc/self/mountinfo"
check "and /proc inside is shared too (MS_REC)" \
    bash -c "awk '\$5 == \"/proc\"' /proc/$pid/mountinfo | grep -q ' shared:'"
nsenter -t "$pid" -m sh -c "mkdir -p /gbprop /gbpeer && mount --bind / /gbpeer && mount -t tmpfs gbprop$$ /gbprop"
assert_eq "a bind of / and a tmpfs mounted inside the container" 0 "$?"
check "shared inside: the tmpfs shows through the bind, its peer (/gbpeer/gbprop)" \
    grep -q " /gbpeer/gbprop .* gbprop$$ " "/proc/$pid/mountinfo"
check "the tmpfs is not in the host's mount table" bash -c "! grep -q gbprop$$ /proc/self/mountinfo"
check "nor under the bundle's root on the host" bash -c "! grep -q ' $B/rootfs' /proc/self/mountinfo"
runc_ delete --force p1
assert_eq "the host's mounts at and below the bundle are as before" "$host_mounts_before" "$(ours)"

# 2. rslave: the root is a slave of the host's peer group (master:N, N the host tmpfs's):
# a mount made on the host under the bundle's root appears inside, none goes back.
edit '.linux.rootfsPropagation = "rslave" | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]'
up p2
assert_eq "start with rootfsPropagation rslave" 0 "$?"
assert_eq "the root is a slave of the host tmpfs's peer group" "master:$host_peer" \
    "$(root_fields "$pid" | grep -o 'master:[0-9]*')"
check "and shared with nothing" bash -c "! awk '\$5 == \"/\"' /proc/$pid/mountinfo | grep -q ' shared:'"
mkdir -p "$B/rootfs/gbin"
mount -t tmpfs "gbin$$" "$B/rootfs/gbin"
check "a tmpfs the host mounts in the root's directory propagates in" \
    grep -q " /gbin .* gbin$$ " "/proc/$pid/mountinfo"
umount "$B/rootfs/gbin"
nsenter -t "$pid" -m sh -c "mkdir -p /gbout && mount -t tmpfs gbout$$ /gbout"
check "a tmpfs mounted inside does not propagate out" \
    bash -c "! grep -q gbout$$ /proc/self/mountinfo && [ -z \"\$(ls -A '$B/rootfs/gbout')\" ]"
runc_ delete --force p2
rmdir "$B/rootfs/gbin" "$B/rootfs/gbout" 2>/dev/null

# 3. private, unbindable: no peer group, no master; an unbindable root refuses a bind
edit '.linux.rootfsPropagation = "private"'
up p3
assert_eq "start with rootfsPropagation private" 0 "$?"
check "the root's line has no shared: or master: ($(root_fields "$pid"))" \
    bash -c "! awk '\$5 == \"/\"' /proc/$pid/mountinfo | grep -qE ' (shared|master):'"
runc_ delete --force p3
edit '.linux.rootfsPropagation = "unbindable" | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]'
up p4
assert_eq "start with rootfsPropagation unbindable" 0 "$?"
check "the root's line says unbindable" bash -c "awk '\$5 == \"/\"' /proc/$pid/mountinfo | grep -q ' unbindable '"
check "a bind of / inside fails (EINVAL)" \
    bash -c "! nsenter -t $pid -m sh -c 'mkdir -p /gbt && mount --bind / /gbt' 2>/dev/null"
check "a bind of /tmp, on the same root, fails too" \
    bash -c "! nsenter -t $pid -m sh -c 'mount --bind /tmp /gbt' 2>/dev/null"
runc_ delete --force p4
# runbindable reaches the submounts too; the readonly paths, which are binds of
# themselves made after it (as runc makes them), are then refused: none given here.
edit '.linux.rootfsPropagation = "runbindable" | .linux.readonlyPaths = [] | .linux.maskedPaths = []'
up p6
assert_eq "start with rootfsPropagation runbindable" 0 "$?"
check "the root and /proc say unbindable" \
    bash -c "[ \$(awk '\$5 == \"/\" || \$5 == \"/proc\"' /proc/$pid/mountinfo | grep -c ' unbindable ') = 2 ]"
runc_ delete --force p6
edit '.linux.rootfsPropagation = "rshard"'
runc_ create --bundle "$B" --pid-file "$B/x.pid" p5 2>/dev/null
check "rootfsPropagation rshard is refused" test $? -ne 0
check "naming linux.rootfsPropagation" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q linux.rootfsPropagation"

# 4. a user namespace joined by path: a holder in a new user namespace whose map its
# maker (we, root) wrote: 0-65535 inside are 100000-165535 outside. The root's files
# belong to the mapped root, as a client that uses such a namespace arranges.
unshare -U sleep 300 & holder=$!
for _ in $(seq 50); do [ "$(readlink /proc/$holder/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break; sleep 0.1; done
[ "$(readlink /proc/$holder/ns/user)" != "$(readlink /proc/self/ns/user)" ] ||
    skip "unshare -U made no user namespace here (user.max_user_namespaces?)"
echo "0 100000 65536" > /proc/$holder/uid_map && echo "0 100000 65536" > /proc/$holder/gid_map
assert_eq "the holder's map (uid_map)" "0 100000 65536" "$(awk '{print $1, $2, $3}' /proc/$holder/uid_map)"
chown -R 100000:100000 "$B/rootfs"
userns=/proc/$holder/ns/user
edit ".linux.namespaces += [{\"type\": \"user\", \"path\": \"$userns\"}]"
up u1
assert_eq "start joining the user namespace of pid $holder" 0 "$?"
assert_eq "PID 1's ns/user is the holder's" "$(readlink "$userns")" "$(readlink /proc/$pid/ns/user)"
assert_eq "PID 1's uids as the host sees them: 0 inside is 100000" "100000 100000 100000 100000" \
    "$(awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/$pid/status)"
assert_eq "and its gid" 100000 "$(awk '/^Gid:/ {print $2}' /proc/$pid/status)"
assert_eq "inside, it is root (its own /proc/self/uid_map view)" "0 100000 65536" \
    "$(awk '{print $1, $2, $3}' /proc/$pid/uid_map)"
uns=$(readlink "$userns" | tr -dc 0-9)
for t in net uts ipc pid mnt; do
    ino=$(readlink /proc/$pid/ns/$t | tr -dc 0-9)
    lsns -n -o NS,ONS >/dev/null 2>&1 || { echo "# this lsns has no ONS column: owners not read"; break; }
    assert_eq "its new $t namespace is owned by the joined user namespace (lsns ONS)" "$uns" \
        "$(lsns -n -t $t -o NS,ONS 2>/dev/null | awk -v n="$ino" '$1 == n {print $2}')"
done
assert_eq "its host name was set inside its own uts namespace" ocibox "$(nsenter -t $pid -u hostname)"
jq '.process | .args = ["sleep", "60"]' "$B/base.json" > "$B/proc.json"
runc_ exec --process "$B/proc.json" --detach --pid-file "$B/e.pid" u1
assert_eq "exec --process into it" 0 "$?"
epid=$(cat "$B/e.pid" 2>/dev/null)
assert_eq "the exec'd process is in the same user namespace" "$(readlink "$userns")" "$(readlink /proc/$epid/ns/user 2>&1)"
assert_eq "as its root: 100000 on the host" 100000 "$(awk '/^Uid:/ {print $3}' /proc/$epid/status 2>&1)"
check "the holder's map is unchanged" grep -q "0 *100000 *65536" /proc/$holder/uid_map
runc_ delete --force u1
check "the holder lives on" kill -0 "$holder"
edit ".linux.namespaces += [{\"type\": \"user\", \"path\": \"$userns\"}] | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 200000, \"size\": 1}] | .linux.gidMappings = .linux.uidMappings"
runc_ create --bundle "$B" --pid-file "$B/x.pid" u2 2>/dev/null
check "maps with a joined user namespace are refused" test $? -ne 0
check "naming linux.uidMappings and why" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q 'uidMappings.*joined by path'"
edit '.linux.namespaces += [{"type": "user", "path": "/proc/self/ns/net"}]'
runc_ create --bundle "$B" --pid-file "$B/x.pid" u3 2>/dev/null
check "a path that is no user namespace is refused" test $? -ne 0
check "naming it" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q 'user namespace /proc/self/ns/net'"
chown -R 0:0 "$B/rootfs"

# 5. no mount namespace: runc would mount and chroot in the host's own mount namespace;
# glassbox refuses, saying why, and leaves the host's mount table alone.
edit 'del(.linux.namespaces[] | select(.type == "mount"))'
runc_ create --bundle "$B" --pid-file "$B/x.pid" m1 2>/dev/null
check "a config without a mount namespace is refused" test $? -ne 0
check "naming the reason" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q 'must include \"mount\"'"
assert_eq "the host's mounts at and below the bundle are as before" "$host_mounts_before" "$(ours)"
check "nothing left of the refused creates" \
    bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1 2>/dev/null)\" ]"
finish
