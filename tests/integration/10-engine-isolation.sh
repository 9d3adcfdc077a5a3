#!/usr/bin/env bash
# A real container, and what the kernel reports about it (issue 2).
. "$(dirname "$0")/../lib/common.sh"
need_root

out=$(gb run --rm busybox sh -c 'echo $$')
assert_eq "the command is PID 1 inside" 1 "$out"

host_name_before=$(hostname)
# A host process that must stay invisible inside.
sleep 4242 & marker=$!
id=$(gb run -d --name iso --hostname inside busybox sleep 300)
pid=$(jq -r .state.pid < <(gb inspect --json iso))
check "inspect reports a live host PID ($pid)" test -d "/proc/$pid"
for ns in pid mnt uts ipc net cgroup; do
    a=$(stat -Lc %i /proc/$pid/ns/$ns); b=$(stat -Lc %i /proc/self/ns/$ns)
    check "$ns namespace differs from the host's ($a vs $b)" test "$a" != "$b"
done
nspid=$(awk '/^NSpid/ {print $2, $3}' /proc/$pid/status)
assert_eq "NSpid: host PID, then 1 inside" "$pid 1" "$nspid"
ps_inside=$(gb exec iso ps)
check "the host's processes are invisible inside" bash -c "! grep -q 'sleep 4242' <<<'$ps_inside'"
n_inside=$(gb exec iso sh -c 'ls -d /proc/[0-9]* | wc -l')
n_host=$(ls -d /proc/[0-9]* | wc -l)
check "the container's /proc lists only its own processes ($n_inside of $n_host)" test "$n_inside" -le 5 -a "$n_inside" -lt "$n_host"
kill $marker

root_fs=$(gb exec iso sh -c 'awk "\$2 == \"/\" {print \$3}" /proc/mounts')
assert_eq "/ is an overlay" overlay "$root_fs"
gb exec iso sh -c 'echo written > /newfile; rm /etc/motd'
upper=$(jq -r .state.rootfs.upper < <(gb inspect --json iso))
lower=$(jq -r .state.rootfs.lower < <(gb inspect --json iso))
check "a write lands in the upper dir" grep -q written "$upper/newfile"
check "the lower layer is unchanged" test ! -e "$lower/newfile" -a -e "$lower/etc/motd"
check "a deletion leaves a whiteout (0/0 char device)" test "$(stat -c '%F %t %T' "$upper/etc/motd")" = "character special file 0 0"

assert_eq "hostname inside" inside "$(gb exec iso hostname)"
assert_eq "the host's own name is unchanged by the container's" "$host_name_before" "$(hostname)"
assert_eq "only lo in a new network namespace" lo "$(gb exec iso ls /sys/class/net)"
check "lo is up" bash -c "[ \"\$($GLASSBOX exec iso cat /sys/class/net/lo/operstate)\" != down ]"
# Read from the container's mountinfo, never by writing: were /sys writable, a write
# would change the host's kernel.
assert_eq "/sys is mounted read-only (its mount options in mountinfo)" ro \
    "$(gb exec iso awk '$5 == "/sys" { split($6, o, ","); print o[1] }' /proc/self/mountinfo)"
for d in null zero full random urandom tty; do
    check "/dev/$d exists inside" gb exec iso test -c /dev/$d
done
check "/dev has no disks" bash -c "[ -z \"\$($GLASSBOX exec iso sh -c 'ls /dev | grep -E \"^(sd|vd|nvme|loop)\"')\" ]"
# pivot_root(".", ".") stacks the old root on "/": until umount2 detaches it, two
# mounts sit on "/" (and the host's whole table below). One must remain.
assert_eq "the old root is gone after pivot_root: one mount on / inside" 1 \
    "$(gb exec iso awk '$5 == "/"' /proc/self/mountinfo | wc -l)"
mounts_host=$(grep -c "$GLASSBOX_DATA_ROOT" /proc/self/mountinfo)
assert_eq "the container's mounts are invisible on the host" 0 "$mounts_host"

gb rm -f iso >/dev/null
check "PID 1 is gone after rm -f" test ! -d "/proc/$pid"
assert_nothing_left "after rm -f"

# --pid host etc. share the host's namespaces: the negative controls of the labs.
id=$(gb run -d --pid host --uts host --ipc host --network host busybox sleep 300)
pid=$(jq -r .state.pid < <(gb inspect --json "$id"))
for ns in pid uts ipc net; do
    check "--$ns host shares the host's $ns namespace" test "$(stat -Lc %i /proc/$pid/ns/$ns)" = "$(stat -Lc %i /proc/self/ns/$ns)"
done
check "mnt is still private" test "$(stat -Lc %i /proc/$pid/ns/mnt)" != "$(stat -Lc %i /proc/self/ns/mnt)"
gb rm -f "$id" >/dev/null
finish
