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

extract() { # README -> the sh blocks, in order
    awk '/^```sh[[:space:]]*$/ {on=1; next} /^```/ {on=0; next} on {print}' "$1"
}

for guide in "$GB_SRC"/labs/[0-9][0-9]-*/README.md; do
    lab=$(basename "$(dirname "$guide")")
    script=$GB_TEST_ROOT/$lab.sh
    { echo 'set -eo pipefail'; extract "$guide"; } >"$script"
    n=$(grep -c . <(extract "$guide"))
    if [ "$n" -eq 0 ]; then
        # Not a pass: say loudly that this guide's steps are not covered by this test.
        echo "NOTE - $lab: no \`\`\`sh blocks, its steps are not run by this test" >&2
        continue
    fi
    covered=$((${covered:-0} + 1))
    log=$GB_TEST_ROOT/$lab.log
    # In a network namespace of its own (lo up): lab 17's guide makes bridges and veths,
    # which must never appear on the machine's real network.
    if PATH=$bindir:$PATH timeout 180 unshare --net bash -c 'ip link set lo up && exec bash "$1"' _ "$script" >"$log" 2>&1 </dev/null; then
        ok "$lab: the guide's $n command lines ran as written"
    else
        not_ok "$lab: the guide's commands failed; last lines:"
        tail -15 "$log" | sed 's/^/      | /'
    fi
    # Every guide ends by removing its containers.
    left=$(gb ps -a -q)
    assert_eq "$lab: the guide removed every container it made" "" "$left"
    for id in $left; do gb rm -f "$id" >/dev/null 2>&1; done
done
# Every guide's steps are sh blocks (issue 23). Lab 20's guide walks a student through
# writing a whole compose stack with its own Makefile: 86-compose-lab20 runs that stack.
check "the guides of labs 01-19 are covered (${covered:-0} guides run)" test "${covered:-0}" -ge 19
finish
