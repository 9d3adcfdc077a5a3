# Shared helpers for integration tests (bash). Source it first:
#   . "$(dirname "$0")/../lib/common.sh"
# The runner sets GLASSBOX, GB_TEST_ROOT, GLASSBOX_ROOT and GLASSBOX_DATA_ROOT; when a test
# is run by hand they get defaults here.
set -u
GB_SRC=${GB_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
GLASSBOX=${GLASSBOX:-$GB_SRC/build/bin/glassbox}
if [ -z "${GB_TEST_ROOT:-}" ]; then
    GB_TEST_ROOT=$(mktemp -d /var/tmp/gbtest.XXXXXX)
    GB_OWN_ROOT=1
fi
export GLASSBOX_ROOT=${GLASSBOX_ROOT:-$GB_TEST_ROOT/run}
export GLASSBOX_DATA_ROOT=${GLASSBOX_DATA_ROOT:-$GB_TEST_ROOT/data}
GB_FAILS=0
GB_CHECKS=0

gb() { "$GLASSBOX" "$@"; }
# glassbox in a network namespace of its own with no link up: for a command that would ask
# a registry on the internet (a missing image, a FROM nobody has), so that the request
# fails here and never leaves the machine.
gb_offline() { unshare --net -- "$GLASSBOX" "$@"; }

ok() { GB_CHECKS=$((GB_CHECKS + 1)); echo "ok   - $*"; }
not_ok() { GB_CHECKS=$((GB_CHECKS + 1)); GB_FAILS=$((GB_FAILS + 1)); echo "FAIL - $*"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
assert_eq() { # description expected actual
    if [ "$2" = "$3" ]; then ok "$1 ($3)"; else not_ok "$1: expected '$2', got '$3'"; fi
}
assert_contains() { # description needle haystack
    if [[ "$3" == *"$2"* ]]; then ok "$1"; else not_ok "$1: '$2' not in: $3"; fi
}
skip() { echo "SKIP: $*" >&2; exit 77; }
need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root (CI runs as root)"; }
need_cmd() { command -v "$1" >/dev/null || skip "needs $1"; }

# Everything of ours under the test roots, removed at exit whatever happened.
gb_cleanup() {
    local id
    for id in $(gb ps -aq 2>/dev/null); do gb rm -f "$id" >/dev/null 2>&1; done
    [ -n "${GB_OWN_ROOT:-}" ] && rm -rf "$GB_TEST_ROOT"
}
trap gb_cleanup EXIT

# A server the test started with --pidfile (dockerd, containerd): SIGTERM, up to 10 s to
# go, then SIGKILL; the pid file removed.
stop_by_pidfile() { # FILE
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    rm -f "$1"
}

# A parent cgroup a client made for its containers (containerd's NAMESPACE/, dockerd's
# --cgroup-parent): removed from every hierarchy, deepest first, empty directories only.
rm_cgroup_parent() { # NAME (a name of this test's own, never a shared one)
    local d
    for d in /sys/fs/cgroup/"$1" /sys/fs/cgroup/*/"$1"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    return 0
}

# Nothing of ours may remain: no state, no writable layer, no mount, no process.
assert_nothing_left() { # description [id]
    local what=$1 left=""
    [ -n "$(ls -A "$GLASSBOX_ROOT/containers" 2>/dev/null)" ] && left+="state: $(ls "$GLASSBOX_ROOT/containers") "
    [ -n "$(ls -A "$GLASSBOX_DATA_ROOT/containers" 2>/dev/null)" ] && left+="layers: $(ls "$GLASSBOX_DATA_ROOT/containers") "
    grep -q "$GB_TEST_ROOT" /proc/self/mountinfo && left+="mounts: $(grep -c "$GB_TEST_ROOT" /proc/self/mountinfo) "
    if [ -n "${2:-}" ]; then
        find /sys/fs/cgroup -maxdepth 4 -type d -name "*$2*" 2>/dev/null | grep -q . && left+="cgroups "
    fi
    if [ -z "$left" ]; then ok "$what: nothing left"; else not_ok "$what: left behind: $left"; fi
}

finish() {
    echo "$((GB_CHECKS - GB_FAILS)) of $GB_CHECKS checks passed"
    [ "$GB_FAILS" -eq 0 ]
    exit $?
}
