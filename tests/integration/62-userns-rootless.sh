#!/usr/bin/env bash
# Rootless: an ordinary user, created for this test (and removed with userdel -r), runs
# containers with the real glassbox binary. Root inside is that user's uid outside
# (/proc/PID/uid_map, the Uid: line, the owner of a file made inside), uid 1 inside is
# the user's /etc/subuid range (newuidmap), state and data land under the user's home,
# limits and --userns=host are refused with the reason, a root-owned file that root puts
# into the container's writable layer cannot be written from inside (glassbox has no
# bind mounts yet: the writable layer is how the host hands a file in), lab 06 passes,
# and rm leaves nothing: no container, no process of the user.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd useradd
need_cmd runuser
need_cmd jq
U=gbun$$
T=$(mktemp -d /tmp/gbun-rootless.XXXXXX)
cleanup_user() {
    if id "$U" >/dev/null 2>&1; then
        for id in $(as_user ps -aq 2>/dev/null); do as_user rm -f "$id" >/dev/null 2>&1; done
        userdel -r "$U" 2>/dev/null
    fi
    rm -rf "$T"
    gb_cleanup
}
trap cleanup_user EXIT
useradd -m -s /bin/sh "$U" || skip "cannot create a test user"
uid=$(id -u "$U")
home=$(getent passwd "$U" | cut -d: -f6)

# The user runs build/bin/glassbox: every directory on the way must be theirs to search.
# If not, a copy in a directory they can read (the share dir is found next to the binary).
BIN=$GLASSBOX
if ! runuser -u "$U" -- test -x "$GLASSBOX" ||
   ! runuser -u "$U" -- test -r "$(dirname "$GLASSBOX")/../share/glassbox/images/busybox/image.json"; then
    chmod 755 "$T"
    mkdir -p "$T/bin" "$T/share" "$T/libexec"
    cp "$GLASSBOX" "$T/bin/" && cp -a "$(dirname "$GLASSBOX")/../share/glassbox" "$T/share/"
    cp -a "$(dirname "$GLASSBOX")/../libexec/glassbox" "$T/libexec/"  # the trampoline
    chmod -R o+rX "$T"
    BIN=$T/bin/glassbox
fi
# A login-like environment: no GLASSBOX_ROOT/DATA_ROOT (those are the runner's, root's).
as_user() {
    (cd / && runuser -u "$U" -- env -u GLASSBOX_ROOT -u GLASSBOX_DATA_ROOT -u XDG_RUNTIME_DIR \
        -u XDG_DATA_HOME HOME="$home" "$BIN" "$@")
}

out=$(as_user run --rm busybox sh -c 'id -u; tr -s " " < /proc/self/uid_map | sed "s/^ //"' 2>&1); rc=$?
grep -q "unprivileged user namespaces are disabled" <<<"$out" && skip "$out"
check "rootless run works (exit $rc)" test "$rc" -eq 0
assert_eq "id -u inside" 0 "$(sed -n 1p <<<"$out")"
assert_eq "uid_map: root inside is $U" "0 $uid 1" "$(sed -n 2p <<<"$out")"
sub=$(awk -F: -v u="$U" '$1 == u {print $2; exit}' /etc/subuid)
if [ -n "$sub" ]; then
    assert_eq "uid_map: ids 1.. inside are the subuid range (newuidmap)" "1 $sub $(awk -F: -v u="$U" '$1 == u {print $3; exit}' /etc/subuid)" "$(sed -n 3p <<<"$out")"
fi
check "state and data under the user's home (no XDG_RUNTIME_DIR)" test -d "$home/.local/share/glassbox/run/containers"
assert_eq "the imported image belongs to $U" "$U" "$(stat -c %U "$home"/.local/share/glassbox/layers/*/diff/bin/busybox)"

as_user run -d --name r$$ --hostname rootless-box busybox sleep 300 >/dev/null
pid=$(as_user inspect --json r$$ | jq .state.pid)
assert_eq "rootless inspect reads the host name inside" rootless-box \
    "$(as_user inspect --json r$$ | jq -r .observed.hostname)"
upper=$(as_user inspect --json r$$ | jq -r .state.rootfs.upper)
assert_eq "PID 1 on the host is $U (Uid: line)" "$uid" "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)"
assert_eq "/proc/$pid/uid_map from the host" "0 $uid 1" "$(tr -s ' ' < /proc/$pid/uid_map | sed 's/^ //' | head -1)"
as_user exec r$$ sh -c 'touch /made; echo x > /tmp/copied; touch /by1; chown 1:1 /by1' >/dev/null 2>&1
assert_eq "a file made by root inside belongs to $U outside" "$U" "$(stat -c %U "$upper/made")"
assert_eq "a write below an image directory works (copy-up)" "$U" "$(stat -c %U "$upper/tmp/copied" 2>/dev/null)"
[ -n "$sub" ] && assert_eq "a file of uid 1 inside is subuid $sub outside" "$sub" "$(stat -c %u "$upper/by1")"
echo host-secret > "$upper/hostfile"; chown 0:0 "$upper/hostfile"; chmod 644 "$upper/hostfile"
as_user exec r$$ sh -c 'echo pwned >> /hostfile' 2>/dev/null
check "root inside cannot write a root-owned host file" test "$(cat "$upper/hostfile")" = host-secret
out=$(as_user lab check 6 2>&1); rc=$?
check "lab check 6 passes as $U (exit $rc)" test "$rc" -eq 0

out=$(as_user run --rm --memory 64m busybox true 2>&1); rc=$?
check "--memory is refused rootless (exit $rc)" test "$rc" -ne 0
assert_contains "... saying why" "no cgroup is delegated to uid $uid" "$out"
assert_contains "... and what the teacher must do" "glassbox classroom setup" "$out"
out=$(as_user run --rm --userns=host busybox true 2>&1); rc=$?
check "--userns=host is refused rootless (exit $rc)" test "$rc" -ne 0
assert_contains "... saying why" "--userns=host needs root" "$out"

as_user rm -f r$$ >/dev/null
check "nothing left: no container state" test -z "$(ls -A "$home/.local/share/glassbox/run/containers")"
check "nothing left: no writable layer (subuid files included)" test -z "$(ls -A "$home/.local/share/glassbox/containers")"
# Zombies are left out: the double-forked monitor's parent is the host's PID 1, which
# reaps them when it gets to it (in some sandboxes, lazily); they hold nothing.
live() { ps -u "$uid" -o stat=,pid=,args= 2>/dev/null | awk '$1 !~ /^Z/'; }
assert_eq "nothing left: no live process of $U" "" "$(live)"
userdel -r "$U" 2>/dev/null
check "the test user is gone" bash -c "! id $U >/dev/null 2>&1 && ! test -e $home"
finish
