#!/usr/bin/env bash
# `make demo`: the main job. A guided tour of a real container's life on the built-in
# image. With a display and the visualizer built: the visualizer's tour. Otherwise: the
# terminal tour (waiting for Enter at a terminal, advancing by itself when not).
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
    exec "$V" tour
fi
if [ -t 0 ] && [ -t 1 ]; then
    exec "$G" tour
fi
exec "$G" tour --auto
