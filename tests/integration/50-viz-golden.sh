#!/usr/bin/env bash
# Golden images: committed event streams replayed headless with the software renderer
# must give exactly the committed frames (tests/viz/golden, listed in goldens.list).
# On a difference the actual frame is kept in tests/out/ for a look.
# Regenerate after an intended change: tests/viz/regen-goldens.sh (then look at them).
. "$(dirname "$0")/../lib/common.sh"
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
[ -x "$VIZ" ] || skip "glassbox-viz is not built (make)"
out=$GB_SRC/tests/out
mkdir -p "$out"
differ() { # a.png b.png: number of differing pixels (ImageMagick), or byte compare
    if command -v compare >/dev/null; then
        compare -metric AE "$1" "$2" null: 2>&1 | cut -d' ' -f1
    else
        cmp -s "$1" "$2" && echo 0 || echo "different bytes"
    fi
}
while read -r name stream beat extra; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    dir=$GB_TEST_ROOT/$name
    # shellcheck disable=SC2086
    if ! "$VIZ" --headless --frames "$dir" --size 960x540 --beat "$beat" $extra \
        replay "$GB_SRC/tests/viz/streams/$stream.jsonl" >/dev/null; then
        not_ok "$name: render failed"
        continue
    fi
    got=$(ls "$dir"/frame-*.png)
    d=$(differ "$GB_SRC/tests/viz/golden/$name.png" "$got")
    if [ "$d" = "0" ]; then
        ok "$name: identical to the golden frame"
    else
        cp "$got" "$out/viz-$name.actual.png"
        not_ok "$name: $d pixels differ (actual frame: tests/out/viz-$name.actual.png)"
    fi
done < "$GB_SRC/tests/viz/goldens.list"
# The software renderer is bit-exact: the same frame twice is the same file.
"$VIZ" --headless --frames "$GB_TEST_ROOT/a" --beat 5 replay "$GB_SRC/tests/viz/streams/start.jsonl" >/dev/null
"$VIZ" --headless --frames "$GB_TEST_ROOT/b" --beat 5 replay "$GB_SRC/tests/viz/streams/start.jsonl" >/dev/null
check "a 1920x1080 frame rendered twice is byte-identical" \
    cmp -s "$GB_TEST_ROOT"/a/frame-0005-*.png "$GB_TEST_ROOT"/b/frame-0005-*.png
finish
