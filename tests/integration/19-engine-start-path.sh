#!/usr/bin/env bash
# What a start does beyond the container (issue 12), counted in system calls, which load
# does not change: `run --rm busybox true` maps no image library (they are glassbox-images'),
# writes its state file 3 times (created, the monitor's pid before the steps, running; not
# after each create step nor once more just before --rm removes it), reads cap_last_cap
# once, and reads no cgroup counter when PID 1 exits on its own. `create` alone still
# leaves a state file that has everything the create steps made.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd strace
need_cmd jq
gb run --rm busybox true >/dev/null # the image imported, outside the count
strace -f -qq -o "$GB_TEST_ROOT/trace" "$GLASSBOX" run --rm busybox true
t=$GB_TEST_ROOT/trace
assert_eq "run --rm opens no libcurl, libarchive or libcrypto" "" \
    "$(grep -E 'open.*(libcurl|libarchive|libcrypto)' "$t" | grep -v ENOENT || true)"
assert_eq "the state file is renamed into place 3 times" 3 \
    "$(grep -c 'rename("[^"]*/container\.json\.tmp' "$t")"
assert_eq "/proc/sys/kernel/cap_last_cap is read once" 1 "$(grep -c 'open.*cap_last_cap' "$t")"
assert_eq "no cgroup counter is read at the exit of true" "" \
    "$(grep -E 'open.*/sys/fs/cgroup/.*(memory\.stat|memory\.events|cpu\.stat|cpuacct\.usage|memory\.oom_control)' "$t" || true)"
check "the parent cgroup is still made in each hierarchy (mkdir .../glassbox)" \
    grep -q 'mkdir("/sys/fs/cgroup/.*glassbox"' "$t"
assert_eq "and nothing is left" "" "$(gb ps -aq)"

# A SIGKILLed PID 1 still gets its cgroup counters read (is it the OOM killer's?).
(sleep 1; gb kill k-$$ >/dev/null) &
strace -f -qq -o "$t" "$GLASSBOX" run --rm --name k-$$ busybox sleep 30
wait
check "after a SIGKILL the exit reads the cgroup's counters" \
    grep -qE 'open.*/sys/fs/cgroup/.*(memory\.stat|memory\.events|memory\.oom_control)' "$t"

# create alone: the layer's paths, made by a create step, are in the saved state.
id=$(gb create busybox true)
st=$GLASSBOX_ROOT/containers/$id/container.json
assert_eq "create saved the writable layer's path" \
    "$GLASSBOX_DATA_ROOT/containers/$id/upper" "$(jq -r '.state.rootfs.upper' "$st")"
check "which exists" test -d "$(jq -r '.state.rootfs.upper' "$st")"
gb start "$id" >/dev/null 2>&1
gb rm -f "$id" >/dev/null
assert_nothing_left "the counted runs"
finish
