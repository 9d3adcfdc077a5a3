#!/usr/bin/env bash
# glassbox-viz classroom: a saved board (tests/viz/streams/classroom-board.json: six
# students, every verdict, an opted-out student, a refused record) drawn headless must give
# exactly the golden frames, named and --anonymous --dark (tests/viz/regen-goldens.sh makes
# them; look at them after a change). --anonymous must change the picture (names gone), a
# file that is not a board is refused naming the problem, and with no class the scene says
# so on screen instead of failing silently.
. "$(dirname "$0")/../lib/common.sh"
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
[ -x "$VIZ" ] || skip "glassbox-viz is not built (make)"
need_cmd jq
BOARD=$GB_SRC/tests/viz/streams/classroom-board.json
out=$GB_SRC/tests/out
mkdir -p "$out"
differ() { # a.png b.png: differing pixels (ImageMagick), or a byte compare
    if command -v compare >/dev/null; then
        compare -metric AE "$1" "$2" null: 2>&1 | cut -d' ' -f1
    else
        cmp -s "$1" "$2" && echo 0 || echo "different bytes"
    fi
}
golden() { # name viz-arguments...
    local name=$1; shift
    local dir=$GB_TEST_ROOT/$name
    if ! "$VIZ" --headless --frames "$dir" --size 960x540 "$@" "$BOARD" >/dev/null; then
        not_ok "$name: render failed"
        return
    fi
    local d
    d=$(differ "$GB_SRC/tests/viz/golden/$name.png" "$dir/classroom.png")
    if [ "$d" = "0" ]; then
        ok "$name: identical to the golden frame"
    else
        cp "$dir/classroom.png" "$out/viz-$name.actual.png"
        not_ok "$name: $d pixels differ (actual frame: tests/out/viz-$name.actual.png)"
    fi
}
golden classroom-board classroom
golden classroom-board-anon-dark --dark classroom --anonymous

"$VIZ" --headless --frames "$GB_TEST_ROOT/named" classroom "$BOARD" >/dev/null
"$VIZ" --headless --frames "$GB_TEST_ROOT/anon" classroom --anonymous "$BOARD" >/dev/null
check "--anonymous draws a different board (the names are gone)" \
    bash -c "! cmp -s '$GB_TEST_ROOT/named/classroom.png' '$GB_TEST_ROOT/anon/classroom.png'"
check "the board is drawn the same twice (a frame is a function of the board)" \
    bash -c "'$VIZ' --headless --frames '$GB_TEST_ROOT/again' classroom '$BOARD' >/dev/null &&
             cmp -s '$GB_TEST_ROOT/named/classroom.png' '$GB_TEST_ROOT/again/classroom.png'"

echo '{"version":1,"containers":[]}' > "$GB_TEST_ROOT/notaboard.json"
err=$("$VIZ" --headless --frames "$GB_TEST_ROOT/bad" classroom "$GB_TEST_ROOT/notaboard.json" 2>&1); rc=$?
assert_eq "a file that is not a board is refused (exit 2)" 2 "$rc"
assert_contains "...naming what is wrong" "not a classroom board" "$err"
err=$("$VIZ" --headless --frames "$GB_TEST_ROOT/bad" classroom "$GB_TEST_ROOT/missing.json" 2>&1); rc=$?
assert_eq "a missing file is refused (exit 2)" 2 "$rc"
assert_contains "...naming it" "missing.json" "$err"

# No class here: the live scene shows glassbox's own error on screen (a frame, exit 0).
GLASSBOX_CLASSROOM_DIR=$GB_TEST_ROOT/noclass GLASSBOX=$GLASSBOX \
    "$VIZ" --headless --frames "$GB_TEST_ROOT/noclass-frame" classroom >/dev/null 2>&1
assert_eq "no class: the scene still draws its frame (the error on screen)" 0 $?
check "...classroom.png is there" test -s "$GB_TEST_ROOT/noclass-frame/classroom.png"
check "...and it is not a board" bash -c "! cmp -s '$GB_TEST_ROOT/noclass-frame/classroom.png' '$GB_TEST_ROOT/named/classroom.png'"
finish
