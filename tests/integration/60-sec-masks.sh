#!/bin/bash
# Masked and read-only paths (core/security/masks.c) inside a pivot_root'ed root: /proc/timer_list
# reads empty, /sys/firmware is an empty directory, /proc/sys refuses writes (EROFS);
# with --no-masks (the negative control) the same reads and writes go through.
set -u
BUILD=${BUILD:-build}
SECTOOL=$BUILD/tests/sectool
IMAGE=$BUILD/share/glassbox/images/busybox/rootfs
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root" >&2; exit 77; }
for f in "$SECTOOL" "$IMAGE/bin/busybox"; do
	[ -e "$f" ] || { echo "SKIP: $f not built (make)" >&2; exit 77; }
done
T=$(mktemp -d "${GB_TEST_ROOT:-/tmp}/gbsec-masks.$$.XXXX")
trap 'rm -rf "$T"' EXIT
cp -a "$IMAGE" "$T/root"
fails=0
ok()   { echo "ok   - $*"; }
bad()  { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
# Inside: bytes of timer_list, entries in /sys/firmware, the result of a sysctl write
# (hostname is per UTS namespace, so writing it harms nothing), the masks in mountinfo.
probe='echo "timer_list=$(wc -c < /proc/timer_list)"
echo "firmware=$(ls /sys/firmware | wc -l)"
if echo gbsec > /proc/sys/kernel/hostname 2>/dev/null; then echo sysctl=written; else echo sysctl=refused; fi
grep -c -E " /proc/(timer_list|keys|sys) " /proc/self/mountinfo | sed "s/^/mounts=/"'
on=$("$SECTOOL" run --ns --rootfs "$T/root" -- /bin/sh -c "$probe" 2>&1)
off=$("$SECTOOL" run --ns --rootfs "$T/root" --no-masks -- /bin/sh -c "$probe" 2>&1)
get() { sed -n "s/^$1=//p" <<<"$2"; }
[ -e /proc/timer_list ] && {
	check "masked: /proc/timer_list reads 0 bytes" test "$(get timer_list "$on")" = 0
	check "control: /proc/timer_list has content without masks" test "$(get timer_list "$off")" -gt 0
}
[ -d /sys/firmware ] && [ -n "$(ls /sys/firmware)" ] && {
	check "masked: /sys/firmware is empty" test "$(get firmware "$on")" = 0
	check "control: /sys/firmware lists entries without masks" test "$(get firmware "$off")" -gt 0
}
check "read-only: a write to /proc/sys is refused" test "$(get sysctl "$on")" = refused
check "control: the write goes through without masks" test "$(get sysctl "$off")" = written
check "mountinfo shows the masks and the read-only /proc/sys" test "$(get mounts "$on")" -ge 2
check "control: no such mounts without masks" test "$(get mounts "$off")" = 0
[ "$fails" -eq 0 ] || { echo "$fails assertion(s) failed"; exit 1; }
