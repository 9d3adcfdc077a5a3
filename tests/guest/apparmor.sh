#!/usr/bin/env bash
# In the test guest, whose Debian kernel runs AppArmor (issue 14): a profile loaded with
# apparmor_parser that denies reading /etc/hostname is entered at the exec, by
# `glassbox run --security-opt apparmor=gbtest`, `glassbox exec` into that container, and
# glassbox-runc with config.json's process.apparmorProfile (exec --process with its own).
# The kernel's word is /proc/PID/attr/current ("gbtest (enforce)") and the EACCES of the
# denied read; the same read works without the profile. A profile the kernel does not
# know fails the start with the hint, leaving nothing. Exit 77 where AppArmor is off.
# (glassbox-runc create's PID 1, orphaned when create exits, is reaped by the guest's init.)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
need_cmd jq
[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] ||
    skip "AppArmor is not enabled in this kernel (/sys/module/apparmor/parameters/enabled)"
[ -e /sys/kernel/security/apparmor/.load ] ||
    skip "securityfs is not mounted at /sys/kernel/security (the guest's init mounts it)"
need_cmd apparmor_parser
P=$GB_TEST_ROOT/gbtest.profile
# Everything allowed but one read: what changes is the profile, not what sleep/cat need.
# attach_disconnected: the sealed trampoline runs from a memfd, a path of no mount.
cat > "$P" <<'PROFILE'
profile gbtest flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  mount,
  umount,
  pivot_root,
  deny /etc/hostname r,
}
PROFILE
RUNC=$(dirname "$GLASSBOX")/glassbox-runc
R=$GB_TEST_ROOT/oci-root
B=$GB_TEST_ROOT/bundle
runc_() { "$RUNC" --root "$R" --log "$B/log.json" --log-format json "$@"; }
cleanup_aa() {
    runc_ delete --force a1 >/dev/null 2>&1
    gb_cleanup
    apparmor_parser -R "$P" >/dev/null 2>&1
}
trap cleanup_aa EXIT
label() { cat "/proc/$1/attr/current" 2>&1; }
pid_of() { gb inspect --json "$1" | jq -r .state.pid; }

out=$(apparmor_parser -r -K "$P" 2>&1)
check "apparmor_parser loads gbtest ($out)" test $? -eq 0
check "the kernel lists it, enforced" grep -qx 'gbtest (enforce)' /sys/kernel/security/apparmor/profiles

# glassbox run: the read works without the profile, fails with EACCES under it.
out=$(gb run --rm busybox cat /etc/hostname 2>&1)
check "without the profile /etc/hostname reads ($out)" test $? -eq 0 -a -n "$out"
ev=$GB_TEST_ROOT/aa.jsonl
out=$(gb run --rm --events "$ev" --security-opt apparmor=gbtest busybox cat /etc/hostname 2>&1)
rc=$?
check "apparmor=gbtest: cat /etc/hostname fails (exit $rc)" test "$rc" -ne 0
assert_contains "apparmor=gbtest: EACCES" "Permission denied" "$out"
check "apparmor=gbtest: no warning" test -z "$(grep -i warning <<<"$out")"
assert_contains "the seccomp row's call names the write, before the filter" \
    'write("/proc/thread-self/attr/apparmor/exec", "exec gbtest"); seccomp(' \
    "$(jq -r 'select(.type == "step.begin" and .step == "seccomp") | .call' "$ev")"
out=$(gb run --rm --security-opt apparmor=gbtest busybox cat /etc/hosts 2>&1)
check "apparmor=gbtest: other files still read (/etc/hosts)" test $? -eq 0
# The profile is written before the filter is in: a filter that refuses write(2) does
# not stop it (it did when the exec row wrote it, after the seccomp row).
F=$GB_TEST_ROOT/no-write.json
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["write"],"action":"SCMP_ACT_ERRNO"}]}' >"$F"
out=$(gb run --rm --security-opt apparmor=gbtest --security-opt seccomp="$F" busybox \
    sh -c 'grep -q "^gbtest (enforce)" /proc/self/attr/current' 2>&1)
check "a filter refusing write: the profile is still entered ($out)" test $? -eq 0
out=$(gb run --rm --security-opt apparmor=unconfined --security-opt seccomp="$F" busybox \
    sh -c 'grep -q "^gbtest" /proc/self/attr/current' 2>&1)
check "control: without the profile the same grep fails" test $? -ne 0

# A detached container: PID 1's label, and exec into it gets the same.
id=$(gb run -d --security-opt apparmor=gbtest busybox sleep 300 2>&1)
check "run -d with apparmor=gbtest ($id)" test $? -eq 0
pid=$(pid_of "$id")
assert_eq "PID 1's /proc/PID/attr/current" "gbtest (enforce)" "$(label "$pid")"
assert_eq "glassbox exec: the container's profile" "gbtest (enforce)" \
    "$(gb exec "$id" cat /proc/self/attr/current 2>&1)"
out=$(gb exec "$id" cat /etc/hostname 2>&1)
assert_contains "glassbox exec: the denied read fails too" "Permission denied" "$out"
gb rm -f "$id" >/dev/null
id=$(gb run -d busybox sleep 300 2>&1)
assert_eq "control: without the option PID 1 is unconfined" unconfined "$(label "$(pid_of "$id")")"
gb rm -f "$id" >/dev/null
out=$(gb run --rm --security-opt apparmor=unconfined busybox cat /etc/hostname 2>&1)
check "apparmor=unconfined: the read works" test $? -eq 0

# A profile the kernel does not know: the start fails with its errno and the hint.
out=$(gb run --rm --security-opt apparmor=gbtest-absent busybox true 2>&1)
rc=$?
check "an unloaded profile fails the start (exit $rc)" test "$rc" -ne 0
assert_contains "... with the kernel's ENOENT" "No such file or directory" "$out"
assert_contains "... and the hint" "apparmor_parser -r" "$out"
assert_nothing_left "the refused start"

# glassbox-runc: config.json's process.apparmorProfile; exec --process with its own.
oci_bundle "$B" '["sleep","300"]'
jq '.process.apparmorProfile = "gbtest"' "$B/config.json" > "$B/c2.json" && mv "$B/c2.json" "$B/config.json"
runc_ create --bundle "$B" --pid-file "$B/init.pid" a1
assert_eq "glassbox-runc create with apparmorProfile gbtest" 0 "$?"
runc_ start a1
pid=$(cat "$B/init.pid")
assert_eq "glassbox-runc: PID 1's label" "gbtest (enforce)" "$(label "$pid")"
check "glassbox-runc: no warning in the log" \
    test -z "$(jq -r 'select(.level == "warning") | .msg' "$B/log.json" | grep -i apparmor)"
jq '.process | .args = ["sleep", "60"]' "$B/config.json" > "$B/p1.json"
runc_ exec --process "$B/p1.json" --detach --pid-file "$B/e1.pid" a1
assert_eq "exec --process with the container's profile" "gbtest (enforce)" "$(label "$(cat "$B/e1.pid")")"
jq '.process | .args = ["sleep", "60"] | .apparmorProfile = "unconfined"' "$B/config.json" > "$B/p2.json"
runc_ exec --process "$B/p2.json" --detach --pid-file "$B/e2.pid" a1
assert_eq "exec --process with its own (unconfined)" unconfined "$(label "$(cat "$B/e2.pid")")"
runc_ delete --force a1
jq '.process.apparmorProfile = "gbtest-absent"' "$B/config.json" > "$B/c2.json" && mv "$B/c2.json" "$B/config.json"
runc_ create --bundle "$B" --pid-file "$B/init.pid" a2 2>/dev/null
check "glassbox-runc: an unloaded profile fails create" test $? -ne 0
msg=$(jq -r 'select(.level == "error") | .msg' "$B/log.json" | tail -1)
assert_contains "glassbox-runc: the log's error has the hint" "apparmor_parser -r" "$msg"
runc_ state a2 >/dev/null 2>&1
check "glassbox-runc: nothing of a2 remains (state: does not exist)" test $? -ne 0
check "glassbox-runc: no record or container state left" \
    test ! -e "$R/oci/a2" -a -z "$(ls -A "$R/containers" 2>/dev/null)"
assert_nothing_left "the refused create"
finish
