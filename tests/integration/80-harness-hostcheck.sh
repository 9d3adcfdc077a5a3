#!/usr/bin/env bash
# `glassbox host-check` (issue 8) agrees with what the rest of the test suite finds on
# this host: where it says yes, the same feature works when tried independently here
# (util-linux unshare, mount, ip); its JSON is complete; it leaves nothing behind.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
need_cmd unshare
json=$GB_TEST_ROOT/host.json
gb host-check --json >"$json"
status=$?
jqt() { jq -e "$@" >/dev/null; }  # jq as a test: true when the filter is true
check "host-check --json is valid JSON" jqt . "$json"
n=$(jq '.features | length' "$json")
check "it reports $n features, each with key, tested, fix and a yes/no" \
    jqt '.features | length > 15 and all(.key != "" and .tested != "" and .fix != "" and (.available | type == "boolean"))' "$json"
check "each missing feature says why" jqt '[.features[] | select(.available | not) | .reason] | all(. != null and . != "")' "$json"
all=$(jq -r '[.features[].available] | all' "$json")
assert_eq "the exit status says whether everything is available" "$([ "$all" = true ] && echo 0 || echo 1)" "$status"
have() { jq -r --arg k "$1" '.features[] | select(.key == $k) | .available' "$json"; }

# Each answer against an independent try with the host's own tools.
agree() { # key description command...
    local key=$1 what=$2; shift 2
    local says; says=$(have "$key")
    if "$@" >/dev/null 2>&1; then real=true; else real=false; fi
    assert_eq "host-check's $key ($says) agrees with $what" "$real" "$says"
}
agree ns.pid "unshare --pid --fork true" unshare --pid --fork true
agree ns.net "unshare --net true" unshare --net true
agree ns.uts "unshare --uts true" unshare --uts true
agree ns.ipc "unshare --ipc true" unshare --ipc true
agree ns.user "unshare --user true" unshare --user true
agree ns.cgroup "unshare --cgroup true" unshare --cgroup true
d=$GB_TEST_ROOT/ovl; mkdir -p $d
agree overlay "an overlay mount in unshare --mount" unshare --mount sh -c \
    "mount -t tmpfs t $d && mkdir $d/l $d/u $d/w $d/m && mount -t overlay o -o lowerdir=$d/l,upperdir=$d/u,workdir=$d/w $d/m && touch $d/m/x && test -e $d/u/x"
if command -v ip >/dev/null; then
    agree veth "ip link add type veth in unshare --net" unshare --net ip link add gbt0 type veth peer name gbt1
    agree bridge "ip link add type bridge in unshare --net" unshare --net ip link add gbtbr type bridge
fi
# The device cgroup. Where its rules are files (v1), tried without glassbox: a cgroup made
# with mkdir that allows only /dev/null; a shell moved into it opens /dev/null, and the
# kernel log's node (c 1:11) is refused. On cgroup v2 the rules are a BPF program, which
# the host's own tools cannot write: there a container is the try (Docker's policy).
v1_devices_try() {
    local d=/sys/fs/cgroup/devices/gbtest80-$$ r
    mkdir "$d" || return 1
    echo a >"$d/devices.deny" && echo 'c 1:3 rwm' >"$d/devices.allow" &&
        sh -c "echo \$\$ >$d/cgroup.procs && head -c0 /dev/null && ! head -c0 /dev/kmsg 2>/dev/null"
    r=$?
    rmdir "$d"
    return $r
}
if [ -e /sys/fs/cgroup/devices/devices.list ]; then
    agree cgroup.devices "a v1 devices cgroup made by hand: /dev/null opens, /dev/kmsg does not" \
        v1_devices_try
    check "that cgroup is gone" test ! -e /sys/fs/cgroup/devices/gbtest80-$$
else
    agree cgroup.devices "a container's mknod'ed /dev/kmsg refused at open" \
        gb run --rm busybox sh -c 'mknod /tmp/k c 1 11 && ! sh -c "echo x > /tmp/k" 2>/dev/null'
fi
layout=$(jq -r .cgroup_layout "$json")
fstype=$(stat -f -c %T /sys/fs/cgroup)
case $fstype in
    cgroup2fs) expect=v2 ;;
    tmpfs) [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && expect=hybrid || expect=v1 ;;
    *) expect=none ;;
esac
assert_eq "the cgroup layout matches stat -f /sys/fs/cgroup ($fstype)" "$expect" "$layout"
seccomp_field=$(grep -c '^Seccomp:' /proc/self/status)
assert_eq "seccomp: available exactly when /proc/self/status has a Seccomp line" \
    "$([ "$seccomp_field" = 1 ] && echo true || echo false)" "$(have seccomp)"

# The engine's own integration tests need these; host-check must say yes to them here.
for k in ns.pid ns.mnt ns.uts ns.ipc ns.net overlay pivot_root; do
    assert_eq "$k is available (the engine's tests use it on this host)" true "$(have "$k")"
done

# The text form: one line per feature with yes/NO and how it was tested.
gb host-check >"$GB_TEST_ROOT/host.txt"
lines=$(grep -cE ' (yes|NO)  ' "$GB_TEST_ROOT/host.txt")
assert_eq "the text form has one line per feature" "$n" "$lines"

# Nothing left: no scratch directories, no test cgroups.
check "no scratch directory left in /tmp" bash -c "! ls -d /tmp/glassbox-hostcheck.* 2>/dev/null | grep -q ."
check "no test cgroup left" bash -c "! find /sys/fs/cgroup -maxdepth 2 -name 'glassbox-hostcheck-*' | grep -q ."
finish
