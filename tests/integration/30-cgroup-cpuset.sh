#!/usr/bin/env bash
# The cpuset controller: `glassbox run --cpuset-cpus/--cpuset-mems` and glassbox-runc's
# linux.resources.cpu.cpus/mems, read back from the kernel: the cpuset files of the
# container's cgroup and PID 1's Cpus_allowed_list / Mems_allowed_list. On a hybrid or v1
# host through the v1 cpuset hierarchy (cpuset/glassbox/ID); in the cgroup2-only guest
# (tests/guest/in-guest.sh runs every 30-cgroup-*.sh) through the container's cgroup2 dir,
# with "cpuset" in its parents' cgroup.subtree_control. A bad list and a CPU the host
# lacks are refused, leaving no cgroup. ~5 s.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
need_cmd jq
if [ -f /sys/fs/cgroup/cpuset/cpuset.cpus ]; then
    lay=v1 CS=/sys/fs/cgroup/cpuset root_cpus=$(cat /sys/fs/cgroup/cpuset/cpuset.cpus)
elif grep -qw cpuset /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    lay=v2 CS=/sys/fs/cgroup root_cpus=$(cat /sys/fs/cgroup/cpuset.cpus.effective)
else
    skip "no cpuset controller here (no v1 cpuset hierarchy, no cpuset in cgroup2)"
fi
# The last CPU the root cpuset has: on a machine of 2 CPUs or more the container is then
# confined to fewer than the host's, which the kernel's affinity shows.
cpu=$(sed 's/.*[-,]//' <<<"$root_cpus")
echo "# layout $lay, root cpuset $root_cpus, the container gets CPU $cpu"
n=cs$$
cgp=gbtest-cs-$$
cleanup_cs() {
    "$RUNC" --root "$R" delete --force c1 >/dev/null 2>&1
    gb rm -f "$n" >/dev/null 2>&1
    rmdir "$CS/$cgp" 2>/dev/null
    for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do rmdir "$d$cgp" 2>/dev/null; done
    gb_cleanup
}
trap cleanup_cs EXIT

# 1. bad input: a list that is no list, and a CPU the host does not have
out=$(gb run --rm --cpuset-cpus 1-x busybox true 2>&1); rc=$?
check "--cpuset-cpus 1-x is refused ($rc)" test "$rc" -ne 0
assert_contains "the error names the flag and the value" '--cpuset-cpus "1-x"' "$out"
out=$(gb run --rm --name "$n-big" --cpuset-cpus 4095 busybox true 2>&1); rc=$?
check "--cpuset-cpus 4095 (no such CPU) is refused ($rc)" test "$rc" -ne 0
assert_contains "by the kernel, at cpuset.cpus" "cpuset.cpus" "$out"
assert_nothing_left "after the refused lists"
check "no cpuset dir of the refused container" \
    bash -c "! find '$CS/glassbox' -mindepth 1 -maxdepth 1 -type d 2>/dev/null | grep -q ."

# rootless without a delegated cgroup: refused with the reason (before anything is made)
if command -v setpriv >/dev/null; then
    rl=$GB_TEST_ROOT/rootless; mkdir -p "$rl"; chmod 777 "$rl"
    out=$(setpriv --reuid 65534 --regid 65534 --clear-groups env HOME="$rl" XDG_RUNTIME_DIR="$rl" \
          GLASSBOX_ROOT="$rl/run" GLASSBOX_DATA_ROOT="$rl/data" "$GLASSBOX" run --rm --cpuset-cpus 0 busybox true 2>&1); rc=$?
    check "as an ordinary user with no cgroup, --cpuset-cpus is refused ($rc)" test "$rc" -ne 0
    assert_contains "saying it needs a cgroup" "need a cgroup" "$out"
fi

# 2. glassbox run: the cgroup's files and what the kernel lets PID 1 use
gb run -d --name "$n" --cpuset-cpus "$cpu" --cpuset-mems 0 busybox sleep 300 >/dev/null
assert_eq "run -d --cpuset-cpus $cpu --cpuset-mems 0" 0 "$?"
insp=$(gb inspect --json "$n")
id=$(jq -r .id <<<"$insp")
pid=$(jq -r .state.pid <<<"$insp")
dir=$CS/glassbox/$id
assert_eq "$dir/cpuset.cpus" "$cpu" "$(cat "$dir/cpuset.cpus" 2>&1)"
assert_eq "$dir/cpuset.mems" 0 "$(cat "$dir/cpuset.mems" 2>&1)"
if [ $lay = v1 ]; then
    check "PID 1 is in cpuset:/glassbox/$id" grep -qx "[0-9]*:cpuset:/glassbox/$id" "/proc/$pid/cgroup"
else
    check "PID 1 is in 0::/glassbox/$id" grep -qx "0::/glassbox/$id" "/proc/$pid/cgroup"
    check "cpuset is handed down by / and /glassbox (cgroup.subtree_control)" \
        bash -c "grep -qw cpuset $CS/cgroup.subtree_control && grep -qw cpuset $CS/glassbox/cgroup.subtree_control"
fi
assert_eq "the kernel lets PID 1 run on CPU $cpu only (Cpus_allowed_list)" "$cpu" \
    "$(awk '/^Cpus_allowed_list/ {print $2}' "/proc/$pid/status")"
assert_eq "and allocate from node 0 only (Mems_allowed_list)" 0 \
    "$(awk '/^Mems_allowed_list/ {print $2}' "/proc/$pid/status")"
assert_eq "a process exec'd later is confined too (its own /proc/self/status)" "$cpu" \
    "$(gb exec "$n" awk '/^Cpus_allowed_list/ {print $2}' /proc/self/status)"
gb rm -f "$n" >/dev/null
check "rm removes the cpuset dir" test ! -d "$dir"
assert_nothing_left "after rm" "$id"

# 3. glassbox-runc: linux.resources.cpu.cpus/mems at linux.cgroupsPath
oci_bundle "$B" '["sleep","300"]'
jq ".linux.cgroupsPath = \"/$cgp/c1\" | .linux.resources.cpu = {\"cpus\": \"$cpu\", \"mems\": \"0\"}" \
    "$B/config.json" > "$B/c.json" && mv "$B/c.json" "$B/config.json"
"$RUNC" --root "$R" create --bundle "$B" --pid-file "$B/c1.pid" c1 &&
    "$RUNC" --root "$R" start c1
assert_eq "glassbox-runc create and start with cpu.cpus $cpu" 0 "$?"
pid=$(cat "$B/c1.pid")
assert_eq "$CS/$cgp/c1/cpuset.cpus" "$cpu" "$(cat "$CS/$cgp/c1/cpuset.cpus" 2>&1)"
assert_eq "PID 1's Cpus_allowed_list" "$cpu" "$(awk '/^Cpus_allowed_list/ {print $2}' "/proc/$pid/status")"
"$RUNC" --root "$R" delete --force c1
check "delete removes it" test ! -d "$CS/$cgp/c1"
jq '.linux.resources.cpu = {"cpus": "0-"}' "$B/config.json" > "$B/c.json" && mv "$B/c.json" "$B/config.json"
out=$("$RUNC" --root "$R" create --bundle "$B" --pid-file "$B/c2.pid" c2 2>&1); rc=$?
check "cpu.cpus \"0-\" is refused ($rc)" test "$rc" -ne 0
assert_contains "naming linux.resources.cpu.cpus" "linux.resources.cpu.cpus" "$out"
finish
