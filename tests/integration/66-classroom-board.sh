#!/usr/bin/env bash
# The teacher's board (issue 21): three real users, made here and removed at exit, are the
# class (a roster from the roster API, the results spool from core/classroom/spool through
# tests/classroom/spooltool). Each runs two labs that pass rootless (01, 06) and lab 15
# against a container started with its negative control (seccomp=unconfined): a real FAIL.
# `glassbox classroom status` (text, --json, --junit) must show exactly that; a student
# cannot write another's results nor list the spool, a planted link or a forged record is
# refused and never counted, the opted-out student is never named, --control runs are
# not recorded, a failed record is one warning and not a changed verdict, and teardown
# leaves nothing.
. "$(dirname "$0")/../lib/common.sh"
need_cmd jq
need_cmd python3
SPOOLTOOL=$GB_SRC/${BUILD:-build}/tests/spooltool
[ -x "$SPOOLTOOL" ] || skip "tests/spooltool is not built (make)"
. "$(dirname "$0")/../lib/class.sh"
class gbc 3 subids  # they run containers before any classroom setup
A=${S[0]} B=${S[1]} C=${S[2]}
mkdir -m 755 "$CLASS"
AS_USER_ENV=(GLASSBOX_CLASSROOM_DIR="$CLASS")
board() { GLASSBOX_CLASSROOM_DIR=$CLASS gb classroom status "$@"; }

# ---- the class: a roster (C opted out) and the spool
printf '%s\n%s  # a comment\n%s !\n' "$A" "$B" "$C" > "$T/students"
check "a roster from the students file" "$SPOOLTOOL" roster "$CLASS" "$T/students"
check "the results spool is made" "$SPOOLTOOL" setup "$CLASS"
assert_eq "results/ is root's, 0711 (students enter, cannot list)" "root 711" "$(stat -c '%U %a' "$CLASS/results")"
for u in $A $B $C; do
    assert_eq "results/$u is $u's own, 0700" "$u 700" "$(stat -c '%U %a' "$CLASS/results/$u")"
done
out=$(as_user "$A" run --rm busybox true 2>&1)
grep -q "unprivileged user namespaces are disabled" <<<"$out" && skip "$out"

# ---- what each student does: two labs that pass, one against a leaky container
for u in $A $B $C; do
    as_user "$u" lab check 1 >"$T/$u-01.out" 2>&1; assert_eq "$u: lab 01 passes rootless" 0 $?
    as_user "$u" lab check 6 >"$T/$u-06.out" 2>&1; assert_eq "$u: lab 06 passes rootless" 0 $?
    as_user "$u" run -d --name leak --security-opt seccomp=unconfined busybox sleep 300 >/dev/null
    as_user "$u" lab check 15 --container leak >"$T/$u-15.out" 2>&1
    assert_eq "$u: lab 15 on a container without seccomp fails (exit 1)" 1 $?
    # Lab 01's control fails on purpose: an experiment, not recorded over the PASS.
    as_user "$u" lab check 1 --control >/dev/null 2>&1
done
for u in $B $C; do as_user "$u" rm -f leak >/dev/null; done
for u in $A $B $C; do
    assert_eq "$u's lab 01 record is theirs, 0600" "$u 600" "$(stat -c '%U %a' "$CLASS/results/$u/lab-01.json")"
    assert_eq "$u's lab 15 record: FAIL, seccomp-mode did not hold" "FAIL seccomp-mode FAIL" \
        "$(jq -r '.verdict + " " + (.findings[] | select(.name == "seccomp-mode") | .name + " " + .verdict)' "$CLASS/results/$u/lab-15.json")"
    assert_eq "$u's record names their uid" "$(id -u "$u")" "$(jq -r .uid "$CLASS/results/$u/lab-06.json")"
done
check "no temporary file is left in a student's directory" \
    test -z "$(find "$CLASS/results" -name '.*tmp')"

# ---- what a student cannot do
err=$(sh_as "$B" "echo '{}' > $CLASS/results/$A/lab-01.json" 2>&1)
assert_contains "$B cannot write $A's results" "Permission denied" "$err"
err=$(sh_as "$B" "ls $CLASS/results" 2>&1)
assert_contains "$B cannot list the spool" "Permission denied" "$err"
# A plants a link to B's record, and a record of its own that claims to be B's.
sh_as "$A" "ln -s $CLASS/results/$B/lab-01.json $CLASS/results/$A/lab-11.json"
sh_as "$A" "jq -c '.uid = $(id -u "$B") | .lab = \"12\"' $CLASS/results/$A/lab-01.json > $CLASS/results/$A/lab-12.json"

# ---- the board
text=$(board); rc=$?
assert_eq "classroom status exits 0" 0 "$rc"
row() { awk -v n="$1" '/^[^ ]/ && $1 == n' <<<"$text"; }
hdr=$(head -1 <<<"$text")
assert_eq "text: the columns are the labs someone has a record of" "STUDENT LIVE 01 06 11 12 15 LAST CHECK" "$(tr -s ' ' <<<"$hdr")"
assert_eq "text: $A's row" "$A 1 PASS PASS REFUSED REFUSED FAIL" "$(row "$A" | awk '{print $1,$2,$3,$4,$5,$6,$7}')"
assert_eq "text: $B's row" "$B 0 PASS PASS - - FAIL" "$(row "$B" | awk '{print $1,$2,$3,$4,$5,$6,$7}')"
assert_eq "text: the opted-out student is 'student 3'" "student 3 0 PASS PASS - - FAIL" \
    "$(grep '^student 3 ' <<<"$text" | awk '{print $1,$2,$3,$4,$5,$6,$7,$8}')"
assert_contains "text: the planted link is refused as a link" "lab 11 REFUSED: lab-11.json: a symbolic link" "$text"
assert_contains "text: the forged record is refused" "lab 12 REFUSED: lab-12.json: the record names uid $(id -u "$B")" "$text"
assert_contains "text: the FAIL says which finding" "$B lab 15 FAIL: seccomp-mode" "$text"
check "text: $C is never named" bash -c "! grep -q '$C' <<<'$text'"

json=$(board --json)
check "--json is JSON" jq -e . <<<"$json" >/dev/null
assert_eq "json: three students, 21 lab columns" "3 21" "$(jq -r '"\(.students | length) \(.labs | length)"' <<<"$json")"
cells() { jq -r --arg l "$1" '[.students[] | .labs[] | select(.lab == $l) | .verdict] | join(" ")' <<<"$json"; }
assert_eq "json: lab 01 per student (the control run did not overwrite it)" "PASS PASS PASS" "$(cells 01)"
assert_eq "json: lab 06 per student" "PASS PASS PASS" "$(cells 06)"
assert_eq "json: lab 11 per student" "REFUSED - -" "$(cells 11)"
assert_eq "json: lab 15 per student" "FAIL FAIL FAIL" "$(cells 15)"
assert_eq "json: lab 03 per student (never run)" "- - -" "$(cells 03)"
assert_eq "json: live containers" "1 0 0" "$(jq -r '[.students[].live_containers] | join(" ")' <<<"$json")"
assert_eq "json: names (the opted-out one is null)" "$A $B null" "$(jq -r '[.students[].name | tostring] | join(" ")' <<<"$json")"
assert_eq "json: labels" "$A,$B,student 3" "$(jq -r '[.students[].label] | join(",")' <<<"$json")"
check "json: a PASS has its time" jq -e '.students[0].labs[0].time | test("^20[0-9-]+T")' <<<"$json" >/dev/null
check "json: $C is never named" bash -c "! grep -q '$C' <<<'$json'"

xml=$(board --junit)
junit=$(python3 - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.argv[1])
out = [root.tag + " " + " ".join(root.get(k) for k in ("tests", "failures", "errors", "skipped"))]
for s in root.findall("testsuite"):
    kinds = []
    for c in s.findall("testcase"):
        k = [e.tag for e in c]
        kinds.append(c.get("name")[4:] + ":" + (k[0] if k else "pass"))
    out.append(s.get("name") + " " + " ".join(x for x in kinds if not x.endswith(":skipped")))
print("\n".join(out))
PY
); rc=$?
assert_eq "--junit is XML a JUnit reader parses" 0 "$rc"
assert_eq "junit: totals (63 cases: 6 pass, 3 failures, 2 refused are errors, 52 not run)" "testsuites 63 3 2 52" "$(sed -n 1p <<<"$junit")"
assert_eq "junit: $A's suite" "$A 01:pass 06:pass 11:error 12:error 15:failure" "$(sed -n 2p <<<"$junit")"
assert_eq "junit: $B's suite" "$B 01:pass 06:pass 15:failure" "$(sed -n 3p <<<"$junit")"
assert_eq "junit: the opted-out student's suite" "student 3 01:pass 06:pass 15:failure" "$(sed -n 4p <<<"$junit")"

anon=$(board --anonymous --json)
assert_eq "--anonymous: nobody is named" "student 1,student 2,student 3 null" \
    "$(jq -r '([.students[].label] | join(",")) + " " + ([.students[].name] | unique | map(tostring) | join(","))' <<<"$anon")"
check "--anonymous: no user name and no uid anywhere" \
    bash -c "! grep -qE '$A|$B|$C|\"uid\"' <<<'$anon'"

err=$(runuser -u "$A" -- env GLASSBOX_CLASSROOM_DIR="$CLASS" "$BIN" classroom status 2>&1); rc=$?
assert_eq "a student cannot read the board (exit 1)" 1 "$rc"
assert_contains "...and is told it needs root" "needs root" "$err"

# ---- the projector: glassbox-viz classroom polls this very board
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
if [ -x "$VIZ" ] && command -v convert >/dev/null && command -v compare >/dev/null; then
    board --json > "$T/board.json"
    GLASSBOX_CLASSROOM_DIR=$CLASS GLASSBOX=$GLASSBOX "$VIZ" --headless --size 960x540 \
        --frames "$T/live" classroom >/dev/null 2>&1
    assert_eq "glassbox-viz classroom draws the live board" 0 $?
    "$VIZ" --headless --size 960x540 --frames "$T/saved" classroom "$T/board.json" >/dev/null
    # Below the title bar (whose clock may have ticked) the live and the saved board are one.
    for f in live saved; do convert "$T/$f/classroom.png" -crop 960x488+0+52 +repage "$T/$f.png"; done
    assert_eq "...the same picture as the board it polled (below the title)" 0 \
        "$(compare -metric AE "$T/live.png" "$T/saved.png" null: 2>&1 | cut -d' ' -f1)"
fi

# ---- a FIFO where B's state file belongs: the board must not hang on it
bhome=$(getent passwd "$B" | cut -d: -f6)
sh_as "$B" "mkdir -p $bhome/.local/share/glassbox/run/containers/fifo && mkfifo $bhome/.local/share/glassbox/run/containers/fifo/container.json"
fifo=$(timeout 30 bash -c "GLASSBOX_CLASSROOM_DIR=$CLASS $GLASSBOX classroom status --json"); rc=$?
assert_eq "a planted FIFO does not hang the board (exit 0, not the timeout's 124)" 0 "$rc"
assert_eq "...B's live count is unknown (null), the others are counted" "1 null 0" \
    "$(jq -r '[.students[].live_containers | tostring] | join(" ")' <<<"$fifo")"
rm -rf "$bhome/.local/share/glassbox/run/containers/fifo"

# ---- root, not a student: its check records nothing
before=$(find "$CLASS/results" -type f | wc -l)
GLASSBOX_CLASSROOM_DIR=$CLASS gb lab check 1 >/dev/null 2>&1
assert_eq "root is not on the roster: nothing recorded" "$before" "$(find "$CLASS/results" -type f | wc -l)"

# ---- teardown
as_user "$A" rm -f leak >/dev/null
assert_eq "json: $A's container gone, live 0" "0" "$(board --json | jq -r '.students[0].live_containers')"
check "teardown" "$SPOOLTOOL" teardown "$CLASS"
check "teardown removed the spool, and only it" test "$(ls "$CLASS")" = "roster.json"
check "the link's target (B's record) went with the spool, not before it: nothing outside" \
    test -z "$(find "$T" -newer "$T/students" -name 'lab-*' 2>/dev/null)"
# A check with a roster but no spool: still the check's verdict, and one warning.
as_user "$A" lab check 1 >"$T/late.out" 2>"$T/late.err"; rc=$?
assert_eq "a record that cannot be written does not change the verdict (exit 0)" 0 "$rc"
assert_eq "...it is one warning line" 1 "$(grep -c 'warning: lab 01' "$T/late.err")"
check "teardown twice is fine" "$SPOOLTOOL" teardown "$CLASS"
for u in $A $B $C; do
    assert_eq "$u has no container left" "" "$(as_user "$u" ps -aq 2>/dev/null)"
done
finish
