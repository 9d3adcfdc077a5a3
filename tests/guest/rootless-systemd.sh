#!/usr/bin/env bash
# In the test guest, cgroup v2 only: rootless limits through a subtree delegated the way
# systemd does it, without `glassbox classroom setup`. systemd's user@UID.service with
# Delegate=yes is a dir whose cgroup.procs, cgroup.subtree_control and cgroup.threads are
# chowned to the user, with the user's processes in a leaf below it (init.scope); the
# guest has no systemd, so root makes that by hand (Documentation/admin-guide/cgroup-v2.rst,
# "Delegation"). glassbox must find it as the highest ancestor of its own cgroup that the
# user owns (docs/cgroups.md, path 2) and put the container's cgroup below it, with the
# limit in the kernel; rm removes it, and a shell outside it is refused with the hint.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/student.sh"
[ -n "$V2" ] || skip "systemd-style delegation is a cgroup v2 path (layout here: v1)"
guest_student gbsysd 2100
SL=$CG/gbsysd.slice
SVC=$SL/user@$N.service
sysd_cleanup() {
    [ -d "$SVC" ] && find "$SL" -depth -type d -exec rmdir {} \; 2>/dev/null
    guest_cleanup
}
trap sysd_cleanup EXIT

# What systemd does for user@N.service (Delegate=yes): memory, pids and cpu enabled down
# to the service, the dir and its three delegation files handed to the user; the user's
# own manager then makes init.scope, which is the user's too.
for c in memory pids cpu; do echo "+$c" >"$CG/cgroup.subtree_control"; done
mkdir -p "$SVC"
for c in memory pids cpu; do echo "+$c" >"$SL/cgroup.subtree_control"; done
echo 512M >"$SVC/memory.max"
chown "$N:$N" "$SVC" "$SVC/cgroup.procs" "$SVC/cgroup.subtree_control" "$SVC/cgroup.threads"
setpriv --reuid "$N" --regid "$N" --clear-groups mkdir "$SVC/init.scope"
assert_eq "the user made init.scope (a child of a delegated dir is theirs)" "$N" \
    "$(stat -c %u "$SVC/init.scope")"

# A shell of the user in init.scope, as a login through systemd puts it.
as_sysd() {
    (echo $BASHPID >"$SVC/init.scope/cgroup.procs"
     exec setpriv --reuid "$N" --regid "$N" --clear-groups env -u GLASSBOX_ROOT \
        -u GLASSBOX_DATA_ROOT -u GLASSBOX_CLASSROOM_DIR HOME="$HOMEDIR" "$GLASSBOX" "$@")
}

id=$(as_sysd run -d -m 64m --pids-limit 40 --name sysd busybox sleep 300 2>&1)
check "a rootless run -d -m 64m starts below user@$N.service ($id)" test $? -eq 0
c=$(find "$SVC/glassbox" -maxdepth 1 -type d -name "${id:0:12}*" 2>/dev/null | head -1)
check "its cgroup is SUBTREE/glassbox/ID ($c)" test -n "$c"
assert_eq "memory.max is in the kernel" 67108864 "$(cat "$c/memory.max" 2>/dev/null)"
assert_eq "pids.max is in the kernel" 40 "$(cat "$c/pids.max" 2>/dev/null)"
pid=$(as_sysd inspect --json sysd | jq .state.pid)
check "its PID 1 ($pid) is in that cgroup" grep -qx "$pid" "$c/cgroup.procs"
assert_eq "the kernel says so too (/proc/$pid/cgroup)" \
    "0::/gbsysd.slice/user@$N.service/glassbox/$(basename "$c")" "$(cat "/proc/$pid/cgroup")"
as_sysd rm -f sysd >/dev/null
check "rm removes its cgroup and the empty glassbox/ parent" test ! -e "$SVC/glassbox"

as_sysd run --rm -m 32m busybox dd if=/dev/zero of=/dev/null bs=64M count=1 >/dev/null 2>&1
assert_eq "a 64 MB buffer under -m 32m is OOM-killed (exit)" 137 "$?"

# The same user from a shell outside the owned dir (root's cgroup): no delegation found.
err=$(setpriv --reuid "$N" --regid "$N" --clear-groups env -u GLASSBOX_ROOT \
    -u GLASSBOX_DATA_ROOT HOME="$HOMEDIR" "$GLASSBOX" run --rm -m 64m busybox true 2>&1)
rc=$?
check "outside it, a rootless -m is refused (exit $rc)" test $rc -ne 0
assert_contains "... with systemd's delegation in the hint" "Delegate=yes" "$err"
check "... and nothing made below the service" test ! -e "$SVC/glassbox"
finish
