#!/usr/bin/env bash
# glassbox-viz compare, live in a real window (Xvfb): the viz runs `glassbox compare` and
# draws its event stream as it comes. While the VM still boots, a screenshot shows the vms
# scene; at the end the viz exits 0 with compare's table (the accelerator named), and
# nothing is left: no qemu, no container, no work dir.
. "$(dirname "$0")/../lib/common.sh"
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
[ -x "$VIZ" ] || skip "glassbox-viz is not built (make)"
need_root
need_cmd import
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
k=$(gb vm kernel 2>&1) || skip "no guest kernel: $k"
T=$GB_TEST_ROOT
. "$GB_SRC/tests/lib/xvfb.sh"
start_xvfb 1280x720
export GLASSBOX

timeout 300 "$VIZ" --play --autoplay 0.5 --exit-at-end --size 1280x720 compare \
    >"$T/viz.log" 2>&1 &
VIZPID=$!
# The first stage of the VM (firmware) lasts seconds even under KVM: look then.
for _ in $(seq 100); do
    qpid=$(pgrep -f "qemu-system-x86_64.*$GLASSBOX_DATA_ROOT" | head -1)
    [ -n "$qpid" ] && break
    sleep 0.1
done
check "the viz's compare started a qemu of its own (${qpid:-none})" test -n "$qpid"
sleep 1
import -window root "$T/shot.png" 2>>"$T/viz.log"
wait $VIZPID
rc=$?
cat "$T/viz.log"
assert_eq "glassbox-viz compare exits 0 at the end (--exit-at-end)" 0 $rc
colors=$(identify -format '%k' "$T/shot.png" 2>/dev/null || echo 0)
check "the screenshot during the boot shows a drawn frame ($colors colours)" test "$colors" -gt 50
mkdir -p "$GB_SRC/tests/out" && cp "$T/shot.png" "$GB_SRC/tests/out/viz-compare-live.png"
assert_contains "compare's table: the VM's column names the accelerator" "VM (QEMU, " "$(cat "$T/viz.log")"
check "the container saw the host's kernel" grep -q "$(uname -r) (the host's)" "$T/viz.log"
check "the VM ran its own kernel" grep -q "(its own)" "$T/viz.log"
check "qemu ($qpid) is gone" test ! -e "/proc/$qpid"
check "no container left" test -z "$(gb ps -aq)"
check "no work dir left" test -z "$(ls "$GLASSBOX_DATA_ROOT/vm" 2>/dev/null | grep -v kernel)"
finish
