#!/usr/bin/env bash
# The event stream (docs/events.md): valid JSON Lines, every step begun and ended in table
# order, lifecycle changes, process start and exit; --step-fd drives the steps.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq

ev=$GB_TEST_ROOT/events.jsonl
# --read-only and --tmpfs make the optional storage rows run too: every row of the table.
gb run --rm --events "$ev" --name evt --read-only --tmpfs /scratch busybox sh -c 'exit 3'
assert_eq "the run's exit code" 3 $?
check "every line is one JSON object" jq -e 'type == "object"' "$ev" >/dev/null
assert_eq "every event has version 1" "" "$(jq -r 'select(.v != 1) | .seq' "$ev")"
seqs=$(jq -r .seq "$ev" | tr '\n' ' ')
assert_eq "sequence numbers count up from 1" "$(seq -s ' ' 1 "$(wc -l <"$ev")") " "$seqs"
begins=$(jq -r 'select(.type=="step.begin") | .step' "$ev" | tr '\n' ' ')
ends=$(jq -r 'select(.type=="step.end") | .step' "$ev" | tr '\n' ' ')
# Rows that run only with their option: userns-* (a user namespace), init (--init),
# veth, net-config, publish (--network NAME, -p); oci-mounts, mount-join, sysctl (an OCI bundle).
table=$(gb steps | awk 'NR > 1 && $2 !~ /^userns-/ && $2 != "init" && $2 != "tty" {print $2}' | grep -vxE 'veth|net-config|publish|oci-mounts|mount-join|sysctl' | tr '\n' ' ')
assert_eq "steps begin in table order" "$table" "$begins"
assert_eq "every begun step ends" "$begins" "$ends"
assert_eq "all steps ok" "" "$(jq -r 'select(.type=="step.end" and .ok != true) | .step' "$ev")"
assert_eq "lifecycle" "none>created created>running running>stopped stopped>removed " \
    "$(jq -r 'select(.type=="lifecycle") | "\(.from)>\(.to)"' "$ev" | tr '\n' ' ')"
assert_eq "process.exit carries the exit code" 3 "$(jq -r 'select(.type=="process.exit") | .exit_code' "$ev")"
clone_pid=$(jq -r 'select(.type=="step.end" and .step=="clone") | .observed.pid' "$ev")
assert_eq "clone observes NSpid [host, 1]" "$clone_pid,1" \
    "$(jq -r 'select(.type=="step.end" and .step=="clone") | .observed.nspid | map(tostring) | join(",")' "$ev")"
assert_eq "clone observes different pid namespaces" true \
    "$(jq -r 'select(.type=="step.end" and .step=="clone") | .observed.ns.pid != .observed.ns_host.pid' "$ev")"
assert_eq "pivot_root leaves / as an overlay" overlay \
    "$(jq -r 'select(.type=="step.end" and .step=="pivot_root") | .observed.mounts[] | select(.target=="/") | .fstype' "$ev")"
assert_eq "hostname observed from inside" "$(jq -r 'select(.type=="step.end" and .step=="hostname") | .observed.hostname' "$ev")" \
    "$(jq -r 'select(.type=="step.begin" and .step=="hostname") | .call' "$ev" | sed 's/sethostname("\([^"]*\)".*/\1/')"
calls=$(jq -r 'select(.type=="step.begin") | .call' "$ev")
assert_contains "clone's call as a student writes it" "CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET" "$calls"
assert_contains "pivot_root's call" 'pivot_root(".", ".")' "$calls"

# What the container changed in its writable layer, emitted when PID 1 exits.
gb run --rm --events "$GB_TEST_ROOT/rc.jsonl" busybox sh -c 'echo hi > /new.txt; echo x >> /etc/motd; rm /etc/group'
assert_eq "rootfs.changes: new file, copy-ups and a whiteout" "/etc:copy-up /etc/group:whiteout /etc/motd:copy-up /new.txt:new " \
    "$(jq -r 'select(.type=="rootfs.changes") | .changes[] | "\(.path):\(.kind)"' "$GB_TEST_ROOT/rc.jsonl" | tr '\n' ' ')"
assert_eq "rootfs.changes comes after the stop, before the removal" "stopped rootfs.changes removed" \
    "$(jq -r 'select(.type=="lifecycle" and .to!="created" and .to!="running" or .type=="rootfs.changes") | if .type=="lifecycle" then .to else .type end' "$GB_TEST_ROOT/rc.jsonl" | tr '\n' ' ' | sed 's/ $//')"

# A failed step carries errno, error and hint.
GLASSBOX_FAIL_STEP=overlay gb run --rm --events "$GB_TEST_ROOT/fail.jsonl" busybox true 2>/dev/null
assert_eq "a failed step reports its errno" EIO \
    "$(jq -r 'select(.type=="step.end" and .ok==false) | .errno' "$GB_TEST_ROOT/fail.jsonl")"
assert_eq "the start's host steps are undone" "clone devices cgroup " \
    "$(jq -r 'select(.type=="step.undo") | .step' "$GB_TEST_ROOT/fail.jsonl" | tr '\n' ' ')"
assert_eq "then the run removes the container it created" "none>created created>removed " \
    "$(jq -r 'select(.type=="lifecycle") | "\(.from)>\(.to)"' "$GB_TEST_ROOT/fail.jsonl" | tr '\n' ' ')"
GLASSBOX_FAIL_STEP=writable-layer gb create --events "$GB_TEST_ROOT/fail2.jsonl" busybox true 2>/dev/null
assert_eq "a failed create undoes its steps in reverse" "state image " \
    "$(jq -r 'select(.type=="step.undo") | .step' "$GB_TEST_ROOT/fail2.jsonl" | tr '\n' ' ')"

# --events fd:N and --step-fd N, the way the visualizer drives the engine.
out=$( { for _ in $(seq 40); do echo next; done; } | gb run --rm --step-fd 0 --events fd:3 --read-only --tmpfs /scratch busybox echo stepped 3>"$GB_TEST_ROOT/fd.jsonl")
assert_eq "driven by --step-fd, the command runs" stepped "$out"
assert_eq "and the events went to fd 3" "$(wc -l <"$ev")" "$(wc -l <"$GB_TEST_ROOT/fd.jsonl")"
out=$(printf 'hello\nnext\nnext\nrun\n' | gb run --rm --step-fd 0 busybox echo ran)
assert_eq "unknown control lines are ignored, 'run' stops asking" ran "$out"
assert_nothing_left "after the event tests"
finish
