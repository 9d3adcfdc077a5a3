#!/bin/bash
# glassbox compose with a three-service busybox stack, inside a network namespace this test
# makes first: networks (one internal), a named volume filled from the image, a named volume
# bound to a host folder, depends_on order, a published port, variables from .env, names
# resolved on shared networks. Then `down -v` leaves no container, network, bridge, volume
# or mount, also after an `up` that failed half-way; a bad file fails with its line and
# column and makes nothing.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_engine_test compose "$@"
assert() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi; }

P=$ROOT/proj
mkdir -p "$P/data"
cat >"$P/.env" <<'EOF'
# the test's variables
GREETING=hello-from-dotenv
WEB_PORT=18085
EOF
cat >"$P/docker-compose.yml" <<'EOF'
version: "3.8"
services:
  db:
    image: busybox
    command: sh -c 'echo "$$GREETING" > /data/greet; exec nc -ll -p 3306 -e echo db-reply'
    environment:
      GREETING: ${GREETING}
    volumes:
      - dbdata:/data
      - etc:/etc
    networks: [back]
    stop_grace_period: 1s
  app:
    image: busybox
    depends_on: [db]
    command: ["nc", "-ll", "-p", "9000", "-e", "nc", "-w", "2", "db", "3306"]
    networks: [back, front]
    stop_grace_period: 1s
  web:
    image: busybox
    depends_on:
      app: {condition: service_started}
      ready: {condition: service_healthy}
    command: ["nc", "-ll", "-p", "8080", "-e", "nc", "-w", "2", "app", "9000"]
    ports:
      - ${WEB_PORT:-18080}:8080
    networks: [front]
    stop_grace_period: 1s
  ready:
    image: busybox
    command: sh -c 'sleep 0.5; touch /tmp/ready; exec nc -ll -p 1 -e true'
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 200ms
      timeout: 2s
    stop_grace_period: 1s
  built:
    build: ./built
    networks: [back]
    stop_grace_period: 1s
  flaky:
    image: busybox
    command: sh -c 'echo try; exit 1'
    restart: on-failure:2
    network_mode_is_unknown: here
volumes:
  etc:
  dbdata:
    driver: local
    driver_opts: {type: none, o: bind, device: ./data}
networks:
  front:
  back:
    internal: true
EOF
compose() { (cd "$P" && gb compose "$@"); }
mkdir -p "$P/built"
# A RUN that leaves a daemon holding its stdout ends when its shell does: PID 1 of the RUN
# container exits, and the kernel kills the rest of its PID namespace.
printf 'FROM busybox\nRUN (sleep 300 &) ; echo built-by-compose > /built\nCMD ["nc", "-ll", "-p", "7", "-e", "cat", "/built"]\n' >"$P/built/Dockerfile"

check "compose build ends though a RUN left a daemon on its stdout" timeout 60 sh -c "cd '$P' && '$GLASSBOX' --root '$ROOT/run' --data-root '$ROOT/data' compose build | cat"
check "... and tagged the image PROJECT-SERVICE" sh -c "'$GLASSBOX' --root '$ROOT/run' --data-root '$ROOT/data' images | grep -q '^proj-built '"
out=$(compose config 2>&1)
check "config resolves the file (variables from .env)" grep -q '"18085:8080"' <<<"$out"

out=$(compose up -d 2>&1); rc=$?
check "up -d brings the stack up" test $rc = 0
pid() { gb inspect --json "$1" | jq -r '.state.pid'; }
for s in db app web; do
	p=$(pid "proj-$s-1")
	check "$s runs: its PID 1 is nc in /proc" grep -q '^nc\|busybox' "/proc/$p/comm"
done
sdb=$(gb inspect --json proj-db-1 | jq -r '.state.started')
sapp=$(gb inspect --json proj-app-1 | jq -r '.state.started')
sweb=$(gb inspect --json proj-web-1 | jq -r '.state.started')
check "depends_on order: db started before app, app before web" \
	awk -v a="$sdb" -v b="$sapp" -v c="$sweb" 'BEGIN { exit !(a < b && b < c) }'
sready=$(gb inspect --json proj-ready-1 | jq -r '.state.started')
check "service_healthy: web started at least 0.5 s after ready (its healthcheck passed)" \
	awk -v a="$sready" -v c="$sweb" 'BEGIN { exit !(c - a >= 0.5) }'
check "compose ps shows ready as healthy" bash -c 'grep -q "proj-ready-1.*running (healthy)" <<<"$1"' _ "$(compose ps)"
check "networks proj_front and proj_back have bridges" sh -c 'ip -o link show gb-proj_front && ip -o link show gb-proj_back'
sleep 0.3
assert "web -> app -> db through the published port, by service names" db-reply \
	"$(busybox nc -w 3 127.0.0.1 18085 </dev/null)"
assert "the bound volume's host folder got db's file, with the .env value" hello-from-dotenv \
	"$(cat "$P/data/greet" 2>/dev/null)"
check "the empty named volume etc was filled from the image's /etc" test -s "$ROOT/data/volumes/proj_etc/_data/passwd"
DBIP=$(gb inspect --json proj-db-1 | jq -r '.state.networks[0].addr' | cut -d/ -f1)
check_not "db on the internal network is unreachable from the host side" \
	sh -c "busybox nc -w 1 $DBIP 3306 </dev/null | grep -q db-reply"
check_not "web (front only) cannot resolve db (back only)" \
	sh -c "gb() { \"$GLASSBOX\" --root $ROOT/run --data-root $ROOT/data \"\$@\"; }; gb exec proj-web-1 nc -w 1 db 3306 </dev/null | grep -q db-reply"
out=$(compose ps)
check "compose ps lists the five services running" test "$(grep -c running <<<"$out")" = 5
assert "the built service serves what its RUN wrote" built-by-compose \
	"$(gb exec proj-app-1 nc -w 2 built 7 </dev/null 2>&1)"
sleep 1.2  # flaky: 0.1 s, then 0.2 s of back-off between its runs
assert "restart: on-failure:2 ran flaky three times (two restarts by its monitor)" 3 \
	"$(compose logs flaky | grep -c 'flaky *| try')"
assert "... and then left it exited with status 1" stopped "$(gb inspect --json proj-flaky-1 | jq -r .state.status)"
assert "... and its state counts the two restarts (as Docker's RestartCount)" 2 "$(gb inspect --json proj-flaky-1 | jq -r .state.restarts)"
check "an unknown key is a warning with file and line" \
	bash -c 'grep -q "docker-compose.yml:[0-9]*: unknown key .services.flaky.network_mode_is_unknown." <<<"$1"' _ "$(compose config 2>&1 >/dev/null)"
assert "compose exec runs in the service's container" hello-from-dotenv "$(compose exec db cat /data/greet 2>/dev/null || true)"

nothing_left() {
	[ -z "$(gb ps -a -q)" ] || { echo "containers left"; return 1; }
	! ip -o link show | grep -q 'gb-proj\|veth' || { echo "links left"; return 1; }
	[ -z "$(ls "$ROOT/run/networks" 2>/dev/null)" ] || { echo "networks left"; return 1; }
	! grep -q "$ROOT" /proc/self/mountinfo || { echo "mounts left"; return 1; }
	# the healthcheck is the monitor's: no checker process outlives the container
	! pgrep -f -- "--root $ROOT/run" >/dev/null || { echo "processes left"; return 1; }
}
out=$(compose down -v --rmi all 2>&1)
check "down -v stops in reverse order: web before app before db" \
	awk '/proj-web-1  Stopped/{w=NR} /proj-app-1  Stopped/{a=NR} /proj-db-1  Stopped/{d=NR} END { exit !(w && w < a && a < d) }' <<<"$out"
check "down -v leaves no container, link, network or mount" nothing_left
check "down -v removed the volumes" test -z "$(ls "$ROOT/data/volumes" 2>/dev/null)"
check "--rmi all removed the built image" sh -c "! '$GLASSBOX' --root '$ROOT/run' --data-root '$ROOT/data' images | grep -q '^proj-built '"
check "... but the bound folder's files stay (docker's local driver keeps them too)" test -s "$P/data/greet"

# An image that cannot be had: app's does not exist. As docker compose does, up pulls what
# is missing before it starts anything: nothing runs, and it says so.
sed -i 's/^    image: busybox$/    image: busybox/; /^  app:/,/^  web:/ s/image: busybox/image: no-such-image/' "$P/docker-compose.yml"
out=$(compose up -d 2>&1)
rc=$?
check "up with a missing image fails" test "$rc" != 0
check "... naming the service and the image" bash -c 'grep -q "service app" <<<"$1" && grep -q "no-such-image" <<<"$1"' _ "$out"
check "... before any service started (the pull comes first)" test -z "$(gb ps -a -q)"
check "... saying that nothing was started or made" grep -q "nothing was started or made" <<<"$out"
check "down after the failed up" compose down -v
check "... leaves nothing" nothing_left
# A failure half-way: app's command does not exist; db is up, web never started.
sed -i 's/image: no-such-image/image: busybox/; s/command: \["nc", "-ll", "-p", "9000"/command: ["no-such-command", "-p", "9000"/' "$P/docker-compose.yml"
out=$(compose up -d 2>&1)
rc=$?
check "up with a command that is not there fails" test "$rc" != 0
check "... naming the service" grep -q "service app" <<<"$out"
check "... with db still running, as docker compose leaves it" test "$(gb inspect --json proj-db-1 | jq -r .state.status)" = running
check "... and saying so" grep -q "what started is still running" <<<"$out"
check "down after the failed up" compose down -v
check "... leaves nothing" nothing_left

printf 'services:\n  a:\n    image: busybox\n    ports: 8080:80\n' >"$P/docker-compose.yml"
out=$(compose up -d 2>&1)
check "a wrong type fails with file, line and column" grep -q "docker-compose.yml:4:12: services.a.ports must be a list" <<<"$out"
check "... and makes nothing" sh -c '[ -z "$(ls "$1/run/networks" 2>/dev/null)" ]' _ "$ROOT"
rm "$P/docker-compose.yml"
out=$(compose ps 2>&1)
check "no file: an error saying which names were looked for" grep -q "no compose.yaml" <<<"$out"
exit $FAILED
