#!/bin/bash
# compose up starts services concurrently, as Docker does: every service whose depends_on
# are met starts at once, and a service_healthy dependent starts once its dependency's
# probe has passed, not before. Busybox only, inside a network namespace this test makes.
#  1. a's healthcheck passes only once b is up, and x waits for a to be healthy. The file
#     lists a, x, b: one start after the other (a, then x waiting for a, then b) could not
#     finish, since b would wait behind x. Concurrent: b starts with a, a turns healthy,
#     x starts. The containers' start times (state.started) show it.
#  2. h is healthy only when the test creates a file; y (service_healthy on h) is not
#     made while h is starting, and starts after the file exists; z (service_started on y)
#     still starts after y.
#  3. a dependency that turns unhealthy stops its dependent from being made, with an error
#     naming both, and up fails.
#  4. start_interval: probes every 100 ms in the start period, though interval is an hour:
#     its dependent starts at once, not an hour later.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_engine_test compose-parallel "$@"
FAILED=0

P=$ROOT/proj
mkdir -p "$P/shared"
cat >"$P/compose.yaml" <<'EOF2'
services:
  a:
    image: busybox
    command: [sleep, "1000"]
    volumes: [./shared:/shared]
    healthcheck:
      test: ["CMD", "test", "-f", "/shared/b-up"]
      interval: 100ms
      timeout: 2s
      retries: 100
    stop_signal: SIGKILL
  x:
    image: busybox
    command: [sleep, "1000"]
    depends_on: {a: {condition: service_healthy}}
    stop_signal: SIGKILL
  b:
    image: busybox
    command: sh -c 'touch /shared/b-up; exec sleep 1000'
    volumes: [./shared:/shared]
    stop_signal: SIGKILL
  h:
    image: busybox
    command: [sleep, "1000"]
    volumes: [./shared:/shared]
    healthcheck:
      test: ["CMD", "test", "-f", "/shared/go"]
      interval: 100ms
      timeout: 2s
      retries: 1000
    stop_signal: SIGKILL
  y:
    image: busybox
    command: [sleep, "1000"]
    depends_on: {h: {condition: service_healthy}}
    stop_signal: SIGKILL
  z:
    image: busybox
    command: [sleep, "1000"]
    depends_on: [y]
    stop_signal: SIGKILL
EOF2
compose() { (cd "$P" && gb compose -p par "$@"); }
started() { gb inspect --json "par-$1-1" 2>/dev/null | jq -r '.state.started'; }
before() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > 0 && b > 0 && a < b) }'; }

gb run --rm busybox true >/dev/null 2>&1 # the image imported once, before the clock matters
timeout 60 bash -c "cd '$P' && '$GLASSBOX' --root '$ROOT/run' --data-root '$ROOT/data' compose -p par up -d" \
	>"$ROOT/up.log" 2>&1 &
UP=$!
for _ in $(seq 300); do
	[ "$(gb inspect --json par-h-1 2>/dev/null | jq -r '.state.health.status')" = starting ] && break
	sleep 0.1
done
check "h runs and is starting (its file is not there yet)" \
	test "$(gb inspect --json par-h-1 2>/dev/null | jq -r '.state.status + " " + .state.health.status')" = "running starting"
for _ in $(seq 300); do [ "$(started x)" != "" ] && [ "$(started x)" != null ] && break; sleep 0.1; done
sleep 1 # h stays starting: y must not be made meanwhile
check_not "y is not made while h is starting" gb inspect par-y-1
T=$(date +%s.%N)
touch "$P/shared/go"
wait $UP
rc=$?
check "up -d returns 0 once every service has started (it did not hang)" test $rc = 0
[ $rc = 0 ] || sed 's/^/    /' "$ROOT/up.log"
for s in a x b h y z; do
	check "$s is running" test "$(gb inspect --json "par-$s-1" | jq -r .state.status)" = running
done
check "a is healthy" test "$(gb inspect --json par-a-1 | jq -r .state.health.status)" = healthy
check "b started before x: independent of x's wait, it started concurrently" \
	before "$(started b)" "$(started x)"
check "a started before x, and x after b made a healthy (service_healthy)" \
	before "$(started a)" "$(started x)"
check "y started after the test made h healthy, not before" before "$T" "$(started y)"
check "z started after y (depends_on order)" before "$(started y)" "$(started z)"

check "down removes the project" compose down
check "... no container is left" test -z "$(gb ps -a -q)"

# 3: an unhealthy dependency
cat >"$P/compose.yaml" <<'EOF2'
services:
  sick:
    image: busybox
    command: [sleep, "1000"]
    healthcheck: {test: ["CMD", "false"], interval: 100ms, retries: 2}
    stop_signal: SIGKILL
  after:
    image: busybox
    command: [sleep, "1000"]
    depends_on: {sick: {condition: service_healthy}}
    stop_signal: SIGKILL
EOF2
out=$(timeout 60 bash -c "cd '$P' && '$GLASSBOX' --root '$ROOT/run' --data-root '$ROOT/data' compose -p par up -d" 2>&1)
rc=$?
check "up fails when a service_healthy dependency turns unhealthy" test $rc = 1
check "... its error names the unhealthy container and the service that waited" \
	bash -c 'grep -q "service after" <<<"$1" && grep -q "par-sick-1 is unhealthy" <<<"$1"' _ "$out"
check_not "... the dependent was not made" gb inspect par-after-1
check "down cleans up after the failed up" compose down
check "... no container is left" test -z "$(gb ps -a -q)"

# 4: start_interval
cat >"$P/compose.yaml" <<'EOF2'
services:
  slow:
    image: busybox
    command: [sleep, "1000"]
    healthcheck: {test: ["CMD", "true"], interval: 1h, start_period: 1m, start_interval: 100ms}
    stop_signal: SIGKILL
  next:
    image: busybox
    command: [sleep, "1000"]
    depends_on: {slow: {condition: service_healthy}}
    stop_signal: SIGKILL
EOF2
check "up with a 1 h interval and a 100 ms start_interval returns (within 60 s)" \
	timeout 60 bash -c "cd '$P' && '$GLASSBOX' --root '$ROOT/run' --data-root '$ROOT/data' compose -p par up -d"
check "... slow is healthy (its first probes came at start_interval)" \
	test "$(gb inspect --json par-slow-1 | jq -r .state.health.status)" = healthy
check "... its config keeps start_interval 0.1 s and interval 3600 s" \
	test "$(gb inspect --json par-slow-1 | jq -c '[.config.healthcheck.start_interval, .config.healthcheck.interval]')" = "[0.1,3600]"
check "... next runs" test "$(gb inspect --json par-next-1 | jq -r .state.status)" = running
check "down" compose down
exit $FAILED
