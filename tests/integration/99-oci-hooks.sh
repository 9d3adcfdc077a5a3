#!/usr/bin/env bash
# config.json's hooks (runtime-spec config.md "POSIX-platform Hooks", docs/oci.md): every
# kind, run by glassbox-runc from a subreaper as containerd's shim runs it. Each hook is a
# small shell script that writes down what it saw (the state on its stdin, its own mount,
# network and PID namespaces, PID 1's) and the test compares that with the kernel's view
# of the container; then the order, failures that undo create/start and leave nothing, a
# timeout that kills the hook's whole process group, and poststop after delete.
. "$(dirname "$0")/../lib/oci_subreaper.sh"  # re-run from a subreaper, as a shim would
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/oci_bundle.sh"
need_root
need_cmd jq
O=$GB_TEST_ROOT/out      # what the hooks write; bound at /out inside the container
H=$GB_TEST_ROOT/hooks    # the hook scripts; bound at /hooks inside the container
mkdir -p "$O" "$H"
oci_bundle "$B" '["sleep","300"]'
jq --arg o "$O" --arg h "$H" '.mounts += [
    {"destination": "/out", "type": "bind", "source": $o, "options": ["rbind", "rw"]},
    {"destination": "/hooks", "type": "bind", "source": $h, "options": ["rbind", "ro"]}]' \
    "$B/config.json" > "$B/base.json"
IDS="h1 h2 f1 f2 f3 f4 t1 w1"
cleanup_hooks() { for c in $IDS; do runc_ delete --force $c >/dev/null 2>&1; done; gb_cleanup; }
trap cleanup_hooks EXIT

# rec.sh NAME: the state from stdin and what this process sees, into $OUT/NAME.*; its
# name appended to $OUT/order. Its stdout and stderr get noise that must not reach ours.
cat > "$H/rec.sh" <<'SH'
#!/bin/sh
n=$1
cat > "$OUT/$n.state"
pid=$(sed 's/.*"pid":\([0-9]*\).*/\1/' "$OUT/$n.state")
readlink /proc/self/ns/mnt > "$OUT/$n.mnt"
readlink /proc/self/ns/net > "$OUT/$n.net"
readlink /proc/self/ns/pid > "$OUT/$n.pidns"
if [ "$pid" -gt 0 ] 2>/dev/null && [ -e "/proc/$pid/ns/net" ]; then
    readlink "/proc/$pid/ns/net" > "$OUT/$n.pid1net"
    cat "/proc/$pid/cgroup" > "$OUT/$n.pid1cgroup"
fi
[ -d "$BUNDLE/rootfs" ] && echo yes > "$OUT/$n.seesbundle"
id=$(sed 's/.*"id":"\([^"]*\)".*/\1/' "$OUT/$n.state")
[ -d "$ROOT/oci/$id" ] && echo yes > "$OUT/$n.record"
hostname > "$OUT/$n.hostname" 2>/dev/null
echo "$n" >> "$OUT/order"
echo "noise-on-stdout-from-$n"
echo "noise-on-stderr-from-$n" >&2
exit 0
SH
# fail.sh CODE TEXT: says TEXT on stderr and exits CODE
printf '#!/bin/sh\necho "$2" >&2\necho out-of-$2\nexit "$1"\n' > "$H/fail.sh"
# slow.sh: starts a child and waits far past any timeout
printf '#!/bin/sh\necho $$ > "$OUT/slow.pid"\nsleep 300 &\necho $! > "$OUT/slow.child"\nwait\n' > "$H/slow.sh"
chmod 755 "$H"/*.sh

hook() { # hook KIND-NAME SCRIPT [ARG...]: one hook object; OUT/BUNDLE in env
    local out=$O
    [ "$1" = startContainer ] && out=/out
    jq -n --arg p "$2" --arg o "$out" --arg b "$B" --arg r "$R" '$ARGS.positional as $a |
        {path: $p, args: ([$p | split("/") | last] + $a), env: ["OUT=" + $o, "BUNDLE=" + $b, "ROOT=" + $r, "PATH=/bin:/usr/bin"]}' \
        --args "${@:3}"
}
hin() { [ "$1" = startContainer ] && echo /hooks/$2 || echo "$H/$2"; } # the script's path for a kind

# 1. Every kind, in order; each sees what the spec says.
hooks=$(jq -n --argjson p0 "$(hook prestart "$(hin prestart rec.sh)" prestart0)" \
    --argjson p1 "$(hook prestart "$(hin prestart rec.sh)" prestart1)" \
    --argjson cr "$(hook createRuntime "$(hin createRuntime rec.sh)" createRuntime)" \
    --argjson cc "$(hook createContainer "$(hin createContainer rec.sh)" createContainer)" \
    --argjson sc "$(hook startContainer "$(hin startContainer rec.sh)" startContainer)" \
    --argjson ps "$(hook poststart "$(hin poststart rec.sh)" poststart)" \
    --argjson pt "$(hook poststop "$(hin poststop rec.sh)" poststop)" \
    '{prestart: [$p0, $p1], createRuntime: [$cr], createContainer: [$cc], startContainer: [$sc], poststart: [$ps], poststop: [$pt]}')
edit ".hooks = $hooks | .annotations[\"org.glassbox.events\"] = \"$GB_TEST_ROOT/h1.jsonl\""
runc_ create --bundle "$B" --pid-file "$B/h1.pid" h1 >"$B/create.out" 2>"$B/create.err"
assert_eq "create with a hook of every kind" 0 "$?"
pid=$(cat "$B/h1.pid")
assert_eq "create ran prestart (twice, in order), createRuntime, createContainer" \
    "prestart0 prestart1 createRuntime createContainer" "$(tr '\n' ' ' < "$O/order" | sed 's/ $//')"
st=$(cat "$O/prestart0.state")
assert_eq "the state on stdin: id" h1 "$(jq -r .id <<<"$st")"
assert_eq "the state on stdin: status created (the spec: after step 2, the environment made)" created "$(jq -r .status <<<"$st")"
assert_eq "the state on stdin: pid is PID 1's host pid" "$pid" "$(jq -r .pid <<<"$st")"
assert_eq "the state on stdin: bundle" "$B" "$(jq -r .bundle <<<"$st")"
assert_eq "the state on stdin: annotations" "yes $GB_TEST_ROOT/h1.jsonl" "$(jq -r '.annotations["org.glassbox.test"] + " " + .annotations["org.glassbox.events"]' <<<"$st")"
me_mnt=$(readlink /proc/self/ns/mnt) me_net=$(readlink /proc/self/ns/net)
c_mnt=$(readlink "/proc/$pid/ns/mnt") c_net=$(readlink "/proc/$pid/ns/net")
for k in prestart0 createRuntime; do
    assert_eq "$k runs in the runtime's mount namespace" "$me_mnt" "$(cat "$O/$k.mnt")"
    assert_eq "$k runs in the runtime's network namespace" "$me_net" "$(cat "$O/$k.net")"
    assert_eq "$k: PID 1's network namespace exists already (Docker's hook needs it)" "$c_net" "$(cat "$O/$k.pid1net")"
    assert_eq "$k: PID 1 is in its cgroup already" "$(cat "/proc/$pid/cgroup")" "$(cat "$O/$k.pid1cgroup")"
done
assert_eq "createContainer runs in the container's mount namespace" "$c_mnt" "$(cat "$O/createContainer.mnt")"
check "which is not the runtime's" test "$c_mnt" != "$me_mnt"
assert_eq "createContainer runs before pivot_root (the host's paths are still there)" yes "$(cat "$O/createContainer.seesbundle" 2>/dev/null)"
assert_eq "createContainer: in the runtime's network namespace still" "$me_net" "$(cat "$O/createContainer.net")"
check "PID 1 still waits for start (not exec'd yet)" test "$(tr '\0' ' ' < "/proc/$pid/cmdline")" != "sleep 300 "
check "no hook's stdout or stderr reached create's" bash -c "! grep -q noise '$B/create.out' '$B/create.err'"
check "nor the log" bash -c "! grep -q noise '$B/log.json'"
check "startContainer has not run at create" test ! -e "$O/startContainer.state"

runc_ start h1 >"$B/start.out" 2>"$B/start.err"
assert_eq "start" 0 "$?"
assert_eq "start ran startContainer, then poststart" \
    "prestart0 prestart1 createRuntime createContainer startContainer poststart" "$(tr '\n' ' ' < "$O/order" | sed 's/ $//')"
assert_eq "startContainer: status created" created "$(jq -r .status "$O/startContainer.state")"
assert_eq "startContainer runs in the container's mount namespace" "$c_mnt" "$(cat "$O/startContainer.mnt")"
assert_eq "... its network namespace" "$c_net" "$(cat "$O/startContainer.net")"
assert_eq "... its PID namespace" "$(readlink "/proc/$pid/ns/pid")" "$(cat "$O/startContainer.pidns")"
assert_eq "... its UTS namespace (hostname)" ocibox "$(cat "$O/startContainer.hostname")"
check "... and its root, after pivot_root (the host's bundle path is not there)" test ! -e "$O/startContainer.seesbundle"
assert_eq "poststart: status running" running "$(jq -r .status "$O/poststart.state")"
assert_eq "poststart runs in the runtime's mount namespace" "$me_mnt" "$(cat "$O/poststart.mnt")"
check "poststart: PID 1 execs the command by then" test "$(tr '\0' ' ' < "/proc/$pid/cmdline")" = "sleep 300 "
check "no hook's output reached start's" bash -c "! grep -q noise '$B/start.out' '$B/start.err'"
check "poststop has not run before delete" test ! -e "$O/poststop.state"
cg=$(grep -m1 -E ':(pids|memory):|^0::' "/proc/$pid/cgroup" | cut -d: -f3)
runc_ delete --force h1
assert_eq "delete" 0 "$?"
assert_eq "delete ran poststop, last" poststop "$(tail -1 "$O/order")"
assert_eq "poststop: status stopped" stopped "$(jq -r .status "$O/poststop.state")"
assert_eq "poststop runs in the runtime's mount namespace" "$me_mnt" "$(cat "$O/poststop.mnt")"
assert_eq "prestart saw the container's record" yes "$(cat "$O/prestart0.record" 2>/dev/null)"
check "poststop ran after the container was deleted (its record gone)" test ! -e "$O/poststop.record"
assert_eq "poststop: pid 0" 0 "$(jq -r .pid "$O/poststop.state")"
check "PID 1 is gone" test ! -d "/proc/$pid"
assert_eq "the event stream has an oci.hook event for each, in order, with where it ran" \
    "prestart:runtime prestart:runtime createRuntime:runtime createContainer:container mount namespace startContainer:container poststart:runtime poststop:runtime" \
    "$(jq -r 'select(.type == "oci.hook" and .ok) | .kind + ":" + .where' "$GB_TEST_ROOT/h1.jsonl" | paste -sd' ')"

# 2. A failing hook of create: the create fails naming the hook, its exit status and its
# stderr, and leaves nothing: no process, cgroup, mount or record. poststop runs.
fail_create() { # fail_create ID KIND: a rec.sh prestart to learn PID 1, then a failing KIND
    rm -f "$O"/*
    local hooks
    hooks=$(jq -n --argjson r "$(hook prestart "$H/rec.sh" seen)" --argjson f "$(hook "$2" "$H/fail.sh" 7 "boom-$2")" \
        --argjson pt "$(hook poststop "$H/rec.sh" poststop)" --arg k "$2" \
        '{prestart: [$r], poststop: [$pt]} | .[$k] += [$f]')
    edit ".hooks = $hooks"
    runc_ create --bundle "$B" --pid-file "$B/$1.pid" "$1" >"$B/create.out" 2>"$B/create.err"
    check "a failing $2 hook fails create" test $? -ne 0
    local msg idx=0
    [ "$2" = prestart ] && idx=1
    msg=$(tail -1 "$B/log.json" | jq -r .msg)
    assert_contains "the error names the hook" "error running $2 hook #$idx ($H/fail.sh)" "$msg"
    assert_contains "its exit status" "exit status 7" "$msg"
    assert_contains "and its stderr" "stderr: boom-$2" "$msg"
    check "and its stdout is only in the message" bash -c "! grep -q out-of '$B/create.out'"
    local p
    p=$(jq -r .pid "$O/seen.state")
    check "PID 1 ($p) is gone" test ! -d "/proc/$p"
    check "its cgroup is gone" bash -c "! find /sys/fs/cgroup -maxdepth 4 -type d -name '$1' | grep -q ."
    check "no mount of its root is left" bash -c "! grep -q '$B/rootfs' /proc/self/mountinfo"
    check "no record is left" test ! -e "$R/oci/$1"
    runc_ state "$1" >/dev/null 2>&1
    check "state says it does not exist" test $? -ne 0
    check "no glassbox container is left" test -z "$("$GLASSBOX" --root "$R" --data-root "$R/data" ps -aq)"
    assert_eq "poststop ran after the failed create" stopped "$(jq -r .status "$O/poststop.state" 2>/dev/null)"
}
fail_create f1 prestart
fail_create f2 createContainer
fail_create f4 createRuntime

# 3. A failing startContainer hook: start fails with its message; the container is
# destroyed (no PID 1, cgroup, record) and poststop runs.
rm -f "$O"/*
hooks=$(jq -n --argjson f "$(hook startContainer /hooks/fail.sh 9 boom-start)" \
    --argjson pt "$(hook poststop "$H/rec.sh" poststop)" '{startContainer: [$f], poststop: [$pt]}')
edit ".hooks = $hooks"
runc_ create --bundle "$B" --pid-file "$B/f3.pid" f3
assert_eq "create with a failing startContainer hook succeeds" 0 "$?"
pid=$(cat "$B/f3.pid")
runc_ start f3 >/dev/null 2>&1
check "start fails" test $? -ne 0
msg=$(tail -1 "$B/log.json" | jq -r .msg)
assert_contains "naming the hook, its status and stderr" "error running startContainer hook #0 (/hooks/fail.sh): exit status 9, stdout: out-of-boom-start, stderr: boom-start" "$msg"
check "PID 1 never ran the command and is gone" test ! -d "/proc/$pid"
check "its cgroup is gone" bash -c "! find /sys/fs/cgroup -maxdepth 4 -type d -name f3 | grep -q ."
check "no mount of its root is left" bash -c "! grep -q '$B/rootfs' /proc/self/mountinfo"
check "no record is left" test ! -e "$R/oci/f3"
assert_eq "poststop ran" stopped "$(jq -r .status "$O/poststop.state" 2>/dev/null)"

# 4. A hook past its timeout is killed, with everything it started.
rm -f "$O"/*
hooks=$(jq -n --argjson s "$(hook createRuntime "$H/slow.sh")" '{createRuntime: [$s | .timeout = 1]}')
edit ".hooks = $hooks"
runc_ create --bundle "$B" --pid-file "$B/t1.pid" t1 2>/dev/null
check "a createRuntime hook past its timeout fails create" test $? -ne 0
assert_contains "saying so" "error running createRuntime hook #0 ($H/slow.sh): hook ran past specified timeout of 1s" "$(tail -1 "$B/log.json" | jq -r .msg)"
check "the hook's shell is killed" test ! -d "/proc/$(cat "$O/slow.pid")"
check "and the child it started (its process group)" test ! -d "/proc/$(cat "$O/slow.child")"
check "no record is left" test ! -e "$R/oci/t1"

# 5. poststart and poststop failures are warnings: start and delete succeed.
rm -f "$O"/*
hooks=$(jq -n --argjson a "$(hook poststart "$H/fail.sh" 4 boom-poststart)" \
    --argjson b "$(hook poststop "$H/fail.sh" 5 boom-poststop)" '{poststart: [$a], poststop: [$b]}')
edit ".hooks = $hooks"
runc_ create --bundle "$B" --pid-file "$B/w1.pid" w1 && runc_ start w1
assert_eq "a failing poststart hook: start still succeeds" 0 "$?"
check "logged as a warning naming the hook" bash -c "jq -r 'select(.level == \"warning\") | .msg' '$B/log.json' | grep -q 'error running poststart hook #0 ($H/fail.sh): exit status 4'"
check "the container runs" test -d "/proc/$(cat "$B/w1.pid")"
runc_ delete --force w1
assert_eq "a failing poststop hook: delete still succeeds" 0 "$?"
check "logged as a warning" bash -c "jq -r 'select(.level == \"warning\") | .msg' '$B/log.json' | grep -q 'error running poststop hook #0 ($H/fail.sh): exit status 5'"

# 6. Bad hooks are refused at create with their JSON path; nothing is left.
edit '.hooks = {prestart: [{path: "relative/hook"}]}'
runc_ create --bundle "$B" --pid-file "$B/x.pid" h2 2>/dev/null
check "a relative hook path is refused" test $? -ne 0
assert_contains "naming its JSON path" "hooks.prestart[0].path must be an absolute path" "$(tail -1 "$B/log.json" | jq -r .msg)"
edit ".hooks = {poststop: [{path: \"$H/rec.sh\", timeout: 0}]}"
runc_ create --bundle "$B" --pid-file "$B/x.pid" h2 2>/dev/null
check "timeout 0 is refused" test $? -ne 0
assert_contains "naming its JSON path" "hooks.poststop[0].timeout" "$(tail -1 "$B/log.json" | jq -r .msg)"
edit ".hooks = {createRuntime: [{path: \"$H/no-such-hook\"}]}"
runc_ create --bundle "$B" --pid-file "$B/x.pid" h2 2>/dev/null
check "a hook that does not exist fails create" test $? -ne 0
assert_contains "saying why" "fork/exec $H/no-such-hook: No such file or directory" "$(tail -1 "$B/log.json" | jq -r .msg)"
check "no record is left" test ! -e "$R/oci/h2"

check "features lists the six kinds of hooks" bash -c "'$RUNC' features | jq -e '.hooks == [\"prestart\",\"createRuntime\",\"createContainer\",\"startContainer\",\"poststart\",\"poststop\"]' >/dev/null"
assert_nothing_left "after all the hooks"
finish
