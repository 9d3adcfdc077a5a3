#!/usr/bin/env bash
# glassbox-runc and linux.resources.devices (the device cgroup, issue 14), as Docker 20.10
# writes it: a deny-all, its default allow list, then one allow per --device. A node of
# linux.devices that the list does not allow opens with EPERM, /dev/null opens, an allow
# for it opens it; on v1 devices.list of the container's cgroup reads back the list with
# runc's allow list after it, on v2 the behaviour says it; a bad rule is refused naming its
# JSON path with nothing left; delete removes the devices dir. From a subreaper as in 96.
. "$(dirname "$0")/../lib/oci_subreaper.sh"  # re-run from a subreaper, as a shim would
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
need_cmd jq
# PID 1 opens /dev/k (the kernel log, 1:11, made from linux.devices) for writing, which
# needs no capability: only the device cgroup can refuse it.
oci_bundle "$B" '["sh","-c","if true 2>/dev/null >/dev/k; then echo w-opened; else echo w-refused; fi >/tmp/res; echo >/dev/null && echo null-ok >>/tmp/res; sleep 300"]'
mkdir -p "$B/data"
cp "$B/config.json" "$B/base.json"
cgp=gbtest-ocidev-$$
cleanup_oci() {
    for c in d1 d2 d3; do runc_ delete --force $c >/dev/null 2>&1; done
    find /sys/fs/cgroup -maxdepth 2 -type d -name "$cgp" -exec rmdir {} + 2>/dev/null
    gb_cleanup
}
trap cleanup_oci EXIT
# Docker 20.10's list for `docker run` (oci/defaults.go), a --device-like rule in $1.
docker_list='[{"allow":false,"access":"rwm"},
  {"allow":true,"type":"c","major":1,"minor":5,"access":"rwm"},
  {"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},
  {"allow":true,"type":"c","major":1,"minor":9,"access":"rwm"},
  {"allow":true,"type":"c","major":1,"minor":8,"access":"rwm"},
  {"allow":true,"type":"c","major":5,"minor":0,"access":"rwm"},
  {"allow":true,"type":"c","major":5,"minor":1,"access":"rwm"},
  {"allow":false,"type":"c","major":10,"minor":229,"access":"rwm"}]'
edit() { # EXTRA_RULES_JSON ID
    jq --argjson l "$docker_list" --argjson x "$1" --arg p "/$cgp/$2" \
        '.linux.resources.devices = ($l + $x) | .linux.cgroupsPath = $p
         | .linux.devices = [{"path":"/dev/k","type":"c","major":1,"minor":11,"fileMode":438}]' \
        "$B/base.json" >"$B/config.json"
}
result() { # wait for PID 1's report in the bundle's rootfs
    for _ in $(seq 50); do [ -s "$B/rootfs/tmp/res" ] && grep -q null-ok "$B/rootfs/tmp/res" && break; sleep 0.1; done
    cat "$B/rootfs/tmp/res" 2>/dev/null
}
v1dir() { [ -e /sys/fs/cgroup/devices/devices.list ] && echo "/sys/fs/cgroup/devices/$cgp/$1"; }

edit '[]' d1
rm -f "$B/rootfs/tmp/res"
runc_ create --bundle "$B" --pid-file "$B/d1.pid" d1 && runc_ start d1
assert_eq "create and start with Docker's device list" 0 "$?"
out=$(result)
assert_contains "a linux.devices node the list does not allow: the open is refused" w-refused "$out"
assert_contains "/dev/null opens" null-ok "$out"
if d=$(v1dir d1); then
    list=$(cat "$d/devices.list")
    assert_contains "v1: devices.list has Docker's null" "c 1:3 rwm" "$list"
    assert_contains "v1: and runc's allow list after it (ptys)" "c 136:* rwm" "$list"
    check "v1: no allow-all left (a *:* rwm)" bash -c "! grep -qx 'a \*:\* rwm' <<<'$list'"
    check "v1: nor the kernel log" bash -c "! grep -q '^c 1:11 ' <<<'$list'"
fi
runc_ delete --force d1
[ -n "$(v1dir d1)" ] && check "v1: delete removes the devices dir" test ! -e "$(v1dir d1)"

edit '[{"allow":true,"type":"c","major":1,"minor":11,"access":"rwm"}]' d2
rm -f "$B/rootfs/tmp/res"
runc_ create --bundle "$B" --pid-file "$B/d2.pid" d2 && runc_ start d2
out=$(result)
assert_contains "with an allow for 1:11 (as --device adds) it opens" w-opened "$out"
[ -n "$(v1dir d2)" ] && assert_contains "v1: devices.list has it" "c 1:11 rwm" "$(cat "$(v1dir d2)/devices.list")"
runc_ delete --force d2

edit '[{"allow":true,"type":"c","major":1,"minor":11,"access":"rwx"}]' d3
runc_ create --bundle "$B" --pid-file "$B/d3.pid" d3 2>/dev/null
check "a rule with access rwx is refused" test $? -ne 0
msg=$(tail -1 "$B/log.json" | jq -r .msg)
assert_contains "naming its JSON path" "linux.resources.devices[8].access" "$msg"
check "nothing left of the refused create (records, cgroup)" \
    bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1 2>/dev/null)\" ] && [ -z \"\$(find /sys/fs/cgroup -maxdepth 3 -path '*$cgp/d3' 2>/dev/null)\" ]"
finish
