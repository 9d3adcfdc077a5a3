#!/bin/sh
# Frame time of each viz scene at 1920x1080 with the software renderer (the slowest path:
# what a projector laptop without GPU drivers gets). Target: 60 fps or better.
#   bench/viz.sh [FRAMES] [STREAM.jsonl]
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
FRAMES=${1:-120}
STREAM=${2:-tests/viz/streams/recorded-run.jsonl}
make --no-print-directory "$BUILD/bin/glassbox-viz" >/dev/null
"$BUILD/bin/glassbox-viz" --headless --size 1920x1080 --bench "$FRAMES" replay "$STREAM"

# Event to first drawn frame, live, in a real window (Xvfb): the engine stamps each event
# with CLOCK_MONOTONIC, the viz notes when a presented frame first shows it. Target: 50 ms.
if [ "$(id -u)" -eq 0 ] && command -v Xvfb >/dev/null; then
    disp=:$((90 + $$ % 9))
    Xvfb "$disp" -screen 0 1920x1080x24 >/dev/null 2>&1 &
    xpid=$!
    sleep 1
    W=$(mktemp -d /var/tmp/gbvizbench.XXXXXX)
    for _ in 1 2 3; do
        DISPLAY=$disp SDL_FRAMEBUFFER_ACCELERATION=0 GLASSBOX_ROOT=$W/run GLASSBOX_DATA_ROOT=$W/data \
            timeout 60 "$BUILD/bin/glassbox-viz" --play --autoplay 0.05 --exit-at-end --latency \
            --size 1920x1080 run --rm busybox true | tail -1
    done
    kill $xpid
    rm -rf "$W"
else
    echo "(event-to-frame latency: needs root and Xvfb)"
fi
