#!/bin/sh
# make demo: a guided tour of a real container's life.
# With a display ($DISPLAY or $WAYLAND_DISPLAY): the visualizer's tour, every scene in turn.
# Without one: the terminal tour, recorded, and its frames rendered headless to PNG.
set -eu
BUILD=${1:-build}
GLASSBOX=$BUILD/bin/glassbox
VIZ=$BUILD/bin/glassbox-viz
if [ "$(id -u)" -ne 0 ]; then
    echo "glassbox demo: containers need root here: sudo make demo" >&2
    exit 1
fi
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$VIZ" ]; then
    echo "glassbox demo: opening the visualizer (Space: next scene at the end, ? keys, Q quit)"
    GLASSBOX=$GLASSBOX exec "$VIZ" tour
fi
frames=$BUILD/tour-frames
rm -rf "$frames" && mkdir -p "$frames"
echo "glassbox demo: no display: the terminal tour (the visualizer's frames follow)"
if [ -t 0 ]; then
    "$GLASSBOX" tour --events "$frames/tour.jsonl"
else
    "$GLASSBOX" tour --auto --events "$frames/tour.jsonl"
fi
if [ -x "$VIZ" ]; then
    "$VIZ" --headless --frames "$frames" replay "$frames/tour.jsonl"
    "$VIZ" --headless --frames "$frames" --all-scenes --at 2 \
        --beat "$(ls "$frames"/frame-*.png | wc -l)" replay "$frames/tour.jsonl" >/dev/null
    echo "glassbox demo: open $frames/*.png (one frame per step, then every scene)"
fi
