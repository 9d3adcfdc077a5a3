#!/bin/bash
# `glassbox network create|ls|inspect|rm|prune`, run inside a private network namespace
# (the bridges live and die there), with a private state root.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_engine_test cli "$@"

check "network create web --subnet 10.213.50.0/24" gb network create --subnet 10.213.50.0/24 web
check "network create db --internal (subnet from the pool)" gb network create --internal db
check "the kernel has bridge gb-web with 10.213.50.1/24" sh -c "ip -4 -o addr show gb-web | grep -q 10.213.50.1/24"
check "the internal bridge gb-db has no address" sh -c "ip link show gb-db >/dev/null && [ -z \"\$(ip -4 -o addr show gb-db)\" ]"
out=$(gb network ls)
check "ls lists web with its subnet" grep -q '^web .*10.213.50.0/24' <<<"$out"
check "ls lists db as internal" grep -q '^db .*yes' <<<"$out"
check "inspect shows the bridge as the kernel reports it" sh -c "gb() { \"$GLASSBOX\" --root $ROOT/run --data-root $ROOT/data \"\$@\"; }; gb network inspect web | jq -e '.bridge_observed.exists and .bridge_observed.up and .bridge_observed.addrs==[\"10.213.50.1/24\"]'"
err=$(gb network create --subnet 10.213.50.128/25 web2 2>&1); rc=$?
check "an overlapping subnet is refused" test $rc -ne 0
check "... naming the network it overlaps" grep -q 'overlaps.*network web' <<<"$err"
check_not "... and no bridge is left for it" ip link show gb-web2
err=$(gb network create --subnet 10.213.50.0/24 web 2>&1)
check "a second network with the same name is refused" grep -q "already exists" <<<"$err"
err=$(gb network create --subnet 10.213.51.7/24 x 2>&1)
check "a subnet with host bits names the fix" grep -q "did you mean 10.213.51.0/24" <<<"$err"
err=$(gb network create host 2>&1)
check "'host' is refused as a network name" grep -q "network mode" <<<"$err"
check "network rm web" gb network rm web
check_not "its bridge is gone" ip link show gb-web
check "network prune removes the unused db" gb network prune
check "ls is empty" test "$(gb network ls | wc -l)" = 1
check "no state file left" test -z "$(ls "$ROOT/run/networks")"
check "the test namespace has only lo, no address, no route" only_lo
exit $FAILED
