#!/usr/bin/env bash
# Slides: the class deck renders headless, every step of it; a few slides are bit-exact
# against golden PNGs (tests/viz/golden/slides-*.png, software renderer); every !lab,
# !scene and recording the decks name exists; every slide has timed speaker notes; bad
# decks (overflowing text, unknown directive, missing image) fail with FILE:LINE.
# Regenerate the goldens after an intended change: SLIDES_REGEN=1 tests/run.sh 50-viz-slides
. "$(dirname "$0")/../lib/common.sh"
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
[ -x "$VIZ" ] || skip "glassbox-viz is not built (make)"
T=$GB_TEST_ROOT
GOLD=$GB_SRC/tests/viz/golden
out=$GB_SRC/tests/out
mkdir -p "$out"
DECKS=$(ls "$GB_SRC"/slides/*.md | grep -v "/README.md$")

# 1. every deck renders; one frame per text step and per recorded beat
for deck in class workshop; do
    if "$VIZ" --headless --frames "$T/$deck" --size 960x540 slides "$GB_SRC/slides/$deck.md" \
        >"$T/$deck.log" 2>&1; then
        ok "$deck.md renders headless: $(tail -1 "$T/$deck.log")"
    else
        not_ok "$deck.md does not render: $(cat "$T/$deck.log")"
    fi
done
n_slides=$(sed -n 's/.*: \([0-9]*\) slides,.*/\1/p' "$T/class.log")
missing=""
for i in $(seq "$n_slides"); do
    f=$(printf '%s/class/slide-%03d' "$T" "$i")
    [ -s "$f.png" ] || [ -s "$f-01.png" ] || missing="$missing $i"
done
assert_eq "every one of the class's $n_slides slides has a frame" "" "$missing"
frames=$(ls "$T/class" | wc -l)
check "scene slides give a frame per step ($frames frames for $n_slides slides)" \
    test "$frames" -gt $((n_slides * 3))

# 2. golden slides: text, a table, lab boxes, a scene step
for g in slide-001 slide-005 slide-013 slide-007-05; do
    if [ -n "${SLIDES_REGEN:-}" ]; then
        cp "$T/class/$g.png" "$GOLD/slides-$g.png"
    fi
    if cmp -s "$GOLD/slides-$g.png" "$T/class/$g.png"; then
        ok "class $g is identical to its golden frame"
    else
        cp "$T/class/$g.png" "$out/viz-slides-$g.actual.png"
        not_ok "class $g differs from tests/viz/golden/slides-$g.png (actual: tests/out/viz-slides-$g.actual.png)"
    fi
done

# 3. what the decks name exists: labs and recordings
for n in $(grep -ho '^!lab [0-9]*' $DECKS | awk '{print $2}' | sort -u); do
    d=$(ls -d "$GB_SRC"/labs/"$(printf %02d "$n")"-*/ 2>/dev/null | head -1)
    check "!lab $n: $d has a guide" test -s "$d/README.md"
done
is_stream() { jq -e -s 'length > 1' "$1" >/dev/null; }
recs=$(grep -ho -- '--replay [^ ]*' $DECKS | awk '{print $2}')
grep -q '^!compare$' $DECKS && recs="$recs recordings/compare.jsonl"
for r in $(echo "$recs" | tr ' ' '\n' | sort -u); do
    check "recording $r exists and is JSON Lines" is_stream "$GB_SRC/slides/$r"
done
for s in $(grep -ho '^!scene [a-z0-9]*' $DECKS | awk '{print $2}' | sort -u); do
    check "!scene $s is a scene of the viz" grep -q "\"$s\"" "$GB_SRC/viz/model.c"
done
# every slide has speaker notes with its minutes; the class fits 90 minutes, the workshop 3 hours
deck_files() { # a deck and the files it includes (one level, as the decks here do)
    echo "$GB_SRC/slides/$1"
    sed -n 's/^!include //p' "$GB_SRC/slides/$1" | sed "s|^|$GB_SRC/slides/|"
}
for deck in class:80:90 workshop:165:180; do
    IFS=: read -r name lo hi <<<"$deck"
    # shellcheck disable=SC2046
    notes=$(cat $(deck_files "$name.md") | grep -c '^Note: ([0-9]* min)')
    slides=$(sed -n 's/.*: \([0-9]*\) slides,.*/\1/p' "$T/$name.log")
    assert_eq "every $name slide has timed notes" "$slides" "$notes"
    # shellcheck disable=SC2046
    mins=$(cat $(deck_files "$name.md") | grep -o '^Note: ([0-9]* min)' | grep -o '[0-9]*' | paste -sd+)
    mins=$((mins))
    check "the $name's notes add up to $lo-$hi minutes ($mins)" test "$mins" -ge "$lo" -a "$mins" -le "$hi"
done
for f in "$GB_SRC"/slides/0*.md; do
    check "$(basename "$f") renders alone" "$VIZ" --headless --frames "$T/alone" --size 480x270 \
        slides "$f"
done

# 4. bad decks fail, naming the file and line; text is never clipped silently
mkdir -p "$T/bad"
{ echo "# Too long"; echo; for i in $(seq 30); do echo "- bullet number $i"; done; } >"$T/bad/long.md"
out1=$("$VIZ" --headless --frames "$T/bad/o1" slides "$T/bad/long.md" 2>&1)
assert_eq "an overflowing slide fails the render" 1 $?
assert_contains "the overflow names the file and line" "long.md:1: slide 1" "$out1"
assert_contains "and says how far it runs off" "px off the bottom" "$out1"
printf '# A\n\n!nosuch 1\n' >"$T/bad/dir.md"
out2=$("$VIZ" --headless --frames "$T/bad/o2" slides "$T/bad/dir.md" 2>&1)
assert_eq "an unknown directive fails" 2 $?
assert_contains "with file and line" "dir.md:3: unknown directive !nosuch" "$out2"
printf '# A\n\n![x](nothere.png)\n' >"$T/bad/img.md"
out3=$("$VIZ" --headless --frames "$T/bad/o3" slides "$T/bad/img.md" 2>&1)
assert_contains "a missing image fails with file and line" "img.md:3: missing image nothere.png" "$out3"

# 5. the handout: one A4 page per slide, the slide and its notes as pictures
if "$VIZ" slides --pdf "$T/class.pdf" --size 960x540 "$GB_SRC/slides/class.md" >"$T/pdf.log" 2>&1; then
    pages=$(python3 "$GB_SRC/tests/viz/pdfcheck.py" "$T/class.pdf" 2>&1)
    assert_eq "the class handout is a well-formed PDF with a page per slide" "$n_slides" "$pages"
else
    not_ok "the handout was not written: $(cat "$T/pdf.log")"
fi
out5=$("$VIZ" slides --pdf "$T/long.pdf" "$T/bad/long.md" 2>&1)
check "a deck that does not fit leaves no handout behind" test ! -e "$T/long.pdf"

# 6. a picture: a PNG made by the viz itself is shown, scaled into the slide
cp "$T/class/slide-001.png" "$T/bad/pic.png"
printf '# A picture\n\n![the first slide](pic.png)\n' >"$T/bad/pic.md"
check "a slide with a PNG renders" "$VIZ" --headless --frames "$T/bad/o4" --size 960x540 \
    slides "$T/bad/pic.md"
colors=$(identify -format '%k' "$T/bad/o4/slide-001.png" 2>/dev/null || echo 0)
check "the picture is drawn ($colors colours)" test "$colors" -gt 20
finish
