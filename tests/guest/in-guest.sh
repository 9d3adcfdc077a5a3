#!/usr/bin/env bash
# Runs inside the test guest (tests/guest/test-guest.sh boots it): first proves the cgroup
# layout is the one asked for, then runs the tests that touch cgroups and the engine with
# the glassbox binaries built on the host. Last line: "N passed, N failed, N skipped".
#   in-guest.sh v2|v1 [PATTERN]   (PATTERN: run only the tests whose name contains it)
set -u
want=$1
only=${2:-}
cd /gb/src || exit 1
export BUILD=build GB_SRC=/gb/src GLASSBOX=/gb/src/build/bin/glassbox TMPDIR=/var/tmp
# QEMU's TCG emulates every instruction: the labs' waits stretch (never their verdicts).
export GLASSBOX_TIME_SCALE=${GLASSBOX_TIME_SCALE:-6}
mkdir -p /var/tmp
passed=0 failed=0 skipped=0

record() { # name status log [seconds]
    case $2 in
    0) passed=$((passed + 1)); echo "PASS  $1 ${4:+(${4}s)}" ;;
    77) skipped=$((skipped + 1)); echo "SKIP  $1  $(grep -m1 -i skip "$3" | cut -c1-100)" ;;
    *) failed=$((failed + 1)); echo "FAIL  $1 (exit $2)"; sed 's/^/      | /' "$3" | tail -30 ;;
    esac
}

# The layout, as glassbox and the kernel see it: v2 means cgroup2 mounted and no v1
# hierarchy at all; v1 means no cgroup2 anywhere.
layout=$(build/tests/cgtool detect 2>&1 | grep '^layout=')
v1=$(grep -c ' - cgroup ' /proc/self/mountinfo)
v2=$(grep -c ' - cgroup2 ' /proc/self/mountinfo)
log=/var/tmp/layout.log
{ echo "glassbox: $layout; mountinfo: $v1 cgroup (v1), $v2 cgroup2"; cat /proc/cgroups; } >$log
case $want in
v2) [ "$v1" -eq 0 ] && [ "$v2" -eq 1 ] && [ "$layout" = layout=v2 ] ;;
v1) [ "$v1" -gt 0 ] && [ "$v2" -eq 0 ] && [ "$layout" = layout=v1 ] ;;
esac
record "guest/layout-$want ($layout, $v1 v1 mounts, $v2 cgroup2)" $? $log

# One test script, as tests/run.sh runs it: private roots, stdin closed, a time limit.
run_one() { # name script...
    local name=$1; shift
    case $name in *"$only"*) ;; *) return ;; esac
    local tmp log=/var/tmp/$name.log
    tmp=$(mktemp -d /var/tmp/gbtest.XXXXXX)
    local s=$(date +%s)
    GB_TEST_ROOT=$tmp GLASSBOX_ROOT=$tmp/run GLASSBOX_DATA_ROOT=$tmp/data \
        timeout -k 10 300 "$@" >"$log" 2>&1 </dev/null
    record "$name" $? "$log" $(( $(date +%s) - s ))
    rm -rf "$tmp"
}

for t in tests/integration/30-cgroup-*.sh tests/integration/31-cgroup-engine.sh \
         tests/integration/80-harness-hostcheck.sh; do
    run_one "$(basename "$t" .sh)" "$t"
done
# GUEST_V1_CORE=1 (make test, with both guests): the v1 guest leaves out the two longest
# tests. Their v1 paths are the ones the hybrid host's v1 controllers take (tests
# 80-harness-check and 68-classroom-e2e run them there); make test-guest runs them here too.
v1_core() { # name
    [ "$want" = v1 ] && [ "${GUEST_V1_CORE:-}" = 1 ] || return 1
    case $1 in *"$only"*) ;; *) return 0 ;; esac
    skipped=$((skipped + 1))
    echo "SKIP  $1  (GUEST_V1_CORE=1: its v1 paths run on the host; make test-guest runs it here)"
}
v1_core guest-labs-cycle || run_one guest-labs-cycle tests/guest/labs-cycle.sh
run_one guest-rootless-delegated tests/guest/rootless-delegated.sh
# systemd-style delegation (user@UID.service, Delegate=yes): a cgroup v2 path only.
[ "$want" = v2 ] && run_one guest-rootless-systemd tests/guest/rootless-systemd.sh
v1_core guest-classroom-e2e || run_one guest-classroom-e2e tests/guest/classroom-e2e.sh
# AppArmor (issue 14): where the guest kernel runs it; one guest is enough (no cgroup in
# it): the one test-guest.sh names with GUEST_APPARMOR=1.
[ "${GUEST_APPARMOR:-1}" = 1 ] && run_one guest-apparmor tests/guest/apparmor.sh
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
