#!/bin/bash
# compose up --wait, as docker compose's: it returns once every service is running, and
# healthy where it has a healthcheck (lab 20's `make` returns so, WordPress installed).
#  1. slow turns healthy only a second after it starts; plain has no healthcheck. up --wait
#     returns 0 with slow already healthy (its state says so the moment up returns), where
#     up -d would have returned while it was starting.
#  2. a service that exits (code 3) while up --wait waits for another fails it, naming it
#     and its code. (One that exits after the wait has seen it running goes unnoticed, as
#     with docker compose.)
#  3. a service that is never healthy fails up --wait-timeout 2 after ~2 s, naming it.
# Busybox only, inside a network namespace this test makes.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_engine_test compose-wait "$@"
FAILED=0

P=$ROOT/proj
mkdir -p "$P"
compose() { (cd "$P" && gb compose -p wt "$@"); }
health() { gb inspect --json "wt-$1-1" | jq -r .state.health.status; }
assert() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi; }
# slow: healthy a second after it starts (both files below have it)
SLOW='  slow:
    image: busybox
    command: [sh, -c, "sleep 1; touch /ready; exec sleep 1000"]
    healthcheck:
      test: ["CMD", "test", "-f", "/ready"]
      interval: 100ms
      timeout: 2s
      retries: 100
    stop_signal: SIGKILL'
cat >"$P/compose.yaml" <<EOF2
services:
$SLOW
  plain:
    image: busybox
    command: [sleep, "1000"]
    stop_signal: SIGKILL
EOF2
out=$(compose up --wait 2>&1); rc=$?
check "up --wait returns 0 ($out)" test $rc = 0
assert "... with slow already healthy when it returns" healthy "$(health slow)"
assert "... and plain running" running "$(gb inspect --json wt-plain-1 | jq -r .state.status)"
check "down removes the project" compose down
check "... no container is left" test -z "$(gb ps -a -q)"

# The control: up -d returns while slow is still starting (so the check above saw --wait).
compose up -d >/dev/null 2>&1
assert "control: up -d returns with slow still starting" starting "$(health slow)"
compose down >/dev/null 2>&1

cat >"$P/compose.yaml" <<EOF2
services:
$SLOW
  quits:
    image: busybox
    command: [sh, -c, "exit 3"]
EOF2
out=$(compose up --wait 2>&1); rc=$?
check "up --wait fails when a service exits" test $rc = 1
check "... naming the container and its code ($out)" grep -q "wt-quits-1 exited with 3" <<<"$out"
compose down >/dev/null 2>&1

cat >"$P/compose.yaml" <<'EOF2'
services:
  never:
    image: busybox
    command: [sleep, "1000"]
    healthcheck:
      test: ["CMD", "test", "-f", "/never"]
      interval: 100ms
      retries: 1000
    stop_signal: SIGKILL
EOF2
out=$(compose up --wait-timeout 2 2>&1); rc=$?
check "up --wait-timeout 2 fails when a service is never healthy" test $rc = 1
check "... naming it and the time ($out)" grep -q "service never is not up after 2 s" <<<"$out"
out=$(compose up --wait-timeout 2x 2>&1); rc=$?
check "a --wait-timeout that is not whole seconds is refused (exit $rc)" test $rc = 125
check "... naming the option and the value ($out)" grep -q "wait-timeout takes whole seconds above 0 (e.g. 120), got '2x'" <<<"$out"
check "down after the failed wait" compose down
check "... no container is left" test -z "$(gb ps -a -q)"
check "... no network is left" test -z "$(ls "$ROOT/run/networks" 2>/dev/null)"
exit $FAILED
