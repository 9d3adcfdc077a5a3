#!/bin/bash
# glassbox-probe proves each check can tell: confined (namespaces + pivot_root + masks +
# Docker's caps + no_new_privs + the default seccomp profile) every escape is blocked;
# unconfined (all capabilities, no filter, the host's namespaces, in a throwaway mount
# namespace) the same checks report the escapes possible.
set -u
BUILD=${BUILD:-build}
SECTOOL=$BUILD/tests/sectool
PROBE=$BUILD/libexec/glassbox/glassbox-probe
IMAGE=$BUILD/share/glassbox/images/busybox/rootfs
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root" >&2; exit 77; }
for f in "$SECTOOL" "$PROBE" "$IMAGE/bin/busybox"; do
	[ -e "$f" ] || { echo "SKIP: $f not built (make)" >&2; exit 77; }
done
command -v jq >/dev/null || { echo "SKIP: jq missing (make deps)" >&2; exit 77; }
T=$(mktemp -d "${GB_TEST_ROOT:-/tmp}/gbsec-probe.$$.XXXX")
trap 'rm -rf "$T"' EXIT
cp -a "$IMAGE" "$T/root" && cp "$PROBE" "$T/root/bin/glassbox-probe"
fails=0
ok()   { echo "ok   - $*"; }
bad()  { echo "FAIL - $*"; fails=$((fails + 1)); }
MARK=gbso$$                                  # our comm: the "process outside"
HOSTNET=$(stat -L -c %i /proc/self/ns/net)
ARGS=(--json --outside-comm "$MARK" --outside-netns "$HOSTNET")
status() { jq -r --arg n "$2" '.checks[] | select(.name == $n) | .status' <<<"$1"; }
field()  { jq -r --arg n "$2" --arg f "$3" '.checks[] | select(.name == $n) | .[$f]' <<<"$1"; }
expect() {  # expect JSON NAME STATUS... : the check's status is one of those given
	local json=$1 name=$2; shift 2
	local s; s=$(status "$json" "$name")
	for want in "$@"; do [ "$s" = "$want" ] && { ok "$label: $name is $s"; return; }; done
	bad "$label: $name is '$s', expected $* ($(field "$json" "$name" call) -> $(field "$json" "$name" error))"
}
ALL="mount umount reboot kexec module raw-socket mknod-disk sysrq sys-write ptrace chroot userns setns keyctl bpf clock swapon host-proc host-net"

# --- confined: what a default container gets ---
label=confined
out=$("$SECTOOL" run --ns --rootfs "$T/root" --mark "$MARK" -- /bin/glassbox-probe "${ARGS[@]}")
jq -e . >/dev/null <<<"$out" || { echo "FAIL - probe output is not JSON: $out"; exit 1; }
for c in $ALL; do
	case $c in
	raw-socket) expect "$out" $c possible ;;  # Docker's default set keeps CAP_NET_RAW
	sysrq)      expect "$out" $c blocked absent ;;  # absent when the kernel has no sysrq
	*)          expect "$out" $c blocked ;;
	esac
done
label="confined --cap-drop NET_RAW"
out=$("$SECTOOL" run --ns --rootfs "$T/root" --cap-drop NET_RAW -- /bin/glassbox-probe --json --only raw-socket)
expect "$out" raw-socket blocked

# --- unconfined: all capabilities, no seccomp, host namespaces (a private mount ns) ---
label=unconfined
out=$(unshare -m --propagation private "$SECTOOL" run --privileged --no-new-privs=false \
	--mark "$MARK" -- "$PROBE" "${ARGS[@]}" --tmp "$T")
for c in mount umount reboot raw-socket sys-write ptrace userns setns keyctl bpf clock swapon host-proc host-net; do
	expect "$out" $c possible
done
# Features this kernel may lack: the probe must then see ENOSYS/ENOENT, not EPERM.
for c in kexec module sysrq; do
	expect "$out" $c possible absent
done
# The disk node is created (mknod passed); opening it is the devices cgroup's call.
case $(field "$out" mknod-disk call) in
*"+ open"*) ok "unconfined: mknod-disk created the node ($(field "$out" mknod-disk detail))" ;;
*) bad "unconfined: mknod-disk could not even create the node" ;;
esac
# A plain chroot (no pivot_root) is escapable: the chroot check must say so.
label="unconfined, in a plain chroot"
out=$(unshare -m --propagation private "$SECTOOL" run --privileged --chroot "$T/root" -- \
	/bin/glassbox-probe --json --only chroot)
expect "$out" chroot possible

[ "$fails" -eq 0 ] || { echo "$fails assertion(s) failed"; exit 1; }
