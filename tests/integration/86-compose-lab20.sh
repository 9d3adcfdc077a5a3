#!/bin/bash
# Lab 20, the whole Inception stack: built from the Debian mirror (minutes: opt-in with
# GB_SLOW_TESTS=1), then brought up inside a network namespace this test makes, checked
# with `glassbox lab check 20`, taken down and up again (the data stays), and removed with
# `make fclean` (nothing stays). The build's RUN steps use the host's network, as docker
# build does: apt needs the mirror.
set -u
cd "$(dirname "$0")/../.." || exit 1
if [ "${GB_SLOW_TESTS:-}" != 1 ]; then
	echo "SKIP: builds a Debian base and eight images from the mirror (minutes): set GB_SLOW_TESTS=1" >&2
	exit 77
fi
if [ -z "${GB_NET_PRIVATE:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root" >&2; exit 77; }
	for t in openssl curl mmdebstrap unshare; do
		command -v $t >/dev/null || { echo "SKIP: $t missing" >&2; exit 77; }
	done
	GLASSBOX=${GLASSBOX:-$PWD/${BUILD:-build}/bin/glassbox}
	ROOT=$(mktemp -d "${GB_TEST_ROOT:-/var/tmp}/gblab20.XXXXXX")
	export GLASSBOX ROOT
	LAB=$ROOT/lab
	cp -r labs/20-inception-stack "$LAB"
	cp "$LAB/srcs/.env.example" "$LAB/srcs/.env"
	# 18444: 18443 is the control's stand-in's (check.c), which runs beside the stack
	sed -i 's/^HTTPS_PORT=.*/HTTPS_PORT=18444/' "$LAB/srcs/.env"
	printf '#!/bin/sh\nexec %s --root %s/run --data-root %s/data "$@"\n' "$GLASSBOX" "$ROOT" "$ROOT" >"$ROOT/gb"
	chmod +x "$ROOT/gb"
	t0=$(date +%s)
	if ! (cd "$LAB" && DATA_DIR=$ROOT/stack "$ROOT/gb" compose -f srcs/docker-compose.yml -p inception build) \
		>"$ROOT/build.log" 2>&1; then
		echo "FAIL - the stack's images did not build; last lines:"; tail -20 "$ROOT/build.log"
		rm -rf "$ROOT"
		exit 1
	fi
	echo "ok   - the base and the eight images built in $(($(date +%s) - t0)) s"
	GB_NET_PRIVATE=1 unshare --net -- "$0" "$@"
	rc=$?
	"$ROOT/gb" rmi -f mariadb wordpress nginx redis ftp adminer static dashboard >/dev/null 2>&1
	rm -rf "$ROOT"
	exit $rc
fi

ip link set lo up
FAILED=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; FAILED=1; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }
gb() { "$ROOT/gb" "$@"; }
# NAME: a project other than the Makefile's own "inception", which the check must find.
mk() { make -C "$ROOT/lab" GLASSBOX="$ROOT/gb" DATA_DIR="$ROOT/stack" NAME=lab-twenty "$@"; }

t0=$(date +%s.%N)
check "make brings the stack up" mk
echo "     (up took $(echo "$(date +%s.%N) - $t0" | bc) s)"
# No wait here: make's compose up --wait returns once WordPress has installed itself.
out=$(gb lab check 20 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "glassbox lab check 20 passes" test $rc = 0
check "its control fails" sh -c "! '$ROOT/gb' lab check 20 --control"
check "the dashboard sees its project's status files, named lab-twenty" \
	test "$(gb exec dashboard cat /glassbox/status/nginx.json | jq -r .project)" = lab-twenty
pw=$(sed -n 's/^MYSQL_PASSWORD=//p' "$ROOT/lab/srcs/.env")
check "... and MYSQL_PASSWORD from .env in none of its files" \
	sh -c "! '$ROOT/gb' exec dashboard grep -rqsF -e '$pw' /glassbox /srv /etc /tmp /var /root"
# A post written with WordPress's own functions, then counted again after down and up.
php_wp() { gb exec wordpress php -r "\$_SERVER['HTTP_HOST'] = 'localhost'; require '/var/www/html/wp-load.php'; $1"; }
check "a post is written" php_wp "exit(wp_insert_post(['post_title' => 'glassbox-survives', 'post_status' => 'publish']) > 0 ? 0 : 1);"
check "make down && make" sh -c "make -C '$ROOT/lab' GLASSBOX='$ROOT/gb' DATA_DIR='$ROOT/stack' NAME=lab-twenty down && make -C '$ROOT/lab' GLASSBOX='$ROOT/gb' DATA_DIR='$ROOT/stack' NAME=lab-twenty"
check "... and the site answers the moment make returns (up --wait)" \
	curl -skf --resolve localhost:18444:127.0.0.1 https://localhost:18444/
check "... the post is still there (the data lived in the bound volumes)" \
	bash -c "[ \"\$1\" = 1 ]" _ "$(php_wp "echo count(get_posts(['s' => 'glassbox-survives']));" 2>/dev/null)"
# Each service stops within its grace period on its stop signal: no SIGKILL (exit 137).
# The cgroups of the running stack are noted first: none may be left after fclean.
cgs=$(for id in $(gb ps -q); do cut -d: -f3 "/proc/$(gb inspect --json "$id" | jq -r .state.pid)/cgroup"; done | sort -u | grep -v '^/$')
out=$(cd "$ROOT/lab" && DATA_DIR=$ROOT/stack "$ROOT/gb" compose -f srcs/docker-compose.yml -p lab-twenty stop 2>&1)
echo "$out" | sed 's/^/    /'
for id in $(gb ps -aq); do
	st=$(gb inspect --json "$id")
	check "$(jq -r .name <<<"$st") stopped without SIGKILL (exit $(jq -r .state.exit_code <<<"$st"), signal $(jq -r .state.exit_signal <<<"$st"))" \
		sh -c "[ '$(jq -r .state.exit_signal <<<"$st")' != 9 ] && [ '$(jq -r .state.exit_code <<<"$st")' != 137 ]"
done
check "make fclean" mk fclean
check "... leaves no container" test -z "$(gb ps -a -q)"
check "... no network" test -z "$(ls "$ROOT/run/networks" 2>/dev/null)"
check "... no volume" test -z "$(ls "$ROOT/data/volumes" 2>/dev/null)"
check "... no image of the project" sh -c "! '$ROOT/gb' images | grep -qE '^(nginx|wordpress|mariadb|redis|ftp|adminer|static|dashboard) '"
check "... no cgroup of its containers" sh -c 'for cg in $1; do for r in /sys/fs/cgroup /sys/fs/cgroup/*; do [ ! -d "$r$cg" ] || exit 1; done; done' _ "$cgs"
check "... no link but lo in the test's network namespace" test "$(ip -o link | grep -vc ': lo:')" = 0
check "... no status directory" test -z "$(ls "$ROOT/run/status" 2>/dev/null)"
check "... no mount" sh -c "! grep -q '$ROOT' /proc/self/mountinfo"
check "... no data folder" test ! -e "$ROOT/stack/wordpress"
exit $FAILED
