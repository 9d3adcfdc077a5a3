#!/usr/bin/env bash
# A class on one server (issue 21): three real users made for this test (unique names, no
# subuid ranges of their own), `classroom setup` as root gives each subordinate ids and a
# delegated cgroup subtree with a ceiling; each student runs labs 07-10 rootless and they
# pass; one student's fork bomb (no --pids-limit) and memory hog (no -m) stay inside that
# student's ceiling while the other two's checks pass; a student can neither write into
# another's cgroup nor see their containers; a container's cgroup is gone after rm and
# after a failed start; `classroom teardown` leaves nothing. Everything is read from the
# kernel (cgroupfs) and the files setup wrote.
. "$(dirname "$0")/../lib/common.sh"
need_cmd jq
. "$(dirname "$0")/../lib/class.sh"
class gbc 3
export GLASSBOX_CLASSROOM_DIR=$CLASS
AS_USER_ENV=(GLASSBOX_CLASSROOM_DIR="$CLASS") # the students find the class where it is
# The labs every student must pass here, written down (the cgroup labs, rootless).
EXPECTED_PASS="07 08 09 10"
MEM=$((256 * 1024 * 1024))
PIDS=200

out=$(as_user "${S[0]}" run --rm -m 64m busybox true 2>&1); rc=$?
grep -q "unprivileged user namespaces are disabled" <<<"$out" && skip "$out"
check "before setup, a student's -m is refused (exit $rc)" test "$rc" -ne 0
assert_contains "... naming what the teacher must do" "glassbox classroom setup" "$out"
out=$(as_user "${S[0]}" classroom setup --students "$T/students" 2>&1); rc=$?
check "a student cannot run classroom setup (exit $rc)" test "$rc" -ne 0
assert_contains "... saying it needs root" "classroom setup needs root" "$out"

printf '%s\nnosuchuser%s\n' "${S[0]}" $$ > "$T/students"
out=$(gb classroom setup --students "$T/students" 2>&1); rc=$?
check "setup with a student who is no user fails (exit $rc)" test "$rc" -ne 0
assert_contains "... naming the user" "no user 'nosuchuser$$'" "$out"
check "... and leaves nothing (no roster, no cgroup, no subuid line)" bash -c \
    "! test -e $T/class/roster.json && ! ls -d $CG/glassbox.class $CG/*/glassbox.class 2>/dev/null | grep -q . && ! grep -q '^${S[0]}:' /etc/subuid"
printf '%s\n%s\n%s\n' "${S[0]}" "${S[1]}" "${S[2]}" > "$T/students"
out=$(gb classroom setup --students "$T/students" --memory 256m --pids $PIDS --opt-out "${S[2]}" 2>&1); rc=$?
check "classroom setup (exit $rc)" test "$rc" -eq 0 || echo "$out"
for u in "${S[@]}"; do
    uid=$(id -u "$u")
    assert_eq "$u: one subuid line, 65536 ids" 1 "$(awk -F: -v u="$u" '$1 == u && $3 == 65536' /etc/subuid | wc -l)"
    assert_eq "$u: one subgid line, 65536 ids" 1 "$(awk -F: -v u="$u" '$1 == u && $3 == 65536' /etc/subgid | wc -l)"
    d=$(hier memory)/glassbox.class/$u
    assert_eq "$u: $d is theirs" "$uid" "$(stat -c %u "$d" 2>/dev/null)"
    assert_eq "$u: its cgroup.procs is theirs" "$uid" "$(stat -c %u "$d/cgroup.procs" 2>/dev/null)"
    assert_eq "$u: the memory ceiling stays root's" 0 "$(stat -c %u "$d/memory.$([ $LAYOUT = v2 ] && echo max || echo limit_in_bytes)" 2>/dev/null)"
    if [ $LAYOUT = v2 ]; then
        assert_eq "$u: memory.max" "$MEM" "$(cat "$d/memory.max")"
        assert_eq "$u: cgroup.subtree_control is theirs" "$uid" "$(stat -c %u "$d/cgroup.subtree_control")"
    else
        assert_eq "$u: memory.limit_in_bytes" "$MEM" "$(cat "$d/memory.limit_in_bytes")"
        assert_eq "$u: tasks is theirs" "$uid" "$(stat -c %u "$d/tasks")"
        assert_eq "$u: cpu.shares (weight 100)" 1024 "$(cat "$(hier cpu)/glassbox.class/$u/cpu.shares")"
    fi
    assert_eq "$u: pids.max" "$PIDS" "$(cat "$(hier pids)/glassbox.class/$u/pids.max")"
done
r=$T/class/roster.json
out=$(gb classroom setup --students "$T/students" 2>&1); rc=$?
check "a second setup is refused (exit $rc)" test "$rc" -ne 0
assert_contains "... saying teardown comes first" "teardown" "$out"
assert_eq "roster: 3 students" 3 "$(jq '.students | length' "$r")"
assert_eq "roster: the ceiling" "$MEM $PIDS 100" "$(jq -r '.ceiling | "\(.memory) \(.pids) \(.cpu_weight)"' "$r")"
assert_eq "roster: ${S[2]} opted out" "false false true" "$(jq -r '[.students[].opt_out] | map(tostring) | join(" ")' "$r")"
assert_eq "roster: root's, 0644" "root 644" "$(stat -c '%U %a' "$r")"
assert_eq "results spool: root's, 0711" "root 711" "$(stat -c '%U %a' "$T/class/results")"
for u in "${S[@]}"; do
    assert_eq "results/$u: $u's own, 0700" "$u 700" "$(stat -c '%U %a' "$T/class/results/$u")"
done
out=$(gb classroom doctor 2>&1); rc=$?
check "classroom doctor as root finds nothing wrong (exit $rc)" test "$rc" -eq 0 || echo "$out"

# Each student: the doctor (a container with -m 64m: memory limit in the kernel), labs 07-10.
for u in "${S[@]}"; do
    out=$(as_user "$u" classroom doctor 2>&1); rc=$?
    check "$u: classroom doctor passes (exit $rc)" test "$rc" -eq 0 || echo "$out"
    passed=
    for n in $EXPECTED_PASS; do
        out=$(as_user "$u" lab check "$n" 2>&1)
        [ "$(tail -1 <<<"$out")" = PASS ] && passed="$passed $n" || echo "$out"
    done
    assert_eq "$u: labs that pass rootless" " $EXPECTED_PASS" "$passed"
    assert_eq "$u: no cgroup left in their subtree after the labs" "" \
        "$(find "$(hier pids)/glassbox.class/$u" -mindepth 1 -type d 2>/dev/null | grep -v /session)"
done

# exec and stats below the delegated subtree, as for root.
A=${S[0]}
as_user "$A" run -d --name ex -m 48m busybox sleep 100 >/dev/null
as_user "$A" exec ex sleep 3 >/dev/null 2>&1 &
sleep 1
cdir=$(find "$(hier memory)/glassbox.class/$A/glassbox" -mindepth 1 -maxdepth 1 -type d | head -1)
assert_eq "$A's container: memory limit in its own cgroup below the subtree" 50331648 \
    "$(cat "$cdir/memory.$([ $LAYOUT = v2 ] && echo max || echo limit_in_bytes)" 2>/dev/null)"
check "$A's exec joins the container's cgroup (2 processes in it)" test "$(wc -l <"$cdir/cgroup.procs")" -ge 2
out=$(as_user "$A" stats --no-stream ex 2>&1); rc=$?
check "$A's stats read the container's cgroup (exit $rc)" test "$rc" -eq 0
assert_contains "... with its 48 MiB limit" "48" "$out"
wait
as_user "$A" rm -f ex >/dev/null

# One student misbehaves: a fork bomb without --pids-limit and a hog without -m.
as_user "$A" run -d --name bomb --cpus 0.5 busybox sh -c 'b() { b | b & }; b; sleep 60' >/dev/null 2>&1
as_user "$A" run -d --name hog busybox dd if=/dev/zero of=/dev/null bs=400M count=1 >/dev/null 2>&1
sleep 2
cur=$(cat "$(hier pids)/glassbox.class/$A/pids.current")
check "$A's fork bomb is held by the ceiling: pids.current $cur <= $PIDS" test "$cur" -le $PIDS
for i in $(seq 1 100); do
    [ "$(as_user "$A" inspect --json hog 2>/dev/null | jq -r .state.status)" = stopped ] && break
    sleep 0.1
done
assert_eq "$A's 400 MB hog was OOM-killed under the 256 MB ceiling (exit 137)" 137 \
    "$(as_user "$A" inspect --json hog | jq -r .state.exit_code)"
out=$(as_user "${S[1]}" lab check 9 2>&1)
assert_eq "${S[1]}'s lab 09 passes during the bomb" PASS "$(tail -1 <<<"$out")"
out=$(as_user "${S[2]}" lab check 7 2>&1)
assert_eq "${S[2]}'s lab 07 passes during the bomb" PASS "$(tail -1 <<<"$out")"

# Students are apart: another's cgroup is not writable, their containers are not listed.
B=${S[1]}
d=$(hier pids)/glassbox.class/$A
check "$B cannot move a process into $A's cgroup" bash -c "! runuser -u $B -- sh -c 'echo \$\$ > $d/cgroup.procs' 2>/dev/null"
check "$B cannot mkdir in $A's cgroup" bash -c "! runuser -u $B -- mkdir $d/intruder 2>/dev/null"
check "$B cannot raise $A's pids.max" bash -c "! runuser -u $B -- sh -c 'echo max > $d/pids.max' 2>/dev/null"
assert_eq "$B's ps lists none of $A's containers" "" "$(as_user "$B" ps -a | grep -E 'bomb|hog')"

as_user "$A" rm -f bomb hog >/dev/null 2>&1
assert_eq "rm removes the containers' cgroups" "" \
    "$(find "$(hier pids)/glassbox.class/$A" -mindepth 1 -type d 2>/dev/null | grep -v /session)"
out=$(as_user "$A" run --rm -m 64m busybox /no/such/program 2>&1); rc=$?
check "a start that fails after the cgroup was made (exit $rc)" test "$rc" -ne 0
for h in memory pids freezer; do
    [ $LAYOUT = v2 ] && [ $h != memory ] && continue
    assert_eq "... leaves no cgroup in $(hier $h)/glassbox.class/$A" "" \
        "$(find "$(hier $h)/glassbox.class/$A" -mindepth 1 -type d 2>/dev/null | grep -v /session)"
done

out=$(gb classroom teardown 2>&1); rc=$?
check "classroom teardown (exit $rc)" test "$rc" -eq 0 || echo "$out"
assert_eq "no glassbox.class dir in any hierarchy" "" "$(ls -d $CG/glassbox.class $CG/*/glassbox.class 2>/dev/null)"
for u in "${S[@]}"; do
    assert_eq "$u: the subuid/subgid lines setup added are gone" "" "$(grep -h "^$u:" /etc/subuid /etc/subgid)"
done
check "no roster, no classroom dir" test ! -e "$T/class"
finish
