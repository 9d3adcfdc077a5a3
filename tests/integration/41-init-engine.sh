#!/usr/bin/env bash
# PID 1 in real glassbox containers, with and without --init: zombies, SIGTERM and the
# grace period, exit codes 143/137, `-t 0`, kill with any signal, stop of a stopped or
# unknown container, and what inspect and the event stream report. ~10 s.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
N=$$
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
state_of() { gb inspect --json "$1" | jq -r "$2"; }

# --- zombies: pile up under a PID 1 that never waits; reaped with --init
gb run -d --name "z$N" busybox zombie-maker 4 >/dev/null
gb run -d --init --name "zi$N" busybox zombie-maker 4 >/dev/null
for _ in $(seq 50); do [ "$(state_of "z$N" '.observed.pid1.zombies.count')" = 4 ] && break; sleep 0.1; done
assert_eq "without --init: inspect counts the zombies" 4 "$(state_of "z$N" '.observed.pid1.zombies.count')"
assert_eq "without --init: PID 1 is sleep and SIGTERM is dropped" "sleep dropped" \
    "$(state_of "z$N" '.observed.pid1 | "\(.name) \(.sigterm)"')"
assert_contains "inspect explains the zombies" "zombies      4" "$(gb inspect "z$N")"
sleep 0.5
assert_eq "with --init: no zombies" 0 "$(state_of "zi$N" '.observed.pid1.zombies.count')"
assert_eq "with --init: PID 1 is glassbox-init, SIGTERM blocked (read by signalfd)" \
    "glassbox-init blocked" "$(state_of "zi$N" '.observed.pid1 | "\(.name) \(.sigterm)"')"
ro=$(gb exec "zi$N" sh -c 'grep " /sbin/glassbox-init " /proc/self/mountinfo')
assert_contains "glassbox-init is bind-mounted read-only" " ro," "$ro"
out=$(gb exec "zi$N" sh -c '{ echo x > /sbin/glassbox-init; } 2>&1; echo "rc=$?"')
assert_contains "and the container cannot overwrite it (EROFS)" "Read-only file system" "$out"
assert_contains "the write failed inside, not the exec" "rc=1" "$out"
gb rm -f "z$N" "zi$N" >/dev/null

# --- SIGTERM to a PID 1 without a handler: ignored, SIGKILL after the grace period
gb run -d --name "i$N" busybox ignore-term >/dev/null
sleep 0.2
t0=$(date +%s%N)
gb stop --events "$GB_TEST_ROOT/ev-i.jsonl" -t 2 "i$N" >/dev/null
ms=$(ms_since "$t0")
# Bounds that tell behaviours apart, not speed: at least the grace, and well short of
# twice it (a loaded machine stretches every run; the events below carry the deadline).
check "no handler: the stop took the 2 s grace period ($ms ms, under 4 s)" \
    test "$ms" -ge 2000 -a "$ms" -lt 4000
assert_eq "no handler: exit code 137 (SIGKILL)" 137 "$(state_of "i$N" .state.exit_code)"
types=$(jq -r .type "$GB_TEST_ROOT/ev-i.jsonl" | tr '\n' ' ')
assert_eq "events of the stop" "signal.sent grace.started grace.expired signal.sent process.exit " "$types"
assert_eq "signal.sent says the kernel drops SIGTERM at this PID 1" dropped \
    "$(jq -r 'select(.type=="signal.sent" and .by=="stop") | .fate' "$GB_TEST_ROOT/ev-i.jsonl")"
assert_eq "process.exit: killed by SIGKILL, no core" "SIGKILL 137 false" \
    "$(jq -r 'select(.type=="process.exit") | "\(.signal) \(.exit_code) \(.core)"' "$GB_TEST_ROOT/ev-i.jsonl")"
dl=$(jq -r 'select(.type=="grace.started") | .deadline - .t | floor' "$GB_TEST_ROOT/ev-i.jsonl")
assert_eq "grace.started carries its deadline (t + 2 s)" 2 "$dl"

# --- with a handler, or with --init: prompt, 143
gb run -d --name "t$N" busybox trap-term >/dev/null
gb run -d --init --name "ii$N" busybox ignore-term >/dev/null
sleep 0.3
for c in "t$N" "ii$N"; do
    t0=$(date +%s%N); gb stop -t 10 "$c" >/dev/null; ms=$(ms_since "$t0")
    check "$c: the stop is prompt, not the 10 s grace ($ms ms < 5000)" [ "$ms" -lt 5000 ]
    assert_eq "$c: exit code 143" 143 "$(state_of "$c" .state.exit_code)"
done

# --- -t 0 kills at once; a slow shutdown is cut short by SIGKILL
gb run -d --name "k$N" busybox slow-shutdown 10 >/dev/null
sleep 0.3
t0=$(date +%s%N); gb stop -t 0 "k$N" >/dev/null; ms=$(ms_since "$t0")
check "-t 0: killed at once, not after its 10 s shutdown ($ms ms < 5000)" [ "$ms" -lt 5000 ]
assert_eq "-t 0: exit code 137" 137 "$(state_of "k$N" .state.exit_code)"

# --- --stop-signal, and stop -s
gb run -d --name "q$N" --stop-signal SIGUSR1 busybox \
    sh -c 'trap "exit 10" USR1; trap "exit 11" HUP; sleep 60 & wait' >/dev/null
sleep 0.3
gb stop -t 5 "q$N" >/dev/null
assert_eq "--stop-signal SIGUSR1 is what stop sends" 10 "$(state_of "q$N" .state.exit_code)"
gb start "q$N" >/dev/null; sleep 0.3
gb stop -t 5 -s HUP "q$N" >/dev/null
assert_eq "stop -s HUP overrides it: the HUP trap ran" 11 "$(state_of "q$N" .state.exit_code)"

# --- kill NAME SIGNAL: any signal, delivered to PID 1 (here through glassbox-init)
gb run -d --init --name "s$N" busybox show-signals >/dev/null
sleep 0.3
gb kill "s$N" USR1 >/dev/null; sleep 0.1
gb kill "s$N" SIGWINCH >/dev/null; sleep 0.1
gb kill -s 15 "s$N" >/dev/null
for _ in $(seq 30); do [ "$(state_of "s$N" .state.status)" = stopped ] && break; sleep 0.1; done
log=$(gb logs "s$N")
assert_contains "kill USR1 reached the command through glassbox-init" "got SIGUSR1" "$log"
assert_contains "kill SIGWINCH too" "got SIGWINCH" "$log"
assert_eq "kill -s 15: 143" 143 "$(state_of "s$N" .state.exit_code)"

# --- stop of a stopped container is a no-op; of an unknown one an error naming it
out=$(gb stop "s$N" 2>&1); rc=$?
assert_contains "stop of a stopped container says so" "already stopped" "$out"
assert_eq "and succeeds" 0 "$rc"
out=$(gb stop "nosuch$N" 2>&1); rc=$?
assert_contains "stop of an unknown container names it" "nosuch$N" "$out"
assert_eq "and fails" 1 "$rc"

# --- --pid host: no pid namespace kills the rest when PID 1 dies; the cgroup does
# Both processes ignore SIGTERM (SIG_IGN survives exec), so the grace period expires.
gb run -d --pid host --name "h$N" busybox sh -c 'trap "" TERM; sleep 300 & exec sleep 301' >/dev/null
sleep 0.3
hid=$(state_of "h$N" .id)
kid=$(pgrep -x sleep | while read -r p; do
    grep -q "$hid" /proc/$p/cgroup 2>/dev/null && grep -q 300 /proc/$p/cmdline && echo $p; done | head -1)
t0=$(date +%s%N); gb stop -t 1 "h$N" >/dev/null; ms=$(ms_since "$t0")
check "--pid host, SIGTERM ignored: the stop waited the 1 s grace ($ms ms)" test "$ms" -ge 1000
# Dead is enough: a zombie waits for the host's init to reap it, which is not ours.
alive() { [ -d "/proc/$1" ] && [ "$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null)" != Z ]; }
for _ in $(seq 20); do [ -n "$kid" ] && alive "$kid" || break; sleep 0.05; done
if [ -n "$kid" ]; then
    dead() { ! alive "$1"; }
    check "--pid host: the grace SIGKILL also ended the other process ($kid)" dead "$kid"
else
    not_ok "--pid host: could not find the container's second process"
fi

for c in "i$N" "t$N" "ii$N" "k$N" "q$N" "s$N" "h$N"; do gb rm -f "$c" >/dev/null 2>&1; done
assert_nothing_left "after the PID 1 tests"
finish
