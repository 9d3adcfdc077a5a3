#!/bin/bash
# 50 veth pairs made, attached to a bridge, moved into a container's namespace and deleted
# again (tests/net/nettool stress), in a private network namespace: nothing may be left
# behind on either side.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_enter_private_netns "$@"
trap kill_containers EXIT

new_container A
sleep 0.2
check "bridge gbt-st" "$NETTOOL" bridge gbt-st 10.213.9.1/24
out=$("$NETTOOL" stress gbt-st 50 "$A" 2>&1)
check "50 veth pairs created and deleted without error" grep -qx "created 50 veth pairs" <<<"$out"
check "while they existed, the container's namespace held all 50 peers" grep -qx "peers inside: 50" <<<"$out"
left=$(ip -o link show | grep -c gbst || true)
check "no gbst link left on the host side ($left)" test "$left" = 0
left=$(in_ns "$A" ip -o link show | grep -c gbst || true)
check "no gbst link left in the container's namespace ($left)" test "$left" = 0
check "the bridge has no port left" test -z "$(ip -o link show master gbt-st)"
check "delete gbt-st" "$NETTOOL" del gbt-st
kill_containers
check "the test namespace has only lo, no address, no route" only_lo
exit $FAILED
