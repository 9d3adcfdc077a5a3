#!/usr/bin/env bash
# Overlay copy-up and whiteouts, diff; named volumes, bind mounts, tmpfs, --read-only,
# and mount targets that are symlinks out of the root (issue 5).
. "$(dirname "$0")/../lib/common.sh"
need_root

# --- copy-up and whiteouts
gb run -d --name ov70 busybox sleep 300 >/dev/null
upper=$(jq -r .state.rootfs.upper < <(gb inspect --json ov70))
lower=$(jq -r .state.rootfs.lower < <(gb inspect --json ov70))
gb exec ov70 sh -c 'echo appended >> /etc/passwd; rm /etc/motd; echo new > /root/added'
check "a modified lower file is copied up whole" grep -q '^root:x:0:0' "$upper/etc/passwd"
check "the lower layer is unchanged" bash -c "! grep -q appended '$lower/etc/passwd'"
check "a deleted lower file is a 0/0 whiteout" test "$(stat -c '%F %t %T' "$upper/etc/motd")" = "character special file 0 0"
check "the lower file is still there" test -f "$lower/etc/motd"
d=$(gb diff ov70)
assert_contains "diff: C /etc/passwd" "C /etc/passwd" "$d"
assert_contains "diff: D /etc/motd" "D /etc/motd" "$d"
assert_contains "diff: A /root/added" "A /root/added" "$d"
assert_contains "diff: C /etc (its parent)" "C /etc" "$d"
assert_contains "inspect lists the layers" "layers" "$(gb inspect ov70)"
gb rm -f ov70 >/dev/null

# --- named volumes
src=$GB_TEST_ROOT/bind; mkdir -p "$src"; echo from-host > "$src/file"
gb run --rm -v vol70:/etc busybox sh -c 'echo kept > /etc/kept' 
check "a volume's data lives under the data root" test -f "$GLASSBOX_DATA_ROOT/volumes/vol70/_data/kept"
check "an empty volume was filled from the image (/etc/passwd)" test -f "$GLASSBOX_DATA_ROOT/volumes/vol70/_data/passwd"
assert_eq "the data survives rm and a new container sees it" kept "$(gb run --rm -v vol70:/data busybox cat /data/kept)"
check "volume ls lists it" bash -c "$GLASSBOX volume ls | grep -q vol70"
assert_eq "volume inspect: mountpoint" "$GLASSBOX_DATA_ROOT/volumes/vol70/_data" "$(gb volume inspect vol70 | jq -r .mountpoint)"
gb create --name user70 --mount type=volume,source=vol70,target=/v busybox true >/dev/null
assert_contains "a volume in use cannot be removed" "in use by container user70" "$(gb volume rm vol70 2>&1)"
gb rm user70 >/dev/null
check "volume rm once unused" bash -c "$GLASSBOX volume rm vol70 >/dev/null"
check "its data is gone" test ! -e "$GLASSBOX_DATA_ROOT/volumes/vol70"

# --- bind mounts, read-only
assert_eq "a bind mount shows the host file" from-host "$(gb run --rm -v "$src:/b" busybox cat /b/file)"
check "a read-only bind refuses writes" bash -c "! $GLASSBOX run --rm -v '$src:/b:ro' busybox sh -c 'echo x > /b/new' 2>/dev/null"
check "... and nothing was written on the host" test ! -e "$src/new"
gb run --rm --mount "type=bind,source=$src,target=/b" busybox sh -c 'echo y > /b/rw'
check "a writable bind writes through to the host" grep -q y "$src/rw"

# --- tmpfs and --read-only
assert_eq "--tmpfs is a tmpfs inside" tmpfs "$(gb run --rm --tmpfs /scratch:size=1m busybox sh -c 'awk "\$2==\"/scratch\" {print \$3}" /proc/mounts')"
check "--read-only refuses writes to the root" bash -c "! $GLASSBOX run --rm --read-only busybox touch /x 2>/dev/null"
assert_eq "--read-only: volumes and tmpfs stay writable" ok \
    "$(gb run --rm --read-only --tmpfs /tmp -v vol70b:/data busybox sh -c 'touch /tmp/a && touch /data/b && echo ok')"
gb volume rm vol70b >/dev/null

# --- a mount target that is a symlink out of the root
printf 'FROM busybox\nRUN ln -s /etc /data\n' > "$GB_TEST_ROOT/Dockerfile"
gb build -q -t sl70 -f "$GB_TEST_ROOT/Dockerfile" "$GB_TEST_ROOT" >/dev/null
out=$(gb run --rm -v "$src:/data" sl70 true 2>&1)
check "a target symlinked to /etc is refused" test $? -ne 0
assert_contains "with a clear error" "/data is a symlink to /etc, which leads out of the container's root" "$out"
check "the host's /etc is untouched" test ! -e /etc/file
gb rmi sl70 >/dev/null

# --- the event
gb run -d --name ev70 --events "$GB_TEST_ROOT/ev.jsonl" --tmpfs /t busybox sleep 30 >/dev/null
gb rm -f ev70 >/dev/null
assert_eq "volume.mount event reports the kernel's fstype" tmpfs \
    "$(jq -r 'select(.type=="volume.mount") | .fstype' "$GB_TEST_ROOT/ev.jsonl")"
assert_eq "bad -v is refused before anything is made (125, docs/cli.md)" 125 "$(gb run --rm -v relative/path:/x busybox true >/dev/null 2>&1; echo $?)"
for step in volumes mounts read-only-root; do
    GLASSBOX_FAIL_STEP=$step gb run --rm --read-only -v "$src:/b" --tmpfs /t busybox true >/dev/null 2>&1
    assert_nothing_left "a failure at step $step"
done
assert_nothing_left "after the storage tests"
finish
