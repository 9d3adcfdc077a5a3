#!/usr/bin/env bash
# Without a terminal or a display (issue 23): `glassbox tour` with stdin not a terminal goes
# on by itself to the end; `glassbox-viz --headless --frames DIR run ...` records the run to
# DIR/run.jsonl and renders it as the headless tour does (a frame per beat, then every scene).
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz

out=$(timeout 120 "$GLASSBOX" tour </dev/null 2>&1)
rc=$?
assert_eq "tour with stdin from /dev/null: exit 0" 0 "$rc"
assert_contains "tour says why it goes on by itself" "stdin is not a terminal" "$out"
assert_contains "tour reached its end" "the end" "$out"
assert_contains "tour removed its container" "remove" "$out"
assert_eq "tour left no container" "" "$(gb ps -aq)"

[ -x "$VIZ" ] || { echo "SKIP: glassbox-viz is not built; the tour was checked" >&2; finish; }
dir=$GB_TEST_ROOT/frames
export GLASSBOX
out=$(timeout 120 "$VIZ" --headless --frames "$dir" --size 640x360 \
    run --rm --hostname viz-$$ busybox hostname 2>&1)
assert_eq "viz --headless run: exit 0" 0 "$?"
assert_contains "the container ran (its output)" "viz-$$" "$out"
check "the run was recorded" test -s "$dir/run.jsonl"
steps=$(jq -r 'select(.type == "step.end") | .type' "$dir/run.jsonl" 2>/dev/null | wc -l)
check "the recording has the run's steps ($steps)" test "$steps" -ge 10
beats=$(ls "$dir"/frame-*.png 2>/dev/null | wc -l)
check "frames rendered ($beats PNGs)" test "$beats" -ge "$steps"
check "every frame is a PNG" bash -c \
    'for f in "$1"/frame-*.png; do head -c 8 "$f" | od -An -c | grep -q "P   N   G" || exit 1; done' _ "$dir"
assert_eq "viz --headless run left no container" "" "$(gb ps -aq)"

"$VIZ" --headless --frames "$GB_TEST_ROOT/refused" run --rm -m 12XB busybox true >/dev/null 2>&1
rc=$?
check "a refused run: viz fails ($rc), never 0" test "$rc" -ne 0
assert_nothing_left "after the tour and the headless run"
finish
