#!/usr/bin/env bash
# Run the libFuzzer targets: first replay every input that once crashed one
# (tests/fuzz/regress/NAME/), then fuzz each for SECONDS from its seeds (tests/fuzz/corpus/NAME/).
# Usage: tests/fuzz/run.sh FUZZ_DIR SECONDS NAME...    (make fuzz; tests/integration/95-fuzz.sh)
# A crash stops with its input saved as FUZZ_DIR/crash-NAME-*: fix the code, then copy the
# input into tests/fuzz/regress/NAME/ so that every later run replays it.
set -u
dir=$1 seconds=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
status=0
for name in "$@"; do
    bin=$dir/fuzz_$name
    [ -x "$bin" ] || { echo "fuzz $name: $bin is not built (make fuzz-build)"; status=1; continue; }
    regress=("$src/regress/$name"/*)
    if [ -e "${regress[0]}" ]; then
        if "$bin" "${regress[@]}" >"$dir/replay-$name.log" 2>&1; then
            echo "fuzz $name: ${#regress[@]} past crashers replayed, none crashes"
        else
            echo "fuzz $name: a past crasher crashes again:"; tail -n 30 "$dir/replay-$name.log"
            status=1; continue
        fi
    fi
    # New inputs go to a scratch corpus under FUZZ_DIR; the committed seeds are only read.
    mkdir -p "$dir/corpus-$name"
    dict=()
    [ -f "$src/$name.dict" ] && dict=(-dict="$src/$name.dict")
    log=$dir/fuzz-$name.log
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=8192 \
        -print_final_stats=1 "${dict[@]}" -artifact_prefix="$dir/crash-$name-" \
        "$dir/corpus-$name" "$src/corpus/$name" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    if [ $rc -ne 0 ]; then
        echo "fuzz $name: CRASH after ${runs:-?} runs (exit $rc):"
        grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -n 8
        status=1
    else
        echo "fuzz $name: ${runs:-0} runs in ${seconds}s, $cov edges, no crash"
    fi
done
exit $status
