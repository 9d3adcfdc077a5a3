#!/usr/bin/env bash
# The test harness: cmocka unit tests, then integration tests against the real kernel.
#   tests/run.sh                 everything
#   tests/run.sh --unit          unit tests only
#   tests/run.sh --integration   integration tests only
#   tests/run.sh PATTERN...      only tests whose file name contains a PATTERN
# Each integration test is a script: exit 0 = pass, 77 = skipped (the reason on stderr),
# anything else = fail. The last line is "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
export GLASSBOX="$PWD/$BUILD/bin/glassbox"
export GB_SRC="$PWD"
# The guest kernel of the VM tests and lab 19, fetched once per build tree (core/vm).
export GLASSBOX_VM_CACHE=${GLASSBOX_VM_CACHE:-$PWD/$BUILD/vm/kernel}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}

unit=1 integration=1 patterns=()
for a in "$@"; do
    case "$a" in
        --unit) integration=0 ;;
        --integration) unit=0 ;;
        *) patterns+=("$a") ;;
    esac
done

matches() {
    [ ${#patterns[@]} -eq 0 ] && return 0
    for p in "${patterns[@]}"; do [[ "$1" == *"$p"* ]] && return 0; done
    return 1
}

passed=0 failed=0 skipped=0 failures=()
OUT=tests/out
rm -rf "$OUT" && mkdir -p "$OUT"
start_all=$(date +%s)

record() { # name status seconds logfile
    local name=$1 status=$2 secs=$3 log=$4
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1)); printf 'PASS  %-44s %4ss\n' "$name" "$secs"
    elif [ "$status" -eq 77 ]; then
        skipped=$((skipped + 1))
        # Each skip says why: a test that exits 77 without a reason is a failure.
        reason=$(grep -m1 -i 'skip' "$log" | cut -c1-100)
        if [ -z "$reason" ]; then
            skipped=$((skipped - 1)); failed=$((failed + 1)); failures+=("$name")
            printf 'FAIL  %-44s %4ss  (exit 77 without a SKIP reason)\n' "$name" "$secs"
            return
        fi
        printf 'SKIP  %-44s %4ss  %s\n' "$name" "$secs" "$reason"
    else
        failed=$((failed + 1)); failures+=("$name")
        printf 'FAIL  %-44s %4ss  (exit %s)\n' "$name" "$secs" "$status"
        sed 's/^/      | /' "$log" | tail -40
    fi
}

# A test program the sources promise and the build lacks is a failure, never a skip:
# one for each tests/unit/test_*.c and each tests/*/TOOL.c (nettool, sectool, cgtool),
# and the engine itself.
missing() { # name what
    failed=$((failed + 1)); failures+=("$1")
    printf 'FAIL  %-44s %4ss  (missing: %s; build it with make)\n' "$1" 0 "$2"
}
for src in tests/*/*.c; do
    case "$src" in tests/unit/*|tests/fuzz/*) continue ;; esac  # fuzz targets: built by 95-fuzz with clang
    tool=$BUILD/tests/$(basename "$src" .c)
    matches "tool/$(basename "$tool")" || [ ${#patterns[@]} -eq 0 ] || continue
    [ -x "$tool" ] || missing "tool/$(basename "$tool")" "$tool"
done
[ -x "$GLASSBOX" ] || missing "tool/glassbox" "$GLASSBOX"

# The guest kernel (lab 19, compare, the test guests) comes from the Debian mirror with
# apt: fetch it now, outside the private network namespaces that many tests run in.
if [ $integration -eq 1 ] && [ -x "$GLASSBOX" ] && [ "$(id -u)" = 0 ]; then
    "$GLASSBOX" vm kernel >/dev/null 2>&1 || "$GLASSBOX" vm kernel >/dev/null 2>&1 ||
        echo "note: no guest kernel could be fetched; lab 19 and the VM tests will say why"
fi

if [ $unit -eq 1 ]; then
    for src in tests/unit/test_*.c; do
        t=$BUILD/tests/$(basename "$src" .c)
        name=unit/$(basename "$t")
        matches "$name" || continue
        if [ ! -x "$t" ]; then missing "$name" "$t"; continue; fi
        log="$OUT/$(basename "$t").log"
        s=$(date +%s)
        timeout "$TEST_TIMEOUT" "$t" >"$log" 2>&1
        record "$name" $? $(( $(date +%s) - s )) "$log"
    done
fi

if [ $integration -eq 1 ]; then
    for t in tests/integration/*.sh; do
        if [ ! -x "$t" ]; then
            matches "integration/$(basename "$t" .sh)" && missing "integration/$(basename "$t" .sh)" "the execute bit of $t"
            continue
        fi
        name=integration/$(basename "$t" .sh)
        matches "$name" || continue
        log="$OUT/$(basename "$t" .sh).log"
        tmp=$(mktemp -d /var/tmp/gbtest.XXXXXX)
        # mktemp makes it 0700; the uid that root of a user namespace becomes must be
        # able to search down to the data root below it (lab 06, --userns): 0711 lets
        # it pass through without listing anything.
        chmod 0711 "$tmp"
        s=$(date +%s)
        # timeout makes a process group of its own (its pid): whatever of the test is
        # still in it afterwards was left behind (the engine's monitors leave it with
        # setsid). A timed-out test's SIGTERM ends the script but not a child that
        # handles SIGTERM, and timeout then exits without its SIGKILL: one hung run
        # --events outlived its test by 37 minutes.
        GB_TEST_ROOT="$tmp" GLASSBOX_ROOT="$tmp/run" GLASSBOX_DATA_ROOT="$tmp/data" \
            timeout -k 10 "$TEST_TIMEOUT" "$t" >"$log" 2>&1 </dev/null &
        group=$!
        wait $group
        status=$?
        [ $status -eq 124 ] && echo "timed out after ${TEST_TIMEOUT}s" >>"$log"
        for _ in $(seq 50); do pgrep -g $group >/dev/null || break; sleep 0.1; done
        stray=$(pgrep -a -g $group)
        if [ -n "$stray" ]; then
            echo "left these processes behind 5 s after it ended (killed now):" >>"$log"
            sed 's/^/    /' <<<"$stray" >>"$log"
            kill -KILL -- -$group 2>/dev/null
            [ $status -eq 0 ] || [ $status -eq 77 ] && status=1
        fi
        record "$name" $status $(( $(date +%s) - s )) "$log"
        # Whatever a test started with these roots must be gone now. A leftover is a
        # failure of that test; what `rm -f` cannot remove keeps its roots, so that its
        # cgroups and monitors can still be found (not orphaned by deleting the state).
        if [ -d "$tmp/run/containers" ] && [ -n "$(ls -A "$tmp/run/containers" 2>/dev/null)" ]; then
            left=$(ls "$tmp/run/containers" | tr '\n' ' ')
            echo "FAIL  $name left containers behind: $left"
            case $status in 0) passed=$((passed - 1)) ;; 77) skipped=$((skipped - 1)) ;; esac
            case $status in 0 | 77) failed=$((failed + 1)); failures+=("$name") ;; esac
            for id in $left; do
                GLASSBOX_ROOT="$tmp/run" GLASSBOX_DATA_ROOT="$tmp/data" "$GLASSBOX" rm -f "$id" >/dev/null 2>&1
            done
            if [ -n "$(ls -A "$tmp/run/containers" 2>/dev/null)" ]; then
                echo "      ! rm -f could not remove them: kept $tmp for a look (GLASSBOX_ROOT=$tmp/run)"
                continue
            fi
        fi
        rm -rf "$tmp" 2>/dev/null || umount -R "$tmp" 2>/dev/null
        rm -rf "$tmp" 2>/dev/null
    done
fi

echo
echo "total time: $(( $(date +%s) - start_all ))s"
[ $failed -gt 0 ] && echo "failed: ${failures[*]}"
[ $((passed + failed + skipped)) -eq 0 ] && { echo "no test ran"; failed=1; }
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
