#!/usr/bin/env bash
# The name index (<state root>/names): picking a free name and finding one by name read one
# state file, not all of them; an old state root without the index gets one; a stale link
# does not hold a name hostage.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd strace
N=40
for i in $(seq $N); do gb run -d -q busybox sleep 1000 >/dev/null; done
gb run -d -q --name held busybox sleep 1000 >/dev/null
assert_eq "$((N + 1)) containers running" $((N + 1)) "$(gb ps -q | wc -l)"

# Count the container.json files each command opens: flat, whatever N is.
opens() { strace -f -qq -e trace=openat -o "$GB_TEST_ROOT/trace" "$GLASSBOX" "$@" >/dev/null 2>&1
          grep -c 'container\.json"' "$GB_TEST_ROOT/trace"; }
n=$(opens run --rm busybox true)
check "an unnamed run --rm opens $n state files with $((N + 1)) containers around (not one each)" test "$n" -le 4
n=$(opens run --rm --name fresh busybox true)
check "a named run --rm opens $n state files" test "$n" -le 4
n=$(opens exec held true)
check "exec by name opens $n state files" test "$n" -le 3
n=$(opens inspect held)
check "inspect by name opens $n state files" test "$n" -le 3
n=$(opens run -d -q --name twin busybox true; gb rm -f twin >/dev/null)
check "run -d --name opens $n state files" test "$n" -le 4

# An index from before it was complete: no links, no marker. The first lookup rebuilds it.
rm -rf "$GLASSBOX_ROOT/names"
out=$(gb run --name held busybox true 2>&1); rc=$?
assert_eq "without the index a taken name is still refused" 125 $rc
assert_contains "with the owner named" "already in use" "$out"
check "the index was rebuilt, with its marker" test -f "$GLASSBOX_ROOT/names/.complete"
check "and a link for the running container" test -L "$GLASSBOX_ROOT/names/held"

# A link left by a crash between the link and the state file: the name is free.
ln -s 000000000000 "$GLASSBOX_ROOT/names/ghost"
check "a stale link does not hold its name" gb run --rm --name ghost busybox true
check "and afterwards the name is gone from the index (--rm)" test ! -e "$GLASSBOX_ROOT/names/ghost"

for id in $(gb ps -aq); do gb rm -f "$id" >/dev/null; done
assert_eq "all removed" 0 "$(gb ps -aq | wc -l)"
check "no link is left but the marker" bash -c "[ -z \"\$(ls '$GLASSBOX_ROOT/names')\" ]"
assert_nothing_left "after the index test"
finish
