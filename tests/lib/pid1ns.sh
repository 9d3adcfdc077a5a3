# Helpers for the 40-init-* tests: run glassbox-init (or anything else) as PID 1 of a new
# pid namespace with unshare(1), and look at that namespace from the host's /proc.
# Sourced, not run. Sets INIT, TMP; callers use ok/fail/skip and finish.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
INIT=${GLASSBOX_INIT:-$BUILD/libexec/glassbox/glassbox-init}
DEMO=$ROOT/images/busybox/files
FAILED=0

ok()   { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; FAILED=1; }
skip() { echo "SKIP: $*" >&2; echo "SKIP: $*"; exit 77; }
finish() { [ "$FAILED" = 0 ] && exit 0; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (unshare --pid)"
command -v unshare >/dev/null || skip "unshare (util-linux) not installed"
[ -x "$INIT" ] || skip "$INIT not built: run make"

TMP=$(mktemp -d "${GB_TEST_ROOT:-/tmp}/gb-init.$$.XXXXXX")
KILL_AT_EXIT=()
cleanup() {
    local p
    for p in "${KILL_AT_EXIT[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# in_pidns CMD... : run CMD as PID 1 of a new pid namespace (with its own /proc), in the
# background. Sets UPID (unshare's pid, our child). pid1_of finds PID 1's host pid.
in_pidns() {
    unshare --fork --pid --mount-proc "$@" &
    UPID=$!
    KILL_AT_EXIT+=("$UPID")
}

# The host pid of PID 1 of the namespace that unshare $1 created (its only child).
pid1_of() {
    local upid=$1 i kids
    for i in $(seq 200); do
        kids=$(cat "/proc/$upid/task/$upid/children" 2>/dev/null)
        if [ -n "$kids" ]; then
            KILL_AT_EXIT+=($kids)
            echo "${kids%% *}"
            return 0
        fi
        sleep 0.01
    done
    return 1
}

# Zombies (state Z) whose pid namespace is that of host pid $1, as "NSPID:comm" words.
# Host /proc lists every process; /proc/PID/ns/pid tells which namespace each is in,
# and the last NSpid field is its PID inside.
zombies_in_ns_of() {
    local ns q state nspid name
    ns=$(readlink "/proc/$1/ns/pid") || return 1
    for q in /proc/[0-9]*; do
        [ "$(readlink "$q/ns/pid" 2>/dev/null)" = "$ns" ] || continue
        state=$(awk '/^State:/{print $2}' "$q/status" 2>/dev/null)
        [ "$state" = Z ] || continue
        nspid=$(awk '/^NSpid:/{print $NF}' "$q/status" 2>/dev/null)
        name=$(awk '/^Name:/{print $2}' "$q/status" 2>/dev/null)
        echo "$nspid:$name"
    done
}

# Wait (up to $2 s) until the namespace of host pid $1 holds at least $3 zombies; print the count.
count_zombies() {
    local pid=$1 secs=$2 want=$3 n=0 i
    for i in $(seq $((secs * 20))); do
        n=$(zombies_in_ns_of "$pid" | wc -l)
        [ "$n" -ge "$want" ] && break
        sleep 0.05
    done
    echo "$n"
}

# Wait until file $1 exists (up to 5 s).
wait_file() {
    local i
    for i in $(seq 500); do
        [ -e "$1" ] && return 0
        sleep 0.01
    done
    return 1
}

# in_image CMD...: run CMD as PID 1 inside the built-in busybox image (chroot) in a new
# pid + mount namespace, in the background; with INIT_FLAGS set (e.g. "--" or "-g --"),
# glassbox-init runs as PID 1 and CMD as its child. Mounts live and die with the private
# mount namespace: nothing appears on the host. Sets UPID.
IMAGE_ROOT=$BUILD/share/glassbox/images/busybox/rootfs
in_image() {
    local prefix=""
    [ -n "${INIT_FLAGS:-}" ] && prefix="/run/glassbox-init $INIT_FLAGS"
    unshare --fork --pid --mount --propagation private /bin/sh -c '
        set -e
        R=$1; shift
        mount -t proc proc "$R/proc"
        mount -t tmpfs -o size=1m dev "$R/dev"
        touch "$R/dev/null"; mount --bind /dev/null "$R/dev/null"
        mount -t tmpfs -o size=4m run "$R/run"
        cp "$0" "$R/run/glassbox-init"
        exec chroot "$R" "$@"' "$INIT" "$IMAGE_ROOT" $prefix "$@" &
    UPID=$!
    KILL_AT_EXIT+=("$UPID")
}
