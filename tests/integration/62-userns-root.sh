#!/usr/bin/env bash
# --userns as root, through the real glassbox binary: root inside is uid 100000 outside
# (uid_map, the Uid: line of /proc/PID/status, the owner of a file made inside), it
# cannot write a root-owned file the host puts into its writable layer while a plain
# container can, lab 06 passes and fails under --control, a failure at each userns row
# and bad maps leave nothing behind.
. "$(dirname "$0")/../lib/common.sh"
need_root
# The overlay is mounted by the container's root, uid 100000 on the host: it must be
# able to search every directory down to the data root (mktemp made ours 0700).
chmod o+x "$GB_TEST_ROOT"

out=$(gb run --rm --userns=auto busybox sh -c 'id -u; tr -s " " < /proc/self/uid_map | sed "s/^ //"')
assert_eq "id -u inside" 0 "$(sed -n 1p <<<"$out")"
assert_eq "uid_map inside" "0 100000 65536" "$(sed -n 2p <<<"$out")"

gb run -d --name un$$ --userns=auto busybox sleep 300 >/dev/null
pid=$(gb inspect --json un$$ | jq .state.pid)
upper=$(gb inspect --json un$$ | jq -r .state.rootfs.upper)
assert_eq "PID 1 on the host is uid 100000 (Uid: line)" 100000 "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)"
assert_eq "inspect shows the uid map" "0 100000 65536" "$(gb inspect un$$ | awk '/uid_map/ {print $2, $3, $4}')"
gb exec un$$ sh -c 'touch /made-inside; echo x > /tmp/copied-up' >/dev/null
assert_eq "a file made inside belongs to uid 100000 outside" 100000 "$(stat -c %u "$upper/made-inside")"
assert_eq "a write below an image directory works (copy-up through the shifted layer)" 100000 \
    "$(stat -c %u "$upper/tmp/copied-up" 2>/dev/null)"
echo host-secret > "$upper/hostfile$$"; chown 0:0 "$upper/hostfile$$"; chmod 644 "$upper/hostfile$$"
gb exec un$$ sh -c "echo pwned >> /hostfile$$" 2>/dev/null
check "root inside cannot write a root-owned host file (exit $?)" test "$(cat "$upper/hostfile$$")" = host-secret
assert_eq "inside, the host's root shows as nobody" 65534 "$(gb exec un$$ stat -c %u /hostfile$$)"
gb rm -f un$$ >/dev/null

# A directory a later layer removed and made again is opaque (trusted.overlay.opaque, the
# layer built as root); the overlay mounted in the user namespace reads user.overlay.* only,
# so the shifted copy of the layer must say it there too, or the removed file shows again.
ctx=$GB_TEST_ROOT/opaque-ctx
mkdir -p "$ctx"
printf 'FROM busybox\nRUN mkdir -p /d && touch /d/gone\nRUN rm -rf /d && mkdir /d && touch /d/kept\n' >"$ctx/Dockerfile"
check "build an image with an opaque directory" gb build -q -t opaque62:1 "$ctx"
assert_eq "without --userns, /d has only what the last layer made" kept "$(gb run --rm opaque62:1 ls /d)"
assert_eq "with --userns=auto too (the layer's opaque mark reaches the namespace)" kept \
    "$(gb run --rm --userns=auto opaque62:1 ls /d 2>&1)"
check "rmi" gb rmi opaque62:1

# Negative control: the same write from a container without a user namespace.
gb run -d --name plain$$ busybox sleep 300 >/dev/null
upper=$(gb inspect --json plain$$ | jq -r .state.rootfs.upper)
echo host-secret > "$upper/hostfile$$"; chmod 644 "$upper/hostfile$$"
gb exec plain$$ sh -c "echo pwned >> /hostfile$$"
check "control: root of a plain container writes it" grep -q pwned "$upper/hostfile$$"
gb rm -f plain$$ >/dev/null

out=$(gb run --rm --uidmap 0:200000:1000 --gidmap 0:300000:1000 busybox cat /proc/self/uid_map /proc/self/gid_map | tr -s ' ' | sed 's/^ //')
assert_eq "--uidmap/--gidmap are written as given" "0 200000 1000,0 300000 1000" "$(paste -sd, <<<"$out")"

out=$(gb lab check 6 2>&1); rc=$?
check "lab check 6 passes (exit $rc)" test "$rc" -eq 0
out=$(gb lab check 6 --control 2>&1); rc=$?
check "lab check 6 --control fails (exit $rc)" test "$rc" -eq 1
assert_contains "the control sees root inside as root outside" "root inside is root outside" "$out"

for bad in "--uidmap 0:100000" "--uidmap 5:100000:10" "--userns=bogus" "--userns=host --uidmap 0:1:1"; do
    out=$(gb run --rm $bad busybox true 2>&1); rc=$?
    check "bad input '$bad' is refused (exit $rc): ${out%%$'\n'*}" test "$rc" -ne 0
done
for step in userns-files userns-maps userns-root userns-paths; do
    out=$(GLASSBOX_FAIL_STEP=$step gb run --rm --userns=auto busybox sleep 3$$ 2>&1)
    assert_contains "failure at $step names it" "injected failure at step $step" "$out"
    check "failure at $step: no process left" bash -c "! pgrep -f '[s]leep 3$$' >/dev/null"
done
assert_nothing_left "userns as root"
finish
