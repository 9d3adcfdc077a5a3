#!/usr/bin/env bash
# Issue 19: a glassbox process that enters a container hands it nothing of the host.
# A watcher inside (glassbox-probe --watch) scans /proc while the host enters the
# container again and again, and tries both attacks on every process it sees running a
# binary from outside the container: open its /proc/PID/exe (CVE-2019-5736: a handle on
# the host's glassbox) and its /proc/PID/fd/* (CVE-2024-21626: pipes, pidfds, and
# "../../.." from a host directory). Checked for `exec` (1000 times, from the watcher's
# own PID namespace) and for `run` (a watcher in a --pid host container sees every new
# container's PID 1 while the engine sets it up). Each race has its negative control,
# GLASSBOX_UNSAFE_DUMPABLE=1 (the process stays dumpable, keeps its fds and runs the
# command without the trampoline), under which the watcher must win. The command being
# /proc/self/exe (directly or as a #! interpreter) runs the sealed trampoline, not
# glassbox; a host directory as stdin is refused; the host's binaries are byte-identical
# afterwards. EXEC_RACE_N (default 1000) sets the number of execs.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
need_cmd sha256sum
BIN=$(dirname "$GLASSBOX")/..
PROBE=$BIN/libexec/glassbox/glassbox-probe
TRAMPOLINE=$BIN/libexec/glassbox/glassbox-trampoline
[ -x "$PROBE" ] && [ -x "$TRAMPOLINE" ] || skip "glassbox-probe or glassbox-trampoline not built (make)"
N=${EXEC_RACE_N:-1000}
T=$(mktemp -d /tmp/gbrace.XXXXXX)
cleanup_race() { exec 9<&- 2>/dev/null; rm -rf "$T"; gb_cleanup; }
trap cleanup_race EXIT
hashes() { sha256sum "$GLASSBOX" "$TRAMPOLINE" "$PROBE" | cut -d' ' -f1 | tr '\n' ' '; }
before=$(hashes)

status() { jq -r --arg n "$2" '.checks[] | select(.name == $n) | .status' "$1"; }
field() { jq -r --arg n "$2" --arg f "$3" '.checks[] | select(.name == $n) | .[$f]' "$1"; }
refused() { field "$1" exe-race detail | sed -n 's/.* \([0-9][0-9]*\) refused us.*/\1/p'; }

box=gbrace$$
gb run -d --name "$box" busybox sleep 600 >/dev/null || { not_ok "the watcher's container starts"; finish; }

# --- exec: N times while the watcher watches, then the negative control ---
gb probe --race "$N" "$box" >"$T/exec.json" 2>"$T/exec.err"
rc=$?
jq -e . "$T/exec.json" >/dev/null 2>&1 || { not_ok "exec race: the watcher's report is JSON: $(cat "$T/exec.err")"; finish; }
assert_eq "exec race: $(grep -o '[0-9]* execs' "$T/exec.err"), no handle on a host binary (/proc/PID/exe)" \
    blocked "$(status "$T/exec.json" exe-race)"
assert_eq "exec race: no descriptor of a glassbox process opened (/proc/PID/fd)" \
    blocked "$(status "$T/exec.json" fd-race)"
check "exec race: glassbox probe --race exits 0 (exit $rc)" test "$rc" -eq 0
n=$(refused "$T/exec.json")
check "exec race: the watcher did see the glassbox processes, and was refused ${n:-0} times (not dumpable)" \
    test "${n:-0}" -gt 0

GLASSBOX_UNSAFE_DUMPABLE=1 gb probe --race 1000 "$box" >"$T/exec-unsafe.json" 2>"$T/exec-unsafe.err"
assert_eq "control (GLASSBOX_UNSAFE_DUMPABLE=1): the watcher opens /proc/PID/exe of the exec child" \
    possible "$(status "$T/exec-unsafe.json" exe-race)"
assert_contains "control: ... and it is the host's glassbox binary" "$(readlink -f "$GLASSBOX")" \
    "$(field "$T/exec-unsafe.json" exe-race call)"
assert_eq "control: the watcher opens the exec child's descriptors" \
    possible "$(status "$T/exec-unsafe.json" fd-race)"

# --- run: a watcher sharing the host's PID namespace sees each new PID 1 being set up
# (glassbox has no --pid container:NAME; --pid host is the shared namespace we have) ---
watcher=gbracew$$
gb run -d --pid host --name "$watcher" busybox sleep 600 >/dev/null
cp "$PROBE" "$T/probe" && mkfifo "$T/ready"
run_race() { # UNSAFE RUNS REPORT
    exec 9<"$T/probe"  # inherited by exec (no close-on-exec): run as /proc/self/fd/9
    gb exec "$watcher" /proc/self/fd/9 --watch 120000 --stop-file /tmp/stop --match "$box-r" \
        --json >"$3" 2>"$T/ready" &
    local wp=$! line
    exec 9<&-
    read -r -t 30 line <"$T/ready"
    local i
    for i in $(seq 1 "$2"); do
        GLASSBOX_UNSAFE_DUMPABLE=$1 gb run --rm --name "$box-r$i" busybox true || echo "run $i failed"
        kill -0 "$wp" 2>/dev/null || break  # the watcher won both races and left
    done
    gb exec "$watcher" touch /tmp/stop
    wait "$wp"
    gb exec "$watcher" rm -f /tmp/stop
}
run_race 0 40 "$T/run.json"
assert_eq "run race: no handle on a host binary through a new PID 1 in setup" blocked "$(status "$T/run.json" exe-race)"
assert_eq "run race: no descriptor of it opened" blocked "$(status "$T/run.json" fd-race)"
n=$(refused "$T/run.json")
check "run race: the watcher saw the PID 1s in setup and was refused ${n:-0} times" test "${n:-0}" -gt 0
run_race 1 40 "$T/run-unsafe.json"
assert_eq "control: the watcher opens /proc/PID/exe of a PID 1 in setup" possible "$(status "$T/run-unsafe.json" exe-race)"
assert_eq "control: ... and its descriptors" possible "$(status "$T/run-unsafe.json" fd-race)"
echo "      (control: $(field "$T/run-unsafe.json" fd-race detail | grep -o 'openat.*' || echo 'no host directory reached this time'))"

# --- the command is /proc/self/exe: it runs the sealed trampoline, never glassbox ---
gb exec "$box" sh -c 'ln -sf /proc/self/exe /evil; printf "#!/proc/self/exe\n" > /evil.sh; chmod +x /evil.sh'
out=$(gb exec "$box" /evil 2>&1); rc=$?
assert_contains "exec of a symlink to /proc/self/exe runs the trampoline (exit $rc)" "usage: glassbox-trampoline" "$out"
out=$(gb exec "$box" /evil.sh 2>&1)
assert_contains "exec of a script whose #! is /proc/self/exe: the same" "usage: glassbox-trampoline" "$out"
out=$(gb run --rm --entrypoint /proc/self/exe busybox 2>&1)
assert_contains "run with /proc/self/exe as the command: the same" "usage: glassbox-trampoline" "$out"
out=$(gb exec "$box" sh -c 'readlink /proc/self/exe' 2>&1)
assert_eq "the command itself runs its own binary" /bin/busybox "$out"

# --- a host directory never enters the container ---
# stdio are relayed (issue 18): fd 0 inside is the relay's pipe (or /dev/null), never ours.
out=$(gb exec -i "$box" sh -c 'test -d /proc/self/fd/0/ && echo DIR || echo notdir' </ 2>&1)
assert_contains "exec -i with a host directory as stdin: fd 0 inside is not it" notdir "$out"
out=$(gb run --rm -i busybox sh -c 'test -d /proc/self/fd/0/ && echo DIR || echo notdir' </ 2>&1)
assert_contains "run -i likewise" notdir "$out"
# Where fds 0-2 are handed over as they are (--unsafe-pass-terminal, lab 16's control
# only), a directory among them is refused.
out=$(gb run --rm --unsafe-pass-terminal busybox ls /proc/self/fd/0/ </ 2>&1); rc=$?
check "run --unsafe-pass-terminal with a host directory as stdin is refused (exit $rc)" test "$rc" -ne 0
assert_contains "... saying why" "descriptor 0 is a directory of the host" "$out"

assert_eq "the host's glassbox, trampoline and probe binaries are byte-identical (sha256)" "$before" "$(hashes)"
gb rm -f "$watcher" >/dev/null; gb rm -f "$box" >/dev/null
finish
