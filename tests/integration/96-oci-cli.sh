#!/usr/bin/env bash
# glassbox-runc driven exactly as containerd's shim drives runc (issue 14, docs/oci.md):
# create, state, start, kill, delete on a bundle made from the busybox image, with what the
# kernel says at each step; then bad input, which must leave nothing behind.
# Like the shim, this test is a child subreaper: PID 1, orphaned when create exits, becomes
# our child and is reaped by us (bash reaps any child), not by the host's init.
. "$(dirname "$0")/../lib/oci_subreaper.sh"  # re-run from a subreaper, as a shim would
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
oci_bundle "$B" '["sleep","300"]'
jq --arg ev "$B/events.jsonl" '.annotations["org.glassbox.events"] = $ev' "$B/config.json" > "$B/c2.json"
mv "$B/c2.json" "$B/config.json"
json_of() { runc_ state "$1" | jq -r ".$2"; }
cleanup_oci() { runc_ delete --force c1 >/dev/null 2>&1; runc_ delete --force t1 >/dev/null 2>&1; gb_cleanup; }
trap cleanup_oci EXIT

assert_contains "--version names the runtime and the spec" "spec: 1.0" "$("$RUNC" --version)"
runc_ create --bundle "$B" --pid-file "$B/init.pid" c1
assert_eq "create succeeds" 0 "$?"
check "the log file exists after a call, as the shim expects" test -f "$B/log.json"
pid=$(cat "$B/init.pid")
check "the pid file has no newline" test "$(wc -l < "$B/init.pid")" -eq 0
assert_eq "state: created" created "$(json_of c1 status)"
assert_eq "state: the pid of the pid file" "$pid" "$(json_of c1 pid)"
assert_eq "state: the annotations of config.json" yes "$(runc_ state c1 | jq -r '.annotations["org.glassbox.test"]')"
check "PID 1 exists and waits" test -d "/proc/$pid"
check "it has not executed the command yet" bash -c "! tr '\0' ' ' < /proc/$pid/cmdline | grep -q '^sleep'"
assert_eq "create exited: PID 1's parent is us, the subreaper, as the shim would be" "$$" "$(awk '{print $4}' /proc/$pid/stat)"

runc_ start c1
assert_eq "start succeeds" 0 "$?"
for _ in $(seq 50); do tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q '^sleep 300' && break; sleep 0.1; done
assert_eq "after start PID 1 is the bundle's command" "sleep 300 " "$(tr '\0' ' ' < "/proc/$pid/cmdline")"
assert_eq "state: running" running "$(json_of c1 status)"
for ns in pid mnt uts ipc net; do
    check "$ns namespace is a new one" test "$(readlink "/proc/$pid/ns/$ns")" != "$(readlink /proc/self/ns/$ns)"
done
assert_eq "NSpid: PID 1 inside" 1 "$(awk '/^NSpid/ {print $3}' /proc/$pid/status)"
assert_eq "config.json's hostname" ocibox "$(nsenter -t "$pid" -u hostname)"
assert_eq "process.env reaches PID 1" GBTEST=oci "$(tr '\0' '\n' < /proc/$pid/environ | grep ^GBTEST=)"
assert_eq "noNewPrivileges" 1 "$(awk '/^NoNewPrivs/ {print $2}' /proc/$pid/status)"
assert_eq "process.rlimits: RLIMIT_NOFILE 1024/1024 (set before the clone, inherited)" "1024 1024" \
    "$(awk '/^Max open files/ {print $4, $5}' /proc/$pid/limits)"
assert_eq "seccomp filter (the default, none in config.json)" 2 "$(awk '/^Seccomp:/ {print $2}' /proc/$pid/status)"
assert_eq "the bounding set is config.json's five capabilities" 00000000000004e1 "$(awk '/^CapBnd/ {print $2}' /proc/$pid/status)"
assert_eq "the root is the bundle's rootfs" "$(stat -c %i "$B/rootfs/bin")" "$(stat -c %i "/proc/$pid/root/bin")"
assert_eq "the bind mount of config.json" from-the-host "$(cat "/proc/$pid/root/mnt/data/file")"
check "and it is read-only (options ro)" bash -c "! nsenter -t $pid -m sh -c 'echo x > /mnt/data/new' 2>/dev/null"
mem=$(awk -F: '$2 ~ /memory/ {print $3}' /proc/$pid/cgroup | head -1)
pids=$(awk -F: '$2 ~ /pids/ {print $3}' /proc/$pid/cgroup | head -1)
if [ -f /sys/fs/cgroup/memory$mem/memory.limit_in_bytes ]; then
    assert_eq "linux.resources.memory.limit in the kernel" 67108864 "$(cat /sys/fs/cgroup/memory$mem/memory.limit_in_bytes)"
    assert_eq "linux.resources.pids.limit in the kernel" 64 "$(cat /sys/fs/cgroup/pids$pids/pids.max)"
else
    assert_eq "linux.resources.memory.limit in the kernel" 67108864 "$(cat /sys/fs/cgroup$mem/memory.max)"
fi
cgname=$(basename "$mem")
check "glassbox ps shows the container" bash -c "$GLASSBOX --root '$R' --data-root '$R/data' ps | grep -q c1"

runc_ pause c1
assert_eq "pause: state says paused" paused "$(json_of c1 status)"
assert_eq "and the kernel's freezer has frozen PID 1's cgroup" frozen "$(frozen "$pid")"
runc_ resume c1
assert_eq "resume: running again" running "$(json_of c1 status)"
runc_ start c1 2>/dev/null
check "a second start is refused" test $? -ne 0
runc_ delete c1 2>/dev/null
check "delete of a running container without --force is refused" test $? -ne 0
runc_ kill c1 KILL
assert_eq "kill KILL succeeds" 0 "$?"
for _ in $(seq 50); do [ "$(json_of c1 status)" = stopped ] && break; sleep 0.1; done
assert_eq "state: stopped" stopped "$(json_of c1 status)"
runc_ kill c1 TERM 2>/dev/null
check "kill of a stopped container fails" test $? -ne 0
check "with runc's words" grep -q '"container not running"' "$B/log.json"
runc_ delete c1
assert_eq "delete succeeds" 0 "$?"
for _ in $(seq 30); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
check "no process left (reaped by us, its parent)" test ! -d "/proc/$pid"
check "no record left" bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1)\" ]"
check "no mount left" bash -c "! grep -q '$B' /proc/self/mountinfo"
check "no cgroup left" bash -c "! find /sys/fs/cgroup -maxdepth 3 -name '$cgname' | grep -q ."
# The events (docs/events.md) went to the file the annotation names, from every verb.
ev=$B/events.jsonl
assert_eq "oci.request events: the verbs in order (the first delete is refused)" "create start pause resume delete kill" \
    "$(jq -r 'select(.type == "oci.request" and .verb != "state") | .verb' "$ev" | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//')"
assert_eq "with the caller's pid (this test)" "$$" "$(jq -r 'select(.type == "oci.request" and .verb == "start") | .caller_pid' "$ev" | head -1)"
check "the engine's steps are in the stream (pivot_root among them)" \
    bash -c "jq -r 'select(.type == \"step.end\") | .step' '$ev' | grep -qx pivot_root"
check "and the lifecycle to running and removed" \
    bash -c "jq -r 'select(.type == \"lifecycle\") | .to' '$ev' | grep -qx running && jq -r 'select(.type == \"lifecycle\") | .to' '$ev' | grep -qx removed"

runc_ state c1 2>/dev/null
check "state of a deleted container fails" test $? -ne 0
check "saying it does not exist" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q 'does not exist'"

# process.terminal with --console-socket: one message, the pty's name and its master as the
# one SCM_RIGHTS fd, before create returns (the shim relays it). We read PID 1's output on it.
jq '.process.terminal = true | .process.args = ["sh", "-c", "tty; stty size"]' "$B/config.json" > "$B/c2.json"
mv "$B/c2.json" "$B/config.json"
python3 - "$B/console.sock" > "$B/console.out" 2>&1 <<'PY' &
import os, select, socket, sys
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1]); srv.listen(1); srv.settimeout(20)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 4096, 4)
print("name=%s fds=%d" % (msg.decode(), len(fds)), flush=True)
out = b""
while select.select([fds[0]], [], [], 10)[0]:
    try:
        chunk = os.read(fds[0], 4096)
    except OSError:  # EIO: the slave's last holder exited
        break
    if not chunk:
        break
    out += chunk
print(out.decode().replace("\r", ""), flush=True)
PY
listener=$!
for _ in $(seq 50); do [ -S "$B/console.sock" ] && break; sleep 0.1; done
runc_ create --bundle "$B" --pid-file "$B/init.pid" --console-socket "$B/console.sock" t1
assert_eq "create with a terminal succeeds" 0 "$?"
runc_ start t1
wait "$listener"
assert_eq "the console socket got one message with one fd" "name=/dev/ptmx fds=1" "$(sed -n 1p "$B/console.out")"
assert_eq "PID 1's stdio is a pty of its own devpts" /dev/pts/0 "$(sed -n 2p "$B/console.out")"
for _ in $(seq 50); do [ "$(json_of t1 status)" = stopped ] && break; sleep 0.1; done
runc_ delete t1
assert_eq "delete of the exited terminal container" 0 "$?"
jq '.process.terminal = false' "$B/config.json" > "$B/c2.json" && mv "$B/c2.json" "$B/config.json"

# AppArmor and SELinux labels glassbox cannot apply: the container runs, and the log says
# so as a warning (never silently). An AppArmor profile is applied where the kernel runs
# AppArmor (tests/guest/apparmor.sh): there, this checks only the SELinux label.
aa_off=y
[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && aa_off=
jq --arg aa "${aa_off:+docker-default}" '.process.apparmorProfile = $aa | .linux.mountLabel = "system_u:object_r:container_file_t:s0"' \
    "$B/config.json" > "$B/c2.json" && mv "$B/c2.json" "$B/config.json"
runc_ create --bundle "$B" --pid-file "$B/init.pid" l1 2>/dev/null
check "a config with an AppArmor profile and a mount label is created" test $? -eq 0
warn=$(jq -r 'select(.level == "warning") | .msg' "$B/log.json")
[ -n "$aa_off" ] && assert_contains "a warning names the profile not applied (AppArmor off)" \
    'process.apparmorProfile "docker-default" is not applied: AppArmor is not enabled' "$warn"
assert_contains "... and the SELinux label" 'linux.mountLabel "system_u:object_r:container_file_t:s0" is not applied' "$warn"
runc_ delete --force l1
jq 'del(.process.apparmorProfile) | del(.linux.mountLabel)' "$B/config.json" > "$B/c2.json" && mv "$B/c2.json" "$B/config.json"

# Bad input: an error naming the JSON path, in the log as the shim reads it; nothing left.
jq '.process.args = "sleep"' "$B/config.json" > "$B/c2.json" && mv "$B/c2.json" "$B/config.json"
runc_ create --bundle "$B" --pid-file "$B/init.pid" c2 2>/dev/null
check "args that are not an array are refused" test $? -ne 0
check "naming process.args" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q process.args"
assert_eq "the last log line is an error" error "$(tail -1 "$B/log.json" | jq -r .level)"
runc_ create --bundle "$GB_TEST_ROOT/nowhere" c3 2>/dev/null
check "a missing bundle is refused" test $? -ne 0
jq '.process.args = ["no-such-command"]' "$B/config.json" > "$B/c2.json" && mv "$B/c2.json" "$B/config.json"
runc_ create --bundle "$B" --pid-file "$B/init.pid" c4 2>/dev/null
check "a missing command fails at create" test $? -ne 0
check "with runc's words" bash -c "tail -1 '$B/log.json' | jq -r .msg | grep -q 'executable file not found'"
runc_ create --bundle "$B" "bad/id" 2>/dev/null
check "an id with a slash is refused" test $? -ne 0
check "bad input left nothing" bash -c "[ -z \"\$(find '$R/oci' '$R/containers' -mindepth 1)\" ] && ! grep -q '$B' /proc/self/mountinfo"
finish
