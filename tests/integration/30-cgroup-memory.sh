#!/bin/bash
# Memory limit on the real host: an allocation past -m is OOM-killed (137, the kernel's
# oom_kill counter goes up); one under it survives. Bad values create nothing.
. "$(dirname "$0")/../cgroup/lib.sh"

for lay in $LAYOUTS; do
    n=$(cgname "mem-$lay")
    out=$(cg "$lay" run "$n" -m 64m -- "$CGTOOL" alloc 160 2>&1)
    check "$lay: 160 MB under -m 64m is OOM-killed ($out)" grep -q "exit=137 oom_kills=[1-9]" <<<"$out"
    out=$(cg "$lay" run "$n" -m 64m -- "$CGTOOL" alloc 16 2>&1)
    check "$lay: 16 MB under -m 64m survives ($out)" grep -q "exit=0 oom_kills=0" <<<"$out"
    check "$lay: no cgroup dir left after run" test -z "$(dirs_of "$n")"

    cg "$lay" create "$n" -m 48m >/dev/null
    check "$lay: memory limit read back from the kernel" \
        grep -qx "memory=50331648" <<<"$(cg "$lay" limits "$n")"
    check "$lay: swap off (memory+swap = memory)" \
        grep -qx "memory_swap=50331648" <<<"$(cg "$lay" limits "$n")"
    cg "$lay" destroy "$n"
done

n=$(cgname badmem)
err=$("$CGTOOL" create "$n" -m 12XB 2>&1)
check "-m 12XB is a clear error ($err)" grep -q 'invalid --memory value "12XB"' <<<"$err"
err=$("$CGTOOL" create "$n" -m 1m 2>&1)
check "-m 1m is below the minimum ($err)" grep -q 'below the minimum' <<<"$err"
check "a bad value creates no cgroup dir" test -z "$(dirs_of "$n")"
finish
