#!/bin/bash
# A bridge network built with core/net/net.c (through tests/net/nettool) in a private network
# namespace: two containers on one bridge reach each other (ping, TCP), a container on an
# internal bridge is out of reach, a published port answers on loopback, a port in use is
# a clear error, and removing everything leaves no link, address or route.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_enter_private_netns "$@"
trap kill_containers EXIT

new_container A; new_container B; new_container C
sleep 0.2

check "bridge gbt-app with 10.213.1.1/24" "$NETTOOL" bridge gbt-app 10.213.1.1/24
check "bridge gbt-int, internal (no address)" "$NETTOOL" bridge gbt-int -
check "container A joins gbt-app as 10.213.1.2" "$NETTOOL" attach "$A" gbt-app gbva 10.213.1.2/24 10.213.1.1
check "container B joins gbt-app as 10.213.1.3" "$NETTOOL" attach "$B" gbt-app gbvb 10.213.1.3/24 10.213.1.1
check "container C joins gbt-int as 10.213.2.2" "$NETTOOL" attach "$C" gbt-int gbvc 10.213.2.2/24 -

# What the kernel reports, inside and on the host side.
view=$("$NETTOOL" show "$A")
check "A sees eth0 with 10.213.1.2/24" jq -e '.links[]|select(.name=="eth0")|.addrs==["10.213.1.2/24"] and .up' <<<"$view"
check "A sees lo up" jq -e '.links[]|select(.name=="lo")|.up' <<<"$view"
check "A's default route goes via 10.213.1.1 on eth0" jq -e '.routes[]|select(.dst=="default")|.gateway=="10.213.1.1" and .ifname=="eth0"' <<<"$view"
check "A sees only lo and eth0" jq -e '[.links[].name]==["lo","eth0"]' <<<"$view"
check "ip agrees: A's eth0 has 10.213.1.2" sh -c "nsenter --net=/proc/$A/ns/net ip -4 -o addr show eth0 | grep -q 10.213.1.2/24"
host=$("$NETTOOL" show)
check "host side: gbva is attached to bridge gbt-app" jq -e '.links[]|select(.name=="gbva")|.master=="gbt-app" and .kind=="veth"' <<<"$host"
check "host side: gbt-int has no address" jq -e '.links[]|select(.name=="gbt-int")|.addrs==[]' <<<"$host"

check "A pings B across the bridge" in_ns "$A" busybox ping -c1 -W2 10.213.1.3
serve "$B" 7000 pong-from-B
sleep 0.3
reply=$(in_ns "$A" busybox nc -w 2 10.213.1.3 7000 </dev/null 2>/dev/null)
check "A connects to B over TCP and reads its reply" test "$reply" = pong-from-B

unreachable "the host side cannot reach C on the internal network" - 10.213.2.2
unreachable "A cannot reach C on the other network" "$A" 10.213.2.2

# Published port: 127.0.0.1:18080 on the host side -> B:7000.
serve "$B" 7001 published-pong
"$NETTOOL" proxy 18080:7001 10.213.1.3 </dev/null >/dev/null 2>&1 &
PROXY=$!
SLEEPERS+=($PROXY)
sleep 0.3
reply=$(busybox nc -w 2 127.0.0.1 18080 </dev/null 2>/dev/null)
check "published 127.0.0.1:18080 answers with B's reply" test "$reply" = published-pong
reply=$(busybox nc -w 2 127.0.0.1 18080 </dev/null 2>/dev/null)
check "and again on a second connection" test "$reply" = published-pong
err=$("$NETTOOL" proxy 18080:7001 10.213.1.3 2>&1); rc=$?
check "publishing the same port again fails" test $rc -ne 0
check "... with an error that says the port is in use" grep -q "already in use" <<<"$err"
# The proxy can also connect from inside C's namespace, reaching the internal network.
serve "$C" 7000 internal-pong
"$NETTOOL" proxy 18081:7000 10.213.2.2 "$C" </dev/null >/dev/null 2>&1 &
SLEEPERS+=($!)
sleep 0.3
reply=$(busybox nc -w 2 127.0.0.1 18081 </dev/null 2>/dev/null)
check "a proxy that connects from C's namespace reaches C" test "$reply" = internal-pong
kill "$PROXY"; wait "$PROXY" 2>/dev/null
check_not "after the proxy stops, the port is closed" busybox nc -w 1 127.0.0.1 18080 </dev/null

check "delete gbva (both ends of the pair go)" "$NETTOOL" del gbva
check_not "A's eth0 went with it" in_ns "$A" ip link show eth0
for l in gbvb gbvc gbt-app gbt-int; do check "delete $l" "$NETTOOL" del "$l"; done
kill_containers
check "the test namespace has only lo, no address, no route" only_lo
exit $FAILED
