#!/usr/bin/env bash
# Healthchecks kept by each container's monitor (core/engine/health.c): Docker's states
# (starting, unhealthy after --health-retries failures, healthy after a success), the probe
# run inside the container's namespaces, a hanging probe killed at its timeout, PID 1's exit
# noticed while a probe runs, and what ps, inspect and the event stream say. ~8 s.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
N=$$
state_of() { gb inspect --json "$1" | jq -r "$2"; }
wait_for() { # NAME JQ VALUE: up to 10 s
    for _ in $(seq 100); do [ "$(state_of "$1" "$2")" = "$3" ] && return 0; sleep 0.1; done
    return 1
}

# --- bad flags: a clear error, nothing made
out=$(gb run --health-interval 5 busybox true 2>&1); rc=$?
check "a duration without its unit is refused" test $rc -ne 0
assert_contains "and the error names the flag and the fix" "--health-interval" "$out"
out=$(gb run --no-healthcheck --health-cmd true busybox true 2>&1)
assert_contains "--no-healthcheck with --health-cmd is refused" "exclude each other" "$out"
assert_eq "no container was made by the refused runs" "" "$(gb ps -aq)"

# --- starting -> unhealthy -> healthy
EV=$GB_TEST_ROOT/ev-h.jsonl
gb run -d --name "h$N" --events "$EV" \
    --health-cmd 'for n in pid mnt; do readlink /proc/self/ns/$n; done > /tmp/probe-ns.new; mv /tmp/probe-ns.new /tmp/probe-ns; test -f /ok' \
    --health-interval 0.2s --health-retries 2 busybox sleep 300 >/dev/null
assert_eq "right after the start: starting" starting "$(state_of "h$N" .state.health.status)"
check "two failures in a row make it unhealthy" wait_for "h$N" .state.health.status unhealthy
check "the failing streak is in the state file" \
    test "$(jq -r .state.health.failing_streak "$GLASSBOX_ROOT/containers/$(state_of "h$N" .id)/container.json")" -ge 2
pid=$(state_of "h$N" .state.pid)
assert_eq "the probe ran in PID 1's PID and mount namespaces (as the kernel names them)" \
    "$(readlink /proc/$pid/ns/pid /proc/$pid/ns/mnt | tr '\n' ' ')" \
    "$(gb exec "h$N" cat /tmp/probe-ns | tr '\n' ' ')"
assert_contains "ps shows it (Docker's form)" "(unhealthy)" "$(gb ps | grep "h$N")"
assert_contains "inspect shows it" "health       unhealthy" "$(gb inspect "h$N")"
gb exec "h$N" touch /ok
check "a success makes it healthy" wait_for "h$N" .state.health.status healthy
assert_eq "and clears the failing streak" 0 "$(state_of "h$N" .state.health.failing_streak)"
assert_contains "ps shows healthy" "(healthy)" "$(gb ps | grep "h$N")"
assert_eq "ps --json (the viz's source) has it" healthy \
    "$(gb ps --json | jq -r ".[] | select(.name==\"h$N\") | .health.status")"
seq=$(jq -r 'select(.type=="health.status") | .status' "$EV" | uniq | tr '\n' ' ')
assert_eq "health.status events: starting, unhealthy, healthy" "starting unhealthy healthy " "$seq"
assert_eq "a failed probe's event has its exit code" 1 \
    "$(jq -r 'select(.type=="health.status" and .status=="unhealthy") | .exit_code' "$EV" | head -1)"
gb rm -f "h$N" >/dev/null
check "no probe outlives rm" bash -c "! pgrep -f '[p]robe-ns' >/dev/null"

# --- a probe that hangs is killed at its timeout and counts as a failure
EV=$GB_TEST_ROOT/ev-t.jsonl
gb run -d --name "t$N" --events "$EV" --health-cmd "sleep 7$N" --health-timeout 0.3s \
    --health-interval 0.2s --health-retries 1 busybox sleep 300 >/dev/null
check "the hanging probe makes it unhealthy" wait_for "t$N" .state.health.status unhealthy
ev=$(jq -c 'select(.type=="health.status")' "$EV" | head -1)
assert_eq "its exit code is -1 (killed)" -1 "$(jq -r .exit_code <<<"$ev")"
assert_contains "its output says why" "exceeded timeout" "$(jq -r .output <<<"$ev")"
sleep 0.2
n=$(pgrep -fc "^sleep 7$N\$" || true)
check "no more than the probe of the moment runs (killed ones are gone: $n)" test "$n" -le 1
gb rm -f "t$N" >/dev/null
check "none is left after rm" bash -c "! pgrep -f '^sleep 7$N\$' >/dev/null"

# --- PID 1's exit is recorded while a probe runs (the probe's timeout is 60 s)
gb run -d --name "e$N" --health-cmd "sleep 8$N" --health-timeout 60s --health-interval 0.1s \
    busybox sh -c 'sleep 1; exit 3' >/dev/null
sleep 0.5
check "a probe is running inside" pgrep -f "^sleep 8$N\$" >/dev/null
check "the exit is recorded long before the probe's timeout" wait_for "e$N" .state.status stopped
assert_eq "with PID 1's exit code" 3 "$(state_of "e$N" .state.exit_code)"
check "and the probe was killed with it" bash -c "! pgrep -f '^sleep 8$N\$' >/dev/null"
assert_contains "ps -a shows no health for a stopped container" "Exited (3)" "$(gb ps -a | grep "e$N")"
gb rm -f "e$N" >/dev/null

# --- the Dockerfile's HEALTHCHECK, and --no-healthcheck
ctx=$GB_TEST_ROOT/ctx
mkdir -p "$ctx"
printf 'FROM busybox\nHEALTHCHECK --interval=0.2s --retries=1 CMD ["test", "-f", "/ok"]\n' >"$ctx/Dockerfile"
gb build -t "hc$N" "$ctx" >/dev/null 2>&1
gb run -d --name "d$N" "hc$N" sleep 300 >/dev/null
assert_eq "the image's HEALTHCHECK is the container's (exec form: its argv)" '["test","-f","/ok"]' \
    "$(gb inspect --json "d$N" | jq -c .config.healthcheck.test)"
check "and its monitor runs it: unhealthy" wait_for "d$N" .state.health.status unhealthy
gb run -d --name "f$N" --health-interval 0.3s "hc$N" sleep 300 >/dev/null
assert_eq "a --health-* flag overrides only its own field" "0.3 1" \
    "$(state_of "f$N" '"\(.config.healthcheck.interval) \(.config.healthcheck.retries)"')"
gb run -d --name "o$N" --no-healthcheck "hc$N" sleep 300 >/dev/null
assert_eq "--no-healthcheck drops it" "null null" \
    "$(state_of "o$N" '"\(.config.healthcheck) \(.state.health)"')"
printf 'FROM busybox\nHEALTHCHECK --interval=5 CMD true\n' >"$ctx/Dockerfile"
out=$(gb build -t "hcbad$N" "$ctx" 2>&1)
assert_contains "a HEALTHCHECK with a bad option is a clear error" "line 2: HEALTHCHECK --interval=5" "$out"
gb rm -f "d$N" "f$N" "o$N" >/dev/null
gb rmi "hc$N" >/dev/null 2>&1

# --- no healthcheck: nothing in the state
gb run -d --name "n$N" busybox sleep 300 >/dev/null
assert_eq "without a healthcheck there is no health member" null "$(state_of "n$N" .state.health)"
gb rm -f "n$N" >/dev/null
assert_nothing_left "after the health tests"
finish
