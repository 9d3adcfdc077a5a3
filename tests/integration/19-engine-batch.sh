#!/usr/bin/env bash
# The container's rows as one batch when nobody watches them (issue 12, docs/engine.md):
# without an event stream the child asks once (READY, GO_ALL) and says READY again only
# before exec, so a start makes 3 messages on the step channel instead of 3 per row. With
# --events every row is still announced and reported, in table order, one round trip
# each; a row that fails in the batch is named, and leaves nothing behind.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd strace
need_cmd jq
gb run --rm busybox true >/dev/null # the image imported, outside the count
t=$GB_TEST_ROOT/trace

# Nobody listens: the batch. The channel is the only SOCK_SEQPACKET pair of a start.
strace -f -qq -e trace=sendmsg -o "$t" "$GLASSBOX" run --rm busybox true
assert_eq "without --events: 3 messages on the step channel" 3 "$(grep -c 'sendmsg(' "$t")"
out=$(gb run --rm busybox sh -c 'hostname; grep -c . /proc/self/mountinfo')
check "... and the container is the same: its own host name and mounts" \
    bash -c '[ "$(sed -n 1p <<<"$1")" != "$(hostname)" ] && [ "$(sed -n 2p <<<"$1")" -gt 5 ]' _ "$out"
check "... -t still gets its pty (the tty row's DONE carries the master)" \
    bash -c '"$1" run --rm -t busybox tty </dev/null | grep -q "^/dev/pts/0"' _ "$GLASSBOX"

# Someone listens: one round trip per container row, every row in the stream.
ev=$GB_TEST_ROOT/ev.jsonl
strace -f -qq -e trace=sendmsg -o "$t" "$GLASSBOX" run --rm --events "$ev" busybox true
rows=$(jq -r 'select(.type == "step.end") | .step' "$ev" | wc -l)
cont=$(jq -r 'select(.type == "step.begin" and .side == "container") | .step' "$ev" | wc -l)
check "with --events: more than 10 container rows announced" test "$cont" -gt 10
assert_eq "... each one a round trip (READY, GO, DONE; exec's DONE is the close)" \
    $((3 * cont - 1)) "$(grep -c 'sendmsg(' "$t")"
assert_eq "... and a step.end for every step.begin, in order" \
    "$(jq -r 'select(.type == "step.begin") | .step' "$ev" | tr '\n' ' ')" \
    "$(jq -r 'select(.type == "step.end") | .step' "$ev" | tr '\n' ' ')"
check "... $rows rows in all" test "$rows" -gt "$cont"

# A container row that fails inside the batch: named, exit 125, nothing left.
for step in pivot_root seccomp; do
    out=$(GLASSBOX_FAIL_STEP=$step "$GLASSBOX" run --rm --name f-$$ busybox true 2>&1)
    rc=$?
    assert_eq "$step failing in the batch: exit 125" 125 "$rc"
    assert_contains "... the error names it" "injected failure at step $step" "$out"
done
out=$("$GLASSBOX" run --rm busybox no-such-command 2>&1)
assert_eq "a command not found (the exec row's own failure): exit 127" 127 "$?"
assert_contains "... with its message" "executable file not found" "$out"
assert_eq "no container left" "" "$(gb ps -aq)"
assert_nothing_left "the batched runs" "f-$$"
finish
