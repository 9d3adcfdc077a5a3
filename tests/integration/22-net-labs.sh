#!/bin/bash
# Labs 05 and 17: each check passes, and fails under its negative control (--network host;
# the client on another network). Inside a network namespace of its own: lab 17's check
# makes bridges, and they must not appear on the machine's real network.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_engine_test labs "$@"

for lab in 5 17; do
	out=$(gb lab check $lab 2>&1); rc=$?
	check "lab $lab check passes" test $rc -eq 0 -a "$(tail -1 <<<"$out")" = PASS
	[ $rc -eq 0 ] || echo "$out" | sed 's/^/    | /'
	out=$(gb lab check $lab --control 2>&1); rc=$?
	check "lab $lab check fails under its negative control" grep -q '^FAIL' <<<"$out"
	check "... with a finding marked ✗" grep -q '✗' <<<"$out"
done
check "lab 5 under --network host names the shared namespace" sh -c "\"$GLASSBOX\" --root $ROOT/run --data-root $ROOT/data lab check 5 --control | grep -q \"is the host's own\""
check "the checks removed their containers" test -z "$(gb ps -a -q)"
check "... and their networks" test -z "$(ls "$ROOT/run/networks")"
check "the test namespace has only lo, no address, no route" only_lo
exit $FAILED
