#!/bin/bash
# A compose project's status files (x-glassbox: {status: PATH}): what a status page may
# see of the project, and nothing more. Busybox only, inside a network namespace this
# test makes.
#  1. up makes <state root>/status/PROJECT with one file per container, holding its state,
#     health, restarts, start time and networks, equal to what inspect reports; no
#     environment, no command line, no mounts (a secret from env_file is in no file).
#  2. the files follow the containers: a healthcheck turning healthy then unhealthy, a
#     restart policy's restarts, stop and start, rm.
#  3. the service that asks for them sees them read-only at PATH (EROFS), its own project
#     only, and no mount of glassbox's state root (no other container's config or env).
#  4. containers compose did not make write none; a relative PATH is an error with
#     file:line:column; down removes the directory.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_engine_test compose-status "$@"
FAILED=0

SECRET="pw-$$-$RANDOM-do-not-show"
P=$ROOT/proj
mkdir -p "$P/shared"
printf 'DB_PASSWORD=%s\n' "$SECRET" >"$P/.env"
cat >"$P/compose.yaml" <<'EOF2'
services:
  app:
    image: busybox
    command: [sleep, "1000"]
    env_file: .env
    volumes: [./shared:/shared]
    healthcheck:
      test: ["CMD", "test", "-f", "/shared/ok"]
      interval: 100ms
      timeout: 2s
      retries: 2
      start_period: 10m
    stop_signal: SIGKILL
  crash:
    image: busybox
    command: [sh, -c, "sleep 0.3; exit 3"]
    environment: {TOKEN: "${DB_PASSWORD}"}
    restart: on-failure:2
  dash:
    image: busybox
    command: [sleep, "1000"]
    x-glassbox:
      status: /status
    stop_signal: SIGKILL
EOF2
compose() { (cd "$P" && gb compose -p stat "$@"); }
S=$ROOT/run/status/stat
field() { jq -r "$2" "$S/stat-$1-1.json" 2>/dev/null; }
wait_for() { # wait_for WHAT CMD...: up to 20 s for CMD to succeed
	local what=$1; shift
	for _ in $(seq 200); do "$@" >/dev/null 2>&1 && break; sleep 0.1; done
	check "$what" "$@"
}
is() { [ "$(field "$1" "$2")" = "$3" ]; }

check "up -d" compose up -d
check "the project's status directory is made: $S" test -d "$S"
check "one file per container, nothing else" \
	test "$(cd "$S" && ls | tr '\n' ' ')" = "stat-app-1.json stat-crash-1.json stat-dash-1.json "
check "app's file has exactly the public members" \
	test "$(jq -c 'keys' "$S/stat-app-1.json")" = \
	'["container","exit_code","finished","health","networks","project","restarts","service","started","state","version"]'
check "app's file: project, service, container" \
	test "$(field app '[.project, .service, .container] | join(" ")')" = "stat app stat-app-1"
check "app's file: running, with the start time inspect reports" \
	test "$(field app '[.state, .started] | join(" ")')" = \
	"$(gb inspect --json stat-app-1 | jq -r '[.state.status, .state.started] | join(" ")')"
check "app's file: its networks" test "$(field app '.networks | join(" ")')" = stat_default
check "the secret from .env is in the containers' configs (inspect shows app's env)" \
	bash -c 'gb() { "$@"; }; "$0" --root "$1" inspect --json stat-app-1 | grep -q "$2"' \
	"$GLASSBOX" "$ROOT/run" "$SECRET"
check_not "... and in no status file" grep -rq "$SECRET" "$S"
check_not "... no command line, no mounts in them" grep -rqE 'sleep|/shared|"env"' "$S"

# 2: health, restarts, stop/start, rm
wait_for "app's health is starting while /shared/ok is missing" is app .health starting
touch "$P/shared/ok"
wait_for "... healthy once the probe passes, as inspect says" is app .health healthy
check "... inspect agrees" test "$(gb inspect --json stat-app-1 | jq -r .state.health.status)" = healthy
rm -f "$P/shared/ok"
wait_for "... unhealthy after two failed probes" is app .health unhealthy
# The monitor ends after the last life: before that, a restart's first saves still say
# "stopped" with the last exit, and the file says so too.
mon=$(gb inspect --json stat-crash-1 | jq -r .state.monitor)
wait_for "crash's monitor ends once on-failure:2 gave up" bash -c '! kill -0 "$0" 2>/dev/null' "$mon"
check "crash: on-failure:2 gave it 2 restarts, and it stopped with 3" \
	is crash '[.restarts, .state, .exit_code] | join(" ")' "2 stopped 3"
check "... inspect agrees on the restarts" \
	test "$(gb inspect --json stat-crash-1 | jq -r .state.restarts)" = 2
old=$(field app .started)
check "compose stop app" compose stop app
check "... its file says stopped, with a finish time" \
	bash -c '[ "$(jq -r .state "$0")" = stopped ] && [ "$(jq -r ".finished > 0" "$0")" = true ]' \
	"$S/stat-app-1.json"
sleep 0.1
check "compose start app" compose start app
check "... running again, with a new start time" \
	bash -c '[ "$(jq -r .state "$0")" = running ] && [ "$(jq -r ".started > $1" "$0")" = true ]' \
	"$S/stat-app-1.json" "$old"
gb rm -f stat-crash-1 >/dev/null
check_not "rm removes the container's file" test -e "$S/stat-crash-1.json"

# 3: what the dash service sees
in_dash() { gb exec stat-dash-1 sh -c "$1"; }
check "dash sees its project's files at /status" \
	test "$(in_dash 'ls /status' | tr '\n' ' ')" = "stat-app-1.json stat-dash-1.json "
check "... read-only: a write fails with EROFS" \
	bash -c 'out=$("$0" --root "$1" exec stat-dash-1 sh -c "touch /status/x 2>&1"); grep -q "Read-only file system" <<<"$out"' \
	"$GLASSBOX" "$ROOT/run"
check "... the mount is the project's status directory" \
	bash -c 'grep -qE "^[0-9]+ [0-9]+ [0-9:]+ [^ ]*/status/stat /status ro[, ]" <<<"$1"' _ \
	"$(in_dash 'cat /proc/self/mountinfo')"
# mountinfo's 4th field is the mounted path inside its filesystem: from the state root
# only the project's status directory, and dash's own /etc/hosts, hostname, resolv.conf.
DASH=$(gb inspect --json stat-dash-1 | jq -r .config.id)
check "... and from glassbox's state root nothing else: no containers/ dir, no other container" \
	test "$(in_dash 'cat /proc/self/mountinfo' | awk -v r="$ROOT/run/" 'index($4, r) == 1 { print $4 }' | sort | tr '\n' ' ')" = \
	"$ROOT/run/containers/$DASH/hostname $ROOT/run/containers/$DASH/hosts $ROOT/run/containers/$DASH/resolv.conf $ROOT/run/status/stat "
check_not "... the secret is nowhere under /status" in_dash "grep -rq '$SECRET' /status"
check "another project's container has its own directory, not shown to dash" \
	bash -c 'mkdir -p "$0/other" && printf "services:\n  o:\n    image: busybox\n    command: [sleep, \"1000\"]\n    stop_signal: SIGKILL\n" >"$0/other/compose.yaml" && cd "$0/other" && "$1" --root "$2" --data-root "$3" compose up -d' \
	"$ROOT" "$GLASSBOX" "$ROOT/run" "$ROOT/data"
check "... its file is in status/other" test -e "$ROOT/run/status/other/other-o-1.json"
check_not "... dash does not see it" bash -c 'grep -q other-o-1 <<<"$1"' _ "$(in_dash 'ls -R / 2>/dev/null | grep other-o')"

# 4: plain containers, a bad PATH, down
before=$(find "$ROOT/run/status" -type f | wc -l)
check "a plain glassbox run" gb run -d --name plain busybox sleep 1000
check "... writes no status file" test "$(find "$ROOT/run/status" -type f | wc -l)" = "$before"
gb rm -f plain >/dev/null
mkdir -p "$ROOT/bad"
printf 'services:\n  d:\n    image: busybox\n    x-glassbox:\n      status: status\n' >"$ROOT/bad/compose.yaml"
out=$(cd "$ROOT/bad" && gb compose config 2>&1)
check "a relative x-glassbox status PATH is an error naming file:line:column" \
	bash -c 'grep -q "compose.yaml:5:15: services.d.x-glassbox.status must be an absolute path" <<<"$1"' _ "$out"
check "compose config shows x-glassbox status" \
	bash -c 'cd "$0" && "$1" --root "$2" compose -p stat config | grep -A1 "x-glassbox:" | grep -q "status: .*/status"' \
	"$P" "$GLASSBOX" "$ROOT/run"
check "down" compose down
check_not "... removes the project's status directory" test -e "$S"
check "(the other project down)" bash -c 'cd "$0/other" && "$1" --root "$2" --data-root "$3" compose down' \
	"$ROOT" "$GLASSBOX" "$ROOT/run" "$ROOT/data"
check "... no container is left" test -z "$(gb ps -a -q)"
exit $FAILED
