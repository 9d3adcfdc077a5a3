#!/bin/bash
# Networks as the engine keeps them (state files, leases, /etc/hosts, core/net/net_attach.c),
# driven through tests/net/nettool in a private network namespace: containers on a shared
# network reach each other by name; other networks and internal ones are out of reach;
# overlapping subnets are refused; leaving and removing leaves no link, route or lease.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_enter_private_netns "$@"
ROOT=$(mktemp -d "${GB_TEST_ROOT:-/tmp}/gbnet-state.XXXXXX")
trap 'kill_containers; rm -rf "$ROOT"' EXIT

new_container WEB; new_container APP; new_container DB; new_container X
sleep 0.2

check "network front (subnet picked from the pool)" "$NETTOOL" net-create "$ROOT" front -
check "network back 10.213.20.0/24, internal" "$NETTOOL" net-create "$ROOT" back 10.213.20.0/24 internal
check "network other 10.213.30.0/24" "$NETTOOL" net-create "$ROOT" other 10.213.30.0/24
err=$("$NETTOOL" net-create "$ROOT" dup 10.213.20.128/25 2>&1)
check "an overlapping subnet is refused, naming the network it overlaps" grep -q "overlaps.*network back" <<<"$err"
check "... and leaves no state and no bridge behind" sh -c "! test -e $ROOT/networks/dup.json && ! ip link show gb-dup"
ip link add gbt-d0 type veth peer name gbt-d1 && ip addr add 10.213.40.1/24 dev gbt-d0
err=$("$NETTOOL" net-create "$ROOT" clash 10.213.40.0/24 2>&1)
check "a subnet the host already uses is refused, naming the address" grep -q "address 10.213.40.1/24 of gbt-d0" <<<"$err"
ip link del gbt-d0

ev=$("$NETTOOL" join "$ROOT" front "$WEB" a1aaaaaaaa01 web 0)
check "join emits net.veth with the bridge" jq -se 'map(select(.type=="net.veth"))[0].bridge=="gb-front"' <<<"$ev"
check "join emits net.addr for eth0" jq -se 'any(.[]; .type=="net.addr" and .ifname=="eth0")' <<<"$ev"
check "join emits net.route (default)" jq -se 'any(.[]; .type=="net.route" and .dst=="default")' <<<"$ev"
check "app joins front" "$NETTOOL" join "$ROOT" front "$APP" b2aaaaaaaa02 app 0
check "app also joins back (eth1)" "$NETTOOL" join "$ROOT" back "$APP" b2aaaaaaaa02 app 1
check "db joins back" "$NETTOOL" join "$ROOT" back "$DB" c3aaaaaaaa03 db 0
check "x joins other" "$NETTOOL" join "$ROOT" other "$X" d4aaaaaaaa04 x 0
check "front's state holds two leases" jq -e '.leases|length==2' "$ROOT/networks/front.json"
check "app has eth0 and eth1" sh -c "nsenter --net=/proc/$APP/ns/net ip -o link | grep -q ' eth1'"
check_not "db on an internal network has no default route" sh -c "nsenter --net=/proc/$DB/ns/net ip route | grep -q default"

id_of() { case $1 in web) echo a1aaaaaaaa01;; app) echo b2aaaaaaaa02;; db) echo c3aaaaaaaa03;; x) echo d4aaaaaaaa04;; esac; }
DBIP=$(jq -r '.leases[]|select(.name=="db").addr' "$ROOT/networks/back.json")
for c in web app db x; do "$NETTOOL" hosts "$ROOT" "$(id_of $c)" $c >"$ROOT/hosts.$c"; done
check "app's /etc/hosts names web and db" sh -c "grep -qP '\\tweb\\b' $ROOT/hosts.app && grep -qP '^$DBIP\\tdb\\b' $ROOT/hosts.app"
check_not "web's /etc/hosts does not name db (no shared network)" grep -qw db "$ROOT/hosts.web"
check_not "x's /etc/hosts names nobody else" grep -qwE 'web|app|db' "$ROOT/hosts.x"

# By name: a mount namespace of its own sees the generated file as /etc/hosts.
serve "$DB" 7000 db-pong
sleep 0.3
by_name() {  # by_name PID HOSTSFILE NAME
	nsenter --net=/proc/$1/ns/net unshare --mount sh -c \
		"mount --bind $2 /etc/hosts && busybox nc -w 2 $3 7000 </dev/null" 2>/dev/null
}
check "app reaches db by name over TCP" test "$(by_name "$APP" "$ROOT/hosts.app" db)" = db-pong
# "rc=1" proves nc ran and failed: nsenter or the mount failing must not pass.
out=$(nsenter --net=/proc/$WEB/ns/net unshare --mount sh -c \
	"mount --bind $ROOT/hosts.web /etc/hosts && { busybox nc -w 2 db 7000 </dev/null; echo rc=\$?; }" 2>/dev/null)
check "web cannot resolve db" test "$out" = rc=1
unreachable "x cannot reach db by address" "$X" "$DBIP"
unreachable "the host side cannot reach db on the internal network" - "$DBIP"
check "the host side reaches web on front" busybox ping -c1 -W2 "$(jq -r '.leases[0].addr' "$ROOT/networks/front.json")"

err=$("$NETTOOL" net-rm "$ROOT" back 2>&1)
check "removing a network in use is refused" grep -q "still has 2 container" <<<"$err"
"$NETTOOL" leave "$ROOT" front a1aaaaaaaa01 0 && "$NETTOOL" leave "$ROOT" front b2aaaaaaaa02 0 &&
"$NETTOOL" leave "$ROOT" back b2aaaaaaaa02 1 && "$NETTOOL" leave "$ROOT" back c3aaaaaaaa03 0 &&
"$NETTOOL" leave "$ROOT" other d4aaaaaaaa04 0
check "every container left its networks" test $? = 0
check "leases are freed" jq -se 'all(.[]; .leases==[])' "$ROOT"/networks/*.json
check_not "app's namespace has no eth0 left" in_ns "$APP" ip link show eth0
for n in front back other; do check "network rm $n" "$NETTOOL" net-rm "$ROOT" $n; done
check "no network state left" test -z "$(ls "$ROOT/networks")"
kill_containers
check "the test namespace has only lo, no address, no route" only_lo
exit $FAILED
