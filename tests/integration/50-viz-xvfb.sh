#!/usr/bin/env bash
# The viz in a real window (Xvfb): a replay opens, draws and is captured by a screenshot;
# live mode drives the real engine through --step-fd and its event pipe to the end.
. "$(dirname "$0")/../lib/common.sh"
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
[ -x "$VIZ" ] || skip "glassbox-viz is not built (make)"
need_cmd import
T=$GB_TEST_ROOT
. "$GB_SRC/tests/lib/xvfb.sh"
start_xvfb 1280x720

# replay: the window comes up, we take a screenshot while it shows the VM comparison
"$VIZ" --play --autoplay 1.5 --exit-at-end --size 1280x720 replay \
    "$GB_SRC/tests/viz/streams/vms.jsonl" >"$T/viz.log" 2>&1 &
VIZPID=$!
sleep 2
import -window root "$T/shot.png" 2>>"$T/viz.log"
wait $VIZPID
assert_eq "replay in a window exits 0 at the end (--exit-at-end)" 0 $?
colors=$(identify -format '%k' "$T/shot.png" 2>/dev/null || echo 0)
check "the screenshot shows a drawn frame ($colors colours)" test "$colors" -gt 50
mkdir -p "$GB_SRC/tests/out" && cp "$T/shot.png" "$GB_SRC/tests/out/viz-xvfb-shot.png"

# live: the real engine, one step per "next" sent by the viz (--play)
[ "$(id -u)" -eq 0 ] || { echo "live part skipped: needs root"; finish; }
[ -x "$GLASSBOX" ] || { echo "live part skipped: no engine"; finish; }
export GLASSBOX
out=$(timeout 60 "$VIZ" --play --autoplay 0.05 --exit-at-end run --rm --name "vizlive$$" \
    busybox sh -c 'echo hello from live' 2>&1)
assert_eq "live: glassbox-viz run exits with the container's status" 0 $?
assert_contains "live: the container ran its command" "hello from live" "$out"
assert_nothing_left "live run with --rm"
# An engine slow to hold its first step (a pull or the first import before it starts):
# playing, the viz must still send its "next" once that step waits (it once sent it into
# the void before any event, then waited forever).
printf '#!/bin/sh\nsleep 1\nexec %s "$@"\n' "$GLASSBOX" >"$T/slow-glassbox"
chmod +x "$T/slow-glassbox"
out=$(GLASSBOX=$T/slow-glassbox timeout 60 "$VIZ" --play --autoplay 0.05 --exit-at-end run --rm \
    --name "vizslow$$" busybox sh -c 'echo hello from a slow start' 2>&1)
assert_eq "live, an engine slow to start: glassbox-viz run exits with the container's status" 0 $?
assert_contains "... and the container ran" "hello from a slow start" "$out"
assert_nothing_left "slow live run with --rm"

# follow: a stream another program writes (Docker through glassbox-runc --events-dir DIR):
# the viewer waits for the first new file in DIR and shows its events as they arrive.
mkdir -p "$T/evdir"
"$VIZ" --latency follow "$T/evdir" >"$T/follow.log" 2>&1 &
FPID=$!
sleep 1
gb run --rm --events "$T/evdir/c1.jsonl" busybox true
for _ in $(seq 50); do grep -q '"container.removed"\|"state.changed"' "$T/evdir/c1.jsonl" 2>/dev/null && break; sleep 0.1; done
sleep 2
kill -TERM $FPID
wait $FPID
assert_eq "follow: quits on SIGTERM with 0" 0 $?
frames=$(sed -n 's/^event to first frame: \([0-9]*\) frames.*/\1/p' "$T/follow.log")
check "follow: the new stream's events reached the screen (${frames:-0} frames: $(head -c 200 "$T/follow.log"))" \
    test "${frames:-0}" -ge 1
assert_eq "follow: its tailing child is gone" "" "$(pgrep -f "$T/evdir" || true)"
out=$("$VIZ" follow "$T/no-such-dir" 2>&1); rc=$?
assert_eq "follow of a missing path exits 2" 2 "$rc"
assert_contains "... naming it" "no-such-dir" "$out"
finish
