#!/usr/bin/env bash
# The lab guides' commands run as written (issue 8): every ```sh block of each
# labs/NN-*/README.md, in order, in one bash session per guide (later blocks use
# variables set by earlier ones), with `set -e`: a step that fails fails the test.
# ```text and ```c blocks are for reading and are not run.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
need_cmd nsenter
need_cmd unshare
need_cmd ipcmk

# The guides call `glassbox`: the one under test, with this test's private roots.
bindir=$GB_TEST_ROOT/bin
mkdir -p "$bindir"
ln -sf "$GLASSBOX" "$bindir/glassbox"

extract() { # README -> the sh blocks, in order (those inside a list item unindented)
    awk '/^ *```sh[[:space:]]*$/ {on=1; match($0, /^ */); ind=RLENGTH; next}
         /^ *```/ {on=0; next} on {print substr($0, ind + 1)}' "$1"
}

# Lab 20's guide builds eight images from the Debian mirror (minutes) before its first
# container: it runs only with GB_SLOW_TESTS=1, as test 86 does. The images are built
# first, outside the network namespace (apt needs the mirror, as docker build's RUN has
# the host's network); the guide's own `make` then finds every layer in the cache, and
# runs the stack with its 443 inside the namespace. It starts from a copy of the lab.
lab20() { # script log
    [ "${GB_SLOW_TESTS:-}" = 1 ] || {
        echo "NOTE - 20-inception-stack: its guide runs only with GB_SLOW_TESTS=1 (it builds eight images from the Debian mirror)" >&2
        return 2
    }
    local tree=$GB_TEST_ROOT/lab20-tree lab=$GB_TEST_ROOT/lab20-tree/labs/20-inception-stack
    mkdir -p "$tree/labs" && cp -r "$GB_SRC/labs/20-inception-stack" "$tree/labs/"
    cp "$lab/srcs/.env.example" "$lab/srcs/.env"
    (cd "$lab" && DATA_DIR=/tmp/inception-data gb compose -f srcs/docker-compose.yml -p inception build) \
        >"$2.build" 2>&1 || { tail -20 "$2.build" >"$2"; return 1; }
    (cd "$tree" && PATH=$bindir:$PATH timeout 900 unshare --net bash -c 'ip link set lo up && exec bash "$1"' _ "$1") >"$2" 2>&1 </dev/null
}

# One guide, run as written; its outcome lands in files the report below reads:
# $lab.rc (exit code, 2 for lab 20 not run), $lab.log, $lab.left (containers it left).
run_guide() { # guide
    local guide=$1 lab script log rc
    lab=$(basename "$(dirname "$guide")")
    script=$GB_TEST_ROOT/$lab.sh log=$GB_TEST_ROOT/$lab.log
    { echo 'set -eo pipefail'; extract "$guide"; } >"$script"
    if [ "$lab" = 20-inception-stack ]; then
        lab20 "$script" "$log"
        rc=$?
    else
        # In a network namespace of its own (lo up): lab 17's guide makes bridges and
        # veths, which must never appear on the machine's real network.
        PATH=$bindir:$PATH timeout 180 unshare --net bash -c 'ip link set lo up && exec bash "$1"' \
            _ "$script" >"$log" 2>&1 </dev/null
        rc=$?
    fi
    echo $rc >"$GB_TEST_ROOT/$lab.rc"
    # Every guide ends by removing its containers; what it left is removed here.
    gb ps -a -q >"$GB_TEST_ROOT/$lab.left"
    for id in $(cat "$GB_TEST_ROOT/$lab.left"); do gb rm -f "$id" >/dev/null 2>&1; done
}

# Two lanes at once, each with state and data roots of its own: the guides whose time is
# mostly sleeps (stop grace periods, zombies left to age, a paused counter) beside all the
# others. One after the other they took 92 s.
guides=() sleepy=()
for guide in "$GB_SRC"/labs/[0-9][0-9]-*/README.md; do
    lab=$(basename "$(dirname "$guide")")
    if [ -z "$(extract "$guide")" ]; then
        # Not a pass: say loudly that this guide's steps are not covered by this test.
        echo "NOTE - $lab: no \`\`\`sh blocks, its steps are not run by this test" >&2
        continue
    fi
    case $lab in
    10-* | 13-* | 14-*) sleepy+=("$guide") ;;
    20-*) ;; # alone, after both lanes: it builds and publishes a whole stack
    *) guides+=("$guide") ;;
    esac
done
(
    export GLASSBOX_ROOT=$GB_TEST_ROOT/lane2/run GLASSBOX_DATA_ROOT=$GB_TEST_ROOT/lane2/data
    for guide in "${sleepy[@]}"; do run_guide "$guide"; done
) &
lane2=$!
for guide in "${guides[@]}"; do run_guide "$guide"; done
wait $lane2
[ -e "$GB_SRC/labs/20-inception-stack/README.md" ] && run_guide "$GB_SRC/labs/20-inception-stack/README.md"

for guide in "$GB_SRC"/labs/[0-9][0-9]-*/README.md; do
    lab=$(basename "$(dirname "$guide")")
    [ -e "$GB_TEST_ROOT/$lab.rc" ] || continue
    rc=$(cat "$GB_TEST_ROOT/$lab.rc") log=$GB_TEST_ROOT/$lab.log
    [ "$rc" = 2 ] && [ "$lab" = 20-inception-stack ] && continue
    n=$(grep -c . <(extract "$guide"))
    covered=$((${covered:-0} + 1))
    if [ "$rc" = 0 ]; then
        ok "$lab: the guide's $n command lines ran as written"
    else
        not_ok "$lab: the guide's commands failed; last lines:"
        tail -15 "$log" | sed 's/^/      | /'
    fi
    if [ "$lab" = 20-inception-stack ]; then
        check "$lab: its make fclean left no image of the stack" \
            sh -c "! '$GLASSBOX' images | grep -qE '^(nginx|wordpress|mariadb|redis|ftp|adminer|static|dashboard) '"
        check "$lab: ... nor its data folder" test ! -e /tmp/inception-data/wordpress
        rm -rf /tmp/inception-data
    fi
    assert_eq "$lab: the guide removed every container it made" "" "$(cat "$GB_TEST_ROOT/$lab.left")"
done
check "the second lane's roots hold no container" \
    test -z "$(find "$GB_TEST_ROOT"/lane2/{run,data}/containers -mindepth 1 -maxdepth 1 2>/dev/null)"
# Every guide's steps are sh blocks (issue 23); lab 20's run with GB_SLOW_TESTS=1.
want=20
[ "${GB_SLOW_TESTS:-}" = 1 ] && want=21
check "the guides are covered (${covered:-0} guides run)" test "${covered:-0}" -ge $want
check "every guide has its steps in sh blocks" \
    test -z "$(for g in "$GB_SRC"/labs/[0-9][0-9]-*/README.md; do [ -n "$(extract "$g")" ] || echo "$g"; done)"
finish
