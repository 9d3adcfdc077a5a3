#!/usr/bin/env bash
# In the test guest (v2 only or v1 only), the class end to end for one student (issue 21;
# tests/integration/68-classroom-e2e.sh is the three-student run on the host): the real
# `glassbox classroom setup --students FILE`, the student's `glassbox check` of the cgroup
# labs 07-10 rootless, the teacher's `classroom status` (text and --json) showing exactly
# those verdicts, and a `classroom teardown` that leaves nothing. On v2 this is delegation
# as the kernel documents it: root places the student's shell in glassbox.class/NAME/session
# (a login manager's job), the student owns NAME's cgroup.procs and cgroup.subtree_control,
# and every container cgroup of the labs is made by the student below NAME. Then the
# ceiling setup gave holds the student's fork bomb and memory hog, and reads back its CPU weight.
. "$(dirname "$0")/../lib/common.sh"
need_cmd jq
. "$(dirname "$0")/student.sh"
guest_student gbe2e 2001
STUDENT_ENV=(GLASSBOX_CLASSROOM_DIR="$CLASS")
LABS="07 08 09 10"

out=$(gb classroom setup --students "$T/students" --cpu-weight 50 2>&1)
check "classroom setup --students FILE ($out)" test $? -eq 0
# The ceiling setup gives (512 MB, 512 pids: the defaults; CPU weight 50: not the kernel's
# default 100, so reading it back proves setup wrote it).
hier() { if [ -n "$V2" ]; then echo "$CG/glassbox.class/$U"; else echo "$CG/$1/glassbox.class/$U"; fi; }
if [ -n "$V2" ]; then
    assert_eq "the CPU weight of the student's subtree" 50 "$(cat "$(hier cpu)/cpu.weight")"
else
    assert_eq "the CPU weight of the student's subtree (v1: cpu.shares 1024 x 50/100)" 512 \
        "$(cat "$(hier cpu)/cpu.shares")"
fi
if [ -n "$V2" ]; then
    d=$CG/glassbox.class/$U
    for f in . cgroup.procs cgroup.subtree_control; do
        assert_eq "v2 delegation: the student owns $d/$f" "$N" "$(stat -c %u "$d/$f")"
    done
    assert_eq "... but not the ceiling (memory.max stays root's)" 0 "$(stat -c %u "$d/memory.max")"
    assert_eq "the student's shell starts in $U/session" "0::/glassbox.class/$U/session" \
        "$(as_run cat /proc/self/cgroup 2>&1)"
fi

out=$(as_student check $LABS 2>&1); rc=$?
assert_eq "glassbox check $LABS as the student passes (exit)" 0 "$rc"
assert_eq "... each lab PASS" "07 PASS 08 PASS 09 PASS 10 PASS" \
    "$(awk '$1 ~ /^[0-9][0-9]$/ && $2 ~ /^[a-z0-9-]+$/ {printf "%s%s %s", s, $1, $3; s = " "}' <<<"$out")"
[ "$rc" = 0 ] || echo "$out"
if [ -n "$V2" ]; then
    assert_eq "the labs left no cgroup below the student's but the session" "" \
        "$(find "$CG/glassbox.class/$U" -mindepth 1 -type d | grep -v "/session$")"
fi

# The student misbehaves: a fork bomb (no --pids-limit) and a 700 MB hog (no -m). The
# subtree's ceiling holds both: forks refused at 512 pids, the hog OOM-killed under 512 MB.
as_student run -d --name bomb busybox sh -c 'b() { b | b & }; b; sleep 600' >/dev/null 2>&1
as_student run --name hog busybox dd if=/dev/zero of=/dev/null bs=700M count=1 >/dev/null 2>&1
assert_eq "the 700 MB hog was OOM-killed under the 512 MB ceiling (exit 137)" 137 \
    "$(as_student inspect --json hog | jq -r .state.exit_code)"
peak=0
for i in $(seq 1 30); do
    cur=$(cat "$(hier pids)/pids.current")
    [ "$cur" -gt "$peak" ] && peak=$cur
    refused=$(find "$(hier pids)" -name pids.events -exec cat {} + | awk '$1 == "max" {n += $2} END {print n + 0}')
    [ "$refused" -gt 0 ] && [ "$i" -gt 3 ] && break
    sleep 1
done
check "the fork bomb was held by the ceiling: peak pids.current $peak in 50..512+4" \
    test "$peak" -gt 50 -a "$peak" -le 516
check "... forks were refused at the ceiling (pids.events max: $refused)" test "$refused" -gt 0
as_student rm -f bomb hog >/dev/null 2>&1
assert_eq "the bomb and the hog are gone with rm" "" "$(as_student ps -aq 2>&1)"

json=$(gb classroom status --json); rc=$?
assert_eq "classroom status --json exits 0" 0 "$rc"
assert_eq "the board: the student's four cgroup labs PASS, nothing else run" \
    "07 PASS 08 PASS 09 PASS 10 PASS" \
    "$(jq -r '[.students[0].labs[] | select(.verdict != "-") | "\(.lab) \(.verdict)"] | join(" ")' <<<"$json")"
assert_eq "... one student, named, no live container" "$U 0 1" \
    "$(jq -r '.students | "\(.[0].name) \(.[0].live_containers) \(length)"' <<<"$json")"
text=$(gb classroom status)
assert_eq "the text board's row" "$U 0 PASS PASS PASS PASS" \
    "$(awk -v n=$U '/^[^ ]/ && $1 == n {print $1, $2, $3, $4, $5, $6}' <<<"$text")"

out=$(gb classroom teardown 2>&1)
check "classroom teardown ($out)" test $? -eq 0
check "no glassbox.class cgroup left" bash -c "! ls -d $CG/glassbox.class $CG/*/glassbox.class 2>/dev/null | grep -q ."
check "no results, no roster" test ! -e "$CLASS"
assert_eq "no subuid/subgid line of the student" "" "$(grep -h "^$U:" /etc/subuid /etc/subgid 2>/dev/null)"
finish
