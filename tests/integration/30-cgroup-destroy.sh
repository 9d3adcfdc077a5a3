#!/bin/bash
# Removal with processes still inside (a parent and its children), as `rm -f` does after
# a crashed engine: a fresh cgtool finds the cgroup by name, kills everything, and no
# dir of it remains in any hierarchy. A second destroy of what is gone is fine.
. "$(dirname "$0")/../cgroup/lib.sh"

for lay in $LAYOUTS; do
    n=$(cgname "rm-$lay")
    cg "$lay" create "$n" -m 64m --pids-limit 50 >/dev/null || { bad "$lay: create"; continue; }
    # the tree forks only once its parent is inside (it waits on a fifo)
    fifo=$(mktemp -u "${GB_TEST_ROOT:-/tmp}/cgt-fifo.XXXXXX"); mkfifo "$fifo"
    bash -c 'read -r _ < "$1"; sleep 100 & sleep 100 & sleep 100 & wait' _ "$fifo" & CG_PIDS=$!
    cg "$lay" attach "$n" "$CG_PIDS"
    echo go > "$fifo"; rm -f "$fifo"
    bash -c "exec sleep 100" & CG_PIDS="$CG_PIDS $!"
    cg "$lay" attach "$n" "$!"
    sleep 0.2
    inside=$(cg "$lay" pids "$n")
    cnt=$(wc -l <<<"$inside")
    check "$lay: 5 processes inside ($cnt)" test "$cnt" -eq 5
    check "$lay: dirs exist before" test -n "$(dirs_of "$n")"
    err=$(rmdir "$(dirs_of "$n" | head -1)" 2>&1)
    check "$lay: plain rmdir is refused while processes are inside ($err)" grep -q busy <<<"$err"
    check "$lay: destroy" cg "$lay" destroy "$n"
    left=$(dirs_of "$n")
    check "$lay: no cgroup dir left in any hierarchy (${left:-none})" test -z "$left"
    alive=0; for p in $inside; do kill -0 "$p" 2>/dev/null && [ "$(cut -d' ' -f3 /proc/$p/stat)" != Z ] && alive=1; done
    check "$lay: every process inside is dead" test "$alive" -eq 0
    wait 2>/dev/null; CG_PIDS=
    check "$lay: destroy of a cgroup already gone succeeds" cg "$lay" destroy "$n"
done
finish
