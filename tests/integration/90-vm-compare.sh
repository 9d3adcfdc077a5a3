#!/usr/bin/env bash
# glassbox compare: a container and a QEMU guest run one command from the same moment.
# The container must report the host's kernel and boot id and a host PID with NSpid; the
# VM its own kernel and boot id; both sides measured (time, memory) and the VM's boot in
# order in the event stream. Nothing may remain: no qemu, no container, no work dir.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
k=$(gb vm kernel 2>&1) || skip "no guest kernel: $k"

ev=$GB_TEST_ROOT/race.jsonl
out=$(gb compare --json --events "$ev")
check "compare --json exits 0" test $? -eq 0
j() { jq -r "$1" <<<"$out"; }
assert_eq "the container sees the host's kernel" "$(uname -r)" "$(j .container.kernel)"
assert_eq "the container sees the host's boot id" "$(cat /proc/sys/kernel/random/boot_id)" "$(j .container.boot_id)"
check "the VM runs another kernel ($(j .vm.kernel))" test "$(j .vm.kernel)" != "$(uname -r)"
check "the VM has its own boot id" test "$(j .vm.boot_id)" != "$(cat /proc/sys/kernel/random/boot_id)"
check "the container's PID 1 has a host PID and PID 1 inside ($(j .container.nspid))" \
    grep -qE '^[0-9]+ 1$' <<<"$(j .container.nspid)"
# What the host's ps shows of the container while it prints: looked at as each line comes,
# so a command that ends at once may be gone first (then the list is empty); one that
# has a sleep running when it prints is seen with its PID 1 and the sleep, each numbered twice
# (it prints once the sleep has replaced the forked shell: a look between fork and exec
# sees a second "sh", as a CI run did).
hp=$(j '.container.host_processes')
check "host_processes, if any, starts with PID 1 ($(jq -c . <<<"$hp"))" \
    test "$(jq length <<<"$hp")" -eq 0 -o "$(jq -r '.[0] | "\(.pid) \(.pid_inside)"' <<<"$hp")" = "$(j .container.host_pid) 1"
out2=$(gb compare --json 'sleep 2 & until grep -qx sleep /proc/$!/comm; do :; done; echo start; printf "%0700d\n" 0; wait; echo end'); rc=$?
check "compare --json COMMAND exits 0" test $rc -eq 0
assert_eq "a 700-byte line is kept whole on both sides" "700 700" \
    "$(jq -r '[.container.output, .vm.output] | map(map(length) | max) | "\(.[0]) \(.[1])"' <<<"$out2")"
hp=$(jq -c '.container.host_processes' <<<"$out2")
assert_eq "the host's ps listed the container's PID 1 first, PID 1 inside" \
    "$(jq -r .container.host_pid <<<"$out2") 1" "$(jq -r '.[0] | "\(.pid) \(.pid_inside)"' <<<"$hp")"
check "... and its sleep, with a host PID of its own and a small one inside ($hp)" \
    test "$(jq '[.[] | select(.comm == "sleep" and .pid != .pid_inside and .pid_inside < 10)] | length' <<<"$hp")" -eq 1
check "container memory peak measured ($(j .container.mem_peak) bytes)" test "$(j .container.mem_peak)" -gt 0
check "qemu RSS peak measured ($(j .vm.mem_peak) bytes)" test "$(j .vm.mem_peak)" -gt 50000000
check "qemu PSS measured" test "$(j .vm.pss_peak)" -gt 0
check "guest MemTotal reported" test "$(j .vm.memtotal)" -gt 0
check "the VM's first output comes after the container's" \
    awk -v c="$(j .container.first_output_ms)" -v v="$(j .vm.first_output_ms)" 'BEGIN{exit !(c > 0 && v > c)}'
check "the guest counts more processes than the container" test "$(j .vm.procs)" -gt "$(j .container.procs)"
check "accel named ($(j .accel): $(j .accel_why))" grep -qE '^(tcg|kvm)$' <<<"$(j .accel)"

steps=$(jq -r 'select(.type=="vm.step.end") | .step' "$ev" | tr '\n' ',')
assert_eq "the VM's stages end in order" "firmware,kernel,init,first output," "$steps"
n=$(jq -s '[.[] | select(.type == "vm.sample" and .rss > 0)] | length' "$ev")
check "vm.sample events carry qemu's RSS ($n samples)" test "$n" -gt 0
check "compare.result closes the stream" test "$(tail -1 "$ev" | jq -r .type)" = compare.result
qpid=$(j .vm.qemu_pid)
check "qemu ($qpid) is gone" test ! -e "/proc/$qpid"
check "no container left" test -z "$(gb ps -aq)"
check "no work dir left" test -z "$(ls "$GLASSBOX_DATA_ROOT/vm" 2>/dev/null | grep -v kernel)"

err=$(gb compare --bogus 2>&1); rc=$?
check "an unknown option is refused (exit $rc: $err)" test $rc -eq 2
err=$(gb vm run --cgroup v3 true 2>&1); rc=$?
check "vm run --cgroup v3 is refused ($err)" test $rc -eq 2
err=$(GLASSBOX_VM_KERNEL=/nonexistent/vmlinuz gb vm run true 2>&1); rc=$?
check "a missing kernel is named ($err)" grep -q "/nonexistent/vmlinuz" <<<"$err"
finish
