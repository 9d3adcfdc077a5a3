#!/bin/bash
# An Inception project as students write it for docker compose (mandatory + bonus, with the
# usual quirks: version '3.8', env_file: .env, restart: always|unless-stopped, build
# strings, `- 21:21`, an FTP port range, driver_opts binding /home/${USER}/data/...,
# secrets): `glassbox compose config` resolves it unchanged, without an error, and what it
# prints reads back the same. Then, inside a network namespace this test makes (no route
# out: no registry is reachable), busybox only:
#  1. a variable set nowhere (USER) is a warning naming it and its line;
#  2. a secret in the long syntax is mounted read-only at its target (the short one at
#     /run/secrets/NAME), as the container's mountinfo shows;
#  3. ENTRYPOINT and CMD as Docker combines them: an ENTRYPOINT drops the base's CMD, an
#     entrypoint: (or --entrypoint) the image's CMD;
#  4. an image that cannot be had (alpine:*; the test runs in a network namespace of its
#     own): `compose build` (whose FROM pulls) and `compose up` fail naming the image and
#     why (not stored; the pull's error: `glassbox pull`), and the pull
#     says why it cannot (no registry reachable); nothing is left behind.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_engine_test compose-wild "$@"
FAILED=0

# ---------------------------------------------------------------- the project from the wild
P=$ROOT/inception
R=$P/srcs/requirements
mkdir -p "$P/secrets" "$R"/{nginx,wordpress,mariadb}/{conf,tools} \
	"$R"/bonus/{redis,ftp,adminer,website}
for d in nginx wordpress mariadb bonus/redis bonus/ftp bonus/adminer bonus/website; do
	printf 'FROM debian:bullseye\nCMD ["true"]\n' >"$R/$d/Dockerfile"
done
echo 'db-secret' >"$P/secrets/db_password.txt"
echo 'wp-secret' >"$P/secrets/credentials.txt"
cat >"$P/srcs/.env" <<'EOF'
# General
DOMAIN_NAME=student.42.fr

# MYSQL SETUP
MYSQL_ROOT_PASSWORD=r00t_p4ss
MYSQL_DATABASE=wordpress
MYSQL_USER="wpuser"
MYSQL_PASSWORD='wp$pass'
FTP_USER=ftpuser
EOF
cat >"$P/srcs/docker-compose.yml" <<'EOF'
version: '3.8'

services:
  mariadb:
    container_name: mariadb
    image: mariadb
    build:
      context: ./requirements/mariadb
      dockerfile: Dockerfile
      args:
        - MYSQL_DATABASE=${MYSQL_DATABASE}
    env_file: .env
    volumes:
      - mariadb:/var/lib/mysql
    networks:
      - inception
    expose:
      - "3306"
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "mysqladmin", "ping", "-u", "root", "-p${MYSQL_ROOT_PASSWORD}"]
      interval: 10s
      timeout: 5s
      retries: 5
    secrets:
      - db_password

  wordpress:
    container_name: wordpress
    image: wordpress
    build: ./requirements/wordpress
    env_file:
      - .env
    environment:
      - WP_URL=https://${DOMAIN_NAME}
      - REDIS_HOST=redis
    depends_on:
      mariadb:
        condition: service_healthy
    volumes:
      - wordpress:/var/www/html
    networks:
      - inception
    restart: always
    secrets:
      - source: credentials
        target: wp_credentials

  nginx:
    container_name: nginx
    image: nginx
    build: requirements/nginx/.
    ports:
      - "443:443"
    depends_on:
      - wordpress
    volumes:
      - wordpress:/var/www/html:ro
    networks:
      - inception
    env_file: .env
    restart: always

  redis:
    container_name: redis
    build: ./requirements/bonus/redis
    image: redis
    networks: [inception]
    restart: always
    depends_on: [wordpress]

  ftp:
    container_name: ftp
    build: ./requirements/bonus/ftp
    image: ftp
    ports:
      - 21:21
      - "21100-21102:21100-21102"
    env_file: .env
    volumes:
      - wordpress:/home/${FTP_USER}/ftp
    networks:
      - inception
    restart: on-failure:5

  adminer:
    container_name: adminer
    build: ./requirements/bonus/adminer
    image: adminer
    ports:
      - "127.0.0.1:8080:8080"
    networks:
      - inception
    depends_on:
      - mariadb
    restart: always

  website:
    container_name: website
    build: ./requirements/bonus/website
    image: website
    ports:
      - "8081:80"
    networks:
      - inception
    restart: always
    init: true
    stop_grace_period: 1m30s
    tty: true

volumes:
  mariadb:
    driver: local
    name: mariadb
    driver_opts:
      type: none
      o: bind
      device: /home/${USER}/data/mariadb
  wordpress:
    driver: local
    name: wordpress
    driver_opts:
      type: 'none'
      o: 'bind'
      device: '/home/${USER}/data/wordpress'

networks:
  inception:
    driver: bridge
    name: inception

secrets:
  db_password:
    file: ../secrets/db_password.txt
  credentials:
    file: ../secrets/credentials.txt
EOF
cfg() { (cd "$P" && gb compose -f srcs/docker-compose.yml "$@"); }
out=$(USER=student cfg config 2>"$ROOT/err"); rc=$?
check "compose config of the unchanged project exits 0" test $rc = 0
check "... with nothing on stderr (no error, no warning)" test ! -s "$ROOT/err"
check "... the bind-backed volume's device resolved from USER" \
	grep -q 'device: "/home/student/data/wordpress"' <<<"$out"
check "... '- 21:21' is the port pair, the range one entry a port" \
	bash -c 'grep -q "\"21:21\"" <<<"$1" && grep -q "\"21102:21102\"" <<<"$1"' _ "$out"
check "... the .env's single-quoted \$ kept literal (written \$\$)" grep -q '"MYSQL_PASSWORD=wp\$\$pass"' <<<"$out"
check "... the FTP volume path from .env" grep -q 'target: "/home/ftpuser/ftp"' <<<"$out"
check "... depends_on's condition kept" grep -q 'condition: service_healthy' <<<"$out"
mkdir -p "$ROOT/again"
printf '%s\n' "$out" >"$ROOT/again/compose.yaml"
again=$(cd "$ROOT/again" && gb compose config 2>&1)
check "the resolved file reads back the same" test "$again" = "$out"
warn=$(cd "$P" && env -u USER "$GLASSBOX" --root "$ROOT/run" compose -f srcs/docker-compose.yml config 2>&1 >/dev/null)
check "USER set nowhere: a warning naming it and its line" \
	grep -q 'docker-compose.yml:[0-9]*: variable USER is not set' <<<"$warn"

# ---------------------------------------------------------------- secrets at their targets
S=$ROOT/sec
mkdir -p "$S"
echo "s3cr3t-$$" >"$S/pw.txt"
cat >"$S/compose.yaml" <<'EOF'
services:
  app:
    image: busybox
    command: [sleep, "1000"]
    stop_signal: SIGKILL
    secrets:
      - pw
      - source: pw
        target: db_password
      - {source: pw, target: /etc/app/pw}
secrets:
  pw: {file: ./pw.txt}
EOF
sc() { (cd "$S" && gb compose -p sec "$@"); }
check "up -d of a service with three secrets" sc up -d
pid=$(gb inspect --json sec-app-1 | jq -r .state.pid)
for t in /run/secrets/pw /run/secrets/db_password /etc/app/pw; do
	check "the secret is read at $t" test "$(gb exec sec-app-1 cat "$t")" = "s3cr3t-$$"
	check "... a read-only mount there (mountinfo)" \
		awk -v t="$t" '$5 == t && $6 ~ /(^|,)ro(,|$)/ {f=1} END {exit !f}' "/proc/$pid/mountinfo"
done
check "down" sc down
check "... no container is left" test -z "$(gb ps -a -q)"

# ---------------------------------------------------------------- ENTRYPOINT and CMD as Docker
E=$ROOT/ep
mkdir -p "$E/only" "$E/both"
printf 'FROM busybox\nENTRYPOINT ["echo", "ep"]\n' >"$E/only/Dockerfile"
printf 'FROM busybox\nCMD ["cmd"]\nENTRYPOINT ["echo", "ep"]\n' >"$E/both/Dockerfile"
cat >"$E/compose.yaml" <<'EOF'
services:
  only: {build: ./only}
  both: {build: ./both}
  over: {image: busybox, entrypoint: [echo, over]}
  overcmd: {image: busybox, entrypoint: echo over, command: [given]}
EOF
ec() { (cd "$E" && gb compose -p ep "$@"); }
check "compose build of two images with an ENTRYPOINT" ec build
assert() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi; }
assert "FROM busybox + ENTRYPOINT: the base's CMD (sh) is dropped" "ep" "$(gb run --rm ep-only)"
assert "a CMD of the same stage before ENTRYPOINT is kept" "ep cmd" "$(gb run --rm ep-both)"
assert "run --entrypoint drops the image's CMD" "" "$(gb run --rm --entrypoint echo busybox)"
assert "... and a command beside it is its arguments" "hi" "$(gb run --rm --entrypoint echo busybox hi)"
check "compose up of services with entrypoint:" ec up -d
for s in only both over overcmd; do
	for _ in $(seq 100); do
		[ "$(gb inspect --json "ep-$s-1" | jq -r .state.status)" = stopped ] && break
		sleep 0.1
	done
done
logs=$(ec logs 2>&1)
assert "entrypoint: without command: drops the image's CMD" "over" "$(sed -n 's/^over *| //p' <<<"$logs")"
assert "entrypoint: with command: runs both" "over given" "$(sed -n 's/^overcmd *| //p' <<<"$logs")"
assert "the built images run as Docker's would" "ep|ep cmd" \
	"$(sed -n 's/^only *| //p' <<<"$logs")|$(sed -n 's/^both *| //p' <<<"$logs")"
check "down --rmi all" ec down --rmi all
check "... no container is left" test -z "$(gb ps -a -q)"

# ---------------------------------------------------------------- an image that cannot be had
A=$ROOT/alp
mkdir -p "$A/b"
printf 'FROM alpine:3.19\nCMD ["true"]\n' >"$A/b/Dockerfile"
printf 'services:\n  b:\n    build: ./b\n' >"$A/compose.yaml"
out=$(cd "$A" && gb compose -p alp build 2>&1); rc=$?
check "compose build FROM alpine:3.19 with no registry reachable fails" test $rc != 0
check "... naming the image and why (not here, and the pull failed: the registry's error)" \
	grep -q 'FROM alpine:3.19: not stored here.*the pull failed: https://registry-1.docker.io' <<<"$out"
check "... and what fetches it" grep -qF '`glassbox pull alpine:3.19`' <<<"$out"
printf 'services:\n  a:\n    image: alpine:3.19\n    command: [sleep, "1000"]\n' >"$A/compose.yaml"
out=$(cd "$A" && gb compose -p alp up -d 2>&1); rc=$?
check "compose up of image: alpine:3.19 fails" test $rc != 0
check "... naming the service, the image and why (its pull, before anything starts, failed)" \
	bash -c 'grep -q "service a" <<<"$1" && grep -q "Unable to find image .alpine:3.19. locally" <<<"$1" &&
	         grep -qiE "resolve|connect|reach" <<<"$1" && grep -q "nothing was started or made" <<<"$1"' _ "$out"
out=$(gb pull alpine:3.19 2>&1); rc=$?
check "glassbox pull alpine:3.19 with no registry reachable fails" test $rc != 0
check "... saying why (the registry cannot be reached)" \
	grep -qiE "resolve|connect|unreachable|reachable" <<<"$out"
check "down after the failed up" bash -c "cd '$A' && '$GLASSBOX' --root '$ROOT/run' --data-root '$ROOT/data' compose -p alp down"
check "... no container is left" test -z "$(gb ps -a -q)"
check "... no network" test -z "$(ls "$ROOT/run/networks" 2>/dev/null)"
check "... no image of the project" sh -c "! '$GLASSBOX' --root '$ROOT/run' --data-root '$ROOT/data' images | grep -q '^alp'"
exit $FAILED
