#!/usr/bin/env bash
# A class on one server, end to end (issue 21): three real users made for this test (unique
# names, no subuid ranges of their own, removed at exit) are the class. The teacher runs the
# real `glassbox classroom setup --students FILE`; each student runs `glassbox check` (every
# lab it runs unnamed: 01-19 and 21; 20 runs only by name) rootless, as a login shell that
# root put in the student's cgroup session leaf. What every lab ends in is written down below and
# compared with each student's table, each record in the spool, and the teacher's board
# (text, --json, --junit). One student's fork bomb and memory hog run while the other two
# run every check, and those pass; a student can neither write another's results nor see
# their containers; `classroom teardown` leaves no cgroup, subuid line, roster, result or
# live container of the class. Prints the timings docs/teaching.md quotes.
. "$(dirname "$0")/../lib/common.sh"
need_cmd jq
need_cmd python3
. "$(dirname "$0")/../lib/class.sh"
class gbe 3
export GLASSBOX_CLASSROOM_DIR=$CLASS
A=${S[0]} B=${S[1]} C=${S[2]}
MEM=$((512 * 1024 * 1024)) PIDS=512 # the ceiling setup gives when not told otherwise

# What each lab ends in for a student here, written down (not found out at run time).
# 17 runs in each student's own network namespace (docs/networking.md); 20 runs only
# when named (the student's own stack), so `glassbox check` leaves it unrun: "-" on the board.
LABS="01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 21"
declare -A EXPECT
for n in $LABS; do EXPECT[$n]=PASS; done
# 21: device rules are root's alone (v1's devices.allow, v2's bpf(2)); no delegation gives them.
EXPECT[21]=SKIP SKIP21="only root writes device rules"
# 19 boots a VM: QEMU and a guest kernel are the host's to have. The students get the
# kernel make fetched (build/vm/kernel, as tests/run.sh gives root) copied where they can
# read it, never a download of their own.
vmk=$(ls "${GLASSBOX_VM_CACHE:-$GB_SRC/${BUILD:-build}/vm/kernel}"/boot/vmlinuz-* 2>/dev/null | head -1)
VMKERNEL=$T/vm/${vmk##*/}
if ! command -v qemu-system-x86_64 >/dev/null; then
    EXPECT[19]=SKIP SKIP19="QEMU is not installed"
elif [ -z "$vmk" ]; then
    EXPECT[19]=SKIP SKIP19="no guest kernel" VMKERNEL=$T/vm/none
else
    mkdir -p "$T/vm" && cp "$vmk" "$VMKERNEL"
fi
NSKIP=0 NLABS=$(wc -w <<<"$LABS")
for n in $LABS; do [ "${EXPECT[$n]}" = SKIP ] && NSKIP=$((NSKIP + 1)); done

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
AS_USER_ENV=(GLASSBOX_CLASSROOM_DIR="$CLASS" GLASSBOX_VM_KERNEL="$VMKERNEL")
out=$(as_user "$A" run --rm busybox true 2>&1)
grep -q "unprivileged user namespaces are disabled" <<<"$out" && skip "$out"

# ---- the teacher: setup, once
printf '%s\n%s   # a comment\n%s\n' "$A" "$B" "$C" >"$T/students"
t0=$(date +%s%N)
out=$(gb classroom setup --students "$T/students" 2>&1); rc=$?
SETUP_MS=$(ms "$t0")
check "classroom setup --students FILE (exit $rc)" test "$rc" -eq 0 || echo "$out"
for u in "${S[@]}"; do
    assert_eq "$u: one added subuid line and one subgid line, 65536 ids each" "1 1" \
        "$(awk -F: -v u="$u" '$1 == u && $3 == 65536' /etc/subuid | wc -l) $(awk -F: -v u="$u" '$1 == u && $3 == 65536' /etc/subgid | wc -l)"
    assert_eq "$u: the delegated pids ceiling" $PIDS "$(cat "$(hier pids)/glassbox.class/$u/pids.max")"
    f=memory.max; [ $LAYOUT = v2 ] || f=memory.limit_in_bytes
    assert_eq "$u: the delegated memory ceiling" $MEM "$(cat "$(hier memory)/glassbox.class/$u/$f")"
done
out=$(gb classroom doctor 2>&1); rc=$?
check "classroom doctor as root finds nothing wrong (exit $rc)" test "$rc" -eq 0 || echo "$out"

# ---- one student misbehaves: a fork bomb (no --pids-limit) and a hog (no -m), and keeps
# both running while the other two run every check
as_user "$A" run -d --name bomb busybox sh -c 'b() { b | b & }; b; sleep 600' >/dev/null 2>&1
as_user "$A" run -d --name hog busybox dd if=/dev/zero of=/dev/null bs=700M count=1 >/dev/null 2>&1
t0=$(date +%s%N)
for u in "$B" "$C"; do as_user "$u" check >"$T/$u.check" 2>&1 & done
peak=0
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do
    cur=$(cat "$(hier pids)/glassbox.class/$A/pids.current" 2>/dev/null || echo 0)
    [ "$cur" -gt "$peak" ] && peak=$cur
    sleep 1
done
wait
PAIR_MS=$(ms "$t0")
# pids.max refuses forks, not moves: a container's first processes are moved into its
# cgroup, so pids.current may pass the ceiling by those few (the kernel's pids.txt).
check "$A's fork bomb was alive and held by the ceiling: peak pids.current $peak in 50..$PIDS+4" \
    test "$peak" -gt 50 -a "$peak" -le $((PIDS + 4))
# Where the kernel counts a refused fork (pids.events "max") differs by version and layout:
# the sum over the student's subtree is the number of forks the ceiling refused.
refused=$(find "$(hier pids)/glassbox.class/$A" -name pids.events -exec cat {} + 2>/dev/null |
    awk '$1 == "max" {n += $2} END {print n + 0}')
check "... forks were refused at the ceiling (pids.events max: $refused)" test "$refused" -gt 0
assert_eq "$A's 700 MB hog was OOM-killed under the 512 MB ceiling (exit 137)" 137 \
    "$(as_user "$A" inspect --json hog | jq -r .state.exit_code)"
assert_eq "$A's bomb is still running" running "$(as_user "$A" inspect --json bomb | jq -r .state.status)"

# ---- students are apart
err=$(sh_as "$B" "echo '{}' > $CLASS/results/$A/lab-01.json" 2>&1)
assert_contains "$B cannot write $A's results" "Permission denied" "$err"
err=$(sh_as "$B" "ls $CLASS/results" 2>&1)
assert_contains "$B cannot list the results spool" "Permission denied" "$err"
err=$(sh_as "$B" "echo x > $CLASS/results/$B/../$A/forged.json" 2>&1)
assert_contains "... nor make a file in $A's directory" "Permission denied" "$err"
assert_eq "$B's glassbox ps -a lists none of $A's containers" "" "$(as_user "$B" ps -a | grep -E 'bomb|hog')"
ahome=$(getent passwd "$A" | cut -d: -f6)
check "$B cannot list $A's container state" \
    bash -c "! runuser -u $B -- ls $ahome/.local/share/glassbox/run/containers >/dev/null 2>&1"
d=$(hier pids)/glassbox.class/$A
check "$B cannot move a process into $A's cgroup" \
    bash -c "! runuser -u $B -- sh -c 'echo \$\$ > $d/cgroup.procs' 2>/dev/null"

# ---- the misbehaving student cleans up and runs every check alone
as_user "$A" rm -f bomb hog >/dev/null
t0=$(date +%s%N)
as_user "$A" check >"$T/$A.check" 2>&1
ONE_MS=$(ms "$t0")
as_user "$A" run -d --name keep busybox sleep 600 >/dev/null # live on the board

# ---- each student's own table and records: exactly the written-down set
want_rows=$(for n in $LABS; do echo "$n ${EXPECT[$n]}"; done)
for u in "${S[@]}"; do
    rows=$(awk '$1 ~ /^[0-9][0-9]$/ && $2 ~ /^[a-z0-9-]+$/ {print $1, $3}' "$T/$u.check")
    assert_eq "$u: glassbox check ran 01-19 and 21, each as written down" "$want_rows" "$rows"
    [ "$rows" = "$want_rows" ] || sed 's/^/    /' "$T/$u.check"
    [ "${EXPECT[19]}" = SKIP ] && assert_contains "$u: lab 19's SKIP says why" "$SKIP19" "$(cat "$T/$u.check")"
    assert_contains "$u: lab 21's SKIP says why" "$SKIP21" "$(cat "$T/$u.check")"
    assert_contains "$u: the summary" "$((NLABS - NSKIP)) passed, 0 failed, 0 errors, $NSKIP skipped" \
        "$(cat "$T/$u.check")"
    check "$u: says nothing about a host without a feature" \
        bash -c "! grep -q 'this host has no' \"\$1\"" _ "$T/$u.check"
    recs=$(for n in $LABS; do jq -r '"\(.lab) \(.verdict)"' "$CLASS/results/$u/lab-$n.json" 2>&1; done)
    assert_eq "$u: a record per lab in the spool, the same verdicts" "$want_rows" "$recs"
    assert_eq "$u: no record of lab 20 (not run)" "" "$(ls "$CLASS/results/$u" | grep 20)"
    assert_eq "$u: the records are theirs, 0600, naming their uid" "$(id -u "$u") 600 $(id -u "$u")" \
        "$(stat -c '%u %a' "$CLASS/results/$u/lab-07.json") $(jq -r .uid "$CLASS/results/$u/lab-07.json")"
done

# ---- the teacher's board shows exactly that
t0=$(date +%s%N)
text=$(gb classroom status); rc=$?
STATUS_MS=$(ms "$t0")
assert_eq "classroom status exits 0" 0 "$rc"
assert_eq "text: a column per lab someone has a record of" "STUDENT LIVE $LABS LAST CHECK" \
    "$(head -1 <<<"$text" | tr -s ' ')"
cells=$(for n in $LABS; do echo "${EXPECT[$n]}"; done | xargs)
for u in "${S[@]}"; do
    live=0; [ "$u" = "$A" ] && live=1
    assert_eq "text: $u's row" "$u $live $cells" \
        "$(awk -v n="$u" '/^[^ ]/ && $1 == n {for (i = 1; i <= 22; i++) printf "%s%s", $i, i < 22 ? " " : ""}' <<<"$text")"
done
assert_eq "text: no other line says a lab did not pass" $((3 * NSKIP)) "$(grep -c '^  .* lab [0-9]* ' <<<"$text")"

json=$(gb classroom status --json)
check "--json is JSON" jq -e . <<<"$json" >/dev/null
assert_eq "json: three students, 21 labs" "3 21" "$(jq -r '"\(.students | length) \(.labs | length)"' <<<"$json")"
for u in "${S[@]}"; do
    got=$(jq -r --arg u "$u" '.students[] | select(.name == $u) | .labs[] | "\(.lab) \(.verdict)"' <<<"$json")
    assert_eq "json: $u's verdicts (20 not run)" "$(sed '/^21 /i 20 -' <<<"$want_rows")" "$got"
done
assert_eq "json: live containers" "1 0 0" "$(jq -r '[.students[].live_containers] | join(" ")' <<<"$json")"
assert_eq "json: every recorded cell has its time and duration" $((3 * NLABS)) \
    "$(jq '[.students[].labs[] | select(.verdict != "-") | select((.time | test("^20")) and (.duration_ms | type) == "number")] | length' <<<"$json")"

xml=$(gb classroom status --junit)
junit=$(python3 - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.argv[1])
print(root.tag, *(root.get(k) for k in ("tests", "failures", "errors", "skipped")))
for s in root.findall("testsuite"):
    kinds = [c.get("name")[4:] + ":" + ([e.tag for e in c] or ["pass"])[0] for c in s.findall("testcase")]
    print(s.get("name"), " ".join(k for k in kinds if not k.endswith(":pass")), len(kinds))
PY
); rc=$?
assert_eq "--junit is XML a JUnit reader parses" 0 "$rc"
assert_eq "junit: 63 cases, no failure, no error, the SKIPs and the unrun 20 skipped" \
    "testsuites 63 0 0 $((3 * (NSKIP + 1)))" "$(sed -n 1p <<<"$junit")"
skipped=$(for n in $(printf '%s\n' $LABS 20 | sort); do [ "${EXPECT[$n]:-SKIP}" = SKIP ] && printf '%s:skipped ' $n; done)
for i in 0 1 2; do
    assert_eq "junit: ${S[$i]}'s suite: the SKIPs and 20 skipped, the rest pass" \
        "${S[$i]} ${skipped}21" "$(sed -n $((i + 2))p <<<"$junit")"
done
err=$(runuser -u "$B" -- env GLASSBOX_CLASSROOM_DIR="$CLASS" "$T/bin/glassbox" classroom status 2>&1)
assert_contains "a student cannot read the board" "needs root" "$err"

# ---- teardown, with a student's container still running: nothing of the class remains
t0=$(date +%s%N)
out=$(gb classroom teardown 2>&1); rc=$?
TEARDOWN_MS=$(ms "$t0")
check "classroom teardown (exit $rc)" test "$rc" -eq 0 || echo "$out"
# Per student: glassbox.class itself is shared with any other class test running meanwhile.
assert_eq "no cgroup of the class's students in any hierarchy" "" \
    "$(for u in "${S[@]}"; do ls -d $CG/glassbox.class/$u $CG/*/glassbox.class/$u; done 2>/dev/null)"
for u in "${S[@]}"; do
    assert_eq "$u: the subuid/subgid lines setup added are gone" "" "$(grep -h "^$u:" /etc/subuid /etc/subgid)"
    assert_eq "$u: no live process (its running container went with its cgroup)" "" \
        "$(ps -u "$u" -o stat=,pid=,args= 2>/dev/null | awk '$1 !~ /^Z/')"
    # A killed PID 1 is a zombie until the host's init reaps it, and a zombie's /proc entry
    # still reads as alive: give the reaping a moment.
    for i in $(seq 1 50); do [ -z "$(as_user "$u" ps -q 2>/dev/null)" ] && break; sleep 0.2; done
    assert_eq "$u: no running container" "" "$(as_user "$u" ps -q 2>/dev/null)"
done
check "no roster, no results, no class directory" test ! -e "$CLASS"

echo "timings: setup of 3 students ${SETUP_MS} ms; glassbox check (01-19, 21) of one student alone" \
    "${ONE_MS} ms, of two at once beside a fork bomb ${PAIR_MS} ms; classroom status" \
    "${STATUS_MS} ms; teardown ${TEARDOWN_MS} ms"
finish
