#!/bin/bash
# pids.max stops a fork bomb inside (fork fails with EAGAIN) while the host still forks.
. "$(dirname "$0")/../cgroup/lib.sh"

for lay in $LAYOUTS; do
    n=$(cgname "pids-$lay")
    out=$(cg "$lay" run "$n" --pids-limit 10 -- "$CGTOOL" forkbomb 50 2>&1)
    forked=$(sed -n 's/.*forked=\([0-9]*\).*/\1/p' <<<"$out")
    eagain=$(sed -n 's/.*eagain=\([0-9]*\).*/\1/p' <<<"$out")
    check "$lay: at most 9 children beside the bomb itself ($out)" test "${forked:-99}" -le 9
    check "$lay: the rest failed with EAGAIN ($out)" test "${eagain:-0}" -ge 41
    check "$lay: the host still forks" bash -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do /bin/true || exit 1; done'
    check "$lay: no cgroup dir left" test -z "$(dirs_of "$n")"
done
err=$("$CGTOOL" create "$(cgname badpids)" --pids-limit 0 2>&1)
check "--pids-limit 0 is a clear error ($err)" grep -q 'invalid --pids-limit' <<<"$err"
finish
