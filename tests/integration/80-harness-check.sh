#!/usr/bin/env bash
# The isolation test harness (issue 8): `glassbox check` passes on this host for every
# lab whose feature exists here; under --control every check reports its leak; the TAP
# parses with prove and the JUnit XML with python3's XML parser; usage errors are clear.
# In a network namespace of its own: lab 17's check makes a bridge network, which must
# never appear on the machine's real network.
if [ -z "${GB_NET_PRIVATE:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    GB_NET_PRIVATE=1 exec unshare --net -- "$0" "$@"
fi
[ -n "${GB_NET_PRIVATE:-}" ] && ip link set lo up
. "$(dirname "$0")/../lib/common.sh"
need_root
out=$GB_TEST_ROOT/out
mkdir -p "$out"
nlabs=$(gb lab list | grep '^[0-9][0-9] ' | grep -vc 'by name only')

# --- every check, automatic mode
gb check -v >"$out/check.txt" 2>&1
status=$?
cat "$out/check.txt"
assert_eq "glassbox check exits 0 on this host" 0 "$status"
rows=$(grep -cE '^[0-9]{2} [a-z0-9-]+ +(PASS|SKIP)' "$out/check.txt")
assert_eq "every lab ($nlabs) passed or was skipped with a reason" "$nlabs" "$rows"
# A SKIP is a failure where the feature exists: each must name a feature host-check
# reports missing on this host.
gb host-check >"$out/host.txt" 2>&1
skips_ok() { # file
    grep -E '^[0-9]{2} [a-z0-9-]+ +SKIP' "$1" | while read -r _ _ _ rest; do
        feature=$(sed -n 's/^this host has no \([^:]*\):.*/\1/p' <<<"$rest")
        [ -n "$feature" ] && grep -F "$feature" "$out/host.txt" | grep -q ' NO ' || { echo "unjustified SKIP: $rest"; exit 1; }
    done
}
check "every SKIP names a feature host-check reports missing" skips_ok "$out/check.txt"
check "no check failed or errored" bash -c "! grep -qE '^[0-9]{2} [a-z0-9-]+ +(FAIL|ERROR)' '$out/check.txt'"
check "each verdict carries the kernel's evidence" bash -c \
    "grep -E '^[0-9]{2} [a-z0-9-]+ +PASS' '$out/check.txt' | awk '{ if (NF < 6) exit 1 }'"
assert_nothing_left "after glassbox check"

# --- every negative control must be detected
gb check --control >"$out/control.txt" 2>&1
status=$?
cat "$out/control.txt"
assert_eq "glassbox check --control exits 0 when every control was detected" 0 "$status"
seen=$(grep -cE '^[0-9]{2} [a-z0-9-]+ +(LEAK SEEN|SKIP)' "$out/control.txt")
assert_eq "every lab ($nlabs) reported its leak under its control" "$nlabs" "$seen"
check "every SKIP under --control names a feature host-check reports missing" skips_ok "$out/control.txt"
# Each control is detected only through the finding it names: lab 01's through --rm.
gb lab check 1 --control >"$out/control01.txt" 2>&1
assert_eq "lab 01's control is detected (exit 1)" 1 "$?"
check "lab 01's control trips [survived-stop], the finding --rm makes fail" \
    grep -q '✗ \[survived-stop\] the container survived its stop: no' "$out/control01.txt"
check "and says it was detected through it" grep -q 'and \[survived-stop\] saw it' "$out/control01.txt"
check "no check missed its control" bash -c "! grep -qE ' MISSED | ERROR ' '$out/control.txt'"
assert_nothing_left "after glassbox check --control"

# --- TAP, read by a standard consumer
gb check --tap 2 3 >"$out/two.tap"
assert_eq "--tap exits 0" 0 "$?"
if command -v prove >/dev/null; then
    prove -e cat "$out/two.tap" >"$out/prove.txt" 2>&1
    assert_eq "prove accepts the TAP" 0 "$?"
    check "prove counted 2 tests" grep -q 'Tests=2' "$out/prove.txt"
    gb check --control --tap 2 >"$out/control.tap"
    prove -e cat "$out/control.tap" >/dev/null 2>&1
    assert_eq "prove accepts the --control TAP (a detected leak is ok)" 0 "$?"
else
    echo "SKIP: prove (perl) not installed: TAP not parsed" >&2
fi
check "TAP starts with its version and plan" bash -c "head -2 '$out/two.tap' | tr '\n' ' ' | grep -q '^TAP version 13 1..2 '"

# --- a check that cannot run is "not ok" and the harness exits non-zero
GLASSBOX_FAIL_STEP=hostname gb check --tap 3 >"$out/broken.tap" 2>&1
assert_eq "a check whose container cannot start is an ERROR: glassbox check exits 4" 4 "$?"
check "its TAP line is 'not ok'" grep -q '^not ok 1 - lab 03' "$out/broken.tap"
if command -v prove >/dev/null; then
    check "prove reports the failure" bash -c "! prove -e cat '$out/broken.tap' >/dev/null 2>&1"
fi
assert_nothing_left "after a check that could not start its container"

# --- JUnit XML, read by python3's XML parser
gb check --junit "$out/junit.xml" 1 4 >/dev/null
assert_eq "--junit exits 0" 0 "$?"
if command -v python3 >/dev/null; then
    summary=$(python3 - "$out/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = list(root.iter("testcase"))
bad = [c.get("name") for c in cases if c.find("failure") is not None or c.find("error") is not None]
print(root.tag, root.get("tests"), len(cases), ",".join(c.get("name") for c in cases), "bad=" + ",".join(bad))
PY
)
    assert_eq "the JUnit XML parses, 2 test cases, none failed" \
        "testsuites 2 2 01-first-container,04-mount-namespace-pivot-root bad=" "$summary"
else
    echo "SKIP: python3 not installed: JUnit not parsed" >&2
fi

# --- a student's own container, and usage errors
gb run -d --name harness-own-$$ busybox sleep 300 >/dev/null
gb check --container harness-own-$$ 2 >"$out/own.txt"
assert_eq "check --container NAME LAB passes for a plain container" 0 "$?"
check "it checked the named container, and left it running" \
    bash -c "grep -q PASS '$out/own.txt' && $GLASSBOX ps | grep -q harness-own-$$"
gb rm -f harness-own-$$ >/dev/null
gb check --container x 2 3 >/dev/null 2>"$out/err.txt"
assert_eq "--container with two labs is a usage error" 2 "$?"
gb check 99 >/dev/null 2>"$out/err.txt"
assert_eq "an unknown lab is a usage error" 2 "$?"
check "the error names the lab and the fix" grep -q "no lab '99'" "$out/err.txt"
assert_nothing_left "at the end"
finish
