#!/usr/bin/env bash
# The parsers that read untrusted text, fuzzed (tests/fuzz/, libFuzzer with ASan and UBSan):
# the Dockerfile parser, the seccomp profile loader, the event-stream reader of the viz, the
# mount specs and -p, Compose files, and registries' manifests and image references. Each
# past crasher (tests/fuzz/regress/) must replay without crashing, and each target must run
# FUZZ_TEST_SECONDS (3) from its seeds without a crash. `make fuzz` runs them longer. Skips
# when clang or its libFuzzer runtime is missing.
. "$(dirname "$0")/../lib/common.sh"
need_cmd clang
need_cmd make
secs=${FUZZ_TEST_SECONDS:-3}

# libFuzzer ships in libclang-rt-dev: a target that links is proof it is there.
probe=$GB_TEST_ROOT/probe
mkdir -p "$probe"
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n' >"$probe/p.c"
clang -fsanitize=fuzzer,address,undefined -o "$probe/p" "$probe/p.c" >"$probe/log" 2>&1 ||
    skip "clang cannot link a libFuzzer target (install libclang-rt-dev): $(head -c 300 "$probe/log")"

cd "$GB_SRC" || exit 1
out=$(make --no-print-directory -s -j"$(nproc)" BUILD="$BUILD" fuzz-build 2>&1)
check "the fuzz targets build: $(tail -n 5 <<<"$out")" test $? -eq 0
dir=$GB_SRC/$BUILD/fuzz
names="json dockerfile seccomp events mountspec publish compose manifest"

# A target that crashes must fail the run: one built to abort on its seed proves the runner
# and the sanitizers are awake (otherwise "no crash" could mean "nothing ran").
ctl=$GB_TEST_ROOT/control
mkdir -p "$ctl/corpus/ctl"
printf 'boom' >"$ctl/corpus/ctl/seed"
printf '#include <stdint.h>\n#include <stddef.h>\n#include <string.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { char b[4]; if (n >= 4 && !memcmp(d, "boom", 4)) memcpy(b, d, n + 8); return b[0] == 1; }\n' >"$ctl/ctl.c"
clang -fsanitize=fuzzer,address,undefined -o "$ctl/fuzz_ctl" "$ctl/ctl.c" 2>/dev/null
cp "$GB_SRC/tests/fuzz/run.sh" "$ctl/run.sh"
out=$("$ctl/run.sh" "$ctl" 2 ctl 2>&1); status=$?
check "control: a target that overflows a buffer fails the run" test $status -ne 0
assert_contains "control: and the run says why" "CRASH" "$out"

# As many targets at once as there are CPUs (each is one process, busy on one); their
# outputs and exit codes in files, read in order below.
fuzz_one() { tests/fuzz/run.sh "$dir" "$secs" "$1" >"$GB_TEST_ROOT/fuzz-$1.out" 2>&1; echo $? >"$GB_TEST_ROOT/fuzz-$1.rc"; }
running=0
for n in $names; do
    fuzz_one "$n" &
    running=$((running + 1))
    [ "$running" -ge "$(nproc)" ] && { wait -n; running=$((running - 1)); }
done
wait
for n in $names; do
    out=$(cat "$GB_TEST_ROOT/fuzz-$n.out"); status=$(cat "$GB_TEST_ROOT/fuzz-$n.rc")
    echo "$out"
    check "fuzz $n: ${secs}s without a crash" test $status -eq 0
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz-$n.log")
    check "fuzz $n: it ran (${runs:-0} inputs)" test "${runs:-0}" -gt 100
    if [ -d "tests/fuzz/regress/$n" ] && [ -n "$(ls -A "tests/fuzz/regress/$n")" ]; then
        assert_contains "fuzz $n: the past crashers were replayed" "past crashers replayed" "$out"
    fi
done
finish
