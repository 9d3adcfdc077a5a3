#!/usr/bin/env bash
# `make demo`: the main job. A guided tour of a real container's life on the built-in
# image. With a display and the visualizer built: the visualizer's tour (every scene in
# turn). Otherwise: the terminal tour (waiting for Enter at a terminal, advancing by itself
# when not), recorded, and its frames rendered headless to $BUILD/tour-frames/*.png.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
G="$PWD/$BUILD/bin/glassbox"
V="$PWD/$BUILD/bin/glassbox-viz"
if [ "$(id -u)" -ne 0 ]; then
    echo "make demo: containers need root here: run  sudo make demo" >&2
    exit 1
fi
if [ -x "$V" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && "$V" --help 2>/dev/null | grep -q tour; then
    GLASSBOX=$G exec "$V" tour
fi
frames="$PWD/$BUILD/tour-frames"
rm -rf "$frames" && mkdir -p "$frames"
if [ -t 0 ] && [ -t 1 ]; then
    "$G" tour --events "$frames/tour.jsonl"
else
    "$G" tour --auto --events "$frames/tour.jsonl"
fi
status=$?
if [ -x "$V" ] && [ -s "$frames/tour.jsonl" ]; then
    # One frame per step of the tour, then every scene at its end.
    out=$("$V" --headless --frames "$frames" replay "$frames/tour.jsonl") && echo "$out"
    beats=$(echo "$out" | awk '{print $2}')
    "$V" --headless --frames "$frames" --all-scenes --at 2 --beat "$beats" \
        replay "$frames/tour.jsonl" >/dev/null
    echo "make demo: the visualizer's frames of this tour: $frames/*.png"
fi
exit $status
