#!/bin/bash
# Capabilities through sectool: Docker's 14 by default in all five sets, --cap-drop ALL
# leaves CapEff 0, --cap-add works, unknown names are clear errors before anything runs.
set -u
BUILD=${BUILD:-build}
SECTOOL=$BUILD/tests/sectool
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root" >&2; exit 77; }
[ -x "$SECTOOL" ] || { echo "SKIP: $SECTOOL not built (make)" >&2; exit 77; }
T=$(mktemp -d "${GB_TEST_ROOT:-/tmp}/gbsec-caps.$$.XXXX")
trap 'rm -rf "$T"' EXIT
fails=0
ok()   { echo "ok   - $*"; }
bad()  { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
field() { grep "^$1:" <<<"$2" | awk '{print $2}'; }

st=$("$SECTOOL" run -- cat /proc/self/status)
for f in CapEff CapPrm CapInh CapBnd CapAmb; do
	check "default: $f is Docker's 14 (00000000a80425fb)" test "$(field $f "$st")" = 00000000a80425fb
done
names=$("$SECTOOL" decode "$(field CapEff "$st")")
check "default: decoded set has 14 names" test "$(tr ',' '\n' <<<"$names" | wc -l)" -eq 14
check "default: no CAP_SYS_ADMIN" bash -c '! grep -q CAP_SYS_ADMIN <<<"$1"' _ "$names"
check "default: NoNewPrivs 1" test "$(field NoNewPrivs "$st")" = 1

st=$("$SECTOOL" run --cap-drop ALL -- cat /proc/self/status)
for f in CapEff CapPrm CapBnd CapAmb; do
	check "--cap-drop ALL: $f is 0" test "$(field $f "$st")" = 0000000000000000
done
# Root without capabilities cannot chown a file it does not own... or even its own to another.
touch "$T/f"; chown 1000:1000 "$T/f"
out=$("$SECTOOL" run --cap-drop ALL -- chown 0:0 "$T/f" 2>&1)
check "--cap-drop ALL: root cannot chown (EPERM)" grep -q "Operation not permitted" <<<"$out"
check "default: root can chown" "$SECTOOL" run -- chown 0:0 "$T/f"

st=$("$SECTOOL" run --cap-drop ALL --cap-add NET_ADMIN --cap-add sys_time -- cat /proc/self/status)
check "--cap-drop ALL --cap-add NET_ADMIN,SYS_TIME: exactly those" \
	test "$("$SECTOOL" decode "$(field CapEff "$st")")" = "CAP_NET_ADMIN,CAP_SYS_TIME"
st=$("$SECTOOL" run --cap-drop CHOWN --cap-drop KILL -- cat /proc/self/status)
check "--cap-drop CHOWN,KILL: 12 left" \
	test "$("$SECTOOL" decode "$(field CapEff "$st")" | tr ',' '\n' | wc -l)" -eq 12

out=$("$SECTOOL" run --cap-add SYS_ADMINN -- touch "$T/ran" 2>&1); rc=$?
check "unknown capability: exit 2" test "$rc" -eq 2
check "unknown capability: message names it" grep -q 'unknown capability "SYS_ADMINN"' <<<"$out"
check "unknown capability: nothing ran" test ! -e "$T/ran"
echo "     message: $(head -1 <<<"$out")"

[ "$fails" -eq 0 ] || { echo "$fails assertion(s) failed"; exit 1; }
