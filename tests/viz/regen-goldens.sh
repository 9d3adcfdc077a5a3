#!/bin/bash
# Regenerate the golden frames of the viz tests (tests/integration/50-viz-golden.sh).
# Run after an intended change of the look; then LOOK at every PNG before committing.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
make --no-print-directory "$BUILD/bin/glassbox-viz" >/dev/null
# shellcheck source=tests/viz/goldens.list
while read -r name stream beat extra; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    tmp=$(mktemp -d)
    # shellcheck disable=SC2086
    "$BUILD/bin/glassbox-viz" --headless --frames "$tmp" --size 960x540 --beat "$beat" $extra \
        replay "tests/viz/streams/$stream.jsonl" >/dev/null
    mv "$tmp"/frame-*.png "tests/viz/golden/$name.png"
    rmdir "$tmp"
    echo "tests/viz/golden/$name.png"
done < tests/viz/goldens.list
# The classroom board from a saved board (tests/integration/66-classroom-viz.sh).
for look in classroom-board:"" classroom-board-anon-dark:"--dark classroom --anonymous"; do
    name=${look%%:*} extra=${look#*:}
    tmp=$(mktemp -d)
    # shellcheck disable=SC2086
    "$BUILD/bin/glassbox-viz" --headless --frames "$tmp" --size 960x540 ${extra:-classroom} \
        tests/viz/streams/classroom-board.json >/dev/null
    mv "$tmp/classroom.png" "tests/viz/golden/$name.png"
    rmdir "$tmp"
    echo "tests/viz/golden/$name.png"
done
