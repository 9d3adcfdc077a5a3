#!/bin/bash
# User namespaces through sectool: root inside is an unprivileged uid outside. First as
# root with a 0:100000:65536 map, then ROOTLESS: an ordinary user created for the test
# runs the container with its own uid mapped to root. In both, a root-owned host file
# bind-mounted in cannot be written, and files the container creates belong outside to
# the mapped uid. Negative control: without a user namespace, the same write succeeds.
set -u
BUILD=${BUILD:-build}
SECTOOL=$BUILD/tests/sectool
IMAGE=$BUILD/share/glassbox/images/busybox/rootfs
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (it creates a test user)" >&2; exit 77; }
for f in "$SECTOOL" "$IMAGE/bin/busybox"; do
	[ -e "$f" ] || { echo "SKIP: $f not built (make)" >&2; exit 77; }
done
command -v useradd >/dev/null && command -v runuser >/dev/null ||
	{ echo "SKIP: useradd/runuser missing" >&2; exit 77; }
USER_NAME=gbsec$$
# Under /tmp, not $GB_TEST_ROOT: every directory on the way must be searchable by the
# mapped uids, and /tmp is.
T=$(mktemp -d /tmp/gbsec-userns.$$.XXXX)
cleanup() { rm -rf "$T"; userdel "$USER_NAME" 2>/dev/null; }
trap cleanup EXIT
chmod 755 "$T"
cp -a "$IMAGE" "$T/root" && mkdir "$T/root/vol"
mkdir "$T/vol"; echo host-secret > "$T/vol/rootfile"; chmod 644 "$T/vol/rootfile"
fails=0
ok()   { echo "ok   - $*"; }
bad()  { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
inside='echo "uid=$(id -u)"; echo "map=$(tr -s " " < /proc/self/uid_map | sed "s/^ //")"
if echo pwned >> /vol/rootfile 2>/dev/null; then echo write=done; else echo write=refused; fi
touch /vol/made-$1 2>/dev/null && echo made=yes'
get() { sed -n "s/^$1=//p" <<<"$2"; }

# --- 1. root runs it with a map to 100000 ---
chmod 777 "$T/vol"
out=$("$SECTOOL" run --userns 0:100000:65536 --ns --rootfs "$T/root" --bind "$T/vol:vol" -- \
	/bin/sh -c "$inside" sh mapped 2>&1)
check "userns: id -u is 0 inside" test "$(get uid "$out")" = 0
check "userns: uid_map says 0 100000 65536" test "$(get map "$out")" = "0 100000 65536"
check "userns: root inside cannot write a root-owned host file" test "$(get write "$out")" = refused
check "userns: a file made inside belongs to uid 100000 outside" \
	test "$(stat -c %u "$T/vol/made-mapped" 2>/dev/null)" = 100000
# Negative control: no user namespace, same container: the write goes through.
out=$("$SECTOOL" run --ns --rootfs "$T/root" --bind "$T/vol:vol" -- /bin/sh -c "$inside" sh plain 2>&1)
check "control (no userns): root inside writes the host file" test "$(get write "$out")" = done
echo host-secret > "$T/vol/rootfile"

# --- 2. rootless: an ordinary user ---
useradd -M -d /nonexistent -s /usr/sbin/nologin "$USER_NAME" ||
	{ echo "SKIP: cannot create a test user" >&2; exit 77; }
uid=$(id -u "$USER_NAME")
out=$(runuser -u "$USER_NAME" -- "$SECTOOL" run --userns auto --ns --rootfs "$T/root" \
	--bind "$T/vol:vol" -- /bin/sh -c "$inside" sh rootless 2>&1); rc=$?
if grep -q "unprivileged user namespaces are disabled" <<<"$out"; then
	echo "SKIP: $out" >&2; exit 77
fi
check "rootless: the container ran (exit $rc)" test "$rc" -eq 0
check "rootless: id -u is 0 inside" test "$(get uid "$out")" = 0
check "rootless: uid_map maps root to the user ($uid)" test "$(get map "$out")" = "0 $uid 1"
check "rootless: root inside cannot write a root-owned host file" test "$(get write "$out")" = refused
check "rootless: the host file is unchanged" test "$(cat "$T/vol/rootfile")" = host-secret
check "rootless: a file made inside belongs to $USER_NAME outside" \
	test "$(stat -c %U "$T/vol/made-rootless" 2>/dev/null)" = "$USER_NAME"
[ "$fails" -eq 0 ] || { echo "$out"; echo "$fails assertion(s) failed"; exit 1; }
