#!/usr/bin/env bash
# Presenting a deck in a real window (Xvfb), driven by key presses (XTest): Space walks
# the slides and a scene's steps, a number + Enter jumps, B blanks; as root a !run slide
# runs a real container step by step (Space sends "next"), and leaves nothing behind.
. "$(dirname "$0")/../lib/common.sh"
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
[ -x "$VIZ" ] || skip "glassbox-viz is not built (make)"
need_cmd import
need_cmd python3
python3 -c 'import ctypes; ctypes.CDLL("libXtst.so.6")' 2>/dev/null || skip "needs libXtst (libxtst6)"
T=$GB_TEST_ROOT
. "$GB_SRC/tests/lib/xvfb.sh"
start_xvfb 1280x720
KEYS=$GB_SRC/tests/viz/xkeys.py
name="slidelive$$"
cp "$GB_SRC/slides/recordings/run-hello.jsonl" "$T/rec.jsonl"
cat >"$T/deck.md" <<MD
# First slide

- text

Note: (1 min) first
---
# Live

!run --replay rec.jsonl --rm --name $name busybox sh -c 'echo hello from the slide'

Note: (1 min) live
---
# Last

- the end
MD

# 1. keys: 3 + Enter jumps to the last slide, B blanks; screenshots tell them apart
"$VIZ" --size 1280x720 slides "$T/deck.md" >"$T/viz1.log" 2>&1 &
VP=$!
sleep 2
import -window root "$T/first.png"
python3 "$KEYS" s 3 Return sleep:0.6
import -window root "$T/last.png"
python3 "$KEYS" b sleep:0.6
import -window root "$T/blank.png"
python3 "$KEYS" q
wait $VP
assert_eq "the presenter quits on Q with status 0" 0 $?
c1=$(identify -format '%k' "$T/first.png"); c3=$(identify -format '%k' "$T/blank.png")
check "the first slide is drawn ($c1 colours)" test "$c1" -gt 20
check "B blanks the screen ($c3 colour)" test "$c3" -le 2
check "3 + Enter shows another slide" bash -c "! cmp -s '$T/first.png' '$T/last.png'"
log1=$(cat "$T/viz1.log")
assert_contains "S: the speaker view prints the slide and its time" "== slide 1 / 3" "$log1"
assert_contains "with the notes and the planned minutes" "of 1 min planned" "$log1"
assert_contains "and the next slide's title" "Next: Live" "$log1"
assert_contains "after the jump it follows: slide 3, the end" "Next: (the end)" "$log1"
mkdir -p "$GB_SRC/tests/out" && cp "$T/last.png" "$GB_SRC/tests/out/viz-slides-xvfb.png"

# 2. the !run slide: live as root (each Space one engine step), else the recording
"$VIZ" --size 1280x720 --exit-at-end slides "$T/deck.md" >"$T/viz2.log" 2>&1 &
VP=$!
sleep 1.5
keys=(); for _ in $(seq 45); do keys+=(space sleep:0.15); done
python3 "$KEYS" "${keys[@]}"
for _ in $(seq 100); do kill -0 $VP 2>/dev/null || break; python3 "$KEYS" space; sleep 0.1; done
wait $VP
assert_eq "walking the whole deck with Space ends it (--exit-at-end)" 0 $?
if [ "$(id -u)" -eq 0 ] && [ -x "$GLASSBOX" ]; then
    assert_contains "live: the container ran on the slide" "hello from the slide" "$(cat "$T/viz2.log")"
    assert_nothing_left "the live !run slide (--rm)"
else
    echo "live part: not root, the slide showed its recording"
fi
finish
