#!/bin/bash
# 50 containers on one network through `glassbox run -d`, then removed: 50 distinct
# addresses, 50 veths on the bridge, every /etc/hosts naming all 50; afterwards no link,
# address, route, lease or state left. Inside a network namespace of its own.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_engine_test stress "$@"
N=50

check "network many 10.213.80.0/24" gb network create --subnet 10.213.80.0/24 many
start=$(date +%s%N)
for i in $(seq $N); do gb run -d -q --name "n$i" --network many busybox sleep 300 || bad "run c$i"; done
echo "# $N containers started in $((($(date +%s%N) - start) / 1000000)) ms"
check "$N leases, all different" test "$(jq '[.leases[].addr]|unique|length' "$ROOT/run/networks/many.json")" = $N
check "$N veths on the bridge" test "$(ip -o link show master gb-many | wc -l)" = $N
check "the first container's /etc/hosts names the last one" sh -c "\"$GLASSBOX\" --root $ROOT/run --data-root $ROOT/data exec n1 grep -qw n$N /etc/hosts"
check "n$N reaches n1 by name (ping)" "$GLASSBOX" --root "$ROOT/run" --data-root "$ROOT/data" exec n$N ping -c1 -W2 n1
start=$(date +%s%N)
gb rm -f $(gb ps -a -q) >/dev/null
echo "# $N containers removed in $((($(date +%s%N) - start) / 1000000)) ms"
check "no lease left" test "$(jq '.leases|length' "$ROOT/run/networks/many.json")" = 0
check "no veth left" test "$(ip -o link | grep -c gbv)" = 0
check "network rm many" gb network rm many
check "no state left (the lock file .lock stays)" test -z "$(ls "$ROOT/run/networks")$(ls "$ROOT/run/containers")"
check "the test namespace has only lo, no address, no route" only_lo
exit $FAILED
