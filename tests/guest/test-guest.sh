#!/usr/bin/env bash
# make test-guest: boot QEMU guests (Debian's cloud kernel, glassbox's busybox image as
# their initramfs), one with cgroup v2 only and one with the v1 hierarchies only, side by
# side, and run inside each the glassbox binaries built here and the tests that touch
# cgroups and the engine (tests/guest/in-guest.sh). Exit 77 with the reason when QEMU or the kernel cannot be had.
#   tests/guest/test-guest.sh [v2] [v1]    (GUEST_ONLY=PATTERN: only the tests named so)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
GLASSBOX=$BUILD/bin/glassbox
export GLASSBOX_VM_CACHE=${GLASSBOX_VM_CACHE:-$BUILD/vm/kernel}
LAYOUTS=${*:-v2 v1}

skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (the guest's tests make cgroups; qemu runs as us)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
[ -x "$GLASSBOX" ] || skip "$GLASSBOX not built: run make"
kernel=$("$GLASSBOX" vm kernel 2>&1) || skip "no guest kernel: $kernel"

WORK=$(mktemp -d /var/tmp/gb-guest.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ADDS=()
add() { ADDS+=(--add "$1:$2"); }

# The glassbox tree the guest needs, at /gb/src: sources of the tests, what make built.
for d in tests labs; do add "$ROOT/$d" "/gb/src/$d"; done
for d in bin libexec share tests; do add "$BUILD/$d" "/gb/src/build/$d"; done

# Host programs the tests call (bash, coreutils, procps, util-linux, jq...) with the
# shared libraries ldd lists, at the same paths: the guest's busybox has none of them.
TOOLS="bash env timeout mktemp find grep sed awk seq sort stat cut tr wc head tail date id
       sleep cat ls rm mkdir rmdir readlink dirname basename xargs tee uniq ps jq ip mount
       umount unshare nsenter printf chmod chown ln cp mv touch pgrep nproc dd getent
       realpath comm diff od setsid tac yes setpriv apparmor_parser"
mkdir -p "$WORK/hostbin"
libs=""
for t in $TOOLS; do
    p=$(command -v "$t" 2>/dev/null) || continue
    [ -f "$p" ] || continue
    cp -L "$p" "$WORK/hostbin/$t"
    libs+=" $(ldd "$p" 2>/dev/null | grep -o '/[^ ]*' | sort -u | tr '\n' ' ')"
done
for b in "$GLASSBOX" "$BUILD"/tests/*; do
    [ -x "$b" ] && libs+=" $(ldd "$b" 2>/dev/null | grep -o '/[^ ]*' | tr '\n' ' ')"
done
# glibc dlopens libgcc_s for pthread_cancel (the relay's threads): ldd does not list it.
libs+=" $(ldconfig -p | grep -o '/[^ ]*/libgcc_s\.so\.1' | head -1)"
for l in $(echo "$libs" | tr ' ' '\n' | sort -u); do
    [ -e "$l" ] || continue
    mkdir -p "$WORK/libs$(dirname "$l")"
    cp -L "$l" "$WORK/libs$l"
done
add "$WORK/hostbin" /gb/hostbin
add "$WORK/hostbin/bash" /bin/bash  # the tests' #!/bin/bash
add "$WORK/hostbin/env" /usr/bin/env
for d in "$WORK"/libs/*; do add "$d" "/${d##*/}"; done

# One guest per layout, all at once: each is one qemu process (TCG) with a data root and a
# log of its own, so two guests take about the time of the slower one on 2 cores. Sharing
# the CPUs, each runs slower still: the labs' waits (never their verdicts) stretch with the
# number of guests (GLASSBOX_TIME_SCALE, 6 for one guest under TCG).
n_guests=$(wc -w <<<"$LAYOUTS")
scale=${GLASSBOX_TIME_SCALE:-$((6 * n_guests))}
# The AppArmor test touches no cgroup: one guest runs it, the last one named (with both,
# the v1 guest, whose list is the shorter).
apparmor_in=${LAYOUTS##* }
guest() { # LAYOUT: the guest's output into its log, its exit code into LOG.rc
    local lay=$1 out="$WORK/guest-$1.log" aa=0
    [ "$lay" = "$apparmor_in" ] && aa=1
    "$GLASSBOX" --data-root "$WORK/data-$lay" vm run --cgroup "$lay" --tmpfs-root --modules \
        --mem 1024 --cpus 2 --timeout "${GUEST_TIMEOUT:-540}" "${ADDS[@]}" \
        "PATH=/gb/hostbin:\$PATH GLASSBOX_TIME_SCALE=$scale GUEST_V1_CORE=${GUEST_V1_CORE:-} GUEST_APPARMOR=$aa /gb/hostbin/bash /gb/src/tests/guest/in-guest.sh $lay ${GUEST_ONLY:-}" \
        >"$out" 2>&1
    echo $? >"$out.rc"
}
pids=()
for lay in $LAYOUTS; do guest "$lay" & pids+=($!); done
wait "${pids[@]}"

total_p=0 total_f=0 total_s=0 status=0
for lay in $LAYOUTS; do
    echo "=== guest: cgroup $lay only ==="
    out="$WORK/guest-$lay.log"
    cat "$out"
    rc=$(cat "$out.rc" 2>/dev/null || echo 1)
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$out" | tail -1)
    if [ -z "$line" ]; then
        echo "guest $lay: no summary line (exit $rc)"
        status=1
        total_f=$((total_f + 1))
        continue
    fi
    read -r p _ f _ s _ <<<"$line"
    total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
    [ "$rc" -eq 0 ] || status=1
done
echo "$total_p passed, $total_f failed, $total_s skipped"
exit $status
