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
