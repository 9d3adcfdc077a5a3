#!/usr/bin/env bash
# Who may reach the data and state roots. As root: a running container writes a setuid-root
# program into its writable layer, an image layer ships one (COPY + RUN chmod 4755), a
# named volume holds one, a --userns=auto container writes one into its own layer. Then a
# real unprivileged user made here (removed at exit) tries each: EACCES, and no chain of
# o+x directories leads from either root into content. The upgrade: the modes an older
# glassbox made (0711 roots, 0755 content dirs) let that user run the program as root
# (the negative control); host-check and check report it; any glassbox command repairs
# it. Rootless: the user's own roots are 0700 too, and root's data root stays shut to it.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd useradd
need_cmd setpriv
need_cmd runuser
need_cmd jq
need_cmd cc
D=$GLASSBOX_DATA_ROOT
R=$GLASSBOX_ROOT
# The runner's GB_TEST_ROOT is a private mktemp dir: open it, so that only glassbox's own
# modes stand between another user and the roots (as on a host with /var/lib/glassbox).
chmod 0755 "$GB_TEST_ROOT"

U=gbdr$$
cleanup_user() {
    if id "$U" >/dev/null 2>&1; then
        for id in $(as_user ps -aq 2>/dev/null); do as_user rm -f "$id" >/dev/null 2>&1; done
        pkill -KILL -u "$U" 2>/dev/null
        userdel -r "$U" 2>/dev/null
    fi
    gb_cleanup
}
trap cleanup_user EXIT
useradd -m -s /bin/sh "$U" || skip "cannot create a test user"
uid=$(id -u "$U")
gid=$(id -g "$U")
home=$(getent passwd "$U" | cut -d: -f6)
# Through sh: setpriv itself still holds root's capabilities when it calls execve (the
# kernel drops them during that execve), so its own exec would pass every directory.
nobody() { setpriv --reuid "$uid" --regid "$gid" --clear-groups -- /bin/sh -c '"$@"' sh "$@"; }

# rootme: become root for real if the kernel lets us (a setuid-root file), say who we are.
mkdir -p "$GB_TEST_ROOT/src"
cat > "$GB_TEST_ROOT/src/rootme.c" <<'EOF'
#include <stdio.h>
#include <unistd.h>
int main(void) { if (setuid(0) < 0) perror("setuid"); printf("uid=%d euid=%d\n", (int)getuid(), (int)geteuid()); return 0; }
EOF
cc -static -O2 -o "$GB_TEST_ROOT/src/rootme" "$GB_TEST_ROOT/src/rootme.c" 2>/dev/null ||
    skip "cannot build a static C program (cc -static: libc.a missing?)"
chmod 0755 "$GB_TEST_ROOT/src/rootme"
nosuid=0
findmnt -no OPTIONS -T "$D" 2>/dev/null | grep -qw nosuid && nosuid=1

# 1. A container's writable layer.
gb run -d --name drc$$ -v "$GB_TEST_ROOT/src:/p:ro" busybox \
    sh -c 'cp /p/rootme /rootme && chmod 4755 /rootme && sleep 300' >/dev/null
upper=$(gb inspect --json drc$$ | jq -r .state.rootfs.upper)
pid=$(gb inspect --json drc$$ | jq .state.pid)
for _ in $(seq 50); do [ -u "$upper/rootme" ] && break; sleep 0.1; done
check "the container made a setuid-root file in its writable layer" test -u "$upper/rootme" -a "$(stat -c %u "$upper/rootme")" = 0

# 2. An image layer.
mkdir -p "$GB_TEST_ROOT/ctx"
cp "$GB_TEST_ROOT/src/rootme" "$GB_TEST_ROOT/ctx/"
printf 'FROM busybox\nCOPY rootme /rootme\nRUN chmod 4755 /rootme\n' > "$GB_TEST_ROOT/ctx/Dockerfile"
gb build -t drimg$$ "$GB_TEST_ROOT/ctx" >/dev/null 2>&1
layer=$(find "$D/layers" -path '*/diff/rootme' -perm -4000 -user 0 2>/dev/null | head -1)
check "the build made an image layer with a setuid-root file ($layer)" test -n "$layer"
gb run -d --name dri$$ drimg$$ sleep 300 >/dev/null

# 3. A named volume.
gb volume create drvol$$ >/dev/null
gb run --rm -v drvol$$:/v -v "$GB_TEST_ROOT/src:/p:ro" busybox sh -c 'cp /p/rootme /v/rootme && chmod 4755 /v/rootme'
vol=$D/volumes/drvol$$/_data/rootme
gb run -d --name drv$$ -v drvol$$:/v busybox sleep 300 >/dev/null
check "the volume holds a setuid-root file" test -u "$vol"

# 4. A user-namespaced container (its root is uid 100000 outside): its layer is content too.
gb run -d --name dru$$ --userns=auto -v "$GB_TEST_ROOT/src:/p:ro" busybox \
    sh -c 'cp /p/rootme /rootme && chmod 4755 /rootme && sleep 300' >/dev/null
uupper=$(gb inspect --json dru$$ | jq -r .state.rootfs.upper)
for _ in $(seq 50); do [ -u "$uupper/rootme" ] && break; sleep 0.1; done
check "the --userns=auto container runs and wrote its file" test -u "$uupper/rootme"
ulower=$(gb inspect --json dru$$ | jq -r '.state.rootfs.lower' | cut -d: -f1)

# EACCES: the kernel stops the user on the way, before the file's own mode counts.
unreachable() { # description path
    local out rc
    out=$(nobody "$2" 2>&1 | head -2 | tr '\n' ' '); rc=$?
    if [[ "$out" == *"euid=0"* ]]; then
        not_ok "$1: $U ran $2 as root: $out"
    elif [[ "$out" == *"Permission denied"* ]] && ! nobody stat "$2" >/dev/null 2>&1; then
        ok "$1: $2 is out of $U's reach (EACCES)"
    else
        not_ok "$1: expected EACCES for $U, got (exit $rc) $out"
    fi
}
all_unreachable() { # when
    unreachable "$1: writable layer" "$upper/rootme"
    unreachable "$1: image layer" "$layer"
    unreachable "$1: named volume" "$vol"
    unreachable "$1: --userns=auto writable layer" "$uupper/rootme"
    unreachable "$1: --userns=auto shifted image layer" "$ulower/bin/busybox"
}
all_unreachable "running"
check "the containers are still running" test -d "/proc/$pid" -a "$(gb ps -q | wc -l)" -ge 4
out=$(nobody cat "/proc/$pid/root/rootme" 2>&1)
assert_contains "/proc/PID/root of the container is shut too" "Permission denied" "$out"

# No chain of directories that others may search leads from a root into content: prune at
# the first directory without o+x, print what is still reachable.
open_paths() { find "$D" "$R" -type d ! -perm -o+x -prune -o -perm -o+x -print 2>/dev/null; }
assert_eq "find ROOTS: nothing reachable through o+x directories" "" "$(open_paths | head -5 | tr '\n' ' ')"
assert_eq "the data root is 0700 root:root" "700 0:0" "$(stat -c '%a %u:%g' "$D")"
assert_eq "the state root is 0700 root:root" "700 0:0" "$(stat -c '%a %u:%g' "$R")"
for d in containers layers images volumes; do
    assert_eq "data root's $d/ is 0700" 700 "$(stat -c %a "$D/$d")"
done
assert_eq "state root's containers/ is 0700" 700 "$(stat -c %a "$R/containers")"
cid=$(gb inspect --json dru$$ | jq -r .id)
assert_eq "a --userns container's own dir: 0710 root:(its root's gid)" "710 0:100000" "$(stat -c '%a %u:%g' "$D/containers/$cid")"
out=$(nobody find "$D" "$R" 2>&1 | grep -v 'Permission denied')
assert_eq "$U lists nothing but the roots themselves" "$D $R" "$(echo $out)"

# The upgrade: the modes glassbox made before (roots and containers/ 0711, content 0755).
widen() {
    chmod 0711 "$D" "$R" "$D/containers" "$R/containers" "$R"/containers/*
    chmod 0755 "$D/layers" "$D"/layers/* "$D/images" "$D/volumes" "$D"/volumes/* "$D"/containers/*
}
widen
if [ "$nosuid" = 0 ]; then
    assert_contains "control: with the old modes $U runs the layer's program as root" "euid=0" "$(nobody "$upper/rootme" 2>&1)"
else
    check "control: with the old modes $U reaches the layer's program ($D is nosuid)" nobody stat "$upper/rootme"
fi
check "control: find sees a path into content" test -n "$(open_paths)"
hc() { gb host-check --json | jq -r '.features[] | select(.key == "roots.private") | .available'; }
assert_eq "host-check flags the wide roots" false "$(hc)"
out=$(gb host-check 2>&1 | grep -A2 'roots private')
assert_contains "host-check names the fix" "chmod 0700 $D" "$out"
assert_eq "host-check changed nothing" 711 "$(stat -c %a "$D")"
out=$(gb check --tap 1 2>&1); rc=$?
check "check fails with wide roots (exit $rc)" test "$rc" -ne 0
assert_contains "check reports the data root" "# roots: the data root $D is mode 0711" "$out"
widen
gb ps >/dev/null
assert_eq "after 'glassbox ps': the data root is 0700 again" 700 "$(stat -c %a "$D")"
assert_eq "after 'glassbox ps': the state root is 0700 again" 700 "$(stat -c %a "$R")"
assert_eq "after 'glassbox ps': layers/ is 0700 again" 700 "$(stat -c %a "$D/layers")"
assert_eq "after 'glassbox ps': containers/ is 0700 again" 700 "$(stat -c %a "$D/containers")"
all_unreachable "repaired"
# A root pointed at a shared directory (as /run is: podman's containers/, the system's
# lock/, everything else): never closed to everyone, only reported.
S=$GB_TEST_ROOT/shared
mkdir -p "$S/containers" "$S/lock" "$S/other" && chmod 0755 "$S"
gb --root "$S" ps >/dev/null
assert_eq "a shared directory as the state root keeps its mode" 755 "$(stat -c %a "$S")"
rmdir "$S/other"
rm -rf "$S/names" "$S/lock" && touch "$S/lock"  # what glassbox itself leaves there
gb --root "$S" ps >/dev/null
assert_eq "control: with only glassbox's entries in it, it is closed" 700 "$(stat -c %a "$S")"
rm -rf "$S"
assert_eq "repaired: nothing reachable through o+x directories" "" "$(open_paths | head -5 | tr '\n' ' ')"
assert_eq "host-check is satisfied" true "$(hc)"
gb exec dru$$ true
check "the --userns container still execs after the repair" test $? -eq 0
out=$(gb run --rm --userns=auto -v drvol$$:/v busybox sh -c 'test -u /v/rootme && echo ok' 2>&1)
assert_eq "a new --userns container mounts its layers and volume after the repair" ok "$out"
gb rm -f drc$$ dri$$ drv$$ dru$$ >/dev/null

# Rootless: the user's own roots, 0700 as well; root's stay shut to it.
BIN=$GB_TEST_ROOT/bin/glassbox
mkdir -p "$GB_TEST_ROOT/bin" "$GB_TEST_ROOT/share" "$GB_TEST_ROOT/libexec"
cp "$GLASSBOX" "$GB_TEST_ROOT/bin/" && cp -a "$(dirname "$GLASSBOX")/../share/glassbox" "$GB_TEST_ROOT/share/"
cp -a "$(dirname "$GLASSBOX")/../libexec/glassbox" "$GB_TEST_ROOT/libexec/"  # the trampoline
chmod -R o+rX "$GB_TEST_ROOT/bin" "$GB_TEST_ROOT/share" "$GB_TEST_ROOT/libexec"
as_user() {
    (cd / && runuser -u "$U" -- env -u GLASSBOX_ROOT -u GLASSBOX_DATA_ROOT -u XDG_RUNTIME_DIR \
        -u XDG_DATA_HOME HOME="$home" "$BIN" "$@")
}
out=$(as_user run --rm busybox true 2>&1); rc=$?
if grep -q "unprivileged user namespaces are disabled" <<<"$out"; then
    echo "note: rootless part skipped: $out"
else
    check "rootless run works (exit $rc): $out" test "$rc" -eq 0
    assert_eq "rootless data root: 0700, the user's" "700 $U" "$(stat -c '%a %U' "$home/.local/share/glassbox")"
    assert_eq "rootless state root: 0700, the user's" "700 $U" "$(stat -c '%a %U' "$home/.local/share/glassbox/run")"
    out=$(runuser -u "$U" -- ls "$D/containers" 2>&1)
    assert_contains "the rootless user cannot reach root's data root" "Permission denied" "$out"
fi
assert_nothing_left "data root"
finish
