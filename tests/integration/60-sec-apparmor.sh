#!/bin/bash
# AppArmor (core/security/apparmor.c): `run --security-opt apparmor=PROFILE`. On a host
# whose kernel runs no AppArmor (this one, CI's): the container runs, a warning names
# the profile not applied, and the exec row writes nothing. On a host that runs it: a
# profile the kernel does not know fails the start with the hint, leaving nothing, and
# apparmor=unconfined runs unconfined. A loaded profile enforced inside a container is
# proved in the QEMU guest (tests/guest/apparmor.sh), whose kernel has AppArmor.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
name=gbtest-absent-$$
aa_on=n
[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && aa_on=y
exec_call() { jq -r 'select(.type == "step.begin" and .step == "exec") | .call' "$1"; }
# The seccomp row writes the profile, before its filter (the exec row when none).
seccomp_call() { jq -r 'select(.type == "step.begin" and .step == "seccomp") | .call' "$1"; }

# A bad value: refused before anything is made, naming it (docker run's exit code 125).
out=$(gb run --rm --security-opt apparmor= busybox true 2>&1); rc=$?
assert_eq "apparmor= (no name): refused with 125" 125 "$rc"
assert_contains "apparmor= (no name): names the option" "security-opt" "$out"
assert_contains "apparmor= (no name): says how to load one" "apparmor_parser -r" "$out"
assert_nothing_left "the refused apparmor="

# unconfined: what a container gets anyway; no warning, and it runs.
# (its label is readable only where an LSM keeps one: /proc/PID/attr/current is EINVAL without)
probe=true
[ "$aa_on" = y ] && probe="cat /proc/self/attr/current"
out=$(gb run --rm --security-opt apparmor=unconfined busybox $probe 2>&1); rc=$?
assert_eq "apparmor=unconfined: runs" 0 "$rc"
check "apparmor=unconfined: no warning" test -z "$(grep -i 'warning' <<<"$out")"
[ "$aa_on" = y ] && assert_eq "apparmor=unconfined: PID 1's label" unconfined "$out"

if [ "$aa_on" = n ]; then
	ev=$GB_TEST_ROOT/aa.jsonl
	err=$GB_TEST_ROOT/aa.err
	out=$(gb run --rm --events "$ev" --security-opt apparmor="$name" busybox cat /etc/hostname 2>"$err"); rc=$?
	assert_eq "AppArmor off: the container runs" 0 "$rc"
	check "AppArmor off: it read /etc/hostname" test -n "$out"
	assert_contains "AppArmor off: a warning names the profile not applied" \
		"apparmor=$name is not applied: AppArmor is not enabled" "$(cat "$err")"
	call=$(exec_call "$ev")
	check "AppArmor off: the exec row ran" test -n "$call"
	check "AppArmor off: the exec row writes no attr/apparmor/exec" \
		test -z "$(grep -F 'attr/apparmor/exec' <<<"$call")"
	check "AppArmor off: nor the seccomp row" \
		test -z "$(seccomp_call "$ev" | grep -F 'attr/apparmor/exec')"
	# the profile asked for is the container's (inspect), for a later exec as well
	id=$(gb run -d --security-opt apparmor="$name" busybox sleep 30 2>/dev/null)
	assert_eq "AppArmor off: inspect keeps the profile asked for" "$name" \
		"$(gb inspect --json "$id" | jq -r '.. | .apparmor? // empty' | head -1)"
	out=$(gb exec "$id" cat /proc/1/cmdline 2>&1 | tr '\0' ' '); rc=$?
	assert_eq "AppArmor off: exec into it runs" 0 "$rc"
	assert_contains "AppArmor off: exec sees PID 1" "sleep 30" "$out"
	gb rm -f "$id" >/dev/null
else
	ev=$GB_TEST_ROOT/aa.jsonl
	out=$(gb run --rm --events "$ev" --security-opt apparmor="$name" busybox true 2>&1); rc=$?
	check "AppArmor on: a profile not loaded fails the start" test "$rc" -ne 0
	assert_contains "AppArmor on: the kernel's answer (ENOENT)" "No such file or directory" "$out"
	assert_contains "AppArmor on: the hint names apparmor_parser" "apparmor_parser -r" "$out"
	assert_contains "AppArmor on: the seccomp row names the write" \
		"write(\"/proc/thread-self/attr/apparmor/exec\", \"exec $name\")" "$(seccomp_call "$ev")"
fi
# glassbox-runc features: AppArmor support is there whatever the host runs (runtime-spec)
assert_eq "glassbox-runc features: apparmor.enabled" true \
	"$("$(dirname "$GLASSBOX")/glassbox-runc" features | jq -r .linux.apparmor.enabled)"
assert_nothing_left "after the AppArmor runs"
finish
