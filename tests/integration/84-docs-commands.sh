#!/usr/bin/env bash
# The commands of README.md and docs/*.md run as written (issue 23), as test 80 does for
# the lab guides: every ```sh runnable block of a file, in order, in one bash session with
# `set -e` (later blocks use what earlier ones made), from the top of the source tree, in a
# network namespace of its own. `make install` goes to a PREFIX of this test (the
# environment's PREFIX, which the Makefile honours), whose bin/ comes first on PATH.
# Blocks marked plain ```sh are interactive or host-changing: their commands are checked
# against the programs' --help (below), not run.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd unshare
need_cmd make

bindir=$GB_TEST_ROOT/bin
prefix=$GB_TEST_ROOT/prefix
mkdir -p "$bindir"
ln -sf "$GLASSBOX" "$bindir/glassbox"
[ -x "$GB_SRC/${BUILD:-build}/bin/glassbox-viz" ] && ln -sf "$GB_SRC/${BUILD:-build}/bin/glassbox-viz" "$bindir/"

extract() { # FILE -> its runnable sh blocks, in order
    awk '/^```sh runnable[[:space:]]*$/ {on=1; next} /^```/ {on=0; next} on {print}' "$1"
}

blocks=0
for doc in "$GB_SRC"/README.md "$GB_SRC"/docs/*.md; do
    name=${doc#"$GB_SRC"/}
    n=$(grep -c '^```sh runnable' "$doc")
    [ "$n" -eq 0 ] && continue
    blocks=$((blocks + n))
    script=$GB_TEST_ROOT/$(tr / - <<<"$name").sh
    log=$script.log
    { echo 'set -eo pipefail'; extract "$doc"; } >"$script"
    if (cd "$GB_SRC" && PREFIX=$prefix PATH=$prefix/bin:$bindir:$PATH timeout 300 \
        unshare --net bash -c 'ip link set lo up && exec bash "$1"' _ "$script" >"$log" 2>&1 </dev/null); then
        ok "$name: its $n runnable block(s) ran as written"
    else
        not_ok "$name: a command failed; last lines:"
        tail -15 "$log" | sed 's/^/      | /'
    fi
    left=$(gb ps -a -q)
    assert_eq "$name: its commands removed every container they made" "" "$left"
    for id in $left; do gb rm -f "$id" >/dev/null 2>&1; done
done
check "README.md and docs/ have runnable blocks ($blocks)" test "$blocks" -ge 3

# The plain ```sh blocks (cheat sheets with placeholders, host-changing or online steps) are
# not run; their commands are held against --help instead: the command exists and every
# --option is one it lists (tests/lib/doc_commands.py). A control proves it can fail.
viz=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
out=$(cd "$GB_SRC" && python3 tests/lib/doc_commands.py "$GLASSBOX" "$viz" README.md docs/*.md 2>&1)
rc=$? n=$(grep -c '^ok' <<<"$out")
check "the plain sh blocks' commands and options exist ($n commands)" test $rc -eq 0 -a "$n" -ge 40
grep '^BAD' <<<"$out" | sed 's/^/      | /'
printf '```sh\nglassbox --events FILE run busybox true\nglassbox run --bogus busybox\n```\n' >"$GB_TEST_ROOT/drift.md"
out=$(python3 "$GB_SRC/tests/lib/doc_commands.py" "$GLASSBOX" "$viz" "$GB_TEST_ROOT/drift.md" 2>&1)
rc=$? n=$(grep -c '^BAD' <<<"$out")
check "control: a command and an option the programs lack are both named" test $rc -ne 0 -a "$n" -eq 2

# docs/events.md's example is a real recording: the same run gives the same events, with
# the same members, index, total and explanation (times, ids and paths differ).
need_cmd jq
rec=$GB_TEST_ROOT/events.jsonl
gb run --events "$rec" --rm --name web busybox true
n=0
while read -r doc_ev; do
    n=$((n + 1))
    type=$(jq -r .type <<<"$doc_ev")
    real=$(jq -c --arg t "$type" 'select(.type == $t and .step == "pivot_root")' "$rec" | head -1)
    shape='[keys, .index, .total, .explain, .step, .side, .lab]'
    assert_eq "docs/events.md's $type example: as recorded (members, index, total, text)" \
        "$(jq -c "$shape" <<<"$real")" "$(jq -c "$shape" <<<"$doc_ev")"
done < <(awk '/^## Example/ {on=1} on && /^```json/ {in_=1; next} in_ && /^```/ {exit} in_' "$GB_SRC/docs/events.md")
check "docs/events.md has its two example events ($n)" test "$n" -eq 2
if [ -d "$prefix" ]; then
    make -C "$GB_SRC" --no-print-directory PREFIX="$prefix" uninstall >/dev/null 2>&1
    assert_eq "make uninstall removed what README's make install put there" "" "$(find "$prefix" ! -type d)"
fi
assert_nothing_left "after the docs' commands"
finish
