#!/usr/bin/env bash
# Streams the viz must survive: unknown event types and members render; a truncated or
# corrupted recording is one clear error (file, line, what to do) and exit 2, never a crash.
. "$(dirname "$0")/../lib/common.sh"
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
[ -x "$VIZ" ] || skip "glassbox-viz is not built (make)"
S=$GB_SRC/tests/viz/streams
T=$GB_TEST_ROOT

# every committed stream replays, every beat renders
for f in "$S"/*.jsonl; do
    n=$(basename "$f" .jsonl)
    msg=$("$VIZ" --headless --frames "$T/all-$n" --size 480x270 replay "$f" 2>&1)
    check "$n: every beat renders ($msg)" test -n "$(ls "$T/all-$n" 2>/dev/null)"
done
frames=$(ls "$T/all-unknown" | wc -l)
assert_eq "unknown types and members are skipped, known ones still make beats" 7 "$frames"

run_viz() { "$VIZ" --headless --frames "$T/x" replay "$1" 2>&1; echo "rc=$?"; }

{ head -n 3 "$S/start.jsonl"; sed -n 4p "$S/start.jsonl" | head -c 60; } > "$T/cut.jsonl"
out=$(run_viz "$T/cut.jsonl")                            # line 4 cut off mid-way
assert_contains "truncated: exit 2" "rc=2" "$out"
assert_contains "truncated: names the file and line" "cut.jsonl:4:" "$out"
assert_contains "truncated: says it was cut off" "truncated" "$out"

{ head -n 3 "$S/start.jsonl"; echo '{"v":1,"seq":4,"type":"step.end",,}'; tail -n +5 "$S/start.jsonl"; } > "$T/bad.jsonl"
out=$(run_viz "$T/bad.jsonl")
assert_contains "corrupted: exit 2" "rc=2" "$out"
assert_contains "corrupted: names the line and column" "bad.jsonl:4: not valid JSON (line 1 column" "$out"

printf '[1,2,3]\n' > "$T/array.jsonl"
assert_contains "not an object: explained" "every event is a JSON object" "$(run_viz "$T/array.jsonl")"
: > "$T/empty.jsonl"
assert_contains "empty file: explained" "no events in this file" "$(run_viz "$T/empty.jsonl")"
assert_contains "missing file: explained" "cannot open" "$(run_viz "$T/nope.jsonl")"
head -c 100000 /dev/urandom > "$T/noise.jsonl"
assert_contains "binary noise: exit 2, no crash" "rc=2" "$(run_viz "$T/noise.jsonl")"
assert_contains "--beat past the end: explained" "beats" \
    "$("$VIZ" --headless --frames "$T/y" --beat 999 replay "$S/vms.jsonl" 2>&1)"
assert_contains "a bad option: explained" "unknown option" "$("$VIZ" --bogus 2>&1)"
finish
