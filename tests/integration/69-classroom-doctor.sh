#!/usr/bin/env bash
# classroom setup --students GROUP and `classroom doctor` on the results spool (issue 21:
# "a results spool each student can write only their own results to, and a check that it
# all works"). Two real users made for this test: one a listed member of a group made for
# it, one whose primary group it is; `classroom setup --students GROUP` makes both
# students. The doctor (root's and the student's) then finds the spool as setup left it,
# and reports each way it can stop keeping students apart: results/ listable by others, a
# student's directory open to others, or no longer the student's. Users, group, class
# removed at exit.
. "$(dirname "$0")/../lib/common.sh"
need_cmd groupadd
need_cmd jq
. "$(dirname "$0")/../lib/class.sh"
class gbd 2
A=${S[0]} B=${S[1]}
GROUP=gbdg$$
cleanup() {
    cleanup_class
    getent group "$GROUP" >/dev/null && groupdel "$GROUP"
}
trap cleanup EXIT
export GLASSBOX_CLASSROOM_DIR=$CLASS
AS_USER_ENV=(GLASSBOX_CLASSROOM_DIR="$CLASS")
groupadd "$GROUP" || skip "cannot create a test group"
usermod -aG "$GROUP" "$A" && usermod -g "$GROUP" "$B"

out=$(gb classroom setup --students "$GROUP" 2>&1); rc=$?
check "classroom setup --students GROUP (exit $rc)" test "$rc" -eq 0 || echo "$out"
assert_eq "the roster: the group's member and the user whose primary group it is" \
    "$(printf '%s\n' "$A" "$B" | sort)" "$(jq -r '.students[].name' "$CLASS/roster.json" | sort)"

out=$(gb classroom doctor 2>&1); rc=$?
assert_eq "doctor as root: all well (exit)" 0 "$rc"
assert_contains "... checks the spool itself" "ok    the results spool $CLASS/results: root's" "$out"
for u in "$A" "$B"; do
    assert_contains "... and $u's directory in it" "ok    $u: results/$u is $u's alone" "$out"
done
out=$(as_user "$A" classroom doctor 2>&1); rc=$?
assert_eq "doctor as $A: all well (exit)" 0 "$rc"
assert_contains "... names where $A's checks go" "ok    your checks are recorded in $CLASS/results/$A" "$out"

# Each way the spool stops keeping students apart: root's doctor fails and says which.
doctor_fails() { # description needle
    out=$(gb classroom doctor 2>&1); rc=$?
    assert_eq "$1: doctor exits 1" 1 "$rc"
    assert_contains "... naming it" "$2" "$out"
}
chmod 0755 "$CLASS/results"
doctor_fails "results/ listable by the students" "FAIL  the results spool $CLASS/results"
chmod 0711 "$CLASS/results"
chmod 0755 "$CLASS/results/$A"
doctor_fails "$A's directory open to others" "FAIL  $A: results/$A is $A's alone: mode 0755"
chmod 0700 "$CLASS/results/$A"
chown root "$CLASS/results/$B"
doctor_fails "$B's directory no longer $B's" "FAIL  $B: results/$B is $B's alone: results/$B is owned by uid 0"
out=$(as_user "$B" classroom doctor 2>&1); rc=$?
assert_eq "... and $B's own doctor fails too" 1 "$rc"
assert_contains "... saying why" "FAIL  your checks are recorded in $CLASS/results/$B" "$out"
chown "$B" "$CLASS/results/$B"
out=$(gb classroom doctor 2>&1); rc=$?
assert_eq "put back as setup made it: doctor exits 0 again" 0 "$rc"

out=$(gb classroom teardown 2>&1)
check "classroom teardown ($out)" test $? -eq 0
check "no class directory left" test ! -e "$CLASS"
finish
