#!/bin/bash
# The device cgroup (issue 14), through the engine: with Docker's default policy a node
# made with mknod (the kernel log, 1:11) opens with EPERM while /dev/null opens; an
# allowed --device-cgroup-rule opens it, only for the access it names; `exec` is under
# the same rules; on v1 devices.list of the container's dir reads back the list, on v2
# an eBPF program of type cgroup_device is attached to its cgroup; --privileged gets no
# rules; a bad rule is refused naming it, with nothing left. Also run in the cgroup-v2
# QEMU guest (tests/guest/in-guest.sh). ~5 s.
. "$(dirname "$0")/../lib/common.sh"
need_root
if [ -e /sys/fs/cgroup/devices/devices.list ]; then
    layout=v1 # v1 or hybrid: the v1 devices hierarchy
elif [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    layout=v2
else
    skip "no v1 devices hierarchy and no cgroup2 at /sys/fs/cgroup"
fi
n=dev$$
ev=$GB_TEST_ROOT/events.jsonl
# In /dev (a tmpfs without nodev): the node for the kernel log, then opens of it.
mk='mknod /dev/k c 1 11 && echo made'
try_w='if true 2>/dev/null >/dev/k; then echo w-opened; else echo w-refused; fi'
try_r='if true 2>/dev/null </dev/k; then echo r-opened; else echo r-refused; fi'

out=$(gb run --rm --events "$ev" busybox sh -c "$mk; $try_w; true >/dev/k; echo >/dev/null && echo null-ok" 2>&1)
assert_contains "default policy: mknod of 1:11 is allowed (c *:* m)" made "$out"
assert_contains "default policy: opening it for writing is refused" w-refused "$out"
assert_contains "... with EPERM from the device cgroup" "Operation not permitted" "$out"
assert_contains "default policy: /dev/null opens" null-ok "$out"
check "the event stream has the devices step" grep -q '"type":"step.end".*"step":"devices".*"ok":true' "$ev"

out=$(gb run --rm --device-cgroup-rule 'c 1:11 w' busybox sh -c "$mk; $try_w; $try_r" 2>&1)
assert_contains "--device-cgroup-rule 'c 1:11 w': the write open works" w-opened "$out"
# A read of the kernel log also needs CAP_SYSLOG when kernel.dmesg_restrict is 1: only
# where 'rw' lets the read open does a refusal under 'w' come from the cgroup alone.
rw=$(gb run --rm --device-cgroup-rule 'c 1:11 rw' busybox sh -c "$mk; $try_r" 2>&1)
if [[ "$rw" == *r-opened* ]]; then
    assert_contains "... and a read open, which 'w' does not grant, is refused" r-refused "$out"
else
    echo "note: reading /dev/kmsg needs CAP_SYSLOG here (dmesg_restrict): read not compared"
fi

gb run -d --name "$n" --events "$ev" --device-cgroup-rule 'c 1:11 r' busybox sleep 60 >/dev/null
id=$(gb inspect --json "$n" | sed -n 's/^{"id":"\([0-9a-f]*\)".*/\1/p')
pid=$(gb inspect --json "$n" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p' | head -1)
if [ $layout = v1 ]; then
    dir=/sys/fs/cgroup/devices/glassbox/$id
    list=$(cat "$dir/devices.list" 2>&1)
    assert_contains "v1: devices.list has null" "c 1:3 rwm" "$list"
    assert_contains "v1: devices.list has the extra rule" "c 1:11 r" "$list"
    assert_contains "v1: devices.list has the ptys" "c 136:* rwm" "$list"
    check "v1: devices.list no longer allows everything (a *:* rwm)" \
        bash -c "! grep -qx 'a \*:\* rwm' '$dir/devices.list'"
    check "v1: PID 1 is in the devices cgroup" grep -q ":devices:/glassbox/$id\$" "/proc/$pid/cgroup"
else
    dir=$(sed -n 's|^0::|/sys/fs/cgroup|p' "/proc/$pid/cgroup")
    if command -v bpftool >/dev/null; then
        check "v2: bpftool shows a cgroup_device program on $dir" \
            bash -c "bpftool cgroup show '$dir' | grep -q cgroup_device"
    fi
    ids=$(grep '"step":"devices"' "$ev" | grep -o '"bpf_prog_ids":\[[0-9,]*\]' | tail -1)
    check "v2: the devices step saw a program attached to $dir ($ids)" grep -qE '\[[0-9]+' <<<"$ids"
fi
out=$(gb exec "$n" sh -c "$mk; $try_w; echo >/dev/null && echo null-ok" 2>&1)
assert_contains "exec: under the same rules (a write open of 1:11, granted only r, refused)" \
    w-refused "$out"
assert_contains "exec: /dev/null opens" null-ok "$out"
gb rm -f "$n" >/dev/null
assert_nothing_left "after rm -f" "$id"
[ $layout = v1 ] && check "v1: the devices dir is gone" test ! -e "$dir"

out=$(gb run --rm --privileged busybox sh -c "$mk; $try_w" 2>/dev/null)
assert_contains "--privileged: no device rules, the node opens" w-opened "$out"

for bad in 'c 1:x r' 'q 1:3 rwm' 'c 1:3 rwz' 'c 4096:1 r'; do
    out=$(gb run --rm --name "$n-bad" --device-cgroup-rule "$bad" busybox true 2>&1); rc=$?
    assert_eq "--device-cgroup-rule '$bad' is refused" 125 "$rc"
    assert_contains "... naming the rule and the form" "device cgroup rule \"$bad\"" "$out"
done
assert_nothing_left "after refused rules"

# A new list for a live cgroup replaces the old one (what `update` calls:
# gb_cgroup_devices through tests/cgroup/cgtool). On a hybrid host also the cgroup2 side
# taken as a v2 root, so the eBPF program's replacement runs here too.
CGTOOL=${CGTOOL:-$GB_SRC/${BUILD:-build}/tests/cgtool}
[ -x "$CGTOOL" ] || { not_ok "$CGTOOL not built (make)"; finish; }
node=$GB_TEST_ROOT/kmsg
mknod "$node" c 1 11
trap '"$CGTOOL" destroy "gbdev-$$-upd" >/dev/null 2>&1
      "$CGTOOL" --root /sys/fs/cgroup/unified --layout v2 destroy "gbdev-$$-upd" >/dev/null 2>&1
      gb_cleanup' EXIT
cfgs=("auto")
[ -e /sys/fs/cgroup/unified/cgroup.procs ] && [ $layout = v1 ] && cfgs+=("v2 on /sys/fs/cgroup/unified")
for cfg in "${cfgs[@]}"; do
    args=()
    [ "$cfg" = auto ] || args=(--root /sys/fs/cgroup/unified --layout v2)
    cgn=gbdev-$$-upd
    cgt() { "$CGTOOL" "${args[@]}" "$@"; }
    # a shell moves itself into the cgroup, then opens the node for writing
    opens() { bash -c 'cg=$1; shift; "$@" attach "$cg" $$ && exec sh -c "true 2>/dev/null >$0 && echo opened || echo refused"' \
        "$node" "$cgn" "$CGTOOL" "${args[@]}"; }
    cgt create "$cgn"
    cgt devices "$cgn" -a '+c 1:3 rwm'
    assert_eq "$cfg: deny all, allow null: the kernel log's node is refused" refused "$(opens)"
    cgt devices "$cgn" -a '+c 1:3 rwm' '+c 1:11 w'
    assert_eq "$cfg: a new list with 1:11 replaces it: the node opens" opened "$(opens)"
    show=$(cgt devices-show "$cgn")
    case $show in
    *devices_list*) assert_contains "$cfg: devices.list reads back the new list" '"c 1:11 w"' "$show" ;;
    *) check "$cfg: one program attached, the old one detached ($show)" \
        grep -qE '"bpf_prog_ids":\[[0-9]+\]' <<<"$show" ;;
    esac
    cgt devices "$cgn" '-c 1:11 w'
    assert_eq "$cfg: a list without deny-all replaces it too (only 1:11 denied)" refused "$(opens)"
    cgt devices "$cgn" '+c 1:3 rwm'
    assert_eq "$cfg: and again (nothing denied): the node opens" opened "$(opens)"
    cgt destroy "$cgn"
    check "$cfg: destroy leaves no dir of it" test -z "$(find /sys/fs/cgroup -maxdepth 4 -name "$cgn" 2>/dev/null)"
done
finish
