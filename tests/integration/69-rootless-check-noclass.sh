#!/usr/bin/env bash
# An ordinary user on a server with no class set up (issue 21's "Done when": `glassbox
# check` as an ordinary user passes every lab the kernel allows, with no false "this host
# has no ..." line). Test 64 covers the namespace, storage and network labs one by one; this
# covers the rest of a student's `glassbox check` table: the cgroup labs 07-10 and 21 are
# SKIPPED naming what the teacher must enable (the kernel has them), and lab 19 measures the
# container's memory without a cgroup of its own (its processes' peak RSS, as qemu's is),
# so it passes rather than failing on "container 0.0 MB".
. "$(dirname "$0")/../lib/common.sh"
need_root
. "$(dirname "$0")/../lib/student.sh"
student gbnc 600

# What each lab ends in for this user, written down. 19 needs QEMU and a guest kernel:
# the host's to have; the user gets the kernel make fetched, never a download of its own.
declare -A EXPECT=([07]=SKIP [08]=SKIP [09]=SKIP [10]=SKIP [19]=PASS [21]=SKIP)
TEACHER="root delegates a cgroup subtree to each student (glassbox classroom setup)"
vmk=$(ls "${GLASSBOX_VM_CACHE:-$GB_SRC/${BUILD:-build}/vm/kernel}"/boot/vmlinuz-* 2>/dev/null | head -1)
if ! command -v qemu-system-x86_64 >/dev/null; then EXPECT[19]=SKIP
elif [ -z "$vmk" ]; then EXPECT[19]=SKIP vmk=
else cp "$vmk" "$T/vmlinuz" && chmod o+r "$T/vmlinuz"; fi
# as_user with one VAR=value added to the user's environment.
as_user_env() {
    local e=$1; shift
    (cd / && runuser -u "$U" -- env -u GLASSBOX_ROOT -u GLASSBOX_DATA_ROOT -u XDG_RUNTIME_DIR \
        -u XDG_DATA_HOME -u GLASSBOX_VM_CACHE HOME="$home" "$e" timeout "$STUDENT_TIMEOUT" "$BIN" "$@")
}
code() { case $1 in PASS) echo 0 ;; FAIL) echo 1 ;; SKIP) echo 3 ;; *) echo 4 ;; esac; }

for n in 07 08 09 10 19 21; do
    out=$(as_user_env GLASSBOX_VM_KERNEL="$T/vmlinuz" lab check "$n" 2>&1); rc=$?
    want=${EXPECT[$n]}
    [ "$rc" = "$(code "$want")" ] || printf '%s\n' "$out" | sed 's/^/    /'
    assert_eq "lab $n as $U ends $want" "$want:$(code "$want")" "$(tail -1 <<<"$out"):$rc"
    check "lab $n says nothing about a host without a feature" \
        bash -c "! grep -q 'this host has no' <<<\"\$1\"" _ "$out"
    case $n in
    0[7-9] | 10) assert_contains "lab $n's SKIP names what the teacher must enable" "$TEACHER" "$out"
        assert_contains "... and that the kernel has it" "the kernel has it" "$out" ;;
    19) [ "$want" = PASS ] || continue
        mb=$(sed -n 's/.*memory on the host: container \([0-9.]*\) MB.*/\1/p' <<<"$out")
        check "lab 19 measured the container's memory without a cgroup (${mb:-none} MB > 0)" \
            awk -v m="${mb:-0}" 'BEGIN { exit !(m > 0) }' ;;
    esac
done
finish
