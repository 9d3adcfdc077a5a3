# Shared by tests/integration/30-cgroup-*.sh: find cgtool, skip loudly where cgroups
# cannot be tested, unique names, cleanup on exit, one line per assertion.
BUILD=${BUILD:-build}
CGTOOL=${CGTOOL:-$BUILD/tests/cgtool}
CGROOT=${CGROOT:-/sys/fs/cgroup}
FAILS=0

skip() { echo "SKIP: $*" >&2; echo "########## $0 SKIPPED: $* ##########" >&2; exit 77; }
ok()   { local m="$*"; echo "ok - ${m//$'\n'/ }"; }
bad()  { local m="$*"; echo "FAIL - ${m//$'\n'/ }"; FAILS=$((FAILS + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() { [ "$FAILS" -eq 0 ] && exit 0; echo "$FAILS assertion(s) failed" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root to create cgroups"
[ -x "$CGTOOL" ] || skip "$CGTOOL not built (make)"
LAYOUT=$("$CGTOOL" detect 2>/dev/null | sed -n 's/^layout=//p')
[ -n "$LAYOUT" ] || skip "no cgroup filesystem at $CGROOT"

# The layouts to test on this host: the detected one, and on hybrid also pure v1
# (the same host with the cgroup2 side ignored), so both freezers and kill paths run.
LAYOUTS=$LAYOUT
[ "$LAYOUT" = hybrid ] && LAYOUTS="hybrid v1"

# Every cgroup a test makes is named cgt-PID-WHAT, so cleanup finds them all.
cgname() { echo "cgt-$$-$1"; }
cg() { local lay=$1; shift; "$CGTOOL" --layout "$lay" "$@"; }
stat_of() { cg "$1" stats "$2" | sed -n "s/^$3=//p"; }
dirs_of() { find "$CGROOT" -maxdepth 4 -type d -name "$1" 2>/dev/null; }

cleanup() {
    local n
    for n in $(find "$CGROOT" -maxdepth 4 -type d -name "cgt-$$-*" -printf '%f\n' 2>/dev/null | sort -u); do
        "$CGTOOL" --layout "$LAYOUT" destroy "$n" >/dev/null 2>&1
        "$CGTOOL" --layout v1 destroy "$n" >/dev/null 2>&1
    done
    [ -n "${CG_PIDS:-}" ] && kill -9 $CG_PIDS 2>/dev/null
    # The shared "glassbox" parent the library made for them, in each hierarchy, once
    # empty (rmdir refuses while a container of someone else's is inside).
    local d
    for d in "$CGROOT"/glassbox "$CGROOT"/*/glassbox; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    return 0
}
trap cleanup EXIT
